"""The pages in a real browser: headless Chromium (Debian's `chromium`, installed by `scripts/setup.sh --test`)
driven by Playwright, against a real `kennisgraaf serve`. Nothing is loaded from outside the server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]



@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if shutil.which("chromium") is None:  # a failure, not a skip: a missing install step must not pass silently
        pytest.fail("Debian's chromium is not installed: run `bash scripts/setup.sh --test` as root, or "
                    "`sudo apt-get install chromium`.")

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, kennisgraaf_server: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(kennisgraaf_server.url)
            else outside.append(request.url))
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert outside == [], f"the page loaded something from elsewhere: {outside}"


def test_type_a_query_run_it_and_see_the_rows(page: Any, kennisgraaf_server: Any) -> None:
    page.goto(kennisgraaf_server.url + "query")
    page.fill("#query", "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                        "SELECT ?thing ?name WHERE { ?thing rdfs:label ?name FILTER(STR(?name) = \"LUMC\") }")
    page.click("#run")
    page.wait_for_selector("#results tbody tr")
    headers = page.locator("#results th").all_inner_texts()
    assert headers == ["thing", "name"]
    assert "LUMC" in page.locator("#results tbody").inner_text()
    link = page.locator("#results tbody a", has_text="organisatie:lumc").first
    assert link.get_attribute("href") == kennisgraaf_server.url + "doc/organisatie/lumc"
    assert "result(s)" in page.inner_text("#status")


def test_a_wrong_query_shows_the_parsers_message(page: Any, kennisgraaf_server: Any) -> None:
    page.goto(kennisgraaf_server.url + "query")
    page.fill("#query", "SELECT ?x WHERE { ?x }")
    page.click("#run")
    page.wait_for_selector("#error:not([hidden])")
    assert "400" in page.inner_text("#error") and "not valid SPARQL" in page.inner_text("#error")


def test_an_example_fills_the_editor_and_runs(page: Any, kennisgraaf_server: Any) -> None:
    page.goto(kennisgraaf_server.url + "query")
    page.select_option("#example", label="Things per class")
    assert "GROUP BY ?class" in page.input_value("#query")
    page.click("#run")
    page.wait_for_selector("#results tbody tr")
    assert "org:Organization" in page.locator("#results tbody").inner_text()


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
