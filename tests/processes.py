"""Servers the tests (and benchmarks) start as real processes on 127.0.0.1: a free port, waiting until one
answers, and stopping it."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable

import httpx

__all__ = ["free_port", "stop", "wait_until_answering"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_answering(url: str, process: subprocess.Popen[bytes], name: str, seconds: float,
                         output: Callable[[], str] = lambda: "") -> None:
    """Return once GET `url` answers 200; RuntimeError (with the process's `output`) if the process stops
    first, or after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped:\n{output()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not answer within {seconds:g} s")
        time.sleep(0.1)


def stop(process: subprocess.Popen[bytes], seconds: float = 15) -> None:
    """Terminate the process, and kill it if it has not ended after `seconds`."""
    process.terminate()
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
