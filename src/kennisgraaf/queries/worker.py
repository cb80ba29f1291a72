"""Running a query where it can be stopped: in a child process that is killed when its time is up.

pyoxigraph cannot cancel a running query, so every query runs in a worker process, forked from this one
(pyoxigraph is already imported, so a worker starts in a few milliseconds). The parent waits for the answer
until the deadline and kills the worker when it passes; a query that crashes the engine ends only its
worker. A worker for an on-disk store opens it read-only once and is kept for the next query.

The worker answers in a compact, lossless form that both sides handle natively: SELECT results as W3C TSV
(one line per row, terms in N-Triples form), graphs as N-Triples, cut off after the result limit.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import multiprocessing
import os
import signal
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import QueryError, QueryTimeout

__all__ = ["CREDENTIALS_FILE_VARIABLE", "CREDENTIALS_VARIABLE", "MAX_ANSWER_BYTES", "Answer", "HttpJob", "Job",
           "LocalJob", "UpdateJob", "endpoint_credentials", "execute", "execute_async", "keep_idle", "retire",
           "run_here", "share", "shutdown", "warm"]

# The user:password for SPARQL endpoints that ask for one (--endpoint, the setting sparql_endpoint): from the
# environment or a file it names, never from the command line.
CREDENTIALS_VARIABLE = "KENNISGRAAF_SPARQL_CREDENTIALS"
CREDENTIALS_FILE_VARIABLE = "KENNISGRAAF_SPARQL_CREDENTIALS_FILE"
MAX_ANSWER_BYTES = 256 * 1024 * 1024  # an endpoint's answer is read up to this size (rows: up to the limit)

# Where a worker runs its jobs: a store folder, a store object, or None for an endpoint.
Source = str | ox.Store | None


@dataclass(frozen=True)
class LocalJob:
    """`default_graph` and `named_graphs` (IRIs) set the dataset, as the SPARQL protocol's default-graph-uri and
    named-graph-uri do; without them the query sees the store's default graph (in a build: every fact once) and
    its named graphs (the claims), or the dataset it names with FROM and FROM NAMED. With `union` (and no
    `default_graph`) the default graph is the union of all the store's graphs, for a store of the claims alone
    (see web.state.claims_alone)."""

    query: str
    limit: int
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    union: bool = False


@dataclass(frozen=True)
class UpdateJob:
    """A SPARQL Update, run on a worker's own copy of a store; the answer is the changed graph (see `execute`)."""

    update: str


@dataclass(frozen=True)
class HttpJob:
    """A query for a SPARQL endpoint, sent from a worker. `default_graph` and `named_graphs` are sent as the
    protocol's default-graph-uri and named-graph-uri; `credentials` (user, password) only when the endpoint
    asks (HTTP basic or digest). Redirects are followed only on the endpoint's own host."""

    endpoint: str
    query: str
    limit: int
    timeout: float
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    credentials: tuple[str, str] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class _Failure:
    """A user error in the worker, sent as data: exceptions would lose their Dutch message in pickling."""

    kind: str  # "QueryError" or "QueryTimeout"
    en: str
    nl: str


Job = LocalJob | UpdateJob | HttpJob


@dataclass
class Answer:
    """What a worker sends back. kind: "select" (data is TSV), "ask" (boolean), "graph" (data is N-Triples),
    "update" (data is the changed graph as N-Quads)."""

    kind: str
    data: bytes = b""
    boolean: bool | None = None
    truncated: bool = False
    seconds: float = 0.0


# ------------------------------------------------------------------------------------------------ parent


class _Worker:
    def __init__(self, source: Source) -> None:
        context = multiprocessing.get_context("fork")
        self.connection, child = context.Pipe()
        self.source = source
        self.process = context.Process(target=_serve, args=(child, self.connection, source), daemon=True,
                                       name="kennisgraaf-query")
        self.process.start()
        child.close()
        _all.add(self)

    def call(self, job: Job, timeout: float) -> Answer:
        self.connection.send(job)
        if not self.connection.poll(timeout):
            self.kill()
            raise _timed_out(timeout)
        return self.receive()

    def receive(self) -> Answer:
        """The answer to the job sent, once the connection is readable."""
        try:
            reply = self.connection.recv()
        except (EOFError, OSError):
            self.kill()
            raise QueryError(
                f"The query engine stopped while running this query ({_exit_reason(self.process)}). The query "
                f"is probably nested too deeply or too long; simplify it.",
                f"De query-engine stopte tijdens deze query ({_exit_reason(self.process)}). De query is "
                f"waarschijnlijk te diep genest of te lang; vereenvoudig hem.",
            ) from None
        if isinstance(reply, _Failure):
            raise (QueryTimeout if reply.kind == "QueryTimeout" else QueryError)(reply.en, reply.nl)
        assert isinstance(reply, Answer)
        return reply

    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.connection.close()


def _timed_out(timeout: float) -> QueryTimeout:
    return QueryTimeout(
        f"The query ran longer than {timeout:g} s and was stopped. Make it more specific (a LIMIT, a "
        f"filter, fewer OPTIONALs), or allow more time with --timeout.",
        f"De query liep langer dan {timeout:g} s en is gestopt. Maak hem specifieker (een LIMIT, een "
        f"filter, minder OPTIONALs), of geef meer tijd met --timeout.",
    )


def _exit_reason(process: Any) -> str:
    process.join(1)
    code = process.exitcode
    if code is not None and code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


_lock = threading.Lock()
_idle: dict[str | None, list[_Worker]] = {}
_all: weakref.WeakSet[_Worker] = weakref.WeakSet()
_MAX_IDLE = max(2, os.cpu_count() or 2)


def execute(source: Source, job: Job, timeout: float) -> Answer:
    """Run `job` in a worker for `source` (a store folder, a store object or None for an endpoint) and
    return its answer; QueryTimeout after `timeout` seconds, QueryError when the query fails.

    Workers for a store folder or an endpoint are kept for the next job; a store object is shared with a
    fresh worker each time, so the worker always sees its current content. An UpdateJob changes only the
    worker's copy of a store object, and answers with the whole changed graph as N-Quads."""
    if isinstance(source, ox.Store):
        worker = _Worker(source)
        try:
            return worker.call(job, timeout)
        finally:
            worker.kill()
    key = None if source is None else str(source)
    worker = _checkout(key)
    try:
        answer = worker.call(job, timeout)
    except QueryError as error:
        if worker.alive() and not isinstance(error, QueryTimeout):
            _checkin(key, worker)  # an ordinary error (syntax, HTTP) leaves the worker usable
        raise
    except BaseException:
        worker.kill()
        raise
    _checkin(key, worker)
    return answer


async def execute_async(source: str | None, job: LocalJob | HttpJob, timeout: float) -> Answer:
    """execute() for a pooled source (a store folder, a shared store, or None for an endpoint), for servers:
    waits for the worker's answer on the event loop (asyncio), without a thread; the query itself runs in the
    worker."""
    import asyncio

    worker = _checkout(source)
    try:
        worker.connection.send(job)
        loop = asyncio.get_running_loop()
        ready = loop.create_future()
        descriptor = worker.connection.fileno()
        loop.add_reader(descriptor, lambda: None if ready.done() else ready.set_result(None))
        try:
            await asyncio.wait_for(ready, timeout)
        except TimeoutError:
            raise _timed_out(timeout) from None
        finally:
            loop.remove_reader(descriptor)
            os.set_blocking(descriptor, True)  # uvloop makes it non-blocking; a large answer is read whole
        answer = worker.receive()
    except QueryError as error:
        if worker.alive() and not isinstance(error, QueryTimeout):
            _checkin(source, worker)
        else:
            worker.kill()
        raise
    except BaseException:  # cancelled while waiting: the worker may still be busy with the job
        worker.kill()
        raise
    _checkin(source, worker)
    return answer


def _checkout(key: str | None) -> _Worker:
    with _lock:
        # A store folder is one immutable release: workers of other releases are no longer needed. (A shared
        # store is let go explicitly, by retire(): a server serves the old one and the new one for a moment.)
        for other in [k for k in _idle if k != key and k is not None and key is not None and k not in _shared]:
            for stale in _idle.pop(other):
                stale.kill()
        pool = _idle.get(key, [])
        while pool:
            worker = pool.pop()
            if worker.alive():
                return worker
            worker.kill()
    return _Worker(key)


def keep_idle(count: int) -> None:
    """Keep up to `count` idle workers per source (a server keeps one per query it may run at once)."""
    global _MAX_IDLE
    _MAX_IDLE = max(1, count)


def warm(source: str, count: int) -> None:
    """Start `count` workers for `source` now, so the first queries do not wait for them."""
    started = [_Worker(source) for _ in range(count)]
    for worker in started:
        _checkin(source, worker)


# In-memory stores shared with workers by name: a worker forked from this process finds the store here, in
# its copy of this process's memory, without loading anything.
_shared: dict[str, ox.Store] = {}
_shared_keys = itertools.count()
_MEMORY = "memory:"


def share(store: ox.Store, replacing: str | None = None) -> str:
    """Make an in-memory store that is no longer changed available to pooled workers; returns its source key
    (`memory:N`, never used before) for execute(). Workers forked from now on find the store in their copy of
    memory. A changed graph is shared as a new store, `replacing` the old key: the old store is let go, and
    idle workers of it are stopped once the new key is used."""
    key = f"{_MEMORY}{next(_shared_keys)}"
    _shared[key] = store
    if replacing is not None:
        _shared.pop(replacing, None)
    return key


def retire(key: str) -> None:
    """Let go of the store shared under `key` (see share): workers forked from now on no longer find it, its
    idle workers are stopped now and its busy ones once they have answered. Only for a key nothing will use
    again: a worker started for it could not open the store."""
    with _lock:
        _shared.pop(key, None)
        workers = _idle.pop(key, [])
    for worker in workers:
        worker.kill()


def _checkin(key: str | None, worker: _Worker) -> None:
    with _lock:
        let_go = key is not None and key.startswith(_MEMORY) and key not in _shared  # see retire()
        pool = _idle.setdefault(key, []) if not let_go else []
        if not let_go and len(pool) < _MAX_IDLE:
            pool.append(worker)
            return
    worker.kill()


def shutdown() -> None:
    """Stop all idle workers (they are also stopped when the program ends)."""
    with _lock:
        workers = [w for pool in _idle.values() for w in pool]
        _idle.clear()
    for worker in workers:
        worker.kill()


atexit.register(shutdown)


def _after_fork_in_child() -> None:
    # A forked child must not reuse, keep open or kill its parent's workers: closing its copies of their
    # pipes lets each of them see the end of its parent.
    global _lock
    _lock = threading.Lock()
    _idle.clear()
    for worker in list(_all):
        try:
            worker.connection.close()
        except OSError:
            pass
    _all.clear()


os.register_at_fork(after_in_child=_after_fork_in_child)


# ------------------------------------------------------------------------------------------------ child


def _serve(connection: Connection, parent_end: Connection, source: Source) -> None:
    import faulthandler

    parent_end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    with contextlib.suppress(OSError):
        os.nice(10)  # runaway queries must not starve the process that answers (a server's /health)
    faulthandler.disable()  # a crash is reported by the parent, without a dump of this process's stack
    store: ox.Store | None = source if isinstance(source, ox.Store) else None
    parent = os.getppid()
    while True:
        try:
            while not connection.poll(2.0):
                if os.getppid() != parent:
                    return  # the parent is gone
            job = connection.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        started = time.perf_counter()
        try:
            if isinstance(job, LocalJob):
                if store is None:
                    store = _open(source)
                answer = _run_local(store, job)
            elif isinstance(job, UpdateJob):
                assert store is not None, "updates are tried on a store object, in a worker of its own"
                answer = _run_update(store, job)
            else:
                answer = _run_http(job)
            answer.seconds = time.perf_counter() - started
            reply: Answer | _Failure = answer
        except QueryError as error:
            reply = _Failure(type(error).__name__, error.en, error.nl)
        except (SyntaxError, ValueError, OSError, RuntimeError, TypeError) as error:
            failure = _query_error(error)
            reply = _Failure("QueryError", failure.en, failure.nl)
        try:
            connection.send(reply)
        except (BrokenPipeError, OSError):
            return


def _open(source: Source) -> ox.Store:
    assert isinstance(source, str)
    if source in _shared:
        return _shared[source]
    try:
        return ox.Store.read_only(source)
    except OSError as error:
        raise QueryError(f"The store in {source} cannot be opened ({error}). Run `kennisgraaf build` again.",
                         f"De store in {source} kan niet worden geopend ({error}). Voer `kennisgraaf build` "
                         f"opnieuw uit.") from None


def _run_update(store: ox.Store, job: UpdateJob) -> Answer:
    """Apply the update to this worker's copy of the store; the answer is the whole changed graph (N-Quads)."""
    try:
        store.update(job.update)
    except SyntaxError as error:
        raise QueryError(f"The update is not valid SPARQL: {error}",
                         f"De update is geen geldige SPARQL: {error}") from None
    data = store.dump(format=ox.RdfFormat.N_QUADS)
    assert data is not None
    return Answer("update", data)


def _query_error(error: BaseException) -> QueryError:
    text = str(error).strip() or type(error).__name__
    if isinstance(error, SyntaxError):
        return QueryError(f"The query is not valid SPARQL: {text}", f"De query is geen geldige SPARQL: {text}")
    return QueryError(f"The query failed: {text}", f"De query is mislukt: {text}")


class _Enough(Exception):
    """Raised from the output writer to stop a serialiser once it has written enough lines."""


class _LineLimitedWriter:
    """Collects a line-based serialisation (TSV, N-Triples: one line per row or triple) up to `lines` lines."""

    def __init__(self, lines: int) -> None:
        self.lines = lines
        self.buffer = bytearray()
        self.count = 0

    def write(self, chunk: bytes) -> int:
        self.buffer += chunk
        self.count += bytes(chunk).count(b"\n")
        if self.count > self.lines:
            raise _Enough()
        return len(chunk)

    def flush(self) -> None:
        pass

    def result(self) -> tuple[bytes, bool]:
        if self.count <= self.lines:
            return bytes(self.buffer), False
        end = -1
        for _ in range(self.lines):
            end = self.buffer.index(b"\n", end + 1)
        return bytes(self.buffer[: end + 1]), True


def _limited(serialize: Any, lines: int) -> tuple[bytes, bool]:
    """Runs `serialize(writer)` until it has written `lines` lines (and one more, to know there are more)."""
    writer = _LineLimitedWriter(lines)
    try:
        serialize(writer)
    except _Enough:
        pass
    return writer.result()


def _answer(results: Any, limit: int) -> Answer:
    if isinstance(results, ox.QueryBoolean):
        return Answer("ask", boolean=bool(results))
    if isinstance(results, ox.QuerySolutions):
        data, truncated = _limited(lambda out: results.serialize(out, ox.QueryResultsFormat.TSV),
                                   limit + 1)  # the header and `limit` rows
        return Answer("select", data, truncated=truncated)
    data, truncated = _limited(lambda out: ox.serialize(results, out, ox.RdfFormat.N_TRIPLES), limit)
    return Answer("graph", data, truncated=truncated)


def _run_local(store: ox.Store, job: LocalJob) -> Answer:
    return _answer(run_here(store, job), job.limit)


def run_here(store: ox.Store, job: LocalJob) -> Any:
    """The results of `job` on `store`, evaluated in this process as they are read (pyoxigraph's
    QuerySolutions, QueryBoolean or QueryTriples). Nothing stops it: only for a query known to be quick."""
    options: dict[str, Any] = {}
    if job.default_graph is not None:
        options["default_graph"] = [ox.NamedNode(iri) for iri in job.default_graph]
    elif job.union:
        options["use_default_graph_as_union"] = True
    if job.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(iri) for iri in job.named_graphs]
    return store.query(job.query, **options)


# Result formats we ask endpoints for, most wanted first.
_ACCEPT = ("application/sparql-results+json, application/sparql-results+xml;q=0.9, "
           "text/tab-separated-values;q=0.8, application/n-triples;q=0.9, text/turtle;q=0.8, "
           "application/rdf+xml;q=0.5")
_RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "text/csv": None,  # CSV loses term types: not accepted
}
_GRAPH_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


_GRAPH_ACCEPT = ("application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5, "
                 "application/sparql-results+json;q=0.1")


def endpoint_credentials(environ: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """(user, password) for SPARQL endpoints, from the file named by KENNISGRAAF_SPARQL_CREDENTIALS_FILE or
    from KENNISGRAAF_SPARQL_CREDENTIALS (user:password); None when neither is set."""
    environ = os.environ if environ is None else environ
    where = f"the variable {CREDENTIALS_VARIABLE}"
    value = environ.get(CREDENTIALS_VARIABLE, "")
    if environ.get(CREDENTIALS_FILE_VARIABLE):
        where = f"the file {environ[CREDENTIALS_FILE_VARIABLE]}"
        try:
            lines = Path(environ[CREDENTIALS_FILE_VARIABLE]).read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise QueryError(f"The credentials file {environ[CREDENTIALS_FILE_VARIABLE]} ({CREDENTIALS_FILE_VARIABLE}) "
                             f"cannot be read: {error}.",
                             f"Het bestand met inloggegevens {environ[CREDENTIALS_FILE_VARIABLE]} "
                             f"({CREDENTIALS_FILE_VARIABLE}) is niet te lezen: {error}.") from None
        value = next((line for line in lines if line.strip()), "")
    if not value:
        return None
    user, colon, password = value.strip("\r\n").partition(":")
    if not colon or not user:
        raise QueryError(f"The credentials in {where} are not of the form user:password.",
                         f"De inloggegevens in {where} hebben niet de vorm gebruiker:wachtwoord.")
    return user, password


class _SameHostRedirects:
    """Makes urllib follow a redirect only to the endpoint's own scheme, host and port."""

    @staticmethod
    def handler(endpoint: str) -> Any:
        import urllib.parse
        import urllib.request

        origin = urllib.parse.urlsplit(endpoint)[:2]

        class Handler(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
                target = urllib.parse.urlsplit(urllib.parse.urljoin(req.full_url, newurl))
                if target[:2] != origin:
                    raise QueryError(
                        f"The endpoint {endpoint} redirected the query to {target.scheme}://{target.netloc}, another "
                        f"host, which kennisgraaf does not follow. Configure the endpoint's final address.",
                        f"Het endpoint {endpoint} stuurde de query door naar {target.scheme}://{target.netloc}, een "
                        f"andere host, en daar volgt kennisgraaf niet. Stel het uiteindelijke adres van het endpoint "
                        f"in.")
                return super().redirect_request(req, fp, code, msg, headers, newurl)

        return Handler()


class _Capped:
    """A response read up to MAX_ANSWER_BYTES: a parser reading past that gets an error."""

    def __init__(self, response: Any, endpoint: str) -> None:
        self.response = response
        self.endpoint = endpoint
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.response.read(size if size is not None and size >= 0 else MAX_ANSWER_BYTES + 1)
        self.read_bytes += len(chunk)
        if self.read_bytes > MAX_ANSWER_BYTES:
            raise QueryError(f"The endpoint {self.endpoint} sent an answer larger than "
                             f"{MAX_ANSWER_BYTES // 2**20} MB; ask for less (a LIMIT).",
                             f"Het endpoint {self.endpoint} stuurde een antwoord groter dan "
                             f"{MAX_ANSWER_BYTES // 2**20} MB; vraag om minder (een LIMIT).")
        return bytes(chunk)


def _run_http(job: HttpJob) -> Answer:
    import urllib.error
    import urllib.parse
    import urllib.request

    from ..sparqltext import shape

    fields: list[tuple[str, str]] = [("query", job.query)]
    fields += [("default-graph-uri", iri) for iri in job.default_graph or ()]
    fields += [("named-graph-uri", iri) for iri in job.named_graphs or ()]
    body = urllib.parse.urlencode(fields).encode("utf-8")
    graph = shape(job.query).form in ("CONSTRUCT", "DESCRIBE")  # Virtuoso answers those as table if let
    request = urllib.request.Request(job.endpoint, data=body, method="POST", headers={
        "Accept": _GRAPH_ACCEPT if graph else _ACCEPT,
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": "kennisgraaf",
    })
    handlers: list[Any] = [_SameHostRedirects.handler(job.endpoint)]
    if job.credentials is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, job.endpoint, *job.credentials)
        handlers += [urllib.request.HTTPDigestAuthHandler(passwords), urllib.request.HTTPBasicAuthHandler(passwords)]
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=job.timeout) as response:
            content_type = response.headers.get_content_type()
            return _parse_answer(_Capped(response, job.endpoint), content_type, job)
    except urllib.error.HTTPError as error:
        detail = error.read(2000).decode("utf-8", "replace").strip()
        raise QueryError(f"The endpoint {job.endpoint} refused the query (HTTP {error.code}): {detail}",
                         f"Het endpoint {job.endpoint} weigerde de query (HTTP {error.code}): {detail}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):  # the endpoint took as long as the query may: a time-out
            raise _timed_out(job.timeout) from None
        raise QueryError(f"The endpoint {job.endpoint} cannot be reached: {reason}.",
                         f"Het endpoint {job.endpoint} is niet bereikbaar: {reason}.") from None


def _parse_answer(data: _Capped, content_type: str, job: HttpJob) -> Answer:
    """The answer read from the response as it is parsed: a SELECT stops reading after the row limit."""
    try:
        if content_type in _RESULT_FORMATS and _RESULT_FORMATS[content_type] is not None:
            results = ox.parse_query_results(data, format=_RESULT_FORMATS[content_type])  # type: ignore[arg-type]
            return _answer(results, job.limit)
        if content_type in _GRAPH_FORMATS:
            triples = (quad.triple for quad in ox.parse(data, format=_GRAPH_FORMATS[content_type]))  # type: ignore
            return _answer(triples, job.limit)
    except SyntaxError as error:
        raise QueryError(f"The endpoint {job.endpoint} answered with {content_type} that kennisgraaf cannot read: "
                         f"{error}",
                         f"Het endpoint {job.endpoint} antwoordde met {content_type} dat kennisgraaf niet kan lezen: "
                         f"{error}") from None
    raise QueryError(f"The endpoint {job.endpoint} answered in a format kennisgraaf does not read "
                     f"({content_type}).",
                     f"Het endpoint {job.endpoint} antwoordde in een formaat dat kennisgraaf niet leest "
                     f"({content_type}).")


def store_folder(path: Path) -> str:
    """The key a store folder is known by: its resolved path."""
    return str(path.resolve())
