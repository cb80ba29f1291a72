"""The DCAT-AP-NL 3.0 record of a release, and its validation against Geonovum's official SHACL shapes.

`record(...)` describes a release as a `dcat:Catalog` with one `dcat:Dataset` (the graph, in this version), a
`dcat:Distribution` per dump plus one for the SPARQL endpoint, and the `dcat:DataService` of that endpoint.
Who publishes it, under which licence and where to reach them come from the settings (`publication()`); what
the graph covers comes from the graph: the years of its `kg:startYear`, `kg:endYear` and `kg:year` values are
the temporal coverage, the languages of its literals the languages; the modification date is the build's time,
sizes and checksums are those of the files written.

`validate_record(triples)` checks the record with pyshacl against the union of the shapes in
`dcat-ap-nl-3.0/` (vendored unchanged from Geonovum, see its README): violations make a release fail,
warnings (recommended properties) are reported and kept with the release.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..config import Settings
from ..errors import ConfigError
from ..namespaces import KG, RDF, SH, SKOS, XSD

__all__ = ["DATA_THEMES", "PREFIXES", "SHAPES_DIR", "DumpFile", "Finding", "Publication", "RecordValidation",
           "publication", "record", "serialize", "validate_record"]

SHAPES_DIR = Path(__file__).resolve().parent / "dcat-ap-nl-3.0"

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SPDX = "http://spdx.org/rdf/terms#"
EUSH = "https://purl.eu/ns/shacl#"
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"

PREFIXES = {"dcat": DCAT, "dct": DCT, "foaf": FOAF, "kg": KG, "rdf": RDF, "skos": SKOS, "spdx": SPDX,
            "vcard": VCARD, "xsd": XSD}

# The codes of the EU vocabulary "data theme" (http://publications.europa.eu/resource/authority/data-theme).
DATA_THEMES = ("AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI", "TECH", "TRAN")
# ISO 639-1 language tags of the data → the EU vocabulary "language" (three-letter codes).
LANGUAGES = {"nl": "NLD", "en": "ENG", "de": "DEU", "fr": "FRA", "fy": "FRY", "la": "LAT"}
# export format → (IANA media type, EU file type, title)
MEDIA = {
    "turtle": ("text/turtle", "RDF_TURTLE", "Turtle"),
    "trig": ("application/trig", "RDF_TRIG", "TriG"),
    "ntriples": ("application/n-triples", "RDF_N_TRIPLES", "N-Triples"),
    "nquads": ("application/n-quads", "RDF_N_QUADS", "N-Quads"),
    "jsonld": ("application/ld+json", "JSON_LD", "JSON-LD"),
    "rdfxml": ("application/rdf+xml", "RDF_XML", "RDF/XML"),
}
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
PUBLIC = EU + "access-right/PUBLIC"

TITLE = {"nl": "Kennisgraaf Leiden Kennisstad", "en": "Knowledge graph of Leiden Kennisstad"}
DESCRIPTION = {
    "nl": "Wie werkt met wie samen in Leiden Kennisstad, via welke overeenkomsten, initiatieven, thema's en "
          "budgetten. Elk feit is herleid tot de zin in een gemeentelijk document die het vermeldt: elke bewering "
          "is een benoemde graaf met haar brondocument en het letterlijke citaat.",
    "en": "Who works with whom in Leiden Kennisstad, through which agreements, initiatives, themes and budgets. "
          "Every fact is traced to the sentence of a municipal document that states it: each claim is a named "
          "graph with its source document and the verbatim quote.",
}
KEYWORDS = {"nl": ("Leiden", "kennisstad", "samenwerking", "linked data"),
            "en": ("Leiden", "knowledge city", "collaboration", "linked data")}


@dataclass(frozen=True)
class Publication:
    """Who publishes the releases, where, and under which licence: the release settings, checked."""

    release_base_url: str
    public_endpoint: str
    landing_page: str
    publisher: str
    publisher_name: str
    contact_page: str
    contact_email: str
    license: str
    themes: tuple[str, ...]


def publication(settings: Settings) -> Publication:
    """The release settings of the project; ConfigError, naming the setting, when one is missing or wrong."""
    base = settings.base_iri
    values = {name: str(settings.get(name)).strip() for name in (
        "release_base_url", "public_endpoint", "landing_page", "publisher", "publisher_name", "contact_page",
        "contact_email", "license", "themes")}
    values["release_base_url"] = values["release_base_url"] or base + "releases/"
    values["public_endpoint"] = values["public_endpoint"] or base + "sparql"
    values["landing_page"] = values["landing_page"] or base
    missing = [name for name in ("publisher", "publisher_name", "license", "themes") if not values[name]]
    if not values["contact_page"] and not values["contact_email"]:
        missing.append("contact_page or contact_email")
    if missing:
        raise ConfigError(
            f"A release names its publisher, licence, themes and contact point, and these settings are not set: "
            f"{', '.join(missing)}. Set them in [tool.kennisgraaf] of pyproject.toml (or kennisgraaf.toml); "
            f"`kennisgraaf config` shows what each one is.",
            f"Een release noemt uitgever, licentie, thema's en contactpunt, en deze instellingen ontbreken: "
            f"{', '.join(missing)}. Zet ze in [tool.kennisgraaf] van pyproject.toml (of kennisgraaf.toml); "
            f"`kennisgraaf config` laat zien wat elk is.")
    for name in ("release_base_url", "public_endpoint", "landing_page", "publisher", "contact_page", "license"):
        value = values[name]
        if value and not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", value):
            raise ConfigError(f"Setting {name} is {value!r}; it must be an http(s) address.",
                              f"De instelling {name} is {value!r}; dat moet een http(s)-adres zijn.")
    if not values["release_base_url"].endswith("/"):
        raise ConfigError(f"Setting release_base_url is {values['release_base_url']!r}; it must end in '/'.",
                          f"De instelling release_base_url is {values['release_base_url']!r}; die moet op '/' eindigen.")
    if values["contact_email"] and not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", values["contact_email"]):
        raise ConfigError(f"Setting contact_email is {values['contact_email']!r}, which is not an e-mail address.",
                          f"De instelling contact_email is {values['contact_email']!r}; dat is geen e-mailadres.")
    themes = tuple(values["themes"].upper().split())
    unknown = [t for t in themes if t not in DATA_THEMES]
    if unknown:
        raise ConfigError(f"Setting themes names {', '.join(unknown)}, which are not EU data themes; use codes of "
                          f"http://publications.europa.eu/resource/authority/data-theme: {', '.join(DATA_THEMES)}.",
                          f"De instelling themes noemt {', '.join(unknown)}, dat zijn geen EU-datathema's; gebruik "
                          f"codes van de EU-lijst data-theme: {', '.join(DATA_THEMES)}.")
    return Publication(themes=themes, **{k: v for k, v in values.items() if k != "themes"})


@dataclass(frozen=True)
class DumpFile:
    """A dump in a release: its export format, file name, size and SHA-256."""

    fmt: str
    name: str
    size: int
    sha256: str


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=_n(XSD + datatype))


def coverage_years(store: ox.Store) -> tuple[int, int] | None:
    """The first and last year the graph's start, end and year values name; None when it names none."""
    solutions = store.query(f"""SELECT (MIN(?year) AS ?first) (MAX(?year) AS ?last) WHERE {{
        VALUES ?p {{ <{KG}startYear> <{KG}endYear> <{KG}year> }} ?s ?p ?year FILTER(isNumeric(?year)) }}""")
    assert isinstance(solutions, ox.QuerySolutions)
    row = next(iter(solutions))
    if row["first"] is None:
        return None
    return int(row["first"].value), int(row["last"].value)


def data_languages(store: ox.Store) -> list[str]:
    """The EU language codes of the languages the graph's literals are in (those with a code we know)."""
    solutions = store.query("SELECT DISTINCT (LCASE(LANG(?o)) AS ?tag) WHERE { ?s ?p ?o FILTER(LANG(?o) != '') }")
    assert isinstance(solutions, ox.QuerySolutions)
    tags = {row["tag"].value.split("-")[0] for row in solutions}
    return sorted(LANGUAGES[tag] for tag in tags if tag in LANGUAGES)


def record(publication: Publication, store: ox.Store, *, version: str, release_url: str, built_at: str,
           released_at: str, dumps: Sequence[DumpFile], previous_url: str | None = None) -> list[ox.Triple]:
    """The DCAT-AP-NL 3.0 record of the release at `release_url` of the graph in `store`.

    `built_at` and `released_at` are ISO date-times; `dumps` the files written; `previous_url` the address of
    the previous release, if there is one. The dataset is `{release_url}void.ttl#leiden`, the subject of the
    release's VoID description too; the record's other nodes are `{release_url}dcat.ttl#...`.
    """
    here = release_url + "dcat.ttl#"
    dataset = _n(release_url + "void.ttl#leiden")
    catalog, service, contact = _n(here + "catalog"), _n(here + "sparql"), _n(here + "contact")
    publisher, license_ = _n(publication.publisher), _n(publication.license)
    triples: list[ox.Triple] = []

    def add(subject: ox.NamedNode, predicate: str, *objects: ox.NamedNode | ox.Literal) -> None:
        triples.extend(ox.Triple(subject, _n(predicate), o) for o in objects)

    def texts(subject: ox.NamedNode, predicate: str, by_language: dict[str, str]) -> None:
        add(subject, predicate, *(ox.Literal(text, language=lang) for lang, text in by_language.items()))

    languages = [_n(EU + "language/" + code) for code in data_languages(store)]
    themes = [_n(EU + "data-theme/" + code) for code in publication.themes]
    released, modified = _typed(released_at, "dateTime"), _typed(built_at, "dateTime")

    # Catalog
    add(catalog, RDF + "type", _n(DCAT + "Catalog"))
    texts(catalog, DCT + "title", {"nl": f"Catalogus {TITLE['nl']}", "en": f"Catalogue: {TITLE['en']}"})
    texts(catalog, DCT + "description", {"nl": f"De release {version} van de {TITLE['nl']} en haar SPARQL-endpoint.",
                                         "en": f"Release {version} of the {TITLE['en']} and its SPARQL endpoint."})
    add(catalog, DCT + "publisher", publisher)
    add(catalog, DCT + "creator", publisher)
    add(catalog, DCAT + "contactPoint", contact)
    add(catalog, DCAT + "dataset", dataset)
    add(catalog, DCAT + "service", service)
    add(catalog, DCT + "language", *languages)
    add(catalog, DCT + "license", license_)
    add(catalog, DCT + "issued", released)
    add(catalog, DCT + "modified", released)
    add(catalog, FOAF + "homepage", _n(publication.landing_page))

    # Dataset
    add(dataset, RDF + "type", _n(DCAT + "Dataset"))
    texts(dataset, DCT + "title", TITLE)
    texts(dataset, DCT + "description", DESCRIPTION)
    add(dataset, DCT + "identifier", ox.Literal(dataset.value))
    add(dataset, DCAT + "version", ox.Literal(version))
    add(dataset, DCT + "issued", released)
    add(dataset, DCT + "modified", modified)
    add(dataset, DCT + "publisher", publisher)
    add(dataset, DCT + "creator", publisher)
    add(dataset, DCAT + "contactPoint", contact)
    add(dataset, DCT + "accessRights", _n(PUBLIC))
    add(dataset, DCAT + "theme", *themes)
    for lang, words in KEYWORDS.items():
        add(dataset, DCAT + "keyword", *(ox.Literal(word, language=lang) for word in words))
    add(dataset, DCT + "language", *languages)
    add(dataset, DCAT + "landingPage", _n(publication.landing_page))
    add(dataset, FOAF + "page", _n(release_url + "void.ttl"))
    add(dataset, DCT + "conformsTo", _n(KG))
    if previous_url is not None:
        add(dataset, DCAT + "previousVersion", _n(previous_url + "void.ttl#leiden"))
    years = coverage_years(store)
    if years is not None:
        period = _n(here + "temporal")
        add(dataset, DCT + "temporal", period)
        add(period, RDF + "type", _n(DCT + "PeriodOfTime"))
        add(period, DCAT + "startDate", _typed(str(years[0]), "gYear"))
        add(period, DCAT + "endDate", _typed(str(years[1]), "gYear"))

    # Distributions: one per dump, one for the endpoint
    for dump in dumps:
        media_type, file_type, name = MEDIA[dump.fmt]
        distribution, checksum = _n(f"{here}distribution-{dump.fmt}"), _n(f"{here}checksum-{dump.fmt}")
        url = _n(release_url + dump.name)
        add(dataset, DCAT + "distribution", distribution)
        add(distribution, RDF + "type", _n(DCAT + "Distribution"))
        with_claims = dump.fmt in ("trig", "nquads", "jsonld")
        texts(distribution, DCT + "title", {"nl": f"{TITLE['nl']} in {name}", "en": f"{TITLE['en']} in {name}"})
        texts(distribution, DCT + "description", {
            "nl": "Elk feit één keer, met de beweringen als benoemde grafen (bron en citaat)." if with_claims else
                  "Elk feit één keer (de standaardgraaf), zonder de beweringen.",
            "en": "Every fact once, with the claims as named graphs (source and quote)." if with_claims else
                  "Every fact once (the default graph), without the claims."})
        add(distribution, DCAT + "accessURL", url)
        add(distribution, DCAT + "downloadURL", url)
        add(distribution, DCAT + "mediaType", _n(IANA + media_type))
        add(distribution, DCT + "format", _n(EU + "file-type/" + file_type))
        add(distribution, DCAT + "byteSize", _typed(str(dump.size), "nonNegativeInteger"))
        add(distribution, SPDX + "checksum", checksum)
        add(checksum, RDF + "type", _n(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", _n(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", _typed(dump.sha256, "hexBinary"))
        add(distribution, DCT + "license", license_)
        add(distribution, DCT + "language", *languages)
        add(distribution, DCT + "conformsTo", _n(KG))
        add(distribution, DCT + "issued", released)
    endpoint = _n(publication.public_endpoint)
    by_endpoint = _n(here + "distribution-sparql")
    add(dataset, DCAT + "distribution", by_endpoint)
    add(by_endpoint, RDF + "type", _n(DCAT + "Distribution"))
    texts(by_endpoint, DCT + "title", {"nl": f"{TITLE['nl']} via SPARQL", "en": f"{TITLE['en']} through SPARQL"})
    add(by_endpoint, DCAT + "accessURL", endpoint)
    add(by_endpoint, DCAT + "accessService", service)
    add(by_endpoint, DCT + "license", license_)
    add(by_endpoint, DCT + "language", *languages)
    add(by_endpoint, DCT + "conformsTo", _n(KG))

    # The SPARQL endpoint
    add(service, RDF + "type", _n(DCAT + "DataService"))
    texts(service, DCT + "title", {"nl": f"SPARQL-endpoint van de {TITLE['nl']}",
                                   "en": f"SPARQL endpoint of the {TITLE['en']}"})
    texts(service, DCT + "description", {
        "nl": "SPARQL 1.1-endpoint (alleen lezen). De standaardgraaf bevat elk feit één keer; GRAPH ?bewering { ... } "
              "geeft bij elk feit de bewering met bron en citaat.",
        "en": "Read-only SPARQL 1.1 endpoint. Its default graph holds every fact once; GRAPH ?claim { ... } gives "
              "each fact with its claim, source and quote."})
    add(service, DCAT + "endpointURL", endpoint)
    add(service, DCAT + "endpointDescription", endpoint)  # asked without a query, the endpoint describes itself
    add(service, DCAT + "servesDataset", dataset)
    add(service, DCT + "identifier", ox.Literal(endpoint.value))
    add(service, DCT + "license", license_)
    add(service, DCT + "accessRights", _n(PUBLIC))
    add(service, DCT + "publisher", publisher)
    add(service, DCT + "creator", publisher)
    add(service, DCAT + "contactPoint", contact)
    add(service, DCAT + "theme", *themes)
    for lang, words in KEYWORDS.items():
        add(service, DCAT + "keyword", *(ox.Literal(word, language=lang) for word in words + ("SPARQL",)))
    add(service, DCT + "language", *languages)
    add(service, DCT + "conformsTo", _n(SPARQL_PROTOCOL))
    add(service, DCAT + "landingPage", _n(publication.landing_page))

    # What the record points at, typed as the profile's class ranges ask
    add(publisher, RDF + "type", _n(FOAF + "Agent"), _n(FOAF + "Organization"))
    add(publisher, FOAF + "name", ox.Literal(publication.publisher_name, language="nl"))
    add(contact, RDF + "type", _n(VCARD + "Kind"), _n(VCARD + "Organization"))
    add(contact, VCARD + "fn", ox.Literal(publication.publisher_name))
    if publication.contact_page:
        add(contact, VCARD + "hasURL", _n(publication.contact_page))
    if publication.contact_email:
        add(contact, VCARD + "hasEmail", _n("mailto:" + publication.contact_email))
    for theme in themes:
        add(theme, RDF + "type", _n(SKOS + "Concept"))
        add(theme, SKOS + "inScheme", _n(EU + "data-theme"))
    for language in languages:
        add(language, RDF + "type", _n(DCT + "LinguisticSystem"))
    add(_n(SPARQL_PROTOCOL), RDF + "type", _n(DCT + "Standard"))
    add(_n(PUBLIC), RDF + "type", _n(DCT + "RightsStatement"))
    add(license_, RDF + "type", _n(DCT + "LicenseDocument"))
    add(_n(publication.landing_page), RDF + "type", _n(FOAF + "Document"))
    add(_n(release_url + "void.ttl"), RDF + "type", _n(FOAF + "Document"))
    return triples


def serialize(triples: Iterable[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    """The triples sorted, in `fmt`, with the record's prefixes."""
    items = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    data = ox.serialize(items, format=fmt, prefixes=PREFIXES) if fmt != ox.RdfFormat.N_TRIPLES else \
        ox.serialize(items, format=fmt)
    assert data is not None
    return data


@dataclass(frozen=True)
class Finding:
    """One result of the validation: severity (Violation, Warning, Info), node, property, shape, message."""

    severity: str
    focus: str
    path: str
    shape: str
    message: str

    def line(self) -> str:
        """`dcat.ttl#distribution-turtle dcat:accessService: It is recommended ... (shape)`."""
        where = self.focus.rsplit("/", 1)[-1] + (f" {_prefixed(self.path)}" if self.path else "")
        return f"{where}: {self.message} ({self.shape})"


def _prefixed(iri: str) -> str:
    for name, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{name}:{iri[len(namespace):]}"
    return iri


@dataclass
class RecordValidation:
    """The outcome of validating a record: its findings, and the standard sh:ValidationReport as Turtle."""

    findings: list[Finding]
    report_turtle: bytes

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "Violation"]


def shapes_graph() -> Any:
    """The union of Geonovum's DCAT-AP-NL 3.0 shapes, as an rdflib Graph."""
    import rdflib

    shapes = rdflib.Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


def validate_record(triples: Iterable[ox.Triple]) -> RecordValidation:
    """Validate the record with pyshacl against the DCAT-AP-NL 3.0 shapes (the data in an in-memory rdflib
    Graph, no inference). Messages are the shapes' own (`eush:message`)."""
    import pyshacl
    import rdflib

    data = rdflib.Graph()
    data.parse(data=serialize(triples, ox.RdfFormat.N_TRIPLES), format="nt")
    shapes = shapes_graph()
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)
    sh, eush = rdflib.Namespace(SH), rdflib.Namespace(EUSH)
    findings = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        shape = report.value(result, sh.sourceShape)
        messages = list(shapes.objects(shape, eush.message)) or list(report.objects(result, sh.resultMessage))
        severity = str(report.value(result, sh.resultSeverity)).rsplit("#", 1)[-1]
        path = report.value(result, sh.resultPath)
        findings.append(Finding(severity, str(report.value(result, sh.focusNode)), str(path) if path else "",
                                _short_shape(str(shape)), " ".join(str(m) for m in messages)))
    findings.sort(key=lambda f: (f.severity != "Violation", f.shape, f.focus))
    return RecordValidation(findings, report.serialize(format="turtle").encode("utf-8"))


def _short_shape(iri: str) -> str:
    prefix = "http://modellen.geostandaarden.nl/dcat-ap-nl/id/shape/300/"
    return "dcatapnl-sh:" + iri[len(prefix):] if iri.startswith(prefix) else iri
