"""A small graph of our own, in a project of its own, for testing the query machinery apart from the Leiden
data: a town, three partners, a network, an agreement, two initiatives, a budget, claims with quotes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox

from kennisgraaf.config import Settings
from kennisgraaf.store.builds import LAYOUT, state_each_fact_once

ROOT = Path(__file__).resolve().parent.parent

MINI_TRIG = """
@prefix kg: <https://w3id.org/kennisgraaf/def/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix o: <https://w3id.org/kennisgraaf/id/organisatie/> .
@prefix s: <https://w3id.org/kennisgraaf/id/samenwerking/> .
@prefix l: <https://w3id.org/kennisgraaf/id/lidmaatschap/> .
@prefix a: <https://w3id.org/kennisgraaf/id/overeenkomst/> .
@prefix i: <https://w3id.org/kennisgraaf/id/initiatief/> .
@prefix b: <https://w3id.org/kennisgraaf/id/bewering/> .
@prefix d: <https://w3id.org/kennisgraaf/id/document/> .
@prefix rol: <https://w3id.org/kennisgraaf/id/rol/> .
@prefix budget: <https://w3id.org/kennisgraaf/id/budget/> .
@prefix toekenning: <https://w3id.org/kennisgraaf/id/toekenning/> .

d:verslag a kg:SourceDocument ; rdfs:label "Verslag 2020"@nl ; dcterms:title "Verslag 2020"@nl .

b:t-partners {
    b:t-partners a kg:Claim ; prov:wasDerivedFrom d:verslag ;
        kg:quote "De gemeente Teststad werkt samen met de Universiteit Teststad (UT) en de Hogeschool." .
    o:gemeente a org:Organization ; rdfs:label "gemeente Teststad"@nl ; skos:altLabel "Teststad"@nl .
    o:universiteit a org:Organization ; rdfs:label "Universiteit Teststad"@nl ; skos:altLabel "UT"@nl .
    o:hogeschool a org:Organization ; rdfs:label "Hogeschool Teststad"@nl .
    s:leiden-kennisstad a org:OrganizationalCollaboration ; rdfs:label "Kennisstad Teststad"@nl .
    l:universiteit a org:Membership ; org:member o:universiteit ; org:organization s:leiden-kennisstad ;
        org:role rol:kennispartner ; kg:startYear 2017 ; kg:endYear 2021 .
    l:hogeschool a org:Membership ; org:member o:hogeschool ; org:organization s:leiden-kennisstad ;
        org:role rol:kennispartner ; kg:startYear 2019 .
}

b:t-museum {
    b:t-museum a kg:Claim ; prov:wasDerivedFrom d:verslag ; kg:quote "Het Muséum Ëxtra doet mee." .
    o:museum a org:Organization ; rdfs:label "Muséum Ëxtra"@nl .
    i:festival a kg:Initiative ; rdfs:label "Festival"@nl ; kg:participant o:museum, o:gemeente ;
        kg:startYear 2020 .
    i:lab a kg:Initiative ; rdfs:label "Stadslab"@nl ; kg:participant o:universiteit, o:gemeente, o:museum .
}

b:t-deal {
    b:t-deal a kg:Claim ; prov:wasDerivedFrom d:verslag ; kg:quote "Op 7 juli 2017 is de Deal gesloten." .
    a:deal a kg:Agreement ; rdfs:label "Deal"@nl ; kg:party o:gemeente, o:universiteit, o:hogeschool ;
        kg:signingDate "2017-07-07"^^xsd:date .
    budget:fonds a kg:Budget ; rdfs:label "Fonds"@nl ; schema:value 1000.00 ; schema:currency "EUR" ; kg:year 2020 .
    toekenning:festival a kg:Allocation ; rdfs:label "voor het Festival"@nl ; kg:fromBudget budget:fonds ;
        schema:value 400.00 ; schema:currency "EUR" ; kg:beneficiary i:festival .
}

# The same fact stated in a second claim: it must come back once.
b:t-deal-again {
    b:t-deal-again a kg:Claim ; prov:wasDerivedFrom d:verslag ; kg:quote "De Deal is gesloten op 7 juli 2017." .
    a:deal kg:party o:gemeente ; kg:signingDate "2017-07-07"^^xsd:date .
    toekenning:festival kg:fromBudget budget:fonds ; schema:value 400.00 .
}

# Two things with the same name.
b:t-twins {
    b:t-twins a kg:Claim ; prov:wasDerivedFrom d:verslag ; kg:quote "Twee keer Tweeling." .
    i:tweeling-1 a kg:Initiative ; rdfs:label "Tweeling"@nl .
    i:tweeling-2 a kg:Initiative ; rdfs:label "Tweeling"@nl .
}
"""


def make_project(folder: Path) -> Settings:
    """A project in `folder` with the canned queries of this repository and the mini graph as its build."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kennisgraaf.toml").write_text('language = "en"\n', "utf-8")
    shutil.copytree(ROOT / "queries", folder / "queries", dirs_exist_ok=True)
    store_folder = folder / "build" / "releases" / "mini" / "store"
    store_folder.parent.mkdir(parents=True, exist_ok=True)
    (folder / "build" / ".kennisgraaf-build").touch()
    store = ox.Store(str(store_folder))
    store.load(MINI_TRIG.encode("utf-8"), ox.RdfFormat.TRIG)
    for path in sorted((ROOT / "ontology").glob("*.ttl")):  # labels of roles and properties, as in a build
        store.load(path.read_bytes(), ox.RdfFormat.TURTLE,
                   to_graph=ox.NamedNode(f"https://w3id.org/kennisgraaf/graph/ontologie/{path.stem}"))
    state_each_fact_once(store)
    store.flush()
    nquads = store.dump(format=ox.RdfFormat.N_QUADS)
    del store
    (folder / "build" / "releases" / "mini" / "report.json").write_text(json.dumps({"layout": LAYOUT}), "utf-8")
    (folder / "build" / "current").symlink_to(Path("releases") / "mini")
    (folder / "mini.nq").write_bytes(nquads)
    return Settings.load(folder, environ={})
