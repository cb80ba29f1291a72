"""The SPARQL 1.1 Protocol, apart from any web framework: reading a request into an operation, choosing the
answer's format from the Accept header (with q-values) or a `format` parameter, and writing a worker's answer
in that format.

    >>> negotiate("application/sparql-results+xml;q=0.5, text/csv", RESULT_TYPES).name
    'csv'
"""

from __future__ import annotations

import functools
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ..namespaces import prefixes
from ..queries.worker import Answer

__all__ = [
    "GRAPH_TYPES",
    "RESULT_TYPES",
    "MediaType",
    "Operation",
    "ProtocolError",
    "content_type",
    "negotiate",
    "parse_request",
    "render",
    "render_graph",
    "write_directly",
]


class ProtocolError(Exception):
    """A request the protocol does not allow: `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class MediaType:
    name: str  # the value of the format parameter
    media_type: str
    aliases: tuple[str, ...] = ()  # other media types and format names that mean the same


# Offered in this order: the first is the default, and wins ties.
RESULT_TYPES = (
    MediaType("json", "application/sparql-results+json", ("application/json",)),
    MediaType("xml", "application/sparql-results+xml", ("application/xml",)),
    MediaType("csv", "text/csv"),
    MediaType("tsv", "text/tab-separated-values"),
)
GRAPH_TYPES = (
    MediaType("turtle", "text/turtle", ("ttl", "application/x-turtle")),
    MediaType("ntriples", "application/n-triples", ("nt", "text/plain")),
    MediaType("rdfxml", "application/rdf+xml", ("rdf", "xml", "application/xml", "text/xml")),
    MediaType("jsonld", "application/ld+json", ("json-ld", "json", "application/json")),
    MediaType("trig", "application/trig"),
    MediaType("nquads", "application/n-quads", ("nq",)),
)
_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML, "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD, "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
}


def _accept_ranges(accept: str) -> list[tuple[str, str, float]]:
    ranges = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        kind, _, sub = pieces[0].lower().partition("/")
        q = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        ranges.append((kind, sub or "*", q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, str, float]]) -> float:
    kind, _, sub = media_type.partition("/")
    best, specificity = 0.0, -1
    for range_kind, range_sub, q in ranges:
        if range_kind == kind and range_sub == sub:
            level = 2
        elif range_kind == kind and range_sub == "*":
            level = 1
        elif range_kind == "*":
            level = 0
        else:
            continue
        if level > specificity:
            best, specificity = q, level
    return best


def _media_quality(media: MediaType, ranges: list[tuple[str, str, float]]) -> float:
    """The q-value for `media`: of its own media type when the client names it (q=0 refuses it, whatever
    else matches), else the best of a wildcard and of aliases the client names exactly."""
    named = [q for kind, sub, q in ranges if f"{kind}/{sub}" == media.media_type]
    if named:
        return max(named)
    aliases = [q for kind, sub, q in ranges if f"{kind}/{sub}" in media.aliases]
    return max([_quality(media.media_type, ranges), *aliases])


@functools.lru_cache(maxsize=1024)
def negotiate(accept: str | None, offered: tuple[MediaType, ...], fmt: str | None = None) -> MediaType | None:
    """The media type to answer with: the one named by `fmt` (a format name or media type), else the one the
    Accept header gives the highest q-value (ties: the order of `offered`); None when none is acceptable.

    >>> negotiate(None, GRAPH_TYPES).name
    'turtle'
    >>> negotiate("text/html", RESULT_TYPES) is None
    True
    """
    if fmt:
        wanted = fmt.strip().lower()
        for media in offered:
            if wanted in (media.name, media.media_type):
                return media
        for media in offered:
            if wanted in media.aliases:
                return media
        return None
    if not accept or not accept.strip():
        return offered[0]
    ranges = _accept_ranges(accept)
    best: MediaType | None = None
    best_q = 0.0
    for media in offered:
        q = _media_quality(media, ranges)
        if q > best_q:
            best, best_q = media, q
    return best


@dataclass
class Operation:
    """A request read by the protocol: a query or an update, with its dataset and wanted format."""

    kind: str  # "query", "update" or "description" (GET without a query: the service description)
    text: str = ""
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    fmt: str | None = None


_FORM = "application/x-www-form-urlencoded"
_QUERY = "application/sparql-query"
_UPDATE = "application/sparql-update"


def _content_type(header: str | None) -> tuple[str, dict[str, str]]:
    if not header:
        return "", {}
    parts = [p.strip() for p in header.split(";")]
    parameters = {}
    for part in parts[1:]:
        name, _, value = part.partition("=")
        parameters[name.strip().lower()] = value.strip().strip('"').lower()
    return parts[0].lower(), parameters


def _pairs(text: str) -> list[tuple[str, str]]:
    # Short ones cached: percent-decoding a query takes longer than the rest of the request, and clients send
    # the same queries again and again. Callers only read the list.
    return _cached_pairs(text) if len(text) <= 16384 else _parse_pairs(text)


@functools.lru_cache(maxsize=1024)
def _cached_pairs(text: str) -> list[tuple[str, str]]:
    return _parse_pairs(text)


def _parse_pairs(text: str) -> list[tuple[str, str]]:
    try:
        return urllib.parse.parse_qsl(text, keep_blank_values=True, strict_parsing=False, encoding="utf-8",
                                      errors="strict", max_num_fields=1000)
    except UnicodeDecodeError:
        raise ProtocolError(400, "The request's parameters are not valid UTF-8 after percent-decoding.") from None
    except ValueError as error:
        raise ProtocolError(400, f"The request's parameters cannot be read: {error}.") from None


def _decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"The {what} is not valid UTF-8 (byte {error.start}); SPARQL is sent as "
                                 f"UTF-8.") from None


def _one(pairs: list[tuple[str, str]], name: str) -> str | None:
    values = [value for key, value in pairs if key == name]
    if len(values) > 1:
        raise ProtocolError(400, f"The request has {len(values)} '{name}' parameters; give exactly one.")
    return values[0] if values else None


def parse_request(method: str, url_query: str, content_type: str | None, body: bytes) -> Operation:
    """Read a SPARQL protocol request: GET with ?query=, POST with a form (query= or update=), or POST with the
    query or update as the body. ProtocolError (400, 405, 415) when it is none of these."""
    url_pairs = _pairs(url_query)
    if method in ("GET", "HEAD"):
        if any(key == "update" for key, _ in url_pairs):
            raise ProtocolError(400, "SPARQL Update cannot be sent with GET: POST it (application/sparql-update "
                                     "or a form with update=).")
        text = _one(url_pairs, "query")
        operation = Operation("description" if text is None else "query", text or "")
        pairs = url_pairs
    elif method == "POST":
        media, parameters = _content_type(content_type)
        charset = parameters.get("charset")
        if charset is not None and charset not in ("utf-8", "utf8"):
            raise ProtocolError(415, f"The body is declared as {charset}; SPARQL is sent as UTF-8.")
        if media == _FORM:
            pairs = _pairs(_decode(body, "form") if body else "")
            query, update = _one(pairs, "query"), _one(pairs, "update")
            if (query is None) == (update is None):
                raise ProtocolError(400, "A form POST needs exactly one of the parameters 'query' and 'update'.")
            operation = Operation("query", query) if query is not None else Operation("update", update or "")
            pairs = url_pairs + pairs
        elif media in (_QUERY, _UPDATE):
            operation = Operation("query" if media == _QUERY else "update", _decode(body, "body"))
            pairs = url_pairs
            if _one(url_pairs, "query") is not None or _one(url_pairs, "update") is not None:
                raise ProtocolError(400, f"With {media} the body is the operation; do not also give it in the "
                                         f"URL.")
        elif not media:
            raise ProtocolError(415, f"A POST needs a Content-Type: {_FORM}, {_QUERY} or {_UPDATE}.")
        else:
            raise ProtocolError(415, f"Content-Type {media} is not accepted here; use {_FORM}, {_QUERY} or "
                                     f"{_UPDATE}.")
    else:
        raise ProtocolError(405, f"Method {method} is not allowed here; use GET or POST.",
                            {"Allow": "GET, POST, OPTIONS"})
    formats = [value for key, value in pairs if key == "format"]
    operation.fmt = formats[0] if formats else None  # clients such as SPARQLWrapper send it more than once
    if operation.kind == "update":
        operation.default_graphs = [v for k, v in pairs if k == "using-graph-uri"]
        operation.named_graphs = [v for k, v in pairs if k == "using-named-graph-uri"]
    else:
        operation.default_graphs = [v for k, v in pairs if k == "default-graph-uri"]
        operation.named_graphs = [v for k, v in pairs if k == "named-graph-uri"]
    for iri in operation.default_graphs + operation.named_graphs:
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise ProtocolError(400, f"{iri!r} is not a valid graph IRI.") from None
    return operation


def render(answer: Answer, media: MediaType, base_iri: str) -> bytes:
    """A worker's answer (TSV rows, a boolean, or N-Triples) in the chosen format."""
    if answer.kind == "graph":
        if media.name == "ntriples":
            return answer.data
        return _graph([quad.triple for quad in ox.parse(answer.data, format=ox.RdfFormat.N_TRIPLES)], media, base_iri)
    if answer.kind == "ask":
        parsed = ox.parse_query_results(b'{"head":{},"boolean":%s}' % (b"true" if answer.boolean else b"false"),
                                        format=ox.QueryResultsFormat.JSON)
    elif media.name == "tsv":
        return answer.data
    else:
        parsed = ox.parse_query_results(answer.data, format=ox.QueryResultsFormat.TSV)
    data = parsed.serialize(format=_RESULT_FORMATS[media.name])
    assert data is not None
    return data


def content_type(media: MediaType) -> str:
    """The Content-Type header for an answer in `media`: text formats say they are UTF-8."""
    return media.media_type + ("; charset=utf-8" if media.name in ("csv", "tsv", "turtle", "trig") else "")


_prefixes = functools.lru_cache(maxsize=8)(prefixes)  # shared: serialisers only read it


def _graph(triples: Any, media: MediaType, base_iri: str) -> bytes:
    """Triples in a graph format; the formats that have prefixes get the project's."""
    rdf_format = _GRAPH_FORMATS[media.name]
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML):
        data = ox.serialize(triples, format=rdf_format, prefixes=_prefixes(base_iri))
    else:
        data = ox.serialize(triples, format=rdf_format)
    assert data is not None
    return data


def write_directly(results: object, media: MediaType, base_iri: str, max_bytes: int) -> bytes | None:
    """Query results evaluated in this process (see worker.run_here) written straight in the chosen format,
    as render() writes a worker's answer; None when they come to more than `max_bytes`. The answer is measured
    once written: the queries run here are known to give small answers, and feeding a serialiser's output to a
    Python object that counts it costs more than writing a whole small answer."""
    if isinstance(results, ox.QuerySolutions | ox.QueryBoolean):
        data = results.serialize(format=_RESULT_FORMATS[media.name])
        assert data is not None
    else:
        data = _graph(results, media, base_iri)
    return data if len(data) <= max_bytes else None


def render_graph(triples: list[ox.Triple], media: MediaType, base_iri: str) -> bytes:
    """Triples in the chosen RDF format, sorted, with the project's prefixes."""
    nt = ox.serialize(sorted(set(triples), key=str), format=ox.RdfFormat.N_TRIPLES)
    assert nt is not None
    return render(Answer("graph", nt), media, base_iri)
