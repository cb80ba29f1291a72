"""A real `kennisgraaf serve` process on a free port of 127.0.0.1, for tests that talk to it over HTTP as any
client would."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve(settings: Settings, folder: Path, *options: str) -> Iterator[Server]:
    """Start `kennisgraaf serve` for the project and build of `settings`, wait until /health answers, and
    stop it afterwards."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("kennisgraaf")), "serve", "--project", str(settings.project_dir),
               "--build-dir", str(settings.path("build_dir")), "--host", "127.0.0.1", "--port", str(port), *options]
    log = folder / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                raise RuntimeError(f"kennisgraaf serve stopped:\n{log.read_text('utf-8', errors='replace')}")
            if time.monotonic() > deadline:
                raise RuntimeError("kennisgraaf serve did not answer within 60 s")
            time.sleep(0.1)
        yield Server(url, process, log)
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
