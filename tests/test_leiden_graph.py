"""Real answers from the three sources, asked of the built Leiden graph.

Every expected value below was read from the source texts in data/sources/ (not copied from the data):
- Jaarstukken 2017, 2.3.13 Bijzonder programma Kennisstad (000_48cee43458051059.txt, "js2017")
- Programmabegroting 2018, Bijzonder programma Kennisstad (001_71374ed93527d2c2.txt, "pb2018")
- Jaarstukken 2023, Bijzonder programma Kennisstad (004_e3551db14a466330.txt, "js2023")

The store's default graph holds every fact once (the deduplicated union of the claims): facts are asked of it,
provenance with `GRAPH ?claim { ... }`.
(That every quote is found in its document is tested in tests/test_documents.py.)
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "data" / "sources"

ID = "https://w3id.org/kennisgraaf/id/"
DEF = "https://w3id.org/kennisgraaf/def/"
JS2017 = ID + "document/jaarstukken-2017"
PB2018 = ID + "document/programmabegroting-2018"
JS2023 = ID + "document/jaarstukken-2023"
SOURCE_FILES = {JS2017: "000_48cee43458051059.txt", PB2018: "001_71374ed93527d2c2.txt",
                JS2023: "004_e3551db14a466330.txt"}

PREFIXES = """
PREFIX kg: <https://w3id.org/kennisgraaf/def/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX organisatie: <https://w3id.org/kennisgraaf/id/organisatie/>
PREFIX samenwerking: <https://w3id.org/kennisgraaf/id/samenwerking/>
PREFIX programma: <https://w3id.org/kennisgraaf/id/programma/>
PREFIX overeenkomst: <https://w3id.org/kennisgraaf/id/overeenkomst/>
PREFIX initiatief: <https://w3id.org/kennisgraaf/id/initiatief/>
PREFIX evenement: <https://w3id.org/kennisgraaf/id/evenement/>
PREFIX plaats: <https://w3id.org/kennisgraaf/id/plaats/>
PREFIX budget: <https://w3id.org/kennisgraaf/id/budget/>
PREFIX toekenning: <https://w3id.org/kennisgraaf/id/toekenning/>
PREFIX document: <https://w3id.org/kennisgraaf/id/document/>
PREFIX bewering: <https://w3id.org/kennisgraaf/id/bewering/>
PREFIX rol: <https://w3id.org/kennisgraaf/id/rol/>
PREFIX status: <https://w3id.org/kennisgraaf/id/status/>
PREFIX overeenkomsttype: <https://w3id.org/kennisgraaf/id/overeenkomsttype/>
"""

XSD = "http://www.w3.org/2001/XMLSchema#"


def _value(term: Any) -> Any:
    """A plain Python value for an Oxigraph term: IRIs as strings, typed literals as int/Decimal/date/str."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype == XSD + "integer":
            return int(term.value)
        if datatype == XSD + "decimal":
            return Decimal(term.value)
        if datatype == XSD + "date":
            return date.fromisoformat(term.value)
        return term.value
    return term.value


def select(store: ox.Store, query: str) -> list[Any]:
    """Run a SELECT; each row is a plain value (one variable) or a tuple of plain values (several)."""
    solutions = store.query(PREFIXES + query)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        values = tuple(_value(solution[name]) for name in names)
        rows.append(values[0] if len(values) == 1 else values)
    return rows


def labels(store: ox.Store, where: str, var: str = "x") -> set[str]:
    """The Dutch labels of the ?x found by `where` (in the default graph: the facts)."""
    return set(select(store, f"SELECT DISTINCT ?label WHERE {{ {where} ?{var} rdfs:label ?label . "
                             f"FILTER(LANG(?label) = 'nl') }}"))


def documents_stating(store: ox.Store, pattern: str) -> set[str]:
    """The source documents of the claims whose graph contains `pattern`."""
    return set(select(store, f"SELECT DISTINCT ?doc WHERE {{ GRAPH ?claim {{ {pattern} ?claim prov:wasDerivedFrom ?doc }} }}"))


def source_text(document: str) -> str:
    """The document's text with whitespace collapsed and words hyphenated at a line end joined."""
    text = (SOURCES / SOURCE_FILES[document]).read_text("utf-8")
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1-\2", text)
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def store(built_store: ox.Store) -> ox.Store:
    return built_store


# ------------------------------------------------------------------ the questions of issue 4

def test_parties_and_date_of_the_samenwerkingsovereenkomst_of_7_july_2017(store: ox.Store) -> None:
    # pb2018: "Op 7 juli 2017 hebben we een samenwerkingsovereenkomst gesloten met Universiteit Leiden, LUMC en
    # Hogeschool Leiden." js2017 writes "op 7 jui 2017" (a typo) with the same three partners.
    agreements = select(store, """SELECT DISTINCT ?a WHERE {
        ?a kg:signingDate "2017-07-07"^^xsd:date ; kg:agreementType overeenkomsttype:samenwerkingsovereenkomst }""")
    assert agreements == [ID + "overeenkomst/samenwerkingsovereenkomst-2017"]
    assert labels(store, "overeenkomst:samenwerkingsovereenkomst-2017 kg:party ?x .") == {
        "gemeente Leiden", "Universiteit Leiden", "LUMC", "Hogeschool Leiden"}
    assert select(store, "SELECT DISTINCT ?d WHERE { overeenkomst:samenwerkingsovereenkomst-2017 kg:signingDate ?d }") \
        == [date(2017, 7, 7)]
    assert documents_stating(store, "overeenkomst:samenwerkingsovereenkomst-2017 kg:signingDate ?d .") == {JS2017, PB2018}
    # the typo "7 jui 2017" is kept verbatim in the quote, with the corrected reading next to it
    corrections = select(store, """SELECT ?c WHERE { GRAPH ?claim {
        overeenkomst:samenwerkingsovereenkomst-2017 kg:signingDate ?d .
        ?claim prov:wasDerivedFrom document:jaarstukken-2017 ; kg:quote ?q ; kg:correction ?c .
        FILTER(CONTAINS(?q, "7 jui 2017")) } }""")
    assert corrections and all("7 juli 2017" in c for c in corrections)


def test_the_agenda_2017_2018_names_sixteen_projects(store: ox.Store) -> None:
    # js2017: "Daartoe zijn voor de periode 2017-2018 zestien projecten / initiatieven benoemd." The sources
    # name none of the sixteen individually, so the graph holds the number, not sixteen project nodes.
    assert "zestien projecten / initiatieven benoemd" in source_text(JS2017)
    assert select(store, "SELECT DISTINCT ?n WHERE { overeenkomst:agenda-2017-2018 kg:numberOfProjects ?n }") == [16]
    assert documents_stating(store, "overeenkomst:agenda-2017-2018 kg:numberOfProjects 16 .") == {JS2017}
    assert labels(store, "overeenkomst:agenda-2017-2018 dcterms:isPartOf ?x .") == {"samenwerkingsovereenkomst van 7 juli 2017"}
    # the only project the sources place in the agenda by name: pb2018's "multifunctionele campusontwikkelingen
    # (... als onderdeel van de samenwerkingsagenda met Universiteit, LUMC en Hogeschool)"
    assert labels(store, "?x dcterms:isPartOf overeenkomst:agenda-2017-2018 .") == {"multifunctionele campusontwikkelingen"}


def test_the_programme_kennisstad_started_in_2012(store: ox.Store) -> None:
    # js2017 and pb2018: "zijn gemeente en partners in 2012 gestart met het programma Kennisstad."
    assert select(store, "SELECT DISTINCT ?y WHERE { programma:kennisstad kg:startYear ?y }") == [2012]
    assert documents_stating(store, "programma:kennisstad kg:startYear 2012 .") == {JS2017, PB2018}


def test_leiden_is_trekker_of_the_national_student_wellbeing_alliance(store: ox.Store) -> None:
    # js2023: "Tijdens het Bestuurlijk Overleg van het NKN, ... heeft Leiden zich formeel als trekker opgeworpen
    # van de landelijke alliantie studentenwelzijn." That happened at the NKN's meeting; the text does not say
    # that the alliance is part of the NKN.
    rows = select(store, """SELECT DISTINCT ?alliance ?year ?meeting WHERE {
        ?m org:member organisatie:gemeente-leiden ; org:role rol:trekker ; org:organization ?alliance ;
           kg:startYear ?year ; kg:relatedTo ?meeting .
        ?meeting schema:organizer samenwerking:netwerk-kennissteden-nederland }""")
    assert rows == [(ID + "samenwerking/landelijke-alliantie-studentenwelzijn", 2023,
                     ID + "evenement/nkn-bestuurlijk-overleg-studentenwelzijn-2023")]
    assert select(store, """SELECT ?x WHERE { samenwerking:landelijke-alliantie-studentenwelzijn
        org:subOrganizationOf|dcterms:isPartOf ?x }""") == []
    assert labels(store, "BIND(samenwerking:landelijke-alliantie-studentenwelzijn AS ?x)") == {
        "landelijke alliantie studentenwelzijn"}
    assert documents_stating(store, "?m org:role rol:trekker ; org:member organisatie:gemeente-leiden .") == {JS2023}


def test_technolab_works_with_the_faculty_of_wis_en_natuurkunde_on_levend_lab(store: ox.Store) -> None:
    # pb2018: "zoals Technolab in samenwerking met de faculteit Wis- en Natuurkunde voor het basisschoolprogramma
    # 'Levend Lab'"
    initiatives = select(store, """SELECT DISTINCT ?i WHERE {
        ?i kg:participant organisatie:technolab , ?faculty .
        ?faculty rdfs:label "faculteit Wis- en Natuurkunde"@nl }""")
    assert initiatives == [ID + "initiatief/levend-lab"]
    assert labels(store, "BIND(initiatief:levend-lab AS ?x)") == {"Levend Lab"}
    assert labels(store, "initiatief:levend-lab kg:participant ?x .") == {"Technolab", "faculteit Wis- en Natuurkunde"}
    assert select(store, "SELECT DISTINCT ?d WHERE { initiatief:levend-lab dcterms:description ?d }") == ["basisschoolprogramma"]
    assert labels(store, "initiatief:levend-lab kg:fundedBy ?x .") == {"incidenteel uitvoeringsbudget Kennisstad 2018"}
    assert documents_stating(store, "initiatief:levend-lab kg:participant organisatie:technolab .") == {PB2018}


def test_which_documents_state_that_leiden_chairs_nkn_and_in_which_words(store: ox.Store) -> None:
    # js2017 and pb2018: "via het Netwerk Kennissteden Nederland - waar Leiden de voorzittersrol vervult -";
    # js2023 names the NKN but not the chair.
    rows = select(store, """SELECT DISTINCT ?doc ?quote WHERE { GRAPH ?claim {
        ?m org:member organisatie:gemeente-leiden ; org:organization samenwerking:netwerk-kennissteden-nederland ;
           org:role rol:voorzitter .
        ?claim prov:wasDerivedFrom ?doc ; kg:quote ?quote } }""")
    assert {doc for doc, _ in rows} == {JS2017, PB2018}
    for doc, quote in rows:
        assert "waar Leiden de voorzittersrol vervult" in quote, (doc, quote)
        assert "Netwerk Kennissteden Nederland" in quote, (doc, quote)
        assert quote in source_text(doc)
    assert "voorzitter" not in source_text(JS2023)


KNOWLEDGE_PARTNERS_IN = """SELECT DISTINCT ?label WHERE {
    ?m org:organization samenwerking:leiden-kennisstad ; org:role rol:kennispartner ; org:member ?o ;
       kg:startYear ?start .
    OPTIONAL { ?m kg:endYear ?end }
    FILTER(?start <= %(year)d && (!BOUND(?end) || ?end >= %(year)d))
    ?o rdfs:label ?label . FILTER(LANG(?label) = 'nl') }"""


@pytest.mark.parametrize(("year", "expected"), [
    # js2017/pb2018: the agreement of 7 July 2017 with Universiteit Leiden, LUMC and Hogeschool Leiden, 2017-2022
    (2018, {"Universiteit Leiden", "LUMC", "Hogeschool Leiden"}),
    # js2023: "in november 2022 opnieuw hebben bekrachtigd samen met de Universiteit Leiden, de Hogeschool
    # Leiden, Naturalis Biodiversity Center en sindsdien ook met mboRijnland"; "de toetreding van mboRijnland
    # ... in het eerste jaar" (2023). LUMC is not named in 2023.
    (2023, {"Universiteit Leiden", "Hogeschool Leiden", "Naturalis Biodiversity Center", "mboRijnland"}),
])
def test_knowledge_partners_of_leiden_kennisstad_in_a_year(store: ox.Store, year: int, expected: set[str]) -> None:
    assert set(select(store, KNOWLEDGE_PARTNERS_IN % {"year": year})) == expected


def test_who_joined_what_in_2023(store: ox.Store) -> None:
    # js2023: Hogeschool Leiden and mboRijnland "zich aangesloten bij ... het Leiden Healthy Society Center";
    # Universiteit Leiden, Naturalis, Hogeschool Leiden and the municipality "hebben in 2023 de handen ineen
    # geslagen in het Leiden Biodiversity Network"; Leiden "formeel als trekker opgeworpen van de landelijke
    # alliantie studentenwelzijn"; "in 2023 ook mboRijnland zich als partner heeft toegevoegd aan het
    # consortium" (Leren met de Stad); "de toetreding van mboRijnland in Leiden Kennisstad" (first year 2023).
    rows = select(store, """SELECT DISTINCT ?who ?what WHERE {
        ?m a org:Membership ; kg:startYear 2023 ; org:member ?o ; org:organization ?c .
        ?o rdfs:label ?who . FILTER(LANG(?who) = 'nl')
        ?c rdfs:label ?what . FILTER(LANG(?what) = 'nl') }""")
    assert set(rows) == {
        ("Hogeschool Leiden", "Leiden Healthy Society Center"),
        ("mboRijnland", "Leiden Healthy Society Center"),
        ("Universiteit Leiden", "Leiden Biodiversity Network"),
        ("Naturalis Biodiversity Center", "Leiden Biodiversity Network"),
        ("Hogeschool Leiden", "Leiden Biodiversity Network"),
        ("gemeente Leiden", "Leiden Biodiversity Network"),
        ("gemeente Leiden", "landelijke alliantie studentenwelzijn"),
        ("mboRijnland", "consortium van Leren met de Stad"),
        ("mboRijnland", "samenwerking Leiden Kennisstad"),
    }
    # "Zo hebben de mbo instellingen in de stad (mboRijland, LiS en ROC Mondriaan) zich aangesloten bij de
    # Leidse 'verklaring studentenwelzijn'" (in the paragraph "In 2023 ..."): joining a declaration is a party
    # of that agreement, stated by the 2023 report.
    assert labels(store, "overeenkomst:leidse-verklaring-studentenwelzijn kg:party ?x .") >= {
        "mboRijnland", "LiS", "ROC Mondriaan"}
    assert documents_stating(store, "overeenkomst:leidse-verklaring-studentenwelzijn kg:party organisatie:lis .") == {JS2023}
    # A party carries no year, so the joining is also an event of 2023, with exactly those three.
    joined = select(store, """SELECT ?event ?who WHERE {
        ?event a schema:Event ; kg:year 2023 ; kg:relatedTo overeenkomst:leidse-verklaring-studentenwelzijn ;
               kg:participant ?o . ?o rdfs:label ?who . FILTER(LANG(?who) = 'nl') }""")
    assert {who for _, who in joined} == {"mboRijnland", "LiS", "ROC Mondriaan"}
    assert len({event for event, _ in joined}) == 1


def test_the_nuon_allocations_add_up_to_the_five_million_earmarked(store: ox.Store) -> None:
    # pb2018: "een bedrag van € 5 miljoen uit de NUON-middelen geoormerkt"; js2017 and pb2018 list the four
    # allocations: € 1.650.000, € 1.450.000, € 1.500.000 and € 400.000.
    assert select(store, "SELECT DISTINCT ?v WHERE { budget:nuon-middelen-kenniseconomie schema:value ?v }") \
        == [Decimal(5000000)]
    rows = select(store, """SELECT DISTINCT ?a ?v WHERE {
        ?a a kg:Allocation ; kg:fromBudget budget:nuon-middelen-kenniseconomie ; schema:value ?v ;
           schema:currency "EUR" }""")
    assert sorted(v for _, v in rows) == [Decimal(400000), Decimal(1450000), Decimal(1500000), Decimal(1650000)]
    assert sum(v for _, v in rows) == Decimal(5000000)
    assert len({a for a, _ in rows}) == 4
    for document in (JS2017, PB2018):
        stated = select(store, "SELECT DISTINCT ?a WHERE { GRAPH ?claim { "
                               "?a kg:fromBudget budget:nuon-middelen-kenniseconomie . "
                               f"?claim prov:wasDerivedFrom <{document}> }} }}")
        assert len(stated) == 4, document


def test_mrdh_has_23_municipalities(store: ox.Store) -> None:
    # js2017 and pb2018: "de Metropoolregio Rotterdam-Den Haag (een gemeenschappelijke regeling van 23 gemeenten)"
    assert select(store, "SELECT DISTINCT ?n WHERE { samenwerking:metropoolregio-rotterdam-den-haag kg:numberOfMembers ?n }") \
        == [23]
    assert documents_stating(store, "samenwerking:metropoolregio-rotterdam-den-haag kg:numberOfMembers 23 .") == {JS2017, PB2018}
    assert "MRDH" in set(select(store, "SELECT ?a WHERE { samenwerking:metropoolregio-rotterdam-den-haag skos:altLabel ?a }"))


# Abbreviations and short names as the sources write them, and the entity they stand for.
ABBREVIATIONS = {
    "NKN": "samenwerking/netwerk-kennissteden-nederland",   # js2023 "Netwerk Kennissteden Nederland (NKN)"
    "MRDH": "samenwerking/metropoolregio-rotterdam-den-haag",  # js2017, pb2018 "de MRDH / EBZ"
    "EBZ": "samenwerking/economic-board-zuid-holland",
    "LHSC": "samenwerking/leiden-healthy-society-center",  # js2023 "Leiden Healthy Society Center (LHSC)"
    "LEF": "initiatief/leiden-education-fieldlab",          # js2023 "Leiden Education Fieldlab (LEF)"
    "LEA": "initiatief/leidse-educatie-agenda",             # js2023 "de Leidse Educatie Agenda (LEA)"
    "LBSP": "plaats/leiden-bio-science-park",               # js2017, pb2018 "het LBSP"
    "OCW": "organisatie/ministerie-van-ocw",                # "de ministers van OCW en BZK", "ministerie van OCW"
    "BZK": "organisatie/ministerie-van-bzk",
    "Naturalis": "organisatie/naturalis",                   # js2023 "De Universiteit Leiden, Naturalis, ..."
    "Taalmuseum": "organisatie/taalmuseum-leiden",          # js2017, pb2018, js2023 "het Taalmuseum"
    "Universiteit": "organisatie/universiteit-leiden",      # js2017 "Universiteit, LUMC en Hogeschool Leiden"
    "Leiden": "organisatie/gemeente-leiden",                # "waar Leiden de voorzittersrol vervult"
}


@pytest.mark.parametrize(("abbreviation", "entity"), ABBREVIATIONS.items())
def test_abbreviations_the_sources_use_are_alt_labels(store: ox.Store, abbreviation: str, entity: str) -> None:
    assert any(re.search(rf"\b{re.escape(abbreviation)}\b", source_text(doc)) for doc in SOURCE_FILES)
    found = set(select(store, f"SELECT DISTINCT ?e WHERE {{ ?e skos:altLabel \"{abbreviation}\"@nl }}"))
    assert found == {ID + entity}


def test_names_the_sources_only_abbreviate_are_labels_and_unused_abbreviations_are_absent(store: ox.Store) -> None:
    # The sources only ever write "LUMC" and "LiS"; they never write "UL" for the Universiteit Leiden.
    assert labels(store, "BIND(organisatie:lumc AS ?x)") == {"LUMC"}
    assert labels(store, "BIND(organisatie:lis AS ?x)") == {"LiS"}
    assert not any(re.search(r"\bUL\b", source_text(doc)) for doc in SOURCE_FILES)
    assert select(store, 'SELECT ?e WHERE { { ?e skos:altLabel "UL"@nl } UNION { ?e rdfs:label "UL"@nl } }') == []


# ------------------------------------------------------------------ labels and provenance everywhere

def test_no_entity_lacks_a_label(store: ox.Store) -> None:
    missing = select(store, """SELECT DISTINCT ?e WHERE {
        { ?e ?p ?o } UNION { ?s ?p ?e }
        FILTER(isIRI(?e) && STRSTARTS(STR(?e), "https://w3id.org/kennisgraaf/id/"))
        FILTER NOT EXISTS { ?e rdfs:label ?label } }""")
    assert missing == []


def test_every_named_graph_is_a_claim_or_an_ontology(store: ox.Store) -> None:
    graphs = select(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    others = [g for g in graphs if not g.startswith(ID + "bewering/")
              and not g.startswith("https://w3id.org/kennisgraaf/graph/ontologie/")]
    assert others == []
    not_claims = select(store, """SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o }
        FILTER(STRSTARTS(STR(?g), "https://w3id.org/kennisgraaf/id/bewering/"))
        FILTER NOT EXISTS { GRAPH ?g { ?g a kg:Claim } } }""")
    assert not_claims == []


def test_the_default_graph_holds_every_fact_of_every_graph_once(store: ox.Store) -> None:
    # The documents are described in the default graph alone; every other fact is also in a named graph.
    only_default = set(select(store, "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"))
    assert only_default == {JS2017, PB2018, JS2023}
    missing = select(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }")
    assert missing == [0]
    [once] = select(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    [distinct] = select(store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { "
                               "{ ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } }")
    assert once == distinct


def test_every_subject_of_a_fact_is_stated_in_a_claim(store: ox.Store) -> None:
    unstated = select(store, """SELECT DISTINCT ?s WHERE {
        GRAPH ?g { ?s ?p ?o }
        FILTER(!STRSTARTS(STR(?g), "https://w3id.org/kennisgraaf/graph/ontologie/"))
        FILTER NOT EXISTS { GRAPH ?claim { ?s ?p2 ?o2 . ?claim a kg:Claim ; prov:wasDerivedFrom ?doc } } }""")
    assert unstated == []


def test_every_claim_has_one_source_document_and_a_quote(store: ox.Store) -> None:
    rows = select(store, """SELECT ?claim (COUNT(DISTINCT ?doc) AS ?docs) (COUNT(DISTINCT ?q) AS ?quotes) WHERE {
        GRAPH ?claim { ?claim a kg:Claim .
            OPTIONAL { ?claim prov:wasDerivedFrom ?doc } OPTIONAL { ?claim kg:quote ?q } } }
        GROUP BY ?claim""")
    assert len(rows) > 100
    bad = [(claim, docs, quotes) for claim, docs, quotes in rows if docs != 1 or quotes < 1]
    assert bad == []
    sources = set(select(store, "SELECT DISTINCT ?doc WHERE { GRAPH ?c { ?c prov:wasDerivedFrom ?doc } }"))
    assert sources == {JS2017, PB2018, JS2023}
    assert set(select(store, "SELECT ?d WHERE { ?d a kg:SourceDocument }")) == sources
    # each claim is named after its document: bewering:{js2017|pb2018|js2023}-...
    prefixes = {JS2017: "js2017-", PB2018: "pb2018-", JS2023: "js2023-"}
    for claim, doc in select(store, "SELECT ?c ?d WHERE { GRAPH ?c { ?c prov:wasDerivedFrom ?d } }"):
        assert claim.startswith(ID + "bewering/" + prefixes[doc]), claim


def test_well_over_a_hundred_entities(store: ox.Store) -> None:
    entities = select(store, """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?claim {
        ?e a ?class . FILTER(?class != kg:Claim) ?claim a kg:Claim } }""")
    assert entities[0] >= 150
    # every organisation the three sources name (collaborations and networks are org:OrganizationalCollaboration)
    assert labels(store, "?x a org:Organization .") == {
        # js2017
        "gemeente Leiden", "Universiteit Leiden", "LUMC", "Hogeschool Leiden", "Technolab", "Taalmuseum Leiden",
        "LeidenGlobal", "Vereniging van Universiteiten", "Vereniging van Hogescholen", "Kences", "ministerie van OCW",
        "ministerie van BZK", "Leiden Marketing", "Plaatselijke Kamer van Verenigingen", "L.S.V. Minerva",
        "L.V.V.S Augustinus", "SSR-Leiden", "V.S.L. Catena", "A.L.S.V. Quintus", "ICLON", "LUCL", "LIAS", "BplusC",
        "Veerstichting", "AEGEE-Leiden", "AIESEC", "NRC", "TNO", "VMBO-Boerhaavelaan",
        # pb2018
        "faculteit Wis- en Natuurkunde",
        # js2023
        "Naturalis Biodiversity Center", "mboRijnland", "LiS", "ROC Mondriaan", "Erfgoed Leiden",
        "Rijksdienst voor Cultureel Erfgoed", "EL CID commissie"}
    assert labels(store, "?x a org:OrganizationalCollaboration .") >= {
        "samenwerking Leiden Kennisstad", "Metropoolregio Rotterdam-Den Haag", "Economic Board Zuid-Holland",
        "universiteitencluster Leiden-Delft-Erasmus", "Netwerk Kennissteden Nederland", "Leiden Healthy Society Center",
        "landelijke alliantie studentenwelzijn", "Leiden Biodiversity Network", "consortium van Leren met de Stad"}


# ------------------------------------------------------------------ the ontology

def test_every_term_of_our_own_is_labelled_defined_and_linked_to_the_ontology(store: ox.Store) -> None:
    terms = select(store, """SELECT DISTINCT ?t WHERE {
        ?t a ?kind . FILTER(STRSTARTS(STR(?t), "https://w3id.org/kennisgraaf/def/") && ?t != <https://w3id.org/kennisgraaf/def/>)
        FILTER(?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, owl:NamedIndividual, rdf:Property)) }""")
    assert len(terms) >= 30
    problems: list[tuple[Any, ...]] = []
    for term in terms:
        for prop in ("rdfs:label", "skos:definition"):
            langs = set(select(store, f"SELECT DISTINCT (LANG(?v) AS ?l) WHERE {{ <{term}> {prop} ?v }}"))
            if not {"nl", "en"} <= langs:
                problems.append((term, prop, langs))
        if select(store, f"SELECT ?o WHERE {{ <{term}> rdfs:isDefinedBy ?o }}") != [DEF]:
            problems.append((term, "rdfs:isDefinedBy"))
    assert problems == []
    # every kg: term used anywhere in the data is one of the defined terms
    used = set(select(store, """SELECT DISTINCT ?t WHERE { GRAPH ?g { { ?s ?t ?o } UNION { ?s a ?t } }
        FILTER(STRSTARTS(STR(?t), "https://w3id.org/kennisgraaf/def/")) }"""))
    assert used - set(terms) == set()


def test_the_ontology_has_title_version_licence_and_description(store: ox.Store) -> None:
    rows = select(store, """SELECT ?title ?version ?licence ?description WHERE {
        <https://w3id.org/kennisgraaf/def/> a owl:Ontology ; dcterms:title ?title ; owl:versionInfo ?version ;
            dcterms:license ?licence ; dcterms:description ?description }""")
    assert rows
    assert all(version for _, version, _, _ in rows)
    for prop in ("dcterms:title", "dcterms:description"):
        langs = set(select(store, f"SELECT (LANG(?v) AS ?l) WHERE {{ <{DEF}> {prop} ?v }}"))
        assert {"nl", "en"} <= langs, prop


def test_concepts_of_the_controlled_vocabularies_are_labelled_in_dutch_and_english(store: ox.Store) -> None:
    problems = select(store, """SELECT ?c WHERE { GRAPH <https://w3id.org/kennisgraaf/graph/ontologie/begrippen> {
        { ?c a skos:Concept } UNION { ?c a skos:ConceptScheme } }
        FILTER NOT EXISTS { GRAPH <https://w3id.org/kennisgraaf/graph/ontologie/begrippen> {
            ?c rdfs:label ?nl , ?en . FILTER(LANG(?nl) = 'nl' && LANG(?en) = 'en') } } }""")
    assert problems == []


# ------------------------------------------------------------------ more facts, from all three documents

def test_four_themes_of_2017_2022(store: ox.Store) -> None:
    # js2017: "Daarbij is gekozen voor de volgende vier thema's / focusgebieden" (of the agreement);
    # pb2018: "In overleg met onze kennispartners hebben wij gekozen voor vier thema's / focusgebieden".
    expected = {"Campusontwikkeling", "Versterken onderwijs en onderzoek", "Externe focus en internationalisering",
                "De stad als lab"}
    assert labels(store, "overeenkomst:samenwerkingsovereenkomst-2017 kg:theme ?x .") == expected
    assert labels(store, "programma:kennisstad kg:theme ?x .") == expected
    assert documents_stating(store, "overeenkomst:samenwerkingsovereenkomst-2017 kg:theme ?t .") == {JS2017}
    assert documents_stating(store, "programma:kennisstad kg:theme ?t .") == {PB2018}


def test_the_two_main_goals_are_stated_by_all_three_documents(store: ox.Store) -> None:
    # "Kennisinstituten en kennisbedrijven floreren optimaal in Leiden;" and "Leiden (de stad, de regio en haar
    # inwoners) heeft maximaal voordeel van de kennisinstellingen." in js2017, pb2018 and js2023.
    expected = {"Kennisinstituten en kennisbedrijven floreren optimaal in Leiden",
                "Leiden (de stad, de regio en haar inwoners) heeft maximaal voordeel van de kennisinstellingen"}
    goals = labels(store, "{ programma:kennisstad kg:goal ?x } UNION { samenwerking:leiden-kennisstad kg:goal ?x }")
    assert expected <= goals
    assert documents_stating(store, "?s kg:goal <https://w3id.org/kennisgraaf/id/doel/kennisinstituten-floreren> .") \
        == {JS2017, PB2018, JS2023}


def test_renewal_of_november_2022_and_its_parties(store: ox.Store) -> None:
    # js2023: "Een samenwerking die we in november 2022 opnieuw hebben bekrachtigd samen met de Universiteit
    # Leiden, de Hogeschool Leiden, Naturalis Biodiversity Center en sindsdien ook met mboRijnland."
    assert labels(store, "overeenkomst:samenwerkingsovereenkomst-2022 kg:party ?x .") == {
        "gemeente Leiden", "Universiteit Leiden", "Hogeschool Leiden", "Naturalis Biodiversity Center", "mboRijnland"}
    assert select(store, "SELECT DISTINCT ?y WHERE { overeenkomst:samenwerkingsovereenkomst-2022 kg:startYear ?y }") == [2022]
    assert select(store, "SELECT DISTINCT (STR(?d) AS ?s) WHERE { overeenkomst:samenwerkingsovereenkomst-2022 dcterms:date ?d }") \
        == ["2022-11"]


def test_themes_flagships_and_working_methods_from_2022(store: ox.Store) -> None:
    # js2023: "drie inhoudelijke thema's benoemd ('Gezondheid & Welzijn', 'Biodiversiteit & Duurzaamheid' en
    # 'Cultureel Erfgoed')"; "vlaggenschepen ('Leren met de Stad', 'Leiden Education Fieldlab', 'Leiden Bio
    # Science Park', 'de nalatenschap van European City of Science')"; three 'werkwijzen'.
    themes = labels(store, "overeenkomst:samenwerkingsovereenkomst-2022 kg:theme ?x . "
                           "?x skos:inScheme <https://w3id.org/kennisgraaf/id/begrippenkader/themas-2022> .")
    assert themes == {"Gezondheid & Welzijn", "Biodiversiteit & Duurzaamheid", "Cultureel Erfgoed"}
    assert labels(store, "overeenkomst:samenwerkingsovereenkomst-2022 kg:flagship ?x .") == {
        "Leren met de Stad", "Leiden Education Fieldlab", "Leiden Bio Science Park",
        "de nalatenschap van European City of Science"}
    assert len(labels(store, "overeenkomst:samenwerkingsovereenkomst-2022 kg:workingMethod ?x .")) == 3
    assert documents_stating(store, "overeenkomst:samenwerkingsovereenkomst-2022 kg:flagship ?f .") == {JS2023}


def test_city_deal_kennis_maken_signed_on_2_february_2017(store: ox.Store) -> None:
    # js2017: "Op 2 februari 2017 is de city deal "Kennis Maken" (Agenda Stad) ondertekend door het Netwerk
    # Kennissteden Nederland, de Vereniging van Universiteiten, de Vereniging van Hogescholen, Kences en de
    # ministers van OCW en BZK ondertekend."
    assert select(store, "SELECT DISTINCT ?d WHERE { overeenkomst:city-deal-kennis-maken kg:signingDate ?d }") \
        == [date(2017, 2, 2)]
    assert labels(store, "overeenkomst:city-deal-kennis-maken kg:party ?x .") == {
        "Netwerk Kennissteden Nederland", "Vereniging van Universiteiten", "Vereniging van Hogescholen", "Kences",
        "ministerie van OCW", "ministerie van BZK"}
    assert labels(store, "overeenkomst:city-deal-kennis-maken dcterms:isPartOf ?x .") == {"Agenda Stad"}
    # js2017: "De thema's uit de samenwerkingsovereenkomst 'versterken onderwijs en onderzoek' en 'de stad als
    # lab' zijn hierin specifiek benoemd."
    assert {"Versterken onderwijs en onderzoek", "De stad als lab"} <= labels(
        store, "overeenkomst:city-deal-kennis-maken kg:theme ?x .")
    # js2023: subsidy for Leren met de Stad "vanuit de City Deal Kennis Maken"
    assert select(store, "SELECT ?i WHERE { ?i kg:fundedBy overeenkomst:city-deal-kennis-maken }") \
        == [ID + "initiatief/leren-met-de-stad"]


def test_erfgoed_deal_leiden_granted_in_2023(store: ox.Store) -> None:
    # js2023: "In 2023 heeft de gemeente (inclusief Erfgoed Leiden) een aanvraag gedaan en gehonoreerd gekregen,
    # voor een Erfgoed Deal bij de Rijksdienst voor Cultureel Erfgoed."
    # The Rijksdienst is where it was applied for and who granted it (kg:grantedBy), not a party.
    assert labels(store, "overeenkomst:erfgoed-deal-leiden kg:party ?x .") == {"gemeente Leiden", "Erfgoed Leiden"}
    assert labels(store, "overeenkomst:erfgoed-deal-leiden kg:grantedBy ?x .") == {"Rijksdienst voor Cultureel Erfgoed"}
    assert documents_stating(store, "overeenkomst:erfgoed-deal-leiden kg:grantedBy ?x .") == {JS2023}
    # 2023 is the year it was granted, not a start year: the text does not say when the deal starts.
    assert select(store, """SELECT DISTINCT ?y WHERE { overeenkomst:erfgoed-deal-leiden kg:status ?s .
        ?s kg:statusValue status:gehonoreerd ; kg:startYear ?y }""") == [2023]
    assert select(store, "SELECT ?y WHERE { overeenkomst:erfgoed-deal-leiden kg:startYear|kg:year ?y }") == []
    # "Zo zullen Universiteit Leiden en Naturalis onderzoek doen naar de historische groenstructuren"
    assert labels(store, "?i dcterms:isPartOf overeenkomst:erfgoed-deal-leiden ; kg:participant ?x .") == {
        "Universiteit Leiden", "Naturalis Biodiversity Center", "mboRijnland"}


def test_execution_budgets_of_500000_in_2017_and_2018(store: ox.Store) -> None:
    # js2017: "In 2017 is er hiernaast een incidenteel uitvoeringsbudget Kennisstad ad € 500.000 beschikbaar
    # gesteld"; pb2018: "In 2018 is er hiernaast een incidenteel uitvoeringsbudget Kennisstad ad € 500.000".
    rows = select(store, """SELECT DISTINCT ?year ?value WHERE { ?b a kg:Budget ; kg:year ?year ; schema:value ?value ;
        schema:currency "EUR" ; rdfs:label ?l . FILTER(CONTAINS(?l, "uitvoeringsbudget Kennisstad")) }""")
    assert sorted(rows) == [(2017, Decimal(500000)), (2018, Decimal(500000))]
    assert documents_stating(store, "budget:uitvoeringsbudget-kennisstad-2017 schema:value ?v .") == {JS2017}
    assert documents_stating(store, "budget:uitvoeringsbudget-kennisstad-2018 schema:value ?v .") == {PB2018}


def test_the_campus_allocation_keeps_both_purposes_with_their_sources(store: ox.Store) -> None:
    # js2017: "(2018 planvorming / uitvoering o.a. als onderdeel van de gebiedsontwikkeling WSD-complex."
    # pb2018: "(2018 planvorming / uitvoering als onderdeel van de samenwerkingsagenda met Universiteit, LUMC en
    # Hogeschool)" — the two documents describe the purpose differently; both are kept.
    rows = select(store, """SELECT DISTINCT ?doc ?purpose WHERE { GRAPH ?c {
        toekenning:nuon-campusontwikkelingen kg:purpose ?purpose . ?c prov:wasDerivedFrom ?doc } }""")
    by_doc = {doc: purpose for doc, purpose in rows}
    assert set(by_doc) == {JS2017, PB2018}
    assert "WSD-complex" in by_doc[JS2017]
    assert "samenwerkingsagenda met Universiteit, LUMC en Hogeschool" in by_doc[PB2018]


def test_esof_2022_awarded_on_11_july_2017_with_about_5000_participants(store: ox.Store) -> None:
    # js2017: "Op 11 juli 2017 heeft Leiden de ESOF 2022 toegewezen gekregen. ... met circa 5000 deelnemers."
    # pb2018: "met circa 5000 deelnemers"; both: "het hele jaar 2022 de titel 'European City of Science' voeren".
    assert select(store, "SELECT DISTINCT ?n WHERE { evenement:esof-2022 kg:numberOfParticipants ?n }") == [5000]
    assert select(store, """SELECT DISTINCT ?d WHERE { evenement:esof-2022 kg:status ?s .
        ?s kg:statusValue status:toegewezen ; dcterms:date ?d }""") == [date(2017, 7, 11)]
    assert select(store, "SELECT DISTINCT ?y WHERE { initiatief:european-city-of-science-2022 kg:year ?y }") == [2022]
    assert documents_stating(store, "evenement:esof-2022 kg:numberOfParticipants 5000 .") == {JS2017, PB2018}


def test_convenant_student_en_stad_and_its_eight_parties(store: ox.Store) -> None:
    # js2017: "Het partnerschap (Convenant Student en Stad) tussen de gemeente Leiden, Leiden Marketing, de
    # Plaatselijke Kamer van Verenigingen en de vijf grote Leidse studentenverenigingen, te weten L.S.V. Minerva,
    # L.V.V.S Augustinus, SSR-Leiden, V.S.L. Catena en A.L.S.V. Quintus is gecontinueerd en verdiept"
    assert labels(store, "overeenkomst:convenant-student-en-stad kg:party ?x .") == {
        "gemeente Leiden", "Leiden Marketing", "Plaatselijke Kamer van Verenigingen", "L.S.V. Minerva",
        "L.V.V.S Augustinus", "SSR-Leiden", "V.S.L. Catena", "A.L.S.V. Quintus"}


def test_ebz_representation_and_the_regional_investment_strategy_of_2016(store: ox.Store) -> None:
    # js2017/pb2018: "In laatstgenoemde [EBZ] zijn naast de gemeente Leiden ook onze strategische partners
    # Universiteit Leiden en LUMC vertegenwoordigd. In het voorjaar van 2016 heeft deze samenwerking geleid tot een
    # Regionale Investeringsstrategie ... voor het Leiden Bio Science Park en het Stationsgebied."
    assert labels(store, """?m org:organization samenwerking:economic-board-zuid-holland ;
        org:role <https://w3id.org/kennisgraaf/id/rol/vertegenwoordigd> ; org:member ?x .""") == {
        "gemeente Leiden", "Universiteit Leiden", "LUMC"}
    assert select(store, "SELECT DISTINCT ?y WHERE { initiatief:regionale-investeringsstrategie kg:year ?y }") == [2016]
    assert labels(store, "?i dcterms:isPartOf initiatief:regionale-investeringsstrategie ; kg:location ?x .") == {
        "Leiden Bio Science Park", "Stationsgebied"}
    # "deze samenwerking heeft geleid tot" the strategy; "waarin wij als Leiden opgenomen zijn" is being included
    # in it, not being a party: the strategy is a plan made by the EBZ, with no parties.
    assert labels(store, "initiatief:regionale-investeringsstrategie dcterms:creator ?x .") == {"Economic Board Zuid-Holland"}
    assert select(store, "SELECT ?p WHERE { ?a kg:party ?p ; rdfs:label ?l . FILTER(CONTAINS(?l, 'Investeringsstrategie')) }") == []
    # "werken we nauw samen met de Metropoolregio Rotterdam-Den Haag ... en de Economic Board Zuid-Holland"
    assert labels(store, """?m org:member organisatie:gemeente-leiden ;
        org:role <https://w3id.org/kennisgraaf/id/rol/samenwerkingspartner> ; org:organization ?x .""") == {
        "Metropoolregio Rotterdam-Den Haag", "Economic Board Zuid-Holland"}
    assert documents_stating(store, """?m org:organization samenwerking:metropoolregio-rotterdam-den-haag ;
        org:member organisatie:gemeente-leiden .""") == {JS2017, PB2018}


def test_networks_and_centres_of_2023_and_their_members(store: ox.Store) -> None:
    # js2023: LHSC with Universiteit Leiden and the municipality, joined in 2023 by Hogeschool Leiden and
    # mboRijnland; the Leiden Biodiversity Network of Universiteit Leiden, Naturalis, Hogeschool Leiden and the
    # municipality.
    assert labels(store, "?m org:organization samenwerking:leiden-healthy-society-center ; org:member ?x .") == {
        "Universiteit Leiden", "gemeente Leiden", "Hogeschool Leiden", "mboRijnland"}
    assert labels(store, "?m org:organization samenwerking:leiden-biodiversity-network ; org:member ?x .") == {
        "Universiteit Leiden", "Naturalis Biodiversity Center", "Hogeschool Leiden", "gemeente Leiden"}
    assert select(store, "SELECT DISTINCT ?y WHERE { samenwerking:leiden-biodiversity-network kg:startYear ?y }") == [2023]


def test_energieloket_started_in_2023_at_the_betaplein(store: ox.Store) -> None:
    # js2023: "mboRijnland en de gemeente Leiden hebben in 2023 een start gemaakt met het Energieloket in Leiden.
    # Op de locatie van mboRijnland aan het Betáplein ..."
    assert labels(store, "initiatief:energieloket kg:participant ?x .") == {"mboRijnland", "gemeente Leiden"}
    assert select(store, "SELECT DISTINCT ?y WHERE { initiatief:energieloket kg:startYear ?y }") == [2023]
    assert "Betáplein" in labels(store, "initiatief:energieloket kg:location ?x .")


def test_leren_met_de_stad_gets_three_years_from_2023(store: ox.Store) -> None:
    # js2023: "Het is de hogeschool, universiteit en gemeente gelukt om in 2023 een nieuwe en voorlopig laatste
    # subsidie te verkrijgen ... Dit maakt dat vanaf 2023 de partners drie jaar de tijd krijgen"
    assert {"Hogeschool Leiden", "Universiteit Leiden", "gemeente Leiden", "mboRijnland"} == labels(
        store, "initiatief:leren-met-de-stad kg:participant ?x .")
    assert select(store, """SELECT DISTINCT ?start ?end WHERE { initiatief:leren-met-de-stad kg:status ?s .
        ?s kg:statusValue status:gehonoreerd ; kg:startYear ?start ; kg:endYear ?end }""") == [(2023, 2025)]


def test_kennisstad_is_a_special_programme_until_2023_and_part_of_programme_3_from_2024(store: ox.Store) -> None:
    # js2023: "Daarmee is tevens besloten om de inspanningen vanaf 2024 niet meer als bijzonder programma te
    # bezien. Voortaan zullen daarom de financiële inzet en inspanningen ... terug te vinden zijn in programma 3:
    # Economie." js2017 and pb2018 are the "Bijzonder programma Kennisstad" of 2017 and 2018.
    rows = select(store, """SELECT DISTINCT ?value ?start ?end WHERE { programma:kennisstad kg:status ?s .
        ?s kg:statusValue ?value . OPTIONAL { ?s kg:startYear ?start } OPTIONAL { ?s kg:endYear ?end } }""")
    assert (ID + "status/onderdeel-van-programma", 2024, None) in rows
    assert (ID + "status/bijzonder-programma", None, 2023) in rows
    assert (ID + "status/bijzonder-programma", 2017, 2017) in rows
    assert (ID + "status/bijzonder-programma", 2018, 2018) in rows
    # Being part of programma 3 holds from 2024: it is said by the status period of 2024, not by a timeless
    # dcterms:isPartOf of the programme.
    assert labels(store, """programma:kennisstad kg:status ?s . ?s kg:statusValue status:onderdeel-van-programma ;
        kg:startYear 2024 ; kg:relatedTo ?x .""") == {"programma 3: Economie"}
    assert select(store, "SELECT ?x WHERE { programma:kennisstad dcterms:isPartOf ?x }") == []


def test_other_partners_of_the_2017_agreement_and_the_taalmuseum_collaboration(store: ox.Store) -> None:
    # js2017: "mede richting aan de samenwerking met andere (kennis)partners als het mbo, de musea, Technolab,
    # Taalmuseum, LeidenGlobal e.d."; "Het Taalmuseum Leiden, waarin gemeente de samenwerking faciliteert tussen
    # de Universiteit Leiden, ICLON, LUCL, LIAS, LeidenGlobal en BplusC"
    assert labels(store, "?m org:organization samenwerking:leiden-kennisstad ; org:role rol:partner ; org:member ?x .") \
        >= {"Technolab", "Taalmuseum Leiden", "LeidenGlobal"}
    assert labels(store, "?m org:organization organisatie:taalmuseum-leiden ; org:role rol:partner ; org:member ?x .") == {
        "Universiteit Leiden", "ICLON", "LUCL", "LIAS", "LeidenGlobal", "BplusC"}
    assert labels(store, "?m org:organization organisatie:taalmuseum-leiden ; org:role rol:facilitator ; org:member ?x .") \
        == {"gemeente Leiden"}


def test_a_joint_kennismakelaar_appointed_in_2017_by_the_four_parties(store: ox.Store) -> None:
    # js2017: "In 2017 is ter uitvoering van deze samenwerking door de vier partijen een gezamenlijke
    # 'kennismakelaar' aangesteld."
    assert labels(store, "initiatief:kennismakelaar kg:participant ?x .") == {
        "gemeente Leiden", "Universiteit Leiden", "LUMC", "Hogeschool Leiden"}
    assert select(store, "SELECT DISTINCT ?y WHERE { initiatief:kennismakelaar kg:startYear ?y }") == [2017]


def test_nacht_van_de_leraar_organised_by_hogeschool_leiden_and_its_2023_theme(store: ox.Store) -> None:
    # pb2018: "Hogeschool Leiden als organisator van de Nacht van de Leraar"; js2023: "Het jaarlijks terugkerend
    # evenement ... wat dit jaar het thema 'Laat je verleiden' had."
    assert labels(store, "evenement:nacht-van-de-leraar schema:organizer ?x .") == {"Hogeschool Leiden"}
    assert labels(store, "?e schema:superEvent evenement:nacht-van-de-leraar ; kg:year 2023 ; kg:theme ?x .") == {
        "Laat je verleiden"}
    # js2017 "bijdrages aan het Leids Onderwijs Festival en de Nacht van de Leraar" and pb2018 "cofinanciering van
    # ... Hogeschool Leiden als organisator van de Nacht van de Leraar" fund the events, naming no edition; only
    # js2023 names one ("wat dit jaar het thema ‘Laat je verleiden’ had").
    assert set(select(store, "SELECT DISTINCT ?y WHERE { ?e schema:superEvent evenement:nacht-van-de-leraar ; kg:year ?y }")) \
        == {2023}
    assert labels(store, "evenement:nacht-van-de-leraar kg:fundedBy ?x .") == {
        "incidenteel uitvoeringsbudget Kennisstad 2017", "incidenteel uitvoeringsbudget Kennisstad 2018"}
    assert labels(store, "evenement:leids-onderwijs-festival kg:fundedBy ?x .") == {
        "incidenteel uitvoeringsbudget Kennisstad 2017"}
    assert select(store, "SELECT ?e WHERE { ?e schema:superEvent evenement:leids-onderwijs-festival }") == []


def test_young_in_leiden_launched_in_2023(store: ox.Store) -> None:
    # js2023: "En is ook de website Young in Leiden gelanceerd."
    assert select(store, """SELECT DISTINCT ?y WHERE { ?i rdfs:label "Young in Leiden"@nl ; kg:startYear ?y }""") == [2023]
    assert documents_stating(store, "initiatief:young-in-leiden kg:startYear 2023 .") == {JS2023}


# ------------------------------------------------------------------ readings checked against the sources

def claims_stating(store: ox.Store, pattern: str) -> set[str]:
    """The claims whose graph contains `pattern`, without the id/bewering/ prefix."""
    return {c.removeprefix(ID + "bewering/") for c in select(
        store, f"SELECT DISTINCT ?claim WHERE {{ GRAPH ?claim {{ {pattern} ?claim a kg:Claim }} }}")}


def test_only_the_jaarstukken_2017_make_the_nkn_a_party_of_the_city_deal(store: ox.Store) -> None:
    # js2017: "Op 2 februari 2017 is de city deal “Kennis Maken” (Agenda Stad) ondertekend door het Netwerk
    # Kennissteden Nederland, ...". Both documents also write "via het Netwerk Kennissteden Nederland ... een nauwe
    # samenwerking op nationaal niveau via de City Deal 'Kennis Maken'", which names no parties.
    pattern = "overeenkomst:city-deal-kennis-maken kg:party samenwerking:netwerk-kennissteden-nederland ."
    assert claims_stating(store, pattern) == {"js2017-city-deal-ondertekening"}
    assert "ondertekend door" not in source_text(PB2018)


def test_continued_in_2022_is_not_a_start_in_2022(store: ox.Store) -> None:
    # js2023: "maakte dat we als gemeente in 2022 de samenwerking met onze kennispartners hebben gecontinueerd"
    # says the collaboration went on; the start of the renewal comes from "in november 2022 opnieuw hebben
    # bekrachtigd".
    assert claims_stating(store, "overeenkomst:samenwerkingsovereenkomst-2022 kg:startYear 2022 .") == {
        "js2023-samenwerkingsovereenkomst-2022"}
    assert claims_stating(store, "?m org:member organisatie:gemeente-leiden ; kg:startYear 2022 .") == {
        "js2023-kennispartners-2022"}
    assert select(store, """SELECT ?s ?p WHERE { GRAPH bewering:js2023-voortzetting-2022 {
        ?s ?p ?y . FILTER(?p IN (kg:startYear, kg:endYear, kg:year)) } }""") == []


def test_studentenwelzijn_and_the_welfare_of_students_are_one_concept(store: ox.Store) -> None:
    # js2023: "besteden we specifiek aandacht aan het welzijn van studenten" (an aandachtspunt of the renewed
    # agreement) and "het Bestuurlijk Overleg van het NKN, dat in het teken stond van studentenwelzijn".
    concept = ID + "thema/welzijn-van-studenten"
    assert select(store, "SELECT DISTINCT ?c WHERE { evenement:nkn-bestuurlijk-overleg-studentenwelzijn-2023 kg:theme ?c }") \
        == [concept]
    assert select(store, "SELECT ?c WHERE { overeenkomst:samenwerkingsovereenkomst-2022 kg:attentionPoint ?c } ORDER BY ?c") \
        == [ID + "thema/gelijkwaardigheid-van-het-mbo", ID + "thema/inclusie-van-internationaal-talent", concept]
    assert select(store, f"SELECT ?a WHERE {{ <{concept}> skos:altLabel ?a }}") == ["studentenwelzijn"]
    assert select(store, "SELECT ?p WHERE { <https://w3id.org/kennisgraaf/id/thema/studentenwelzijn> ?p ?o }") == []
    # the aandachtspunten are not themes of the agreement
    assert labels(store, "overeenkomst:samenwerkingsovereenkomst-2022 kg:theme ?x .") == {
        "Gezondheid & Welzijn", "Biodiversiteit & Duurzaamheid", "Cultureel Erfgoed"}


def test_a_typo_in_a_name_gets_the_corrected_label_and_keeps_the_quote(store: ox.Store) -> None:
    # js2023: "in september de ‘Days or Arts & Science’ met onder andere Brave New World"
    assert "Days or Arts & Science" in source_text(JS2023)
    assert labels(store, "BIND(evenement:days-of-arts-and-science-2023 AS ?x)") == {"Days of Arts & Science"}
    assert select(store, "SELECT ?h WHERE { evenement:days-of-arts-and-science-2023 skos:hiddenLabel ?h }") \
        == ["Days or Arts & Science"]
    rows = select(store, """SELECT ?q ?c WHERE { GRAPH bewering:js2023-days-of-arts-and-science-2023 {
        bewering:js2023-days-of-arts-and-science-2023 kg:quote ?q ; kg:correction ?c } }""")
    assert len(rows) == 1 and "Days or Arts & Science" in rows[0][0] and rows[0][1] == "Days of Arts & Science"


def test_lis_has_only_the_name_the_sources_give(store: ox.Store) -> None:
    # js2023 writes only "(mboRijland, LiS en ROC Mondriaan)" and never a full name of LiS.
    assert select(store, "SELECT ?a WHERE { organisatie:lis skos:altLabel ?a }") == []
    assert not any(re.search(r"\bLiS\s*\(", source_text(doc)) for doc in SOURCE_FILES)


def test_what_the_sources_do_not_say_about_the_fieldlab_and_postbus71_is_not_in_the_graph(store: ox.Store) -> None:
    # js2023: "Binnen het Leiden Education Fieldlab (LEF) ... hebben in 2023 weer heel veel activiteiten
    # plaatsgevonden": activities in 2023, not a Fieldlab of one year. "Ook hebben we samen met de Universiteit
    # Leiden het initiatief van Postbus71 ... voortgezet en doorontwikkelt in het platform ‘Vraag het Leiden’":
    # who continued it, not who took part in Postbus71, and no year of the platform.
    assert select(store, "SELECT ?y WHERE { initiatief:leiden-education-fieldlab kg:year|kg:startYear ?y }") == []
    assert select(store, "SELECT ?p WHERE { initiatief:leiden-education-fieldlab kg:participant ?p }") == []
    assert select(store, "SELECT ?p WHERE { initiatief:postbus71 kg:participant ?p }") == []
    assert select(store, "SELECT ?y WHERE { initiatief:vraag-het-leiden kg:year|kg:startYear ?y }") == []
    assert labels(store, "initiatief:vraag-het-leiden kg:participant ?x .") == {"gemeente Leiden", "Universiteit Leiden"}


def test_the_lumc_is_a_knowledge_partner_up_to_and_including_2022(store: ox.Store) -> None:
    # js2017: "De samenwerkingsovereenkomst 2017-2022", with "haar strategische partners Universiteit, LUMC en
    # Hogeschool Leiden"; js2023: renewed "in november 2022" without LUMC. So in 2022 the LUMC was still a partner
    # under the first agreement, and from 2023 it is not.
    assert "De samenwerkingsovereenkomst 2017-2022" in source_text(JS2017)
    assert "LUMC" not in source_text(JS2023)
    assert "LUMC" in set(select(store, KNOWLEDGE_PARTNERS_IN % {"year": 2022}))
    assert "LUMC" not in set(select(store, KNOWLEDGE_PARTNERS_IN % {"year": 2023}))
