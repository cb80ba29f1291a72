"""Benchmark of `kennisgraaf build` against `oxigraph load`, in one run, on the same synthetic TriG file.

For each size (quads; default 10k, 100k, 1M):

1. `benchmarks/generate.py` writes a synthetic graph shaped like ours (validates with 0 violations) into
   `project/data/synthetic.trig`, next to copies of `ontology/` and `shapes/` and an empty `kennisgraaf.toml`.
2. `oxigraph load --location DIR --file synthetic.trig` (PyPI `oxigraph`): wall time and peak RSS.
3. Our load phase without validation, each in a fresh Python process (wall time of the step inside the
   process, and peak RSS of the process):
   - `memory`: `kennisgraaf.graph.loading.load(settings)` into an in-memory pyoxigraph store (the `read` step of
     `build`), then the `store` step of `build` (dump as N-Quads, bulk-load into an on-disk store);
   - `bulk`: `kennisgraaf.graph.loading.load(settings, store=ox.Store(DIR), bulk=True)`: file to on-disk store, as
     `oxigraph load` does.
4. `kennisgraaf build --project PROJECT` (validation included): wall time and peak RSS of the process, and the
   timings (read / validate / store / total) and peak memory from the build's report.json. Skipped above
   `--validate-max` quads; stopped (and reported as such) after `--build-timeout` seconds.

Load ratio = time of `oxigraph load` / our time (>= 0.5 is the target of issue 3): against the read step,
against read + store (file to on-disk store, like `oxigraph load`), against the bulk load, and against the
whole build (which includes SHACL validation).

    .venv/bin/python benchmarks/bench_build.py                                # 10k, 100k, 1M
    .venv/bin/python benchmarks/bench_build.py --sizes 10000 100000 --build-timeout 600

Writes benchmarks/out/build.json and benchmarks/out/build.md (ignored by git).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate


def run_measured(command: list[str], timeout: float | None = None, cwd: Path | None = None) -> dict[str, Any]:
    """Runs `command`; wall time, peak RSS (MB, of that process alone, via wait4), exit code and output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISGRAAF_")}
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=cwd, env=env, start_new_session=True)
        timed_out = False
        deadline = None if timeout is None else started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                os.killpg(process.pid, signal.SIGKILL)
                timed_out = True
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.02)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"wall_s": wall, "peak_rss_mb": usage.ru_maxrss / 1024, "cpu_s": usage.ru_utime + usage.ru_stime,
                "exit": process.returncode, "timed_out": timed_out,
                "stdout": out.read().decode(errors="replace"), "stderr": err.read().decode(errors="replace")}


def _inner_load(project: str, mode: str, store_dir: str) -> None:
    """Runs in a fresh process: our load phase without validation; prints its timings as JSON."""
    import pyoxigraph as ox

    from kennisgraaf.config import Settings
    from kennisgraaf.graph.loading import load

    settings = Settings.load(project, environ={})
    result: dict[str, float] = {}
    started = time.perf_counter()
    if mode == "memory":
        graph = load(settings)
        result["read_s"] = time.perf_counter() - started
        step = time.perf_counter()
        dump = graph.store.dump(format=ox.RdfFormat.N_QUADS)
        store = ox.Store(store_dir)
        store.bulk_load(dump, ox.RdfFormat.N_QUADS)
        store.flush()
        result["quads"] = len(store)
        del store
        result["store_s"] = time.perf_counter() - step
    else:
        store = ox.Store(store_dir)
        graph = load(settings, store=store, bulk=True)
        store.flush()
        result["bulk_s"] = time.perf_counter() - started
        result["quads"] = len(store)
        del graph, store
    print(json.dumps(result))


def _project(folder: Path, quads: int, seed: int) -> tuple[Path, Path, int]:
    project = folder / "project"
    (project / "data").mkdir(parents=True)
    for part in ("ontology", "shapes"):
        shutil.copytree(ROOT / part, project / part)
    (project / "kennisgraaf.toml").write_text("", "utf-8")
    data = project / "data" / "synthetic.trig"
    written = generate(quads, data, seed=seed)
    return project, data, written


def _build_report(project: Path) -> dict[str, Any]:
    return json.loads((project / "build" / "current" / "report.json").read_text("utf-8"))


def measure(quads: int, folder: Path, seed: int, validate_max: int, build_timeout: float) -> dict[str, Any]:
    result: dict[str, Any] = {"target_quads": quads}
    started = time.perf_counter()
    project, data, written = _project(folder, quads, seed)
    result["generate_s"] = time.perf_counter() - started
    result["quads_in_file"] = written
    result["file_mb"] = data.stat().st_size / 1e6
    print(f"\n== {written:,} quads, {result['file_mb']:.1f} MB TriG ({result['generate_s']:.1f} s to generate)",
          flush=True)

    theirs = run_measured([str(BIN / "oxigraph"), "load", "--location", str(folder / "oxigraph"),
                           "--file", str(data)])
    if theirs["exit"] != 0:
        raise RuntimeError(f"oxigraph load failed: {theirs['stderr'][-500:]}")
    result["oxigraph_load"] = {k: theirs[k] for k in ("wall_s", "peak_rss_mb", "cpu_s")}
    print(f"  oxigraph load            {theirs['wall_s']:7.2f} s  {theirs['peak_rss_mb']:7.0f} MB", flush=True)

    for mode in ("memory", "bulk"):
        ours = run_measured([sys.executable, __file__, "--inner-load", str(project), mode,
                             str(folder / f"store-{mode}")])
        if ours["exit"] != 0:
            raise RuntimeError(f"load ({mode}) failed: {ours['stderr'][-800:]}")
        inner = json.loads(ours["stdout"].strip().splitlines()[-1])
        result[f"load_{mode}"] = {**inner, "process_wall_s": ours["wall_s"], "peak_rss_mb": ours["peak_rss_mb"]}
        shutil.rmtree(folder / f"store-{mode}", ignore_errors=True)
        steps = "  ".join(f"{k} {v:.2f} s" for k, v in inner.items() if k.endswith("_s"))
        print(f"  kennisgraaf load {mode:<7} {steps}  (process {ours['wall_s']:.2f} s, {ours['peak_rss_mb']:.0f} MB,"
              f" {inner['quads']:,} quads incl. ontology)", flush=True)

    if written > validate_max:
        result["build"] = {"skipped": f"more than --validate-max {validate_max} quads"}
        print(f"  kennisgraaf build        skipped (more than {validate_max:,} quads)", flush=True)
    else:
        build = run_measured([str(BIN / "kennisgraaf"), "build", "--project", str(project)], timeout=build_timeout)
        entry: dict[str, Any] = {k: build[k] for k in ("wall_s", "peak_rss_mb", "cpu_s", "exit", "timed_out")}
        if build["timed_out"]:
            entry["skipped"] = f"stopped after --build-timeout {build_timeout:.0f} s"
            print(f"  kennisgraaf build        stopped after {build_timeout:.0f} s", flush=True)
        elif build["exit"] != 0:
            raise RuntimeError(f"kennisgraaf build failed: {build['stdout'][-800:]} {build['stderr'][-800:]}")
        else:
            report = _build_report(project)
            entry["timings"] = report["timings"]
            entry["report_peak_memory_mb"] = report["peak_memory_mb"]
            entry["warnings"] = len(report["warnings"])
            entry["triples"] = report["counts"]["triples"]
            timings = report["timings"]
            print(f"  kennisgraaf build        {build['wall_s']:7.2f} s  {build['peak_rss_mb']:7.0f} MB   read "
                  f"{timings['read']:.2f} s, validate {timings['validate']:.2f} s, store {timings['store']:.2f} s,"
                  f" total {timings['total']:.2f} s", flush=True)
        result["build"] = entry
    shutil.rmtree(folder / "oxigraph", ignore_errors=True)

    oxigraph_s = result["oxigraph_load"]["wall_s"]
    memory = result["load_memory"]
    ratios = {"read": oxigraph_s / memory["read_s"],
              "read_store": oxigraph_s / (memory["read_s"] + memory["store_s"]),
              "bulk": oxigraph_s / result["load_bulk"]["bulk_s"]}
    if "timings" in result["build"]:
        ratios["build_total"] = oxigraph_s / result["build"]["timings"]["total"]
        ratios["build_read"] = oxigraph_s / result["build"]["timings"]["read"]
        ratios["build_read_store"] = oxigraph_s / (result["build"]["timings"]["read"]
                                                   + result["build"]["timings"]["store"])
    result["ratios"] = ratios
    print("  ratios (oxigraph / ours): " + ", ".join(f"{k} {v:.2f}" for k, v in ratios.items()), flush=True)
    return result


def markdown(results: list[dict[str, Any]]) -> str:
    def s(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f} s"

    lines = [("| quads | TriG MB | `oxigraph load` | peak RSS | our read (in memory) | + store | read+store peak RSS "
              "| our bulk load | peak RSS | build: read / validate / store / total | build peak RSS "
              "| ratio read | ratio read+store | ratio bulk | ratio build total |"),
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|"]
    for r in results:
        build = r["build"]
        t = build.get("timings")
        build_cell = (f"{t['read']:.2f} / {t['validate']:.2f} / {t['store']:.2f} / {t['total']:.2f} s" if t
                      else build.get("skipped", "–"))
        build_rss = f"{build['peak_rss_mb']:.0f} MB" if t else "–"
        ratios = r["ratios"]
        total = f"{ratios['build_total']:.2f}" if "build_total" in ratios else "–"
        lines.append(
            f"| {r['quads_in_file']:,} | {r['file_mb']:.1f} | {s(r['oxigraph_load']['wall_s'])} "
            f"| {r['oxigraph_load']['peak_rss_mb']:.0f} MB | {s(r['load_memory']['read_s'])} "
            f"| {s(r['load_memory']['store_s'])} | {r['load_memory']['peak_rss_mb']:.0f} MB "
            f"| {s(r['load_bulk']['bulk_s'])} | {r['load_bulk']['peak_rss_mb']:.0f} MB | {build_cell} | {build_rss} "
            f"| {ratios['read']:.2f} | {ratios['read_store']:.2f} | {ratios['bulk']:.2f} | {total} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--inner-load":
        _inner_load(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000],
                        help="sizes in quads (default: 10000 100000 1000000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--validate-max", type=int, default=10_000_000,
                        help="skip `kennisgraaf build` (which validates) above this many quads")
    parser.add_argument("--build-timeout", type=float, default=900.0,
                        help="stop `kennisgraaf build` after this many seconds and report it as stopped")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out",
                        help="folder for build.json and build.md")
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    options = parser.parse_args()
    if not (BIN / "oxigraph").exists():
        sys.exit(f"{BIN / 'oxigraph'} is missing: pip install oxigraph")
    version = subprocess.run([str(BIN / "oxigraph"), "--version"], capture_output=True, text=True,
                             check=False).stdout.strip()
    results = []
    for quads in options.sizes:
        with tempfile.TemporaryDirectory(prefix="kennisgraaf-bench-build-") as tmp:
            folder = (options.keep / str(quads)) if options.keep else Path(tmp)
            if options.keep:
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
            results.append(measure(quads, folder, options.seed, options.validate_max, options.build_timeout))
    options.out.mkdir(parents=True, exist_ok=True)
    report = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "cpus": os.cpu_count(),
              "load_average": os.getloadavg(), "python": platform.python_version(), "oxigraph_cli": version,
              "results": results}
    (options.out / "build.json").write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    table = markdown(results)
    (options.out / "build.md").write_text(table, "utf-8")
    print("\n" + table)
    print(f"written: {options.out / 'build.json'}, {options.out / 'build.md'}")


if __name__ == "__main__":
    main()
