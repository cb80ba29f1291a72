"""Errors written for the people who use kennisgraaf.

A `KennisgraafError` carries a message a user can act on (what is wrong, where, what to do) and the exit
code the command line returns. Anything else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "InputError",
    "KennisgraafError",
    "NotBuiltError",
    "OutputError",
    "ParameterError",
    "QueryError",
    "QueryTimeout",
    "ValidationFailed",
]


class KennisgraafError(Exception):
    """An error a user can fix. `message(lang)` gives it in Dutch ("nl") or English ("en"); `file` and `line`
    say where, when the error is about a place in a file (for scripts: `validate --format json`)."""

    exit_code = 1

    def __init__(self, en: str, nl: str | None = None, *, file: str | None = None, line: int | None = None) -> None:
        super().__init__(en)
        self.en = en
        self.nl = nl or en
        self.file = file
        self.line = line

    def message(self, lang: str = "en") -> str:
        return self.nl if lang == "nl" else self.en


class InputError(KennisgraafError):
    """An input file could not be read: syntax error, bad encoding, invalid literal, unknown format."""

    exit_code = 2


class ConfigError(KennisgraafError):
    """A setting has an invalid value or a configuration file cannot be read."""

    exit_code = 2


class ValidationFailed(KennisgraafError):
    """The graph violates its shapes, so nothing was built. `report` holds the problems."""

    exit_code = 1

    def __init__(self, en: str, nl: str | None = None, report: object = None) -> None:
        super().__init__(en, nl)
        self.report = report


class NotBuiltError(KennisgraafError):
    """A command needs the built store, and there is none yet."""

    exit_code = 2


class OutputError(KennisgraafError):
    """An output would overwrite something the user wrote, or cannot be written."""

    exit_code = 2


class QueryError(KennisgraafError):
    """A SPARQL query cannot be run: a syntax error, a query too long or too deeply nested, an unreachable
    endpoint, or the wrong output format for the kind of query."""

    exit_code = 2


class ParameterError(QueryError):
    """A parameter of a canned query is missing, has a value of the wrong kind, or names nothing in the graph."""

    exit_code = 2


class QueryTimeout(QueryError):
    """A query ran longer than its time limit and was stopped."""

    exit_code = 3
