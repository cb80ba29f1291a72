"""The pages in a real browser: headless Chromium (Debian's `chromium`, installed by `scripts/setup.sh --test`)
driven by Playwright, against a real `kennisgraaf serve`. Nothing is loaded from outside the server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browsers import open_page

# The query page is YASGUI (static/yasgui/): the editor is CodeMirror, the results YASR's table, one of each per
# tab (the others are hidden).
ACTIVE = ".yasgui .tabPanel.active "
PARTIES_2017 = ("SELECT DISTINCT ?party ?name WHERE { overeenkomst:samenwerkingsovereenkomst-2017 kg:party ?party . "
                "?party rdfs:label ?name } ORDER BY ?name")


def _open_query_page(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".yasgui .tabsList .tab.active")
    page.wait_for_selector(ACTIVE + ".yasqe .CodeMirror")


def _replace_editor_text(page: Any, text: str) -> None:
    page.click(ACTIVE + ".yasqe .CodeMirror")
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def _editor_text(page: Any) -> str:
    return page.evaluate("kennisgraafYasgui.getTab().getYasqe().getValue()")  # type: ignore[no-any-return]


def _result_rows(page: Any) -> list[list[str]]:
    page.wait_for_selector(ACTIVE + ".yasr .dataTable tbody tr")
    rows = page.locator(ACTIVE + ".yasr .dataTable tbody tr")
    return [[cell.strip() for cell in rows.nth(i).locator("td").all_inner_texts()[1:]] for i in range(rows.count())]


def test_type_a_query_with_the_declared_prefixes_run_it_and_see_the_rows(page: Any, kennisgraaf_server: Any) -> None:
    from kennisgraaf.namespaces import prefixes

    _open_query_page(page, kennisgraaf_server.url + "query")
    assert page.locator(".yasgui .tabsList .tab.active").inner_text().split("\n")[0] == "Query"
    declared = _editor_text(page)
    for name, namespace in prefixes("https://w3id.org/kennisgraaf/").items():
        assert f"PREFIX {name}: <{namespace}>\n" in declared
    # Type the query in place of the new tab's example, under the declared prefixes: the last four lines.
    page.click(ACTIVE + ".yasqe .CodeMirror")
    page.keyboard.press("Control+End")
    for _ in range(3):
        page.keyboard.press("Shift+ArrowUp")
    page.keyboard.press("Shift+Home")
    page.keyboard.type(PARTIES_2017)
    assert _editor_text(page).endswith("\n\n" + PARTIES_2017) and "PREFIX overeenkomst:" in _editor_text(page)
    page.click(ACTIVE + ".yasqe_queryButton")
    rows = _result_rows(page)
    assert sorted(name for _, name in rows) == sorted(
        ['"gemeente Leiden"@nl', '"Hogeschool Leiden"@nl', '"LUMC"@nl', '"Universiteit Leiden"@nl'])
    assert [party for party, _ in rows] == ["organisatie:hogeschool-leiden", "organisatie:lumc",
                                            "organisatie:universiteit-leiden", "organisatie:gemeente-leiden"]
    link = page.locator(ACTIVE + ".yasr .dataTable tbody a", has_text="organisatie:lumc")
    assert link.get_attribute("href") == kennisgraaf_server.url + "doc/organisatie/lumc"
    assert link.get_attribute("title") == "https://w3id.org/kennisgraaf/id/organisatie/lumc"
    assert "4 results" in page.inner_text(ACTIVE + ".yasr")
    with page.context.expect_page() as opened:  # YASR opens links in a new tab
        link.click()
    entity = opened.value
    entity.wait_for_load_state()
    assert entity.url == kennisgraaf_server.url + "doc/organisatie/lumc" and entity.inner_text("h1") == "LUMC"


def test_every_example_and_canned_query_has_a_tab_that_runs(page: Any, kennisgraaf_server: Any,
                                                             built_settings: Any) -> None:
    from kennisgraaf.queries.catalogue import catalogue

    _open_query_page(page, kennisgraaf_server.url + "query")
    names = [text.split("\n")[0] for text in page.locator(".yasgui .tabsList .tab").all_inner_texts()]
    canned = catalogue(built_settings.path("queries_dir"))
    assert names == ["Query", "Organisations and their names", "Where a fact comes from: claims, documents and quotes",
                     "Things per class", *canned]
    assert page.get_attribute(".yasgui .tabsList .tab a:has-text('parties')", "title") == canned["parties"].summary
    page.click(".yasgui .tabsList .tab a:has-text('Things per class')")
    assert "GROUP BY ?class" in _editor_text(page)
    page.click(ACTIVE + ".yasqe_queryButton")
    assert ["org:Organization"] in [row[:1] for row in _result_rows(page)]
    page.click(".yasgui .tabsList .tab a:has-text('parties')")
    assert _editor_text(page) == canned["parties"].text
    page.click(ACTIVE + ".yasqe_queryButton")
    rows = _result_rows(page)
    assert ["overeenkomst:samenwerkingsovereenkomst-2017", '"2017-07-07"^^xsd:date', "organisatie:lumc"] in rows
    # kg: terms link to their page here too
    page.click(".yasgui .tabsList .tab a:has-text('shape')")
    page.click(ACTIVE + ".yasqe_queryButton")
    page.wait_for_selector(ACTIVE + ".yasr .dataTable tbody tr")
    term = page.locator(ACTIVE + ".yasr .dataTable tbody a", has_text="kg:Agreement").first
    assert term.get_attribute("href") == kennisgraaf_server.url + "doc/def/Agreement"


def test_a_wrong_query_shows_the_parsers_message(page: Any, kennisgraaf_server: Any) -> None:
    _open_query_page(page, kennisgraaf_server.url + "query")
    _replace_editor_text(page, "SELECT ?x WHERE { ?x }")
    page.click(ACTIVE + ".yasqe_queryButton")
    page.wait_for_selector(ACTIVE + ".yasr .errorResult")
    assert "not valid SPARQL" in page.inner_text(ACTIVE + ".yasr .errorResult")


def test_completion_offers_the_projects_prefixes_and_the_graphs_classes(page: Any, kennisgraaf_server: Any) -> None:
    """YASQE would offer prefix.cc's prefixes and ask lov.linkeddata.es for classes; here they come from the
    project and from the graph (and the fixture fails the test if anything is asked elsewhere)."""
    _open_query_page(page, kennisgraaf_server.url + "query")
    _replace_editor_text(page, "PREFIX s")
    page.wait_for_selector(".CodeMirror-hints li")
    assert page.locator(".CodeMirror-hints li").all_inner_texts() == [
        "samenwerking: <https://w3id.org/kennisgraaf/id/samenwerking/>", "schema: <https://schema.org/>",
        "sh: <http://www.w3.org/ns/shacl#>", "skos: <http://www.w3.org/2004/02/skos/core#>",
        "status: <https://w3id.org/kennisgraaf/id/status/>",
        "statusperiode: <https://w3id.org/kennisgraaf/id/statusperiode/>"]
    page.keyboard.press("Escape")
    _replace_editor_text(page, "PREFIX kg: <https://w3id.org/kennisgraaf/def/>\nSELECT * WHERE { ?x a kg:Agr")
    page.keyboard.press("Control+Space")
    page.wait_for_selector(".CodeMirror-hints li")
    assert page.locator(".CodeMirror-hints li").all_inner_texts() == ["kg:Agreement"]
    page.keyboard.press("Enter")
    assert _editor_text(page).endswith("?x a kg:Agreement")


@pytest.mark.parametrize("separator", ["?", "#"])
def test_a_link_with_a_query_runs_it_on_this_server(page: Any, kennisgraaf_server: Any, separator: str) -> None:
    import urllib.parse

    query = ('PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n'
             'SELECT DISTINCT ?thing WHERE { ?thing rdfs:label "LUMC"@nl }')
    # Even when the link names another endpoint: the page only ever asks this server.
    _open_query_page(page, kennisgraaf_server.url + "query" + separator + urllib.parse.urlencode(
        {"query": query, "endpoint": "https://example.org/sparql"}))
    assert _result_rows(page) == [["organisatie:lumc"]]
    assert page.evaluate("kennisgraafYasgui.getTab().getEndpoint()") == kennisgraaf_server.sparql


def test_a_browser_opening_the_endpoint_gets_the_query_page(page: Any, kennisgraaf_server: Any) -> None:
    _open_query_page(page, kennisgraaf_server.sparql)
    assert page.evaluate("kennisgraafYasgui.getTab().getEndpoint()") == kennisgraaf_server.sparql
    page.click(ACTIVE + ".yasqe_queryButton")  # the new tab's example: organisations and their names
    assert ["organisatie:lumc", '"LUMC"@nl'] in _result_rows(page)


def test_without_javascript_the_query_page_is_a_form_posting_to_the_endpoint(browser: Any,
                                                                             kennisgraaf_server: Any) -> None:
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(kennisgraaf_server.url + "query")
        assert "PREFIX organisatie: <https://w3id.org/kennisgraaf/id/organisatie/>" in page.input_value("#query")
        page.fill("#query", 'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n'
                            'SELECT DISTINCT ?thing WHERE { ?thing rdfs:label "LUMC"@nl }')
        page.select_option("#format", "csv")
        with page.expect_download() as download:  # a browser saves text/csv
            page.click("#run")
        with open(download.value.path(), encoding="utf-8") as answer:
            assert answer.read().splitlines() == ["thing", "https://w3id.org/kennisgraaf/id/organisatie/lumc"]
    finally:
        context.close()


def test_open_an_entity_page_and_see_a_quote(page: Any, kennisgraaf_server: Any) -> None:
    page.goto(kennisgraaf_server.url + "id/samenwerking/netwerk-kennissteden-nederland")
    assert page.url == kennisgraaf_server.url + "doc/samenwerking/netwerk-kennissteden-nederland"
    assert page.inner_text("h1") == "Netwerk Kennissteden Nederland"
    quotes = page.locator("blockquote.quote").all_inner_texts()
    assert any("Netwerk Kennissteden Nederland" in quote for quote in quotes)
    page.locator("a[href$='/doc/lidmaatschap/gemeente-leiden-nkn-voorzitter']").first.click()
    page.wait_for_url("**/doc/lidmaatschap/gemeente-leiden-nkn-voorzitter")
    assert "voorzitter" in page.inner_text("h1")


def test_canned_query_form_in_the_browser(page: Any, kennisgraaf_server: Any) -> None:
    page.goto(kennisgraaf_server.url + "queries/partners")
    page.fill("input[name=year]", "2023")
    page.click("form.params button")
    page.wait_for_selector("table.results tbody tr")
    assert "Hogeschool Leiden" in page.inner_text("table.results")
    assert page.locator("p.downloads a", has_text="CSV").get_attribute("href").endswith("format=csv")


def test_a_misspelt_class_is_answered_with_a_warning_above_the_editor(page: Any, kennisgraaf_server: Any) -> None:
    _open_query_page(page, kennisgraaf_server.url + "query")
    assert page.locator("#query-warnings").is_hidden()
    _replace_editor_text(page, "PREFIX kg: <https://w3id.org/kennisgraaf/def/>\nSELECT ?x WHERE { ?x a kg:Agreemnt }")
    page.click(ACTIVE + ".yasqe_queryButton")
    page.wait_for_selector("#query-warnings:not([hidden])")
    assert page.inner_text("#query-warnings") == \
        "Warning: kg:Agreemnt is not used in this graph; did you mean kg:Agreement?"
    _replace_editor_text(page, "PREFIX kg: <https://w3id.org/kennisgraaf/def/>\nSELECT ?x WHERE { ?x a kg:Agreement }")
    page.click(ACTIVE + ".yasqe_queryButton")
    page.wait_for_selector("#query-warnings[hidden]", state="attached")
    assert len(_result_rows(page)) > 3


# ------------------------------------------------------------------------------------------------ the static site


@pytest.fixture
def site_page(browser: Any, static_site: Any) -> Iterator[Any]:
    """A page of the static site, opened from file://; it may load nothing but the site's own files."""
    with open_page(browser, static_site.resolve().as_uri() + "/", 15_000) as found:
        yield found


def test_the_static_site_from_file_to_a_canned_query_and_an_entity(site_page: Any, static_site: Any) -> None:
    kg = "https://w3id.org/kennisgraaf/def/"
    agreement = "https://w3id.org/kennisgraaf/id/overeenkomst/samenwerkingsovereenkomst-2017"
    site_page.goto((static_site / "index.html").resolve().as_uri())
    assert site_page.inner_text("h1") == "Kennisgraaf Leiden Kennisstad"
    assert site_page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor") == \
        "rgb(18, 54, 91)"  # the style sheet is found from file://
    # To a canned query: its precomputed results.
    site_page.click("#queries + table a:text-is('parties')")
    assert site_page.url.endswith("/queries/parties.html") and site_page.inner_text("h1") == "parties"
    rows = site_page.locator("table.results:not(.params) tbody tr")
    assert rows.count() > 20
    # To an entity: the agreement of 7 July 2017 and its parties.
    site_page.locator(f"table.results a[title='{agreement}']").first.click()
    assert site_page.url.endswith("/doc/overeenkomst/samenwerkingsovereenkomst-2017.html")
    assert site_page.inner_text("h1") == "samenwerkingsovereenkomst van 7 juli 2017"
    parties = site_page.locator(f"table.facts > tbody > tr:has(> td:first-child a[title='{kg}party']) "
                                f"> td:nth-child(2) > a").all_inner_texts()
    assert sorted(parties) == ["Hogeschool Leiden", "LUMC", "Universiteit Leiden", "gemeente Leiden"]
    # And on to a party, and to the ontology's page of kg:party.
    site_page.click("table.facts a:text-is('LUMC')")
    assert site_page.inner_text("h1") == "LUMC"
    site_page.go_back()
    site_page.locator(f"table.facts td:first-child a[title='{kg}party']").first.click()
    assert site_page.inner_text("h1") == "kg:party" and "Used" in site_page.inner_text("#use + p")
    site_page.click("header a.brand")
    assert site_page.url.endswith("/index.html")
