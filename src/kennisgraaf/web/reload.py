"""Reloading: after `kennisgraaf build`, a running server switches to the new build, without a restart and
without failing a request.

Each server process checks every `reload_interval` seconds where `build/current` points (one readlink).
When it points at another release, the process copies that build into memory in a thread, as at startup
(`load_in_background`: a new in-memory store, shared with freshly forked workers under a new source key), and
then swaps its state in one assignment. Each request keeps the state it started with (`Pinned`), so requests in
flight finish on the old graph and new ones get the new graph; once no request uses the old state any more,
its workers are stopped and its store is let go (`worker.retire`). A build that cannot be loaded is logged
and the old graph is served on; it is tried again when the link moves again. With several server processes,
each reloads by itself. Updates made to the in-memory copy (`allow_update`) are not carried over.

A timer rather than a signal (SIGHUP): it works the same with one server process or several (uvicorn's
supervisor of several processes takes SIGHUP for itself, to restart them), it needs nothing from whoever
runs the build, and it costs nothing per request.

May import: the foundation, queries (workers) and web.state.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

from ..config import Settings
from ..errors import KennisgraafError
from ..queries import worker
from .state import ServerState, load_in_background

__all__ = ["Pinned", "Reloader"]

log = logging.getLogger("kennisgraaf.serve")


class Pinned:
    """Gives each request the state being served when it arrives (`scope["kennisgraaf"]`, read by state_of),
    for the whole of its answer, and counts the requests each state is answering."""

    def __init__(self, app: ASGIApp, holder: Starlette) -> None:
        self.app = app
        self.holder = holder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: ServerState = self.holder.state.kennisgraaf
        scope["kennisgraaf"] = state
        state.requests += 1
        try:
            await self.app(scope, receive, send)
        finally:
            state.requests -= 1


class Reloader:
    """Watches `build/current` for the app's process and swaps in each new build (see the module)."""

    RETIRE_CHECK = 0.05  # seconds between looks at whether an old state still answers requests
    SLOW_RETIRE = 60.0  # after this long, say that a request keeps the old graph in memory

    def __init__(self, app: Starlette, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.interval = float(settings.get("reload_interval"))
        self.link = settings.path("build_dir") / "current"
        self.failed: str | None = None  # the release that could not be loaded: not tried again
        self.tasks: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        if self.interval > 0 and not self.settings.get("sparql_endpoint"):  # a remote store is not a build
            self._spawn(self._watch())

    def stop(self) -> None:
        for task in list(self.tasks):
            task.cancel()

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await self.check()

    async def check(self) -> bool:
        """Load and serve the build `build/current` points at, if it is not the one being served; True when
        the server switched."""
        state: ServerState = self.app.state.kennisgraaf
        target = os.path.realpath(self.link)
        if target in (str(state.release), self.failed):
            return False
        try:
            new = await load_in_background(self.settings)
        except Exception as error:  # whatever a broken build raises, the graph being served is served on
            log.error("The build in %s cannot be served (%s); still serving %s", target, error, state.release,
                      exc_info=not isinstance(error, KennisgraafError | OSError))
            self.failed = target
            return False
        self.failed = None
        self.swap(new)
        return True

    def swap(self, new: ServerState) -> None:
        """Serve `new` from now on; the state it replaces is retired once it answers no more requests."""
        old: ServerState = self.app.state.kennisgraaf
        new.limiter = old.limiter
        self.app.state.kennisgraaf = new  # one assignment: a request gets the old state or the new one
        log.info("Serving the build %s: %d triples, content hash %s (was %s)", _name(new.release), new.triples,
                 new.content_hash[:16], _name(old.release))
        if old.generation:
            log.warning("The %d update(s) made to the previous graph are not in the new build", old.generation)
        self._spawn(self._retire(old))

    async def _retire(self, old: ServerState) -> None:
        waited, warned = 0.0, False
        while old.requests > 0:
            await asyncio.sleep(self.RETIRE_CHECK)
            waited += self.RETIRE_CHECK
            if waited >= self.SLOW_RETIRE and not warned:
                log.warning("%d request(s) still being answered from the previous build after %.0f s; its graph "
                            "stays in memory until they are done", old.requests, waited)
                warned = True
        worker.retire(old.key)
        for key in (old.facts_key, old.claims_key):
            if key:
                worker.retire(key)
        log.info("Let go of the graph of the build %s (%.1f s after the switch)", _name(old.release), waited)
        old.cache.clear()
        old.plans.clear()
        old.quick.clear()


def _name(release: Path | None) -> str:
    return release.name if release is not None else "(none)"
