"""The network and timeline pages in a real browser (Debian's chromium, driven by Playwright, as in
test_pages_browser.py) against a real `kennisgraaf serve`: what the network page draws for a year, the slider,
hovering and clicking, an organisation's neighbourhood, and the timeline. Every test fails if the page asks
anything of another origin (the `page` fixture).

What the pages should show is asked of the same server's canned-query API and SPARQL endpoint, never run in
this process: a query here would fork worker processes that inherit the browser driver's pipes, and the
driver would then never see them close."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import httpx
import pytest

ID = "https://w3id.org/kennisgraaf/id/"
TYPE = "https://w3id.org/kennisgraaf/def/organisationType"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def _values(answer: httpx.Response) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.text
    return [{name: term["value"] for name, term in row.items()} for row in answer.json()["results"]["bindings"]]


def api(server: Any, name: str, **params: Any) -> list[dict[str, str]]:
    """The rows of a canned query, from the server's /api/{name}."""
    return _values(httpx.get(server.url + "api/" + name, params={**params, "format": "json"}))


def sparql(server: Any, query: str) -> list[dict[str, str]]:
    return _values(httpx.get(server.sparql, params={"query": query},
                             headers={"Accept": "application/sparql-results+json"}))


def names(server: Any) -> dict[str, str]:
    return {row["thing"]: row["name"] for row in sparql(server, f"SELECT ?thing ?name WHERE {{ ?thing <{LABEL}> ?name }}")}


def expected_network(server: Any, year: int) -> tuple[set[str], set[str]]:
    """(the organisations, the knowledge partners) of a year, from the canned queries `ties` and `partners`: the
    organisations (what has an organisation type) that share something with another one then — a thing two
    are tied to, or an organisation one is tied to (a member of it)."""
    typed = {row["thing"] for row in sparql(server, f"SELECT DISTINCT ?thing WHERE {{ ?thing <{TYPE}> ?type }}")}
    tied: dict[str, set[str]] = defaultdict(set)
    for row in api(server, "ties", year=year):
        tied[row["thing"]].add(row["organisation"])
    linked = set()
    for thing, organisations in tied.items():
        everyone = organisations | ({thing} & typed)
        if len(everyone) > 1:
            linked |= everyone
    return linked, {row["partner"] for row in api(server, "partners", year=year)}


def drawn(page: Any, year: str) -> tuple[set[str], set[str]]:
    page.wait_for_selector(f"#network[data-drawn='{year}']")
    nodes = page.evaluate("kennisgraafNetwork.cy.nodes().map(n => n.id())")
    partners = page.evaluate("kennisgraafNetwork.cy.nodes('[?partner]').map(n => n.id())")
    return set(nodes), set(partners)


def on_screen(page: Any, iri: str, view: str = "kennisgraafNetwork", box: str = "#network") -> tuple[float, float]:
    """Where the node is drawn on the screen, once it stays put (a busy machine may still be fitting the view)."""
    page.locator(box).scroll_into_view_if_needed()
    where = None
    for _ in range(25):
        position = page.evaluate(f"{view}.cy.getElementById({iri!r}).renderedPosition()")
        frame = page.locator(box).bounding_box()
        now = (round(frame["x"] + position["x"], 1), round(frame["y"] + position["y"], 1))
        if now == where:
            break
        where = now
        page.wait_for_timeout(200)
    assert where is not None
    return where


def test_the_network_of_a_year_and_the_slider(page: Any, kennisgraaf_server: Any) -> None:
    page.goto(kennisgraaf_server.url + "network?year=2018")
    organisations, partners = drawn(page, "2018")
    expected, expected_partners = expected_network(kennisgraaf_server, 2018)
    assert organisations == expected and partners == expected_partners and len(partners) == 3
    assert f"{len(expected)} organisations" in page.inner_text("#network-summary")
    legend = page.locator("#network-legend li").all_inner_texts()
    assert "universiteit" in legend and legend == sorted(legend, key=str.casefold)
    # Five steps to the right on the slider: 2023
    page.focus("#year")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    organisations, partners = drawn(page, "2023")
    expected, expected_partners = expected_network(kennisgraaf_server, 2023)
    assert organisations == expected and partners == expected_partners and len(partners) == 4
    assert page.inner_text("#year-shown") == "2023" and page.url.endswith("network?year=2023")
    page.check("#all-years")
    page.wait_for_selector("#network[data-drawn='all']")
    everything = page.evaluate("kennisgraafNetwork.cy.nodes().length")
    assert everything > len(expected) and page.is_disabled("#year")


def test_hover_names_an_organisation_and_a_click_opens_its_page(page: Any, kennisgraaf_server: Any) -> None:
    page.goto(kennisgraaf_server.url + "network?year=2023")
    page.wait_for_selector("#network[data-drawn='2023']")
    # An organisation that is not a partner of Leiden Kennisstad has no name on the drawing: hovering names it
    unnamed = sorted(page.evaluate("kennisgraafNetwork.cy.nodes('[!prominent]').map(n => n.id())"))
    assert unnamed
    chosen = unnamed[0]
    name = names(kennisgraaf_server)[chosen]
    x, y = on_screen(page, chosen)
    tip = page.locator(".network-tooltip")
    assert tip.is_hidden()
    page.mouse.move(x, y)
    tip.wait_for(state="visible")
    assert tip.inner_text().startswith(name + " (")
    page.mouse.click(x, y)
    page.wait_for_url("**/doc/" + chosen.removeprefix(ID))
    assert page.inner_text("h1") == name


def test_an_organisations_page_shows_its_neighbourhood(page: Any, kennisgraaf_server: Any) -> None:
    mbo = ID + "organisatie/mborijnland"
    page.goto(kennisgraaf_server.url + "doc/organisatie/mborijnland")
    page.wait_for_selector("#neighbourhood[data-drawn]")
    drawn_nodes = set(page.evaluate("kennisgraafNeighbourhood.cy.nodes().map(n => n.id())"))
    listed = page.locator("ul.neighbours li a").all_inner_texts()
    # What the page lists, the view draws: mboRijnland and every organisation named in the list ...
    name = names(kennisgraaf_server)
    assert mbo in drawn_nodes and sorted(name[iri] for iri in drawn_nodes - {mbo}) == sorted(listed)
    # ... and among them everyone mboRijnland shares an initiative or collaboration with (`together`)
    typed = {row["thing"] for row in sparql(kennisgraaf_server,
                                            f"SELECT DISTINCT ?thing WHERE {{ ?thing <{TYPE}> ?type }}")}
    together = {row["partner"] for row in api(kennisgraaf_server, "together", organisation="mboRijnland")}
    assert together & typed and together & typed <= drawn_nodes
    x, y = on_screen(page, ID + "organisatie/hogeschool-leiden", "kennisgraafNeighbourhood", "#neighbourhood")
    page.mouse.click(x, y)
    page.wait_for_url("**/doc/organisatie/hogeschool-leiden")


def test_the_timeline_page_is_the_timeline_query_year_by_year(page: Any, kennisgraaf_server: Any) -> None:
    page.goto(kennisgraaf_server.url)
    page.click("header nav a:has-text('Timeline')")
    page.wait_for_url("**/timeline")
    rows = api(kennisgraaf_server, "timeline", since=2017, until=2017)
    name = names(kennisgraaf_server)
    page.fill("input[name=since]", "2017")
    page.fill("input[name=until]", "2017")
    page.click("form.params button")
    page.wait_for_selector("section#y2017")
    assert page.url.endswith("timeline?since=2017&until=2017")
    assert page.locator("section.year h2").all_inner_texts() == ["2017"]
    shown = page.locator("section#y2017 table.timeline tr")
    assert shown.count() == len(rows)
    signed = [row for row in rows if row["what"].endswith("signingDate")]
    assert signed
    for row in signed:
        line = shown.filter(has_text=name[row["thing"]]).filter(has_text=row["date"])
        assert "signed" in line.first.inner_text()
    page.click("header nav a:has-text('Network')")
    page.wait_for_selector("#network[data-drawn]")


def test_the_network_json_says_what_is_wrong(kennisgraaf_server: Any) -> None:
    for query, words in (("year=1900", "1900"), ("organisation=Nergens", "Nergens"), ("colour=red", "colour")):
        answer = httpx.get(kennisgraaf_server.url + "network.json?" + query)
        assert answer.status_code == 400 and words in answer.text, query


@pytest.mark.parametrize("path", ["static/cytoscape/cytoscape.min.js", "static/network.js"])
def test_cytoscape_is_served_as_vendored(kennisgraaf_server: Any, path: str) -> None:
    import hashlib

    from kennisgraaf.web.pages import WEB

    answer = httpx.get(kennisgraaf_server.url + path)
    assert answer.status_code == 200 and answer.content == (WEB / path).read_bytes()
    if path.startswith("static/cytoscape/"):
        version = (WEB / "static" / "cytoscape" / "VERSION").read_text("utf-8").splitlines()
        sums = dict(reversed(line.split()) for line in version[1:])
        assert hashlib.sha256(answer.content).hexdigest() == sums["cytoscape.min.js"]
        assert "Permission is hereby granted" in (WEB / "static" / "cytoscape" / "LICENSE").read_text("utf-8")
