"""`kennisgraaf new`: starter entries made from the shapes parse, name what is required and allowed, and
validate once their placeholders are filled in with real values and real quotes."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from entry_filling import documents, fill

from kennisgraaf.cli import cli
from kennisgraaf.config import Settings
from kennisgraaf.entry.changes import validate_entries
from kennisgraaf.entry.model import entry_model
from kennisgraaf.entry.templates import new_entry, write_new
from kennisgraaf.errors import InputError, OutputError

ROOT = Path(__file__).resolve().parent.parent
JS2023 = "https://w3id.org/kennisgraaf/id/document/jaarstukken-2023"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings.load(ROOT, environ={})


@pytest.fixture(scope="module")
def model(settings: Settings):  # type: ignore[no-untyped-def]
    return entry_model(settings)


def flat(text: str) -> str:
    """The text with comments that run over several lines joined, as they read."""
    return re.sub(r"\n\s*# ", " ", text)


KINDS = ["agreement", "allocation", "budget", "collaboration", "concept", "concept-scheme", "event", "initiative",
         "membership", "organisation", "organisational-unit", "place", "programme", "status-period"]


def test_the_kinds_are_the_node_shapes_that_give_a_class_its_iris(model) -> None:  # type: ignore[no-untyped-def]
    assert list(model.types) == KINDS
    # the claim wraps every entry; roles and source documents are not entered as data
    assert not {"claim", "role", "source-document"} & set(model.types)
    assert model.find("lidmaatschap") is model.types["membership"]
    assert model.find("Organisatie") is model.types["organisation"]
    assert model.find("org:Membership") is model.types["membership"]


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_parses_is_refused_unfilled_and_validates_once_filled(settings: Settings, model, kind: str,
                                                                         tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = new_entry(settings, kind, source="js2023", model=model)
    quads = list(ox.parse(text.encode("utf-8"), ox.RdfFormat.TRIG))
    assert quads and all(isinstance(q.graph_name, ox.NamedNode) for q in quads)  # everything inside the claim
    unfilled = tmp_path / f"nieuw-{kind}.trig"
    unfilled.write_text(text, "utf-8")
    _, report = validate_entries(settings, [unfilled], lang="nl")
    assert not report.conforms
    assert {p.shape for p in report.violations} == {"kgsh:PlaceholderLeft"}
    filled = tmp_path / f"{kind}.trig"
    filled.write_text(fill(text, f"testinvoer-{kind}", documents(settings)[JS2023], "js2023"), "utf-8")
    assert "INVULLEN" not in re.sub(r"#.*", "", filled.read_text("utf-8"))
    _, report = validate_entries(settings, [filled], lang="nl")
    assert report.violations == [], [p.message for p in report.violations]


def test_english_entry_without_a_source_names_the_codes_and_fills_in_the_name(settings: Settings, model,
                                                                              tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = new_entry(settings, "event", name="Nacht van de Wetenschap 2024", lang="en", model=model)
    assert "FILL-IN" in text and "INVULLEN" not in text
    assert "evenement:nacht-van-de-wetenschap-2024 a schema:Event" in text
    assert 'rdfs:label "Nacht van de Wetenschap 2024"@nl' in text
    assert "bewering:CODE-FILL-IN-nacht-van-de-wetenschap-2024 {" in text
    assert "js2017 (document:jaarstukken-2017, Jaarstukken 2017)" in flat(text)  # the codes, read from the claims
    assert "Choose from (known in the graph): document:jaarstukken-2017" in flat(text)
    entry = tmp_path / "event.trig"
    entry.write_text(fill(text, "unused", documents(settings)[JS2023], "js2023"), "utf-8")
    _, report = validate_entries(settings, [entry], lang="en")
    assert report.conforms, [p.message for p in report.violations]


def test_required_values_and_allowed_values_come_from_the_shapes_and_the_graph(settings: Settings, model) -> None:  # type: ignore[no-untyped-def]
    agreement = new_entry(settings, "agreement", model=model)
    # "at least two parties" is a SPARQL rule: found by trying it on a probe
    assert "kg:party organisatie:INVULLEN-1, organisatie:INVULLEN-2 ;" in agreement
    assert "Ten minste twee partijen (kg:party), verplicht, minstens 2." in flat(agreement)
    assert re.search(r"\n {8}# kg:signingDate \"INVULLEN\"\^\^xsd:date ;", agreement)  # recommended, switched off
    membership = new_entry(settings, "membership", model=model)
    assert "rol:voorzitter (voorzitter)" in flat(membership)  # the roles of the ontology
    assert "organisatie:naturalis," in flat(membership)  # the organisations in the graph
    assert "Lid (org:member), verplicht, precies 1." in flat(membership)
    allocation = new_entry(settings, "allocation", model=model)
    assert "kg:fromBudget budget:INVULLEN ;" in allocation
    assert "# kg:fundedBy budget:INVULLEN ;" in allocation  # the other branch of the sh:or
    assert '# schema:currency "EUR" ;' in allocation  # the one value sh:in allows
    organisation = new_entry(settings, "organisation", name="Leiden Instrumentmakers School", model=model)
    assert "organisatie:leiden-instrumentmakers-school a org:Organization" in organisation
    assert "Soort organisatie (kg:organisationType), aanbevolen." in flat(organisation)


def test_the_template_follows_the_shapes(scratch: Path) -> None:
    """Change a rule, and `new` changes with it: nothing about the kinds of entry is kept in the code."""
    shapes = scratch / "shapes" / "kennisgraaf-shapes.ttl"
    text = shapes.read_text("utf-8")
    rule = "kgsh:PlaceShape a sh:NodeShape ;"
    assert rule in text
    shapes.write_text(text.replace(rule, rule + "\n    sh:property kgsh:PlaceShape_location_minCount ;") + """
kgsh:PlaceShape_location_minCount a sh:PropertyShape ;
    sh:name "Ligging"@nl, "Location"@en ;
    sh:description "Waar de plaats ligt."@nl, "Where the place is."@en ;
    sh:path kg:location ;
    sh:minCount 1 ;
    sh:severity sh:Violation ;
    sh:message "Bij {$this} staat niet waar het ligt."@nl, "{$this} does not say where it is."@en .
""", "utf-8")
    settings = Settings.load(scratch, environ={})
    place = new_entry(settings, "place", lang="en")
    assert "Location (kg:location), required. Where the place is." in flat(place)
    assert "\n        kg:location plaats:INVULLEN ;" not in place and "\n        kg:location plaats:FILL-IN ;" in place
    assert "plaats:leiden-bio-science-park" in place


def test_known_values_come_from_the_build_or_else_from_the_files(scratch: Path) -> None:
    from kennisgraaf.store.builds import build

    settings = Settings.load(scratch, environ={})
    entry = scratch / "data" / "nieuwe-organisatie.trig"
    text = new_entry(settings, "organisation", name="Leidse Instrumentmakers School", source="js2023")
    entry.write_text(fill(text, "x", documents(settings)[JS2023], "js2023"), "utf-8")
    assert "organisatie:leidse-instrumentmakers-school" in new_entry(settings, "membership")  # not built: files
    build(settings)
    entry.unlink()
    assert "organisatie:leidse-instrumentmakers-school" in new_entry(settings, "membership")  # from the build


def test_new_never_overwrites_a_file(tmp_path: Path) -> None:
    existing = tmp_path / "mijn.trig"
    existing.write_text("wat ik schreef\n", "utf-8")
    with pytest.raises(OutputError, match="never overwrites"):
        write_new("nieuw\n", existing)
    assert existing.read_text("utf-8") == "wat ik schreef\n"
    written = tmp_path / "nieuw.trig"
    write_new("nieuw\n", written)
    assert written.read_text("utf-8") == "nieuw\n"
    assert {p.name for p in tmp_path.iterdir()} == {"mijn.trig", "nieuw.trig"}  # no temporary file left


def test_new_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    listed = runner.invoke(cli, ["--project", str(ROOT), "new", "--list", "--lang", "en"])
    assert listed.exit_code == 0 and listed.output.splitlines()[0].startswith("agreement ")
    assert "membership           org:Membership" in listed.output
    printed = runner.invoke(cli, ["--project", str(ROOT), "new", "membership"])
    assert printed.exit_code == 0 and printed.output.startswith("# Nieuwe invoer: Lidmaatschap (org:Membership)")
    written = runner.invoke(cli, ["--project", str(ROOT), "new", "event", "-o", "nieuw.trig", "--source", "js2023"])
    assert written.exit_code == 0, written.output
    assert (tmp_path / "nieuw.trig").read_text("utf-8") == new_entry(Settings.load(ROOT, environ={}), "event",
                                                                     source="js2023")
    again = runner.invoke(cli, ["--project", str(ROOT), "new", "event", "-o", "nieuw.trig"])
    assert again.exit_code == 2 and "overschrijft nooit" in again.output and "Traceback" not in again.output
    typo = runner.invoke(cli, ["--project", str(ROOT), "new", "membrship", "--lang", "en"])
    assert typo.exit_code == 2 and "Did you mean membership?" in typo.output
    source = runner.invoke(cli, ["--project", str(ROOT), "new", "event", "--source", "js2019"])
    assert source.exit_code == 2 and "document:jaarstukken-2023 (Jaarstukken 2023)" in source.output


def test_unknown_kind_and_empty_name_are_input_errors(settings: Settings, model) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="budget allocation"):
        new_entry(settings, "budget allocation", model=model)
    with pytest.raises(InputError, match="--name"):
        new_entry(settings, "event", name="—", model=model)

