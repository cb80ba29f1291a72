"""A served graph is safe by default: no outbound requests, bounded queries, and no input that makes the
server fail or stop (a real `kennisgraaf serve` process, with a 2 s query timeout)."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture(scope="module")
def server(kennisgraaf_server):  # type: ignore[no-untyped-def]
    return kennisgraaf_server


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request made to it."""
    seen: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(b'{"head":{"vars":["s"]},"results":{"bindings":[]}}')

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def _alive(server) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    assert httpx.get(server.url + "health", timeout=5).status_code == 200
    assert time.monotonic() - started < 1
    assert server.process.poll() is None


def test_service_is_refused_and_nothing_is_fetched(server, listener) -> None:  # type: ignore[no-untyped-def]
    url, seen = listener
    for query in (f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
                  f"SELECT * WHERE {{ service silent <{url}> {{ ?s ?p ?o }} }}",
                  f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }} }}",
                  # An escape the lexer once misread, so that it took the rest of the line for a comment:
                  f"SELECT ?v WHERE {{ BIND(<http://x/\\u0041#> AS ?w) SERVICE <{url}> {{ VALUES ?v {{ 1 }} }} }}",
                  f"PREFIX ex: <http://x/> SELECT * WHERE {{ BIND(ex:a\\# AS ?w) SERVICE <{url}> {{ }} }}",
                  f"SELECT * WHERE {{ ?s ?p ?o .SERVICE<{url}>{{}} }}"):
        response = httpx.post(server.sparql, data={"query": query})
        assert response.status_code == 400
        assert "SERVICE" in response.text
    for query in (f"SELECT * FROM <{url}data.ttl> WHERE {{ ?s ?p ?o }}",
                  f"SELECT * FROM NAMED <{url}g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
                  f"DESCRIBE <{url}thing>"):
        assert httpx.get(server.sparql, params={"query": query}).status_code == 200
    response = httpx.get(server.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": url})
    assert response.status_code == 200
    time.sleep(0.3)
    assert seen == []


def test_local_files_cannot_be_read(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.sparql, params={"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == []
    load = httpx.post(server.sparql, data={"update": "LOAD <file:///etc/passwd>"})
    assert load.status_code == 403


def test_a_runaway_query_is_stopped_while_health_stays_fast(server) -> None:  # type: ignore[no-untyped-def]
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        future = pool.submit(httpx.get, server.sparql, params={"query": RUNAWAY}, timeout=30)
        time.sleep(0.5)
        _alive(server)
        response = future.result()
    assert response.status_code == 503
    assert "stopped" in response.text and "2 s, the most this server allows" in response.text
    assert "--timeout" not in response.text  # a web user cannot give the server's options
    assert time.monotonic() - started < 6
    _alive(server)


def test_eight_runaway_queries_then_503_with_retry_after(server) -> None:  # type: ignore[no-untyped-def]
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(httpx.get, server.sparql, params={"query": RUNAWAY + f" # {i}"}, timeout=30)
                   for i in range(8)]
        time.sleep(0.7)
        for _ in range(3):
            _alive(server)
        busy = httpx.get(server.sparql, params={"query": "ASK {}"})
        statuses = [f.result().status_code for f in futures]
    assert statuses == [503] * 8
    assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
    assert httpx.get(server.sparql, params={"query": "ASK {}"}).status_code == 200


@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{ " * 3000 + "?s ?p ?o " + "} " * 3000,
    "SELECT (" + "STR(" * 700 + "?s" + ")" * 700 + " AS ?x) WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(["?o = 1"] * 12000) + ") }",
    "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 5000) + " }",
])
def test_deeply_nested_or_long_chains_are_400_and_the_server_stays_up(server, query) -> None:  # type: ignore[no-untyped-def]
    response = httpx.post(server.sparql, content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400, response.text[:200]
    _alive(server)


@pytest.mark.parametrize(("content_type", "body"), [
    ("application/sparql-query", b"\xff\xfe\x00garbage\x80"),
    ("application/sparql-query", b"SELECT * WHERE { ?s ?p \"caf\xe9\" }"),
    ("application/x-www-form-urlencoded", b"query=%FF%FE"),
    ("application/x-www-form-urlencoded", b"query=SELECT%20*%20WHERE%20%7B%7D&query=ASK%7B%7D"),
    ("application/x-www-form-urlencoded", b"\x00\x01\x02=\x03"),
    ("application/x-www-form-urlencoded; charset=utf-16", "query=ASK {}".encode("utf-16")),
    ("application/sparql-query", b""),
    ("application/sparql-query", b"\x00" * 1000),
    ("application/sparql-query", b"SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999999"),
    ("application/sparql-query", b"SELECT * WHERE { BIND(1/0 AS ?x) FILTER(REGEX(\"a\", \"(\")) }"),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=\"query\"\r\n\r\nASK{}\r\n--x--"),
    ("application/json", b'{"query": "ASK {}"}'),
])
def test_malformed_bodies_are_4xx_never_500(server, content_type, body) -> None:  # type: ignore[no-untyped-def]
    response = httpx.post(server.sparql, content=body, headers={"Content-Type": content_type})
    assert 400 <= response.status_code < 500 or response.status_code == 200, response.text
    _alive(server)


def test_huge_bodies_and_queries_are_refused(server) -> None:  # type: ignore[no-untyped-def]
    too_long = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 150_000
    response = httpx.post(server.sparql, content=too_long.encode(), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400 and "max_query_length" in response.text
    huge = b"ASK {} #" + b"x" * 300_000
    response = httpx.post(server.sparql, content=huge, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413
    host, port = server.url[len("http://"):].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw:  # a URL too long for httpx to send
        raw.sendall(b"GET /sparql?query=ASK%7B%7D%23" + b"x" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = raw.recv(200)
    assert answer == b"" or answer.startswith((b"HTTP/1.1 4", b"HTTP/1.0 4"))
    _alive(server)


def test_wrong_encodings_in_urls_are_400(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(server.sparql + "?query=ASK%20%7B%7D%FF")
    assert response.status_code == 400
    response = httpx.get(server.url + "doc/%FF%FE")
    assert 400 <= response.status_code < 500
    _alive(server)
