"""`kennisgraaf serve`: the built graph on the web — a SPARQL 1.1 Protocol endpoint at /sparql, a service
description, VoID, dumps, linked-data pages and the canned queries — as a Starlette app run by uvicorn.

Building the app (`create_app`) has no side effects. At startup the current build is copied into an
in-memory store once (queries on it are several times faster than on the on-disk store) and shared with a
pool of worker processes forked from the server (see `kennisgraaf.queries.worker`): a query runs in a worker, which is killed
when its time is up, so a runaway query never holds the server. /sparql waits for its worker's answer on the
event loop (`worker.execute_async`), the pages wait for theirs in threads, so the event loop stays free and
/health answers while queries run.

One exception, for speed: a query that took its worker at most `inline_query_ms` runs in the server process
the next times it is asked (`_run_here`). The graph does not change while it is served, so the same query
does the same work again; the trip to a worker would cost more than such a query itself.

After a new build the server switches to it by itself (web.reload: each request keeps the graph it started
with); answers carry an ETag from the build's content hash, and a client that has one gets 304 (web.caching).

    >>> from kennisgraaf.config import Settings
    >>> app = create_app(Settings.load())   # nothing is opened until the app starts
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import time
import urllib.parse
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..config import Settings
from ..queries import worker
from . import entries, pages
from .caching import Caching
from .errors import server_error
from .reload import Pinned, Reloader
from .sparql import EXPOSED_HEADERS, SparqlFastPath, sparql_endpoint
from .state import ServerState, load_in_background, state_of

__all__ = ["create_app", "serve"]

log = logging.getLogger("kennisgraaf.serve")
access_log = logging.getLogger("kennisgraaf.access")


async def health(request: Request) -> Response:
    state = state_of(request)
    return JSONResponse({"status": "ok", "triples": state.triples, "content_hash": state.content_hash,
                         "release": state.release.name if state.release else None, "updates": state.generation,
                         "process": os.getpid(), "running_queries": state.running,
                         "max_concurrent_queries": state.max_running})


class AccessLog:
    """Logs one line per request: client, method, path, status, bytes and the time it took."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status, size = 500, 0

        async def sending(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                client = scope.get("client") or ("-", 0)
                path = scope.get("path", "") + _shown_query(scope.get("query_string", b""))
                access_log.info('%s "%s %s" %d %d %.1fms', client[0], scope.get("method"), path, status, size,
                                (time.perf_counter() - started) * 1000)


def _shown_query(query: bytes) -> str:
    """A query string as the access log shows it: decoded, cut at 300 characters. 300 characters take at
    most 3,600 bytes percent-encoded (12 for a 4-byte UTF-8 character), so only those are decoded."""
    return _decoded_start(query[:3600])


@functools.lru_cache(maxsize=256)  # clients repeat their requests
def _decoded_start(query: bytes) -> str:
    return "?" + urllib.parse.unquote(query.decode("latin-1"))[:300] if query else ""


def create_app(settings: Settings, state: ServerState | None = None) -> ASGIApp:
    """The web app for the project of `settings`. The build is loaded when the app starts (or give `state`)."""
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        loaded = state or await load_in_background(settings)
        loaded.limiter = anyio.CapacityLimiter(loaded.max_running + 4)
        app.state.kennisgraaf = loaded
        log.info("Serving %d triples%s; queries run in worker processes (%d at once, %g s each)", loaded.triples,
                 f" from the SPARQL endpoint {loaded.endpoint}" if loaded.endpoint else "", loaded.max_running,
                 loaded.timeout)
        reloader = Reloader(app, settings)
        reloader.start()
        try:
            yield
        finally:
            reloader.stop()
            worker.shutdown()

    routes = [
        Route("/sparql", sparql_endpoint, methods=["GET", "POST"]),
        Route("/health", health, methods=["GET"]),
        *pages.routes(),
        *entries.routes(),
    ]
    middleware = [
        Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"],
                   allow_headers=["*"], expose_headers=list(EXPOSED_HEADERS), max_age=3600),
        Middleware(Caching),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={Exception: server_error})
    return AccessLog(Pinned(SparqlFastPath(app), app))


_SETTINGS_VARIABLE = "KENNISGRAAF_SERVE_SETTINGS"


def _configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    # The logging HOWTO's "Optimization": without the caller's source file and thread, a line of the access
    # log (one per request) costs a third less.
    logging._srcfile = None
    logging.logThreads = False
    logging.logMultiprocessing = False


def app_from_environment() -> ASGIApp:
    """The app for one of several server processes: its settings come from the process that started it."""
    import json

    given = json.loads(os.environ[_SETTINGS_VARIABLE])
    _configure_logging()
    return create_app(Settings.load(given["project_dir"], given["values"]))


def serve(settings: Settings, announce: Callable[[str], None] | None = None) -> None:
    """Run the server on the host and port of the settings until it is stopped (Ctrl-C)."""
    import json

    import uvicorn

    _configure_logging()
    host, port = str(settings.get("host")), int(settings.get("port"))
    processes = int(settings.get("server_processes"))
    if processes > 1 and settings.get("allow_update"):
        log.warning("allow_update keeps one copy of the graph: serving from one process, not %d", processes)
        processes = 1
    if processes > 1 and settings.get("allow_entries"):
        log.warning("allow_entries signs its forms with a secret of one process: serving from one, not %d",
                    processes)
        processes = 1
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown if ':' not in shown else '[' + shown + ']'}:{port}/"
    if announce is not None:
        announce(url)
    options: dict[str, Any] = {"host": host, "port": port, "access_log": False, "log_level": "info",
                               "timeout_graceful_shutdown": 5, "server_header": False}
    if processes == 1:
        uvicorn.run(create_app(settings), **options)
        return
    os.environ[_SETTINGS_VARIABLE] = json.dumps({
        "project_dir": str(settings.project_dir),
        "values": {name: str(value) for name, value in settings.values.items()},
    })
    uvicorn.run("kennisgraaf.web.app:app_from_environment", factory=True, workers=processes, **options)
