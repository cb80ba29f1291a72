"""What the tests of the web form share: a scratch project of the Leiden graph, built, with a server that offers
the form, and the Turtle a filled-in membership form sends (as shacl-form writes it: one blank node)."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx

from kennisgraaf.config import Settings

ROOT = Path(__file__).resolve().parent.parent
# A sentence of Jaarstukken 2023, quoted there already: Leiden takes part in the NKN's Bestuurlijk Overleg.
QUOTE = "Tijdens het Bestuurlijk Overleg van het NKN, dat in het teken stond van studentenwelzijn, heeft Leiden"
LABEL = "gemeente Leiden is lid van het Netwerk Kennissteden Nederland"
ID = "https://w3id.org/kennisgraaf/id/"


def built_scratch(folder: Path, settings: str = "") -> Settings:
    """A built copy of the project in `folder` (ontology, data, shapes, queries), with `settings` as its
    kennisgraaf.toml."""
    from kennisgraaf.store.builds import build

    for part in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / part, folder / part)
    (folder / "kennisgraaf.toml").write_text(settings, "utf-8")
    project = Settings.load(folder, environ={})
    build(project)
    return project


@contextlib.contextmanager
def entry_server(folder: Path, *options: str) -> Iterator[tuple[Settings, object]]:
    """A real `kennisgraaf serve --allow-entries true` of a built scratch project."""
    from kennisgraaf_server import serve

    project = built_scratch(folder / "project")
    with serve(project, folder, "--allow-entries", "true", *options) as server:
        yield project, server


def membership(member: str = "organisatie:gemeente-leiden", extra: str = "") -> str:
    return f"""@prefix org: <http://www.w3.org/ns/org#>.
@prefix kg: <https://w3id.org/kennisgraaf/def/>.
@prefix prov: <http://www.w3.org/ns/prov#>.
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#>.
@prefix organisatie: <{ID}organisatie/>.
@prefix samenwerking: <{ID}samenwerking/>.
@prefix rol: <{ID}rol/>.
@prefix document: <{ID}document/>.

_:a1b2 prov:wasDerivedFrom document:jaarstukken-2023;
    kg:quote "{QUOTE}";
    rdfs:label "{LABEL}"@nl;
    org:member {member};
    org:organization samenwerking:netwerk-kennissteden-nederland;
    org:role rol:lid;
    a org:Membership, <https://w3id.org/kennisgraaf/def/shapes/form-membership>{extra}.
"""


def form_page(client: httpx.Client, url: str) -> dict:  # type: ignore[type-arg]
    """GET the form page (which sets the form's cookie in `client`) and return its configuration."""
    page = client.get(url)
    assert page.status_code == 200, page.text
    found = re.search(r'<script type="application/json" id="entry-config">(.*?)</script>', page.text, re.S)
    assert found is not None
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def inbox_files(project: Settings) -> list[Path]:
    """Every file in the inbox, hidden ones too."""
    folder = project.path("entries_dir")
    return sorted(folder.iterdir()) if folder.is_dir() else []
