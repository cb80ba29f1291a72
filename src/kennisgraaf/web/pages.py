"""The pages for people and the linked data: home, query page, a page and an API per canned query, the
OpenAPI document, VoID, dumps, and `{base}id/...` → 303 → `{base}doc/...` as the Dutch URI strategy has it.

Every query here runs in a worker process, like those sent to /sparql, and counts against the same limit.
Links to things in the graph point at this server: `{base}id/organisatie/lumc` is linked as
`/doc/organisatie/lumc` of whatever address the page was asked for (so on localhost, the base IRI maps onto
the local address); the real IRI is shown as text.

The data of each page (facts, sources, names, results) is made by plain functions that take a query
`Target` and a `Linker` (`entity_data`, `canned_data`, `home_data`, and `ontology.term_data`/`index_data`),
and rendered by `render` with the same templates: the handlers here run them on the server's workers, the
static site (`kennisgraaf.publish.site`) on its own copy of the graph, with links between its files.
"""

from __future__ import annotations

import posixpath
import urllib.parse
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import QueryError, QueryTimeout
from ..namespaces import DCTERMS, KG, PROV, prefixes, short_name
from ..queries.catalogue import CannedQuery, Parameter
from ..queries.running import Target, labels, run_canned
from ..store.void import void_description
from . import ontology
from .errors import error_response, not_acceptable, refusal
from .protocol import GRAPH_TYPES, RESULT_TYPES, MediaType, content_type, negotiate, render_graph
from .state import Busy, ServerState, state_of

__all__ = ["START", "Linker", "Urls", "canned_data", "download_formats", "entity_data", "home_data", "missing_parameters", "query_page",
           "render", "routes", "select", "start_points", "urls_for"]

WEB = Path(__file__).resolve().parent
DUMPS = {"ttl": ("turtle", "text/turtle; charset=utf-8"), "trig": ("trig", "application/trig; charset=utf-8"),
         "nt": ("ntriples", "application/n-triples"), "nq": ("nquads", "application/n-quads")}
DOC_TYPES = (MediaType("html", "text/html", ("application/xhtml+xml",)),) + GRAPH_TYPES[:4]
EXTENSIONS = {"html": "html", "ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml"}
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

_templates = jinja2.Environment(loader=jinja2.FileSystemLoader(str(WEB / "templates")), autoescape=True,
                                trim_blocks=True, lstrip_blocks=True)


# ------------------------------------------------------------------------------------------------ helpers


@dataclass(frozen=True)
class Urls:
    """Where the links of a page point. On the server, `root` is the address the page was asked for and a page
    is its path (`{root}doc/organisatie/lumc`). In a static site (`static`), a page is a file that names itself
    (`doc/organisatie/lumc.html`, a folder's `index.html`: file:// opens no folder's index.html by itself),
    linked relatively from `folder`, the folder of the page that links (`../organisatie/lumc.html`); `root` is
    then the way up from there to the site's folder (`../../`). `endpoint` is the SPARQL endpoint a page names:
    the server's own /sparql, or for a static site the live one a setting gives (or none)."""

    root: str
    static: bool = False
    endpoint: str | None = None
    folder: str = ""

    @classmethod
    def in_site(cls, page: str, endpoint: str | None = None) -> Urls:
        """The links of the static site's page `page` (a page path, as for `page()`)."""
        folder = posixpath.dirname(cls.file_of(page))
        return cls("../" * (folder.count("/") + 1) if folder else "", True, endpoint, folder)

    @staticmethod
    def file_of(page: str) -> str:
        """The file of the page `page` in a static site: `doc/organisatie/lumc.html`, `doc/def/index.html`."""
        return (page + "index" if page == "" or page.endswith("/") else page) + ".html"

    def page(self, path: str) -> str:
        """The link to the page `path` (`doc/organisatie/lumc`, `queries/partners`, `doc/def/`, "" for home)."""
        return self.file(self.file_of(path)) if self.static else self.root + path

    def file(self, path: str) -> str:
        """The link to a file as it is (`static/style.css`, `dumps/leiden.ttl`)."""
        if not self.static:
            return self.root + path
        return urllib.parse.quote(posixpath.relpath(path, self.folder or "."))


def urls_for(request: Request) -> Urls:
    root = str(request.base_url)
    return Urls(root, endpoint=root + "sparql")


class Linker:
    """Turns IRIs into links and into names: things of the graph (`{base}id/...`) and terms of the ontology
    (`{KG}...`) link to their pages, other web addresses to themselves (on the server; a static site links only
    to its own files). With `pages`, only the page paths in it are linked (a static site's files); the others
    are shown as text."""

    def __init__(self, urls: Urls, base_iri: str, pages: Container[str] | None = None) -> None:
        self.urls = urls
        self.root = urls.root
        self.base = base_iri
        self.pages = pages
        self.names: dict[str, str] = {}

    @classmethod
    def for_request(cls, request: Request, state: ServerState) -> Linker:
        return cls(urls_for(request), state.base_iri)

    def page_of(self, iri: str) -> str | None:
        """The path of the page about `iri` (`doc/organisatie/lumc`, `doc/def/party`), or None."""
        if iri.startswith(self.base + "id/"):
            return "doc/" + iri[len(self.base) + 3:]
        if iri.startswith(KG):
            return "doc/def/" + iri[len(KG):]
        return None

    def href(self, iri: str) -> str | None:
        path = self.page_of(iri)
        if path is not None:
            return self.urls.page(path) if self.pages is None or path in self.pages else None
        if self.urls.static:
            return None
        # Only web addresses become links: an IRI such as javascript:... in the data must not run when clicked.
        return iri if iri.startswith(("http://", "https://")) else "#"

    def short(self, iri: str) -> str:
        return short_name(iri, self.base)

    def name(self, iri: str) -> str:
        return self.names.get(iri) or self.short(iri)

    def term(self, term: Any) -> dict[str, Any]:
        """A term for a template: text, link (or None), the IRI, and a literal's language."""
        if term is None:
            return {"text": "", "href": None}
        if isinstance(term, ox.NamedNode):
            return {"text": self.name(term.value), "href": self.href(term.value), "iri": term.value}
        if isinstance(term, ox.Literal):
            extra = f"@{term.language}" if term.language else ""
            return {"text": term.value, "href": None, "lang": extra}
        return {"text": str(term), "href": None}

    def learn_names(self, iris: Iterable[str], target: Target) -> None:
        """Look up the labels of `iris` (one query per 400), to show names instead of IRIs."""
        wanted = sorted(set(iris) - set(self.names))
        if wanted:
            self.names.update(labels(wanted, target))


def render(template: str, urls: Urls, base_iri: str, **context: Any) -> str:
    """A page of templates/, with its links made by `urls`: the same templates for the server and the static
    site."""
    return _templates.get_template(template).render(urls=urls, root=urls.root, base_iri=base_iri, kg=KG, **context)


def _page(template: str, request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    html = render(template, urls_for(request), state_of(request).base_iri, **context)
    return HTMLResponse(html, status_code=status, headers={"Vary": "Accept"})


def select(target: Target, text: str, limit: int | None = None) -> list[list[Any]]:
    """The rows of a SELECT query run on `target` (the server's workers, or a static site's store)."""
    return [list(row) for row in target.execute(text, limit).rows]


def _select(state: ServerState, text: str, limit: int | None = None) -> list[list[Any]]:
    return select(state.target(), text, limit)


def _grouped(rows: list[list[Any]], linker: Linker) -> list[dict[str, Any]]:
    """Rows of (property, value, claim, document, quote) as facts, each once with its sources: rdf:type first,
    then by property and value."""
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for p, o, g, doc, quote in rows:
        fact = grouped.setdefault((str(p), str(o)), {"property": _term(p, linker), "value": _term(o, linker),
                                                     "sources": {}})
        if g is not None and doc is not None:
            source = fact["sources"].setdefault(g.value, {"claim": _term(g, linker), "document": _term(doc, linker),
                                                          "quotes": []})
            if quote is not None and quote.value not in source["quotes"]:
                source["quotes"].append(quote.value)
    facts = sorted(grouped.values(), key=lambda f: (f["property"]["text"] != "rdf:type",
                                                    f["property"]["text"], f["value"]["text"]))
    for fact in facts:
        fact["sources"] = sorted(fact["sources"].values(), key=lambda s: s["claim"]["text"])
        for source in fact["sources"]:
            source["quotes"].sort()  # a set in the graph: in the same order from any store
    return facts


def _term(term: Any, linker: Linker) -> dict[str, Any]:
    return linker.term(term)


async def _run(request: Request, function: Callable[[], Any]) -> Any:
    return await state_of(request).call(function)


def _query_errors(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)  # type: ignore[no-any-return]
        except (Busy, QueryError) as error:
            return refusal(state_of(request), error)

    return wrapped


# ------------------------------------------------------------------------------------------------ home


def _counts(state: ServerState) -> dict[str, Any]:
    def make() -> dict[str, Any]:
        counts: dict[str, Any] = dict(state.report.get("counts", {}))  # of the build being served (none: remote)
        counts["triples"] = state.triples
        return counts

    return state.cached("counts", make)


def _catalogue(state: ServerState) -> dict[str, Any]:
    from ..queries.catalogue import catalogue

    return catalogue(state.settings.path("queries_dir"))


# Where the home page suggests to start browsing (those of them the graph holds).
START = ("organisatie/gemeente-leiden", "samenwerking/leiden-kennisstad")


def start_points(target: Target) -> dict[str, str]:
    """{IRI: name} of the things of START that the graph holds."""
    iris = [target.base_iri + "id/" + path for path in START]
    values = " ".join(f"<{iri}>" for iri in iris)
    found = {row[0].value for row in select(target, f"SELECT ?s WHERE {{ VALUES ?s {{ {values} }} "
                                                    f"FILTER EXISTS {{ ?s ?p ?o }} }}")}
    names = labels(sorted(found), target) if found else {}
    return {iri: names.get(iri, iri) for iri in iris if iri in found}


def home_data(linker: Linker, counts: dict[str, Any], queries: Iterable[CannedQuery],
              start: dict[str, str]) -> dict[str, Any]:
    """What the home page shows: the size of the graph, the canned queries (with the parameters each needs
    before it can run), and where to start browsing."""
    linker.names.update(start)
    return {"counts": counts,
            "queries": [{"query": q, "missing": missing_parameters(q)} for q in queries],
            "start": [linker.term(ox.NamedNode(iri)) for iri in start]}


@_query_errors
async def home(request: Request) -> Response:
    state = state_of(request)
    start = await _run(request, lambda: state.cached("start", lambda: start_points(state.target())))
    data = home_data(Linker.for_request(request, state), _counts(state), _catalogue(state).values(), start)
    return _page("home.html", request, dumps=sorted(DUMPS) if state.store is not None else [], **data)


# ------------------------------------------------------------------------------------------------ query page

EXAMPLES = [
    ("Organisations and their names", """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?organisation ?name WHERE {
  ?organisation a org:Organization ; rdfs:label ?name .
}
ORDER BY ?name"""),
    ("Where a fact comes from: claims, documents and quotes", """PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX kg: <https://w3id.org/kennisgraaf/def/>
SELECT ?claim ?document ?quote WHERE {
  GRAPH ?claim { ?claim prov:wasDerivedFrom ?document ; kg:quote ?quote . }
}
LIMIT 50"""),
    ("Things per class", """SELECT ?class (COUNT(?thing) AS ?things) WHERE {
  ?thing a ?class .
}
GROUP BY ?class
ORDER BY DESC(?things)"""),
]


# What a new tab of the query page holds, under the project's prefixes.
NEW_TAB = """SELECT ?organisation ?name WHERE {
  ?organisation a org:Organization ; rdfs:label ?name .
}
ORDER BY ?name"""


async def query_page(request: Request) -> Response:
    """The query page: YASGUI (static/yasgui/, set up by static/query.js) on this server's endpoint, a new tab
    with every prefix of the project declared, one tab per example and canned query (its text as in the
    catalogue, so it runs with its parameters' defaults); without JavaScript, a form posting to /sparql."""
    state = state_of(request)
    root = str(request.base_url)
    table = prefixes(state.base_iri)
    new_tab = "".join(f"PREFIX {name}: <{namespace}>\n" for name, namespace in table.items()) + "\n" + NEW_TAB
    examples = [{"name": title, "query": text} for title, text in EXAMPLES]
    examples += [{"name": canned.name, "title": canned.summary, "query": canned.text}
                 for canned in _catalogue(state).values()]
    config = {"endpoint": root + "sparql", "root": root, "base": state.base_iri, "kg": KG, "prefixes": table,
              "newTab": new_tab, "examples": examples}
    return _page("query.html", request, config=config, query=request.query_params.get("query") or new_tab)


# ------------------------------------------------------------------------------------------------ canned queries


def _values(request: Request, canned: Any) -> dict[str, str]:
    return {p.name: request.query_params[p.name] for p in canned.params if request.query_params.get(p.name)}


def missing_parameters(canned: CannedQuery, values: Container[str] = ()) -> list[Parameter]:
    """The required parameters of `canned` that `values` does not give and that have no default."""
    return [p for p in canned.params if p.required and p.name not in values and p.default is None]


def canned_data(target: Target, linker: Linker, canned: CannedQuery, values: dict[str, str]) -> dict[str, Any]:
    """A canned query's page: its result with `values` (as a table for the template, and as `result` for
    downloads), or why there is none (`missing` parameters, or the `error` in words). A query that took too
    long raises QueryTimeout, as any query does."""
    missing = missing_parameters(canned, values)
    result, error = None, None
    if not missing:
        try:
            result = run_canned(canned, values, target)
        except QueryTimeout:
            raise
        except QueryError as problem:
            error = problem.en
    table = None
    if result is not None:
        iris = [t.value for row in result.rows for t in row if isinstance(t, ox.NamedNode)]
        iris += [t.value for triple in result.triples for t in triple if isinstance(t, ox.NamedNode)]
        linker.learn_names(iris, target)
        if result.kind == "graph":
            table = {"variables": ["subject", "predicate", "object"],
                     "rows": [[linker.term(t) for t in triple] for triple in result.triples]}
        elif result.kind == "ask":
            table = {"variables": ["answer"], "rows": [[{"text": "yes" if result.boolean else "no"}]]}
        else:
            table = {"variables": result.variables, "rows": [[linker.term(t) for t in row] for row in result.rows]}
    return {"canned": canned, "values": values, "missing": missing, "result": result, "table": table,
            "error": error, "truncated": result is not None and result.truncated, "limit": target.limit}


def download_formats(canned: CannedQuery) -> list[str]:
    """The formats a canned query's results are offered in: CSV and JSON for a table, Turtle and JSON-LD for
    a graph."""
    return ["turtle", "jsonld"] if canned.form in ("CONSTRUCT", "DESCRIBE") else ["csv", "json"]


@_query_errors
async def canned_page(request: Request) -> Response:
    state = state_of(request)
    canned = _catalogue(state).get(request.path_params["name"])
    if canned is None:
        return _page("error.html", request, 404, title="Not found",
                     message=f"There is no canned query {request.path_params['name']!r}.")
    values = _values(request, canned)
    linker = Linker.for_request(request, state)
    data = await _run(request, lambda: canned_data(state.target(), linker, canned, values))
    query_string = urllib.parse.urlencode(values)
    api = {fmt: f"{request.base_url}api/{canned.name}?{query_string}{'&' if query_string else ''}format={fmt}"
           for fmt in download_formats(canned)}
    return _page("canned.html", request, api=api, **data)


@_query_errors
async def canned_api(request: Request) -> Response:
    state = state_of(request)
    canned = _catalogue(state).get(request.path_params["name"])
    if canned is None:
        return error_response(404, f"There is no canned query {request.path_params['name']!r}; /openapi.json lists them.")
    known = {p.name for p in canned.params} | {"format"}
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        return error_response(400, f"The query {canned.name} has no parameter {', '.join(unknown)}; its parameters: "
                              f"{', '.join(p.name for p in canned.params) or 'none'}.")
    offered = GRAPH_TYPES if canned.form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES
    fmt = request.query_params.get("format")
    media = negotiate(request.headers.get("accept"), offered, fmt)
    if media is None:
        return not_acceptable(offered, fmt)
    values = _values(request, canned)
    result = await _run(request, lambda: run_canned(canned, values, state.target()))
    headers = {"Vary": "Accept"}
    if result.truncated:
        headers["X-Result-Truncated"] = "true"
        headers["X-Result-Limit"] = str(state.limit)
    if result.kind == "graph":
        data = render_graph(result.triples, media, state.base_iri)
    else:
        data = result.serialize(media.name)
    return Response(data, headers={**headers, "Content-Type": content_type(media)})


_SCHEMAS: dict[str, dict[str, Any]] = {"year": {"type": "integer", "minimum": 1000, "maximum": 9999}, "integer": {"type": "integer"},
            "date": {"type": "string", "format": "date"}}


async def openapi(request: Request) -> Response:
    from importlib.metadata import version

    state = state_of(request)
    paths: dict[str, Any] = {}
    for canned in _catalogue(state).values():
        graph = canned.form in ("CONSTRUCT", "DESCRIBE")
        offered = GRAPH_TYPES if graph else RESULT_TYPES
        parameters = []
        for param in canned.params:
            schema: dict[str, Any] = dict(_SCHEMAS.get(param.type, {"type": "string"}))
            if param.allowed:
                schema["enum"] = list(param.allowed)
            if param.default is not None:
                schema["default"] = param.default
            parameters.append({"name": param.name, "in": "query", "required": param.required,
                               "description": param.description or param.type, "schema": schema})
        parameters.append({"name": "format", "in": "query", "required": False,
                           "description": "The format of the answer (instead of the Accept header).",
                           "schema": {"type": "string", "enum": [m.name for m in offered]}})
        paths[f"/api/{canned.name}"] = {"get": {
            "operationId": canned.name, "summary": canned.summary, "description": canned.description,
            "tags": canned.tags, "parameters": parameters,
            "responses": {
                "200": {"description": canned.returns or "The results.",
                        "content": {m.media_type: {"schema": {"type": "string" if m.name in ("csv", "tsv", "turtle",
                                                                                             "ntriples", "trig",
                                                                                             "nquads", "xml",
                                                                                             "rdfxml")
                                                              else "object"}} for m in offered}},
                "400": {"description": "A parameter is missing or has a wrong value."},
                "406": {"description": "The format asked for is not available."},
                "503": {"description": "Too many queries at once (see Retry-After), or the query took too long."},
            },
        }}
    paths["/sparql"] = {"get": {"operationId": "sparql", "summary": "SPARQL 1.1 Protocol query endpoint",
                                "parameters": [{"name": "query", "in": "query", "required": False,
                                                "schema": {"type": "string"}}],
                                "responses": {"200": {"description": "Query results or service description."}}}}
    document = {"openapi": "3.0.3",
                "info": {"title": "kennisgraaf: the knowledge graph of Leiden Kennisstad", "version": version("kennisgraaf"),
                         "description": "The canned queries of the graph as a web API, and its SPARQL endpoint."},
                "servers": [{"url": str(request.base_url).rstrip("/")}], "paths": paths}
    return JSONResponse(document)


# ------------------------------------------------------------------------------------------------ linked data


async def redirect_id(request: Request) -> Response:
    return _see_other(request, "/id/", "doc/")


async def redirect_def(request: Request) -> Response:
    return _see_other(request, "/def/", "doc/def/")


def _see_other(request: Request, prefix: str, to: str) -> Response:
    """303 to the page about the thing: the path as the client wrote it (still percent-encoded, so an encoded
    ? stays in the path) and the query string kept (?format=ttl)."""
    raw = (request.scope.get("raw_path") or request.url.path.encode()).decode("latin-1")
    target = f"{request.base_url}{to}{raw.split(prefix, 1)[1]}"
    if request.url.query:
        target += "?" + request.url.query
    return RedirectResponse(target, status_code=303, headers={"Vary": "Accept"})


def _entity_iri(state: ServerState, path: str) -> str:
    if path.startswith("def/"):
        return KG + path[4:]
    return state.base_iri + "id/" + path


@_query_errors
async def document(request: Request) -> Response:
    state = state_of(request)
    path: str = request.path_params["path"]
    fmt = request.query_params.get("format")
    stem, dot, extension = path.rpartition(".")
    if dot and extension in EXTENSIONS and "/" not in extension:
        path, fmt = stem, EXTENSIONS[extension]
    media = negotiate(request.headers.get("accept"), DOC_TYPES, fmt)
    if media is None:
        return not_acceptable(DOC_TYPES, fmt)
    iri = _entity_iri(state, path)
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        if media.name != "html":
            return error_response(404, f"{iri} is not a valid IRI, so nothing in the graph is called that.")
        return _page("error.html", request, 404, title="Not found", message=f"{iri} is not a valid IRI.")
    if media.name != "html":
        query = f"CONSTRUCT {{ {node} ?p ?o . ?s ?q {node} }} WHERE {{ {{ {node} ?p ?o }} UNION {{ ?s ?q {node} }} }}"
        answer = await _run(request, lambda: state.run(state.job(query)))
        if not answer.data:
            return error_response(404, f"Nothing in the graph is called <{iri}>.")
        from .protocol import render

        headers = {"Vary": "Accept"}
        if answer.truncated:
            headers["X-Result-Truncated"] = "true"
            headers["X-Result-Limit"] = str(state.limit)
        return Response(render(answer, media, state.base_iri), media_type=media.media_type, headers=headers)
    linker = Linker.for_request(request, state)
    target = state.target()
    formats = {name: f"{request.base_url}doc/{path}.{ext}"
               for ext, name in (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"))}
    if path in ("def", "def/"):
        index = await _run(request, lambda: ontology.index_data(target, linker, shapes_of(state)))
        return _page("ontology.html", request, **index)
    if path.startswith("def/"):
        term = await _run(request, lambda: ontology.term_data(target, linker, iri, shapes_of(state)))
        if term is not None:
            return _page("term.html", request, **term, formats=formats)
    found = await _run(request, lambda: entity_data(target, linker, iri))
    if found is None:
        return _page("error.html", request, 404, title="Not found", message=f"Nothing in the graph is called {iri}.")
    neighbours = await _run(request, lambda: _neighbours(state, iri, linker))
    return _page("entity.html", request, **found, formats=formats, neighbours=neighbours,
                 network=f"{request.base_url}network.json?{urllib.parse.urlencode({'organisation': iri})}")


def entity_data(target: Target, linker: Linker, iri: str) -> dict[str, Any] | None:
    """The page about the thing `iri`: its facts, each with its sources (document, claim, quotes), the details
    of its status periods, and what refers to it; None when nothing in the graph is called that."""
    node = ox.NamedNode(iri)
    facts = select(target, f"""
        SELECT ?p ?o ?g ?doc ?quote WHERE {{
          {{ {node} ?p ?o }} UNION {{
            GRAPH ?g {{ {node} ?p ?o }}
            OPTIONAL {{ GRAPH ?g {{ ?g <{PROV}wasDerivedFrom> ?doc }} }}
            OPTIONAL {{ GRAPH ?g {{ ?g <{KG}quote> ?quote }} }}
          }}
        }}""")
    incoming = select(target, f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {node} }} ORDER BY ?p ?s", limit=500)
    if not facts and not incoming:
        return None
    # A status is a period of its own (its value, years, date): shown with the fact, with its sources.
    statuses = select(target, f"""
        SELECT ?period ?p ?o ?g ?doc ?quote WHERE {{
          {node} <{KG}status> ?period .
          {{ ?period ?p ?o }} UNION {{
            GRAPH ?g {{ ?period ?p ?o }}
            OPTIONAL {{ GRAPH ?g {{ ?g <{PROV}wasDerivedFrom> ?doc }} }}
            OPTIONAL {{ GRAPH ?g {{ ?g <{KG}quote> ?quote }} }}
          }}
        }}""")
    linker.learn_names([iri, *(t.value for row in facts + statuses + incoming for t in row
                               if isinstance(t, ox.NamedNode))], target)
    grouped = _grouped(facts, linker)
    periods: dict[str, list[Any]] = {}
    for period, *rest in statuses:
        periods.setdefault(period.value, []).append(rest)
    for fact in grouped:
        if fact["property"].get("iri") == KG + "status" and fact["value"].get("iri") in periods:
            fact["details"] = [d for d in _grouped(periods[fact["value"]["iri"]], linker)
                               if d["property"].get("iri") != RDF_TYPE]
    return {"iri": iri, "title": linker.name(iri), "facts": grouped,
            "incoming": [{"subject": linker.term(s), "property": linker.term(p)} for s, p in incoming]}


_shape_indexes: dict[str, ontology.ShapeIndex] = {}


def shapes_of(state: ServerState) -> ontology.ShapeIndex:
    """The shapes of the served project (shapes_dir), read once per served graph: on the first ontology page,
    not on each (call it at startup to read them then)."""
    with state.lock:
        if state.key not in _shape_indexes:
            _shape_indexes[state.key] = ontology.ShapeIndex.read(state.settings)
        return _shape_indexes[state.key]


# ------------------------------------------------------------------------------------------------ network, timeline
# The partner network (kennisgraaf.network) from the served graph, on the same workers as every query here:
# computed once per year or organisation asked for, then kept (the graph does not change while it is served).


def _network(state: ServerState, year: str | None = None, organisation: str | None = None) -> Any:
    from ..network.building import build_network

    return state.cached(("network", year, organisation),
                        lambda: build_network(state.settings, year, organisation, target=state.target()))


def _network_years(state: ServerState) -> tuple[int, int]:
    from ..network.building import years

    return state.cached("network-years", lambda: years(state.settings, target=state.target()))


@_query_errors
async def network_page(request: Request) -> Response:
    state = state_of(request)
    first, last = await _run(request, lambda: _network_years(state))
    asked = request.query_params.get("year")
    year = int(asked) if asked is not None and asked.isdigit() and first <= int(asked) <= last else None
    if asked is None:
        year = last  # the network as it is now; "all years" is a tick away
    return _page("network.html", request, first=first, last=last, year=year)


@_query_errors
async def network_json(request: Request) -> Response:
    """The network as cytoscape.js elements: `year` (empty: all years), `organisation` (its neighbourhood)."""
    from ..network.building import elements

    state = state_of(request)
    unknown = sorted(set(request.query_params) - {"year", "organisation"})
    if unknown:
        return error_response(400, f"/network.json has no parameter {', '.join(unknown)}; its parameters: year, "
                                   f"organisation.")
    year = request.query_params.get("year") or None
    organisation = request.query_params.get("organisation") or None
    graph = await _run(request, lambda: _network(state, year, organisation))
    return JSONResponse(elements(graph, Linker.for_request(request, state).href))


def _neighbours(state: ServerState, iri: str, linker: Linker) -> list[dict[str, Any]]:
    """The organisations `iri` shares something with, over all years, most shared first."""
    graph = _network(state)
    if iri not in graph:
        return []
    found = [{"name": graph.nodes[other]["label"], "href": linker.href(other), "weight": data["weight"],
              "shared": data["shared"]} for other, data in graph[iri].items()]
    return sorted(found, key=lambda n: (-n["weight"], n["name"].casefold()))


TIMELINE_VERBS = {KG + "signingDate": "signed", KG + "startYear": "started", KG + "endYear": "ended",
                  "https://schema.org/startDate": "started", "https://schema.org/endDate": "ended",
                  KG + "year": "in this year", DCTERMS + "date": "dated"}
MEMBERSHIP_VERBS = {KG + "startYear": "joined", KG + "endYear": "left"}


@_query_errors
async def timeline_page(request: Request) -> Response:
    """The canned query `timeline`, year by year, each row with a verb for its date (signed, joined, ...)."""
    state = state_of(request)
    canned = _catalogue(state)["timeline"]
    values = _values(request, canned)
    linker = Linker.for_request(request, state)

    def gather() -> tuple[list[Any], dict[str, str]]:
        rows = run_canned(canned, values, state.target()).rows
        things = sorted({row["thing"].value for row in rows if isinstance(row["thing"], ox.NamedNode)})
        classes: dict[str, str] = {}
        for start in range(0, len(things), 400):
            listed = " ".join(str(ox.NamedNode(t)) for t in things[start:start + 400])
            for thing, cls in _select(state, f"SELECT ?t ?c WHERE {{ VALUES ?t {{ {listed} }} ?t a ?c }} "
                                             f"ORDER BY ?t ?c", limit=100_000):
                classes.setdefault(thing.value, cls.value)
        linker.names = labels(things + sorted(set(classes.values())), state.target())
        return rows, classes

    rows: list[Any] = []
    classes: dict[str, str] = {}
    error = None
    try:
        rows, classes = await _run(request, gather)
    except QueryTimeout:
        raise
    except QueryError as problem:
        error = problem.en
    years: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        year, thing, what = row.value("year"), row["thing"], row["what"].value
        if not isinstance(year, int) or not isinstance(thing, ox.NamedNode):
            continue
        cls = classes.get(thing.value, "")
        verb = (MEMBERSHIP_VERBS.get(what) if cls.endswith("#Membership") else None) or TIMELINE_VERBS.get(what, "")
        years.setdefault(year, []).append({"date": row.value("date") or "", "verb": verb,
                                           "thing": _term(thing, linker), "kind": linker.name(cls) if cls else ""})
    return _page("timeline.html", request, years=[{"year": y, "events": e} for y, e in sorted(years.items())],
                 since=values.get("since", ""), until=values.get("until", ""), error=error)


# ------------------------------------------------------------------------------------------------ VoID, dumps


def _void(state: ServerState, root: str) -> list[ox.Triple]:
    # Served from an endpoint, there are no dumps to name.
    dumps = [f"{root}dumps/leiden.{extension}" for extension in DUMPS] if state.store is not None else []
    return void_description(lambda text: _select(state, text), document=root + ".well-known/void",
                            base_iri=state.base_iri, sparql_endpoint=root + "sparql", dumps=dumps)


@_query_errors
async def void(request: Request) -> Response:
    state = state_of(request)
    fmt = request.query_params.get("format")
    media = negotiate(request.headers.get("accept"), GRAPH_TYPES, fmt)
    if media is None:
        return not_acceptable(GRAPH_TYPES, fmt)
    root = str(request.base_url)
    triples = await _run(request, lambda: state.cached(("void", root), lambda: _void(state, root)))
    return Response(render_graph(triples, media, state.base_iri), media_type=media.media_type,
                    headers={"Vary": "Accept"})


async def dump(request: Request) -> Response:
    import anyio.to_thread

    from ..store.export import serialize_sorted

    state = state_of(request)
    extension = request.path_params["extension"]
    if extension not in DUMPS:
        return error_response(404, f"There is no dump leiden.{extension}; there are: "
                              f"{', '.join('leiden.' + e for e in sorted(DUMPS))}.")
    fmt, media_type = DUMPS[extension]
    store = state.store
    if store is None:
        return error_response(404, f"This server serves the graph from the SPARQL endpoint {state.endpoint}, so it "
                              f"has no dumps; a release of the graph has them.")
    data = await anyio.to_thread.run_sync(
        lambda: state.cached(("dump", fmt), lambda: serialize_sorted(list(store), fmt, state.base_iri)))
    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": f'inline; filename="leiden.{extension}"'})


def routes() -> list[BaseRoute]:
    return [
        Route("/", home, methods=["GET"]),
        Route("/query", query_page, methods=["GET"]),
        Route("/queries/{name}", canned_page, methods=["GET"]),
        Route("/api/{name}", canned_api, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/id/{path:path}", redirect_id, methods=["GET"]),
        Route("/def/{path:path}", redirect_def, methods=["GET"]),
        Route("/doc/{path:path}", document, methods=["GET"]),
        Route("/network", network_page, methods=["GET"]),
        Route("/network.json", network_json, methods=["GET"]),
        Route("/timeline", timeline_page, methods=["GET"]),
        Route("/.well-known/void", void, methods=["GET"]),
        Route("/dumps/leiden.{extension}", dump, methods=["GET"]),
        Mount("/static", StaticFiles(directory=str(WEB / "static")), name="static"),
    ]
