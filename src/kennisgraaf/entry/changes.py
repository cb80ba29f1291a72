"""Entries as a change of the graph: which data file a changed copy takes the place of, and validating the
entries in the context of the graph — with two checks of their own, on what `new` leaves and on what a
policy officer types: placeholders left in, and properties that exist nowhere in the model or the graph.

A copy of a data file, edited outside data/, holds the same claims (named graphs) as the original: read next
to it, every claim would be written twice. So the copy is validated *in place of* its original: given with
`--replaces data/x.trig`, or recognised when its claim names are exactly those of one data file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from ..config import Settings
from ..errors import InputError
from ..graph.files import RDF_FORMATS, SourceFile, data_files, discover, graph_openings, locate, read_shape_quads, shown
from ..graph.hints import closest, or_list
from ..graph.loading import LoadedGraph, load
from ..namespaces import SH, prefixes, short_name
from ..store.entries import built_for
from ..validation.incremental import Built, NotIncremental, validate_against_build
from ..validation.validator import Problem, ValidationReport, validate_graph
from .templates import PLACEHOLDERS

__all__ = ["Change", "plan_change", "validate", "validate_change", "validate_entries"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_PROPERTY_KINDS = ("http://www.w3.org/2002/07/owl#ObjectProperty", "http://www.w3.org/2002/07/owl#DatatypeProperty",
                   "http://www.w3.org/2002/07/owl#AnnotationProperty", "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property")


@dataclass
class Change:
    """New or changed entries, and the data files they take the place of."""

    files: list[Path]
    replaces: dict[Path, Path] = field(default_factory=dict)  # entry -> the data file it takes the place of
    recognised: set[Path] = field(default_factory=set)  # entries whose original was found by their claims

    @property
    def replaced(self) -> list[Path]:
        return list(self.replaces.values())

    def notes(self, lang: str) -> list[str]:
        """One sentence per entry recognised as a changed copy, saying so."""
        found = []
        for entry in sorted(self.recognised):
            original = shown(self.replaces[entry])
            found.append(
                f"{shown(entry)} bevat dezelfde beweringen als {original}: het is gecontroleerd als een gewijzigde "
                f"versie van dat bestand, op zijn plaats (zo ook met --replaces {original})."
                if lang == "nl" else
                f"{shown(entry)} holds the same claims as {original}: it was checked as a changed version of that "
                f"file, in its place (as with --replaces {original}).")
        return found


def plan_change(settings: Settings, files: Iterable[Path | str], replaces: Path | str | None = None) -> Change:
    """The change the entries make: with `replaces`, the one entry takes the place of that data file; without,
    an entry whose claims are exactly those of one data file takes its place. Raises InputError, naming the
    line, for an entry that shares some claims with a data file without replacing it."""
    entries = [Path(f).resolve() for f in files]
    for entry, given in zip(entries, files, strict=True):
        if not entry.exists():
            raise InputError(f"{given}: no such file.", f"{given}: dit bestand bestaat niet.", file=str(given))
    data = [f.path for f in discover(settings, "data")]
    change = Change(entries)
    if replaces is not None:
        original = Path(replaces).resolve()
        if len(entries) != 1:
            raise InputError("--replaces goes with one file: the changed copy of that data file.",
                             "--replaces hoort bij één bestand: de gewijzigde kopie van dat gegevensbestand.")
        if original not in data:
            raise InputError(
                f"--replaces {replaces}: this is not a file of the data folder ({shown(settings.path('data_dir'))}). "
                f"Give the data file the changed copy takes the place of, e.g. --replaces "
                f"{shown(data[0]) if data else 'data/x.trig'}.",
                f"--replaces {replaces}: dit is geen bestand uit de map met gegevens "
                f"({shown(settings.path('data_dir'))}). Geef het gegevensbestand waarvan dit de gewijzigde kopie is.",
                file=str(replaces))
        if entries[0] == original:
            raise InputError(f"{shown(original)} cannot replace itself: give the changed copy and, with --replaces, "
                             f"the data file it takes the place of.",
                             f"{shown(original)} kan zichzelf niet vervangen: geef de gewijzigde kopie en, met "
                             f"--replaces, het gegevensbestand waarvan het de plaats inneemt.")
        change.replaces[entries[0]] = original
        return change
    written_by = {entry: _claims(entry) for entry in entries
                  if entry not in data and not entry.is_dir() and entry.suffix.lower() == ".trig"}
    names = {iri for written in written_by.values() for iri in written}
    claims = {path: _claims(path) for path in data if path.suffix.lower() == ".trig" and _may_name(path, names)}
    for entry, written in written_by.items():
        if not written:
            continue
        same = [path for path, names in claims.items() if set(names) == set(written)]
        if len(same) == 1:
            if same[0] in change.replaces.values():
                raise InputError(f"{shown(entry)}: two of the given files are copies of {shown(same[0])}; give one.",
                                 f"{shown(entry)}: twee van de gegeven bestanden zijn kopieën van "
                                 f"{shown(same[0])}; geef er één.")
            change.replaces[entry] = same[0]
            change.recognised.add(entry)
            continue
        sharing = [path for path, names in claims.items() if set(names) & set(written)]
        if len(sharing) == 1:
            raise _shares_claims(entry, written, sharing[0], claims[sharing[0]])
    return change


def _may_name(path: Path, iris: set[str]) -> bool:
    """Whether the file can name one of `iris`: it holds the local name of one (as <IRI> or prefix:name), or
    one has a local name that could be written with escapes. Reading a large data file's claims takes
    seconds; this takes milliseconds."""
    text = path.read_bytes()
    for iri in iris:
        local = re.split(r"[/#]", iri)[-1]
        if not re.fullmatch(r"[A-Za-z0-9_-]+", local) or local.encode() in text:
            return True
    return False


def _claims(path: Path) -> dict[str, int]:
    """The names of the graphs (claims) a TriG file opens, with the line of each."""
    found: dict[str, int] = {}
    for line, iri in graph_openings(path):
        found.setdefault(iri, line)
    return found


def _shares_claims(entry: Path, written: dict[str, int], original: Path, there: dict[str, int]) -> InputError:
    iri = next(iri for iri in written if iri in there)
    where, also = f"{shown(entry)}:{written[iri]}", f"{shown(original)}:{there[iri]}"
    return InputError(
        f"{where}: the claim <{iri}> is also written in {also}. If {shown(entry)} is a changed copy of "
        f"{shown(original)}, give --replaces {shown(original)}: it is then checked in place of that file. If it "
        f"is a new claim, give it a name of its own. Nothing was built or changed.",
        f"{where}: de bewering <{iri}> staat ook in {also}. Is {shown(entry)} een gewijzigde kopie van "
        f"{shown(original)}, geef dan --replaces {shown(original)}: dan wordt het op de plaats van dat bestand "
        f"gecontroleerd. Is het een nieuwe bewering, geef haar dan een eigen naam. Er is niets gebouwd of veranderd.",
        file=shown(entry), line=written[iri])


def validate(settings: Settings | None = None, files: Iterable[Path | str] = (), lang: str | None = None
             ) -> ValidationReport:
    """Validate the project's graph; with `files`, those new or changed entries as `kennisgraaf validate FILE`
    does (against the current build when it fits), reporting only the problems written in them.

    >>> validate().conforms
    True
    """
    settings = settings or Settings.load()
    files = list(files)
    if files:
        return validate_entries(settings, files, lang=lang)[1]
    from ..validation.validator import validate as validate_in_full

    return validate_in_full(settings, lang=lang)


def validate_entries(settings: Settings, files: Iterable[Path | str], replaces: Path | str | None = None,
                     lang: str | None = None) -> tuple[Change, ValidationReport]:
    """Validate new or changed entries in the context of the graph; a changed copy of a data file in place of
    it. Reports only the problems written in the entries.

    >>> change, report = validate_entries(Settings.load(), ["tests/fixtures/good-membership.trig"])
    >>> report.conforms
    True
    """
    change = plan_change(settings, files, replaces)
    return change, validate_change(settings, change, lang or settings.language)


def validate_change(settings: Settings, change: Change, lang: str, incremental: bool = True) -> ValidationReport:
    """The problems of the change: against the current build when it is the project as it is (apart from the
    entries) and nothing is replaced, else with the whole graph loaded; the same problems either way."""
    why = None
    if change.replaces:
        why = "a changed copy of a data file is checked in place of it, with the whole graph"
    elif incremental:
        try:
            built = built_for(settings, change.files)
            report = validate_against_build(settings, change.files, built, lang)
            return _with_entry_checks(report, settings, lang, _BuiltModel(built, _entry_files(settings, change)))
        except NotIncremental as reason:
            why = str(reason)
    graph = load(settings, change.files, without=change.replaced)
    report = validate_graph(graph, lang=lang, only_files=True)
    report.why_full = why
    return _with_entry_checks(report, settings, lang, _LoadedModel(graph, change.replaced))


def _with_entry_checks(report: ValidationReport, settings: Settings, lang: str, model: _Model) -> ValidationReport:
    """The report with the entries' own checks: placeholders left (instead of the rules they break) and
    properties nobody knows."""
    left = _placeholders(model.entry_files, settings.base_iri, lang)
    kept = [p for p in report.problems if not (left and _about_a_placeholder(p))]
    extra = left + _unknown_properties(model, settings, lang)
    problems = sorted(kept + extra, key=lambda p: (p.file or "~", p.line or 0, p.severity != "Violation",
                                                   p.message, p.value or ""))
    if report.report_graph is not None:
        _update_report_graph(report.report_graph, kept, extra, lang)
    return ValidationReport(problems, lang, report.seconds, report.report_graph, method=report.method,
                            why_full=report.why_full)


def _entry_files(settings: Settings, change: Change) -> list[SourceFile]:
    """The files of the entries as the loader reads them (a folder given: the data files in it)."""
    return [f for f in data_files(settings, change.files)
            if any(f.path == e or f.path.is_relative_to(e) for e in change.files)]


def _about_a_placeholder(problem: Problem) -> bool:
    """A rule broken only because a placeholder is still there (the placeholder is reported instead)."""
    return bool(PLACEHOLDERS.search(problem.focus) or PLACEHOLDERS.search(problem.value or ""))


# ------------------------------------------------------------------ placeholders left


_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_NAME = re.compile(r"<([^<>\s]*)>|([A-Za-z][\w.-]*)?:((?:[\w-])*)")


def _placeholders(paths: Iterable[Path], base_iri: str, lang: str) -> list[Problem]:
    """A problem for each placeholder of `kennisgraaf new` still in the files, outside comments."""
    problems = []
    for path in paths:
        if path.suffix.lower() not in RDF_FORMATS:
            continue
        namespaces = dict(prefixes(base_iri))
        subject, statement_open = None, False
        for number, line in enumerate(path.read_text("utf-8", errors="replace").splitlines(), 1):
            if declared := _PREFIX.match(line):
                namespaces[declared.group(1) or ""] = declared.group(2)
                continue
            code = _code(line)
            if not code.strip():
                continue
            first = _NAME.match(code.strip())
            if first and not statement_open:
                subject = _expand(first, namespaces)
            tokens = dict.fromkeys(_token_at(code, m.start(), m.end()) for m in PLACEHOLDERS.finditer(code))
            for token in tokens:
                property_name = _property_on(code, token)
                problems.append(_placeholder_problem(path, number, token, subject or token, property_name, lang,
                                                     base_iri))
            stripped = code.rstrip()
            statement_open = not stripped.endswith((".", "{", "}"))
    return problems


def _code(line: str) -> str:
    """The line without its comment ('#' outside strings and IRIs)."""
    in_string, in_iri = None, False
    for index, character in enumerate(line):
        if in_string:
            if character == "\\":
                continue
            if character == in_string and line[index - 1] != "\\":
                in_string = None
        elif in_iri:
            in_iri = character != ">"
        elif character in "\"'":
            in_string = character
        elif character == "<":
            in_iri = True
        elif character == "#":
            return line[:index]
    return line


def _token_at(code: str, start: int, end: int) -> str:
    """The whole term a placeholder is part of: organisatie:INVULLEN, "INVULLEN"@nl, ..."""
    left = start
    while left > 0 and not code[left - 1].isspace() and code[left - 1] not in ",;{":
        left -= 1
    right = end
    while right < len(code) and not code[right].isspace() and code[right] not in ",;":
        right += 1
    return code[left:right]


def _property_on(code: str, token: str) -> str | None:
    """The property a value on this line is written after (the last prefixed name before it)."""
    before = code[: code.find(token)].split()
    candidates = [word for word in before if ":" in word and not word.startswith(('"', "<"))]
    return candidates[-1] if candidates else None


def _expand(match: re.Match[str], namespaces: dict[str, str]) -> str | None:
    if match.group(1) is not None:
        return match.group(1)
    namespace = namespaces.get(match.group(2) or "")
    return namespace + match.group(3) if namespace is not None else None


def _placeholder_problem(path: Path, line: int, token: str, subject: str, property_name: str | None, lang: str,
                         base_iri: str) -> Problem:
    where = f" ({property_name})" if property_name else ""
    message = (
        f"Hier staat nog {token}{where}, een plek om in te vullen uit `kennisgraaf new`. Vervang het door de "
        f"waarde uit de bron (het commentaar erboven zegt wat er mag), of haal de regel weg als de eigenschap "
        f"optioneel is en de bron er niets over zegt."
        if lang == "nl" else
        f"There is still {token}{where} here, a place to fill in from `kennisgraaf new`. Replace it by the value "
        f"from the source (the comment above it says what is allowed), or remove the line when the property is "
        f"optional and the source says nothing about it.")
    return Problem(severity="Violation", message=message, focus=subject, path=property_name, value=token,
                   shape="kgsh:PlaceholderLeft", file=shown(path), line=line)


# ------------------------------------------------------------------ properties nobody knows


def _predicates(paths: Iterable[Path]) -> set[ox.NamedNode]:
    """The properties used in data files (those changed copies take the place of: what they use is known)."""
    found: set[ox.NamedNode] = set()
    for path in paths:
        try:
            found |= {q.predicate for q in ox.parse(path.read_bytes(), RDF_FORMATS[path.suffix.lower()])}
        except (SyntaxError, OSError, KeyError):
            continue  # the original is not read in this validation; what it holds is not needed then
    return found


class _Model(Protocol):
    """What the graph the entries go into knows of properties (for the check of unknown ones)."""

    entry_files: list[Path]
    declared: set[ox.NamedNode]  # declared as a property (in the ontology), or used by a replaced original
    used: set[ox.NamedNode]  # used by anything in the graph

    def entry_quads(self) -> list[ox.Quad]: ...

    def used_beyond_entries(self, predicate: ox.NamedNode, in_entries: int) -> bool:
        """Whether anything other than the entries (`in_entries` quads of them) uses `predicate`."""
        ...


class _LoadedModel:
    """The whole graph, loaded with the entries (and without the data files they replace)."""

    def __init__(self, graph: LoadedGraph, replaced: Iterable[Path]) -> None:
        self.graph = graph
        self.entry_files = graph.extra_files
        self.declared = {q.subject for kind in _PROPERTY_KINDS
                         for q in graph.store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(kind))}
        self.declared |= _predicates(replaced)  # what the replaced originals use is known
        self.used = {q.predicate for q in graph.store}

    def entry_quads(self) -> list[ox.Quad]:
        quads: list[ox.Quad] = []
        for path in self.graph.extra_files:
            source = next((f for f in self.graph.files if f.path == path), None)
            if source is not None:
                try:
                    quads += list(ox.parse(path.read_bytes(), source.format))
                except (SyntaxError, OSError):
                    continue  # the loader has read it, so this does not happen; nothing to add then
        return quads

    def used_beyond_entries(self, predicate: ox.NamedNode, in_entries: int) -> bool:
        return len(list(self.graph.store.quads_for_pattern(None, predicate, None))) > in_entries


class _BuiltModel:
    """The current build (the entries not loaded into it; or, unchanged since, already in it)."""

    def __init__(self, built: Built, entries: list[SourceFile]) -> None:
        self.built, self.sources = built, entries
        self.entry_files = [f.path for f in entries]
        query = ("SELECT DISTINCT ?p WHERE { ?p a ?kind VALUES ?kind { "
                 + " ".join(f"<{kind}>" for kind in _PROPERTY_KINDS) + " } }")
        self.declared = {row["p"] for row in built.store.query(query)}  # type: ignore[union-attr]
        self.used = {ox.NamedNode(iri) for iri in built.properties}
        self._entry_quads = [q for f in entries for q in ox.parse(f.path.read_bytes(), f.format)]

    def entry_quads(self) -> list[ox.Quad]:
        return self._entry_quads

    def used_beyond_entries(self, predicate: ox.NamedNode, in_entries: int) -> bool:
        entries = self.entry_quads()
        claims = {q.graph_name for q in entries}
        own_default = {ox.Triple(q.subject, q.predicate, q.object) for q in entries
                       if isinstance(q.graph_name, ox.DefaultGraph)}
        if any(not isinstance(q.graph_name, ox.DefaultGraph) and q.graph_name not in claims
               for q in self.built.store.quads_for_pattern(None, predicate, None)):
            return True
        return any(t.predicate == predicate and t not in own_default for t in self.built.default_graph)


def _unknown_properties(model: _Model, settings: Settings, lang: str) -> list[Problem]:
    """A problem for each property used in the entries that the ontology does not declare, no shape speaks
    of and nothing else in the graph uses: nearly always a typo, as in kg:partij or org:memberr."""
    entry_quads = model.entry_quads()
    in_entries = Counter(q.predicate for q in entry_quads)
    in_shapes = {q.object for q in read_shape_quads(settings) if q.predicate == ox.NamedNode(SH + "path")
                 and isinstance(q.object, ox.NamedNode)}
    known = model.declared | in_shapes | {ox.NamedNode(RDF_TYPE)}
    used = model.used
    unknown = [p for p in in_entries if p not in known and not model.used_beyond_entries(p, in_entries[p])]
    short = lambda iri: short_name(iri, settings.base_iri)  # noqa: E731
    candidates = [short(p.value) for p in (known | used) - set(unknown) if isinstance(p, ox.NamedNode)]
    problems = []
    for predicate in unknown:
        name = short(predicate.value)
        suggestions = closest(name, candidates)
        found = locate(predicate.value, model.entry_files)
        subject = next(q.subject for q in entry_quads if q.predicate == predicate)
        if lang == "nl":
            message = (f"De eigenschap {name} bestaat niet in het model: de ontologie (ontology/) declareert haar "
                       f"niet, geen regel in shapes/ noemt haar en nergens anders in de graaf wordt ze gebruikt. "
                       + (f"Bedoel je {or_list(suggestions, lang)}? " if suggestions else "")
                       + "Is het echt een nieuwe eigenschap, declareer haar dan eerst in ontology/kennisgraaf.ttl.")
        else:
            message = (f"The property {name} does not exist in the model: the ontology (ontology/) does not declare "
                       f"it, no rule in shapes/ mentions it and nothing else in the graph uses it. "
                       + (f"Did you mean {or_list(suggestions, lang)}? " if suggestions else "")
                       + "If it really is a new property, declare it in ontology/kennisgraaf.ttl first.")
        problems.append(Problem(severity="Violation", message=message, focus=str(getattr(subject, "value", subject)),
                                path=name, value=name, shape="kgsh:KnownPropertyCheck",
                                file=shown(found[0]) if found else None, line=found[1] if found else None,
                                suggestions=suggestions))
    return problems


# ------------------------------------------------------------------ the sh:ValidationReport


def _update_report_graph(report_graph: Any, kept: list[Problem], extra: list[Problem], lang: str) -> None:
    """The standard report says what the text says: results about a placeholder out, the entries' own checks
    in, sh:conforms as it now is."""
    import rdflib

    sh = rdflib.Namespace(SH)
    messages = {p.message for p in kept}
    report = next(iter(report_graph.subjects(rdflib.RDF.type, sh.ValidationReport)))
    for result in list(report_graph.objects(report, sh.result)):
        if not {str(m) for m in report_graph.objects(result, sh.resultMessage)} & messages:
            _remove(report_graph, report, result)
    for problem in extra:
        result = rdflib.BNode()
        report_graph.add((report, sh.result, result))
        report_graph.add((result, rdflib.RDF.type, sh.ValidationResult))
        focus = problem.focus
        report_graph.add((result, sh.focusNode, rdflib.URIRef(focus) if re.match(r"https?://", focus)
                          else rdflib.Literal(focus)))
        report_graph.add((result, sh.resultSeverity, sh[problem.severity]))
        report_graph.add((result, sh.resultMessage, rdflib.Literal(problem.message, lang=lang)))
        report_graph.add((result, sh.sourceConstraintComponent,
                          rdflib.URIRef("https://w3id.org/kennisgraaf/def/shapes/" + (problem.shape or "x")[5:])))
        if problem.value:
            report_graph.add((result, sh.value, rdflib.Literal(problem.value)))
    conforms = not any(p.severity == "Violation" for p in kept + extra)
    report_graph.set((report, sh.conforms, rdflib.Literal(conforms)))


def _remove(report_graph: Any, report: Any, result: Any) -> None:
    import rdflib

    report_graph.remove((report, None, result))
    stack = [result]
    while stack:
        node = stack.pop()
        for _, _, value in list(report_graph.triples((node, None, None))):
            report_graph.remove((node, None, value))
            if isinstance(value, rdflib.BNode) and not any(report_graph.triples((None, None, value))):
                stack.append(value)
