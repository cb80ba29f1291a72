"""The table for people: labels for IRIs, numbers to the right, long values cut to the width."""

from __future__ import annotations

import pyoxigraph as ox

from kennisgraaf.queries.table import cell, render

A = ox.NamedNode("https://w3id.org/kennisgraaf/id/organisatie/a")
B = ox.NamedNode("https://w3id.org/kennisgraaf/id/organisatie/b")


def test_cells_show_labels_short_names_and_literal_text() -> None:
    labels = {A.value: "Organisatie A"}
    assert cell(A, labels) == "Organisatie A"
    assert cell(B, labels, short=lambda iri: "organisatie:b") == "organisatie:b"
    assert cell(ox.Literal("twee\nregels", language="nl"), labels) == "twee regels"
    assert cell(None, labels) == ""


def test_numbers_are_right_aligned_and_the_header_is_underlined() -> None:
    rows = [(A, ox.Literal(5)), (B, ox.Literal(12))]
    assert render(["who", "n"], rows, {A.value: "A", B.value: "Bee"}).splitlines() == [
        "who  n",
        "---  --",
        "A     5",
        "Bee  12",
    ]


def test_the_widest_columns_are_cut_to_fit() -> None:
    rows = [(ox.Literal("x" * 200), ox.Literal("y" * 50), ox.Literal("short"))]
    lines = render(["long", "medium", "s"], rows, {}, width=80).splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert lines[2].startswith("x" * 10) and "…" in lines[2] and lines[2].endswith("short")
    assert render(["long"], rows[:1], {}, width=None).splitlines()[2] == "x" * 200
