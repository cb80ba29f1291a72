"""/sparql: the SPARQL 1.1 Protocol endpoint — queries (in a worker process, or in this one once they have
proved quick), updates when allowed, and the service description.

May import: the foundation, queries (workers, SPARQL text checks), web.protocol, web.state, web.errors,
web.caching and web.pages (a browser opening /sparql gets the query page).
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

import anyio
import anyio.to_thread
import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ..errors import QueryError, QueryTimeout
from ..namespaces import prefixes
from ..queries import worker
from ..queries.terms import unknown_terms
from ..sparqltext import MAX_CHAIN, MAX_NESTING, calls_elsewhere, check, ignores_repeats, may_vary, shape
from ..store.vocabulary import vocabulary_of
from .caching import NO_STORE, PAGE_CACHE, NotModified, etag, matches
from .errors import busy, error_response, internal_error, not_acceptable, not_acceptable_message, refusal
from .pages import query_page
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
    render_graph,
    write_directly,
)
from .state import SHORT_REQUEST, Busy, Plan, ServerState, claims_alone, count_triples, facts_alone, state_of

__all__ = ["EXPOSED_HEADERS", "Answered", "SparqlFastPath", "plan_query", "run_plan", "sparql_endpoint"]

log = logging.getLogger("kennisgraaf.serve")

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
EXPOSED_HEADERS = ("X-Result-Truncated", "X-Result-Limit", "X-Query-Time", "X-Query-Warning", "Retry-After",
                   "Location", "ETag")


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
        return refusal(state, error)


async def _operation(state: ServerState, operation: Operation, accept: str | None) -> Response | Answered:
    if operation.kind == "update":
        return await _update(state, operation)
    return await run_plan(state, plan_query(state, operation, accept))


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
            response = internal_error()
        if response is None:  # the service description, answered by the app
            await self.app(scope, receive, send)
            return
        if "origin" in headers:
            response.headers["access-control-allow-origin"] = "*"
            response.headers["access-control-expose-headers"] = ", ".join(EXPOSED_HEADERS)
        await response(scope, receive, send)

    async def respond(self, scope: Scope, receive: Receive,
                      headers: dict[str, str]) -> Response | Answered | NotModified | None:
        state: ServerState = scope.get("kennisgraaf") or self.app.state.kennisgraaf  # see web.reload.Pinned
        method, accept, content_type = scope["method"], headers.get("accept"), headers.get("content-type")
        try:
            body = await _receive_body(receive, headers.get("content-length"), state.max_body) \
                if method == "POST" else b""
            # Clients send the same requests again and again: each is read (parsed, checked, negotiated) once.
            query_string = scope["query_string"]
            key = (method, query_string, accept, content_type, body) \
                if len(body) + len(query_string) <= SHORT_REQUEST else None
            plan = state.plans.get(key)
            if plan is None:
                operation = parse_request(method, query_string.decode("latin-1"), content_type, body)
                if operation.kind == "description":
                    return None
                if operation.kind == "update":
                    return await _update(state, operation)
                plan = plan_query(state, operation, accept)
                # A GET's answer is a function of the graph, the query string and the format; a remote store can
                # change without this server knowing, so its answers get no validator.
                if method != "POST":
                    cached = plan.stable and state.endpoint is None
                    plan = replace(plan, etag=etag(state.version.encode(), b"/sparql", query_string,
                                                   plan.media.name.encode()) if cached else None,
                                   cache_control=PAGE_CACHE if cached else NO_STORE)
                if key is not None:
                    state.remember_plan(key, plan)
            if plan.etag is not None and "if-none-match" in headers and matches(headers["if-none-match"], plan.etag):
                return NotModified(plan.etag, PAGE_CACHE)  # the query is not run at all
            return await run_plan(state, plan)
        except (ProtocolError, Busy, QueryError) as error:
            return refusal(state, error)


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


def plan_query(state: ServerState, operation: Operation, accept: str | None) -> Plan:
    """How to answer a query request; QueryError when the query is refused, ProtocolError (406) when no
    acceptable format is offered."""
    found = check(operation.text, state.max_length, allow_service=False,  # once per request: plans are kept
                  known_prefixes=prefixes(state.base_iri))
    offered = GRAPH_TYPES if found.form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES
    media = negotiate(accept, offered, operation.fmt)
    if media is None:
        raise ProtocolError(406, not_acceptable_message(offered, operation.fmt))
    dataset = bool(operation.default_graphs or operation.named_graphs)
    # A query that names no graph and no dataset reads the default graph only: the store of the facts has it all.
    facts = not dataset and not found.keywords & {"GRAPH", "FROM"} and state.facts is not None
    # One that reads named graphs too, and whose answer does not change when a solution comes twice, gets the same
    # answer from the claims alone with the default graph as their union: the same triples, repeated per claim.
    claims = not facts and not dataset and "FROM" not in found.keywords and state.claims is not None \
        and ignores_repeats(operation.text, found)
    job = state.job(
        operation.text, state.limit,
        default_graph=tuple(operation.default_graphs) if dataset else None,
        named_graphs=tuple(operation.named_graphs) if dataset else None,
        union=claims,
    )
    warnings = unknown_terms(operation.text, state.vocabulary, state.base_iri) if state.vocabulary else []
    return Plan(job, media, stable=not may_vary(operation.text), accept=accept, fmt=operation.fmt,
                warnings=tuple(w.en for w in warnings), facts=facts, claims=claims)


async def run_plan(state: ServerState, plan: Plan) -> Answered:
    """Run a planned query: in this process when it has proved quick, else in a worker."""
    max_bytes = state.quick.get(plan.job)
    if max_bytes is not None:
        if state.running >= state.max_running:
            raise Busy()  # the limit holds for every query, including one that would be quick
        response = _run_here(state, plan, max_bytes)
        if response is not None:
            return response
    answer = await state.execute(plan.job, facts=plan.facts, claims=plan.claims)
    media = plan.media
    if (answer.kind == "graph") != (media in GRAPH_TYPES):  # the lexer took the query for another form
        offered = GRAPH_TYPES if answer.kind == "graph" else RESULT_TYPES
        chosen = negotiate(plan.accept, offered, plan.fmt)
        if chosen is None:
            raise ProtocolError(406, not_acceptable_message(offered, plan.fmt))
        media = chosen
    data = await anyio.to_thread.run_sync(render, answer, media, state.base_iri) if len(answer.data) > 65536 \
        else render(answer, media, state.base_iri)
    if media is plan.media and plan.stable and not answer.truncated and answer.seconds <= state.inline_seconds:
        state.remember_quick(plan.job, answer)
    # The ETag is the planned format's: an answer in another one (the lexer misread the form) goes without.
    return _answer(data, media, answer.seconds, state.limit if answer.truncated else None, plan.warnings,
                   plan.etag if media is plan.media else None, plan.cache_control)


def _run_here(state: ServerState, plan: Plan, max_bytes: int) -> Answered | None:
    """Answer a query in this process, saving the trip to a worker. Only for one that took a worker at most
    inline_seconds, on the same graph: it does the same work here. If it takes much longer after all, or
    writes more than it did, it is no longer run here (None: then a worker answers)."""
    started = time.perf_counter()
    store = state.facts if plan.facts else state.claims if plan.claims else state.store
    assert store is not None and isinstance(plan.job, worker.LocalJob)  # only local jobs are remembered
    try:
        data = write_directly(worker.run_here(store, plan.job), plan.media, state.base_iri, max_bytes)
    except (SyntaxError, ValueError, OSError, RuntimeError, KeyError) as error:  # it ran in a worker: a bug
        log.warning("A quick query failed in the server process; a worker answers it from now on: %r", error)
        data = None
    seconds = time.perf_counter() - started
    if data is None or seconds > 4 * state.inline_seconds:
        state.quick.pop(plan.job, None)
    return None if data is None else _answer(data, plan.media, seconds, None, plan.warnings, plan.etag,
                                             plan.cache_control)


def _answer(data: bytes, media: MediaType, seconds: float, truncated_at: int | None,
            warnings: tuple[str, ...] = (), tag: str | None = None, cache_control: str | None = None) -> Answered:
    headers = {"content-type": content_type(media), "vary": "Accept", "x-query-time": f"{seconds * 1000:.1f}ms"}
    if tag is not None:
        headers["etag"] = tag
    if cache_control is not None:
        headers["cache-control"] = cache_control
    if truncated_at is not None:
        headers["x-result-truncated"] = "true"
        headers["x-result-limit"] = str(truncated_at)
    if warnings:  # the answer is given all the same; the header says what probably went wrong
        headers["x-query-warning"] = " | ".join(w.encode("ascii", "backslashreplace").decode() for w in warnings)
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
        return error_response(403, "This endpoint is read-only: SPARQL Update is not run here. (Whoever runs the "
                              "server can allow it with the setting allow_update, on an in-memory copy of the "
                              "graph.)")
    text = operation.text
    if len(text) > state.max_length:
        return error_response(400, f"The update is {len(text):,} characters long; at most {state.max_length:,} are "
                              f"accepted (the setting max_query_length).")
    found = shape(text)
    if found.depth > MAX_NESTING or found.chain > MAX_CHAIN:
        return error_response(400, "The update nests too deeply or chains too many patterns; simplify it.")
    if calls_elsewhere(text, found):
        return error_response(400, "Updates with SERVICE or LOAD are not run here: the server fetches nothing from "
                              "elsewhere.")
    if state.running >= state.max_running:
        return busy(state)

    if operation.default_graphs or operation.named_graphs:
        return error_response(400, "using-graph-uri and using-named-graph-uri are not supported; use USING in the "
                              "update.")

    def apply() -> None:
        # The update runs in a worker, on its copy of the graph, so that a runaway one is stopped like a
        # query; the changed graph comes back whole and replaces the served one. Nothing is changed in place:
        # queries and forked workers never see a graph halfway through an update.
        with state.update_lock:  # one at a time: each update starts from the graph the one before left
            assert state.store is not None  # a server of a remote store never allows updates
            answer = worker.execute(state.store, worker.UpdateJob(text), state.timeout)
            changed = ox.Store()
            changed.bulk_load(answer.data, ox.RdfFormat.N_QUADS)
            triples = count_triples(changed)
            vocabulary = vocabulary_of(changed)
            facts, claims = facts_alone(changed), claims_alone(changed)
            with state.lock:
                state.store, state.triples, state.vocabulary, state.facts = changed, triples, vocabulary, facts
                state.changed()  # new ETags; the plans are forgotten (their warnings were about the graph before)
                state.key = worker.share(changed, replacing=state.key)
                state.facts_key = worker.share(facts, replacing=state.facts_key or None)
                state.claims = claims
                if claims is not None:
                    state.claims_key = worker.share(claims, replacing=state.claims_key or None)
                elif state.claims_key:
                    worker.retire(state.claims_key)
                    state.claims_key = ""
                state.cache.clear()

    state.running += 1
    try:
        await anyio.to_thread.run_sync(apply)
    except QueryTimeout:
        return error_response(503, f"The update ran longer than {state.timeout:g} s, the most this server allows, and "
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
                  ox.Literal("Every fact once, without its claim: the deduplicated union of the named graphs "
                             "(GRAPH ?claim { ... } gives each fact with its source).", language="en")),
    ]
    return triples


async def _description(request: Request, state: ServerState, operation: Operation) -> Response:
    accept = request.headers.get("accept") or ""
    preferred = negotiate(accept, (MediaType("html", "text/html"),) + GRAPH_TYPES)
    if not operation.fmt and "text/html" in accept.lower() and preferred is not None and preferred.name == "html":
        return await query_page(request)
    media = negotiate(accept, GRAPH_TYPES, operation.fmt)
    if media is None:
        return not_acceptable(GRAPH_TYPES, operation.fmt)
    endpoint = str(request.url.replace(query="", fragment=""))
    data = render_graph(_service_description(state, endpoint), media, state.base_iri)
    return Response(data, media_type=media.media_type, headers={"Vary": "Accept"})
