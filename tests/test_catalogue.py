"""The catalogue of canned queries: the grlc-style header, and the promises every query in queries/ keeps."""

from __future__ import annotations

import shlex
from pathlib import Path

import pyoxigraph as ox
import pytest

from kennisgraaf.queries.catalogue import PARAMETER_TYPES, catalogue, load_query, parse_header
from kennisgraaf.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = catalogue(ROOT / "queries")


def test_the_header_is_a_small_yaml_document() -> None:
    header = parse_header(
        "#+ summary: Partners\n"
        "#+ description: |\n"
        "#+   Line one: with a colon.\n"
        "#+   Line two.\n"
        "#+ params:\n"
        "#+   - name: year\n"
        "#+     type: year\n"
        "#+     description: In this year.\n"
        "#+   - name: kind\n"
        "#+     type: literal\n"
        "#+     allowed: [a, 'b, c']\n"
        "#+     default: a\n"
        "#+ returns: >\n"
        "#+   folded\n"
        "#+   text\n"
        "#+ tags: [x, y]\n"
        "# an ordinary comment\n"
        "SELECT * WHERE { ?year ?kind ?o }\n"
        "#+ summary: not part of the header\n")
    assert header == {
        "summary": "Partners",
        "description": "Line one: with a colon.\nLine two.",
        "params": [{"name": "year", "type": "year", "description": "In this year."},
                   {"name": "kind", "type": "literal", "allowed": ["a", "b, c"], "default": "a"}],
        "returns": "folded text",
        "tags": ["x", "y"],
    }


@pytest.mark.parametrize("header, message", [
    ("#+ summary: a\n#+ summary: b\n", ":2: 'summary' appears twice"),
    ("#+ summary a\n", ":1: expected 'key: value'"),
    ("#+ summary: a\n#+ author: me\n", "unknown header field\\(s\\) author"),
    ("#+ summary: a\n#+    indented: b\n", ":2: unexpected indentation"),
])
def test_header_mistakes_name_the_file_and_line(tmp_path: Path, header: str, message: str) -> None:
    path = tmp_path / "q.rq"
    path.write_text(header + "SELECT * WHERE { ?s ?p ?o }\n", "utf-8")
    with pytest.raises(InputError, match=message):
        load_query(path)


@pytest.mark.parametrize("text, message", [
    ("SELECT * WHERE { ?s ?p ?o }", "no '#\\+ summary:' line"),
    ("#+ summary: s\n#+ params:\n#+   - name: year\n#+     type: year\nSELECT * WHERE { ?s ?p ?o }",
     "parameter 'year' is not a variable of the query"),
    ("#+ summary: s\n#+ params:\n#+   - name: s\n#+     type: colour\nSELECT * WHERE { ?s ?p ?o }",
     "has type 'colour'"),
    ("#+ summary: s\n#+ params:\n#+   - name: format\n#+     type: literal\nSELECT * WHERE { ?format ?p ?o }",
     "'format' is reserved"),
    ("#+ summary: s\n#+ params:\n#+   - name: s\n#+     type: entity\nCONSTRUCT WHERE { ?s ?p ?o }",
     "needs a WHERE group"),
    ("#+ summary: s\nDELETE WHERE { ?s ?p ?o }", "holds no SELECT"),
])
def test_query_mistakes_are_reported(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "q.rq"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError, match=message):
        load_query(path)


# ------------------------------------------------------------------------------------------------ queries/

TOPICS = {
    "partners": "the knowledge partners of Leiden Kennisstad, optionally as of a year",
    "parties": "parties of an agreement",
    "agreements": "agreements an organisation is party to",
    "networks": "networks and Leiden's role in each",
    "members": "members of a network or initiative",
    "initiatives": "initiatives an organisation takes part in",
    "together": "pairs of organisations ranked by shared initiatives",
    "themes": "themes per period",
    "flagships": "flagships",
    "budgets": "budgets and allocations with totals",
    "allocations": "budgets and allocations with totals",
    "timeline": "a dated timeline",
    "changes": "who joined or left what between two years",
    "sources": "which documents state facts about an entity, with the quotes",
    "describe": "everything known about one entity, with sources",
    "lookup": "lookup by name or abbreviation",
    "shape": "the shape of the data",
}


def test_the_catalogue_covers_the_questions_people_ask() -> None:
    assert len(CATALOGUE) >= 15
    assert set(TOPICS) <= set(CATALOGUE)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_query_is_documented(name: str) -> None:
    query = CATALOGUE[name]
    assert query.summary and query.description and query.returns, name
    assert query.example.startswith(f"kennisgraaf query {name}"), name
    for param in query.params:
        assert param.type in PARAMETER_TYPES and param.description, (name, param.name)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_query_is_plain_sparql_that_other_engines_parse(name: str) -> None:
    from rdflib.plugins.sparql import prepareQuery

    text = CATALOGUE[name].text
    ox.Store().query(text)  # Oxigraph
    prepareQuery(text)  # rdflib: a second, independent parser


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_example_is_a_valid_command(name: str) -> None:
    from kennisgraaf.cli import cli

    words = shlex.split(CATALOGUE[name].example)
    assert words[:2] == ["kennisgraaf", "query"]
    group = cli.commands["query"]
    # Contexts made as the real command line makes them (with the parent's -h/--help): click caches the help
    # option of a command made without them, which would change `kennisgraaf query --help` for later tests.
    root = cli.make_context("kennisgraaf", ["query"], resilient_parsing=True)
    with group.make_context("query", words[2:], parent=root) as ctx:  # type: ignore[attr-defined]
        command = group.get_command(ctx, words[2])  # type: ignore[attr-defined]
        assert command is not None
        command.make_context(words[2], words[3:], parent=ctx)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_parameters_do_not_get_bound_after_use(name: str) -> None:
    # A parameter is bound by a VALUES block at the start of the WHERE group: BIND(... AS ?param) would then
    # be an error, so no query may assign to a parameter.
    text = CATALOGUE[name].text
    for param in CATALOGUE[name].params:
        assert f"AS ?{param.name})" not in text.replace("  ", " "), (name, param.name)
