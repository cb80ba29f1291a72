"""What an entry of each kind needs, worked out from the shapes, the ontology and the graph itself.

Nothing here is kept by hand. The kinds of entry are the node shapes that give a class its IRI pattern
(`kgsh:MembershipShape`: org:Membership under lidmaatschap:). Which rules hold for a new entry is found by
asking the shapes about a *probe*: a made-up instance of the class, stated in a made-up claim, put in a
small store. A shape applies when it targets the class or its SPARQL target selects the probe; a property is
required when an applicable rule of severity sh:Violation counts it (sh:minCount, sh:qualifiedMinCount, or a
SPARQL constraint that fails on the probe until it has enough values — that is how "at least two parties"
is found), recommended when a sh:Warning rule does. Allowed values come from sh:in, or are the known
instances of sh:class, of the IRI pattern (sh:pattern), or of the ontology's rdfs:range. Optional properties
are the ones the ontology gives the class (rdfs:domain) and the ones its existing instances use.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ..config import Settings
from ..errors import NotBuiltError
from ..graph.files import read_shape_quads
from ..graph.loading import TermConverter, load
from ..namespaces import KG, OWL, PROV, RDF, RDFS, SH, SKOS, XSD, short_name
from ..sparqltext import bind_rows
from ..store.builds import open_store
from ..validation.shacl_sparql import prefix_block

__all__ = ["EntryModel", "EntryType", "PropertySpec", "entry_model", "known_graph"]

RDF_TYPE = ox.NamedNode(RDF + "type")
CLAIM = KG + "Claim"
STATED_IN = KG + "statedIn"
WAS_DERIVED_FROM = PROV + "wasDerivedFrom"
_NEEDS = ("required", "recommended", "optional")
_PROBE_VALUES = 4  # a SPARQL rule asking for more values than this is not taken for a count


@dataclass
class PropertySpec:
    """One property of an entry: how many values it needs, of what kind, and which values are allowed."""

    path: str
    need: str = "optional"  # "required", "recommended" or "optional"
    min_count: int = 0
    max_count: int | None = None
    kind: str = "literal"  # "iri" or "literal"
    datatype: str | None = None
    language: str | None = None
    patterns: list[str] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)  # IRIs, or literal values for sh:in
    closed: bool = False  # the choices are all a rule allows (sh:in), not just the values known today
    namespaces: list[str] = field(default_factory=list)  # for an IRI to fill in: the namespaces it may be in
    name: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    rule: dict[str, str] = field(default_factory=dict)  # what the rule's message says in general
    instead: list[str] = field(default_factory=list)  # other properties that may be given instead (sh:or)
    used: int = 0  # how many existing instances of the class have it


@dataclass
class EntryType:
    """A kind of entry: `membership` is an org:Membership under lidmaatschap:."""

    key: str
    class_iri: str
    shape: str
    namespace: str
    other_namespaces: list[str]
    name: dict[str, str]
    aliases: set[str]
    properties: list[PropertySpec]
    instances: int

    def label(self, lang: str) -> str:
        return self.name.get(lang) or self.name.get("nl") or self.key


@dataclass
class EntryModel:
    """The kinds of entry, the claim that wraps every entry, and the source documents it may come from."""

    types: dict[str, EntryType]
    claim: EntryType
    documents: dict[str, tuple[str, str | None]]  # document IRI -> (title, the code its claims start with)
    labels: dict[str, str]
    base_iri: str

    def find(self, name: str) -> EntryType | None:
        wanted = _key(name)
        for entry_type in self.types.values():
            if wanted == entry_type.key or wanted in entry_type.aliases:
                return entry_type
        return None

    def short(self, iri: str) -> str:
        return short_name(iri, self.base_iri)


def known_graph(settings: Settings) -> ox.Store:
    """The graph whose instances are the known values: the current build, or when nothing is built, the
    project's files loaded."""
    try:
        return open_store(settings)
    except NotBuiltError:
        return load(settings).store


def entry_model(settings: Settings, store: ox.Store | None = None) -> EntryModel:
    """The entry model of the project, with the known values taken from `store` (default: `known_graph`)."""
    import rdflib

    store = store if store is not None else known_graph(settings)
    converter = TermConverter()
    shapes = rdflib.Graph()
    for quad in read_shape_quads(settings):
        shapes.add((converter.term(quad.subject), converter.term(quad.predicate), converter.term(quad.object)))
    graph = _Known(store)
    builder = _Builder(shapes, graph, settings.base_iri)
    types = {}
    for shape, class_iri, namespaces in builder.type_shapes():
        if class_iri == CLAIM or not graph.made_in_claims(class_iri):
            continue  # the claim wraps every entry; vocabularies of the model are not entered as data
        entry_type = builder.entry_type(shape, class_iri, namespaces)
        types[entry_type.key] = entry_type
    shared = Counter(alias for t in types.values() for alias in t.aliases)
    for entry_type in types.values():  # a name two kinds share goes to the kind it is the name of
        own = {_key(name) for name in entry_type.name.values()}
        entry_type.aliases = {alias for alias in entry_type.aliases if shared[alias] == 1 or alias in own}
    claim = next(builder.entry_type(shape, c, ns) for shape, c, ns in builder.type_shapes() if c == CLAIM)
    return EntryModel(dict(sorted(types.items())), claim, graph.documents(), graph.labels, settings.base_iri)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("ë", "e")).strip("-")


# ------------------------------------------------------------------ the known graph


class _Known:
    """Questions about the graph the known values come from (a build or a loaded project: both hold every
    triple somewhere, so the questions are asked over all graphs)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._instances: dict[str, list[str]] = {}
        self.labels: dict[str, str] = {}
        for quad in store.quads_for_pattern(None, ox.NamedNode(RDFS + "label"), None):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
                if quad.subject.value not in self.labels or quad.object.language == "nl":
                    self.labels[quad.subject.value] = quad.object.value

    def instances(self, class_iri: str) -> list[str]:
        if class_iri not in self._instances:
            found = {q.subject.value for q in self.store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(class_iri))
                     if isinstance(q.subject, ox.NamedNode)}
            self._instances[class_iri] = sorted(found)
        return self._instances[class_iri]

    def typed(self) -> list[str]:
        return sorted({q.subject.value for q in self.store.quads_for_pattern(None, RDF_TYPE, None)
                       if isinstance(q.subject, ox.NamedNode)})

    def made_in_claims(self, class_iri: str) -> bool:
        """Whether instances of the class are entered as claims: true unless all known ones are stated
        outside claims (the roles and kinds of the ontology, the source documents)."""
        instances = self.instances(class_iri)
        if not instances:
            return True
        claims = set(self.instances(CLAIM))
        return any(isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in claims
                   for q in self.store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(class_iri)))

    def usage(self, class_iri: str) -> Counter[str]:
        """For each property, how many instances of the class have it."""
        counts: Counter[str] = Counter()
        for subject in self.instances(class_iri):
            counts.update({q.predicate.value for q in self.store.quads_for_pattern(ox.NamedNode(subject), None, None)})
        return counts

    def values(self, property_iri: str, class_iri: str | None = None) -> list[ox.NamedNode | ox.Literal]:
        subjects = set(self.instances(class_iri)) if class_iri else None
        return [q.object for q in self.store.quads_for_pattern(None, ox.NamedNode(property_iri), None)
                if subjects is None or (isinstance(q.subject, ox.NamedNode) and q.subject.value in subjects)]

    def about(self, iri: str, predicate: str) -> list[ox.NamedNode | ox.Literal]:
        return list({q.object for q in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(predicate), None)})

    def documents(self) -> dict[str, tuple[str, str | None]]:
        """Each source document with its title and the code the names of its claims start with (js2017-...),
        read from the claims that exist."""
        codes: dict[str, Counter[str]] = {}
        for quad in self.store.quads_for_pattern(None, ox.NamedNode(WAS_DERIVED_FROM), None):
            if isinstance(quad.object, ox.NamedNode) and isinstance(quad.subject, ox.NamedNode):
                slug = quad.subject.value.rstrip("/").rsplit("/", 1)[-1]
                codes.setdefault(quad.object.value, Counter())[slug.split("-", 1)[0]] += 1
        found = {}
        for document in self.instances(KG + "SourceDocument"):
            titles = self.about(document, "http://purl.org/dc/terms/title")
            title = str(titles[0].value) if titles else self.labels.get(document, document)
            common = codes.get(document, Counter()).most_common(1)
            found[document] = (title, common[0][0] if common else None)
        return found


# ------------------------------------------------------------------ reading the shapes


class _Builder:
    def __init__(self, shapes: Any, graph: _Known, base_iri: str) -> None:
        import rdflib

        self.shapes = shapes
        self.graph = graph
        self.base_iri = base_iri
        self.sh = rdflib.Namespace(SH)
        self.rdflib = rdflib

    def type_shapes(self) -> list[tuple[Any, str, list[str]]]:
        """(shape, class, namespaces) for each node shape that gives the instances of a class their IRIs."""
        found = []
        sh = self.sh
        for shape, target in self.shapes.subject_objects(sh.targetClass):
            pattern = self.shapes.value(shape, sh.pattern)
            if pattern is None or self.shapes.value(shape, sh.path) is not None:
                continue
            namespaces = _namespaces(str(pattern))
            if namespaces and all(ns.startswith("https://") for ns in namespaces):
                found.append((shape, str(target), namespaces))
        return sorted(found, key=lambda item: str(item[0]))

    # -------------------------------------------------------------- one kind of entry

    def entry_type(self, shape: Any, class_iri: str, namespaces: list[str]) -> EntryType:
        names = self.texts(shape, "name")
        key = _key(names.get("en") or class_iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1])
        segment = namespaces[0].rstrip("/").rsplit("/", 1)[-1]
        local = re.split(r"[/#]", class_iri)[-1]
        aliases = {_key(n) for n in names.values()} | {segment, _key(local), _key(short_name(class_iri, self.base_iri))}
        probe = namespaces[0] + "kennisgraaf-probe"
        specs = self.requirements(class_iri, probe)
        usage = self.graph.usage(class_iri)
        domain = [str(s) for s in self.graph_domain(class_iri)]
        for path in [*domain, *(p for p, _ in usage.most_common())]:
            if path not in specs and path not in (RDF + "type", STATED_IN):
                specs[path] = PropertySpec(path)
        for spec in specs.values():
            spec.used = usage.get(spec.path, 0)
            self.complete(spec, class_iri)
        order = {need: n for n, need in enumerate(_NEEDS)}
        properties = sorted(specs.values(), key=lambda s: (order[s.need], -s.used if s.need == "optional" else 0))
        return EntryType(key, class_iri, str(shape), namespaces[0], namespaces[1:], names, aliases - {key},
                         properties, len(self.graph.instances(class_iri)))

    def graph_domain(self, class_iri: str) -> list[str]:
        return sorted({q.subject.value for q in self.graph.store.quads_for_pattern(
            None, ox.NamedNode(RDFS + "domain"), ox.NamedNode(class_iri)) if isinstance(q.subject, ox.NamedNode)})

    def requirements(self, class_iri: str, probe: str) -> dict[str, PropertySpec]:
        """The properties the applicable rules ask for, in the order the shapes give them."""
        sh = self.sh
        store = _probe_store(class_iri, probe)
        applicable = [s for s in self.shapes.subjects(sh.targetClass, self.rdflib.URIRef(class_iri))]
        for shape, target in self.shapes.subject_objects(sh.target):
            select = self.shapes.value(target, sh.select)
            if select is not None and _selects(store, prefix_block(self.shapes, target) + str(select), probe):
                applicable.append(shape)
        for shape in list(applicable):
            applicable += list(self.shapes.objects(shape, sh.property))
        specs: dict[str, PropertySpec] = {}
        for shape in dict.fromkeys(applicable):
            need = "required" if self.shapes.value(shape, sh.severity) in (None, sh.Violation) else "recommended"
            path = self.shapes.value(shape, sh.path)
            if isinstance(path, self.rdflib.URIRef):
                self.property_rule(specs, shape, str(path), need, store, probe)
            alternatives = self.shapes.value(shape, getattr(sh, "or"))
            if alternatives is not None:
                self.one_of(specs, [m for m in self.rdflib.collection.Collection(self.shapes, alternatives)], need,
                            shape)
        return specs

    def property_rule(self, specs: dict[str, PropertySpec], shape: Any, path: str, need: str, store: ox.Store,
                      probe: str) -> None:
        if path in (RDF + "type", STATED_IN):
            return
        sh = self.sh
        spec = specs.setdefault(path, PropertySpec(path))
        count = max(_int(self.shapes.value(shape, sh.minCount)), _int(self.shapes.value(shape, sh.qualifiedMinCount)))
        for constraint in self.shapes.objects(shape, sh.sparql):
            count = max(count, self.values_asked(constraint, path, store, probe))
        if (most := self.shapes.value(shape, sh.maxCount)) is not None:
            spec.max_count = min(_int(most), spec.max_count if spec.max_count is not None else _int(most))
        qualified = self.shapes.value(shape, sh.qualifiedValueShape)
        languages = self.shapes.value(qualified, sh.languageIn) if qualified is not None else None
        if languages is not None:
            spec.language = str(next(iter(self.rdflib.collection.Collection(self.shapes, languages)), "")) or None
        if count > 0:
            if _NEEDS.index(need) < _NEEDS.index(spec.need):
                spec.need = need
            spec.min_count = max(spec.min_count, count)
            self.describe(spec, shape, first=True)
        else:
            self.describe(spec, shape)
        self.constraints(spec, shape)

    def one_of(self, specs: dict[str, PropertySpec], members: list[Any], need: str, shape: Any) -> None:
        """sh:or ([sh:path a; sh:minCount 1] [sh:path b; sh:minCount 1]): a is asked for, b may be given instead."""
        paths = [str(self.shapes.value(m, self.sh.path)) for m in members
                 if isinstance(self.shapes.value(m, self.sh.path), self.rdflib.URIRef)]
        if not paths or len(paths) != len(members):
            need = "optional" if not paths else need  # a complex path among them: offer the simple ones
        for number, path in enumerate(paths):
            spec = specs.setdefault(path, PropertySpec(path))
            if number == 0 and _NEEDS.index(need) < _NEEDS.index(spec.need):
                spec.need, spec.min_count = need, max(spec.min_count, 1)
                spec.instead = paths[1:]
                self.describe(spec, shape, first=True)
            elif number > 0:
                self.describe(spec, shape)

    def values_asked(self, constraint: Any, path: str, store: ox.Store, probe: str) -> int:
        """How many values of `path` a SPARQL constraint asks of the probe: the fewest with which it finds no
        problem, when it finds one with none (0 when it asks for none)."""
        select = self.shapes.value(constraint, self.sh.select)
        if select is None or "$PATH" not in str(select):
            return 0
        text = prefix_block(self.shapes, constraint) + str(select).replace("$PATH", f"<{path}>").replace("$this", "?this")
        query = bind_rows(text, "this", [ox.NamedNode(probe)])
        for count in range(_PROBE_VALUES):
            values = [ox.Quad(ox.NamedNode(probe), ox.NamedNode(path), ox.NamedNode(f"{probe}-value-{n}"))
                      for n in range(count)]
            store.extend(values)
            try:
                problem = bool(list(store.query(query)))  # type: ignore[arg-type]
            finally:
                for quad in values:
                    store.remove(quad)
            if not problem:
                return count
        return 0

    def constraints(self, spec: PropertySpec, shape: Any) -> None:
        sh = self.sh
        datatype = self.shapes.value(shape, sh.datatype)
        if datatype is not None and spec.datatype is None:
            spec.datatype = str(datatype)
        for pattern in self.shapes.objects(shape, sh.pattern):
            if str(pattern) not in spec.patterns:
                spec.patterns.append(str(pattern))
        members = self.shapes.value(shape, getattr(sh, "in"))
        if members is not None and not spec.choices:
            spec.choices = [str(m) for m in self.rdflib.collection.Collection(self.shapes, members)]
            spec.closed = True
            spec.kind = "iri" if all(isinstance(m, self.rdflib.URIRef)
                                     for m in self.rdflib.collection.Collection(self.shapes, members)) else "literal"
        for class_iri in self.shapes.objects(shape, sh["class"]):
            spec.kind = "iri"
            spec.choices = spec.choices or self.graph.instances(str(class_iri))

    def describe(self, spec: PropertySpec, shape: Any, first: bool = False) -> None:
        """Name and description from the shape: its sh:name, and its sh:description, or else its sh:message
        without the sentences about a particular entity."""
        if first or not spec.name:
            spec.name = self.texts(shape, "name") or spec.name
        descriptions = self.texts(shape, "description")
        if descriptions and (first or not spec.description):
            spec.description = descriptions
        rule = _general(self.texts(shape, "message"))
        if rule and (first or not spec.rule):
            spec.rule = rule

    def texts(self, node: Any, predicate: str) -> dict[str, str]:
        return {getattr(t, "language", None) or "nl": str(t) for t in self.shapes.objects(node, self.sh[predicate])}

    # -------------------------------------------------------------- what is still unknown of a property

    def complete(self, spec: PropertySpec, class_iri: str) -> None:
        """Fill in what the applicable rules do not say: the rules on the property in any context, then the
        ontology (rdfs:range, owl:DatatypeProperty), then how the graph writes its values."""
        sh, prop = self.sh, self.rdflib.URIRef(spec.path)
        # rules that hold wherever the property is used (sh:targetSubjectsOf) say best what it is
        general = sorted(self.shapes.subjects(sh.path, prop),
                         key=lambda s: (self.shapes.value(s, sh.targetSubjectsOf) is None, str(s)))
        for shape in general:
            self.describe(spec, shape)
            self.constraints(spec, shape)
        spec.description = spec.description or self.ontology_texts(spec.path, SKOS + "definition") or spec.rule
        if not spec.name:
            spec.name = self.ontology_texts(spec.path, RDFS + "label")
        ranges = [t.value for t in self.graph.about(spec.path, RDFS + "range") if isinstance(t, ox.NamedNode)]
        kinds = {t.value for t in self.graph.about(spec.path, RDF + "type") if isinstance(t, ox.NamedNode)}
        existing = self.graph.values(spec.path, class_iri) or self.graph.values(spec.path)
        if spec.datatype or spec.language:
            spec.kind = "literal"
        elif spec.patterns and any(p.startswith("^http") for p in spec.patterns) or spec.kind == "iri":
            spec.kind = "iri"
        elif OWL + "ObjectProperty" in kinds or any(r and not r.startswith((XSD, RDF + "langString")) for r in ranges):
            spec.kind = "iri"
        elif OWL + "DatatypeProperty" in kinds:
            spec.kind = "literal"
            spec.datatype = next((r for r in ranges if r.startswith(XSD)), None)
            spec.language = "nl" if RDF + "langString" in ranges else None
        elif existing:
            spec.kind = "iri" if _most([isinstance(v, ox.NamedNode) for v in existing]) else "literal"
        if spec.kind == "literal" and not spec.datatype and not spec.language and existing and not spec.choices:
            literals = [v for v in existing if isinstance(v, ox.Literal)]
            if literals:
                languages = Counter(v.language for v in literals)
                language = languages.most_common(1)[0][0]
                if language:
                    spec.language = language
                else:
                    datatype = Counter(v.datatype.value for v in literals).most_common(1)[0][0]
                    spec.datatype = None if datatype == XSD + "string" else datatype
        if spec.kind == "iri":
            self.choices(spec, ranges, existing)

    def choices(self, spec: PropertySpec, ranges: list[str], existing: list[Any]) -> None:
        patterns = [re.compile(p) for p in spec.patterns if p.startswith("^http")]
        if not spec.choices:
            if patterns:
                spec.choices = [iri for iri in self.graph.typed() if all(p.search(iri) for p in patterns)]
            elif ranges:
                spec.choices = sorted({i for r in ranges for i in self.graph.instances(r)})
            if not spec.choices:
                spec.choices = sorted({v.value for v in existing if isinstance(v, ox.NamedNode)})
        namespaces = [ns for p in spec.patterns if p.startswith("^http") for ns in _namespaces(p)]
        if not namespaces and spec.choices:
            counted = Counter(c.rsplit("/", 1)[0] + "/" for c in spec.choices if "/" in c)
            namespaces = [ns for ns, _ in counted.most_common()]
        spec.namespaces = list(dict.fromkeys(namespaces))

    def ontology_texts(self, iri: str, predicate: str) -> dict[str, str]:
        return {(t.language or "nl"): t.value for t in self.graph.about(iri, predicate) if isinstance(t, ox.Literal)}


def _probe_store(class_iri: str, probe: str) -> ox.Store:
    """A store with only the probe: an instance of the class, stated in a claim, as validation sees it."""
    claim = ox.NamedNode(probe + "-claim")
    stated_in = ox.NamedNode(STATED_IN)
    store = ox.Store()
    store.extend([ox.Quad(ox.NamedNode(probe), RDF_TYPE, ox.NamedNode(class_iri)),
                  ox.Quad(ox.NamedNode(probe), stated_in, claim),
                  ox.Quad(claim, RDF_TYPE, ox.NamedNode(CLAIM)),
                  ox.Quad(claim, stated_in, claim)])
    return store


def _selects(store: ox.Store, query: str, probe: str) -> bool:
    """Whether a SPARQL target selects the probe. A target Oxigraph cannot run selects nothing here; validation
    reports a broken shape itself."""
    try:
        return any(row["this"] == ox.NamedNode(probe) for row in store.query(query))  # type: ignore[union-attr]
    except (SyntaxError, OSError, KeyError):
        return False


def _namespaces(pattern: str) -> list[str]:
    """The namespaces an IRI pattern allows: ^https://w3id[.]org/kennisgraaf/id/(organisatie|samenwerking)/
    gives .../id/organisatie/ and .../id/samenwerking/ (empty when the pattern is not of that form)."""
    text = pattern.lstrip("^").replace("[.]", ".").replace("\\.", ".")
    found = re.fullmatch(r"([^()\[\]*+?|$\\]*)(?:\(([\w|-]+)\))?([^()\[\]*+?|$\\]*)", text)
    if found is None:
        return []
    head, alternatives, tail = found.groups()
    if not alternatives:
        return [head + tail] if (head + tail).endswith("/") else []
    return [head + alternative + tail for alternative in alternatives.split("|")]


def _general(messages: dict[str, str]) -> dict[str, str]:
    """A rule's message as a description: the sentences that say something about any entity (the ones about
    `{$this}` or the value found are left out)."""
    found = {}
    for lang, message in messages.items():
        sentences = re.split(r"(?<=[\w)\"'][.?!])\s+(?=[A-Z\"'(])", message)
        general = [s for s in sentences if not re.search(r"\{[$?]\w+\}", s)]
        if general:
            found[lang] = " ".join(general)
    return found


def _int(value: Any) -> int:
    try:
        return int(value) if value is not None else 0
    except (TypeError, ValueError):
        return 0


def _most(flags: Iterable[bool]) -> bool:
    flags = list(flags)
    return sum(flags) * 2 >= len(flags)
