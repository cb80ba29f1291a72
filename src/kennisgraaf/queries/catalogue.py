"""The catalogue of canned queries: the `.rq` files in `queries/`, each named by its file stem.

A canned query is a plain SPARQL query that runs unchanged in any SPARQL tool (on the default graph, which
holds every fact once, and the claims' named graphs). It opens with a header of `#+` comment lines in the style of grlc — a small YAML document::

    #+ summary: The knowledge partners of Leiden Kennisstad, optionally in one year
    #+ description: |
    #+   Organisations with the role kennispartner in the collaboration Leiden Kennisstad.
    #+ params:
    #+   - name: year
    #+     type: year
    #+     description: Only the partners in this year. Without it, all partners over time.
    #+ example: kennisgraaf query partners --year 2023
    #+ returns: one row per partnership — partner, label, start, end
    #+ tags: [partners]

Each parameter is a variable of the query (`?year`). When it is given, it is bound with a VALUES block at
the start of the WHERE group; when it is not, the variable stays unbound, which the query reads as "no
filter" (or as its `default`, which the query then also applies itself, with COALESCE, so it runs the same
elsewhere). Types: organisation, entity (an IRI, label or abbreviation), year, date, integer, literal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import SETTINGS
from ..errors import InputError
from ..sparqltext import QueryShape, shape

__all__ = ["PARAMETER_TYPES", "CannedQuery", "Parameter", "catalogue", "load_query", "parse_header"]

PARAMETER_TYPES = {
    "organisation": "an organisation: its IRI, name or abbreviation (e.g. LUMC, Hogeschool Leiden)",
    "entity": "anything in the graph: its IRI, name or abbreviation",
    "year": "a year, e.g. 2023",
    "date": "a date, YYYY-MM-DD",
    "integer": "a whole number",
    "literal": "a text",
}
_FIELDS = {"summary", "description", "params", "example", "returns", "tags"}
_PARAM_FIELDS = {"name", "type", "description", "default", "allowed", "required", "class"}
# Names a parameter cannot have: they are options of `kennisgraaf query` or keywords of queries.run().
RESERVED = {"format", "fmt", "endpoint", "timeout", "project", "settings", "store", "limit", "help", "show_query",
            *(setting.name for setting in SETTINGS)}


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    description: str = ""
    default: str | None = None
    allowed: tuple[str, ...] = ()
    required: bool = False
    classes: tuple[str, ...] = ()  # for an entity: the classes (prefixed names) a name is looked up among

    @property
    def option(self) -> str:
        """The command-line option: --min-shared for min_shared."""
        return "--" + self.name.replace("_", "-")


@dataclass
class CannedQuery:
    name: str
    path: Path
    text: str
    summary: str
    description: str = ""
    params: list[Parameter] = field(default_factory=list)
    example: str = ""
    returns: str = ""
    tags: list[str] = field(default_factory=list)
    shape: QueryShape = field(default_factory=lambda: QueryShape(form=None))

    @property
    def form(self) -> str:
        return self.shape.form or ""

    def param(self, name: str) -> Parameter | None:
        return next((p for p in self.params if p.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "summary": self.summary, "description": self.description, "form": self.form,
            "params": [{"name": p.name, "type": p.type, "class": list(p.classes), "description": p.description,
                        "default": p.default, "allowed": list(p.allowed), "required": p.required}
                       for p in self.params],
            "example": self.example, "returns": self.returns, "tags": self.tags, "file": self.path.name,
        }


def catalogue(queries_dir: Path) -> dict[str, CannedQuery]:
    """Every canned query in `queries_dir`, by name, sorted by name."""
    if not queries_dir.is_dir():
        raise InputError(
            f"The folder of canned queries {queries_dir} does not exist. Point the setting queries_dir at it.",
            f"De map met vaste queries {queries_dir} bestaat niet. Wijs de instelling queries_dir ernaar.",
        )
    return {path.stem: load_query(path) for path in sorted(queries_dir.glob("*.rq"))}


def query_names(queries_dir: Path) -> list[str]:
    """The names of the canned queries, without reading them."""
    return sorted(path.stem for path in queries_dir.glob("*.rq")) if queries_dir.is_dir() else []


_read: dict[Path, tuple[int, int, CannedQuery]] = {}


def load_query(path: Path) -> CannedQuery:
    """Read one `.rq` file: its header and its query. A file read before and not changed since is not read
    again (a server runs the same queries many times)."""
    try:
        status = path.stat()
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror}).",
                         f"{path}: kan niet worden gelezen ({error.strerror}).") from None
    known = _read.get(path)
    if known is not None and known[:2] == (status.st_mtime_ns, status.st_size):
        return known[2]
    query = _load_query(path)
    _read[path] = (status.st_mtime_ns, status.st_size, query)
    return query


def _load_query(path: Path) -> CannedQuery:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot be read ({error}).", f"{path}: kan niet worden gelezen ({error}).") \
            from None
    header = parse_header(text, path)
    found = shape(text)
    if found.form is None:
        raise InputError(f"{path}: holds no SELECT, CONSTRUCT, DESCRIBE or ASK query.")
    summary = header.get("summary")
    if not isinstance(summary, str) or not summary:
        raise InputError(f"{path}:1: the header has no '#+ summary:' line. Every canned query needs one.")
    params = [_parameter(raw, path) for raw in _as_list(header.get("params", []), "params", path)]
    for param in params:
        if param.name not in found.variables:
            raise InputError(f"{path}: parameter {param.name!r} is not a variable of the query (?{param.name}).")
        if param.name in RESERVED:
            raise InputError(f"{path}: parameter name {param.name!r} is reserved; choose another.")
    if params and found.where is None:
        raise InputError(f"{path}: a query with parameters needs a WHERE group (not CONSTRUCT WHERE).")
    return CannedQuery(
        name=path.stem, path=path, text=text, summary=summary,
        description=_text(header.get("description", "")), params=params, example=_text(header.get("example", "")),
        returns=_text(header.get("returns", "")), tags=[str(t) for t in _as_list(header.get("tags", []), "tags", path)],
        shape=found,
    )


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _as_list(value: Any, name: str, path: Path) -> list[Any]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise InputError(f"{path}: '#+ {name}:' must be a list.")
    return value


def _parameter(raw: Any, path: Path) -> Parameter:
    if not isinstance(raw, dict):
        raise InputError(f"{path}: each entry of '#+ params:' is a mapping with name and type.")
    unknown = set(raw) - _PARAM_FIELDS
    if unknown:
        raise InputError(f"{path}: unknown parameter field(s) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(sorted(_PARAM_FIELDS))}.")
    name, kind = str(raw.get("name", "")), str(raw.get("type", ""))
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise InputError(f"{path}: parameter name {name!r} must be lowercase letters, digits and _.")
    if kind not in PARAMETER_TYPES:
        raise InputError(f"{path}: parameter {name!r} has type {kind!r}; use one of {', '.join(PARAMETER_TYPES)}.")
    default = raw.get("default")
    allowed = raw.get("allowed") or []
    if not isinstance(allowed, list):
        raise InputError(f"{path}: 'allowed' of parameter {name!r} must be a list.")
    required = str(raw.get("required", "false")).lower() in ("true", "yes")
    classes = raw.get("class") or []
    classes = classes if isinstance(classes, list) else [classes]
    return Parameter(name, kind, _text(raw.get("description")), None if default in (None, "") else str(default),
                     tuple(str(a) for a in allowed), required, tuple(str(c) for c in classes))


# ------------------------------------------------------------------------------------------------ header


def parse_header(text: str, path: Path | str = "<query>") -> dict[str, Any]:
    """The `#+` header of a query as a dict. The header is a small subset of YAML: `key: value`, block text
    after `key: |` or `key: >`, lists of `- item` or `- key: value` mappings, and `[a, b]` lists.

    >>> parse_header("#+ summary: Hi\\n#+ tags: [a, b]\\nSELECT * {}")
    {'summary': 'Hi', 'tags': ['a', 'b']}
    """
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("#+"):
            content = stripped[2:]
            lines.append((number, content.removeprefix(" ")))
        elif stripped and not stripped.startswith("#"):
            break
    parser = _HeaderParser(lines, str(path))
    result = parser.mapping(0)
    unknown = set(result) - _FIELDS
    if unknown:
        raise InputError(f"{path}: unknown header field(s) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(sorted(_FIELDS))}.")
    return result


class _HeaderParser:
    def __init__(self, lines: list[tuple[int, str]], path: str) -> None:
        self.lines = [(n, t) for n, t in lines if t.strip()]
        self.position = 0
        self.path = path

    def _error(self, message: str) -> InputError:
        line = self.lines[min(self.position, len(self.lines) - 1)][0] if self.lines else 1
        return InputError(f"{self.path}:{line}: {message}", f"{self.path}:{line}: {message}")

    def _peek(self) -> tuple[int, str] | None:
        if self.position >= len(self.lines):
            return None
        _, line = self.lines[self.position]
        return len(line) - len(line.lstrip(" ")), line.strip()

    def mapping(self, indent: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while (peeked := self._peek()) is not None:
            level, line = peeked
            if level < indent:
                break
            if level > indent:
                raise self._error("unexpected indentation in the header.")
            match = re.fullmatch(r"([A-Za-z_][\w-]*)\s*:(?:\s+(.*))?", line)
            if not match:
                raise self._error(f"expected 'key: value' in the header, found {line!r}.")
            key, value = match.group(1), (match.group(2) or "").strip()
            self.position += 1
            if key in result:
                raise self._error(f"{key!r} appears twice in the header.")
            result[key] = self._value(value, indent)
        return result

    def _value(self, value: str, indent: int) -> Any:
        if value in ("|", ">"):
            return self._block(indent, folded=value == ">")
        if value:
            return _scalar(value)
        peeked = self._peek()
        if peeked is None or peeked[0] <= indent and not peeked[1].startswith("- "):
            return ""
        if peeked[1].startswith("-"):
            return self._sequence(peeked[0])
        return self.mapping(peeked[0])

    def _block(self, indent: int, folded: bool) -> str:
        collected: list[str] = []
        block_indent = None
        while (peeked := self._peek()) is not None and peeked[0] > indent:
            raw = self.lines[self.position][1]
            block_indent = peeked[0] if block_indent is None else block_indent
            collected.append(raw[min(block_indent, len(raw) - len(raw.lstrip(" "))):])
            self.position += 1
        return (" " if folded else "\n").join(collected)

    def _sequence(self, indent: int) -> list[Any]:
        items: list[Any] = []
        while (peeked := self._peek()) is not None and peeked[0] == indent and peeked[1].startswith("-"):
            rest = peeked[1][1:].strip()
            if re.fullmatch(r"[A-Za-z_][\w-]*\s*:(\s.*)?", rest):
                # "- key: value" starts a mapping whose further keys are indented like `key`.
                number, _ = self.lines[self.position]
                inner = indent + 2
                self.lines[self.position] = (number, " " * inner + rest)
                items.append(self.mapping(inner))
            else:
                self.position += 1
                items.append(_scalar(rest))
        return items


def _scalar(value: str) -> Any:
    if value.startswith("[") and value.endswith("]"):
        inner = value[1:-1].strip()
        return [_scalar(part.strip()) for part in _split_flow(inner)] if inner else []
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _split_flow(text: str) -> list[str]:
    parts, current, quote = [], "", ""
    for char in text:
        if quote:
            current += char
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
            current += char
        elif char == ",":
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts
