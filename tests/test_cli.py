"""The installed `kennisgraaf` script, run as a user runs it: in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

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


def test_each_command_offers_the_settings_it_uses_and_no_others() -> None:
    def options(*path: str) -> set[str]:
        command: click.Command = cli
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        return {o for p in command.params if isinstance(p, click.Option) for o in p.opts}

    every = {"--" + name.replace("_", "-") for name, _, _ in Settings.load(environ={}).rows()}
    paths = {"--ontology-dir", "--data-dir", "--sources-dir", "--shapes-dir", "--queries-dir", "--build-dir",
             "--entries-dir"}
    assert every <= options("config")
    assert options("build") == {"--project", "--language", "--lang"}
    assert options("validate") == {"--project", "--language", "--lang", "--format", "--replaces", "--verbose"}
    assert options("add") == {"--project", "--language", "--lang", "--format", "--replaces"}
    assert options("new") == {"--project", "--language", "--lang", "--list", "--name", "--source", "-o", "--output"}
    assert options("info") == options("queries") == {"--project", "--format"}
    assert options("export") == {"--project", "--format", "--graph", "-o", "--output", "--force"}
    assert options("sources", "coverage") == {"--project", "--language", "--lang", "--check"}
    assert {"--query-timeout", "--timeout", "--result-limit", "--lang"} <= options("sparql")
    assert not (paths | {"--port", "--base-iri", "--max-query-length"}) & options("sparql")
    releasing = {"--releases-dir", "--release-base-url", "--public-endpoint", "--landing-page", "--publisher",
                 "--publisher-name", "--contact-page", "--contact-email", "--license", "--themes"}
    assert not releasing & (options("release") | options("diff"))  # set in the project file, like the folders
    assert options("release") == {"--project", "--language", "--lang"}
    publishing = {o for o in every if o.startswith("--publish-")}
    serving = every - paths - releasing - publishing - {"--base-iri", "--live-endpoint"}
    assert serving <= options("serve") and not (paths | publishing) & options("serve")
    assert options("publish") == {"--project", "--language", "--lang", "--to", "--graph-store", "--update",
                                  "--default-graph", "--timeout", "--release", "--dry-run", "--credentials-file"}
    assert options("site") == {"--project", "--language", "--lang", "--query-timeout", "--result-limit",
                               "--live-endpoint", "-o", "--output", "--force"}
    for path in (("query",), ("sources",), ()):
        assert "--project" in options(*path), path


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


# ------------------------------------------------------------------------------------------------ the project

NO_PROJECT = {name: None for name in os.environ if name.startswith("KENNISGRAAF_")}


def _positions(project: str) -> list[list[str]]:
    return [["--project", project, "query", "partners"], ["query", "--project", project, "partners"],
            ["query", "partners", "--project", project], ["query", "partners", f"--project={project}"],
            ["--project", project, "info"], ["info", "--project", project],
            ["sources", "--project", project, "coverage"], ["sources", "coverage", "--project", project]]


@pytest.mark.parametrize("position", range(8))
def test_project_may_be_given_wherever_a_user_types_it(mini: Settings, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, position: int) -> None:
    args = _positions(str(mini.project_dir))[position]
    monkeypatch.chdir(mini.project_dir)
    inside = CliRunner(env=NO_PROJECT).invoke(cli, [a for a in args if "--project" not in a and a != str(mini.project_dir)])
    monkeypatch.chdir(tmp_path)  # no project here or above
    given = CliRunner(env=NO_PROJECT).invoke(cli, args)
    assert (given.exit_code, given.output) == (inside.exit_code, inside.output)
    assert "Traceback" not in inside.output
    assert "No kennisgraaf project" not in given.output


def test_the_project_can_come_from_the_environment(mini: Settings, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISGRAAF_")}
    env["KENNISGRAAF_PROJECT"] = str(mini.project_dir)
    result = subprocess.run([str(SCRIPT), "queries", "--format", "json"], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert {q["name"] for q in json.loads(result.stdout)} == {p.stem for p in (mini.project_dir / "queries").glob("*.rq")}


@pytest.mark.parametrize("args", [
    ["build"], ["validate"], ["export"], ["info"], ["queries"], ["query", "partners"], ["query", "partners", "--help"],
    ["sparql", "ASK {}"], ["sources", "coverage"], ["serve"], ["config"], ["release"], ["diff", "1.0.0"],
])
def test_outside_a_project_every_command_says_so_in_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 args: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner(env=NO_PROJECT).invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"No kennisgraaf project found in {tmp_path}"), result.output
    assert "--project DIR or set KENNISGRAAF_PROJECT=DIR." in result.output
    assert "Traceback" not in result.output and "run build first" not in result.output


def test_a_project_folder_that_does_not_exist_is_named(tmp_path: Path) -> None:
    result = CliRunner(env=NO_PROJECT).invoke(cli, ["info", "--project", str(tmp_path / "nergens")])
    assert result.exit_code == 2
    assert f"--project {tmp_path / 'nergens'}: there is no such folder." in " ".join(result.output.split())


def test_help_works_outside_a_project(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "kennisgraaf", "--help"], capture_output=True, text=True,
                            cwd=tmp_path, timeout=60, check=False)
    assert result.returncode == 0 and "Commands:" in result.stdout
