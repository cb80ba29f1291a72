"""A real `oxigraph serve` (from the PyPI package `oxigraph`) on a free port of 127.0.0.1, for tests that run
the same queries on the embedded store and over HTTP."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from processes import free_port, stop, wait_until_answering

__all__ = ["oxigraph_command", "serve"]


def oxigraph_command() -> str:
    found = Path(sys.executable).with_name("oxigraph")
    if found.exists():
        return str(found)
    on_path = shutil.which("oxigraph")
    if on_path is None:
        raise RuntimeError("The `oxigraph` command is missing: run `bash scripts/setup.sh --test`.")
    return on_path


@contextlib.contextmanager
def serve(nquads: Path, folder: Path, timeout: int = 10, union_default_graph: bool = False) -> Iterator[str]:
    """Load `nquads` into a new store in `folder`, serve it, and yield the URL of its query endpoint. The
    server gives up on a query after `timeout` seconds, so a test of our own (shorter) time limit does not
    leave it busy for long. With `union_default_graph`, queries see the union of all graphs as the default
    graph (as on Virtuoso)."""
    command = oxigraph_command()
    location = folder / "oxigraph"
    subprocess.run([command, "load", "--location", str(location), "--file", str(nquads)], check=True,
                   capture_output=True, timeout=120)
    port = free_port()
    arguments = [command, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                 "--timeout-s", str(timeout)]  # no --union-default-graph: a kennisgraaf dump has its facts once there
    if union_default_graph:
        arguments.append("--union-default-graph")
    process = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    try:
        wait_until_answering(url + "?query=ASK%7B%7D", process, "oxigraph serve", 30,
                             lambda: process.stderr.read().decode() if process.stderr else "")
        yield url
    finally:
        stop(process, 10)
