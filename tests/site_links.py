"""Checking a static site's links: every href and src of every HTML file must name a file of the site (and an
id in it, for a #fragment). A link out of the site is a broken link, with one exception: rel=canonical, which
names the page's address under the base IRI and is not followed when browsing."""

from __future__ import annotations

import html.parser
import urllib.parse
from pathlib import Path

__all__ = ["broken_links", "links_of"]


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, dict[str, str | None]]] = []  # (tag, url, attributes)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"] or "")
        for name in ("href", "src", "action"):
            if attributes.get(name) is not None:
                self.links.append((tag, attributes[name] or "", attributes))


def links_of(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text("utf-8"))
    return parser


def broken_links(folder: Path, canonical_base: str) -> list[str]:
    """Every link of the site in `folder` that does not lead to a file of it, as 'page: link (why)'."""
    folder = folder.resolve()
    parsed = {path: links_of(path) for path in sorted(folder.rglob("*.html"))}
    broken = []
    for page, found in parsed.items():
        shown = page.relative_to(folder)
        for tag, url, attributes in found.links:
            if tag == "link" and attributes.get("rel") == "canonical":
                if not url.startswith(canonical_base):
                    broken.append(f"{shown}: {url} (a canonical address outside {canonical_base})")
                continue
            parts = urllib.parse.urlsplit(url)
            if parts.scheme or parts.netloc:
                broken.append(f"{shown}: {url} (leaves the site)")
                continue
            if url == "" or (tag == "form"):
                broken.append(f"{shown}: {tag} {url!r} (needs a server)")
                continue
            target = (page.parent / urllib.parse.unquote(parts.path)).resolve() if parts.path else page
            if not target.is_relative_to(folder):
                broken.append(f"{shown}: {url} (outside the site's folder)")
            elif not target.is_file():
                broken.append(f"{shown}: {url} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else links_of(target).ids
                if parts.fragment not in ids:
                    broken.append(f"{shown}: {url} (no id {parts.fragment!r} in {target.relative_to(folder)})")
    return broken
