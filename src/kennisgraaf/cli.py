"""The `kennisgraaf` command: parse options, call one library function, print the result.

Errors meant for users (KennisgraafError) are printed as one paragraph with their exit code; anything else is
a bug and keeps its traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any

import click

from .config import PROJECT_VARIABLE, SETTINGS, Settings
from .errors import KennisgraafError, ValidationFailed

__all__ = ["cli", "main"]


class _Boundary(click.Group):
    """Turns user errors into a clean message and exit code, for every command."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KennisgraafError as error:
            lang = (ctx.obj or {}).get("lang", "en")
            click.echo(_wrap(error.message(lang)), err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted. Nothing was changed: the previous build is intact.", err=True)
            sys.exit(130)


def _wrap(text: str) -> str:
    import textwrap

    return "\n".join(textwrap.fill(p, width=100) for p in text.split("\n"))


_PROJECT = "kennisgraaf.project"


def _remember_project(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.meta[_PROJECT] = value  # meta is shared by a command and the groups it was given to

project_option = click.option(
    "--project", type=click.Path(file_okay=False), default=None, expose_value=False, is_eager=True,
    callback=_remember_project, metavar="DIR",
    help=f"The project folder (default: {PROJECT_VARIABLE}, or found upwards from the current folder).")


def settings_options(command_name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Adds --project and an option for each setting the command `command_name` uses (the settings table says
    which: e.g. --lang, --timeout); the command receives the loaded `settings`. The other settings stay settable
    in the project file and by environment variable."""
    offered = [s for s in SETTINGS if command_name == "config" or command_name in s.options]

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for setting in reversed(offered):
            # A setting with a shorter name (publish_to: --to) has only that, except in `config`, which names
            # every setting as it is called.
            if setting.aliases and command_name != "config":
                names = list(setting.aliases)
            else:
                names = ["--" + setting.name.replace("_", "-")] + (["--lang"] if setting.name == "language" else [])
            command = click.option(*names, setting.name, default=None, help=setting.help + " [setting]",
                                   metavar="URL" if setting.is_url else None,
                                   type=click.Path() if setting.is_path else setting.kind)(command)
        command = project_option(command)

        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            overrides = {s.name: kwargs.pop(s.name) for s in offered}
            ctx = click.get_current_context()
            settings = Settings.load(ctx.meta.get(_PROJECT), overrides)
            ctx.ensure_object(dict)["lang"] = settings.language
            return command(*args, settings=settings, **kwargs)

        return wrapper

    return decorate


@click.group(cls=_Boundary, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kennisgraaf")
@project_option
@click.pass_context
def cli(ctx: click.Context) -> None:
    """kennisgraaf: build, validate, query, serve and publish the knowledge graph of Leiden Kennisstad.

    Start with `kennisgraaf build`, then `kennisgraaf info`.
    """
    ctx.ensure_object(dict)  # shared with subcommands: holds the language of error messages


def main() -> None:
    cli(prog_name="kennisgraaf")


@cli.command()
@settings_options("config")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def config(settings: Settings, fmt: str) -> None:
    """Show the effective settings and where each value came from.

    Example: kennisgraaf config --query-timeout 5
    """
    rows = settings.rows()
    if fmt == "json":
        click.echo(json.dumps({name: {"value": value, "origin": origin} for name, value, origin in rows}, indent=2))
        return
    click.echo(f"project: {settings.project_dir}")
    width = max(len(name) for name, _, _ in rows)
    for name, value, origin in rows:
        click.echo(f"{name.ljust(width)}  {value}  ({origin})")


def _progress() -> Callable[[str], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(message: str) -> None:
        click.echo(f"\r\033[K{message}...", err=True, nl=False)

    return show


@cli.command()
@settings_options("build")
def build(settings: Settings) -> None:
    """Read ontology/, data/ and shapes/, validate, and write the store and its build report.

    Nothing is built when a rule is violated; warnings are shown and do not block. The previous build stays
    intact until the new one is complete.

    Example: kennisgraaf build
    """
    from .store.builds import build as build_graph
    from .validation.validator import SEVERITY_WORDS, format_report

    progress = _progress()
    try:
        report = build_graph(settings, progress=progress)
    except ValidationFailed as failed:
        if progress:
            click.echo("\r\033[K", err=True, nl=False)
        click.echo(format_report(failed.report), err=True)  # type: ignore[arg-type]
        raise
    if progress:
        click.echo("\r\033[K", err=True, nl=False)
    word = SEVERITY_WORDS[settings.language]["Warning"]
    for warning in report.data["warnings"]:
        location = f"{warning['file']}:{warning['line']}" if warning["file"] else "(graph)"
        click.echo(f"{location}: {word}: {warning['message']}", err=True)
    click.echo(report.summary())


def _json_errors(fmt: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """With --format json, a user error is printed as JSON on stdout too (the error, its file and line), so a
    script always gets JSON; the exit code stays the error's."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return command(*args, **kwargs)
            except KennisgraafError as error:
                if kwargs.get(fmt) != "json" or isinstance(error, ValidationFailed):
                    raise
                lang = (click.get_current_context().obj or {}).get("lang", "en")
                click.echo(json.dumps({"conforms": False, "error": {
                    "kind": type(error).__name__, "message": error.message(lang), "file": error.file,
                    "line": error.line, "exit_code": error.exit_code}, "problems": []}, ensure_ascii=False, indent=2))
                raise

        return wrapper

    return decorate


@cli.command()
@settings_options("validate")
@click.argument("files", nargs=-1, type=click.Path())
@click.option("--replaces", type=click.Path(dir_okay=False), default=None, metavar="DATAFILE",
              help="FILE is a changed copy of this data file: validate it in place of that file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True,
              help="turtle gives the standard sh:ValidationReport.")
@click.option("--verbose", is_flag=True, help="Say on stderr whether FILES were checked against the current build "
              "(incrementally) or with the whole graph, and why.")
@_json_errors("fmt")
def validate(settings: Settings, files: tuple[str, ...], replaces: str | None, fmt: str, verbose: bool) -> None:
    """Check the graph, or new or changed FILES in the context of the graph, against the shapes.

    Each problem is printed as file:line: severity: message. Only the problems written in FILES are reported.
    A changed copy of a data file (edited outside data/) is checked in place of the original: give
    --replaces data/x.trig, or it is recognised when it holds exactly the claims of one data file. New FILES
    are checked against the current build when it was built from the project as it is now, reading only what
    the rules look at (about a second for a million triples); else the whole graph is validated again. Exit
    code 0: conforms (warnings allowed); 1: rule violations; 2: a file could not be read. Nothing is built.

    Example: kennisgraaf validate nieuw/convenant.trig --lang en
    """
    from .validation.validator import format_report

    if replaces is not None and not files:
        raise click.UsageError("--replaces goes with the changed copy: kennisgraaf validate FILE --replaces DATAFILE.")
    if files:
        from .entry.changes import validate_entries

        change, report = validate_entries(settings, files, replaces, lang=settings.language)
        for note in change.notes(settings.language):
            click.echo(_wrap(note), err=True)
    else:
        from .validation.validator import validate as validate_graph

        report = validate_graph(settings, lang=settings.language)
    if verbose:
        how = "against the current build (incremental)" if report.method == "incremental" else \
            f"with the whole graph ({report.why_full})" if report.why_full else "with the whole graph"
        click.echo(f"Validated {how} in {report.seconds:.2f} s.", err=True)
    click.echo(format_report(report, fmt))
    sys.exit(report.exit_code)


@cli.command("new")
@settings_options("new")
@click.argument("kind", metavar="TYPE", required=False)
@click.option("--list", "list_types", is_flag=True, help="List the kinds of entry (TYPE) and exit.")
@click.option("--name", default=None, help="The name of the new thing as the source writes it: its label, and "
              "the short name of its IRI.")
@click.option("--source", default=None, metavar="DOCUMENT",
              help="The source document (document:jaarstukken-2023, jaarstukken-2023 or js2023).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="File to write (never overwritten; default: stdout).")
def new(settings: Settings, kind: str | None, list_types: bool, name: str | None, source: str | None,
        output: str | None) -> None:
    """Write a starter entry of kind TYPE: a claim with its source and quote, and a new thing with what the
    shapes require, to fill in.

    Made from the shapes (required properties with what they mean, allowed values, optional ones commented
    out) and the built graph (the existing organisations and such to choose from). Fill in each INVULLEN
    (FILL-IN with --lang en), then `kennisgraaf validate FILE` and `kennisgraaf add FILE`.

    Example: kennisgraaf new membership --source js2023 -o nieuw-lidmaatschap.trig
    """
    from pathlib import Path

    from .entry.model import entry_model
    from .entry.templates import new_entry, type_list, write_new

    model = entry_model(settings)
    if list_types:
        click.echo(type_list(model, settings.language))
        return
    if kind is None:
        raise click.UsageError("Give the kind of entry, e.g. `kennisgraaf new membership`; `kennisgraaf new --list` "
                               "lists them.")
    text = new_entry(settings, kind, name=name, source=source, lang=settings.language, model=model)
    if output is None:
        click.echo(text, nl=False)
        return
    write_new(text, Path(output))
    click.echo(f"Geschreven: {output}. Vul het in en controleer het met `kennisgraaf validate {output}`."
               if settings.language == "nl" else
               f"Wrote {output}. Fill it in and check it with `kennisgraaf validate {output}`.", err=True)


@cli.command("add")
@settings_options("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--replaces", type=click.Path(dir_okay=False), default=None, metavar="DATAFILE",
              help="FILE is a changed copy of this data file: check it in its place, and replace it.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_json_errors("fmt")
def add_command(settings: Settings, files: tuple[str, ...], replaces: str | None, fmt: str) -> None:
    """Check FILES in the context of the graph and, when they conform, put them into data/ and rebuild.

    A new file goes to data/ under its own name (an existing data file is never overwritten); a changed copy
    of a data file (--replaces, or recognised by its claims) replaces it, and the previous version is kept in
    build/backups/. All or nothing: when a rule is broken, or the add fails or is interrupted, data/ and the
    build stay as they were. FILES themselves are left as they are.

    Example: kennisgraaf add nieuw-lidmaatschap.trig
    """
    from .entry.adding import add
    from .validation.validator import format_report

    progress = _progress() if fmt == "text" else None
    try:
        added = add(settings, files, replaces, lang=settings.language, progress=progress)
    except ValidationFailed as failed:
        if progress:
            click.echo("\r\033[K", err=True, nl=False)
        click.echo(format_report(failed.report, fmt))  # type: ignore[arg-type]
        raise
    if progress:
        click.echo("\r\033[K", err=True, nl=False)
    if fmt == "json":
        click.echo(json.dumps({"conforms": True, "added": [{"file": str(e), "as": str(t), "backup": (
            str(added.backups[t]) if t in added.backups else None)} for e, t in added.placed],
            "unchanged": [{"file": str(e), "as": str(t)} for e, t in added.unchanged],
            "warnings": len(added.report.warnings),
            "build": added.build.data["counts"] if added.build else None}, indent=2, ensure_ascii=False))
        return
    if added.report.warnings:
        click.echo(format_report(added.report))
    for line in added.summary(settings.language):
        click.echo(_wrap(line))
    if added.build is not None:
        click.echo(added.build.summary())


@cli.command()
@settings_options("export")
@click.option("--format", "fmt", type=click.Choice(["turtle", "trig", "ntriples", "nquads", "jsonld", "rdfxml"]),
              default="trig", show_default=True)
@click.option("--graph", default=None, help="Export only this named graph (an IRI, or 'default').")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="File to write (default: stdout).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
def export(settings: Settings, fmt: str, graph: str | None, output: str | None, force: bool) -> None:
    """Export the built graph in a standard RDF format, sorted so two exports of the same graph are identical.

    Turtle, N-Triples and RDF/XML hold every fact once (the default graph); TriG, N-Quads and JSON-LD also
    keep the named graphs (the claims with their sources).

    Example: kennisgraaf export --format turtle -o leiden.ttl
    """
    from .store.export import export as export_graph

    data = export_graph(settings, fmt, graph, output, force)
    if data is not None:
        sys.stdout.buffer.write(data)
    else:
        click.echo(f"Wrote {output}", err=True)


@cli.command()
@settings_options("info")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def info(settings: Settings, fmt: str) -> None:
    """Show the size of the built graph: triples, graphs, claims and entities per class.

    Example: kennisgraaf info
    """
    from .namespaces import short_name
    from .store.builds import read_report

    report = read_report(settings)
    if fmt == "json":
        click.echo(json.dumps(report["counts"], indent=2, ensure_ascii=False))
        return
    counts = report["counts"]
    click.echo(f"built:        {report['built_at']}")
    click.echo(f"triples:      {counts['triples']}")
    click.echo(f"quads:        {counts['quads']}")
    click.echo(f"named graphs: {counts['named_graphs']} ({counts['claims']} claims)")
    click.echo("quads per kind of graph:")
    for kind, n in counts["quads_per_graph_kind"].items():
        click.echo(f"  {n:>7}  {kind}")
    click.echo("entities per class:")
    for cls, n in sorted(counts["entities_per_class"].items(), key=lambda item: (-item[1], item[0])):
        click.echo(f"  {n:>7}  {short_name(cls, settings.base_iri)}")


@cli.group()
@project_option
def sources() -> None:
    """The source documents the graph is built from."""


@sources.command()
@settings_options("coverage")
@click.option("--check", is_flag=True, help="Exit with code 1 unless every fact-stating sentence is covered and "
              "every quote is found in its document.")
def coverage(settings: Settings, check: bool) -> None:
    """Per document, the sentences no quote covers, and the share of fact-stating sentences covered.

    Sentences that state no fact are listed, with a reason, in data/sources/niet-feitelijk.tsv.

    Example: kennisgraaf sources coverage --check
    """
    from .graph.documents import format_coverage, misquote_lines, project_coverage

    result = project_coverage(settings)
    click.echo(format_coverage(result.results, unknown=result.unknown, malformed=result.malformed), nl=False)
    for line in misquote_lines(result.misquoted, settings):
        click.echo(line)
    if check and not result.complete:
        sys.exit(1)


# ------------------------------------------------------------------------------------------------ queries
# `queries` lists the canned queries, `query NAME` runs one (a command per .rq file, so that `query NAME
# --help` shows its own parameters), `sparql` runs an ad-hoc query. The query machinery is imported inside
# the commands: `kennisgraaf query NAME` must start fast.

_OUTPUT_FORMATS = ("table", "csv", "tsv", "json", "xml", "turtle", "ntriples", "jsonld", "rdfxml")
_METAVARS = {"organisation": "NAME|IRI", "entity": "NAME|IRI", "year": "YEAR", "date": "YYYY-MM-DD",
             "integer": "N", "literal": "TEXT"}


def _timeout_alias(command: Callable[..., Any]) -> Callable[..., Any]:
    """Lets --timeout stand for the --query-timeout setting option of this command."""
    for param in getattr(command, "__click_params__", []):
        if param.name == "query_timeout":
            param.opts.append("--timeout")
            param.help = "Seconds the query may run before it is stopped (the setting query_timeout). [setting]"
    return command


def _output_options(formats: tuple[str, ...]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option("--show-query", is_flag=True,
                               help="Print the query as it would run (parameters bound) instead of running it.")(command)
        command = click.option("--endpoint", metavar="URL", default=None,
                               help="Run on this SPARQL 1.1 endpoint instead of the built graph. It should query "
                                    "a kennisgraaf dump (TriG or N-Quads) as it is: the facts once in its default "
                                    "graph, the claims as named graphs.")(command)
        command = click.option("--format", "fmt", type=click.Choice(list(formats)), default="table",
                               show_default=True,
                               help=_format_help(formats))(command)
        return command

    return decorate


def _format_help(formats: tuple[str, ...]) -> str:
    parts = ["table for people"]
    if "csv" in formats:
        parts.append("csv, tsv, json, xml (W3C results)" + (" for SELECT and ASK" if "turtle" in formats else ""))
    if "turtle" in formats:
        parts.append("turtle, ntriples, jsonld, rdfxml" + (" for CONSTRUCT and DESCRIBE" if "csv" in formats else ""))
    return "; ".join(parts) + "."


def _print_result(result: Any, fmt: str, target: Any) -> None:
    from .namespaces import short_name
    from .queries.running import labels

    lang = target.language
    if fmt != "table":
        sys.stdout.buffer.write(result.serialize(fmt))
        sys.stdout.buffer.flush()
    elif result.kind == "ask":
        click.echo(("ja" if result.boolean else "nee") if lang == "nl" else ("yes" if result.boolean else "no"))
    elif result.kind == "graph":
        sys.stdout.buffer.write(result.serialize("turtle"))
        sys.stdout.buffer.flush()
    else:
        import os
        import shutil

        import pyoxigraph as ox

        from .queries.table import render

        iris = [term.value for row in result.rows for term in row if isinstance(term, ox.NamedNode)]
        names = labels(iris, target) if iris else {}
        width = shutil.get_terminal_size().columns if "COLUMNS" in os.environ or sys.stdout.isatty() else None
        click.echo(render(result.variables, result.rows, names, width,
                          short=lambda iri: short_name(iri, target.base_iri)))
        count = len(result.rows)
        word = ("rij" if count == 1 else "rijen") if lang == "nl" else ("row" if count == 1 else "rows")
        click.echo(f"({count} {word})", err=True)
    if result.truncated:
        n = len(result)
        click.echo(f"Afgekapt na {n} resultaten (de instelling result_limit); er zijn er meer." if lang == "nl" else
                   f"Cut off after {n} results (the setting result_limit); there are more.", err=True)


@cli.command("queries")
@settings_options("queries")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_canned_queries(settings: Settings, fmt: str) -> None:
    """List the canned queries with their summaries and parameters.

    Example: kennisgraaf queries
    """
    from .queries.catalogue import catalogue

    found = catalogue(settings.path("queries_dir"))
    if fmt == "json":
        click.echo(json.dumps([q.to_dict() for q in found.values()], indent=2, ensure_ascii=False))
        return
    width = max((len(name) for name in found), default=0)
    for name, canned in found.items():
        click.echo(f"{name.ljust(width)}  {canned.summary}")
        for param in canned.params:
            default = f" [default: {param.default}]" if param.default is not None else ""
            required = " (required)" if param.required else ""
            click.echo(f"{' ' * width}    {param.option} {_METAVARS[param.type]}{required}{default}")
    click.echo(f"\n{len(found)} canned queries in {settings.path('queries_dir')}. "
               f"`kennisgraaf query NAME --help` shows one.")


def _canned_command(canned: Any) -> click.Command:
    """A command for one canned query: its parameters as options, plus the output and settings options."""
    from .queries.catalogue import PARAMETER_TYPES

    def callback(settings: Settings, fmt: str, endpoint: str | None, show_query: bool, **values: Any) -> None:
        from .queries.running import Target, prepare, run_canned

        target = Target.of(settings, endpoint=endpoint)
        given = {name: value for name, value in values.items() if value is not None}
        if show_query:
            text = prepare(canned, given, target)
            click.echo(text, nl=not text.endswith("\n"))
            return
        _print_result(run_canned(canned, given, target), fmt, target)

    command = _timeout_alias(settings_options("query")(callback))
    command = _output_options(("table",) + _allowed_formats(canned.form))(command)
    for param in reversed(canned.params):
        help_text = param.description or PARAMETER_TYPES[param.type]
        if param.default is not None:
            help_text += f" [default: {param.default}]"
        command = click.option(
            param.option, param.name, metavar=_METAVARS[param.type], required=param.required,
            type=click.Choice(list(param.allowed)) if param.allowed else str, help=help_text,
        )(command)
    parts = [canned.summary + ("" if canned.summary.endswith(".") else ".")]
    if canned.description:
        parts.append(canned.description)
    if canned.returns:
        parts.append(f"Answer: {canned.returns}")
    if canned.example:
        parts.append(f"Example: {canned.example}")
    return click.command(canned.name, help="\n\n".join(parts), short_help=canned.summary)(command)


def _allowed_formats(form: str) -> tuple[str, ...]:
    if form in ("CONSTRUCT", "DESCRIBE"):
        return ("turtle", "ntriples", "jsonld", "rdfxml")
    return ("csv", "tsv", "json", "xml")


class _CannedQueries(click.Group):
    """`kennisgraaf query NAME`: one command per canned query, read from the queries folder when asked for."""

    def _folder(self, ctx: click.Context, needed: bool = True) -> Any:
        try:
            return Settings.load(ctx.meta.get(_PROJECT)).path("queries_dir")
        except KennisgraafError:
            if needed:
                raise  # says, in one sentence, that there is no project and what to do
            return None

    def list_commands(self, ctx: click.Context) -> list[str]:
        from .queries.catalogue import query_names

        folder = self._folder(ctx, needed=False)  # `query --help` outside a project still shows the help
        return query_names(folder) if folder is not None else []

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from .queries.catalogue import load_query

        path = self._folder(ctx) / f"{cmd_name}.rq"
        if not path.is_file():
            return None
        return _canned_command(load_query(path))

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        # --project may also come after the query's name: look ahead for it, it says where the queries are.
        for i, arg in enumerate(args[1:], 1):
            if arg == "--project" and i + 1 < len(args):
                ctx.meta[_PROJECT] = args[i + 1]
            elif arg.startswith("--project="):
                ctx.meta[_PROJECT] = arg.split("=", 1)[1]
        name = args[0] if args else ""
        if args and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=3, cutoff=0.5)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise click.UsageError(f"There is no canned query {name!r}.{hint} `kennisgraaf queries` lists them.",
                                   ctx)
        return super().resolve_command(ctx, args)


@cli.group("query", cls=_CannedQueries)
@project_option
def query_group() -> None:
    """Run a canned query from queries/: kennisgraaf query NAME [--PARAM VALUE ...].

    `kennisgraaf queries` lists them with their parameters; `kennisgraaf query NAME --help` shows one.
    Organisations can be given by IRI, name or abbreviation (--organisation LUMC).

    Example: kennisgraaf query partners --year 2023
    """


@cli.command("sparql")
@click.argument("text", required=False)
@click.option("-f", "--file", "path", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Read the query from this file ('-' for standard input).")
@_output_options(_OUTPUT_FORMATS)
@_timeout_alias
@settings_options("sparql")
def sparql_command(settings: Settings, text: str | None, path: str | None, fmt: str, endpoint: str | None,
                   show_query: bool) -> None:
    """Run an ad-hoc SPARQL query, given as TEXT or with -f FILE, on the built graph or an endpoint.

    The default graph holds every fact once; GRAPH ?claim { ... } gives each fact with its claim and source.

    Example: kennisgraaf sparql 'SELECT ?org ?name WHERE { ?org a org:Organization ; rdfs:label ?name }'
    """
    from .errors import QueryError
    from .namespaces import prefixes
    from .queries.running import GRAPH_FORMATS, RESULT_FORMATS, Target
    from .queries.terms import term_warnings
    from .sparqltext import check

    if (text is None) == (path is None):
        raise click.UsageError("Give the query as TEXT or with -f FILE (one of the two).")
    if path is not None:
        try:
            text = click.open_file(path, encoding="utf-8").read()
        except (OSError, UnicodeDecodeError) as error:
            raise QueryError(f"{path}: cannot be read ({error}).", f"{path}: kan niet worden gelezen ({error}).") \
                from None
    assert text is not None
    text = _with_prefixes(text, settings.base_iri)
    if show_query:
        click.echo(text)
        return
    target = Target.of(settings, endpoint=endpoint)
    form = check(text, target.max_length, known_prefixes=prefixes(target.base_iri)).form or ""
    wanted = GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else RESULT_FORMATS
    if fmt != "table" and fmt not in wanted:
        raise QueryError(f"A {form} query cannot be written as {fmt}: use --format table|{'|'.join(wanted)}.",
                         f"Een {form}-query kan niet als {fmt} worden geschreven: gebruik --format "
                         f"table|{'|'.join(wanted)}.")
    word = "waarschuwing" if target.language == "nl" else "warning"
    for warning in term_warnings(text, target):
        click.echo(f"{word}: {warning.message(target.language)}", err=True)
    _print_result(target.execute(text), fmt, target)


@cli.command("prefixes")
@settings_options("prefixes")
@click.option("--format", "fmt", type=click.Choice(["text", "sparql", "turtle", "json"]), default="text",
              show_default=True, help="sparql and turtle give declarations to paste into a query or a data file.")
def list_prefixes(settings: Settings, fmt: str) -> None:
    """The prefixes `kennisgraaf sparql` adds to a query that uses them without declaring them.

    The same prefixes are pre-declared on the query page and used in exports; a query sent to /sparql or to
    another endpoint must declare the ones it uses.

    Example: kennisgraaf prefixes --format sparql
    """
    from .namespaces import prefixes

    table = prefixes(settings.base_iri)
    if fmt == "json":
        click.echo(json.dumps(table, indent=2))
        return
    width = max(len(name) for name in table) + 1
    for name, namespace in table.items():
        if fmt == "sparql":
            click.echo(f"PREFIX {name}: <{namespace}>")
        elif fmt == "turtle":
            click.echo(f"@prefix {name}: <{namespace}> .")
        else:
            click.echo(f"{(name + ':').ljust(width)}  {namespace}")


def _with_prefixes(text: str, base_iri: str) -> str:
    """The query with PREFIX lines for the project's prefixes it uses but does not declare, so ad-hoc queries
    can say org:, rdfs:, organisatie: and the like."""
    from .namespaces import prefixes
    from .sparqltext import undeclared_prefixes

    table = prefixes(base_iri)
    missing = sorted(name for name in undeclared_prefixes(text) if name in table)
    return "".join(f"PREFIX {name}: <{table[name]}>\n" for name in missing) + text


# ------------------------------------------------------------------------------------------------ releases


@cli.command("release")
@settings_options("release")
@click.argument("version", required=False)
def release_command(settings: Settings, version: str | None) -> None:
    """Write the current build as release VERSION, a folder to publish as it is.

    It holds the dumps in six formats with their SHA-256 checksums (SHA256SUMS), the VoID description, a
    DCAT-AP-NL 3.0 record validated against Geonovum's shapes (warnings are printed and kept) and the diff with
    the previous release. VERSION defaults to the build's date and content hash; an existing version is never
    overwritten, and a failed release leaves nothing behind. Where it goes and who publishes it are settings
    (releases_dir, release_base_url, publisher, ...: see `kennisgraaf config`).

    Example: kennisgraaf release 1.0.0
    """
    from .publish.release import release
    from .validation.validator import SEVERITY_WORDS

    progress = _progress()
    try:
        result = release(settings, version, progress=progress)
    finally:
        if progress:
            click.echo("\r\033[K", err=True, nl=False)
    word = SEVERITY_WORDS[settings.language]["Warning"]
    for finding in result.validation.warnings:
        click.echo(f"DCAT-AP-NL: {word}: {finding.line()}", err=True)
    click.echo(result.summary(settings.language))


@cli.command("diff")
@settings_options("diff")
@click.argument("old")
@click.argument("new", default="current")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text (Markdown) for people; json for scripts.")
def diff_command(settings: Settings, old: str, new: str, fmt: str) -> None:
    """What changed from OLD to NEW: claims, memberships, amounts and dates.

    OLD and NEW are release folders, versions in the releases folder, or `current` (the current build; the
    default for NEW). Lists the claims added, removed and changed with their documents and quotes, who joined
    or left what (memberships with role and years), and amounts, dates and years with another value.

    Example: kennisgraaf diff releases/1.0.0 current --lang en
    """
    from .publish.diff import diff

    result = diff(settings, old, new)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(result.render(settings.language), nl=False)


# ------------------------------------------------------------------------------------------------ network


@cli.command()
@settings_options("network")
@click.option("--year", type=int, default=None, metavar="YEAR",
              help="The network as of this year: the memberships, agreements and initiatives that held then.")
@click.option("--organisation", default=None, metavar="NAME|IRI",
              help="Only this organisation and its neighbours, by IRI, name or abbreviation (e.g. LUMC).")
@click.option("--format", "fmt", type=click.Choice(["svg", "png", "graphml", "gexf", "json"]), default="svg",
              show_default=True, help="A picture (svg, png), a file for Gephi (graphml, gexf) or node-link json.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="File to write (default: stdout).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
def network(settings: Settings, year: int | None, organisation: str | None, fmt: str, output: str | None,
            force: bool) -> None:
    """The network of organisations that share collaborations, agreements, initiatives and events.

    Coloured by type of organisation, a line's width is how many things two share; the partners of Leiden
    Kennisstad stand out. GraphML and GEXF open in Gephi with types, colours and weights as attributes.

    Example: kennisgraaf network --year 2023 --format png -o netwerk-2023.png
    """
    from .network.building import build_network
    from .network.files import render, write

    graph = build_network(settings, year, organisation)
    if output is not None:
        write(graph, fmt, output, force, settings.language)
        click.echo(f"Wrote {output}: {graph.number_of_nodes()} organisations, {graph.number_of_edges()} links",
                   err=True)
        return
    if fmt == "png" and sys.stdout.isatty():
        raise click.UsageError("A PNG is no text for a terminal: give -o FILE (or redirect the output).")
    sys.stdout.buffer.write(render(graph, fmt, settings.language))
    sys.stdout.buffer.flush()


# ------------------------------------------------------------------------------------------------ serve


@cli.command()
@settings_options("serve")
def serve(settings: Settings) -> None:
    """Serve the built graph: a SPARQL 1.1 endpoint at /sparql, pages to browse and query it, and its IRIs.

    Read-only, fetches nothing from elsewhere (SERVICE is refused), and every query runs in a worker process
    that is stopped after --query-timeout seconds. Ctrl-C stops the server. With --sparql-endpoint URL the
    graph is served from that store (one it was published to) instead of the build, with the same rules.

    Example: kennisgraaf serve --port 8000
    """
    from .store.builds import current_release
    from .web.app import serve as run_server
    from .web.state import check_endpoint

    remote = str(settings.get("sparql_endpoint"))
    if remote:
        check_endpoint(settings)  # a clear message when the store cannot be asked
    else:
        current_release(settings)  # a clear message when nothing is built yet

    def announce(url: str) -> None:
        source = f" from {remote}" if remote else ""
        click.echo(f"Serving the graph{source} at {url} (SPARQL endpoint: {url}sparql). Open {url} in a browser; "
                   f"Ctrl-C stops.", err=True)

    run_server(settings, announce)


# ------------------------------------------------------------------------------------------------ publish


class _PublishProgress:
    """A progress bar on standard error, one per stage of a publish (compare, write, delete), when that is a
    terminal."""

    WORDS = {"en": {"compare": "comparing", "write": "writing", "delete": "deleting"},
             "nl": {"compare": "vergelijken", "write": "schrijven", "delete": "verwijderen"}}

    def __init__(self, lang: str) -> None:
        self.words = self.WORDS.get(lang, self.WORDS["en"])
        self.bar: Any = None
        self.stage = ""
        self.done = 0

    def __call__(self, step: Any) -> None:
        if step.stage == "verify":
            self.close()
            return
        if step.stage != self.stage:
            self.close()
            self.stage, self.done = step.stage, 0
            self.bar = click.progressbar(length=step.total, label=self.words.get(step.stage, step.stage).ljust(11),
                                         file=sys.stderr, show_pos=True, width=30)
            self.bar.__enter__()
        self.bar.update(step.done - self.done)
        self.done = step.done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@cli.command()
@settings_options("publish")
@click.option("--release", "release", type=click.Path(file_okay=False), default=None, metavar="PATH",
              help="Publish this folder instead of the current build: a build's folder (with store/) or a release "
                   "(its .nq or .trig dump, checked against SHA256SUMS).")
@click.option("--dry-run", is_flag=True, help="Compare and print what would change; write nothing.")
@click.option("--credentials-file", type=click.Path(dir_okay=False), default=None, metavar="PATH",
              help="A file holding user:password for the store (else KENNISGRAAF_PUBLISH_CREDENTIALS_FILE or "
                   "KENNISGRAAF_PUBLISH_CREDENTIALS; never on the command line).")
def publish(settings: Settings, release: str | None, dry_run: bool, credentials_file: str | None) -> None:
    """Publish the built graph to a triple store, graph by graph, over the SPARQL 1.1 Graph Store Protocol
    (SPARQL Update where the store has none).

    Only graphs that differ are written, so a second publish changes nothing; graphs of others on the store
    are never touched; the triples of every graph are counted on the store afterwards. An interrupted publish
    is completed by running it again. Where the store's default graph is the union of all its graphs
    (Virtuoso), only the named graphs are published, and the default graph's triples that none of them holds
    as one more, so that the union holds every fact. Credentials come from the environment or a file.

    Example: kennisgraaf publish --to http://127.0.0.1:7878/query --graph-store http://127.0.0.1:7878/store
    """
    from .publish.upload import publish_project

    lang = settings.language
    progress = _PublishProgress(lang) if sys.stderr.isatty() else None
    try:
        result = publish_project(settings, release=release, dry_run=dry_run, credentials_file=credentials_file,
                                 progress=progress)
    finally:
        if progress is not None:
            progress.close()
    for warning in result.warnings:
        click.echo(_wrap(("waarschuwing: " if lang == "nl" else "warning: ") + warning), err=True)
    if dry_run:
        for word, graphs in (("add", result.added), ("change", result.changed), ("remove", result.removed)):
            for graph in graphs:
                click.echo(f"would {word}: {graph or '(the default graph)'}")
    click.echo(result.summary())


# ------------------------------------------------------------------------------------------------ site


@cli.command()
@settings_options("site")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), metavar="FOLDER",
              help="The folder to write the site to: a new or empty one.")
@click.option("--force", is_flag=True, help="Replace a site written to FOLDER before.")
def site(settings: Settings, output: str, force: bool) -> None:
    """Write the built graph as a static site: a page per thing, per ontology term and per canned query (with
    its results), the home page and the dumps, linked relatively, for file:// or any static web host.

    The pages are those of `kennisgraaf serve`, without the query page (it needs the live /sparql). The site
    is written to a temporary folder and renamed into place; a folder that is not empty is replaced only with
    --force, and only when it holds a site written before.

    Example: kennisgraaf site -o site   (then open site/index.html in a browser)
    """
    from .publish.site import build_site

    progress = _progress()
    try:
        result = build_site(settings, output, force=force, progress=progress)
    finally:
        if progress:
            click.echo("\r\033[K", err=True, nl=False)
    click.echo(result.summary(), err=True)
