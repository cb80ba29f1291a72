"""The web form in a real browser — Debian's chromium driven by Playwright, against a real `kennisgraaf serve
--allow-entries true` of a scratch project — as a policy officer uses it: fill in a membership with an unknown
organisation, see the message at the field, fix it, save; then `kennisgraaf add` the saved file and find the new
membership with a canned query. Nothing is loaded from outside the server."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsers import open_page
from entry_forms import LABEL, QUOTE, entry_server

ORG = "http://www.w3.org/ns/org#"
FIELD = "shacl-property .property-instance[data-path='{}'] .editor"  # Playwright's CSS reaches into shadow roots
SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with entry_server(tmp_path_factory.mktemp("entries-browser")) as found:
        yield found


@pytest.fixture
def page(browser: Any, served: Any) -> Iterator[Any]:
    _, server = served
    with open_page(browser, server.url, 30_000, viewport={"width": 1200, "height": 900}) as found:
        yield found


def _shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_enter_a_membership_fix_the_organisation_save_and_add_it(page: Any, served: Any) -> None:
    project, server = served
    page.goto(server.url + "entries/new/membership")
    member = page.locator(FIELD.format(ORG + "member"))
    member.wait_for()
    assert page.locator("shacl-property .property-instance label.required").count() >= 5
    page.select_option(FIELD.format("http://www.w3.org/ns/prov#wasDerivedFrom"),
                       "https://w3id.org/kennisgraaf/id/document/jaarstukken-2023")
    page.fill(FIELD.format("https://w3id.org/kennisgraaf/def/quote"), QUOTE)
    page.fill(FIELD.format("http://www.w3.org/2000/01/rdf-schema#label"), LABEL)
    member.fill("organisatie:gemeente-leidn")  # the picker takes a typed name, and this one is misspelt
    page.fill(FIELD.format(ORG + "organization"), "samenwerking:netwerk-kennissteden-nederland")
    page.select_option(FIELD.format(ORG + "role"), "https://w3id.org/kennisgraaf/id/rol/lid")
    page.click("#entry-save")

    # the server's message, next to the field, with what was probably meant; nothing saved
    note = page.locator(f".kg-problem[data-field='{ORG}member']")
    note.wait_for()
    assert "organisatie:gemeente-leidn wordt gebruikt, maar bestaat niet in de graaf" in note.inner_text()
    assert "Bedoel je organisatie:gemeente-leiden?" in note.inner_text()
    assert page.locator(".kg-problem").count() == 1
    assert "De invoer is niet opgeslagen: 1 probleem." in page.inner_text("#entry-status")
    assert not list(project.path("entries_dir").glob("*.trig"))
    _shoot(page, "entry-form-problem.png")

    # fix it by choosing from the picker's list of known organisations, and save
    assert "gemeente Leiden" in [label for label in page.locator(
        "shacl-property .property-instance[data-path='http://www.w3.org/ns/org#member'] datalist option"
    ).evaluate_all("options => options.map(o => o.label)")]
    member.fill("organisatie:gemeente-leiden")
    page.click("#entry-save")
    page.locator(".entry-status.saved").wait_for()
    assert page.locator(".kg-problem").count() == 0
    status = page.inner_text("#entry-status")
    saved = next(project.path("entries_dir").glob("*.trig"))
    shown = f"data/inbox/{saved.name}"
    assert f"Opgeslagen als {shown}." in status and f"kennisgraaf add {shown}" in status
    assert page.is_disabled("#entry-save")  # saving again would make a second entry
    _shoot(page, "entry-form-saved.png")

    # `kennisgraaf add` takes the saved file into data/, and the canned query finds the new membership. Both run
    # as commands: query workers forked from this process would keep Playwright's pipes open.
    def members() -> set[tuple[str, str]]:
        answer = _kennisgraaf(project, "query", "members", "--group", "samenwerking:netwerk-kennissteden-nederland",
                              "--format", "json")
        rows = json.loads(answer)["results"]["bindings"]
        return {(row["member"]["value"].rsplit("/", 1)[-1], row["role"]["value"].rsplit("/", 1)[-1]) for row in rows}

    assert members() == {("gemeente-leiden", "voorzitter")}
    _kennisgraaf(project, "add", str(saved))
    assert (project.path("data_dir") / saved.name).read_bytes() == saved.read_bytes()
    assert members() == {("gemeente-leiden", "voorzitter"), ("gemeente-leiden", "lid")}


def _kennisgraaf(project: Any, *arguments: str) -> str:
    done = subprocess.run([str(Path(sys.executable).with_name("kennisgraaf")), *arguments, "--project",
                           str(project.project_dir)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_form_in_english(page: Any, served: Any) -> None:
    _, server = served
    page.goto(server.url + "entries/new/membership?lang=en")
    page.locator(FIELD.format(ORG + "member")).wait_for()
    assert page.inner_text("h1") == "New entry: Membership"
    labels = page.locator("shacl-property .property-instance > label").all_inner_texts()
    assert "Member" in labels and "Quote" in labels
    assert page.get_attribute(FIELD.format(ORG + "member"), "placeholder").startswith("choose or type, e.g. organisatie:")
    _shoot(page, "entry-form-en.png")
