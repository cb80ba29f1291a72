"""`kennisgraaf serve`: the built graph on the web — a SPARQL 1.1 Protocol endpoint at /sparql, a service
description, VoID, dumps, linked-data pages and the canned queries — as a Starlette app run by uvicorn.

Building the app (`create_app`) has no side effects. At startup the current build is copied into an
in-memory store once (queries on it are several times faster than on the on-disk store) and shared with a
pool of worker processes forked from the server (see `worker`): a query runs in a worker, which is killed
when its time is up, so a runaway query never holds the server. /sparql waits for its worker's answer on the
event loop (`worker.execute_async`), the pages wait for theirs in threads, so the event loop stays free and
/health answers while queries run.

One exception, for speed: a query that took its worker at most `inline_query_ms` runs in the server process
the next times it is asked (`_run_here`). The graph does not change while it is served, so the same query
does the same work again; the trip to a worker would cost more than such a query itself.

    >>> from kennisgraaf.config import Settings
    >>> app = create_app(Settings.load())   # nothing is opened until the app starts
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import threading
import time
import urllib.parse
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
import anyio.to_thread
import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import worker
from .config import Settings
from .errors import QueryError, QueryTimeout
from .protocol import (
    GRAPH_TYPES,
    RESULT_TYPES,
    MediaType,
    Operation,
    ProtocolError,
    content_type,
    negotiate,
    parse_request,
    render,
    write_directly,
)
from .queries import Target
from .sparqltext import MAX_CHAIN, MAX_NESTING, calls_elsewhere, check, may_vary, shape

__all__ = ["ServerState", "create_app", "serve"]

log = logging.getLogger("kennisgraaf.serve")
access_log = logging.getLogger("kennisgraaf.access")
T = TypeVar("T")

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


class Busy(Exception):
    """As many queries as allowed are running."""


@dataclass(frozen=True)
class Plan:
    """A query request read once: the job for a worker, the format of the answer (and what it was chosen
    from), and whether a run in the server process may answer it once it has proved quick (`stable`: it does
    the same work each time, see sparqltext.may_vary)."""

    job: worker.LocalJob
    media: MediaType
    stable: bool
    accept: str | None = None
    fmt: str | None = None


_SHORT = 16384  # longer requests and queries are not remembered (plans, quick queries): a bound on memory


@dataclass
class ServerState:
    """What the running server holds: the in-memory graph, the workers' source key, limits and caches."""

    settings: Settings
    store: ox.Store
    key: str
    triples: int
    timeout: float
    limit: int
    max_length: int
    max_running: int
    max_body: int
    allow_update: bool
    inline_seconds: float = 0.0
    running: int = 0
    limiter: anyio.CapacityLimiter | None = None
    cache: dict[Any, Any] = field(default_factory=dict)
    plans: dict[Any, Plan] = field(default_factory=dict)
    quick: dict[worker.LocalJob, int] = field(default_factory=dict)  # job: most bytes a run here may write
    lock: threading.Lock = field(default_factory=threading.Lock)
    update_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_iri(self) -> str:
        return self.settings.base_iri

    def target(self) -> Target:
        """A queries.Target for canned queries and labels: runs on the same workers."""
        return Target(self.key, timeout=self.timeout, limit=self.limit, max_length=self.max_length,
                      base_iri=self.base_iri, language=self.settings.language, web=True)

    async def call(self, function: Callable[[], T]) -> T:
        """Run `function` (which waits for a worker) in a thread, counted against max_concurrent_queries."""
        if self.running >= self.max_running:
            raise Busy()
        self.running += 1
        try:
            return await anyio.to_thread.run_sync(function, limiter=self.limiter)
        finally:
            self.running -= 1

    async def execute(self, job: worker.LocalJob) -> worker.Answer:
        """Run `job` in a worker, counted against max_concurrent_queries; the event loop waits for the
        answer without blocking."""
        if self.running >= self.max_running:
            raise Busy()
        self.running += 1
        try:
            return await worker.execute_async(self.key, job, self.timeout)
        finally:
            self.running -= 1

    def remember_plan(self, key: Any, plan: Plan) -> None:
        if len(self.plans) >= 1024:
            self.plans.clear()
        self.plans[key] = plan

    def remember_quick(self, job: worker.LocalJob, answer: worker.Answer) -> None:
        """Let `job` run in this process from now on: it took a worker at most inline_seconds. On a graph that
        does not change, the same query does the same work again; the byte cap only guards against surprises."""
        if len(job.query) > _SHORT:
            return
        if len(self.quick) >= 4096:
            self.quick.clear()
        self.quick[job] = 16 * len(answer.data) + 65536

    def cached(self, key: Any, make: Callable[[], T]) -> T:
        with self.lock:
            if key not in self.cache:
                if len(self.cache) >= 64:  # keys can come from clients (the Host of a VoID request): stay bounded
                    self.cache.clear()
                self.cache[key] = make()
            return self.cache[key]  # type: ignore[no-any-return]


_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } }"


def load_state(settings: Settings) -> ServerState:
    """Copy the current build into memory and start the workers."""
    from .store import open_store

    on_disk = open_store(settings)
    memory = ox.Store()
    dump = on_disk.dump(format=ox.RdfFormat.N_QUADS)
    assert dump is not None
    memory.bulk_load(dump, ox.RdfFormat.N_QUADS)
    del on_disk
    triples = _count(memory, _TRIPLES)
    max_running = int(settings.get("max_concurrent_queries"))
    allow_update = bool(settings.get("allow_update"))
    state = ServerState(
        settings=settings, store=memory, key=worker.share(memory), triples=triples,
        timeout=float(settings.get("query_timeout")), limit=int(settings.get("result_limit")),
        max_length=int(settings.get("max_query_length")), max_running=max_running,
        max_body=int(settings.get("max_body_size")), allow_update=allow_update,
        # With updates a quick query can turn into a runaway one, which nothing could stop in this process.
        inline_seconds=0.0 if allow_update else min(float(settings.get("inline_query_ms")) / 1000,
                                                    float(settings.get("query_timeout")) / 10),
    )
    worker.keep_idle(max_running)
    worker.warm(state.key, min(max_running, 4))
    return state


def _count(store: ox.Store, query: str) -> int:
    results = store.query(query, use_default_graph_as_union=True)
    assert isinstance(results, ox.QuerySolutions)
    for row in results:
        return int(row[0].value)
    return 0


def state_of(request: Request) -> ServerState:
    state: ServerState = request.app.state.kennisgraaf
    return state


# ------------------------------------------------------------------------------------------------ /sparql


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status, headers=headers)


async def _read_body(request: Request, limit: int) -> bytes:
    return await _receive_body(request.receive, request.headers.get("content-length"), limit)


async def sparql_endpoint(request: Request) -> Response | Answered:
    """GET or POST a SPARQL query (or, when allowed, an update), as the SPARQL 1.1 Protocol says. (Queries
    and updates are answered by SparqlFastPath before they get here; this answers the rest.)"""
    state = state_of(request)
    try:
        body = await _read_body(request, state.max_body) if request.method == "POST" else b""
        operation = parse_request(request.method, request.url.query, request.headers.get("content-type"), body)
        if operation.kind == "description":
            return await _description(request, state, operation)
        return await _operation(state, operation, request.headers.get("accept"))
    except (ProtocolError, Busy, QueryError) as error:
        return _refusal(state, error)


async def _operation(state: ServerState, operation: Operation, accept: str | None) -> Response | Answered:
    if operation.kind == "update":
        return await _update(state, operation)
    return await _run(state, _plan(state, operation, accept))


def _refusal(state: ServerState, error: ProtocolError | Busy | QueryError) -> Response:
    """The answer to a request that cannot be answered as asked."""
    if isinstance(error, ProtocolError):
        return _error(error.status, error.message, error.headers)
    if isinstance(error, Busy):
        return _busy(state)
    if isinstance(error, QueryTimeout):
        return _timed_out(state)
    return _error(400, error.en)


def _timed_out(state: ServerState) -> Response:
    # Not the worker's message: that one tells how to allow more time on the command line.
    return _error(503, f"The query ran longer than {state.timeout:g} s, the most this server allows, and was "
                       f"stopped. Make it more specific: a LIMIT, a filter, fewer OPTIONALs.")


_EXPOSED = "X-Result-Truncated, X-Result-Limit, X-Query-Time, Retry-After, Location"


class SparqlFastPath:
    """Answers SPARQL queries and updates at /sparql straight from ASGI, without Starlette's request, routing
    and middleware (which cost more than the rest of a cheap query); everything else, including the service
    description, goes on to `app`. Adds the CORS header itself, as CORSMiddleware would."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/sparql" or scope["method"] not in ("GET", "HEAD", "POST"):
            await self.app(scope, receive, send)
            return
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        try:
            response = await self.respond(scope, receive, headers)
        except Exception as exc:  # a bug: logged, and answered as one
            log.error("Error while answering %s /sparql", scope["method"], exc_info=exc)
            response = _error(500, "Internal server error: this is a bug in kennisgraaf, and it has been logged.")
        if response is None:  # the service description, answered by the app
            await self.app(scope, receive, send)
            return
        if "origin" in headers:
            response.headers["access-control-allow-origin"] = "*"
            response.headers["access-control-expose-headers"] = _EXPOSED
        await response(scope, receive, send)

    async def respond(self, scope: Scope, receive: Receive, headers: dict[str, str]) -> Response | Answered | None:
        state: ServerState = self.app.state.kennisgraaf
        method, accept, content_type = scope["method"], headers.get("accept"), headers.get("content-type")
        try:
            body = await _receive_body(receive, headers.get("content-length"), state.max_body) \
                if method == "POST" else b""
            # Clients send the same requests again and again: each is read (parsed, checked, negotiated) once.
            query_string = scope["query_string"]
            key = (method, query_string, accept, content_type, body) \
                if len(body) + len(query_string) <= _SHORT else None
            plan = state.plans.get(key)
            if plan is None:
                operation = parse_request(method, query_string.decode("latin-1"), content_type, body)
                if operation.kind == "description":
                    return None
                if operation.kind == "update":
                    return await _update(state, operation)
                plan = _plan(state, operation, accept)
                if key is not None:
                    state.remember_plan(key, plan)
            return await _run(state, plan)
        except (ProtocolError, Busy, QueryError) as error:
            return _refusal(state, error)


async def _receive_body(receive: Receive, length: str | None, limit: int) -> bytes:
    if length is not None:
        try:
            declared = int(length)
        except ValueError:
            raise ProtocolError(400, "The Content-Length header is not a number.") from None
        if declared > limit:
            raise ProtocolError(413, f"The request body is {declared:,} bytes; at most {limit:,} are accepted "
                                     f"(the setting max_body_size).")
    chunks, total = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        total += len(chunk)
        if total > limit:
            raise ProtocolError(413, f"The request body is larger than {limit:,} bytes (the setting "
                                     f"max_body_size).")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _busy(state: ServerState) -> Response:
    return _error(503, f"The server is running as many queries as it allows ({state.max_running}); try again "
                       f"in a moment.", {"Retry-After": "1"})


def _not_acceptable(offered: tuple[MediaType, ...], fmt: str | None) -> Response:
    return _error(406, _not_acceptable_message(offered, fmt))


def _not_acceptable_message(offered: tuple[MediaType, ...], fmt: str | None) -> str:
    types = ", ".join(m.media_type for m in offered)
    names = ", ".join(m.name for m in offered)
    what = f"format={fmt!r} is not one of {names}" if fmt else "None of the types in the Accept header can be given"
    return f"{what}. This answer is available as {types} (or format={names})."


def _plan(state: ServerState, operation: Operation, accept: str | None) -> Plan:
    """How to answer a query request; QueryError when the query is refused, ProtocolError (406) when no
    acceptable format is offered."""
    found = check(operation.text, state.max_length, allow_service=False)  # once per request: plans are kept
    offered = GRAPH_TYPES if found.form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES
    media = negotiate(accept, offered, operation.fmt)
    if media is None:
        raise ProtocolError(406, _not_acceptable_message(offered, operation.fmt))
    dataset = bool(operation.default_graphs or operation.named_graphs)
    job = worker.LocalJob(
        operation.text, state.limit,
        default_graph=tuple(operation.default_graphs) if dataset else None,
        named_graphs=tuple(operation.named_graphs) if dataset else None,
        union="FROM" not in found.keywords,
    )
    return Plan(job, media, stable=not may_vary(operation.text), accept=accept, fmt=operation.fmt)


async def _run(state: ServerState, plan: Plan) -> Answered:
    """Run a planned query: in this process when it has proved quick, else in a worker."""
    max_bytes = state.quick.get(plan.job)
    if max_bytes is not None:
        if state.running >= state.max_running:
            raise Busy()  # the limit holds for every query, including one that would be quick
        response = _run_here(state, plan, max_bytes)
        if response is not None:
            return response
    answer = await state.execute(plan.job)
    media = plan.media
    if (answer.kind == "graph") != (media in GRAPH_TYPES):  # the lexer took the query for another form
        offered = GRAPH_TYPES if answer.kind == "graph" else RESULT_TYPES
        chosen = negotiate(plan.accept, offered, plan.fmt)
        if chosen is None:
            raise ProtocolError(406, _not_acceptable_message(offered, plan.fmt))
        media = chosen
    data = await anyio.to_thread.run_sync(render, answer, media, state.base_iri) if len(answer.data) > 65536 \
        else render(answer, media, state.base_iri)
    if media is plan.media and plan.stable and not answer.truncated and answer.seconds <= state.inline_seconds:
        state.remember_quick(plan.job, answer)
    return _answer(data, media, answer.seconds, state.limit if answer.truncated else None)


def _run_here(state: ServerState, plan: Plan, max_bytes: int) -> Answered | None:
    """Answer a query in this process, saving the trip to a worker. Only for one that took a worker at most
    inline_seconds, on the same graph: it does the same work here. If it takes much longer after all, or
    writes more than it did, it is no longer run here (None: then a worker answers)."""
    started = time.perf_counter()
    try:
        data = write_directly(worker.run_here(state.store, plan.job), plan.media, state.base_iri, max_bytes)
    except (SyntaxError, ValueError, OSError, RuntimeError, KeyError) as error:  # it ran in a worker: a bug
        log.warning("A quick query failed in the server process; a worker answers it from now on: %r", error)
        data = None
    seconds = time.perf_counter() - started
    if data is None or seconds > 4 * state.inline_seconds:
        state.quick.pop(plan.job, None)
    return None if data is None else _answer(data, plan.media, seconds, None)


def _answer(data: bytes, media: MediaType, seconds: float, truncated_at: int | None) -> Answered:
    headers = {"content-type": content_type(media), "vary": "Accept", "x-query-time": f"{seconds * 1000:.1f}ms"}
    if truncated_at is not None:
        headers["x-result-truncated"] = "true"
        headers["x-result-limit"] = str(truncated_at)
    return Answered(data, headers)


class Answered:
    """A query's answer as a response: Starlette's Response, less its costs (header objects, background
    tasks), which are a noticeable part of answering a quick query."""

    __slots__ = ("body", "headers")

    def __init__(self, body: bytes, headers: dict[str, str]) -> None:
        self.body = body
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = [(b"content-length", str(len(self.body)).encode())]
        raw += [(name.encode("latin-1"), value.encode("latin-1")) for name, value in self.headers.items()]
        await send({"type": "http.response.start", "status": 200, "headers": raw})
        await send({"type": "http.response.body", "body": self.body})


async def _update(state: ServerState, operation: Operation) -> Response:
    if not state.allow_update:
        return _error(403, "This endpoint is read-only: SPARQL Update is not run here. (Whoever runs the server "
                           "can allow it with the setting allow_update, on an in-memory copy of the graph.)")
    text = operation.text
    if len(text) > state.max_length:
        return _error(400, f"The update is {len(text):,} characters long; at most {state.max_length:,} are "
                           f"accepted (the setting max_query_length).")
    found = shape(text)
    if found.depth > MAX_NESTING or found.chain > MAX_CHAIN:
        return _error(400, "The update nests too deeply or chains too many patterns; simplify it.")
    if calls_elsewhere(text, found):
        return _error(400, "Updates with SERVICE or LOAD are not run here: the server fetches nothing from "
                           "elsewhere.")
    if state.running >= state.max_running:
        return _busy(state)

    if operation.default_graphs or operation.named_graphs:
        return _error(400, "using-graph-uri and using-named-graph-uri are not supported; use USING in the update.")

    def apply() -> None:
        # The update runs in a worker, on its copy of the graph, so that a runaway one is stopped like a
        # query; the changed graph comes back whole and replaces the served one. Nothing is changed in place:
        # queries and forked workers never see a graph halfway through an update.
        with state.update_lock:  # one at a time: each update starts from the graph the one before left
            answer = worker.execute(state.store, worker.UpdateJob(text), state.timeout)
            changed = ox.Store()
            changed.bulk_load(answer.data, ox.RdfFormat.N_QUADS)
            triples = _count(changed, _TRIPLES)
            with state.lock:
                state.store, state.triples = changed, triples
                state.key = worker.share(changed, replacing=state.key)
                state.cache.clear()

    state.running += 1
    try:
        await anyio.to_thread.run_sync(apply)
    except QueryTimeout:
        return _error(503, f"The update ran longer than {state.timeout:g} s, the most this server allows, and "
                           f"was stopped; the graph is unchanged.")
    finally:
        state.running -= 1
    return Response(status_code=204)


# ------------------------------------------------------------------------------------------------ description


def _service_description(state: ServerState, endpoint: str) -> list[ox.Triple]:
    service = ox.NamedNode(endpoint + "#service")
    sd = lambda name: ox.NamedNode(SD + name)
    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
    ]
    if state.allow_update:
        triples.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "RDF_XML", "JSON-LD", "TriG", "N-Quads"):
        triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS_NS + name)))
    dataset = ox.NamedNode(endpoint + "#dataset")
    default = ox.NamedNode(endpoint + "#default-graph")
    triples += [
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, sd("Graph")),
        ox.Triple(default, ox.NamedNode("http://rdfs.org/ns/void#triples"), ox.Literal(state.triples)),
        ox.Triple(default, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
                  ox.Literal("The union of all named graphs: every fact, without its claim.", language="en")),
    ]
    return triples


async def _description(request: Request, state: ServerState, operation: Operation) -> Response:
    accept = request.headers.get("accept") or ""
    preferred = negotiate(accept, (MediaType("html", "text/html"),) + GRAPH_TYPES)
    if not operation.fmt and "text/html" in accept.lower() and preferred is not None and preferred.name == "html":
        from .site import query_page  # a browser opening /sparql gets the query page

        return await query_page(request)
    media = negotiate(accept, GRAPH_TYPES, operation.fmt)
    if media is None:
        return _not_acceptable(GRAPH_TYPES, operation.fmt)
    endpoint = str(request.url.replace(query="", fragment=""))
    data = render_graph(_service_description(state, endpoint), media, state.base_iri)
    return Response(data, media_type=media.media_type, headers={"Vary": "Accept"})


def render_graph(triples: list[ox.Triple], media: MediaType, base_iri: str) -> bytes:
    """Triples in the chosen RDF format, sorted, with the project's prefixes."""
    nt = ox.serialize(sorted(set(triples), key=str), format=ox.RdfFormat.N_TRIPLES)
    assert nt is not None
    return render(worker.Answer("graph", nt), media, base_iri)


# ------------------------------------------------------------------------------------------------ health


async def health(request: Request) -> Response:
    state = state_of(request)
    return JSONResponse({"status": "ok", "triples": state.triples, "running_queries": state.running,
                         "max_concurrent_queries": state.max_running})


# ------------------------------------------------------------------------------------------------ app


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


async def _server_error(request: Request, exc: Exception) -> Response:
    log.error("Error while answering %s %s", request.method, request.url.path, exc_info=exc)
    return _error(500, "Internal server error: this is a bug in kennisgraaf, and it has been logged.")


def create_app(settings: Settings, state: ServerState | None = None) -> ASGIApp:
    """The web app for the project of `settings`. The build is loaded when the app starts (or give `state`)."""
    from . import site

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        loaded = state or load_state(settings)
        loaded.limiter = anyio.CapacityLimiter(loaded.max_running + 4)
        app.state.kennisgraaf = loaded
        log.info("Serving %d triples; queries run in worker processes (%d at once, %g s each)", loaded.triples,
                 loaded.max_running, loaded.timeout)
        try:
            yield
        finally:
            worker.shutdown()

    routes = [
        Route("/sparql", sparql_endpoint, methods=["GET", "POST"]),
        Route("/health", health, methods=["GET"]),
        *site.routes(),
    ]
    middleware = [
        Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"],
                   allow_headers=["*"], expose_headers=["X-Result-Truncated", "X-Result-Limit", "X-Query-Time",
                                                        "Retry-After", "Location"], max_age=3600),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={Exception: _server_error})
    return AccessLog(SparqlFastPath(app))


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
    uvicorn.run("kennisgraaf.serve:app_from_environment", factory=True, workers=processes, **options)
