"""The SPARQL parts of the shapes (SPARQL-based targets and constraints), evaluated by Oxigraph.

pyshacl evaluates them with rdflib's SPARQL engine, parsing a constraint's query again for every shape it is
checked under: at 100k triples that was 98% of a validation (about 1 ms per triple), and a million triples did
not finish in 25 minutes. Here Oxigraph runs each query once over all focus nodes (bound with VALUES, which
is how SHACL pre-binds $this) on the same data pyshacl sees: every triple of every graph once, plus the
derived kg:statedIn statements. What it finds is handed to pyshacl as plain sh:targetNode lists, or added to its
report as sh:ValidationResults; the shapes pyshacl gets keep only their core constraints.

A constraint is left to pyshacl when Oxigraph cannot express it the same way: a blank focus node (SPARQL has
no VALUES syntax for one), a path that is not a single IRI, or a variable other than $this and $PATH.
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox

from ..graph.loading import STATED_IN, LoadedGraph, TermConverter
from ..namespaces import RDFS, SH
from ..sparqltext import bind_rows

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_OTHER_PREBOUND = re.compile(r"\$(?!this\b|PATH\b)\w+")


def flat_store(graph: LoadedGraph) -> ox.Store:
    """An in-memory store holding, in its default graph, exactly the triples pyshacl validates: every triple
    of every graph once, plus the derived kg:statedIn statements. (A union default graph would repeat a
    triple stated in several claims, and double a SUM.)"""
    stated_in = ox.NamedNode(STATED_IN)
    default = ox.DefaultGraph()
    flat = ox.Store()
    flat.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, default) for q in graph.store)
    flat.bulk_extend(ox.Quad(subject, stated_in, where, default) for subject, where in graph.stated_in)
    return flat


def resolve_targets(shapes: Any, store: ox.Store) -> None:
    """Replace each SPARQL-based target (sh:target [ sh:select ... ]) by sh:targetNode for each node it selects."""
    import rdflib

    sh = rdflib.Namespace(SH)
    converter = TermConverter()
    for shape, target in list(shapes.subject_objects(sh.target)):
        select = shapes.value(target, sh.select)
        if select is None:
            continue
        rows = store.query(prefix_block(shapes, target) + str(select))
        nodes = {row["this"] for row in rows}  # type: ignore[union-attr]
        for triple in list(shapes.triples((target, None, None))):
            shapes.remove(triple)
        shapes.remove((shape, sh.target, target))
        for node in nodes - {None}:
            shapes.add((shape, sh.targetNode, converter.term(node)))


_TARGETS = ("targetNode", "targetClass", "targetSubjectsOf", "targetObjectsOf")


def lift_property_shapes(shapes: Any) -> None:
    """Give each property shape the targets of the node shapes it belongs to, instead of belonging to them.

    pyshacl checks a property shape reached through sh:property once per focus node, building the shape anew
    each time: at 10k triples that was two thirds of a validation. With targets of its own, a property shape
    is checked once for all its focus nodes. The results are the same, as its focus nodes are the same.
    Left alone: node shapes without targets or used inside other shapes (sh:node, sh:or ...; those need their
    properties), and property shapes used anywhere else than under sh:property."""
    import rdflib

    sh = rdflib.Namespace(SH)
    parents: dict[Any, list[Any]] = {}
    for node_shape, property_shape in shapes.subject_objects(sh.property):
        parents.setdefault(property_shape, []).append(node_shape)
    for property_shape, node_shapes in parents.items():
        uses = set(shapes.subject_predicates(property_shape))
        if uses != {(n, sh.property) for n in node_shapes} or not all(_liftable(shapes, n) for n in node_shapes):
            continue
        for node_shape in node_shapes:
            for name in _TARGETS:
                for target in list(shapes.objects(node_shape, sh[name])):
                    shapes.add((property_shape, sh[name], target))
            if (node_shape, rdflib.RDF.type, rdflib.RDFS.Class) in shapes:  # an implicit class target
                shapes.add((property_shape, sh.targetClass, node_shape))
            shapes.remove((node_shape, sh.property, property_shape))


def _liftable(shapes: Any, node_shape: Any) -> bool:
    """A node shape with targets of its own, used by no other shape."""
    import rdflib

    sh = rdflib.Namespace(SH)
    targeted = any(next(shapes.objects(node_shape, sh[name]), None) is not None for name in _TARGETS) \
        or (node_shape, rdflib.RDF.type, rdflib.RDFS.Class) in shapes
    return targeted and next(shapes.subjects(None, node_shape), None) is None


def run_constraints(shapes: Any, store: ox.Store) -> Any:
    """Evaluate the SPARQL-based constraints Oxigraph can take and remove them from `shapes`; returns their
    sh:ValidationResults as an rdflib Graph (not yet linked to a report), for `merge_results`."""
    import rdflib

    sh = rdflib.Namespace(SH)
    results = rdflib.Graph()
    for shape, constraint in list(shapes.subject_objects(sh.sparql)):
        query = _constraint_query(shapes, shape, constraint, store)
        if query is None:
            continue  # left to pyshacl
        shapes.remove((shape, sh.sparql, constraint))
        if not query:
            continue
        severity = shapes.value(shape, sh.severity) or sh.Violation
        path = shapes.value(shape, sh.path)
        converter = TermConverter()
        for row in store.query(query):  # type: ignore[union-attr]
            focus = converter.term(row["this"])
            result = rdflib.BNode()
            results.add((result, rdflib.RDF.type, sh.ValidationResult))
            results.add((result, sh.focusNode, focus))
            results.add((result, sh.resultSeverity, severity))
            results.add((result, sh.sourceShape, shape))
            results.add((result, sh.sourceConstraint, constraint))
            results.add((result, sh.sourceConstraintComponent, sh.SPARQLConstraintComponent))
            found_path = _binding(row, "path")
            if found_path is not None or path is not None:
                results.add((result, sh.resultPath, converter.term(found_path) if found_path is not None else path))
            value = _binding(row, "value")
            if value is not None:
                results.add((result, sh.value, converter.term(value)))
            elif path is None:  # a node shape: the value is the focus node itself
                results.add((result, sh.value, focus))
    return results


def merge_results(report_graph: Any, results: Any) -> None:
    """Add results from run_constraints to pyshacl's report."""
    import rdflib

    sh = rdflib.Namespace(SH)
    report = next(iter(report_graph.subjects(rdflib.RDF.type, sh.ValidationReport)))
    for triple in results:
        report_graph.add(triple)
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        report_graph.add((report, sh.result, result))


def _constraint_query(shapes: Any, shape: Any, constraint: Any, store: ox.Store) -> str | None:
    import rdflib

    sh = rdflib.Namespace(SH)
    select = shapes.value(constraint, sh.select)
    if select is None or _OTHER_PREBOUND.search(str(select)):
        return None
    text = str(select)
    if "$PATH" in text:
        path = shapes.value(shape, sh.path)
        if not isinstance(path, rdflib.URIRef):
            return None
        text = text.replace("$PATH", f"<{path}>")
    nodes = focus_nodes(shapes, shape, store)
    if any(not isinstance(node, ox.NamedNode | ox.Literal) for node in nodes):
        return None
    if not nodes:
        return ""  # no focus nodes: nothing to check
    text = text.replace("$this", "?this")
    return bind_rows(prefix_block(shapes, constraint) + text, "this", sorted(nodes, key=str))


def focus_nodes(shapes: Any, shape: Any, store: ox.Store) -> list[Any]:
    """The focus nodes of a shape: its targets, or for a property shape those of the shapes it belongs to."""
    import rdflib

    sh = rdflib.Namespace(SH)
    found: set[Any] = set()
    for node in shapes.objects(shape, sh.targetNode):
        found.add(to_ox(node))
    classes = list(shapes.objects(shape, sh.targetClass))
    if (shape, rdflib.RDF.type, rdflib.RDFS.Class) in shapes:
        classes.append(shape)
    patterns = [f"?this <{RDF_TYPE}>/<{RDFS}subClassOf>* <{c}>" for c in classes]
    patterns += [f"?this <{p}> ?object" for p in shapes.objects(shape, sh.targetSubjectsOf)]
    patterns += [f"?subject <{p}> ?this" for p in shapes.objects(shape, sh.targetObjectsOf)]
    for pattern in patterns:
        query = f"SELECT DISTINCT ?this WHERE {{ {pattern} }}"
        found.update(row["this"] for row in store.query(query))  # type: ignore[union-attr]
    for parent in shapes.subjects(sh.property, shape):
        found.update(focus_nodes(shapes, parent, store))
    return list(found)


def prefix_block(shapes: Any, node: Any) -> str:
    """PREFIX lines for the sh:prefixes declarations of a SPARQL-based target or constraint."""
    import rdflib

    sh = rdflib.Namespace(SH)
    lines = set()
    for owner in shapes.objects(node, sh.prefixes):
        for declaration in shapes.objects(owner, sh.declare):
            prefix, namespace = shapes.value(declaration, sh.prefix), shapes.value(declaration, sh.namespace)
            if prefix is not None and namespace is not None:
                lines.add(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(sorted(lines))


def _binding(row: Any, name: str) -> Any:
    try:
        return row[name]
    except (KeyError, IndexError):
        return None


def to_ox(term: Any) -> Any:
    """An rdflib term as a pyoxigraph term."""
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(term)
