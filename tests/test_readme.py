"""The README's promises: its two commands are what CI runs, and its CLI reference matches the commands."""

from __future__ import annotations

import os
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kennisgraaf.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- cli-reference:start -->", "<!-- cli-reference:end -->"


def _command_names(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    names = []
    for name, command in sorted(group.commands.items()):
        names.append(prefix + (name,))
        if isinstance(command, click.Group):
            names.extend(_command_names(command, prefix + (name,)))
    return names


def render_reference() -> str:
    runner = CliRunner()
    parts = [START, ""]
    for path in [()] + _command_names(cli):
        result = runner.invoke(cli, [*path, "--help"], prog_name="kennisgraaf", terminal_width=100)
        assert result.exit_code == 0, result.output
        title = " ".join(("kennisgraaf",) + path)
        parts += [f"### `{title}`", "", "```", result.output.rstrip(), "```", ""]
    parts.append(END)
    return "\n".join(parts)


def test_cli_reference_matches_the_commands() -> None:
    text = README.read_text("utf-8")
    current = text[text.index(START): text.index(END) + len(END)]
    expected = render_reference()
    if current != expected and os.environ.get("KENNISGRAAF_UPDATE_README"):
        README.write_text(text.replace(current, expected), "utf-8")
        current = expected
    assert current == expected, "README CLI reference is out of date: run KENNISGRAAF_UPDATE_README=1 pytest " \
                                "tests/test_readme.py"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    commands = re.findall(r"```sh\n(.*?)\n```", README.read_text("utf-8"), re.DOTALL)
    test_command = next(c for c in commands if "pytest" in c)
    assert test_command in (ROOT / ".ci" / "run").read_text("utf-8").splitlines()


def test_the_readme_main_command_builds_the_graph() -> None:
    commands = re.findall(r"```sh\n(.*?)\n```", README.read_text("utf-8"), re.DOTALL)
    assert commands[0].startswith("bash scripts/setup.sh && .venv/bin/kennisgraaf build")


def test_the_tour_shows_what_a_build_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown = re.search(r"\$ \.venv/bin/kennisgraaf build\n(.*?)\n```", README.read_text("utf-8"), re.DOTALL)
    assert shown, "the tour starts with a build and its output"
    monkeypatch.chdir(ROOT)  # as in the tour: file names relative to the project
    result = CliRunner(env={"KENNISGRAAF_BUILD_DIR": str(tmp_path / "build")}).invoke(cli, ["build", "--project", str(ROOT)])
    assert result.exit_code == 0, result.output
    printed = result.output.splitlines()
    for line in shown.group(1).splitlines():
        start = re.sub(r" in [0-9.]+ s: .*| \.\.\.$", "", line)  # the time and the folder differ; ... shortens
        assert any(out.startswith(start) for out in printed), f"the README shows {line!r}; the build printed {printed}"


def test_the_python_example_runs(scratch: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) \
        -> None:
    code = re.search(r"```python\n(.*?)```", README.read_text("utf-8"), re.DOTALL).group(1)  # type: ignore[union-attr]
    monkeypatch.chdir(scratch)  # the project is found upwards from the working folder
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed == ["True 1", "['hogeschool-leiden', 'mborijnland', 'naturalis', 'universiteit-leiden']"]
    assert (scratch / "build" / "current" / "report.json").is_file()
