"""Graph → validation: checking the loaded graph (or new entries in its context) against the SHACL shapes, with
messages a policy officer understands, and the report in text, JSON or as an `sh:ValidationReport`.

Owns: `validator` (running pyshacl, the problems and their words), `shacl_sparql` (the shapes' SPARQL targets
and constraints, evaluated by Oxigraph), `reach` (how far the shapes look from a focus node) and `incremental`
(validating entries on the neighbourhood of their nodes in a built store, with the same results).
May import: the foundation (including `kennisgraaf.sparqltext`) and `kennisgraaf.graph`.
"""
