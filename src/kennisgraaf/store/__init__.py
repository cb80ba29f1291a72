"""Validation → store: the built store — building it atomically from a graph that conforms, opening the current
build, its build report — exporting it as sorted dumps, and describing it (VoID).

Owns: `builds` (build, current build, report), `vocabulary` (the classes and properties a build uses), `export`
(sorted, byte-identical dumps in six formats), `void` (the VoID description, for the server and for releases)
and `entries` (the current build as incremental validation needs it, when it is the project as it is).
May import: the foundation, `kennisgraaf.graph` and `kennisgraaf.validation` (to build).
"""
