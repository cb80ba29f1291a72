"""A real `kennisgraaf serve` process on a free port of 127.0.0.1, for tests that talk to it over HTTP as any
client would."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from processes import free_port, stop, wait_until_answering

from kennisgraaf.config import Settings

__all__ = ["Server", "free_port", "serve"]


@dataclass
class Server:
    url: str  # ends with "/"
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def sparql(self) -> str:
        return self.url + "sparql"

    def log_text(self) -> str:
        return self.log.read_text("utf-8", errors="replace")


@contextlib.contextmanager
def serve(settings: Settings, folder: Path, *options: str) -> Iterator[Server]:
    """Start `kennisgraaf serve` for the project and build of `settings`, wait until /health answers, and
    stop it afterwards."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("kennisgraaf")), "serve", "--project", str(settings.project_dir),
               "--host", "127.0.0.1", "--port", str(port), *options]
    log = folder / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, "KENNISGRAAF_BUILD_DIR": str(settings.path("build_dir"))})
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_answering(url + "health", process, "kennisgraaf serve", 60,
                             lambda: log.read_text("utf-8", errors="replace"))
        yield Server(url, process, log)
    finally:
        stop(process)
