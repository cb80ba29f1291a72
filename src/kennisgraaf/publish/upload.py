"""What `kennisgraaf publish` does: publish the current build, or a release folder, to the store the settings
name (`publish_to`, `publish_graph_store`, `publish_update`, `publish_default_graph`, `publish_timeout`), with
the credentials of the environment or a file.

    >>> from kennisgraaf.config import Settings
    >>> settings = Settings.load(overrides={"publish_to": "http://127.0.0.1:7878/query",
    ...                                     "publish_graph_store": "http://127.0.0.1:7878/store"})
    >>> publish_project(settings, dry_run=True).changes
    0
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path

import pyoxigraph as ox

from ..config import Settings
from ..store.builds import LAYOUT, open_store
from .graph_store import Progress, PublishError, PublishResult, publish, read_credentials

__all__ = ["open_source", "publish_project"]

DUMPS = ("*.nq", "*.trig")  # read from a release folder, in this order: both hold the named graphs


def open_source(settings: Settings, release: str | Path | None = None) -> tuple[ox.Store, str]:
    """The store to publish and how to name it for people: the current build, or the folder `release`: a
    build's release folder (with `store/`) or a folder of dumps (an N-Quads or TriG file, e.g. a release
    written by `kennisgraaf release`), checked against its SHA256SUMS when it has one."""
    if release is None:
        return open_store(settings), "the current build"
    folder = Path(release)
    if not folder.is_dir():
        raise PublishError(f"--release {folder}: there is no such folder.", f"--release {folder}: die map bestaat niet.")
    if (folder / "store").is_dir():
        _check_layout(folder)
        try:
            return ox.Store.read_only(str(folder / "store")), str(folder)
        except OSError as error:
            raise PublishError(f"The store in {folder / 'store'} cannot be opened ({error}).",
                               f"De store in {folder / 'store'} kan niet worden geopend ({error}).") from None
    for pattern in DUMPS:
        dumps = sorted(folder.glob(pattern))
        if dumps:
            return _load_dump(dumps[0]), str(dumps[0])
    raise PublishError(
        f"--release {folder}: the folder holds neither a store (store/) nor a dump with the named graphs (an "
        f".nq or .trig file). Give the folder of a build (build/releases/ID) or of a release.",
        f"--release {folder}: de map bevat geen store (store/) en geen dump met de benoemde grafen (een .nq- of "
        f".trig-bestand). Geef de map van een build (build/releases/ID) of van een release.")


def _check_layout(folder: Path) -> None:
    try:
        layout = json.loads((folder / "report.json").read_text("utf-8")).get("layout", 1)
    except (OSError, ValueError):
        return  # a store without a build report: published as it is
    if layout != LAYOUT:
        raise PublishError(
            f"The build in {folder} was made by another version of kennisgraaf (its default graph does not hold "
            f"every fact once). Build it again, or publish a newer release.",
            f"De build in {folder} is gemaakt door een andere versie van kennisgraaf (de standaardgraaf bevat niet "
            f"elk feit één keer). Bouw opnieuw, of publiceer een nieuwere release.")


def _load_dump(path: Path) -> ox.Store:
    data = path.read_bytes()
    sums = path.parent / "SHA256SUMS"
    if sums.is_file():
        listed = {line.split(maxsplit=1)[1].lstrip("*").strip(): line.split(maxsplit=1)[0]
                  for line in sums.read_text("utf-8").splitlines() if len(line.split(maxsplit=1)) == 2}
        expected = listed.get(path.name)
        if expected is not None and expected != hashlib.sha256(data).hexdigest():
            raise PublishError(
                f"{path} does not match its checksum in {sums}: the file changed or was damaged after the release "
                f"was written, so it is not published.",
                f"{path} klopt niet met de controlesom in {sums}: het bestand is veranderd of beschadigd nadat de "
                f"release is geschreven, dus het wordt niet gepubliceerd.")
    store = ox.Store()
    fmt = ox.RdfFormat.N_QUADS if path.suffix == ".nq" else ox.RdfFormat.TRIG
    try:
        store.bulk_load(data, fmt)
    except SyntaxError as error:
        raise PublishError(f"{path} cannot be read: {error}", f"{path} is niet te lezen: {error}") from None
    return store


def publish_project(settings: Settings, *, release: str | Path | None = None, dry_run: bool = False,
                    credentials_file: str | Path | None = None, environ: Mapping[str, str] | None = None,
                    progress: Callable[[Progress], None] | None = None) -> PublishResult:
    """Publish the current build (or `release`) to the store of the settings; see `graph_store.publish`."""
    endpoint = str(settings.get("publish_to"))
    if not endpoint:
        raise PublishError(
            "Where to? Give the store's SPARQL query URL with --to URL (and its Graph Store URL with --graph-store "
            "URL), or set publish_to (and publish_graph_store) in the project's kennisgraaf.toml.",
            "Waarheen? Geef de SPARQL-query-URL van de store met --to URL (en de Graph Store-URL met --graph-store "
            "URL), of zet publish_to (en publish_graph_store) in kennisgraaf.toml van het project.")
    credentials = read_credentials(environ, credentials_file)
    store, _ = open_source(settings, release)
    return publish(store, endpoint, graph_store=str(settings.get("publish_graph_store")) or None,
                   update_endpoint=str(settings.get("publish_update")) or None, credentials=credentials,
                   default_graph=str(settings.get("publish_default_graph")) or None, dry_run=dry_run,
                   progress=progress, timeout=float(settings.get("publish_timeout")))
