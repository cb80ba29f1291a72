"""Validation → store: the built store — building it atomically from a graph that conforms, opening the current
build, its build report — and exporting it as sorted dumps.

Owns: `builds` (build, current build, report), `export` (sorted, byte-identical dumps in six formats) and
`entries` (validating entries against the current build when it is the project as it is, else in full).
May import: the foundation, `kennisgraaf.graph` and `kennisgraaf.validation` (to build).
"""
