"""The reach of SPARQL queries and shapes (validation/reach.py): which triples a validation of a few focus nodes
needs, and which queries cannot be bounded."""

from __future__ import annotations

import pytest

from kennisgraaf.validation.reach import NotIncremental, Plan, Step, sparql_plan

PREFIXES = "PREFIX ex: <https://example.org/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
EX = "https://example.org/"


def steps(query: str, **options: object) -> list[tuple[str, str, bool, tuple[str, ...] | None, bool]]:
    """(source, target without its number, forward, predicates, existential) per step."""
    def name(var: str) -> str:
        return var if var == "this" else var.strip("_").split(".")[0].rstrip("0123456789")

    plan = sparql_plan(PREFIXES + query, **options)  # type: ignore[arg-type]
    return [(name(s.source), name(s.target), s.forward,
             tuple(sorted(p.removeprefix(EX) for p in s.predicates)) if s.predicates is not None else None,
             s.existential) for s in plan.steps]


def test_a_pattern_not_connected_to_this_cannot_be_bounded() -> None:
    with pytest.raises(NotIncremental):
        sparql_plan(PREFIXES + "SELECT $this WHERE { $this ex:p ?x . ?a ex:q ?b }")


def test_patterns_are_followed_out_of_and_into_reached_nodes() -> None:
    assert steps("SELECT $this WHERE { $this ex:p ?x . ?y ex:q ?x . ?y ex:r ?z }") == [
        ("this", "x", True, ("p",), False), ("x", "y", False, ("q",), False), ("y", "z", True, ("r",), False)]


def test_an_optional_part_does_not_bound_a_variable_outside_it() -> None:
    # ?x is found in the OPTIONAL part, but outside it ?x ex:q ?y could match any ?x: not bounded.
    with pytest.raises(NotIncremental):
        sparql_plan(PREFIXES + "SELECT $this WHERE { OPTIONAL { $this ex:p ?x } ?x ex:q ?y . ?z ex:r ?y }")


def test_a_variable_reached_in_every_union_branch_is_reached_after_the_union() -> None:
    found = steps("SELECT $this WHERE { { $this ex:p ?x } UNION { $this ex:q ?x } ?x ex:r ?y }")
    assert ("x", "y", True, ("r",), False) in found
    with pytest.raises(NotIncremental):  # in one branch only
        sparql_plan(PREFIXES + "SELECT $this WHERE { { $this ex:p ?x } UNION { $this ex:q ?w } ?x ex:r ?y }")


def test_a_subquery_is_reached_through_its_group_keys_only() -> None:
    keyed = "SELECT $this WHERE { $this ex:p ?c . { SELECT ?c (COUNT(?e) AS ?n) WHERE { ?e ex:type ?c } GROUP BY ?c } }"
    assert ("c", "e", False, ("type",), False) in steps(keyed)
    counted = "SELECT $this WHERE { $this ex:p ?n . { SELECT (COUNT(?e) AS ?n) WHERE { ?e ex:type ?c } } }"
    with pytest.raises(NotIncremental):  # a count over the whole graph
        sparql_plan(PREFIXES + counted)


def test_an_existence_test_needs_one_triple_per_node() -> None:
    found = steps("SELECT $this WHERE { $this ex:p ?x FILTER NOT EXISTS { ?other ?property $this } }")
    assert ("this", "other", False, None, True) in found
    used = steps("SELECT $this ?other WHERE { ?other ex:q $this }")  # ?other is reported: every triple counts
    assert used == [("this", "other", False, ("q",), False)]


def test_a_filter_on_one_variable_prunes_the_nodes_a_step_starts_from() -> None:
    plan = sparql_plan(PREFIXES + "SELECT $this WHERE { $this a ?c . ?e a ?c FILTER (?c IN (ex:A, ex:B)) }")
    into = next(s for s in plan.steps if not s.forward)
    assert into.keep_name == "c" and into.keep == (f"(?c IN (<{EX}A>, <{EX}B>))",)


def test_limit_and_graph_are_not_followed() -> None:
    for query in ("SELECT $this WHERE { { SELECT ?x WHERE { ?x ex:p ?y } LIMIT 1 } $this ex:q ?x }",
                  "SELECT $this WHERE { GRAPH ?g { $this ex:p ?x } }"):
        with pytest.raises(NotIncremental):
            sparql_plan(PREFIXES + query)


def test_plans_keep_as_json() -> None:
    plan = sparql_plan(PREFIXES + "SELECT $this WHERE { $this ex:p ?x FILTER (STRSTARTS(STR($this), 'https')) }")
    assert Plan.from_json(plan.to_json()).steps == plan.steps and isinstance(plan.steps[0], Step)


def test_an_equality_of_two_keys_narrows_a_step_to_the_triples_of_those_keys() -> None:
    plan = sparql_plan(PREFIXES + "SELECT $this ?v WHERE { $this ex:name ?a . ?v ex:name ?b "
                                  "FILTER (LCASE(STR(?a)) = LCASE(STR(?b))) }")
    assert [(s.forward, s.key) for s in plan.steps] == [
        (True, ()), (False, ("LCASE(STR(?a))", "a", "LCASE(STR(?b))", "b"))]
    assert Plan.from_json(plan.to_json()).steps == plan.steps


def test_a_key_bound_in_a_subquery_grouped_by_it_narrows_the_subquery() -> None:
    grouped = ("SELECT $this WHERE { { SELECT ?key WHERE { ?e ex:name ?n BIND (LCASE(?n) AS ?key) } GROUP BY ?key "
               "HAVING (COUNT(?e) > 1) } $this ex:name ?l FILTER (LCASE(?l) = ?key) }")
    keyed = [s for s in sparql_plan(PREFIXES + grouped).steps if s.key]
    assert [(s.key, s.forward) for s in keyed] == [(("LCASE(?l)", "l", "LCASE(?n)", "n"), False)]
    # a key that is not one the subquery groups by (an aggregate of it) says nothing about the subquery's rows
    sampled = grouped.replace("SELECT ?key", "SELECT (SAMPLE(?k) AS ?key)").replace("AS ?key) }", "AS ?k) }")
    with pytest.raises(NotIncremental):
        sparql_plan(PREFIXES + sampled)


def test_an_equality_in_another_group_or_on_a_variable_used_again_does_not_narrow() -> None:
    optional = ("SELECT $this WHERE { $this ex:name ?a . ?v ex:name ?b "
                "OPTIONAL { ?v ex:q ?c FILTER (LCASE(?a) = LCASE(?b)) } }")
    with pytest.raises(NotIncremental):  # the filter holds only inside the OPTIONAL part
        sparql_plan(PREFIXES + optional)
    again = "SELECT $this WHERE { $this ex:name ?a . ?v ex:name ?b . ?w ex:alias ?b FILTER (LCASE(?a) = LCASE(?b)) }"
    with pytest.raises(NotIncremental):
        sparql_plan(PREFIXES + again)


def test_the_duplicate_shape_reads_the_names_of_a_key_not_every_name_of_a_class() -> None:
    from kennisgraaf.config import Settings
    from kennisgraaf.validation.reach import RDF_TYPE, analyse
    from kennisgraaf.validation.validator import shapes_graph

    analysis = analyse(shapes_graph(Settings.load()))
    shape = "https://w3id.org/kennisgraaf/def/shapes/DuplicateShape"
    plans = [analysis.targets[shape], analysis.shapes[shape]]
    plans += [c.inverted for c in analysis.constraints[shape] if c.inverted is not None]
    for plan in plans:
        assert plan.keyed()
        assert not [s for s in plan.steps if not s.forward and s.predicates == frozenset({RDF_TYPE})]
