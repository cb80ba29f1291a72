"""Export: the built graph, or one named graph, in a standard RDF format, byte-identical across runs.

Quads are sorted (graph, subject, predicate, object, by their N-Quads form) and written by Oxigraph's
serialisers with one fixed table of prefixes, so a diff between two releases shows only real changes.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from ..config import Settings
from ..errors import InputError, OutputError
from ..namespaces import prefixes
from .builds import open_store

__all__ = ["FORMATS", "export", "serialize_sorted", "write_atomically"]

# name: (Oxigraph format, holds named graphs, file extension)
FORMATS: dict[str, tuple[ox.RdfFormat, bool, str]] = {
    "turtle": (ox.RdfFormat.TURTLE, False, "ttl"),
    "trig": (ox.RdfFormat.TRIG, True, "trig"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, False, "nt"),
    "nquads": (ox.RdfFormat.N_QUADS, True, "nq"),
    "jsonld": (ox.RdfFormat.JSON_LD, True, "jsonld"),
    "rdfxml": (ox.RdfFormat.RDF_XML, False, "rdf"),
}


def export(
    settings: Settings | None = None,
    fmt: str = "trig",
    graph: str | None = None,
    output: Path | str | None = None,
    force: bool = False,
    store: ox.Store | None = None,
) -> bytes | None:
    """Serialise the built graph (or the named graph `graph`) as `fmt`. Returns the bytes, or writes them to
    `output` atomically (refusing to replace an existing file unless `force`).

    Triple formats (turtle, ntriples, rdfxml) get the default graph: every fact once. Quad formats (trig,
    nquads, jsonld) get the default graph and the named graphs (the claims with their sources), and load back
    into the same store.

    >>> export(fmt="turtle")[:7]
    b'@prefix'
    """
    settings = settings or Settings.load()
    if fmt not in FORMATS:
        raise InputError(f"Unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}.")
    store = store if store is not None else open_store(settings)
    quads = _select(store, graph if graph is not None or FORMATS[fmt][1] else "default")
    data = serialize_sorted(quads, fmt, settings.base_iri)
    if output is None:
        return data
    write_atomically(Path(output), data, force)
    return None


def _select(store: ox.Store, graph: str | None) -> list[ox.Quad]:
    if graph is None:
        return list(store)
    name = ox.NamedNode(graph) if graph != "default" else ox.DefaultGraph()
    if isinstance(name, ox.NamedNode) and not store.contains_named_graph(name):
        raise InputError(f"There is no graph <{graph}> in the built store. `kennisgraaf info` lists the graphs.")
    return list(store.quads_for_pattern(None, None, None, name))


def serialize_sorted(quads: Iterable[ox.Quad], fmt: str, base_iri: str) -> bytes:
    """Quads in a stable order, serialised by Oxigraph."""
    rdf_format, keeps_graphs, _ = FORMATS[fmt]
    quads = list(quads)
    if keeps_graphs:
        items: list = sorted(quads, key=lambda q: (_graph_key(q.graph_name), str(q.subject), str(q.predicate),
                                                   str(q.object)))
    else:
        unique = {(q.subject, q.predicate, q.object) for q in quads}
        items = [ox.Triple(s, p, o) for s, p, o in sorted(unique, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))]
    if rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        data = ox.serialize(items, format=rdf_format)
    else:
        data = ox.serialize(items, format=rdf_format, prefixes=prefixes(base_iri))
    assert data is not None
    return data


def _graph_key(name: object) -> str:
    return "" if isinstance(name, ox.DefaultGraph) else str(name)


def write_atomically(path: Path, data: bytes, force: bool) -> None:
    """Write `data` to `path` through a temporary file beside it, so a reader never sees half a file; an
    existing file is replaced only with `force` (OutputError otherwise)."""
    if path.exists() and not force:
        raise OutputError(
            f"{path} already exists; kennisgraaf does not overwrite files. Choose another name, or pass --force "
            f"to replace it."
        )
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name to export to.")
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as e:
        temporary.unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot be written ({e.strerror}).") from None
