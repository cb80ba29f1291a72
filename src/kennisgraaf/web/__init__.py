"""Query → web: `kennisgraaf serve` — the SPARQL 1.1 Protocol endpoint, the pages for people, the linked-data
IRIs, VoID and dumps, as a Starlette app run by uvicorn.

Owns: `protocol` (requests, content negotiation, result formats), `state` (what a running server holds),
`errors` (every HTTP error answer), `caching` (ETag, Cache-Control, 304), `reload` (switching to a new build
while serving), `sparql` (/sparql), `pages` (everything else, with `templates/` and `static/`; the data of each
page is made by plain functions, which the static site reuses), `ontology` (the pages of the ontology's terms,
with the shapes that use them), `entries` (the web form for new entries, with `allow_entries`) and `app` (the
app, its middleware and `serve`).
May import: the foundation, `kennisgraaf.graph` (to read the shapes), `kennisgraaf.store`, `kennisgraaf.queries`
and (for the form) `kennisgraaf.entry`.
"""
