"""What changed between two versions of the graph — two releases, or a release and the current build — in words
people read (nl or en) or as JSON.

Each side is a store: a release's N-Quads dump (checked against its SHA256SUMS) loaded into an in-memory store,
or the current build. The same SPARQL queries run on both and their answers are compared, so the diff is about
RDF terms, never about lines of text:

- claims (named graphs that are a `kg:Claim`) added and removed, with their documents and quotes, and claims
  whose facts changed;
- memberships (`org:Membership`) added and removed — who joined or left what — with role and years;
- amounts, dates and years that changed: the same subject and property with other values (numbers and
  `xsd:date`/`gYear`/`gYearMonth`/`dateTime` literals), for subjects in both versions, with the claims that
  state the new and the old value;
- and the count of facts (triples of the default graph) added and removed, so that "no changes" means none.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..config import Settings
from ..errors import InputError
from ..namespaces import KG, short_name
from ..store.builds import current_release, open_store
from .layout import DUMP_STEM, MANIFEST, SUMS

__all__ = ["CURRENT", "Diff", "Side", "compare", "diff", "open_side", "release_side"]

CURRENT = "current"
PREFIXES = f"""PREFIX kg: <{KG}>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
CLAIMS = PREFIXES + """SELECT ?claim ?document ?label ?quote WHERE {
  GRAPH ?claim { ?claim a kg:Claim }
  OPTIONAL { GRAPH ?claim { ?claim prov:wasDerivedFrom ?document } }
  OPTIONAL { GRAPH ?claim { ?claim rdfs:label ?label } }
  OPTIONAL { GRAPH ?claim { ?claim kg:quote ?quote } }
}"""
CLAIM_FACTS = PREFIXES + """SELECT ?claim ?s ?p ?o WHERE {
  GRAPH ?claim { ?claim a kg:Claim . ?s ?p ?o }
}"""
MEMBERSHIPS = PREFIXES + """SELECT ?membership ?member ?organization ?role ?start ?end WHERE {
  ?membership a org:Membership ; org:member ?member ; org:organization ?organization .
  OPTIONAL { ?membership org:role ?role }
  OPTIONAL { ?membership kg:startYear ?start }
  OPTIONAL { ?membership kg:endYear ?end }
}"""
VALUES = PREFIXES + """SELECT ?s ?p ?o WHERE {
  ?s ?p ?o
  FILTER(isLiteral(?o) && DATATYPE(?o) IN (xsd:decimal, xsd:integer, xsd:int, xsd:long, xsd:short,
    xsd:nonNegativeInteger, xsd:positiveInteger, xsd:double, xsd:float, xsd:date, xsd:dateTime, xsd:gYear,
    xsd:gYearMonth))
}"""
SUBJECTS = "SELECT DISTINCT ?s WHERE { ?s ?p ?o }"
FACTS = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
SOURCES = PREFIXES + """SELECT ?claim ?document WHERE {
  VALUES (?s ?p ?o) { %s }
  GRAPH ?claim { ?s ?p ?o }
  OPTIONAL { GRAPH ?claim { ?claim prov:wasDerivedFrom ?document } }
}"""
LABELS = PREFIXES + "SELECT ?s ?label WHERE { ?s rdfs:label|dcterms:title ?label }"
COUNTS = PREFIXES + """SELECT (COUNT(*) AS ?triples) (SUM(IF(?claim, 1, 0)) AS ?claims) WHERE {
  ?s ?p ?o BIND(?p = <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> && ?o = kg:Claim AS ?claim) }"""


@dataclass
class Side:
    """One version to compare: its name (a release's version, or "current"), its store and what is known of
    its build (built_at, content_hash)."""

    name: str
    store: ox.Store
    meta: dict[str, Any]
    base_iri: str


def release_side(folder: Path, base_iri: str) -> Side:
    """A release folder as a `Side`: its N-Quads dump, checked against its SHA256SUMS, in an in-memory store."""
    dump, sums, manifest = folder / f"{DUMP_STEM}.nq", folder / SUMS, folder / MANIFEST
    if not (dump.is_file() and sums.is_file() and manifest.is_file()):
        raise InputError(f"{folder} is not a release: it has no {dump.name}, SHA256SUMS and {MANIFEST} "
                         f"(`kennisgraaf release` makes them).",
                         f"{folder} is geen release: er staan geen {dump.name}, SHA256SUMS en {MANIFEST} in "
                         f"(`kennisgraaf release` maakt ze).")
    data = dump.read_bytes()
    listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0]
              for line in sums.read_text("utf-8").splitlines() if "  " in line}
    if listed.get(dump.name) != hashlib.sha256(data).hexdigest():
        raise InputError(f"{dump}: its SHA-256 is not the one in {sums}, so the release was changed after it was "
                         f"made. Check it with `sha256sum -c SHA256SUMS` in {folder}.",
                         f"{dump}: de SHA-256 is niet die in {sums}, dus de release is veranderd nadat ze gemaakt "
                         f"is. Controleer met `sha256sum -c SHA256SUMS` in {folder}.")
    meta = json.loads(manifest.read_text("utf-8"))
    store = ox.Store()
    store.bulk_load(data, ox.RdfFormat.N_QUADS)
    build = meta.get("build", {})
    return Side(meta.get("version", folder.name), store,
                {"built_at": build.get("built_at"), "content_hash": build.get("content_hash"),
                 "released_at": meta.get("released_at")}, base_iri)


def open_side(settings: Settings, spec: str) -> Side:
    """`current` (the current build), a release's version in the releases folder, or a release folder."""
    if spec == CURRENT:
        report = json.loads((current_release(settings) / "report.json").read_text("utf-8"))
        return Side(CURRENT, open_store(settings),
                    {"built_at": report["built_at"], "content_hash": report["content_hash"]}, settings.base_iri)
    folder = Path(spec).expanduser()
    if not folder.is_dir():
        folder = settings.path("releases_dir") / spec
    if not folder.is_dir():
        raise InputError(f"{spec}: there is no such release (neither a folder nor a version in "
                         f"{settings.path('releases_dir')}). Give a release folder, a version, or 'current'.",
                         f"{spec}: zo'n release is er niet (geen map en geen versie in "
                         f"{settings.path('releases_dir')}). Geef een releasemap, een versie of 'current'.")
    return release_side(folder, settings.base_iri)


def _rows(store: ox.Store, query: str) -> list[tuple[Any, ...]]:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [tuple(row[name] for name in names) for row in solutions]


def _text(term: Any) -> str | None:
    return None if term is None else term.value


@dataclass
class Diff:
    """The changes from `old` to `new`; `to_dict()` for JSON, `render(lang)` for people."""

    old: Side
    new: Side
    counts: dict[str, dict[str, int]]
    facts: dict[str, int]
    claims_added: list[dict[str, Any]] = field(default_factory=list)
    claims_removed: list[dict[str, Any]] = field(default_factory=list)
    claims_changed: list[dict[str, Any]] = field(default_factory=list)
    joined: list[dict[str, Any]] = field(default_factory=list)
    left: list[dict[str, Any]] = field(default_factory=list)
    values: list[dict[str, Any]] = field(default_factory=list)

    def count(self) -> int:
        """How many changes the report lists (0 when the two versions hold the same facts and claims)."""
        listed = (len(self.claims_added) + len(self.claims_removed) + len(self.claims_changed) + len(self.joined)
                  + len(self.left) + len(self.values))
        return listed or self.facts["added"] + self.facts["removed"]

    def to_dict(self) -> dict[str, Any]:
        def side(s: Side) -> dict[str, Any]:
            return {"name": s.name, **{k: v for k, v in s.meta.items() if v is not None}, **self.counts[s.name]}

        return {
            "old": side(self.old), "new": side(self.new),
            "changes": self.count(),
            "facts": self.facts,
            "claims": {"added": self.claims_added, "removed": self.claims_removed, "changed": self.claims_changed},
            "memberships": {"joined": self.joined, "left": self.left},
            "values": self.values,
        }

    def render(self, lang: str = "nl") -> str:
        return _render(self, WORDS["nl" if lang == "nl" else "en"])


def diff(settings: Settings, old: str, new: str) -> Diff:
    """Compare two versions: each `current`, a release version or a release folder.

    >>> diff(Settings.load(), "current", "current").count()
    0
    """
    return compare(open_side(settings, old), open_side(settings, new))


def compare(old: Side, new: Side) -> Diff:
    """The differences between the stores of `old` and `new`, found with the same SPARQL queries on both."""
    names = _Names(old, new)
    counts = {}
    for s in (old, new):
        triples, claims = _rows(s.store, COUNTS)[0]
        counts[s.name] = {"triples": int(triples.value), "claims": int(claims.value) if claims else 0}
    if old.name == new.name:  # two sides of one name (e.g. a release compared with itself) still need two keys
        counts = {old.name: counts[old.name]}
    old_facts, new_facts = (set(_rows(s.store, FACTS)) for s in (old, new))
    result = Diff(old, new, counts, {"added": len(new_facts - old_facts), "removed": len(old_facts - new_facts)})

    # Claims
    old_claims, new_claims = _claims(old.store), _claims(new.store)
    for iri in sorted(new_claims.keys() - old_claims.keys()):
        result.claims_added.append(_claim(iri, new_claims[iri], names))
    for iri in sorted(old_claims.keys() - new_claims.keys()):
        result.claims_removed.append(_claim(iri, old_claims[iri], names))
    old_content, new_content = _claim_facts(old.store), _claim_facts(new.store)
    for iri in sorted(old_claims.keys() & new_claims.keys()):
        before, after = old_content.get(iri, set()), new_content.get(iri, set())
        claim_before, claim_after = old_claims[iri], new_claims[iri]
        if before != after or claim_before != claim_after:
            entry = _claim(iri, claim_after, names)
            entry["facts_added"] = [names.triple(t) for t in sorted(after - before, key=_key)]
            entry["facts_removed"] = [names.triple(t) for t in sorted(before - after, key=_key)]
            result.claims_changed.append(entry)

    # Memberships
    old_members, new_members = _memberships(old.store), _memberships(new.store)
    for iri in sorted(new_members.keys() - old_members.keys()):
        result.joined.append(_membership(iri, new_members[iri], names, new))
    for iri in sorted(old_members.keys() - new_members.keys()):
        result.left.append(_membership(iri, old_members[iri], names, old))

    # Amounts, dates and years
    old_values, new_values = _values(old.store), _values(new.store)
    in_both = {row[0] for row in _rows(old.store, SUBJECTS)} & {row[0] for row in _rows(new.store, SUBJECTS)}
    for s, p in sorted((old_values.keys() | new_values.keys()), key=lambda k: (str(k[0]), str(k[1]))):
        before, after = old_values.get((s, p), set()), new_values.get((s, p), set())
        if before == after or s not in in_both:
            continue
        result.values.append({
            "subject": s.value, "subject_name": names.name(s.value), "property": names.short(p.value),
            "old": [o.value for o in sorted(before, key=str)], "new": [o.value for o in sorted(after, key=str)],
            "old_sources": _sources(old.store, s, p, before, names),
            "new_sources": _sources(new.store, s, p, after, names),
        })
    return result


def _key(triple: tuple[Any, Any, Any]) -> tuple[str, str, str]:
    return str(triple[0]), str(triple[1]), str(triple[2])


def _claims(store: ox.Store) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for claim, document, label, quote in _rows(store, CLAIMS):
        entry = found.setdefault(claim.value, {"documents": set(), "labels": set(), "quotes": set()})
        for key, term in (("documents", document), ("labels", label), ("quotes", quote)):
            if term is not None:
                entry[key].add(term.value)
    return found


def _claim_facts(store: ox.Store) -> dict[str, set[tuple[Any, Any, Any]]]:
    found: dict[str, set[tuple[Any, Any, Any]]] = defaultdict(set)
    for claim, s, p, o in _rows(store, CLAIM_FACTS):
        found[claim.value].add((s, p, o))
    return found


def _claim(iri: str, entry: dict[str, Any], names: _Names) -> dict[str, Any]:
    return {"claim": iri, "name": names.short(iri), "label": sorted(entry["labels"])[0] if entry["labels"] else None,
            "documents": [{"document": d, "name": names.name(d)} for d in sorted(entry["documents"])],
            "quotes": sorted(entry["quotes"])}


def _memberships(store: ox.Store) -> dict[str, dict[str, set[str]]]:
    found: dict[str, dict[str, set[str]]] = {}
    for membership, member, organization, role, start, end in _rows(store, MEMBERSHIPS):
        entry = found.setdefault(membership.value, defaultdict(set))
        for key, term in (("member", member), ("organization", organization), ("role", role), ("start", start),
                          ("end", end)):
            if term is not None:
                entry[key].add(term.value)
    return found


def _membership(iri: str, entry: dict[str, set[str]], names: _Names, side: Side) -> dict[str, Any]:
    def one(key: str) -> str | None:
        return sorted(entry[key])[0] if entry.get(key) else None

    member, organization, role = one("member"), one("organization"), one("role")
    subject = ox.NamedNode(iri)
    stated = _sources(side.store, subject, ox.NamedNode("http://www.w3.org/ns/org#member"),
                      {ox.NamedNode(m) for m in entry["member"]}, names)
    return {"membership": iri, "member": member, "member_name": names.name(member),
            "organization": organization, "organization_name": names.name(organization),
            "role": role, "role_name": names.name(role) if role else None,
            "start": int(one("start")) if one("start") else None, "end": int(one("end")) if one("end") else None,
            "sources": stated}


def _values(store: ox.Store) -> dict[tuple[Any, Any], set[Any]]:
    found: dict[tuple[Any, Any], set[Any]] = defaultdict(set)
    for s, p, o in _rows(store, VALUES):
        found[(s, p)].add(o)
    return found


def _sources(store: ox.Store, s: Any, p: Any, objects: set[Any], names: _Names) -> list[dict[str, Any]]:
    if not objects:
        return []
    values = " ".join(f"({s} {p} {o})" for o in sorted(objects, key=str))
    found = {(claim.value, _text(document)) for claim, document in _rows(store, SOURCES % values)}
    return [{"claim": claim, "name": names.short(claim), "document": document,
             "document_name": names.name(document) if document else None} for claim, document in sorted(found,
                                                                                                         key=str)]


class _Names:
    """Labels for IRIs (the new version's first), and short names."""

    def __init__(self, old: Side, new: Side) -> None:
        self.base = new.base_iri
        self.labels: dict[str, str] = {}
        for side in (old, new):  # the new side last: its labels win
            chosen: dict[str, ox.Literal] = {}
            for s, label in _rows(side.store, LABELS):
                if isinstance(s, ox.NamedNode) and isinstance(label, ox.Literal):
                    best = chosen.get(s.value)
                    if best is None or (best.language != "nl" and label.language == "nl") or \
                            (best.language == label.language and label.value < best.value):
                        chosen[s.value] = label
            self.labels.update({iri: label.value for iri, label in chosen.items()})

    def short(self, iri: str) -> str:
        return short_name(iri, self.base)

    def name(self, iri: str | None) -> str:
        if iri is None:
            return ""
        return self.labels.get(iri) or self.short(iri)

    def triple(self, triple: tuple[Any, Any, Any]) -> str:
        s, p, o = triple
        return f"{self.short(s.value)} {self.short(p.value)} {self.term(o)}"

    def term(self, term: Any) -> str:
        """An IRI as a short name; a literal as "text"@nl or "1.5"^^xsd:decimal."""
        if isinstance(term, ox.NamedNode):
            return self.short(term.value)
        if isinstance(term, ox.Literal):
            text = json.dumps(term.value, ensure_ascii=False)
            if term.language:
                return f"{text}@{term.language}"
            if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
                return f"{text}^^{self.short(term.datatype.value)}"
            return text
        return str(term)


# ------------------------------------------------------------------------------------------------ words

WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Verschillen tussen {old} en {new}", "current": "de huidige build", "triples": "feiten (triples)",
        "claims": "beweringen", "built": "gebouwd", "hash": "inhoudshash", "none":
        "Geen verschillen: beide versies bevatten dezelfde feiten en beweringen.",
        "facts": "Feiten in de standaardgraaf: {added} erbij, {removed} eraf.",
        "claims_added": "Beweringen erbij", "claims_removed": "Beweringen eraf", "claims_changed": "Beweringen gewijzigd",
        "source": "bron", "quote": "citaat", "fact_added": "erbij", "fact_removed": "eraf",
        "joined": "Lidmaatschappen erbij (wie kwam erbij)", "left": "Lidmaatschappen eraf (wie ging eruit)",
        "as": "als", "of": "van", "from": "vanaf", "until": "tot en met", "values": "Gewijzigde bedragen, datums en jaren",
        "nothing": "(geen)", "new_source": "nu volgens", "old_source": "was volgens",
    },
    "en": {
        "title": "Changes from {old} to {new}", "current": "the current build", "triples": "facts (triples)",
        "claims": "claims", "built": "built", "hash": "content hash", "none":
        "No changes: both versions hold the same facts and claims.",
        "facts": "Facts in the default graph: {added} added, {removed} removed.",
        "claims_added": "Claims added", "claims_removed": "Claims removed", "claims_changed": "Claims changed",
        "source": "source", "quote": "quote", "fact_added": "added", "fact_removed": "removed",
        "joined": "Memberships added (who joined what)", "left": "Memberships removed (who left what)",
        "as": "as", "of": "of", "from": "from", "until": "until", "values": "Amounts, dates and years that changed",
        "nothing": "(none)", "new_source": "now according to", "old_source": "was according to",
    },
}


def _render(d: Diff, w: dict[str, str]) -> str:
    def title(side: Side) -> str:
        return w["current"] if side.name == CURRENT else side.name

    out = [f"# {w['title'].format(old=title(d.old), new=title(d.new))}", ""]
    out += [f"| | {title(d.old)} | {title(d.new)} |", "|---|---|---|"]
    for key, label in (("triples", w["triples"]), ("claims", w["claims"])):
        out.append(f"| {label} | {d.counts[d.old.name][key]} | {d.counts[d.new.name][key]} |")
    out.append(f"| {w['built']} | {d.old.meta.get('built_at') or ''} | {d.new.meta.get('built_at') or ''} |")
    out.append(f"| {w['hash']} | {(d.old.meta.get('content_hash') or '')[:16]} | "
               f"{(d.new.meta.get('content_hash') or '')[:16]} |")
    out.append("")
    if d.count() == 0:
        out += [w["none"], ""]
        return "\n".join(out)
    out += [w["facts"].format(**d.facts), ""]

    def claims(heading: str, entries: list[dict[str, Any]]) -> None:
        out.append(f"## {heading} ({len(entries)})")
        out.append("")
        for entry in entries:
            out.append(f"- **{entry['name']}**" + (f" — {entry['label']}" if entry["label"] else ""))
            for document in entry["documents"]:
                out.append(f"  - {w['source']}: {document['name']}")
            for quote in entry["quotes"]:
                out.append(f"  - {w['quote']}: “{quote}”")
            for fact in entry.get("facts_added", []):
                out.append(f"  - {w['fact_added']}: `{fact}`")
            for fact in entry.get("facts_removed", []):
                out.append(f"  - {w['fact_removed']}: `{fact}`")
        if not entries:
            out.append(w["nothing"])
        out.append("")

    def memberships(heading: str, entries: list[dict[str, Any]]) -> None:
        out.append(f"## {heading} ({len(entries)})")
        out.append("")
        for m in entries:
            years = ""
            if m["start"] is not None and m["end"] is not None:
                years = f" ({m['start']}–{m['end']})"
            elif m["start"] is not None:
                years = f" ({w['from']} {m['start']})"
            elif m["end"] is not None:
                years = f" ({w['until']} {m['end']})"
            role = f" {w['as']} {m['role_name']}" if m["role_name"] else ""
            sources = "; ".join(sorted({s["document_name"] for s in m["sources"] if s["document_name"]}))
            out.append(f"- {m['member_name']}{role} {w['of']} {m['organization_name']}{years}"
                       + (f" — {w['source']}: {sources}" if sources else ""))
        if not entries:
            out.append(w["nothing"])
        out.append("")

    claims(w["claims_added"], d.claims_added)
    claims(w["claims_removed"], d.claims_removed)
    claims(w["claims_changed"], d.claims_changed)
    memberships(w["joined"], d.joined)
    memberships(w["left"], d.left)
    out.append(f"## {w['values']} ({len(d.values)})")
    out.append("")
    for v in d.values:
        old, new = ", ".join(v["old"]) or "—", ", ".join(v["new"]) or "—"
        out.append(f"- {v['subject_name']}, {v['property']}: {old} → {new}")
        for key, word in (("new_sources", w["new_source"]), ("old_sources", w["old_source"])):
            documents = sorted({s["document_name"] for s in v[key] if s["document_name"]})
            if documents:
                out.append(f"  - {word}: {'; '.join(documents)}")
    if not d.values:
        out.append(w["nothing"])
    out.append("")
    return "\n".join(out)
