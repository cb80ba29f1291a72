"""Queries run in worker processes: stopped at their deadline, cut off at the result limit, and a crash of
the engine ends only the worker."""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kennisgraaf.queries import worker
from kennisgraaf.errors import QueryError, QueryTimeout

EX = "http://example.org/"


def _store(n: int = 50) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(i), ox.DefaultGraph())
                 for i in range(n))
    return store


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("worker") / "store"
    on_disk = ox.Store(str(path))
    on_disk.extend(_store(2000))
    on_disk.flush()
    del on_disk
    return worker.store_folder(Path(path))


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_a_query_on_a_store_folder_answers_in_tsv(folder: str) -> None:
    answer = worker.execute(folder, worker.LocalJob(f"SELECT ?o WHERE {{ <{EX}s7> ?p ?o }}", 10), 10)
    assert answer.kind == "select" and not answer.truncated
    assert answer.data == b"?o\n7\n"


def test_the_result_limit_cuts_rows_and_triples(folder: str) -> None:
    select = worker.execute(folder, worker.LocalJob("SELECT ?s WHERE { ?s ?p ?o }", 5), 10)
    assert select.truncated and select.data.count(b"\n") == 6  # the header and five rows
    graph = worker.execute(folder, worker.LocalJob("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", 3), 10)
    assert graph.kind == "graph" and graph.truncated and graph.data.count(b"\n") == 3
    exact = worker.execute(folder, worker.LocalJob("SELECT ?s WHERE { ?s ?p 1 }", 1), 10)
    assert not exact.truncated and exact.data.count(b"\n") == 2


def test_a_query_past_its_deadline_is_stopped_and_the_next_one_runs(folder: str) -> None:
    started = time.perf_counter()
    with pytest.raises(QueryTimeout, match="longer than 0.5 s"):
        worker.execute(folder, worker.LocalJob(SLOW, 10), 0.5)
    assert time.perf_counter() - started < 3
    assert worker.execute(folder, worker.LocalJob("ASK { ?s ?p ?o }", 10), 10).boolean is True


def test_a_crash_of_the_engine_is_an_error_not_the_end_of_the_program(folder: str) -> None:
    # Deeper than sparqltext.check() allows: it would end this process if it ran here.
    crashing = "SELECT ?x WHERE { BIND(" + "STR(" * 3000 + "1" + ")" * 3000 + " AS ?x) }"
    with pytest.raises(QueryError, match="query engine stopped"):
        worker.execute(folder, worker.LocalJob(crashing, 10), 30)
    assert worker.execute(folder, worker.LocalJob("ASK { ?s ?p ?o }", 10), 10).boolean is True


def test_syntax_errors_come_back_in_both_languages(folder: str) -> None:
    with pytest.raises(QueryError) as caught:
        worker.execute(folder, worker.LocalJob("SELECT ?s WHERE { ?s ?p }", 10), 10)
    assert caught.value.message("en").startswith("The query is not valid SPARQL: ")
    assert caught.value.message("nl").startswith("De query is geen geldige SPARQL: ")


def test_a_store_object_is_queried_as_it_is_now() -> None:
    store = _store(3)
    assert worker.execute(store, worker.LocalJob("SELECT ?s WHERE { ?s ?p ?o }", 10), 10).data.count(b"\n") == 4
    store.add(ox.Quad(ox.NamedNode(f"{EX}new"), ox.NamedNode(f"{EX}p"), ox.Literal(9)))
    assert worker.execute(store, worker.LocalJob("SELECT ?s WHERE { ?s ?p ?o }", 10), 10).data.count(b"\n") == 5


def test_workers_are_reused_for_a_store_folder(folder: str) -> None:
    worker.execute(folder, worker.LocalJob("ASK { ?s ?p ?o }", 10), 10)
    started = time.perf_counter()
    for _ in range(20):
        worker.execute(folder, worker.LocalJob("ASK { ?s ?p ?o }", 10), 10)
    assert (time.perf_counter() - started) / 20 < 0.05


def test_an_unreachable_endpoint_is_a_clear_error() -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(QueryError, match="cannot be reached"):
        worker.execute(None, worker.HttpJob(f"http://127.0.0.1:{port}/query", "ASK {}", 10, 5), 10)


def test_a_retired_shared_store_is_let_go_with_its_workers_once_they_have_answered() -> None:
    from concurrent.futures import ThreadPoolExecutor

    key, other = worker.share(_store(3000)), worker.share(_store(3))
    assert worker.execute(key, worker.LocalJob("ASK { ?s ?p ?o }", 10), 10).boolean is True  # a worker of it idles
    assert worker.execute(other, worker.LocalJob("ASK { ?s ?p ?o }", 10), 10).boolean is True
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(worker.execute, key, worker.LocalJob("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }",
                                                                   10), 30)
        time.sleep(0.2)  # the query takes about a second
        worker.retire(key)  # while its worker is busy: the query in flight is answered all the same
        assert running.result().data == b"?n\n9000000\n"
    # No worker of the retired store is left to answer (a new one cannot find the store); the other is served on.
    with pytest.raises(QueryError, match="cannot be opened"):
        worker.execute(key, worker.LocalJob("ASK { ?s ?p ?o }", 10), 10)
    assert worker.execute(other, worker.LocalJob("ASK { ?s ?p ?o }", 10), 10).boolean is True
    worker.retire(other)
