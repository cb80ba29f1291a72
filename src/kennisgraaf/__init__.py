"""kennisgraaf: the open knowledge graph of Leiden Kennisstad.

The library API, usable without the command line::

    import kennisgraaf
    graph = kennisgraaf.load()            # ontology + data in an Oxigraph store
    report = kennisgraaf.validate()       # against the SHACL shapes
    kennisgraaf.build()                   # validate and write the store atomically
    turtle = kennisgraaf.export(fmt="turtle")
    rows = kennisgraaf.queries.run("partners", year=2023).records()
"""

from __future__ import annotations

from typing import Any

__all__ = ["KennisgraafError", "Settings", "build", "export", "load", "queries", "validate"]

from .config import Settings
from .errors import KennisgraafError


def __getattr__(name: str) -> Any:
    # Imported on first use, so `kennisgraaf --help` and light commands stay fast.
    if name == "load":
        from .graph.loading import load

        return load
    if name == "validate":  # entries against the current build when it fits, else with the whole graph
        from .entry.changes import validate

        return validate
    if name == "export":
        from .store.export import export

        return export
    if name == "build":
        from .store.builds import build

        return build
    if name == "queries":
        import importlib

        return importlib.import_module(".queries", __name__)
    raise AttributeError(name)
