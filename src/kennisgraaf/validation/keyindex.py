"""An index of keys for the keyed steps of incremental validation: which triples have an object with a given key.

A shape such as DuplicateShape compares the names of a node with every name of its class after normalising them
(`FILTER (REPLACE(LCASE(STR(?label)), ...) = REPLACE(LCASE(STR(?name)), ...))`). reach.py turns that equality
into a keyed step: from the few names of the entry's nodes to the triples whose object has the same key. No store
can look a triple up by a computed key, so the build evaluates each keyed step's own expression (from the shapes,
by Oxigraph) on every triple with the step's predicates and keeps key -> triples here, in SQLite next to the
store. Without it, a validation at a million triples read every name of every initiative (13k, about a second).

Keys are compared as the filter compares them only where term equality is SPARQL's `=`: plain strings and IRIs.
A key of another kind (a number, a language-tagged string) makes the index of that step unusable, and the
validation is then made in full.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .reach import Analysis, NotIncremental, Step

__all__ = ["KeyIndex", "key_of", "keyed_steps", "keys_of_nodes", "lines_by_key", "spec_of", "triples_by_key", "write"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_CHUNK = 500  # keys per SQL query (SQLite allows 999 parameters at the least)


def keyed_steps(analysis: Analysis) -> list[Step]:
    """Every keyed step of the analysis, one per index (predicates and expression of the object)."""
    plans = [*analysis.targets.values(), *analysis.shapes.values(), *analysis.cores.values()]
    plans += [p for constraints in analysis.constraints.values() for c in constraints
              for p in (c.plan, c.inverted) if p is not None]
    found: dict[str, Step] = {}
    for plan in plans:
        for step in plan.keyed():
            found.setdefault(spec_of(step), step)
    return [found[spec] for spec in sorted(found)]


def spec_of(step: Step) -> str:
    """What identifies a step's index: its predicates and the expression of the object (with its variable)."""
    return json.dumps([sorted(step.predicates or ()), step.key[2], step.key[3]])


def key_of(term: Any) -> str | None:
    """A key as the index keeps it (N-Triples), for the kinds of key where the same term is the same key; None
    for any other kind."""
    if isinstance(term, ox.NamedNode) or (
            isinstance(term, ox.Literal) and term.language is None and term.datatype.value == XSD_STRING):
        return str(term)
    return None


def _triples_query(step: Step) -> str:
    values = " ".join(f"<{p}>" for p in sorted(step.predicates or ()))
    expression, name = step.key[2], step.key[3]
    return (f"SELECT ?kg_subject ?kg_predicate ?{name} ?kg_key WHERE {{ VALUES ?kg_predicate {{ {values} }} "
            f"?kg_subject ?kg_predicate ?{name} BIND(({expression}) AS ?kg_key) FILTER(BOUND(?kg_key)) }}")


def lines_by_key(store: ox.Store, step: Step, union: bool = False) -> tuple[dict[str, list[str]], bool]:
    """The triples of `store` (its default graph, or with `union` all its graphs) with the step's predicates,
    by the key of their object (N-Triples lines); and whether every key is of a kind the index can keep."""
    found: dict[str, list[str]] = {}
    usable = True
    name = step.key[3]
    for row in store.query(_triples_query(step), use_default_graph_as_union=union):  # type: ignore[union-attr]
        key = key_of(row["kg_key"])
        if key is None:
            usable = False
            continue
        line = f"{row['kg_subject']} {row['kg_predicate']} {row[name]} ."
        found.setdefault(key, []).append(line)
    return found, usable


def triples_by_key(store: ox.Store, step: Step, union: bool = False
                   ) -> tuple[dict[str, list[tuple[Any, Any, Any]]], bool]:
    """As `lines_by_key`, the triples parsed."""
    found, usable = lines_by_key(store, step, union)
    return _parse([(key, line) for key, lines in found.items() for line in lines]), usable


def keys_of_nodes(step: Step, nodes: Iterable[Any]) -> set[str]:
    """The keys of the step's source nodes, by its expression of the source variable (evaluated by Oxigraph).
    NotIncremental for a blank node or a key the index cannot compare."""
    nodes = list(nodes)
    if not nodes:
        return set()
    if any(isinstance(n, ox.BlankNode) for n in nodes):
        raise NotIncremental("a keyed step out of a blank node")
    expression, name = step.key[0], step.key[1]
    query = (f"SELECT ?kg_key WHERE {{ VALUES ?{name} {{ {' '.join(str(n) for n in nodes)} }} "
             f"BIND(({expression}) AS ?kg_key) FILTER(BOUND(?kg_key)) }}")
    keys = set()
    for row in _EMPTY.query(query):  # type: ignore[union-attr]
        key = key_of(row["kg_key"])
        if key is None:
            raise NotIncremental(f"a key that is not a plain string or IRI ({row['kg_key']})")
        keys.add(key)
    return keys


_EMPTY = ox.Store()  # to evaluate expressions in


def _parse(rows: list[tuple[str, str]]) -> dict[str, list[tuple[Any, Any, Any]]]:
    """(key, N-Triples line) rows as triples by key, parsed in one go."""
    found: dict[str, list[tuple[Any, Any, Any]]] = {}
    if rows:
        quads = ox.parse("\n".join(line for _, line in rows).encode(), ox.RdfFormat.N_TRIPLES)
        for (key, _), quad in zip(rows, quads, strict=True):
            found.setdefault(key, []).append((quad.subject, quad.predicate, quad.object))
    return found


def write(store: ox.Store, analysis: Analysis, path: Path) -> None:
    """The index of every keyed step of `analysis` over the default graph of `store`, as a new SQLite file."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("CREATE TABLE specs (id INTEGER PRIMARY KEY, spec TEXT UNIQUE, usable INTEGER)")
        connection.execute("CREATE TABLE keyed (spec INTEGER, key TEXT, triple TEXT)")
        for number, step in enumerate(keyed_steps(analysis)):
            found, usable = lines_by_key(store, step)
            connection.execute("INSERT INTO specs VALUES (?, ?, ?)", (number, spec_of(step), int(usable)))
            if usable:
                connection.executemany("INSERT INTO keyed VALUES (?, ?, ?)",
                                       ((number, key, line) for key, lines in found.items() for line in lines))
        connection.execute("CREATE INDEX keyed_by_key ON keyed (spec, key)")
        connection.commit()
    finally:
        connection.close()


class KeyIndex:
    """The index a build wrote (read-only)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._specs: dict[str, tuple[int, bool]] | None = None

    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True)
            self._specs = {spec: (number, bool(usable)) for number, spec, usable
                           in self._connection.execute("SELECT id, spec, usable FROM specs")}
        return self._connection

    def triples(self, step: Step, keys: Iterable[str]) -> dict[str, list[tuple[Any, Any, Any]]]:
        """The build's triples of the step's predicates whose object has one of `keys`, by key. NotIncremental
        when the index cannot be read (damaged, or not an index): the caller then validates in full."""
        try:
            return self._triples(step, keys)
        except sqlite3.Error as error:
            raise NotIncremental(f"the build's index of keys cannot be read ({error}): build again") from None

    def _triples(self, step: Step, keys: Iterable[str]) -> dict[str, list[tuple[Any, Any, Any]]]:
        connection = self._open()
        assert self._specs is not None
        spec = self._specs.get(spec_of(step))
        if spec is None:
            raise NotIncremental("the build keeps no index for a keyed step of the shapes")
        if not spec[1]:
            raise NotIncremental("a keyed step whose keys are not all plain strings or IRIs")
        keys = sorted(keys)
        rows: list[tuple[str, str]] = []
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start:start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            rows += connection.execute(
                f"SELECT key, triple FROM keyed WHERE spec = ? AND key IN ({marks})", (spec[0], *chunk)).fetchall()
        return _parse(rows)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
