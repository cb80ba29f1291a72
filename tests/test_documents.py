"""The source documents: normalising, scopes, sentences, quote checking and coverage, on the real texts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kennisgraaf.graph.documents import (
    Document,
    DocumentsError,
    NonFactual,
    Quote,
    coverage,
    entries_without_document,
    format_coverage,
    misquoted,
    normalise,
    parse_non_factual,
    read_documents,
    read_non_factual,
    read_quotes,
    split_sentences,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SOURCES = DATA / "sources"
NON_FACTUAL = SOURCES / "niet-feitelijk.tsv"
DOCUMENT = "https://w3id.org/kennisgraaf/id/document/"
FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG}


def _data_quads() -> list[ox.Quad]:
    quads: list[ox.Quad] = []
    for path in sorted(DATA.iterdir()):
        if path.suffix in FORMATS:
            quads.extend(ox.parse(path=path, format=FORMATS[path.suffix]))
    return quads


QUADS = _data_quads()
DOCUMENTS = read_documents(QUADS, SOURCES)
BY_SLUG = {document.slug: document for document in DOCUMENTS}
QUOTES = read_quotes(QUADS)


# ------------------------------------------------------------------ normalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zuid-\nHolland", "Zuid-Holland"),
        ("Economic Board Zuid- \n  Holland (een", "Economic Board Zuid-Holland (een"),
        ("Netwerk Kennissteden Nederland - waar", "Netwerk Kennissteden Nederland - waar"),
        ("Wis- en Natuurkunde", "Wis- en Natuurkunde"),
        ("twee  spaties\ten\n\neen tab", "twee spaties en een tab"),
        ("ad €\u00a0500.000", "ad € 500.000"),
        ("  rand \n", "rand"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


# ------------------------------------------------------------------ documents and scopes


def test_the_three_documents_are_read() -> None:
    assert [d.slug for d in DOCUMENTS] == ["jaarstukken-2017", "programmabegroting-2018", "jaarstukken-2023"]
    assert BY_SLUG["jaarstukken-2017"].iri == DOCUMENT + "jaarstukken-2017"
    assert BY_SLUG["jaarstukken-2017"].title == "Jaarstukken 2017"
    assert BY_SLUG["jaarstukken-2023"].path == SOURCES / "004_e3551db14a466330.txt"


def test_scope_of_jaarstukken_2017_is_the_kennisstad_section() -> None:
    document = BY_SLUG["jaarstukken-2017"]
    assert document.scope.startswith("2.3.13 Bijzonder programma Kennisstad")
    assert "Transformatie Sociaal Domein" not in document.scope
    assert "HOV" not in document.scope
    assert "HOV" in document.text
    assert normalise(document.scope).endswith("Leiden Bio Science Park (uitvoering / besteding in 2018).")


def test_scope_of_programmabegroting_2018_skips_the_breadcrumb() -> None:
    document = BY_SLUG["programmabegroting-2018"]
    assert document.scope.startswith("Bijzonder programma Kennisstad\n\nLeiden, internationale kennisstad")
    assert "Home / Beleidsbegroting" not in document.scope
    assert document.scope.endswith("prestatie 3B2.1.")


def test_scope_of_jaarstukken_2023_runs_to_the_end() -> None:
    document = BY_SLUG["jaarstukken-2023"]
    assert document.scope.startswith("Bijzonder programma Kennisstad")
    assert "Jaarstukken 2023" not in document.scope
    assert document.scope.endswith("programma 3: Economie.")


def _description(start: str, end: str | None = None, source: str = "tekst.txt") -> list[ox.Quad]:
    end_triple = f"; kg:scopeEnd {end!r} " if end else ""
    turtle = f"""@prefix kg: <https://w3id.org/kennisgraaf/def/> .
        <{DOCUMENT}proef> a kg:SourceDocument ; kg:sourceFile "{source}" ; kg:scopeStart {start!r} {end_triple}."""
    return list(ox.parse(turtle, ox.RdfFormat.TURTLE))


def test_scope_mark_missing_from_the_text_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / "tekst.txt").write_text("Inleiding\n\nHier staat een zin.\n", "utf-8")
    with pytest.raises(DocumentsError) as caught:
        read_documents(_description("Hoofdstuk 9"), tmp_path)
    assert "kg:scopeStart" in caught.value.en and "'Hoofdstuk 9'" in caught.value.en
    assert "komt niet in de tekst voor" in caught.value.nl
    with pytest.raises(DocumentsError, match="kg:scopeEnd"):
        read_documents(_description("Inleiding", "Slot"), tmp_path)


def test_missing_text_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentsError) as caught:
        read_documents(_description("Inleiding", source="weg.txt"), tmp_path)
    assert str(tmp_path / "weg.txt") in caught.value.en
    assert "kg:sourceFile" in caught.value.en


def test_document_without_title_is_named_by_its_slug(tmp_path: Path) -> None:
    (tmp_path / "tekst.txt").write_text("Voorwoord\n\nInleiding\n\nHier staat een zin.\n", "utf-8")
    [document] = read_documents(_description("Inleiding"), tmp_path)
    assert (document.slug, document.title) == ("proef", "proef")
    assert document.sentences == ["Hier staat een zin."]


# ------------------------------------------------------------------ sentences


def test_sentence_counts_of_the_real_documents() -> None:
    counts = {d.slug: len(d.sentences) for d in DOCUMENTS}
    assert counts == {"jaarstukken-2017": 66, "programmabegroting-2018": 58, "jaarstukken-2023": 93}


def test_sentence_over_three_lines_is_one_sentence() -> None:
    sentences = BY_SLUG["jaarstukken-2017"].sentences
    [sentence] = [s for s in sentences if "7 jui 2017" in s]
    assert sentence == (
        "Dit heeft er toe geleid dat de gemeente op 7 jui 2017 samen met haar strategische partners Universiteit, "
        "LUMC en Hogeschool Leiden een samenwerkingsovereenkomst heeft gesloten, waarbij extra focus in onze "
        "gezamenlijke activiteiten is aangebracht."
    )


def test_bullets_are_separate_sentences() -> None:
    sentences = BY_SLUG["jaarstukken-2017"].sentences
    goals = sentences.index("Kennisinstituten en kennisbedrijven floreren optimaal in Leiden;")
    assert sentences[goals - 1] == "Het programma Kennisstad kent twee hoofddoelen:"
    assert sentences[goals + 1] == (
        "Leiden (de stad, de regio en haar inwoners) heeft maximaal voordeel van de kennisinstellingen."
    )
    themes = sentences.index("Campusontwikkeling")
    assert sentences[themes : themes + 4] == [
        "Campusontwikkeling",
        "Versterken onderwijs en onderzoek",
        "Externe focus en internationalisering",
        "De stad als lab",
    ]
    assert "€ 1.650.000 euro t.b.v. extra voorzieningen nieuwbouw VMBO-Boerhaavelaan (start uitvoering 2018)" in (
        sentences
    )
    bplusc = "€ 1.450.000 euro t.b.v. extra investeringen in de nieuwbouw BplusC (planvorming 2018, uitvoering"
    assert bplusc + " daaropvolgend)" in sentences


def test_bullets_directly_under_a_sentence_are_separate() -> None:
    sentences = BY_SLUG["jaarstukken-2023"].sentences
    intro = sentences.index("De samenwerking Leiden Kennisstad kent twee hoofddoelen, te weten:")
    assert sentences[intro + 1] == "Kennisinstituten en kennisbedrijven floreren optimaal in Leiden;"


def test_headings_are_not_sentences() -> None:
    all_sentences = [s for d in DOCUMENTS for s in d.sentences]
    for heading in ("2.3.13 Bijzonder programma Kennisstad", "Leiden, internationale kennisstad", "De doelen",
                    "De uitvoeringsstrategie", "Resultaten", "Inleiding", "ESOF 2022", "Tot slot"):
        assert not any(s.startswith(heading) for s in all_sentences), heading
    assert not any("#" in s for s in all_sentences)
    # "Resultaten" stands between two sentences of one block in the 2023 text
    after = "Hieronder volgt een greep uit de resultaten die we gezamenlijk in 2023 hebben gerealiseerd."
    assert after in all_sentences


def test_initials_do_not_end_a_sentence_but_an_abbreviation_can() -> None:
    sentences = BY_SLUG["jaarstukken-2017"].sentences
    assert any(s.endswith("V.S.L. Catena en A.L.S.V. Quintus is gecontinueerd en verdiept;") for s in sentences)
    assert any(s.endswith("Technolab, Taalmuseum, LeidenGlobal e.d.") for s in sentences)
    assert any(s.startswith("In 2017 is ter uitvoering van deze samenwerking") for s in sentences)


def test_split_sentences_on_a_small_text() -> None:
    text = (
        "Kop van het stuk\n\nEerste zin. Tweede zin? 3 dingen! 'Citaat' volgt. € 5 euro. en geen nieuwe zin.\n"
        "Tussenkop\nNa de kop:\n■ punt een;\n■ punt\ntwee met Zuid-\nHolland\n"
    )
    assert split_sentences(text) == [
        "Eerste zin.", "Tweede zin?", "3 dingen!", "'Citaat' volgt.", "€ 5 euro. en geen nieuwe zin.",
        "Na de kop:", "punt een;", "punt twee met Zuid-Holland",
    ]


# ------------------------------------------------------------------ quotes


@pytest.mark.parametrize("quote", QUOTES, ids=[q.claim for q in QUOTES])
def test_quote_is_in_its_document(quote: Quote) -> None:
    assert quote.document is not None, f"{quote.claim} has no prov:wasDerivedFrom"
    assert not misquoted([quote], DOCUMENTS), (
        f"{quote.claim}: quote not found in {quote.document}:\n  {quote.text!r}"
    )


def test_read_quotes_pairs_each_quote_with_its_document() -> None:
    trig = f"""@prefix kg: <https://w3id.org/kennisgraaf/def/> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix bewering: <https://w3id.org/kennisgraaf/id/bewering/> .
        bewering:b {{ bewering:b a kg:Claim ; prov:wasDerivedFrom <{DOCUMENT}d> ; kg:quote "twee", "een" . }}
        bewering:a {{ bewering:a a kg:Claim ; kg:quote "zonder bron" . }}
        bewering:c kg:quote "buiten een claim" ."""
    quotes = read_quotes(ox.parse(trig, ox.RdfFormat.TRIG))
    base = "https://w3id.org/kennisgraaf/id/bewering/"
    assert quotes == [
        Quote(base + "a", None, "zonder bron"),
        Quote(base + "b", DOCUMENT + "d", "een"),
        Quote(base + "b", DOCUMENT + "d", "twee"),
    ]


def test_misquoted_reports_wrong_and_unplaced_quotes() -> None:
    claim = "https://w3id.org/kennisgraaf/id/bewering/js2017-proef"
    good = Quote(claim, DOCUMENT + "jaarstukken-2017", "de Economic Board Zuid-Holland (een samenwerking")
    typo_kept = Quote(claim, DOCUMENT + "jaarstukken-2017", "de gemeente op 7 jui 2017 samen met")
    wrong = Quote(claim, DOCUMENT + "jaarstukken-2017", "de gemeente op 7 juli 2017 samen met")
    other_document = Quote(claim, DOCUMENT + "jaarstukken-2023", "de Economic Board Zuid-Holland")
    unknown = Quote(claim, DOCUMENT + "bestaat-niet", "Leiden")
    no_document = Quote(claim, None, "Leiden")
    quotes = [good, typo_kept, wrong, other_document, unknown, no_document]
    assert misquoted(quotes, DOCUMENTS) == [wrong, other_document, unknown, no_document]


def test_quotes_are_checked_against_the_full_text_not_only_the_scope() -> None:
    outside = Quote("x", DOCUMENT + "jaarstukken-2017", "De realisatie van de R-net corridors")
    assert misquoted([outside], DOCUMENTS) == []


# ------------------------------------------------------------------ niet-feitelijk.tsv


def test_parse_non_factual_reports_malformed_lines_with_their_number() -> None:
    text = (
        "# commentaar\n"
        "jaarstukken-2017\tVeel steden noemen zich een kennisstad,\tretoriek\n"
        "\n"
        "jaarstukken-2017 Veel steden noemen zich een kennisstad zonder tabs\n"
        "jaarstukken-2023\t\tgeen eerste woorden\n"
        "a\tb\tc\td\n"
    )
    entries, malformed = parse_non_factual(text)
    assert entries == [NonFactual("jaarstukken-2017", "Veel steden noemen zich een kennisstad,", "retoriek", 2)]
    assert [(m.line, m.problem) for m in malformed] == [
        (4, "1 tab-separated fields instead of 3 (document slug, first words, reason)"),
        (5, "empty first words"),
        (6, "4 tab-separated fields instead of 3 (document slug, first words, reason)"),
    ]


def test_read_non_factual_raises_a_user_error_for_a_malformed_line(tmp_path: Path) -> None:
    path = tmp_path / "niet-feitelijk.tsv"
    path.write_text("jaarstukken-2017\tgoed\treden\nkapot\n", "utf-8")
    with pytest.raises(DocumentsError) as caught:
        read_non_factual(path)
    assert caught.value.en.startswith(f"{path}: line 2: ")
    assert "regel 2" in caught.value.nl
    assert read_non_factual(tmp_path / "bestaat-niet.tsv") == []


def test_niet_feitelijk_tsv_has_no_malformed_or_stale_lines() -> None:
    if not NON_FACTUAL.exists():
        pytest.skip("data/sources/niet-feitelijk.tsv does not exist yet")
    entries, malformed = parse_non_factual(NON_FACTUAL.read_text("utf-8"))
    assert not malformed, "\n".join(f"line {m.line}: {m.problem}: {m.text}" for m in malformed)
    results = coverage(DOCUMENTS, QUOTES, entries)
    stale = [e for r in results for e in r.stale] + entries_without_document(entries, DOCUMENTS)
    assert not stale, "entries matching no sentence:\n" + "\n".join(
        f"line {e.line}: {e.slug}\t{e.first_words}" for e in stale
    )


# ------------------------------------------------------------------ coverage


def _hand_made_document() -> Document:
    text = (
        "Titel van het stuk\n\n"
        "Leiden is een stad met een lange en rijke geschiedenis van kennis en wetenschap. "
        "De gemeente werkt samen met de universiteit. Dit is heel mooi. "
        "In 2017 is er een budget van € 500.000 beschikbaar gesteld voor allerlei initiatieven in de stad.\n"
        "■ Een punt dat niemand citeert;\n"
    )
    return Document(DOCUMENT + "proef", "proef", "Proefdocument", Path("proef.txt"), text, text)


def test_coverage_of_a_small_document() -> None:
    document = _hand_made_document()
    quotes = [
        Quote("c1", document.iri, "De gemeente werkt samen met de universiteit"),  # quote within sentence
        # a quote across two sentences, sharing 40+ characters with the second
        Quote("c2", document.iri, "Dit is heel mooi. In 2017 is er een budget van €\u00a0500.000 beschikbaar"),
        Quote("c3", DOCUMENT + "ander", "Een punt dat niemand citeert"),  # another document's quote
    ]
    non_factual = [
        NonFactual("proef", "Leiden is een stad met een", "retoriek", 1),
        NonFactual("proef", "Deze zin staat er niet", "verouderd", 2),
        NonFactual("ander", "Leiden is een stad met een", "ander document", 3),
    ]
    [result] = coverage([document], quotes, non_factual)
    assert result.covered == [
        "De gemeente werkt samen met de universiteit.",
        "Dit is heel mooi.",
        "In 2017 is er een budget van € 500.000 beschikbaar gesteld voor allerlei initiatieven in de stad.",
    ]
    assert [(s.text[:20], s.reason) for s in result.non_factual] == [("Leiden is een stad m", "retoriek")]
    assert result.uncovered == ["Een punt dat niemand citeert;"]
    assert [e.line for e in result.stale] == [2]
    assert result.factual == 4
    assert result.share == pytest.approx(0.75)
    assert entries_without_document(non_factual, [document]) == [non_factual[2]]


def test_a_short_shared_run_does_not_cover() -> None:
    document = _hand_made_document()
    # shares only "In 2017 is er" with the budget sentence
    quote = Quote("c", document.iri, "Dit is heel mooi. In 2017 is er")
    [result] = coverage([document], [quote], [])
    assert "Dit is heel mooi." in result.covered
    assert any(s.startswith("In 2017 is er een budget") for s in result.uncovered)


def test_format_coverage_is_readable() -> None:
    document = _hand_made_document()
    results = coverage([document], [], [NonFactual("proef", "Deze zin staat er niet", "verouderd", 7)])
    unknown = [NonFactual("bestaat-niet", "Iets", "reden", 9)]
    _, malformed = parse_non_factual("a\tb\tc\nkapot\n")
    report = format_coverage(results, unknown=unknown, malformed=malformed)
    assert "Proefdocument (proef)" in report
    assert "0 van 5 feitelijke zinnen gedekt (0.0%)" in report
    assert "    - Leiden is een stad met een lange en rijke geschiedenis van kennis en wetenschap." in report
    assert "regel 7: Deze zin staat er niet" in report
    assert "regel 9: bestaat-niet: Iets" in report
    assert "regel 2: 1 tab-separated fields" in report
    long_sentence = (
        "In 2017 is er een budget van € 500.000 beschikbaar gesteld voor allerlei initiatieven in de stad."
    )
    short = format_coverage(results, width=40)
    assert long_sentence not in short and long_sentence[:39].rstrip() + "…" in short


def test_module_imports_without_rdflib() -> None:
    code = "import sys, kennisgraaf.graph.documents; sys.exit('rdflib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# ------------------------------------------------------------------ the coverage target


def test_every_fact_stating_sentence_is_covered() -> None:
    """Target: each sentence of the three documents is quoted by a claim or listed in niet-feitelijk.tsv."""
    entries = read_non_factual(NON_FACTUAL)
    results = coverage(DOCUMENTS, QUOTES, entries)
    uncovered = [(r.document.slug, s) for r in results for s in r.uncovered]
    if uncovered:
        print(format_coverage(results))
    assert not uncovered, f"{len(uncovered)} uncovered sentences:\n" + "\n".join(
        f"{slug}: {sentence}" for slug, sentence in uncovered
    )
