"""VoID: the description of the dataset — its size, classes and properties, endpoint and dumps — as triples.

One builder for both places that describe the graph: the server's `/.well-known/void` (addresses of the server
that was asked) and a release's `void.ttl` (the published addresses). The counts come from SPARQL on the
default graph, which holds every fact once, so they are those `kennisgraaf info` gives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pyoxigraph as ox

from ..namespaces import DCTERMS, KG

__all__ = ["DCTERMS", "VOID", "Select", "store_select", "void_description"]

VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

Select = Callable[[str], Sequence[Sequence[Any]]]  # a SELECT query → rows of terms (None where unbound)

TITLE = ox.Literal("Kennisgraaf Leiden Kennisstad", language="nl")
DESCRIPTION = ox.Literal("Who works with whom in Leiden Kennisstad, through which agreements, initiatives, themes and "
                         "budgets; every fact traced to the sentence of a municipal document that states it.",
                         language="en")


def store_select(store: ox.Store) -> Select:
    """A `Select` that runs on `store` in this process (the server runs its queries in workers instead)."""

    def select(text: str) -> list[list[Any]]:
        solutions = store.query(text)
        assert isinstance(solutions, ox.QuerySolutions)
        return [list(row) for row in solutions]

    return select


def void_description(select: Select, *, document: str, base_iri: str, sparql_endpoint: str,
                     dumps: Iterable[str]) -> list[ox.Triple]:
    """The VoID triples of the graph `select` queries. The dataset is `{document}#leiden`, its partitions
    `{document}#class-N` and `{document}#property-N`; `dumps` are the addresses of the dumps.

    >>> from kennisgraaf.store.builds import open_store
    >>> triples = void_description(store_select(open_store()), document="https://example.org/void",
    ...     base_iri="https://w3id.org/kennisgraaf/", sparql_endpoint="https://example.org/sparql", dumps=[])
    >>> any(t.predicate.value == VOID + "triples" for t in triples)
    True
    """

    def count(query: str) -> int:
        rows = select(query)
        return int(rows[0][0].value) if rows and rows[0][0] is not None else 0

    id_space = base_iri + "id/"
    dataset = ox.NamedNode(document + "#leiden")
    v = lambda name: ox.NamedNode(VOID + name)  # noqa: E731
    a = ox.NamedNode(RDF_TYPE)
    triples = [
        ox.Triple(dataset, a, v("Dataset")),
        ox.Triple(dataset, ox.NamedNode(DCTERMS + "title"), TITLE),
        ox.Triple(dataset, ox.NamedNode(DCTERMS + "description"), DESCRIPTION),
        ox.Triple(dataset, v("sparqlEndpoint"), ox.NamedNode(sparql_endpoint)),
        ox.Triple(dataset, v("uriSpace"), ox.Literal(id_space)),
        ox.Triple(dataset, v("vocabulary"), ox.NamedNode(KG)),
        ox.Triple(dataset, v("triples"), ox.Literal(count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))),
        ox.Triple(dataset, v("entities"), ox.Literal(count(
            f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), {ox.Literal(id_space)})) }}"))),
        ox.Triple(dataset, v("classes"), ox.Literal(count("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }"))),
        ox.Triple(dataset, v("properties"), ox.Literal(count("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"))),
        ox.Triple(dataset, v("distinctSubjects"), ox.Literal(count(
            "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"))),
        ox.Triple(dataset, v("distinctObjects"), ox.Literal(count(
            "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"))),
    ]
    for address in sorted(dumps):
        triples.append(ox.Triple(dataset, v("dataDump"), ox.NamedNode(address)))
    graphs = ox.NamedNode(document + "#named-graphs")
    triples += [
        ox.Triple(dataset, v("subset"), graphs),
        ox.Triple(graphs, a, v("Dataset")),
        ox.Triple(graphs, ox.NamedNode(DCTERMS + "title"),
                  ox.Literal("The named graphs: one per claim (facts with their source and quote), and the "
                             "ontology", language="en")),
        ox.Triple(graphs, v("documents"), ox.Literal(count(
            "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))),
    ]
    classes = select("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c")
    for number, (cls, n) in enumerate(classes, 1):
        part = ox.NamedNode(f"{document}#class-{number}")
        triples += [ox.Triple(dataset, v("classPartition"), part), ox.Triple(part, v("class"), cls),
                    ox.Triple(part, v("entities"), ox.Literal(int(n.value)))]
    properties = select("SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } "
                        "GROUP BY ?p ORDER BY ?p")
    for number, (prop, n) in enumerate(properties, 1):
        part = ox.NamedNode(f"{document}#property-{number}")
        triples += [ox.Triple(dataset, v("propertyPartition"), part), ox.Triple(part, v("property"), prop),
                    ox.Triple(part, v("triples"), ox.Literal(int(n.value)))]
    return triples
