"""Benchmark of validating single entries against a built graph: incrementally (against the current build) and in
full (the whole graph again, keeping the problems placed in the entry), on synthetic graphs of `generate.py`.

For each size (quads; default 10k, 100k, 1M):

1. `generate.py` writes the graph into `project/data/synthetic.trig` (with copies of `ontology/` and `shapes/`),
   and `kennisgraaf build --project PROJECT` builds it (skipped with `--reuse` when a build is there).
2. The entries of `entries.py` (good and broken ones; the unreadable ones left out) are written next to the
   project, outside its data folder: new files.
3. Incremental: `kennisgraaf.validate(settings, [entry])` in this process, for every entry (the library call:
   it checks that the build is current, opens the store, validates); its median, p95 and maximum. Every one
   must have gone the incremental way.
4. The command line: `kennisgraaf validate --project PROJECT ENTRY` in a fresh process for `--cli-runs` entries
   (wall time, Python start-up and imports included).
5. Full: the whole-graph validation of `--full-runs` entries (`validation.validator.validate`), each compared
   with the incremental result (they must be the same).

    .venv/bin/python benchmarks/bench_validate.py                              # 10k, 100k, 1M
    .venv/bin/python benchmarks/bench_validate.py --sizes 10000 --full-runs 5
    .venv/bin/python benchmarks/bench_validate.py --keep /tmp/kg-bench --reuse  # keep the projects, build once

Writes benchmarks/out/validate.json and benchmarks/out/validate.md (ignored by git).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_build import run_measured  # noqa: E402
from entries import entries  # noqa: E402
from generate import generate  # noqa: E402


def _project(folder: Path, quads: int, seed: int, reuse: bool) -> tuple[Path, dict[str, Any]]:
    project = folder / "project"
    if reuse and (project / "build" / "current" / "report.json").exists():
        return project, {"reused": True}
    shutil.rmtree(project, ignore_errors=True)
    (project / "data").mkdir(parents=True)
    for part in ("ontology", "shapes"):
        shutil.copytree(ROOT / part, project / part)
    (project / "kennisgraaf.toml").write_text("", "utf-8")
    written = generate(quads, project / "data" / "synthetic.trig", seed=seed)
    built = run_measured([str(BIN / "kennisgraaf"), "build", "--project", str(project)])
    if built["exit"] != 0:
        raise RuntimeError(f"kennisgraaf build failed: {built['stdout'][-800:]} {built['stderr'][-800:]}")
    return project, {"quads_in_file": written, "build_wall_s": built["wall_s"],
                     "build_peak_rss_mb": built["peak_rss_mb"]}


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"n": len(times), "median_s": statistics.median(times), "p95_s": p95, "max_s": ordered[-1]}


def measure(quads: int, folder: Path, seed: int, reuse: bool, full_runs: int, cli_runs: int) -> dict[str, Any]:
    import kennisgraaf
    from kennisgraaf.config import Settings
    from kennisgraaf.validation.validator import validate as validate_in_full

    project, result = _project(folder, quads, seed, reuse)
    report = json.loads((project / "build" / "current" / "report.json").read_text("utf-8"))
    result.update(target_quads=quads, quads=report["counts"]["quads"], build_timings=report["timings"])
    settings = Settings.load(project, environ={})
    folder_of_entries = folder / "entries"
    shutil.rmtree(folder_of_entries, ignore_errors=True)
    folder_of_entries.mkdir()
    paths = []
    for entry in entries():
        if entry.error:
            continue
        path = folder_of_entries / f"{entry.name}.trig"
        path.write_text(entry.text, "utf-8")
        paths.append(path)
    print(f"\n== {result.get('quads_in_file', quads):,} quads written ({result['quads']:,} in the store), "
          f"{len(paths)} entries", flush=True)

    times, incremental = [], {}
    for path in paths:
        started = time.perf_counter()
        found = kennisgraaf.validate(settings, [path])
        times.append(time.perf_counter() - started)
        if found.method != "incremental":
            raise RuntimeError(f"{path.name}: validated in full ({found.why_full})")
        incremental[path] = found
    result["incremental"] = _summary(times)
    result["incremental"]["slowest"] = paths[times.index(max(times))].name
    print(f"  incremental (in process) median {result['incremental']['median_s']:.3f} s, "
          f"p95 {result['incremental']['p95_s']:.3f} s, max {result['incremental']['max_s']:.3f} s "
          f"({result['incremental']['slowest']})", flush=True)

    cli = []
    for path in paths[:cli_runs]:
        run = run_measured([str(BIN / "kennisgraaf"), "validate", "--project", str(project), str(path)])
        if run["exit"] not in (0, 1):
            raise RuntimeError(f"kennisgraaf validate failed: {run['stderr'][-800:]}")
        cli.append(run["wall_s"])
    if cli:
        result["cli"] = _summary(cli)
        print(f"  kennisgraaf validate (fresh process) median {result['cli']['median_s']:.3f} s, "
              f"max {result['cli']['max_s']:.3f} s", flush=True)

    full, same = [], True
    step = max(1, len(paths) // max(1, full_runs))
    for path in paths[::step][:full_runs]:
        started = time.perf_counter()
        found = validate_in_full(settings, [path])
        full.append(time.perf_counter() - started)
        same &= sorted(map(_key, found.problems)) == sorted(map(_key, incremental[path].problems))
        print(f"  full {path.name}: {full[-1]:.2f} s", flush=True)
    if full:
        result["full"] = _summary(full)
        result["same_problems"] = same
        result["speedup_median"] = result["full"]["median_s"] / result["incremental"]["median_s"]
        print(f"  full median {result['full']['median_s']:.2f} s; same problems: {same}; "
              f"{result['speedup_median']:.0f}x", flush=True)
    return result


def _key(problem: Any) -> tuple[Any, ...]:
    return tuple(sorted(asdict(problem).items()))


def markdown(results: list[dict[str, Any]]) -> str:
    lines = ["| quads written | in the store | entries | incremental median | p95 | max "
             "| `kennisgraaf validate` (fresh process) median | full median (runs) | same problems | speed-up |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---:|"]
    for r in results:
        inc, cli, full = r["incremental"], r.get("cli"), r.get("full")
        cli_cell = f"{cli['median_s']:.2f} s" if cli else "–"
        full_cell = f"{full['median_s']:.2f} s ({full['n']})" if full else "–"
        same = ("yes" if r.get("same_problems") else "NO") if full else "–"
        speedup = f"{r['speedup_median']:.0f}x" if full else "–"
        lines.append(f"| {r.get('quads_in_file', r['target_quads']):,} | {r['quads']:,} | {inc['n']} "
                     f"| {inc['median_s']:.3f} s | {inc['p95_s']:.3f} s "
                     f"| {inc['max_s']:.3f} s | {cli_cell} | {full_cell} | {same} | {speedup} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--full-runs", type=int, default=3, help="entries validated in full per size (default 3)")
    parser.add_argument("--cli-runs", type=int, default=5, help="entries validated by the command line per size")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder (SIZE/project) and keep it")
    parser.add_argument("--reuse", action="store_true", help="with --keep: use a project already built there")
    options = parser.parse_args()
    results = []
    for quads in options.sizes:
        with tempfile.TemporaryDirectory(prefix="kennisgraaf-bench-validate-") as tmp:
            folder = (options.keep / str(quads)) if options.keep else Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            results.append(measure(quads, folder, options.seed, options.reuse and options.keep is not None,
                                   options.full_runs, options.cli_runs))
    options.out.mkdir(parents=True, exist_ok=True)
    report = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "cpus": os.cpu_count(),
              "load_average": os.getloadavg(), "python": platform.python_version(), "results": results}
    (options.out / "validate.json").write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    table = markdown(results)
    (options.out / "validate.md").write_text(table, "utf-8")
    print("\n" + table)
    print(f"written: {options.out / 'validate.json'}, {options.out / 'validate.md'}")


if __name__ == "__main__":
    main()
