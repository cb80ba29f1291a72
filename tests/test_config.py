from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kennisgraaf.cli import cli
from kennisgraaf.config import Settings
from kennisgraaf.errors import ConfigError


def test_defaults_when_the_project_has_no_settings(tmp_path: Path) -> None:
    settings = Settings.load(tmp_path, environ={})
    assert settings.base_iri == "https://w3id.org/kennisgraaf/"
    assert settings.language == "nl"
    assert settings.path("data_dir") == tmp_path / "data"
    assert settings.origins["base_iri"] == "default"


def test_file_then_environment_then_options_override(tmp_path: Path) -> None:
    (tmp_path / "kennisgraaf.toml").write_text('language = "en"\nquery_timeout = 3\n', "utf-8")
    env = {"KENNISGRAAF_QUERY_TIMEOUT": "4.5"}
    settings = Settings.load(tmp_path, {"data_dir": "elders"}, environ=env)
    assert settings.language == "en" and settings.origins["language"].endswith("kennisgraaf.toml")
    assert settings.get("query_timeout") == 4.5
    assert settings.origins["query_timeout"] == "environment KENNISGRAAF_QUERY_TIMEOUT"
    assert settings.path("data_dir") == tmp_path / "elders"
    assert settings.origins["data_dir"] == "command line"


def test_pyproject_table_is_found_from_a_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.kennisgraaf]\nlanguage = "en"\n', "utf-8")
    (tmp_path / "data").mkdir()
    monkeypatch.chdir(tmp_path / "data")
    assert Settings.load(environ={}).project_dir == tmp_path


@pytest.mark.parametrize(
    "toml, fragment",
    [
        ('language = "fr"', "use one of: nl, en"),
        ('base_iri = "ftp://x/"', "must be an http(s) IRI ending in '/'"),
        ("query_timeout = -1", "greater than zero"),
        ("query_timeout = inf", "a finite number"),
        ("inline_query_ms = -1", "zero or more"),
        ('result_limit = "many"', "not a valid int"),
        ('colour = "blue"', "unknown setting(s) colour"),
        ("language = ", "not valid TOML"),
    ],
)
def test_invalid_settings_are_refused_with_the_reason(tmp_path: Path, toml: str, fragment: str) -> None:
    (tmp_path / "kennisgraaf.toml").write_text(toml + "\n", "utf-8")
    with pytest.raises(ConfigError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        Settings.load(tmp_path, environ={})


def test_config_command_shows_values_and_origins(tmp_path: Path) -> None:
    (tmp_path / "kennisgraaf.toml").write_text('language = "en"\n', "utf-8")
    result = CliRunner().invoke(cli, ["config", "--project", str(tmp_path), "--query-timeout", "7"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()[1:]}
    assert lines["language"].endswith(f"({tmp_path / 'kennisgraaf.toml'})")
    assert "7.0  (command line)" in lines["query_timeout"]
    assert "(default)" in lines["base_iri"]


def test_a_bad_setting_on_the_command_line_is_one_paragraph_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["config", "--project", str(tmp_path), "--language", "fr"])
    assert result.exit_code == 2
    assert "use one of: nl, en" in result.output and "Traceback" not in result.output
