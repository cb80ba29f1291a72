"""Store → publish: putting the built graph elsewhere — into any triple store that speaks the SPARQL 1.1 Graph
Store Protocol (or SPARQL Update), graph by graph, idempotently; or onto any static web host, as a site.

Owns: `graph_store` (comparing, uploading and verifying graphs; the manifest of what was published) and `site`
(the static site: the pages of `kennisgraaf serve` as files with relative links, the dumps).
May import: the foundation, `kennisgraaf.store`, `kennisgraaf.queries` and `kennisgraaf.web`.
"""
