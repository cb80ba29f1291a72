"""The linked data and the pages of a real `kennisgraaf serve`: 303 from /id/ to /doc/, entity pages with their
sources and quotes, VoID, dumps, the home page, the canned query pages, /api/{name} and /openapi.json."""

from __future__ import annotations

import csv
import io

import httpx
import pyoxigraph as ox
import pytest

ID = "https://w3id.org/kennisgraaf/id/"
KG = "https://w3id.org/kennisgraaf/def/"
VOID = "http://rdfs.org/ns/void#"
LUMC = ID + "organisatie/lumc"


@pytest.fixture(scope="module")
def server(kennisgraaf_server):  # type: ignore[no-untyped-def]
    return kennisgraaf_server


def test_id_answers_303_see_other_to_doc(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.url + "id/organisatie/lumc")
    assert response.status_code == 303
    assert response.headers["location"] == server.url + "doc/organisatie/lumc"
    term = httpx.get(server.url + "def/Claim")
    assert term.status_code == 303 and term.headers["location"] == server.url + "doc/def/Claim"


def test_303_keeps_the_query_string_and_the_encoded_path(server) -> None:  # type: ignore[no-untyped-def]
    kept = httpx.get(server.url + "id/organisatie/lumc?format=ttl")
    assert kept.headers["location"] == server.url + "doc/organisatie/lumc?format=ttl"
    assert httpx.get(kept.headers["location"]).headers["content-type"].startswith("text/turtle")
    encoded = httpx.get(server.url + "id/a%3Fb")
    assert encoded.headers["location"] == server.url + "doc/a%3Fb"


def test_html_pages_vary_on_accept(server) -> None:  # type: ignore[no-untyped-def]
    for path in ("doc/organisatie/lumc", "sparql", ""):
        response = httpx.get(server.url + path, headers={"Accept": "text/html"})
        assert response.headers["content-type"].startswith("text/html")
        assert "Accept" in response.headers.get("vary", ""), path


def test_only_web_addresses_become_links() -> None:
    from kennisgraaf.web.pages import Linker, Urls

    linker = Linker(Urls("http://127.0.0.1:8000/"), ID[:-3])
    assert linker.href(LUMC) == "http://127.0.0.1:8000/doc/organisatie/lumc"
    assert linker.href(KG + "party") == "http://127.0.0.1:8000/doc/def/party"
    assert linker.href("https://www.universiteitleiden.nl/") == "https://www.universiteitleiden.nl/"
    assert linker.href("javascript:alert(1)") == "#"


def test_a_static_site_links_only_to_its_own_files() -> None:
    from kennisgraaf.web.pages import Linker, Urls

    urls = Urls.in_site("doc/overeenkomst/samenwerkingsovereenkomst-2017")
    assert urls.root == "../../" and urls.file("static/style.css") == "../../static/style.css"
    linker = Linker(urls, ID[:-3], pages={"doc/organisatie/lumc", "doc/def/", "doc/overeenkomst/x"})
    assert linker.href(LUMC) == "../organisatie/lumc.html"
    assert linker.href(ID + "overeenkomst/x") == "x.html"
    assert linker.href(KG) == "../def/index.html"
    assert linker.href(ID + "organisatie/elders") is None  # no page for it in the site: shown as text
    assert linker.href("https://www.universiteitleiden.nl/") is None
    assert Urls.in_site("queries/partners").page("") == "../index.html"
    assert Urls.in_site("").page("doc/def/") == "doc/def/index.html" and Urls.in_site("").root == ""


@pytest.mark.parametrize(("accept", "extension", "rdf_format"), [
    ("text/turtle", "", ox.RdfFormat.TURTLE),
    ("application/ld+json", "", ox.RdfFormat.JSON_LD),
    ("application/n-triples", "", ox.RdfFormat.N_TRIPLES),
    ("text/html", ".ttl", ox.RdfFormat.TURTLE),
    ("*/*", ".jsonld", ox.RdfFormat.JSON_LD),
    ("text/html", ".nt", ox.RdfFormat.N_TRIPLES),
])
def test_doc_gives_rdf_by_accept_or_extension(server, accept, extension, rdf_format) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.url + "id/organisatie/lumc" + extension, headers={"Accept": accept},
                         follow_redirects=True)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == rdf_format.media_type
    triples = list(ox.parse(response.content, format=rdf_format))
    label = ox.Quad(ox.NamedNode(LUMC), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                    ox.Literal("LUMC", language="nl"))
    assert label in triples


def test_entity_page_shows_facts_as_links_with_source_and_quote(server, built_store) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.url + "id/organisatie/lumc", headers={"Accept": "text/html"}, follow_redirects=True)
    assert response.status_code == 200
    page = response.text
    assert "<h1>LUMC</h1>" in page
    assert f'href="{server.url}doc/organisatietype/' in page or f'href="{server.url}doc/' in page
    quotes = [row[0].value for row in built_store.query(
        f"SELECT ?quote WHERE {{ GRAPH ?claim {{ <{LUMC}> ?p ?o . ?claim <{KG}quote> ?quote }} }}")]
    assert quotes
    import html

    assert any(html.escape(quote, quote=False) in page for quote in quotes)
    assert f'href="{server.url}doc/document/' in page  # the source document, linked


def test_ontology_terms_dereference_too(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.url + "def/Claim", headers={"Accept": "text/turtle"}, follow_redirects=True)
    assert response.status_code == 200
    subjects = {q.subject for q in ox.parse(response.content, format=ox.RdfFormat.TURTLE)}
    assert ox.NamedNode(KG + "Claim") in subjects
    page = httpx.get(server.url + "doc/def/Claim", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Claim" in page.text


def test_unknown_things_are_404(server) -> None:  # type: ignore[no-untyped-def]
    assert httpx.get(server.url + "doc/organisatie/bestaat-niet", headers={"Accept": "text/html"}).status_code == 404
    assert httpx.get(server.url + "doc/organisatie/bestaat-niet.ttl").status_code == 404
    assert httpx.get(server.url + "doc/organisatie/lumc", headers={"Accept": "image/png"}).status_code == 406
    invalid = httpx.get(server.url + "doc/organisatie/a%20b", headers={"Accept": "text/turtle"})
    assert invalid.status_code == 404 and invalid.headers["content-type"].startswith("text/plain")
    assert "not a valid IRI" in invalid.text
    assert httpx.get(server.url + "doc/organisatie/a%20b", headers={"Accept": "text/html"}).headers[
        "content-type"].startswith("text/html")


def test_void_describes_the_dataset(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.url + ".well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    quads = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    dataset = ox.NamedNode(server.url + ".well-known/void#leiden")

    def value(name: str) -> list[str]:
        return [q.object.value for q in quads if q.subject == dataset and q.predicate.value == VOID + name]

    health = httpx.get(server.url + "health").json()
    assert value("triples") == [str(health["triples"])]
    for name in ("entities", "classes", "properties", "distinctSubjects"):
        assert int(value(name)[0]) > 10
    assert value("sparqlEndpoint") == [server.sparql]
    assert sorted(value("dataDump")) == sorted(server.url + f"dumps/leiden.{e}" for e in ("nq", "nt", "trig", "ttl"))
    assert any(q.predicate.value == VOID + "classPartition" for q in quads)
    assert any(q.predicate.value == VOID + "documents" and int(q.object.value) > 100 for q in quads)


@pytest.mark.parametrize(("extension", "rdf_format"), [
    ("ttl", ox.RdfFormat.TURTLE), ("trig", ox.RdfFormat.TRIG), ("nt", ox.RdfFormat.N_TRIPLES),
    ("nq", ox.RdfFormat.N_QUADS),
])
def test_dumps_are_the_export(server, built_settings, extension, rdf_format) -> None:  # type: ignore[no-untyped-def]
    from kennisgraaf.store.export import FORMATS, export

    response = httpx.get(server.url + f"dumps/leiden.{extension}")
    assert response.status_code == 200
    name = next(n for n, (fmt, _, _) in FORMATS.items() if fmt == rdf_format)
    assert response.content == export(built_settings, fmt=name)
    assert httpx.get(server.url + "dumps/leiden.exe").status_code == 404


def test_home_page_shows_size_queries_and_links(server) -> None:  # type: ignore[no-untyped-def]
    page = httpx.get(server.url).text
    assert "triples" in page and 'href="' + server.url + 'query"' in page
    assert f'href="{server.url}queries/partners"' in page
    assert f'href="{server.url}dumps/leiden.ttl"' in page and ".well-known/void" in page


def test_canned_query_page_with_form_results_and_downloads(server) -> None:  # type: ignore[no-untyped-def]
    empty = httpx.get(server.url + "queries/partners")
    assert empty.status_code == 200 and '<input name="year"' in empty.text
    page = httpx.get(server.url + "queries/partners", params={"year": "2023"})
    assert page.status_code == 200
    assert "Hogeschool Leiden" in page.text and f'href="{server.url}doc/organisatie/hogeschool-leiden"' in page.text
    assert "api/partners?year=2023&amp;format=csv" in page.text
    bad = httpx.get(server.url + "queries/partners", params={"year": "twintig"})
    assert bad.status_code == 200 and "whole number" in bad.text
    assert httpx.get(server.url + "queries/nope").status_code == 404


def test_api_returns_csv_and_json(server) -> None:  # type: ignore[no-untyped-def]
    as_csv = httpx.get(server.url + "api/partners", params={"year": "2023", "format": "csv"})
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert ID + "organisatie/hogeschool-leiden" in {row["partner"] for row in rows}
    as_json = httpx.get(server.url + "api/partners", params={"year": "2023"},
                        headers={"Accept": "application/json"})
    assert as_json.headers["content-type"] == "application/sparql-results+json"
    assert len(as_json.json()["results"]["bindings"]) == len(rows)
    graph = httpx.get(server.url + "api/describe", params={"entity": "LUMC"}, headers={"Accept": "text/turtle"})
    assert graph.status_code == 200 and ox.NamedNode(LUMC) in {
        q.subject for q in ox.parse(graph.content, format=ox.RdfFormat.TURTLE)}
    assert httpx.get(server.url + "api/partners", params={"yaer": "2023"}).status_code == 400
    not_a_year = httpx.get(server.url + "api/partners", params={"year": "x"})
    assert not_a_year.status_code == 400
    assert not_a_year.text.startswith("year must be a whole number")  # the API's name, not the CLI's --year
    together = httpx.get(server.url + "api/together", params={"min_shared": "many"})
    assert together.status_code == 400 and "min_shared" in together.text and "--" not in together.text
    assert httpx.get(server.url + "api/lookup").status_code == 400  # a required parameter is missing
    assert httpx.get(server.url + "api/nope").status_code == 404


def test_openapi_describes_every_canned_query(server, built_settings) -> None:  # type: ignore[no-untyped-def]
    from kennisgraaf.queries.catalogue import catalogue

    document = httpx.get(server.url + "openapi.json").json()
    assert document["openapi"].startswith("3.")
    names = catalogue(built_settings.path("queries_dir"))
    assert {f"/api/{name}" for name in names} <= set(document["paths"])
    partners = document["paths"]["/api/partners"]["get"]
    assert [p["name"] for p in partners["parameters"]] == ["year", "format"]
    assert partners["parameters"][0]["schema"]["type"] == "integer"
    assert "text/csv" in partners["responses"]["200"]["content"]


def _yasgui_config(page: str) -> dict:  # type: ignore[type-arg]
    import html
    import json
    import re

    found = re.search(r'<script type="application/json" id="yasgui-config">(.*?)</script>', page, re.S)
    assert found, "the query page has no YASGUI settings"
    return json.loads(html.unescape(found.group(1)))  # type: ignore[no-any-return]


def test_query_page_sets_yasgui_up_on_this_server(server, built_settings) -> None:  # type: ignore[no-untyped-def]
    from kennisgraaf.queries.catalogue import catalogue
    from kennisgraaf.namespaces import prefixes

    page = httpx.get(server.url + "query").text
    assert f'<script src="{server.url}static/yasgui/yasgui.min.js"' in page
    assert f'<link rel="stylesheet" href="{server.url}static/yasgui/yasgui.min.css">' in page
    config = _yasgui_config(page)
    assert config["endpoint"] == server.sparql and config["root"] == server.url
    table = prefixes(ID[:-3])
    assert config["prefixes"] == table
    declarations = "".join(f"PREFIX {name}: <{namespace}>\n" for name, namespace in table.items())
    assert config["newTab"].startswith(declarations + "\n") and "org:Organization" in config["newTab"]
    canned = catalogue(built_settings.path("queries_dir"))
    tabs = {example["name"]: example for example in config["examples"]}
    assert list(tabs)[3:] == list(canned) and "Things per class" in tabs
    for name, query in canned.items():
        assert tabs[name]["query"] == query.text and tabs[name]["title"] == query.summary
    # The same page for a browser at the endpoint; a link's query fills the form of the page without JavaScript.
    assert _yasgui_config(httpx.get(server.sparql, headers={"Accept": "text/html"}).text) == config
    linked = httpx.get(server.url + "query", params={"query": "ASK { ?s ?p ?o }"}).text
    assert f'<form id="query-form" class="plain-query" method="post" action="{server.sparql}">' in linked
    assert ">ASK { ?s ?p ?o }</textarea>" in linked


def test_yasgui_is_served_from_the_package_as_vendored(server) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    from kennisgraaf.web.pages import WEB

    folder = WEB / "static" / "yasgui"
    version = (folder / "VERSION").read_text("utf-8").splitlines()
    assert version[0].startswith("@zazuko/yasgui ")
    sums = dict(reversed(line.split()) for line in version[1:])
    assert set(sums) == {"yasgui.min.js", "yasgui.min.css"}
    for name, digest in sums.items():
        response = httpx.get(server.url + "static/yasgui/" + name)
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == digest, f"{name} is not the vendored file"
    assert "MIT License" in (folder / "LICENSE").read_text("utf-8")


def test_package_data_includes_every_web_file(root) -> None:  # type: ignore[no-untyped-def]
    """The package is installed editable here; a normal install has only what package-data names."""
    import tomllib

    patterns = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-data"][
        "kennisgraaf"]
    package = root / "src" / "kennisgraaf"
    files = [p.relative_to(package) for p in (package / "web").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".py"]  # modules go in as modules
    assert files
    missing = [str(f) for f in files if not any(f.match(pattern) and len(f.parts) == len(pattern.split("/"))
                                                for pattern in patterns)]
    assert missing == []


def test_entity_page_shows_the_date_and_source_of_each_status(server) -> None:  # type: ignore[no-untyped-def]
    # Jaarstukken 2017: "Op 11 juli 2017 heeft Leiden de ESOF 2022 toegewezen gekregen."
    import html
    import re

    page = httpx.get(server.url + "doc/evenement/esof-2022", headers={"Accept": "text/html"}).text
    [details] = re.findall(r'<table class="details">(.*?)</table>', page, re.DOTALL)
    rows = re.findall(r"<tr>(.*?)</tr>", details, re.DOTALL)
    dated = [row for row in rows if "2017-07-11" in row]
    assert len(dated) == 1
    assert f'href="{server.url}doc/document/jaarstukken-2017"' in dated[0]
    assert html.escape("Op 11 juli 2017 heeft Leiden de ESOF 2022 toegewezen gekregen", quote=False) in dated[0]
    assert any("toegewezen" in row and "doc/status/toegewezen" in row for row in rows)
