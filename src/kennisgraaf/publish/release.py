"""Releases: `release()` writes the current build as a versioned, checksummed folder to publish as it is.

Layout of a release (`{releases_dir}/{version}/`, published at `{release_base_url}{version}/`)::

    leiden.ttl leiden.nt leiden.rdf      every fact once (the default graph)
    leiden.trig leiden.nq leiden.jsonld  every fact once, and the claims as named graphs (source and quote)
    void.ttl                             the VoID description, with the published addresses
    dcat.ttl dcat.jsonld                 the DCAT-AP-NL 3.0 record: catalog, dataset, distributions, endpoint
    dcat-validation.ttl                  the record's sh:ValidationReport against Geonovum's shapes
    DIFF.md diff.json                    what changed since the previous release (when there is one)
    release.json                         version, times, the build's content and input hashes, counts, files
    site/                                the static site (publish.site): a page per thing, term and canned query
    SHA256SUMS                           the SHA-256 of every other file, as `sha256sum -c SHA256SUMS` reads it

A release is written into a temporary folder next to the others and renamed to its version only when complete,
so a failed or interrupted release leaves nothing behind; an existing version is never overwritten.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..config import Settings
from ..errors import InputError, KennisgraafError, OutputError
from ..store.builds import current_release, open_store
from ..store.export import FORMATS, export
from ..store.void import store_select, void_description
from . import dcat
from .diff import Diff, Side, compare, release_side
from .layout import DUMP_STEM, MANIFEST, SITE, SUMS
from .site import build_site

__all__ = ["Release", "ReleaseRefused", "check_version", "default_version", "find_releases", "release"]
VERSION_PATTERN = re.compile(r"[0-9A-Za-z][0-9A-Za-z._+-]{0,63}")
RESERVED = {"current"}  # `kennisgraaf diff OLD current` means the current build


class ReleaseRefused(KennisgraafError):
    """The DCAT record of a release violates the DCAT-AP-NL shapes, so nothing was released."""

    exit_code = 1


@dataclass
class Release:
    """A release that was written: where, its manifest, the record's validation and the diff with the last one."""

    version: str
    path: Path
    manifest: dict[str, Any]
    validation: dcat.RecordValidation
    diff: Diff | None

    def summary(self, lang: str = "en") -> str:
        warnings = len(self.validation.warnings)
        dumps = len([f for f in self.manifest["files"] if f.startswith(DUMP_STEM + ".")])
        if lang == "nl":
            since = (f"; {self.diff.count()} wijziging(en) sinds {self.diff.old.name}" if self.diff else
                     "; de eerste release")
            return (f"Release {self.version} geschreven naar {self.path}: {dumps} dumps, VoID, DCAT-AP-NL 3.0 "
                    f"(0 overtredingen, {warnings} waarschuwing(en)), SHA256SUMS{since}.")
        since = f"; {self.diff.count()} change(s) since {self.diff.old.name}" if self.diff else "; the first release"
        return (f"Released {self.version} to {self.path}: {dumps} dumps, VoID, DCAT-AP-NL 3.0 (0 violations, "
                f"{warnings} warning(s)), SHA256SUMS{since}.")


def default_version(report: dict[str, Any]) -> str:
    """The version a release of this build gets unless one is given: the build's date and the start of its
    content hash, e.g. 2025-12-03-e28e2dc5 (the same build always gets the same name)."""
    return f"{report['built_at'][:10]}-{report['content_hash'][:8]}"


def check_version(version: str) -> str:
    if not VERSION_PATTERN.fullmatch(version) or version.lower() in RESERVED:
        raise InputError(
            f"{version!r} cannot be a release version: use letters, digits and . _ + - (at most 64, starting with a "
            f"letter or digit), e.g. 1.0.0 or 2025-06; 'current' is reserved for the current build.",
            f"{version!r} kan geen releaseversie zijn: gebruik letters, cijfers en . _ + - (hoogstens 64, beginnend "
            f"met een letter of cijfer), bijvoorbeeld 1.0.0 of 2025-06; 'current' staat voor de huidige build.")
    return version


def find_releases(releases_dir: Path) -> list[tuple[str, Path, dict[str, Any]]]:
    """(version, folder, manifest) of every release in `releases_dir`, oldest first (by release time)."""
    found = []
    if releases_dir.is_dir():
        for folder in releases_dir.iterdir():
            manifest = folder / MANIFEST
            if folder.name.startswith(".") or not manifest.is_file():
                continue
            try:
                data = json.loads(manifest.read_text("utf-8"))
            except (OSError, ValueError):
                continue
            found.append((folder.name, folder, data))
    return sorted(found, key=lambda item: (item[2].get("released_at", ""), item[0]))


def release(settings: Settings | None = None, version: str | None = None, lang: str | None = None,
            progress: Callable[[str], None] | None = None) -> Release:
    """Write the current build as release `version` (default: `default_version`) into the releases folder.

    Refuses (OutputError) an existing version, (ConfigError) missing release settings, and (ReleaseRefused) a
    DCAT record that violates the DCAT-AP-NL 3.0 shapes; in each case nothing is written.

    >>> result = release(version="1.0.0")  # doctest: +SKIP
    >>> sorted(result.manifest["files"])[:2]  # doctest: +SKIP
    ['DIFF.md', 'dcat-validation.ttl']
    """
    settings = settings or Settings.load()
    lang = lang or settings.language
    publication = dcat.publication(settings)
    build = current_release(settings)
    report = json.loads((build / "report.json").read_text("utf-8"))
    version = check_version(default_version(report) if version is None else version)
    releases_dir = settings.path("releases_dir")
    if releases_dir.exists() and not releases_dir.is_dir():
        raise OutputError(f"{releases_dir} is a file, not a folder; point the setting releases_dir elsewhere.",
                          f"{releases_dir} is een bestand, geen map; zet de instelling releases_dir ergens anders.")
    final = releases_dir / version
    _refuse_existing(final, version)
    earlier = find_releases(releases_dir)
    previous = earlier[-1] if earlier else None

    created_dir = not releases_dir.exists()
    temporary = releases_dir / f".tmp-{version}-{uuid.uuid4().hex[:12]}"
    try:
        temporary.mkdir(parents=True)
        store = open_store(settings)
        made = _write(temporary, settings, publication, store, report, version, previous, lang, progress)
        _refuse_existing(final, version)
        try:
            os.rename(temporary, final)
        except OSError as error:
            if error.errno in (errno.EEXIST, errno.ENOTEMPTY):
                raise _exists(final, version) from None
            raise
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        if created_dir:
            try:
                releases_dir.rmdir()  # only when empty: someone else may have released meanwhile
            except OSError:
                pass
        raise
    manifest, validation, diff = made
    return Release(version, final, manifest, validation, diff)


def _exists(final: Path, version: str) -> OutputError:
    return OutputError(
        f"Release {version} already exists ({final}); a release is never overwritten. Give another version, e.g. "
        f"`kennisgraaf release {version}.1`.",
        f"Release {version} bestaat al ({final}); een release wordt nooit overschreven. Geef een andere versie, "
        f"bijvoorbeeld `kennisgraaf release {version}.1`.")


def _refuse_existing(final: Path, version: str) -> None:
    if final.exists() or final.is_symlink():
        raise _exists(final, version)


def _say(progress: Callable[[str], None] | None, message: str) -> None:
    if progress is not None:
        progress(message)


def _write(folder: Path, settings: Settings, publication: dcat.Publication, store: ox.Store, report: dict[str, Any],
           version: str, previous: tuple[str, Path, dict[str, Any]] | None, lang: str,
           progress: Callable[[str], None] | None) -> tuple[dict[str, Any], dcat.RecordValidation, Diff | None]:
    release_url = f"{publication.release_base_url}{version}/"
    released_at = datetime.now(UTC).isoformat(timespec="seconds")
    files: dict[str, bytes] = {}

    _say(progress, "writing the dumps")
    dumps = []
    for fmt, (_, _, extension) in FORMATS.items():
        name = f"{DUMP_STEM}.{extension}"
        data = export(settings, fmt=fmt, store=store)
        assert data is not None
        files[name] = data
        dumps.append(dcat.DumpFile(fmt, name, len(data), hashlib.sha256(data).hexdigest()))

    _say(progress, "describing the dataset")
    void = void_description(store_select(store), document=release_url + "void.ttl", base_iri=settings.base_iri,
                            sparql_endpoint=publication.public_endpoint,
                            dumps=[release_url + d.name for d in dumps])
    files["void.ttl"] = dcat.serialize(void, ox.RdfFormat.TURTLE)

    previous_url = f"{publication.release_base_url}{previous[0]}/" if previous else None
    record = dcat.record(publication, store, version=version, release_url=release_url, built_at=report["built_at"],
                         released_at=released_at, dumps=dumps, previous_url=previous_url)
    _say(progress, "validating the DCAT-AP-NL record")
    validation = dcat.validate_record(record)
    if validation.violations:
        lines = "\n".join("  " + f.line() for f in validation.violations)
        raise ReleaseRefused(
            f"The DCAT-AP-NL 3.0 record of release {version} violates {len(validation.violations)} rule(s) of "
            f"Geonovum's shapes, so nothing was released:\n{lines}\nCheck the release settings (`kennisgraaf config`).",
            f"Het DCAT-AP-NL 3.0-record van release {version} overtreedt {len(validation.violations)} regel(s) van de "
            f"shapes van Geonovum, dus er is niets uitgebracht:\n{lines}\nControleer de release-instellingen "
            f"(`kennisgraaf config`).")
    files["dcat.ttl"] = dcat.serialize(record, ox.RdfFormat.TURTLE)
    files["dcat.jsonld"] = dcat.serialize(record, ox.RdfFormat.JSON_LD)
    files["dcat-validation.ttl"] = validation.report_turtle

    diff = None
    if previous is not None:
        _say(progress, f"comparing with release {previous[0]}")
        new = Side(version, store, {"built_at": report["built_at"], "content_hash": report["content_hash"]},
                   settings.base_iri)
        diff = compare(release_side(previous[1], settings.base_iri), new)
        files["DIFF.md"] = diff.render(lang).encode("utf-8")
        files["diff.json"] = (json.dumps(diff.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")

    manifest = {
        "version": version,
        "released_at": released_at,
        "release_url": release_url,
        "previous": previous[0] if previous else None,
        "build": {key: report[key] for key in ("built_at", "content_hash", "inputs", "base_iri") if key in report},
        "counts": report.get("counts", {}),
        "dcat_validation": {
            "shapes": "DCAT-AP-NL 3.0.0 (Geonovum), src/kennisgraaf/publish/dcat-ap-nl-3.0/",
            "violations": len(validation.violations),
            "warnings": [{"focus": f.focus, "path": f.path, "shape": f.shape, "message": f.message}
                         for f in validation.warnings],
        },
        "files": {name: {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for name, data in sorted(files.items())},
    }
    _say(progress, "writing the static site")
    site = build_site(store, folder / SITE, settings=settings, endpoint=publication.public_endpoint)
    manifest["site"] = {"entry": f"{SITE}/index.html", "entities": site.entities, "terms": site.terms,
                        "queries": site.queries, "files": site.files}
    files[MANIFEST] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    for name, data in files.items():
        (folder / name).write_bytes(data)
    checked = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    checked.update({path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
                    for path in (folder / SITE).rglob("*") if path.is_file()})
    sums = "".join(f"{digest}  {name}\n" for name, digest in sorted(checked.items()))
    (folder / SUMS).write_text(sums, "utf-8")
    return manifest, validation, diff
