"""The static site (`kennisgraaf site`, publish/site.py): every link leads to a file of the site, the pages hold
the graph's real facts, the canned queries their real results, the dumps are the exports; and the folder is
written atomically, never over what a user wrote."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from site_links import broken_links

from kennisgraaf.cli import cli
from kennisgraaf.errors import OutputError
from kennisgraaf.publish.site import MARKER, build_site

BASE = "https://w3id.org/kennisgraaf/"
ID = BASE + "id/"
KG = BASE + "def/"
AGREEMENT_2017 = ID + "overeenkomst/samenwerkingsovereenkomst-2017"


def _read(site: Path, path: str) -> str:
    return (site / path).read_text("utf-8")


def _cell_iris(cell: str) -> list[str]:
    return re.findall(r'title="([^"]+)"', cell)


def _values_of(page: str, prop: str) -> list[tuple[str, str]]:
    """(IRI, text) of the values of `prop` in an entity page's table of facts."""
    cells = re.findall(r'<tr>\s*<td><a href="[^"]*" title="' + re.escape(prop) + r'">[^<]*</a></td>\s*<td>(.*?)</td>',
                       page, re.DOTALL)
    return [(iri, html.unescape(text)) for cell in cells
            for iri, text in re.findall(r'<a href="[^"]*" title="([^"]+)">([^<]*)</a>', cell)]


def test_every_link_in_the_site_resolves_to_a_file_in_it(static_site: Path) -> None:
    pages = list(static_site.rglob("*.html"))
    assert len(pages) > 500
    assert broken_links(static_site, BASE) == []


def test_the_link_check_finds_what_is_broken(tmp_path: Path) -> None:
    # The check itself, on a made-up site: a check that finds nothing in any site would guard nothing.
    (tmp_path / "doc").mkdir()
    (tmp_path / "doc" / "a.html").write_text('<p id="here">a</p><a href="#here">ok</a>', "utf-8")
    (tmp_path / "index.html").write_text(
        '<link rel="canonical" href="https://w3id.org/kennisgraaf/doc/x">'
        '<a href="doc/a.html">ok</a> <a href="doc/a.html#there">no id</a> <a href="doc/b.html">missing</a> '
        '<a href="doc/">a folder</a> <a href="https://w3id.org/kennisgraaf/doc/a">the live site</a> '
        '<a href="https://www.w3.org/ns/org#">elsewhere</a> <img src="../outside.png">'
        '<form action="sparql"></form>', "utf-8")
    found = broken_links(tmp_path, BASE)
    assert [line.split(" (")[1] for line in found] == [
        "no id 'there' in doc/a.html)", "no such file)", "no such file)", "leaves the site)", "leaves the site)",
        "outside the site's folder)", "needs a server)"]


def test_pages_have_no_scripts_and_no_query_page(static_site: Path) -> None:
    # The query page (YASGUI) needs the live /sparql: the static site links to the canned query pages instead.
    with_scripts = [str(p) for p in static_site.rglob("*.html") if "<script" in p.read_text("utf-8")]
    assert with_scripts == []
    assert not (static_site / "query.html").exists() and not (static_site / "static" / "yasgui").exists()
    home = _read(static_site, "index.html")
    assert 'href="queries/partners.html"' in home and 'href="doc/def/index.html"' in home
    assert 'href="doc/organisatie/gemeente-leiden.html"' in home


def test_an_agreement_page_shows_its_parties_with_sources(static_site: Path, built_store: ox.Store) -> None:
    page = _read(static_site, "doc/overeenkomst/samenwerkingsovereenkomst-2017.html")
    parties = _values_of(page, KG + "party")
    assert sorted(text for _, text in parties) == ["Hogeschool Leiden", "LUMC", "Universiteit Leiden",
                                                   "gemeente Leiden"]
    in_graph = {row[0].value for row in built_store.query(f"SELECT ?p WHERE {{ <{AGREEMENT_2017}> <{KG}party> ?p }}")}
    assert {iri for iri, _ in parties} == in_graph
    assert 'href="../organisatie/lumc.html"' in page  # relative, to a file that exists
    assert f'<link rel="canonical" href="{BASE}doc/overeenkomst/samenwerkingsovereenkomst-2017">' in page
    quotes = [row[0].value for row in built_store.query(
        f"SELECT ?q WHERE {{ GRAPH ?g {{ <{AGREEMENT_2017}> <{KG}party> ?o . ?g <{KG}quote> ?q }} }}")]
    assert quotes and all(html.escape(q, quote=False) in page for q in quotes)
    assert 'href="../document/' in page  # the source documents, linked


def test_there_is_a_page_for_every_thing_of_the_graph(static_site: Path, built_store: ox.Store) -> None:
    things = {row[0].value for row in built_store.query(
        f"SELECT DISTINCT ?x WHERE {{ {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }} "
        f"FILTER(isIRI(?x) && STRSTARTS(STR(?x), \"{ID}\")) }}")}
    files = {str(p.relative_to(static_site / "doc").with_suffix("")) for p in (static_site / "doc").rglob("*.html")
             if static_site / "doc" / "def" not in p.parents}
    assert {iri[len(ID):] for iri in things} == files


def test_canned_queries_are_answered_with_their_defaults(static_site: Path, built_settings) -> None:  # type: ignore[no-untyped-def]
    from kennisgraaf import queries

    result = queries.run("partners", settings=built_settings)
    assert len(result) > 0
    page = _read(static_site, "queries/partners.html")
    [table] = re.findall(r'<table class="results">(.*?)</table>', page, re.DOTALL)
    assert table.count("<tr><td>") == len(result) and f"<p>{len(result)} row(s).</p>" in page
    assert "Hogeschool Leiden" in page and 'href="../doc/organisatie/hogeschool-leiden.html"' in page
    assert 'href="partners.csv"' in page and 'href="partners.json"' in page and "<form" not in page
    # The downloads are the results (of parties: partners joins its sources' titles in no fixed order).
    parties = queries.run("parties", settings=built_settings)
    assert len(parties) > 20
    assert (static_site / "queries" / "parties.csv").read_bytes() == parties.serialize("csv")
    assert json.loads((static_site / "queries" / "parties.json").read_bytes()) == json.loads(parties.serialize("json"))
    # A default is used and said: networks runs for gemeente Leiden.
    assert "organisatie:gemeente-leiden (its default)" in _read(static_site, "queries/networks.html")


def test_a_query_that_needs_a_value_is_listed_without_results(static_site: Path) -> None:
    page = _read(static_site, "queries/describe.html")
    assert "This query needs a value for <code>entity</code>" in page and "kennisgraaf query describe" in page
    assert '<table class="results">' not in page
    assert not (static_site / "queries" / "describe.csv").exists()
    assert "(needs a value: no results here)" in _read(static_site, "index.html")


def test_the_dumps_are_the_exports(static_site: Path, built_settings) -> None:  # type: ignore[no-untyped-def]
    from kennisgraaf.store.export import FORMATS, export

    for fmt, (_, _, extension) in FORMATS.items():
        assert (static_site / "dumps" / f"leiden.{extension}").read_bytes() == export(built_settings, fmt), fmt
    home = _read(static_site, "index.html")
    assert all(f'href="dumps/leiden.{e}"' in home for _, _, e in FORMATS.values())


def test_the_live_endpoint_is_named_only_when_a_setting_gives_it(static_site: Path, built_settings,
                                                                tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert "SPARQL endpoint" not in _read(static_site, "queries/parties.html")
    named = build_site(built_settings, tmp_path / "site", endpoint="https://data.example.org/sparql")
    page = (named.folder / "queries" / "describe.html").read_text("utf-8")
    assert "<code>https://data.example.org/sparql</code>" in page
    assert broken_links(named.folder, BASE) == []  # named as text, not linked
    with pytest.raises(Exception, match="not an http"):
        build_site(built_settings, tmp_path / "other", endpoint="ftp://data.example.org/")
    assert not (tmp_path / "other").exists()


# ------------------------------------------------------------------------------------------------ the folder


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


def test_a_folder_that_is_not_empty_is_not_overwritten(built_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("my notes", "utf-8")
    with pytest.raises(OutputError, match="not empty"):
        build_site(built_settings, folder)
    with pytest.raises(OutputError, match="not a site kennisgraaf wrote"):
        build_site(built_settings, folder, force=True)
    assert [p.name for p in folder.iterdir()] == ["notes.txt"] and _leftovers(folder) == []


def test_force_replaces_a_site_written_before(built_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "site"
    build_site(built_settings, folder)
    (folder / "stale.html").write_text("from before", "utf-8")
    with pytest.raises(OutputError, match="--force"):
        build_site(built_settings, folder)
    site = build_site(built_settings, folder, force=True)
    assert not (folder / "stale.html").exists() and (folder / "index.html").is_file()
    assert json.loads((folder / MARKER).read_text("utf-8"))["pages"]["things"] == site.entities
    assert _leftovers(folder) == []


def test_an_empty_folder_is_used_and_a_file_is_refused(built_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert build_site(built_settings, empty).files > 500
    file = tmp_path / "a-file"
    file.write_text("mine", "utf-8")
    with pytest.raises(OutputError, match="is a file"):
        build_site(built_settings, file, force=True)
    assert file.read_text("utf-8") == "mine"


def test_a_failing_canned_query_leaves_nothing_half_written(scratch_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kennisgraaf.errors import QueryError
    from kennisgraaf.store.builds import build

    build(scratch_settings)
    # The catalogue takes it (its header is fine); the query fails when it runs, after many pages are written.
    (scratch_settings.path("queries_dir") / "broken.rq").write_text(
        "#+ summary: Fails when it runs\nSELECT ?s WHERE { ?s ?p ?o\n", "utf-8")
    folder = tmp_path / "site"
    with pytest.raises(QueryError, match="broken fails with its parameters' defaults"):
        build_site(scratch_settings, folder)
    assert not folder.exists() and _leftovers(folder) == []


def test_the_command_writes_the_site_and_refuses_without_a_traceback(built_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    env = {"KENNISGRAAF_BUILD_DIR": str(built_settings.path("build_dir"))}
    project = ["--project", str(built_settings.project_dir)]
    done = runner.invoke(cli, ["site", *project, "-o", str(tmp_path / "site")], env=env)
    assert done.exit_code == 0, done.output
    assert "Wrote the static site to" in done.output and (tmp_path / "site" / "index.html").is_file()
    again = runner.invoke(cli, ["site", *project, "--lang", "en", "-o", str(tmp_path / "site")], env=env)
    assert again.exit_code != 0 and "not empty" in again.output and "Traceback" not in again.output
    assert len(again.output.strip().split("\n\n")) == 1


def test_building_a_site_leaves_no_worker_behind(built_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # An idle worker is a fork of this process holding copies of its pipes: one kept the browser tests'
    # Playwright driver waiting for the end of its pipe, forever.
    import multiprocessing

    before = set(multiprocessing.active_children())
    build_site(built_settings, tmp_path / "site")
    assert set(multiprocessing.active_children()) <= before


def test_the_site_has_the_network_year_by_year_as_pictures(static_site: Path, built_settings) -> None:  # type: ignore[no-untyped-def]
    import xml.etree.ElementTree as ElementTree

    from kennisgraaf.network.building import years

    first, last = years(built_settings)
    page = _read(static_site, "network/index.html")
    shown = re.findall(r'<img src="([^"]+)"', page)
    assert shown == ["all.svg", *(f"{year}.svg" for year in range(first, last + 1))]
    for name in shown:
        assert ElementTree.parse(static_site / "network" / name).getroot().tag.endswith("svg")
    assert 'href="network/index.html"' in _read(static_site, "index.html")
