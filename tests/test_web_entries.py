"""The web form's addresses on a real `kennisgraaf serve`: off unless allow_entries; a post only from the form's
own page with its token (403), of a bounded size (413) and as Turtle (415); a broken entry is 422 with its
problems in words and the fields they are about, a good one 201 and a new file in the inbox, never over one."""

from __future__ import annotations

import httpx
import pytest
from entry_forms import ID, entry_server, form_page, inbox_files, membership

ORG = "http://www.w3.org/ns/org#"
KG = "https://w3id.org/kennisgraaf/def/"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with entry_server(tmp_path_factory.mktemp("entries"), "--max-body-size", "20000") as found:
        yield found


@pytest.fixture
def client(served):  # type: ignore[no-untyped-def]
    with httpx.Client(timeout=60) as client:
        yield client


def _post(client: httpx.Client, served, body: str, **headers: str) -> httpx.Response:  # type: ignore[no-untyped-def]
    _, server = served
    config = form_page(client, server.url + "entries/new/membership")
    sent = {"Content-Type": "text/turtle", "Origin": server.url.rstrip("/"), config["tokenHeader"]: config["token"],
            **headers}
    return client.post(config["submit"], content=body.encode(), headers={k: v for k, v in sent.items() if v})


def test_without_allow_entries_every_entries_address_is_404_saying_how(kennisgraaf_server) -> None:  # type: ignore[no-untyped-def]
    for method, path in (("GET", "entries/new/membership"), ("POST", "entries/new/membership"),
                         ("GET", "entries/new"), ("GET", "entries/whatever"), ("GET", "entries")):
        response = httpx.request(method, kennisgraaf_server.url + path, content=b"x")
        assert response.status_code == 404
        assert "--allow-entries true" in response.text and "allow_entries = true" in response.text


def test_the_form_page_holds_the_shapes_and_sets_its_cookie(served, client) -> None:  # type: ignore[no-untyped-def]
    _, server = served
    config = form_page(client, server.url + "entries/new/membership?lang=en")
    assert "sh:in" in config["shapes"] and config["language"] == "en"
    assert ["organisatie:gemeente-leiden", "gemeente Leiden"] in config["pickers"][ORG + "member"]["options"]
    cookie = next(c for c in client.cookies.jar if c.name == "kennisgraaf_entry")
    assert cookie.path == "/entries/" and cookie.has_nonstandard_attr("HttpOnly")
    assert httpx.get(server.url + "entries/new/membershipp").status_code == 404
    kinds = httpx.get(server.url + "entries/new")
    assert kinds.status_code == 200 and "/entries/new/membership" in kinds.text


@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"},
    {"Origin": "null"},
    {"Origin": "", "Referer": ""},
    {"Origin": "", "Referer": "http://evil.example/entries/new/membership"},
    {"X-Entry-Token": ""},
    {"X-Entry-Token": "1700000000.0123456789abcdef"},
])
def test_posts_from_elsewhere_or_without_the_token_are_403(served, client, headers) -> None:  # type: ignore[no-untyped-def]
    project, _ = served
    response = _post(client, served, membership(), **headers)
    assert response.status_code == 403, response.text
    assert inbox_files(project) == []


def test_the_token_is_bound_to_the_cookie_and_the_address_to_this_machine(served, client) -> None:  # type: ignore[no-untyped-def]
    project, server = served
    config = form_page(client, server.url + "entries/new/membership")
    headers = {"Content-Type": "text/turtle", "Origin": server.url.rstrip("/"), config["tokenHeader"]: config["token"]}
    # another browser (no cookie of this form page) cannot use the token
    assert httpx.post(config["submit"], content=membership().encode(), headers=headers).status_code == 403
    # a name made to point at this machine (DNS rebinding) is refused, even when Origin matches it
    port = server.url.rsplit(":", 1)[1].strip("/")
    rebound = client.post(config["submit"], content=membership().encode(),
                          headers={**headers, "Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"})
    assert rebound.status_code == 403 and "127.0.0.1" in rebound.text
    assert inbox_files(project) == []


def test_other_content_types_are_415_and_large_bodies_413(served, client) -> None:  # type: ignore[no-untyped-def]
    project, _ = served
    assert _post(client, served, membership(), **{"Content-Type": "application/x-www-form-urlencoded"}
                 ).status_code == 415
    large = _post(client, served, membership() + "#" * 30000)
    assert large.status_code == 413 and "max_body_size" in large.text
    assert inbox_files(project) == []


def test_a_broken_entry_is_422_with_its_problems_at_their_fields(served, client) -> None:  # type: ignore[no-untyped-def]
    project, _ = served
    response = _post(client, served, membership("organisatie:gemeente-leidn"))
    assert response.status_code == 422
    problem, = response.json()["problems"]
    assert "Bedoel je organisatie:gemeente-leiden?" in problem["message"]
    assert problem["field"] == ORG + "member" and problem["value"] == ID + "organisatie/gemeente-leidn"
    assert problem["suggestions"] == ["organisatie:gemeente-leiden"]
    # a rule about a property of the claim is shown at its field too: the quote is not in the document
    misquoted = _post(client, served, membership().replace("het Bestuurlijk Overleg", "het bestuurlijk overleg"))
    assert misquoted.status_code == 422
    assert {p["field"] for p in misquoted.json()["problems"] if p["severity"] == "Violation"} == {KG + "quote"}
    unknown = _post(client, served, membership().replace("org:role rol:lid", f"<{KG}rolle> rol:lid"))
    assert unknown.status_code == 422 and "kg:rolle" in unknown.json()["message"]
    assert inbox_files(project) == []


def test_the_page_language_gives_the_messages(served, client) -> None:  # type: ignore[no-untyped-def]
    _, server = served
    config = form_page(client, server.url + "entries/new/membership?lang=en")
    # without an Origin, the Referer of the form's page is enough
    response = client.post(config["submit"], content=membership("organisatie:gemeente-leidn").encode(),
                           headers={"Content-Type": "text/turtle", "Referer": server.url + "entries/new/membership",
                                    config["tokenHeader"]: config["token"]})
    assert response.status_code == 422
    assert "Did you mean organisatie:gemeente-leiden?" in response.json()["problems"][0]["message"]


def test_a_good_entry_is_201_and_a_new_file_in_the_inbox_each_time(served, client) -> None:  # type: ignore[no-untyped-def]
    project, _ = served
    first = _post(client, served, membership())
    assert first.status_code == 201, first.text
    answer = first.json()
    saved = project.project_dir / answer["saved"]
    assert saved.parent == project.path("entries_dir") and saved.name.startswith(
        "membership-gemeente-leiden-is-lid-van-het-netwerk-kennissteden-")
    assert answer["command"] == f"kennisgraaf add {answer['saved']}"
    assert answer["entity"] == ID + "lidmaatschap/gemeente-leiden-is-lid-van-het-netwerk-kennissteden"
    content = saved.read_bytes()
    second = _post(client, served, membership())
    assert second.status_code == 201
    assert second.json()["saved"] != answer["saved"] and saved.read_bytes() == content
    assert second.json()["entity"] == answer["entity"] + "-2"  # the first is waiting in the inbox
    names = [saved.name, (project.project_dir / second.json()["saved"]).name]
    assert [p.name for p in inbox_files(project)] == sorted(names)
    for path in inbox_files(project):
        path.unlink()
