"""Building the store: real graph, real answers, and atomic swaps that survive failures."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import pytest

import kennisgraaf.store.builds as store_module
from kennisgraaf.config import Settings
from kennisgraaf.errors import NotBuiltError, OutputError, ValidationFailed
from kennisgraaf.store.builds import build, current_release, open_store, read_report

ID = "https://w3id.org/kennisgraaf/id/"


def test_the_real_graph_builds_and_answers_who_signed_the_2017_agreement(built_store: ox.Store) -> None:
    rows = built_store.query(
        f"""PREFIX kg: <https://w3id.org/kennisgraaf/def/>
        SELECT DISTINCT ?party WHERE {{ <{ID}overeenkomst/samenwerkingsovereenkomst-2017> kg:party ?party }}""",
    )
    parties = {row["party"].value.removeprefix(ID + "organisatie/") for row in rows}
    assert parties == {"gemeente-leiden", "universiteit-leiden", "lumc", "hogeschool-leiden"}


def test_the_build_report_counts_classes_and_graphs(built_settings: Settings) -> None:
    report = read_report(built_settings)
    counts = report["counts"]
    assert counts["claims"] > 100
    assert counts["quads_per_graph_kind"]["bewering"] > 1000
    assert counts["entities_per_class"]["http://www.w3.org/ns/org#Organization"] > 30
    assert set(report["timings"]) == {"read", "validate", "store", "total"}
    assert report["inputs"] and all(len(i["sha256"]) == 64 for i in report["inputs"])


def _release_fingerprint(release: Path) -> dict[str, str]:
    return {str(p.relative_to(release)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(release.rglob("*")) if p.is_file()}


def test_building_twice_gives_the_same_graph(scratch_settings: Settings) -> None:
    first = build(scratch_settings).data["content_hash"]
    second = build(scratch_settings).data["content_hash"]
    assert first == second


@pytest.mark.parametrize("interruption", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_an_interrupted_build_leaves_the_previous_build_intact(
    scratch_settings: Settings, monkeypatch: pytest.MonkeyPatch, interruption: BaseException
) -> None:
    build(scratch_settings)
    release = current_release(scratch_settings)
    before = _release_fingerprint(release)
    content_hash = read_report(scratch_settings)["content_hash"]

    def write_half_then_fail(path: Path, nquads: bytes) -> None:
        half = nquads[: nquads.rfind(b"\n", 0, len(nquads) // 2) + 1]
        store = ox.Store(str(path))
        store.bulk_load(half, ox.RdfFormat.N_QUADS)
        del store
        raise interruption

    monkeypatch.setattr(store_module, "_write_store", write_half_then_fail)
    with pytest.raises(type(interruption)):
        build(scratch_settings)

    assert current_release(scratch_settings) == release
    assert _release_fingerprint(release) == before
    assert read_report(scratch_settings)["content_hash"] == content_hash
    assert len(open_store(scratch_settings)) > 0
    leftovers = [p.name for p in (scratch_settings.path("build_dir") / "releases").iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_a_violation_builds_nothing(scratch_settings: Settings) -> None:
    build(scratch_settings)
    release = current_release(scratch_settings)
    (scratch_settings.path("data_dir") / "kapot.trig").write_text(
        "@prefix org: <http://www.w3.org/ns/org#> .\n"
        "<https://w3id.org/kennisgraaf/id/organisatie/zonder-bron> a org:Organization .\n", "utf-8")
    with pytest.raises(ValidationFailed) as failed:
        build(scratch_settings)
    assert "nothing was built" in failed.value.en
    assert failed.value.report.violations  # type: ignore[attr-defined]
    assert current_release(scratch_settings) == release


def test_old_releases_are_pruned(scratch_settings: Settings) -> None:
    for _ in range(4):
        build(scratch_settings)
    releases = list((scratch_settings.path("build_dir") / "releases").iterdir())
    assert len(releases) == store_module.KEEP_RELEASES


def test_a_folder_not_made_by_kennisgraaf_is_never_written_into(scratch: Path) -> None:
    mine = scratch / "mijn-map"
    mine.mkdir()
    (mine / "notities.txt").write_text("van mij", "utf-8")
    settings = Settings.load(scratch, {"build_dir": str(mine)}, environ={})
    with pytest.raises(OutputError, match="was not made by kennisgraaf"):
        build(settings)
    assert [p.name for p in mine.iterdir()] == ["notities.txt"]


def test_opening_before_any_build_says_what_to_do(scratch_settings: Settings) -> None:
    with pytest.raises(NotBuiltError, match="Run `kennisgraaf build` first"):
        open_store(scratch_settings)
