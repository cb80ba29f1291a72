"""The prefixes kennisgraaf writes with, in one place, so every export uses the same ones."""

from __future__ import annotations

import functools
import re

__all__ = ["DCTERMS", "ENTITY_TYPES", "KG", "ORG", "OWL", "PROV", "PUBLICATION", "PUBLICATION_MANIFEST", "RDF", "RDFS",
           "SCHEMA", "SH", "SKOS", "XSD", "graph_iri", "longest_namespace_first", "prefixes", "short_name"]

KG = "https://w3id.org/kennisgraaf/def/"
# The manifest `kennisgraaf publish` keeps on a store (publish.graph_store), and its terms: read by servers of
# such a store to count what was published.
PUBLICATION_MANIFEST = "https://w3id.org/kennisgraaf/graph/publicatie"
PUBLICATION = "https://w3id.org/kennisgraaf/def/publicatie#"

# {base}id/{type}/ — one prefix per kind of entity, named after the IRI segment.
ENTITY_TYPES = (
    "organisatie", "samenwerking", "lidmaatschap", "programma", "statusperiode", "overeenkomst", "initiatief",
    "evenement", "plaats", "thema", "doel", "werkwijze", "begrippenkader", "budget", "toekenning", "bewering",
    "document", "rol", "organisatietype", "overeenkomsttype", "initiatieftype", "status",
)

_STANDARD = {
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
DCTERMS, ORG, OWL, PROV = _STANDARD["dcterms"], _STANDARD["org"], _STANDARD["owl"], _STANDARD["prov"]
RDF, RDFS, SCHEMA, SH = _STANDARD["rdf"], _STANDARD["rdfs"], _STANDARD["schema"], _STANDARD["sh"]
SKOS, XSD = _STANDARD["skos"], _STANDARD["xsd"]


def prefixes(base_iri: str) -> dict[str, str]:
    """All prefixes, sorted by name: the standard vocabularies, kg: and one per entity type."""
    table = dict(_STANDARD)
    table["kg"] = KG
    table["kgsh"] = KG + "shapes/"
    for kind in ENTITY_TYPES:
        table[kind] = f"{base_iri}id/{kind}/"
    return dict(sorted(table.items()))


def graph_iri(base_iri: str, folder: str, stem: str) -> str:
    """Name of the graph that holds a triples-only file of the ontology: {base}graph/{folder}/{stem}."""
    return f"{base_iri}graph/{folder}/{stem}"


def short_name(iri: str, base_iri: str) -> str:
    """organisatie:lumc for an IRI in a known namespace, else the IRI."""
    for name, namespace in longest_namespace_first(base_iri):
        if iri.startswith(namespace) and re.fullmatch(r"[\w.-]*", iri[len(namespace):]):
            return f"{name}:{iri[len(namespace):]}"
    return iri


@functools.lru_cache(maxsize=8)
def longest_namespace_first(base_iri: str) -> tuple[tuple[str, str], ...]:
    """The prefixes, longest namespace first: the order to shorten an IRI in."""
    # Made once per base IRI: a page or table shortens hundreds of IRIs.
    return tuple(sorted(prefixes(base_iri).items(), key=lambda item: -len(item[1])))
