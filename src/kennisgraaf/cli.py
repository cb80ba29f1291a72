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
            names = ["--" + setting.name.replace("_", "-")] + (["--lang"] if setting.name == "language" else [])
            command = click.option(*names, setting.name, default=None, help=setting.help + " [setting]",
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


@cli.command()
@settings_options("validate")
@click.argument("files", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True,
              help="turtle gives the standard sh:ValidationReport.")
def validate(settings: Settings, files: tuple[str, ...], fmt: str) -> None:
    """Check the graph, or new or changed FILES in the context of the graph, against the shapes.

    Each problem is printed as file:line: severity: message. Exit code 0: conforms (warnings allowed);
    1: rule violations; 2: a file could not be read. Nothing is built.

    Example: kennisgraaf validate nieuw/convenant.trig --lang en
    """
    from .validation.validator import format_report
    from .validation.validator import validate as validate_graph

    report = validate_graph(settings, files, lang=settings.language)
    click.echo(format_report(report, fmt))
    sys.exit(report.exit_code)


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


# ------------------------------------------------------------------------------------------------ serve


@cli.command()
@settings_options("serve")
def serve(settings: Settings) -> None:
    """Serve the built graph: a SPARQL 1.1 endpoint at /sparql, pages to browse and query it, and its IRIs.

    Read-only, fetches nothing from elsewhere (SERVICE is refused), and every query runs in a worker process
    that is stopped after --query-timeout seconds. Ctrl-C stops the server.

    Example: kennisgraaf serve --port 8000
    """
    from .store.builds import current_release
    from .web.app import serve as run_server

    current_release(settings)  # a clear message when nothing is built yet

    def announce(url: str) -> None:
        click.echo(f"Serving the graph at {url} (SPARQL endpoint: {url}sparql). Open {url} in a browser; "
                   f"Ctrl-C stops.", err=True)

    run_server(settings, announce)


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
