"""`kennisgraaf diff`: what changed between two releases, or a release and the current build, found with SPARQL
on the two stores — on a scratch copy of the project with a claim removed and an amount changed."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from release_settings import write_release_settings

from kennisgraaf.cli import cli
from kennisgraaf.config import Settings
from kennisgraaf.errors import InputError
from kennisgraaf.publish.diff import diff
from kennisgraaf.publish.release import release
from kennisgraaf.store.builds import build

ID = "https://w3id.org/kennisgraaf/id/"
REMOVED_CLAIM = "bewering:js2023-mborijnland-kennispartner {"
AMOUNT = "        schema:value 5000000.00 ;"  # budget:nuon-middelen-kenniseconomie, stated in one claim of 2018


def _remove_claim(path: Path) -> None:
    text = path.read_text("utf-8")
    start = text.index(REMOVED_CLAIM)
    end = text.index("\n}\n", start) + 3
    path.write_text(text[:start] + text[end:], "utf-8")


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A scratch project released as 1.0.0, then changed (a claim removed, an amount changed), built and released
    as 1.1.0; its current build is the changed graph."""
    import shutil

    root = Path(__file__).resolve().parent.parent
    project = tmp_path_factory.mktemp("diff") / "project"
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(root / folder, project / folder)
    (project / "kennisgraaf.toml").write_text("", "utf-8")
    write_release_settings(project)
    settings = Settings.load(project, environ={})
    build(settings)
    release(settings, "1.0.0")
    _remove_claim(project / "data" / "jaarstukken-2023.trig")
    budget = project / "data" / "programmabegroting-2018.trig"
    text = budget.read_text("utf-8")
    assert text.count(AMOUNT) == 1
    budget.write_text(text.replace(AMOUNT, AMOUNT.replace("5000000.00", "5500000.00")), "utf-8")
    build(settings)
    release(settings, "1.1.0")
    return settings


def test_the_diff_shows_exactly_the_removed_claim_and_the_changed_amount(changed: Settings) -> None:
    d = diff(changed, "1.0.0", "1.1.0").to_dict()
    [removed] = d["claims"]["removed"]
    assert removed["claim"] == ID + "bewering/js2023-mborijnland-kennispartner"
    assert [doc["document"] for doc in removed["documents"]] == [ID + "document/jaarstukken-2023"]
    assert removed["documents"][0]["name"] == "Jaarstukken 2023"
    assert "Naturalis Biodiversity Center en sindsdien ook met mboRijnland" in removed["quotes"]
    assert d["claims"]["added"] == []
    [claim] = d["claims"]["changed"]
    assert claim["claim"] == ID + "bewering/pb2018-nuon-middelen"
    assert [f.split()[:2] for f in claim["facts_added"] + claim["facts_removed"]] == \
        [["budget:nuon-middelen-kenniseconomie", "schema:value"]] * 2
    assert d["memberships"]["joined"] == []
    [left] = d["memberships"]["left"]
    assert (left["membership"], left["member_name"], left["role_name"], left["organization_name"], left["start"],
            left["end"]) == (ID + "lidmaatschap/mborijnland-leiden-kennisstad-2023", "mboRijnland", "kennispartner",
                             "samenwerking Leiden Kennisstad", 2023, None)
    assert [s["document_name"] for s in left["sources"]] == ["Jaarstukken 2023"]
    [value] = d["values"]
    assert (value["subject"], value["property"]) == (ID + "budget/nuon-middelen-kenniseconomie", "schema:value")
    assert [Decimal(v) for v in value["old"]] == [Decimal("5000000")]
    assert [Decimal(v) for v in value["new"]] == [Decimal("5500000")]
    assert [s["claim"] for s in value["new_sources"]] == [ID + "bewering/pb2018-nuon-middelen"]
    assert d["old"]["claims"] - d["new"]["claims"] == 1
    assert d["facts"]["removed"] > d["facts"]["added"] == 1  # the new amount; the removed claim took its facts


def test_the_other_way_round_the_claim_is_added_and_mborijnland_joins(changed: Settings) -> None:
    d = diff(changed, "1.1.0", "1.0.0").to_dict()
    assert [c["claim"] for c in d["claims"]["added"]] == [ID + "bewering/js2023-mborijnland-kennispartner"]
    assert d["claims"]["removed"] == [] and d["memberships"]["left"] == []
    assert [m["member_name"] for m in d["memberships"]["joined"]] == ["mboRijnland"]
    assert [[Decimal(v) for v in value["new"]] for value in d["values"]] == [[Decimal("5000000")]]


def test_the_release_holds_the_diff_with_the_previous_release(changed: Settings) -> None:
    folder = changed.path("releases_dir") / "1.1.0"
    kept = json.loads((folder / "diff.json").read_text("utf-8"))
    computed = diff(changed, "1.0.0", "1.1.0").to_dict()
    for key in ("claims", "memberships", "values", "facts", "changes"):
        assert kept[key] == computed[key], key
    text = (folder / "DIFF.md").read_text("utf-8")
    assert text.startswith("# Verschillen tussen 1.0.0 en 1.1.0")
    assert "## Beweringen eraf (1)" in text and "bewering:js2023-mborijnland-kennispartner" in text
    assert "- mboRijnland als kennispartner van samenwerking Leiden Kennisstad (vanaf 2023) — bron: Jaarstukken " \
           "2023" in text
    assert "schema:value: 5000000" in text and "→ 5500000" in text
    assert json.loads((folder / "release.json").read_text("utf-8"))["previous"] == "1.0.0"


def test_the_current_build_compares_with_its_own_release_as_no_change(changed: Settings) -> None:
    same = diff(changed, "1.1.0", "current")
    assert same.count() == 0 and same.facts == {"added": 0, "removed": 0}
    assert "No changes: both versions hold the same facts and claims." in same.render("en")
    assert diff(changed, "1.0.0", "1.0.0").count() == 0
    assert diff(changed, "1.0.0", "current").count() == diff(changed, "1.0.0", "1.1.0").count() == 4


def test_a_release_folder_path_works_like_its_version(changed: Settings) -> None:
    folder = str(changed.path("releases_dir") / "1.0.0")
    assert diff(changed, folder, "current").to_dict()["claims"] == diff(changed, "1.0.0", "current").to_dict()["claims"]


def test_a_release_changed_after_it_was_made_is_refused(changed: Settings, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "1.0.0"
    shutil.copytree(changed.path("releases_dir") / "1.0.0", copy)
    with (copy / "leiden.nq").open("ab") as f:
        f.write(b"<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    with pytest.raises(InputError, match="SHA-256 is not the one in .*SHA256SUMS"):
        diff(changed, str(copy), "current")


def test_the_command_in_both_languages_and_as_json(changed: Settings) -> None:
    project = str(changed.project_dir)
    english = CliRunner().invoke(cli, ["diff", "1.0.0", "current", "--project", project, "--lang", "en"])
    assert english.exit_code == 0, english.output
    assert english.output.startswith("# Changes from 1.0.0 to the current build")
    assert "## Claims removed (1)" in english.output and "## Memberships removed (who left what) (1)" in english.output
    dutch = CliRunner().invoke(cli, ["diff", "1.0.0", "--project", project])  # NEW defaults to current
    assert dutch.output.startswith("# Verschillen tussen 1.0.0 en de huidige build")
    data = json.loads(CliRunner().invoke(cli, ["diff", "1.0.0", "1.1.0", "--project", project, "--format",
                                               "json"]).output)
    assert data["changes"] == 4 and data["old"]["name"] == "1.0.0" and data["new"]["name"] == "1.1.0"


def test_an_unknown_release_is_one_paragraph(changed: Settings) -> None:
    result = CliRunner().invoke(cli, ["diff", "9.9.9", "current", "--project", str(changed.project_dir), "--lang",
                                      "en"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.startswith("9.9.9: there is no such release")
