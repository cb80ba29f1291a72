"""`kennisgraaf add`: entries that conform go into data/ and the graph is rebuilt; anything else — a broken
rule, a name taken, an error or Ctrl-C half-way — leaves data/, the build and the given files as they were.
Every test works in a scratch copy of the project: the real data/ holds only what the sources state."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kennisgraaf.cli import cli
from kennisgraaf.config import Settings
from kennisgraaf.entry import adding
from kennisgraaf.entry.adding import add
from kennisgraaf.errors import OutputError, ValidationFailed
from kennisgraaf.store.builds import build, open_store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MEMBERSHIP = "https://w3id.org/kennisgraaf/id/lidmaatschap/gemeente-leiden-nkn-voorbeeld"
AGREEMENT = "https://w3id.org/kennisgraaf/id/overeenkomst/samenwerkingsovereenkomst-voorbeeld"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (hidden ones too) with a hash of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def entries(tmp_path: Path, *names: str) -> list[Path]:
    folder = tmp_path / "invoer"
    folder.mkdir(exist_ok=True)
    found = []
    for name in names:
        target = folder / name
        target.write_bytes((FIXTURES / name).read_bytes())
        found.append(target)
    return found


def in_build(settings: Settings, iri: str) -> bool:
    store = open_store(settings)
    return bool(list(store.quads_for_pattern(ox.NamedNode(iri), None, None)))


@pytest.fixture
def built(scratch_settings: Settings) -> Settings:
    build(scratch_settings)
    return scratch_settings


def test_add_puts_a_good_entry_into_data_and_rebuilds(built: Settings, tmp_path: Path) -> None:
    [entry] = entries(tmp_path, "good-membership.trig")
    before = entry.read_bytes()
    added = add(built, [entry], lang="en")
    target = built.path("data_dir") / "good-membership.trig"
    assert added.placed == [(entry.resolve(), target.resolve())]
    assert target.read_bytes() == before == entry.read_bytes()  # copied as validated; the given file untouched
    assert in_build(built, MEMBERSHIP)
    assert added.summary("en") == [f"Added {entry} as {target}."]
    assert not [p for p in built.path("data_dir").iterdir() if p.name.startswith(".kennisgraaf-add-")]


def test_add_refuses_entries_that_break_a_rule_and_changes_nothing(built: Settings, tmp_path: Path) -> None:
    good, bad = entries(tmp_path, "good-membership.trig", "unknown-property.trig")
    data, release = snapshot(built.path("data_dir")), (built.path("build_dir") / "current").resolve()
    with pytest.raises(ValidationFailed) as raised:
        add(built, [good, bad], lang="nl")
    assert [p.shape for p in raised.value.report.violations] == ["kgsh:KnownPropertyCheck"]  # type: ignore[attr-defined]
    assert "er is niets toegevoegd en data/ is ongewijzigd" in raised.value.message("nl")
    assert snapshot(built.path("data_dir")) == data
    assert (built.path("build_dir") / "current").resolve() == release


def test_add_never_overwrites_a_data_file(built: Settings, tmp_path: Path) -> None:
    [entry] = entries(tmp_path, "good-membership.trig")
    (built.path("data_dir") / "good-membership.trig").write_text("# mijn eigen bestand\n", "utf-8")
    data = snapshot(built.path("data_dir"))
    with pytest.raises(OutputError) as raised:
        add(built, [entry], lang="en")
    assert "never overwrites a data file" in raised.value.message("en")
    assert f"--replaces {built.path('data_dir') / 'good-membership.trig'}" in raised.value.message("en")
    assert snapshot(built.path("data_dir")) == data


def test_add_replaces_a_data_file_by_its_changed_copy_and_keeps_the_old_one(built: Settings, tmp_path: Path) -> None:
    original = built.path("data_dir") / "jaarstukken-2023.trig"
    old = original.read_bytes()
    copy = tmp_path / "jaarstukken-2023.trig"
    copy.write_bytes(old.replace(b'rdfs:label "Bijzonder programma Kennisstad"@nl',
                                 b'rdfs:label "Bijzonder programma Kennisstad"@nl ;\n        skos:altLabel "Kennisstad"@nl'))
    added = add(built, [copy], lang="en")  # recognised by its claims, so no --replaces needed
    assert original.read_bytes() == copy.read_bytes() != old
    [backup] = added.backups.values()
    assert backup.read_bytes() == old and backup.is_relative_to(built.path("build_dir") / "backups")
    assert "the previous version is kept in" in " ".join(added.summary("en"))
    store = open_store(built)
    assert ox.Literal("Kennisstad", language="nl") in {
        q.object for q in store.quads_for_pattern(ox.NamedNode("https://w3id.org/kennisgraaf/id/programma/kennisstad"),
                                                  ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"), None)}


@pytest.mark.parametrize("failure", [RuntimeError("disk full"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_a_failure_half_way_through_switching_leaves_everything_as_it_was(
        built: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException) -> None:
    original = built.path("data_dir") / "jaarstukken-2023.trig"
    copy = tmp_path / "jaarstukken-2023.trig"
    copy.write_bytes(original.read_bytes().replace(b'"Bijzonder programma Kennisstad"@nl .',
                                                   b'"Bijzonder programma Kennisstad (gewijzigd)"@nl .', 1))
    [new] = entries(tmp_path, "good-membership.trig")
    given, data = snapshot(tmp_path), snapshot(built.path("data_dir"))
    release = (built.path("build_dir") / "current").resolve()
    real_place, calls = adding._place, []

    def place_then_fail(*args):  # type: ignore[no-untyped-def]
        calls.append(args)
        if len(calls) == 2:  # the first file is in place, the second is not
            raise failure
        return real_place(*args)

    monkeypatch.setattr(adding, "_place", place_then_fail)
    with pytest.raises(type(failure)):
        add(built, [new, copy], replaces=None, lang="en")
    assert len(calls) == 2
    assert snapshot(built.path("data_dir")) == data and snapshot(tmp_path) == given
    assert (built.path("build_dir") / "current").resolve() == release


@pytest.mark.parametrize("failure", [RuntimeError("out of memory"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_a_failure_during_the_rebuild_takes_the_entries_out_again(
        built: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException) -> None:
    original = built.path("data_dir") / "jaarstukken-2023.trig"
    copy = tmp_path / "jaarstukken-2023.trig"
    copy.write_bytes(original.read_bytes() + b"\n")
    [new] = entries(tmp_path, "good-agreement.trig")
    given, data = snapshot(tmp_path), snapshot(built.path("data_dir"))
    release = (built.path("build_dir") / "current").resolve()
    seen = {}

    def build_then_fail(settings, progress=None, lang=None):  # type: ignore[no-untyped-def]
        seen["data"] = snapshot(settings.path("data_dir"))  # the entries were in data/ when it failed
        raise failure

    monkeypatch.setattr(adding, "build", build_then_fail)
    with pytest.raises(type(failure)):
        add(built, [new, copy], lang="en")
    assert "good-agreement.trig" in seen["data"] and seen["data"] != data
    assert snapshot(built.path("data_dir")) == data and snapshot(tmp_path) == given
    assert (built.path("build_dir") / "current").resolve() == release
    assert not (built.path("build_dir") / "backups").exists() or not any((built.path("build_dir") / "backups").rglob("*.trig"))


def test_ctrl_c_while_files_are_switched_waits_until_they_all_are() -> None:
    done = []
    with pytest.raises(KeyboardInterrupt):
        with adding._interrupts_held():
            os.kill(os.getpid(), signal.SIGINT)
            done.append("the rest of the block ran")
    assert done == ["the rest of the block ran"]


def test_add_on_the_command_line(built: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    [entry] = entries(tmp_path, "good-agreement.trig")
    monkeypatch.chdir(built.project_dir)
    result = CliRunner().invoke(cli, ["add", str(entry), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Added invoer/good-agreement.trig as data/good-agreement.trig." in result.output
    assert "Built " in result.output and in_build(built, AGREEMENT)
    other = tmp_path / "ander" / "good-agreement.trig"  # another entry under a name data/ already has
    other.parent.mkdir()
    other.write_bytes((FIXTURES / "good-membership.trig").read_bytes())
    again = CliRunner().invoke(cli, ["add", str(other), "--format", "json"])
    assert again.exit_code == 2
    error = json.loads(again.stdout)["error"]
    assert error["kind"] == "OutputError" and "overschrijft nooit" in error["message"]
    broken = CliRunner().invoke(cli, ["add", str(FIXTURES / "misspelt-organisation.trig")])
    assert broken.exit_code == 1
    assert "misspelt-organisation.trig:41: fout: organisatie:naturaliss wordt gebruikt" in broken.output
    assert "Bedoel je organisatie:naturalis?" in broken.output and "Traceback" not in broken.output


def test_add_in_a_subprocess(scratch: Path, tmp_path: Path) -> None:
    [entry] = entries(tmp_path, "good-membership.trig")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISGRAAF_")}
    script = Path(sys.executable).with_name("kennisgraaf")
    result = subprocess.run([str(script), "add", str(entry), "--format", "json"], capture_output=True, text=True,
                            cwd=scratch, env=env, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["conforms"] is True and answer["added"][0]["as"].endswith("data/good-membership.trig")
    assert (scratch / "data" / "good-membership.trig").read_bytes() == entry.read_bytes()
    same = subprocess.run([str(script), "add", str(entry)], capture_output=True, text=True, cwd=scratch, env=env,
                          timeout=600, check=False)  # the same file again: it is recognised, and changes nothing
    assert same.returncode == 0 and "is al gelijk aan" in " ".join(same.stdout.split()), same.stderr
    other = tmp_path / "ander" / "good-membership.trig"
    other.parent.mkdir()
    other.write_bytes((FIXTURES / "good-agreement.trig").read_bytes())
    taken = subprocess.run([str(script), "add", str(other)], capture_output=True, text=True, cwd=scratch, env=env,
                           timeout=600, check=False)
    assert taken.returncode == 2 and taken.stdout == ""
    assert "overschrijft nooit" in taken.stderr and "Traceback" not in taken.stderr
    assert (scratch / "data" / "good-membership.trig").read_bytes() == entry.read_bytes()
