"""Queries that catch mistakes: a class or property the graph does not use gets a warning naming the closest
term it does use — on the command line, over HTTP and (tests/test_pages_browser.py) on the query page — and a
prefix the query does not declare gets one sentence with the PREFIX line to add."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from kennisgraaf.cli import cli
from kennisgraaf.config import Settings
from kennisgraaf.errors import QueryError
from kennisgraaf.namespaces import prefixes
from kennisgraaf.queries.catalogue import catalogue
from kennisgraaf.queries.terms import unknown_terms
from kennisgraaf.sparqltext import check, undeclared_prefixes
from kennisgraaf.store.builds import current_release
from kennisgraaf.store.vocabulary import read_vocabulary
from kennisgraaf.web.pages import EXAMPLES

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/kennisgraaf/"
KG = "PREFIX kg: <https://w3id.org/kennisgraaf/def/>\n"
ORG = "PREFIX org: <http://www.w3.org/ns/org#>\n"


@pytest.fixture(scope="module")
def vocabulary(built_settings: Settings):  # type: ignore[no-untyped-def]
    found = read_vocabulary(current_release(built_settings))
    assert found is not None and "https://w3id.org/kennisgraaf/def/Agreement" in found.classes
    return found


def _warnings(text: str, vocabulary: Any) -> list[str]:
    return [w.en for w in unknown_terms(text, vocabulary, BASE)]


@pytest.mark.parametrize(("query", "expected"), [
    (KG + "SELECT ?x WHERE { ?x a kg:Agreemnt }", ["kg:Agreemnt is not used in this graph; did you mean kg:Agreement?"]),
    (ORG + "SELECT ?x WHERE { ?x org:membr ?y }", ["org:membr is not used in this graph; did you mean org:member?"]),
    ("SELECT ?x WHERE { ?x <http://www.w3.org/ns/org#rol> ?y }",
     ["<http://www.w3.org/ns/org#rol> is not used in this graph; did you mean org:role?"]),
    (KG + "SELECT ?x WHERE { ?x a kg:agreement }", ["kg:agreement is not used in this graph; did you mean kg:Agreement?"]),
    (KG + "SELECT ?x WHERE { ?x kg:zzzqqq ?y . ?y kg:zzzqqq ?z }",
     ["kg:zzzqqq is not used in this graph (nor defined in its ontology), so it matches nothing."]),
    (KG + ORG + "SELECT ?x WHERE { ?x a kg:Agreement ; kg:party ?p . ?p a org:Organization }", []),
    ("PREFIX ex: <http://example.org/> SELECT ?x WHERE { ?x ex:anything ?y }", []),  # not a vocabulary of the graph
    (KG + "SELECT ?x WHERE { ?x ?p <https://w3id.org/kennisgraaf/id/organisatie/lumcc> }", []),  # things, not terms
])
def test_unknown_classes_and_properties_get_the_closest_known_term(vocabulary: Any, query: str,
                                                                   expected: list[str]) -> None:
    assert _warnings(query, vocabulary) == expected


def test_no_canned_query_or_example_uses_a_term_the_graph_does_not(vocabulary: Any, built_settings: Settings) -> None:
    texts = {name: q.text for name, q in catalogue(built_settings.path("queries_dir")).items()}
    texts.update({title: text for title, text in EXAMPLES})
    readme = re.findall(r"```sparql\n(.*?)```", (ROOT / "README.md").read_text("utf-8"), re.DOTALL)
    texts.update({f"README {i}": text for i, text in enumerate(readme)})
    assert {name: _warnings(text, vocabulary) for name, text in texts.items() if _warnings(text, vocabulary)} == {}


@pytest.mark.parametrize(("query", "missing"), [
    ("SELECT ?x WHERE { ?x a org:Organization ; rdfs:label ?l }", ["org", "rdfs"]),
    (ORG + "SELECT ?x WHERE { ?x a org:Organization . _:b org:p \"a:b\" }", []),
    ("PREFIX : <http://e/> SELECT ?x WHERE { ?x :p ex:q }", ["ex"]),
])
def test_undeclared_prefixes_are_found_by_reading_the_text(query: str, missing: list[str]) -> None:
    assert undeclared_prefixes(query) == missing


def test_a_missing_prefix_is_one_sentence_with_the_line_to_add() -> None:
    with pytest.raises(QueryError) as known:
        check("SELECT ?x WHERE { ?x a org:Organization }", 1000, known_prefixes=prefixes(BASE))
    assert known.value.en == ("The prefix org: is not declared in the query. Add at its top: "
                              "PREFIX org: <http://www.w3.org/ns/org#>")
    assert "Zet bovenaan: PREFIX org: <http://www.w3.org/ns/org#>" in known.value.nl
    with pytest.raises(QueryError, match=r"The prefix foo: is not declared in the query\. Add a line PREFIX foo: "):
        check("SELECT ?x WHERE { ?x a foo:Thing }", 1000, known_prefixes=prefixes(BASE))


# ------------------------------------------------------------------------------------------------ command line


def _cli(built_settings: Settings, *args: str) -> Any:
    runner = CliRunner(env={"KENNISGRAAF_BUILD_DIR": str(built_settings.path("build_dir"))})
    return runner.invoke(cli, [*args, "--project", str(ROOT)])


def test_the_cli_warns_on_stderr_and_still_answers(built_settings: Settings) -> None:
    result = _cli(built_settings, "sparql", "--lang", "en", "SELECT ?x WHERE { ?x a kg:Agreemnt }")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == "warning: kg:Agreemnt is not used in this graph; did you mean kg:Agreement?"
    assert result.stdout.startswith("x")  # the (empty) answer is printed all the same
    dutch = _cli(built_settings, "sparql", "--lang", "nl", "SELECT ?x WHERE { ?x a kg:Agreemnt }")
    assert "waarschuwing: kg:Agreemnt komt in deze graaf niet voor; bedoel je kg:Agreement?" in dutch.stderr


def test_the_cli_names_an_unknown_prefix(built_settings: Settings) -> None:
    result = _cli(built_settings, "sparql", "--lang", "en", "SELECT ?x WHERE { ?x a foo:Thing }")
    assert result.exit_code == 2
    assert "The prefix foo: is not declared in the query." in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_prefixes_lists_what_the_cli_adds(built_settings: Settings) -> None:
    result = _cli(built_settings, "prefixes", "--format", "sparql")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [f"PREFIX {n}: <{ns}>" for n, ns in prefixes(BASE).items()]
    readme = (ROOT / "README.md").read_text("utf-8")
    missing = [name for name in prefixes(BASE) if f"`{name}:`" not in readme]
    assert missing == [], "the README lists the prefixes the CLI adds"


# ------------------------------------------------------------------------------------------------ HTTP


def test_sparql_answers_with_a_warning_header(kennisgraaf_server: Any) -> None:
    response = httpx.get(kennisgraaf_server.sparql, params={"query": KG + "SELECT ?x WHERE { ?x a kg:Agreemnt }"},
                         headers={"Accept": "application/sparql-results+json", "Origin": "http://elsewhere.example"})
    assert response.status_code == 200 and response.json()["results"]["bindings"] == []
    assert response.headers["x-query-warning"] == "kg:Agreemnt is not used in this graph; did you mean kg:Agreement?"
    assert "X-Query-Warning" in response.headers["access-control-expose-headers"]
    fine = httpx.get(kennisgraaf_server.sparql, params={"query": KG + "SELECT ?x WHERE { ?x a kg:Agreement }"})
    assert "x-query-warning" not in fine.headers


def test_sparql_refuses_a_missing_prefix_in_one_sentence(kennisgraaf_server: Any) -> None:
    response = httpx.post(kennisgraaf_server.sparql, data={"query": "SELECT ?o WHERE { ?o a org:Organization }"})
    assert response.status_code == 400
    assert response.text.strip() == ("The prefix org: is not declared in the query. Add at its top: "
                                     "PREFIX org: <http://www.w3.org/ns/org#>")
