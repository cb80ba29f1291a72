"""One count everywhere: the built store holds every fact once in its default graph, so `kennisgraaf info`,
`kennisgraaf sparql`, the library, /sparql, VoID, the home page and the exports agree — and the example queries
of the README and of the query page answer without repeating a row."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kennisgraaf import queries
from kennisgraaf.cli import cli
from kennisgraaf.config import Settings
from kennisgraaf.store.builds import read_report
from kennisgraaf.store.export import export
from kennisgraaf.web.pages import EXAMPLES

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/kennisgraaf/id/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
UL_2017 = ID + "lidmaatschap/universiteit-leiden-leiden-kennisstad-2017"


def _info(settings: Settings) -> dict[str, Any]:
    return read_report(settings)["counts"]  # type: ignore[no-any-return]


def _rows(server: Any, query: str) -> list[dict[str, Any]]:
    response = httpx.post(server.sparql, data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]  # type: ignore[no-any-return]


def test_count_star_is_what_info_says_on_the_command_line(built_settings: Settings) -> None:
    runner = CliRunner(env={"KENNISGRAAF_BUILD_DIR": str(built_settings.path("build_dir"))})
    result = runner.invoke(cli, ["sparql", "--project", str(ROOT), "--format", "csv", COUNT])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["n", str(_info(built_settings)["triples"])]
    info = runner.invoke(cli, ["info", "--project", str(ROOT)])
    assert f"triples:      {_info(built_settings)['triples']}" in info.output


def test_count_star_is_what_info_says_in_the_library(built_settings: Settings) -> None:
    [row] = queries.sparql(COUNT, settings=built_settings)
    assert int(row["n"].value) == _info(built_settings)["triples"]


def test_count_star_is_what_info_says_on_the_server(kennisgraaf_server: Any, built_settings: Settings) -> None:
    triples = _info(built_settings)["triples"]
    [row] = _rows(kennisgraaf_server, COUNT)
    assert int(row["n"]["value"]) == triples
    assert httpx.get(kennisgraaf_server.url + "health").json()["triples"] == triples
    void = httpx.get(kennisgraaf_server.url + ".well-known/void", headers={"Accept": "application/n-triples"})
    sizes = [q.object.value for q in ox.parse(void.content, format=ox.RdfFormat.N_TRIPLES)
             if q.predicate.value == "http://rdfs.org/ns/void#triples" and q.subject.value.endswith("#leiden")]
    assert sizes == [str(triples)]
    home = httpx.get(kennisgraaf_server.url, headers={"Accept": "text/html"}).text
    assert f"{triples:,} triples" in home


def test_a_fact_two_documents_state_is_once_in_a_plain_query_and_twice_with_graph(kennisgraaf_server: Any) -> None:
    plain = _rows(kennisgraaf_server, f"SELECT ?role WHERE {{ <{UL_2017}> <http://www.w3.org/ns/org#role> ?role }}")
    assert [r["role"]["value"] for r in plain] == [ID + "rol/kennispartner"]
    sourced = _rows(kennisgraaf_server, f"""SELECT ?claim ?document WHERE {{ GRAPH ?claim {{
        <{UL_2017}> <http://www.w3.org/ns/org#role> ?role . ?claim <http://www.w3.org/ns/prov#wasDerivedFrom> ?document
    }} }}""")
    assert sorted(r["document"]["value"] for r in sourced) == [ID + "document/jaarstukken-2017",
                                                               ID + "document/programmabegroting-2018"]


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "rdfxml"])
def test_triple_exports_hold_each_fact_once(built_settings: Settings, fmt: str) -> None:
    rdf_format = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML}[fmt]
    triples = list(ox.parse(export(built_settings, fmt), format=rdf_format))
    assert len(triples) == len(set(triples)) == _info(built_settings)["triples"]


@pytest.mark.parametrize("fmt", ["trig", "nquads", "jsonld"])
def test_quad_exports_load_back_into_the_same_store(built_settings: Settings, built_store: ox.Store, fmt: str) -> None:
    rdf_format = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}[fmt]
    loaded = ox.Store()
    loaded.load(export(built_settings, fmt), rdf_format)
    assert set(loaded) == set(built_store)
    assert len(list(loaded.quads_for_pattern(None, None, None, ox.DefaultGraph()))) == _info(built_settings)["triples"]


# ------------------------------------------------------------------------------------------------ examples


def _distinct(query: str) -> str:
    return re.sub(r"\bSELECT\b(?!\s+DISTINCT)", "SELECT DISTINCT", query, count=1)


def _readme_queries() -> list[str]:
    return re.findall(r"```sparql\n(.*?)```", (ROOT / "README.md").read_text("utf-8"), re.DOTALL)


def test_the_readme_shows_a_sparql_example() -> None:
    assert _readme_queries()


@pytest.mark.parametrize("query", _readme_queries() + [text for _, text in EXAMPLES],
                         ids=[f"readme-{i}" for i in range(len(_readme_queries()))] + [title for title, _ in EXAMPLES])
def test_example_queries_repeat_no_row(kennisgraaf_server: Any, query: str) -> None:
    rows = _rows(kennisgraaf_server, query)
    assert rows, "an example should show something"
    if "GROUP BY" not in query:
        assert len(rows) == len(_rows(kennisgraaf_server, _distinct(query)))


def test_the_page_examples_count_what_info_counts(kennisgraaf_server: Any, built_settings: Settings) -> None:
    examples = dict(EXAMPLES)
    info = _info(built_settings)
    organisations = _rows(kennisgraaf_server, examples["Organisations and their names"])
    assert len({r["organisation"]["value"] for r in organisations}) == \
        info["entities_per_class"]["http://www.w3.org/ns/org#Organization"]
    per_class = {r["class"]["value"]: int(r["things"]["value"])
                 for r in _rows(kennisgraaf_server, examples["Things per class"])}
    assert per_class == info["entities_per_class"]
