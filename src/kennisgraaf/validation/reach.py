"""How far the shapes look from a focus node: the triples a validation of a few nodes needs, read off the shapes.

Incremental validation (incremental.py) checks a few focus nodes against a built graph of a million triples. It
copies only the triples that the shapes can look at for those nodes, so they must be found from the shapes
themselves, never listed by hand. This module turns the shapes into a `Plan`: a set of `Step`s, each saying
"for the nodes bound to variable A, take the triples with predicate P going out of (or coming into) them; their
other ends are bound to variable B". Running the plan from the focus nodes (`this`) to a fixpoint gives a
neighbourhood on which every target and constraint evaluates exactly as on the whole graph.

Where the steps come from:

- core SHACL: targets (sh:targetClass needs the node's rdf:type and the rdfs:subClassOf chain, sh:targetSubjectsOf
  and sh:targetObjectsOf one triple), property paths (IRIs, sequences, alternatives, inverse and repeated paths),
  sh:class on the values (their types), nested shapes (sh:node, sh:property, sh:qualifiedValueShape, the logical
  constraints), sh:equals and the other property pairs;
- SPARQL targets and constraints: the query is parsed (rdflib's SPARQL algebra) and every triple pattern in it,
  in subqueries, EXISTS, OPTIONAL, MINUS and UNION branches as well, must be reachable from $this through patterns
  already reached or from a constant. A variable of a subquery is reached from outside only where that is sound:
  it is projected, and when the subquery aggregates, it is one of the GROUP BY keys (the groups of the other keys
  are cut off by the join). A FILTER on a single variable in the same group (an IN list, STRSTARTS ...) prunes the
  nodes a step starts from. A pattern whose other end is used nowhere else, in a DISTINCT or EXISTS context, needs
  one matching triple per node, not all ("is this IRI used anywhere?").
- A FILTER that equates an expression of one variable with an expression of another (`E1(?label) = E2(?name)`,
  directly or through a BIND, also one out of a subquery grouped by it) lets a step go from the few values of
  one side to the triples whose object has the same key on the other (a keyed step): the build keeps an index
  of those keys (keyindex.py), so "every name of every organisation" becomes "the names with this key".

A pattern that cannot be reached (it would need the whole graph), a subquery with LIMIT, GRAPH or SERVICE, or an
unsupported path raise `NotIncremental`, and the caller validates the whole graph instead.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..namespaces import SH
from .shacl_sparql import prefix_block

__all__ = ["Analysis", "NotIncremental", "Plan", "Step", "analyse", "shape_plan", "sparql_plan", "targeted_shapes"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
RDF_NIL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
START = "this"


class NotIncremental(Exception):
    """The entries cannot be validated incrementally; the message says why. The caller validates in full."""


@dataclass(frozen=True)
class Step:
    """For the nodes of `source`, the triples with one of `predicates` (None: any) out of them (`forward`) or
    into them; their other ends go to `target`.

    `existential`: one matching triple per node is enough. `transitive`: follow the step again from what it
    found (a path p* or p+); with `reflexive` the source nodes themselves go to `target` as well (p*, p?).
    `keep`: filter expressions (SPARQL text) on the source variable alone (`keep_name`); a node failing one of
    them is not looked up. `identity`: no triples, the nodes of `source` go to `target` (a nested shape).
    `predicate`: the predicates of the triples go to `target` instead of their other ends (a variable in
    predicate position)."""

    source: str
    target: str
    forward: bool = True
    predicates: frozenset[str] | None = None
    existential: bool = False
    transitive: bool = False
    reflexive: bool = False
    identity: bool = False
    predicate: bool = False
    keep: tuple[str, ...] = ()
    keep_name: str = ""  # the name of the source variable in the filter expressions
    # a keyed step: (expression of the source variable, its name, expression of the object, its name); the
    # triples with one of `predicates` whose object's key equals the key of a source node, their subjects to
    # `target` (the key equality is a FILTER of the query: no other triple can give a solution)
    key: tuple[str, ...] = ()


@dataclass
class Plan:
    """Steps, and the variables that stand for constants of the query (`constants`: variable -> terms, written
    as in N-Triples)."""

    steps: list[Step] = field(default_factory=list)
    constants: dict[str, set[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"steps": [{k: (sorted(v) if isinstance(v, frozenset) else list(v) if isinstance(v, tuple) else v)
                           for k, v in vars(step).items()} for step in self.steps],
                "constants": {name: sorted(terms) for name, terms in self.constants.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        steps = [Step(**{k: (frozenset(v) if k == "predicates" and v is not None
                             else tuple(v) if k in ("keep", "key") else v)
                         for k, v in step.items()}) for step in data["steps"]]
        return cls(steps, {name: set(terms) for name, terms in data["constants"].items()})

    def extend(self, other: Plan) -> None:
        self.steps.extend(s for s in other.steps if s not in self.steps)
        for name, terms in other.constants.items():
            self.constants.setdefault(name, set()).update(terms)

    def local(self, start: str = START) -> bool:
        """Whether every step starts from the start variable: what it reads about a node is that node's own
        triples (out of it or into it), which an entry can change only by mentioning the node."""
        return all(s.source == start for s in self.steps)

    def changed_by(self, predicates: set[str], start: str = START) -> bool:
        """Whether triples with these predicates (those of an entry) can change what the plan reads beyond the
        start variable's own triples. Steps without triples never do; a step with any predicate always may."""
        return any(not s.identity and s.source != start and (s.predicates is None or s.predicates & predicates)
                   for s in self.steps)

    def keyed(self) -> list[Step]:
        return [s for s in self.steps if s.key]


_names = itertools.count()


def _fresh(hint: str) -> str:
    return f"_{hint}{next(_names)}"


# ------------------------------------------------------------------ core SHACL


_VALUE_SHAPES = ("node", "property", "qualifiedValueShape", "not")
_VALUE_LISTS = ("and", "or", "xone")
_PAIRS = ("equals", "disjoint", "lessThan", "lessThanOrEquals")


def shape_plan(shapes: Any, shape: Any, var: str = START, *, sparql: bool = True, classes: bool = True,
               _seen: dict[Any, str] | None = None) -> Plan:
    """The steps a validation of `shape` on the nodes of `var` needs: its constraints, and those of the shapes
    nested in it. With `sparql` False, only the core constraints; with `classes` False, not what sh:class
    reads."""
    import rdflib

    sh = rdflib.Namespace(SH)
    seen = _seen if _seen is not None else {}
    plan = Plan()
    if shape in seen:  # a shape nested in itself: link to where it is already expanded
        plan.steps.append(Step(var, seen[shape], identity=True))
        return plan
    seen[shape] = var
    path = shapes.value(shape, sh.path)
    values = var
    if path is not None:
        values = _fresh("value")
        plan.extend(path_plan(shapes, path, var, values))
    # the value nodes' classes
    if classes and next(shapes.objects(shape, sh["class"]), None) is not None:
        plan.extend(_class_plan(values))
    for name in _PAIRS:
        for other in shapes.objects(shape, sh[name]):
            plan.steps.append(Step(var, _fresh("pair"), predicates=frozenset({str(other)})))
    for name in _VALUE_SHAPES:
        for nested in shapes.objects(shape, sh[name]):
            plan.extend(shape_plan(shapes, nested, values, sparql=sparql, classes=classes, _seen=seen))
    for name in _VALUE_LISTS:
        for members in shapes.objects(shape, sh[name]):
            for nested in _list(shapes, members):
                plan.extend(shape_plan(shapes, nested, values, sparql=sparql, classes=classes, _seen=seen))
    if sparql:
        for constraint in shapes.objects(shape, sh.sparql):
            select = shapes.value(constraint, sh.select)
            if select is None:
                raise NotIncremental(f"{shape}: a SPARQL constraint without sh:select")
            plan.extend(sparql_plan(constraint_text(shapes, shape, constraint), var))
    return plan


def target_plan(shapes: Any, shape: Any, var: str = START) -> Plan:
    """The steps needed to tell whether the nodes of `var` are focus nodes of `shape` (its own targets)."""
    import rdflib

    sh = rdflib.Namespace(SH)
    plan = Plan()
    implicit = (shape, rdflib.RDF.type, rdflib.RDFS.Class) in shapes
    if next(shapes.objects(shape, sh.targetClass), None) is not None or implicit:
        plan.extend(_class_plan(var))
    for predicate in shapes.objects(shape, sh.targetSubjectsOf):
        plan.steps.append(Step(var, _fresh("object"), predicates=frozenset({str(predicate)}), existential=True))
    for predicate in shapes.objects(shape, sh.targetObjectsOf):
        plan.steps.append(Step(var, _fresh("subject"), forward=False, predicates=frozenset({str(predicate)}),
                               existential=True))
    for target in shapes.objects(shape, sh.target):
        select = shapes.value(target, sh.select)
        if select is None:
            raise NotIncremental(f"{shape}: a target of a kind other than SPARQL (sh:select)")
        plan.extend(sparql_plan(prefix_block(shapes, target) + str(select), var, as_set=True))
    return plan


def _class_plan(var: str) -> Plan:
    types, classes = _fresh("type"), _fresh("class")
    return Plan([Step(var, types, predicates=frozenset({RDF_TYPE})),
                 Step(types, classes, predicates=frozenset({SUBCLASS_OF}), transitive=True, reflexive=True)])


def _list(shapes: Any, node: Any) -> Iterator[Any]:
    import rdflib

    while node is not None and node != rdflib.RDF.nil:
        first = shapes.value(node, rdflib.RDF.first)
        if first is not None:
            yield first
        node = shapes.value(node, rdflib.RDF.rest)


def path_plan(shapes: Any, path: Any, source: str, target: str) -> Plan:
    """Steps following a SHACL property path from `source` to `target`."""
    import rdflib

    sh = rdflib.Namespace(SH)
    if isinstance(path, rdflib.URIRef):
        return Plan([Step(source, target, predicates=frozenset({str(path)}))])
    if (path, rdflib.RDF.first, None) in shapes:  # a sequence
        members = list(_list(shapes, path))
        plan = Plan()
        here = source
        for k, member in enumerate(members):
            there = target if k == len(members) - 1 else _fresh("step")
            plan.extend(path_plan(shapes, member, here, there))
            here = there
        return plan
    inverse = shapes.value(path, sh.inversePath)
    if isinstance(inverse, rdflib.URIRef):
        return Plan([Step(source, target, forward=False, predicates=frozenset({str(inverse)}))])
    alternatives = shapes.value(path, sh.alternativePath)
    if alternatives is not None:
        plan = Plan()
        for member in _list(shapes, alternatives):
            plan.extend(path_plan(shapes, member, source, target))
        return plan
    for name, reflexive, transitive in (("zeroOrMorePath", True, True), ("oneOrMorePath", False, True),
                                        ("zeroOrOnePath", True, False)):
        repeated = shapes.value(path, sh[name])
        if isinstance(repeated, rdflib.URIRef):
            return Plan([Step(source, target, predicates=frozenset({str(repeated)}), transitive=transitive,
                              reflexive=reflexive)])
    raise NotIncremental(f"a property path that is not supported here: {path}")


def constraint_text(shapes: Any, shape: Any, constraint: Any) -> str:
    """A SPARQL constraint's query with its prefixes and $PATH filled in, as shacl_sparql runs it."""
    import rdflib

    sh = rdflib.Namespace(SH)
    text = str(shapes.value(constraint, sh.select))
    if "$PATH" in text:
        path = shapes.value(shape, sh.path)
        if not isinstance(path, rdflib.URIRef):
            raise NotIncremental(f"{shape}: $PATH of a path that is not a single IRI")
        text = text.replace("$PATH", f"<{path}>")
    return prefix_block(shapes, constraint) + text


# ------------------------------------------------------------------ SPARQL


@dataclass
class _Pattern:
    subject: str      # variable names (scoped) or constant variables
    predicates: frozenset[str] | None
    predicate_var: str | None
    object: str
    existential: bool
    keep: dict[str, tuple[Any, ...]]  # filters per variable of the group the pattern is in
    transitive: bool = False
    reflexive: bool = False
    context: tuple[Any, ...] = ()     # where the pattern is: () the query's own group; inside EXISTS etc. longer


@dataclass(frozen=True)
class _Side:
    """One side of a key equality: an expression (SPARQL text) of one variable (scoped name, name in the query)."""

    expression: str
    var: str
    name: str


@dataclass(frozen=True)
class _KeyJoin:
    source: _Side
    object: _Side
    context: tuple[Any, ...]


class _Walker:
    """Collects the triple patterns of a query in rdflib's algebra, with variables renamed per scope."""

    def __init__(self) -> None:
        self.patterns: list[_Pattern] = []
        self.constants: dict[str, set[Any]] = {}
        self.uses: dict[str, int] = {}  # uses of each variable name, over all scopes (more is safe)
        self.raw: dict[str, str] = {}   # scoped name -> the name in the query
        self.context: tuple[Any, ...] = ()
        self.bound = "this"  # the query variable bound to the start nodes
        self.unions: list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]] = []
        self._constant_names: dict[Any, str] = {}
        self.equalities: list[tuple[_Side, _Side, tuple[Any, ...]]] = []  # FILTER (E1(?a) = E2(?b))
        self.binds: dict[str, list[tuple[_Side, tuple[Any, ...]]]] = {}   # BIND (E(?a) AS ?k): k -> E(?a)
        self.samples: dict[str, str] = {}  # an aggregate's SAMPLE(?k) variable -> ?k (a GROUP BY key's value)

    def inside(self, kind: str, node: Any, scope: dict[str, str], keep: dict[str, tuple[Any, ...]],
               as_set: bool) -> tuple[Any, ...]:
        """Walk `node` in a context of its own inside the current one: a variable it binds does not bind the
        variable outside (an OPTIONAL or EXISTS part can be empty, a UNION branch is one of several)."""
        outer = self.context
        self.context = (*outer, (kind, next(_names)))
        try:
            self.walk(node, scope, keep, as_set)
            return self.context
        finally:
            self.context = outer

    # terms

    def node(self, term: Any, scope: dict[str, str]) -> str:
        import rdflib

        if isinstance(term, rdflib.Variable):
            return self.var(str(term), scope)
        if isinstance(term, rdflib.BNode):  # a blank node in a query is a variable
            return self.var("_:" + str(term), scope)
        name = self._constant_names.get(term)
        if name is None:
            name = self._constant_names[term] = _fresh("constant")
            self.constants[name] = {_term_text(term)}
        return name

    def var(self, name: str, scope: dict[str, str]) -> str:
        if name not in scope:
            scope[name] = _fresh(f"{name.lstrip('_:')}.")
        self.raw[scope[name]] = name
        return scope[name]

    def count(self, node: Any) -> None:
        """Count every use of every variable name under `node` (for telling which are used only once)."""
        import rdflib

        if isinstance(node, rdflib.Variable):
            self.uses[str(node)] = self.uses.get(str(node), 0) + 1
        elif isinstance(node, dict):
            for key, value in node.items():
                if not str(key).startswith("_"):
                    self.count(value)
        elif isinstance(node, list | tuple):
            for value in node:
                self.count(value)

    def used_once(self, scoped: str) -> bool:
        return self.uses.get(self.raw.get(scoped, scoped), 0) <= 1

    # patterns

    def walk(self, node: Any, scope: dict[str, str], keep: dict[str, tuple[Any, ...]], as_set: bool) -> None:
        import rdflib
        from rdflib.plugins.sparql.parserutils import CompValue

        if isinstance(node, list):
            for part in node:
                self.walk(part, scope, keep, as_set)
            return
        if not isinstance(node, CompValue):
            return
        name = node.name
        if name in ("SelectQuery", "AskQuery"):
            self.walk(node.p, scope, keep, as_set or name == "AskQuery")
        elif name == "BGP":
            for s, p, o in node.triples:
                self.triple(s, p, o, scope, keep, as_set)
        elif name == "Filter":
            inner = dict(keep)
            for conjunct in _conjuncts(node.expr):
                names = _variables(conjunct)
                text = _expression_text(conjunct) if len(names) == 1 and not _has_exists(conjunct) else None
                if text is not None:
                    key = self.var(next(iter(names)), scope)
                    inner[key] = (*inner.get(key, ()), text)
                self.equality(conjunct, scope)
            self.expression(node.expr, scope, keep)
            self.walk(node.p, scope, inner, as_set)
        elif name == "Join":
            self.walk(node.p1, scope, keep, as_set)
            self.walk(node.p2, scope, keep, as_set)
        elif name == "Union":
            branches = [self.inside("union", node.p1, scope, keep, as_set),
                        self.inside("union", node.p2, scope, keep, as_set)]
            self.unions.append((self.context, branches))
        elif name == "LeftJoin":
            self.walk(node.p1, scope, keep, as_set)
            self.inside("optional", node.p2, scope, {}, as_set)
            if node.expr is not None:
                self.expression(node.expr, scope, {})
        elif name == "Minus":
            self.walk(node.p1, scope, keep, as_set)
            self.inside("minus", node.p2, scope, {}, True)
        elif name == "Extend":
            self.expression(node.expr, scope, {})
            side = self.side(node.expr, scope)
            if side is not None:
                self.binds.setdefault(self.var(str(node.var), scope), []).append((side, self.context))
            self.walk(node.p, scope, keep, as_set)
        elif name in ("Distinct", "Reduced"):
            self.walk(node.p, scope, keep, True)
        elif name in ("OrderBy", "ToMultiSet"):
            self.walk(node.p, scope, keep, as_set)
        elif name == "Project":
            self.project(node, scope, keep, as_set)
        elif name == "Slice":
            raise NotIncremental("a query with LIMIT or OFFSET")
        elif name == "values":
            self.values(node, scope)
        elif name in ("Graph", "ServiceGraphPattern"):
            raise NotIncremental("a query with GRAPH or SERVICE")
        elif name == "AggregateJoin":
            for aggregate in node.A:
                if aggregate.name == "Aggregate_Sample" and isinstance(aggregate.vars, rdflib.Variable):
                    self.samples[self.var(str(aggregate.res), scope)] = self.var(str(aggregate.vars), scope)
            self.walk(node.p, scope, keep, False)
        elif name == "Group":
            self.walk(node.p, scope, keep, False)
        else:
            raise NotIncremental(f"a part of a query that is not supported here: {name}")

    def project(self, node: Any, scope: dict[str, str], keep: dict[str, tuple[Any, ...]], as_set: bool) -> None:
        """A (sub)select: its own scope, in which only the projected variables (for an aggregating subquery,
        only the projected GROUP BY keys) are those of the outer scope."""
        import rdflib

        group = _find(node.p, "Group")
        if scope.get("\0top") is None:  # the query itself: same scope; ?this must be a key of its groups
            scope["\0top"] = "1"
            keys = {str(v) for v in (group.expr or [])} if group is not None else None
            if (keys is not None and self.bound not in keys) or (
                    group is None and _find(node.p, "AggregateJoin") is not None):
                raise NotIncremental("a query that aggregates over more than one focus node")
            self.walk(node.p, scope, keep, as_set and group is None)
            return
        if group is not None and group.expr is not None:
            keys = {str(v) for v in group.expr if isinstance(v, rdflib.Variable)}
            linked = {str(v) for v in node.PV} & keys
        elif _find(node.p, "AggregateJoin") is not None:
            linked = set()  # an aggregate over everything
        else:
            linked = {str(v) for v in node.PV}
        inner_scope = {name: self.var(name, scope) for name in linked}
        inner_scope["\0top"] = "1"
        inner_keep = {key: value for key, value in keep.items() if key in inner_scope.values()}
        self.walk(node.p, inner_scope, inner_keep, as_set and group is None)

    def values(self, node: Any, scope: dict[str, str]) -> None:
        import rdflib

        for row in node.res:
            for variable, term in row.items():
                if term is not None and not isinstance(term, rdflib.Variable):
                    key = self.var(str(variable), scope)
                    self.constants.setdefault(key, set()).add(_term_text(term))

    def side(self, expr: Any, scope: dict[str, str]) -> _Side | None:
        """`expr` as one side of a key equality: an expression of exactly one variable, without EXISTS."""
        names = _variables(expr)
        if len(names) != 1 or _has_exists(expr):
            return None
        text = _expression_text(expr)
        name = next(iter(names))
        return None if text is None else _Side(text, self.var(name, scope), name)

    def equality(self, conjunct: Any, scope: dict[str, str]) -> None:
        from rdflib.plugins.sparql.parserutils import CompValue

        if not (isinstance(conjunct, CompValue) and conjunct.name == "RelationalExpression" and conjunct.op == "="):
            return
        left, right = self.side(conjunct.expr, scope), self.side(conjunct.other, scope)
        if left is not None and right is not None and left.var != right.var:
            self.equalities.append((left, right, self.context))

    def key_joins(self) -> dict[str, list[_KeyJoin]]:
        """The key equalities of the query by the variable whose triples they can narrow down: each side a
        variable's own expression, or a variable BIND gives one (through a subquery's GROUP BY key too)."""
        found: dict[str, list[_KeyJoin]] = {}
        for left, right, context in self.equalities:
            sides = [self.bound_side(left, context), self.bound_side(right, context)]
            if None in sides or sides[0].var == sides[1].var:  # type: ignore[union-attr]
                continue
            for source, object_ in (sides, sides[::-1]):
                found.setdefault(object_.var, []).append(_KeyJoin(source, object_, context))  # type: ignore
        return found

    def bound_side(self, side: _Side, context: tuple[Any, ...]) -> _Side | None:
        """A side that is a variable bound by one BIND (in the same group) to an expression of another: that
        expression; a side of anything else as it is."""
        if side.expression != f"?{side.name}" or side.var not in self.binds:
            return side
        binds = [(bound, where) for bound, where in self.binds[side.var]
                 if self.samples.get(bound.var) != side.var]  # ?k := SAMPLE(?k), how rdflib gives a group key
        if len(binds) != 1 or binds[0][1] != context:
            return None
        return binds[0][0]

    def expression(self, expr: Any, scope: dict[str, str], keep: dict[str, tuple[Any, ...]]) -> None:
        """The graph patterns of EXISTS and NOT EXISTS in an expression: correlated with the outer scope."""
        from rdflib.plugins.sparql.algebra import translateGroupGraphPattern
        from rdflib.plugins.sparql.parserutils import CompValue

        for found in _exists(expr):
            graph = found.graph
            if isinstance(graph, CompValue) and graph.name == "GroupGraphPatternSub":
                graph = translateGroupGraphPattern(graph)
            self.inside("exists", graph, scope, {}, True)

    def add(self, pattern: _Pattern) -> None:
        pattern.context = self.context
        self.patterns.append(pattern)

    def triple(self, s: Any, p: Any, o: Any, scope: dict[str, str], keep: dict[str, tuple[Any, ...]],
               as_set: bool) -> None:
        import rdflib
        from rdflib import paths

        subject, object_ = self.node(s, scope), self.node(o, scope)
        if isinstance(p, rdflib.URIRef):
            self.add(_Pattern(subject, frozenset({str(p)}), None, object_, as_set, keep))
        elif isinstance(p, rdflib.Variable):
            self.add(_Pattern(subject, None, self.var(str(p), scope), object_, as_set, keep))
        elif isinstance(p, paths.AlternativePath) and all(isinstance(a, rdflib.URIRef) for a in p.args):
            self.add(_Pattern(subject, frozenset(str(a) for a in p.args), None, object_, as_set, keep))
        elif isinstance(p, paths.AlternativePath):
            for alternative in p.args:
                self.path(subject, alternative, object_, keep)
        else:
            self.path(subject, p, object_, keep)

    def path(self, subject: str, p: Any, object_: str, keep: dict[str, tuple[Any, ...]]) -> None:
        import rdflib
        from rdflib import paths

        if isinstance(p, rdflib.URIRef):
            self.add(_Pattern(subject, frozenset({str(p)}), None, object_, False, keep))
        elif isinstance(p, paths.SequencePath):
            here = subject
            for k, member in enumerate(p.args):
                there = object_ if k == len(p.args) - 1 else _fresh("step")
                self.path(here, member, there, {})
                here = there
        elif isinstance(p, paths.InvPath):
            self.path(object_, p.arg, subject, {})
        elif isinstance(p, paths.AlternativePath):
            for alternative in p.args:
                self.path(subject, alternative, object_, {})
        elif isinstance(p, paths.MulPath) and isinstance(p.path, rdflib.URIRef):
            self.add(_Pattern(subject, frozenset({str(p.path)}), None, object_, False, {},
                                          transitive=p.mod != paths.ZeroOrOne, reflexive=p.mod != paths.OneOrMore))
        elif isinstance(p, paths.NegatedPath):
            self.add(_Pattern(subject, None, None, object_, False, {}))
        else:
            raise NotIncremental(f"a property path that is not supported here: {p}")


def sparql_plan(text: str, start: str = START, as_set: bool = False, bound: str = "this") -> Plan:
    """The steps a SPARQL query needs when its variable `bound` (?this) is bound to the nodes of `start`.
    `as_set`: only which values of ?this the query gives counts, not how often (a target)."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        query = prepareQuery(text)
    except Exception as error:  # the shapes' own SPARQL: a parser that reads it differently must not guess
        raise NotIncremental(f"a SPARQL query rdflib cannot parse ({error})") from None
    walker = _Walker()
    walker.count(query.algebra)
    walker.raw[start] = walker.bound = bound
    walker.walk(query.algebra, {bound: start}, {}, as_set)
    return _anchor(walker, start)


def _anchor(walker: _Walker, start: str) -> Plan:
    """Order the patterns into steps reachable from `start` and the constants; raise for any other.

    A variable counts as reached for a pattern when a step reached it in the pattern's context or in one around
    it: a step inside an OPTIONAL or EXISTS part or in one UNION branch does not bound the values the variable
    takes outside it. A variable reached in every branch of a UNION is reached around the UNION."""
    plan = Plan(constants={k: set(v) for k, v in walker.constants.items()})
    reached: dict[str, set[tuple[Any, ...]]] = {name: {()} for name in (start, *walker.constants)}

    def visible(name: str, context: tuple[Any, ...]) -> bool:
        return any(context[:len(c)] == c for c in reached.get(name, ()))

    # How many nodes a variable may have: 0 few (the start, constants, what is out of a few nodes), 1 many
    # (what is found into a node: every instance of a class, every claim of a document, ...).
    many: dict[str, int] = {name: 0 for name in reached}
    joins = walker.key_joins()
    uses: dict[str, int] = {}
    for pattern in walker.patterns:
        for name in {pattern.subject, pattern.object, pattern.predicate_var} - {None}:
            uses[name] = uses.get(name, 0) + 1  # type: ignore[index]

    def keyed(pattern: _Pattern) -> _KeyJoin | None:
        """A key equality that narrows the pattern's triples down to those of a few keys: the pattern's object
        is one side, used by no other pattern, and the other side is reached in the same group."""
        if (pattern.predicates is None or pattern.predicate_var or pattern.transitive or pattern.reflexive
                or uses.get(pattern.object) != 1 or visible(pattern.object, pattern.context)):
            return None
        for join in joins.get(pattern.object, ()):
            if join.context == pattern.context and visible(join.source.var, pattern.context):
                return join
        return None

    def options(pattern: _Pattern) -> list[tuple[tuple[int, int, int], Any]]:
        """The ways to take a pattern now, best first: out of a node with few others (few triples), into
        one, out of many, into many; then from the outermost context (an inner one may reach the same nodes
        more cheaply from outside). A keyed step out of few nodes counts as few triples."""
        found: list[tuple[tuple[int, int, int], Any]] = []
        if visible(pattern.subject, pattern.context):
            found.append(((many[pattern.subject], 0, 0), True))
        if visible(pattern.object, pattern.context):
            found.append(((many[pattern.object], 1, len(pattern.context)), False))
        if (join := keyed(pattern)) is not None:
            found.append(((many[join.source.var], 0, 1), join))
        return sorted(found, key=lambda way: way[0])

    pending = list(walker.patterns)
    while pending:
        progress = False
        ranked = sorted((ways[0][0], k, ways[0][1]) for k, pattern in enumerate(pending)
                        if (ways := options(pattern)))
        chosen = [(pending[k], forward) for rank, k, forward in ranked if rank == ranked[0][0]] if ranked else []
        for pattern, forward in chosen:
            context = pattern.context
            if isinstance(forward, _KeyJoin):
                join = forward
                plan.steps.append(Step(join.source.var, pattern.subject, False, pattern.predicates,
                                       key=(join.source.expression, join.source.name, join.object.expression,
                                            join.object.name)))
                many[pattern.subject] = min(many.get(pattern.subject, 1), many[join.source.var])
                reached.setdefault(pattern.subject, set()).add(context)
                pending.remove(pattern)
                progress = True
                continue
            if forward:
                source, target = pattern.subject, pattern.object
            else:
                source, target = pattern.object, pattern.subject
            others = [target] + ([pattern.predicate_var] if pattern.predicate_var else [])
            existential = pattern.existential and not visible(target, context) and all(
                walker.used_once(o) for o in others) and not pattern.transitive
            plan.steps.append(Step(source, target, forward, pattern.predicates, existential=existential,
                                   transitive=pattern.transitive, reflexive=pattern.reflexive,
                                   keep=pattern.keep.get(source, ()), keep_name=walker.raw.get(source, source)))
            if not visible(target, context):
                many[target] = max(many.get(target, 0), many[source] if forward or existential else 1)
            many.setdefault(target, many[source])
            reached.setdefault(target, set()).add(context)
            if pattern.predicate_var:
                plan.steps.append(Step(source, pattern.predicate_var, forward, None, existential=existential,
                                       predicate=True, keep=pattern.keep.get(source, ()),
                                       keep_name=walker.raw.get(source, source)))
                reached.setdefault(pattern.predicate_var, set()).add(context)
                many.setdefault(pattern.predicate_var, 0)
            pending.remove(pattern)
            progress = True
        for context, branches in walker.unions:
            for name in list(reached):
                if not visible(name, context) and all(visible(name, branch) for branch in branches):
                    reached[name].add(context)
                    progress = True
        if not progress:
            raise NotIncremental("a triple pattern not connected to $this (it would need the whole graph)")
    return plan


def _find(node: Any, name: str) -> Any:
    from rdflib.plugins.sparql.parserutils import CompValue

    while isinstance(node, CompValue):
        if node.name == name:
            return node
        if node.name in ("Project", "ToMultiSet"):
            return None
        node = node.get("p")
    return None


def _term_text(term: Any) -> str:
    """An rdflib term as N-Triples writes it."""
    return str(term.n3())


_OPERATORS = {"=", "!=", "<", ">", "<=", ">="}
_BUILTINS = {  # name -> its arguments, in order
    "STR": ("arg",), "LANG": ("arg",), "DATATYPE": ("arg",), "isIRI": ("arg",), "isBLANK": ("arg",),
    "isLITERAL": ("arg",), "isNUMERIC": ("arg",), "BOUND": ("arg",), "LCASE": ("arg",), "UCASE": ("arg",),
    "STRLEN": ("arg",), "STRSTARTS": ("arg1", "arg2"), "STRENDS": ("arg1", "arg2"), "CONTAINS": ("arg1", "arg2"),
    "LANGMATCHES": ("arg1", "arg2"), "REGEX": ("text", "pattern", "flags"),
    "REPLACE": ("arg", "pattern", "replacement", "flags"),
}


def _expression_text(expr: Any) -> str | None:
    """A filter expression of rdflib's algebra written back as SPARQL, for the forms a pruning filter takes
    (comparisons, IN lists, string tests, type tests, && || !); None for any other (the filter is then not used
    for pruning, which is safe)."""
    import rdflib
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(expr, rdflib.Variable):
        return f"?{expr}"
    if isinstance(expr, rdflib.URIRef | rdflib.Literal):
        return _term_text(expr)
    if not isinstance(expr, CompValue):
        return None
    name = expr.name
    if name in ("ConditionalAndExpression", "ConditionalOrExpression"):
        parts = [_expression_text(e) for e in [expr.expr, *(expr.other or [])]]
        joiner = " && " if name == "ConditionalAndExpression" else " || "
        return None if None in parts else "(" + joiner.join(parts) + ")"  # type: ignore[arg-type]
    if name == "UnaryNot":
        inner = _expression_text(expr.expr)
        return None if inner is None else f"(!{inner})"
    if name == "RelationalExpression":
        left = _expression_text(expr.expr)
        if expr.op in ("IN", "NOT IN"):
            items = [_expression_text(e) for e in expr.other]
            if left is None or None in items:
                return None
            return f"({left} {expr.op} ({', '.join(items)}))"  # type: ignore[arg-type]
        right = _expression_text(expr.other)
        return None if left is None or right is None or expr.op not in _OPERATORS else f"({left} {expr.op} {right})"
    if name.startswith("Builtin_") and name[8:] in {k.upper(): k for k in _BUILTINS} | _BUILTINS.keys():
        key = next(k for k in _BUILTINS if k.upper() == name[8:].upper())
        args = [expr[a] if a in expr else None for a in _BUILTINS[key]]  # (CompValue.get gives the key)
        while args and args[-1] is None:
            args.pop()
        texts = [_expression_text(a) for a in args]
        return None if None in texts else f"{key}({', '.join(texts)})"  # type: ignore[arg-type]
    return None


def _conjuncts(expr: Any) -> list[Any]:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(expr, CompValue) and expr.name == "ConditionalAndExpression":
        return [part for e in [expr.expr, *(expr.other or [])] for part in _conjuncts(e)]
    return [expr]


def _variables(expr: Any) -> set[str]:
    import rdflib

    found: set[str] = set()
    for node in _nodes(expr):
        if isinstance(node, rdflib.Variable):
            found.add(str(node))
    return found


def _has_exists(expr: Any) -> bool:
    return next(_exists(expr), None) is not None


def _exists(expr: Any) -> Iterator[Any]:
    from rdflib.plugins.sparql.parserutils import CompValue

    for node in _nodes(expr):
        if isinstance(node, CompValue) and node.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            yield node


def _nodes(expr: Any) -> Iterable[Any]:
    """Every node of an expression tree, not going into the graph patterns of EXISTS."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, CompValue):
            if node.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
                continue
            stack.extend(v for k, v in node.items() if not str(k).startswith("_"))
        elif isinstance(node, list | tuple):
            stack.extend(node)


# ------------------------------------------------------------------ the analysis of all the shapes

ANALYSIS_VERSION = 4  # raise when the analysis changes, so a stored one is made again


@dataclass
class Constraint:
    """A SPARQL constraint of a shape: its query as run, its plan from $this, and from ?value when the query
    gives a ?value that can be a node (to find the focus nodes whose ?value is a given node); `unbounded` says
    why there is no such plan when one would be needed."""

    text: str
    plan: Plan
    inverted: Plan | None
    unbounded: str | None = None


@dataclass
class Analysis:
    """The reach of every shape with targets, keyed by the shape's IRI: what `incremental` needs of the shapes.
    Made once per build (it parses every SPARQL query of the shapes: about half a second) and kept as JSON."""

    targets: dict[str, Plan]
    shapes: dict[str, Plan]
    cores: dict[str, Plan]  # the shapes' plans without their SPARQL constraints: what pyshacl reads
    constraints: dict[str, list[Constraint]]
    values: dict[str, list[Plan]]  # per shape: the core plans of its property shapes that report value nodes

    def to_json(self) -> dict[str, Any]:
        return {"version": ANALYSIS_VERSION,
                "targets": {k: v.to_json() for k, v in self.targets.items()},
                "shapes": {k: v.to_json() for k, v in self.shapes.items()},
                "cores": {k: v.to_json() for k, v in self.cores.items()},
                "constraints": {k: [{"text": c.text, "plan": c.plan.to_json(), "unbounded": c.unbounded,
                                     "inverted": c.inverted.to_json() if c.inverted else None} for c in v]
                                for k, v in self.constraints.items()},
                "values": {k: [p.to_json() for p in v] for k, v in self.values.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Analysis | None:
        if data.get("version") != ANALYSIS_VERSION:
            return None
        return cls({k: Plan.from_json(v) for k, v in data["targets"].items()},
                   {k: Plan.from_json(v) for k, v in data["shapes"].items()},
                   {k: Plan.from_json(v) for k, v in data["cores"].items()},
                   {k: [Constraint(c["text"], Plan.from_json(c["plan"]),
                                   Plan.from_json(c["inverted"]) if c["inverted"] else None, c["unbounded"])
                        for c in v]
                    for k, v in data["constraints"].items()},
                   {k: [Plan.from_json(p) for p in v] for k, v in data["values"].items()})


def _deeper_sparql(shapes: Any, members: list[Any]) -> bool:
    """Whether a shape nested on value nodes (sh:node, sh:qualifiedValueShape, the logical constraints) or
    deeper has a SPARQL constraint: its results would be about value nodes, not followed here."""
    import rdflib

    sh = rdflib.Namespace(SH)
    stack = [n for k, m in enumerate(members) for name in _VALUE_SHAPES for n in shapes.objects(m, sh[name])
             if k or name != "property"]  # the shape's own property shapes are among the members
    stack += [n for m in members for name in _VALUE_LISTS for lst in shapes.objects(m, sh[name])
              for n in _list(shapes, lst)]
    seen = set()
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if next(shapes.objects(node, sh.sparql), None) is not None:
            return True
        stack += [n for name in _VALUE_SHAPES for n in shapes.objects(node, sh[name])]
        stack += [n for name in _VALUE_LISTS for lst in shapes.objects(node, sh[name]) for n in _list(shapes, lst)]
    return False


def _counted_value(text: str) -> bool:
    """Whether the query's ?value is a COUNT, SUM, AVG or GROUP_CONCAT: always a literal, never a node written
    in an entry."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    literal = {"Aggregate_Count", "Aggregate_Sum", "Aggregate_Avg", "Aggregate_GroupConcat"}
    results, bound = set(), None
    stack = [prepareQuery(text).algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "AggregateJoin":
                results |= {str(a["res"]) for a in node.A if a.name in literal}
            if node.name == "Extend" and str(node["var"]) == "value":
                bound = str(node["expr"])
            stack.extend(v for k, v in node.items() if not str(k).startswith("_"))
        elif isinstance(node, list):
            stack.extend(node)
    return bound is not None and bound in results


# constraint components whose results name a value node of the focus node (sh:class is left out: adding triples
# can only satisfy it, so an entry cannot give a node it does not mention a new sh:class result)
VALUE_COMPONENTS = ("datatype", "nodeKind", "minExclusive", "minInclusive", "maxExclusive", "maxInclusive",
                    "minLength", "maxLength", "pattern", "languageIn", "in", "node", "not", "and", "or", "xone",
                    "equals", "disjoint", "lessThan", "lessThanOrEquals")


def targeted_shapes(shapes: Any) -> list[Any]:
    """The shapes with targets of their own, sorted."""
    import rdflib

    sh = rdflib.Namespace(SH)
    found = set()
    for name in ("targetNode", "targetClass", "targetSubjectsOf", "targetObjectsOf", "target"):
        found |= set(shapes.subjects(sh[name], None))
    found |= {s for s in shapes.subjects(rdflib.RDF.type, rdflib.RDFS.Class)
              if (s, rdflib.RDF.type, sh.NodeShape) in shapes or (s, rdflib.RDF.type, sh.PropertyShape) in shapes}
    return sorted(found, key=str)


def analyse(shapes: Any) -> Analysis:
    """The reach of the shapes (raises NotIncremental when a shape's reach cannot be bounded)."""
    import rdflib

    sh = rdflib.Namespace(SH)
    analysis = Analysis({}, {}, {}, {}, {})
    for shape in targeted_shapes(shapes):
        if not isinstance(shape, rdflib.URIRef):
            raise NotIncremental(f"a shape with targets that has no IRI ({shape})")
        key = str(shape)
        analysis.targets[key] = target_plan(shapes, shape)
        analysis.shapes[key] = shape_plan(shapes, shape)
        analysis.cores[key] = shape_plan(shapes, shape, sparql=False)
        constraints = []
        members = [shape, *shapes.objects(shape, sh.property)]
        for owner, constraint in ((m, c) for m in members for c in shapes.objects(m, sh.sparql)):
            text = constraint_text(shapes, owner, constraint)
            inverted, unbounded = None, None
            if "?value" in text and not _counted_value(text):
                try:
                    inverted = sparql_plan(text, start="value", bound="value")
                except NotIncremental as reason:
                    unbounded = str(reason)
            constraints.append(Constraint(text, sparql_plan(text), inverted, unbounded))
        analysis.constraints[key] = constraints
        if _deeper_sparql(shapes, members):
            raise NotIncremental(f"{shape}: a SPARQL constraint in a shape nested on value nodes")
        values = []
        for member in [shape, *shapes.objects(shape, sh.property)]:
            if shapes.value(member, sh.path) is not None and any(
                    next(shapes.objects(member, sh[c]), None) is not None for c in VALUE_COMPONENTS):
                values.append(shape_plan(shapes, member, sparql=False, classes=False))
        analysis.values[key] = values
    return analysis
