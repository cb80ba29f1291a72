"""Reloading (web.reload): after `kennisgraaf build`, a running `kennisgraaf serve` switches to the new build
under load, without a restart and without failing a request; a build that cannot be loaded leaves the old
graph served; with several server processes each switches by itself."""

from __future__ import annotations

import json
import os
import re
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest

from kennisgraaf import build
from kennisgraaf.config import Settings
from kennisgraaf.store.builds import LAYOUT

CLAIMS = """PREFIX kg: <https://w3id.org/kennisgraaf/def/>
SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?g a kg:Claim } }"""
# The same count, but never run in the server process (RAND() may differ each time): always in a worker.
CLAIMS_IN_A_WORKER = CLAIMS.replace("} }", "} FILTER(RAND() < 2) }")
VOID_TRIPLES = "http://rdfs.org/ns/void#triples"
CLAIM_BLOCK = re.compile(r"\nbewering:js2017-nkn-voorzitter \{.*?\n\}\n", re.DOTALL)


def _remove_a_claim(project: Path) -> None:
    data = project / "data" / "jaarstukken-2017.trig"
    text = data.read_text("utf-8")
    changed = CLAIM_BLOCK.sub("\n", text, count=1)
    assert changed != text
    data.write_text(changed, "utf-8")


def _serve(settings: Settings, folder: Path, *options: str) -> Any:
    from kennisgraaf_server import serve

    return serve(settings, folder, "--reload-interval", "0.2", *options)


def _health(url: str) -> dict[str, Any]:
    response = httpx.get(url + "health", timeout=10)
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def _wait(condition: Callable[[], bool], seconds: float, what: str) -> float:
    """Seconds it took until `condition()` held; fails after `seconds`."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, f"not within {seconds:g} s: {what}"
        time.sleep(0.05)
    return time.monotonic() - started


# ------------------------------------------------------------------------------------------------ under load


def _count(response: httpx.Response) -> int:
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def _cites_the_claim(response: httpx.Response) -> int:
    assert response.text.rstrip().endswith("</html>")  # the whole page
    return int("bewering/js2017-nkn-voorzitter" in response.text)


def _void_triples(response: httpx.Response) -> int:
    triples = list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
    [count] = [int(t.object.value) for t in triples if t.predicate.value == VOID_TRIPLES and "#leiden" in t.subject.value]
    return count


class Client(threading.Thread):
    """Sends one request again and again until told to stop (or a minute has passed), and keeps each answer
    read from a complete, parseable response, or what went wrong."""

    def __init__(self, name: str, url: str, params: dict[str, str], accept: str,
                 read: Callable[[httpx.Response], int], stop: threading.Event) -> None:
        super().__init__(name=name, daemon=True)
        self.url, self.params, self.accept, self.read, self.stop = url, params, accept, read, stop
        self.answers: list[tuple[float, int]] = []
        self.failures: list[str] = []
        self.slowest = 0.0

    def run(self) -> None:
        deadline = time.monotonic() + 60
        with httpx.Client(timeout=30, headers={"Accept": self.accept}) as client:
            while not self.stop.is_set() and time.monotonic() < deadline:
                try:
                    started = time.monotonic()
                    response = client.get(self.url, params=self.params)
                    self.slowest = max(self.slowest, time.monotonic() - started)
                    if response.status_code != 200:
                        self.failures.append(f"{response.status_code}: {response.text[:200]}")
                        continue
                    self.answers.append((time.monotonic(), self.read(response)))
                except (httpx.HTTPError, ValueError, KeyError, IndexError, SyntaxError, AssertionError) as error:
                    # a broken connection, an incomplete or unreadable answer
                    self.failures.append(repr(error))


def test_a_running_server_switches_to_a_new_build_under_load(scratch_settings: Settings, tmp_path: Path) -> None:
    before = build(scratch_settings).data
    with _serve(scratch_settings, tmp_path) as server:
        health = _health(server.url)
        assert health["content_hash"] == before["content_hash"] and health["process"] == server.process.pid
        old_tag = httpx.get(server.sparql, params={"query": CLAIMS}).headers["etag"]
        stop = threading.Event()
        clients = [
            Client("quick", server.sparql, {"query": CLAIMS}, "application/sparql-results+json", _count, stop),
            Client("worker", server.sparql, {"query": CLAIMS_IN_A_WORKER}, "application/sparql-results+json",
                   _count, stop),
            Client("void", server.url + ".well-known/void", {}, "application/n-triples", _void_triples, stop),
            # A page runs several queries one after the other, each in a worker of the graph it started with.
            Client("page", server.url + "doc/organisatie/gemeente-leiden", {}, "text/html", _cites_the_claim, stop),
        ]
        for client in clients:
            client.start()
        try:
            time.sleep(1.0)  # under load before the build, during it and after
            _remove_a_claim(scratch_settings.project_dir)
            after = build(scratch_settings).data
            built = time.monotonic()
            switch = _wait(lambda: _health(server.url)["content_hash"] == after["content_hash"], 60,
                           "the server serves the new build")
            time.sleep(1.0)
        finally:
            stop.set()
            for client in clients:
                client.join(70)
        health = _health(server.url)
        assert health["process"] == server.process.pid and server.process.poll() is None  # no restart
        revalidated = httpx.get(server.sparql, params={"query": CLAIMS}, headers={"If-None-Match": old_tag})
        assert revalidated.status_code == 200 and revalidated.headers["etag"] != old_tag
        log = server.log_text()

    assert after["counts"]["claims"] == before["counts"]["claims"] - 1
    expected = {"quick": (before["counts"]["claims"], after["counts"]["claims"]),
                "worker": (before["counts"]["claims"], after["counts"]["claims"]),
                "void": (before["counts"]["triples"], after["counts"]["triples"]), "page": (1, 0)}
    sent = sum(len(c.answers) + len(c.failures) for c in clients)
    print(f"\n{sent} requests ({', '.join(f'{c.name} {len(c.answers)}' for c in clients)}), "
          f"{sum(len(c.failures) for c in clients)} failed; serving the new build {switch:.2f} s after the build; "
          f"slowest answer {max(c.slowest for c in clients) * 1000:.0f} ms")
    for client in clients:
        assert not client.failures, f"{client.name}: {client.failures[:5]}"
        old, new = expected[client.name]
        values = [value for _, value in client.answers]
        assert set(values) == {old, new}, client.name  # answers from both builds, and nothing else
        switched = values.index(new)
        assert values[:switched] == [old] * switched and values[switched:] == [new] * (len(values) - switched), \
            f"{client.name}: once the new build answers, the old one no longer does"
        assert switched >= 5 and len(values) - switched >= 5, client.name
        first_new = client.answers[switched][0]
        assert first_new >= built - 0.5  # not before the build was there (a little slack for the clock reads)
    assert "Serving the build" in log and "Traceback" not in log


# ------------------------------------------------------------------------------------------------ failures


def _point_current_at(build_dir: Path, release: Path) -> None:
    temporary = build_dir / f".current-{uuid.uuid4().hex}"
    os.symlink(Path("releases") / release.name, temporary)
    os.replace(temporary, build_dir / "current")


def test_a_build_that_cannot_be_loaded_is_logged_and_the_old_graph_served_on(scratch_settings: Settings,
                                                                             tmp_path: Path) -> None:
    served = build(scratch_settings).data
    build_dir = scratch_settings.path("build_dir")
    with _serve(scratch_settings, tmp_path) as server:
        broken = build_dir / "releases" / "broken"  # a report, but no store
        broken.mkdir()
        (broken / "report.json").write_text(json.dumps({"layout": LAYOUT, "content_hash": "0" * 64}), "utf-8")
        _point_current_at(build_dir, broken)
        _wait(lambda: "cannot be served" in server.log_text(), 30, "the failure is logged")
        health = _health(server.url)
        assert health["content_hash"] == served["content_hash"]
        assert httpx.get(server.sparql, params={"query": CLAIMS}).status_code == 200
        time.sleep(0.5)  # it is not tried again and again
        assert server.log_text().count("cannot be served") == 1
        _remove_a_claim(scratch_settings.project_dir)
        fixed = build(scratch_settings).data
        _wait(lambda: _health(server.url)["content_hash"] == fixed["content_hash"], 60, "the next build is served")
        assert _count(httpx.get(server.sparql, params={"query": CLAIMS})) == fixed["counts"]["claims"]
        assert _health(server.url)["process"] == server.process.pid


def test_each_server_process_switches_by_itself(scratch_settings: Settings, tmp_path: Path) -> None:
    build(scratch_settings)
    with _serve(scratch_settings, tmp_path, "--server-processes", "2") as server:
        def processes_serving(content_hash: str | None = None) -> set[int]:
            seen = set()
            for _ in range(20):  # a new connection each: either process may take it
                health = _health(server.url)
                if content_hash is None or health["content_hash"] == content_hash:
                    seen.add(health["process"])
            return seen

        found: set[int] = set()
        _wait(lambda: len(found.__ior__(processes_serving())) == 2, 30, "both processes answer")
        _remove_a_claim(scratch_settings.project_dir)
        after = build(scratch_settings).data
        switched: set[int] = set()
        _wait(lambda: switched.__ior__(processes_serving(after["content_hash"])) == found, 60,
              "both processes serve the new build")
        assert server.log_text().count("Serving the build") == 2


def test_with_reload_interval_0_the_server_keeps_its_build(scratch_settings: Settings, tmp_path: Path) -> None:
    from kennisgraaf_server import serve

    served = build(scratch_settings).data
    with serve(scratch_settings, tmp_path, "--reload-interval", "0") as server:
        _remove_a_claim(scratch_settings.project_dir)
        build(scratch_settings)
        time.sleep(1.0)
        assert _health(server.url)["content_hash"] == served["content_hash"]


def test_the_old_graph_is_let_go_only_once_no_request_uses_it(scratch_settings: Settings) -> None:
    import asyncio

    from starlette.applications import Starlette

    from kennisgraaf.errors import QueryError
    from kennisgraaf.queries import worker
    from kennisgraaf.web.reload import Reloader
    from kennisgraaf.web.state import load_state

    build(scratch_settings)
    app = Starlette()
    app.state.kennisgraaf = old = load_state(scratch_settings)
    job = worker.LocalJob(CLAIMS, 10)
    expected = worker.execute(old.key, job, 10).data

    async def scenario() -> None:
        reloader = Reloader(app, scratch_settings)
        assert not await reloader.check()  # the build being served
        _remove_a_claim(scratch_settings.project_dir)
        build(scratch_settings)
        old.requests += 1  # as Pinned counts a request that started before the switch
        assert await reloader.check()
        new = app.state.kennisgraaf
        assert new is not old and worker.execute(new.key, job, 10).data != expected
        await asyncio.sleep(0.3)
        # The request in flight still gets workers of its graph, however many queries it runs.
        for _ in range(3):
            assert (await asyncio.to_thread(worker.execute, old.key, job, 10)).data == expected
        old.requests -= 1
        await asyncio.sleep(0.3)
        reloader.stop()

    try:
        asyncio.run(scenario())
        with pytest.raises(QueryError, match="cannot be opened"):  # its idle workers are gone, and its store
            worker.execute(old.key, job, 10)
    finally:
        worker.shutdown()
