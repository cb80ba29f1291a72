"""queries: canned and ad-hoc queries, run on the embedded store and on a real `oxigraph serve`.

The first part uses a small graph of our own (tests/mini_graph.py) to test the machinery: parameters,
names, injection attempts, limits, time limits and formats. The second part runs every canned query on the
Leiden graph and checks its exact answer, as the source documents give it. Every test runs twice: on the
embedded store and over HTTP; both must give the same answer.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kennisgraaf import queries
from kennisgraaf.config import Settings
from kennisgraaf.errors import ParameterError, QueryError, QueryTimeout

ID = "https://w3id.org/kennisgraaf/id/"
SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . "
        "?g <http://www.w3.org/2000/01/rdf-schema#label> ?i }")  # about 15 s on the mini graph


@pytest.fixture(params=["embedded", "oxigraph-serve"])
def on_mini(request: pytest.FixtureRequest, mini: Settings) -> dict[str, Any]:
    """Keyword arguments of run() and sparql() for one backend holding the mini graph."""
    if request.param == "embedded":
        return {"settings": mini}
    return {"settings": mini, "endpoint": request.getfixturevalue("mini_endpoint")}


def iris(result: queries.Result, column: str) -> list[str]:
    return [row[column].value.removeprefix(ID) for row in result if row[column] is not None]


# ------------------------------------------------------------------------------------------------ parameters


@pytest.mark.parametrize("year, expected", [
    (None, ["organisatie/universiteit", "organisatie/hogeschool"]),
    (2018, ["organisatie/universiteit"]),
    (2020, ["organisatie/universiteit", "organisatie/hogeschool"]),
    (2022, ["organisatie/hogeschool"]),
    ("2022", ["organisatie/hogeschool"]),
])
def test_a_year_filters_memberships(on_mini: dict[str, Any], year: Any, expected: list[str]) -> None:
    assert iris(queries.run("partners", year=year, **on_mini), "partner") == expected


@pytest.mark.parametrize("agreement", ["Deal", "deal", "overeenkomst:deal", f"{ID}overeenkomst/deal",
                                       f"<{ID}overeenkomst/deal>", ox.NamedNode(f"{ID}overeenkomst/deal")])
def test_an_entity_is_given_by_name_prefixed_name_or_iri(on_mini: dict[str, Any], agreement: Any) -> None:
    result = queries.run("parties", {"agreement": agreement}, **on_mini)
    # The signing and a party are stated in two claims: still one row each.
    assert iris(result, "party") == ["organisatie/gemeente", "organisatie/hogeschool", "organisatie/universiteit"]
    assert {row.value("signed").isoformat() for row in result} == {"2017-07-07"}


@pytest.mark.parametrize("name", ["UT", "ut", "Universiteit Teststad", "universiteit  teststad",
                                  "organisatie:universiteit"])
def test_an_organisation_is_given_by_abbreviation_or_name_in_any_case(on_mini: dict[str, Any], name: str) -> None:
    result = queries.run("initiatives", organisation=name, **on_mini)
    assert iris(result, "initiative") == ["initiatief/lab"]


def test_names_are_matched_without_accents(on_mini: dict[str, Any]) -> None:
    result = queries.run("initiatives", organisation="museum extra", **on_mini)
    assert iris(result, "initiative") == ["initiatief/festival", "initiatief/lab"]


def test_an_unknown_name_lists_the_closest_known_names(on_mini: dict[str, Any]) -> None:
    with pytest.raises(ParameterError) as caught:
        queries.run("initiatives", organisation="Universiteit Testsdat", **on_mini)
    message = caught.value.message("en")
    assert message.startswith("--organisation: no organisation in the graph is called 'Universiteit Testsdat'.")
    assert "Closest known names: Universiteit Teststad" in message
    assert "Namen die erop lijken: Universiteit Teststad" in caught.value.message("nl")


def test_a_name_of_two_things_asks_for_the_iri(on_mini: dict[str, Any]) -> None:
    with pytest.raises(ParameterError, match="names more than one thing: .*tweeling-1.*tweeling-2"):
        queries.run("members", group="Tweeling", **on_mini)


def test_an_iri_that_is_not_an_organisation_is_refused(on_mini: dict[str, Any]) -> None:
    with pytest.raises(ParameterError, match="is not an organisation in the graph"):
        queries.run("initiatives", organisation="initiatief:lab", **on_mini)
    with pytest.raises(ParameterError, match="is not a thing of the kind org:OrganizationalCollaboration, "):
        queries.run("members", group=f"{ID}samenwerking/bestaat-niet", **on_mini)
    with pytest.raises(ParameterError, match="is not anything in the graph"):
        queries.run("describe", entity=f"{ID}samenwerking/bestaat-niet", **on_mini)


@pytest.mark.parametrize("params, message", [
    ({"year": "twintig"}, "--year must be a whole number"),
    ({"year": 20}, "--year must be a year such as 2023"),
    ({"jaar": 2020}, "has no parameter jaar"),
])
def test_wrong_parameters_are_refused_before_running(mini: Settings, params: dict[str, Any], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        queries.run("partners", params, settings=mini)


def test_a_required_parameter_must_be_given(mini: Settings) -> None:
    with pytest.raises(ParameterError, match="needs --entity"):
        queries.run("sources", settings=mini)


def test_an_unknown_query_suggests_the_closest_names(mini: Settings) -> None:
    with pytest.raises(QueryError, match="no canned query 'partner'. Did you mean partners"):
        queries.run("partner", settings=mini)


# ------------------------------------------------------------------------------------------------ injection


INJECTIONS = [
    'UT" } } SELECT * WHERE { ?s ?p ?o } #',
    "UT' } ; DROP ALL",
    "UT> } UNION { ?s ?p ?o }",
    'UT"""x',
    "} LIMIT 1 } SELECT ?x WHERE { BIND(1 AS ?x) }",
    "\\\" . ?entity ?p ?o . FILTER(true) } #",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_a_literal_parameter_with_sparql_in_it_is_a_harmless_literal(on_mini: dict[str, Any], value: str) -> None:
    result = queries.run("lookup", name=value, **on_mini)
    assert result.rows == []  # no name contains this text, and nothing else was run
    assert result.variables == ["entity", "class", "matched", "exact"]
    assert f"VALUES (?name) {{ ({ox.Literal(value)}) }}" in result.query


@pytest.mark.parametrize("value", INJECTIONS + ["http://x/a> } SELECT * { ?s ?p ?o", "<http://x/a> } #"])
def test_an_organisation_parameter_with_sparql_in_it_is_an_error(on_mini: dict[str, Any], value: str) -> None:
    with pytest.raises(ParameterError):
        queries.run("initiatives", organisation=value, **on_mini)


def test_a_harmless_literal_still_finds_what_it_names(on_mini: dict[str, Any]) -> None:
    result = queries.run("lookup", name="ËXTRA", **on_mini)
    assert iris(result, "entity") == ["organisatie/museum"]
    assert result.rows[0].value("exact") is False


# ------------------------------------------------------------------------------------------------ limits


def test_the_result_limit_cuts_off_with_a_flag(on_mini: dict[str, Any]) -> None:
    result = queries.sparql("SELECT ?s WHERE { ?s ?p ?o }", limit=3, **on_mini)
    assert len(result) == 3 and result.truncated
    assert not queries.sparql("SELECT ?s WHERE { ?s a <http://www.w3.org/ns/org#Membership> }", limit=2,
                              **on_mini).truncated


def test_a_query_that_runs_too_long_is_stopped(on_mini: dict[str, Any]) -> None:
    started = time.perf_counter()
    with pytest.raises(QueryTimeout) as caught:
        queries.sparql(SLOW, timeout=0.5, **on_mini)
    assert time.perf_counter() - started < 5
    assert caught.value.exit_code == 3
    assert "ran longer than 0.5 s and was stopped" in caught.value.message("en")
    assert queries.sparql("ASK { ?s ?p ?o }", **on_mini).boolean is True  # and the next query runs


def test_service_calls_are_refused_unless_allowed(mini: Settings) -> None:
    with pytest.raises(QueryError, match="SERVICE"):
        queries.sparql("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", settings=mini)


def test_deeply_nested_ad_hoc_queries_are_refused_before_they_run(mini: Settings) -> None:
    nested = "SELECT * WHERE " + "{" * 3000 + "}" * 3000
    with pytest.raises(QueryError, match="nests brackets 3000 deep"):
        queries.sparql(nested, settings=mini)


# ------------------------------------------------------------------------------------------------ results


def test_select_results_in_the_w3c_formats(on_mini: dict[str, Any]) -> None:
    result = queries.run("parties", agreement="Deal", **on_mini)
    for fmt in ("json", "xml", "tsv"):
        parsed = ox.parse_query_results(result.serialize(fmt), format=queries.RESULT_FORMATS[fmt])
        assert [tuple(solution) for solution in parsed] == [tuple(row) for row in result]
    assert json.loads(result.serialize("json"))["head"]["vars"] == ["agreement", "signed", "party"]
    csv = result.serialize("csv").decode().splitlines()
    assert csv[0] == "agreement,signed,party" and csv[1] == f"{ID}overeenkomst/deal,2017-07-07,{ID}organisatie/gemeente"
    with pytest.raises(QueryError, match="gives a table"):
        result.serialize("turtle")


def test_ask_results(on_mini: dict[str, Any]) -> None:
    result = queries.sparql("ASK { ?s a <http://www.w3.org/ns/org#Membership> }", **on_mini)
    assert result.kind == "ask" and result.boolean is True
    assert json.loads(result.serialize("json")) == {"head": {}, "boolean": True}


def test_graph_results_in_the_rdf_formats(on_mini: dict[str, Any]) -> None:
    result = queries.run("describe", entity="UT", **on_mini)
    assert result.kind == "graph"
    triples = set(result)
    claim = ox.NamedNode(f"{ID}bewering/t-partners")
    assert ox.Triple(ox.NamedNode(f"{ID}organisatie/universiteit"), ox.NamedNode(
        "https://w3id.org/kennisgraaf/def/statedIn"), claim) in triples
    assert ox.Triple(claim, ox.NamedNode("https://w3id.org/kennisgraaf/def/quote"), ox.Literal(
        "De gemeente Teststad werkt samen met de Universiteit Teststad (UT) en de Hogeschool.")) in triples
    for fmt, rdf_format in queries.GRAPH_FORMATS.items():
        parsed = {quad.triple for quad in ox.parse(result.serialize(fmt), format=rdf_format)}
        assert parsed == triples, fmt
    assert b"@prefix kg: <https://w3id.org/kennisgraaf/def/> .\n" in result.serialize("turtle")
    with pytest.raises(QueryError, match="gives a graph"):
        result.serialize("csv")


def test_records_for_scripts(on_mini: dict[str, Any]) -> None:
    result = queries.run("budgets", **on_mini)
    assert result.records() == [{"budget": f"{ID}budget/fonds", "budget_year": 2020,
                                 "amount": Decimal("1000.00"), "allocations": 1,
                                 "allocated": Decimal("400.00"), "remaining": Decimal("600.00")}]
    assert result.records(labels=True)[0]["budget"] == "Fonds"


def test_the_embedded_store_and_oxigraph_serve_agree_on_every_canned_query(mini: Settings, mini_endpoint: str) -> None:
    arguments = {"sources": {"entity": "UT"}, "describe": {"entity": "Deal"}, "lookup": {"name": "test"},
                 "compare-agreements": {"first": "Deal", "second": "Deal"},
                 "compare-years": {"first": 2018, "second": 2022},
                 "evidence": {"subject": "UT", "object": "Kennisstad Teststad"}}
    for name in queries.list_queries(mini):
        embedded = queries.run(name, arguments.get(name, {}), settings=mini)
        served = queries.run(name, arguments.get(name, {}), settings=mini, endpoint=mini_endpoint)
        if embedded.kind == "graph":
            assert set(embedded) == set(served), name
        else:
            assert embedded.variables == served.variables and list(embedded) == list(served), name


def test_a_store_path_or_store_object_can_be_queried_directly(mini: Settings) -> None:
    folder = Path(mini.project_dir / "build" / "current" / "store")
    by_path = queries.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", settings=mini, store=folder)
    store = ox.Store()
    store.load((mini.project_dir / "mini.nq").read_bytes(), ox.RdfFormat.N_QUADS)
    by_object = queries.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", settings=mini, store=store)
    assert by_path.rows == by_object.rows and by_path.rows[0].value("n") > 100


def test_repeating_the_values_block_in_union_branches_changes_no_answer(mini: Settings) -> None:
    # bind() repeats the parameters' VALUES block at the start of each UNION branch (for Oxigraph's sake);
    # the answer must be that of the one block at the start of the WHERE group.
    from kennisgraaf.sparqltext import bind, union_branches

    store = ox.Store()
    store.load((mini.project_dir / "mini.nq").read_bytes(), ox.RdfFormat.N_QUADS)
    values = {"organisation": ox.NamedNode(f"{ID}organisatie/universiteit"), "min_shared": ox.Literal(1),
              "group": ox.NamedNode(f"{ID}samenwerking/leiden-kennisstad"), "entity": ox.NamedNode(
                  f"{ID}organisatie/universiteit"),
              "subject": ox.NamedNode(f"{ID}organisatie/universiteit"),
              "object": ox.NamedNode(f"{ID}samenwerking/leiden-kennisstad"),
              "first": ox.NamedNode(f"{ID}overeenkomst/deal"), "second": ox.NamedNode(f"{ID}overeenkomst/deal")}
    checked = 0
    for name, canned in queries.list_queries(mini).items():
        given = {p.name: values[p.name] for p in canned.params if p.name in values}
        if not given or not union_branches(canned.text, canned.shape.where or 0):
            continue
        where = canned.shape.where or 0
        names = " ".join(f"?{n}" for n in given)
        once = (canned.text[:where] + f" VALUES ({names}) {{ ({' '.join(str(v) for v in given.values())}) }}"
                + canned.text[where:])
        answers = [store.query(text) for text in (once, bind(canned.text, given))]
        if isinstance(answers[0], ox.QuerySolutions):
            assert [tuple(r) for r in answers[0]] == [tuple(r) for r in answers[1]], name
        else:
            assert set(answers[0]) == set(answers[1]), name
        checked += 1
    assert checked >= 3
