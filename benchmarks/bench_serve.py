"""Load test of `kennisgraaf serve` against `oxigraph serve`, in one run, on the same synthetic graph.

Both servers hold the same graph in memory (about 100k triples from benchmarks/generate.py, or the generator
in bench_query.py) laid out as a build is (each fact once in the default graph), and get the same query texts — the canned
queries with their parameters bound, plus a simple 3-way UNION — from the same client, wrk, with the same
number of connections. Targets per query: kennisgraaf's throughput at least 0.7 times Oxigraph's, and its
p99 latency at most twice Oxigraph's.

    .venv/bin/python benchmarks/bench_serve.py            # 100k triples, 8 connections, 3 rounds of 5 s per server
    .venv/bin/python benchmarks/bench_serve.py --json benchmarks/out/serve.json --only union3 parties

Needs `wrk` (Debian package `wrk`) and the `oxigraph` command (PyPI `oxigraph`, in the test extra).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_query import _generated_nquads, synthetic_arguments

from kennisgraaf.store.builds import LAYOUT
from oxigraph_server import oxigraph_command
from processes import free_port, stop, wait_until_answering

UNION = """SELECT ?s ?label WHERE {
  { ?s a <http://www.w3.org/ns/org#Organization> } UNION { ?s a <https://w3id.org/kennisgraaf/def/Initiative> }
  UNION { ?s a <https://w3id.org/kennisgraaf/def/Agreement> }
  ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label
} LIMIT 10"""


@contextlib.contextmanager
def oxigraph(nquads: Path, log: Path) -> Iterator[tuple[str, int]]:
    """`oxigraph serve` in memory, holding the graph as a build does (each fact once in its default graph); yields
    its query URL. Without --timeout-s:
    with it, oxigraph 0.5 starts a thread per query that lives as long as the timeout, and under load it runs
    out of threads (HTTP 500 "Resource temporarily unavailable", then a crash)."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen([oxigraph_command(), "serve", "--bind", f"127.0.0.1:{port}"],
                                   stdout=out, stderr=out)
    try:
        base = f"http://127.0.0.1:{port}/"
        wait_until_answering(base + "query?query=ASK%7B%7D", process, "oxigraph serve", 120)
        httpx.post(base + "store", content=nquads.read_bytes(), headers={"Content-Type": "application/n-quads"},
                   timeout=300).raise_for_status()
        yield base + "query", process.pid
    finally:
        stop(process, 10)


def _build(nquads: Path, build_dir: Path) -> None:
    """A build folder as `kennisgraaf build` leaves it, holding the synthetic graph."""
    release = build_dir / "releases" / "synthetic"
    release.mkdir(parents=True)
    (build_dir / ".kennisgraaf-build").touch()
    store = ox.Store(str(release / "store"))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    (release / "report.json").write_text(json.dumps({"layout": LAYOUT}), "utf-8")
    (build_dir / "current").symlink_to(Path("releases") / "synthetic")


@contextlib.contextmanager
def kennisgraaf(build_dir: Path, connections: int, processes: int, log: Path,
                project: Path = ROOT, program: Path | None = None) -> Iterator[tuple[str, int]]:
    """`kennisgraaf serve` of `project` (by `program`, this environment's by default) on the build in
    `build_dir`: its /sparql URL and its process id."""
    port = free_port()
    program = program or Path(sys.executable).with_name("kennisgraaf")
    command = [str(program), "serve", "--project", str(project),
               "--host", "127.0.0.1", "--port", str(port), "--result-limit", "1000000",
               "--query-timeout", "30", "--max-concurrent-queries", str(max(8, connections)),
               "--server-processes", str(processes)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISGRAAF_")}
    env["KENNISGRAAF_BUILD_DIR"] = str(build_dir)
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        wait_until_answering(f"http://127.0.0.1:{port}/health", process, "kennisgraaf serve", 120,
                             lambda: log.read_text("utf-8", errors="replace"))
        yield f"http://127.0.0.1:{port}/sparql", process.pid
    finally:
        stop(process)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and all its descendants that are alive."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
    return total


def wrk(url: str, query: str, accept: str, connections: int, duration: int, threads: int,
        server: int | None = None) -> dict[str, float]:
    """wrk's throughput, p50, p99 and non-2xx count; with the `server` process id, also the CPU time the
    server (with its child processes) spent per request."""
    target = url + "?" + urllib.parse.urlencode({"query": query})
    before = cpu_seconds(server) if server is not None else 0.0
    output = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout",
                             "30s", "-H", f"Accept: {accept}", target], check=True, capture_output=True,
                            text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99 = _seconds(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    p50 = _seconds(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result = {"rps": rate, "p50_s": p50, "p99_s": p99, "errors": int(errors.group(1)) if errors else 0}
    if server is not None:
        requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
        result["cpu_us_per_request"] = (cpu_seconds(server) - before) / max(1, requests) * 1e6
    return result


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    """Per measure, the median over the runs (each measure on its own), and every run's figures."""
    middle = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    return {**middle, "runs": runs}  # type: ignore[dict-item]


def _seconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def _queries(nquads: Path, folder: Path) -> dict[str, tuple[str, str]]:
    """name: (query text, Accept) for the simple UNION and each canned query, parameters bound."""
    from kennisgraaf import queries
    from kennisgraaf.config import Settings

    store_folder = folder / "params-store"
    store = ox.Store(str(store_folder))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    arguments = synthetic_arguments(store)
    settings = Settings.load(ROOT, {"query_timeout": 60}, environ={})
    target = queries.Target.of(settings, store=store)
    chosen = {"union3": (UNION, "application/sparql-results+json")}
    for name, canned in queries.list_queries(settings).items():
        text = queries.prepare(canned, arguments.get(name, {}), target)
        graph = canned.form in ("CONSTRUCT", "DESCRIBE")
        chosen[name] = (text, "application/n-triples" if graph else "application/sparql-results+json")
    del store
    return chosen


def _same_answers(ours: str, theirs: str, query: str, accept: str) -> bool:
    a = httpx.get(ours, params={"query": query}, headers={"Accept": accept}, timeout=60)
    b = httpx.get(theirs, params={"query": query}, headers={"Accept": accept}, timeout=60)
    if a.status_code != 200 or b.status_code != 200:
        return False
    if accept == "application/n-triples":
        return set(a.content.splitlines()) == set(b.content.splitlines())
    if "boolean" in a.json():
        return bool(a.json()["boolean"] == b.json()["boolean"])
    # Rows compared as multisets; a LIMIT without ORDER BY may pick other rows, so then only their number.
    def rows(response: httpx.Response) -> list[str]:
        # GROUP_CONCAT joins in no fixed order: compare its parts sorted.
        return sorted(json.dumps({k: {**v, "value": "; ".join(sorted(v["value"].split("; ")))}
                                  for k, v in x.items()}, sort_keys=True)
                      for x in response.json()["results"]["bindings"])

    if "ORDER BY" not in query.upper() and "LIMIT" in query.upper():
        return len(rows(a)) == len(rows(b))
    return rows(a) == rows(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=5, help="seconds per run")
    parser.add_argument("--rounds", type=int, default=3,
                        help="runs per query and server, alternating; the median run of each is reported")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="kennisgraaf server processes (the setting server_processes); default: one per CPU")
    parser.add_argument("--only", nargs="*", help="only these queries (union3 and canned query names)")
    parser.add_argument("--json", type=Path, help="write the results to this file")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (graph, logs)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    results: dict[str, Any] = {"_setup": {"triples": args.triples, "connections": args.connections,
                                          "server_processes": args.processes,
                                          "threads": args.threads, "duration_s": args.duration,
                                          "cpus": os.cpu_count()}}
    with tempfile.TemporaryDirectory(prefix="kennisgraaf-bench-serve-") as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        nquads = _generated_nquads(args.triples, folder)
        _build(nquads, folder / "build")
        chosen = _queries(nquads, folder)
        if args.only:
            chosen = {name: value for name, value in chosen.items() if name in args.only}
        with oxigraph(nquads, folder / "oxigraph.log") as (theirs, their_pid), \
                kennisgraaf(folder / "build", args.connections, args.processes, folder / "serve.log") as (ours, our_pid):
            print(f"{'query':<18} {'oxigraph r/s':>12} {'ours r/s':>9} {'ratio':>6}   {'oxigraph p99':>12} "
                  f"{'ours p99':>9} {'ratio':>6}  same   CPU µs/request: oxigraph ours", flush=True)
            for name, (query, accept) in chosen.items():
                same = _same_answers(ours, theirs, query, accept)
                others, mines = [], []
                for _ in range(args.rounds):  # alternating: a noisy moment on the machine hits both
                    others.append(wrk(theirs, query, accept, args.connections, args.duration, args.threads, their_pid))
                    mines.append(wrk(ours, query, accept, args.connections, args.duration, args.threads, our_pid))
                other, mine = _median(others), _median(mines)
                if not (other["rps"] and mine["rps"] and other["p99_s"]):
                    # A query neither server answers within a run (or one that only fails) has no ratio.
                    print(f"{name:<12} no answer within {args.duration} s: oxigraph {other['rps']:.0f} r/s "
                          f"({other['errors']} non-2xx), kennisgraaf {mine['rps']:.0f} r/s ({mine['errors']} non-2xx)",
                          flush=True)
                    results[name] = {"oxigraph": other, "kennisgraaf": mine, "same_answers": same}
                    continue
                throughput = mine["rps"] / other["rps"]
                latency = mine["p99_s"] / other["p99_s"]
                results[name] = {"oxigraph": other, "kennisgraaf": mine, "throughput_ratio": throughput,
                                 "p99_ratio": latency, "same_answers": same}
                flag = "" if throughput >= 0.7 and latency <= 2 else "  <- misses target"
                print(f"{name:<18} {other['rps']:>12.0f} {mine['rps']:>9.0f} {throughput:>6.2f}   "
                      f"{other['p99_s'] * 1000:>10.1f}ms {mine['p99_s'] * 1000:>7.1f}ms {latency:>6.2f}  "
                      f"{'yes' if same else 'NO '}   {other['cpu_us_per_request']:>8.0f} {mine['cpu_us_per_request']:>6.0f}"
                      f"{flag}", flush=True)
                if mine["errors"] or other["errors"]:
                    print(f"  non-2xx: kennisgraaf {mine['errors']}, oxigraph {other['errors']}", flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
