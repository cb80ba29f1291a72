"""Reading SPARQL text: forms, variables, the WHERE group, limits on nesting, and binding with VALUES."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kennisgraaf.errors import QueryError
from kennisgraaf.sparqltext import (
    MAX_CHAIN,
    MAX_NESTING,
    bind,
    calls_elsewhere,
    check,
    ignores_repeats,
    may_vary,
    shape,
    tokens,
)

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize("text, form, where", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT", "SELECT * WHERE {"),
    ("select * { ?s ?p ?o }", "SELECT", "select * {"),
    ("PREFIX ex: <http://ex/#{> # a comment with {\nASK { ?s ?p ?o }", "ASK",
     "PREFIX ex: <http://ex/#{> # a comment with {\nASK {"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT", "CONSTRUCT { ?s ?p ?o } WHERE {"),
    ("CONSTRUCT { ?s ?p ?o } FROM <http://g> { ?s ?p ?o }", "CONSTRUCT", "CONSTRUCT { ?s ?p ?o } FROM <http://g> {"),
    ("DESCRIBE ?e WHERE { ?e ?p ?o }", "DESCRIBE", "DESCRIBE ?e WHERE {"),
    ("SELECT (EXISTS { ?a ?b ?c } AS ?x) WHERE { ?s ?p '{' }", "SELECT", "SELECT (EXISTS { ?a ?b ?c } AS ?x) WHERE {"),
])
def test_form_and_where_group(text: str, form: str, where: str) -> None:
    found = shape(text)
    assert found.form == form
    assert found.where is not None and text[: found.where] == where


def test_construct_where_and_describe_without_where_have_no_group_to_bind_in() -> None:
    assert shape("CONSTRUCT WHERE { ?s ?p ?o }").where is None
    assert shape("DESCRIBE <http://ex/a>").where is None
    with pytest.raises(QueryError, match="WHERE group"):
        bind("DESCRIBE ?e", {"e": ox.NamedNode("http://ex/a")})


def test_variables_in_order_of_first_use_and_strings_are_not_code() -> None:
    found = shape('SELECT ?b WHERE { ?a ?p "?notavar # not a comment" . $b ?p """{ ?x }""" } # ?y')
    assert found.variables == ["b", "a", "p"]
    assert found.depth == 1


def test_less_than_is_an_operator_and_iris_are_iris() -> None:
    kinds = [(t.kind, t.text) for t in tokens("FILTER(?a<?b && ?c <= 3) <http://ex/a?b=1>")]
    assert ("punct", "<") in kinds and ("punct", "<=") in kinds and ("iri", "<http://ex/a?b=1>") in kinds


def test_check_refuses_deep_nesting_long_chains_long_text_and_updates() -> None:
    deep = "SELECT ?x WHERE { BIND(" + "STR(" * (MAX_NESTING + 5) + "1" + ")" * (MAX_NESTING + 5) + " AS ?x) }"
    with pytest.raises(QueryError, match="nests brackets"):
        check(deep, 1_000_000)
    groups = "SELECT * WHERE " + "{" * 3000 + "}" * 3000
    with pytest.raises(QueryError, match="nests brackets"):
        check(groups, 1_000_000)
    chain = "SELECT ?x WHERE { BIND(" + " + ".join(["1"] * (MAX_CHAIN + 10)) + " AS ?x) }"
    with pytest.raises(QueryError, match="operators or patterns"):
        check(chain, 1_000_000)
    unions = "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * (MAX_CHAIN + 10)) + " }"
    with pytest.raises(QueryError, match="operators or patterns"):
        check(unions, 1_000_000)
    with pytest.raises(QueryError, match="characters long"):
        check("SELECT * WHERE { ?s ?p ?o }" + " " * 100, 50)
    with pytest.raises(QueryError, match="not a SPARQL query"):
        check("DELETE WHERE { ?s ?p ?o }", 1000)
    with pytest.raises(QueryError, match="SERVICE"):
        check("SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }", 1000, allow_service=False)


def test_ordinary_queries_pass_the_checks() -> None:
    text = "SELECT ?s WHERE { " + " ".join(f"?s <http://ex/p{i}> ?o{i} ." for i in range(200)) + " }"
    assert check(text, 100_000).form == "SELECT"


def test_bind_adds_one_values_block_at_the_start_of_the_where_group() -> None:
    text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    bound = bind(text, {"s": ox.NamedNode("http://ex/a"), "o": ox.Literal(2023)})
    assert bound == (f'CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES (?s ?o) {{ (<http://ex/a> "2023"^^<{XSD}integer>) }}'
                     f' ?s ?p ?o }}')


@pytest.mark.parametrize("value", [
    'x" } } SELECT * WHERE { ?s ?p ?o } #',
    "x' } DROP ALL",
    "a>b<c",
    "line\nbreak\t\\ and \\u0022",
    '"""',
])
def test_a_literal_with_sparql_in_it_stays_one_literal(value: str) -> None:
    bound = bind("SELECT ?v WHERE { ?s ?p ?v }", {"v": ox.Literal(value)})
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p"), ox.Literal(value)))
    store.add(ox.Quad(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p"), ox.Literal("other")))
    rows = list(store.query(bound))
    assert [row["v"] for row in rows] == [ox.Literal(value)]
    assert shape(bound).form == "SELECT" and len([t for t in tokens(bound) if t.kind == "string"]) == 1


def test_iris_cannot_carry_sparql() -> None:
    for bad in ("http://ex/a> } SELECT", "http://ex/a b", 'http://ex/"'):
        with pytest.raises(ValueError):
            ox.NamedNode(bad)


def test_bind_refuses_anything_but_one_term() -> None:
    class Sneaky:
        def __str__(self) -> str:
            return '"a" } SELECT * { ?s ?p ?o'

    with pytest.raises(QueryError, match="not one IRI or one literal"):
        bind("SELECT * WHERE { ?s ?p ?o }", {"o": Sneaky()})  # type: ignore[dict-item]


def test_bind_rows_binds_many_values_where_bind_binds_one() -> None:
    import pyoxigraph as ox

    from kennisgraaf.sparqltext import bind_rows

    text = "SELECT ?this WHERE { { ?this ?p 1 } UNION { ?this ?p 2 } }"
    bound = bind_rows(text, "this", [ox.NamedNode("urn:a"), ox.NamedNode("urn:b")])
    assert bound.count("VALUES ?this { <urn:a> <urn:b> }") == 3  # the group and both union branches
    store = ox.Store()
    for name, number in (("urn:a", 1), ("urn:b", 2), ("urn:c", 1)):
        store.add(ox.Quad(ox.NamedNode(name), ox.NamedNode("urn:p"), ox.Literal(number)))
    assert sorted(row["this"].value for row in store.query(bound)) == ["urn:a", "urn:b"]


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o .SERVICE<http://x/>{} }",
    "SELECT * WHERE { service silent <http://x/> {} }",
    "SELECT * WHERE { SERVICE ?endpoint {} }",
    "PREFIX ex: <http://x/> SELECT * WHERE { SERVICE ex:e {} }",
    "SELECT * WHERE { SERVICE # a comment\n <http://x/> {} }",
    # Escapes the lexer once misread, so that it took the rest of the line for a comment:
    "SELECT ?v WHERE { BIND(<http://x/\\u0041#> AS ?w) SERVICE <http://x/> { } }",
    "PREFIX ex: <http://x/> SELECT * WHERE { BIND(ex:a\\# AS ?w) SERVICE <http://x/> { } }",
    "INSERT { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    "LOAD <http://x/data.ttl>",
])
def test_calls_to_elsewhere_are_found_however_they_are_written(text: str) -> None:
    assert calls_elsewhere(text)


@pytest.mark.parametrize("text", [
    "SELECT ?service WHERE { ?service a <http://www.w3.org/ns/sparql-service-description#Service> }",
    "SELECT * WHERE { ?s <http://example.org/service?id=1> ?o }",
    "PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:service ?o ; ex:download ?d }",
    'SELECT * WHERE { ?s ?p "customer service desk" }',
])
def test_the_word_service_alone_is_not_a_call(text: str) -> None:
    assert not calls_elsewhere(text)


def test_escapes_in_iris_and_names_are_read_as_the_engine_reads_them() -> None:
    # Before, the lexer read SELECT here (inside the IRI) and the engine ran CONSTRUCT.
    assert shape("PREFIX x: <http://x/\\u0041/SELECT> CONSTRUCT WHERE { ?s ?p ?o }").form == "CONSTRUCT"
    assert "SERVICE" in shape("PREFIX ex: <http://x/> SELECT * { BIND(ex:a\\# AS ?w) SERVICE <http://x/> {} }").keywords


@pytest.mark.parametrize("text, varies", [
    ("SELECT * WHERE { FILTER(0<1&&RAND()>0.5) }", True),  # the lexer reads <1&&RAND()> as an IRI
    ("SELECT * WHERE { BIND(BNODE() AS ?b) } ORDER BY ?b", True),
    ("SELECT (now () AS ?t) WHERE {}", True),
    ("SELECT (STRUUID() AS ?u) WHERE {}", True),
    ("SELECT * WHERE { SERVICE <http://x/> {} }", True),
    ("SELECT * WHERE { ?s <http://xmlns.com/foaf/0.1/knows> ?o } ORDER BY ?s", False),
])
def test_may_vary_finds_what_can_change_from_run_to_run(text: str, varies: bool) -> None:
    assert may_vary(text) is varies


@pytest.mark.parametrize("text, ignores", [
    ("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?s", True),
    ("select distinct ?s { ?s ?p ?o }", True),
    ("ASK { GRAPH ?g { ?s ?p ?o } }", True),
    ("SELECT ?s (GROUP_CONCAT(DISTINCT ?o; separator=', ') AS ?os) WHERE { ?s ?p ?o } GROUP BY ?s", True),
    ("SELECT ?s (MAX(?o) AS ?m) (COUNT( # how many\n DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s", True),
    ("SELECT ?s WHERE { ?s ?p ?o } GROUP BY ?s", True),
    ("SELECT ?s WHERE { ?s ?p ?o }", False),  # each solution as often as it comes
    ("SELECT ?s WHERE { ?s ?p 'SELECT DISTINCT ?x GROUP BY' }", False),  # words in a string are no evidence
    ("SELECT REDUCED ?s WHERE { ?s ?p ?o }", False),
    ("SELECT DISTINCT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", False),
    ("SELECT ?s (SUM(?v) AS ?t) WHERE { ?s ?p ?v } GROUP BY ?s", False),
    ("SELECT ?s (GROUP_CONCAT(?o) AS ?os) WHERE { ?s ?p ?o } GROUP BY ?s", False),
    ("SELECT ?s (SAMPLE(?o) AS ?any) WHERE { ?s ?p ?o } GROUP BY ?s", False),  # its pick may differ
    ("SELECT DISTINCT ?s WHERE { ?s ?p ?o } LIMIT 3", False),  # which three may differ
    ("SELECT DISTINCT ?s WHERE { ?s ?p ?o } OFFSET 1", False),
    ("SELECT DISTINCT ?s WHERE { { SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s } }", False),
    ("ASK { { SELECT ?s WHERE { ?s ?p ?o } } }", False),
    ("SELECT DISTINCT (BNODE() AS ?b) WHERE { ?s ?p ?o }", False),  # a new blank node per solution
    ("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(0<1&&RAND()>0.5) }", False),  # the lexer reads an IRI there
    ("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(0<1&&COUNT(?o)>0) }", False),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", False),  # triples with blank nodes come once per solution
    ("DESCRIBE <http://x/a>", False),
])
def test_ignores_repeats_only_when_sure_that_repeated_solutions_change_nothing(text: str, ignores: bool) -> None:
    assert ignores_repeats(text) is ignores
