"""Sources → graph: finding and reading the project's files (ontology, data, shapes), the source documents and
their quotes, and loading it all into one Oxigraph store, the `LoadedGraph` every later step starts from.

Owns: `files` (which files, in which RDF format, read safely; file-and-line lookups), `documents` (the texts of
the source documents, quotes, coverage) and `loading` (the loaded graph and its counts).
May import: the foundation (`kennisgraaf.config`, `errors`, `namespaces`) only — nothing later in the flow.
"""
