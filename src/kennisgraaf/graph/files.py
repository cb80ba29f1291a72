"""Reading the project's RDF files: finding them, parsing them with Oxigraph, and saying exactly what is wrong.

Inputs are untrusted. Only Turtle, TriG, N-Triples and N-Quads are read: formats that cannot fetch anything
from the network (JSON-LD can load remote contexts; RDF/XML parsers can be made to hang). Nothing here resolves
owl:imports or follows a URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..config import Settings
from ..errors import InputError
from ..namespaces import graph_iri

__all__ = ["RDF_FORMATS", "SourceFile", "check_graphs_written_once", "data_files", "discover", "graph_openings",
           "load_files", "locate", "locate_text", "locate_value", "read_shape_quads", "shown", "written_iris"]

RDF_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
}
_IGNORED_SUFFIXES = {".md", ".txt", ".tsv"}  # documentation next to the data
_REFUSED = {
    ".jsonld": "JSON-LD can make a reader fetch remote @context documents",
    ".json": "JSON-LD can make a reader fetch remote @context documents",
    ".rdf": "RDF/XML readers can be made to hang by a small crafted file",
    ".xml": "RDF/XML readers can be made to hang by a small crafted file",
    ".owl": "RDF/XML readers can be made to hang by a small crafted file",
    ".n3": "N3 rules are not data",
}


@dataclass(frozen=True)
class SourceFile:
    """One RDF file of the project. `role` is "ontology", "data" or "shapes"."""

    path: Path
    role: str

    @property
    def format(self) -> ox.RdfFormat:
        return RDF_FORMATS[self.path.suffix.lower()]

    def display(self, root: Path | None = None) -> str:
        """The path as a user wrote it: relative to the project when inside it."""
        if root is not None:
            try:
                return str(self.path.relative_to(root))
            except ValueError:
                pass
        return str(self.path)


def _rdf_files_in(folder: Path, role: str, skip: Iterable[Path] = ()) -> list[SourceFile]:
    skip = tuple(skip)
    files = []
    for path in sorted(folder.rglob("*")):
        if path.is_dir() or any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if any(path.is_relative_to(skipped) for skipped in skip):
            continue
        files.append(_classify(path, role))
    return [f for f in files if f is not None]


def _classify(path: Path, role: str) -> SourceFile | None:
    suffix = path.suffix.lower()
    if suffix in RDF_FORMATS:
        return SourceFile(path.resolve(), role)
    if suffix in _IGNORED_SUFFIXES or path.name.lower().startswith(("readme", "license")):
        return None
    reason = _REFUSED.get(suffix, "it is not one of the accepted formats")
    raise InputError(
        f"{path}: kennisgraaf does not read this file, because {reason}. Files in {role}/ must be Turtle (.ttl), "
        f"TriG (.trig), N-Triples (.nt) or N-Quads (.nq). Convert the file to Turtle or TriG, or move it out of "
        f"the folder.",
        f"{path}: kennisgraaf leest dit bestand niet: alleen Turtle (.ttl), TriG (.trig), N-Triples (.nt) en "
        f"N-Quads (.nq) worden gelezen. Zet het bestand om naar Turtle of TriG, of haal het uit de map.",
        file=shown(path),
    )


def discover(settings: Settings, role: str) -> list[SourceFile]:
    """The RDF files of one folder of the project ("ontology", "data" or "shapes"), sorted by path."""
    folder = settings.path(f"{role}_dir")
    if not folder.is_dir():
        raise InputError(
            f"The {role} folder {folder} does not exist. Create it, or point the setting {role}_dir at the "
            f"right folder (see `kennisgraaf config`).",
            f"De map {folder} ({role}) bestaat niet. Maak haar aan of wijs de instelling {role}_dir naar de "
            f"juiste map (zie `kennisgraaf config`).",
        )
    # data/sources/ holds texts; the inbox of the web form (entries_dir) holds entries not yet added
    skip = (settings.path("sources_dir"), settings.path("entries_dir")) if role == "data" else ()
    files = _rdf_files_in(folder, role, skip)
    if not files:
        raise InputError(
            f"The {role} folder {folder} holds no RDF files (.ttl, .trig, .nt, .nq). Add the {role} there, or "
            f"point the setting {role}_dir at the folder that has it.",
            f"De map {folder} ({role}) bevat geen RDF-bestanden (.ttl, .trig, .nt, .nq). Zet de gegevens "
            f"daar neer, of wijs de instelling {role}_dir naar de juiste map.",
        )
    return files


def data_files(settings: Settings, extra: Iterable[Path | str] = (),
               without: Iterable[Path | str] = ()) -> list[SourceFile]:
    """The ontology and data files of the project, plus `extra` files (new or changed entries) not among them,
    minus the data files `without` (those a changed copy among `extra` takes the place of)."""
    left_out = {Path(p).resolve() for p in without}
    files = [f for f in discover(settings, "ontology") + discover(settings, "data") if f.path not in left_out]
    known = {f.path for f in files}
    for path in extra:
        resolved = Path(path).resolve()
        if not resolved.exists():
            raise InputError(f"{path}: no such file.", f"{path}: dit bestand bestaat niet.", file=str(path))
        if resolved.is_dir():
            extra_files = _rdf_files_in(resolved, "data")
            if not extra_files:
                raise InputError(f"{path}: this folder holds no RDF files (.ttl, .trig, .nt, .nq).",
                                 f"{path}: deze map bevat geen RDF-bestanden (.ttl, .trig, .nt, .nq).", file=str(path))
        else:
            classified = _classify(resolved, "data")
            if classified is None:
                raise InputError(f"{path}: this is not an RDF file (.ttl, .trig, .nt, .nq).",
                                 f"{path}: dit is geen RDF-bestand (.ttl, .trig, .nt, .nq).", file=str(path))
            extra_files = [classified]
        for f in extra_files:
            if f.path not in known:
                files.append(f)
                known.add(f.path)
    return files


def _check_text(source: SourceFile, content: bytes) -> None:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as e:
        line = content[: e.start].count(b"\n") + 1
        raise InputError(
            f"{shown(source.path)}:{line}: the file is not UTF-8 text (byte {content[e.start]:#04x} at position "
            f"{e.start}). Save it as UTF-8 in your editor (Turtle and TriG files must be UTF-8) and try again.",
            f"{shown(source.path)}:{line}: het bestand is geen UTF-8-tekst (byte {content[e.start]:#04x} op positie "
            f"{e.start}). Sla het in je editor op als UTF-8 en probeer het opnieuw.",
            file=shown(source.path), line=line,
        ) from None
    if not _holds_quads(source, content):
        raise InputError(
            f"{shown(source.path)}: the file is empty: it holds no triples. Add the data, or remove the file.",
            f"{shown(source.path)}: het bestand is leeg: er staan geen gegevens in. Vul het aan of verwijder het.",
            file=shown(source.path),
        )


def _holds_quads(source: SourceFile, content: bytes) -> bool:
    """Whether the parser finds at least one triple or quad: it stops at the first, so this costs little."""
    try:
        return next(iter(ox.parse(content, source.format)), None) is not None
    except SyntaxError as e:
        raise _syntax_error(source, e) from None


def _syntax_error(source: SourceFile, error: SyntaxError) -> InputError:
    line = error.lineno or 0
    detail = str(error.msg) if error.msg else str(error)
    detail = re.sub(r"^Parser error (at|between) [^:]*: ", "", detail)
    kind = {".ttl": "Turtle", ".trig": "TriG", ".nt": "N-Triples", ".nq": "N-Quads"}[source.path.suffix.lower()]
    hint_en, hint_nl = _trig_hint(source, line) if kind in ("Turtle", "N-Triples") else (None, None)
    if hint_en is None or hint_nl is None:
        hint_en, hint_nl = _syntax_hint(detail)
    return InputError(
        f"{shown(source.path)}:{line}: {kind} syntax error: {detail}. {hint_en} Nothing was built or changed.",
        f"{shown(source.path)}:{line}: fout in de {kind}-syntaxis: {detail}. {hint_nl} Er is niets gebouwd of veranderd.",
        file=shown(source.path), line=line or None,
    )


def _trig_hint(source: SourceFile, line: int) -> tuple[str | None, str | None]:
    """A hint for named graphs (`<graph> { ... }`) in a file whose extension says triples only."""
    try:
        lines = source.path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None, None
    near = [_strip_strings_and_comment(re.sub(r"<[^<>\s]*>", "<>", text)) for text in lines[max(0, line - 2): line]]
    if not any("{" in text or re.match(r"\s*GRAPH\b", text, re.IGNORECASE) for text in near):
        return None, None
    suffix = source.path.suffix
    return ((f"This looks like TriG (a named graph in braces), which a {suffix} file cannot hold: rename the file "
            f"to {source.path.stem}.trig."),
            (f"Dit lijkt TriG (een benoemde graaf tussen accolades), en dat kan niet in een {suffix}-bestand: "
            f"hernoem het bestand naar {source.path.stem}.trig."))


def _syntax_hint(detail: str) -> tuple[str, str]:
    if "prefix" in detail.lower() and "declared" in detail.lower():
        return (("Declare the prefix at the top of the file (e.g. `@prefix org: <http://www.w3.org/ns/org#> .`) "
                "or correct its spelling."),
                ("Declareer het prefix bovenaan het bestand (bijv. `@prefix org: <http://www.w3.org/ns/org#> .`) "
                "of verbeter de spelling."))
    return ("Check this line and the one before it: a missing '.', ';' or closing quote is the usual cause.",
            ("Controleer deze regel en de regel ervoor: meestal ontbreekt een '.', ';' of afsluitend "
            "aanhalingsteken."))


def _target_graph(source: SourceFile, settings: Settings) -> ox.NamedNode | None:
    """Ontology files are triples; each goes into its own named graph so data can be told apart from them."""
    if source.role == "ontology" and source.format in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
        return ox.NamedNode(graph_iri(settings.base_iri, "ontologie", source.path.stem))
    return None


def load_files(store: ox.Store, files: Iterable[SourceFile], settings: Settings, bulk: bool = False,
               progress: callable | None = None) -> None:  # type: ignore[valid-type]
    """Parse each file with Oxigraph straight into `store`. `bulk` uses the on-disk bulk loader.

    Raises InputError, naming file and line, for a file that cannot be read."""
    files = list(files)
    for number, source in enumerate(files, 1):
        if progress is not None:
            progress(f"reading {number}/{len(files)} {source.path.name}")
        try:
            content = source.path.read_bytes()
        except OSError as e:
            raise InputError(f"{shown(source.path)}: cannot be read ({e.strerror}).",
                             f"{shown(source.path)}: kan niet gelezen worden ({e.strerror}).",
                             file=shown(source.path)) from None
        _check_text(source, content)
        target = _target_graph(source, settings)
        try:
            if bulk:
                store.bulk_load(content, source.format, to_graph=target)
            else:
                store.load(content, source.format, to_graph=target)
        except SyntaxError as e:
            raise _syntax_error(source, e) from None


def read_shape_quads(settings: Settings) -> list[ox.Quad]:
    """All quads of the shapes folder, parsed by Oxigraph."""
    quads: list[ox.Quad] = []
    for source in discover(settings, "shapes"):
        content = source.path.read_bytes()
        _check_text(source, content)
        try:
            quads.extend(ox.parse(content, source.format))
        except SyntaxError as e:
            raise _syntax_error(source, e) from None
    return quads


# ------------------------------------------------------------------ where is a node written?

_PREFIX_DECL = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_TOKEN = re.compile(r"<([^<>\s]*)>|(?<![\w:])([A-Za-z][\w.-]*)?:((?:[\w-]|%[0-9A-Fa-f]{2}|\\.)*)")


def _iris_by_line(text: str) -> Iterable[tuple[int, bool, str]]:
    """(line number, is the first token of the line, IRI) for each IRI written in a Turtle/TriG text."""
    namespaces: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        declaration = _PREFIX_DECL.match(line)
        if declaration:
            namespaces[declaration.group(1) or ""] = declaration.group(2)
            continue
        code = _strip_strings_and_comment(line)
        first = True
        for match in _TOKEN.finditer(code):
            if match.group(1) is not None:
                iri = match.group(1)
            else:
                namespace = namespaces.get(match.group(2) or "")
                if namespace is None:
                    continue
                iri = namespace + match.group(3).replace("\\", "")
            yield number, first and not code[: match.start()].strip(), iri
            first = False


def check_graphs_written_once(files: Iterable[SourceFile]) -> None:
    """InputError when a named graph (a claim) is opened in more than one place of the data files: the parts
    would silently merge into one claim, with the quotes and facts of both."""
    seen: dict[str, tuple[Path, int]] = {}
    for source in files:
        if source.role != "data" or source.path.suffix.lower() != ".trig":
            continue
        for number, iri in _graph_openings(_read_text(source.path)):
            if iri in seen:
                first, line = seen[iri]
                raise InputError(
                    f"{shown(source.path)}:{number}: the graph <{iri}> was already written at {shown(first)}:{line}. "
                    f"Each claim is one named graph, written once; the two parts would silently become one claim. "
                    f"Give the new claim a name of its own, or add its facts to the existing one. Nothing was "
                    f"built or changed.",
                    f"{shown(source.path)}:{number}: de graaf <{iri}> staat al in {shown(first)}:{line}. Elke "
                    f"bewering is één benoemde graaf die één keer wordt geschreven; de twee delen zouden stilletjes "
                    f"één bewering worden. Geef de nieuwe bewering een eigen naam, of zet de feiten bij de bestaande. "
                    f"Er is niets gebouwd of veranderd.",
                    file=shown(source.path), line=number,
                )
            seen[iri] = (source.path, number)


def graph_openings(path: Path) -> list[tuple[int, str]]:
    """(line number, graph IRI) for each graph block (a claim) opened in a TriG file, in the order written."""
    return list(_graph_openings(_read_text(path)))


_GRAPH_OPENING = re.compile(r"\s*(?:GRAPH\s+)?(?:<([^>]*)>|([A-Za-z][\w.-]*)?:([\w.%-]*))\s*\{", re.IGNORECASE)


def _graph_openings(text: str) -> Iterable[tuple[int, str]]:
    """(line number, graph IRI) for each line that opens a graph block (`name {` or `GRAPH name {`). Only
    lines with a brace are looked at closely: this runs over every data file on every load."""
    namespaces: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if "{" not in line:
            if line.lstrip()[:7].lower() in ("@prefix", "prefix "):
                declaration = _PREFIX_DECL.match(line)
                if declaration:
                    namespaces[declaration.group(1) or ""] = declaration.group(2)
            continue
        opening = _GRAPH_OPENING.match(_strip_strings_and_comment(line))
        if opening is None:
            continue
        if opening.group(1) is not None:
            yield number, opening.group(1)
        elif (namespace := namespaces.get(opening.group(2) or "")) is not None:
            yield number, namespace + opening.group(3)


def _strip_strings_and_comment(line: str) -> str:
    line = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', lambda m: " " * len(m.group(0)), line)
    return line.split("#", 1)[0] if "#" in line else line


def locate(iri: str, paths: Iterable[Path]) -> tuple[Path, int] | None:
    """The file and line where `iri` is written as a subject (first token of a line), or else anywhere;
    searched in `paths` in order. None when it is written in none of them."""
    fallback: tuple[Path, int] | None = None
    for path in paths:
        if path.suffix.lower() not in RDF_FORMATS:
            continue
        for number, at_start, found in _iris_by_line(_read_text(path)):
            if found == iri:
                if at_start:
                    return path, number
                if fallback is None:
                    fallback = (path, number)
    return fallback


def written_iris(paths: Iterable[Path]) -> set[str]:
    """Every IRI written in these files, as `locate` finds them: what a problem can be placed at."""
    return {iri for path in paths if path.suffix.lower() in RDF_FORMATS
            for _, _, iri in _iris_by_line(_read_text(path))}


def locate_text(fragment: str, paths: Iterable[Path]) -> tuple[Path, int] | None:
    """The first file and line containing `fragment` literally, outside comment lines."""
    for path in paths:
        for number, line in enumerate(_read_text(path).splitlines(), 1):
            if fragment in line and not line.lstrip().startswith("#"):
                return path, number
    return None


def shown(path: Path) -> str:
    """A path as messages show it: relative to the working folder when inside it, so `file:line` can be
    clicked or typed back; absolute otherwise."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def locate_value(text: str, property_name: str, path: Path, after: int, within: int = 40) -> tuple[Path, int] | None:
    """The line, from line `after` on (the subject's) and at most `within` lines further, where a literal
    with this text is written after the property `property_name`; None when it is not found there. (A
    quote's text runs on, so only its first 60 characters are looked for.)"""
    if not text:
        return None
    needle = text if len(text) <= 60 else text[:60]
    lines = _read_text(path).splitlines()
    for number in range(after, min(len(lines), after + within) + 1):
        code = lines[number - 1].split(" #", 1)[0]
        at = code.find(property_name)
        if at >= 0 and needle in code[at:] and not code.lstrip().startswith("#"):
            return path, number
    return None


_TEXT_CACHE: dict[tuple[Path, float], str] = {}


def _read_text(path: Path) -> str:
    key = (path, path.stat().st_mtime)
    if key not in _TEXT_CACHE:
        _TEXT_CACHE[key] = path.read_text(encoding="utf-8", errors="replace")
    return _TEXT_CACHE[key]
