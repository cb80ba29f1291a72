"""The partner network (kennisgraaf.network and `kennisgraaf network`) on the real Leiden graph: what is linked
and how strongly, checked against the canned queries; the files it writes, read back by networkx and an XML
parser; the picture's legend and that no two names in it overlap."""

from __future__ import annotations

import io
import itertools
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner

from kennisgraaf import queries
from kennisgraaf.cli import cli
from kennisgraaf.config import Settings
from kennisgraaf.errors import ParameterError
from kennisgraaf.network import build_network, legend, render

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/kennisgraaf/id/"
GEMEENTE, UL, LUMC = ID + "organisatie/gemeente-leiden", ID + "organisatie/universiteit-leiden", ID + "organisatie/lumc"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def network_2023(built_settings: Settings) -> nx.Graph:
    return build_network(built_settings, 2023)


def invoke(settings: Settings, *args: str) -> Any:
    env = {"KENNISGRAAF_BUILD_DIR": str(settings.path("build_dir"))}
    return CliRunner().invoke(cli, ["network", "--project", str(settings.project_dir), *args], env=env)


# ------------------------------------------------------------------------------------------------ what is linked


@pytest.mark.parametrize("year", [2018, 2023])
def test_the_knowledge_partners_of_a_year_are_those_of_the_canned_query(built_settings: Settings, year: int) -> None:
    graph = build_network(built_settings, year)
    expected = {row["partner"] for row in queries.run("partners", year=year, settings=built_settings).records()}
    assert expected and {node for node, partner in graph.nodes(data="partner") if partner} == expected
    assert all(graph.nodes[node]["prominent"] for node in expected)


def test_a_weight_is_the_number_of_things_two_share(built_settings: Settings) -> None:
    """gemeente Leiden and Universiteit Leiden (neither a member of the other): the initiatives and
    collaborations `together` counts for them, plus the agreements both are party to (`agreements`)."""
    graph = build_network(built_settings)
    together = queries.run("together", organisation=UL, settings=built_settings).records(labels=True)
    pair = next(row for row in together if row["partner"] == "gemeente Leiden")
    agreements = queries.run("agreements", settings=built_settings).records(labels=True)
    common = ({row["agreement"] for row in agreements if row["organisation"] == "gemeente Leiden"}
              & {row["agreement"] for row in agreements if row["organisation"] == "Universiteit Leiden"})
    link = graph.edges[GEMEENTE, UL]
    assert link["agreements"] == len(common) > 0
    assert link["weight"] == pair["shared"] + len(common)
    assert set(link["shared"].split("; ")) == set(pair["together"].split("; ")) | common
    assert link["weight"] == sum(link[kind] for kind in ("collaborations", "agreements", "initiatives", "events"))


def test_a_year_keeps_only_the_ties_that_held_then(built_settings: Settings) -> None:
    # The agreement of 2017 ran until 2022 and its renewal began in 2022 (`agreements` gives their years).
    agreements = {row["agreement"]: row for row in queries.run("agreements", settings=built_settings).records()}
    first, renewal = (ID + "overeenkomst/samenwerkingsovereenkomst-2017",
                      ID + "overeenkomst/samenwerkingsovereenkomst-2022")
    assert agreements[first]["end"] < 2023 and agreements[renewal]["start"] > 2018
    names = queries.labels([first, renewal], queries.Target.of(built_settings))
    for year, held, ended in ((2018, first, renewal), (2023, renewal, first)):
        shared = build_network(built_settings, year).edges[GEMEENTE, UL]["shared"].split("; ")
        assert names[held] in shared and names[ended] not in shared, year
    # Over all years there is more than in any one of them
    everything = build_network(built_settings)
    assert everything.number_of_edges() > build_network(built_settings, 2023).number_of_edges()


def test_an_organisation_and_its_neighbours(built_settings: Settings) -> None:
    """The LUMC's neighbours: whom it shares an initiative or collaboration with (`together`), the other parties
    of its agreements (`agreements`, `parties`), and the organisations it is a member of (`networks`)."""
    run = lambda name, **params: queries.run(name, settings=built_settings, **params).records()  # noqa: E731
    expected = {row["partner"] for row in run("together", organisation=LUMC)}
    for agreement in {row["agreement"] for row in run("agreements", organisation=LUMC)}:
        expected |= {row["party"] for row in run("parties", agreement=agreement)}
    expected |= {row["network"] for row in run("networks", organisation=LUMC)}
    typed = {row["thing"] for row in queries.sparql(
        "SELECT DISTINCT ?thing WHERE { ?thing <https://w3id.org/kennisgraaf/def/organisationType> ?type }",
        settings=built_settings).records()}
    around = build_network(built_settings, organisation="LUMC")
    assert set(around) == (expected & typed) | {LUMC}
    assert around.graph["organisation"] == LUMC
    whole = build_network(built_settings)
    assert set(around) == set(whole[LUMC]) | {LUMC}
    for a, b in around.edges:  # the links among the neighbours too, with the same weights
        assert around.edges[a, b]["weight"] == whole.edges[a, b]["weight"]


def test_bad_input_is_one_clear_paragraph(built_settings: Settings, tmp_path: Path) -> None:
    years = [row["year"] for row in queries.run("timeline", settings=built_settings).records() if "year" in row]
    late = invoke(built_settings, "--year", str(max(years) + 1), "-o", str(tmp_path / "x.svg"))
    assert late.exit_code == 2 and "Traceback" not in late.output
    assert f"{min(years)}" in late.output and f"{max(years)}" in late.output
    assert not (tmp_path / "x.svg").exists()
    unknown = invoke(built_settings, "--organisation", "Universiteit Leidn", "--lang", "en")
    assert unknown.exit_code == 2 and "Traceback" not in unknown.output
    assert "'Universiteit Leidn'" in unknown.output and "Universiteit Leiden" in unknown.output


# ------------------------------------------------------------------------------------------------ files


def test_graphml_and_gexf_open_with_types_colours_and_weights(network_2023: nx.Graph, tmp_path: Path) -> None:
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        path = tmp_path / f"network.{fmt}"
        path.write_bytes(render(network_2023, fmt))
        back = read(path)
        assert set(back) == set(network_2023) and back.number_of_edges() == network_2023.number_of_edges(), fmt
        for node, data in network_2023.nodes(data=True):
            assert back.nodes[node]["label"] == data["label"] and back.nodes[node]["type"] == data["type"], fmt
        for a, b, data in network_2023.edges(data=True):
            assert int(back.edges[a, b]["weight"]) == data["weight"], fmt
    gexf = nx.read_gexf(tmp_path / "network.gexf")
    colour = network_2023.nodes[UL]["color"]
    assert gexf.nodes[UL]["viz"]["color"] == {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16),
                                              "b": int(colour[5:7], 16), "a": 1.0}


def test_json_is_node_link(network_2023: nx.Graph) -> None:
    back = nx.node_link_graph(json.loads(render(network_2023, "json")), edges="links")
    assert nx.utils.graphs_equal(back, network_2023)


def test_png_is_a_png(network_2023: nx.Graph) -> None:
    data = render(network_2023, "png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > 800 and height > 600


def _svg(graph: nx.Graph) -> ET.Element:
    return ET.fromstring(render(graph, "svg", "en"))


def _box(path: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def test_the_picture_has_a_legend_with_every_type_shown(network_2023: nx.Graph) -> None:
    root = _svg(network_2023)
    scene = root.find(f"{SVG}g")
    assert scene is not None
    # The legend is the picture's own label: texts and colour swatches of the scene itself, not of a node.
    texts = [t.text or "" for t in scene.findall(f"{SVG}text")]
    swatches = [p.get("fill") for p in scene.findall(f"{SVG}polygon") if p.get("fill") not in ("white", "none")]
    assert texts[0] == "Who works with whom in Leiden Kennisstad, 2023"
    shown = legend(network_2023)
    assert {kind for kind, _ in shown} == {data["type"] for _, data in network_2023.nodes(data=True)}
    assert [kind for kind, _ in shown] == [t for t in texts if t in {kind for kind, _ in shown}]
    assert swatches == [colour for _, colour in shown]
    assert any("kennisgraaf query partners --year 2023" in text for text in texts)


def test_no_two_names_in_the_picture_overlap(network_2023: nx.Graph) -> None:
    root = _svg(network_2023)
    nodes = root.findall(f".//{SVG}g[@class='node']")
    assert len(nodes) == network_2023.number_of_nodes()
    boxes = {}
    for node in nodes:
        link = node.find(f".//{SVG}a")
        assert link is not None
        boxes[link.get("{http://www.w3.org/1999/xlink}href")] = _box(node.find(f".//{SVG}path").get("d"))
        name = node.find(f".//{SVG}text").text
        assert name == network_2023.nodes[link.get("{http://www.w3.org/1999/xlink}href")]["label"]
    assert set(boxes) == set(network_2023)
    for (a, box_a), (b, box_b) in itertools.combinations(boxes.items(), 2):
        apart = box_a[2] <= box_b[0] or box_b[2] <= box_a[0] or box_a[3] <= box_b[1] or box_b[3] <= box_a[1]
        assert apart, f"{a} and {b} overlap in the picture"
    legend_top = min(float(t.get("y")) for t in root.find(f"{SVG}g").findall(f"{SVG}text")) - 16
    assert all(box[3] < legend_top for box in boxes.values()), "a name covers the legend"


def test_the_picture_is_the_same_every_time(network_2023: nx.Graph, built_settings: Settings) -> None:
    assert render(network_2023, "svg") == render(build_network(built_settings, 2023), "svg")


# ------------------------------------------------------------------------------------------------ the command


def test_the_command_writes_a_file_and_does_not_overwrite_it(built_settings: Settings, tmp_path: Path) -> None:
    output = tmp_path / "netwerk.graphml"
    first = invoke(built_settings, "--year", "2018", "--format", "graphml", "-o", str(output))
    assert first.exit_code == 0, first.output
    graph = nx.read_graphml(output)
    assert set(graph) == set(build_network(built_settings, 2018))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left behind
    again = invoke(built_settings, "--format", "graphml", "-o", str(output))
    assert again.exit_code == 2 and "already exists" in again.output and "--force" in again.output
    assert set(nx.read_graphml(output)) == set(graph)
    forced = invoke(built_settings, "--format", "graphml", "-o", str(output), "--force")
    assert forced.exit_code == 0 and set(nx.read_graphml(output)) == set(build_network(built_settings))


def test_the_command_writes_to_stdout(built_settings: Settings) -> None:
    result = invoke(built_settings, "--organisation", "mboRijnland", "--format", "json")
    assert result.exit_code == 0, result.output
    graph = nx.node_link_graph(json.loads(result.stdout_bytes), edges="links")
    assert graph.graph["organisation"] == ID + "organisatie/mborijnland"
    assert io.BytesIO(invoke(built_settings, "--year", "2023").stdout_bytes).read(5) == b"<?xml"


def test_the_readme_picture_is_what_the_command_makes_now(built_settings: Settings) -> None:
    """docs/network-2023.svg is made by `kennisgraaf network --year 2023 -o docs/network-2023.svg --force`
    (after `kennisgraaf build`); when the data changes, run that again."""
    committed = (ROOT / "docs" / "network-2023.svg").read_bytes()
    made = invoke(built_settings, "--year", "2023")
    assert made.exit_code == 0
    assert made.stdout_bytes == committed, ("docs/network-2023.svg is out of date: run `.venv/bin/kennisgraaf "
                                            "network --year 2023 -o docs/network-2023.svg --force`")


# ------------------------------------------------------------------------------------------------ time


def test_over_all_years_two_are_linked_only_by_ties_that_held_at_the_same_time(built_settings: Settings) -> None:
    """A small graph of its own: A was a member of a collaboration 2017-2019, B from 2021 on, C without years
    (so always). Over all years A and B are not linked through it; each is with C."""
    import pyoxigraph as ox

    org, kg = "http://www.w3.org/ns/org#", "https://w3id.org/kennisgraaf/def/"
    node, literal = ox.NamedNode, ox.Literal
    group = node(ID + "samenwerking/groep")
    store = ox.Store()
    store.add(ox.Quad(group, node("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      node(org + "OrganizationalCollaboration")))
    for name, start, end in (("a", 2017, 2019), ("b", 2021, None), ("c", None, None)):
        member, membership = node(ID + "organisatie/" + name), node(ID + "lidmaatschap/" + name)
        store.add(ox.Quad(member, node(kg + "organisationType"), node(ID + "organisatietype/bedrijf")))
        store.add(ox.Quad(member, node("http://www.w3.org/2000/01/rdf-schema#label"), literal(name.upper())))
        store.add(ox.Quad(membership, node(org + "member"), member))
        store.add(ox.Quad(membership, node(org + "organization"), group))
        for prop, year in (("startYear", start), ("endYear", end)):
            if year is not None:
                store.add(ox.Quad(membership, node(kg + prop), literal(year)))
    target = queries.Target.of(built_settings, store=store)
    a, b, c = (ID + "organisatie/" + name for name in "abc")
    links = lambda year: set(map(frozenset, build_network(built_settings, year, target=target).edges))  # noqa: E731
    assert links(None) == {frozenset((a, c)), frozenset((b, c))}
    assert links(2018) == {frozenset((a, c))}
    assert links(2021) == {frozenset((b, c))}
    with pytest.raises(ParameterError, match="2017 to 2021"):  # the years of this graph's timeline
        links(2022)
