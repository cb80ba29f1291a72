"""The web form's side of entering data: a SHACL shape per kind of entry for the form to be generated from, and
the RDF a filled-in form sends turned into an entry — a claim (a named graph with its source and quote)
holding the new thing, as TriG, like the entries `kennisgraaf new` starts.

The form's shape is made from the entry model (model.py: the shapes, the ontology and the graph), so the
shapes in shapes/ stay the one source of the rules: each property of the kind with its name and description
(sh:name, sh:description from the shapes), how many values it takes, its datatype or language, and its allowed
values as `sh:in` (the known organisations, roles, ... of the graph, with their labels), followed by the
claim's own fields — the source document, a choice, and the quote, required. The form puts every field on the
one node it makes; `entry_from_form` moves the claim's fields onto the claim, gives the new thing and its claim
their IRIs (from the name, like `new --name`) and writes the entry. What the form sends is only parsed, by
Oxigraph, never trusted: anything the form does not ask for is refused. Validating the entry is the job of
changes.py, as for every entry.

    >>> from kennisgraaf.config import Settings
    >>> from kennisgraaf.entry.model import entry_model
    >>> model = entry_model(Settings.load())
    >>> form = entry_form(model, model.types["membership"], "en")
    >>> "sh:in" in form.shapes and form.fields["http://www.w3.org/ns/org#member"].required
    True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

import pyoxigraph as ox

from ..errors import InputError
from ..namespaces import KG, PROV, RDF, RDFS, SH, XSD, prefixes
from .model import EntryModel, EntryType, PropertySpec
from .templates import slug

__all__ = ["EntryForm", "FormEntry", "FormField", "entry_form", "entry_from_form"]

DASH = "http://datashapes.org/dash#"
LABEL = RDFS + "label"
QUOTE = KG + "quote"
SOURCE = PROV + "wasDerivedFrom"
RDF_TYPE = RDF + "type"
MOST_TRIPLES = 500  # a filled-in form has a few dozen
_SLUG_LENGTH = 60

_WORDS = {
    "nl": {"claim": "Bron", "entity": "{kind}", "optional": "Optioneel", "exactly": "Precies {n}.",
           "at_least": "Minstens {n}.", "instead": "In plaats daarvan mag ook: {names}."},
    "en": {"claim": "Source", "entity": "{kind}", "optional": "Optional", "exactly": "Exactly {n}.",
           "at_least": "At least {n}.", "instead": "Instead, you may give: {names}."},
}


@dataclass
class FormField:
    """One field of the form: a property of the new thing, or of its claim (`on_claim`)."""

    path: str
    name: str
    description: str
    required: bool
    on_claim: bool
    kind: str  # "iri" or "literal"
    picker: list[tuple[str, str]] | None = None  # (short name, label): known values, and others may be typed
    namespace: str | None = None  # for a typed short name without a prefix


@dataclass
class EntryForm:
    """The form for one kind of entry, in one language: its shape graph (Turtle) and its fields."""

    key: str
    label: str
    class_iri: str
    shape_iri: str
    shapes: str
    fields: dict[str, FormField]
    prefixes: dict[str, str]

    def field_of(self, path: str | None) -> FormField | None:
        """The field of a property given as an IRI or a short name (as validation names it)."""
        if not path:
            return None
        if path in self.fields:
            return self.fields[path]
        prefix, _, local = path.partition(":")
        namespace = self.prefixes.get(prefix)
        return self.fields.get(namespace + local) if namespace is not None else None


@dataclass
class FormEntry:
    """An entry made from a filled-in form: the TriG text, and the IRIs it gave."""

    text: str
    entity: str
    claim: str
    slug: str
    values: dict[str, list[str]] = field(default_factory=dict)  # field path -> the IRIs it was given


def entry_form(model: EntryModel, entry_type: EntryType, lang: str) -> EntryForm:
    """The form of `entry_type`: a node shape with a property shape per field, for shacl-form."""
    words = _WORDS[lang]
    table = prefixes(model.base_iri)
    shape = f"{model.base_iri}def/shapes/form-{entry_type.key}"
    triples: list[ox.Triple] = []
    node = ox.NamedNode(shape)
    triples += [ox.Triple(node, _iri(RDF_TYPE), _iri(SH + "NodeShape")),
                ox.Triple(node, _iri(SH + "targetClass"), _iri(entry_type.class_iri)),
                ox.Triple(node, _iri(RDFS + "label"), ox.Literal(entry_type.label(lang), language=lang))]
    groups = {}
    for order, (name, title) in enumerate((("claim", words["claim"]),
                                           ("entity", words["entity"].format(kind=entry_type.label(lang))),
                                           ("optional", words["optional"]))):
        groups[name] = ox.NamedNode(f"{shape}-{name}")
        triples += [ox.Triple(groups[name], _iri(RDF_TYPE), _iri(SH + "PropertyGroup")),
                    ox.Triple(groups[name], _iri(RDFS + "label"), ox.Literal(title, language=lang)),
                    ox.Triple(groups[name], _iri(SH + "order"), ox.Literal(str(order), datatype=_iri(XSD + "integer")))]
    own = list(entry_type.properties)
    own_paths = {spec.path for spec in own}
    # The claim's fields: those it needs (source and quote), and its optional ones the new thing does not share
    # (a label is the new thing's: the form has one node, so one field per property).
    claim = [spec for spec in model.claim.properties if spec.path not in own_paths
             and (spec.need == "required" or spec.path != LABEL)]
    claim.sort(key=lambda spec: (spec.path != SOURCE, spec.path != QUOTE, spec.need != "required"))
    instead = {other for spec in own for other in spec.instead}
    fields: dict[str, FormField] = {}
    order = 0
    for on_claim, specs in ((True, claim), (False, own)):
        for spec in specs:
            if spec.path == RDF_TYPE:
                continue
            required = spec.need == "required" and not spec.instead and spec.path not in instead
            group = "claim" if on_claim else ("entity" if spec.need != "optional" else "optional")
            made = _field(model, spec, lang, on_claim, required)
            fields[spec.path] = made
            triples += _property_shape(model, node, spec, made, groups[group], order, lang)
            order += 1
    shapes = ox.serialize(triples, format=ox.RdfFormat.TURTLE,
                          prefixes={**{"sh": SH, "dash": DASH}, **table})
    assert shapes is not None
    return EntryForm(entry_type.key, entry_type.label(lang), entry_type.class_iri, shape, shapes.decode("utf-8"),
                     fields, table)


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _field(model: EntryModel, spec: PropertySpec, lang: str, on_claim: bool, required: bool) -> FormField:
    words = _WORDS[lang]
    name = spec.name.get(lang) or spec.name.get("nl") or model.short(spec.path)
    description = spec.description.get(lang) or spec.description.get("nl") or ""
    if spec.min_count > 1 and required:
        description = f"{description} {words['at_least'].format(n=spec.min_count)}".strip()
    if spec.instead:
        description = f"{description} {words['instead'].format(names=', '.join(model.short(p) for p in spec.instead))}"
    picker = None
    # Things entries make (organisations, collaborations, events, ...) get a picker that also takes a typed
    # name; the vocabularies of the model (roles, kinds, the source documents) are a plain choice.
    entered = [t.namespace for t in model.types.values()]  # rol:, ... are other namespaces of skos:Concept
    if spec.kind == "iri" and spec.choices and not spec.closed \
            and all(choice.startswith(tuple(entered)) for choice in spec.choices):
        picker = [(model.short(choice), model.labels.get(choice, "")) for choice in spec.choices]
    return FormField(spec.path, name, description.strip(), required, on_claim, spec.kind, picker,
                     spec.namespaces[0] if spec.namespaces else None)


def _property_shape(model: EntryModel, node: ox.NamedNode, spec: PropertySpec, made: FormField,
                    group: ox.NamedNode, order: int, lang: str) -> list[ox.Triple]:
    prop = ox.BlankNode()
    integer = _iri(XSD + "integer")
    triples = [ox.Triple(node, _iri(SH + "property"), prop),
               ox.Triple(prop, _iri(SH + "path"), _iri(spec.path)),
               ox.Triple(prop, _iri(SH + "name"), ox.Literal(made.name, language=lang)),
               ox.Triple(prop, _iri(SH + "group"), group),
               ox.Triple(prop, _iri(SH + "order"), ox.Literal(str(order), datatype=integer))]
    if made.description:
        triples.append(ox.Triple(prop, _iri(SH + "description"), ox.Literal(made.description, language=lang)))
    if made.required:
        least = ox.Literal(str(max(spec.min_count, 1)), datatype=integer)
        triples.append(ox.Triple(prop, _iri(SH + "minCount"), least))
    if spec.max_count is not None:
        triples.append(ox.Triple(prop, _iri(SH + "maxCount"), ox.Literal(str(spec.max_count), datatype=integer)))
    if spec.kind == "iri":
        triples.append(ox.Triple(prop, _iri(SH + "nodeKind"), _iri(SH + "IRI")))
        if spec.choices:
            choices: list[ox.NamedNode | ox.Literal] = [_iri(c) for c in spec.choices]
            triples += _list(prop, choices)
            triples += [ox.Triple(_iri(c), _iri(LABEL), ox.Literal(model.labels[c], language="nl"))
                        for c in spec.choices if c in model.labels]
    else:
        if spec.language:
            triples.append(ox.Triple(prop, _iri(SH + "datatype"), _iri(RDF + "langString")))
            triples += _list(prop, [ox.Literal(spec.language)], SH + "languageIn")
        elif spec.datatype:
            triples.append(ox.Triple(prop, _iri(SH + "datatype"), _iri(spec.datatype)))
        if spec.choices and spec.closed:
            triples += _list(prop, [ox.Literal(c) for c in spec.choices])
        if spec.path == QUOTE:  # a sentence or more: a text area
            triples.append(ox.Triple(prop, _iri(DASH + "singleLine"),
                                     ox.Literal("false", datatype=_iri(XSD + "boolean"))))
    return triples


def _list(subject: ox.BlankNode, members: Iterable[ox.NamedNode | ox.Literal], predicate: str = SH + "in"
          ) -> list[ox.Triple]:
    """`subject predicate ( members )` as the triples of an RDF list."""
    members = list(members)
    cells = [ox.BlankNode() for _ in members]
    triples = [ox.Triple(subject, _iri(predicate), cells[0] if cells else _iri(RDF + "nil"))]
    for number, (cell, member) in enumerate(zip(cells, members, strict=True)):
        rest = cells[number + 1] if number + 1 < len(cells) else _iri(RDF + "nil")
        triples += [ox.Triple(cell, _iri(RDF + "first"), member), ox.Triple(cell, _iri(RDF + "rest"), rest)]
    return triples


# ------------------------------------------------------------------ what a filled-in form sends


def entry_from_form(model: EntryModel, form: EntryForm, data: bytes, taken: Callable[[str], bool],
                    now: datetime, lang: str) -> FormEntry:
    """The entry the Turtle `data` of a filled-in `form` makes. `taken` says whether an IRI is already used
    (in the graph, or by an entry waiting in the inbox): the new thing and its claim get IRIs of their own.

    Raises InputError when `data` is not Turtle or holds something the form does not ask for."""
    try:
        triples = list(ox.parse(data, ox.RdfFormat.TURTLE))
    except SyntaxError as error:
        raise InputError(f"What the form sent is not Turtle: {error}. Reload the page and fill it in again.",
                         f"Wat het formulier stuurde is geen Turtle: {error}. Laad de pagina opnieuw en vul het "
                         f"opnieuw in.") from None
    if len(triples) > MOST_TRIPLES:
        raise InputError(f"The form sent {len(triples)} values; an entry has at most {MOST_TRIPLES}.",
                         f"Het formulier stuurde {len(triples)} waarden; een invoer heeft er hoogstens {MOST_TRIPLES}.")
    roots = {t.subject for t in triples if t.predicate.value == RDF_TYPE and t.object == _iri(form.class_iri)}
    if len(roots) != 1:
        raise InputError(f"The form must send one {form.label} (a node of class <{form.class_iri}>); it sent "
                         f"{len(roots)}.",
                         f"Het formulier moet één {form.label} sturen (een knoop met klasse <{form.class_iri}>); het "
                         f"stuurde er {len(roots)}.")
    root = next(iter(roots))
    # shacl-form also types the node it makes with the form's own shape: that says nothing about the thing
    triples = [t for t in triples if not (t.subject == root and t.predicate.value == RDF_TYPE
                                          and t.object == _iri(form.shape_iri))]
    unexpected = sorted({_shown(model, t.predicate.value) for t in triples if not _asked(t, root, form)})
    if unexpected:
        raise InputError(f"The form for a {form.label} has no field for {', '.join(unexpected)} (or not with a "
                         f"value like that); nothing was saved.",
                         f"Het formulier voor een {form.label} heeft geen veld voor {', '.join(unexpected)} (of niet "
                         f"met zo'n waarde); er is niets bewaard.")
    values = {}
    for t in triples:
        if t.predicate.value != RDF_TYPE:
            values.setdefault(t.predicate.value, []).append(t.object)
    labels = [v.value for v in values.get(LABEL, []) if isinstance(v, ox.Literal)]
    base = _short_slug(slug(labels[0]) if labels else "") or form.key
    documents = [v.value for v in values.get(SOURCE, []) if isinstance(v, ox.NamedNode)]
    code = model.documents.get(documents[0], ("", None))[1] if documents else None
    entity_slug = _free(lambda s: f"{_namespace_of(model, form)}{s}", base, taken)
    entity = f"{_namespace_of(model, form)}{entity_slug}"
    prefix = f"{model.claim.namespace}{code or 'web'}-"  # bewering:js2023-..., as the data names claims
    claim = prefix + _free(lambda s: prefix + s, entity_slug, taken)
    text = _trig(model, form, entity, claim, values, now, lang)
    given = {path: [v.value for v in found if isinstance(v, ox.NamedNode)] for path, found in values.items()}
    return FormEntry(text, entity, claim, entity_slug, given)


def _asked(triple: ox.Triple, root: ox.NamedNode | ox.BlankNode, form: EntryForm) -> bool:
    """Whether a triple is one the form makes: about its one node, a field's value (or the node's class)."""
    if triple.subject != root or isinstance(triple.object, (ox.BlankNode, ox.Triple)):
        return False
    if triple.predicate.value == RDF_TYPE:
        return triple.object == _iri(form.class_iri)
    return triple.predicate.value in form.fields


def _namespace_of(model: EntryModel, form: EntryForm) -> str:
    return model.types[form.key].namespace


def _short_slug(text: str) -> str:
    """A slug of at most _SLUG_LENGTH characters, cut at a hyphen."""
    if len(text) <= _SLUG_LENGTH:
        return text
    return text[:_SLUG_LENGTH].rsplit("-", 1)[0]


def _free(iri_of: Callable[[str], str], base: str, taken: Callable[[str], bool]) -> str:
    """`base`, or `base-2`, `base-3`, ...: the first whose IRI is not taken."""
    candidate, number = base, 1
    while taken(iri_of(candidate)):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _shown(model: EntryModel, iri: str) -> str:
    short = model.short(iri)
    return short if short != iri else f"<{iri}>"


_LOCAL = re.compile(r"[A-Za-z0-9_-]*")


def _term(model: EntryModel, term: ox.NamedNode | ox.Literal) -> str:
    """A term as Turtle: a short name where it is one, literals escaped by Oxigraph."""
    if isinstance(term, ox.NamedNode):
        short = model.short(term.value)
        prefix, _, local = short.partition(":")
        return short if short != term.value and _LOCAL.fullmatch(local) else str(term)
    lexical = str(ox.Literal(term.value))
    if term.language:
        return f"{lexical}@{term.language}"
    if term.datatype.value == XSD + "string":
        return lexical
    return f"{lexical}^^{_term(model, term.datatype)}"


def _trig(model: EntryModel, form: EntryForm, entity: str, claim: str,
          values: dict[str, list[ox.NamedNode | ox.Literal]], now: datetime, lang: str) -> str:
    heading = (f"# Ingevoerd met het webformulier (/entries/new/{form.key}) op {now:%Y-%m-%d %H:%M} UTC. Zet het in "
               f"data/ met `kennisgraaf add BESTAND`."
               if lang == "nl" else
               f"# Entered with the web form (/entries/new/{form.key}) on {now:%Y-%m-%d %H:%M} UTC. Put it into data/ "
               f"with `kennisgraaf add FILE`.")
    lines = [heading, ""]
    lines += [f"@prefix {name}: <{namespace}> ." for name, namespace in form.prefixes.items()
              if name not in ("sh", "kgsh", "owl")]
    lines += ["", f"{_term(model, _iri(claim))} {{"]
    for subject, class_iri, on_claim in ((claim, model.claim.class_iri, True), (entity, form.class_iri, False)):
        statements = [f"a {_term(model, _iri(class_iri))}"]
        for path, field_ in form.fields.items():
            if field_.on_claim == on_claim and path in values:
                objects = ", ".join(_term(model, v) for v in values[path])  # type: ignore[arg-type]
                statements.append(f"{_term(model, _iri(path))} {objects}")
        lines.append(f"    {_term(model, _iri(subject))} " + " ;\n        ".join(statements) + " .")
    lines.append("}")
    return "\n".join(lines) + "\n"
