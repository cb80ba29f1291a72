"""Messages a policy officer can act on, in Dutch and English: what was probably meant for a misspelt IRI,
class or property; the datatype found next to the one expected; date hints built from the value written; and
JSON on stdout for scripts, also when a file cannot be read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kennisgraaf.cli import cli
from kennisgraaf.config import Settings
from kennisgraaf.errors import InputError
from kennisgraaf.graph.hints import Names, closest, literal_hint
from kennisgraaf.validation.validator import validate

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings.load(ROOT, environ={})


def only_violation(settings: Settings, name: str, lang: str):  # type: ignore[no-untyped-def]
    [problem] = validate(settings, [FIXTURES / name], lang=lang).violations
    return problem


@pytest.mark.parametrize("lang, words", [("nl", "Bedoel je organisatie:naturalis?"),
                                         ("en", "Did you mean organisatie:naturalis?")])
def test_a_misspelt_organisation_gets_the_closest_existing_one(settings: Settings, lang: str, words: str) -> None:
    problem = only_violation(settings, "misspelt-organisation.trig", lang)
    assert problem.message.endswith(words)
    assert problem.suggestions == ["organisatie:naturalis"]


def test_the_existing_typo_fixture_gets_its_right_spelling(settings: Settings) -> None:
    problem = only_violation(settings, "unknown-organisation.trig", "nl")
    assert problem.suggestions[0] == "organisatie:universiteit-leiden"


@pytest.mark.parametrize("lang, words", [("nl", "Bedoel je kg:Initiative?"), ("en", "Did you mean kg:Initiative?")])
def test_an_unknown_class_gets_the_closest_class_of_the_model(settings: Settings, lang: str, words: str) -> None:
    [problem] = [p for p in validate(settings, [FIXTURES / "shapes" / "EntityShape_type_in.trig"], lang=lang).violations
                 if p.shape == "kgsh:EntityShape_type_in"]
    assert problem.message.endswith(words) and problem.suggestions == ["kg:Initiative"]


@pytest.mark.parametrize("lang, found", [
    ("nl", 'Gevonden: "2017-07-07"^^xsd:dat — verwacht een xsd:date.'),
    ("en", 'Found: "2017-07-07"^^xsd:dat — expected an xsd:date.'),
])
def test_a_wrong_datatype_shows_the_one_found_and_the_one_expected(settings: Settings, lang: str, found: str) -> None:
    problem = only_violation(settings, "wrong-datatype-date.trig", lang)
    assert found in problem.message
    assert problem.value == '"2017-07-07"^^xsd:dat'
    assert problem.suggestions == ['"2017-07-07"^^xsd:date']


@pytest.mark.parametrize("lang, words", [
    ("nl", 'Gevonden: "7-7-2017" — verwacht een xsd:date. Is alleen het jaar bekend, gebruik dan kg:year. '
           'Bedoeld is waarschijnlijk "2017-07-07"^^xsd:date.'),
    ("en", 'Found: "7-7-2017" — expected an xsd:date. If only the year is known, use kg:year. '
           'Probably meant: "2017-07-07"^^xsd:date.'),
])
def test_a_date_as_plain_text_gets_the_date_it_was_meant_to_be(settings: Settings, lang: str, words: str) -> None:
    assert only_violation(settings, "date-day-month-year.trig", lang).message.endswith(words)


def test_the_old_fixture_says_the_text_is_a_text(settings: Settings) -> None:
    problem = only_violation(settings, "shapes/EntityShape_signingDate_datatype.trig", "nl")
    assert 'Gevonden: "2 februari 2017" — verwacht een xsd:date.' in problem.message
    assert problem.message.endswith('Bedoeld is waarschijnlijk "2017-02-02"^^xsd:date.')


@pytest.mark.parametrize("fixture, nl, en", [
    ("impossible-date.trig", "30 februari 2017 bestaat niet: februari 2017 heeft 28 dagen.",
     "February 30, 2017 does not exist: February 2017 has 28 days."),
    ("bad-date.trig", "Er is geen maand 13: maanden lopen van 01 tot 12, in de volgorde jaar-maand-dag.",
     "There is no month 13: months run from 01 to 12, in the order year-month-day."),
])
def test_an_invalid_date_says_why_it_is_none(settings: Settings, fixture: str, nl: str, en: str) -> None:
    with pytest.raises(InputError) as raised:
        validate(settings, [FIXTURES / fixture])
    assert nl in raised.value.message("nl") and en in raised.value.message("en")
    assert "2017-07-07" not in raised.value.message("nl")  # no longer the same example for every date
    line = int((FIXTURES / fixture).read_text("utf-8").split()[3])  # "# expect: <what> <line>"
    assert (raised.value.file, raised.value.line) == (f"tests/fixtures/{fixture}", line)


def test_date_hints_are_built_from_the_value_written() -> None:
    assert literal_hint("7-7-2017", "xsd:date").suggestion == '"2017-07-07"^^xsd:date'  # type: ignore[union-attr]
    assert literal_hint("2017-7-7", "xsd:date").suggestion == '"2017-07-07"^^xsd:date'  # type: ignore[union-attr]
    assert literal_hint("11 juli 2017", "xsd:date").suggestion == '"2017-07-11"^^xsd:date'  # type: ignore[union-attr]
    assert literal_hint("2016-02-29", "xsd:date").suggestion == '"2016-02-29"^^xsd:date'  # type: ignore[union-attr]
    impossible = literal_hint("2017-02-30", "http://www.w3.org/2001/XMLSchema#date")
    assert impossible is not None and impossible.suggestion is None and "bestaat niet" in impossible.nl
    assert literal_hint("gisteren", "xsd:date").suggestion is None  # type: ignore[union-attr]
    assert literal_hint("€ 1.650.000,00", "xsd:decimal").suggestion == "1650000.00"  # type: ignore[union-attr]
    assert literal_hint("2017", "xsd:integer").suggestion == "2017"  # type: ignore[union-attr]


def test_closest_names() -> None:
    known = ["organisatie:naturalis", "organisatie:lumc", "organisatie:lias", "org:Organization"]
    assert closest("organisatie:naturaliss", known) == ["organisatie:naturalis"]
    assert closest("kg:Organization", known) == ["org:Organization"]  # right name, wrong prefix
    assert closest("organisatie:iets-heel-anders", known) == []


def test_names_prepared_once_give_the_same_closest_names() -> None:
    import random

    rnd = random.Random(7)
    letters = "abcdeéxyz-"
    locals_ = sorted({"".join(rnd.choice(letters) for _ in range(rnd.randint(1, 9))) for _ in range(400)})
    organisations, themes = [f"organisatie:{n}" for n in locals_[:250]], [f"thema:{n}" for n in locals_[250:]]
    odd = ["<https://example.org/a/b>", "x:y/z#", "Plain Name", ""]
    prepared = Names.joined([Names.under_prefix("organisatie:", locals_[:250]),
                             Names.under_prefix("thema:", locals_[250:]), Names(odd)])
    plain = organisations + themes + odd
    for name in [*rnd.sample(plain, 40), "organisatie:abcd", "thema:xyz", "kg:Organization", organisations[3]]:
        assert closest(name, prepared) == closest(name, plain) == closest(name, Names(plain)), name
    assert organisations[3] not in closest(organisations[3], prepared)  # a name is never its own suggestion


@pytest.mark.parametrize("name, line", [("syntax-error.trig", 39), ("duplicate-claim.trig", 33)])
def test_json_is_printed_for_a_file_that_cannot_be_read(name: str, line: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["validate", f"tests/fixtures/{name}", "--format", "json", "--lang", "en"])
    assert result.exit_code == 2
    answer = json.loads(result.stdout)
    assert answer["conforms"] is False and answer["problems"] == []
    assert answer["error"]["kind"] == "InputError" and answer["error"]["exit_code"] == 2
    assert (answer["error"]["file"], answer["error"]["line"]) == (f"tests/fixtures/{name}", line)
    assert answer["error"]["message"].startswith(f"tests/fixtures/{name}:{line}: ")
    assert "Traceback" not in result.output


def test_json_for_a_missing_file_and_for_violations_keeps_the_exit_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    missing = CliRunner().invoke(cli, ["validate", "nergens.trig", "--format", "json"])
    assert missing.exit_code == 2 and json.loads(missing.stdout)["error"]["file"] == "nergens.trig"
    violated = CliRunner().invoke(cli, ["validate", "tests/fixtures/misspelt-organisation.trig", "--format", "json"])
    assert violated.exit_code == 1 and json.loads(violated.stdout)["problems"][0]["suggestions"] == [
        "organisatie:naturalis"]
