"""Store → publish: putting the built graph elsewhere — into any triple store that speaks the SPARQL 1.1 Graph
Store Protocol (or SPARQL Update), graph by graph, idempotently — as versioned releases to publish as files, and
onto any static web host, as a site.

Owns: `graph_store` (comparing, uploading and verifying graphs; the manifest of what was published), `release`
(versioned, checksummed release folders, written atomically), `layout` (the names of a release's files), `dcat`
(the DCAT-AP-NL 3.0 record of a release and its validation against Geonovum's shapes, vendored unchanged in
`dcat-ap-nl-3.0/`), `diff` (what changed between two releases, or a release and the current build) and `site`
(the static site: the pages of `kennisgraaf serve` as files with relative links, the dumps).
May import: the foundation, `kennisgraaf.store`, `kennisgraaf.queries` and `kennisgraaf.web`.
"""
