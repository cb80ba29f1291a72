"""The vocabulary of a build: the classes and properties its graph and ontology use. It is written next to the
store when the graph is built, so that a query can be checked against it (a misspelt class or property) without
reading the graph again.

    >>> vocabulary = Vocabulary(frozenset({"http://www.w3.org/ns/org#Organization"}), frozenset())
    >>> "http://www.w3.org/ns/org#Organization" in vocabulary.classes
    True
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

__all__ = ["CLASSES", "FILE", "PROPERTIES", "Vocabulary", "read_vocabulary", "vocabulary_of", "write_vocabulary"]

FILE = "vocabulary.json"
_OWL, _RDF, _RDFS = "http://www.w3.org/2002/07/owl#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#", \
    "http://www.w3.org/2000/01/rdf-schema#"
# What the default graph (every fact once, the ontology included) uses as a class or property, or declares one.
CLASSES = (f"SELECT DISTINCT ?term WHERE {{ {{ ?thing a ?term }} UNION {{ ?term a ?kind "
           f"VALUES ?kind {{ <{_OWL}Class> <{_RDFS}Class> }} }} FILTER(isIRI(?term)) }}")
PROPERTIES = (f"SELECT DISTINCT ?term WHERE {{ {{ ?s ?term ?o }} UNION {{ ?term a ?kind VALUES ?kind {{ "
              f"<{_RDF}Property> <{_OWL}ObjectProperty> <{_OWL}DatatypeProperty> <{_OWL}AnnotationProperty> }} }} "
              f"FILTER(isIRI(?term)) }}")


@dataclass(frozen=True)
class Vocabulary:
    classes: frozenset[str]
    properties: frozenset[str]

    @property
    def terms(self) -> frozenset[str]:
        return self.classes | self.properties

    def to_json(self) -> str:
        return json.dumps({"classes": sorted(self.classes), "properties": sorted(self.properties)}, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Vocabulary:
        data = json.loads(text)
        return cls(frozenset(data["classes"]), frozenset(data["properties"]))


def vocabulary_of(store: ox.Store) -> Vocabulary:
    """The vocabulary of the default graph of `store`, asked of it here."""
    return Vocabulary(_terms(store, CLASSES), _terms(store, PROPERTIES))


def _terms(store: ox.Store, query: str) -> frozenset[str]:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return frozenset(row["term"].value for row in solutions)


def write_vocabulary(release: Path, vocabulary: Vocabulary) -> None:
    (release / FILE).write_text(vocabulary.to_json(), "utf-8")


def read_vocabulary(release: Path) -> Vocabulary | None:
    """The vocabulary written with the build in `release`; None for a build without one."""
    try:
        return Vocabulary.from_json((release / FILE).read_text("utf-8"))
    except (OSError, ValueError, KeyError):
        return None
