"""`kennisgraaf serve` before and after the default graph held each fact once, on the same machine at the same
time: the build of commit 4eb7dce (default graph = Oxigraph's union of the claims) against the current code
(default graph = every fact once), alternating rounds per query as bench_serve.py does against Oxigraph.

    git worktree add --detach /tmp/kennisgraaf-old 4eb7dce && (cd /tmp/kennisgraaf-old && bash scripts/setup.sh)
    .venv/bin/python benchmarks/bench_layout.py --old /tmp/kennisgraaf-old --json benchmarks/out/layout.json

Both servers get the same query texts (the current canned queries with parameters bound, and union3); the
target is that no canned query loses more than 10% of its throughput. Requests per second move with whatever
else the machine runs, so each round also gives the CPU time the server (with its workers) spent per request.

Then, without a server, the engine alone: each query on the old layout (the claims, read as their union) and on
the store the current server picks for it (the facts alone, the claims alone, or the whole build: see
web.sparql.plan_query), alternating in one process, with the answer serialised as a worker does; the median
CPU time of each (--in-process-seconds per query, 0 to skip).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_query import _claims_nquads, _generated_nquads
from bench_serve import _build, _median, _queries, kennisgraaf, wrk


def _old_build(nquads: Path, build_dir: Path) -> None:
    """A build folder as the old `kennisgraaf build` left it: the claims only, read through the union."""
    release = build_dir / "releases" / "synthetic"
    release.mkdir(parents=True)
    (build_dir / ".kennisgraaf-build").touch()
    store = ox.Store(str(release / "store"))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    (release / "report.json").write_text("{}", "utf-8")
    (build_dir / "current").symlink_to(Path("releases") / "synthetic")


def in_process(claims: Path, build_dir: Path, chosen: dict[str, tuple[str, str]], seconds: float) -> dict:
    """Median CPU ms per query: on the old layout, and on the store the current server answers it from."""
    from kennisgraaf.config import Settings
    from kennisgraaf.queries import worker
    from kennisgraaf.web.protocol import Operation
    from kennisgraaf.web.sparql import plan_query
    from kennisgraaf.web.state import load_state

    loaded: dict[str, object] = {}

    def load() -> None:  # in a thread, as the server does (web.state: the event loop's arena stays clean)
        old = ox.Store()
        old.bulk_load(path=str(claims), format=ox.RdfFormat.N_QUADS)
        loaded["old"] = old
        settings = Settings.load(ROOT, {"build_dir": str(build_dir), "result_limit": 1_000_000}, environ={})
        loaded["new"] = load_state(settings)

    thread = threading.Thread(target=load)
    thread.start()
    thread.join()
    old, state = loaded["old"], loaded["new"]
    assert isinstance(old, ox.Store)

    def answer(results: object) -> bytes:  # as a worker writes it
        if isinstance(results, ox.QuerySolutions):
            return results.serialize(format=ox.QueryResultsFormat.TSV) or b""
        if isinstance(results, ox.QueryBoolean):
            return b"true" if results else b"false"
        return ox.serialize(results, format=ox.RdfFormat.N_TRIPLES) or b""  # type: ignore[arg-type]

    print(f"\n{'in-process':<18} {'before ms':>10} {'after ms':>10} {'before/after':>12}  after's store", flush=True)
    results = {}
    for name, (query, _) in chosen.items():
        plan = plan_query(state, Operation("query", query), None)  # type: ignore[arg-type]
        store = state.facts if plan.facts else state.claims if plan.claims else state.store  # type: ignore[attr-defined]
        where = "facts" if plan.facts else "claims" if plan.claims else "build"
        runs: dict[str, list[float]] = {"before": [], "after": []}
        ends = time.perf_counter() + seconds
        while time.perf_counter() < ends or len(runs["after"]) < 3:
            started = time.process_time()
            answer(old.query(query, use_default_graph_as_union=True))
            runs["before"].append(time.process_time() - started)
            started = time.process_time()
            answer(worker.run_here(store, plan.job))
            runs["after"].append(time.process_time() - started)
        before, after = (statistics.median(runs[k]) * 1000 for k in ("before", "after"))
        results[name] = {"before_ms": before, "after_ms": after, "store": where, "runs": len(runs["after"])}
        print(f"{name:<18} {before:>10.3f} {after:>10.3f} {before / after:>12.2f}  {where}", flush=True)
    worker.shutdown()
    return results


def server(project: Path, build_dir: Path, connections: int, processes: int, log: Path
           ) -> contextlib.AbstractContextManager[tuple[str, int]]:
    """`kennisgraaf serve` of the checkout `project`, by its own .venv."""
    return kennisgraaf(build_dir, connections, processes, log, project, project / ".venv" / "bin" / "kennisgraaf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", type=Path, required=True, help="a checkout of the old code with its .venv")
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--in-process-seconds", type=float, default=3.0, help="per query; 0: no in-process part")
    parser.add_argument("--no-servers", action="store_true", help="only the in-process part")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kennisgraaf-bench-layout-"))
    try:
        claims = _claims_nquads(args.triples, folder)
        built = _generated_nquads(args.triples, folder)
        _old_build(claims, folder / "old-build")
        _build(built, folder / "new-build")
        chosen = _queries(built, folder)
        if args.only:
            chosen = {name: chosen[name] for name in args.only}
        results: dict = {}
        if not args.no_servers:
            results["served"] = serve_both(args, folder, chosen)
        if args.in_process_seconds > 0:
            results["in_process"] = in_process(claims, folder / "new-build", chosen, args.in_process_seconds)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(results, indent=2), "utf-8")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def serve_both(args: argparse.Namespace, folder: Path, chosen: dict[str, tuple[str, str]]) -> dict:
    """Both servers, alternating rounds of wrk per query: the median round's requests/s and CPU µs per request."""
    results = {}
    with server(args.old.resolve(), folder / "old-build", args.connections, args.processes,
                folder / "old.log") as (old, old_pid), \
            server(ROOT, folder / "new-build", args.connections, args.processes, folder / "new.log") as (new, new_pid):
        print(f"{'query':<18} {'before r/s':>10} {'after r/s':>10} {'after/before':>12}  {'CPU µs before':>13} "
              f"{'after':>6}", flush=True)
        for name, (query, accept) in chosen.items():
            befores, afters = [], []
            for _ in range(args.rounds):
                befores.append(wrk(old, query, accept, args.connections, args.duration, args.threads, old_pid))
                afters.append(wrk(new, query, accept, args.connections, args.duration, args.threads, new_pid))
            before, after = _median(befores), _median(afters)
            ratio = after["rps"] / before["rps"] if before["rps"] else float("nan")
            results[name] = {"before": before, "after": after, "after_over_before": ratio}
            flag = "" if ratio >= 0.9 else "  <- drops more than 10%"
            print(f"{name:<18} {before['rps']:>10.0f} {after['rps']:>10.0f} {ratio:>12.2f}  "
                  f"{before['cpu_us_per_request']:>13.0f} {after['cpu_us_per_request']:>6.0f}{flag}", flush=True)
    return results


if __name__ == "__main__":
    main()
