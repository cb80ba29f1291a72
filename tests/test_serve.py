"""The SPARQL 1.1 Protocol at /sparql of a real `kennisgraaf serve`, used by real clients (SPARQLWrapper,
rdflib's SPARQLStore) and by httpx for the edge cases the W3C protocol tests check."""

from __future__ import annotations

import csv
import io
import time

import httpx
import pyoxigraph as ox
import pytest

from kennisgraaf.store.builds import read_report

ID = "https://w3id.org/kennisgraaf/id/"
ORGS = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?org ?name WHERE { ?org a org:Organization ; rdfs:label ?name } ORDER BY ?name"""
CLAIM = ID + "bewering/js2017-nkn-voorzitter"


@pytest.fixture(scope="module")
def server(kennisgraaf_server):  # type: ignore[no-untyped-def]
    return kennisgraaf_server


def _names(data: dict) -> set[str]:  # type: ignore[type-arg]
    return {b["name"]["value"] for b in data["results"]["bindings"]}


# ------------------------------------------------------------------------------------------------ real clients


def test_sparqlwrapper_select_in_every_result_format(server) -> None:  # type: ignore[no-untyped-def]
    from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper

    client = SPARQLWrapper(server.sparql)
    client.setQuery(ORGS)
    client.setReturnFormat(JSON)
    bindings = client.query().convert()["results"]["bindings"]
    names = {b["name"]["value"] for b in bindings}
    assert {"Universiteit Leiden", "LUMC", "Hogeschool Leiden"} <= names
    client.setReturnFormat(XML)
    document = client.query().convert()
    assert len(document.getElementsByTagName("result")) == len(bindings)
    client.setReturnFormat(CSV)
    rows = list(csv.DictReader(io.StringIO(client.query().convert().decode("utf-8"))))
    assert {row["name"] for row in rows} == names
    client.setReturnFormat(TSV)
    assert client.query().convert().decode("utf-8").startswith("?org\t?name\n")


def test_sparqlwrapper_post_ask_and_construct(server) -> None:  # type: ignore[no-untyped-def]
    from SPARQLWrapper import JSON, POST, POSTDIRECTLY, TURTLE, URLENCODED, SPARQLWrapper

    client = SPARQLWrapper(server.sparql)
    client.setMethod(POST)
    for encoding in (URLENCODED, POSTDIRECTLY):
        client.setRequestMethod(encoding)
        client.setQuery(f"ASK {{ <{ID}organisatie/lumc> ?p ?o }}")
        client.setReturnFormat(JSON)
        assert client.query().convert()["boolean"] is True
    client.setQuery(f"CONSTRUCT {{ <{ID}organisatie/lumc> ?p ?o }} WHERE {{ <{ID}organisatie/lumc> ?p ?o }}")
    client.setReturnFormat(TURTLE)
    turtle = client.query().convert()
    triples = list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    assert triples and all(q.subject == ox.NamedNode(ID + "organisatie/lumc") for q in triples)


def test_rdflib_sparqlstore_sends_the_query_to_the_endpoint(server) -> None:  # type: ignore[no-untyped-def]
    from rdflib import Graph, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(query_endpoint=server.sparql, returnFormat="json")
    graph = Graph(store=store)
    rows = list(graph.query(ORGS))  # evaluated by the endpoint: rdflib only parses the JSON answer
    assert "Universiteit Leiden" in {str(row[1]) for row in rows}
    labels = list(graph.objects(URIRef(ID + "organisatie/lumc"), URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
    assert {str(label) for label in labels} == {"LUMC"}
    assert "POST" in server.log_text() or "GET /sparql" in server.log_text()


# ------------------------------------------------------------------------------------------------ protocol


def test_get_form_and_direct_post_give_the_same_answer(server) -> None:  # type: ignore[no-untyped-def]
    accept = {"Accept": "application/sparql-results+json"}
    by_get = httpx.get(server.sparql, params={"query": ORGS}, headers=accept)
    by_form = httpx.post(server.sparql, data={"query": ORGS}, headers=accept)
    direct = httpx.post(server.sparql, content=ORGS.encode(), headers={**accept,
                                                                         "Content-Type": "application/sparql-query"})
    assert by_get.status_code == by_form.status_code == direct.status_code == 200
    assert by_get.headers["content-type"] == "application/sparql-results+json"
    assert by_get.json() == by_form.json() == direct.json()


@pytest.mark.parametrize(("accept", "fmt", "expected"), [
    (None, None, "application/sparql-results+json"),
    ("*/*", None, "application/sparql-results+json"),
    ("application/sparql-results+json;q=0.2, text/csv;q=0.9", None, "text/csv"),
    ("application/sparql-results+xml, application/sparql-results+json;q=0.5", None, "application/sparql-results+xml"),
    ("text/*", None, "text/csv"),
    ("text/tab-separated-values", None, "text/tab-separated-values"),
    ("application/json", None, "application/sparql-results+json"),
    ("text/html", "csv", "text/csv"),
    (None, "xml", "application/sparql-results+xml"),
])
def test_select_content_negotiation(server, accept, fmt, expected) -> None:  # type: ignore[no-untyped-def]
    params = {"query": ORGS, **({"format": fmt} if fmt else {})}
    response = httpx.get(server.sparql, params=params, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == expected
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize(("accept", "rdf_format"), [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/trig", ox.RdfFormat.TRIG),
    ("application/n-quads", ox.RdfFormat.N_QUADS),
    ("application/n-quads;q=0.1, text/turtle;q=0.5", ox.RdfFormat.TURTLE),
])
def test_construct_in_every_graph_format(server, accept, rdf_format) -> None:  # type: ignore[no-untyped-def]
    query = f"DESCRIBE <{ID}organisatie/lumc>"
    response = httpx.get(server.sparql, params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == rdf_format.media_type
    quads = list(ox.parse(response.content, format=rdf_format))
    assert ox.NamedNode(ID + "organisatie/lumc") in {q.subject for q in quads}


@pytest.mark.parametrize(("query", "accept"), [
    (ORGS, "text/turtle"),
    (ORGS, "image/png"),
    (f"CONSTRUCT WHERE {{ <{ID}organisatie/lumc> ?p ?o }}", "application/sparql-results+json"),
])
def test_406_when_no_acceptable_format(server, query, accept) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.sparql, params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 406
    assert "available as" in response.text


def test_406_for_an_unknown_format_parameter(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.sparql, params={"query": ORGS, "format": "pdf"})
    assert response.status_code == 406


def test_syntax_error_is_400_with_the_parsers_message(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.sparql, params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400
    assert "not valid SPARQL" in response.text and "error at" in response.text


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(server, method) -> None:  # type: ignore[no-untyped-def]
    response = httpx.request(method, server.sparql, params={"query": ORGS})
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]


@pytest.mark.parametrize(("content_type", "body"), [
    ("text/plain", ORGS.encode()),
    (None, ORGS.encode()),
    ("application/sparql-query; charset=ISO-8859-1", ORGS.encode("latin-1")),
])
def test_wrong_media_types_are_415(server, content_type, body) -> None:  # type: ignore[no-untyped-def]
    headers = {"Content-Type": content_type} if content_type else {}
    response = httpx.post(server.sparql, content=body, headers=headers)
    assert response.status_code == 415, response.text


def test_bad_requests_are_400(server) -> None:  # type: ignore[no-untyped-def]
    two = httpx.get(server.sparql + "?query=ASK%7B%7D&query=ASK%7B%7D")
    assert two.status_code == 400 and "exactly one" in two.text
    neither = httpx.post(server.sparql, data={"format": "json"})
    assert neither.status_code == 400
    both = httpx.post(server.sparql, data={"query": "ASK {}", "update": "CLEAR ALL"})
    assert both.status_code == 400
    graph = httpx.get(server.sparql, params={"query": ORGS, "default-graph-uri": "not an iri"})
    assert graph.status_code == 400


def test_service_description_without_a_query(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.sparql, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoints = [q.object.value for q in triples if q.predicate.value == sd + "endpoint"]
    assert endpoints == [server.sparql]
    # The default graph is a graph of its own (every fact once), not the union the endpoint would make.
    assert ox.NamedNode(sd + "UnionDefaultGraph") not in {q.object for q in triples}
    [size] = [q.object.value for q in triples if q.predicate.value == "http://rdfs.org/ns/void#triples"]
    assert int(size) == httpx.get(server.url + "health").json()["triples"]
    anything = httpx.get(server.sparql, headers={"Accept": "*/*"})
    assert anything.headers["content-type"].startswith("text/turtle")
    browser = httpx.get(server.sparql, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.headers["content-type"].startswith("text/html") and "<textarea" in browser.text


# ------------------------------------------------------------------------------------------------ datasets


def _count(server, query: str, **params: object) -> int:  # type: ignore[no-untyped-def]
    response = httpx.get(server.sparql, params={"query": query, **params},  # type: ignore[arg-type]
                         headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_default_graph_holds_each_fact_once(server, built_settings) -> None:  # type: ignore[no-untyped-def]
    facts = _count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    in_claims = _count(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert facts == read_report(built_settings)["counts"]["triples"] == httpx.get(server.url + "health").json()["triples"]
    assert in_claims > facts > 1000  # a fact stated by several claims is in each of them


def test_default_graph_uri_and_named_graph_uri_choose_the_dataset(server) -> None:  # type: ignore[no-untyped-def]
    in_claim = _count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": CLAIM})
    assert 3 <= in_claim < 20
    two = _count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                 **{"default-graph-uri": [CLAIM, ID + "bewering/does-not-exist"]})
    assert two == in_claim
    graphs = httpx.get(server.sparql, params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                              "named-graph-uri": CLAIM}).json()
    assert [b["g"]["value"] for b in graphs["results"]["bindings"]] == [CLAIM]
    direct = httpx.post(server.sparql, params={"default-graph-uri": CLAIM},
                        content=b"SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                        headers={"Content-Type": "application/sparql-query"})
    assert int(direct.json()["results"]["bindings"][0]["n"]["value"]) == in_claim


def test_from_selects_a_graph_of_the_store(server) -> None:  # type: ignore[no-untyped-def]
    assert _count(server, f"SELECT (COUNT(*) AS ?n) FROM <{CLAIM}> WHERE {{ ?s ?p ?o }}") == \
        _count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": CLAIM})
    assert _count(server, "SELECT (COUNT(*) AS ?n) FROM <http://example.org/elsewhere> WHERE { ?s ?p ?o }") == 0


# ------------------------------------------------------------------------------------------------ limits, CORS


def test_results_beyond_the_row_cap_are_cut_off_with_a_notice(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                         headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 1000
    assert response.headers["x-result-truncated"] == "true" and response.headers["x-result-limit"] == "1000"
    small = httpx.get(server.sparql, params={"query": ORGS})
    assert "x-result-truncated" not in small.headers


def test_cors_lets_browser_tools_on_other_origins_query(server) -> None:  # type: ignore[no-untyped-def]
    origin = {"Origin": "http://yasgui.example"}
    response = httpx.get(server.sparql, params={"query": ORGS}, headers=origin)
    assert response.headers["access-control-allow-origin"] == "*"
    assert "X-Result-Truncated" in response.headers["access-control-expose-headers"]
    preflight = httpx.options(server.sparql, headers={**origin, "Access-Control-Request-Method": "POST",
                                                      "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_update_is_refused_on_a_read_only_endpoint(server) -> None:  # type: ignore[no-untyped-def]
    update = f"INSERT DATA {{ <{ID}x> <{ID}y> <{ID}z> }}"
    direct = httpx.post(server.sparql, content=update, headers={"Content-Type": "application/sparql-update"})
    assert direct.status_code == 403 and "read-only" in direct.text
    form = httpx.post(server.sparql, data={"update": update})
    assert form.status_code == 403
    by_get = httpx.get(server.sparql, params={"update": update})
    assert by_get.status_code == 400
    assert _count(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{ID}x> ?p ?o }}") == 0


def test_health_and_access_log_with_query_time(server) -> None:  # type: ignore[no-untyped-def]
    health = httpx.get(server.url + "health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    marker = f"health-and-log-{time.monotonic_ns()}"  # this request's own line, not an earlier ASK's
    httpx.get(server.sparql, params={"query": f"ASK {{ ?s ?p ?o }} # {marker}"})
    deadline = time.monotonic() + 10
    while True:  # the line is written once the answer has been sent
        lines = [line for line in server.log_text().splitlines() if "kennisgraaf.access" in line and marker in line]
        if lines or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert lines and lines[-1].endswith("ms") and '" 200 ' in lines[-1]


def test_update_when_allowed_changes_the_in_memory_copy_only(built_settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from kennisgraaf_server import serve

    # The default graph is a graph of its own: a new claim's facts go into it too, to be seen by plain queries.
    update = f"INSERT DATA {{ <{ID}x> <{ID}y> <{ID}z> GRAPH <{ID}bewering/test> {{ <{ID}x> <{ID}y> <{ID}z> }} }}"
    with serve(built_settings, tmp_path, "--allow-update", "true", "--query-timeout", "2") as server:
        before = httpx.get(server.url + "health").json()["triples"]
        response = httpx.post(server.sparql, content=update, headers={"Content-Type": "application/sparql-update"})
        assert response.status_code == 204, response.text
        assert _count(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{ID}x> ?p ?o }}") == 1
        assert httpx.get(server.url + "health").json()["triples"] == before + 1
        load = httpx.post(server.sparql, data={"update": "LOAD <http://127.0.0.1:9/x.ttl>"})
        assert load.status_code == 400
        bad = httpx.post(server.sparql, data={"update": "INSERT DATA { <x> <y> }"})
        assert bad.status_code == 400 and "not valid SPARQL" in bad.text
        # A runaway update is stopped like a runaway query, and changes nothing.
        runaway = (f"INSERT {{ ?a <{ID}y> ?d }} WHERE {{ GRAPH ?g {{ ?a ?b ?c }} GRAPH ?h {{ ?d ?e ?f }} "
                   f"GRAPH ?i {{ ?j ?k ?l }} }}")
        started = time.monotonic()
        stopped = httpx.post(server.sparql, data={"update": runaway}, timeout=30)
        assert stopped.status_code == 503 and "unchanged" in stopped.text
        assert time.monotonic() - started < 8
        assert httpx.get(server.url + "health").json()["triples"] == before + 1
        removed = httpx.post(server.sparql, data={"update": f"DELETE WHERE {{ <{ID}x> ?p ?o }} ; "
                                                            f"DELETE WHERE {{ GRAPH ?g {{ <{ID}x> ?p ?o }} }}"})
        assert removed.status_code == 204
        assert httpx.get(server.url + "health").json()["triples"] == before
    with serve(built_settings, tmp_path) as server:
        assert _count(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{ID}x> ?p ?o }}") == 0


def test_several_server_processes_answer_and_log(built_settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from kennisgraaf_server import serve

    with serve(built_settings, tmp_path, "--server-processes", "2") as server:
        for _ in range(6):
            assert httpx.get(server.sparql, params={"query": ORGS}).status_code == 200
        big = httpx.get(server.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o }", "format": "tsv"})
        assert big.status_code == 200 and big.text.count("\n") > 2000
        lines = [line for line in server.log_text().splitlines() if "kennisgraaf.access" in line]
        assert len(lines) >= 7


def test_the_protocol_dataset_overrides_from_in_the_query(server) -> None:  # type: ignore[no-untyped-def]
    other = ID + "bewering/does-not-exist"
    query = f"SELECT (COUNT(*) AS ?n) FROM <{other}> WHERE {{ ?s ?p ?o }}"
    assert _count(server, query) == 0
    assert _count(server, query, **{"default-graph-uri": CLAIM}) == \
        _count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": CLAIM})


def test_form_post_with_a_utf8_charset_and_head(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.post(server.sparql, content=f"query={ORGS}".replace("+", "%2B").encode(),
                          headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})
    assert response.status_code == 200
    head = httpx.head(server.sparql, params={"query": ORGS})
    assert head.status_code == 200 and head.content == b""


def test_serve_without_a_build_says_what_to_do(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from kennisgraaf.cli import cli

    result = CliRunner(env={"KENNISGRAAF_BUILD_DIR": str(tmp_path / "nothing")}).invoke(cli, ["serve", "--port", "1"])
    assert result.exit_code == 2
    assert "kennisgraaf build" in result.output


@pytest.mark.parametrize(("query", "accept", "expected"), [
    ("ASK {}", "application/sparql-results+json;q=0, */*;q=0.5", "application/sparql-results+xml"),
    ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "text/turtle;q=0, */*;q=0.5", "application/n-triples"),
])
def test_q_0_refuses_a_type_even_when_a_wildcard_matches(server, query, accept, expected) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.sparql, params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(expected)
