"""Generated entries for a synthetic graph of `generate.py`: new claims as a policy officer would write them, good
ones and deliberately broken ones, each broken one naming the rules (shapes) it breaks.

They refer to what every generated graph has (organisations org-0 ... org-19, the collaborations
leiden-kennisstad and netwerk-1 ... netwerk-4, themes, budget b0 with its allocations, the first agreements,
initiatives and memberships, documents synthetisch-0 ... 2). Quotes are taken from `SENTENCES`, which
`source_texts()` puts into every document's text, so a good entry passes the quote check too.

    from entries import entries, source_texts
    for entry in entries():
        path.write_text(entry.text)      # entry.name, entry.rules (the shapes it should break)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generate import PREFIXES

EXTRA_PREFIXES = {kind: f"https://w3id.org/kennisgraaf/id/{kind}/"
                  for kind in ("programma", "plaats", "doel", "werkwijze")}
SENTENCES = [f"De kennisstad werkt in {2015 + k} aan een nieuw voornemen, nummer {k}." for k in range(40)]
LONG_SENTENCE = " ".join(f"Dit is deel {k} van een lange alinea over de samenwerking in de kennisstad."
                         for k in range(12))


@dataclass(frozen=True)
class Entry:
    name: str
    text: str
    rules: frozenset[str]  # the shapes it breaks (as kgsh: local names); empty for a good entry
    error: bool = False    # unreadable: an input error, no validation


def _prefixes() -> str:
    return "".join(f"@prefix {p}: <{n}> .\n" for p, n in {**PREFIXES, **EXTRA_PREFIXES}.items()) + "\n"


def claim(name: str, body: str, document: str = "document:synthetisch-0", quote: str | None = None,
          head: str = "") -> str:
    """A claim graph: `body` are its facts (Turtle, one statement per line, each ending with ' .')."""
    quote_line = "" if quote == "" else f' ;\n        kg:quote "{quote or SENTENCES[len(name) % len(SENTENCES)]}"'
    return (f"bewering:{name} {{\n    bewering:{name} a kg:Claim ;\n        prov:wasDerivedFrom {document}"
            f"{quote_line}{head} .\n" + "".join(f"    {line}\n" for line in body.strip().splitlines()) + "}\n")


def entry(name: str, *claims: str, rules: Iterable[str] = (), default: str = "") -> Entry:
    text = _prefixes() + (default.strip() + "\n\n" if default else "") + "\n".join(claims)
    return Entry(name, text, frozenset(rules))


def org(i: int) -> str:
    return f'organisatie:org-{i} a org:Organization ; rdfs:label "Organisatie {i}"@nl .'


def _good() -> list[Entry]:
    found = []
    for k in range(3):
        found.append(entry(f"good-membership-{k}", claim(f"syn-nieuw-lid-{k}", f"""
            lidmaatschap:nieuw-{k} a org:Membership ; rdfs:label "Organisatie {k} is lid van Netwerk 1"@nl ;
                org:member organisatie:org-{k} ; org:organization samenwerking:netwerk-1 ; org:role rol:lid ;
                kg:startYear {2019 + k} .
            {org(k)}
            samenwerking:netwerk-1 a org:OrganizationalCollaboration ; rdfs:label "Netwerk 2"@nl .
        """, document=f"document:synthetisch-{k}")))
    found.append(entry("good-organisation", claim("syn-nieuwe-organisatie", """
        organisatie:nieuwe-organisatie a org:Organization ; rdfs:label "Een nieuwe organisatie"@nl ;
            skos:altLabel "ENO"@nl ; kg:organisationType organisatietype:museum .
    """)))
    found.append(entry("good-agreement", claim("syn-nieuwe-overeenkomst", """
        overeenkomst:nieuw a kg:Agreement ; rdfs:label "Een nieuwe overeenkomst"@nl ;
            kg:agreementType overeenkomsttype:convenant ;
            kg:party organisatie:org-1, organisatie:org-2, samenwerking:leiden-kennisstad ;
            kg:signingDate "2021-03-04"^^xsd:date ; kg:theme thema:thema-3 .
    """)))
    found.append(entry("good-initiative", claim("syn-nieuw-initiatief", """
        initiatief:nieuw a kg:Initiative ; rdfs:label "Een nieuw initiatief"@nl ;
            kg:initiativeType initiatieftype:project ; kg:participant organisatie:org-4, organisatie:org-5 ;
            kg:status statusperiode:nieuw-2021 ; kg:theme thema:thema-4 .
        statusperiode:nieuw-2021 a schema:StructuredValue ; rdfs:label "Een nieuw initiatief in 2021"@nl ;
            kg:statusValue status:toegewezen ; kg:startYear 2021 ; kg:endYear 2022 .
    """)))
    found.append(entry("good-budget", claim("syn-nieuw-budget", """
        budget:nieuw a kg:Budget ; rdfs:label "Een nieuw budget"@nl ; schema:value "100000.00"^^xsd:decimal ;
            schema:currency "EUR" ; kg:year 2021 .
        toekenning:nieuw-1 a kg:Allocation ; rdfs:label "Toekenning nieuw 1"@nl ; kg:fromBudget budget:nieuw ;
            schema:value "60000.00"^^xsd:decimal ; schema:currency "EUR" ; kg:beneficiary initiatief:i0 .
        toekenning:nieuw-2 a kg:Allocation ; rdfs:label "Toekenning nieuw 2"@nl ; kg:fromBudget budget:nieuw ;
            schema:value "40000.00"^^xsd:decimal ; schema:currency "EUR" .
    """)))
    found.append(entry("good-event", claim("syn-nieuw-evenement", """
        evenement:nieuw a schema:Event ; rdfs:label "Een nieuw evenement"@nl ; schema:startDate "2022-05-06"^^xsd:date ;
            kg:year 2022 ; schema:organizer organisatie:org-6 ; kg:numberOfParticipants 120 .
    """)))
    found.append(entry("good-about-existing", claim("syn-over-bestaande", """
        organisatie:org-3 skos:altLabel "Derde organisatie"@nl .
        overeenkomst:a0 kg:theme thema:thema-9 .
    """)))
    found.append(entry("good-restated-facts", claim("syn-herhaling", """
        lidmaatschap:m0-0 a org:Membership ; org:organization samenwerking:leiden-kennisstad .
        samenwerking:leiden-kennisstad a org:OrganizationalCollaboration ; rdfs:label "Leiden Kennisstad"@nl .
    """, document="document:synthetisch-2")))
    return found


# (rules it breaks, facts of a claim) -- each a claim of its own; pairs of them make one entry
_BROKEN: list[tuple[tuple[str, ...], str]] = [
    (("AgreementShape",), """
        initiatief:overeenkomst-fout a kg:Agreement ; rdfs:label "Overeenkomst onder initiatief"@nl ;
            kg:agreementType overeenkomsttype:agenda ; kg:party organisatie:org-1, organisatie:org-2 ; kg:year 2020 .
    """),
    (("AgreementShape_agreementType_minCount",), """
        overeenkomst:zonder-soort a kg:Agreement ; rdfs:label "Overeenkomst zonder soort"@nl ;
            kg:party organisatie:org-1, organisatie:org-2 ; kg:year 2020 .
    """),
    (("AgreementShape_agreementType_pattern",), """
        overeenkomst:verkeerde-soort a kg:Agreement ; rdfs:label "Overeenkomst met verkeerde soort"@nl ;
            kg:agreementType initiatieftype:project ; kg:party organisatie:org-1, organisatie:org-2 ; kg:year 2020 .
    """),
    (("AgreementShape_date_minCount",), """
        overeenkomst:zonder-datum a kg:Agreement ; rdfs:label "Overeenkomst zonder datum"@nl ;
            kg:agreementType overeenkomsttype:agenda ; kg:party organisatie:org-1, organisatie:org-2 .
    """),
    (("AgreementShape_party_minCount",), """
        overeenkomst:een-partij a kg:Agreement ; rdfs:label "Overeenkomst met een partij"@nl ;
            kg:agreementType overeenkomsttype:agenda ; kg:party organisatie:org-1 ; kg:year 2020 .
    """),
    (("AgreementShape_party_pattern",), """
        overeenkomst:a0 kg:party initiatief:i1 .
    """),
    (("AllocationShape",), """
        budget:eigenlijk-toekenning a kg:Allocation ; rdfs:label "Toekenning onder budget"@nl ;
            kg:fromBudget budget:b0 ; schema:value "1.00"^^xsd:decimal ; schema:currency "EUR" .
    """),
    (("AllocationShape_fromBudget_maxCount",), """
        toekenning:t0-0 kg:fromBudget budget:b5 .
    """),
    (("AllocationShape_fromBudget_pattern",), """
        toekenning:uit-initiatief a kg:Allocation ; rdfs:label "Toekenning uit een initiatief"@nl ;
            kg:fromBudget initiatief:i0 .
    """),
    (("AllocationShape_source_minCount",), """
        toekenning:zonder-bron a kg:Allocation ; rdfs:label "Toekenning zonder bron"@nl ; kg:year 2020 .
    """),
    (("BlankNodeShape",), """
        evenement:e0 schema:location [ a schema:Place ; rdfs:label "Ergens"@nl ] .
    """),
    (("BudgetShape",), """
        toekenning:eigenlijk-budget a kg:Budget ; rdfs:label "Budget onder toekenning"@nl ; kg:year 2020 .
    """),
    (("BudgetShape_value_sum",), """
        toekenning:te-veel a kg:Allocation ; rdfs:label "Te veel"@nl ; kg:fromBudget budget:b0 ;
            schema:value "9000000.00"^^xsd:decimal ; schema:currency "EUR" .
    """),
    (("ConceptSchemeShape",), """
        thema:eigenlijk-kader a skos:ConceptScheme ; rdfs:label "Kader onder thema"@nl .
    """),
    (("ConceptShape",), """
        initiatief:eigenlijk-thema a skos:Concept ; rdfs:label "Thema onder initiatief"@nl ;
            skos:inScheme begrippenkader:themas .
    """),
    (("ConceptShape_inScheme_minCount",), """
        thema:zonder-kader a skos:Concept ; rdfs:label "Thema zonder kader"@nl .
    """),
    (("ConceptShape_inScheme_pattern",), """
        thema:in-overeenkomst a skos:Concept ; rdfs:label "Thema in een overeenkomst"@nl ;
            skos:inScheme overeenkomst:a0 .
    """),
    (("DuplicateShape",), """
        organisatie:dubbel a org:Organization ; rdfs:label "Organisatie 3"@nl ;
            kg:organisationType organisatietype:museum .
    """),
    (("DuplicateShape",), """
        samenwerking:netwerk-1 a org:OrganizationalCollaboration ; rdfs:label "Netwerk 1"@nl .
    """),
    (("DuplicateShape",), """
        organisatie:andere-naam a org:Organization ; rdfs:label "Iets heel anders"@nl ;
            skos:altLabel "Organisatie 7"@nl ; kg:organisationType organisatietype:museum .
    """),
    (("EntityShape_attentionPoint_pattern", "KnownIriShape"), """
        initiatief:i2 kg:attentionPoint doel:geen-thema .
    """),
    (("EntityShape_endYear_datatype",), """
        lidmaatschap:m1-0 kg:endYear 2208 .
    """),
    (("EntityShape_goal_pattern",), """
        initiatief:i2 kg:goal thema:thema-1 .
    """),
    (("EntityShape_grantedBy_pattern",), """
        overeenkomst:a1 kg:grantedBy budget:b0 .
    """),
    (("EntityShape_label_minCount",), """
        plaats:zonder-naam a schema:Place .
    """),
    (("EntityShape_label_nl",), """
        plaats:engels a schema:Place ; rdfs:label "Somewhere"@en .
    """),
    (("EntityShape_numberOfMembers_datatype",), """
        samenwerking:netwerk-2 kg:numberOfMembers "23 gemeenten" .
    """),
    (("EntityShape_numberOfParticipants_datatype",), """
        evenement:e1 kg:numberOfParticipants -5 .
    """),
    (("EntityShape_numberOfProjects_datatype",), """
        initiatief:i3 kg:numberOfProjects "zestien" .
    """),
    (("EntityShape_organisationType_pattern",), """
        organisatie:org-8 kg:organisationType rol:partner .
    """),
    (("EntityShape_participant_pattern",), """
        initiatief:i4 kg:participant initiatief:i5 .
    """),
    (("EntityShape_signingDate_datatype",), """
        overeenkomst:a2 kg:signingDate "2017-07-07" .
    """),
    (("EntityShape_startDate_datatype",), """
        evenement:e2 schema:startDate "2017-07-07T10:00:00"^^xsd:dateTime .
    """),
    (("EntityShape_startYear_datatype",), """
        lidmaatschap:m2-0 kg:startYear "2012" .
    """),
    (("EntityShape_startYear_datatype",), """
        lidmaatschap:m2-1 kg:startYear 212 .
    """),
    (("EntityShape_theme_pattern", "KnownIriShape"), """
        initiatief:i6 kg:theme doel:geen-thema .
    """),
    (("EntityShape_type_in",), """
        initiatief:tikfout a kg:Initative ; rdfs:label "Tikfout in de klasse"@nl .
    """),
    (("EntityShape_workingMethod_pattern",), """
        initiatief:i7 kg:workingMethod thema:thema-2 .
    """),
    (("EntityShape_year_datatype",), """
        evenement:e3 kg:year 22 .
    """),
    (("EventShape",), """
        initiatief:eigenlijk-evenement a schema:Event ; rdfs:label "Evenement onder initiatief"@nl .
    """),
    (("InitiativeShape",), """
        evenement:eigenlijk-initiatief a kg:Initiative ; rdfs:label "Initiatief onder evenement"@nl .
    """),
    (("InitiativeShape_initiativeType_pattern",), """
        initiatief:i8 kg:initiativeType overeenkomsttype:convenant .
    """),
    (("IriPatternShape",), """
        initiatief:Nieuwsbrief_Kennisstad a kg:Initiative ; rdfs:label "Nieuwsbrief"@nl .
    """),
    (("KnownIriShape",), """
        lidmaatschap:tikfout a org:Membership ; rdfs:label "Lid met een tikfout"@nl ;
            org:member organisatie:org-tikfout ; org:organization samenwerking:netwerk-1 ; org:role rol:voorziter ;
            kg:startYear 2020 .
    """),
    (("MembershipShape",), """
        samenwerking:eigenlijk-lidmaatschap a org:Membership ; rdfs:label "Lidmaatschap onder samenwerking"@nl ;
            org:member organisatie:org-1 ; org:organization samenwerking:netwerk-1 ; org:role rol:lid .
    """),
    (("MembershipShape_member_count",), """
        lidmaatschap:m3-0 org:member organisatie:org-9 .
    """),
    (("MembershipShape_member_pattern",), """
        lidmaatschap:lid-initiatief a org:Membership ; rdfs:label "Een initiatief als lid"@nl ;
            org:member initiatief:i0 ; org:organization samenwerking:netwerk-1 ; org:role rol:lid .
    """),
    (("MembershipShape_organization_count",), """
        lidmaatschap:nergens-lid a org:Membership ; rdfs:label "Nergens lid van"@nl ; org:member organisatie:org-1 ;
            org:role rol:lid .
    """),
    (("MembershipShape_organization_pattern",), """
        lidmaatschap:lid-van-initiatief a org:Membership ; rdfs:label "Lid van een initiatief"@nl ;
            org:member organisatie:org-1 ; org:organization initiatief:i0 ; org:role rol:lid .
    """),
    (("MembershipShape_role_count",), """
        lidmaatschap:zonder-rol a org:Membership ; rdfs:label "Zonder rol"@nl ; org:member organisatie:org-1 ;
            org:organization samenwerking:netwerk-1 .
    """),
    (("MembershipShape_role_pattern",), """
        lidmaatschap:rol-is-soort a org:Membership ; rdfs:label "Rol is een soort"@nl ; org:member organisatie:org-1 ;
            org:organization samenwerking:netwerk-1 ; org:role organisatietype:museum .
    """),
    (("MembershipShape_startYear_minCount",), """
        lidmaatschap:kennispartner-zonder-jaar a org:Membership ; rdfs:label "Kennispartner zonder jaar"@nl ;
            org:member organisatie:org-2 ; org:organization samenwerking:leiden-kennisstad ;
            org:role rol:kennispartner .
    """),
    (("MonetaryAmountShape_currency_in",), """
        toekenning:t0-1 schema:currency "euro"@nl .
    """),
    (("MonetaryAmountShape_currency_minCount",), """
        initiatief:i9 schema:value "10.00"^^xsd:decimal .
    """),
    (("MonetaryAmountShape_value_datatype",), """
        budget:geheel a kg:Budget ; rdfs:label "Budget als geheel getal"@nl ; schema:value 500000 ;
            schema:currency "EUR" .
    """),
    (("OrganisationShape",), """
        samenwerking:eigenlijk-organisatie a org:Organization ; rdfs:label "Organisatie onder samenwerking"@nl ;
            kg:organisationType organisatietype:museum .
    """),
    (("OrganisationShape_label_minCount",), """
        organisatie:zonder-nl a org:Organization ; rdfs:label "Zonder taal" ;
            kg:organisationType organisatietype:museum .
    """),
    (("OrganisationShape_organisationType_minCount",), """
        organisatie:zonder-soort a org:Organization ; rdfs:label "Organisatie zonder soort"@nl .
    """),
    (("OrganizationalCollaborationShape",), """
        organisatie:eigenlijk-samenwerking a org:OrganizationalCollaboration ;
            rdfs:label "Samenwerking onder organisatie"@nl .
    """),
    (("OrganizationalUnitShape",), """
        samenwerking:instituut a org:OrganizationalUnit ; rdfs:label "Instituut onder samenwerking"@nl ;
            org:unitOf organisatie:org-1 .
    """),
    (("OrganizationalUnitShape_unitOf_minCount",), """
        organisatie:los-instituut a org:OrganizationalUnit ; rdfs:label "Los instituut"@nl .
    """),
    (("OrganizationalUnitShape_unitOf_pattern",), """
        organisatie:instituut-van-netwerk a org:OrganizationalUnit ; rdfs:label "Instituut van een netwerk"@nl ;
            org:unitOf samenwerking:netwerk-1 .
    """),
    (("PlaceShape",), """
        organisatie:eigenlijk-plaats a schema:Place ; rdfs:label "Plaats onder organisatie"@nl .
    """),
    (("ProgrammeShape",), """
        initiatief:eigenlijk-programma a kg:Programme ; rdfs:label "Programma onder initiatief"@nl .
    """),
    (("RoleShape",), """
        lidmaatschap:eigenlijk-rol a org:Role ; rdfs:label "Rol onder lidmaatschap"@nl .
    """),
    (("SourceDocumentShape",), """
        programma:eigenlijk-document a kg:SourceDocument ; rdfs:label "Document onder programma"@nl ;
            dcterms:title "Document"@nl ; kg:sourceFile "synthetisch-0.txt" .
    """),
    (("SourceDocumentShape_sourceFile_count",), """
        document:zonder-bestand a kg:SourceDocument ; rdfs:label "Document zonder bestand"@nl ;
            dcterms:title "Zonder bestand"@nl .
    """),
    (("SourceDocumentShape_title_minCount",), """
        document:zonder-titel a kg:SourceDocument ; rdfs:label "Document zonder titel"@nl ;
            kg:sourceFile "synthetisch-1.txt" .
    """),
    (("StatusPeriodShape",), """
        initiatief:i10 kg:status status:eigenlijk-periode .
        status:eigenlijk-periode a schema:StructuredValue ; rdfs:label "Periode onder status"@nl ;
            kg:statusValue status:toegewezen ; kg:startYear 2020 .
    """),
    (("StatusPeriodShape_statusValue_count",), """
        initiatief:i11 kg:status statusperiode:zonder-waarde .
        statusperiode:zonder-waarde a schema:StructuredValue ; rdfs:label "Periode zonder status"@nl ;
            kg:startYear 2020 .
    """),
    (("StatusPeriodShape_statusValue_pattern",), """
        initiatief:i12 kg:status statusperiode:verkeerde-waarde .
        statusperiode:verkeerde-waarde a schema:StructuredValue ; rdfs:label "Periode met een soort"@nl ;
            kg:statusValue initiatieftype:programma ; kg:startYear 2020 .
    """),
    (("YearOrderShape",), """
        lidmaatschap:omgekeerd a org:Membership ; rdfs:label "Omgekeerde jaren"@nl ; org:member organisatie:org-1 ;
            org:organization samenwerking:netwerk-1 ; org:role rol:lid ; kg:startYear 2022 ; kg:endYear 2017 .
    """),
]


def _claims_with_their_own_rules() -> list[Entry]:
    """Rules about the claim itself (its name, source, quote, graph) and about facts outside claims."""
    fact = 'organisatie:org-10 skos:altLabel "Tiende"@nl .'
    return [
        entry("claim-iri", claim("syn-x", fact).replace("bewering:syn-x", "document:eigenlijk-bewering"),
              rules=["ClaimShape"]),
        entry("claim-correction-quote-lang", claim("syn-correctie", fact, head=' ;\n        kg:correction "verbeterd"'),
              claim("syn-taal", fact).replace(f'"{SENTENCES[len("syn-taal") % len(SENTENCES)]}"',
                                              f'"{SENTENCES[len("syn-taal") % len(SENTENCES)]}"@nl'),
              rules=["ClaimShape_editorialNote_minCount", "ClaimShape_quote_datatype"]),
        entry("claim-long-quote-no-quote", claim("syn-lang", fact, quote=LONG_SENTENCE),
              claim("syn-zonder-citaat", fact, quote=""),
              rules=["ClaimShape_quote_maxLength", "ClaimShape_quote_minCount"]),
        entry("claim-sources", claim("syn-bron-organisatie", fact, document="organisatie:org-11"),
              claim("syn-twee-bronnen", fact, document="document:synthetisch-0, document:synthetisch-1"),
              rules=["ClaimShape_wasDerivedFrom_class", "ClaimShape_wasDerivedFrom_count"]),
        entry("claim-document-name", claim("js2023-verkeerde-naam", fact, document="document:jaarstukken-2017"),
              rules=["ClaimDocumentShape", "KnownIriShape"]),
        entry("claim-in-another-graph", claim("syn-buiten", fact + """
            bewering:syn-binnen a kg:Claim ; prov:wasDerivedFrom document:synthetisch-0 ; kg:quote "Een zin." .
        """), rules=["ClaimGraphShape"]),
        entry("quote-not-in-document", claim("syn-verzonnen", fact, quote="Dit staat nergens in de bron."),
              rules=["QuoteInDocumentShape"]),
        entry("fact-without-claim", claim("syn-met-bron", fact),
              default='initiatief:buiten a kg:Initiative ; rdfs:label "Buiten elke bewering"@nl .',
              rules=["ProvenanceShape"]),
        entry("document-without-text", claim("syn-nieuw-document", fact, document="document:nieuw"),
              default='document:nieuw a kg:SourceDocument ; rdfs:label "Nieuw"@nl ; dcterms:title "Nieuw"@nl ; '
                      'kg:sourceFile "bestaat-niet.txt" .'),
    ]


def _entry_checks() -> list[Entry]:
    """Entries breaking the checks `validate` makes of entries beside the shapes (entry/changes.py): a misspelt
    property, a placeholder of `kennisgraaf new` left in; and a misspelt organisation (did you mean ...)."""
    return [
        entry("misspelt-property", claim("syn-tikfout", "lidmaatschap:m0-1 org:memberr organisatie:org-3 ."),
              rules=["KnownPropertyCheck"]),
        entry("placeholder-left", claim("syn-invullen", """
            lidmaatschap:nieuw-invullen a org:Membership ; rdfs:label "INVULLEN"@nl ;
                org:member organisatie:INVULLEN ; org:organization samenwerking:netwerk-1 ; org:role rol:lid .
        """), rules=["PlaceholderLeft"]),
        entry("misspelt-organisation", claim("syn-verkeerde-organisatie", """
            lidmaatschap:nieuw-verkeerd a org:Membership ; rdfs:label "Organisatie 1 is lid van Netwerk 2"@nl ;
                org:member organisatie:org-1O ; org:organization samenwerking:netwerk-1 ; org:role rol:lid .
        """), rules=["KnownIriShape"]),
    ]


def _unreadable() -> list[Entry]:
    good = claim("syn-leesbaar", 'organisatie:org-12 skos:altLabel "Twaalfde"@nl .')
    return [
        Entry("syntax-error", entry("x", good).text.replace("skos:altLabel", "skos:altLabel ;;"), frozenset(), True),
        Entry("bad-date",
              entry("x", claim("syn-datum", 'overeenkomst:a3 kg:signingDate "2017-02-30"^^xsd:date .')).text,
              frozenset(), True),
        Entry("claim-exists", entry("x", claim("syn-5", 'organisatie:org-13 skos:altLabel "Dertiende"@nl .')).text,
              frozenset(), True),
    ]


def entries() -> list[Entry]:
    """Good entries, broken ones (two broken claims each, most of them), and unreadable ones."""
    found = _good()
    for k in range(0, len(_BROKEN), 2):
        pair = _BROKEN[k:k + 2]
        claims = [claim(f"syn-fout-{k + j}", facts, document=f"document:synthetisch-{(k + j) % 3}")
                  for j, (_, facts) in enumerate(pair)]
        name = "+".join(rules[0] for rules, _ in pair)
        found.append(entry(name, *claims, rules=[r for rules, _ in pair for r in rules]))
    found += _claims_with_their_own_rules()
    found += _entry_checks()
    found += _unreadable()
    return found


def source_texts(graph_file: Path, sources: Path) -> None:
    """Write the texts of the synthetic documents into `sources`: every quote of the graph's claims from that
    document, and `SENTENCES` (what the entries quote)."""
    import pyoxigraph as ox

    quote = ox.NamedNode(PREFIXES["kg"] + "quote")
    derived = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
    store = ox.Store()
    store.bulk_load(path=str(graph_file), format=ox.RdfFormat.TRIG)
    documents: dict[str, list[str]] = {}
    for row in store.query(f"SELECT ?d ?q WHERE {{ GRAPH ?g {{ ?c {derived} ?d ; {quote} ?q }} }}"):
        documents.setdefault(row["d"].value.rsplit("/", 1)[-1], []).append(row["q"].value)  # type: ignore[index]
    sources.mkdir(parents=True, exist_ok=True)
    for name, quotes in documents.items():
        (sources / f"{name}.txt").write_text("\n\n".join([*sorted(set(quotes)), *SENTENCES, LONG_SENTENCE]) + "\n",
                                             "utf-8")
