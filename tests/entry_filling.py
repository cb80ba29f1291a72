"""Filling in a starter entry of `kennisgraaf new` the way a user does: read the comment above each
placeholder, take allowed values from it, and a real sentence of the source document as the quote."""

from __future__ import annotations

import re

from kennisgraaf.config import Settings
from kennisgraaf.graph.documents import Document, read_documents
from kennisgraaf.graph.loading import load

_CHOICES = re.compile(r"(?:Kies uit|Choose from)[^:]*:\s*(.*)\.\s*$", re.DOTALL)
_PLACEHOLDER = re.compile(r"([\w-]*:)?(INVULLEN|FILL-IN)(-\d+)?")


def documents(settings: Settings) -> dict[str, Document]:
    graph = load(settings)
    return {d.iri: d for d in read_documents(graph.store.quads_for_pattern(None, None, None), settings.path("sources_dir"))}


def sentence(document: Document, number: int = 3) -> str:
    """A real sentence of the document (verbatim after the usual whitespace normalisation)."""
    found = [s for s in document.sentences if len(s) > 40 and '"' not in s and "\\" not in s]
    return found[number % len(found)]


def fill(text: str, slug: str, document: Document, code: str) -> str:
    """`text` with every placeholder replaced by a value the comments allow."""
    text = re.sub(r"NAAM-INVULLEN|NAME-FILL-IN", slug, text).replace("CODE-INVULLEN", code).replace("CODE-FILL-IN", code)
    out: list[str] = []
    comment: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            comment.append(stripped.lstrip("# "))
            out.append(line)
            continue
        if re.search(r"INVULLEN|FILL-IN", line):
            line = _fill_line(line, " ".join(comment), document)
        comment = []
        out.append(line)
    return "\n".join(out) + "\n"


def _fill_line(line: str, comment: str, document: Document) -> str:
    listed = _CHOICES.search(comment)
    choices = [item.split(" (")[0].strip() for item in re.split(r",\s+(?=[\w-]+:)", listed.group(1))] if listed else []
    used = iter(choices)
    if "kg:quote" in line:
        return re.sub(r'"(INVULLEN|FILL-IN)"(\^\^xsd:string)?', '"' + sentence(document) + '"', line)
    if "prov:wasDerivedFrom" in line:
        return re.sub(r"document:(INVULLEN|FILL-IN)", "document:" + document.iri.rsplit("/", 1)[-1], line)
    line = re.sub(r'"(INVULLEN|FILL-IN)"@nl', '"Testinvoer voor de kennisgraaf"@nl', line)
    line = re.sub(r'"(INVULLEN|FILL-IN)"\^\^xsd:integer', "2017", line)
    line = re.sub(r'"(INVULLEN|FILL-IN)"\^\^xsd:decimal', "1000.00", line)
    line = re.sub(r'"(INVULLEN|FILL-IN)"\^\^xsd:date', '"2017-07-07"^^xsd:date', line)
    return _PLACEHOLDER.sub(lambda m: next(used), line)
