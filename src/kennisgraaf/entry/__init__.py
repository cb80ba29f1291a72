"""Store and queries → entry: a policy officer entering data — starter entries made from the shapes (`new`),
and new or changed files checked in the context of the graph and put into data/ (`add`).

Owns: `model` (what an entry of each kind needs, read from the shapes, the ontology and the graph), `templates`
(a starter entry, with placeholders, as TriG), `changes` (which data file a changed copy takes the place of,
and validating entries as a change of the graph, with checks of their own: placeholders left, unknown
properties), `adding` (putting checked entries into data/ atomically and rebuilding), `forms` (the web form's
shape per kind, and the entry a filled-in form makes) and `inbox` (checked entries of the web form saved in
entries_dir, never over a file, for `add`).
May import: the foundation, `kennisgraaf.graph`, `kennisgraaf.validation`, `kennisgraaf.store` (the built
graph, to know the existing entities, and `build`) and `kennisgraaf.queries`.
"""
