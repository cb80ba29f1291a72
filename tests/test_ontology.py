"""The ontology's documentation (web/ontology.py): a page per class and property — labels and definitions in
Dutch and English, domain and range, the shapes that use it with their messages, its instances or uses in the
graph, an example — and an index, in `kennisgraaf serve` (/doc/def/...) and in the static site."""

from __future__ import annotations

import html
import re
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from kennisgraaf.graph.files import read_shape_quads
from kennisgraaf.web.ontology import ShapeIndex

BASE = "https://w3id.org/kennisgraaf/"
KG = BASE + "def/"
SH = "http://www.w3.org/ns/shacl#"


@pytest.fixture(scope="module")
def shapes(built_settings) -> ox.Store:  # type: ignore[no-untyped-def]
    store = ox.Store()
    store.extend(read_shape_quads(built_settings))
    return store


@pytest.fixture(scope="module")
def served(kennisgraaf_server):  # type: ignore[no-untyped-def]
    def get(term: str) -> str:
        response = httpx.get(kennisgraaf_server.url + "def/" + term, headers={"Accept": "text/html"},
                             follow_redirects=True)
        assert response.status_code == 200, response.text
        assert response.url == kennisgraaf_server.url + "doc/def/" + term
        return response.text
    return get


def _static(static_site: Path):  # type: ignore[no-untyped-def]
    def get(term: str) -> str:
        return (static_site / "doc" / "def" / f"{term or 'index'}.html").read_text("utf-8")
    return get


@pytest.fixture(params=["serve", "static"])
def term_page(request, served, static_site):  # type: ignore[no-untyped-def]
    return served if request.param == "serve" else _static(static_site)


def _row(page: str, heading: str) -> str:
    [cell] = re.findall(r"<tr><th>" + heading + r"</th><td[^>]*>(.*?)</td></tr>", page, re.DOTALL)
    return cell


def _count(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(query)))[0].value)  # type: ignore[index, call-overload]


def _words(message: str) -> str:
    # As the page shows a message: its placeholders in words, and escaped.
    words = message.replace("{$this}", "<var>this thing</var>").replace("{?value}", "<var>the value</var>")
    return "<var>".join("</var>".join(html.escape(p, quote=False) for p in part.split("</var>"))
                        for part in words.split("<var>"))


def test_a_class_page(term_page, built_store, shapes) -> None:  # type: ignore[no-untyped-def]
    page = term_page("Agreement")
    assert "<h1>kg:Agreement</h1>" in page and "class" in page
    assert _row(page, "label <small>nl</small>") == "overeenkomst"
    assert _row(page, "label <small>en</small>") == "agreement"
    definition = next(o.value for _, _, o, _ in built_store.quads_for_pattern(
        ox.NamedNode(KG + "Agreement"), ox.NamedNode("http://www.w3.org/2004/02/skos/core#definition"), None)
        if o.language == "en")
    assert _row(page, "definition <small>en</small>") == html.escape(definition, quote=False)
    assert "kg:party" in _row(page, r"properties of its instances <small>\(domain of\)</small>")
    # The count is the graph's.
    agreements = _count(built_store, f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a a <{KG}Agreement> }}")
    assert agreements >= 7
    assert f'<strong class="number">{agreements}</strong> instances in the graph.' in page
    # An example, linked to its page.
    [example] = re.findall(r'For example: <a href="([^"]+)" title="([^"]+)">', page)
    assert ox.Triple(ox.NamedNode(example[1]), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode(KG + "Agreement")) in {q.triple for q in built_store}
    if example[0].startswith("http"):  # on the server; in the static site, the link check follows it
        assert httpx.get(example[0], headers={"Accept": "text/html"}).status_code == 200
    # Every shape that targets agreements is there, with its message in words.
    targeting = [(row[0].value, row[1].value) for row in shapes.query(
        f"SELECT ?shape ?message WHERE {{ ?shape <{SH}targetClass> <{KG}Agreement> ; <{SH}message> ?message "
        f"FILTER(LANG(?message) = 'en') }}")]
    assert {iri.rsplit("/", 1)[1] for iri, _ in targeting} >= {"AgreementShape", "AgreementShape_date_minCount"}
    for iri, message in targeting:
        assert f"kgsh:{iri.rsplit('/', 1)[1]}</code>" in page
        assert _words(message) in page, iri
    assert "kgsh:AgreementShape_party_minCount</code>" in page  # a property shape of AgreementShape
    assert 'class="severity violation"' in page and 'class="severity warning"' in page


def test_a_property_page(term_page, built_store) -> None:  # type: ignore[no-untyped-def]
    page = term_page("party")
    assert "<h1>kg:party</h1>" in page and "object property" in page
    assert _row(page, "label <small>nl</small>") == "partij" and _row(page, "label <small>en</small>") == "party"
    assert "kg:Agreement</a>" in _row(page, "domain")
    assert "org:Organization" in _row(page, "range")
    uses = _count(built_store, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{KG}party> ?o }}")
    subjects = _count(built_store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s <{KG}party> ?o }}")
    assert f'Used <strong class="number">{uses}</strong> times in the graph, by {subjects} things.' in page
    [example] = re.findall(r"<p class=\"example\">For example: (.*?)</p>", page, re.DOTALL)
    subject, *values = re.findall(r'title="([^"]+)"', example)
    assert set(values) == {row[0].value for row in built_store.query(f"SELECT ?o WHERE {{ <{subject}> <{KG}party> ?o }}")}
    assert "kgsh:AgreementShape_party_minCount</code>" in page and "checks its values (sh:path)" in page


def test_the_index_lists_every_term_with_its_use(term_page, built_store) -> None:  # type: ignore[no-untyped-def]
    page = term_page("")
    declared = {row[0].value for row in built_store.query(
        f"SELECT ?t WHERE {{ ?t <http://www.w3.org/2000/01/rdf-schema#isDefinedBy> <{KG}> }}")}
    linked = set(re.findall(r'title="(' + re.escape(KG) + r'[^"]+)"', page))
    assert declared and declared <= linked
    claims = _count(built_store, f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{KG}Claim> }}")
    assert re.search(r'title="' + re.escape(KG) + r'Claim">kg:Claim</a></td><td>claim</td><td lang="nl">bewering'
                     r"</td><td>[^<]*</td><td class=\"number\">" + str(claims) + "</td>", page)
    assert "Kennisgraaf ontology" in page and "0.1.0" in page


def test_def_redirects_to_the_index_and_terms_to_their_pages(kennisgraaf_server) -> None:  # type: ignore[no-untyped-def]
    index = httpx.get(kennisgraaf_server.url + "def/")
    assert index.status_code == 303 and index.headers["location"] == kennisgraaf_server.url + "doc/def/"
    assert httpx.get(kennisgraaf_server.url + "doc/def/Nothing").status_code == 404
    turtle = httpx.get(kennisgraaf_server.url + "def/party", headers={"Accept": "text/turtle"}, follow_redirects=True)
    assert turtle.headers["content-type"].startswith("text/turtle")  # the data is still there, by Accept


def test_the_shape_index_reads_what_uses_a_term(built_settings) -> None:  # type: ignore[no-untyped-def]
    index = ShapeIndex.read(built_settings)
    assert index.problem is None
    by_shape = {use.shape.rsplit("/", 1)[1]: use for use in index.uses(KG + "party")}
    assert by_shape["AgreementShape_party_minCount"].part_of == KG + "shapes/AgreementShape"
    assert by_shape["AgreementShape_party_minCount"].messages["en"].startswith("An agreement has at least two")
    # Within a path (sh:or of kgsh:AgreementShape_date_minCount: kg:status / kg:startYear) counts too.
    assert "checks a path through it" in {how for use in index.uses(KG + "status") for how in use.how}
    assert [use.severity for use in index.uses(KG + "Agreement")][-1] == "Warning"  # violations first


def test_shapes_that_cannot_be_read_are_said_on_the_page(scratch_settings) -> None:  # type: ignore[no-untyped-def]
    (scratch_settings.path("shapes_dir") / "broken.ttl").write_text("kgsh:Broken a sh:NodeShape", "utf-8")
    index = ShapeIndex.read(scratch_settings)
    assert index.problem and "broken.ttl" in index.problem and index.uses(KG + "party") == []
