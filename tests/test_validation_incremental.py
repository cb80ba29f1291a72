"""Incremental validation gives exactly the problems of a full validation: generated entries (benchmarks/entries.py:
good ones, ones breaking each rule of shapes/, unreadable ones) validated both ways against a built synthetic
graph of 10k triples, result by result; and `kennisgraaf validate` takes the incremental way only when the
build is the project as it is."""

from __future__ import annotations

import multiprocessing
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from kennisgraaf.config import Settings
from kennisgraaf.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from entries import entries, source_texts  # noqa: E402
from generate import generate  # noqa: E402

KGSH = "https://w3id.org/kennisgraaf/def/shapes/"


def _outcome(settings: Settings, path: Path, incremental: bool) -> Any:
    """The problems (every field, sorted) or the input error's message, as `kennisgraaf validate FILE` finds
    them: against the current build, or with the whole graph."""
    from kennisgraaf.entry.changes import plan_change, validate_change

    try:
        report = validate_change(settings, plan_change(settings, [path]), "nl", incremental=incremental)
    except InputError as error:
        return ("input error", error.message("en"))
    assert report.method == ("incremental" if incremental else "full"), (path, report.why_full)
    return sorted((tuple(sorted(asdict(p).items())) for p in report.problems), key=repr)


def _full(args: tuple[Path, Path]) -> Any:
    project, path = args
    return _outcome(Settings.load(project, environ={}), path, incremental=False)


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict[str, Path]]:
    """A built synthetic project of 10k quads with the texts of its documents, and the entries as files."""
    from kennisgraaf.store.builds import build

    folder = tmp_path_factory.mktemp("incremental")
    project = folder / "project"
    (project / "data").mkdir(parents=True)
    for part in ("ontology", "shapes"):
        shutil.copytree(ROOT / part, project / part)
    (project / "kennisgraaf.toml").write_text("", "utf-8")
    generate(10_000, project / "data" / "synthetic.trig")
    source_texts(project / "data" / "synthetic.trig", project / "data" / "sources")
    settings = Settings.load(project, environ={})
    build(settings)
    paths = {}
    for entry in entries():
        paths[entry.name] = folder / "entries" / f"{entry.name}.trig"
        paths[entry.name].parent.mkdir(exist_ok=True)
        paths[entry.name].write_text(entry.text, "utf-8")
    return settings, paths


@pytest.fixture(scope="session")
def both_ways(synthetic: tuple[Settings, dict[str, Path]]) -> dict[str, tuple[Any, Any]]:
    """Each entry validated in full (two processes: a full validation takes about a second) and incrementally."""
    settings, paths = synthetic
    names = sorted(paths)
    # spawned, not forked: the test process may run server threads by now
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        full = list(pool.map(_full, [(settings.project_dir, paths[n]) for n in names]))
    return {name: (f, _outcome(settings, paths[name], incremental=True)) for name, f in zip(names, full, strict=True)}


def _rules() -> set[str]:
    import rdflib

    shapes = rdflib.Graph()
    for path in (ROOT / "shapes").glob("*.ttl"):
        shapes.parse(path, format="turtle")
    rules = {str(s) for s in shapes.subjects(rdflib.SH.message) if str(s).startswith(KGSH)}
    rules |= {str(s) for s in shapes.subjects(rdflib.SH.sparql) if str(s).startswith(KGSH)}
    return {r.removeprefix(KGSH) for r in rules} | {"KnownPropertyCheck", "PlaceholderLeft"}  # entry/changes.py


def test_there_are_enough_entries_of_every_kind() -> None:
    found = entries()
    assert len(found) >= 50
    assert sum(not e.rules and not e.error for e in found) >= 5  # good ones
    assert sum(e.error for e in found) >= 3
    assert _rules() - {r for e in found for r in e.rules} == set(), "rules no entry is meant to break"


def test_each_entry_gives_the_same_problems_both_ways(both_ways: dict[str, tuple[Any, Any]]) -> None:
    different = [name for name, (full, incremental) in both_ways.items() if full != incremental]
    assert different == [], "\n".join(f"{n}:\n  full        {both_ways[n][0]}\n  incremental {both_ways[n][1]}"
                                      for n in different)


def test_each_rule_is_broken_by_the_entries_meant_to_break_it(both_ways: dict[str, tuple[Any, Any]]) -> None:
    fired: set[str] = set()
    for entry in entries():
        full, _ = both_ways[entry.name]
        if entry.error:
            assert full[0] == "input error", entry.name
            continue
        shapes = {dict(p)["shape"].removeprefix("kgsh:") for p in full}
        assert set(entry.rules) <= shapes, f"{entry.name}: {set(entry.rules) - shapes} not broken"
        if not entry.rules:
            assert not [p for p in full if dict(p)["severity"] == "Violation"], entry.name
        fired |= shapes
    assert _rules() <= fired


def test_a_duplicate_found_from_the_other_side_is_placed_in_the_entry(both_ways: dict[str, tuple[Any, Any]]) -> None:
    # The entry names netwerk-1 "Netwerk 1", the name netwerk-0 already has: one of the two results is about
    # netwerk-0, which the entry does not mention; incremental validation must find it from the entry's side.
    name = next(e.name for e in entries() if "DuplicateShape" in e.rules and "Netwerk 1" in e.text)
    full, incremental = both_ways[name]
    foci = {dict(p)["focus"].rsplit("/", 1)[-1] for p in full if dict(p)["shape"] == "kgsh:DuplicateShape"}
    assert {"netwerk-0", "netwerk-1"} <= foci and full == incremental


def test_an_entry_already_in_the_build_and_unchanged_is_validated_incrementally(
        synthetic: tuple[Settings, dict[str, Path]]) -> None:
    from kennisgraaf import validate

    settings, _ = synthetic
    data = settings.path("data_dir") / "synthetic.trig"
    report = validate(settings, [data])
    assert report.method == "incremental"
    # the generated data uses two properties the ontology does not declare, and only in this file
    assert {(p.shape, p.value) for p in report.problems} == {("kgsh:KnownPropertyCheck", "skos:altLabel"),
                                                             ("kgsh:KnownPropertyCheck", "schema:organizer")}
    assert _outcome(settings, data, incremental=True) == _outcome(settings, data, incremental=False)


def test_validate_falls_back_to_the_full_graph_unless_the_build_is_current(
        synthetic: tuple[Settings, dict[str, Path]], tmp_path: Path) -> None:
    from kennisgraaf import validate

    settings, paths = synthetic
    entry = paths["good-event"]
    assert validate(settings, [entry]).method == "incremental"
    project = tmp_path / "project"
    shutil.copytree(settings.project_dir, project, symlinks=True)
    moved = Settings.load(project, environ={})
    shapes = project / "shapes" / "kennisgraaf-aanbevelingen.ttl"
    shapes.write_text(shapes.read_text("utf-8") + "\n# changed\n", "utf-8")
    report = validate(moved, [entry])
    assert (report.method, report.why_full) == ("full", "the shapes have changed since the build")
    shutil.copy2(ROOT / "shapes" / "kennisgraaf-aanbevelingen.ttl", shapes)
    (project / "data" / "extra.trig").write_text(paths["good-budget"].read_text("utf-8"), "utf-8")
    report = validate(moved, [entry])
    assert (report.method, report.why_full) == ("full", "the ontology or data have changed since the build")
    assert validate(moved, [project / "data" / "extra.trig"]).method == "incremental"  # the new file itself


def test_the_command_line_says_how_with_verbose(synthetic: tuple[Settings, dict[str, Path]]) -> None:
    from click.testing import CliRunner

    from kennisgraaf.cli import cli

    settings, paths = synthetic
    name = next(e.name for e in entries() if "YearOrderShape" in e.rules)
    result = CliRunner().invoke(cli, ["validate", "--project", str(settings.project_dir), "--verbose",
                                      str(paths[name])])
    assert result.exit_code == 1
    assert "against the current build (incremental)" in result.stderr
    assert "kgsh:YearOrderShape" in result.stdout


def test_a_build_without_its_key_index_is_validated_against_in_full(
        synthetic: tuple[Settings, dict[str, Path]], tmp_path: Path) -> None:
    from kennisgraaf import validate

    settings, paths = synthetic
    project = tmp_path / "project"
    shutil.copytree(settings.project_dir, project, symlinks=True)
    keys = project / "build" / "current" / "keys.sqlite"
    assert keys.exists() and keys.resolve().is_relative_to(project)
    keys.unlink()  # as a build made before keyed steps has it
    name = next(e.name for e in entries() if "DuplicateShape" in e.rules)
    report = validate(Settings.load(project, environ={}), [paths[name]])
    assert (report.method, report.why_full) == (
        "full", "the build keeps no index of keys (made by an older version): build again")
