"""The ontology's documentation: a page per class and property of the kennisgraaf ontology (`{KG}...`, at
/doc/def/{term}) and an index of them (/doc/def/), for the server and the static site alike.

A term's page gives its labels and definitions in Dutch and English, its domain and range, its subclasses
and the properties that have it as domain or range, the shapes of shapes/ that target or use it (with their
messages in words), how many instances or uses it has in the graph, and an example from the data.

The shapes are not in the built store: `ShapeIndex.read` reads the shape files once, and answers which
shapes use a term from memory. The functions here take a query `Target` and a linker (see `pages.Linker`:
anything with `term`, `href`, `short` and `learn_names`), so they do not depend on the web app.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import pyoxigraph as ox

from ..config import Settings
from ..errors import KennisgraafError
from ..namespaces import DCTERMS, KG, OWL, RDF, RDFS, SH, SKOS
from ..queries.running import Target

__all__ = ["KINDS", "ShapeIndex", "ShapeUse", "index_data", "term_data", "terms"]


# The kinds of term, by their rdf:type, in the order the index lists them.
KINDS = {OWL + "Class": "class", RDFS + "Class": "class", OWL + "ObjectProperty": "object property",
         OWL + "DatatypeProperty": "datatype property", OWL + "AnnotationProperty": "property",
         RDF + "Property": "property", OWL + "NamedIndividual": "individual"}
GROUPS = (("class", "Classes"), ("object property", "Object properties"),
          ("datatype property", "Datatype properties"), ("property", "Other properties"),
          ("individual", "Individuals"))
# The facts a term's page shows in its own table, in this order.
STRUCTURE = ((RDFS + "subClassOf", "subclass of"), (RDFS + "subPropertyOf", "subproperty of"),
             (RDFS + "domain", "domain"), (RDFS + "range", "range"), (OWL + "inverseOf", "inverse of"),
             (OWL + "equivalentClass", "equivalent class"), (RDFS + "isDefinedBy", "defined by"))
LANGUAGES = ("nl", "en")


class Links(Protocol):
    names: dict[str, str]

    def term(self, term: Any) -> dict[str, Any]: ...

    def short(self, iri: str) -> str: ...

    def learn_names(self, iris: Iterable[str], target: Target) -> None: ...


def _rows(target: Target, text: str, limit: int | None = None) -> list[list[Any]]:
    return [list(row) for row in target.execute(text, limit).rows]


def _by_language(literals: Iterable[Any]) -> list[dict[str, str]]:
    """Texts with their language, Dutch first, then English, then others."""
    found = {(t.language or "", t.value) for t in literals if isinstance(t, ox.Literal)}
    order = {lang: i for i, lang in enumerate(LANGUAGES)}
    return [{"lang": lang, "text": text} for lang, text in sorted(found, key=lambda x: (order.get(x[0], 9), x))]


# ------------------------------------------------------------------------------------------------ shapes


@dataclass(frozen=True)
class ShapeUse:
    """A shape that targets or uses a term: how (`how`, in words), its names and messages by language, its
    severity (Violation blocks a build, Warning does not), and the node shape it is a property shape of."""

    shape: str
    how: tuple[str, ...]
    names: dict[str, str]
    messages: dict[str, str]
    severity: str
    part_of: str | None = None


_TARGETS = {SH + "targetClass": "targets its instances",
            SH + "targetSubjectsOf": "targets the things that have it",
            SH + "targetObjectsOf": "targets its values",
            SH + "class": "requires values of this class"}
_MENTIONED = re.compile(r"<(" + re.escape(KG) + r"[A-Za-z]\w*)>|(?<![\w:])kg:([A-Za-z]\w*)")


class ShapeIndex:
    """Which shapes (of shapes/) target or use each term: built once from the shapes' quads, asked from memory.

    A shape uses a term when it targets it (sh:targetClass, sh:targetSubjectsOf, sh:targetObjectsOf), checks
    it (sh:path, also within a path), requires it (sh:class), lists it (sh:in) or names it in its SPARQL; the
    property shapes of a node shape that targets a class check that class's instances too."""

    def __init__(self, quads: Iterable[ox.Quad], problem: str | None = None) -> None:
        self.problem = problem  # why the shapes could not be read, if they could not
        out: dict[Any, list[tuple[str, Any]]] = defaultdict(list)
        for quad in quads:
            out[quad.subject].append((quad.predicate.value, quad.object))
        self._out = out
        kinds = (SH + "NodeShape", SH + "PropertyShape")
        shapes = sorted((s for s, edges in out.items() if isinstance(s, ox.NamedNode)
                         and any(p == RDF + "type" and o.value in kinds for p, o in edges)), key=str)
        parent = {o.value: s.value for s in shapes for p, o in out[s]
                  if p == SH + "property" and isinstance(o, ox.NamedNode)}
        uses: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for shape in shapes:
            for iri, how in self._references(shape, set()):
                if how not in uses[iri][shape.value]:
                    uses[iri][shape.value].append(how)
        for shape in shapes:
            for cls in [o.value for p, o in out[shape] if p == SH + "targetClass" and isinstance(o, ox.NamedNode)]:
                for child in (c for c, p in parent.items() if p == shape.value):
                    how = "checks its instances (a property shape of its node shape)"
                    if how not in uses[cls][child]:
                        uses[cls][child].append(how)
        self._uses = uses
        self._parent = parent

    @classmethod
    def read(cls, settings: Settings) -> ShapeIndex:
        """The shapes of shapes_dir; if they cannot be read, an empty index that says why (`problem`)."""
        from ..graph.files import read_shape_quads

        try:
            return cls(read_shape_quads(settings))
        except KennisgraafError as error:
            return cls([], problem=error.message("en"))

    def _references(self, node: Any, seen: set[Any]) -> Iterator[tuple[str, str]]:
        seen.add(node)
        for p, o in self._out.get(node, ()):
            if p in _TARGETS and isinstance(o, ox.NamedNode):
                yield o.value, _TARGETS[p]
            elif p == SH + "path":
                if isinstance(o, ox.NamedNode):
                    yield o.value, "checks its values (sh:path)"
                else:
                    yield from ((iri, "checks a path through it") for iri in self._iris_in(o, set()))
            elif p == SH + "in":
                yield from ((iri, "lists it among the allowed values") for iri in self._iris_in(o, set()))
            elif p == SH + "select" and isinstance(o, ox.Literal):
                for match in _MENTIONED.finditer(o.value):
                    yield match.group(1) or KG + match.group(2), "names it in its SPARQL"
            if isinstance(o, ox.BlankNode) and p not in (SH + "path", SH + "in") and o not in seen:
                yield from self._references(o, seen)  # sh:or lists, sh:sparql, sh:target, nested shapes

    def _iris_in(self, node: Any, seen: set[Any]) -> Iterator[str]:
        if isinstance(node, ox.NamedNode):
            if node.value != RDF + "nil":
                yield node.value
            return
        seen.add(node)
        for _, o in self._out.get(node, ()):
            if o not in seen:
                yield from self._iris_in(o, seen)

    def _texts(self, node: Any, prop: str) -> dict[str, str]:
        return {o.language or "": o.value for p, o in self._out.get(node, ()) if p == prop and isinstance(o, ox.Literal)}

    def uses(self, iri: str) -> list[ShapeUse]:
        """The shapes that use `iri`, hard rules (violations) first, then by shape."""
        found = []
        for shape, how in self._uses.get(iri, {}).items():
            node = ox.NamedNode(shape)
            messages = self._texts(node, SH + "message")
            for p, o in self._out.get(node, ()):
                if p == SH + "sparql" and not messages:
                    messages = self._texts(o, SH + "message")
            severity = next((o.value.rsplit("#", 1)[-1] for p, o in self._out.get(node, ()) if p == SH + "severity"),
                            "Violation")
            found.append(ShapeUse(shape, tuple(how), self._texts(node, SH + "name"), messages, severity,
                                  self._parent.get(shape)))
        return sorted(found, key=lambda use: (use.severity != "Violation", use.shape))

    def count(self, iri: str) -> int:
        return len(self._uses.get(iri, {}))


_PLACEHOLDERS = {"en": {"{$this}": "this thing", "{?value}": "the value"},
                 "nl": {"{$this}": "dit ding", "{?value}": "de waarde"}}


def _shape_view(use: ShapeUse, linker: Links) -> dict[str, Any]:
    def words(message: str, lang: str) -> list[dict[str, Any]]:
        # {$this} and {?value} are filled in by the validator; here they are shown as placeholders.
        named = _PLACEHOLDERS.get(lang, _PLACEHOLDERS["en"])
        return [{"text": named.get(part, part[1:-1]), "placeholder": True} if re.fullmatch(r"\{[$?]\w+\}", part)
                else {"text": part} for part in re.split(r"(\{[$?]\w+\})", message) if part]

    return {"shape": linker.short(use.shape), "iri": use.shape, "how": use.how,
            "name": use.names.get("en") or use.names.get("") or use.names.get("nl") or "",
            "name_nl": use.names.get("nl", ""), "severity": use.severity,
            "part_of": linker.short(use.part_of) if use.part_of else None,
            "messages": [{"lang": lang, "words": words(use.messages[lang], lang)}
                         for lang in ("en", "nl", "") if lang in use.messages]}


# ------------------------------------------------------------------------------------------------ pages


def terms(target: Target) -> dict[str, str]:
    """{IRI: kind} of the terms the ontology declares (classes, properties, individuals), sorted by IRI."""
    found: dict[str, str] = {}
    rows = _rows(target, f"SELECT ?t ?type WHERE {{ ?t a ?type FILTER(STRSTARTS(STR(?t), {ox.Literal(KG)}) "
                         f"&& ?t != <{KG}>) }}", limit=100_000)
    order = list(KINDS.values())
    for term, kind in rows:
        if isinstance(term, ox.NamedNode) and kind.value in KINDS:
            current = found.get(term.value)
            if current is None or order.index(KINDS[kind.value]) < order.index(current):
                found[term.value] = KINDS[kind.value]
    return dict(sorted(found.items()))


def term_data(target: Target, linker: Links, iri: str, shapes: ShapeIndex | None) -> dict[str, Any] | None:
    """The page of the ontology term `iri`; None when the ontology does not declare it."""
    node = ox.NamedNode(iri)
    own = _rows(target, f"SELECT ?p ?o WHERE {{ {node} ?p ?o }}")
    kinds = [KINDS[o.value] for p, o in own if p.value == RDF + "type" and o.value in KINDS]
    if not kinds:
        return None
    kind = min(kinds, key=list(KINDS.values()).index)
    linker.names.setdefault(KG, "the kennisgraaf ontology")
    structure = []
    for prop, name in STRUCTURE:
        values = sorted({o.value: o for p, o in own if p.value == prop}.values(), key=str)
        if values:
            structure.append({"name": name, "property": linker.term(ox.NamedNode(prop)),
                              "values": [linker.term(v) for v in values]})
    related: dict[str, list[Any]] = defaultdict(list)
    for rel, other in _rows(target, f"SELECT ?rel ?x WHERE {{ VALUES ?rel {{ <{RDFS}subClassOf> <{RDFS}domain> "
                                    f"<{RDFS}range> }} ?x ?rel {node} }} ORDER BY ?rel ?x"):
        related[rel.value].append(linker.term(other))
    data: dict[str, Any] = {
        "iri": iri, "title": linker.short(iri), "kind": kind,
        "labels": _by_language(o for p, o in own if p.value == RDFS + "label"),
        "definitions": _by_language(o for p, o in own if p.value in (SKOS + "definition", RDFS + "comment")),
        "structure": structure, "subclasses": related[RDFS + "subClassOf"],
        "domain_of": related[RDFS + "domain"], "range_of": related[RDFS + "range"],
        "shapes": [], "shapes_problem": shapes.problem if shapes is not None else "The shapes were not read.",
    }
    if shapes is not None:
        data["shapes"] = [_shape_view(use, linker) for use in shapes.uses(iri)]
    data.update(_use_in_graph(target, linker, node, kind))
    return data


def _use_in_graph(target: Target, linker: Links, node: ox.NamedNode, kind: str) -> dict[str, Any]:
    """How many instances (a class) or uses (a property, an individual) the graph has, and an example: the
    first thing by IRI, with its values of the property."""
    if kind == "class":
        [[count]] = _rows(target, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a {node} }}")
        first = _rows(target, f"SELECT ?s WHERE {{ ?s a {node} }} ORDER BY ?s LIMIT 1")
        example = {"subject": first[0][0], "values": []} if first else None
        subjects = None
    elif kind == "individual":
        [[count]] = _rows(target, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p {node} }}")
        first = _rows(target, f"SELECT ?s ?p WHERE {{ ?s ?p {node} }} ORDER BY ?s ?p LIMIT 1")
        example = {"subject": first[0][0], "property": first[0][1], "values": [node]} if first else None
        subjects = None
    else:
        [[count, subjects]] = _rows(target, f"SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?subjects) "
                                            f"WHERE {{ ?s {node} ?o }}")
        first = _rows(target, f"SELECT ?s WHERE {{ ?s {node} ?o }} ORDER BY ?s LIMIT 1")
        example = None
        if first:
            values = [row[0] for row in _rows(target, f"SELECT ?o WHERE {{ {first[0][0]} {node} ?o }} ORDER BY ?o",
                                              limit=20)]
            example = {"subject": first[0][0], "property": node, "values": values}
    if example is not None:
        linker.learn_names([t.value for t in (example["subject"], *example["values"]) if isinstance(t, ox.NamedNode)],
                           target)
        example = {"subject": linker.term(example["subject"]),
                   "property": linker.term(example["property"]) if "property" in example else None,
                   "values": [linker.term(v) for v in example["values"]]}
    return {"count": int(count.value), "subjects": int(subjects.value) if subjects is not None else None,
            "example": example}


def index_data(target: Target, linker: Links, shapes: ShapeIndex | None = None) -> dict[str, Any]:
    """The index of the ontology: what it is (title, description, version, licence) and its terms by kind,
    each with its labels, definition, and its instances or uses in the graph."""
    ontology = ox.NamedNode(KG)
    own = _rows(target, f"SELECT ?p ?o WHERE {{ {ontology} ?p ?o }}")
    declared = terms(target)
    texts: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for term, prop, text in _rows(target, f"SELECT ?t ?p ?o WHERE {{ VALUES ?p {{ <{RDFS}label> "
                                          f"<{SKOS}definition> }} ?t ?p ?o FILTER(STRSTARTS(STR(?t), "
                                          f"{ox.Literal(KG)})) }}", limit=100_000):
        texts[term.value][prop.value].append(text)
    counts: dict[str, int] = {}
    for term, n in _rows(target, f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c "
                                 f"FILTER(STRSTARTS(STR(?c), {ox.Literal(KG)})) }} GROUP BY ?c", limit=100_000):
        counts[term.value] = int(n.value)
    for term, n in _rows(target, f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o "
                                 f"FILTER(STRSTARTS(STR(?p), {ox.Literal(KG)})) }} GROUP BY ?p", limit=100_000):
        counts[term.value] = int(n.value)
    for term, n in _rows(target, f"SELECT ?o (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(isIRI(?o) && "
                                 f"STRSTARTS(STR(?o), {ox.Literal(KG)})) }} GROUP BY ?o", limit=100_000):
        if declared.get(term.value) == "individual":
            counts[term.value] = int(n.value)
    groups = []
    for kind, title in GROUPS:
        rows = []
        for iri in (iri for iri, k in declared.items() if k == kind):
            labels = {t["lang"]: t["text"] for t in _by_language(texts[iri][RDFS + "label"])}
            definitions = {t["lang"]: t["text"] for t in _by_language(texts[iri][SKOS + "definition"])}
            rows.append({"term": linker.term(ox.NamedNode(iri)), "nl": labels.get("nl", ""),
                         "en": labels.get("en", ""), "definition": definitions.get("en") or definitions.get("nl", ""),
                         "count": counts.get(iri, 0), "shapes": shapes.count(iri) if shapes is not None else None})
        if rows:
            groups.append({"kind": kind, "title": title, "terms": rows})

    def texts_of(prop: str) -> list[dict[str, str]]:
        return _by_language(o for p, o in own if p.value == prop)

    version = next((o.value for p, o in own if p.value == OWL + "versionInfo"), None)
    licence = next((linker.term(o) for p, o in own if p.value == DCTERMS + "license"), None)
    return {"iri": KG, "title": "The kennisgraaf ontology", "titles": texts_of(DCTERMS + "title"),
            "descriptions": texts_of(DCTERMS + "description"), "version": version, "licence": licence,
            "groups": groups}
