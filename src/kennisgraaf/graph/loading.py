"""The loaded graph: the project's files parsed into an Oxigraph store, and the views other steps need.

`load()` is the one place that turns files into a store. Validation needs the same graph as an in-memory
rdflib Graph (pyshacl is fast and correct only there), flattened over all named graphs, plus derived
`kg:statedIn` triples that tell, for each subject, which claims state something about it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..config import Settings
from ..errors import InputError
from ..namespaces import KG, XSD
from .files import SourceFile, check_graphs_written_once, data_files, load_files, locate_text, shown
from .hints import literal_hint

__all__ = ["LoadedGraph", "count_summary", "load"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CLAIM = KG + "Claim"
SOURCE_DOCUMENT = KG + "SourceDocument"
STATED_IN = KG + "statedIn"
NO_CLAIM = KG + "noClaim"


@dataclass
class LoadedGraph:
    """The store with everything read from `files`, and the settings it was read with."""

    store: ox.Store
    files: list[SourceFile]
    settings: Settings
    extra_files: list[Path] = field(default_factory=list)
    # The derived kg:statedIn statements (subject, claim or kg:noClaim), filled by to_rdflib().
    stated_in: list[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode]] = field(default_factory=list, repr=False)

    def paths(self) -> list[Path]:
        """Files to search for a node's line: the extra (new or changed) files first."""
        extra = [p for p in self.extra_files]
        return extra + [f.path for f in self.files if f.path not in extra]

    def to_rdflib(self) -> rdflib.Graph:  # type: ignore[name-defined] # noqa: F821
        """A flat rdflib Graph of all quads, with derived kg:statedIn triples; checks every typed literal."""
        # rdflib logs a traceback for each ill-typed literal; we report those ourselves, with file and line.
        term_log = logging.getLogger("rdflib.term")
        was_disabled, term_log.disabled = term_log.disabled, True
        try:
            return _flat_rdflib_graph(self)
        finally:
            term_log.disabled = was_disabled


def load(
    settings: Settings | None = None,
    files: Iterable[Path | str] = (),
    store: ox.Store | None = None,
    bulk: bool = False,
    progress: Callable[[str], None] | None = None,
    without: Iterable[Path | str] = (),
) -> LoadedGraph:
    """Read the ontology and data of the project (and `files`, new or changed entries) into an Oxigraph store.
    `without` leaves data files out: those that changed copies among `files` take the place of.

    >>> graph = load()
    >>> len(graph.store) > 0
    True
    """
    settings = settings or Settings.load()
    extra = [Path(f).resolve() for f in files]
    sources = data_files(settings, extra, without)
    store = store if store is not None else ox.Store()
    load_files(store, sources, settings, bulk=bulk, progress=progress)
    check_graphs_written_once(sources)
    extra_paths = [f.path for f in sources if any(f.path == e or f.path.is_relative_to(e) for e in extra)]
    return LoadedGraph(store, sources, settings, extra_paths)


# ------------------------------------------------------------------ conversion for pyshacl


def _flat_rdflib_graph(graph: LoadedGraph) -> rdflib.Graph:  # type: ignore[name-defined] # noqa: F821
    import rdflib

    converter = TermConverter()
    flat = rdflib.Graph()
    add = flat.add
    stated_in = rdflib.URIRef(STATED_IN)
    no_claim = rdflib.URIRef(NO_CLAIM)
    claims = {q.subject.value for q in graph.store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(CLAIM))
              if isinstance(q.subject, ox.NamedNode) and q.graph_name == q.subject}
    documents = {q.subject for q in graph.store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE),
                                                                    ox.NamedNode(SOURCE_DOCUMENT), ox.DefaultGraph())}
    seen_statements: set[tuple[object, object]] = set()
    graph.stated_in.clear()
    ox_no_claim = ox.NamedNode(NO_CLAIM)
    for quad in graph.store:
        s, p, o = converter.term(quad.subject), converter.term(quad.predicate), converter.term(quad.object)
        if isinstance(o, rdflib.Literal) and o.ill_typed:
            raise _ill_typed(quad.object, graph)
        add((s, p, o))
        name = quad.graph_name
        if isinstance(name, ox.DefaultGraph):
            if quad.subject not in documents and isinstance(quad.subject, ox.NamedNode):
                where, ox_where = no_claim, ox_no_claim
            else:
                continue
        elif isinstance(name, ox.NamedNode) and name.value in claims:
            where, ox_where = converter.term(name), name
        else:
            continue  # ontology graphs and other named graphs
        if (s, where) not in seen_statements:
            seen_statements.add((s, where))
            add((s, stated_in, where))
            graph.stated_in.append((quad.subject, ox_where))
    return flat


class TermConverter:
    """pyoxigraph terms to rdflib terms; IRIs are cached because they repeat a lot."""

    def __init__(self) -> None:
        import rdflib

        self._rdflib = rdflib
        self._iris: dict[str, Any] = {}

    def term(self, term: object) -> Any:
        rdflib = self._rdflib
        if isinstance(term, ox.NamedNode):
            value = term.value
            cached = self._iris.get(value)
            if cached is None:
                cached = self._iris[value] = rdflib.URIRef(value)
            return cached
        if isinstance(term, ox.Literal):
            if term.language:
                return rdflib.Literal(term.value, lang=term.language)
            datatype = term.datatype.value
            if datatype == XSD + "string":
                return rdflib.Literal(term.value)
            return rdflib.Literal(term.value, datatype=self.term(term.datatype))
        if isinstance(term, ox.BlankNode):
            return rdflib.BNode(term.value)
        raise TypeError(f"unsupported RDF term {term!r}")


def _ill_typed(literal: ox.Literal, graph: LoadedGraph) -> InputError:
    datatype = literal.datatype.value.replace(XSD, "xsd:")
    found = locate_text(f'"{literal.value}"', graph.paths())
    where = f"{shown(found[0])}:{found[1]}" if found else "(file not found)"
    hint = literal_hint(literal.value, datatype)
    if hint is not None:  # built from the value written: the date as it was probably meant, or why it is none
        advice_en, advice_nl = hint.en, hint.nl
    else:
        example = {"xsd:integer": "2017", "xsd:decimal": "1650000.00", "xsd:gYear": '"2017"^^xsd:gYear',
                   "xsd:boolean": "true"}.get(datatype, f"a valid {datatype}")
        advice_en, advice_nl = f"Write it as {example}.", f"Schrijf het als {example}."
    return InputError(
        f'{where}: "{literal.value}" is not a valid {datatype}. {advice_en} Nothing was built or changed.',
        f'{where}: "{literal.value}" is geen geldige {datatype}. {advice_nl} Er is niets gebouwd of veranderd.',
        file=shown(found[0]) if found else None, line=found[1] if found else None,
    )


# ------------------------------------------------------------------ summaries

def count_summary(store: ox.Store) -> dict[str, object]:
    """Triples (distinct over all graphs), quads, named graphs, claims, and entities per class."""
    triples = next(iter(_select(store,
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } }"
    )))["n"].value
    per_class: dict[str, int] = {}
    for row in _select(store,
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { { ?s a ?class } UNION { GRAPH ?g { ?s a ?class } } } "
        "GROUP BY ?class ORDER BY ?class"
    ):
        per_class[row["class"].value] = int(row["n"].value)
    default_quads = len(list(store.quads_for_pattern(None, None, None, ox.DefaultGraph())))
    per_graph_kind: dict[str, int] = {"default": default_quads}
    named = 0
    for row in _select(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
        named += 1
        kind = _graph_kind(row["g"].value)
        per_graph_kind[kind] = per_graph_kind.get(kind, 0) + int(row["n"].value)
    return {
        "quads": len(store),
        "triples": int(triples),
        "named_graphs": named,
        "claims": per_class.get(CLAIM, 0),
        "quads_per_graph_kind": dict(sorted(per_graph_kind.items())),
        "entities_per_class": per_class,
    }


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _graph_kind(graph_name: str) -> str:
    """'bewering' for claim graphs, 'graph/ontologie' for ontology graphs: what kind of graph a name is."""
    parts = graph_name.rstrip("/").split("/")
    if "id" in parts:
        return parts[parts.index("id") + 1]
    if "graph" in parts:
        return "graph/" + parts[parts.index("graph") + 1]
    return graph_name
