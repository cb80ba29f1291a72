"""Catching mistakes in a query before it runs: a class or property the graph does not use gives an empty answer
and no hint, so it gets a warning naming the closest term the graph does use.

    >>> from kennisgraaf.store.vocabulary import Vocabulary
    >>> known = Vocabulary(frozenset({"https://w3id.org/kennisgraaf/def/Agreement"}), frozenset())
    >>> [w.en for w in unknown_terms("PREFIX kg: <https://w3id.org/kennisgraaf/def/> "
    ...                               "SELECT ?x WHERE { ?x a kg:Agreemnt }", known, "https://w3id.org/kennisgraaf/")]
    ['kg:Agreemnt is not used in this graph; did you mean kg:Agreement?']

Only IRIs in a namespace the graph's vocabulary uses are checked (org:, kg:, rdfs:, ...): an IRI of another
vocabulary, or of a thing in the graph, is none of this check's business.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from ..namespaces import short_name
from ..sparqltext import Token, declared_prefixes, tokens
from ..store.vocabulary import CLASSES, PROPERTIES, Vocabulary, read_vocabulary, vocabulary_of
from .running import Target

__all__ = ["TermWarning", "term_warnings", "unknown_terms", "vocabulary_for"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class TermWarning:
    """A term of the query that the graph does not use, with what it probably meant (or None)."""

    written: str
    suggestion: str | None

    @property
    def en(self) -> str:
        if self.suggestion:
            return f"{self.written} is not used in this graph; did you mean {self.suggestion}?"
        return f"{self.written} is not used in this graph (nor defined in its ontology), so it matches nothing."

    @property
    def nl(self) -> str:
        if self.suggestion:
            return f"{self.written} komt in deze graaf niet voor; bedoel je {self.suggestion}?"
        return f"{self.written} komt in deze graaf niet voor (en staat niet in de ontologie), dus het past nergens op."

    def message(self, lang: str = "en") -> str:
        return self.nl if lang == "nl" else self.en


def unknown_terms(text: str, vocabulary: Vocabulary, base_iri: str) -> list[TermWarning]:
    """The terms of `text`'s patterns in one of the vocabulary's namespaces that the vocabulary does not hold,
    each once. Terms in expressions (BIND, FILTER), VALUES blocks and alternatives of a path (a|b) are left
    alone: there a term the graph does not use is no reason for an empty answer."""
    namespaces = {_namespace(term) for term in vocabulary.terms} - {""}
    namespaces = {ns for ns in namespaces if not ns.startswith(base_iri + "id/")}
    prefixes = declared_prefixes(text)
    warnings: dict[str, TermWarning] = {}
    found = list(tokens(text))
    for index, token, in_pattern in _pattern_tokens(found):
        iri = _iri_of(token.kind, token.text, prefixes)
        if iri is None or not in_pattern or _namespace(iri) not in namespaces or iri in vocabulary.terms \
                or token.text in warnings:
            continue
        before = found[index - 1].text if index else ""
        after = found[index + 1].text if index + 1 < len(found) else ""
        if "|" in (before, after):
            continue
        as_class = before == "a" or before == f"<{RDF_TYPE}>" or _iri_of("word", before, prefixes) == RDF_TYPE
        candidates = vocabulary.classes if as_class else vocabulary.terms
        warnings[token.text] = TermWarning(token.text, _closest(iri, candidates, token.text, prefixes, base_iri))
    return list(warnings.values())


def _pattern_tokens(found: list[Token]) -> list[tuple[int, Token, bool]]:
    """Each token with whether it stands in a graph pattern: inside braces, outside any parentheses and VALUES
    block, and not the namespace of a PREFIX or BASE declaration."""
    marked: list[tuple[int, Token, bool]] = []
    stack: list[str] = []
    values_next = False
    for index, token in enumerate(found):
        text = token.text
        if token.kind == "punct" and text in "({[":
            stack.append("V" if text == "{" and values_next else text)
            values_next = values_next and text == "("
        elif token.kind == "punct" and text in ")}]" and stack:
            stack.pop()
        elif token.kind == "word" and token.upper == "VALUES":
            values_next = True
        declaring = index > 0 and found[index - 1].upper in ("PREFIX", "BASE") or \
            index > 1 and found[index - 2].upper == "PREFIX"
        in_pattern = "{" in stack and "(" not in stack and "V" not in stack and not declaring
        marked.append((index, token, in_pattern))
    return marked


def _iri_of(kind: str, text: str, prefixes: dict[str, str]) -> str | None:
    if kind == "iri":
        return text[1:-1]
    if kind == "word" and ":" in text and not text.startswith(("@", "_:")):
        prefix, local = text.split(":", 1)
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut >= 0 else ""


def _closest(iri: str, candidates: frozenset[str], written: str, prefixes: dict[str, str], base_iri: str) -> str | None:
    """The known term nearest to `iri`: in its namespace if one is near, else in any; written as the query would
    write it (with the same prefix), or short."""
    namespace = _namespace(iri)
    local = iri[len(namespace):]
    for pool in ([c for c in candidates if _namespace(c) == namespace], list(candidates)):
        by_local = {c[len(_namespace(c)):]: c for c in sorted(pool)}
        near = difflib.get_close_matches(local, list(by_local), n=1, cutoff=0.75) or \
            [name for name in by_local if name.lower() == local.lower()]
        if near:
            return _written(by_local[near[0]], written, prefixes, base_iri)
    return None


def _written(iri: str, like: str, prefixes: dict[str, str], base_iri: str) -> str:
    if not like.startswith("<"):
        for prefix, namespace in prefixes.items():
            if iri.startswith(namespace) and re.fullmatch(r"[\w.-]*", iri[len(namespace):]):
                return f"{prefix}:{iri[len(namespace):]}"
    shown = short_name(iri, base_iri)
    return shown if shown != iri else f"<{iri}>"


def vocabulary_for(target: Target) -> Vocabulary | None:
    """The vocabulary of what `target` queries: written with the build, asked of a store object or, for an
    endpoint, asked of it (two queries). None when it cannot be known."""
    if target.endpoint is not None:
        classes = frozenset(row[0].value for row in target.execute(CLASSES, limit=100_000).rows if row[0] is not None)
        properties = frozenset(row[0].value for row in target.execute(PROPERTIES, limit=100_000).rows
                               if row[0] is not None)
        return Vocabulary(classes, properties)
    if isinstance(target.source, str):
        return read_vocabulary(Path(target.source).parent)
    if target.source is not None:
        return vocabulary_of(target.source)
    return None


def term_warnings(text: str, target: Target) -> list[TermWarning]:
    """The warnings for `text` on `target`: see unknown_terms."""
    vocabulary = vocabulary_for(target)
    return unknown_terms(text, vocabulary, target.base_iri) if vocabulary is not None else []
