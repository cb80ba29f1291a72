"""The key index a build keeps for keyed steps (validation/keyindex.py): triples found by the key of their object,
as the shapes' own expression computes it, and refused where keys would not compare as SPARQL's `=` does."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kennisgraaf.validation.keyindex import KeyIndex, keys_of_nodes, write
from kennisgraaf.validation.reach import Analysis, NotIncremental, sparql_plan

EX = "https://example.org/"
QUERY = ("PREFIX ex: <https://example.org/> SELECT $this ?v WHERE { $this ex:name ?a . ?v ex:name ?b "
         "FILTER (REPLACE(LCASE(STR(?a)), '[^a-z]', '') = REPLACE(LCASE(STR(?b)), '[^a-z]', '')) }")


def _store(*names: tuple[ox.NamedNode | ox.BlankNode, ox.Literal]) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(s, ox.NamedNode(EX + "name"), o) for s, o in names)
    store.add(ox.Quad(ox.NamedNode(EX + "x"), ox.NamedNode(EX + "other"), ox.Literal("Leiden")))
    return store


def _index(store: ox.Store, tmp_path: Path) -> tuple[KeyIndex, object]:
    plan = sparql_plan(QUERY)
    write(store, Analysis({"shape": plan}, {}, {}, {}, {}), tmp_path / "keys.sqlite")
    return KeyIndex(tmp_path / "keys.sqlite"), plan.keyed()[0]


def test_triples_are_found_by_the_key_of_their_object(tmp_path: Path) -> None:
    blank = ox.BlankNode()
    store = _store((ox.NamedNode(EX + "a"), ox.Literal("Hogeschool Leiden", language="nl")),
                   (ox.NamedNode(EX + "b"), ox.Literal("hogeschool-leiden")),
                   (blank, ox.Literal("HOGESCHOOL LEIDEN!")),
                   (ox.NamedNode(EX + "c"), ox.Literal("Universiteit Leiden")))
    index, step = _index(store, tmp_path)
    keys = keys_of_nodes(step, [ox.Literal("Hogeschool, Leiden")])
    assert keys == {'"hogeschoolleiden"'}
    found = index.triples(step, keys)['"hogeschoolleiden"']
    assert {s for s, _, _ in found} == {ox.NamedNode(EX + "a"), ox.NamedNode(EX + "b"), blank}
    assert all(p == ox.NamedNode(EX + "name") for _, p, _ in found)  # not ex:other's "Leiden"
    assert index.triples(step, {'"nothing"'}) == {}


def test_keys_that_do_not_compare_as_terms_make_the_index_unusable(tmp_path: Path) -> None:
    plan = sparql_plan("PREFIX ex: <https://example.org/> SELECT $this ?v WHERE { $this ex:name ?a . "
                       "?v ex:name ?b FILTER (STRLEN(?a) = STRLEN(?b)) }")  # numbers: 1 = 1.0
    store = _store((ox.NamedNode(EX + "a"), ox.Literal("Naturalis")))
    write(store, Analysis({"shape": plan}, {}, {}, {}, {}), tmp_path / "keys.sqlite")
    step = plan.keyed()[0]
    with pytest.raises(NotIncremental):
        KeyIndex(tmp_path / "keys.sqlite").triples(step, {'"9"'})
    with pytest.raises(NotIncremental):
        keys_of_nodes(step, [ox.Literal("LUMC")])


def test_an_index_that_cannot_be_read_makes_the_validation_a_full_one(tmp_path: Path) -> None:
    index, step = _index(_store((ox.NamedNode(EX + "a"), ox.Literal("LUMC"))), tmp_path)
    (tmp_path / "keys.sqlite").write_bytes(b"not a database at all" * 100)
    with pytest.raises(NotIncremental, match="cannot be read"):
        index.triples(step, {'"lumc"'})
