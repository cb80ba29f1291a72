"""The installed `kennisgraaf` script, run as a user runs it: in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from kennisgraaf.cli import cli
from kennisgraaf.config import Settings

SCRIPT = Path(sys.executable).with_name("kennisgraaf")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISGRAAF_")}
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600)


def test_the_script_is_installed_next_to_python() -> None:
    assert SCRIPT.exists(), "run `bash scripts/setup.sh --test` first"
    result = run("--version")
    assert result.returncode == 0 and "version" in result.stdout


def test_build_info_and_export_in_a_subprocess(scratch: Path) -> None:
    built = run("build", cwd=scratch)
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("Built ") and "claims" in built.stdout
    info = run("info", "--format", "json", cwd=scratch)
    counts = json.loads(info.stdout)
    assert counts["claims"] > 100
    exported = run("export", "--format", "nquads", cwd=scratch)
    assert exported.returncode == 0 and exported.stdout.count("\n") == counts["quads"]


def test_validate_exit_codes_in_a_subprocess(scratch: Path, tmp_path: Path) -> None:
    assert run("validate", cwd=scratch).returncode == 0
    broken = tmp_path / "kapot.trig"
    broken.write_text("@prefix org: <http://www.w3.org/ns/org#> .\n"
                      "<https://w3id.org/kennisgraaf/id/organisatie/zonder-bron> a org:Organization .\n", "utf-8")
    violated = run("validate", str(broken), cwd=scratch)
    assert violated.returncode == 1
    # The file lies inside the project (the scratch folder), so it is shown relative to it.
    assert violated.stdout.startswith("kapot.trig:2: fout: ")
    broken.write_text("dit is geen turtle\n", "utf-8")
    unreadable = run("validate", str(broken), cwd=scratch)
    assert unreadable.returncode == 2
    assert unreadable.stderr.startswith("kapot.trig:1: fout in de TriG-syntaxis")
    assert "Traceback" not in unreadable.stderr


def test_info_before_build_says_to_build(scratch: Path) -> None:
    result = run("info", cwd=scratch)
    assert result.returncode == 2
    assert "Voer eerst `kennisgraaf build` uit" in result.stderr


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((prefix + name, command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, prefix + name + " "))
    return found


@pytest.mark.parametrize("name, command", _commands(cli), ids=[n for n, _ in _commands(cli)])
def test_every_command_has_help_with_an_example(name: str, command: click.Command) -> None:
    assert command.help and "Example: kennisgraaf" in command.help or isinstance(command, click.Group), name


def test_each_command_offers_the_settings_it_uses() -> None:
    def options(command: str) -> set[str]:
        return {o for p in cli.commands[command].params for o in getattr(p, "opts", [])}

    every = {"--" + name.replace("_", "-") for name, _, _ in Settings.load(environ={}).rows()}
    assert every <= options("config") and every <= options("serve")
    assert {"--data-dir", "--shapes-dir", "--build-dir", "--base-iri"} <= options("build")
    assert "--port" not in options("build") and "--query-timeout" not in options("build")
    assert {"--query-timeout", "--timeout", "--result-limit"} <= options("sparql")
    assert "--port" not in options("sparql")


def test_sources_coverage_points_at_a_misquote_and_says_what_to_do(scratch: Path) -> None:
    data = scratch / "data" / "jaarstukken-2017.trig"
    text = data.read_text("utf-8")
    right = '"zijn gemeente en partners in 2012 gestart met het programma Kennisstad."'
    line = text[: text.index(right)].count("\n") + 1
    data.write_text(text.replace(right, right.replace("2012", "2011")), "utf-8")
    result = run("sources", "coverage", "--check", cwd=scratch)
    assert result.returncode == 1
    [misquote] = [out for out in result.stdout.splitlines() if "citaat niet gevonden" in out]
    assert misquote.startswith(f"data/jaarstukken-2017.trig:{line}: citaat niet gevonden in ")
    assert "in 2011 gestart" in misquote and "Neem de woorden letterlijk over" in misquote
    english = run("sources", "coverage", "--lang", "en", cwd=scratch)
    assert f"data/jaarstukken-2017.trig:{line}: quote not found in " in english.stdout
