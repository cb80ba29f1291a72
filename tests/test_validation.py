"""Validation of new entries: every rule of the shapes is broken by one fixture, and the problem is reported at
the right file and line, by the right rule, with a message a policy officer can act on, in Dutch and English."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kennisgraaf.config import Settings
from kennisgraaf.errors import InputError
from kennisgraaf.validation.validator import format_report, validate

ROOT = Path(__file__).resolve().parent.parent
SHAPE_FIXTURES = sorted((ROOT / "tests" / "fixtures" / "shapes").glob("*.trig"))
EXPECT = re.compile(r"# expect: (\S+) (\d+)")


def expectation(fixture: Path) -> tuple[str, int]:
    found = EXPECT.match(fixture.read_text("utf-8").splitlines()[0])
    assert found, f"{fixture.name}: line 1 must be '# expect: <shape> <line>'"
    return found.group(1), int(found.group(2))


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings.load(ROOT, environ={})


def test_every_rule_has_a_fixture() -> None:
    import rdflib

    shapes = rdflib.Graph()
    for path in (ROOT / "shapes").glob("*.ttl"):
        shapes.parse(path, format="turtle")
    kgsh = "https://w3id.org/kennisgraaf/def/shapes/"
    rules = {str(s).removeprefix(kgsh) for s in shapes.subjects(rdflib.SH.message) if str(s).startswith(kgsh)}
    rules |= {str(s).removeprefix(kgsh) for s, _, c in shapes.triples((None, rdflib.SH.sparql, None))
              if str(s).startswith(kgsh)}
    tested = {expectation(f)[0] for f in SHAPE_FIXTURES}
    assert len(rules) > 50
    assert rules - tested == set(), "rules without a fixture in tests/fixtures/shapes"


@pytest.mark.parametrize("fixture", SHAPE_FIXTURES, ids=lambda p: p.stem)
def test_each_fixture_breaks_its_rule_at_its_line(settings: Settings, fixture: Path) -> None:
    shape, line = expectation(fixture)
    report = validate(settings, [fixture], lang="nl")
    hits = [p for p in report.problems if p.shape == f"kgsh:{shape}"]
    assert hits, f"expected kgsh:{shape}, got {[p.shape for p in report.problems]}"
    problem = hits[0]
    assert (Path(problem.file).name, problem.line) == (fixture.name, line)
    assert problem.message and "Voldoet niet aan de regel" not in problem.message
    assert not re.search(r"\{[$?]\w+\}", problem.message), "a placeholder was left unfilled"
    assert report.conforms == (problem.severity != "Violation" and not report.violations)


@pytest.mark.parametrize("name", ["ClaimGraphShape", "AgreementShape_party_minCount", "BudgetShape_value_sum",
                                  "KnownIriShape", "OrganisationShape_label_minCount", "QuoteInDocumentShape"])
def test_messages_come_in_english_too(settings: Settings, name: str) -> None:
    fixture = ROOT / "tests" / "fixtures" / "shapes" / f"{name}.trig"
    shape, _ = expectation(fixture)
    dutch = [p.message for p in validate(settings, [fixture], lang="nl").problems if p.shape == f"kgsh:{shape}"]
    english = [p.message for p in validate(settings, [fixture], lang="en").problems if p.shape == f"kgsh:{shape}"]
    assert dutch and english and dutch != english
    outside_quotes = re.sub(r'"[^"]*"', "", english[0])  # a quoted Dutch source text may appear in it
    assert not re.search(r"\b(de|het|een|niet)\b", outside_quotes), english[0]


def test_the_leiden_graph_conforms_with_one_known_warning(settings: Settings) -> None:
    report = validate(settings)
    assert report.violations == []
    # The Jaarstukken 2023 name the Leidse verklaring studentenwelzijn without a date: a warning, not an error.
    assert [p.focus_label for p in report.warnings] == ["Leidse verklaring studentenwelzijn"]


def test_report_formats(settings: Settings) -> None:
    fixture = ROOT / "tests" / "fixtures" / "missing-required.trig"
    report = validate(settings, [fixture], lang="en")
    text = format_report(report, "text")
    assert text.startswith("tests/fixtures/missing-required.trig:39: violation: ") or ":39: violation: " in text
    data = json.loads(format_report(report, "json"))
    assert data["conforms"] is False
    turtle = format_report(report, "turtle")
    assert "sh:ValidationReport" in turtle and "sh:conforms false" in turtle
    import rdflib

    parsed = rdflib.Graph().parse(data=turtle, format="turtle")
    results = set(parsed.objects(None, rdflib.SH.result))
    # Only the problems of the file (not the warning elsewhere in the graph), each linked from the report,
    # with the message as shown: placeholders filled, in the asked language.
    assert len(results) == len(report.problems) == len(set(parsed.subjects(rdflib.RDF.type, rdflib.SH.ValidationResult)))
    messages = {str(m) for r in results for m in parsed.objects(r, rdflib.SH.resultMessage)}
    assert messages == {p.message for p in report.problems}
    assert not any("{$" in m for m in messages)


@pytest.mark.parametrize("name", ["syntax-error", "unknown-prefix", "bad-date", "duplicate-claim"])
def test_unreadable_entries_are_input_errors_at_their_line(settings: Settings, name: str) -> None:
    fixture = ROOT / "tests" / "fixtures" / f"{name}.trig"
    _, line = expectation(fixture)
    with pytest.raises(InputError) as raised:
        validate(settings, [fixture])
    message = raised.value.message("nl")
    assert f"{fixture.name}:{line}:" in message and "Er is niets gebouwd of veranderd" in message


def test_unknown_organisation_is_caught_as_a_typo(settings: Settings) -> None:
    fixture = ROOT / "tests" / "fixtures" / "unknown-organisation.trig"
    _, line = expectation(fixture)
    report = validate(settings, [fixture])
    assert [(p.shape, p.line, p.value) for p in report.violations] == [
        ("kgsh:KnownIriShape", line, "organisatie:universiteit-leidn")]


def test_property_shapes_get_the_targets_of_their_node_shape_unless_it_is_used_elsewhere() -> None:
    import rdflib

    from kennisgraaf.validation.shacl_sparql import lift_property_shapes

    shapes = rdflib.Graph().parse(format="turtle", data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
        ex:Targeted a sh:NodeShape ; sh:targetClass ex:Thing ; sh:targetNode ex:one ; sh:property ex:NameShape .
        ex:NameShape a sh:PropertyShape ; sh:path ex:name ; sh:minCount 1 .
        ex:Nested a sh:NodeShape ; sh:property ex:SizeShape .
        ex:SizeShape a sh:PropertyShape ; sh:path ex:size ; sh:maxCount 1 .
        ex:User a sh:NodeShape ; sh:targetClass ex:Box ; sh:property ex:PartShape .
        ex:PartShape a sh:PropertyShape ; sh:path ex:part ; sh:node ex:Nested .
    """)
    lift_property_shapes(shapes)
    ex, sh = rdflib.Namespace("https://example.org/"), rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert set(shapes.objects(ex.NameShape, sh.targetClass)) == {ex.Thing}
    assert set(shapes.objects(ex.NameShape, sh.targetNode)) == {ex.one}
    assert (ex.Targeted, sh.property, ex.NameShape) not in shapes
    # ex:Nested is used through sh:node: it keeps its property shape, which gets no targets of its own.
    assert (ex.Nested, sh.property, ex.SizeShape) in shapes and not set(shapes.objects(ex.SizeShape, sh.targetClass))
    assert set(shapes.objects(ex.PartShape, sh.targetClass)) == {ex.Box}
