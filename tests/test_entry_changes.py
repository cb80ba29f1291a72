"""Entries as a change of the graph: a changed copy of a data file is validated in place of it (given with
--replaces, or recognised by its claims), only the problems of the change are reported, and placeholders or
unknown properties are caught."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kennisgraaf.cli import cli
from kennisgraaf.config import Settings
from kennisgraaf.entry.changes import plan_change, validate_entries
from kennisgraaf.entry.templates import new_entry
from kennisgraaf.errors import InputError
from kennisgraaf.graph.files import shown

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
JS2023 = ROOT / "data" / "jaarstukken-2023.trig"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings.load(ROOT, environ={})


def copy_of(tmp_path: Path, source: Path = JS2023, change: tuple[str, str] | None = None) -> Path:
    copy = tmp_path / source.name
    text = source.read_text("utf-8")
    if change is not None:
        assert change[0] in text
        text = text.replace(change[0], change[1], 1)
    copy.write_text(text, "utf-8")
    return copy


def test_a_copy_with_the_same_claims_is_validated_in_place_of_its_original(settings: Settings, tmp_path: Path) -> None:
    copy = copy_of(tmp_path)
    change, report = validate_entries(settings, [copy], lang="en")
    assert change.replaces == {copy: JS2023} and change.recognised == {copy}
    assert report.violations == []
    assert change.notes("en") == [f"{shown(copy)} holds the same claims as {shown(JS2023)}: it was checked as a "
                                  f"changed version of that file, in its place (as with --replaces {shown(JS2023)})."]


def test_only_the_problems_of_the_change_are_reported_at_their_line_in_the_copy(settings: Settings,
                                                                                tmp_path: Path) -> None:
    copy = copy_of(tmp_path, change=("org:member organisatie:naturalis", "org:member organisatie:naturaliss"))
    line = next(n for n, text in enumerate(copy.read_text("utf-8").splitlines(), 1) if "organisatie:naturaliss" in text)
    _, report = validate_entries(settings, [copy], lang="nl")
    assert [(p.shape, p.file, p.line) for p in report.violations] == [("kgsh:KnownIriShape", str(copy), line)]
    assert report.violations[0].suggestions == ["organisatie:naturalis"]


def test_replaces_is_given_for_a_copy_with_other_claims(settings: Settings, tmp_path: Path) -> None:
    copy = copy_of(tmp_path, change=("bewering:js2023-programma-kennisstad {", "bewering:js2023-programma-kennisstad-titel {"))
    text = copy.read_text("utf-8").replace("bewering:js2023-programma-kennisstad a kg:Claim",
                                           "bewering:js2023-programma-kennisstad-titel a kg:Claim")
    copy.write_text(text, "utf-8")
    with pytest.raises(InputError) as raised:  # it shares the other claims with data/jaarstukken-2023.trig
        plan_change(settings, [copy])
    message = raised.value.message("en")
    assert "is also written in data/jaarstukken-2023.trig:" in message
    assert "give --replaces data/jaarstukken-2023.trig" in message and raised.value.line is not None
    change, report = validate_entries(settings, [copy], replaces=JS2023, lang="en")
    assert change.replaces == {copy: JS2023} and not change.recognised
    assert report.violations == []


def test_replaces_must_name_a_data_file(settings: Settings, tmp_path: Path) -> None:
    copy = copy_of(tmp_path)
    with pytest.raises(InputError, match="not a file of the data folder"):
        plan_change(settings, [copy], replaces=FIXTURES / "good-membership.trig")
    with pytest.raises(InputError, match="goes with one file"):
        plan_change(settings, [copy, FIXTURES / "good-membership.trig"], replaces=JS2023)


def test_good_entries_conform(settings: Settings) -> None:
    _, report = validate_entries(settings, [FIXTURES / "good-membership.trig", FIXTURES / "good-agreement.trig"])
    assert report.problems == []


def test_placeholders_left_are_reported_instead_of_what_they_break(settings: Settings, tmp_path: Path) -> None:
    entry = tmp_path / "nieuw.trig"
    entry.write_text(new_entry(settings, "membership", source="js2023", name="Leiden in het NKN"), "utf-8")
    _, report = validate_entries(settings, [entry], lang="nl")
    lines = entry.read_text("utf-8").splitlines()
    assert {p.shape for p in report.problems} == {"kgsh:PlaceholderLeft"}
    assert [p.path for p in report.problems] == ["kg:quote", "org:member", "org:organization", "org:role"]
    for problem in report.problems:
        assert "INVULLEN" in lines[problem.line - 1] and not lines[problem.line - 1].lstrip().startswith("#")
        assert problem.focus.startswith("https://w3id.org/kennisgraaf/id/")
    assert report.problems[1].message.startswith("Hier staat nog organisatie:INVULLEN (org:member), een plek om in "
                                                 "te vullen uit `kennisgraaf new`.")


def test_an_unknown_property_gets_the_closest_known_one(settings: Settings) -> None:
    fixture = FIXTURES / "unknown-property.trig"
    line = int(fixture.read_text("utf-8").split()[3])
    for lang, start in (("nl", "De eigenschap kg:partij bestaat niet in het model"),
                        ("en", "The property kg:partij does not exist in the model")):
        _, report = validate_entries(settings, [fixture], lang=lang)
        [problem] = report.violations
        assert (problem.shape, problem.line, problem.suggestions) == ("kgsh:KnownPropertyCheck", line, ["kg:party"])
        assert problem.message.startswith(start)
        assert ("Bedoel je kg:party?" if lang == "nl" else "Did you mean kg:party?") in problem.message


def test_validate_a_copy_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = copy_of(tmp_path)
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["validate", str(copy)])
    assert result.exit_code == 0, result.output  # was 2: "the graph ... was already written"
    assert "bevat dezelfde beweringen als data/jaarstukken-2023.trig" in " ".join(result.output.split())
    explicit = CliRunner().invoke(cli, ["validate", str(copy), "--replaces", "data/jaarstukken-2023.trig",
                                        "--format", "json"])
    assert explicit.exit_code == 0 and json.loads(explicit.stdout)["conforms"] is True
    alone = CliRunner().invoke(cli, ["validate", "--replaces", "data/jaarstukken-2023.trig"])
    assert alone.exit_code == 2 and "--replaces goes with the changed copy" in alone.output


def test_the_turtle_report_has_the_entry_checks_too(settings: Settings) -> None:
    import rdflib

    from kennisgraaf.validation.validator import format_report

    _, report = validate_entries(settings, [FIXTURES / "unknown-property.trig"], lang="en")
    parsed = rdflib.Graph().parse(data=format_report(report, "turtle"), format="turtle")
    messages = {str(m) for m in parsed.objects(None, rdflib.SH.resultMessage)}
    assert messages == {p.message for p in report.problems}
    assert (None, rdflib.SH.conforms, rdflib.Literal(False)) in parsed


def test_a_directory_of_entries_is_still_accepted(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "nieuw"
    folder.mkdir()
    shutil.copy(FIXTURES / "good-membership.trig", folder)
    _, report = validate_entries(settings, [folder])
    assert report.conforms
