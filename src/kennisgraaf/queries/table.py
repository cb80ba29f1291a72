"""Query results as a table for people: labels instead of bare IRIs, long values cut to fit the terminal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyoxigraph as ox

from ..namespaces import XSD

__all__ = ["cell", "render"]

_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short", "gYear",
                              "nonNegativeInteger", "positiveInteger")}
_MIN_WIDTH = 8
_GAP = "  "


def cell(term: Any, labels: Mapping[str, str], short: Any = None) -> str:
    """The text shown for a term: an IRI's label (or short name), a literal's text, nothing for unbound."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        label = labels.get(term.value)
        if label is not None:
            return label
        return short(term.value) if short else term.value
    if isinstance(term, ox.Literal):
        return " ".join(term.value.split())  # one line per row
    return str(term)


def render(variables: Sequence[str], rows: Sequence[Sequence[Any]], labels: Mapping[str, str],
           width: int | None = None, short: Any = None) -> str:
    """A plain-text table with a header. With `width`, the widest columns are cut (ending in "…") until the
    table fits in `width` characters."""
    texts = [[cell(term, labels, short) for term in row] for row in rows]
    numeric = [bool(rows) and all(_is_number(row[i]) for row in rows if row[i] is not None)
               for i in range(len(variables))]
    widths = [max([len(name)] + [len(row[i]) for row in texts]) for i, name in enumerate(variables)]
    if width is not None:
        widths = _fit(widths, width - len(_GAP) * (len(variables) - 1))
    lines = [_line(list(variables), widths, [False] * len(widths)),
             _GAP.join("-" * w for w in widths)]
    lines += [_line(row, widths, numeric) for row in texts]
    return "\n".join(line.rstrip() for line in lines)


def _is_number(term: Any) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC


def _fit(widths: list[int], available: int) -> list[int]:
    widths = list(widths)
    excess = sum(widths) - available
    while excess > 0:
        widest = max(range(len(widths)), key=widths.__getitem__)
        if widths[widest] <= _MIN_WIDTH:
            break
        second = max((w for i, w in enumerate(widths) if i != widest), default=0)
        cut = min(excess, widths[widest] - max(second, _MIN_WIDTH)) or 1
        widths[widest] -= cut
        excess -= cut
    return widths


def _line(values: list[str], widths: list[int], right: list[bool]) -> str:
    parts = []
    for value, w, align_right in zip(values, widths, right):
        if len(value) > w:
            value = value[: max(w - 1, 0)] + "…"
        parts.append(value.rjust(w) if align_right else value.ljust(w))
    return _GAP.join(parts)
