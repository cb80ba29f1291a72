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

from .config import SETTINGS, Settings
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


def settings_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Adds --project and one option per setting (e.g. --data-dir, --base-iri) to a command."""
    for setting in reversed(SETTINGS):
        option_name = "--" + setting.name.replace("_", "-")
        command = click.option(option_name, setting.name, default=None, help=setting.help + " [setting]",
                               type=click.Path() if setting.is_path else setting.kind)(command)
    command = click.option("--project", type=click.Path(file_okay=False), default=None,
                           help="Project folder (default: found upwards from the current folder).")(command)

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        overrides = {s.name: kwargs.pop(s.name) for s in SETTINGS}
        settings = Settings.load(kwargs.pop("project"), overrides)
        click.get_current_context().ensure_object(dict)["lang"] = settings.language
        return command(*args, settings=settings, **kwargs)

    return wrapper


@click.group(cls=_Boundary, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kennisgraaf")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """kennisgraaf: build, validate, query, serve and publish the knowledge graph of Leiden Kennisstad.

    Start with `kennisgraaf build`, then `kennisgraaf info`.
    """
    ctx.ensure_object(dict)  # shared with subcommands: holds the language of error messages


def main() -> None:
    cli(prog_name="kennisgraaf")


@cli.command()
@settings_options
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
@settings_options
def build(settings: Settings) -> None:
    """Read ontology/, data/ and shapes/, validate, and write the store and its build report.

    Nothing is built when a rule is violated; warnings are shown and do not block. The previous build stays
    intact until the new one is complete.

    Example: kennisgraaf build
    """
    from .store import build as build_graph
    from .validation import SEVERITY_WORDS, format_report

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
@settings_options
@click.argument("files", nargs=-1, type=click.Path())
@click.option("--lang", type=click.Choice(["nl", "en"]), default=None, help="Language of the messages [default: nl].")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True,
              help="turtle gives the standard sh:ValidationReport.")
def validate(settings: Settings, files: tuple[str, ...], lang: str | None, fmt: str) -> None:
    """Check the graph, or new or changed FILES in the context of the graph, against the shapes.

    Each problem is printed as file:line: severity: message. Exit code 0: conforms (warnings allowed);
    1: rule violations; 2: a file could not be read. Nothing is built.

    Example: kennisgraaf validate nieuw/convenant.trig --lang en
    """
    from .validation import format_report
    from .validation import validate as validate_graph

    if lang:
        click.get_current_context().obj["lang"] = lang
    report = validate_graph(settings, files, lang=lang or settings.language)
    click.echo(format_report(report, fmt))
    sys.exit(report.exit_code)


@cli.command()
@settings_options
@click.option("--format", "fmt", type=click.Choice(["turtle", "trig", "ntriples", "nquads", "jsonld", "rdfxml"]),
              default="trig", show_default=True)
@click.option("--graph", default=None, help="Export only this named graph (an IRI, or 'default').")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="File to write (default: stdout).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
def export(settings: Settings, fmt: str, graph: str | None, output: str | None, force: bool) -> None:
    """Export the built graph in a standard RDF format, sorted so two exports of the same graph are identical.

    Turtle, N-Triples and RDF/XML hold the union of all graphs; TriG, N-Quads and JSON-LD keep the named
    graphs (the claims with their sources).

    Example: kennisgraaf export --format turtle -o leiden.ttl
    """
    from .export import export as export_graph

    data = export_graph(settings, fmt, graph, output, force)
    if data is not None:
        sys.stdout.buffer.write(data)
    else:
        click.echo(f"Wrote {output}", err=True)


@cli.command()
@settings_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def info(settings: Settings, fmt: str) -> None:
    """Show the size of the built graph: triples, graphs, claims and entities per class.

    Example: kennisgraaf info
    """
    from .store import read_report

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
        click.echo(f"  {n:>7}  {_short(cls, settings.base_iri)}")


def _short(iri: str, base_iri: str) -> str:
    from .namespaces import prefixes

    for name, namespace in sorted(prefixes(base_iri).items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace):
            return f"{name}:{iri[len(namespace):]}"
    return iri


@cli.group()
def sources() -> None:
    """The source documents the graph is built from."""


@sources.command()
@settings_options
@click.option("--check", is_flag=True, help="Exit with code 1 unless every fact-stating sentence is covered and "
              "every quote is found in its document.")
def coverage(settings: Settings, check: bool) -> None:
    """Per document, the sentences no quote covers, and the share of fact-stating sentences covered.

    Sentences that state no fact are listed, with a reason, in data/sources/niet-feitelijk.tsv.

    Example: kennisgraaf sources coverage --check
    """
    from .documents import format_coverage, project_coverage

    result = project_coverage(settings)
    click.echo(format_coverage(result.results, unknown=result.unknown, malformed=result.malformed), nl=False)
    for quote in result.misquoted:
        click.echo(f"Citaat niet gevonden in {quote.document}: {quote.claim}: {quote.text[:100]}")
    if check and not result.complete:
        sys.exit(1)
