"""The inbox of the web form: entries checked in the context of the graph and saved as files in `entries_dir`
(data/inbox/ by default), where builds do not read them, until `kennisgraaf add` takes them in.

An entry is written once, completely, and never over anything:

1. its text goes to a hidden temporary file in the inbox (hidden files are never read as data), flushed to disk;
2. that very file is validated as a change of the graph (changes.py: the same check as `kennisgraaf validate
   FILE`, reporting only the entry's own problems);
3. only when it conforms is it *linked* to its name, `<kind>-<slug>-<time>.trig`: a link fails rather than
   replace a file that exists, so another name is tried (`...-2.trig`). The temporary file is removed in
   every case — after an error or an interruption too — so the inbox never holds a partial entry.

Names are made of lowercase letters, digits and hyphens only, and the file is made in the inbox itself, so
nothing is ever written outside it.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox

from ..config import Settings
from ..errors import OutputError
from ..validation.validator import ValidationReport
from .adding import sync_folder
from .changes import Change, validate_change

__all__ = ["Saved", "inbox_folder", "pending_iris", "save_entry"]

_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass
class Saved:
    """The outcome of saving an entry: the validation report, and the file when it conformed."""

    report: ValidationReport
    path: Path | None


def inbox_folder(settings: Settings) -> Path:
    """The inbox (entries_dir), made when it does not exist yet."""
    folder = settings.path("entries_dir")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"The inbox {folder} (the setting entries_dir) cannot be made: {error.strerror}.",
                          f"De map {folder} (de instelling entries_dir) kan niet gemaakt worden: "
                          f"{error.strerror}.") from None
    if not folder.is_dir():
        raise OutputError(f"The inbox {folder} (the setting entries_dir) is not a folder.",
                          f"De map {folder} (de instelling entries_dir) is geen map.")
    return folder


def pending_iris(settings: Settings) -> set[str]:
    """The IRIs the entries waiting in the inbox give things and claims: a new entry gets others."""
    folder = settings.path("entries_dir")
    found: set[str] = set()
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.trig")):
        try:
            for quad in ox.parse(path.read_bytes(), ox.RdfFormat.TRIG):
                for term in (quad.subject, quad.graph_name):
                    if isinstance(term, ox.NamedNode):
                        found.add(term.value)
        except (OSError, SyntaxError):
            continue  # not an entry of the form; `add` will say what is wrong with it
    return found


def save_entry(settings: Settings, text: str, name: str, now: datetime, lang: str) -> Saved:
    """Validate the entry `text` in the context of the graph and, when it conforms, save it in the inbox as
    `<name>-<time>.trig` (never over an existing file). Nothing is saved when it does not conform.

    >>> saved = save_entry(Settings.load(), text, "membership-naturalis-nkn", now, "nl")  # doctest: +SKIP
    """
    if not _NAME.fullmatch(name):
        raise ValueError(f"not a name for an inbox file: {name!r}")  # names are made by the caller: a bug
    with _staged(inbox_folder(settings), text) as staged:
        report = validate_change(settings, Change([staged]), lang)
        if not report.conforms:
            return Saved(report, None)
        return Saved(report, _keep(staged, f"{name}-{now:%Y%m%dT%H%M%SZ}"))


@contextmanager
def _staged(folder: Path, text: str) -> Iterator[Path]:
    """The text in a hidden temporary file of `folder`, on disk; removed afterwards, whatever happens."""
    handle, name = tempfile.mkstemp(prefix=".kennisgraaf-form-", suffix=".trig", dir=folder)
    path = Path(name)
    try:
        os.fchmod(handle, 0o644)  # an entry to read and review, like the data files (mkstemp makes it private)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        yield path
    finally:
        path.unlink(missing_ok=True)


def _keep(staged: Path, stem: str) -> Path:
    """Link the staged file to `stem.trig` in its folder, or `stem-2.trig`, ... when that exists."""
    folder = staged.parent
    for number in range(1, 1000):
        target = folder / (f"{stem}.trig" if number == 1 else f"{stem}-{number}.trig")
        try:
            os.link(staged, target)  # never replaces a file (or a symbolic link) that is there
        except FileExistsError:
            continue
        sync_folder(folder)
        return target
    raise OutputError(f"The inbox {folder} already holds a thousand entries named {stem}; nothing was saved.",
                      f"De map {folder} bevat al duizend invoeren met de naam {stem}; er is niets bewaard.")
