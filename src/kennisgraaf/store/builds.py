"""The built store: `build()` writes it atomically, `open_store()` reads it.

The store holds every fact once in its default graph (the deduplicated union of the claims, the ontology and
the descriptions of the documents) and each claim as a named graph with its source and quote, so a plain query
sees each fact once and `GRAPH ?claim { ... }` tells where it comes from.

Layout of the build folder::

    build/
      .kennisgraaf-build        marks the folder as ours: we never write into a folder without it
      current -> releases/<id>  symlink, swapped atomically when a build succeeds
      releases/<id>/store/      the Oxigraph (RocksDB) store
      releases/<id>/report.json counts per class and graph, warnings, timings, content hash, input hashes
      releases/<id>/default-graph.nt the data's own default graph (the document descriptions), as read:
                                in the store it is mixed with the facts of the claims; incremental
                                validation needs it as it was
      releases/<id>/reach.json  how far the shapes look from a focus node (validation/reach.py), for
                                incremental validation
      releases/<id>/keys.sqlite the triples by the key a shape compares them on (validation/keyindex.py),
                                for incremental validation
      releases/<id>/vocabulary.json the classes and properties the graph uses (to check queries against)
      releases/<id>/entities.txt the declared entity IRIs, one per line (for "did you mean" in incremental
                                validation, which does not read the whole graph)

A build is written into a fresh release folder and only then made current by replacing the symlink in one
rename, so a failed or interrupted build (Ctrl-C, crash, disk full) leaves the previous build as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..config import Settings
from ..errors import NotBuiltError, OutputError, ValidationFailed
from ..validation.keyindex import write as write_key_index
from ..validation.reach import Analysis
from .vocabulary import vocabulary_of, write_vocabulary

__all__ = ["LAYOUT", "BuildReport", "build", "current_release", "open_store", "read_report", "state_each_fact_once"]

MARKER = ".kennisgraaf-build"
KEEP_RELEASES = 2
LAYOUT = 2  # report.json's "layout": 2 since the default graph holds each fact once (1: it held only documents)
DEFAULT_GRAPH = "default-graph.nt"
REACH = "reach.json"
ENTITIES = "entities.txt"
KEYS = "keys.sqlite"
# The entity IRIs a validation knows as declared (validation/validator.py: with rdf:type or kg:statusValue)
_ENTITIES = ("SELECT DISTINCT ?s WHERE {{ {{ ?s a ?type }} UNION {{ ?s <https://w3id.org/kennisgraaf/def/statusValue> "
             "?status }} FILTER(isIRI(?s) && STRSTARTS(STR(?s), \"{prefix}\")) }}")


@dataclass
class BuildReport:
    """What a build produced; written as report.json next to the store."""

    path: Path
    data: dict[str, Any]

    def summary(self) -> str:
        counts = self.data["counts"]
        timings = self.data["timings"]
        return (
            f"Built {counts['triples']} triples in {counts['named_graphs']} named graphs "
            f"({counts['claims']} claims) in {timings['total']:.2f} s: {self.path}\n"
            f"{len(self.data['warnings'])} warning(s); content hash {self.data['content_hash'][:16]}"
        )


def build(settings: Settings | None = None, progress: Callable[[str], None] | None = None,
          lang: str | None = None) -> BuildReport:
    """Read, validate and store the graph. Refuses (ValidationFailed) when a shape is violated; warnings are
    kept in the report. Returns the report of the new current build.

    >>> report = build()
    >>> report.data["counts"]["claims"] > 0
    True
    """
    from ..graph.loading import load
    from ..validation.validator import validate_graph

    settings = settings or Settings.load()
    build_dir = _prepare_build_dir(settings.path("build_dir"))
    timings: dict[str, float] = {}
    started = time.perf_counter()
    graph = load(settings, progress=progress)
    timings["read"] = time.perf_counter() - started

    step = time.perf_counter()
    _say(progress, "validating")
    report = validate_graph(graph, lang=lang or settings.language)
    timings["validate"] = time.perf_counter() - step
    if not report.conforms:
        raise ValidationFailed(
            f"The graph violates {len(report.violations)} rule(s), so nothing was built; the previous build is "
            f"unchanged. Fix the problems listed above and build again.",
            f"De graaf overtreedt {len(report.violations)} regel(s), dus er is niets gebouwd; de vorige build is "
            f"ongewijzigd. Los de problemen hierboven op en bouw opnieuw.",
            report=report,
        )

    step = time.perf_counter()
    _say(progress, "writing the store")
    default_graph = graph.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    state_each_fact_once(graph.store)
    release = build_dir / "releases" / f".tmp-{uuid.uuid4().hex}"
    try:
        release.mkdir(parents=True)
        (release / DEFAULT_GRAPH).write_bytes(default_graph)
        analysis, why = _reach(settings)
        kept = analysis.to_json() if analysis is not None else {"not_incremental": why}
        (release / REACH).write_text(json.dumps(kept) + "\n", "utf-8")
        dump = graph.store.dump(format=ox.RdfFormat.N_QUADS)
        assert dump is not None
        _write_store(release / "store", dump)
        write_vocabulary(release, vocabulary_of(graph.store))
        (release / ENTITIES).write_text(_entities(graph.store, settings.base_iri), "utf-8")
        if analysis is not None:
            write_key_index(graph.store, analysis, release / KEYS)
        timings["store"] = time.perf_counter() - step
        timings["total"] = time.perf_counter() - started
        data = _report_data(settings, graph, report, dump, timings)
        (release / "report.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
        final = release.with_name(datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%f") + "-" + uuid.uuid4().hex[:8])
        release.rename(final)
        _make_current(build_dir, final)
    except BaseException:
        shutil.rmtree(release, ignore_errors=True)
        raise
    _prune(build_dir)
    return BuildReport(build_dir / "current", data)


def state_each_fact_once(store: ox.Store) -> None:
    """Put every triple of the named graphs into the default graph, where a store holds it once however many
    claims state it."""
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")


def _entities(store: ox.Store, base_iri: str) -> str:
    rows = store.query(_ENTITIES.format(prefix=base_iri + "id/"))
    return "".join(f"{iri}\n" for iri in sorted(row["s"].value for row in rows))  # type: ignore[union-attr]


def _reach(settings: Settings) -> tuple[Analysis | None, str]:
    """The reach of the shapes, or why there is none (then every validation of an entry is a full one)."""
    from ..validation.reach import NotIncremental, analyse
    from ..validation.validator import shapes_graph

    try:
        return analyse(shapes_graph(settings)), ""
    except NotIncremental as reason:
        return None, str(reason)


def _say(progress: Callable[[str], None] | None, message: str) -> None:
    if progress is not None:
        progress(message)


def _write_store(path: Path, nquads: bytes) -> None:
    store = ox.Store(str(path))
    store.bulk_load(nquads, ox.RdfFormat.N_QUADS)
    store.flush()
    del store  # closes RocksDB before the folder is swapped in


def _prepare_build_dir(build_dir: Path) -> Path:
    if build_dir.exists() and not (build_dir / MARKER).exists() and any(build_dir.iterdir()):
        raise OutputError(
            f"{build_dir} already exists and was not made by kennisgraaf, so it is left alone. Point the setting "
            f"build_dir at an empty or new folder (e.g. KENNISGRAAF_BUILD_DIR=build), or empty it yourself."
        )
    build_dir.mkdir(parents=True, exist_ok=True)
    (build_dir / MARKER).touch()
    return build_dir


def _make_current(build_dir: Path, release: Path) -> None:
    link = build_dir / "current"
    temporary = build_dir / f".current-{uuid.uuid4().hex}"
    os.symlink(Path("releases") / release.name, temporary)
    os.replace(temporary, link)  # atomic: readers see the old build or the new one, never neither


def _prune(build_dir: Path) -> None:
    current = (build_dir / "current").resolve()
    releases = sorted(p for p in (build_dir / "releases").iterdir() if not p.name.startswith("."))
    for old in releases[:-KEEP_RELEASES]:
        if old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)


def _report_data(settings: Settings, graph: Any, report: Any, nquads: bytes, timings: dict[str, float]) -> dict:
    from dataclasses import asdict

    from ..graph.files import discover

    lines = sorted(line for line in nquads.split(b"\n") if line)
    return {
        "layout": LAYOUT,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "base_iri": settings.base_iri,
        "content_hash": hashlib.sha256(b"\n".join(lines)).hexdigest(),
        "inputs": [
            {"file": f.display(settings.project_dir), "sha256": hashlib.sha256(f.path.read_bytes()).hexdigest()}
            for f in graph.files
        ],
        "shapes": [
            {"file": f.display(settings.project_dir), "sha256": hashlib.sha256(f.path.read_bytes()).hexdigest()}
            for f in discover(settings, "shapes")
        ],
        "counts": _counts(graph.store),
        "warnings": [asdict(p) for p in report.warnings],
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _counts(store: ox.Store) -> dict[str, object]:
    from ..graph.loading import count_summary  # imported here: reading a build must not load the building code

    return count_summary(store)


def current_release(settings: Settings) -> Path:
    """The folder of the current build; NotBuiltError when there is none."""
    link = settings.path("build_dir") / "current"
    if not link.exists():
        raise NotBuiltError(
            f"There is no built graph in {settings.path('build_dir')} yet. Run `kennisgraaf build` first.",
            f"Er is nog geen gebouwde graaf in {settings.path('build_dir')}. Voer eerst `kennisgraaf build` uit.",
        )
    release = link.resolve()
    try:
        layout = json.loads((release / "report.json").read_text("utf-8")).get("layout", 1)
    except (OSError, ValueError):
        layout = None
    if layout != LAYOUT:
        raise NotBuiltError(
            f"The build in {release} was made by another version of kennisgraaf (its store is laid out "
            f"differently). Run `kennisgraaf build` again.",
            f"De build in {release} is gemaakt door een andere versie van kennisgraaf (de opslag is anders "
            f"ingedeeld). Voer `kennisgraaf build` opnieuw uit.")
    return release


def open_store(settings: Settings | None = None) -> ox.Store:
    """The current built store, opened read-only."""
    settings = settings or Settings.load()
    return ox.Store.read_only(str(current_release(settings) / "store"))


def read_report(settings: Settings | None = None) -> dict[str, Any]:
    """The report.json of the current build."""
    settings = settings or Settings.load()
    return json.loads((current_release(settings) / "report.json").read_text("utf-8"))
