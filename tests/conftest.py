"""Shared fixtures: the real project, a scratch copy of it, and one build of the real graph per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kennisgraaf.config import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A copy of the project (ontology, data, shapes, queries) to change freely."""
    for folder in ("ontology", "data", "shapes", "queries"):
        if (ROOT / folder).exists():
            shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "kennisgraaf.toml").write_text("", "utf-8")
    return tmp_path


@pytest.fixture
def scratch_settings(scratch: Path) -> Settings:
    return Settings.load(scratch, environ={})


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of the real project with its store built once into a temporary folder."""
    from kennisgraaf.store import build

    settings = Settings.load(ROOT, {"build_dir": str(tmp_path_factory.mktemp("build"))}, environ={})
    build(settings)
    return settings


@pytest.fixture(scope="session")
def built_store(built_settings: Settings):  # type: ignore[no-untyped-def]
    from kennisgraaf.store import open_store

    return open_store(built_settings)
