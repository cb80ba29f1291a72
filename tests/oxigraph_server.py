"""A real `oxigraph serve` (from the PyPI package `oxigraph`) on a free port of 127.0.0.1, for tests that run
the same queries on the embedded store and over HTTP."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

__all__ = ["oxigraph_command", "serve"]


def oxigraph_command() -> str:
    found = Path(sys.executable).with_name("oxigraph")
    if found.exists():
        return str(found)
    on_path = shutil.which("oxigraph")
    if on_path is None:
        raise RuntimeError("The `oxigraph` command is missing: run `bash scripts/setup.sh --test`.")
    return on_path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve(nquads: Path, folder: Path, union: bool = True, timeout: int = 10) -> Iterator[str]:
    """Load `nquads` into a new store in `folder`, serve it, and yield the URL of its query endpoint. The
    server gives up on a query after `timeout` seconds, so a test of our own (shorter) time limit does not
    leave it busy for long."""
    command = oxigraph_command()
    location = folder / "oxigraph"
    subprocess.run([command, "load", "--location", str(location), "--file", str(nquads)], check=True,
                   capture_output=True, timeout=120)
    port = _free_port()
    arguments = [command, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                 "--timeout-s", str(timeout)]
    if union:
        arguments.append("--union-default-graph")
    process = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                if process.poll() is not None:
                    raise RuntimeError(f"oxigraph serve stopped: {process.stderr.read().decode()}") from None
                if time.monotonic() > deadline:
                    raise RuntimeError("oxigraph serve did not answer within 30 s") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
