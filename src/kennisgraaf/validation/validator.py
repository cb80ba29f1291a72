"""Validation: the graph against the SHACL shapes, with each problem placed at its file and line.

pyshacl runs on an in-memory rdflib Graph (see graph/loading.py for why); the SPARQL parts of the shapes are run by
Oxigraph first (see shacl_sparql.py for why). Its results are turned into `Problem`s a
policy officer can act on: the file and line where the entity is written, the message from the shape in the
chosen language, the property, the offending value.
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings
from ..graph.files import locate, locate_value, read_shape_quads, shown
from ..graph.hints import Names, closest, literal_hint, or_list
from ..graph.loading import LoadedGraph, load
from ..namespaces import SH, prefixes
from . import shacl_sparql

__all__ = ["SEVERITY_WORDS", "Problem", "ValidationReport", "finish_report", "format_report",
           "quotes_not_in_their_document", "shapes_graph", "validate", "validate_graph"]

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SEVERITY_WORDS = {
    "nl": {"Violation": "fout", "Warning": "waarschuwing", "Info": "info"},
    "en": {"Violation": "violation", "Warning": "warning", "Info": "info"},
}
_FIELD_WORDS = {
    "nl": {"focus": "onderwerp", "path": "eigenschap", "value": "waarde", "shape": "regel"},
    "en": {"focus": "subject", "path": "property", "value": "value", "shape": "rule"},
}


@dataclass
class Problem:
    """One validation result, placed in a file."""

    severity: str  # "Violation", "Warning" or "Info"
    message: str
    focus: str
    focus_label: str | None = None
    path: str | None = None
    value: str | None = None
    shape: str | None = None
    file: str | None = None
    line: int | None = None
    suggestions: list[str] = field(default_factory=list)  # what was probably meant (closest known names, a value)

    @property
    def location(self) -> str:
        if self.file is None:
            return "(graph)"
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class ValidationReport:
    """The outcome of a validation. `conforms` is True when there is no violation (warnings allowed)."""

    problems: list[Problem]
    lang: str
    seconds: float
    report_graph: Any = field(repr=False, default=None)
    # "full": the whole graph was validated; "incremental": only the entries, against the current build
    method: str = "full"
    why_full: str | None = None  # with entries validated in full: why not incrementally

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "Violation"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    @property
    def exit_code(self) -> int:
        return 0 if self.conforms else 1


def validate(
    settings: Settings | None = None, files: Iterable[Path | str] = (), lang: str | None = None
) -> ValidationReport:
    """Validate the project's graph; with `files`, validate those new or changed entries in the context of the
    graph, reporting only problems written in them.

    >>> validate().conforms
    True
    """
    settings = settings or Settings.load()
    files = list(files)
    graph = load(settings, files)
    return validate_graph(graph, lang=lang or settings.language, only_files=bool(files))


def validate_graph(graph: LoadedGraph, lang: str = "nl", only_files: bool = False) -> ValidationReport:
    """Validate a loaded graph against the project's shapes. With `only_files`, keep the problems located in
    the graph's extra files."""
    import pyshacl

    started = time.perf_counter()
    shapes = shapes_graph(graph.settings)
    data = graph.to_rdflib()
    store = shacl_sparql.flat_store(graph)
    shacl_sparql.resolve_targets(shapes, store)
    shacl_sparql.lift_property_shapes(shapes)
    sparql_results = shacl_sparql.run_constraints(shapes, store)
    del store
    _, report_graph, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, allow_infos=True,
        inplace=True,
    )
    shacl_sparql.merge_results(report_graph, sparql_results)
    shacl_sparql.merge_results(report_graph, quotes_not_in_their_document(graph))
    return finish_report(report_graph, data, shapes, graph, lang, only_files, started)


def finish_report(report_graph: Any, data: Any, shapes: Any, graph: LoadedGraph, lang: str, only_files: bool,
                  started: float, known_iris: Callable[[], frozenset[Any]] | None = None) -> ValidationReport:
    """pyshacl's report (with the results merged into it) as a ValidationReport: each result placed at its file
    and line, with its message; with `only_files`, only the results located in the graph's extra files.
    `data` is the data graph the results came from (for the names of the focus nodes); `known_iris`, when `data`
    is only part of the graph, gives the declared entity IRIs of the whole graph (for "did you mean")."""
    search = graph.extra_files if only_files else graph.paths()
    problems = []
    for result in _results(report_graph):
        problem = _problem(result, report_graph, data, shapes, graph, search, lang, known_iris)
        if only_files and problem.file is None:
            _drop(report_graph, result)  # a pre-existing problem elsewhere in the graph
            continue
        _set_message(report_graph, result, problem.message, lang)
        problems.append(problem)
    problems.sort(key=lambda p: (p.file or "~", p.line or 0, p.severity != "Violation", p.message, p.value or ""))
    report = ValidationReport(problems, lang, time.perf_counter() - started, report_graph)
    _set_conforms(report_graph, report.conforms)
    return report


def shapes_graph(settings: Settings) -> Any:
    """The shapes of the project as an rdflib Graph."""
    import rdflib

    from ..graph.loading import TermConverter

    converter = TermConverter()
    shapes = rdflib.Graph()
    for quad in read_shape_quads(settings):
        shapes.add((converter.term(quad.subject), converter.term(quad.predicate), converter.term(quad.object)))
    return shapes


_QUOTE_SHAPE = "https://w3id.org/kennisgraaf/def/shapes/QuoteInDocumentShape"


def quotes_not_in_their_document(graph: LoadedGraph) -> Any:
    """Validation results (an rdflib Graph) for each kg:quote not found in its document's text. Skipped when
    the project has no folder of source texts (the benchmarks' synthetic projects)."""
    import pyoxigraph as ox
    import rdflib

    from ..graph.documents import QUOTE, WAS_DERIVED_FROM, DocumentsError, misquoted, read_documents, read_quotes

    results = rdflib.Graph()
    sources_dir = graph.settings.path("sources_dir")
    if not sources_dir.is_dir():
        return results
    store = graph.store
    try:
        documents = read_documents(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), sources_dir)
    except DocumentsError:
        return results  # a document description is broken: the shapes say what is wrong with it

    claims = [*store.quads_for_pattern(None, QUOTE, None), *store.quads_for_pattern(None, WAS_DERIVED_FROM, None)]
    sh = rdflib.Namespace(SH)
    for quote in misquoted(read_quotes(claims), documents):
        result = rdflib.BNode()
        results.add((result, rdflib.RDF.type, sh.ValidationResult))
        results.add((result, sh.focusNode, rdflib.URIRef(quote.claim)))
        results.add((result, sh.resultPath, rdflib.URIRef(QUOTE.value)))
        results.add((result, sh.value, rdflib.Literal(quote.text)))
        results.add((result, sh.resultSeverity, sh.Violation))
        results.add((result, sh.sourceShape, rdflib.URIRef(_QUOTE_SHAPE)))
        results.add((result, sh.sourceConstraintComponent, rdflib.URIRef(_QUOTE_SHAPE)))
    return results


def _results(report_graph: Any) -> list[Any]:
    import rdflib

    return list(report_graph.subjects(rdflib.RDF.type, rdflib.URIRef(SH + "ValidationResult")))


def _problem(
    result: Any, report_graph: Any, data: Any, shapes: Any, graph: LoadedGraph, search: list[Path], lang: str,
    known_iris: Callable[[], frozenset[Any]] | None = None,
) -> Problem:
    import rdflib

    def one(name: str) -> Any:
        return next(iter(report_graph.objects(result, rdflib.URIRef(SH + name))), None)

    focus, path, value, shape = one("focusNode"), one("resultPath"), one("value"), one("sourceShape")
    severity = str(one("resultSeverity") or SH + "Violation").replace(SH, "")
    messages = _templates(shapes, one("sourceConstraint"), shape) or list(
        report_graph.objects(result, rdflib.URIRef(SH + "resultMessage")))
    short = _shortener(graph.settings.base_iri)
    found = locate(str(focus), search) if isinstance(focus, rdflib.URIRef) else None
    if found is None and isinstance(value, rdflib.URIRef):
        found = locate(str(value), search)
    if found is not None and isinstance(value, rdflib.Literal) and isinstance(path, rdflib.URIRef):
        # the line of the offending value itself: the property and the value written on one line
        property_name = re.split(r"[/#]", str(path))[-1]
        found = locate_value(str(value), property_name, *found) or found
    label = _label(data, focus, lang)
    component = str(one("sourceConstraintComponent") or "")
    shown_value, in_message, hints, suggestions = _show(value, short), _show(value, short), [], []
    expected = shapes.value(shape, rdflib.URIRef(SH + "datatype")) if shape is not None else None
    if component == SH + "DatatypeConstraintComponent" and isinstance(value, rdflib.Literal) and expected is not None:
        # the value as written, with its datatype or language: "2017-07-07"^^xsd:dat and "2017-07-07" look alike
        shown_value = _turtle(value, short)
        in_message = _WORDS[lang]["expected"].format(found=shown_value, expected=short(expected))
        if (hint := literal_hint(str(value), str(expected))) is not None:
            hints.append(hint.message(lang))
            suggestions += [hint.suggestion] if hint.suggestion else []
    elif component == SH + "InConstraintComponent" and value is not None:
        suggestions = closest(_show(value, short) or "", [_show(v, short) or "" for v in _members(shapes, shape)])
    if (unknown := _unknown_iri(data, focus, value, graph.settings.base_iri)) is not None:
        known = known_iris() if known_iris is not None else _known_iris(data, graph.settings.base_iri)
        suggestions = list(_closest_known(known, unknown, graph.settings.base_iri))
    if suggestions and not hints:
        hints.append(_WORDS[lang]["did_you_mean"].format(names=or_list(suggestions, lang)))
    template = _pick(messages, lang) or _fallback_message(component, lang)
    message = _fill(template, focus=label or short(focus), value=in_message, path=_show(path, short))
    if in_message != shown_value and not re.search(r"\{[$?]value\}", template):
        hints.insert(0, _WORDS[lang]["found"].format(found=in_message))
    message = " ".join([message, *hints])
    return Problem(
        severity=severity,
        message=message,
        focus=str(focus),
        focus_label=label,
        path=_show(path, short),
        value=shown_value,
        shape=short(shape) if isinstance(shape, rdflib.URIRef) else None,
        file=shown(found[0]) if found else None,
        line=found[1] if found else None,
        suggestions=suggestions,
    )


_WORDS = {
    "nl": {"expected": "{found} — verwacht een {expected}", "found": "Gevonden: {found}.",
           "did_you_mean": "Bedoel je {names}?"},
    "en": {"expected": "{found} — expected an {expected}", "found": "Found: {found}.",
           "did_you_mean": "Did you mean {names}?"},
}


def _turtle(literal: Any, short: Any) -> str:
    """A literal as Turtle writes it: "2017"@nl, "2017-07-07"^^xsd:dat, or "2017" for a plain string."""
    text = '"' + str(literal).replace("\\", "\\\\").replace('"', '\\"') + '"'
    if literal.language:
        return f"{text}@{literal.language}"
    if literal.datatype is not None and str(literal.datatype) != _XSD_STRING:
        return f"{text}^^{short(literal.datatype)}"
    return text


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _members(shapes: Any, shape: Any) -> list[Any]:
    """The allowed values (sh:in) of a shape."""
    import rdflib
    from rdflib.collection import Collection

    head = shapes.value(shape, rdflib.URIRef(SH + "in")) if shape is not None else None
    return list(Collection(shapes, head)) if head is not None else []


def _unknown_iri(data: Any, focus: Any, value: Any, base_iri: str) -> Any:
    """The focus node or value when it is an entity IRI ({base}id/...) that nothing declares (no rdf:type)."""
    import rdflib

    for node in (focus, value):
        if isinstance(node, rdflib.URIRef) and str(node).startswith(base_iri + "id/") \
                and node not in _known_iris(data, base_iri):
            return node
    return None


_KNOWN: dict[int, tuple[Any, frozenset[Any]]] = {}


def _known_iris(data: Any, base_iri: str) -> frozenset[Any]:
    """The declared entity IRIs of the graph (with rdf:type or, for status periods, kg:statusValue), worked
    out once per validated graph."""
    import weakref

    import rdflib

    cached = _KNOWN.get(id(data))
    if cached is not None and cached[0]() is data:
        return cached[1]
    prefix = base_iri + "id/"
    status_value = rdflib.URIRef("https://w3id.org/kennisgraaf/def/statusValue")
    iris = frozenset(s for s in (*data.subjects(rdflib.RDF.type, None), *data.subjects(status_value, None))
                     if isinstance(s, rdflib.URIRef) and str(s).startswith(prefix))
    _KNOWN.clear()  # one graph at a time is validated
    _KNOWN[id(data)] = (weakref.ref(data), iris)
    return iris


@functools.lru_cache(maxsize=64)
def _closest_known(known: frozenset[Any], unknown: Any, base_iri: str) -> tuple[str, ...]:
    """The declared IRIs closest to an unknown one: of the same type (organisatie: for organisatie:...) first,
    of any type when the type itself may be misspelt. (Several results are often about one unknown IRI.)"""
    prefix, short = base_iri + "id/", _shortener(base_iri)
    kind = str(unknown)[len(prefix):].split("/", 1)[0]
    return tuple(closest(short(unknown), _names(known, base_iri, kind))
                 or closest(short(unknown), _names(known, base_iri, None)))


def _names(known: frozenset[Any], base_iri: str, kind: str | None) -> Names:
    """The declared IRIs of one kind (organisatie for organisatie:...), or of every kind, shortened and
    prepared for `closest`: once per validation, however many unknown IRIs it finds."""
    by_kind = _names_by_kind(known, base_iri)
    if kind is None:
        return Names.joined(by_kind.values())
    return by_kind.get(kind) or Names([])


@functools.lru_cache(maxsize=2)
def _names_by_kind(known: frozenset[Any], base_iri: str) -> dict[str, Names]:
    """The declared IRIs shortened, by kind. (Read in one pass over all of them by a regular expression: a
    loop in Python over a hundred thousand IRIs took a third of a second.)"""
    prefix, short = base_iri + "id/", _shortener(base_iri)
    iris = list(map(str, known))
    locals_by_kind: dict[str, list[str]] = {}
    joined = "\n".join(iris)
    pairs = re.findall(rf"^{re.escape(prefix)}([^/\n]*)/([\w-]+)$", joined, re.MULTILINE)
    if joined.count("\n") != max(len(iris) - 1, 0):  # an IRI with a line break (not valid, but possible in rdflib)
        pairs = []
    for kind, local in pairs:
        locals_by_kind.setdefault(kind, []).append(local)
    others: dict[str, list[str]] = {}  # shortened one by one
    if len(pairs) != len(iris):  # IRIs of another form
        matched = {f"{prefix}{kind}/{local}" for kind, local in pairs}
        for iri in iris:
            if iri not in matched:
                others.setdefault(iri[len(prefix):].split("/", 1)[0], []).append(short(iri))
    by_kind: dict[str, Names] = {}
    for kind in locals_by_kind.keys() | others.keys():
        local_names = locals_by_kind.get(kind, [])
        # every IRI of a kind has the same namespace: its prefixed name is that of any local name there
        probe = short(f"{prefix}{kind}/x")
        name = probe[:-1] if probe.endswith(":x") and ":" not in probe[:-2] else None
        if name is not None:
            parts = [Names.under_prefix(name, local_names)]
        else:
            parts = [Names(short(f"{prefix}{kind}/{local}") for local in local_names)]
        by_kind[kind] = Names.joined([*parts, Names(others.get(kind, []))])
    return by_kind


def _templates(shapes: Any, constraint: Any, shape: Any) -> list[Any]:
    """The shape's own sh:message in every language. pyshacl keeps only one language of a SPARQL
    constraint's message in its results, so the templates are read from the shapes and filled here."""
    import rdflib

    message = rdflib.URIRef(SH + "message")
    for node in (constraint, shape):
        if node is not None and (found := list(shapes.objects(node, message))):
            return found
    return []


def _pick(messages: list[Any], lang: str) -> str | None:
    for wanted in (lang, "nl", None):
        for message in messages:
            if getattr(message, "language", None) == wanted or wanted is None:
                return str(message)
    return None


def _fallback_message(component: Any, lang: str) -> str:
    name = str(component or "").rsplit("#", 1)[-1].replace("ConstraintComponent", "")
    if lang == "nl":
        return f"Voldoet niet aan de regel ({name})."
    return f"Does not meet the rule ({name})."


_PLACEHOLDER = re.compile(r"\{[$?](this|value|PATH|path)\}")


def _fill(message: str, focus: str, value: str | None, path: str | None) -> str:
    table = {"this": focus, "value": value or "", "path": path or "", "PATH": path or ""}
    return _PLACEHOLDER.sub(lambda m: table[m.group(1)], message)


def _label(data: Any, node: Any, lang: str) -> str | None:
    import rdflib

    labels = list(data.objects(node, rdflib.URIRef(RDFS_LABEL))) if node is not None else []
    for wanted in (lang, "nl"):
        for label in labels:
            if getattr(label, "language", None) == wanted:
                return str(label)
    return str(labels[0]) if labels else None


_LOCAL_NAME = re.compile(r"[\w-]+")


def _shortener(base_iri: str) -> Any:
    table = sorted(prefixes(base_iri).items(), key=lambda item: -len(item[1]))
    by_namespace = {namespace: name for name, namespace in reversed(table)}

    def short(term: Any) -> str:
        text = str(term)
        # the local part has no / or #, so the namespace can only be all up to the last of them: looked up
        # first (a did-you-mean shortens every IRI of a large graph)
        cut = max(text.rfind("/"), text.rfind("#")) + 1
        name = by_namespace.get(text[:cut]) if cut else None
        if name is not None and _LOCAL_NAME.fullmatch(text[cut:] or "-"):
            return f"{name}:{text[cut:]}"
        for name, namespace in table:
            if text.startswith(namespace) and _LOCAL_NAME.fullmatch(text[len(namespace):] or "-"):
                return f"{name}:{text[len(namespace):]}"
        return f"<{text}>" if text.startswith(("http", "urn")) else text

    return short


def _show(term: Any, short: Any) -> str | None:
    import rdflib

    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return short(term)
    if isinstance(term, rdflib.Literal):
        return str(term)
    return "(" + type(term).__name__ + ")"


def _drop(report_graph: Any, node: Any) -> None:
    """Remove a result from the report: the link to it and everything it holds (blank nodes included)."""
    import rdflib

    report_graph.remove((None, None, node))
    for _, _, value in list(report_graph.triples((node, None, None))):
        report_graph.remove((node, None, value))
        if isinstance(value, rdflib.BNode) and not any(report_graph.triples((None, None, value))):
            _drop(report_graph, value)


def _set_message(report_graph: Any, result: Any, message: str, lang: str) -> None:
    """The report's message is the one we show: placeholders filled, in the asked language."""
    import rdflib

    report_graph.set((result, rdflib.URIRef(SH + "resultMessage"), rdflib.Literal(message, lang=lang)))


def _set_conforms(report_graph: Any, conforms: bool) -> None:
    import rdflib

    conforms_iri = rdflib.URIRef(SH + "conforms")
    for report in list(report_graph.subjects(conforms_iri, None)):
        report_graph.set((report, conforms_iri, rdflib.Literal(conforms)))


# ------------------------------------------------------------------ output


def format_report(report: ValidationReport, fmt: str = "text") -> str:
    """The report as `text` (file:line: severity: message, then details), `json`, or `turtle`
    (the standard sh:ValidationReport)."""
    if fmt == "json":
        return json.dumps(
            {
                "conforms": report.conforms,
                "violations": len(report.violations),
                "warnings": len(report.warnings),
                "problems": [asdict(p) for p in report.problems],
            },
            ensure_ascii=False,
            indent=2,
        )
    if fmt == "turtle":
        return str(report.report_graph.serialize(format="turtle"))
    return _text(report)


def _text(report: ValidationReport) -> str:
    words, fields = SEVERITY_WORDS[report.lang], _FIELD_WORDS[report.lang]
    lines = []
    for problem in report.problems:
        lines.append(f"{problem.location}: {words.get(problem.severity, problem.severity)}: {problem.message}")
        focus = f"{problem.focus_label} <{problem.focus}>" if problem.focus_label else f"<{problem.focus}>"
        lines.append(f"    {fields['focus']}: {focus}")
        if problem.path:
            lines.append(f"    {fields['path']}: {problem.path}")
        if problem.value:
            lines.append(f"    {fields['value']}: {problem.value}")
        if problem.shape:
            lines.append(f"    {fields['shape']}: {problem.shape}")
    lines.append(_summary(report))
    return "\n".join(lines)


def _summary(report: ValidationReport) -> str:
    v, w = len(report.violations), len(report.warnings)
    if report.lang == "nl":
        verdict = "voldoet aan alle regels" if report.conforms else "voldoet NIET aan de regels"
        return f"De graaf {verdict}: {v} fout(en), {w} waarschuwing(en)."
    verdict = "conforms" if report.conforms else "does NOT conform"
    return f"The graph {verdict}: {v} violation(s), {w} warning(s)."
