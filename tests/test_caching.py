"""Caching on the web (web.caching): an ETag from the build's content hash and Cache-Control on pages, dumps,
the API and GET /sparql; 304 to If-None-Match, without running the query; none of it on POST, on errors and
on answers that differ each time."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import httpx
import pytest

with warnings.catch_warnings():  # Starlette 1.x would have httpx2 for its TestClient; httpx does the same here
    warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient")
    from starlette.testclient import TestClient

from kennisgraaf.config import Settings
from kennisgraaf.queries import worker
from kennisgraaf.web.app import create_app
from kennisgraaf.web.caching import matches
from kennisgraaf.web.state import ServerState, load_state

ID = "https://w3id.org/kennisgraaf/id/"
ORGS = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?org ?name WHERE { ?org a org:Organization ; rdfs:label ?name } ORDER BY ?name"""
PAGE_CACHE = "public, max-age=60"

# (path, query parameters, Accept): a page, RDF of a page, a dump, the API, GET /sparql, VoID, the rest.
CACHED = [
    ("doc/organisatie/lumc", {}, "text/html"),
    ("doc/organisatie/lumc", {}, "text/turtle"),
    ("dumps/leiden.nt", {}, None),
    ("api/partners", {"format": "csv"}, None),
    ("sparql", {"query": ORGS}, "application/sparql-results+json"),
    ("sparql", {"query": f"DESCRIBE <{ID}organisatie/lumc>"}, "text/turtle"),
    ("sparql", {}, "text/turtle"),  # the service description
    (".well-known/void", {}, "application/n-triples"),
    ("", {}, "text/html"),
    ("queries/partners", {}, "text/html"),
    ("openapi.json", {}, None),
]


@pytest.fixture(scope="module")
def server(kennisgraaf_server):  # type: ignore[no-untyped-def]
    return kennisgraaf_server


@pytest.mark.parametrize(("path", "params", "accept"), CACHED)
def test_an_answer_has_an_etag_and_a_client_that_has_it_gets_304(server, path, params, accept) -> None:  # type: ignore[no-untyped-def]
    headers = {"Accept": accept} if accept else {}
    first = httpx.get(server.url + path, params=params, headers=headers)
    assert first.status_code == 200, first.text
    tag = first.headers["etag"]
    assert tag.startswith('"') and tag.endswith('"') and len(tag) > 20  # strong
    expected = "public, max-age=3600" if path.startswith("dumps/") else PAGE_CACHE
    assert first.headers["cache-control"] == expected
    assert httpx.get(server.url + path, params=params, headers=headers).headers["etag"] == tag
    again = httpx.get(server.url + path, params=params, headers={**headers, "If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag and again.headers["cache-control"] == expected
    assert "Accept" in again.headers["vary"]
    several = httpx.get(server.url + path, params=params, headers={**headers, "If-None-Match": f'"other", W/{tag}'})
    assert several.status_code == 304
    stale = httpx.get(server.url + path, params=params, headers={**headers, "If-None-Match": '"other"'})
    assert stale.status_code == 200 and stale.headers["etag"] == tag and stale.content == first.content
    head = httpx.head(server.url + path, params=params, headers={**headers, "If-None-Match": tag})
    assert head.status_code == 304


def test_the_etag_follows_the_negotiated_format_and_the_query(server) -> None:  # type: ignore[no-untyped-def]
    def tag(accept: str, query: str = ORGS) -> str:
        response = httpx.get(server.sparql, params={"query": query}, headers={"Accept": accept})
        assert response.status_code == 200
        return response.headers["etag"]

    assert tag("application/sparql-results+json") == tag("application/json")  # the same format: the same answer
    assert tag("application/sparql-results+json") != tag("text/csv")
    assert tag("text/csv") != tag("text/csv", ORGS + " LIMIT 3")
    page = [httpx.get(server.url + "doc/organisatie/lumc", headers={"Accept": accept}).headers["etag"]
            for accept in ("text/html", "text/turtle")]
    assert page[0] != page[1]


def test_pages_link_to_the_address_they_were_asked_at_so_their_etag_depends_on_it(server) -> None:  # type: ignore[no-untyped-def]
    def get(path: str, host: str, accept: str = "text/html", **params: str) -> httpx.Response:
        return httpx.get(server.url + path, params=params, headers={"Host": host, "Accept": accept})

    local, named = get("doc/organisatie/lumc", "127.0.0.1"), get("doc/organisatie/lumc", "kennisgraaf.example")
    assert 'href="http://kennisgraaf.example/doc/' in named.text and local.headers["etag"] != named.headers["etag"]
    # A query's answer does not depend on the address (only the base IRI, a setting).
    answers = [get("sparql", host, "text/csv", query=ORGS).headers["etag"] for host in ("127.0.0.1", "kennisgraaf.example")]
    assert answers[0] == answers[1]


def test_post_errors_varying_answers_and_health_are_not_cached(server) -> None:  # type: ignore[no-untyped-def]
    posted = httpx.post(server.sparql, data={"query": ORGS})
    assert posted.status_code == 200 and "etag" not in posted.headers and "cache-control" not in posted.headers
    for response in (httpx.get(server.sparql, params={"query": "SELECT ?x WHERE { ?x ?y }"}),  # 400
                     httpx.get(server.url + "doc/nothing/here", headers={"Accept": "text/html"}),  # 404 page
                     httpx.get(server.url + "doc/nothing/here.ttl"),  # 404 text
                     httpx.get(server.url + "api/no-such-query"),
                     httpx.get(server.url + "no/such/route"),  # Starlette's own 404
                     httpx.get(server.sparql, params={"query": ORGS}, headers={"Accept": "image/png"})):  # 406
        assert response.status_code >= 400
        assert response.headers["cache-control"] == "no-store" and "etag" not in response.headers, response.url
    varying = httpx.get(server.sparql, params={"query": "SELECT (RAND() AS ?r) WHERE {}"})
    assert varying.status_code == 200
    assert varying.headers["cache-control"] == "no-store" and "etag" not in varying.headers
    health = httpx.get(server.url + "health")
    assert health.headers["cache-control"] == "no-store" and "etag" not in health.headers


def test_the_etag_can_be_read_by_pages_on_other_origins(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.sparql, params={"query": ORGS}, headers={"Origin": "http://yasgui.example"})
    assert "ETag" in response.headers["access-control-expose-headers"]
    revalidated = httpx.get(server.sparql, params={"query": ORGS},
                            headers={"Origin": "http://yasgui.example", "If-None-Match": response.headers["etag"]})
    assert revalidated.status_code == 304 and revalidated.headers["access-control-allow-origin"] == "*"


def test_if_none_match_is_read_as_a_list_of_tags() -> None:
    assert matches('"a"', '"a"') and matches('W/"a"', '"a"') and matches(' "x" , "a" ', '"a"')
    assert not matches('"ab"', '"a"') and not matches('"a', '"a"') and not matches("*", '"a"')


# ------------------------------------------------------------------------------------------------ in process


@pytest.fixture()
def app_state(built_settings: Settings) -> Iterator[tuple[TestClient, ServerState]]:
    settings = Settings.load(built_settings.project_dir, {**built_settings.values, "reload_interval": 0,
                                                          "allow_update": True}, environ={})
    state = load_state(settings)
    with TestClient(create_app(settings, state), base_url="http://127.0.0.1") as client:
        yield client, state
    worker.shutdown()


def test_304_is_answered_without_running_the_query(app_state) -> None:  # type: ignore[no-untyped-def]
    client, state = app_state
    for path, params in (("/sparql", {"query": ORGS}), ("/doc/organisatie/lumc", {}), ("/api/partners", {})):
        first = client.get(path, params=params)
        assert first.status_code == 200, first.text
        state.max_running = 0  # from now on every query is refused (503): a 304 shows none was run
        assert client.get(path, params=params).status_code == 503
        again = client.get(path, params=params, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304, path
        state.max_running = 8


def test_an_update_gives_every_answer_a_new_etag(app_state) -> None:  # type: ignore[no-untyped-def]
    client, _ = app_state
    query = f"SELECT ?o WHERE {{ <{ID}x> <{ID}y> ?o }}"
    before = [client.get("/sparql", params={"query": query}), client.get("/doc/organisatie/lumc")]
    update = f"INSERT DATA {{ <{ID}x> <{ID}y> <{ID}z> }}"
    assert client.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"}).status_code == 204
    for old in before:
        after = client.get(old.url, headers={"If-None-Match": old.headers["etag"]})
        assert after.status_code == 200 and after.headers["etag"] != old.headers["etag"]
    assert f"{ID}z" in client.get("/sparql", params={"query": query}).text
    assert client.get("/health").json()["updates"] == 1
