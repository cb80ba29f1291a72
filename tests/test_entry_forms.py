"""The web form's entries without the web: the form's shape made from the shapes, the entry a filled-in form
makes, and the inbox — validated before it is saved, never over a file, never half a file, and not read by
builds until `kennisgraaf add` takes an entry in."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from entry_forms import ID, LABEL, QUOTE, built_scratch, inbox_files, membership

from kennisgraaf.config import Settings
from kennisgraaf.entry import inbox
from kennisgraaf.entry.forms import entry_form, entry_from_form
from kennisgraaf.entry.model import entry_model
from kennisgraaf.errors import InputError

SH = "http://www.w3.org/ns/shacl#"
ORG = "http://www.w3.org/ns/org#"
KG = "https://w3id.org/kennisgraaf/def/"
NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return built_scratch(tmp_path_factory.mktemp("forms"))


@pytest.fixture(scope="module")
def model(project: Settings):  # type: ignore[no-untyped-def]
    return entry_model(project)


def _shape_values(shapes: str, path: str, predicate: str) -> list[ox.NamedNode | ox.Literal]:
    store = ox.Store()
    store.load(shapes.encode(), ox.RdfFormat.TURTLE)
    query = f"""SELECT ?value WHERE {{ ?shape <{SH}path> <{path}> ; <{predicate}> ?value }}"""
    return [row["value"] for row in store.query(query)]  # type: ignore[union-attr]


def _in_list(shapes: str, path: str) -> list[str]:
    store = ox.Store()
    store.load(shapes.encode(), ox.RdfFormat.TURTLE)
    query = f"""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?member WHERE {{ ?shape <{SH}path> <{path}> ; <{SH}in>/rdf:rest*/rdf:first ?member }}"""
    return sorted(row["member"].value for row in store.query(query))  # type: ignore[union-attr]


def test_the_form_of_a_membership_follows_the_shapes_and_the_graph(model) -> None:  # type: ignore[no-untyped-def]
    form = entry_form(model, model.types["membership"], "nl")
    kind = model.types["membership"]
    member = next(spec for spec in kind.properties if spec.path == ORG + "member")
    assert form.fields[ORG + "member"].required and not form.fields[ORG + "member"].on_claim
    assert form.fields[ORG + "member"].name == member.name["nl"] == "Lid"
    # the organisations of the graph, with their labels: a picker, and the same values as the shape's sh:in
    assert ("organisatie:universiteit-leiden", "Universiteit Leiden") in form.fields[ORG + "member"].picker
    assert _in_list(form.shapes, ORG + "member") == member.choices
    assert _shape_values(form.shapes, ORG + "member", SH + "minCount") == [ox.Literal("1", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer"))]
    # the source document is a plain choice of the documents; the quote is a required text of the claim
    source = form.fields["http://www.w3.org/ns/prov#wasDerivedFrom"]
    assert source.on_claim and source.required and source.picker is None
    assert _in_list(form.shapes, "http://www.w3.org/ns/prov#wasDerivedFrom") == sorted(model.documents)
    assert form.fields[KG + "quote"].required and form.fields[KG + "quote"].on_claim
    # roles are the model's vocabulary: a choice, not typed
    assert form.fields[ORG + "role"].picker is None and ID + "rol/lid" in _in_list(form.shapes, ORG + "role")
    # nothing in it for shacl-form to fetch
    assert "owl:imports" not in form.shapes and "imports" not in form.shapes
    english = entry_form(model, model.types["membership"], "en")
    assert english.fields[ORG + "member"].name == member.name["en"]


def test_every_kind_has_a_form_with_a_source_and_a_quote(model) -> None:  # type: ignore[no-untyped-def]
    for key, kind in model.types.items():
        form = entry_form(model, kind, "en")
        assert form.fields[KG + "quote"].required, key
        assert form.fields["http://www.w3.org/ns/prov#wasDerivedFrom"].required, key
        ox.parse(form.shapes.encode(), ox.RdfFormat.TURTLE)


def test_a_filled_in_form_becomes_a_claim_with_the_new_thing(model) -> None:  # type: ignore[no-untyped-def]
    form = entry_form(model, model.types["membership"], "nl")
    entry = entry_from_form(model, form, membership().encode(), lambda iri: False, NOW, "nl")
    dataset = ox.Store()
    dataset.load(entry.text.encode(), ox.RdfFormat.TRIG)
    claim = ox.NamedNode(ID + "bewering/js2023-gemeente-leiden-is-lid-van-het-netwerk-kennissteden")
    thing = ox.NamedNode(ID + "lidmaatschap/gemeente-leiden-is-lid-van-het-netwerk-kennissteden")
    assert (entry.claim, entry.entity) == (claim.value, thing.value)
    quads = set(dataset)
    assert ox.Quad(claim, ox.NamedNode(KG + "quote"), ox.Literal(QUOTE), claim) in quads
    assert ox.Quad(claim, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"),
                   ox.NamedNode(ID + "document/jaarstukken-2023"), claim) in quads
    assert ox.Quad(thing, ox.NamedNode(ORG + "member"), ox.NamedNode(ID + "organisatie/gemeente-leiden"), claim) in quads
    assert ox.Quad(thing, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal(LABEL, language="nl"),
                   claim) in quads
    assert not any(q.subject == thing and q.predicate.value == KG + "quote" for q in quads)
    assert all(q.graph_name == claim for q in quads)  # nothing outside the claim, and no blank node
    assert not any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object))
    # an IRI already used (in the graph or the inbox) is not given again
    again = entry_from_form(model, form, membership().encode(), lambda iri: iri in (claim.value, thing.value), NOW,
                            "nl")
    assert again.entity == thing.value + "-2" and again.claim == claim.value + "-2"


@pytest.mark.parametrize(("data", "says"), [
    (b"this is { not turtle", "geen Turtle"),
    (membership(extra=' ; <https://w3id.org/kennisgraaf/def/partyy> organisatie:lumc').encode(), "kg:partyy"),
    (membership().replace("_:a1b2 prov", "_:a1b2 <http://www.w3.org/2002/07/owl#sameAs> _:b2 ; prov").encode(),
     "owl:sameAs"),
    (membership().replace("org:Membership,", "org:Organization,").encode(), "één Lidmaatschap"),
])
def test_what_the_form_does_not_ask_for_is_refused(model, data: bytes, says: str) -> None:  # type: ignore[no-untyped-def]
    form = entry_form(model, model.types["membership"], "nl")
    with pytest.raises(InputError) as refused:
        entry_from_form(model, form, data, lambda iri: False, NOW, "nl")
    assert says in refused.value.message("nl")


def _entry_text(model, member: str = "organisatie:gemeente-leiden") -> str:  # type: ignore[no-untyped-def]
    form = entry_form(model, model.types["membership"], "nl")
    return entry_from_form(model, form, membership(member).encode(), lambda iri: False, NOW, "nl").text


def test_a_conforming_entry_is_saved_in_the_inbox_and_a_broken_one_is_not(project: Settings, model) -> None:  # type: ignore[no-untyped-def]
    broken = inbox.save_entry(project, _entry_text(model, "organisatie:gemeente-leidn"), "membership-x", NOW, "nl")
    assert broken.path is None and not broken.report.conforms
    assert "Bedoel je organisatie:gemeente-leiden?" in broken.report.violations[0].message
    assert inbox_files(project) == []
    saved = inbox.save_entry(project, _entry_text(model), "membership-x", NOW, "nl")
    try:
        assert saved.report.conforms and saved.path == project.path("entries_dir") / "membership-x-20250630T120000Z.trig"
        assert saved.path.read_text("utf-8") == _entry_text(model) and inbox_files(project) == [saved.path]
        assert oct(saved.path.stat().st_mode & 0o777) == "0o644"
    finally:
        saved.path.unlink()


def test_the_inbox_never_overwrites_a_file(project: Settings, model) -> None:  # type: ignore[no-untyped-def]
    folder = inbox.inbox_folder(project)
    there = folder / "membership-x-20250630T120000Z.trig"
    there.write_text("# someone's entry\n", "utf-8")
    link = folder / "membership-x-20250630T120000Z-2.trig"
    link.symlink_to(project.project_dir / "kennisgraaf.toml")  # not even through a link
    try:
        saved = inbox.save_entry(project, _entry_text(model), "membership-x", NOW, "nl")
        assert saved.path == folder / "membership-x-20250630T120000Z-3.trig"
        assert there.read_text("utf-8") == "# someone's entry\n"
        assert (project.project_dir / "kennisgraaf.toml").read_text("utf-8") == ""
    finally:
        for path in inbox_files(project):
            path.unlink()


@pytest.mark.parametrize("failing", ["link", "validation"])
def test_an_interrupted_save_leaves_no_file(project: Settings, model, monkeypatch, failing: str) -> None:  # type: ignore[no-untyped-def]
    written: list[Path] = []

    def interrupt(*args, **kwargs):  # type: ignore[no-untyped-def]
        written.extend(inbox_files(project))  # the entry is on disk, as the temporary file, at this point
        raise KeyboardInterrupt

    if failing == "link":
        monkeypatch.setattr(os, "link", interrupt)
    else:
        monkeypatch.setattr(inbox, "validate_change", interrupt)
    with pytest.raises(KeyboardInterrupt):
        inbox.save_entry(project, _entry_text(model), "membership-x", NOW, "nl")
    assert len(written) == 1 and written[0].name.startswith(".kennisgraaf-form-")
    assert inbox_files(project) == []


def test_a_build_does_not_read_the_inbox(tmp_path: Path) -> None:
    from kennisgraaf.store.builds import build, read_report

    project = built_scratch(tmp_path)
    before = read_report(project)["counts"]
    folder = inbox.inbox_folder(project)
    assert folder == project.path("data_dir") / "inbox"
    # would break the build if it were read: a syntax error, and a claim written twice
    (folder / "broken.trig").write_text("this is { not trig", "utf-8")
    (folder / "copy.trig").write_bytes((project.path("data_dir") / "jaarstukken-2023.trig").read_bytes())
    build(project)
    assert read_report(project)["counts"] == before
    # the same with an inbox elsewhere in data/, named in the settings
    (tmp_path / "kennisgraaf.toml").write_text('entries_dir = "data/te-controleren"\n', "utf-8")
    moved = Settings.load(tmp_path, environ={})
    (folder / "broken.trig").rename(project.path("data_dir") / "broken.trig")
    (project.path("data_dir") / "broken.trig").rename(inbox.inbox_folder(moved) / "broken.trig")
    (folder / "copy.trig").unlink()
    folder.rmdir()
    build(moved)
    assert read_report(moved)["counts"] == before
