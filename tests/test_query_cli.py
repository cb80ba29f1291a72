"""`kennisgraaf queries`, `kennisgraaf query NAME` and `kennisgraaf sparql`, on the mini graph: in-process with
CliRunner, and as a user runs them, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kennisgraaf.cli import cli
from kennisgraaf.config import Settings

ID = "https://w3id.org/kennisgraaf/id/"
SCRIPT = Path(sys.executable).with_name("kennisgraaf")


def invoke(mini: Settings, *args: str, columns: int | None = None, stdin: str | None = None):  # type: ignore[no-untyped-def]
    env = {"COLUMNS": str(columns)} if columns else {}
    if "query" in args[:1] and len(args) > 1 and not args[1].startswith("-"):
        args = (args[0], args[1], "--project", str(mini.project_dir), *args[2:])
    else:
        args = (*args, "--project", str(mini.project_dir))
    return CliRunner().invoke(cli, list(args), env=env, input=stdin, catch_exceptions=False)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISGRAAF_") and k != "COLUMNS"}
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120, check=False)


def test_queries_lists_the_catalogue_with_parameters(mini: Settings) -> None:
    result = invoke(mini, "queries")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("partners ") and "knowledge partners of Leiden Kennisstad" in line for line in lines)
    assert any(line.strip() == "--year YEAR" for line in lines)
    assert any(line.strip() == "--entity NAME|IRI (required)" for line in lines)
    listed = json.loads(invoke(mini, "queries", "--format", "json").output)
    assert len(listed) >= 15 and {"name", "summary", "params", "example", "returns"} <= set(listed[0])


def test_query_name_help_shows_its_own_parameters_and_example(mini: Settings) -> None:
    result = invoke(mini, "query", "together", "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "Pairs of organisations, ranked by how many initiatives and collaborations they share." in text
    assert "--organisation NAME|IRI" in text and "--min-shared N" in text
    assert "[default: 1]" in text
    assert "Example: kennisgraaf query together --organisation LUMC" in text
    assert "--timeout" in text and "--endpoint URL" in text


def test_query_help_lists_the_queries(mini: Settings) -> None:
    result = CliRunner().invoke(cli, ["query", "--help"])
    assert result.exit_code == 0 and "partners" in result.output and "shape" in result.output


def test_a_table_for_people_shows_labels_not_iris(mini: Settings) -> None:
    result = invoke(mini, "query", "parties", "--agreement", "Deal")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "agreement  signed      party",
        "---------  ----------  ---------------------",
        "Deal       2017-07-07  gemeente Teststad",
        "Deal       2017-07-07  Hogeschool Teststad",
        "Deal       2017-07-07  Universiteit Teststad",
    ]
    assert result.stderr.strip() == "(3 rows)"


def test_long_values_are_cut_to_the_terminal_width(mini: Settings) -> None:
    wide = invoke(mini, "query", "sources", "--entity", "UT")
    narrow = invoke(mini, "query", "sources", "--entity", "UT", columns=60)
    assert max(len(line) for line in wide.stdout.splitlines()) > 60
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 60
    assert "…" in narrow.stdout


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_select_in_the_w3c_formats(mini: Settings, fmt: str) -> None:
    result = invoke(mini, "query", "partners", "--year", "2022", "--format", fmt)
    assert result.exit_code == 0
    if fmt == "csv":
        assert result.stdout.splitlines() == ["partner,start,end,sources", f"{ID}organisatie/hogeschool,2019,,Verslag 2020"]
        return
    formats = {"tsv": ox.QueryResultsFormat.TSV, "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML}
    rows = list(ox.parse_query_results(result.stdout_bytes, format=formats[fmt]))
    assert [row["partner"] for row in rows] == [ox.NamedNode(f"{ID}organisatie/hogeschool")]


@pytest.mark.parametrize("fmt, rdf_format", [("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES),
                                             ("jsonld", ox.RdfFormat.JSON_LD), ("rdfxml", ox.RdfFormat.RDF_XML)])
def test_construct_in_the_rdf_formats(mini: Settings, fmt: str, rdf_format: ox.RdfFormat) -> None:
    result = invoke(mini, "query", "describe", "--entity", "Deal", "--format", fmt)
    assert result.exit_code == 0
    triples = {quad.triple for quad in ox.parse(result.stdout_bytes, format=rdf_format)}
    assert ox.Triple(ox.NamedNode(f"{ID}overeenkomst/deal"), ox.NamedNode("https://w3id.org/kennisgraaf/def/party"),
                     ox.NamedNode(f"{ID}organisatie/hogeschool")) in triples


def test_a_format_that_does_not_fit_the_query_is_refused(mini: Settings) -> None:
    assert invoke(mini, "query", "describe", "--entity", "Deal", "--format", "csv").exit_code == 2
    result = invoke(mini, "sparql", "CONSTRUCT WHERE { ?s ?p ?o }", "--format", "csv")
    assert result.exit_code == 2 and "A CONSTRUCT query cannot be written as csv" in result.stderr


def test_the_endpoint_gives_the_same_answer(mini: Settings, mini_endpoint: str) -> None:
    local = invoke(mini, "query", "together", "--format", "csv")
    remote = invoke(mini, "query", "together", "--format", "csv", "--endpoint", mini_endpoint)
    assert remote.exit_code == 0 and remote.stdout == local.stdout and local.stdout.count("\n") > 2
    table = invoke(mini, "query", "parties", "--agreement", "UT", "--endpoint", mini_endpoint)
    assert "no entity in the graph is called 'UT'" not in table.stderr  # names are looked up at the endpoint


def test_show_query_prints_the_bound_query(mini: Settings) -> None:
    result = invoke(mini, "query", "initiatives", "--organisation", "UT", "--show-query")
    assert result.exit_code == 0
    assert f"WHERE {{ VALUES (?organisation) {{ (<{ID}organisatie/universiteit>) }}" in result.stdout


def test_unknown_names_and_queries_are_clear_errors(mini: Settings) -> None:
    unknown = invoke(mini, "query", "initiatives", "--organisation", "Hogeschol Teststad")
    assert unknown.exit_code == 2
    assert "Closest known names: Hogeschool Teststad;" in " ".join(unknown.stderr.split())
    assert "Traceback" not in unknown.stderr
    missing = invoke(mini, "query", "partner")
    # the closest names first (difflib also finds compare-years, further down the list)
    assert missing.exit_code == 2 and "There is no canned query 'partner'. Did you mean: partners, parties" in missing.stderr


def test_sparql_runs_text_a_file_or_standard_input(mini: Settings, tmp_path: Path) -> None:
    text = "SELECT ?org WHERE { ?org a org:Organization ; rdfs:label 'UT'@nl } "  # prefixes are added
    as_text = invoke(mini, "sparql", text, "--format", "csv")
    assert as_text.exit_code == 0, as_text.output
    assert as_text.stdout.splitlines() == ["org"]  # no rows: "UT" is an altLabel, not a label
    query = tmp_path / "q.rq"
    query.write_text("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                     "SELECT ?org WHERE { ?org skos:altLabel 'UT'@nl }\n", "utf-8")
    from_file = invoke(mini, "sparql", "-f", str(query), "--format", "csv")
    assert from_file.stdout.splitlines() == ["org", f"{ID}organisatie/universiteit"]
    from_stdin = invoke(mini, "sparql", "-f", "-", "--format", "csv", stdin=query.read_text("utf-8"))
    assert from_stdin.stdout == from_file.stdout
    ask = invoke(mini, "sparql", "ASK { ?s a org:Membership }")
    assert ask.stdout == "yes\n"
    both = invoke(mini, "sparql", text, "-f", str(query))
    assert both.exit_code == 2


def test_sparql_errors_are_messages_with_exit_code_2(mini: Settings) -> None:
    bad = invoke(mini, "sparql", "SELECT ?s WHERE { ?s ?p }")
    assert bad.exit_code == 2 and bad.stderr.startswith("The query is not valid SPARQL:")
    deep = invoke(mini, "sparql", "SELECT * WHERE " + "{" * 500 + "}" * 500)
    assert deep.exit_code == 2 and "nests brackets 500 deep" in deep.stderr


def test_a_query_past_its_time_is_stopped_with_exit_code_3(mini: Settings) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g rdfs:label ?i }"
    started = time.perf_counter()
    result = run("sparql", slow, "--timeout", "0.5", cwd=mini.project_dir)
    assert time.perf_counter() - started < 10
    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith("The query ran longer than 0.5 s and was stopped.")


def test_query_in_a_subprocess_in_dutch(mini: Settings) -> None:
    result = run("query", "partners", "--year", "2018", "--language", "nl", cwd=mini.project_dir)
    assert result.returncode == 0, result.stderr
    assert "Universiteit Teststad" in result.stdout and result.stderr == "(1 rij)\n"


def test_query_imports_only_what_it_needs(mini: Settings) -> None:
    code = ("import sys\nfrom kennisgraaf.cli import main\nsys.argv = ['kennisgraaf', 'query', 'partners']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = sorted(m for m in ('rdflib', 'pyshacl', 'oxrdflib') if m in sys.modules)\n"
            "print('heavy:', heavy, file=sys.stderr)\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISGRAAF_")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=mini.project_dir,
                            env=env, timeout=60, check=False)
    assert "heavy: []" in result.stderr, result.stderr
