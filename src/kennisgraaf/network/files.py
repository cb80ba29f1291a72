"""The network as files: a picture (SVG or PNG, laid out and drawn by Graphviz), GraphML and GEXF for Gephi
(types, colours and weights as attributes), and JSON (networkx's node-link form) for scripts.

The picture is laid out by Graphviz's `neato` (stress majorisation, from a fixed start, so the same network
gives the same picture byte for byte) with its overlap removal, so no two names cover each other; the legend
is part of the picture. Graphviz is the Debian package `graphviz` (`scripts/setup.sh` installs it).

    >>> from kennisgraaf.network import build_network, render
    >>> render(build_network(year=2023), "gexf")[:38]
    b'<?xml version="1.0" encoding="utf-8"?>'
"""

from __future__ import annotations

import html
import io
import json
import math
from pathlib import Path

import networkx as nx

from ..errors import InputError, KennisgraafError
from ..store.export import write_atomically
from .building import legend

__all__ = ["FORMATS", "DrawingError", "draw", "render", "write"]

FORMATS = ("svg", "png", "graphml", "gexf", "json")
FONT = "DejaVu Sans"
SEED = 7  # where neato's layout starts: any fixed number makes the picture reproducible

WORDS = {
    "en": {"title": "Who works with whom in Leiden Kennisstad", "all": "all years",
           "around": "around {name}",
           "prominent": "Large, bold: a partner of Leiden Kennisstad{when}; thick border: a knowledge partner "
                        "(kennisgraaf query partners{option}).",
           "weight": "A line's width: how many collaborations, agreements, initiatives and events the two share.",
           "none": "(no type)"},
    "nl": {"title": "Wie werkt met wie in Leiden Kennisstad", "all": "alle jaren",
           "around": "rond {name}",
           "prominent": "Groot en vet: partner van Leiden Kennisstad{when}; dikke rand: kennispartner "
                        "(kennisgraaf query partners{option}).",
           "weight": "Dikte van een lijn: hoeveel samenwerkingen, overeenkomsten, initiatieven en evenementen de "
                     "twee delen.",
           "none": "(geen soort)"},
}


class DrawingError(KennisgraafError):
    """The picture cannot be drawn: Graphviz is missing or failed."""

    exit_code = 2


def render(graph: nx.Graph, fmt: str = "svg", language: str = "nl") -> bytes:
    """The network as the bytes of a file in `fmt` (svg, png, graphml, gexf or json)."""
    if fmt in ("svg", "png"):
        return draw(graph, fmt, language)
    if fmt == "graphml":
        return ("\n".join(nx.generate_graphml(graph, prettyprint=True)) + "\n").encode("utf-8")
    if fmt == "gexf":
        return _gexf(graph)
    if fmt == "json":
        data = nx.node_link_data(graph, edges="links")
        return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
    raise InputError(f"Unknown network format {fmt!r}; use one of: {', '.join(FORMATS)}.",
                     f"Onbekend netwerkformaat {fmt!r}; gebruik een van: {', '.join(FORMATS)}.")


def write(graph: nx.Graph, fmt: str, output: Path | str, force: bool = False, language: str = "nl") -> None:
    """Write the network to `output` as `fmt`, atomically; an existing file is replaced only with `force`."""
    write_atomically(Path(output), render(graph, fmt, language), force)


def _gexf(graph: nx.Graph) -> bytes:
    # Gephi shows GEXF's viz:color and viz:size as they are; the same values stay attributes too.
    copy = graph.copy()
    for _, data in copy.nodes(data=True):
        red, green, blue = _rgb(data["color"])
        data["viz"] = {"color": {"r": red, "g": green, "b": blue, "a": 1.0}, "size": _size(data)}
    buffer = io.BytesIO()
    nx.write_gexf(copy, buffer)
    return buffer.getvalue()


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _size(data: dict[str, object]) -> float:
    return 20.0 if data.get("prominent") else 10.0


# ------------------------------------------------------------------------------------------------ the picture


def draw(graph: nx.Graph, fmt: str = "svg", language: str = "nl") -> bytes:
    """The network as an SVG or PNG picture with a legend, laid out so that no names overlap."""
    import graphviz

    words = WORDS.get(language, WORDS["en"])
    picture = graphviz.Graph("network", engine="neato", encoding="utf-8")
    picture.attr(overlap="prism", overlap_scaling="-4", sep="+10", esep="+3", splines="true", start=str(SEED),
                 outputorder="edgesfirst", bgcolor="white", pad="0.3", fontname=FONT, labelloc="b",
                 labeljust="l", label=_legend(graph, words), dpi="96")
    picture.attr("node", shape="box", style="rounded,filled", fontname=FONT, fontsize="11", penwidth="1",
                 color="#33415580", margin="0.08,0.04")
    # Graphviz would read the colon of an IRI as a node's port: nodes get plain names, the IRI is their link.
    names = {node: f"n{number}" for number, node in enumerate(sorted(graph))}
    for node, data in sorted(graph.nodes(data=True)):
        prominent = bool(data["prominent"])
        name = html.escape(data["label"])
        picture.node(names[node], label=f"<<B>{name}</B>>" if prominent else f"<{name}>",
                     fillcolor=data["color"], fontcolor=_text_colour(data["color"]),
                     fontsize="15" if prominent else "11",
                     penwidth="3.5" if data["partner"] else ("1.6" if prominent else "1"),
                     color="#111111" if data["partner"] else "#334155",
                     peripheries="2" if node == graph.graph.get("organisation") else "1",
                     tooltip=f"{data['label']} ({data['types'] or words['none']})", URL=node, target="_top")
    for a, b, data in sorted((min(a, b), max(a, b), d) for a, b, d in graph.edges(data=True)):
        weight = int(data["weight"])
        alpha = min(0xe0, 0x58 + 0x18 * weight)  # heavier links darker as well as wider
        picture.edge(names[a], names[b], penwidth=f"{0.5 + 1.2 * math.sqrt(weight):.2f}", color=f"#4b5b6e{alpha:02x}",
                     len=f"{max(1.1, 2.6 - 0.25 * weight):.2f}", weight=str(weight),
                     tooltip=f"{graph.nodes[a]['label']} — {graph.nodes[b]['label']}: {data['shared']}")
    try:
        return picture.pipe(format=fmt, renderer="cairo" if fmt == "png" else None, quiet=True)
    except graphviz.ExecutableNotFound:
        raise DrawingError(
            "Drawing the network needs Graphviz (its program neato), which is not installed: on Debian or Ubuntu "
            "run `sudo apt-get install graphviz` (scripts/setup.sh does this when run as root). GraphML, GEXF and "
            "JSON need no Graphviz.",
            "Voor een tekening van het netwerk is Graphviz nodig (het programma neato), en dat is niet "
            "geïnstalleerd: op Debian of Ubuntu `sudo apt-get install graphviz` (scripts/setup.sh doet dat als "
            "root). GraphML, GEXF en JSON hebben geen Graphviz nodig.") from None
    except graphviz.CalledProcessError as error:
        raise DrawingError(f"Graphviz could not draw the network: {error.stderr!r}.",
                           f"Graphviz kon het netwerk niet tekenen: {error.stderr!r}.") from None


def _text_colour(fill: str) -> str:
    red, green, blue = (c / 255 for c in _rgb(fill))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue  # Rec. 709 weights, good enough for text
    return "#000000" if luminance > 0.45 else "#ffffff"


def _legend(graph: nx.Graph, words: dict[str, str]) -> str:
    """The legend as a Graphviz HTML-like label: the title, the colour of each type, what size and lines say."""
    year = graph.graph.get("year", "")
    chosen = graph.graph.get("organisation", "")
    title = words["title"] + f", {year if year != '' else words['all']}"
    if chosen:
        title += ", " + words["around"].format(name=graph.nodes[chosen]["label"])
    entries = legend(graph)
    columns = 4
    rows = []
    for start in range(0, len(entries), columns):
        cells = []
        for kind, colour in entries[start:start + columns]:
            cells.append(f'<TD BGCOLOR="{colour}" WIDTH="14" HEIGHT="14" FIXEDSIZE="TRUE" BORDER="1" '
                         f'COLOR="#334155"></TD><TD ALIGN="LEFT">{html.escape(kind or words["none"])}</TD>')
        rows.append("<TR>" + "".join(cells) + "</TR>")
    when = f" in {year}" if year != "" else ""
    option = f" --year {year}" if year != "" else ""
    notes = [words["prominent"].format(when=when, option=option), words["weight"]]
    span = 2 * columns
    return ("<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"3\" CELLPADDING=\"1\">"
            f"<TR><TD COLSPAN=\"{span}\" ALIGN=\"LEFT\"><FONT POINT-SIZE=\"16\"><B>{html.escape(title)}</B></FONT>"
            "</TD></TR>" + "".join(rows) +
            "".join(f"<TR><TD COLSPAN=\"{span}\" ALIGN=\"LEFT\"><FONT POINT-SIZE=\"10\">{html.escape(note)}</FONT>"
                    "</TD></TR>" for note in notes) + "</TABLE>>")
