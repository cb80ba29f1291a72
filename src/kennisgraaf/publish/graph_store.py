"""Publishing a store, graph by graph, to any triple store that speaks the SPARQL 1.1 Graph Store Protocol
(GSP), with SPARQL 1.1 Update as the fallback.

`publish(store, endpoint, graph_store=..., credentials=...)` compares every graph of the source with the
same graph on the target and writes only the graphs that differ, each as a whole (one GSP `PUT`, which the
store applies as one replacement of that graph). A second publish of the same source finds nothing to do and
sends no writes. What was published is recorded in a *manifest graph* on the target (by default
`MANIFEST_GRAPH`): the graphs published, and per graph a digest of the source and of what the store kept.
Only graphs listed in that manifest are ever deleted, so graphs of others in the same store are never
touched. The manifest is written before any data graph (listing the graphs about to be added), so after an
interrupted publish (Ctrl-C, a lost connection, a refused graph) the next run still knows which graphs are
its own, finds the differences that are left and completes the publication.

Graphs are compared as sets of triples, literals by value for the types stores are known to rewrite
(numbers, booleans, durations; language tags without case): Virtuoso, for one, stores "1.50"^^xsd:decimal as
"1.5". Blank nodes are compared up to renaming (canonical labels from rdflib). A store that changes a value
(Virtuoso stores "P2D"^^xsd:duration as "172800.0"^^xsd:duration) gives a warning naming the literal; the
manifest records what the store made of the graph, so the next publish does not write it again.

What happens to the source's default graph depends on the target, so that a plain query there sees each fact
once where the store allows it:

- a store whose default graph is a graph of its own (plain `oxigraph serve`, most GSP stores) gets it as its
  default graph (GSP `?default`), as a kennisgraaf build holds it: every fact once;
- a store whose default graph is the union of all its graphs (Virtuoso; `oxigraph serve
  --union-default-graph`) gets only the named graphs, plus the triples of the default graph that are in no
  named graph (in a build: the descriptions of the documents) as the named graph `rest_graph` (`REST_GRAPH`).
  The union the store queries by default then holds exactly the facts; a fact stated by two claims is in two
  graphs there, so a query without DISTINCT sees it twice. Publishing the whole default graph there as well
  would add every fact once more.

Which kind of store it is is asked of the store itself: a publish writes its manifest (a named graph) first,
and a store that then finds the manifest's triples in its default graph has a union default graph. (A dry run
on a store without a manifest asks the same of a triple of any named graph there.) With `default_graph=IRI`
the whole default graph is published as that named graph instead, on any store: for queries that name it
with FROM.

After writing, the triples of every graph are counted on the target with SPARQL (`COUNT(*)` per graph) and
compared with the source.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

from ..errors import OutputError
from ..namespaces import PUBLICATION, PUBLICATION_MANIFEST, XSD

__all__ = [
    "CREDENTIALS_FILE_VARIABLE",
    "CREDENTIALS_VARIABLE",
    "MANIFEST_GRAPH",
    "REST_GRAPH",
    "Credentials",
    "Progress",
    "PublishError",
    "PublishInterrupted",
    "PublishResult",
    "publish",
    "read_credentials",
]

MANIFEST_GRAPH = PUBLICATION_MANIFEST
PUB = PUBLICATION
CREDENTIALS_VARIABLE = "KENNISGRAAF_PUBLISH_CREDENTIALS"
CREDENTIALS_FILE_VARIABLE = "KENNISGRAAF_PUBLISH_CREDENTIALS_FILE"

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
N_TRIPLES = "application/n-triples"
_NOT_A_GRAPH_STORE = {404, 405, 406, 415, 501}  # answers of a URL that does not do GSP (for this request)
REST_GRAPH = "https://w3id.org/kennisgraaf/graph/standaard"
# The SPARQL Update fallback: at most this many triples (and bytes) per INSERT DATA operation; Virtuoso refuses
# an INSERT DATA of 2,000 triples with a duration among them ("generated SQL text has exceeded 10000 lines").
_UPDATE_TRIPLES = 250
_UPDATE_OPERATION_BYTES = 100_000
_UPDATE_REQUEST_BYTES = 4_000_000  # operations of one graph are sent in one request up to this size


class PublishError(OutputError):
    """Publishing failed: the store cannot be reached, refused the credentials or a graph, or does not hold
    afterwards what was sent. The message says what, where, and what to do."""

    exit_code = 2


class PublishInterrupted(PublishError):
    """A publish was interrupted part-way; running it again completes it."""

    exit_code = 130


# ------------------------------------------------------------------------------------------------ credentials


@dataclass(frozen=True)
class Credentials:
    """A user name and password for the target store; sent only when the store asks (HTTP digest or basic)."""

    user: str
    password: str = field(repr=False)


def read_credentials(environ: Mapping[str, str] | None = None, file: str | Path | None = None) -> Credentials | None:
    """The credentials as `user:password`, from the file `file`, else from the file named by the environment
    variable KENNISGRAAF_PUBLISH_CREDENTIALS_FILE, else from the variable KENNISGRAAF_PUBLISH_CREDENTIALS;
    None when none of these is set. (Never from the command line: other users can see a command's
    arguments.)"""
    environ = os.environ if environ is None else environ
    if file is None and environ.get(CREDENTIALS_FILE_VARIABLE):
        file = environ[CREDENTIALS_FILE_VARIABLE]
    if file is not None:
        path = Path(file)
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise PublishError(
                f"The credentials file {path} cannot be read ({error.__class__.__name__}: {error}). It should hold "
                f"one line user:password.",
                f"Het bestand met inloggegevens {path} is niet te lezen ({error.__class__.__name__}: {error}). Het "
                f"hoort één regel gebruiker:wachtwoord te bevatten.") from None
        lines = [line for line in text.splitlines() if line.strip()]
        return _parse_credentials(lines[0] if lines else "", f"the file {path}", f"het bestand {path}")
    value = environ.get(CREDENTIALS_VARIABLE)
    if value:
        return _parse_credentials(value, f"the variable {CREDENTIALS_VARIABLE}", f"de variabele {CREDENTIALS_VARIABLE}")
    return None


def _parse_credentials(value: str, where_en: str, where_nl: str) -> Credentials:
    user, colon, password = value.strip("\r\n").partition(":")
    if not colon or not user:
        raise PublishError(
            f"The credentials in {where_en} are not of the form user:password (the user name must not be empty).",
            f"De inloggegevens in {where_nl} hebben niet de vorm gebruiker:wachtwoord (de gebruikersnaam mag niet "
            f"leeg zijn).")
    return Credentials(user, password)


class _ChallengeAuth(httpx.Auth):
    """Answers a 401 with the scheme the server asks for: Digest (Virtuoso) or Basic. Nothing is sent to a
    server that does not ask, and the scheme found is kept for the next requests."""

    requires_request_body = True

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self.digest = httpx.DigestAuth(credentials.user, credentials.password)
        self.basic = httpx.BasicAuth(credentials.user, credentials.password)
        self.scheme: str | None = None

    def auth_flow(self, request: httpx.Request) -> Any:
        if self.scheme == "digest":
            yield from self.digest.auth_flow(request)
            return
        if self.scheme == "basic":
            yield from self.basic.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        challenge = response.headers.get("www-authenticate", "").lower()
        if "digest" in challenge:
            self.scheme = "digest"
            yield from self.digest.auth_flow(request)  # answers the fresh challenge of a second try
        elif "basic" in challenge:
            self.scheme = "basic"
            yield from self.basic.auth_flow(request)


# ------------------------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class Progress:
    """One step of a publish, for a progress bar: `stage` is "compare", "write", "delete" or "verify";
    `done` of `total` graphs of that stage are finished, the last one being `graph` ("" for the default
    graph)."""

    stage: str
    graph: str
    done: int
    total: int


@dataclass
class PublishResult:
    """What a publish did (or, with dry_run, would do). Graphs are given by IRI; "" is the default graph."""

    endpoint: str
    method: str  # "graph-store" or "sparql-update"
    dry_run: bool
    union_default_graph: bool = False  # the store's default graph is the union of its graphs (Virtuoso)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    triples: int = 0  # in the source
    triples_written: int = 0
    manifest_written: bool = False
    requests: int = 0
    writes: int = 0  # requests that change the store (PUT, DELETE, SPARQL Update)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.changed) + len(self.removed)

    def summary(self) -> str:
        graphs = len(self.added) + len(self.changed) + len(self.unchanged)
        verb = "Would publish" if self.dry_run else "Published"
        union = ", its default graph the union of the named graphs" if self.union_default_graph else ""
        return (f"{verb} {self.triples} triples in {graphs} graphs to {self.endpoint} ({self.method}{union}): "
                f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed, "
                f"{len(self.unchanged)} unchanged; {self.triples_written} triples written, {self.requests} "
                f"requests ({self.writes} writes) in {self.seconds:.2f} s.")


# ------------------------------------------------------------------------------------------------ publish


def publish(store: ox.Store, endpoint: str, *, graph_store: str | None = None, update_endpoint: str | None = None,
            credentials: Credentials | None = None, default_graph: str | None = None,
            rest_graph: str = REST_GRAPH, manifest_graph: str = MANIFEST_GRAPH, dry_run: bool = False,
            progress: Callable[[Progress], None] | None = None, client: httpx.Client | None = None,
            timeout: float = 60.0) -> PublishResult:
    """Make the graphs on the store at `endpoint` (its SPARQL query URL) equal to those of `store`.

    `graph_store` is the store's Graph Store Protocol URL (Oxigraph: /store; Virtuoso: /sparql-graph-crud-auth).
    Without it, or when that URL turns out not to do GSP (404, 405 or 501), graphs are written with SPARQL
    Update to `update_endpoint` (default: `endpoint`; Oxigraph: /update, Virtuoso: /sparql-auth).
    Without `default_graph`, the source's default graph goes to the store's default graph, or, when that is
    the union of the store's graphs (Virtuoso), the named graphs make it up there and its triples that are in
    no named graph go to the named graph `rest_graph`; with `default_graph` (an IRI) it is published whole as
    that named graph. `dry_run` compares and reports without writing. `progress` is called after each
    graph compared, written, deleted and after the verification. `client` is the httpx client to use (its
    own settings, e.g. event hooks, are kept).
    """
    started = time.perf_counter()
    for url, name in ((endpoint, "endpoint"), (graph_store, "graph store"), (update_endpoint, "update endpoint")):
        if url is not None and not re.match(r"https?://", url):
            raise PublishError(f"The {name} {url!r} is not an http(s) URL.", f"De {name} {url!r} is geen http(s)-URL.")
    own_client = client is None
    http = client if client is not None else httpx.Client(timeout=timeout, follow_redirects=False)
    try:
        target = _Target(http, endpoint, graph_store, update_endpoint or endpoint,
                         _ChallengeAuth(credentials) if credentials else None, timeout)
        result = _Publication(store, target, default_graph, rest_graph, manifest_graph, dry_run, progress).run()
    finally:
        if own_client:
            http.close()
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class _Graph:
    """One graph of the source, as it is to be on the target. `name` is the target graph's IRI, None for the
    target's default graph; `label` names it for people ("" for the default graph)."""

    name: str | None
    label: str
    triples: list[ox.Triple]
    keys: frozenset[str]
    digest: str


class _Publication:
    def __init__(self, store: ox.Store, target: _Target, default_graph: str | None, rest_graph: str,
                 manifest_graph: str, dry_run: bool, progress: Callable[[Progress], None] | None) -> None:
        self.target = target
        self.manifest = _Manifest(manifest_graph)
        self.dry_run = dry_run
        self.progress = progress
        self.source = _Source(store, default_graph, rest_graph)
        if manifest_graph in self.source.names or manifest_graph in (default_graph, rest_graph):
            raise PublishError(
                f"The source has a graph <{manifest_graph}>, the graph the publication is recorded in. Choose "
                f"another manifest graph.",
                f"De bron heeft een graaf <{manifest_graph}>, de graaf waarin de publicatie wordt vastgelegd. Kies "
                f"een andere manifestgraaf.")
        self.graphs: list[_Graph] = []

    def _say(self, stage: str, graph: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(Progress(stage, graph, done, total))

    def run(self) -> PublishResult:
        target = self.target
        result = PublishResult(target.endpoint, "graph-store" if target.graph_store else "sparql-update",
                               self.dry_run)
        self.written, self.to_write = 0, 0
        try:
            self._run(result)
        except KeyboardInterrupt:
            self._finish(result)
            raise PublishInterrupted(
                f"The publish to {target.endpoint} was interrupted after {self.written} of {self.to_write} graphs "
                f"to write. Every graph on the store is either its old or its new version, never a mix; run the "
                f"same publish again to complete it.",
                f"Het publiceren naar {target.endpoint} is onderbroken na {self.written} van {self.to_write} te "
                f"schrijven grafen. Elke graaf in de store is de oude of de nieuwe versie, nooit een mengsel; "
                f"voer dezelfde publicatie opnieuw uit om haar af te maken.") from None
        except PublishError as error:
            if not self.to_write or isinstance(error, PublishInterrupted):
                raise
            raise PublishError(
                f"{error.en} {self.written} of {self.to_write} graphs to write were written before this; the "
                f"others are as they were. Once the cause is fixed, the same publish again completes it.",
                f"{error.nl} {self.written} van {self.to_write} te schrijven grafen waren daarvoor geschreven; de "
                f"andere zijn zoals ze waren. Is de oorzaak opgelost, dan maakt dezelfde publicatie haar af.") \
                from None
        return self._finish(result)

    def _run(self, result: PublishResult) -> None:
        target = self.target
        named = [*self.source.names, *(g for g in (self.source.default_graph, self.source.rest_graph) if g)]
        counts = target.counts([*named, self.manifest.graph])

        # What we published before: only those graphs may ever be deleted.
        manifest_triples = target.read(self.manifest.graph, counts.get(self.manifest.graph, 0))
        entries = self.manifest.parse(manifest_triples, target.endpoint)
        manifest_keys = _keys(manifest_triples)

        # Where the default graph goes depends on whether the store's default graph is a graph of its own.
        union = False
        if self.source.has_default and self.source.default_graph is None:
            if not manifest_triples and not self.dry_run:
                self._write_manifest({}, result)  # an empty manifest, ours: written first in any case
                manifest_triples = self.manifest.triples({})
                manifest_keys = _keys(manifest_triples)
            union = target.default_is_union(self.manifest.node if manifest_triples else None)
        result.union_default_graph = union
        self.graphs = self.source.graphs(union)
        result.triples = sum(len(g.triples) for g in self.graphs)

        # Compare every graph with the store's.
        remote: dict[str | None, frozenset[str]] = {}
        stored: dict[str | None, str] = {}
        to_write: list[_Graph] = []
        for done, graph in enumerate(self.graphs, 1):
            keys = _keys(target.read(graph.name, counts.get(graph.name, 0) if graph.name is not None else None))
            remote[graph.name] = keys
            if keys == graph.keys or entries.get(graph.name) == (graph.digest, _digest(keys)):
                result.unchanged.append(graph.label)
                stored[graph.name] = _digest(keys)
            else:
                (result.changed if keys else result.added).append(graph.label)
                to_write.append(graph)
            self._say("compare", graph.label, done, len(self.graphs))
        sources = {g.name for g in self.graphs}
        to_delete = sorted((name for name in entries if name not in sources), key=lambda n: n or "")
        result.removed = [name or "" for name in to_delete]
        if self.dry_run:
            return

        # Record the graphs about to be added as ours before writing any of them.
        pending = dict(entries)
        for graph in to_write:
            pending.setdefault(graph.name, None)
        if pending != entries:
            self._write_manifest(pending, result)
            manifest_keys = _keys(self.manifest.triples(pending))

        self.to_write = len(to_write)
        for graph in to_write:
            target.write(graph.name, graph.label, graph.triples)
            self.written += 1
            result.triples_written += len(graph.triples)
            kept = _keys(target.read(graph.name, None))
            stored[graph.name] = _digest(kept)
            remote[graph.name] = kept
            self._warn_rewritten(graph, kept, result)
            self._say("write", graph.label, self.written, len(to_write))
        for done, name in enumerate(to_delete, 1):
            target.delete(name, name or "")
            self._say("delete", name or "", done, len(to_delete))
        final = {g.name: (g.digest, stored[g.name]) for g in self.graphs}
        if _keys(self.manifest.triples(final)) != manifest_keys:
            self._write_manifest(final, result)
        self._verify(remote)

    def _finish(self, result: PublishResult) -> PublishResult:
        result.method = "graph-store" if self.target.graph_store else "sparql-update"
        result.requests, result.writes = self.target.requests, self.target.writes
        return result

    def _write_manifest(self, entries: Mapping[str | None, tuple[str, str] | None], result: PublishResult) -> None:
        self.target.write(self.manifest.graph, "manifest", self.manifest.triples(entries))
        result.manifest_written = True

    def _warn_rewritten(self, graph: _Graph, kept: frozenset[str], result: PublishResult) -> None:
        if kept == graph.keys:
            return
        lost, new = graph.keys - kept, sorted(kept - graph.keys)
        sent = sorted(str(t) for t in graph.triples if _keys([t]) <= lost) or sorted(lost)
        example = f" (e.g. {sent[0]} became {new[0]})" if sent and new else ""
        result.warnings.append(
            f"The store changed graph {graph.label or 'default'} as it stored it: {len(lost)} triple(s) sent are "
            f"not in it as sent{example}. Queries on the store see the changed values. The next publish does "
            f"not write this graph again unless the source changes.")

    def _verify(self, remote: Mapping[str | None, frozenset[str]]) -> None:
        target = self.target
        named = [g for g in self.graphs if g.name is not None]
        counts = target.counts([g.name for g in named if g.name is not None])
        wrong = [f"{g.label}: {counts.get(g.name, 0)} triples instead of {len(g.triples)}"
                 for g in named if counts.get(g.name, 0) != len(g.triples)]
        wrong += [f"the default graph: {len(remote[None])} triples instead of {len(g.triples)}"
                  for g in self.graphs if g.name is None and len(remote[None]) != len(g.triples)]
        self._say("verify", "", len(self.graphs), len(self.graphs))
        if wrong:
            listed = "; ".join(wrong[:5]) + (f"; and {len(wrong) - 5} more" if len(wrong) > 5 else "")
            raise PublishError(
                f"After the upload the store at {target.endpoint} does not hold what was sent: {listed}. Another "
                f"program may be writing to these graphs, or the store dropped triples; run the publish again, "
                f"and if this stays, look at the store's log.",
                f"Na het uploaden bevat de store op {target.endpoint} niet wat er is gestuurd: {listed}. Misschien "
                f"schrijft een ander programma in deze grafen, of liet de store triples vallen; publiceer opnieuw, "
                f"en blijft dit zo, kijk dan in het logboek van de store.")


class _Source:
    """The graphs of the source store, as they are to be published."""

    def __init__(self, store: ox.Store, default_graph: str | None, rest_graph: str) -> None:
        self.default = [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
        self.has_default = bool(self.default)
        self.named: dict[str, list[ox.Triple]] = {}
        for name in sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)):
            triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(name))]
            if triples:
                self.named[name] = triples
        self.names = list(self.named)
        self.default_graph = default_graph
        self.rest_graph = rest_graph if default_graph is None and self.has_default else None
        for iri, what_en, what_nl in ((default_graph, "its default graph", "haar standaardgraaf"),
                                      (self.rest_graph, "the triples of its default graph that are in no named "
                                       "graph", "de triples van haar standaardgraaf die in geen benoemde graaf "
                                       "staan")):
            if iri is not None and iri in self.named:
                raise PublishError(
                    f"The source already has a named graph <{iri}>, so {what_en} cannot be published under that "
                    f"name. Choose another IRI.",
                    f"De bron heeft al een benoemde graaf <{iri}>, dus {what_nl} kan niet onder die naam worden "
                    f"gepubliceerd. Kies een andere IRI.")

    def graphs(self, union: bool) -> list[_Graph]:
        """The graphs to publish: to a store whose default graph is the union of its graphs (`union`), the
        named graphs and the rest of the default graph; else the default graph and the named graphs."""
        graphs: list[_Graph] = []
        if union:
            stated = {t for triples in self.named.values() for t in triples}
            rest = [t for t in self.default if t not in stated]
            if rest and self.rest_graph is not None:
                graphs.append(_graph(self.rest_graph, self.rest_graph, rest))
        elif self.default:
            graphs.append(_graph(self.default_graph, self.default_graph or "", self.default))
        graphs += [_graph(name, name, triples) for name, triples in self.named.items()]
        return graphs


def _graph(name: str | None, label: str, triples: list[ox.Triple]) -> _Graph:
    keys = _keys(triples)
    return _Graph(name, label, triples, keys, _digest(keys))


# ------------------------------------------------------------------------------------------------ manifest


class _Manifest:
    """The graph on the target that records a publication: which graphs it holds and, per graph, the digest
    of the source and of the graph as the store kept it. Graph names are literals (xsd:anyURI), so the
    manifest adds no links to the published entities when a store queries the union of its graphs."""

    def __init__(self, graph: str) -> None:
        self.graph = graph
        self.node = ox.NamedNode(graph)

    def parse(self, triples: Sequence[ox.Triple], endpoint: str) -> dict[str | None, tuple[str, str] | None]:
        if not triples:
            return {}
        if ox.Triple(self.node, RDF_TYPE, ox.NamedNode(PUB + "Publication")) not in triples:
            raise PublishError(
                f"The store at {endpoint} has a graph <{self.graph}> that is not a kennisgraaf publication "
                f"manifest, so kennisgraaf cannot tell which graphs there are its own. Leave that graph alone and "
                f"choose another manifest graph.",
                f"De store op {endpoint} heeft een graaf <{self.graph}> die geen publicatiemanifest van kennisgraaf "
                f"is, dus kennisgraaf kan niet zien welke grafen daar van haar zijn. Laat die graaf ongemoeid en "
                f"kies een andere manifestgraaf.")
        values: dict[str, dict[str, str]] = {}
        for t in triples:
            if t.subject != self.node and isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.Literal):
                values.setdefault(t.subject.value, {})[t.predicate.value.removeprefix(PUB)] = t.object.value
        entries: dict[str | None, tuple[str, str] | None] = {}
        for fields in values.values():
            name = None if fields.get("defaultGraph") == "true" else fields.get("graph")
            if name is None and fields.get("defaultGraph") != "true":
                continue
            digests = (fields["sourceDigest"], fields["storedDigest"]) \
                if "sourceDigest" in fields and "storedDigest" in fields else None
            entries[name] = digests
        return entries

    def triples(self, entries: Mapping[str | None, tuple[str, str] | None]) -> list[ox.Triple]:
        triples = [ox.Triple(self.node, RDF_TYPE, ox.NamedNode(PUB + "Publication"))]
        for name, digests in entries.items():
            entry = ox.NamedNode(f"{self.graph}#" + ("default" if name is None else
                                                     hashlib.sha256(name.encode()).hexdigest()[:20]))
            triples.append(ox.Triple(self.node, ox.NamedNode(PUB + "entry"), entry))
            if name is None:
                triples.append(ox.Triple(entry, ox.NamedNode(PUB + "defaultGraph"),
                                         ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))))
            else:
                triples.append(ox.Triple(entry, ox.NamedNode(PUB + "graph"),
                                         ox.Literal(name, datatype=ox.NamedNode(XSD + "anyURI"))))
            if digests is not None:
                triples.append(ox.Triple(entry, ox.NamedNode(PUB + "sourceDigest"), ox.Literal(digests[0])))
                triples.append(ox.Triple(entry, ox.NamedNode(PUB + "storedDigest"), ox.Literal(digests[1])))
        return triples


# ------------------------------------------------------------------------------------------------ the target


class _Target:
    """The store published to: reads and writes graphs with GSP, or with SPARQL when it has none."""

    def __init__(self, client: httpx.Client, endpoint: str, graph_store: str | None, update_endpoint: str,
                 auth: httpx.Auth | None, timeout: float) -> None:
        self.client = client
        self.endpoint = endpoint
        self.graph_store = graph_store
        self.update_endpoint = update_endpoint
        self.auth = auth
        self.timeout = timeout
        self.requests = 0
        self.writes = 0

    # -------------------------------------------------------------------------------- HTTP

    def _send(self, method: str, url: str, what: str, write: bool = False, **arguments: Any) -> httpx.Response:
        self.requests += 1
        self.writes += write
        try:
            response = self.client.request(method, url, auth=self.auth or httpx.USE_CLIENT_DEFAULT,
                                           timeout=self.timeout, **arguments)
        except httpx.TimeoutException:
            raise PublishError(
                f"The store at {url} did not answer within {self.timeout:g} s while {what}. It may be busy or "
                f"down; try again later.",
                f"De store op {url} antwoordde niet binnen {self.timeout:g} s bij het {_dutch(what)}. Misschien is hij "
                f"druk of uit; probeer het later opnieuw.") from None
        except httpx.TransportError as error:
            raise PublishError(
                f"The store at {url} cannot be reached ({error.__class__.__name__}: {error}). Check the URL and "
                f"that the store is running.",
                f"De store op {url} is niet bereikbaar ({error.__class__.__name__}: {error}). Controleer de URL en "
                f"of de store draait.") from None
        if response.status_code == 401:
            if self.auth is None:
                raise PublishError(
                    f"The store at {url} asks for a user name and password (HTTP 401) while {what}. Put them, as "
                    f"user:password, in the environment variable {CREDENTIALS_VARIABLE} or in a file named by "
                    f"{CREDENTIALS_FILE_VARIABLE}.",
                    f"De store op {url} vraagt om een gebruikersnaam en wachtwoord (HTTP 401) bij het {_dutch(what)}. Zet "
                    f"ze, als gebruiker:wachtwoord, in de omgevingsvariabele {CREDENTIALS_VARIABLE} of in een "
                    f"bestand dat {CREDENTIALS_FILE_VARIABLE} noemt.")
            raise PublishError(
                f"The store at {url} refused the user name and password (HTTP 401) while {what}. Check the "
                f"credentials in {CREDENTIALS_VARIABLE} or {CREDENTIALS_FILE_VARIABLE}.",
                f"De store op {url} weigerde de gebruikersnaam en het wachtwoord (HTTP 401) bij het {_dutch(what)}. "
                f"Controleer de inloggegevens in {CREDENTIALS_VARIABLE} of {CREDENTIALS_FILE_VARIABLE}.")
        if response.status_code == 403:
            raise PublishError(
                f"The store at {url} does not allow this user to do this (HTTP 403) while {what}: "
                f"{_detail(response)} Publish with a user that may write (credentials in {CREDENTIALS_VARIABLE}), "
                f"to the store's authenticated URL (Virtuoso: /sparql-graph-crud-auth and /sparql-auth).",
                f"De store op {url} staat deze gebruiker dit niet toe (HTTP 403) bij het {_dutch(what)}: "
                f"{_detail(response)} Publiceer met een gebruiker die mag schrijven (inloggegevens in "
                f"{CREDENTIALS_VARIABLE}), naar de URL met aanmelding (Virtuoso: /sparql-graph-crud-auth en "
                f"/sparql-auth).")
        return response

    def _refused(self, response: httpx.Response, what_en: str, what_nl: str) -> PublishError:
        return PublishError(
            f"The store at {response.request.url.copy_with(query=None)} refused {what_en} (HTTP "
            f"{response.status_code}): {_detail(response)}",
            f"De store op {response.request.url.copy_with(query=None)} weigerde {what_nl} (HTTP "
            f"{response.status_code}): {_detail(response)}")

    def _query(self, text: str, accept: str) -> httpx.Response:
        response = self._send("POST", self.endpoint, "querying", data={"query": text}, headers={"Accept": accept})
        if response.status_code != 200:
            raise self._refused(response, "a query of kennisgraaf", "een query van kennisgraaf")
        return response

    # -------------------------------------------------------------------------------- reading

    def counts(self, graphs: Sequence[str]) -> dict[str, int]:
        """The number of triples of each of these named graphs on the store (absent: not there)."""
        counts: dict[str, int] = {}
        for start in range(0, len(graphs), 200):
            values = " ".join(f"<{g}>" for g in graphs[start:start + 200])
            response = self._query(
                f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g",
                "application/sparql-results+json")
            try:
                for row in response.json()["results"]["bindings"]:
                    counts[row["g"]["value"]] = int(row["n"]["value"])
            except (ValueError, KeyError, TypeError) as error:
                raise self._not_json(error, "a SPARQL query", "een SPARQL-query") from None
        return counts

    def default_is_union(self, manifest: ox.NamedNode | None) -> bool:
        """Whether the store's default graph is the union of its named graphs: whether the manifest (a named
        graph) is seen in the default graph; without a manifest, whether a triple of some named graph is."""
        if manifest is not None:
            return self._ask(f"ASK {{ {manifest} {RDF_TYPE} <{PUB}Publication> }}")
        response = self._query("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1",
                               "application/sparql-results+xml")
        try:
            solutions = list(ox.parse_query_results(response.content,
                                                    format=ox.QueryResultsFormat.XML))  # type: ignore[arg-type]
        except SyntaxError:
            solutions = []
        if not solutions or any(term is None or isinstance(term, ox.BlankNode) for term in solutions[0]):
            return False  # no named graph to look for (or only a blank node, which cannot be asked for)
        s, p, o = solutions[0]
        return self._ask(f"ASK {{ {s} {p} {o} }}")

    def _ask(self, text: str) -> bool:
        response = self._query(text, "application/sparql-results+json")
        try:
            return bool(response.json()["boolean"])
        except (ValueError, KeyError, TypeError) as error:
            raise self._not_json(error, "an ASK query", "een ASK-query") from None

    def _not_json(self, error: Exception, query_en: str, query_nl: str) -> PublishError:
        """The error for an answer that is not SPARQL JSON results (the URL is probably not a SPARQL endpoint)."""
        why = f"{error.__class__.__name__}: {error}"
        return PublishError(
            f"The endpoint {self.endpoint} did not answer {query_en} with SPARQL JSON results ({why}). Is it the "
            f"store's SPARQL query URL?",
            f"Het endpoint {self.endpoint} beantwoordde {query_nl} niet met SPARQL-JSON-resultaten ({why}). Is het "
            f"de SPARQL-query-URL van de store?")

    def read(self, graph: str | None, count: int | None) -> list[ox.Triple]:
        """The triples of a graph on the store (None: the default graph). `count` is its size as the
        store's SPARQL endpoint gives it: 0 means the graph is not there, so it is not fetched."""
        if count == 0:
            return []
        if self.graph_store is not None:
            response = self._send("GET", self.graph_store, f"reading graph {graph or 'default'}",
                                  params=_graph_parameter(graph), headers={"Accept": f"{N_TRIPLES}, text/turtle;q=0.9"})
            if response.status_code == 200:
                return _parse(response, graph)
            if response.status_code == 404 and count is None:
                return []  # a graph store has no such graph
            if graph is None and response.status_code >= 500:
                raise self._no_default_graph(response)
            if response.status_code not in _NOT_A_GRAPH_STORE:
                raise self._refused(response, f"to send graph {graph or 'default'}",
                                    f"graaf {graph or 'standaard'} te sturen")
            self.graph_store = None  # the SPARQL endpoint knows the graph, the graph store URL does not: no GSP
        # (The default graph is read only from a store whose default graph is a graph of its own.)
        pattern = "?s ?p ?o" if graph is None else f"GRAPH <{graph}> {{ ?s ?p ?o }}"
        response = self._query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {pattern} }}", f"{N_TRIPLES}, text/turtle;q=0.9")
        return _parse(response, graph)

    def _no_default_graph(self, response: httpx.Response | None) -> PublishError:
        detail = f" (HTTP {response.status_code}: {_detail(response)})" if response is not None else ""
        return PublishError(
            f"The source has triples in its default graph, and the graph store of {self.endpoint} cannot take "
            f"them there{detail}, though the store does not seem to make its default graph the union of its "
            f"graphs. Publish the default graph to a named graph instead (default_graph=IRI; on the command "
            f"line --default-graph IRI, e.g. https://w3id.org/kennisgraaf/graph/feiten).",
            f"De bron heeft triples in haar standaardgraaf, en de graph store van {self.endpoint} kan die daar "
            f"niet opnemen{detail}, al lijkt de store zijn standaardgraaf niet de vereniging van zijn grafen te "
            f"maken. Publiceer de standaardgraaf dan in een benoemde graaf (default_graph=IRI; op de opdrachtregel "
            f"--default-graph IRI, bijv. https://w3id.org/kennisgraaf/graph/feiten).")

    # -------------------------------------------------------------------------------- writing

    def write(self, graph: str | None, label: str, triples: Sequence[ox.Triple]) -> None:
        """Replace the graph on the store with these triples, as a whole."""
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        if self.graph_store is not None:
            response = self._send("PUT", self.graph_store, f"writing graph {label or 'default'}", True,
                                  params=_graph_parameter(graph), content=body,
                                  headers={"Content-Type": N_TRIPLES})
            if response.status_code in (200, 201, 204):
                return
            if response.status_code not in _NOT_A_GRAPH_STORE:
                if graph is None and response.status_code >= 500:
                    raise self._no_default_graph(response)
                raise self._refused(response, f"graph {label or 'default'}", f"graaf {label or 'standaard'}")
            self.graph_store = None  # not a graph store: nothing was written, write with SPARQL Update
        # One request per graph where it fits (a store that runs a request as one transaction, as Oxigraph
        # does, then replaces the graph as a whole; Virtuoso runs the operations one by one), of operations
        # that are each small enough for Virtuoso.
        requests = [["DROP SILENT DEFAULT" if graph is None else f"DROP SILENT GRAPH <{graph}>"]]
        size = 0
        for insert in _batches(body.decode("utf-8").splitlines()):
            operation = f"INSERT DATA {{\n{insert}\n}}" if graph is None else \
                f"INSERT DATA {{ GRAPH <{graph}> {{\n{insert}\n}} }}"
            if size + len(operation) > _UPDATE_REQUEST_BYTES and size:
                requests.append([])
                size = 0
            requests[-1].append(operation)
            size += len(operation)
        for operations in requests:
            self._update(" ;\n".join(operations), f"graph {label}", f"graaf {label}")

    def delete(self, graph: str | None, label: str) -> None:
        if self.graph_store is not None:
            response = self._send("DELETE", self.graph_store, f"deleting graph {label or 'default'}", True,
                                  params=_graph_parameter(graph))
            if response.status_code in (200, 202, 204, 404):
                return
            if response.status_code not in _NOT_A_GRAPH_STORE or graph is None:
                raise self._refused(response, f"to delete graph {label or 'default'}",
                                    f"graaf {label or 'standaard'} te verwijderen")
            self.graph_store = None
        self._update("DROP SILENT DEFAULT" if graph is None else f"DROP SILENT GRAPH <{graph}>",
                     f"to delete graph {label}", f"graaf {label} te verwijderen")

    def _update(self, text: str, what_en: str, what_nl: str) -> None:
        response = self._send("POST", self.update_endpoint, f"writing {what_en}", True, content=text.encode("utf-8"),
                              headers={"Content-Type": "application/sparql-update"})
        if response.status_code not in (200, 204):
            raise self._refused(response, f"{what_en} (SPARQL Update)", f"{what_nl} (SPARQL Update)")


def _batches(lines: list[str]) -> Iterable[str]:
    """N-Triples lines in batches of at most _UPDATE_TRIPLES lines and _UPDATE_OPERATION_BYTES characters."""
    batch: list[str] = []
    size = 0
    for line in lines:
        if batch and (len(batch) >= _UPDATE_TRIPLES or size + len(line) > _UPDATE_OPERATION_BYTES):
            yield "\n".join(batch)
            batch, size = [], 0
        batch.append(line)
        size += len(line) + 1
    if batch:
        yield "\n".join(batch)


_DUTCH = (("querying", "bevragen"), ("reading graph default", "lezen van de standaardgraaf"),
          ("writing graph default", "schrijven van de standaardgraaf"),
          ("deleting graph default", "verwijderen van de standaardgraaf"), ("reading graph", "lezen van graaf"),
          ("writing graph", "schrijven van graaf"), ("deleting graph", "verwijderen van graaf"),
          ("writing to delete graph", "verwijderen van graaf"), ("writing", "schrijven van"))


def _dutch(what: str) -> str:
    """What a request was doing (`_Target._send`), in Dutch."""
    for english, dutch in _DUTCH:
        if what.startswith(english):
            return dutch + what[len(english):]
    return what


def _graph_parameter(graph: str | None) -> dict[str, str]:
    return {"default": ""} if graph is None else {"graph": graph}


def _parse(response: httpx.Response, graph: str | None) -> list[ox.Triple]:
    media_type = response.headers.get("content-type", N_TRIPLES).split(";")[0].strip()
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        fmt = ox.RdfFormat.N_TRIPLES if media_type in ("text/plain", "") else None
    if fmt is None:
        raise PublishError(
            f"The store at {response.request.url.copy_with(query=None)} sent graph {graph or 'default'} as "
            f"{media_type}, which kennisgraaf does not read.",
            f"De store op {response.request.url.copy_with(query=None)} stuurde graaf {graph or 'standaard'} als "
            f"{media_type}, dat kennisgraaf niet leest.")
    try:
        return [q.triple for q in ox.parse(response.content, format=fmt)]
    except SyntaxError as error:
        raise PublishError(
            f"The store at {response.request.url.copy_with(query=None)} sent graph {graph or 'default'} as "
            f"{media_type} that cannot be read: {error}",
            f"De store op {response.request.url.copy_with(query=None)} stuurde graaf {graph or 'standaard'} als "
            f"{media_type} dat niet te lezen is: {error}") from None


def _detail(response: httpx.Response) -> str:
    """The first words of an error answer, without HTML."""
    text = re.sub(r"<[^>]+>", " ", response.text[:3000])
    text = re.sub(r"\s+", " ", text).strip()
    return (text[:400] + " …" if len(text) > 400 else text) or "(no explanation given)"


# ------------------------------------------------------------------------------------------------ comparing


def _keys(triples: Iterable[ox.Triple]) -> frozenset[str]:
    """The triples as canonical N-Triples lines: literals of numeric, boolean and duration types by value,
    language tags in lower case, blank nodes relabelled canonically."""
    normal = [ox.Triple(t.subject, t.predicate, _canonical(t.object)) for t in triples]
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in normal):
        normal = _canonical_blank_nodes(normal)
    return frozenset(str(t) for t in normal)


def _digest(keys: frozenset[str]) -> str:
    return hashlib.sha256("\n".join(sorted(keys)).encode("utf-8")).hexdigest()


_INTEGERS = {XSD + name for name in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                     "nonPositiveInteger", "positiveInteger", "negativeInteger", "unsignedLong",
                                     "unsignedInt", "unsignedShort", "unsignedByte")}
_DURATIONS = {XSD + "duration", XSD + "dayTimeDuration", XSD + "yearMonthDuration"}
_DURATION = re.compile(r"(-?)P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d*)?|\.\d+)S)?)?")


def _canonical(term: Any) -> Any:
    if not isinstance(term, ox.Literal):
        return term
    if term.language:
        return ox.Literal(term.value, language=term.language.lower())
    datatype = term.datatype.value
    value = _canonical_value(term.value.strip(), datatype)
    return term if value is None or value == term.value else ox.Literal(value, datatype=term.datatype)


def _canonical_value(text: str, datatype: str) -> str | None:
    try:
        if datatype in _INTEGERS or datatype == XSD + "decimal":
            number = Decimal(text)
            if not number.is_finite() or (datatype in _INTEGERS and number != number.to_integral_value()):
                return None
            return _plain(number)
        if datatype in (XSD + "double", XSD + "float"):
            number = float(text.replace("INF", "inf"))
            return repr(number)
        if datatype == XSD + "boolean":
            return {"true": "true", "1": "true", "false": "false", "0": "false"}.get(text)
        if datatype in _DURATIONS:
            match = _DURATION.fullmatch(text)
            if match is None or text in ("P", "-P") or text.endswith("T"):
                return None
            sign, years, months, days, hours, minutes, seconds = match.groups()
            total_months = int(years or 0) * 12 + int(months or 0)
            total_seconds = (int(days or 0) * 86400 + int(hours or 0) * 3600 + int(minutes or 0) * 60
                             + Decimal(seconds or 0))
            negative = sign == "-" and (total_months or total_seconds)
            return f"{'-' if negative else ''}P{total_months}MT{_plain(total_seconds)}S"
    except (InvalidOperation, ValueError):
        return None
    return None


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _canonical_blank_nodes(triples: list[ox.Triple]) -> list[ox.Triple]:
    from rdflib import Graph
    from rdflib.compare import to_canonical_graph

    graph = Graph()
    graph.parse(data=(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8"), format="nt")
    canonical = to_canonical_graph(graph).serialize(format="nt", encoding="utf-8")
    return [q.triple for q in ox.parse(canonical, format=ox.RdfFormat.N_TRIPLES)]

