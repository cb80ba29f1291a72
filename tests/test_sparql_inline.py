"""Quick queries answered in the server process: a query that took a worker at most inline_query_ms runs in
the server the next times, with the same answer in every format; anything else keeps going to a worker."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from kennisgraaf.queries import worker
from kennisgraaf.config import Settings
from kennisgraaf.web.protocol import Operation
from kennisgraaf.web.sparql import plan_query, run_plan
from kennisgraaf.web.state import ServerState, load_state

ORGS = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?org ?name WHERE { ?org a org:Organization ; rdfs:label ?name } ORDER BY ?name"""
PARTIES = """PREFIX kg: <https://w3id.org/kennisgraaf/def/>
CONSTRUCT { ?agreement kg:party ?party } WHERE { ?agreement kg:party ?party }"""
RESULT_ACCEPTS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                  "text/tab-separated-values"]
GRAPH_ACCEPTS = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
                 "application/trig", "application/n-quads"]


@pytest.fixture(scope="module")
def state(built_settings: Settings) -> Iterator[ServerState]:
    # A generous budget: the Leiden graph's queries take well under a millisecond, but a busy test machine
    # must not decide the outcome.
    overrides = {**built_settings.values, "inline_query_ms": 200, "result_limit": 1000}
    loaded = load_state(Settings.load(built_settings.project_dir, overrides, environ={}))
    yield loaded
    worker.shutdown()


def _answer(state: ServerState, text: str, accept: str) -> tuple[bytes, dict[str, str]]:
    answered = asyncio.run(run_plan(state, plan_query(state, Operation("query", text), accept)))
    return answered.body, answered.headers


def _job(state: ServerState, text: str) -> worker.LocalJob:
    return plan_query(state, Operation("query", text), None).job


@pytest.mark.parametrize("accept", RESULT_ACCEPTS)
def test_a_quick_select_is_answered_here_the_second_time_with_the_same_bytes(state, accept) -> None:  # type: ignore[no-untyped-def]
    state.quick.clear()
    from_worker, headers = _answer(state, ORGS, accept)
    assert _job(state, ORGS) in state.quick
    here, here_headers = _answer(state, ORGS, accept)
    assert here == from_worker and b"Universiteit Leiden" in here
    assert here_headers["content-type"] == headers["content-type"]


@pytest.mark.parametrize("accept", GRAPH_ACCEPTS)
def test_a_quick_construct_is_answered_here_with_the_same_triples(state, accept) -> None:  # type: ignore[no-untyped-def]
    state.quick.clear()
    from_worker, headers = _answer(state, PARTIES, accept)
    here, _ = _answer(state, PARTIES, accept)
    assert _job(state, PARTIES) in state.quick
    media = headers["content-type"].split(";")[0]
    rdf_format = ox.RdfFormat.from_media_type(media)
    parsed = [set(ox.parse(data, rdf_format, base_iri="https://w3id.org/kennisgraaf/")) for data in (from_worker, here)]
    assert parsed[0] == parsed[1] and len(parsed[0]) > 20


def test_ask_is_answered_here_as_by_a_worker(state) -> None:  # type: ignore[no-untyped-def]
    text = "ASK { ?s a <http://www.w3.org/ns/org#Organization> }"
    answers = [_answer(state, text, "application/sparql-results+json")[0] for _ in range(2)]
    assert _job(state, text) in state.quick
    assert answers[0] == answers[1] and b"true" in answers[0]


def test_queries_with_rand_now_or_bnode_always_go_to_a_worker(state) -> None:  # type: ignore[no-untyped-def]
    for text in ("SELECT ?s WHERE { ?s ?p ?o FILTER(RAND() < 0.5) } LIMIT 3",
                 "SELECT (NOW() AS ?t) WHERE {}", "SELECT (STRUUID() AS ?u) WHERE {}",
                 "SELECT ?s WHERE { ?s ?p ?o FILTER(0<1&&RAND()>0.5) } LIMIT 3",  # <1&&RAND()> looks like an IRI
                 # Blank node labels are random: ordering by one picks a random row.
                 "SELECT ?q WHERE { VALUES ?q { 0 1 } BIND(BNODE() AS ?b) } ORDER BY ?b LIMIT 1"):
        _answer(state, text, "application/sparql-results+json")
        assert _job(state, text) not in state.quick


def test_a_truncated_answer_is_not_run_here(state) -> None:  # type: ignore[no-untyped-def]
    text = "SELECT * WHERE { ?s ?p ?o }"
    body, headers = _answer(state, text, "text/tab-separated-values")
    assert headers["x-result-truncated"] == "true" and body.count(b"\n") == 1001  # the header and 1000 rows
    assert _job(state, text) not in state.quick


def test_an_answer_larger_than_expected_goes_back_to_a_worker(state) -> None:  # type: ignore[no-untyped-def]
    state.quick.clear()
    expected, _ = _answer(state, ORGS, "text/csv")
    job = _job(state, ORGS)
    state.quick[job] = 10  # as if the first run had written 10 bytes
    body, _ = _answer(state, ORGS, "text/csv")
    assert body == expected
    assert state.quick.get(job) != 10  # forgotten, then learnt again from the worker's run


def test_a_slow_query_is_never_run_here(built_settings: Settings) -> None:
    slow = load_state(Settings.load(built_settings.project_dir, {**built_settings.values, "inline_query_ms": 0},
                                    environ={}))
    try:
        _answer(slow, ORGS, "text/csv")
        assert not slow.quick
    finally:
        worker.shutdown()


def test_with_updates_allowed_every_query_goes_to_a_worker(built_settings: Settings) -> None:
    # After an update a quick query may become a runaway one, which nothing could stop in the server.
    updatable = load_state(Settings.load(built_settings.project_dir,
                                         {**built_settings.values, "allow_update": True, "inline_query_ms": 200},
                                         environ={}))
    try:
        assert updatable.inline_seconds == 0
        _answer(updatable, ORGS, "text/csv")
        assert not updatable.quick
    finally:
        worker.shutdown()


def test_an_answer_of_another_form_than_the_lexer_read_is_given_in_a_format_of_its_form(state) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from kennisgraaf.web.protocol import RESULT_TYPES

    planned = plan_query(state, Operation("query", PARTIES), "application/sparql-results+json, text/turtle;q=0.5")
    misread = replace(planned, media=RESULT_TYPES[0])  # as if the lexer had taken the CONSTRUCT for a SELECT
    answered = asyncio.run(run_plan(state, misread))
    assert answered.headers["content-type"].startswith("text/turtle")
    assert misread.job not in state.quick  # not remembered with the wrong format


def test_inline_time_is_at_most_a_tenth_of_the_query_timeout(built_settings: Settings) -> None:
    capped = load_state(Settings.load(built_settings.project_dir, {**built_settings.values, "inline_query_ms": 60000,
                                                                   "query_timeout": 2}, environ={}))
    try:
        assert capped.inline_seconds == pytest.approx(0.2)
    finally:
        worker.shutdown()


# ------------------------------------------------------------------------------------------------ the facts alone


@pytest.mark.parametrize(("text", "dataset", "facts"), [
    (ORGS, {}, True),
    (PARTIES, {}, True),
    ("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 3", {}, False),
    ("SELECT ?s FROM <https://w3id.org/kennisgraaf/id/bewering/js2017-nkn-voorzitter> WHERE { ?s ?p ?o }", {}, False),
    (ORGS, {"default_graphs": ["https://w3id.org/kennisgraaf/id/bewering/js2017-nkn-voorzitter"]}, False),
])
def test_a_query_of_the_default_graph_alone_is_answered_from_the_facts_store(state, text, dataset, facts) -> None:  # type: ignore[no-untyped-def]
    assert plan_query(state, Operation("query", text, **dataset), None).facts is facts


def test_the_facts_store_holds_exactly_the_default_graph(state) -> None:  # type: ignore[no-untyped-def]
    default = set(state.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert set(state.facts) == default and len(default) == state.triples


def test_every_canned_query_answers_the_same_from_the_facts_store(state, built_settings) -> None:  # type: ignore[no-untyped-def]
    from kennisgraaf import queries
    from kennisgraaf.sparqltext import shape

    target = queries.Target.of(built_settings, store=state.store)
    examples = {"parties": {"agreement": "overeenkomst:samenwerkingsovereenkomst-2017"}, "partners": {"year": 2023}}
    compared = 0
    for name, canned in queries.list_queries(built_settings).items():
        if canned.shape.keywords & {"GRAPH", "FROM"} or any(p.required for p in canned.params):
            continue
        text = queries.prepare(canned, examples.get(name, {}), target)
        job = worker.LocalJob(text, 100_000)
        both = [worker.run_here(store, job) for store in (state.store, state.facts)]
        if isinstance(both[0], ox.QueryTriples):
            assert set(both[0]) == set(both[1]), name
        else:
            # the same rows, each as often (rows that tie in ORDER BY may come in another order, and GROUP_CONCAT
            # joins its values in no defined order)
            assert sorted(map(_unordered, both[0])) == sorted(map(_unordered, both[1])), name
        compared += 1
    assert compared >= 10 and shape(ORGS).form == "SELECT"


def _unordered(row: ox.QuerySolution) -> list[str]:
    import re

    return [str(sorted(re.split(r"; |, ", term.value))) if isinstance(term, ox.Literal) else str(term) for term in row]


# ------------------------------------------------------------------------------------------------ the claims alone

SOURCES_OF_LUMC = """PREFIX organisatie: <https://w3id.org/kennisgraaf/id/organisatie/>
SELECT DISTINCT ?claim ?name WHERE { GRAPH ?claim { organisatie:lumc ?p ?o } organisatie:lumc ?p ?name }"""


@pytest.mark.parametrize(("text", "dataset", "claims"), [
    (SOURCES_OF_LUMC, {}, True),
    ("ASK { GRAPH ?g { ?s ?p ?o } }", {}, True),
    (ORGS, {}, False),  # the facts alone answer it
    ("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", {}, False),  # each row as often as it comes
    ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } ?s ?p ?o }", {}, False),
    ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 3", {}, False),
    ("SELECT DISTINCT ?s FROM NAMED <https://w3id.org/kennisgraaf/id/bewering/js2017-nkn-voorzitter> WHERE { "
     + "GRAPH ?g { ?s ?p ?o } }", {}, False),
    (SOURCES_OF_LUMC, {"named_graphs": ["https://w3id.org/kennisgraaf/id/bewering/js2017-nkn-voorzitter"]}, False),
])
def test_a_query_of_named_graphs_that_ignores_repeats_is_answered_from_the_claims_store(  # type: ignore[no-untyped-def]
        state, text, dataset, claims) -> None:
    plan = plan_query(state, Operation("query", text, **dataset), None)
    assert plan.claims is claims and plan.job.union is claims


def test_the_claims_store_read_as_a_union_holds_the_named_graphs_and_the_default_graph(state) -> None:  # type: ignore[no-untyped-def]
    def named(store: ox.Store) -> set[ox.Quad]:
        return {q for q in store.quads_for_pattern(None, None, None, None)
                if not isinstance(q.graph_name, ox.DefaultGraph)}

    assert state.claims is not None and named(state.claims) == named(state.store)
    union = state.claims.query("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    assert {ox.Triple(*row) for row in union} == {q.triple for q in state.facts}
    # each triple once per claim that states it (and once if no claim does, as a source document's)
    assert len(state.claims) < len(state.store) and len(state.claims) >= state.triples


def test_every_canned_query_of_named_graphs_answers_the_same_from_the_claims_store(state, built_settings) -> None:  # type: ignore[no-untyped-def]
    from kennisgraaf import queries
    from kennisgraaf.sparqltext import ignores_repeats

    target = queries.Target.of(built_settings, store=state.store)
    examples = {"evidence": {"subject": "City Deal Kennis Maken", "object": "NKN"}, "partners": {"year": 2023},
                "sources": {"entity": "NKN"}, "describe": {"entity": "NKN"}}
    compared = 0
    for name, canned in queries.list_queries(built_settings).items():
        if "GRAPH" not in canned.shape.keywords:
            continue
        text = queries.prepare(canned, examples.get(name, {}), target)
        if not ignores_repeats(text):
            assert name == "describe", name  # a CONSTRUCT: read from the store itself
            continue
        plan = plan_query(state, Operation("query", text), None)
        assert plan.claims and plan.job.union
        both = [worker.run_here(store, job) for store, job in ((state.store, worker.LocalJob(text, 100_000)),
                                                               (state.claims, plan.job))]
        rows = [sorted(map(_unordered, solutions)) for solutions in both]
        assert rows[0] == rows[1] and rows[0], name
        compared += 1
    assert compared >= 3
