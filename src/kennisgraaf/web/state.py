"""What a running server holds: the in-memory copy of the build (or the address of the SPARQL endpoint it serves
from, the setting sparql_endpoint), the workers' source key, its limits and its caches, and the plans of the
query requests it has read. A server swaps in a new ServerState when it reloads (web.reload); each request keeps
the one it started with (`state_of`).

The graph is copied into memory in a thread kept for that (`load_in_background`), never on the event loop's
thread: the copy leaves the C allocator's arena of the thread that made it full of scattered free chunks,
and on a thread whose arena is like that, each query the engine parses takes about twice as long (measured:
50 against 90-100 µs for a short SELECT). The event loop parses the quick queries it runs itself, and the
workers forked from it inherit its arena, so it is kept clean; the workers are forked from it too.

Where a query runs is decided in one place, `ServerState.job`: a `worker.LocalJob` on the in-memory copy, or a
`worker.HttpJob` for the endpoint; both run in a worker process that is stopped at the query timeout, so the
pages, the canned queries and /sparql keep the same limits either way.

May import: the foundation (config, errors), queries (workers, Target), web.protocol.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread
import pyoxigraph as ox
from starlette.requests import Request

from ..config import Settings
from ..errors import QueryError
from ..namespaces import PUBLICATION, PUBLICATION_MANIFEST
from ..queries import worker
from ..queries.running import Target
from ..store.builds import current_release
from ..store.vocabulary import Vocabulary, read_vocabulary, vocabulary_of
from .protocol import MediaType

__all__ = ["SHORT_REQUEST", "Busy", "Plan", "ServerState", "check_endpoint", "claims_alone", "count_triples",
           "facts_alone", "load_in_background", "load_state", "state_of"]

T = TypeVar("T")
log = logging.getLogger("kennisgraaf.serve")
Job = worker.LocalJob | worker.HttpJob


class Busy(Exception):
    """As many queries as allowed are running."""


@dataclass(frozen=True)
class Plan:
    """A query request read once: the job for a worker, the format of the answer (and what it was chosen
    from), and whether a run in the server process may answer it once it has proved quick (`stable`: it does
    the same work each time, see sparqltext.may_vary), and the warnings about its terms (queries.terms)."""

    job: Job
    media: MediaType
    stable: bool
    accept: str | None = None
    fmt: str | None = None
    warnings: tuple[str, ...] = ()
    facts: bool = False  # it reads the default graph only: answered from the store of the facts alone
    claims: bool = False  # it reads named graphs and ignores repeats: answered from the store of the claims alone
    etag: str | None = None  # GET of a query that does the same each time: its answer's ETag (web.caching)
    cache_control: str | None = None


SHORT_REQUEST = 16384  # longer requests and queries are not remembered (plans, quick queries): a bound on memory


@dataclass
class ServerState:
    """What the running server holds: the in-memory graph (None when it serves from `endpoint`), the workers'
    source key, limits and caches."""

    settings: Settings
    store: ox.Store | None
    key: str
    triples: int
    timeout: float
    limit: int
    max_length: int
    max_running: int
    max_body: int
    allow_update: bool
    vocabulary: Vocabulary | None = None  # the classes and properties the graph uses, to check queries against
    # The default graph alone, in a store of its own: Oxigraph's in-memory store scans a pattern over every graph
    # that holds the triple, so a query of the facts alone runs up to twice as fast there as on `store`, where
    # each fact is also in its claims.
    facts: ox.Store | None = None
    facts_key: str = ""
    # The named graphs alone (and the triples of the default graph no claim states), read with the default graph
    # as the union of all graphs: that union repeats a triple once per claim that states it, so it serves only
    # queries whose answer ignores repeats (sparqltext.ignores_repeats); for those that use GRAPH it is the
    # cheaper store, each pattern scanning one copy of the claims' triples instead of two.
    claims: ox.Store | None = None
    claims_key: str = ""
    release: Path | None = None  # the build folder the graph was copied from
    report: dict[str, Any] = field(default_factory=dict)  # its report.json
    content_hash: str = ""  # the build's content hash (report.json)
    fingerprint: str = ""  # what answers depend on besides the graph: settings, code (see _fingerprint)
    generation: int = 0  # updates applied to the in-memory copy
    version: str = ""  # what answers depend on, besides the request: "content_hash.generation.fingerprint"
    requests: int = 0  # requests being answered from this state (counted by web.reload.Pinned)
    inline_seconds: float = 0.0
    endpoint: str | None = None  # the SPARQL endpoint the graph is served from, instead of `store`
    credentials: tuple[str, str] | None = field(default=None, repr=False)  # for `endpoint`, when it asks
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

    @property
    def source(self) -> str | None:
        """What the workers run jobs on: the shared in-memory store's key, or None for the endpoint."""
        return None if self.endpoint is not None else self.key

    def job(self, query: str, limit: int | None = None, default_graph: tuple[str, ...] | None = None,
            named_graphs: tuple[str, ...] | None = None, union: bool = False) -> Job:
        """The job for a query (already checked), where this server's graph is: the one place that decides.
        `union`: for the store of the claims alone (see `claims`)."""
        limit = self.limit if limit is None else limit
        if self.endpoint is not None:
            return worker.HttpJob(self.endpoint, query, limit, self.timeout, default_graph, named_graphs,
                                  self.credentials)
        return worker.LocalJob(query, limit, default_graph, named_graphs, union)

    def warm(self) -> None:
        """Start a few workers now, so that the first queries do not wait for them. Called on the event loop's
        thread: a worker forked from the thread that loaded the graph would parse in that thread's arena."""
        if self.source is not None:
            worker.warm(self.source, min(self.max_running, 4))

    def run(self, job: Job) -> worker.Answer:
        """Run `job` in a worker and wait for it (in a thread: see `call`)."""
        return worker.execute(self.source, job, self.timeout)

    def target(self) -> Target:
        """A queries.Target for canned queries and labels: runs on the same workers (or the same endpoint)."""
        return Target(self.source, endpoint=self.endpoint, timeout=self.timeout, limit=self.limit,
                      max_length=self.max_length, base_iri=self.base_iri, language=self.settings.language, web=True,
                      credentials=self.credentials)

    async def call(self, function: Callable[[], T]) -> T:
        """Run `function` (which waits for a worker) in a thread, counted against max_concurrent_queries."""
        if self.running >= self.max_running:
            raise Busy()
        self.running += 1
        try:
            return await anyio.to_thread.run_sync(function, limiter=self.limiter)
        finally:
            self.running -= 1

    async def execute(self, job: Job, facts: bool = False, claims: bool = False) -> worker.Answer:
        """Run `job` in a worker (on the store of the facts alone when `facts`, of the claims alone when `claims`,
        see Plan), counted against max_concurrent_queries; the event loop waits for the answer without blocking."""
        if self.running >= self.max_running:
            raise Busy()
        self.running += 1
        try:
            source = self.facts_key if facts and self.facts_key else \
                self.claims_key if claims and self.claims_key else self.source
            return await worker.execute_async(source, job, self.timeout)
        finally:
            self.running -= 1

    def changed(self) -> None:
        """The in-memory graph was changed (an update): answers get new ETags. Called under `lock`."""
        self.generation += 1
        self.version = f"{self.content_hash}.{self.generation}.{self.fingerprint}"
        self.plans.clear()  # their warnings and ETags were about the graph before

    def remember_plan(self, key: Any, plan: Plan) -> None:
        if len(self.plans) >= 1024:
            self.plans.clear()
        self.plans[key] = plan

    def remember_quick(self, job: Job, answer: worker.Answer) -> None:
        """Let `job` run in this process from now on: it took a worker at most inline_seconds. On a graph that
        does not change, the same query does the same work again; the byte cap only guards against surprises."""
        if len(job.query) > SHORT_REQUEST or not isinstance(job, worker.LocalJob) or self.store is None:
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


TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"  # the default graph holds each fact once


# On a store `kennisgraaf publish` published to: the distinct triples of the graphs its manifest lists (on
# Virtuoso, whose default graph also holds its own system graphs, that is the graph as published).
PUBLISHED_TRIPLES = f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{
  {{ GRAPH <{PUBLICATION_MANIFEST}> {{ ?entry <{PUBLICATION}graph> ?name }} BIND(IRI(STR(?name)) AS ?g)
    GRAPH ?g {{ ?s ?p ?o }} }}
  UNION {{ GRAPH <{PUBLICATION_MANIFEST}> {{ ?entry <{PUBLICATION}defaultGraph> ?default }} ?s ?p ?o }}
}} }}"""
DISTINCT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


def check_endpoint(settings: Settings) -> int:
    """The number of triples the endpoint of the setting sparql_endpoint serves: those of the graphs published
    there (its manifest), else of its default graph. QueryError, for people, when it cannot be asked."""
    endpoint = str(settings.get("sparql_endpoint"))
    credentials = worker.endpoint_credentials()
    timeout = float(settings.get("query_timeout"))

    def count(query: str) -> int:
        answer = worker.execute(None, worker.HttpJob(endpoint, query, 1, timeout, credentials=credentials), timeout)
        solutions = ox.parse_query_results(answer.data, format=ox.QueryResultsFormat.TSV)
        assert isinstance(solutions, ox.QuerySolutions)
        for row in solutions:
            return int(row[0].value) if row[0] is not None else 0
        return 0

    try:
        return count(PUBLISHED_TRIPLES) or count(DISTINCT_TRIPLES)
    except QueryError as error:
        raise QueryError(f"The setting sparql_endpoint names {endpoint}, which cannot serve the graph: {error.en}",
                         f"De instelling sparql_endpoint noemt {endpoint}, dat de graaf niet kan leveren: "
                         f"{error.nl}") from None


def load_state(settings: Settings) -> ServerState:
    """Copy the current build into memory and start the workers; or, with the setting sparql_endpoint, count
    the triples the endpoint serves (once) and serve from it. Everything is read from the one release
    `build/current` points at when this starts, even if a build swaps the link meanwhile."""
    if settings.get("sparql_endpoint"):
        return _remote_state(settings)
    release = current_release(settings)
    try:
        report: dict[str, Any] = json.loads((release / "report.json").read_text("utf-8"))
    except (OSError, ValueError):
        report = {}
    on_disk = ox.Store.read_only(str(release / "store"))
    memory = ox.Store()
    dump = on_disk.dump(format=ox.RdfFormat.N_QUADS)
    assert dump is not None
    memory.bulk_load(dump, ox.RdfFormat.N_QUADS)
    del on_disk
    triples = count_triples(memory, TRIPLES)
    max_running = int(settings.get("max_concurrent_queries"))
    allow_update = bool(settings.get("allow_update"))
    # A build folder made without `kennisgraaf build` (the benchmarks') has no hash: its name stands in for one.
    content_hash = str(report.get("content_hash") or hashlib.sha256(str(release).encode()).hexdigest())
    fingerprint = _fingerprint(settings)
    vocabulary = read_vocabulary(release) or vocabulary_of(memory)
    facts = facts_alone(memory)
    claims = claims_alone(memory)
    state = ServerState(  # shared with workers last: a build that fails to load leaves nothing behind
        settings=settings, store=memory, key=worker.share(memory), triples=triples, release=release,
        report=report, content_hash=content_hash, fingerprint=fingerprint, version=f"{content_hash}.0.{fingerprint}",
        timeout=float(settings.get("query_timeout")), limit=int(settings.get("result_limit")),
        max_length=int(settings.get("max_query_length")), max_running=max_running,
        max_body=int(settings.get("max_body_size")), allow_update=allow_update,
        vocabulary=vocabulary, facts=facts, facts_key=worker.share(facts),
        claims=claims, claims_key=worker.share(claims) if claims is not None else "",
        # With updates a quick query can turn into a runaway one, which nothing could stop in this process.
        inline_seconds=0.0 if allow_update else min(float(settings.get("inline_query_ms")) / 1000,
                                                    float(settings.get("query_timeout")) / 10),
    )
    worker.keep_idle(max_running)
    return state


_loader: concurrent.futures.ThreadPoolExecutor | None = None


async def load_in_background(settings: Settings) -> ServerState:
    """load_state(settings) in the thread kept for loading graphs (see the module), without holding up the
    event loop; then a few workers, forked from the calling thread (the event loop's)."""
    global _loader
    if _loader is None:  # one thread, kept for the life of the process: its arena is never handed to another
        _loader = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="kennisgraaf-load")
    state = await asyncio.get_running_loop().run_in_executor(_loader, load_state, settings)
    state.warm()
    return state


def _remote_state(settings: Settings) -> ServerState:
    if settings.get("allow_update"):
        log.warning("allow_update does not apply to a remote store: its SPARQL Update is never forwarded")
    max_running = int(settings.get("max_concurrent_queries"))
    state = ServerState(
        settings=settings, store=None, key="", triples=check_endpoint(settings),
        timeout=float(settings.get("query_timeout")), limit=int(settings.get("result_limit")),
        max_length=int(settings.get("max_query_length")), max_running=max_running,
        max_body=int(settings.get("max_body_size")), allow_update=False, inline_seconds=0.0,
        endpoint=str(settings.get("sparql_endpoint")), credentials=worker.endpoint_credentials(),
    )
    worker.keep_idle(max_running)
    return state


_ANSWER_SETTINGS = ("base_iri", "language", "result_limit")  # the settings answers depend on, besides the graph
_TEMPLATES = Path(__file__).resolve().parent / "templates"


def _fingerprint(settings: Settings) -> str:
    """What answers depend on besides the request and the graph: the settings that change answers, and the
    code that writes them (the package version, and the page templates as they are on disk, so a changed
    template is not answered 304 after a restart). The same in every server process."""
    from importlib.metadata import version

    parts = [version("kennisgraaf"), *(str(settings.get(name)) for name in _ANSWER_SETTINGS)]
    parts += sorted(f"{p.name}:{p.stat().st_mtime_ns}:{p.stat().st_size}" for p in _TEMPLATES.iterdir())
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=8).hexdigest()


def facts_alone(store: ox.Store) -> ox.Store:
    """A store holding the default graph of `store` (every fact once) and nothing else."""
    facts = ox.Store()
    triples = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    if triples:
        facts.bulk_load(triples, ox.RdfFormat.N_TRIPLES)
    return facts


# The triples of the default graph that no named graph holds (in a build: those of the source documents).
_UNCLAIMED = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"


def claims_alone(store: ox.Store) -> ox.Store | None:
    """A store holding the named graphs of `store` and the triples of its default graph that no named graph
    holds: read with the default graph as the union of all graphs, it has the same named graphs and the same
    triples in its default graph as `store`, but a triple stated by n claims comes n times. None when `store`
    has no named graphs (then its facts alone are all there is)."""
    if next(iter(store.named_graphs()), None) is None:
        return None
    claims = ox.Store()
    # The quads pass through Python once, at load: Oxigraph dumps only one graph at a time, and a bulk load
    # per claim costs more than this.
    claims.bulk_extend(quad for quad in store.quads_for_pattern(None, None, None, None)
                       if not isinstance(quad.graph_name, ox.DefaultGraph))
    unclaimed = store.query(_UNCLAIMED)
    assert isinstance(unclaimed, ox.QueryTriples)
    claims.bulk_extend(ox.Quad(triple.subject, triple.predicate, triple.object) for triple in unclaimed)
    return claims


def count_triples(store: ox.Store, query: str = TRIPLES) -> int:
    """The number of distinct triples in `store` (or the count another `query` gives)."""
    results = store.query(query)
    assert isinstance(results, ox.QuerySolutions)
    for row in results:
        return int(row[0].value)
    return 0


def state_of(request: Request) -> ServerState:
    """The state the request is answered from: the one it started with, even if the server has reloaded
    since (see web.reload.Pinned)."""
    state: ServerState | None = request.scope.get("kennisgraaf")
    if state is None:
        state = request.app.state.kennisgraaf
    assert state is not None
    return state
