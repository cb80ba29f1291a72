"""The source documents: their texts, checking quotes against them, and how much of them the claims cover.

Every claim quotes its source verbatim (`kg:quote`, from the document named by `prov:wasDerivedFrom`). This
module reads the documents described in `data/documenten.ttl`, finds quotes that are not in their document,
splits the in-scope part of each document into sentences and tells which sentences no quote covers. Sentences
that state no fact are listed in `data/sources/niet-feitelijk.tsv` and left out of the coverage figure.

All RDF access is through pyoxigraph terms; rdflib is deliberately not imported (it is slow to import).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import KennisgraafError

if TYPE_CHECKING:
    from ..config import Settings

__all__ = [
    "MIN_SHARED_RUN",
    "ClassifiedSentence",
    "Document",
    "DocumentCoverage",
    "DocumentsError",
    "MalformedLine",
    "NonFactual",
    "ProjectCoverage",
    "Quote",
    "coverage",
    "entries_without_document",
    "format_coverage",
    "misquoted",
    "normalise",
    "parse_non_factual",
    "project_coverage",
    "read_documents",
    "read_non_factual",
    "read_quotes",
    "split_sentences",
]

KG = "https://w3id.org/kennisgraaf/def/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SOURCE_DOCUMENT = ox.NamedNode(KG + "SourceDocument")
SOURCE_FILE = ox.NamedNode(KG + "sourceFile")
SCOPE_START = ox.NamedNode(KG + "scopeStart")
SCOPE_END = ox.NamedNode(KG + "scopeEnd")
QUOTE = ox.NamedNode(KG + "quote")
TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
WAS_DERIVED_FROM = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")

MIN_SHARED_RUN = 40
"""A quote covers a sentence when the two share a run of at least this many characters."""

HEADING_MAX_LENGTH = 80
BULLETS = "■•"
_SENTENCE_END = ".!?"
_CLOSERS = "\"'”’)"
_SENTENCE_OPENERS = "€\"'‘“"
_INITIALISM = re.compile(r"^\(?(?:[A-Z]\.)+$")  # L.S.V., A.L.S.V., J. — not a sentence end
_LINE_END_HYPHEN = re.compile(r"-[ \t]*\n[ \t]*")
_WHITESPACE = re.compile(r"\s+")


class DocumentsError(KennisgraafError):
    """A source document, its description or niet-feitelijk.tsv cannot be used as it is."""

    exit_code = 2


# ------------------------------------------------------------------ text


def normalise(text: str) -> str:
    """Join words hyphenated at a line end (`Zuid-⏎Holland` → `Zuid-Holland`), collapse whitespace, strip."""
    joined = _LINE_END_HYPHEN.sub("-", text)
    return _WHITESPACE.sub(" ", joined).strip()


# ------------------------------------------------------------------ documents


@dataclass(frozen=True)
class Document:
    """One source document: its IRI, slug, title, the file with its text, and the part of it in scope."""

    iri: str
    slug: str
    title: str
    path: Path
    text: str
    scope: str

    @property
    def sentences(self) -> list[str]:
        """The normalised sentences of the in-scope part, headings left out."""
        return split_sentences(self.scope)


def read_documents(quads: Iterable[ox.Quad], sources_dir: Path | str) -> list[Document]:
    """The documents typed `kg:SourceDocument` in `quads`, with their texts read from `sources_dir`.

    Sorted by source file name. Raises DocumentsError when a text is missing or its scope marks are not in it.
    """
    values = _values_by_subject(quads, (RDF_TYPE, SOURCE_FILE, SCOPE_START, SCOPE_END, TITLE, LABEL))
    documents = [
        _document(iri, properties, Path(sources_dir))
        for iri, properties in values.items()
        if SOURCE_DOCUMENT.value in properties.get(RDF_TYPE.value, [])
    ]
    return sorted(documents, key=lambda d: (d.path.name, d.iri))


def _values_by_subject(quads: Iterable[ox.Quad], predicates: Sequence[ox.NamedNode]) -> dict[str, dict[str, list[str]]]:
    wanted = set(predicates)
    table: dict[str, dict[str, list[str]]] = {}
    for quad in quads:
        subject, value = quad.subject, quad.object
        if quad.predicate not in wanted or not isinstance(subject, ox.NamedNode) or isinstance(value, ox.Triple):
            continue
        values = table.setdefault(subject.value, {}).setdefault(quad.predicate.value, [])
        if value.value not in values:
            values.append(value.value)
    return table


def _document(iri: str, properties: dict[str, list[str]], sources_dir: Path) -> Document:
    slug = iri.rstrip("/").rsplit("/", 1)[-1]
    files = properties.get(SOURCE_FILE.value, [])
    if len(files) != 1:
        raise DocumentsError(
            f"{iri}: a source document needs exactly one kg:sourceFile, it has {len(files)}.",
            f"{iri}: een brondocument heeft precies één kg:sourceFile nodig, het heeft er {len(files)}.",
        )
    path = sources_dir / files[0]
    text = _read_text(path, iri)
    title = _first(properties, TITLE) or _first(properties, LABEL) or slug
    scope = _scope(text, _first(properties, SCOPE_START), _first(properties, SCOPE_END), iri, path)
    return Document(iri=iri, slug=slug, title=title, path=path, text=text, scope=scope)


def _first(properties: dict[str, list[str]], predicate: ox.NamedNode) -> str | None:
    values = sorted(properties.get(predicate.value, []))
    return values[0] if values else None


def _read_text(path: Path, iri: str) -> str:
    try:
        return path.read_text("utf-8")
    except FileNotFoundError:
        raise DocumentsError(
            f"{path}: the text of {iri} is not there. Put the document's text there, or correct its "
            "kg:sourceFile in data/documenten.ttl.",
            f"{path}: de tekst van {iri} staat er niet. Zet de tekst van het document daar neer, of verbeter "
            "kg:sourceFile in data/documenten.ttl.",
        ) from None
    except (OSError, UnicodeDecodeError) as e:
        raise DocumentsError(
            f"{path}: the text of {iri} cannot be read as UTF-8 ({e}).",
            f"{path}: de tekst van {iri} is niet als UTF-8 te lezen ({e}).",
        ) from None


def _scope(text: str, start: str | None, end: str | None, iri: str, path: Path) -> str:
    """From the first occurrence of `start` up to (not including) the first `end` after it, or the end."""
    begin = 0
    if start is not None:
        begin = text.find(start)
        if begin < 0:
            raise _scope_mark_missing("kg:scopeStart", start, iri, path)
    finish = len(text)
    if end is not None:
        finish = text.find(end, begin)
        if finish < 0:
            raise _scope_mark_missing("kg:scopeEnd", end, iri, path)
    return text[begin:finish]


def _scope_mark_missing(predicate: str, mark: str, iri: str, path: Path) -> DocumentsError:
    return DocumentsError(
        f"{path}: the {predicate} of {iri}, {mark!r}, does not occur in the text. Copy it exactly from the text.",
        f"{path}: de {predicate} van {iri}, {mark!r}, komt niet in de tekst voor. "
        "Neem hem letterlijk uit de tekst over.",
    )


# ------------------------------------------------------------------ quotes


@dataclass(frozen=True)
class Quote:
    """A `kg:quote` of a claim, with the document the claim is derived from (None when it names none)."""

    claim: str
    document: str | None
    text: str


def read_quotes(quads: Iterable[ox.Quad]) -> list[Quote]:
    """Every `kg:quote` in a claim graph, paired with each `prov:wasDerivedFrom` of that claim in that graph.

    Sorted by claim IRI, then quote text.
    """
    quoted: list[tuple[ox.NamedNode, ox.NamedNode, str]] = []
    sources: dict[tuple[ox.NamedNode, ox.NamedNode], list[str]] = {}
    for quad in quads:
        if not isinstance(quad.graph_name, ox.NamedNode) or not isinstance(quad.subject, ox.NamedNode):
            continue
        key = (quad.graph_name, quad.subject)
        if quad.predicate == QUOTE and isinstance(quad.object, ox.Literal):
            quoted.append((quad.graph_name, quad.subject, quad.object.value))
        elif quad.predicate == WAS_DERIVED_FROM and isinstance(quad.object, ox.NamedNode):
            sources.setdefault(key, []).append(quad.object.value)
    quotes = {
        Quote(claim.value, document, text)
        for graph, claim, text in quoted
        for document in _documents_or_none(sources.get((graph, claim), []))
    }
    return sorted(quotes, key=lambda q: (q.claim, q.text, q.document or ""))


def _documents_or_none(documents: list[str]) -> list[str | None]:
    return list(documents) if documents else [None]


def misquoted(quotes: Iterable[Quote], documents: Iterable[Document]) -> list[Quote]:
    """The quotes not found in their document's full text (both normalised), or whose document is unknown."""
    texts = {document.iri: normalise(document.text) for document in documents}
    return [
        quote
        for quote in quotes
        if quote.document not in texts or normalise(quote.text) not in texts[quote.document]
    ]


# ------------------------------------------------------------------ sentences


def split_sentences(scope: str) -> list[str]:
    """The sentences of a document's text, normalised, in order.

    The text is cut into blocks at blank lines, at bullet lines (■ •) and around headings (short lines without
    final punctuation that start a block or follow a finished sentence, and lines ending in the heading mark
    `#`). Headings are dropped. Each block is normalised and split after . ! ? followed by whitespace and an
    uppercase letter, digit, quote or €, except after initials such as `L.S.V.`.
    """
    return [sentence for block in _blocks(scope) for sentence in _sentences_in_block(normalise(block))]


def _blocks(text: str) -> list[str]:
    blocks: list[list[str]] = []
    current: list[str] = []
    in_bullet = False

    def close() -> None:
        nonlocal current, in_bullet
        if current:
            blocks.append(current)
        current, in_bullet = [], False

    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            close()
        elif _is_bullet(stripped):
            close()
            current, in_bullet = [stripped.lstrip(BULLETS).strip()], True
        elif not in_bullet and _is_heading(stripped, current):
            close()
        else:
            current.append(line)
    close()
    return ["\n".join(lines) for lines in blocks]


def _is_bullet(line: str) -> bool:
    return line[0] in BULLETS


def _is_heading(line: str, block_so_far: list[str]) -> bool:
    """A heading stands alone: short, no final punctuation, at the start of a block or after a full stop."""
    if line.endswith("#"):
        return True
    if len(line) > HEADING_MAX_LENGTH or line[-1] in ".!?:;,":
        return False
    return not block_so_far or block_so_far[-1].rstrip()[-1:] in ".!?:;"


def _sentences_in_block(block: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for end, next_start in _sentence_breaks(block):
        sentences.append(block[start:end].strip())
        start = next_start
    sentences.append(block[start:].strip())
    return [s for s in sentences if s]


def _sentence_breaks(block: str) -> Iterable[tuple[int, int]]:
    """(end of a sentence, start of the next) for every sentence boundary inside a normalised block."""
    for match in re.finditer(rf"[{re.escape(_SENTENCE_END)}][{re.escape(_CLOSERS)}]* (?=\S)", block):
        next_start = match.end()
        end = match.end() - 1
        if _opens_sentence(block[next_start]) and not _ends_with_initials(block[:end]):
            yield end, next_start


def _opens_sentence(character: str) -> bool:
    return character.isupper() or character.isdigit() or character in _SENTENCE_OPENERS


def _ends_with_initials(text: str) -> bool:
    last_word = text.rsplit(" ", 1)[-1]
    return bool(_INITIALISM.match(last_word))


# ------------------------------------------------------------------ niet-feitelijk.tsv


@dataclass(frozen=True)
class NonFactual:
    """A line of niet-feitelijk.tsv: a sentence of document `slug` that states no fact, and why."""

    slug: str
    first_words: str
    reason: str
    line: int

    def matches(self, sentence: str) -> bool:
        """Whether `sentence` starts with these first words, both normalised."""
        return normalise(sentence).startswith(normalise(self.first_words))


@dataclass(frozen=True)
class MalformedLine:
    """A line of niet-feitelijk.tsv that is not `slug<TAB>first words<TAB>reason`."""

    line: int
    text: str
    problem: str


def parse_non_factual(text: str) -> tuple[list[NonFactual], list[MalformedLine]]:
    """The entries and the malformed lines of a niet-feitelijk.tsv text. Blank lines and `#` comments are skipped."""
    entries: list[NonFactual] = []
    malformed: list[MalformedLine] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        problem = _field_problem(fields)
        if problem:
            malformed.append(MalformedLine(number, line, problem))
        else:
            slug, first_words, reason = (f.strip() for f in fields)
            entries.append(NonFactual(slug, first_words, reason, number))
    return entries, malformed


def _field_problem(fields: list[str]) -> str | None:
    if len(fields) != 3:
        return f"{len(fields)} tab-separated fields instead of 3 (document slug, first words, reason)"
    names = ("document slug", "first words", "reason")
    empty = [name for name, value in zip(names, fields) if not value.strip()]
    return f"empty {', '.join(empty)}" if empty else None


def read_non_factual(path: Path | str) -> list[NonFactual]:
    """The entries of niet-feitelijk.tsv; none when the file does not exist.

    Raises DocumentsError naming every malformed line.
    """
    path = Path(path)
    if not path.exists():
        return []
    entries, malformed = parse_non_factual(path.read_text("utf-8"))
    if malformed:
        details = "; ".join(f"line {m.line}: {m.problem}" for m in malformed)
        details_nl = "; ".join(f"regel {m.line}: {m.problem}" for m in malformed)
        raise DocumentsError(
            f"{path}: {details}. Each line is: document slug, TAB, the sentence's first words, TAB, reason.",
            f"{path}: {details_nl}. Elke regel is: documentslug, TAB, de eerste woorden van de zin, TAB, reden.",
        )
    return entries


# ------------------------------------------------------------------ coverage


@dataclass(frozen=True)
class ClassifiedSentence:
    """A sentence with why it needs no quote (the reason from niet-feitelijk.tsv)."""

    text: str
    reason: str


@dataclass
class DocumentCoverage:
    """How the sentences of one document are accounted for, and the niet-feitelijk.tsv entries it leaves unused."""

    document: Document
    covered: list[str] = field(default_factory=list)
    non_factual: list[ClassifiedSentence] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    stale: list[NonFactual] = field(default_factory=list)

    @property
    def factual(self) -> int:
        """Number of sentences that state a fact: covered plus uncovered."""
        return len(self.covered) + len(self.uncovered)

    @property
    def share(self) -> float:
        """Covered / (covered + uncovered); 1.0 when no sentence states a fact."""
        return len(self.covered) / self.factual if self.factual else 1.0


def coverage(
    documents: Iterable[Document], quotes: Iterable[Quote], non_factual: Iterable[NonFactual]
) -> list[DocumentCoverage]:
    """Per document: its sentences covered by a quote of that document, listed as non-factual, or uncovered.

    A quote covers a sentence when one contains the other or they share a run of MIN_SHARED_RUN characters.
    """
    quotes, non_factual = list(quotes), list(non_factual)
    return [_document_coverage(document, quotes, non_factual) for document in documents]


def _document_coverage(document: Document, quotes: list[Quote], non_factual: list[NonFactual]) -> DocumentCoverage:
    own_quotes = [normalise(q.text) for q in quotes if q.document == document.iri]
    own_entries = [entry for entry in non_factual if entry.slug == document.slug]
    used: set[NonFactual] = set()
    result = DocumentCoverage(document)
    for sentence in document.sentences:
        entry = next((e for e in own_entries if e.matches(sentence)), None)
        if entry is not None:
            used.add(entry)
        if any(_overlaps(quote, sentence) for quote in own_quotes):
            result.covered.append(sentence)
        elif entry is not None:
            result.non_factual.append(ClassifiedSentence(sentence, entry.reason))
        else:
            result.uncovered.append(sentence)
    result.stale = [entry for entry in own_entries if entry not in used]
    return result


def _overlaps(quote: str, sentence: str) -> bool:
    if not quote:
        return False
    if quote in sentence or sentence in quote:
        return True
    return any(quote[i : i + MIN_SHARED_RUN] in sentence for i in range(len(quote) - MIN_SHARED_RUN + 1))


def entries_without_document(non_factual: Iterable[NonFactual], documents: Iterable[Document]) -> list[NonFactual]:
    """The niet-feitelijk.tsv entries whose slug names none of the documents (stale as well)."""
    slugs = {document.slug for document in documents}
    return [entry for entry in non_factual if entry.slug not in slugs]


# ------------------------------------------------------------------ report


def format_coverage(
    results: Sequence[DocumentCoverage],
    *,
    unknown: Sequence[NonFactual] = (),
    malformed: Sequence[MalformedLine] = (),
    width: int = 120,
) -> str:
    """A report for people (Dutch): per document the covered share, its uncovered sentences and stale entries."""
    lines: list[str] = []
    for result in results:
        lines.extend(_document_report(result, width))
        lines.append("")
    if unknown:
        lines.append("Regels in niet-feitelijk.tsv voor een onbekend document:")
        lines.extend(f"  regel {e.line}: {e.slug}: {_shorten(e.first_words, width)}" for e in unknown)
        lines.append("")
    if malformed:
        lines.append("Onleesbare regels in niet-feitelijk.tsv (verwacht: slug TAB eerste woorden TAB reden):")
        lines.extend(f"  regel {m.line}: {m.problem}: {_shorten(m.text, width)}" for m in malformed)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _document_report(result: DocumentCoverage, width: int) -> list[str]:
    covered, factual = len(result.covered), result.factual
    lines = [
        f"{result.document.title} ({result.document.slug})",
        (
            f"  {covered} van {factual} feitelijke zinnen gedekt ({100 * result.share:.1f}%); "
            f"{len(result.non_factual)} niet-feitelijk"
        ),
    ]
    if result.uncovered:
        lines.append("  Niet gedekt:")
        lines.extend(f"    - {_shorten(sentence, width)}" for sentence in result.uncovered)
    if result.stale:
        lines.append("  Verouderde regels in niet-feitelijk.tsv (passen bij geen zin):")
        lines.extend(f"    regel {e.line}: {_shorten(e.first_words, width)}" for e in result.stale)
    return lines


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# ------------------------------------------------------------------ the project as a whole


@dataclass
class ProjectCoverage:
    """Coverage of all documents of a project, with the quotes that are not found in their document."""

    results: list[DocumentCoverage]
    misquoted: list[Quote]
    unknown: list[NonFactual]
    malformed: list[MalformedLine]

    @property
    def complete(self) -> bool:
        return not self.misquoted and not self.malformed and all(not r.uncovered for r in self.results)


def project_coverage(settings: Settings) -> ProjectCoverage:
    """Read the project's documents, claims and niet-feitelijk.tsv, and measure coverage."""
    from .loading import load

    quads = list(load(settings).store)
    sources_dir = settings.path("sources_dir")
    documents = read_documents(quads, sources_dir)
    quotes = read_quotes(quads)
    table = sources_dir / "niet-feitelijk.tsv"
    entries, malformed = parse_non_factual(table.read_text("utf-8")) if table.exists() else ([], [])
    return ProjectCoverage(
        results=coverage(documents, quotes, entries),
        misquoted=misquoted(quotes, documents),
        unknown=entries_without_document(entries, documents),
        malformed=malformed,
    )


def misquote_lines(quotes: Iterable[Quote], settings: Settings) -> list[str]:
    """A line per quote not found in its document, as `validate` reports problems: file:line where the quote
    is written, what is wrong, and what to do."""
    from .files import data_files, locate, locate_value, shown

    paths = [source.path for source in data_files(settings)]
    sources = shown(settings.path("sources_dir"))
    dutch = settings.language == "nl"
    lines = []
    for quote in quotes:
        found = locate(quote.claim, paths)
        if found is not None:
            found = locate_value(quote.text, "kg:quote", *found) or found
        where = f"{shown(found[0])}:{found[1]}: " if found else f"{quote.claim}: "
        text = _shorten(quote.text, 80)
        if quote.document is None:
            lines.append(f"{where}citaat “{text}” hoort bij een bewering zonder brondocument; geef de bewering "
                         f"prov:wasDerivedFrom." if dutch else
                         f"{where}quote “{text}” belongs to a claim without a source document; give the claim "
                         f"prov:wasDerivedFrom.")
        else:
            lines.append(f"{where}citaat niet gevonden in {quote.document}: “{text}”. Neem de woorden letterlijk "
                         f"over uit de tekst in {sources}, of verbeter prov:wasDerivedFrom." if dutch else
                         f"{where}quote not found in {quote.document}: “{text}”. Copy the words exactly from the "
                         f"text in {sources}, or correct prov:wasDerivedFrom.")
    return lines
