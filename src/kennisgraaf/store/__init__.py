"""Validation → store: the built store — building it atomically from a graph that conforms, opening the current
build, its build report — and exporting it as sorted dumps.

Owns: `builds` (build, current build, report), `vocabulary` (the classes and properties a build uses) and
`export` (sorted, byte-identical dumps in six formats).
May import: the foundation, `kennisgraaf.graph` and `kennisgraaf.validation` (to build).
"""
