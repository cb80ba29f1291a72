"""Export: byte-identical across runs, and what is written parses back to the same graph."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kennisgraaf.cli import cli
from kennisgraaf.config import Settings
from kennisgraaf.errors import InputError, OutputError
from kennisgraaf.store.export import FORMATS, export


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_two_exports_are_byte_identical(built_settings: Settings, fmt: str) -> None:
    assert export(built_settings, fmt) == export(built_settings, fmt)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_an_export_parses_back_to_the_same_graph(built_settings: Settings, built_store: ox.Store, fmt: str) -> None:
    rdf_format, keeps_graphs, _ = FORMATS[fmt]
    parsed = list(ox.parse(export(built_settings, fmt), rdf_format))
    if keeps_graphs:
        assert set(parsed) == set(built_store)
    else:
        assert {(q.subject, q.predicate, q.object) for q in parsed} == {
            (q.subject, q.predicate, q.object) for q in built_store}


def test_turtle_uses_the_project_prefixes(built_settings: Settings) -> None:
    turtle = export(built_settings, "turtle").decode()
    assert "@prefix organisatie: <https://w3id.org/kennisgraaf/id/organisatie/> ." in turtle
    assert "organisatie:universiteit-leiden" in turtle


def test_one_named_graph(built_settings: Settings, built_store: ox.Store) -> None:
    claim = next(q.graph_name for q in built_store if isinstance(q.graph_name, ox.NamedNode)
                 and "/bewering/" in q.graph_name.value)
    quads = list(ox.parse(export(built_settings, "nquads", graph=claim.value), ox.RdfFormat.N_QUADS))
    assert quads and {q.graph_name for q in quads} == {claim}
    with pytest.raises(InputError, match="no graph"):
        export(built_settings, "nquads", graph="https://example.org/nothing")


def test_export_never_overwrites_a_file_unless_forced(built_settings: Settings, tmp_path: Path) -> None:
    target = tmp_path / "leiden.ttl"
    target.write_text("mijn eigen aantekeningen", "utf-8")
    with pytest.raises(OutputError, match="does not overwrite"):
        export(built_settings, "turtle", output=target)
    assert target.read_text("utf-8") == "mijn eigen aantekeningen"
    export(built_settings, "turtle", output=target, force=True)
    assert target.read_bytes() == export(built_settings, "turtle")


def test_export_command_writes_to_stdout_and_files(built_settings: Settings, tmp_path: Path) -> None:
    runner = CliRunner(env={"KENNISGRAAF_BUILD_DIR": str(built_settings.path("build_dir"))})
    out = runner.invoke(cli, ["export", "--format", "ntriples"])
    assert out.exit_code == 0
    assert out.stdout_bytes == export(built_settings, "ntriples")
    target = tmp_path / "dump.nq"
    assert runner.invoke(cli, ["export", "--format", "nquads", "-o", str(target)]).exit_code == 0
    again = runner.invoke(cli, ["export", "--format", "nquads", "-o", str(target)])
    assert again.exit_code == 2 and "does not overwrite" in again.output


def test_the_package_export_stays_the_function_after_the_module_is_imported() -> None:
    import importlib

    import kennisgraaf

    importlib.import_module("kennisgraaf.store.export")
    assert callable(kennisgraaf.export) and kennisgraaf.export.__name__ == "export"
