"""Reading input files: every unreadable input gets one paragraph naming file and line, and exit code 2."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kennisgraaf.cli import cli
from kennisgraaf.config import Settings
from kennisgraaf.errors import InputError
from kennisgraaf.graph.files import data_files, load_files, locate
from kennisgraaf.graph.loading import load

PREFIXES = """@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix kg: <https://w3id.org/kennisgraaf/def/> .
@prefix organisatie: <https://w3id.org/kennisgraaf/id/organisatie/> .
"""


def _load_error(settings: Settings, path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load(settings, [path])
    return caught.value


def test_syntax_error_names_file_and_line(scratch_settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + 'organisatie:x a org:Organization\norganisatie:y a org:Organization .\n', "utf-8")
    error = _load_error(scratch_settings, bad)
    assert error.en.startswith(f"{bad}:7: Turtle syntax error")
    assert "Nothing was built or changed" in error.en
    assert error.nl.startswith(f"{bad}:7: fout in de Turtle-syntaxis")


def test_trig_in_a_ttl_file_is_recognised(scratch_settings: Settings, tmp_path: Path) -> None:
    saved_as_ttl = tmp_path / "nieuw.ttl"
    saved_as_ttl.write_text(PREFIXES + "<https://w3id.org/kennisgraaf/id/bewering/x> {\n"
                            "  organisatie:x a org:Organization .\n}\n", "utf-8")
    error = _load_error(scratch_settings, saved_as_ttl)
    assert error.en.startswith(f"{saved_as_ttl}:6: Turtle syntax error")
    assert "This looks like TriG" in error.en and "rename the file to nieuw.trig" in error.en
    assert "hernoem het bestand naar nieuw.trig" in error.nl
    plain = tmp_path / "gewoon.ttl"  # an ordinary Turtle mistake gets the ordinary hint
    plain.write_text(PREFIXES + "organisatie:x a org:Organization\norganisatie:y a org:Organization .\n", "utf-8")
    assert "TriG" not in _load_error(scratch_settings, plain).en


def test_unknown_prefix_is_explained(scratch_settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "prefix.trig"
    bad.write_text(PREFIXES + "\norgs:x a org:Organization .\n", "utf-8")
    error = _load_error(scratch_settings, bad)
    assert error.en.startswith(f"{bad}:7: TriG syntax error: The prefix orgs: has not been declared")
    assert "Declare the prefix at the top of the file" in error.en


def test_invalid_date_literal_is_an_input_error_at_its_line(scratch_settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "date.trig"
    bad.write_text(PREFIXES + '<https://w3id.org/kennisgraaf/id/bewering/x> {\n'
                   '  organisatie:x kg:signingDate "2017-13-01"^^xsd:date .\n}\n', "utf-8")
    graph = load(scratch_settings, [bad])
    with pytest.raises(InputError) as caught:
        graph.to_rdflib()
    assert caught.value.en.startswith(f'{bad}:7: "2017-13-01" is not a valid xsd:date')


def test_a_file_that_is_not_utf8(scratch_settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "latin1.ttl"
    bad.write_bytes((PREFIXES + 'organisatie:x rdfs:label "Betáplein"@nl .\n').encode("latin-1"))
    error = _load_error(scratch_settings, bad)
    assert error.en.startswith(f"{bad}:6: the file is not UTF-8 text")
    assert "Save it as UTF-8" in error.en


@pytest.mark.parametrize("content", ["", "\n\n", PREFIXES + "# nothing yet\n",
                                     "@prefix ex: <http://e/> . # ex:a ex:b ex:c .\n"])
def test_an_empty_file(scratch_settings: Settings, tmp_path: Path, content: str) -> None:
    empty = tmp_path / "empty.ttl"
    empty.write_text(content, "utf-8")
    assert "the file is empty" in _load_error(scratch_settings, empty).en


@pytest.mark.parametrize("name, content", [
    ("one-line.ttl", "@prefix ex: <http://e/> . ex:a ex:b ex:c .\n"),
    ("one-line.trig", "PREFIX ex: <http://e/> ex:g { ex:a ex:b ex:c }"),
])
def test_a_statement_on_the_line_of_a_prefix_is_not_empty(scratch_settings: Settings, tmp_path: Path, name: str,
                                                          content: str) -> None:
    # The parser decides what a file holds: a line heuristic took this for a file of prefixes only.
    path = tmp_path / name
    path.write_text(content, "utf-8")
    [source] = [f for f in data_files(scratch_settings, [path]) if f.path == path.resolve()]
    store = ox.Store()
    load_files(store, [source], scratch_settings)
    assert len(store) == 1


def test_a_data_folder_without_data(scratch: Path) -> None:
    for path in (scratch / "data").glob("*.t*"):
        path.unlink()
    settings = Settings.load(scratch, environ={})
    with pytest.raises(InputError, match="holds no RDF files"):
        load(settings)


@pytest.mark.parametrize("name", ["context.jsonld", "rdf.rdf", "data.xml"])
def test_formats_that_can_fetch_or_hang_are_refused_in_data(scratch: Path, name: str) -> None:
    (scratch / "data" / name).write_text("{}", "utf-8")
    with pytest.raises(InputError, match="Convert the file to Turtle or TriG"):
        load(Settings.load(scratch, environ={}))


def test_reading_never_fetches_a_url(scratch_settings: Settings, tmp_path: Path) -> None:
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/ontology.ttl"
    try:
        imports = tmp_path / "imports.ttl"
        imports.write_text(PREFIXES + f"@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                           f"<{url}#x> owl:imports <{url}> ; rdfs:seeAlso <{url}> .\n", "utf-8")
        graph = load(scratch_settings, [imports])
        graph.to_rdflib()
    finally:
        server.shutdown()
    assert requests == []


def test_cli_prints_one_paragraph_and_exits_2_without_traceback(scratch: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.trig"
    bad.write_text(PREFIXES + "organisatie:x a org:Organization\n", "utf-8")
    result = CliRunner().invoke(cli, ["validate", "--project", str(scratch), str(bad)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.output.startswith(f"{bad}:7: fout in de TriG-syntaxis")
    english = CliRunner().invoke(cli, ["validate", "--project", str(scratch), "--lang", "en", str(bad)])
    assert english.output.startswith(f"{bad}:7: TriG syntax error")


def test_locate_prefers_the_line_where_a_node_is_the_subject(tmp_path: Path) -> None:
    path = tmp_path / "x.trig"
    path.write_text(PREFIXES + "organisatie:a org:memberOf organisatie:b .\n"
                    "# organisatie:b in a comment\norganisatie:b a org:Organization .\n", "utf-8")
    base = "https://w3id.org/kennisgraaf/id/organisatie/"
    assert locate(base + "b", [path]) == (path, 8)
    assert locate(base + "a", [path]) == (path, 6)
    assert locate(base + "c", [path]) is None
