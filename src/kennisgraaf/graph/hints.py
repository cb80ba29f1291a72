"""Hints for what a user probably meant: the closest known names to a misspelt one, and how to write a value
(a date above all) as the datatype it should have, built from what was written.

Plain functions on strings, so reading (an ill-typed literal), validation (a wrong datatype, an unknown IRI)
and entering data (an unknown property) give the same advice.
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..namespaces import XSD

__all__ = ["LiteralHint", "Names", "closest", "literal_hint", "or_list"]


class Names:
    """Candidate names prepared once (lowered, split into prefix and last part) for any number of `closest`
    calls: a large graph has hundreds of thousands of them."""

    def __init__(self, candidates: Iterable[str]) -> None:
        # (in no particular order: the answer is ordered by score and name)
        self.pool = list(dict.fromkeys(candidates))
        joined = "\n".join(self.pool).lower()
        self.lowered = joined.split("\n")
        if len(self.lowered) == len(self.pool):  # split in one go (no name holds a line break)
            self.parts = [(head, tail or head) for head, tail in _PARTS.findall(joined)]
        else:
            self.lowered = [candidate.lower() for candidate in self.pool]
            self.parts = [_split(other) for other in self.lowered]
        self.tails = [tail for _, tail in self.parts]

    @classmethod
    def under_prefix(cls, prefix: str, local_names: list[str]) -> Names:
        """`prefix` + each local name, for local names without `:`, `/` or `#` (split without looking)."""
        names = cls([])
        names.pool = [prefix + local for local in local_names]
        head, tails = prefix.lower(), [local.lower() for local in local_names]
        names.lowered = [head + tail for tail in tails]
        names.parts = [(head, tail) for tail in tails]
        names.tails = tails
        return names

    @classmethod
    def joined(cls, parts: Iterable[Names]) -> Names:
        """The names of several Names that have none in common."""
        names = cls([])
        for part in parts:
            names.pool += part.pool
            names.lowered += part.lowered
            names.parts += part.parts
            names.tails += part.tails
        return names


def closest(name: str, candidates: Iterable[str] | Names, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The candidates closest to `name` by difflib's ratio, best first. Names are compared whole and by their
    last part (after the last `:`, `/` or `#`), so a right slug under the wrong prefix is found too
    (kg:Organization → org:Organization)."""
    names = candidates if isinstance(candidates, Names) else Names(candidates)
    pool, others, parts = names.pool, names.lowered, names.parts
    lowered = name.lower()
    head, tail = _split(lowered)
    # rapidfuzz's Indel similarity (2 x the longest common subsequence / the lengths) bounds difflib's ratio from
    # above (its matching blocks are a common subsequence), so difflib scores only the names whose bound can
    # still make the list, best bound first.
    bound = _bounds(tail, names.tails, cutoff)
    different = [i for i, (other_head, _) in enumerate(parts) if other_head != head]
    whole = _bounds(lowered, [others[i] for i in different], cutoff)
    for position, i in enumerate(different):
        if position in whole or i in bound:
            bound[i] = max(whole.get(position, 0.0), bound.get(i, 0.0) * 0.98)
    scored: list[tuple[float, str]] = []
    floor = cutoff  # only names within 0.1 of the best are given
    for i in sorted(bound, key=lambda i: -bound[i]):
        if bound[i] + 1e-9 < floor:  # (the bounds are floats computed otherwise)
            break
        if pool[i] == name:  # never suggested
            continue
        other_head, other_tail = parts[i]
        last = difflib.SequenceMatcher(None, tail, other_tail).ratio()
        if other_head == head:  # the shared prefix says nothing about how close the names are
            score = last
        else:  # the same tail under another prefix is a little less likely than a typo in the tail
            score = max(difflib.SequenceMatcher(None, lowered, others[i]).ratio(), last * 0.98)
        if score >= floor:
            scored.append((-score, pool[i]))
            floor = max(floor, score - 0.1)
    scored.sort()
    best = -scored[0][0] if scored else 0
    return [candidate for score, candidate in scored[:n] if -score >= best - 0.1]


def _bounds(query: str, choices: list[str], cutoff: float) -> dict[int, float]:
    """For each choice whose Indel similarity to `query` is at least `cutoff`: its index and that similarity."""
    from rapidfuzz import fuzz, process

    found = process.extract(query, choices, scorer=fuzz.ratio, limit=None, score_cutoff=max(0.0, cutoff * 100 - 1e-6))
    return {index: score / 100 for _, score, index in found}


_PARTS = re.compile(r"^(.*[:/#])?([^:/#\n]*)$", re.MULTILINE)  # as _split, for many names on lines


def _split(name: str) -> tuple[str, str]:
    cut = max(name.rfind(":"), name.rfind("/"), name.rfind("#")) + 1
    return name[:cut], name[cut:] or name


def or_list(names: list[str], lang: str) -> str:
    """'a', 'a of b', 'a, b of c' (and 'or' in English)."""
    word = " of " if lang == "nl" else " or "
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + word + names[-1]


# ------------------------------------------------------------------ values


@dataclass(frozen=True)
class LiteralHint:
    """How to write a value as a datatype: `suggestion` is the literal in Turtle (None when no value can be
    made of it), `en`/`nl` a sentence saying so, or why the value cannot be one."""

    suggestion: str | None
    en: str
    nl: str

    def message(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


_MONTHS = {
    **{name: number for number, name in enumerate(
        ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
         "november", "december"], 1)},
    **{name: number for number, name in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
         "november", "december"], 1)},
    **{name: number for number, name in enumerate(
        ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"], 1)},
    "mar": 3, "oct": 10, "sept": 9,
}
_MONTH_NAMES = {
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}


def literal_hint(text: str, datatype: str) -> LiteralHint | None:
    """A hint for writing `text` as a value of `datatype` (a full XSD IRI or `xsd:...`); None when there is
    nothing to add to the rule's own message.

    >>> literal_hint("7-7-2017", "xsd:date").suggestion
    '"2017-07-07"^^xsd:date'
    """
    kind = datatype.replace(XSD, "xsd:")
    if kind == "xsd:date":
        return _date_hint(text.strip())
    if kind == "xsd:integer":
        digits = text.strip()
        if re.fullmatch(r"[+-]?\d+", digits):
            return LiteralHint(digits, f"Write it as {digits}, a number without quotes.",
                               f"Schrijf het als {digits}, een getal zonder aanhalingstekens.")
        return None
    if kind == "xsd:decimal":
        amount = _decimal(text.strip())
        if amount is not None:
            return LiteralHint(amount, f"Write it as {amount}: a number with a decimal point, without quotes.",
                               f"Schrijf het als {amount}: een getal met een punt, zonder aanhalingstekens.")
    return None


def _decimal(text: str) -> str | None:
    cleaned = re.sub(r"^(€|EUR)\s*|\s*(€|EUR|euro)$", "", text, flags=re.IGNORECASE).replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?|\d+,\d+", cleaned):  # Dutch: 1.650.000,00 or 12,5
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", cleaned):  # English: 1,650,000.00
        cleaned = cleaned.replace(",", "")
    if not re.fullmatch(r"\d+(\.\d+)?", cleaned):
        return None
    whole, _, fraction = cleaned.partition(".")
    return f"{int(whole)}.{(fraction + '00')[:max(2, len(fraction))]}"


def _date_hint(text: str) -> LiteralHint | None:
    parts = _date_parts(text)
    if parts is None:
        return LiteralHint(
            None,
            "This cannot be read as a date. Write a date as year-month-day with the type xsd:date, like "
            '"2017-07-07"^^xsd:date; if only the year is known, use kg:year.',
            "Dit is niet als datum te lezen. Schrijf een datum als jaar-maand-dag met het type xsd:date, "
            'zoals "2017-07-07"^^xsd:date; is alleen het jaar bekend, gebruik dan kg:year.')
    year, month, day = parts
    if not 1 <= month <= 12:
        return LiteralHint(
            None, f"There is no month {month}: months run from 01 to 12, in the order year-month-day.",
            f"Er is geen maand {month}: maanden lopen van 01 tot 12, in de volgorde jaar-maand-dag.")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return LiteralHint(
            None, f"{_MONTH_NAMES['en'][month - 1]} {day}, {year} does not exist: {_MONTH_NAMES['en'][month - 1]} "
                  f"{year} has {days} days. Check the day in the source.",
            f"{day} {_MONTH_NAMES['nl'][month - 1]} {year} bestaat niet: {_MONTH_NAMES['nl'][month - 1]} {year} "
            f"heeft {days} dagen. Controleer de dag in de bron.")
    literal = f'"{year:04d}-{month:02d}-{day:02d}"^^xsd:date'
    return LiteralHint(literal, f"Probably meant: {literal}.", f"Bedoeld is waarschijnlijk {literal}.")


def _date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) as written, whether or not they make a date; None when it does not look like one."""
    text = re.sub(r"[T ]\d{1,2}:\d{2}.*$", "", text)  # a time after the date
    if found := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text):
        return int(found.group(1)), int(found.group(2)), int(found.group(3))
    if found := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text):  # Dutch order: day-month-year
        return int(found.group(3)), int(found.group(2)), int(found.group(1))
    if found := re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text):
        return int(found.group(1)), int(found.group(2)), int(found.group(3))
    if found := re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})", text):  # 7 juli 2017
        month = _MONTHS.get(found.group(2).lower())
        if month is not None:
            return int(found.group(3)), month, int(found.group(1))
    if found := re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", text):  # July 7, 2017
        month = _MONTHS.get(found.group(1).lower())
        if month is not None:
            return int(found.group(3)), month, int(found.group(2))
    return None
