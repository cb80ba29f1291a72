"""The static site: the built graph as linked-data pages that need no server — an HTML page per thing, per
ontology term and per canned query (its results precomputed), the home page and the dumps — browsable from
file:// and from any static web host.

    >>> site = build_site(Settings.load(), "site")   # doctest: +SKIP
    >>> (site.folder / "doc/organisatie/lumc.html").is_file()   # doctest: +SKIP
    True

The pages are those of `kennisgraaf serve`, made by the same functions (`web.pages`, `web.ontology`) and
templates; only their links differ. The site mirrors the server's paths, each page a file that names itself
(file:// opens no folder's index.html by itself)::

    index.html                          the home page (/)
    doc/organisatie/lumc.html           a thing of the graph ({base}doc/organisatie/lumc)
    doc/def/index.html                  the ontology (/doc/def/)
    doc/def/Agreement.html              a term of the ontology (/doc/def/Agreement)
    queries/partners.html, .csv, .json  a canned query, answered with its parameters' defaults
    dumps/leiden.{ttl,trig,nt,nq,jsonld,rdf}
    static/style.css
    kennisgraaf-site.json               what this is: the graph's content hash, the counts of pages

Every link is relative (`../organisatie/lumc.html`), so the folder can be opened, copied or served
anywhere. There is no query page: it needs the live /sparql; the canned query pages say how to ask with other
values, and name the live endpoint when the setting `live_endpoint` gives one. The site is written to a
temporary folder next to its destination and renamed into place, so a failed build leaves nothing
half-written; an existing folder is replaced only with `force`, and only when it holds a site written
before (its kennisgraaf-site.json).
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..config import Settings
from ..errors import InputError, OutputError, QueryError
from ..namespaces import KG
from ..queries import worker
from ..queries.catalogue import catalogue
from ..queries.running import Target
from ..store.export import FORMATS, export
from ..web import ontology, pages

__all__ = ["MARKER", "Site", "build_site"]

MARKER = "kennisgraaf-site.json"
# A page gets a file only when its path is plain: no empty, dot or percent-encoded segments.
_SAFE_PATH = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*(/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*")


@dataclass(frozen=True)
class Site:
    """What `build_site` wrote: where, and how many pages of each kind."""

    folder: Path
    entities: int
    terms: int
    queries: int
    precomputed: int  # canned queries with their results (the others need a value for a parameter)
    files: int

    def summary(self) -> str:
        return (f"Wrote the static site to {self.folder}: {self.entities} pages about things, {self.terms} ontology "
                f"terms, {self.queries} canned queries ({self.precomputed} with their results), the dumps; "
                f"{self.files} files. Open {self.folder / 'index.html'} in a browser.")


def build_site(source: Settings | ox.Store | None, folder: Path | str, *, settings: Settings | None = None,
               force: bool = False, endpoint: str | None = None,
               progress: Callable[[str], None] | None = None) -> Site:
    """Write the static site of the current build of `source` (Settings), or of the store `source` (with
    `settings` for the project's queries and shapes), to `folder`.

    `folder` must not exist or be empty; with `force`, a site written there before is replaced. `endpoint` (by
    default the setting `live_endpoint`) is the live SPARQL endpoint the pages name. OutputError when the
    folder cannot be used; nothing is written then, nor when a canned query fails.
    """
    if isinstance(source, Settings):
        settings = source
    settings = settings or Settings.load()
    endpoint = endpoint if endpoint is not None else (str(settings.get("live_endpoint")) or None)
    if endpoint is not None and not re.match(r"https?://\S+$", endpoint):
        raise InputError(f"The live endpoint {endpoint!r} is not an http(s) URL; give the address of the SPARQL "
                         f"endpoint that serves this graph, or none.",
                         f"Het live endpoint {endpoint!r} is geen http(s)-URL; geef het adres van het "
                         f"SPARQL-endpoint dat deze graaf aanbiedt, of geen.")
    folder = Path(folder).expanduser()
    _check_destination(folder, force)
    say = progress or (lambda message: None)

    from ..graph.files import read_shape_quads

    shapes = ontology.ShapeIndex(read_shape_quads(settings))  # read once; an unreadable file stops here
    store, content_hash = _in_memory(source, settings)
    key = worker.share(store)
    target = Target(key, timeout=float(settings.get("query_timeout")), limit=int(settings.get("result_limit")),
                    max_length=int(settings.get("max_query_length")), base_iri=settings.base_iri,
                    language=settings.language, web=True)
    temporary = folder.parent / f".{folder.name}.{uuid.uuid4().hex}.tmp"
    folder.parent.mkdir(parents=True, exist_ok=True)
    temporary.mkdir()
    try:
        writer = _Writer(temporary, settings, target, endpoint, shapes)
        site = writer.write(store, content_hash, say)
        _check_destination(folder, force)  # again: something may have been written there meanwhile
        _replace(folder, temporary)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    finally:
        worker.retire(key)  # the graph is not queried again: no idle worker (a fork of this process) stays
    return Site(folder, *site)


def _check_destination(folder: Path, force: bool) -> None:
    if not folder.exists():
        return
    if not folder.is_dir():
        raise OutputError(f"{folder} is a file; give the name of a folder for the site (a new or empty one).",
                          f"{folder} is een bestand; geef de naam van een map voor de site (een nieuwe of lege).")
    if not any(folder.iterdir()):
        return
    if not force:
        raise OutputError(f"{folder} is not empty; kennisgraaf does not overwrite folders. Choose a new or empty "
                          f"folder, or pass --force to replace a site written there before.",
                          f"{folder} is niet leeg; kennisgraaf overschrijft geen mappen. Kies een nieuwe of lege "
                          f"map, of geef --force om een eerder geschreven site te vervangen.")
    if not (folder / MARKER).is_file():
        raise OutputError(f"{folder} holds files that are not a site kennisgraaf wrote (it has no {MARKER}), so it "
                          f"is not replaced, not even with --force. Choose a new or empty folder.",
                          f"{folder} bevat bestanden die geen site van kennisgraaf zijn (er staat geen {MARKER} "
                          f"in), dus die map wordt niet vervangen, ook niet met --force. Kies een nieuwe of lege map.")


def _replace(folder: Path, temporary: Path) -> None:
    """Put `temporary` where `folder` is: a rename, after moving an old folder aside (removed afterwards)."""
    if not folder.exists():
        temporary.rename(folder)
        return
    old = folder.parent / f".{folder.name}.{uuid.uuid4().hex}.old"
    folder.rename(old)
    try:
        temporary.rename(folder)
    except BaseException:
        old.rename(folder)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _in_memory(source: Settings | ox.Store | None, settings: Settings) -> tuple[ox.Store, str | None]:
    """A copy of the graph in memory (for the workers, which fork from this process) and its content hash."""
    from ..store.builds import open_store, read_report

    content_hash = None
    if isinstance(source, ox.Store):
        original = source
    else:
        original = open_store(settings)
        content_hash = read_report(settings).get("content_hash")
    dump = original.dump(format=ox.RdfFormat.N_QUADS)
    assert dump is not None
    memory = ox.Store()
    memory.bulk_load(dump, ox.RdfFormat.N_QUADS)
    return memory, content_hash


class _Writer:
    def __init__(self, folder: Path, settings: Settings, target: Target, endpoint: str | None,
                 shapes: ontology.ShapeIndex) -> None:
        self.folder = folder
        self.settings = settings
        self.target = target
        self.endpoint = endpoint
        self.shapes = shapes
        self.base = settings.base_iri
        self.pages: set[str] = set()
        self.files = 0

    # -------------------------------------------------------------------------------- links and files

    def urls(self, path: str) -> pages.Urls:
        return pages.Urls.in_site(path, self.endpoint)

    def linker(self, path: str) -> pages.Linker:
        return pages.Linker(self.urls(path), self.base, self.pages)

    def canonical(self, path: str) -> str | None:
        """The page's address in the URI strategy ({base}doc/...), for rel=canonical."""
        return self.base + path if self.base.startswith(("http://", "https://")) and path.startswith("doc/") \
            else None

    def put(self, relative: str, data: bytes | str) -> None:
        path = self.folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self.files += 1

    def page(self, path: str, template: str, **context: Any) -> None:
        urls = self.urls(path)
        self.put(pages.Urls.file_of(path), pages.render(template, urls, self.base, canonical=self.canonical(path), **context))

    def _network(self, target: Target) -> None:
        """The partner network as pictures, one per year and one over all years (kennisgraaf network): the
        static form of the live site's /network, which needs JavaScript."""
        from ..network.building import build_network, years
        from ..network.files import render as draw

        first, last = years(self.settings, target=target)
        pictures = []
        for year in [None, *range(first, last + 1)]:
            name = f"network/{year or 'all'}.svg"
            self.put(name, draw(build_network(self.settings, year, target=target), "svg", self.settings.language))
            pictures.append((year, self.urls("network/").file(name)))
        self.page("network/", "network_static.html", pictures=pictures)

    # -------------------------------------------------------------------------------- the site

    def write(self, store: ox.Store, content_hash: str | None,
              say: Callable[[str], None]) -> tuple[int, int, int, int, int]:
        target = self.target
        id_space = self.base + "id/"
        things = sorted(row[0].value for row in pages.select(target, f"""
            SELECT DISTINCT ?x WHERE {{
              {{ GRAPH ?g {{ ?x ?p ?o }} }} UNION {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }}
              FILTER(isIRI(?x) && STRSTARTS(STR(?x), {ox.Literal(id_space)}))
            }}""", limit=10_000_000))
        namer = self.linker("")
        entity_paths = {iri: path for iri in things if (path := namer.page_of(iri)) is not None
                        and _SAFE_PATH.fullmatch(path) and not path.startswith("doc/def/")}
        term_paths = {iri: path for iri in ontology.terms(target) if (path := namer.page_of(iri)) is not None
                      and _SAFE_PATH.fullmatch(path)}
        queries = catalogue(self.settings.path("queries_dir"))
        self.pages = {"", "doc/def/", *entity_paths.values(), *term_paths.values(),
                      *(f"queries/{name}" for name in queries if _SAFE_PATH.fullmatch(name))}

        say(f"{len(entity_paths)} pages about things")
        for iri, path in entity_paths.items():
            data = pages.entity_data(target, self.linker(path), iri)
            if data is None:  # every IRI above is a subject or an object: this would be a bug
                raise AssertionError(f"{iri} was found in the graph, but its page is empty")
            self.page(path, "entity.html", **data, formats={})

        say(f"{len(term_paths)} pages of the ontology")
        self.page("doc/def/", "ontology.html", **ontology.index_data(target, self.linker("doc/def/"), self.shapes))
        for iri, path in term_paths.items():
            term = ontology.term_data(target, self.linker(path), iri, self.shapes)
            assert term is not None, iri
            self.page(path, "term.html", **term, formats={})

        say(f"{len(queries)} canned queries")
        precomputed = 0
        for name, canned in queries.items():
            if f"queries/{name}" not in self.pages:
                continue
            path = f"queries/{name}"
            try:
                data = pages.canned_data(target, self.linker(path), canned, {})
            except QueryError as error:
                raise QueryError(f"The canned query {name} fails with its parameters' defaults: {error.en} "
                                 f"Nothing was written.",
                                 f"De vaste query {name} faalt met de standaardwaarden van zijn parameters: "
                                 f"{error.nl} Er is niets geschreven.") from None
            if data["error"]:
                raise QueryError(f"The canned query {name} fails with its parameters' defaults: {data['error']} "
                                 f"Nothing was written.")
            downloads = {}
            if data["result"] is not None:
                precomputed += 1
                for fmt in pages.download_formats(canned):
                    extension = {"turtle": "ttl"}.get(fmt, fmt)
                    self.put(f"{path}.{extension}", data["result"].serialize(fmt))
                    downloads[fmt] = self.urls(path).file(f"{path}.{extension}")
            self.page(path, "canned.html", **data, api=downloads)

        say("the network, year by year")
        self.pages.add("network/")
        self._network(target)

        say("the dumps")
        dumps = []
        for fmt, (_, _, extension) in FORMATS.items():
            data = export(self.settings, fmt, store=store)
            assert data is not None
            self.put(f"dumps/leiden.{extension}", data)
            dumps.append(extension)
        # Only the style sheet: the site has no scripts (YASGUI and query.js need the live /sparql).
        self.put("static/style.css", (pages.WEB / "static" / "style.css").read_bytes())

        counts = {"triples": _count(target, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
                  "named_graphs": _count(target, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"),
                  "claims": _count(target, f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{KG}Claim> }}")}
        home = pages.home_data(self.linker(""), counts, queries.values(), pages.start_points(target))
        self.page("", "home.html", dumps=sorted(dumps), **home)
        self.put(MARKER, json.dumps({
            "generator": "kennisgraaf site", "base_iri": self.base, "content_hash": content_hash,
            "live_endpoint": self.endpoint, "counts": counts,
            "pages": {"things": len(entity_paths), "terms": len(term_paths), "queries": len(queries),
                      "precomputed": precomputed},
        }, indent=2, ensure_ascii=False) + "\n")
        return len(entity_paths), len(term_paths), len(queries), precomputed, self.files


def _count(target: Target, query: str) -> int:
    rows = pages.select(target, query)
    return int(rows[0][0].value) if rows and rows[0][0] is not None else 0
