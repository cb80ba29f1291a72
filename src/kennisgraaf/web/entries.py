"""`/entries/new/{type}`: a web form for new entries, for people who do not write Turtle — only when the server
runs with the setting `allow_entries`; otherwise every /entries/ address answers 404 saying how to switch it on.

The form is the `<shacl-form>` web component (static/shacl-form/, vendored by scripts/vendor-shacl-form.sh),
generated from the kind's shape that entry.forms makes from the project's shapes and the served graph (read once,
on the first request, and kept). It fetches nothing: the shapes are given inline, owl:imports are off and no
class instances are looked up. static/entries.js adds pickers that also take a typed name, and posts what the
form holds as Turtle to the same address. The server then checks the request (below), turns the Turtle into an
entry (entry.forms: a claim with its source and quote, and the new thing), validates it in the context of the
graph with the project's own validation and saves it in the inbox (entry.inbox): 201 with where it was saved
and the `kennisgraaf add` command to run, or 422 with the problems in words, each with the field it is about.

A POST is accepted only
- from a page of this server: its Origin (or, without one, its Referer) must be the address it was sent to, and
  that address must be this machine (127.0.0.1, localhost, ::1) or the `host` the server listens on, so a
  site elsewhere cannot post (not even through a name it makes point at this machine);
- with the token of a form page this browser got: an HMAC, under a secret of this server process, of the
  kind of entry, the time and a random value kept in an HttpOnly, SameSite=Strict cookie (so a page elsewhere
  cannot get a usable token by fetching the form page: the cookie never reaches it);
- as `text/turtle`, of at most `max_body_size` bytes; parsed by Oxigraph only, which fetches nothing.
Entries are validated one at a time.

May import: the foundation, `kennisgraaf.validation` (its problems), `kennisgraaf.entry`, web.errors and
web.state.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import logging
import secrets
import threading
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio.to_thread
import jinja2
import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import InputError, KennisgraafError
from ..namespaces import KG
from ..validation.validator import Problem
from .errors import error_response
from .pages import urls_for
from .state import ServerState, state_of

__all__ = ["routes"]

log = logging.getLogger("kennisgraaf.serve")
WEB = Path(__file__).resolve().parent
COOKIE = "kennisgraaf_entry"
TOKEN_HEADER = "X-Entry-Token"
TOKEN_HOURS = 12
_templates = jinja2.Environment(loader=jinja2.FileSystemLoader(str(WEB / "templates")), autoescape=True,
                                trim_blocks=True, lstrip_blocks=True)
_validating = threading.Lock()  # one validation at a time: each loads the project and runs the shapes

DISABLED = ("Entering data on the web is switched off on this server. Start it with `kennisgraaf serve "
            "--allow-entries true` (or set allow_entries = true in the project's settings) to get the form at "
            "/entries/new/{type}.")

WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "kinds_title": "Nieuwe invoer",
        "kinds_intro": "Kies wat je wilt invoeren. Elk feit komt in een bewering met de bron en het letterlijke "
                       "citaat waarop het berust.",
        "title": "Nieuwe invoer: {kind}",
        "intro": "Vul de velden in zoals de bron het zegt; velden met een ster zijn verplicht. Bij opslaan "
                 "controleert de server de invoer met de regels van de graaf; wat niet klopt staat dan bij het "
                 "veld. Een goede invoer komt in de inbox ({inbox}); `kennisgraaf add` zet haar in de graaf.",
        "quote_hint": "Het citaat is letterlijk uit het brondocument gekopieerd (data/sources/).",
        "pick": "kies of typ, bijv. {example}",
        "save": "Controleren en opslaan",
        "checking": "Bezig met controleren…",
        "problems": "De invoer is niet opgeslagen: {n} probleem.",
        "problems_many": "De invoer is niet opgeslagen: {n} problemen.",
        "saved": "Opgeslagen als {path}.",
        "then": "Zet de invoer in de graaf met (in de projectmap):",
        "warnings": "Waarschuwingen (blokkeren niet):",
        "failed": "Niet opgeslagen:",
        "noscript": "Dit formulier heeft JavaScript nodig. Zonder JavaScript: `kennisgraaf new TYPE` maakt een "
                    "invoer om in te vullen.",
        "loading": "Formulier laden…",
        "other_kinds": "Andere soorten invoer",
    },
    "en": {
        "kinds_title": "New entry",
        "kinds_intro": "Choose what to enter. Every fact goes into a claim with the source and the verbatim quote "
                       "it rests on.",
        "title": "New entry: {kind}",
        "intro": "Fill in the fields as the source says; fields with a star are required. On saving, the server "
                 "checks the entry against the rules of the graph; what is wrong is then shown at its field. A "
                 "good entry goes into the inbox ({inbox}); `kennisgraaf add` puts it into the graph.",
        "quote_hint": "The quote is copied word for word from the source document (data/sources/).",
        "pick": "choose or type, e.g. {example}",
        "save": "Check and save",
        "checking": "Checking…",
        "problems": "The entry was not saved: {n} problem.",
        "problems_many": "The entry was not saved: {n} problems.",
        "saved": "Saved as {path}.",
        "then": "Put it into the graph with (in the project folder):",
        "warnings": "Warnings (they do not block):",
        "failed": "Not saved:",
        "noscript": "This form needs JavaScript. Without it, `kennisgraaf new TYPE` makes an entry to fill in.",
        "loading": "Loading the form…",
        "other_kinds": "Other kinds of entry",
    },
}


# ------------------------------------------------------------------------------------------------ what is kept


def _model(state: ServerState) -> Any:
    """The entry model of the project, with the known values from the served graph: made once."""
    from ..entry.model import entry_model

    return state.cached(("entries", "model"), lambda: entry_model(state.settings, state.store))


def _form(state: ServerState, key: str, lang: str) -> Any:
    from ..entry.forms import entry_form

    model = _model(state)
    return state.cached(("entries", "form", key, lang), lambda: entry_form(model, model.types[key], lang))


@functools.cache
def _secret() -> bytes:
    """The key of this server process's tokens (a restart makes old form pages ask to be reloaded)."""
    return secrets.token_bytes(32)


def _token(kind: str, nonce: str, issued: int) -> str:
    mac = hmac.new(_secret(), f"{kind}|{issued}|{nonce}".encode(), hashlib.sha256).hexdigest()
    return f"{issued}.{mac}"


def _token_is_good(token: str, kind: str, nonce: str | None) -> bool:
    issued, _, _ = token.partition(".")
    if not nonce or not issued.isdigit() or time.time() - int(issued) > TOKEN_HOURS * 3600:
        return False
    return hmac.compare_digest(token, _token(kind, nonce, int(issued)))


def _language(request: Request, state: ServerState) -> str:
    wanted = request.query_params.get("lang")
    return wanted if wanted in WORDS else state.settings.language


# ------------------------------------------------------------------------------------------------ the checks


def _host_is_this_machine(host: str, state: ServerState) -> bool:
    """Whether the address a request was sent to names this machine, or the host the server listens on; a
    name elsewhere that was made to point at this machine (DNS rebinding) does not."""
    name = urllib.parse.urlsplit("//" + host).hostname or ""
    if name == "localhost" or name == str(state.settings.get("host")):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _refused(request: Request, state: ServerState) -> Response | None:
    """403 unless the request comes from a page of this server, sent to this machine."""
    host = request.headers.get("host", "")
    if not _host_is_this_machine(host, state):
        return error_response(403, f"Entries are accepted only at this machine's own address (127.0.0.1 or "
                                   f"localhost), not at {host or 'an address without a name'}.")
    own = f"{request.url.scheme}://{host}"
    origin = request.headers.get("origin")
    referer = request.headers.get("referer")
    if origin is not None:
        if origin != own:
            return error_response(403, f"This form accepts entries only from its own page ({own}), not from "
                                       f"{origin}.")
    elif referer is None or not (referer == own or referer.startswith(own + "/")):
        return error_response(403, f"This form accepts entries only from its own page ({own}); the request does "
                                   f"not say where it comes from (no Origin or Referer).")
    return None


async def _bounded_body(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is larger than `limit` bytes (read no further than that)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


# ------------------------------------------------------------------------------------------------ pages


def _page(request: Request, template: str, status: int = 200, headers: dict[str, str] | None = None,
          **context: Any) -> HTMLResponse:
    state = state_of(request)
    urls = urls_for(request)  # base.html makes its links with the pages' Urls, as for every page
    html = _templates.get_template(template).render(urls=urls, root=urls.root, base_iri=state.base_iri, kg=KG,
                                                    **context)
    return HTMLResponse(html, status_code=status, headers=headers)


def _disabled() -> Response:
    return error_response(404, DISABLED)


def _no_kind(state: ServerState, key: str) -> Response:
    model = _model(state)
    return error_response(404, f"There is no kind of entry {key!r}; there are: {', '.join(model.types)} (see "
                               f"/entries/new).")


async def kinds_page(request: Request) -> Response:
    state = state_of(request)
    if not state.settings.get("allow_entries"):
        return _disabled()
    lang = _language(request, state)
    model = await anyio.to_thread.run_sync(lambda: _model(state))
    kinds = [{"key": t.key, "label": t.label(lang), "class": model.short(t.class_iri)} for t in model.types.values()]
    return _page(request, "entry_kinds.html", words=WORDS[lang], kinds=kinds, lang=lang,
                 title=WORDS[lang]["kinds_title"])


async def entry_page(request: Request) -> Response:
    state = state_of(request)
    if not state.settings.get("allow_entries"):
        return _disabled()
    key = request.path_params["kind"]
    lang = _language(request, state)
    model = await anyio.to_thread.run_sync(lambda: _model(state))
    if key not in model.types:
        return _no_kind(state, key)
    if request.method == "POST":
        return await _submit(request, state, key, lang)
    form = await anyio.to_thread.run_sync(lambda: _form(state, key, lang))
    nonce = request.cookies.get(COOKIE)
    if not nonce or len(nonce) > 64:
        nonce = secrets.token_urlsafe(24)
    words = WORDS[lang]
    pickers = {path: {"options": f.picker, "namespace": f.namespace,
                      "hint": words["pick"].format(example=_example(form, f))}
               for path, f in form.fields.items() if f.picker}
    config = {"shapes": form.shapes, "shape": form.shape_iri, "language": lang,
              "submit": f"{request.base_url}entries/new/{key}?lang={lang}",
              "token": _token(key, nonce, int(time.time())), "tokenHeader": TOKEN_HEADER,
              "prefixes": form.prefixes, "pickers": pickers, "quote": KG + "quote",
              "words": {k: words[k] for k in ("checking", "saved", "then", "warnings", "failed", "loading")}}
    inbox = _shown_path(state, state.settings.path("entries_dir"))
    response = _page(request, "entry_form.html", words=words, config=config, lang=lang, key=key,
                     title=words["title"].format(kind=form.label), intro=words["intro"].format(inbox=inbox),
                     labels={k: t.label(lang) for k, t in model.types.items()}, headers={"Cache-Control": "no-store"})
    response.set_cookie(COOKIE, nonce, httponly=True, samesite="strict", path="/entries/")
    return response


def _example(form: Any, field: Any) -> str:
    """A known value of a picker to show as an example: one in the field's own namespace when there is one."""
    own = [short for short, _ in field.picker
           if (_expanded(short, form.prefixes) or "").startswith(field.namespace or "-")]
    return str((own or [field.picker[0][0]])[0])


def _shown_path(state: ServerState, path: Path) -> str:
    """A path as the user of the project types it: relative to the project folder when inside it."""
    try:
        return str(path.resolve().relative_to(state.settings.project_dir.resolve()))
    except ValueError:
        return str(path)


# ------------------------------------------------------------------------------------------------ submitting


async def _submit(request: Request, state: ServerState, key: str, lang: str) -> Response:
    refusal = _refused(request, state)
    if refusal is not None:
        return refusal
    if not _token_is_good(request.headers.get(TOKEN_HEADER, ""), key, request.cookies.get(COOKIE)):
        return error_response(403, "This form has expired or was not got from this server: reload the page and "
                                   "save again (what you typed is then lost; copy it first).")
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "text/turtle":
        return error_response(415, f"Entries are sent as text/turtle (what the form sends), not as "
                                   f"{media_type or 'a body without a type'}.")
    limit = state.max_body
    body = await _bounded_body(request, limit)
    if body is None:
        return error_response(413, f"The entry is larger than {limit:,} bytes, the most this server accepts (the "
                                   f"setting max_body_size).")
    now = datetime.now(UTC)
    try:
        return await anyio.to_thread.run_sync(lambda: _check_and_save(state, key, body, now, lang))
    except InputError as error:  # what was sent cannot be an entry of this form
        return JSONResponse({"message": error.message(lang), "problems": []}, status_code=422)
    except KennisgraafError as error:  # the inbox cannot be written: the server's settings, not the entry
        log.error("Could not save an entry: %s", error.en)
        return JSONResponse({"message": error.message(lang), "problems": []}, status_code=500)


def _check_and_save(state: ServerState, key: str, body: bytes, now: datetime, lang: str) -> Response:
    from ..entry.forms import entry_from_form
    from ..entry.inbox import pending_iris, save_entry

    model = _model(state)
    form = _form(state, key, lang)
    with _validating:
        pending = pending_iris(state.settings)

        def taken(iri: str) -> bool:
            node = ox.NamedNode(iri)
            return iri in pending or next(state.store.quads_for_pattern(node, None, None), None) is not None \
                or next(state.store.quads_for_pattern(None, None, None, node), None) is not None

        entry = entry_from_form(model, form, body, taken, now, lang)
        saved = save_entry(state.settings, entry.text, f"{key}-{entry.slug}", now, lang)
    problems = [_problem(p, form, entry) for p in saved.report.problems]
    if saved.path is None:
        words = WORDS[lang]
        violations = [p for p in problems if p["severity"] == "Violation"]
        message = words["problems" if len(violations) == 1 else "problems_many"].format(n=len(violations))
        return JSONResponse({"message": message, "problems": problems},
                            status_code=422)
    path = _shown_path(state, saved.path)
    log.info("Saved a new entry (%s) as %s", key, saved.path)
    return JSONResponse({"saved": path, "command": f"kennisgraaf add {path}", "entity": entry.entity,
                         "claim": entry.claim, "problems": problems,
                         "message": WORDS[lang]["saved"].format(path=path)}, status_code=201)


def _problem(problem: Problem, form: Any, entry: Any) -> dict[str, Any]:
    """A problem for the page: its words, and the field it is about — the property it names, or else the field
    that holds the value it is about (an unknown organisation is the focus of its problem)."""
    field = form.field_of(problem.path)
    value = None
    if field is None:
        for candidate in (problem.focus, problem.value):
            iri = _expanded(candidate, form.prefixes)
            holding = [path for path, iris in entry.values.items() if iri in iris]
            if holding:
                field, value = form.fields[holding[0]], iri
                break
    return {"severity": problem.severity, "message": problem.message, "field": field.path if field else None,
            "value": value, "suggestions": problem.suggestions}


def _expanded(name: str | None, table: dict[str, str]) -> str | None:
    if not name:
        return None
    prefix, colon, local = name.partition(":")
    if colon and prefix in table and not local.startswith("//"):
        return table[prefix] + local
    return name


def routes() -> list[BaseRoute]:
    return [
        Route("/entries/new", kinds_page, methods=["GET"]),
        Route("/entries/new/{kind}", entry_page, methods=["GET", "POST"]),
        Route("/entries", _elsewhere, methods=["GET", "POST"]),
        Route("/entries/{rest:path}", _elsewhere, methods=["GET", "POST"]),
    ]


async def _elsewhere(request: Request) -> Response:
    state = state_of(request)
    if not state.settings.get("allow_entries"):
        return _disabled()
    return error_response(404, "The web form for new entries is at /entries/new/{type}; /entries/new lists the "
                               "kinds of entry.")
