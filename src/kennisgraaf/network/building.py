"""The partner network, built from the graph as a networkx graph.

Two organisations are linked when they share something at the same time: a collaboration or organisation both
are members of, an agreement both are party to, an initiative, programme or event both take part in (as
participant, organiser or sponsor) — over all years, only if their ties to it overlap in time. An organisation with members shares itself with them: gemeente Leiden chairs the Netwerk
Kennissteden Nederland, so the two are linked. A link's `weight` is the number of things shared, and it also
counts them per kind (`collaborations`, `agreements`, `initiatives`, `events`) and names them (`shared`).

The ties and their years come from the canned query `ties` (a tie without years counts in every year, as in
`partners`); which organisations are knowledge partners in a year from `partners`. Nothing else is decided
here, so the network says what the queries say.

    >>> graph = build_network(year=2023)
    >>> graph.nodes["https://w3id.org/kennisgraaf/id/organisatie/mborijnland"]["partner"]
    True
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import networkx as nx
import pyoxigraph as ox

from ..config import Settings
from ..errors import ParameterError, QueryError
from ..namespaces import KG, SCHEMA
from ..queries.running import Result, Target, get, labels, resolve, run_canned

__all__ = ["KINDS", "PALETTE", "build_network", "elements", "legend", "years"]

# What a shared thing counts as, by its class; anything else (collaborations, organisations) is a collaboration.
KIND_OF_CLASS = {KG + "Agreement": "agreements", KG + "Initiative": "initiatives", KG + "Programme": "initiatives",
                 SCHEMA + "Event": "events"}
KINDS = ("collaborations", "agreements", "initiatives", "events")

# Colours of the organisation types, given out in the order of the types' IRIs, so that a type keeps its colour
# from year to year and picture to picture (Tableau 20 and four of Tableau 20b: distinct, and legible with text).
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7",
           "#dbdb8d", "#9edae5", "#393b79", "#637939", "#8c6d31", "#843c39")
NO_TYPE = "#ffffff"

TYPES = f"SELECT DISTINCT ?organisation ?type WHERE {{ ?organisation <{KG}organisationType> ?type }}"


def leiden_kennisstad(base_iri: str) -> str:
    """The collaboration Leiden Kennisstad, whose members the network shows prominently (`partners` asks it)."""
    return f"{base_iri}id/samenwerking/leiden-kennisstad"


def years(settings: Settings | None = None, *, target: Target | None = None) -> tuple[int, int]:
    """The first and last year the graph speaks of: those of the canned query `timeline`."""
    settings = settings or Settings.load()
    target = _complete(target or Target.of(settings))
    found = [row.value("year") for row in run_canned(get("timeline", settings), {}, target)]
    found = [year for year in found if isinstance(year, int)]
    if not found:
        raise QueryError("The graph has no dates or years, so there is no network through time.",
                         "De graaf heeft geen data of jaren, dus er is geen netwerk door de tijd.")
    return min(found), max(found)


def build_network(settings: Settings | None = None, year: int | str | None = None, organisation: str | None = None,
                  *, target: Target | None = None) -> nx.Graph:
    """The network of the organisations that share something, as of `year` (the ties that held then) or over
    all time; with `organisation` (IRI, name or abbreviation), only it and its neighbours. Without `target`, the
    current build of the project is queried.

    Nodes are IRIs with `label`, `type` (the first of its organisation types, by IRI), `types`, `color` (of
    the type), `kennisstad` (its roles in Leiden Kennisstad then), `partner` (a knowledge partner then, as
    `partners` gives them), `prominent` (any role in Leiden Kennisstad) and `things` (how many things it
    takes part in). ParameterError for a year outside the graph's years or an organisation that names nothing.
    """
    settings = settings or Settings.load()
    target = _complete(target or Target.of(settings))
    checked = _checked_year(year, settings, target) if year is not None and year != "" else None
    chosen = None
    if organisation is not None and organisation != "":
        chosen = resolve(organisation, "organisation", target, "organisation" if target.web else "--organisation")
    given = {"year": checked} if checked is not None else {}
    ties = run_canned(get("ties", settings), given, target)
    partners = {row["partner"].value for row in run_canned(get("partners", settings), given, target)}
    types = target.execute(TYPES)
    graph = _network(ties, partners, types, settings.base_iri, target)
    if checked is not None:
        graph.graph["year"] = checked  # absent, not empty, without a year: GraphML keeps one type per attribute
    if chosen is not None:
        graph = _around(graph, chosen.value, ties, checked, target)
    return graph


def _complete(target: Target) -> Target:
    # A network cut off at the row limit would be wrong without a sign of it; the graph's size bounds it anyway.
    return dataclasses.replace(target, limit=max(target.limit, 1_000_000))


def _checked_year(year: int | str, settings: Settings, target: Target) -> int:
    name = "year" if target.web else "--year"
    try:
        number = int(str(year).strip())
    except ValueError:
        raise ParameterError(f"{name} must be a year such as 2023, not {year!r}.",
                             f"{name} moet een jaartal zijn, zoals 2023, niet {year!r}.") from None
    first, last = years(settings, target=target)
    if not first <= number <= last:
        raise ParameterError(
            f"{name} {number}: the graph speaks of the years {first} to {last} (the dates in `kennisgraaf query "
            f"timeline`), so it has no network of {number}. Give a year from {first} to {last}, or no year for the "
            f"network over all those years.",
            f"{name} {number}: de graaf gaat over de jaren {first} tot en met {last} (de data in `kennisgraaf "
            f"query timeline`), dus er is geen netwerk van {number}. Geef een jaar van {first} tot en met {last}, "
            f"of geen jaar voor het netwerk over al die jaren.")
    return number


def _network(ties: Result, partners: set[str], types: Result, base_iri: str, target: Target) -> nx.Graph:
    # An organisation is what the graph gives an organisation type (as in `ties`).
    type_rows = sorted((row[0].value, row[1].value) for row in types if isinstance(row[1], ox.NamedNode))
    all_types = sorted({kind for _, kind in type_rows})
    colour = {kind: PALETTE[i % len(PALETTE)] for i, kind in enumerate(all_types)}
    types_of: dict[str, list[str]] = defaultdict(list)
    for member, kind in type_rows:
        types_of[member].append(kind)

    # thing: {organisation tied to it: the periods of its ties (first and last year; unknown: no bound)}
    members: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    kind_of: dict[str, str] = {}
    roles: dict[str, set[str]] = defaultdict(set)
    kennisstad = leiden_kennisstad(base_iri)
    for row in ties:
        member, thing = row["organisation"].value, row["thing"].value
        start, end = row.value("start"), row.value("end")
        members[thing][member].append((start if isinstance(start, int) else -math.inf,
                                       end if isinstance(end, int) else math.inf))
        if thing in types_of:
            members[thing][thing] = [(-math.inf, math.inf)]  # an organisation shares itself with its members
        cls = row["kind"].value if isinstance(row["kind"], ox.NamedNode) else ""
        kind = KIND_OF_CLASS.get(cls, "collaborations")
        kind_of[thing] = min(kind_of.get(thing, kind), kind)  # two classes: the same choice every time
        if thing == kennisstad and isinstance(row["role"], ox.NamedNode):
            roles[member].add(row["role"].value)

    # Two share a thing when they were tied to it at the same time: over all years, a partner that left in
    # 2022 and one that joined in 2023 are not linked by the partnership (within one year, every tie held).
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    for thing, tied in members.items():
        for a, b in itertools.combinations(sorted(tied), 2):
            if any(max(a_from, b_from) <= min(a_to, b_to) for a_from, a_to in tied[a] for b_from, b_to in tied[b]):
                shared[a, b].add(thing)

    linked = sorted({member for pair in shared for member in pair})
    names = labels(sorted(set(linked) | set(members) | set(all_types) | {r for rs in roles.values() for r in rs}),
                   target)
    graph = nx.Graph()
    for member in linked:
        own = types_of.get(member, [])
        graph.add_node(member, label=names.get(member, member), iri=member,
                       type=names.get(own[0], own[0]) if own else "", type_iri=own[0] if own else "",
                       types="; ".join(names.get(t, t) for t in own), color=colour[own[0]] if own else NO_TYPE,
                       kennisstad="; ".join(sorted(names.get(r, r) for r in roles.get(member, ()))),
                       partner=member in partners, prominent=bool(roles.get(member)),
                       things=sum(1 for thing, tied in members.items() if member in tied and thing != member))
    for (a, b), things in sorted(shared.items()):
        counts = {kind: sum(1 for t in things if kind_of[t] == kind) for kind in KINDS}
        graph.add_edge(a, b, weight=len(things), **counts,
                       shared="; ".join(sorted((names.get(t, t) for t in things), key=str.casefold)))
    return graph


def _around(graph: nx.Graph, chosen: str, ties: Result, year: int | None, target: Target) -> nx.Graph:
    """The chosen organisation and its neighbours (with the links among them); for a collaboration or another
    shared thing, the organisations that share it."""
    if chosen in graph:
        around = nx.ego_graph(graph, chosen).copy()
    else:
        tied = {row["organisation"].value for row in ties if row["thing"].value == chosen}
        around = graph.subgraph(sorted(tied & set(graph))).copy()
    if around.number_of_nodes() < 2:
        name = labels([chosen], target).get(chosen, chosen)
        when = f" in {year}" if year is not None else ""
        raise ParameterError(
            f"{name} <{chosen}> shares nothing with another organisation{when}: it has no neighbourhood in the "
            f"network. `kennisgraaf query ties --organisation {chosen}` lists what it takes part in.",
            f"{name} <{chosen}> deelt{' in ' + str(year) if year is not None else ''} niets met een andere "
            f"organisatie: het heeft geen buren in het netwerk. `kennisgraaf query ties --organisation {chosen}` "
            f"toont waar het aan deelneemt.")
    around.graph["organisation"] = chosen
    return around


def legend(graph: nx.Graph) -> list[tuple[str, str]]:
    """(type, colour) for the organisation types in `graph`, by name."""
    found = {(data["type"], data["color"]) for _, data in graph.nodes(data=True)}
    return sorted(found, key=lambda item: (item[0] == "", item[0].casefold()))


def elements(graph: nx.Graph, href: Callable[[str], str]) -> dict[str, Any]:
    """The graph as cytoscape.js elements, with `href(iri)` as each organisation's page, and its legend."""
    nodes = [{"data": {"id": node, **data, "href": href(node)}} for node, data in sorted(graph.nodes(data=True))]
    edges = [{"data": {"id": f"{a} {b}", "source": a, "target": b, **data}}
             for a, b, data in sorted((min(a, b), max(a, b), d) for a, b, d in graph.edges(data=True))]
    return {"nodes": nodes, "edges": edges, "legend": [{"type": t, "color": c} for t, c in legend(graph)],
            "year": graph.graph.get("year", ""), "organisation": graph.graph.get("organisation", "")}
