"""Settings: one table of names, defaults and help, read from the project file, the environment and options.

The project file is `kennisgraaf.toml` (top-level keys) or the `[tool.kennisgraaf]` table of `pyproject.toml`,
in the project directory: the one given with `--project` (or the environment variable KENNISGRAAF_PROJECT), or
the nearest directory upwards from the current one that holds either file. Environment variables
`KENNISGRAAF_<NAME>` override the file; command-line options override both. A command offers as options only
the settings it uses (`options` in the table); `kennisgraaf config` offers them all and shows each effective
value and where it came from.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["PROJECT_VARIABLE", "SETTINGS", "Setting", "Settings", "find_project_dir", "locate_project"]


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    kind: type = str
    is_path: bool = False
    options: tuple[str, ...] = ()  # the commands that offer it as a command-line option (config offers all)
    may_be_zero: bool = False  # numbers must be greater than zero unless this is set
    aliases: tuple[str, ...] = ()  # shorter option names, besides --<name> (e.g. --to for publish_to)
    is_url: bool = False  # an http(s) URL, or empty for none


# commands whose words have a language
_TALKING = ("build", "validate", "new", "add", "coverage", "query", "sparql", "serve", "release", "diff",
             "publish", "network", "site")
_QUERYING = ("query", "sparql", "serve", "network", "site")

SETTINGS: tuple[Setting, ...] = (
    Setting("base_iri", "https://w3id.org/kennisgraaf/", "Namespace of the graph: entities are {base}id/{type}/{slug}, "
            "ontology terms {base}def/..., pages {base}doc/..."),
    Setting("language", "nl", "Default language of messages and labels (nl or en).", options=_TALKING),
    Setting("ontology_dir", "ontology", "Folder with the ontology and vocabularies (Turtle).", is_path=True),
    Setting("data_dir", "data", "Folder with the data (Turtle, TriG, N-Triples, N-Quads).", is_path=True),
    Setting("sources_dir", "data/sources", "Folder with the texts of the source documents (not read as RDF).",
            is_path=True),
    Setting("shapes_dir", "shapes", "Folder with the SHACL shapes (Turtle).", is_path=True),
    Setting("queries_dir", "queries", "Folder with the canned SPARQL queries (.rq).", is_path=True),
    Setting("build_dir", "build", "Folder the built store and build report are written to.", is_path=True),
    Setting("query_timeout", 10.0, "Seconds a query may run before it is stopped.", kind=float, options=_QUERYING),
    Setting("result_limit", 10000, "Most rows a query returns; more are cut off with a notice.", kind=int,
            options=_QUERYING),
    Setting("max_query_length", 100_000, "Longest query text accepted, in characters.", kind=int, options=("serve",)),
    Setting("host", "127.0.0.1", "Address `kennisgraaf serve` listens on (0.0.0.0: every interface).", options=("serve",)),
    Setting("port", 8000, "Port `kennisgraaf serve` listens on.", kind=int, options=("serve",)),
    Setting("server_processes", 1, "Processes `kennisgraaf serve` answers requests in; each holds the graph in "
            "memory and runs up to max_concurrent_queries queries.", kind=int, options=("serve",)),
    Setting("max_concurrent_queries", 8, "Most queries a server process runs at once (with server_processes, "
            "each process has this limit); more are answered 503 (try again later).", kind=int, options=("serve",)),
    Setting("inline_query_ms", 5.0, "A query that took at most this many milliseconds in a worker process runs "
            "in the server process the next times, without the trip to a worker (0: always in a worker; at most "
            "a tenth of query_timeout is used).",
            kind=float, options=("serve",), may_be_zero=True),
    Setting("max_body_size", 1_000_000, "Largest request body the server accepts, in bytes.", kind=int, options=("serve",)),
    Setting("reload_interval", 2.0, "Seconds between looks whether a new build is there: the server then serves "
            "it, without a restart (0: never).", kind=float, options=("serve",), may_be_zero=True),
    Setting("allow_update", False, "Let the server run SPARQL Update on its in-memory copy of the graph "
            "(never written to the build).", kind=bool, options=("serve",)),
    Setting("allow_entries", False, "Let the server offer a web form for new entries (/entries/new/{type}), "
            "which saves checked entries as files in entries_dir for `kennisgraaf add`.", kind=bool,
            options=("serve",)),
    Setting("entries_dir", "data/inbox", "Folder the web form saves entries to; not read by builds until "
            "`kennisgraaf add` takes an entry in.", is_path=True),
    # `kennisgraaf release`: where releases go, where they are published, and who publishes them (DCAT-AP-NL).
    Setting("releases_dir", "releases", "Folder `kennisgraaf release` writes versioned releases to.", is_path=True),
    Setting("release_base_url", "", "Address the releases are published under: a release's files are at "
            "{release_base_url}{version}/ (empty: {base_iri}releases/)."),
    Setting("public_endpoint", "", "Public address of the SPARQL endpoint, named in releases (empty: "
            "{base_iri}sparql)."),
    Setting("landing_page", "", "Public web page of the dataset, named in releases (empty: {base_iri})."),
    Setting("publisher", "", "IRI of the organisation that publishes the releases (e.g. its TOOI IRI)."),
    Setting("publisher_name", "", "Name of the publisher, in the language of the data."),
    Setting("contact_page", "", "Web page (contact form) where users of a release can reach the publisher."),
    Setting("contact_email", "", "E-mail address where users of a release can reach the publisher (may be empty "
            "when contact_page is set)."),
    Setting("license", "", "IRI of the licence of the released data (e.g. from the EU licence vocabulary)."),
    Setting("themes", "", "EU data themes of the dataset, as codes of the EU vocabulary data-theme, separated by "
            "spaces (e.g. GOVE EDUC)."),
    Setting("sparql_endpoint", "", "Serve the graph from this SPARQL endpoint (a store the graph was published to) "
            "instead of the build; credentials, if it needs any, in KENNISGRAAF_SPARQL_CREDENTIALS(_FILE).",
            options=("serve",), is_url=True),
    Setting("publish_to", "", "The SPARQL query URL of the store `kennisgraaf publish` publishes to (Oxigraph: "
            ".../query; Virtuoso: .../sparql).", options=("publish",), aliases=("--to",), is_url=True),
    Setting("publish_graph_store", "", "Its SPARQL 1.1 Graph Store Protocol URL (Oxigraph: .../store; Virtuoso: "
            ".../sparql-graph-crud-auth); without it, or when it is none, graphs are written with SPARQL Update.",
            options=("publish",), aliases=("--graph-store",), is_url=True),
    Setting("publish_update", "", "Its SPARQL Update URL (Oxigraph: .../update; Virtuoso: .../sparql-auth; "
            "default: the query URL).", options=("publish",), aliases=("--update",), is_url=True),
    Setting("publish_default_graph", "", "Publish the default graph (every fact once) whole as this named graph, "
            "for queries that name it with FROM (on Virtuoso a plain query then sees each fact once more). "
            "Default: as the store's default graph, or, where that is the union of all graphs, not at all.",
            options=("publish",), aliases=("--default-graph",)),
    Setting("publish_timeout", 60.0, "Seconds `kennisgraaf publish` waits for each answer of the store.",
            kind=float, options=("publish",), aliases=("--timeout",)),
    Setting("live_endpoint", "", "The URL of a live SPARQL endpoint of this graph, named on the pages of the static "
            "site (`kennisgraaf site`), which cannot query it themselves; empty: none.", options=("site",)),
)

_BY_NAME = {s.name: s for s in SETTINGS}
PROJECT_VARIABLE = "KENNISGRAAF_PROJECT"
LANGUAGES = ("nl", "en")


def find_project_dir(start: Path | None = None) -> Path | None:
    """The nearest directory from `start` upwards with a kennisgraaf.toml or a pyproject.toml that has a
    [tool.kennisgraaf] table; None when there is none."""
    start = (start or Path.cwd()).resolve()
    for directory in (start, *start.parents):
        if _is_project(directory):
            return directory
    return None


def _is_project(directory: Path) -> bool:
    if (directory / "kennisgraaf.toml").is_file():
        return True
    pyproject = directory / "pyproject.toml"
    return pyproject.is_file() and "kennisgraaf" in _read_toml(pyproject).get("tool", {})


def locate_project(given: Path | str | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The project folder: `given` (--project), else KENNISGRAAF_PROJECT, else found upwards from the current
    folder. ConfigError, in one sentence with what to do, when there is none."""
    env: Mapping[str, str] = os.environ if environ is None else environ
    if given is None and env.get(PROJECT_VARIABLE):
        given, origin = env[PROJECT_VARIABLE], f"{PROJECT_VARIABLE}={env[PROJECT_VARIABLE]}"
    else:
        origin = f"--project {given}"
    if given is not None:
        folder = Path(given).expanduser().resolve()
        if not folder.is_dir():
            raise ConfigError(f"{origin}: there is no such folder. Give the folder of a kennisgraaf project (the "
                              f"one with kennisgraaf.toml, or a pyproject.toml with [tool.kennisgraaf]).",
                              f"{origin}: die map bestaat niet. Geef de map van een kennisgraaf-project (die met "
                              f"kennisgraaf.toml, of een pyproject.toml met [tool.kennisgraaf]).")
        return folder
    found = find_project_dir()
    if found is None:
        raise ConfigError(
            f"No kennisgraaf project found in {Path.cwd()} or the folders above it: run the command inside a "
            f"project (a folder with kennisgraaf.toml, or a pyproject.toml with [tool.kennisgraaf]), or give "
            f"--project DIR or set {PROJECT_VARIABLE}=DIR.",
            f"Geen kennisgraaf-project gevonden in {Path.cwd()} of de mappen erboven: geef het commando in een "
            f"project (een map met kennisgraaf.toml, of een pyproject.toml met [tool.kennisgraaf]), of geef "
            f"--project MAP of zet {PROJECT_VARIABLE}=MAP.")
    return found


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: this is not valid TOML ({e}). Fix the file or remove it.") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot be read ({e.strerror}).") from None


def _file_settings(project_dir: Path) -> tuple[dict[str, Any], str | None]:
    own = project_dir / "kennisgraaf.toml"
    if own.is_file():
        return _read_toml(own), str(own)
    pyproject = project_dir / "pyproject.toml"
    if pyproject.is_file():
        table = _read_toml(pyproject).get("tool", {}).get("kennisgraaf")
        if table is not None:
            return table, f"{pyproject} [tool.kennisgraaf]"
    return {}, None


def _convert(setting: Setting, value: Any, origin: str) -> Any:
    convert: Callable[[Any], Any] = _boolean if setting.kind is bool else setting.kind
    try:
        converted = convert(value)
    except (TypeError, ValueError):
        raise ConfigError(
            f"Setting {setting.name} from {origin} is {value!r}, which is not a valid {setting.kind.__name__}. "
            f"{setting.help}"
        ) from None
    if setting.name == "language" and converted not in LANGUAGES:
        raise ConfigError(f"Setting language from {origin} is {value!r}; use one of: {', '.join(LANGUAGES)}.")
    if setting.name == "base_iri" and not (converted.startswith(("http://", "https://")) and converted.endswith("/")):
        raise ConfigError(f"Setting base_iri from {origin} is {value!r}; it must be an http(s) IRI ending in '/'.")
    if setting.is_url and converted and not str(converted).startswith(("http://", "https://")):
        raise ConfigError(f"Setting {setting.name} from {origin} is {value!r}; it must be an http(s) URL.")
    if setting.kind is float and not math.isfinite(converted):
        raise ConfigError(f"Setting {setting.name} from {origin} is {value!r}; it must be a finite number.")
    if setting.kind in (int, float) and (converted < 0 or (converted == 0 and not setting.may_be_zero)):
        least = "zero or more" if setting.may_be_zero else "greater than zero"
        raise ConfigError(f"Setting {setting.name} from {origin} is {value!r}; it must be {least}.")
    return converted


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0"):
        return False
    raise ValueError(value)


@dataclass
class Settings:
    """The effective settings of one project. Paths are absolute."""

    project_dir: Path
    values: dict[str, Any]
    origins: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        project_dir: Path | str | None = None,
        overrides: dict[str, Any] | None = None,
        environ: dict[str, str] | None = None,
    ) -> Settings:
        """Read the settings of the project in `project_dir` (KENNISGRAAF_PROJECT, or found upwards from the
        current directory, when None), then apply `KENNISGRAAF_*` environment variables and `overrides` (e.g.
        command-line options).

        >>> Settings.load().get("language")
        'nl'
        """
        env: Mapping[str, str] = os.environ if environ is None else environ
        root = locate_project(project_dir, env)
        from_file, file_origin = _file_settings(root)
        unknown = sorted(set(from_file) - set(_BY_NAME))
        if unknown:
            raise ConfigError(
                f"{file_origin}: unknown setting(s) {', '.join(unknown)}. Known settings: {', '.join(_BY_NAME)}."
            )
        values: dict[str, Any] = {}
        origins: dict[str, str] = {}
        for setting in SETTINGS:
            value, origin = setting.default, "default"
            if setting.name in from_file:
                value, origin = from_file[setting.name], file_origin or "file"
            env_name = f"KENNISGRAAF_{setting.name.upper()}"
            if env_name in env:
                value, origin = env[env_name], f"environment {env_name}"
            if overrides and overrides.get(setting.name) is not None:
                value, origin = overrides[setting.name], "command line"
            values[setting.name] = _convert(setting, value, origin)
            origins[setting.name] = origin
        for setting in SETTINGS:
            if setting.is_path:
                values[setting.name] = (root / values[setting.name]).resolve()
        return cls(root, values, origins)

    def get(self, name: str) -> Any:
        return self.values[name]

    def path(self, name: str) -> Path:
        value = self.values[name]
        assert isinstance(value, Path), name
        return value

    @property
    def base_iri(self) -> str:
        return str(self.values["base_iri"])

    @property
    def language(self) -> str:
        return str(self.values["language"])

    def rows(self) -> list[tuple[str, str, str]]:
        """(name, value, origin) for every setting, in table order."""
        return [(s.name, str(self.values[s.name]), self.origins[s.name]) for s in SETTINGS]
