"""`kennisgraaf serve --sparql-endpoint URL`: the pages, canned queries, API, linked data and /sparql served
from a real Virtuoso 7 the Leiden graph was published to (conftest: `leiden_on_virtuoso`), by a real
`kennisgraaf serve` process that has no build at all, with the same safety rules as on the embedded store."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest

from kennisgraaf import queries
from kennisgraaf.config import Settings
from kennisgraaf.errors import QueryError

ROOT = Path(__file__).resolve().parent.parent
PARTIES_2017 = {"gemeente Leiden", "Universiteit Leiden", "LUMC", "Hogeschool Leiden"}


@pytest.fixture(scope="session")
def remote(leiden_on_virtuoso: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A `kennisgraaf serve` of the Virtuoso, for a project whose build folder is empty: all it serves comes
    from Virtuoso."""
    from kennisgraaf_server import serve

    nothing_built = Settings.load(ROOT, {"build_dir": str(tmp_path_factory.mktemp("no-build"))}, environ={})
    with serve(nothing_built, tmp_path_factory.mktemp("serve-remote"), "--sparql-endpoint",
               leiden_on_virtuoso.sparql, "--query-timeout", "2") as server:
        yield server


def test_health_and_the_home_page_count_the_published_triples(remote: Any) -> None:
    # Virtuoso's default graph also holds its own graphs (2,496 triples): counted are the graphs published.
    assert httpx.get(remote.url + "health").json()["triples"] == 2654
    home = httpx.get(remote.url)
    assert home.status_code == 200 and "2,654 triples." in home.text and "dumps/leiden" not in home.text
    assert "from the SPARQL endpoint" in remote.log_text()
    gone = httpx.get(remote.url + "dumps/leiden.nq")
    assert gone.status_code == 404 and "serves the graph from the SPARQL endpoint" in gone.text


def test_an_entity_page_shows_its_facts_with_their_sources(remote: Any, kennisgraaf_server: Any) -> None:
    page = httpx.get(remote.url + "doc/organisatie/lumc", headers={"Accept": "text/html"})
    assert page.status_code == 200 and ">LUMC<" in page.text
    assert "Jaarstukken 2017" in page.text and "Programmabegroting 2018" in page.text  # the LUMC's sources
    assert "kennispartner" in page.text  # a membership pointing at the LUMC
    # The same facts, sources and quotes as the page of the embedded store (up to the links to the server).
    local = httpx.get(kennisgraaf_server.url + "doc/organisatie/lumc", headers={"Accept": "text/html"})
    assert page.text.replace(remote.url, "/") == local.text.replace(kennisgraaf_server.url, "/")
    turtle = httpx.get(remote.url + "doc/organisatie/lumc.ttl")
    assert turtle.status_code == 200 and "organisatie:lumc" in turtle.text
    local_turtle = httpx.get(kennisgraaf_server.url + "doc/organisatie/lumc.ttl").content
    assert set(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)) == \
        set(ox.parse(local_turtle, format=ox.RdfFormat.TURTLE))
    assert httpx.get(remote.url + "id/organisatie/lumc", follow_redirects=False).status_code == 303


def test_a_canned_query_page_and_its_api(remote: Any) -> None:
    agreement = "overeenkomst:samenwerkingsovereenkomst-2017"
    api = httpx.get(remote.url + "api/parties", params={"agreement": agreement, "format": "json"})
    assert api.status_code == 200
    parties = {row["party"]["value"].rsplit("/", 1)[-1] for row in api.json()["results"]["bindings"]}
    assert parties == {"gemeente-leiden", "universiteit-leiden", "lumc", "hogeschool-leiden"}
    page = httpx.get(remote.url + "queries/parties", params={"agreement": agreement})
    assert page.status_code == 200 and all(name in page.text for name in PARTIES_2017)
    wrong = httpx.get(remote.url + "api/parties", params={"agreement": "no such agreement"})
    assert wrong.status_code == 400 and "Closest known names" in wrong.text


def test_sparqlwrapper_queries_the_endpoint_through_the_server(remote: Any) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(remote.sparql)
    client.setQuery("PREFIX org: <http://www.w3.org/ns/org#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                    "SELECT DISTINCT ?name WHERE { ?o a org:Organization ; rdfs:label ?name } ORDER BY ?name")
    client.setReturnFormat(JSON)
    names = [row["name"]["value"] for row in client.queryAndConvert()["results"]["bindings"]]  # type: ignore
    assert {"LUMC", "Universiteit Leiden", "Hogeschool Leiden"} <= set(names) and names == sorted(set(names))
    sources = ("PREFIX prov: <http://www.w3.org/ns/prov#> SELECT DISTINCT ?document WHERE { GRAPH ?claim { "
               "?claim prov:wasDerivedFrom ?document } }")
    client.setQuery(sources)
    documents = {row["document"]["value"] for row in client.queryAndConvert()["results"]["bindings"]}  # type: ignore
    assert len(documents) == 3


def test_service_is_refused_before_anything_is_forwarded(remote: Any, leiden_on_virtuoso: Any) -> None:
    answer = httpx.post(remote.sparql, data={"query": f"SELECT * {{ SERVICE <{leiden_on_virtuoso.sparql}> "
                                                      "{ ?s ?p ?o } }"})
    assert answer.status_code == 400 and "SERVICE" in answer.text


def test_updates_are_refused(remote: Any) -> None:
    answer = httpx.post(remote.sparql, data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"})
    assert answer.status_code == 403 and "read-only" in answer.text
    assert httpx.get(remote.url + "health").json()["triples"] == 2654


def test_too_long_a_query_is_refused_before_it_is_forwarded(remote: Any) -> None:
    long = "SELECT * { ?s ?p ?o } #" + "x" * 100_001
    answer = httpx.post(remote.sparql, content=long.encode(), headers={"Content-Type": "application/sparql-query"})
    assert answer.status_code == 400 and "max_query_length" in answer.text


def test_a_slow_query_is_stopped_at_the_timeout(remote: Any) -> None:
    started = time.monotonic()
    answer = httpx.post(remote.sparql, data={"query": "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"},
                        timeout=30)
    seconds = time.monotonic() - started
    assert answer.status_code == 503 and "longer than 2 s" in answer.text
    assert 1.9 < seconds < 6
    assert httpx.get(remote.url + "health", timeout=5).json()["status"] == "ok"


# ------------------------------------------------------------------------------------------------ the client


class _Redirecting(http.server.BaseHTTPRequestHandler):
    """Answers every request with a redirect to `location`, and counts the requests it got."""

    location = ""
    hits = 0

    def do_POST(self) -> None:  # noqa: N802
        type(self).hits += 1
        self.send_response(307)
        self.send_header("Location", self.location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST  # noqa: N815

    def log_message(self, *args: Any) -> None:
        pass


def _server(handler: type[http.server.BaseHTTPRequestHandler]) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_no_redirect_off_the_endpoints_host_is_followed(built_settings: Settings) -> None:
    class Elsewhere(_Redirecting):
        location = ""

    class Here(_Redirecting):
        pass

    elsewhere = _server(Elsewhere)
    here = _server(Here)
    try:
        Here.location = f"http://127.0.0.1:{elsewhere.server_port}/sparql"  # another port: another origin
        with pytest.raises(QueryError, match="redirected the query to http://127.0.0.1:.*another host"):
            queries.sparql("ASK {}", settings=built_settings, endpoint=f"http://127.0.0.1:{here.server_port}/sparql")
        assert Here.hits == 1 and Elsewhere.hits == 0
    finally:
        here.shutdown()
        elsewhere.shutdown()


def test_credentials_for_the_endpoint_come_from_the_environment(leiden_on_virtuoso: Any, built_settings: Settings,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    guarded = leiden_on_virtuoso.sparql_auth  # Virtuoso's endpoint with HTTP digest authentication
    monkeypatch.delenv("KENNISGRAAF_SPARQL_CREDENTIALS", raising=False)
    with pytest.raises(QueryError, match=r"HTTP 401"):
        queries.run("partners", year=2023, settings=built_settings, endpoint=guarded)
    secret = tmp_path / "credentials"
    secret.write_text(f"{leiden_on_virtuoso.user}:{leiden_on_virtuoso.password}\n", "utf-8")
    monkeypatch.setenv("KENNISGRAAF_SPARQL_CREDENTIALS_FILE", str(secret))
    result = queries.run("partners", year=2023, settings=built_settings, endpoint=guarded)
    assert {r["partner"] for r in result.records(labels=True)} == {
        "Universiteit Leiden", "Hogeschool Leiden", "Naturalis Biodiversity Center", "mboRijnland"}
    # `serve` asks the store before it starts, and says in one paragraph why it cannot serve from it.
    command = [str(Path(sys.executable).with_name("kennisgraaf")), "serve", "--project", str(ROOT), "--lang", "en",
               "--sparql-endpoint", guarded, "--port", "1"]
    refused = subprocess.run(command, capture_output=True, text=True, timeout=60,
                             env={"PATH": "/usr/bin:/bin", "KENNISGRAAF_SPARQL_CREDENTIALS": "dba:wrong"})
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "names " + guarded + ", which cannot serve the graph" in " ".join(refused.stderr.split())
