"""A starter entry: a claim (a named graph with its source and quote) holding one new entity of a chosen kind,
written as TriG from the entry model (see model.py), with placeholders where the user fills something in.

Placeholders are words in capitals that no real value has: `INVULLEN` (`FILL-IN` in English) for a value,
`NAAM-INVULLEN` for the short name of the new IRIs and `CODE-INVULLEN` for the code of the source document in
the name of the claim. The file parses as it is, and `validate` and `add` refuse it while one is left
(see changes.py). Required properties are written out, optional ones as comments to switch on.
"""

from __future__ import annotations

import os
import re
import tempfile
import textwrap
import unicodedata
from pathlib import Path

from ..config import Settings
from ..errors import InputError, OutputError
from ..graph.files import shown
from ..graph.hints import closest
from ..namespaces import prefixes, short_name
from .model import EntryModel, EntryType, PropertySpec, entry_model

__all__ = ["PLACEHOLDER", "PLACEHOLDERS", "new_entry", "render", "slug", "type_list", "write_new"]

PLACEHOLDER = {"nl": "INVULLEN", "en": "FILL-IN"}
NAME_PLACEHOLDER = {"nl": "NAAM-INVULLEN", "en": "NAME-FILL-IN"}
CODE_PLACEHOLDER = {"nl": "CODE-INVULLEN", "en": "CODE-FILL-IN"}
PLACEHOLDERS = re.compile(r"(?:NAAM-|CODE-)?INVULLEN(?:-\d+)?|(?:NAME-|CODE-)?FILL-IN(?:-\d+)?")
_WIDTH = 110
_LISTED_WITH_LABELS = 12  # longer lists of allowed values show only the IRIs

_WORDS = {
    "nl": {
        "title": "Nieuwe invoer: {kind} ({cls}), gemaakt met `kennisgraaf new {key}` uit de regels in shapes/.",
        "steps": [
            "Zo vul je het in:",
            "1. Vervang {name} (overal: ook in de naam van de bewering, die twee keer voorkomt) door een korte naam "
            "van kleine letters, cijfers en streepjes, zoals die van de bestaande gegevens.",
            "2. Vervang elke {value} door een waarde; bij elke eigenschap staat wat er mag.",
            "3. Optionele eigenschappen staan uit (# ervoor): haal de # weg als de bron ze noemt.",
            "4. Controleer met `kennisgraaf validate BESTAND`, zet de invoer in data/ met `kennisgraaf add BESTAND`.",
        ],
        "claim": "De bewering: het letterlijke citaat uit één brondocument waarop de feiten hieronder berusten.",
        "code": "De naam van de bewering begint met de code van haar brondocument: {codes}.",
        "entity": "Het nieuwe ding: {kind} ({cls}).",
        "other_namespaces": "Een {kind} mag ook een IRI hebben onder {namespaces}.",
        "required": "verplicht", "recommended": "aanbevolen", "optional": "optioneel",
        "exactly": "precies {n}", "at_least": "minstens {n}",
        "choose": "Kies uit", "choose_known": "Kies uit (bekend in de graaf)",
        "instead": "In plaats daarvan mag ook: {names}.",
        "section_optional": "Optioneel: haal de # weg om te gebruiken.",
    },
    "en": {
        "title": "New entry: {kind} ({cls}), made by `kennisgraaf new {key}` from the rules in shapes/.",
        "steps": [
            "How to fill it in:",
            "1. Replace {name} (everywhere: also in the name of the claim, which appears twice) by a short name "
            "of lowercase letters, digits and hyphens, like those of the existing data.",
            "2. Replace each {value} by a value; each property says what is allowed.",
            "3. Optional properties are switched off (# in front): remove the # when the source states them.",
            "4. Check with `kennisgraaf validate FILE`, put the entry into data/ with `kennisgraaf add FILE`.",
        ],
        "claim": "The claim: the verbatim quote from one source document that the facts below rest on.",
        "code": "The name of the claim starts with the code of its source document: {codes}.",
        "entity": "The new thing: {kind} ({cls}).",
        "other_namespaces": "A {kind} may also have an IRI under {namespaces}.",
        "required": "required", "recommended": "recommended", "optional": "optional",
        "exactly": "exactly {n}", "at_least": "at least {n}",
        "choose": "Choose from", "choose_known": "Choose from (known in the graph)",
        "instead": "Instead, you may give: {names}.",
        "section_optional": "Optional: remove the # to use.",
    },
}


def slug(name: str) -> str:
    """The short name of an IRI made from a name: lowercase ASCII letters, digits and single hyphens.

    >>> slug("Leidse Onderwijstafel 2.0 — Betáplein")
    'leidse-onderwijstafel-2-0-betaplein'
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def type_list(model: EntryModel, lang: str) -> str:
    """The kinds of entry `new` makes, one a line: name, class, IRI prefix, other names."""
    rows = [(t.key, model.short(t.class_iri), model.short(t.namespace), t.label(lang),
             ", ".join(sorted(t.aliases))) for t in model.types.values()]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(f"{key.ljust(widths[0])}  {cls.ljust(widths[1])}  {ns.ljust(widths[2])}  {name}"
                     + (f" (ook: {aliases})" if lang == "nl" and aliases else f" (also: {aliases})" if aliases else "")
                     for key, cls, ns, name, aliases in rows)


def new_entry(settings: Settings, kind: str, name: str | None = None, source: str | None = None,
              lang: str | None = None, model: EntryModel | None = None) -> str:
    """The text of a starter entry of `kind` (a name from `kennisgraaf new --list`).

    >>> "kg:quote" in new_entry(Settings.load(), "membership")
    True
    """
    lang = lang or settings.language
    model = model or entry_model(settings)
    entry_type = model.find(kind)
    if entry_type is None:
        names = list(model.types) + [a for t in model.types.values() for a in t.aliases]
        close = closest(kind.lower(), names, n=3, cutoff=0.5)
        hint_en = f" Did you mean {' or '.join(close)}?" if close else ""
        hint_nl = f" Bedoel je {' of '.join(close)}?" if close else ""
        raise InputError(
            f"There is no kind of entry {kind!r}.{hint_en} `kennisgraaf new --list` lists them: "
            f"{', '.join(model.types)}.",
            f"Er is geen soort invoer {kind!r}.{hint_nl} `kennisgraaf new --list` noemt ze: {', '.join(model.types)}.")
    document = _document(model, source) if source else None
    if name is not None and not slug(name):
        raise InputError(f"--name {name!r}: a name needs letters or digits, to make the IRI from.",
                         f"--name {name!r}: een naam heeft letters of cijfers nodig om de IRI van te maken.")
    return render(model, entry_type, lang, name=name, document=document)


def _document(model: EntryModel, source: str) -> str:
    wanted = source.strip().lower()
    for iri, (title, code) in model.documents.items():
        if wanted in {iri.lower(), model.short(iri).lower(), iri.rsplit("/", 1)[-1].lower(), (code or "").lower(),
                      title.lower()}:
            return iri
    listed = ", ".join(f"{model.short(iri)} ({title})" for iri, (title, _) in model.documents.items())
    raise InputError(f"--source {source!r} is none of the source documents: {listed}.",
                     f"--source {source!r} is geen van de brondocumenten: {listed}.")


def write_new(text: str, output: Path) -> None:
    """Write a new entry to `output`, which must not exist yet: never overwritten, never half-written (the
    text is written next to it and linked into place only when complete)."""
    output = Path(output)
    if output.exists() or output.is_symlink():
        raise OutputError(
            f"{shown(output)} already exists, and `new` never overwrites a file. Choose another name with -o, or "
            f"leave out -o to print the entry.",
            f"{shown(output)} bestaat al, en `new` overschrijft nooit een bestand. Kies een andere naam met -o, of "
            f"laat -o weg om de invoer te laten zien.")
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{shown(folder)}: there is no such folder to write {output.name} in.",
                          f"{shown(folder)}: deze map bestaat niet, dus {output.name} kan er niet in.")
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.link(temporary, output)  # fails when the file appeared in the meantime: still never overwritten
    except FileExistsError:
        raise OutputError(f"{shown(output)} already exists, and `new` never overwrites a file.",
                          f"{shown(output)} bestaat al, en `new` overschrijft nooit een bestand.") from None
    finally:
        os.unlink(temporary)


# ------------------------------------------------------------------ rendering


def render(model: EntryModel, entry_type: EntryType, lang: str, name: str | None = None,
           document: str | None = None) -> str:
    """The starter entry as TriG."""
    words = _WORDS[lang]
    value, name_placeholder = PLACEHOLDER[lang], NAME_PLACEHOLDER[lang]
    short = model.short
    new_slug = slug(name) if name else name_placeholder
    code = model.documents[document][1] if document else None
    claim_iri = f"{model.claim.namespace}{code or CODE_PLACEHOLDER[lang]}-{new_slug}"
    entity_iri = f"{entry_type.namespace}{new_slug}"

    lines = [_comment(words["title"].format(kind=entry_type.label(lang), cls=short(entry_type.class_iri),
                                            key=entry_type.key), 0)]
    steps = [step for step in words["steps"] if not (name and "{name}" in step)]  # no name to fill in
    lines += [_comment(step.format(name=name_placeholder, value=value), 0) for step in steps]
    lines.append("")
    lines += [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in prefixes(model.base_iri).items()
              if prefix not in ("sh", "kgsh", "owl")]
    lines.append("")
    lines.append(_comment(words["claim"], 0))
    if code is None:
        codes = ", ".join(f"{c} ({short(iri)}, {title})" for iri, (title, c) in model.documents.items() if c)
        lines.append(_comment(words["code"].format(codes=codes), 0))
    lines.append(f"{short(claim_iri)} {{")
    given = {"http://www.w3.org/ns/prov#wasDerivedFrom": short(document)} if document else {}
    lines += _subject(model, model.claim, claim_iri, lang, given)
    lines.append("")
    lines.append(_comment(words["entity"].format(kind=entry_type.label(lang), cls=short(entry_type.class_iri)), 4))
    if entry_type.other_namespaces:
        lines.append(_comment(words["other_namespaces"].format(
            kind=entry_type.label(lang).lower(), namespaces=", ".join(short(n) for n in entry_type.other_namespaces)), 4))
    given = {"http://www.w3.org/2000/01/rdf-schema#label": _literal(name, "nl")} if name else {}
    lines += _subject(model, entry_type, entity_iri, lang, given)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _subject(model: EntryModel, entry_type: EntryType, iri: str, lang: str, given: dict[str, str]) -> list[str]:
    words = _WORDS[lang]
    lines = [f"    {model.short(iri)} a {model.short(entry_type.class_iri)} ;"]
    shown_instead = {p for spec in entry_type.properties if spec.need != "optional" for p in spec.instead}
    optional_started = False
    by_path = {spec.path: spec for spec in entry_type.properties}
    for spec in entry_type.properties:
        if spec.need == "optional" and spec.path in shown_instead:
            continue  # written next to the property it may replace
        if spec.need == "optional" and not optional_started:
            optional_started = True
            lines.append("")
            lines.append(_comment(words["section_optional"], 8))
        lines += _property(model, spec, lang, given.get(spec.path), switched_on=spec.need == "required")
        for other in spec.instead:
            lines.append(_comment(words["instead"].format(names=model.short(other)), 8))
            if other in by_path:
                lines += _property(model, by_path[other], lang, None, switched_on=False, described=False)
    lines.append("        .")
    return lines


def _property(model: EntryModel, spec: PropertySpec, lang: str, given: str | None, switched_on: bool,
              described: bool = True) -> list[str]:
    words = _WORDS[lang]
    short = model.short
    lines = []
    if described:
        count = ""
        if spec.min_count and spec.max_count == spec.min_count:
            count = ", " + words["exactly"].format(n=spec.min_count)
        elif spec.min_count > 1:
            count = ", " + words["at_least"].format(n=spec.min_count)
        name = spec.name.get(lang) or spec.name.get("nl")
        title = f"{name} ({short(spec.path)})" if name else short(spec.path)
        description = spec.description.get(lang) or spec.description.get("nl") or ""
        lines.append(_comment(f"{title}, {words[spec.need]}{count}. {description}".rstrip(), 8))
        if spec.choices and given is None and not (spec.closed and len(spec.choices) == 1):
            listed = [_choice(model, c, spec, len(spec.choices) <= _LISTED_WITH_LABELS) for c in spec.choices]
            word = words["choose"] if spec.kind == "literal" else words["choose_known"]
            lines.append(_comment(f"{word}: {', '.join(listed)}.", 8))
    value = given or _placeholder_value(model, spec, lang)
    line = f"{short(spec.path)} {value} ;"
    lines.append(f"        {line}" if switched_on else f"        # {line}")
    return lines


def _choice(model: EntryModel, choice: str, spec: PropertySpec, with_label: bool) -> str:
    if spec.kind == "literal":
        return _literal(choice, None)
    label = model.labels.get(choice)
    return f"{model.short(choice)} ({label})" if with_label and label else model.short(choice)


def _placeholder_value(model: EntryModel, spec: PropertySpec, lang: str) -> str:
    placeholder = PLACEHOLDER[lang]
    if spec.closed and len(spec.choices) == 1:  # the one value a rule allows: nothing to choose
        return model.short(spec.choices[0]) if spec.kind == "iri" else _literal(spec.choices[0], None)
    count = max(spec.min_count, 1)
    numbered = [placeholder] if count == 1 else [f"{placeholder}-{n}" for n in range(1, count + 1)]
    if spec.kind == "iri":
        namespace = spec.namespaces[0] if spec.namespaces else None
        prefix = short_name(namespace, model.base_iri) if namespace else None
        if prefix and prefix.endswith(":"):
            return ", ".join(f"{prefix}{p}" for p in numbered)
        return ", ".join(f"<{namespace or 'https://example.org/'}{p}>" for p in numbered)
    if spec.language:
        return ", ".join(f'"{p}"@{spec.language}' for p in numbered)
    if spec.datatype and spec.datatype != "http://www.w3.org/2001/XMLSchema#string":
        return ", ".join(f'"{p}"^^{model.short(spec.datatype)}' for p in numbered)
    return ", ".join(f'"{p}"' for p in numbered)


def _literal(text: str, language: str | None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{language}' if language else f'"{escaped}"'


def _comment(text: str, indent: int) -> str:
    prefix = " " * indent + "# "
    return "\n".join(textwrap.wrap(text, width=_WIDTH, initial_indent=prefix, subsequent_indent=prefix,
                                   break_long_words=False, break_on_hyphens=False)) or prefix.rstrip()
