"""Benchmarks of the canned queries.

1. `kennisgraaf query NAME` wall time on the Leiden graph, Python start-up included (target: at most 0.6 s).
2. Each canned query on a synthetic graph of about a million triples: the latency of
   `kennisgraaf.queries.run()` (worker process, time limit, result limit, parsing the rows) against pyoxigraph
   running the same query string on the same store in the same process (target: pyoxigraph time / our time
   at least 0.8).

The synthetic graph comes from benchmarks/generate.py when that exists (`python benchmarks/generate.py
--triples N --output FILE`), else from the small generator below, which follows data/README.md.

    .venv/bin/python benchmarks/bench_query.py                 # both parts, 1M triples
    .venv/bin/python benchmarks/bench_query.py --triples 200000 --repeat 3
    .venv/bin/python benchmarks/bench_query.py --skip-synthetic --json out.json

Results are printed as a table, and written as JSON with --json (benchmarks/out/ is ignored by git).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).with_name("kennisgraaf")
ID = "https://w3id.org/kennisgraaf/id/"
KG = "https://w3id.org/kennisgraaf/def/"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Parameters for the canned queries on the Leiden graph (as a person would type them).
LEIDEN_ARGUMENTS: dict[str, list[str]] = {
    "partners": ["--year", "2023"],
    "parties": ["--agreement", "overeenkomst:samenwerkingsovereenkomst-2022"],
    "agreements": ["--organisation", "Hogeschool Leiden"],
    "networks": [],
    "members": ["--group", "Leiden Healthy Society Center"],
    "initiatives": ["--organisation", "mboRijnland"],
    "together": [],
    "themes": [],
    "flagships": [],
    "budgets": [],
    "allocations": [],
    "timeline": ["--since", "2017", "--until", "2018"],
    "changes": ["--since", "2018", "--until", "2023"],
    "sources": ["--entity", "organisatie:mborijnland"],
    "describe": ["--entity", "organisatie:mborijnland"],
    "lookup": ["--name", "leiden"],
    "shape": [],
}


# ------------------------------------------------------------------------------------------------ CLI wall time


def _leiden_build(folder: Path) -> Path:
    """Builds the Leiden graph into `folder` (a build folder) and returns it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISGRAAF_")}
    env["KENNISGRAAF_BUILD_DIR"] = str(folder)
    subprocess.run([str(SCRIPT), "build"], check=True, cwd=ROOT, env=env,
                   capture_output=True)
    return folder


def cli_wall_times(build_dir: Path, repeat: int) -> dict[str, dict[str, float]]:
    from kennisgraaf.queries.catalogue import query_names

    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISGRAAF_")}
    env["KENNISGRAAF_BUILD_DIR"] = str(build_dir)
    results: dict[str, dict[str, float]] = {}
    commands = {"python -c pass": [sys.executable, "-c", "pass"],
                "kennisgraaf --version": [str(SCRIPT), "--version"]}
    for name in query_names(ROOT / "queries"):
        commands[f"query {name}"] = [str(SCRIPT), "query", name, *LEIDEN_ARGUMENTS.get(name, [])]
    for label, command in commands.items():
        times = []
        for _ in range(repeat + 1):
            started = time.perf_counter()
            done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=False)
            times.append(time.perf_counter() - started)
            if done.returncode != 0:
                raise RuntimeError(f"{label} failed: {done.stderr.decode()}")
        times = times[1:]  # the first run warms the file cache
        results[label] = {"median_s": statistics.median(times), "max_s": max(times)}
        print(f"  {label:<28} median {statistics.median(times):.3f} s   max {max(times):.3f} s", flush=True)
    return results


# ------------------------------------------------------------------------------------------------ synthetic graph


def synthetic_quads(triples: int, seed: int = 7) -> list[ox.Quad]:
    """About `triples` quads in the shape of the Leiden graph: claims (named graphs) with a source and a quote,
    organisations, collaborations with memberships (Leiden Kennisstad among them), agreements with parties,
    initiatives with participants, events, budgets with allocations, themes."""
    rng = random.Random(seed)
    quads: list[ox.Quad] = []

    def n(kind: str, slug: str | int) -> ox.NamedNode:
        return ox.NamedNode(f"{ID}{kind}/{slug}")

    def kg(term: str) -> ox.NamedNode:
        return ox.NamedNode(KG + term)

    a, label, org = ox.NamedNode(RDF_TYPE), ox.NamedNode(RDFS_LABEL), lambda t: ox.NamedNode(ORG + t)
    units = max(1, triples // 75)  # a unit (two memberships, an agreement, ...) is about 75 quads
    organisations = [n("organisatie", f"org-{i}") for i in range(max(20, units // 4))]
    collaborations = [n("samenwerking", "leiden-kennisstad")] + [
        n("samenwerking", f"netwerk-{i}") for i in range(max(5, units // 40))]
    roles = [n("rol", r) for r in ("kennispartner", "partner", "lid", "voorzitter", "trekker")]
    themes = [n("thema", f"thema-{i}") for i in range(50)]
    documents = [n("document", f"document-{i}") for i in range(20)]
    claim_count = 0

    def claim(facts: list[tuple[Any, Any, Any]], quote: str) -> None:
        nonlocal claim_count
        claim_count += 1
        graph = n("bewering", f"c{claim_count}")
        quads.append(ox.Quad(graph, a, kg("Claim"), graph))
        quads.append(ox.Quad(graph, ox.NamedNode(PROV + "wasDerivedFrom"), rng.choice(documents), graph))
        quads.append(ox.Quad(graph, kg("quote"), ox.Literal(quote), graph))
        quads.extend(ox.Quad(s, p, o, graph) for s, p, o in facts)

    for i, organisation in enumerate(organisations):
        claim([(organisation, a, org("Organization")), (organisation, label, ox.Literal(f"Organisatie {i}", language="nl")),
               (organisation, ox.NamedNode(SKOS + "altLabel"), ox.Literal(f"O{i}", language="nl"))],
              f"De organisatie {i} werkt mee aan de kennisstad.")
    for i, collaboration in enumerate(collaborations):
        claim([(collaboration, a, org("OrganizationalCollaboration")),
               (collaboration, label, ox.Literal(f"Netwerk {i}", language="nl"))], f"Het netwerk {i} bestaat.")
    for theme in themes:
        claim([(theme, a, ox.NamedNode(SKOS + "Concept")), (theme, label, ox.Literal(f"Thema {theme.value[-2:]}", language="nl"))],
              "Een thema.")
    for i in itertools.count():
        year = rng.randint(2012, 2024)
        members = rng.sample(organisations, 4)
        collaboration = collaborations[0] if i % 25 == 0 else rng.choice(collaborations)
        for j, member in enumerate(members[:2]):
            membership = n("lidmaatschap", f"m{i}-{j}")
            facts = [(membership, a, org("Membership")), (membership, org("member"), member),
                     (membership, org("organization"), collaboration),
                     (membership, org("role"), roles[0] if collaboration == collaborations[0] else rng.choice(roles)),
                     (membership, kg("startYear"), ox.Literal(year))]
            if rng.random() < 0.4:
                facts.append((membership, kg("endYear"), ox.Literal(year + rng.randint(0, 6))))
            claim(facts, f"{member.value[-6:]} is lid sinds {year}.")
        agreement = n("overeenkomst", f"a{i}")
        day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        claim([(agreement, a, kg("Agreement")), (agreement, label, ox.Literal(f"Overeenkomst {i}", language="nl")),
               *[(agreement, kg("party"), party) for party in members],
               (agreement, kg("signingDate"), ox.Literal(day, datatype=ox.NamedNode(XSD + "date"))),
               (agreement, kg("startYear"), ox.Literal(year)), (agreement, kg("endYear"), ox.Literal(year + 4)),
               (agreement, kg("theme"), rng.choice(themes)), (agreement, kg("flagship"), n("initiatief", f"i{i}"))],
              f"Op {day} is overeenkomst {i} gesloten.")
        initiative = n("initiatief", f"i{i}")
        claim([(initiative, a, kg("Initiative")), (initiative, label, ox.Literal(f"Initiatief {i}", language="nl")),
               *[(initiative, kg("participant"), p) for p in rng.sample(organisations, 3)],
               (initiative, kg("startYear"), ox.Literal(year)), (initiative, kg("theme"), rng.choice(themes))],
              f"Initiatief {i} begon in {year}.")
        event = n("evenement", f"e{i}")
        claim([(event, a, ox.NamedNode(SCHEMA + "Event")), (event, label, ox.Literal(f"Evenement {i}", language="nl")),
               (event, ox.NamedNode(SCHEMA + "startDate"), ox.Literal(day, datatype=ox.NamedNode(XSD + "date"))),
               (event, ox.NamedNode(SCHEMA + "organizer"), members[0]), (event, kg("participant"), members[1])],
              f"Evenement {i} vond plaats op {day}.")
        if i % 5 == 0:
            budget = n("budget", f"b{i}")
            facts = [(budget, a, kg("Budget")), (budget, label, ox.Literal(f"Budget {i}", language="nl")),
                     (budget, ox.NamedNode(SCHEMA + "value"), ox.Literal(f"{rng.randint(1, 90) * 10000}.00",
                                                                          datatype=ox.NamedNode(XSD + "decimal"))),
                     (budget, kg("year"), ox.Literal(year))]
            for k in range(3):
                allocation = n("toekenning", f"t{i}-{k}")
                facts += [(allocation, a, kg("Allocation")), (allocation, kg("fromBudget"), budget),
                          (allocation, ox.NamedNode(SCHEMA + "value"), ox.Literal(
                              f"{rng.randint(1, 9) * 1000}.00", datatype=ox.NamedNode(XSD + "decimal"))),
                          (allocation, kg("beneficiary"), initiative)]
            claim(facts, f"Budget {i} is verdeeld.")
        if len(quads) >= triples:
            break
    return quads


def _generated_nquads(triples: int, folder: Path) -> Path:
    """The synthetic graph as an N-Quads file laid out as a build is (each fact once in the default graph, the
    claims as named graphs): from benchmarks/generate.py when present, else our own."""
    output = _claims_nquads(triples, folder)
    from kennisgraaf.store.builds import state_each_fact_once

    store = ox.Store()
    store.bulk_load(path=str(output), format=ox.RdfFormat.N_QUADS)
    state_each_fact_once(store)
    built = folder / f"synthetic-{triples}-built.nq"
    store.dump(str(built), format=ox.RdfFormat.N_QUADS)
    return built


def _claims_nquads(triples: int, folder: Path) -> Path:
    output = folder / f"synthetic-{triples}.nq"
    generator = ROOT / "benchmarks" / "generate.py"
    if generator.exists():
        try:
            subprocess.run([sys.executable, str(generator), "--triples", str(triples), "--output", str(output)],
                           check=True, capture_output=True, cwd=ROOT)
            if output.exists() and output.stat().st_size > 0:
                print(f"  synthetic graph from benchmarks/generate.py: {output}", flush=True)
                return output
        except subprocess.CalledProcessError as error:
            print(f"  benchmarks/generate.py failed ({error.stderr.decode()[-300:]}); using our own generator",
                  flush=True)
    output.write_bytes(ox.serialize(synthetic_quads(triples), format=ox.RdfFormat.N_QUADS) or b"")
    print(f"  synthetic graph from bench_query.synthetic_quads: {output}", flush=True)
    return output


def _pick(store: ox.Store, query: str) -> str | None:
    for solution in store.query(query):
        return str(solution[0].value)
    return None


def synthetic_arguments(store: ox.Store) -> dict[str, dict[str, Any]]:
    """Parameters for each canned query that name things in the synthetic graph (IRIs, so no name lookup)."""
    organisation = _pick(store, f"SELECT ?o WHERE {{ ?m <{ORG}member> ?o }} LIMIT 1")
    agreement = _pick(store, f"SELECT ?a WHERE {{ ?a <{KG}party> ?o }} LIMIT 1")
    group = _pick(store, f"SELECT ?g WHERE {{ ?m <{ORG}organization> ?g }} LIMIT 1")
    budget = _pick(store, f"SELECT ?b WHERE {{ ?t <{KG}fromBudget> ?b }} LIMIT 1")
    other = _pick(store, f"SELECT ?a WHERE {{ ?a <{KG}party> ?o FILTER(?a != <{agreement}>) }} LIMIT 1")
    return {
        "compare-agreements": {"first": agreement, "second": other}, "compare-years": {"first": 2019, "second": 2021},
        "evidence": {"subject": organisation, "object": group},
        "partners": {"year": 2020}, "parties": {"agreement": agreement}, "agreements": {"organisation": organisation},
        "networks": {"organisation": organisation}, "members": {"group": group},
        "initiatives": {"organisation": organisation}, "together": {"organisation": organisation},
        "themes": {"year": 2020}, "flagships": {"agreement": agreement}, "budgets": {"year": 2020},
        "allocations": {"budget": budget}, "timeline": {"since": 2020, "until": 2020},
        "changes": {"since": 2020, "until": 2021}, "sources": {"entity": organisation},
        "describe": {"entity": organisation}, "lookup": {"name": "organisatie 123"}, "shape": {},
    }


def _materialise(results: Any) -> int:
    if isinstance(results, ox.QueryBoolean):
        return int(bool(results))
    if isinstance(results, ox.QuerySolutions):
        return len([tuple(solution) for solution in results])
    return len(list(results))


def in_process_latencies(triples: int, repeat: int, folder: Path, timeout: float) -> dict[str, dict[str, float]]:
    from kennisgraaf import queries
    from kennisgraaf.config import Settings

    nquads = _generated_nquads(triples, folder)
    store_folder = folder / "store"
    started = time.perf_counter()
    writer = ox.Store(str(store_folder))
    writer.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    writer.flush()
    count = len(writer)
    del writer
    print(f"  loaded {count:,} quads in {time.perf_counter() - started:.1f} s", flush=True)
    store = ox.Store.read_only(str(store_folder))
    settings = Settings.load(ROOT, {"query_timeout": timeout, "result_limit": 1_000_000}, environ={})
    target = queries.Target.of(settings, store=store_folder)
    results: dict[str, dict[str, float]] = {"_graph": {"quads": count}}
    arguments = synthetic_arguments(store)
    print(f"  {'query':<12} {'rows':>7} {'pyoxigraph':>11} {'kennisgraaf':>12} {'ratio':>6}", flush=True)
    for name, canned in queries.list_queries(settings).items():
        text = queries.prepare(canned, arguments.get(name, {}), target)
        ours, theirs, rows = [], [], 0
        for attempt in range(repeat + 1):  # the first round warms caches and starts the worker
            began = time.perf_counter()
            rows = _materialise(store.query(text))
            middle = time.perf_counter()
            result = queries.run(name, arguments.get(name, {}), settings=settings, store=store_folder)
            ended = time.perf_counter()
            if attempt:
                theirs.append(middle - began)
                ours.append(ended - middle)
        assert len(result) == rows or result.kind == "ask", (name, len(result), rows)
        ratio = statistics.median(theirs) / statistics.median(ours)
        results[name] = {"rows": rows, "pyoxigraph_s": statistics.median(theirs),
                         "kennisgraaf_s": statistics.median(ours), "ratio": ratio}
        print(f"  {name:<12} {rows:>7} {statistics.median(theirs) * 1000:>9.1f}ms {statistics.median(ours) * 1000:>10.1f}ms"
              f" {ratio:>6.2f}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120.0, help="time limit per query, seconds")
    parser.add_argument("--skip-cli", action="store_true")
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    options = parser.parse_args()
    report: dict[str, Any] = {"python": sys.version.split()[0], "pyoxigraph": ox.__version__ if hasattr(
        ox, "__version__") else "?", "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="bench-query-") as scratch:
        folder = Path(scratch)
        if not options.skip_cli:
            print("kennisgraaf query NAME, wall time on the Leiden graph (target <= 0.6 s):", flush=True)
            build = _leiden_build(folder / "build")
            report["cli"] = cli_wall_times(build, options.repeat)
            shutil.rmtree(build, ignore_errors=True)
        if not options.skip_synthetic:
            print(f"\nIn-process latency on a synthetic graph of {options.triples:,} triples "
                  f"(ratio = pyoxigraph / kennisgraaf, target >= 0.8):", flush=True)
            report["synthetic"] = in_process_latencies(options.triples, options.repeat, folder, options.timeout)
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps(report, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
