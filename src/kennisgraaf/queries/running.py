"""Running canned and ad-hoc SPARQL queries on the built graph, or on any SPARQL 1.1 endpoint.

    >>> from kennisgraaf import queries
    >>> result = queries.run("partners", year=2023)
    >>> [row["partner"].value for row in result][:1]
    ['https://w3id.org/kennisgraaf/id/organisatie/hogeschool-leiden']
    >>> [record["partner"] for record in result.records(labels=True)]
    ['Hogeschool Leiden', 'Naturalis Biodiversity Center', 'Universiteit Leiden', 'mboRijnland']

Every query runs in a worker process that is stopped when the time limit passes (see `worker`); the local
store's default graph holds every fact once, and an endpoint is expected to hold a kennisgraaf dump (TriG or
N-Quads) the same way (Oxigraph: plain `oxigraph serve`, without --union-default-graph). Parameters are bound as RDF terms (see `sparqltext.bind`): the same
query text runs on the local store and on an endpoint. Organisations and other entities can be given by IRI,
by name or by abbreviation; names are matched without regard to case and accents.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..config import Settings
from ..errors import ParameterError, QueryError
from ..namespaces import XSD, longest_namespace_first, prefixes
from ..sparqltext import bind, check
from . import worker
from .catalogue import CannedQuery, Parameter, catalogue, load_query

__all__ = [
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "Result",
    "Row",
    "Target",
    "get",
    "labels",
    "list_queries",
    "prepare",
    "run",
    "sparql",
    "to_python",
]

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ORGANISATION_CLASSES = ("http://www.w3.org/ns/org#Organization", "http://www.w3.org/ns/org#OrganizationalUnit",
                        "http://www.w3.org/ns/org#OrganizationalCollaboration",
                        "http://www.w3.org/ns/org#FormalOrganization")
NAME_PROPERTIES = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
                   "http://www.w3.org/2004/02/skos/core#altLabel", "http://www.w3.org/2004/02/skos/core#hiddenLabel")

# Output formats: W3C result formats for SELECT and ASK, RDF formats for CONSTRUCT and DESCRIBE.
RESULT_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


# ------------------------------------------------------------------------------------------------ results


class Row(Sequence[Any]):
    """One solution: its terms by position (`row[0]`) or by variable (`row["label"]`); None when unbound.
    `row.value(name)` gives the Python value (int, Decimal, date, str; an IRI as str)."""

    __slots__ = ("_index", "_terms")

    def __init__(self, index: Mapping[str, int], terms: Sequence[Any]) -> None:
        self._index = index
        self._terms = tuple(terms)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return self._terms[self._index[key]]
            except KeyError:
                raise KeyError(f"{key!r} is not a variable of this result; it has {', '.join(self._index)}") \
                    from None
        return self._terms[key]

    def __len__(self) -> int:
        return len(self._terms)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._terms)

    def __eq__(self, other: object) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, (Row, tuple)) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._terms)

    def __repr__(self) -> str:
        return "Row(" + ", ".join(f"{name}={self._terms[i]}" for name, i in self._index.items()) + ")"

    def keys(self) -> list[str]:
        return list(self._index)

    def get(self, name: str, default: Any = None) -> Any:
        term = self._terms[self._index[name]] if name in self._index else None
        return default if term is None else term

    def value(self, name: str) -> Any:
        """The Python value of variable `name`: see to_python()."""
        return to_python(self.get(name))

    def as_dict(self) -> dict[str, Any]:
        """{variable: Python value} for the bound variables."""
        return {name: to_python(self._terms[i]) for name, i in self._index.items() if self._terms[i] is not None}


def to_python(term: Any) -> Any:
    """A term's Python value: an IRI as str; xsd:integer and friends as int, xsd:decimal as Decimal, xsd:double
    as float, xsd:boolean as bool, xsd:date as date; other literals as their text; None stays None."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        text = term.value
        try:
            if datatype in _INTEGER_TYPES:
                return int(text)
            if datatype == XSD + "decimal":
                return Decimal(text)
            if datatype in (XSD + "double", XSD + "float"):
                return float(text)
            if datatype == XSD + "boolean":
                return text in ("true", "1")
            if datatype == XSD + "date":
                return _dt.date.fromisoformat(text)
        except (ValueError, InvalidOperation):
            return text
        return text
    return term.value if isinstance(term, (ox.NamedNode, ox.BlankNode)) else str(term)


_INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt",
                                    "unsignedLong", "unsignedShort", "unsignedByte", "gYear")}


@dataclass
class Result:
    """The answer to a query. `kind` is "select", "ask" or "graph" (CONSTRUCT and DESCRIBE).

    Iterating gives the rows (SELECT) or triples (CONSTRUCT, DESCRIBE); `boolean` holds the answer of an ASK.
    `truncated` tells that more rows existed than the result limit allowed."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    triples: list[ox.Triple] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False
    query: str = ""
    seconds: float = 0.0
    base_iri: str = "https://w3id.org/kennisgraaf/"
    _data: bytes = b""
    _target: Target | None = None

    def __iter__(self) -> Iterator[Any]:
        return iter(self.triples if self.kind == "graph" else self.rows)

    def __len__(self) -> int:
        return len(self.triples if self.kind == "graph" else self.rows)

    def __getitem__(self, index: int) -> Any:
        return (self.triples if self.kind == "graph" else self.rows)[index]

    def records(self, labels: bool = False) -> list[dict[str, Any]]:
        """The rows as dicts of Python values (see to_python), for scripts; with `labels`, IRIs that have a
        label are given by their label.

        >>> run("partners", year=2023).records(labels=True)[0]["partner"]
        'Hogeschool Leiden'
        """
        if not labels or self._target is None:
            return [row.as_dict() for row in self.rows]
        iris = [term.value for row in self.rows for term in row if isinstance(term, ox.NamedNode)]
        names = globals()["labels"](iris, self._target) if iris else {}
        return [{name: names.get(term.value, term.value) if isinstance(term, ox.NamedNode) else to_python(term)
                 for name, term in zip(row.keys(), row) if term is not None} for row in self.rows]

    def serialize(self, fmt: str) -> bytes:
        """The result in a standard format: csv, tsv, json or xml (W3C SPARQL results) for SELECT and ASK;
        turtle, ntriples, jsonld or rdfxml for CONSTRUCT and DESCRIBE."""
        if self.kind == "graph":
            if fmt not in GRAPH_FORMATS:
                raise QueryError(
                    f"A CONSTRUCT or DESCRIBE query gives a graph: use --format {'|'.join(GRAPH_FORMATS)} "
                    f"(not {fmt}).",
                    f"Een CONSTRUCT- of DESCRIBE-query geeft een graaf: gebruik --format "
                    f"{'|'.join(GRAPH_FORMATS)} (niet {fmt}).",
                )
            rdf_format = GRAPH_FORMATS[fmt]
            triples = sorted(self.triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
            if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
                used = _used_prefixes(triples, self.base_iri)
                return _bytes(ox.serialize(triples, format=rdf_format, prefixes=used))
            return _bytes(ox.serialize(triples, format=rdf_format))
        if fmt not in RESULT_FORMATS:
            raise QueryError(
                f"A SELECT or ASK query gives a table: use --format {'|'.join(RESULT_FORMATS)} (not {fmt}).",
                f"Een SELECT- of ASK-query geeft een tabel: gebruik --format {'|'.join(RESULT_FORMATS)} "
                f"(niet {fmt}).",
            )
        if self.kind == "ask":
            answer = b'{"head":{},"boolean":%s}' % (b"true" if self.boolean else b"false")
            parsed = ox.parse_query_results(answer, format=ox.QueryResultsFormat.JSON)
        else:
            parsed = ox.parse_query_results(self._data, format=ox.QueryResultsFormat.TSV)
        return _bytes(parsed.serialize(format=RESULT_FORMATS[fmt]))


def _bytes(data: bytes | None) -> bytes:
    assert data is not None  # serialising without an output file gives bytes
    return data


def _used_prefixes(triples: list[ox.Triple], base_iri: str) -> dict[str, str]:
    used = {}
    namespaces = longest_namespace_first(base_iri)
    seen: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            iri = term.value if isinstance(term, ox.NamedNode) else (
                term.datatype.value if isinstance(term, ox.Literal) else None)
            if iri is None or iri in seen:
                continue
            seen.add(iri)
            for name, namespace in namespaces:
                if iri.startswith(namespace):
                    used[name] = namespace
                    break
    return dict(sorted(used.items()))


def _result(answer: worker.Answer, query: str, target: Target) -> Result:
    result = Result(answer.kind, truncated=answer.truncated, query=query, seconds=answer.seconds,
                    base_iri=target.base_iri, _data=answer.data, _target=target)
    if answer.kind == "ask":
        result.boolean = answer.boolean
    elif answer.kind == "select":
        solutions = ox.parse_query_results(answer.data, format=ox.QueryResultsFormat.TSV)
        assert isinstance(solutions, ox.QuerySolutions)
        result.variables = [v.value for v in solutions.variables]
        index = {name: i for i, name in enumerate(result.variables)}
        result.rows = [Row(index, solution) for solution in solutions]
    else:
        # A graph is a set: a statement made in two claims comes back once.
        result.triples = list(dict.fromkeys(quad.triple for quad in ox.parse(answer.data,
                                                                             format=ox.RdfFormat.N_TRIPLES)))
    return result


# ------------------------------------------------------------------------------------------------ where


@dataclass
class Target:
    """Where queries run: a store folder or store object, or a SPARQL endpoint; with a time and row limit."""

    source: str | ox.Store | None
    endpoint: str | None = None
    timeout: float = 10.0
    limit: int = 10000
    max_length: int = 100_000
    base_iri: str = "https://w3id.org/kennisgraaf/"
    language: str = "nl"
    web: bool = False  # messages name a parameter as on the web (min_shared), not as an option (--min-shared)
    credentials: tuple[str, str] | None = field(default=None, repr=False)  # for the endpoint, when it asks

    def called(self, param: Parameter) -> str:
        """How messages name `param` for the people using this target."""
        return param.name if self.web else param.option

    @classmethod
    def of(cls, settings: Settings | None = None, store: ox.Store | str | Path | None = None,
           endpoint: str | None = None, timeout: float | None = None, limit: int | None = None) -> Target:
        """The target for these settings: `endpoint` if given, else `store` (a Store or store folder), else
        the current build."""
        settings = settings or Settings.load()
        source: str | ox.Store | None
        if endpoint is not None:
            if not re.match(r"https?://", endpoint):
                raise QueryError(f"The endpoint {endpoint!r} is not an http(s) URL.",
                                 f"Het endpoint {endpoint!r} is geen http(s)-URL.")
            source = None
        elif isinstance(store, ox.Store):
            source = store
        elif store is not None:
            source = worker.store_folder(Path(store))
        else:
            from ..store.builds import current_release

            source = worker.store_folder(current_release(settings) / "store")
        timeout = float(timeout if timeout is not None else settings.get("query_timeout"))
        if timeout <= 0:
            raise QueryError("The timeout must be more than 0 seconds.", "De timeout moet meer dan 0 seconden zijn.")
        return cls(source, endpoint, timeout, int(limit or settings.get("result_limit")),
                   int(settings.get("max_query_length")), settings.base_iri, settings.language,
                   credentials=worker.endpoint_credentials() if endpoint is not None else None)

    def execute(self, text: str, limit: int | None = None) -> Result:
        """Run `text` (already checked and bound) and return its result."""
        limit = self.limit if limit is None else limit
        job: worker.LocalJob | worker.HttpJob
        if self.endpoint is not None:
            job = worker.HttpJob(self.endpoint, text, limit, self.timeout, credentials=self.credentials)
        else:
            job = worker.LocalJob(text, limit)
        return _result(worker.execute(self.source, job, self.timeout), text, self)


# ------------------------------------------------------------------------------------------------ the API


def list_queries(settings: Settings | None = None) -> dict[str, CannedQuery]:
    """The catalogue: every canned query by name."""
    settings = settings or Settings.load()
    return catalogue(settings.path("queries_dir"))


def get(name: str, settings: Settings | None = None) -> CannedQuery:
    """One canned query; QueryError (with the closest names) when there is none called `name`."""
    settings = settings or Settings.load()
    folder = settings.path("queries_dir")
    path = folder / f"{name}.rq"
    if not re.fullmatch(r"[\w.-]+", name) or not path.is_file():
        from .catalogue import query_names

        known = query_names(folder)
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        hint_nl = f" Bedoelde je {', '.join(close)}?" if close else ""
        raise QueryError(f"There is no canned query {name!r}.{hint} `kennisgraaf queries` lists them all.",
                         f"Er is geen vaste query {name!r}.{hint_nl} `kennisgraaf queries` toont ze allemaal.")
    return load_query(path)


def run(name: str, params: Mapping[str, Any] | None = None, /, *, settings: Settings | None = None,
        store: ox.Store | str | Path | None = None, endpoint: str | None = None, timeout: float | None = None,
        limit: int | None = None, **kwargs: Any) -> Result:
    """Run the canned query `name` with its parameters (as `params` or keywords) and return the result.

    Without `store` or `endpoint`, the current build of the project is queried.

    >>> [r["party"] for r in run("parties", agreement="overeenkomst:samenwerkingsovereenkomst-2017").records()][:1]
    ['https://w3id.org/kennisgraaf/id/organisatie/gemeente-leiden']
    """
    settings = settings or Settings.load()
    query = get(name, settings)
    target = Target.of(settings, store, endpoint, timeout, limit)
    return run_canned(query, {**(params or {}), **kwargs}, target)


def run_canned(query: CannedQuery, values: Mapping[str, Any], target: Target) -> Result:
    """Run a canned query with its parameter values on `target`."""
    text, given_iris = _bind_parameters(query, values, target, check_iris=False)
    result = target.execute(text)
    if given_iris and len(result) == 0 and result.kind != "ask":
        # An IRI that names nothing (or the wrong kind of thing) is the likely reason for an empty answer:
        # say so. Checked only now, so a query that finds something costs no extra round trip.
        for param, iri in given_iris:
            resolve(iri, param.type, target, target.called(param), param.classes)
    return result


def sparql(text: str, *, settings: Settings | None = None, store: ox.Store | str | Path | None = None,
           endpoint: str | None = None, timeout: float | None = None, limit: int | None = None,
           allow_service: bool = False) -> Result:
    """Run an ad-hoc SPARQL query. Refuses text longer than the setting max_query_length, nesting that could
    crash the engine, and (unless `allow_service`) SERVICE calls to other endpoints."""
    settings = settings or Settings.load()
    target = Target.of(settings, store, endpoint, timeout, limit)
    check(text, target.max_length, allow_service=allow_service, known_prefixes=prefixes(target.base_iri))
    return target.execute(text)


def prepare(query: CannedQuery, values: Mapping[str, Any], target: Target) -> str:
    """The text of `query` with `values` bound: checked, converted to RDF terms (names looked up), and
    written as a VALUES block. Parameters without a value stay unbound, or get their default."""
    return _bind_parameters(query, values, target, check_iris=True)[0]


def _bind_parameters(query: CannedQuery, values: Mapping[str, Any], target: Target, check_iris: bool) \
        -> tuple[str, list[tuple[Parameter, ox.NamedNode]]]:
    unknown = sorted(set(values) - {p.name for p in query.params})
    if unknown:
        known = ", ".join(p.name for p in query.params) or "none"
        raise ParameterError(f"The query {query.name} has no parameter {', '.join(unknown)} (its parameters: "
                             f"{known}).",
                             f"De query {query.name} heeft geen parameter {', '.join(unknown)} (de parameters: "
                             f"{known}).")
    shape = check(query.text, target.max_length, found=query.shape, known_prefixes=prefixes(target.base_iri))
    bound: dict[str, Any] = {}
    given_iris: list[tuple[Parameter, ox.NamedNode]] = []
    for param in query.params:
        value = values.get(param.name)
        if value is None or value == "":
            if param.required:
                name = target.called(param)
                raise ParameterError(f"The query {query.name} needs {name} ({param.description}).",
                                     f"De query {query.name} heeft {name} nodig ({param.description}).")
            if param.default is None:
                continue
            value = param.default
            default_iri = _as_iri(value, target.base_iri) if param.type in ("organisation", "entity") else None
            if default_iri is not None:  # the query's own default: bound as written, even if nothing has it
                bound[param.name] = default_iri
                continue
        iri = _as_iri(value, target.base_iri) if param.type in ("organisation", "entity") else None
        if iri is not None and not check_iris:
            bound[param.name] = iri
            given_iris.append((param, iri))
            continue
        bound[param.name] = term_for(param, value, target)
    return bind(query.text, bound, shape), given_iris


# ------------------------------------------------------------------------------------------------ parameters


def term_for(param: Parameter, value: Any, target: Target) -> ox.NamedNode | ox.Literal:
    """The RDF term for a parameter value, checked against the parameter's type and allowed values."""
    name = target.called(param)
    if param.allowed and str(value) not in param.allowed:
        raise ParameterError(f"{name} is {value!r}; allowed: {', '.join(param.allowed)}.",
                             f"{name} is {value!r}; toegestaan: {', '.join(param.allowed)}.")
    kind = param.type
    if kind in ("organisation", "entity"):
        return resolve(value, kind, target, name, param.classes)
    if kind in ("year", "integer"):
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ParameterError(f"{name} must be a whole number, not {value!r}.",
                                 f"{name} moet een geheel getal zijn, niet {value!r}.") from None
        if kind == "year" and not 1000 <= number <= 9999:
            raise ParameterError(f"{name} must be a year such as 2023, not {value!r}.",
                                 f"{name} moet een jaartal zijn, zoals 2023, niet {value!r}.")
        return ox.Literal(number)
    if kind == "date":
        try:
            day = value if isinstance(value, _dt.date) else _dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ParameterError(f"{name} must be a date as YYYY-MM-DD, not {value!r}.",
                                 f"{name} moet een datum zijn als JJJJ-MM-DD, niet {value!r}.") from None
        return ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if isinstance(value, ox.Literal):
        return value
    return ox.Literal(str(value))


def normalise(text: str) -> str:
    """A name as it is compared: without accents, case, quotes and repeated spaces or hyphens."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = re.sub(r"[\"'‘’“”`´]", "", plain)
    return re.sub(r"[\s_-]+", " ", plain).strip()


def resolve(value: Any, kind: str, target: Target, option: str = "--entity",
            classes: Sequence[str] = ()) -> ox.NamedNode:
    """The IRI of an organisation or entity given as IRI, prefixed name (organisatie:lumc), name or
    abbreviation; with `classes` (prefixed names or IRIs), only things of those classes. ParameterError,
    listing the closest known names, when nothing matches."""
    classes = _class_iris(classes, target.base_iri) or (ORGANISATION_CLASSES if kind == "organisation" else ())
    if kind == "organisation":
        what_en, what_nl, none_en, none_nl = ("an organisation", "een organisatie", "no organisation",
                                              "geen organisatie")
    elif classes:
        kinds = ", ".join(_short_class(c, target.base_iri) for c in classes)
        what_en, what_nl = f"a thing of the kind {kinds}", f"iets van de soort {kinds}"
        none_en, none_nl = f"nothing of the kind {kinds}", f"niets van de soort {kinds}"
    else:
        what_en, what_nl, none_en, none_nl = "anything", "iets", "nothing", "niets"
    iri = _as_iri(value, target.base_iri)
    if iri is not None:
        if classes:
            ask = f"ASK {{ {_class_condition(classes, str(iri))} }}"
        else:
            ask = f"ASK {{ {{ {iri} ?p ?o }} UNION {{ ?s ?p {iri} }} }}"
        if not target.execute(ask).boolean:
            raise ParameterError(f"{option}: <{iri.value}> is not {what_en} in the graph.",
                                 f"{option}: <{iri.value}> is niet {what_nl} in de graaf.")
        return iri
    wanted = normalise(str(value))
    names = _names(classes, target)
    matches = sorted({iri for name, iri, _ in names if normalise(name) == wanted})
    if len(matches) == 1:
        return ox.NamedNode(matches[0])
    if len(matches) > 1:
        label_of = labels(matches, target)
        listed = "; ".join(f"{label_of.get(m, m)} <{m}>" for m in matches)
        raise ParameterError(f"{option}: {value!r} names more than one thing: {listed}. Give the IRI.",
                             f"{option}: {value!r} is de naam van meer dan één ding: {listed}. Geef de IRI.")
    close = _closest(wanted, names, target)
    listed = "; ".join(close) if close else "(none)"
    raise ParameterError(
        f"{option}: {none_en} in the graph is called {value!r}. Closest known names: {listed}.",
        f"{option}: er is {none_nl} in de graaf met de naam {value!r}. Namen die erop lijken: "
        f"{listed if close else '(geen)'}.",
    )


def _as_iri(value: Any, base_iri: str) -> ox.NamedNode | None:
    if isinstance(value, ox.NamedNode):
        return value
    text = str(value).strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if re.match(r"https?://", text):
        try:
            return ox.NamedNode(text)
        except ValueError:
            raise ParameterError(f"{text!r} is not a valid IRI.", f"{text!r} is geen geldige IRI.") from None
    match = re.fullmatch(r"([a-z][\w-]*):([\w.-]+)", text)
    if match and match.group(1) in (table := prefixes(base_iri)):
        return ox.NamedNode(table[match.group(1)] + match.group(2))
    return None


def _class_iris(classes: Sequence[str], base_iri: str) -> tuple[str, ...]:
    table = prefixes(base_iri)
    found = []
    for name in classes:
        prefix, _, local = name.partition(":")
        found.append(table[prefix] + local if prefix in table and not name.startswith("http") else name)
    return tuple(found)


def _short_class(iri: str, base_iri: str) -> str:
    for prefix, namespace in prefixes(base_iri).items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def _class_condition(classes: Sequence[str], subject: str) -> str:
    listed = " ".join(f"<{c}>" for c in classes)
    return f"{subject} a ?class . VALUES ?class {{ {listed} }}" if classes else ""


def _names(classes: Sequence[str], target: Target) -> list[tuple[str, str, str]]:
    """(name, IRI, label) for every name of every organisation (or entity) in the graph; the label is in the
    language of the settings when there is one."""
    properties = "|".join(f"<{p}>" for p in NAME_PROPERTIES)
    query = (f"SELECT DISTINCT ?entity ?name WHERE {{ ?entity {properties} ?name . "
             f"{_class_condition(classes, '?entity')} }}")
    result = target.execute(query, limit=1_000_000)
    pairs = [(row[1].value, row[0].value) for row in result.rows
             if isinstance(row[0], ox.NamedNode) and isinstance(row[1], ox.Literal)]
    return [(name, iri, "") for name, iri in pairs]


def _closest(wanted: str, names: list[tuple[str, str, str]], target: Target) -> list[str]:
    """The names most like `wanted`, one per thing: its label, with the other name that matched in brackets."""
    by_name: dict[str, list[tuple[str, str]]] = {}
    for name, iri, _ in names:
        by_name.setdefault(normalise(name), []).append((name, iri))
    candidates = difflib.get_close_matches(wanted, list(by_name), n=6, cutoff=0.5)
    candidates += [n for n in sorted(by_name) if wanted and wanted in n and n not in candidates]
    chosen: dict[str, str] = {}
    for candidate in candidates:
        for name, iri in by_name[candidate]:
            chosen.setdefault(iri, name)
    chosen = dict(list(chosen.items())[:6])
    label_of = labels(list(chosen), target) if chosen else {}
    shown = []
    for iri, name in chosen.items():
        label = label_of.get(iri, name)
        shown.append(label if normalise(label) == normalise(name) else f"{label} ({name})")
    return shown


# ------------------------------------------------------------------------------------------------ labels


def labels(iris: Sequence[str], target: Target, language: str | None = None) -> dict[str, str]:
    """{IRI: label} for the IRIs that have an rdfs:label (or skos:prefLabel), in `language` when there is one,
    else Dutch, English, or without a language."""
    preferred = [language or target.language, "nl", "en", ""]
    found: dict[str, tuple[int, str]] = {}
    unique = sorted(set(iris))
    for start in range(0, len(unique), 400):
        chunk = unique[start:start + 400]
        values = " ".join(str(ox.NamedNode(iri)) for iri in chunk)
        query = (f"SELECT ?s ?label WHERE {{ VALUES ?s {{ {values} }} "
                 f"?s <{RDFS_LABEL}>|<http://www.w3.org/2004/02/skos/core#prefLabel> ?label }}")
        for row in target.execute(query, limit=100_000).rows:
            term = row[1]
            if not isinstance(term, ox.Literal):
                continue
            rank = preferred.index(term.language or "") if (term.language or "") in preferred else len(preferred)
            iri = row[0].value
            if iri not in found or (rank, term.value) < found[iri]:
                found[iri] = (rank, term.value)
    return {iri: label for iri, (_, label) in found.items()}
