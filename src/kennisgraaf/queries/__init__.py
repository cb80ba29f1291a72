"""Store → query: SPARQL on the built graph or an endpoint — the catalogue of canned queries, running queries in
worker processes that are killed at their time limit, results, names and tables for people.

Owns: `catalogue` (the .rq files and their headers), `worker` (worker processes), `running` (`run`, `sparql`,
results, names) and `table`.
May import: the foundation (`kennisgraaf.sparqltext` checks query text) and `kennisgraaf.store` (to find the
current build).

The public API, e.g. ``kennisgraaf.queries.run("partners", year=2023).records()``, is that of `running`;
it is imported on first use, so that the command line starts fast.
"""

from __future__ import annotations

from typing import Any

__all__ = ["GRAPH_FORMATS", "RESULT_FORMATS", "Result", "Row", "Target", "get", "labels", "list_queries", "prepare",
           "run", "sparql", "to_python"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import running

        return getattr(running, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
