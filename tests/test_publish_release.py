"""`kennisgraaf release`: a versioned folder of the current build — dumps with checksums, VoID, a DCAT-AP-NL 3.0
record that conforms to Geonovum's shapes — written atomically and never over an existing version."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from release_settings import write_release_settings

from kennisgraaf.cli import cli
from kennisgraaf.config import Settings
from kennisgraaf.errors import ConfigError, InputError, OutputError
from kennisgraaf.publish import dcat
from kennisgraaf.publish.release import default_version, find_releases, release
from kennisgraaf.store.builds import read_report

ROOT = Path(__file__).resolve().parent.parent
SHARED_SHAPES = ROOT.parent / "shared" / "dcat-ap-nl-3.0"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
DUMPS = ["leiden.jsonld", "leiden.nq", "leiden.nt", "leiden.rdf", "leiden.trig", "leiden.ttl"]


def _settings(built_settings: Settings, releases: Path) -> Settings:
    return Settings.load(ROOT, {"build_dir": str(built_settings.path("build_dir")), "releases_dir": str(releases)},
                         environ={})


@pytest.fixture(scope="module")
def releases(built_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("releases") / "releases"
    release(_settings(built_settings, folder), "1.0.0")
    return folder


@pytest.fixture(scope="module")
def first(releases: Path) -> Path:
    return releases / "1.0.0"


def _graph(path: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(path, format="json-ld" if path.suffix == ".jsonld" else "turtle")
    return graph


def _geonovum_shapes() -> rdflib.Graph:
    shapes = rdflib.Graph()
    for path in sorted(dcat.SHAPES_DIR.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


def _results(report: rdflib.Graph) -> list[tuple[str, str, str]]:
    return sorted((str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1], str(report.value(r, SH.focusNode)),
                   str(report.value(r, SH.sourceShape)).rsplit("/", 1)[-1])
                  for r in report.subjects(rdflib.RDF.type, SH.ValidationResult))


# ------------------------------------------------------------------------------------------------ the shapes


def test_the_vendored_shapes_are_geonovums_files_unchanged() -> None:
    if not SHARED_SHAPES.is_dir():
        pytest.skip(f"{SHARED_SHAPES} (the copy the shapes were vendored from) is not on this machine")
    shared = sorted(p.name for p in SHARED_SHAPES.iterdir())
    assert sorted(p.name for p in dcat.SHAPES_DIR.iterdir()) == shared
    for name in shared:
        assert (dcat.SHAPES_DIR / name).read_bytes() == (SHARED_SHAPES / name).read_bytes(), name


def test_the_build_does_not_read_the_dcat_shapes(built_settings: Settings) -> None:
    assert not dcat.SHAPES_DIR.is_relative_to(built_settings.path("shapes_dir"))
    assert all("dcat" not in f["file"] for f in read_report(built_settings)["inputs"])


# ------------------------------------------------------------------------------------------------ the record


@pytest.mark.parametrize("name", ["dcat.ttl", "dcat.jsonld"])
def test_the_record_has_no_violation_of_the_geonovum_shapes(first: Path, name: str) -> None:
    import pyshacl

    conforms, report, _ = pyshacl.validate(_graph(first / name), shacl_graph=_geonovum_shapes(), inference="none",
                                           allow_warnings=True)
    results = _results(report)
    assert conforms and [r for r in results if r[0] == "Violation"] == []
    manifest = json.loads((first / "release.json").read_text("utf-8"))
    assert manifest["dcat_validation"]["violations"] == 0
    kept = sorted(("Warning", w["focus"], w["shape"].split(":", 1)[1]) for w in manifest["dcat_validation"]["warnings"])
    assert results == kept  # the warnings the release reports are the ones the shapes give
    assert results == _results(_graph(first / "dcat-validation.ttl"))


def test_the_validation_finds_a_violation_when_a_rule_is_broken(first: Path) -> None:
    # The check itself can fail: without the dataset's contact point the record breaks a mandatory rule.
    triples = [ox.Triple(q.subject, q.predicate, q.object)
               for q in ox.parse((first / "dcat.ttl").read_bytes(), format=ox.RdfFormat.TURTLE)
               if not (q.predicate.value == DCAT + "contactPoint" and q.subject.value.endswith("void.ttl#leiden"))]
    found = dcat.validate_record(triples)
    assert [f.shape for f in found.violations] == ["dcatapnl-sh:DatasetShape_contactPoint_minCount"]
    assert "Minimally 1 values are expected for contact point" in found.violations[0].message


def test_jena_finds_no_violation_either(first: Path, tmp_path: Path) -> None:
    import jena_shacl

    if jena_shacl.classpath() is None:
        pytest.skip("Apache Jena (Debian's libapache-jena-java) is not installed: bash scripts/setup.sh --test")
    shapes = tmp_path / "shapes.ttl"
    _geonovum_shapes().serialize(shapes, format="turtle")
    report = rdflib.Graph().parse(data=jena_shacl.validate(shapes, first / "dcat.ttl", tmp_path), format="turtle")
    assert [r for r in _results(report) if r[0] == "Violation"] == []
    assert _results(report) == _results(_graph(first / "dcat-validation.ttl"))


def _record(first: Path) -> rdflib.Graph:
    return _graph(first / "dcat.ttl")


def test_the_record_describes_catalog_dataset_distributions_and_endpoint(first: Path) -> None:
    g = _record(first)
    d = rdflib.Namespace(DCAT)
    dct = rdflib.Namespace("http://purl.org/dc/terms/")
    [catalog] = g.subjects(rdflib.RDF.type, d.Catalog)
    [dataset] = g.subjects(rdflib.RDF.type, d.Dataset)
    [service] = g.subjects(rdflib.RDF.type, d.DataService)
    release_url = "https://w3id.org/kennisgraaf/releases/1.0.0/"
    assert str(dataset) == release_url + "void.ttl#leiden" and (catalog, d.dataset, dataset) in g
    assert {(t.language, str(t)) for t in g.objects(dataset, dct.title)} == {
        ("nl", "Kennisgraaf Leiden Kennisstad"), ("en", "Knowledge graph of Leiden Kennisstad")}
    assert {t.language for t in g.objects(dataset, dct.description)} == {"nl", "en"}
    publisher = g.value(dataset, dct.publisher)
    assert str(publisher) == "https://identifier.overheid.nl/tooi/id/gemeente/gm0546"
    assert str(g.value(publisher, rdflib.URIRef("http://xmlns.com/foaf/0.1/name"))) == "Gemeente Leiden"
    assert sorted(str(t).rsplit("/", 1)[-1] for t in g.objects(dataset, d.theme)) == ["ECON", "EDUC", "GOVE", "TECH"]
    assert str(g.value(service, d.endpointURL)) == "https://w3id.org/kennisgraaf/sparql"
    assert (service, d.servesDataset, dataset) in g
    assert str(g.value(dataset, d.version)) == "1.0.0"
    contact = g.value(dataset, d.contactPoint)
    assert str(g.value(contact, rdflib.URIRef("http://www.w3.org/2006/vcard/ns#hasURL"))) == \
        "https://www.leiden.nl/contact"
    distributions = list(g.objects(dataset, d.distribution))
    assert len(distributions) == 7  # six dumps and the endpoint
    media = {str(g.value(x, d.downloadURL)).rsplit("/", 1)[-1]: str(g.value(x, d.mediaType))
             for x in distributions if g.value(x, d.downloadURL)}
    assert media == {
        "leiden.ttl": "http://www.iana.org/assignments/media-types/text/turtle",
        "leiden.trig": "http://www.iana.org/assignments/media-types/application/trig",
        "leiden.nt": "http://www.iana.org/assignments/media-types/application/n-triples",
        "leiden.nq": "http://www.iana.org/assignments/media-types/application/n-quads",
        "leiden.jsonld": "http://www.iana.org/assignments/media-types/application/ld+json",
        "leiden.rdf": "http://www.iana.org/assignments/media-types/application/rdf+xml",
    }
    assert "localhost" not in (first / "dcat.ttl").read_text("utf-8")


def test_sizes_and_checksums_in_the_record_are_those_of_the_files(first: Path) -> None:
    g = _record(first)
    d, spdx = rdflib.Namespace(DCAT), rdflib.Namespace("http://spdx.org/rdf/terms#")
    seen = set()
    for distribution in g.subjects(rdflib.RDF.type, d.Distribution):
        url = g.value(distribution, d.downloadURL)
        if url is None:
            continue
        data = (first / str(url).rsplit("/", 1)[-1]).read_bytes()
        assert int(g.value(distribution, d.byteSize)) == len(data)
        checksum = g.value(distribution, spdx.checksum)
        assert g.value(checksum, spdx.algorithm) == spdx.checksumAlgorithm_sha256
        assert str(g.value(checksum, spdx.checksumValue)) == hashlib.sha256(data).hexdigest()
        seen.add(str(url).rsplit("/", 1)[-1])
    assert sorted(seen) == DUMPS


def test_temporal_coverage_and_modified_come_from_the_data_and_the_build(first: Path, built_settings: Settings,
                                                                       built_store: ox.Store) -> None:
    kg = "https://w3id.org/kennisgraaf/def/"
    years = [int(q.object.value) for p in ("startYear", "endYear", "year")
             for q in built_store.quads_for_pattern(None, ox.NamedNode(kg + p), None, ox.DefaultGraph())]
    g = _record(first)
    d, dct = rdflib.Namespace(DCAT), rdflib.Namespace("http://purl.org/dc/terms/")
    [dataset] = g.subjects(rdflib.RDF.type, d.Dataset)
    period = g.value(dataset, dct.temporal)
    assert (str(g.value(period, d.startDate)), str(g.value(period, d.endDate))) == (str(min(years)), str(max(years)))
    assert g.value(period, d.startDate).datatype == rdflib.XSD.gYear
    modified = g.value(dataset, dct.modified)
    assert modified.datatype == rdflib.XSD.dateTime and str(modified) == read_report(built_settings)["built_at"]


# ------------------------------------------------------------------------------------------------ files


def test_every_file_is_in_sha256sums_and_sha256sum_checks_them(first: Path) -> None:
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=first, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    listed = sorted(line.split("  ", 1)[1] for line in (first / "SHA256SUMS").read_text("utf-8").splitlines())
    assert listed == sorted(p.relative_to(first).as_posix() for p in first.rglob("*")
                            if p.is_file() and p.name != "SHA256SUMS")
    assert set(DUMPS) <= set(listed) and {"void.ttl", "dcat.ttl", "dcat.jsonld", "release.json"} <= set(listed)


def test_sha256sum_notices_a_changed_file(first: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(first, copy)
    (copy / "leiden.nt").write_bytes((copy / "leiden.nt").read_bytes() + b"\n")
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=copy, capture_output=True, text=True, check=False)
    assert result.returncode == 1 and "leiden.nt: FAILED" in result.stdout


def test_the_dumps_are_the_exports_of_the_build(first: Path, built_settings: Settings) -> None:
    from kennisgraaf.store.export import FORMATS, export

    for fmt, (_, _, extension) in FORMATS.items():
        assert (first / f"leiden.{extension}").read_bytes() == export(built_settings, fmt=fmt), fmt


def test_void_has_the_published_addresses_and_the_counts_info_gives(first: Path, built_settings: Settings) -> None:
    text = (first / "void.ttl").read_text("utf-8")
    assert "localhost" not in text and "127.0.0.1" not in text
    triples = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))
    dataset = ox.NamedNode("https://w3id.org/kennisgraaf/releases/1.0.0/void.ttl#leiden")

    def values(subject: ox.NamedNode, name: str) -> list[str]:
        return sorted(t.object.value for t in triples if t.subject == subject and t.predicate.value == VOID + name)

    counts = read_report(built_settings)["counts"]
    assert values(dataset, "uriSpace") == [built_settings.base_iri + "id/"]
    assert values(dataset, "sparqlEndpoint") == ["https://w3id.org/kennisgraaf/sparql"]
    assert values(dataset, "triples") == [str(counts["triples"])]
    assert values(dataset, "dataDump") == ["https://w3id.org/kennisgraaf/releases/1.0.0/" + d for d in DUMPS]
    [graphs] = values(dataset, "subset")
    assert values(ox.NamedNode(graphs), "documents") == [str(counts["named_graphs"])]
    per_class = {}
    for part in values(dataset, "classPartition"):
        [cls] = values(ox.NamedNode(part), "class")
        [n] = values(ox.NamedNode(part), "entities")
        per_class[cls] = int(n)
    assert per_class == counts["entities_per_class"]


def test_the_manifest_names_the_build(first: Path, built_settings: Settings) -> None:
    manifest = json.loads((first / "release.json").read_text("utf-8"))
    report = read_report(built_settings)
    assert manifest["build"]["content_hash"] == report["content_hash"]
    assert manifest["build"]["inputs"] == report["inputs"]
    assert manifest["previous"] is None and not (first / "DIFF.md").exists()


# ------------------------------------------------------------------------------------------------ versions


def test_another_version_of_the_same_build_works_and_the_same_version_is_refused(built_settings: Settings,
                                                                                 releases: Path) -> None:
    settings = _settings(built_settings, releases)
    before = {p.relative_to(releases): p.read_bytes() for p in (releases / "1.0.0").rglob("*") if p.is_file()}
    second = release(settings, "1.0.1")
    assert second.path == releases / "1.0.1" and second.diff is not None and second.diff.count() == 0
    assert second.manifest["previous"] == "1.0.0"
    assert "Geen verschillen" in (second.path / "DIFF.md").read_text("utf-8")
    assert json.loads((second.path / "diff.json").read_text("utf-8"))["changes"] == 0
    record = _record(second.path)
    assert (None, rdflib.URIRef(DCAT + "previousVersion"),
            rdflib.URIRef("https://w3id.org/kennisgraaf/releases/1.0.0/void.ttl#leiden")) in record
    with pytest.raises(OutputError, match="Release 1.0.0 already exists .* never overwritten"):
        release(settings, "1.0.0")
    assert {p.relative_to(releases): p.read_bytes() for p in (releases / "1.0.0").rglob("*") if p.is_file()} == before
    assert [v for v, _, _ in find_releases(releases)] == ["1.0.0", "1.0.1"]
    assert not [p for p in releases.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("failure", [RuntimeError("disk on fire"), KeyboardInterrupt()])
@pytest.mark.parametrize("existing", [False, True])
def test_a_failed_or_interrupted_release_leaves_nothing(built_settings: Settings, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, failure: BaseException,
                                                        existing: bool) -> None:
    folder = tmp_path / "releases"
    settings = _settings(built_settings, folder)
    if existing:
        release(settings, "0.9")
    before = sorted(p.name for p in folder.iterdir()) if existing else None

    def fail(*args: Any, **kwargs: Any) -> Any:
        # the dumps, VoID and the record are written by now: the failure comes late
        raise failure

    monkeypatch.setattr("kennisgraaf.publish.release.compare" if existing else
                        "kennisgraaf.publish.release.dcat.validate_record", fail)
    with pytest.raises(type(failure)):
        release(settings, "1.0.0")
    if existing:
        assert sorted(p.name for p in folder.iterdir()) == before == ["0.9"]
    else:
        assert not folder.exists()


@pytest.mark.parametrize("version", ["../escape", ".hidden", "a/b", "current", "", "x" * 65, "met spatie"])
def test_a_version_that_cannot_be_a_folder_name_is_refused(built_settings: Settings, tmp_path: Path,
                                                           version: str) -> None:
    with pytest.raises(InputError, match="cannot be a release version"):
        release(_settings(built_settings, tmp_path / "releases"), version)
    assert not (tmp_path / "releases").exists()


def test_release_settings_are_required(scratch_settings: Settings) -> None:
    with pytest.raises(ConfigError, match="publisher, publisher_name, license, themes, contact_page or contact_email"):
        release(scratch_settings, "1.0.0")


@pytest.mark.parametrize(("name", "value", "words"), [
    ("themes", "GOVE KENNIS", "not EU data themes"), ("license", "CC0", "must be an http(s) address"),
    ("contact_email", "gemeente-at-leiden", "not an e-mail address"), ("release_base_url", "https://x.nl/r",
                                                                       "must end in '/'"),
])
def test_wrong_release_settings_are_named(built_settings: Settings, tmp_path: Path, name: str, value: str,
                                          words: str) -> None:
    settings = Settings.load(ROOT, {"build_dir": str(built_settings.path("build_dir")),
                                    "releases_dir": str(tmp_path / "r"), name: value}, environ={})
    with pytest.raises(ConfigError, match=f"Setting {name} .*{re.escape(words)}"):
        release(settings, "1.0.0")


# ------------------------------------------------------------------------------------------------ the command


def test_the_command_releases_with_the_default_version_and_prints_the_warnings(built_settings: Settings,
                                                                              tmp_path: Path) -> None:
    env = {"KENNISGRAAF_BUILD_DIR": str(built_settings.path("build_dir")),
           "KENNISGRAAF_RELEASES_DIR": str(tmp_path / "releases")}
    result = CliRunner(env=env).invoke(cli, ["release", "--project", str(ROOT), "--lang", "en"])
    assert result.exit_code == 0, result.output
    version = default_version(read_report(built_settings))
    assert (tmp_path / "releases" / version / "SHA256SUMS").is_file()
    warnings = [line for line in result.output.splitlines() if line.startswith("DCAT-AP-NL: warning: ")]
    manifest = json.loads((tmp_path / "releases" / version / "release.json").read_text("utf-8"))
    assert len(warnings) == len(manifest["dcat_validation"]["warnings"]) > 0
    assert "dcat.ttl#distribution-turtle dcat:accessService: It is recommended to specify access service." in \
        result.output
    assert f"Released {version} to " in result.output and "(0 violations, " in result.output

    again = CliRunner(env=env).invoke(cli, ["release", "--project", str(ROOT), version])
    assert again.exit_code == 2 and "Traceback" not in again.output
    assert f"Release {version} bestaat al" in again.output and "nooit overschreven" in again.output


def test_the_command_says_which_settings_are_missing(scratch: Path) -> None:
    result = CliRunner().invoke(cli, ["release", "--project", str(scratch), "--lang", "en"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "these settings are not set: publisher" in " ".join(result.output.split())
    write_release_settings(scratch)
    result = CliRunner().invoke(cli, ["release", "--project", str(scratch)])
    assert result.exit_code == 2 and "Voer eerst `kennisgraaf build` uit" in result.output
    assert not (scratch / "releases").exists()


def test_a_release_holds_the_static_site_and_every_link_in_it_resolves(first: Path) -> None:
    from site_links import broken_links

    site = first / "site"
    assert (site / "index.html").is_file() and (site / "doc" / "overeenkomst" /
                                                "samenwerkingsovereenkomst-2017.html").is_file()
    assert broken_links(site, "https://w3id.org/kennisgraaf/") == []
    manifest = json.loads((first / "release.json").read_text("utf-8"))
    assert manifest["site"]["entry"] == "site/index.html"
    assert manifest["site"]["files"] == sum(1 for p in site.rglob("*") if p.is_file())
