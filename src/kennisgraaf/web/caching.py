"""Caching on the web: an ETag and Cache-Control on every answer that can be cached, and 304 Not Modified to a
client that already has it (If-None-Match), without working the answer out again.

An answer is a function of the graph being served and the request, so its ETag is computed from the request
alone, before anything runs: a hash of the state's `version` (the build's content hash, the updates applied
since, the settings and templates answers depend on) and what of the request the answer depends on. For a
page (and the API, VoID, dumps): the path and query string, the Accept header (answers are negotiated, with
`Vary: Accept`), the address the page was asked at (its links point at the server itself) and the canned
queries as they are on disk (pages list them and read them on each request). For GET /sparql: the query
string and the negotiated media type (see web.sparql); a query with RAND(), NOW() and the like has none, and
`no-store`. POST answers are not cached; error answers are `no-store`.

    >>> etag(b"v1", b"/sparql", b"query=ASK%7B%7D", b"json") == etag(b"v1", b"/sparql", b"query=ASK%7B%7D", b"json")
    True
    >>> matches('W/"a", "b"', '"a"'), matches('"b"', '"a"')
    (True, False)

May import: the foundation and web.state.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .state import ServerState

__all__ = ["DUMP_CACHE", "NO_STORE", "PAGE_CACHE", "Caching", "NotModified", "etag", "matches"]

PAGE_CACHE = "public, max-age=60"  # pages, the API, VoID, GET /sparql: a new build shows within a minute
DUMP_CACHE = "public, max-age=3600"  # dumps are large and change only with a build
NO_STORE = "no-store"  # errors, /health, answers that differ each time
# /static has StaticFiles' own ETag and Last-Modified; /entries pages carry a token bound to a cookie of the
# visitor, which no cache may keep or share.
_NOT_CACHED = ("/health", "/static/", "/entries")


def etag(*parts: bytes) -> str:
    """A strong ETag for the answer that `parts` determine."""
    return '"' + hashlib.blake2b(b"\0".join(parts), digest_size=16).hexdigest() + '"'


def matches(if_none_match: str, tag: str) -> bool:
    """Whether an If-None-Match header names `tag` (weak comparison, as RFC 9110 has it for If-None-Match).
    `*` is not taken to match: whether the answer exists is not known before it is worked out."""
    if tag not in if_none_match:  # the usual case, a client sending back what it got, costs no parsing
        return False
    return any(part.strip().removeprefix("W/") == tag for part in if_none_match.split(","))


class NotModified:
    """304 Not Modified: the headers a 200 would have had that a cache needs (ETag, Cache-Control, Vary), and
    no body."""

    __slots__ = ("headers",)

    def __init__(self, tag: str, cache_control: str) -> None:
        self.headers = {"etag": tag, "cache-control": cache_control, "vary": "Accept"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in self.headers.items()]
        await send({"type": "http.response.start", "status": 304, "headers": raw})
        await send({"type": "http.response.body", "body": b""})


def _queries_on_disk(folder: Path) -> bytes:
    """The canned queries' files as they are now (names, sizes, times): pages list and read them."""
    try:
        with os.scandir(folder) as entries:
            found = sorted(f"{e.name}:{e.stat().st_size}:{e.stat().st_mtime_ns}" for e in entries
                           if e.name.endswith(".rq"))
    except OSError:
        return b""
    return "\n".join(found).encode()


class Caching:
    """ETag, Cache-Control and 304 for everything the app answers (the pages, the API, VoID, dumps, the service
    description): GET and HEAD, but not /health and /static. The state is the one the request is answered
    from (web.reload.Pinned)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or path.startswith(_NOT_CACHED):
            if scope["type"] == "http" and path == "/health":
                await self.app(scope, receive, _with_headers(send, {200: [(b"cache-control", NO_STORE.encode())]}))
                return
            await self.app(scope, receive, send)
            return
        state: ServerState = scope.get("kennisgraaf") or scope["app"].state.kennisgraaf
        if state.endpoint is not None:  # the remote store can change without this server knowing: no validators
            await self.app(scope, receive, _with_headers(send, {200: [(b"cache-control", NO_STORE.encode())]}))
            return
        headers = dict(scope["headers"])
        tag = etag(state.version.encode(), scope.get("scheme", "http").encode(), headers.get(b"host", b""),
                   scope.get("root_path", "").encode(), path.encode(), scope.get("query_string", b""),
                   headers.get(b"accept", b""), _queries_on_disk(state.settings.path("queries_dir")))
        cache_control = DUMP_CACHE if path.startswith("/dumps/") else PAGE_CACHE
        asked = headers.get(b"if-none-match")
        if asked is not None and matches(asked.decode("latin-1"), tag):
            await NotModified(tag, cache_control)(scope, receive, send)
            return
        await self.app(scope, receive, _with_headers(send, {200: [
            (b"etag", tag.encode()), (b"cache-control", cache_control.encode()), (b"vary", b"Accept")]}))


def _with_headers(send: Send, added: dict[int, list[tuple[bytes, bytes]]]) -> Send:
    """`send` with headers added to the response: those of `added[status]` for that status, `no-store` for an
    error; a header the answer has already is kept as it is."""
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            status = message["status"]
            extra = added.get(status) or ([(b"cache-control", NO_STORE.encode())] if status >= 400 else [])
            if extra:
                present = {name.lower() for name, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []),
                                                  *((n, v) for n, v in extra if n not in present)]}
        await send(message)

    return sending
