"""Graph → validation: checking the loaded graph (or new entries in its context) against the SHACL shapes, with
messages a policy officer understands, and the report in text, JSON or as an `sh:ValidationReport`.

Owns: `validator` (running pyshacl, the problems and their words) and `shacl_sparql` (the shapes' SPARQL targets
and constraints, evaluated by Oxigraph).
May import: the foundation (including `kennisgraaf.sparqltext`) and `kennisgraaf.graph`.
"""
