"""Putting checked entries into data/ and rebuilding — all of it, or none of it.

`add` validates the entries as a change of the graph (changes.py) and refuses them unless they conform. Then:

1. each entry's bytes (the very bytes that were validated) are written to a hidden temporary file in data/
   (hidden files are not read as data) and flushed to disk;
2. each is switched into place: a new file is *linked* to its name, which fails rather than overwrite a file
   that appeared meanwhile; a replaced data file is first copied to `build/backups/<time>/`, then the new
   version is renamed over it in one step (os.replace): readers see the old file or the new, never half;
3. the graph is rebuilt (store.builds.build, atomic itself).

If anything fails or is interrupted after step 1 — an error, a rule the whole graph breaks, Ctrl-C — every
step done is undone in reverse (new files removed, replaced ones restored from their backup) and the error is
raised again: data/ is as it was, and so is the previous build. Ctrl-C is held back while files are switched
and while they are switched back, so an undo is never cut off halfway. The given files are only read, never
changed or moved. The backup of a replaced file is kept when the add succeeds: what a user wrote is not lost.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..config import Settings
from ..errors import InputError, OutputError, ValidationFailed
from ..graph.files import shown
from ..store.builds import BuildReport, build
from ..validation.validator import ValidationReport
from .changes import Change, plan_change, validate_change

__all__ = ["Added", "add", "sync_folder"]


@dataclass
class Added:
    """What `add` did: the files it placed in data/, the ones it replaced (with their backups), the build."""

    change: Change
    report: ValidationReport
    placed: list[tuple[Path, Path]] = field(default_factory=list)  # (entry, data file)
    backups: dict[Path, Path] = field(default_factory=dict)  # replaced data file -> its previous version
    unchanged: list[tuple[Path, Path]] = field(default_factory=list)  # (entry, the data file that already holds it)
    build: BuildReport | None = None

    def summary(self, lang: str) -> list[str]:
        lines = self.change.notes(lang)
        for entry, target in self.placed:
            if target in self.backups:
                lines.append(f"{shown(target)} vervangen door {shown(entry)}; de vorige versie staat in "
                             f"{shown(self.backups[target])}." if lang == "nl" else
                             f"Replaced {shown(target)} by {shown(entry)}; the previous version is kept in "
                             f"{shown(self.backups[target])}.")
            else:
                lines.append(f"{shown(entry)} toegevoegd als {shown(target)}." if lang == "nl" else
                             f"Added {shown(entry)} as {shown(target)}.")
        for entry, target in self.unchanged:
            lines.append(f"{shown(target)} is al gelijk aan {shown(entry)}: niets veranderd." if lang == "nl" else
                         f"{shown(target)} is already the same as {shown(entry)}: nothing changed.")
        return lines


def add(settings: Settings, files: Iterable[Path | str], replaces: Path | str | None = None,
        lang: str | None = None, progress: Callable[[str], None] | None = None) -> Added:
    """Validate entries in the context of the graph and, when they conform, put them into data/ and rebuild.
    Raises ValidationFailed (nothing changed) when they do not conform, or when the graph with them does not.

    >>> added = add(Settings.load(), ["nieuw/lidmaatschap.trig"])  # doctest: +SKIP
    """
    lang = lang or settings.language
    change = plan_change(settings, files, replaces)
    targets = _targets(settings, change)
    contents = {entry: entry.read_bytes() for entry in change.files}
    report = validate_change(settings, change, lang)
    if not report.conforms:
        raise ValidationFailed(
            f"The entries break {len(report.violations)} rule(s), so nothing was added and data/ is unchanged. Fix "
            f"the problems listed above and add again (`kennisgraaf validate` checks without adding).",
            f"De invoer overtreedt {len(report.violations)} regel(s), dus er is niets toegevoegd en data/ is "
            f"ongewijzigd. Los de problemen hierboven op en voeg opnieuw toe (`kennisgraaf validate` controleert "
            f"zonder toe te voegen).",
            report=report)
    for entry, content in contents.items():
        if entry.read_bytes() != content:
            raise InputError(f"{shown(entry)} changed while it was being checked, so nothing was added. Save it and "
                             f"add it again.",
                             f"{shown(entry)} is veranderd terwijl het werd gecontroleerd, dus er is niets "
                             f"toegevoegd. Sla het op en voeg het opnieuw toe.", file=shown(entry))
    added = Added(change, report)
    items = [(entry, targets[entry], contents[entry]) for entry in change.files]
    changed = [item for item in items if not (item[0] in change.replaces and item[1].read_bytes() == item[2])]
    added.unchanged = [(entry, target) for entry, target, _ in items if (entry, target, contents[entry]) not in changed]
    if changed:
        _commit(settings, added, changed, lang, progress)
    return added


def _targets(settings: Settings, change: Change) -> dict[Path, Path]:
    """Where each entry goes: the data file it replaces, or data/<its name>, which must not exist."""
    data_dir = settings.path("data_dir").resolve()
    inbox = settings.path("entries_dir").resolve()  # in data/ by default, but not part of the graph
    targets: dict[Path, Path] = {}
    for entry in change.files:
        if entry.is_dir():
            raise InputError(f"{shown(entry)} is a folder: give the files in it to add, one by one.",
                             f"{shown(entry)} is een map: geef de bestanden erin die je wilt toevoegen.",
                             file=shown(entry))
        if entry.is_relative_to(data_dir) and not entry.is_relative_to(inbox):
            raise InputError(
                f"{shown(entry)} is already in the data folder, so it is part of the graph: `kennisgraaf validate` "
                f"checks it, `kennisgraaf build` builds with it. `add` is for files kept outside data/.",
                f"{shown(entry)} staat al in de map met gegevens en hoort dus al bij de graaf: `kennisgraaf "
                f"validate` controleert het, `kennisgraaf build` bouwt ermee. `add` is voor bestanden buiten data/.",
                file=shown(entry))
        target = change.replaces.get(entry) or data_dir / entry.name
        if entry not in change.replaces and (target.exists() or target.is_symlink() or target in targets.values()):
            raise OutputError(
                f"{shown(target)} already exists, and `add` never overwrites a data file. If {shown(entry)} is a "
                f"changed version of it, add it with --replaces {shown(target)}; if it is new, give it another "
                f"name (e.g. {entry.stem}-2{entry.suffix}). Nothing was changed.",
                f"{shown(target)} bestaat al, en `add` overschrijft nooit een gegevensbestand. Is {shown(entry)} een "
                f"gewijzigde versie ervan, voeg het dan toe met --replaces {shown(target)}; is het nieuw, geef het "
                f"dan een andere naam (bijv. {entry.stem}-2{entry.suffix}). Er is niets veranderd.")
        targets[entry] = target
    return targets


def _commit(settings: Settings, added: Added, items: list[tuple[Path, Path, bytes]], lang: str,
            progress: Callable[[str], None] | None) -> None:
    backup_dir = settings.path("build_dir") / "backups" / datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    staged: list[tuple[Path, Path, Path]] = []
    done: list[tuple[Path, Path | None]] = []  # (data file, its backup when it was replaced)
    try:
        with _interrupts_held():
            for entry, target, content in items:
                staged.append((entry, target, _stage(target.parent, content)))
            for entry, target, temporary in staged:
                backup = _place(temporary, target, backup_dir if target in added.change.replaced else None)
                done.append((target, backup))
                added.placed.append((entry, target))
                if backup is not None:
                    added.backups[target] = backup
            sync_folder(settings.path("data_dir"))
        added.build = build(settings, progress=progress, lang=lang)
    except BaseException as error:
        with _interrupts_held():
            _undo(done, staged, backup_dir)
        added.placed.clear()
        added.backups.clear()
        if isinstance(error, ValidationFailed):
            raise ValidationFailed(
                "The entries conform on their own, but with them the graph breaks the rules above, so they were "
                "taken out of data/ again: data/ and the previous build are as they were. Fix the problems and add "
                "again.",
                "De invoer voldoet op zich, maar de graaf met de invoer overtreedt de regels hierboven; daarom is ze "
                "weer uit data/ gehaald: data/ en de vorige build zijn zoals ze waren. Los de problemen op en voeg "
                "opnieuw toe.",
                report=error.report) from None
        raise


def _stage(folder: Path, content: bytes) -> Path:
    """The content in a hidden temporary file in `folder`, on disk."""
    handle, name = tempfile.mkstemp(prefix=".kennisgraaf-add-", suffix=".tmp", dir=folder)
    with os.fdopen(handle, "wb") as stream:
        stream.write(content)
        stream.flush()
        os.fsync(stream.fileno())
    return Path(name)


def _place(temporary: Path, target: Path, backup_dir: Path | None) -> Path | None:
    """Switch a staged file into place; returns the backup of the file it replaced (None for a new file)."""
    if backup_dir is None:
        os.link(temporary, target)  # a new file: fails instead of overwriting one that appeared meanwhile
        os.unlink(temporary)
        return None
    backup_dir.mkdir(parents=True, exist_ok=True)
    backup = backup_dir / target.name
    shutil.copy2(target, backup)
    os.replace(temporary, target)  # one rename: the old file or the new, never half of one
    return backup


def _undo(done: list[tuple[Path, Path | None]], staged: list[tuple[Path, Path, Path]], backup_dir: Path) -> None:
    for target, backup in reversed(done):
        if backup is None:
            target.unlink(missing_ok=True)
        else:
            restored = _stage(target.parent, backup.read_bytes())
            shutil.copystat(backup, restored)
            os.replace(restored, target)
            backup.unlink()
    for _, _, temporary in staged:
        temporary.unlink(missing_ok=True)
    if backup_dir.is_dir() and not any(backup_dir.iterdir()):
        backup_dir.rmdir()


def sync_folder(folder: Path) -> None:
    """Make the renames and new names in `folder` durable (POSIX: fsync the directory)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) back until the block is done, then raise it: files are switched, or switched back,
    all the way. Only the main thread receives signals; elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: received.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            raise KeyboardInterrupt
