"""Query → network: the partner network — organisations linked by the collaborations, agreements, initiatives and
events they share, weighted by how many — as a networkx graph, as of a year or around one organisation, and
that graph as a picture (SVG, PNG by Graphviz) or as files for Gephi and scripts (GraphML, GEXF, JSON).

Owns: `building` (`build_network`, the years the graph covers, the colours of the organisation types) and
`files` (drawing with Graphviz and writing every format).
May import: the foundation, `kennisgraaf.store` (to write files atomically) and `kennisgraaf.queries` (the
network is built from the canned queries `ties` and `partners`).

    >>> import kennisgraaf.network
    >>> graph = kennisgraaf.network.build_network(year=2023)
    >>> svg = kennisgraaf.network.render(graph, "svg")

networkx and Graphviz are imported on first use, so the command line starts fast.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FORMATS", "build_network", "elements", "legend", "render", "write", "years"]


def __getattr__(name: str) -> Any:
    if name in ("build_network", "years", "legend", "elements"):
        from . import building

        return getattr(building, name)
    if name in ("FORMATS", "render", "write"):
        from . import files

        return getattr(files, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
