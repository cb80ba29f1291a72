"""Deterministic generator of synthetic graphs shaped like the Leiden graph, for the benchmarks.

The output follows data/README.md and validates against shapes/ with 0 violations (and 0 warnings): every fact
sits in a claim (a named graph `bewering:...` with `a kg:Claim`, `prov:wasDerivedFrom document:...` and a
`kg:quote`); organisations (`org:Organization`, `rdfs:label`@nl, `skos:altLabel`, `kg:organisationType`),
collaborations, memberships (`org:member`, `org:organization`, `org:role`, `kg:startYear`, `kg:endYear`),
agreements (`kg:agreementType`, two or more `kg:party`, `kg:signingDate` xsd:date, years, theme, flagship),
initiatives (`kg:initiativeType`, `kg:participant`, status periods), events (`schema:startDate`), budgets and
allocations (`schema:value` xsd:decimal, `schema:currency "EUR"`, allocations never exceed their budget),
themes in a concept scheme, and synthetic source documents in the default graph (as data/documenten.ttl).
Like the real data, claims restate the type and name of the organisations they mention, so some triples occur
in several named graphs.

The same arguments give the same bytes. The size is the number of quads written (the target is reached to within
one unit of about 80 quads).

    .venv/bin/python benchmarks/generate.py --triples 100000 --out benchmarks/out/synthetic-100000.trig
    .venv/bin/python benchmarks/generate.py --triples 100000 --out graph.nq      # N-Quads, from the extension

    from generate import generate
    quads = generate(100_000, "graph.trig")
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

ID = "https://w3id.org/kennisgraaf/id/"
PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "kg": "https://w3id.org/kennisgraaf/def/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    **{kind: f"{ID}{kind}/" for kind in (
        "organisatie", "samenwerking", "lidmaatschap", "overeenkomst", "initiatief", "evenement", "thema",
        "begrippenkader", "budget", "toekenning", "statusperiode", "bewering", "document", "rol",
        "organisatietype", "overeenkomsttype", "initiatieftype", "status")},
}

ORGANISATION_TYPES = ["gemeente", "universiteit", "hogeschool", "mbo-instelling", "school", "museum", "bedrijf",
                      "onderzoeksinstituut", "stichting", "vereniging", "culturele-instelling"]
ROLES = ["kennispartner", "partner", "lid", "voorzitter", "trekker", "strategische-partner", "vertegenwoordigd"]
AGREEMENT_TYPES = ["samenwerkingsovereenkomst", "agenda", "city-deal", "convenant", "verklaring"]
INITIATIVE_TYPES = ["project", "platform", "programma", "loket", "website", "pilot", "plan", "subsidieregeling"]
STATUSES = ["toegewezen", "gehonoreerd", "onderdeel-van-programma"]
DOCUMENTS = 3
UNIT_QUADS = 80  # quads per unit (two memberships, an agreement, an initiative, an event; a budget every 5th)


class Lit:
    """A literal: lexical form, and a language tag or a datatype (a prefixed name) or neither."""

    __slots__ = ("datatype", "language", "lexical")

    def __init__(self, lexical: object, language: str | None = None, datatype: str | None = None) -> None:
        self.lexical = str(lexical)
        self.language = language
        self.datatype = datatype

    def quoted(self) -> str:
        return '"' + self.lexical.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    def trig(self) -> str:
        if self.language:
            return f"{self.quoted()}@{self.language}"
        if self.datatype == "xsd:integer":
            return self.lexical
        if self.datatype:
            return f"{self.quoted()}^^{self.datatype}"
        return self.quoted()

    def nquads(self) -> str:
        if self.language:
            return f"{self.quoted()}@{self.language}"
        if self.datatype:
            return f"{self.quoted()}^^{_full(self.datatype)}"
        return self.quoted()


def _full(name: str) -> str:
    prefix, local = name.split(":", 1)
    return f"<{PREFIXES[prefix]}{local}>"


def year(value: int) -> Lit:
    return Lit(value, datatype="xsd:integer")


def nl(text: str) -> Lit:
    return Lit(text, language="nl")


Term = str | Lit  # a prefixed name or a literal
Description = tuple[str, list[tuple[str, Term]]]  # subject and its (predicate, object) pairs
Block = tuple[str | None, list[Description]]  # graph name (None: the default graph) and its descriptions


def blocks(triples: int, seed: int = 7) -> Iterator[Block]:
    """The graph as blocks (one per named graph, plus the documents in the default graph), about `triples`
    quads in all; stops at the first unit boundary at or past `triples`."""
    rng = random.Random(seed)
    units = max(1, triples // UNIT_QUADS)
    documents = [f"document:synthetisch-{k}" for k in range(DOCUMENTS)]
    organisations = [f"organisatie:org-{i}" for i in range(max(20, units // 4))]
    collaborations = ["samenwerking:leiden-kennisstad"] + [
        f"samenwerking:netwerk-{i}" for i in range(max(5, units // 40))]
    themes = [f"thema:thema-{i}" for i in range(50)]
    names = {o: f"Organisatie {i}" for i, o in enumerate(organisations)}
    names.update({c: ("Leiden Kennisstad" if i == 0 else f"Netwerk {i}") for i, c in enumerate(collaborations)})
    count = 0
    claims = 0

    def claim(descriptions: list[Description], quote: str, about: str) -> Block:
        nonlocal count, claims
        claims += 1
        name = f"bewering:syn-{claims}"
        head: Description = (name, [("rdf:type", "kg:Claim"), ("rdfs:label", nl(f"Synthetisch: {about}")),
                                    ("prov:wasDerivedFrom", rng.choice(documents)), ("kg:quote", Lit(quote))])
        block = (name, [head, *descriptions])
        count += sum(len(pairs) for _, pairs in block[1])
        return block

    def mention(organisation: str) -> Description:
        """How the real claims restate an organisation they name: its class and its name."""
        kind = "org:Organization" if organisation.startswith("organisatie:") else "org:OrganizationalCollaboration"
        return organisation, [("rdf:type", kind), ("rdfs:label", nl(names[organisation]))]

    yield None, [(document, [("rdf:type", "kg:SourceDocument"), ("rdfs:label", nl(f"Synthetisch document {k}")),
                             ("dcterms:title", nl(f"Synthetisch document {k}")),
                             ("kg:reportingYear", year(2017 + k)), ("kg:sourceFile", Lit(f"synthetisch-{k}.txt"))])
                 for k, document in enumerate(documents)]
    count += 5 * len(documents)
    yield claim([("begrippenkader:themas", [("rdf:type", "skos:ConceptScheme"), ("rdfs:label", nl("Thema's"))])],
                "De thema's van de kennisstad.", "de thema's")
    for i, theme in enumerate(themes):
        yield claim([(theme, [("rdf:type", "skos:Concept"), ("rdfs:label", nl(f"Thema {i}")),
                              ("skos:inScheme", "begrippenkader:themas")])], f"Het thema {i}.", f"thema {i}")
    for i, organisation in enumerate(organisations):
        yield claim([(organisation, [("rdf:type", "org:Organization"), ("rdfs:label", nl(names[organisation])),
                                     ("skos:altLabel", nl(f"O{i}")),
                                     ("kg:organisationType", f"organisatietype:{rng.choice(ORGANISATION_TYPES)}")])],
                    f"De organisatie {i} werkt mee aan de kennisstad.", f"organisatie {i}")
    for i, collaboration in enumerate(collaborations):
        yield claim([(collaboration, [("rdf:type", "org:OrganizationalCollaboration"),
                                      ("rdfs:label", nl(names[collaboration])),
                                      ("kg:organisationType", "organisatietype:netwerk")])],
                    f"Het netwerk {names[collaboration]} bestaat.", f"netwerk {i}")

    i = 0
    while count < triples:
        start = rng.randint(2012, 2024)
        members = rng.sample(organisations, 4)
        collaboration = collaborations[0] if i % 25 == 0 else rng.choice(collaborations)
        for j, member in enumerate(members[:2]):
            membership = f"lidmaatschap:m{i}-{j}"
            role = "kennispartner" if collaboration == collaborations[0] else rng.choice(ROLES)
            pairs: list[tuple[str, Term]] = [
                ("rdf:type", "org:Membership"),
                ("rdfs:label", nl(f"{names[member]} is {role} van {names[collaboration]}")),
                ("org:member", member), ("org:organization", collaboration), ("org:role", f"rol:{role}"),
                ("kg:startYear", year(start))]
            if rng.random() < 0.4:
                pairs.append(("kg:endYear", year(start + rng.randint(0, 6))))
            yield claim([(membership, pairs), mention(member)],
                        f"{names[member]} is sinds {start} {role} van {names[collaboration]}.", f"lidmaatschap {i}-{j}")
        agreement, initiative = f"overeenkomst:a{i}", f"initiatief:i{i}"
        day = f"{start}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        yield claim([(agreement, [("rdf:type", "kg:Agreement"), ("rdfs:label", nl(f"Overeenkomst {i}")),
                                  ("kg:agreementType", f"overeenkomsttype:{rng.choice(AGREEMENT_TYPES)}"),
                                  *[("kg:party", party) for party in members],
                                  ("kg:signingDate", Lit(day, datatype="xsd:date")),
                                  ("kg:startYear", year(start)), ("kg:endYear", year(start + 4)),
                                  ("kg:theme", rng.choice(themes)), ("kg:flagship", initiative)]),
                     *[mention(party) for party in members[:2]]],
                    f"Op {day} is overeenkomst {i} gesloten.", f"overeenkomst {i}")
        initiative_pairs: list[tuple[str, Term]] = [
            ("rdf:type", "kg:Initiative"), ("rdfs:label", nl(f"Initiatief {i}")),
            ("kg:initiativeType", f"initiatieftype:{rng.choice(INITIATIVE_TYPES)}"),
            *[("kg:participant", p) for p in rng.sample(organisations, 3)],
            ("kg:startYear", year(start)), ("kg:theme", rng.choice(themes))]
        descriptions: list[Description] = [(initiative, initiative_pairs)]
        if i % 3 == 0:
            period = f"statusperiode:i{i}-{start}"
            initiative_pairs.append(("kg:status", period))
            descriptions.append((period, [("rdf:type", "schema:StructuredValue"),
                                          ("rdfs:label", nl(f"Initiatief {i} in {start}")),
                                          ("kg:statusValue", f"status:{rng.choice(STATUSES)}"),
                                          ("kg:startYear", year(start)), ("kg:endYear", year(start))]))
        yield claim(descriptions, f"Initiatief {i} begon in {start}.", f"initiatief {i}")
        event = f"evenement:e{i}"
        yield claim([(event, [("rdf:type", "schema:Event"), ("rdfs:label", nl(f"Evenement {i}")),
                              ("schema:startDate", Lit(day, datatype="xsd:date")), ("kg:year", year(start)),
                              ("schema:organizer", members[0]), ("kg:participant", members[1]),
                              ("kg:numberOfParticipants", year(rng.randint(10, 500)))])],
                    f"Evenement {i} vond plaats op {day}.", f"evenement {i}")
        if i % 5 == 0:
            budget = f"budget:b{i}"
            amounts = [rng.randint(1, 90) * 1000 for _ in range(3)]
            allocations: list[Description] = [
                (f"toekenning:t{i}-{k}", [("rdf:type", "kg:Allocation"), ("rdfs:label", nl(f"Toekenning {i}-{k}")),
                                          ("kg:fromBudget", budget),
                                          ("schema:value", Lit(f"{amount}.00", datatype="xsd:decimal")),
                                          ("schema:currency", Lit("EUR")), ("kg:year", year(start)),
                                          ("kg:beneficiary", initiative)])
                for k, amount in enumerate(amounts)]
            total = sum(amounts) + rng.randint(0, 50) * 1000
            yield claim([(budget, [("rdf:type", "kg:Budget"), ("rdfs:label", nl(f"Budget {i}")),
                                   ("schema:value", Lit(f"{total}.00", datatype="xsd:decimal")),
                                   ("schema:currency", Lit("EUR")), ("kg:year", year(start))]), *allocations],
                        f"Budget {i} van {total} euro is verdeeld.", f"budget {i}")
        i += 1


def _write_trig(out: IO[str], source: Iterator[Block]) -> int:
    count = 0
    for prefix, namespace in PREFIXES.items():
        out.write(f"@prefix {prefix}: <{namespace}> .\n")
    for graph, descriptions in source:
        indent = "" if graph is None else "    "
        lines = ["\n" if graph is None else f"\n{graph} {{\n"]
        for subject, pairs in descriptions:
            count += len(pairs)
            rendered = [f"{'a' if p == 'rdf:type' else p} {o if isinstance(o, str) else o.trig()}" for p, o in pairs]
            lines.append(f"{indent}{subject} " + f" ;\n{indent}    ".join(rendered) + " .\n")
        if graph is not None:
            lines.append("}\n")
        out.write("".join(lines))
    return count


def _write_nquads(out: IO[str], source: Iterator[Block]) -> int:
    count = 0
    for graph, descriptions in source:
        tail = " .\n" if graph is None else f" {_full(graph)} .\n"
        lines = []
        for subject, pairs in descriptions:
            s = _full(subject)
            for p, o in pairs:
                lines.append(f"{s} {_full(p)} {_full(o) if isinstance(o, str) else o.nquads()}{tail}")
        count += len(lines)
        out.write("".join(lines))
    return count


def generate(triples: int, out: Path | str, seed: int = 7, format: str | None = None) -> int:
    """Writes about `triples` quads to `out` as TriG (`.trig`) or N-Quads (`.nq`), chosen by `format`
    ("trig" / "nquads") or else by the extension. Returns the number of quads written."""
    path = Path(out)
    chosen = format or ("nquads" if path.suffix in (".nq", ".nquads") else "trig")
    if chosen not in ("trig", "nquads"):
        raise ValueError(f"unknown format {chosen!r}: trig or nquads")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        writer = _write_nquads if chosen == "nquads" else _write_trig
        return writer(handle, blocks(triples, seed))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=100_000, help="number of quads to write (about)")
    parser.add_argument("--out", "--output", dest="out", type=Path, required=True,
                        help="file to write: .trig for TriG, .nq for N-Quads")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--format", choices=["trig", "nquads"], default=None, help="default: from the extension")
    options = parser.parse_args(argv)
    written = generate(options.triples, options.out, options.seed, options.format)
    print(f"{written} quads written to {options.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
