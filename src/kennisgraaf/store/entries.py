"""The current build as incremental validation needs it (validation/incremental.py): `built_for(settings, files)`
opens it when it was made from the same ontology, data and shapes as the project has now, apart from the
entries being validated (new ones, or ones unchanged since the build), and says why not otherwise
(`NotIncremental`). `kennisgraaf validate FILE` (entry/changes.py) then validates against it, or in full.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from ..config import Settings
from ..errors import NotBuiltError
from ..graph.files import data_files, discover
from ..validation.incremental import Built, NotIncremental
from ..validation.keyindex import KeyIndex
from ..validation.reach import Analysis
from .builds import DEFAULT_GRAPH, ENTITIES, KEYS, REACH, current_release
from .vocabulary import read_vocabulary

__all__ = ["built_for"]


def built_for(settings: Settings, files: Iterable[Path | str]) -> Built:
    """The current build, for validating `files` against it; NotIncremental when there is none, or it was made
    from other ontology, data or shapes than the project has now (apart from `files`)."""
    try:
        release = current_release(settings)
    except NotBuiltError:
        raise NotIncremental("there is no current build") from None
    try:
        report = json.loads((release / "report.json").read_text("utf-8"))
        default_graph = (release / DEFAULT_GRAPH).read_bytes()
    except (OSError, ValueError):
        raise NotIncremental("the build keeps no default graph of its own (made by an older version)") from None
    if "shapes" not in report or report.get("base_iri") != settings.base_iri:
        raise NotIncremental("the build was made with other settings or by an older version")
    extra = [Path(f).resolve() for f in files]
    sources = data_files(settings, extra)
    entries = {f.path for f in sources if any(f.path == e or f.path.is_relative_to(e) for e in extra)}
    inputs = {i["file"]: i["sha256"] for i in report["inputs"]}
    now: dict[str, str] = {}  # the ontology and data files apart from the entries
    built_entries = set()
    for source in sources:
        name = source.display(settings.project_dir)
        if source.path not in entries:
            now[name] = _sha256(source.path)
        elif name in inputs:  # an entry the build already read: the same, or changed since
            if inputs[name] != _sha256(source.path):
                raise NotIncremental(f"{name} has changed since the build")
            built_entries.add(source.path)
    entry_names = {s.display(settings.project_dir) for s in sources if s.path in entries}
    if now != {name: sha for name, sha in inputs.items() if name not in entry_names}:
        raise NotIncremental("the ontology or data have changed since the build")
    shapes = {s.display(settings.project_dir): _sha256(s.path) for s in discover(settings, "shapes")}
    if shapes != {i["file"]: i["sha256"] for i in report["shapes"]}:
        raise NotIncremental("the shapes have changed since the build")
    analysis = None
    try:
        kept = json.loads((release / REACH).read_text("utf-8"))
    except (OSError, ValueError):
        kept = {}
    if "not_incremental" in kept:
        raise NotIncremental(kept["not_incremental"])
    if kept:
        analysis = Analysis.from_json(kept)  # None when made by another version: made again
    store = ox.Store.read_only(str(release / "store"))
    triples = list(ox.parse(default_graph, ox.RdfFormat.N_TRIPLES)) if default_graph else []
    vocabulary = read_vocabulary(release)
    if vocabulary is None:
        raise NotIncremental("the build keeps no vocabulary (made by an older version)")
    if not (release / ENTITIES).exists():
        raise NotIncremental("the build keeps no list of its entities (made by an older version)")
    return Built(store, [ox.Triple(q.subject, q.predicate, q.object) for q in triples], report["warnings"],
                 built_entries, analysis, vocabulary.properties,
                 lambda: (release / ENTITIES).read_text("utf-8").split(),
                 KeyIndex(release / KEYS) if (release / KEYS).exists() else None)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

