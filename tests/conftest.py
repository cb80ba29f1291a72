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
    from kennisgraaf.store.builds import build

    settings = Settings.load(ROOT, {"build_dir": str(tmp_path_factory.mktemp("build"))}, environ={})
    build(settings)
    return settings


@pytest.fixture(scope="session")
def built_store(built_settings: Settings):  # type: ignore[no-untyped-def]
    from kennisgraaf.store.builds import open_store

    return open_store(built_settings)


@pytest.fixture(scope="session")
def oxigraph_endpoint(built_settings: Settings, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The query URL of a real `oxigraph serve` on 127.0.0.1, holding the built graph as `kennisgraaf export
    --format nquads` writes it (the facts once in the default graph, the claims as named graphs)."""
    from oxigraph_server import serve

    from kennisgraaf.store.export import export

    folder = tmp_path_factory.mktemp("oxigraph")
    dump = folder / "leiden.nq"
    export(built_settings, fmt="nquads", output=dump)
    with serve(dump, folder) as url:
        yield url


@pytest.fixture(scope="session")
def kennisgraaf_server(built_settings: Settings, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real `kennisgraaf serve` of the built graph on 127.0.0.1 (see tests/kennisgraaf_server.py), with a
    short query timeout and small limits so the tests of those limits run fast."""
    from kennisgraaf_server import serve

    with serve(built_settings, tmp_path_factory.mktemp("serve"), "--query-timeout", "2", "--result-limit", "1000",
               "--max-body-size", "200000", "--max-concurrent-queries", "8") as server:
        yield server


@pytest.fixture(scope="session")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A small built project with known answers (tests/mini_graph.py); tests only read it."""
    from mini_graph import make_project

    return make_project(tmp_path_factory.mktemp("mini") / "project")


@pytest.fixture(scope="session")
def mini_endpoint(mini: Settings, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The query URL of a real `oxigraph serve` holding the mini project's graph."""
    from oxigraph_server import serve

    with serve(mini.project_dir / "mini.nq", tmp_path_factory.mktemp("mini-oxigraph")) as url:
        yield url


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real, empty Virtuoso 7 on 127.0.0.1 (tests/virtuoso_server.py); the tests of publishing change it."""
    from virtuoso_server import serve

    with serve(tmp_path_factory.mktemp("virtuoso")) as server:
        print(f"\nVirtuoso answered {server.start_seconds:.1f} s after it was started")
        yield server


@pytest.fixture(scope="session")
def leiden_on_virtuoso(built_store, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A Virtuoso of its own that the built graph was published to once (and that no test changes)."""
    from virtuoso_server import serve

    from kennisgraaf.publish.graph_store import Credentials, publish

    with serve(tmp_path_factory.mktemp("virtuoso-leiden")) as server:
        publish(built_store, server.sparql, graph_store=server.graph_store_auth,
                credentials=Credentials(server.user, server.password))
        yield server


@pytest.fixture(scope="session")
def leiden_on_oxigraph(built_store, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The query URL of a plain `oxigraph serve` of its own that the built graph was published to once."""
    from oxigraph_server import serve

    from kennisgraaf.publish.graph_store import publish

    folder = tmp_path_factory.mktemp("oxigraph-leiden")
    (folder / "empty.nq").write_bytes(b"")
    with serve(folder / "empty.nq", folder) as url:
        publish(built_store, url, graph_store=url.removesuffix("/query") + "/store")
        yield url


@pytest.fixture(scope="session")
def static_site(built_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The static site of the built graph (`kennisgraaf site`), written once; tests only read it."""
    from kennisgraaf.publish.site import build_site

    folder = tmp_path_factory.mktemp("static") / "site"
    build_site(built_settings, folder)
    return folder


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """Debian's chromium under Playwright (tests/browsers.py), one per test module: closed before other modules
    run, whose queries fork worker processes that would inherit the driver's pipes (it would then wait for them)."""
    from browsers import launch

    with launch() as chromium:
        yield chromium


@pytest.fixture
def page(browser, kennisgraaf_server):  # type: ignore[no-untyped-def]
    """A page of the session's server in that browser; the test fails if the page loads anything from elsewhere.
    (tests/test_entries_browser.py has its own, of its own server.)"""
    from browsers import open_page

    with open_page(browser, kennisgraaf_server.url, 15_000) as found:
        yield found
