"""Validating new or changed entries against the built graph, without validating the whole graph again.

`validate(settings, files)` with files loads the whole graph, validates all of it and keeps the problems placed
in the files (`only_files`): about two minutes at a million triples. `validate_against_build` gives the same
problems from the entries and the current build: it validates only the nodes that can have a problem placed in
the files, on the triples of the built store the shapes can look at for those nodes.

What "the same problems" means: the validation results whose focus node, or else whose value, is an IRI written
in the files (that is where `only_files` places a problem), each with the same focus, path, value, shape,
severity, message, file and line.

How:

1. The entries are read alone. Their IRIs (as written) are the candidates, with their blank nodes, and two more
   kinds of node that can have a problem placed in the files without being written there: (a) the focus of a
   result of the build's own validation whose value is written in the files (the build keeps those results: its
   warnings; it has no violations, or it would not have been built), and (b) the focus nodes of a SPARQL
   constraint whose ?value is written in the files, when what that constraint reads can be changed by the
   entries beyond the node's own triples (DuplicateShape: an entry adds a second thing with the same name):
   that constraint is run with ?value bound to the written IRIs.
   Any other node keeps the results it has in the build: it is not written in the entries, so its own triples
   are the same, and every rule that looks further than a node's own triples is one of the cases above or
   cannot gain a result by adding triples (sh:class). A rule where this is not so makes `NotIncremental`.
2. The neighbourhood of the candidates is read from the built store: the steps of reach.py, found from the
   shapes (their targets, paths, nested shapes and SPARQL), run to a fixpoint. The built store's default graph
   holds every fact once, which is the flat graph validation sees; kg:statedIn is derived for the nodes that need
   it as graph/loading.py derives it, from the store's named graphs and the data's default graph as read (kept
   by the build).
3. Each shape's targets are found among the candidates (in Oxigraph, on the neighbourhood) and given to it as
   sh:targetNode; then the same steps as a full validation: the SPARQL constraints in Oxigraph, pyshacl on an
   rdflib copy of the neighbourhood, the quotes against their documents, and the same placing of each result.

Rules that look at the whole graph, and how each gets the same answer:
- KnownIriShape (an IRI used must be declared somewhere): its target asks whether the IRI is used as an object
  anywhere (one incoming triple is fetched per candidate) and whether it has a type (its own triples).
- ProvenanceShape, IriPatternShape, ClaimGraphShape (kg:statedIn): derived per node from every named graph of
  the store holding a triple about it, and from the data's default graph as read.
- DuplicateShape (same name, same class): its target groups every thing of the candidate's class by name, so
  the step fetches every instance of that class with its names (FILTER ?class IN (...) keeps it to those
  classes); candidates of kind (b) above.
- BudgetShape_value_sum (allocations within the budget): the allocations pointing to a budget (incoming).
- "A claim is written once": a graph of the entries that is already in the build is the error a full load
  gives (with its file and line); where that check cannot tell (not TriG), `NotIncremental`.
- QuoteInDocumentShape: the candidates' quotes against the documents of the data's default graph as read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..config import Settings
from ..graph.files import check_graphs_written_once, data_files, load_files, written_iris
from ..graph.loading import CLAIM, NO_CLAIM, RDF_TYPE, SOURCE_DOCUMENT, STATED_IN, LoadedGraph, TermConverter
from ..namespaces import SH, prefixes
from ..sparqltext import bind_rows
from . import keyindex, reach, shacl_sparql
from .reach import NotIncremental, Plan, Step
from .validator import ValidationReport, finish_report, quotes_not_in_their_document, shapes_graph

__all__ = ["Built", "NotIncremental", "validate_against_build"]

KG = "https://w3id.org/kennisgraaf/def/"
QUOTE = KG + "quote"
WAS_DERIVED_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"


@dataclass
class Built:
    """What incremental validation needs of the current build: its store (opened read-only), the data's own
    default graph as it was read (`default_graph`, triples), the build's warnings (Problem dicts), and which of
    the entries are already part of it, unchanged (`built_entries`)."""

    store: ox.Store
    default_graph: list[ox.Triple]
    warnings: list[dict[str, Any]]
    built_entries: set[Path] = field(default_factory=set)
    analysis: reach.Analysis | None = None  # the reach of its shapes, when the build kept it
    properties: frozenset[str] = frozenset()  # the properties its graph uses (vocabulary.json)
    entities: Callable[[], Iterable[str]] = tuple  # its declared entity IRIs (read when a message needs them)
    keys: keyindex.KeyIndex | None = None  # the index of the keyed steps, when the build kept one


def validate_against_build(settings: Settings, files: Iterable[Path | str], built: Built,
                     lang: str | None = None) -> ValidationReport:
    """The problems a full validation places in `files`, found from the files and the current build only.
    Raises NotIncremental when that cannot be done the same way (the caller then validates in full)."""
    import pyshacl
    import rdflib

    started = time.perf_counter()
    lang = lang or settings.language
    extra = [Path(f).resolve() for f in files]
    sources = data_files(settings, extra)
    entries = [f for f in sources if any(f.path == e or f.path.is_relative_to(e) for e in extra)]
    entry_store = ox.Store()
    load_files(entry_store, entries, settings)
    graph = LoadedGraph(entry_store, sources, settings, [f.path for f in entries])
    graph.to_rdflib()  # an ill-typed literal is an InputError, as in a full load
    _check_graphs(entries, sources, entry_store, built, settings)

    shapes = shapes_graph(settings)
    if next(shapes.subjects(rdflib.SH.severity, rdflib.SH.Info), None) is not None:
        raise NotIncremental("a shape of severity sh:Info (the build keeps only its warnings)")
    analysis = built.analysis or reach.analyse(shapes)
    written = written_iris(graph.extra_files)
    hood = Neighbourhood(built, entry_store)
    candidates: set[Any] = {ox.NamedNode(iri) for iri in written}
    candidates |= {term for quad in entry_store for term in (quad.subject, quad.object)
                   if isinstance(term, ox.BlankNode)}
    candidates |= _foci_of_built_results(built.warnings, written, settings.base_iri)
    entry_predicates = {q.predicate.value for q in entry_store}
    # a candidate's own triples first (its name, for the message; and most steps start out of it)
    hood.run(Plan([Step(reach.START, "_all", predicates=None)]), candidates, core=True)
    candidates |= _valued_foci(analysis, entry_predicates, written, hood)
    hood.run(Plan([Step(reach.START, "_all", predicates=None)]), candidates, core=True)  # and of those found

    plan = Plan()
    for shape in analysis.targets:
        plan.extend(analysis.targets[shape])
        plan.extend(analysis.shapes[shape])
    hood.run(plan, candidates)
    core = Plan()
    for shape in analysis.targets:
        core.extend(analysis.cores[shape])
    hood.run(core, candidates, core=True)
    store = hood.oxigraph()
    _select_targets(shapes, reach.targeted_shapes(shapes), store, candidates)
    shacl_sparql.lift_property_shapes(shapes)
    sparql_results = shacl_sparql.run_constraints(shapes, store)
    # SPARQL constraints Oxigraph could not take (a blank focus node, ...) are pyshacl's: it reads what they read
    left = {reach.constraint_text(shapes, owner, c) for owner, c in shapes.subject_objects(rdflib.SH.sparql)}
    for constraint in (c for constraints in analysis.constraints.values() for c in constraints):
        if constraint.text in left:
            hood.run(constraint.plan, candidates, core=True)
            left.discard(constraint.text)
    if left:
        raise NotIncremental("a SPARQL constraint left to pyshacl whose reach is not known")
    data = hood.rdflib()
    _, report_graph, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, allow_infos=True,
        inplace=True,
    )
    shacl_sparql.merge_results(report_graph, sparql_results)
    shacl_sparql.merge_results(report_graph, quotes_not_in_their_document(hood.quote_graph(graph, candidates)))
    report = finish_report(report_graph, data, shapes, graph, lang, True, started,
                           known_iris=_declared_iris(built, entry_store, settings.base_iri))
    report.method = "incremental"
    return report


def _declared_iris(built: Built, entry_store: ox.Store, base_iri: str) -> Any:
    """The declared entity IRIs of the build and the entries (as a full validation finds them in the whole
    graph, for "did you mean"), read only when a message needs them. (As strings: only their text is compared,
    and a hundred thousand rdflib terms take half a second to make.)"""
    import functools

    query = (f"SELECT DISTINCT ?s WHERE {{ {{ ?s a ?type }} UNION {{ ?s <{KG}statusValue> ?status }} "
             f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), \"{base_iri}id/\")) }}")

    @functools.cache
    def declared() -> frozenset[str]:
        rows = entry_store.query(query, use_default_graph_as_union=True)
        return frozenset(built.entities()) | {row["s"].value for row in rows}  # type: ignore[union-attr]

    return declared


# ------------------------------------------------------------------ checks before validating


def _check_graphs(entries: list[Any], sources: list[Any], entry_store: ox.Store, built: Built,
                  settings: Settings) -> None:
    """A claim (named graph) of the entries that the build already holds: the error a full load gives."""
    if built.built_entries:
        new = ox.Store()
        load_files(new, [f for f in entries if f.path not in built.built_entries], settings)
    else:
        new = entry_store
    new_graphs = [g for g in new.named_graphs() if isinstance(g, ox.NamedNode)]
    clashes = [g for g in new_graphs if built.store.contains_named_graph(g)]
    if clashes:
        check_graphs_written_once(sources)  # raises the error of a full load, with the file and line
        raise NotIncremental(f"the entries add to a graph the build has, {clashes[0]} (not written in TriG)")
    check_graphs_written_once(entries)


# ------------------------------------------------------------------ candidates beyond the written IRIs


def _foci_of_built_results(warnings: list[dict[str, Any]], written: set[str], base_iri: str) -> set[Any]:
    """Focus nodes of the build's results whose value is an IRI written in the entries: a full validation
    places those results in the entries too. (Values are kept as shown: prefixed names or <IRI>s.)"""
    table = prefixes(base_iri)
    found = set()
    for warning in warnings:
        value = warning.get("value") or ""
        if value.startswith("<") and value.endswith(">"):
            iri = value[1:-1]
        elif ":" in value and value.split(":", 1)[0] in table:
            name, local = value.split(":", 1)
            iri = table[name] + local
        else:
            iri = value
        if iri in written:
            focus = warning["focus"]
            if not focus.startswith(("http", "urn")):
                raise NotIncremental(f"a result of the build on a blank node ({focus})")
            found.add(ox.NamedNode(focus))
    return found


def _valued_foci(analysis: reach.Analysis, entry_predicates: set[str], written: set[str],
                 hood: Neighbourhood) -> set[Any]:
    """Focus nodes not written in the entries that can get a new result whose value is written there: those of
    SPARQL constraints with a ?value whose reach (or whose shape's targets) the entries change, found by running
    the constraint with ?value bound to the written IRIs. A core constraint of that kind (none in the shapes
    today: sh:class cannot gain results by adding triples) makes NotIncremental."""
    found: set[Any] = set()
    values = sorted((ox.NamedNode(iri) for iri in written), key=str)
    for shape, constraints in analysis.constraints.items():
        changed_target = analysis.targets[shape].changed_by(entry_predicates)
        for constraint in constraints:
            if not (changed_target or constraint.plan.changed_by(entry_predicates)):
                continue
            if constraint.unbounded:
                raise NotIncremental(f"{shape}: its ?value cannot be followed back ({constraint.unbounded})")
            if constraint.inverted is None:
                continue  # no ?value, or a count: never a node written in the entries
            hood.run(constraint.inverted, set(values), "value")
            query = bind_rows(constraint.text.replace("$this", "?this"), "value", values)
            for row in hood.oxigraph().query(query):  # type: ignore[union-attr]
                found.add(row["this"])
        for plan in analysis.values[shape]:
            if changed_target or plan.changed_by(entry_predicates):
                raise NotIncremental(f"{shape}: a constraint on value nodes whose reach the entries change")
    return found


# ------------------------------------------------------------------ focus nodes


def _select_targets(shapes: Any, targeted: list[Any], store: ox.Store, candidates: set[Any]) -> None:
    """Replace each shape's targets by sh:targetNode for each candidate it selects (evaluated on the
    neighbourhood, which holds what the targets read about the candidates)."""
    import rdflib

    sh = rdflib.Namespace(SH)
    converter = TermConverter()
    named = sorted((c for c in candidates if isinstance(c, ox.NamedNode)), key=str)
    blank = {c for c in candidates if isinstance(c, ox.BlankNode)}
    for shape in targeted:
        if (shape, rdflib.RDF.type, rdflib.RDFS.Class) in shapes:
            raise NotIncremental(f"{shape}: an implicit class target (pyshacl would apply it to the whole graph)")
        nodes: set[Any] = set()
        for node in shapes.objects(shape, sh.targetNode):
            term = shacl_sparql.to_ox(node)
            if term in candidates:
                nodes.add(term)
        queries = []
        classes = list(shapes.objects(shape, sh.targetClass))
        if (shape, rdflib.RDF.type, rdflib.RDFS.Class) in shapes:
            classes.append(shape)
        queries += [f"SELECT DISTINCT ?this WHERE {{ ?this <{RDF_TYPE}>/<{reach.SUBCLASS_OF}>* <{c}> }}"
                    for c in classes]
        queries += [f"SELECT DISTINCT ?this WHERE {{ ?this <{p}> ?object }}"
                    for p in shapes.objects(shape, sh.targetSubjectsOf)]
        queries += [f"SELECT DISTINCT ?this WHERE {{ ?subject <{p}> ?this }}"
                    for p in shapes.objects(shape, sh.targetObjectsOf)]
        for target in shapes.objects(shape, sh.target):
            queries.append(shacl_sparql.prefix_block(shapes, target) + str(shapes.value(target, sh.select)))
        for query in queries:
            if named:
                rows = store.query(bind_rows(query, "this", named))
                nodes.update(row["this"] for row in rows)  # type: ignore[union-attr]
            if blank:
                rows = store.query(query)
                nodes.update(row["this"] for row in rows if row["this"] in blank)  # type: ignore[union-attr]
        for target in list(shapes.objects(shape, sh.target)):
            for triple in list(shapes.triples((target, None, None))):
                shapes.remove(triple)
        for name in ("targetNode", "targetClass", "targetSubjectsOf", "targetObjectsOf", "target"):
            shapes.remove((shape, sh[name], None))
        for node in nodes - {None}:
            shapes.add((shape, sh.targetNode, converter.term(node)))


def _constant(text: str) -> Any:
    """A term written as in N-Triples."""
    quad = next(iter(ox.parse(f"<urn:s> <urn:p> {text} .".encode(), ox.RdfFormat.N_TRIPLES)))
    return quad.object


# ------------------------------------------------------------------ the neighbourhood


class Neighbourhood:
    """Triples of the built graph plus the entries, read around some nodes by running `Plan`s; with the derived
    kg:statedIn of the nodes that need it. `core` holds the triples found by the steps of core SHACL
    (what pyshacl gets), `triples` all of them (what Oxigraph gets, for the SPARQL parts)."""

    BATCH = 16  # more nodes than this for one step: one SPARQL query on the built store instead of a lookup each
    BULK = 256  # more than this for a step that goes nowhere further: read straight into the store

    def __init__(self, built: Built, entries: ox.Store) -> None:
        self.built = built.store
        self.triples: set[tuple[Any, Any, Any]] = set()
        self.core: set[tuple[Any, Any, Any]] = set()
        self.nodes: dict[str, set[Any]] = {}
        self._done: dict[tuple[Any, ...], dict[Any, list[Any]]] = {}
        self._claims: dict[Any, bool] = {}
        self._store: ox.Store | None = None
        self._added: list[tuple[Any, Any, Any]] = []
        self._bulked: dict[tuple[bool, str], set[Any]] = {}
        self._many: dict[str, int] = {}  # predicates with more triples than this
        self._ntriples: list[bytes] = []  # read in bulk, not yet in the store
        self._keys = built.keys
        self._keyed: dict[str, dict[str, list[tuple[Any, Any, Any]]]] = {}  # per index: key -> triples
        self._keyed_own: dict[str, dict[str, list[tuple[Any, Any, Any]]]] = {}  # the same, of the entries
        self.entries = entries
        self._out: dict[Any, list[Any]] = {}   # the entries' triples by subject, by object, by graph
        self._in: dict[Any, list[Any]] = {}
        self._in_graph: dict[Any, list[Any]] = {}
        for quad in entries:
            triple = (quad.subject, quad.predicate, quad.object)
            self._out.setdefault(quad.subject, []).append((triple, quad.graph_name))
            self._in.setdefault(quad.object, []).append(triple)
            self._in_graph.setdefault(quad.graph_name, []).append(triple)
        default = ox.DefaultGraph()
        own_default = [ox.Triple(*t) for t in self._in_graph.get(default, [])]
        self.default_graph = list(built.default_graph) + own_default
        documents = {t.subject for t in self.default_graph
                     if t.predicate.value == RDF_TYPE and t.object == ox.NamedNode(SOURCE_DOCUMENT)}
        self._unclaimed = {t.subject for t in self.default_graph
                           if isinstance(t.subject, ox.NamedNode) and t.subject not in documents}
        self._stated_in = ox.NamedNode(STATED_IN)
        self._no_claim = ox.NamedNode(NO_CLAIM)

    # running plans

    def run(self, plan: Plan, start: set[Any], start_var: str = reach.START, core: bool = False) -> None:
        """Read the triples `plan` needs for the nodes `start` (bound to its start variable), step by step for
        all nodes at once. With `core`, they go to `core` as well."""
        by_source: dict[str, list[Step]] = {}
        for step in plan.steps:
            by_source.setdefault(step.source, []).append(step)
            if step.transitive:  # and again from what it found
                again = Step(step.target, step.target, step.forward, step.predicates)
                by_source.setdefault(step.target, []).append(again)
        frontier: dict[str, set[Any]] = {start_var: set(start)}
        for var, terms in plan.constants.items():
            frontier.setdefault(var, set()).update(_constant(term) for term in terms)
        seen: dict[str, set[Any]] = {}
        while frontier:
            found: dict[str, set[Any]] = {}
            for var, nodes in frontier.items():
                done = seen.setdefault(var, set())
                nodes = nodes - done
                done |= nodes
                for step in by_source.get(var, ()):
                    passing = [n for n in nodes if _passes(step, n)] if step.keep else list(nodes)
                    target = found.setdefault(step.target, set())
                    if step.key:
                        target.update(self._follow_key(step, passing, core))
                        continue
                    if step.identity or step.reflexive:
                        target.update(passing)
                    if step.identity:
                        continue
                    if not core and step.target not in by_source and self._bulk(step, passing):
                        continue  # nothing goes on from its other ends: read into the store in one go
                    for ends in self._follow(step, passing, core).values():
                        target.update(ends)
            for var, nodes in found.items():
                self.nodes.setdefault(var, set()).update(nodes)
            frontier = {var: rest for var, nodes in found.items() if (rest := nodes - seen.get(var, set()))}

    def _bulk(self, step: Step, nodes: list[Any]) -> bool:
        """For a step of many nodes whose other ends go nowhere further (the names of every instance of a
        class, ...): the built store's triples go into the neighbourhood's store as N-Triples, without a Python
        object each (most of the time of a validation otherwise); the entries' as usual. False when the step
        is not of that kind (few nodes, kg:statedIn, any predicate, one triple per node, blank nodes)."""
        if (len(nodes) <= self.BULK or step.predicates is None or STATED_IN in step.predicates or step.existential
                or step.predicate or any(isinstance(n, ox.BlankNode) for n in nodes)):
            return False
        nodes = [n for n in nodes if not (step.forward and isinstance(n, ox.Literal))]
        for predicate in sorted(step.predicates):
            done = self._bulked.setdefault((step.forward, predicate), set())
            todo = [n for n in nodes if n not in done]
            if not todo:
                continue
            done.update(todo)
            if step.forward and self._few(predicate, todo):
                continue
            end = "?s" if step.forward else "?o"
            values = " ".join(str(n) for n in todo)
            query = (f"CONSTRUCT {{ ?s <{predicate}> ?o }} WHERE {{ VALUES {end} {{ {values} }} "
                     f"?s <{predicate}> ?o }}")
            triples = self.built.query(query)
            self._ntriples.append(triples.serialize(format=ox.RdfFormat.N_TRIPLES))  # type: ignore[union-attr]
            wanted = ox.NamedNode(predicate)
            index = self._out if step.forward else self._in
            for node in todo:
                for item in index.get(node, ()):
                    triple = item[0] if step.forward else item
                    if triple[1] == wanted:
                        self._add(triple, False)
        return True

    def _follow_key(self, step: Step, nodes: list[Any], core: bool) -> set[Any]:
        """A keyed step: the triples (of the build, from its key index, and of the entries) whose object has
        the key of one of `nodes`; their subjects."""
        if self._keys is None:
            raise NotIncremental("the build keeps no index of keys (made by an older version): build again")
        if STATED_IN in (step.predicates or ()):
            raise NotIncremental("a keyed step over kg:statedIn (derived, not in the store)")
        spec = keyindex.spec_of(step)
        if spec not in self._keyed_own:  # the entries' own triples of the step, by key, once
            own, usable = keyindex.triples_by_key(self.entries, step, union=True)
            if not usable:
                raise NotIncremental("a keyed step whose keys are not all plain strings or IRIs")
            self._keyed_own[spec], self._keyed[spec] = own, {}
        known, own = self._keyed[spec], self._keyed_own[spec]
        keys = keyindex.keys_of_nodes(step, nodes)
        todo = keys - known.keys()
        if todo:
            read = self._keys.triples(step, todo)
            for key in todo:
                known[key] = read.get(key, []) + own.get(key, [])
        subjects: set[Any] = set()
        for key in keys:
            for triple in known[key]:
                self._add(triple, core)
                subjects.add(triple[0])
        return subjects

    def _few(self, predicate: str, nodes: list[Any]) -> bool:
        """When the store has fewer triples with `predicate` than a quarter of `nodes`, reading them all is
        cheaper than looking each node up (skos:altLabel for every agreement): kept here, True. Else False,
        having read at most that quarter."""
        wanted = ox.NamedNode(predicate)
        limit = len(nodes) // 4
        if limit <= self._many.get(predicate, -1):
            return False  # more than that already
        quads = []
        for quad in self.built.quads_for_pattern(None, wanted, None, ox.DefaultGraph()):
            quads.append(quad)
            if len(quads) > limit:
                self._many[predicate] = limit
                return False
        subjects = set(nodes)
        for quad in quads:
            if quad.subject in subjects:
                self._add((quad.subject, quad.predicate, quad.object), False)
        for node in nodes:  # and the entries'
            for triple, _ in self._out.get(node, ()):
                if triple[1] == wanted:
                    self._add(triple, False)
        return True

    def _follow(self, step: Step, nodes: list[Any], core: bool) -> dict[Any, list[Any]]:
        """The other ends (or predicates) of the step's triples, per node; the triples are kept. What was read
        for one step is read again for no other with the same direction and predicates."""
        if step.predicates is None or step.existential or len(step.predicates) == 1:
            parts = [step]
        else:  # one predicate at a time: rdfs:label alone and rdfs:label|skos:altLabel share what they read
            parts = [Step(step.source, step.target, step.forward, frozenset({p})) for p in sorted(step.predicates)]
        position = 1 if step.predicate else 2 if step.forward else 0
        ends: dict[Any, list[Any]] = {}
        for part in parts:
            done = self._done.setdefault((part.forward, part.predicates, part.existential), {})
            todo = [node for node in nodes if node not in done]
            if todo:
                read = self._triples(part, todo)
                done.update((node, read.get(node, [])) for node in todo)
            for node in nodes:
                triples = done[node]
                if triples:
                    for triple in triples:
                        self._add(triple, core)
                    ends.setdefault(node, []).extend(t[position] for t in triples)
        return ends

    def _add(self, triple: tuple[Any, Any, Any], core: bool) -> None:
        if triple not in self.triples:
            self.triples.add(triple)
            self._added.append(triple)
        if core:
            self.core.add(triple)

    # reading the stores

    def _triples(self, step: Step, nodes: list[Any]) -> dict[Any, list[Any]]:
        """The triples of the step for each node: from the entries and the built store's default graph (every
        fact once), and the derived kg:statedIn when the step asks for it."""
        found: dict[Any, list[Any]] = {}
        predicates = step.predicates
        wanted = None if predicates is None else {ox.NamedNode(p) for p in predicates if p != STATED_IN}
        if step.forward:
            nodes = [n for n in nodes if not isinstance(n, ox.Literal)]
        everything = self._done.get((True, None, False), {}) if step.forward and wanted is not None else {}
        if everything:  # out of nodes whose every triple was read already: those, not the store again
            for node in [n for n in nodes if n in everything]:
                stated = STATED_IN in predicates  # type: ignore[operator]
                triples = [t for t in everything[node] if t[1] in wanted or (stated and t[1] == self._stated_in)]
                if triples:
                    found[node] = triples[:1] if step.existential else triples
            nodes = [n for n in nodes if n not in everything]
        own_index = self._out if step.forward else self._in
        for node in nodes:  # the entries
            own = own_index.get(node)
            if own:
                own = [t for t, _ in own] if step.forward else own
                own = [t for t in own if wanted is None or t[1] in wanted]
                if own:
                    found[node] = own
        if wanted is None or wanted:
            single = [n for n in nodes if isinstance(n, ox.BlankNode)] if not (
                step.existential or wanted is None) and len(nodes) > self.BATCH else nodes
            for node in single:
                if step.existential and node in found:
                    continue
                for predicate in sorted(wanted, key=str) if wanted is not None else [None]:
                    pattern = (node, predicate, None) if step.forward else (None, predicate, node)
                    for quad in self.built.quads_for_pattern(*pattern, ox.DefaultGraph()):
                        found.setdefault(node, []).append((quad.subject, quad.predicate, quad.object))
                        if step.existential:
                            break
                    if step.existential and node in found:
                        break
            if single is not nodes:
                batch = [n for n in nodes if not isinstance(n, ox.BlankNode)]
                for triple in self._batch(step.forward, batch, wanted):  # type: ignore[arg-type]
                    found.setdefault(triple[0] if step.forward else triple[2], []).append(triple)
        if predicates is None or STATED_IN in predicates:
            for node in nodes:
                if step.existential and node in found:
                    continue
                if step.forward:
                    stated = [(node, self._stated_in, where) for where in self.stated_in(node)]
                else:
                    stated = [(subject, self._stated_in, node) for subject in self.stated_about(node)]
                if stated:
                    found.setdefault(node, []).extend(stated[:1] if step.existential else stated)
        return {node: list(dict.fromkeys(triples)) for node, triples in found.items()}

    def _batch(self, forward: bool, nodes: list[Any], predicates: set[Any]) -> list[tuple[Any, Any, Any]]:
        """One query on the built store for many nodes. (The pairs in one VALUES block: with two blocks
        Oxigraph joins them after scanning the store.)"""
        pairs = " ".join(f"({n} {p})" for n in nodes for p in predicates)
        end = "?s" if forward else "?o"
        query = f"SELECT ?s ?p ?o WHERE {{ VALUES ({end} ?p) {{ {pairs} }} ?s ?p ?o }}"
        return [(row[0], row[1], row[2]) for row in self.built.query(query)]  # type: ignore[union-attr]

    def is_claim(self, graph: Any) -> bool:
        if graph not in self._claims:
            quad = ox.Quad(graph, ox.NamedNode(RDF_TYPE), ox.NamedNode(CLAIM), graph)
            self._claims[graph] = quad in self.entries or quad in self.built
        return self._claims[graph]

    def stated_in(self, node: Any) -> set[Any]:
        """The kg:statedIn of a node, derived as graph/loading.py does: each claim holding a triple about it,
        and kg:noClaim when the data's default graph has one (unless it describes a source document)."""
        where = {graph for _, graph in self._out.get(node, [])
                 if isinstance(graph, ox.NamedNode) and self.is_claim(graph)}
        for quad in self.built.quads_for_pattern(node, None, None, None):
            if isinstance(quad.graph_name, ox.NamedNode) and self.is_claim(quad.graph_name):
                where.add(quad.graph_name)
        if node in self._unclaimed:
            where.add(self._no_claim)
        return where

    def stated_about(self, graph: Any) -> set[Any]:
        """The nodes with kg:statedIn `graph`."""
        if graph == self._no_claim:
            return set(self._unclaimed)
        if not isinstance(graph, ox.NamedNode) or not self.is_claim(graph):
            return set()
        return {t[0] for t in self._in_graph.get(graph, [])} | {
            q.subject for q in self.built.quads_for_pattern(None, None, None, graph)}

    # the neighbourhood as stores

    def oxigraph(self) -> ox.Store:
        """The neighbourhood in an in-memory Oxigraph store, in its default graph (kept up to date)."""
        if self._store is None:
            self._store = ox.Store()
        if self._added:
            default = ox.DefaultGraph()
            self._store.bulk_extend(ox.Quad(s, p, o, default) for s, p, o in self._added)
            self._added = []
        for data in self._ntriples:
            self._store.bulk_load(data, ox.RdfFormat.N_TRIPLES)
        self._ntriples = []
        return self._store

    def rdflib(self) -> Any:
        """The triples of the core steps as an rdflib Graph, for pyshacl."""
        import rdflib

        converter = TermConverter()
        graph = rdflib.Graph()
        for s, p, o in self.core:
            graph.add((converter.term(s), converter.term(p), converter.term(o)))
        return graph

    def quote_graph(self, entries: LoadedGraph, candidates: set[Any]) -> LoadedGraph:
        """What the quote check reads, for the candidates: the data's default graph as read (the documents) and
        the quotes and sources of the candidate claims in their graphs."""
        store = ox.Store()
        default = ox.DefaultGraph()
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, default) for t in self.default_graph)
        store.bulk_extend(list(self.entries))
        for node in candidates:
            if not isinstance(node, ox.NamedNode):
                continue
            for predicate in (QUOTE, WAS_DERIVED_FROM):
                store.bulk_extend([q for q in self.built.quads_for_pattern(node, ox.NamedNode(predicate), None, None)
                                   if isinstance(q.graph_name, ox.NamedNode)])
        return LoadedGraph(store, entries.files, entries.settings, entries.extra_files)


_FILTERS = ox.Store()  # an empty store, to evaluate filter expressions in
_PASSES: dict[tuple[str, str, Any], bool] = {}


def _passes(step: Step, node: Any) -> bool:
    """Whether a node passes the step's filters, as Oxigraph evaluates them (an error, or a blank node, keeps
    it: looking up more than needed is safe)."""
    if not step.keep or isinstance(node, ox.BlankNode):
        return True
    for expression in step.keep:
        key = (expression, step.keep_name, node)
        if key not in _PASSES:
            query = f"ASK {{ VALUES ?{step.keep_name} {{ {node} }} FILTER ({expression}) }}"
            try:
                _PASSES[key] = bool(_FILTERS.query(query))
            except (SyntaxError, OSError, ValueError):
                _PASSES[key] = True
        if not _PASSES[key]:
            return False
    return True
