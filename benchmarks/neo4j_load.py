"""Neo4j load benchmark (not a test): the driver load and the admin-import first load against a minimal
baseline, all measured in one run on the same synthetic graph.

    .venv/bin/python benchmarks/neo4j_load.py --plans 10000 [--runs 200] [--json]

For each N: build the graph of N synthetic plans (benchmarks/synthetic.py) once, then on the bundled
server (fresh data folder):

1. baseline: the nodes are loaded, then every relationship is created by a minimal
   ``UNWIND $rows AS row MATCH (a:Node {id: row.src}) MATCH (b:Node {id: row.dst}) CREATE (a)-[:T]->(b)``
   with no property at all, in the store's batches and write workers; twice (the relationships deleted
   in between), because the first run warms a fresh JVM up and is several times slower: the second
   one is the baseline;
2. the relationships are deleted and the driver load (``Neo4jStore.load``, the incremental path) writes
   the graph; its relationship phase is compared with the baseline;
4. the server is stopped, and ``neo4j_import.first_load`` imports the same graph into a new data folder
   (CSV written by Python, then ``neo4j-admin database import full``), starts the server and creates
   the schema; its rel/s is compared with the driver's;
5. the named queries lineage_up, outdated_citations, provinces_implementing are timed on the imported
   server (the parameters as in graph_bench.py): p50 / p95 / max.

rel/s is relationships over wall seconds; beside it the CPU the JVM (server: /proc/<pid>/stat; import tool:
the child's rusage) and Python spent per relationship, because this machine's two cores are shared and
wall time moves with the load average (printed).  Goals (issue #14 D): driver ≥ 0.7 × baseline;
admin import ≥ 5 × driver; query p95 < 50 ms at 100k plans.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import networkx as nx  # noqa: E402
from graph_bench import loadavg, pick_params, time_queries  # noqa: E402
from synthetic import generate, load_templates  # noqa: E402

from vbgraph.graph.stores import neo4j_server  # noqa: E402
from vbgraph.graph.build import build_graph  # noqa: E402
from vbgraph.graph.stores.neo4j_import import first_load  # noqa: E402
from vbgraph.graph.stores.base import COMMON_LABEL, _chunks, _type_name, open_store, relationship_rows  # noqa: E402

warnings.filterwarnings("ignore", message=".*unknown relationship type.*")
logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)

GOALS = {"driver_to_baseline": 0.7, "import_to_driver": 5.0, "p95_ms": 50.0}
_MINIMAL = ("UNWIND $rows AS row MATCH (a:" + COMMON_LABEL + " {{id: row.src}}) "
            "MATCH (b:" + COMMON_LABEL + " {{id: row.dst}}) CREATE (a)-[r:{type}]->(b) RETURN count(r) AS n")
_DELETE_RELS = "MATCH ()-[r]->() WITH r LIMIT $batch DELETE r RETURN count(*) AS n"


def jvm_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Meter:
    """Wall seconds, server JVM CPU and this process's CPU over a block."""

    def __init__(self, pid: int | None):
        self.pid = pid

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        self.jvm = jvm_cpu_s(self.pid) if self.pid else 0.0
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        self.jvm = (jvm_cpu_s(self.pid) if self.pid else 0.0) - self.jvm


def baseline(store, rels: dict[str, list[dict]], pid: int) -> Meter:
    with Meter(pid) as m:
        for etype, rows in rels.items():
            cypher = _MINIMAL.format(type=_type_name(etype))
            batches = list(_chunks([{"src": r["src"], "dst": r["dst"]} for r in rows], store.batch_size))
            with ThreadPoolExecutor(store.write_workers) as pool:
                list(pool.map(lambda b: store._write(cypher, {"rows": b}), batches))
    return m


def delete_relationships(store) -> None:
    while store._write(_DELETE_RELS, {"batch": store.batch_size})[0]["n"]:
        pass


def rate(n: int, m: Meter) -> dict:
    return {"rel_per_s": round(n / m.wall), "wall_s": round(m.wall, 2),
            "jvm_cpu_us_per_rel": round(1e6 * m.jvm / n, 1), "python_cpu_us_per_rel": round(1e6 * m.cpu / n, 1)}


def bench(n: int, args, templates) -> dict:
    out: dict = {"plans": n, "load_avg_start": loadavg()}
    t = time.process_time()
    g = build_graph(generate(n, seed=args.seed, templates=templates))
    out["build_cpu_s"] = round(time.process_time() - t, 1)
    rels_n = g.number_of_edges()
    out["nodes"], out["relationships"] = g.number_of_nodes(), rels_n
    work = Path(tempfile.mkdtemp(prefix=f"vbgraph-neo4j-load-{n}-"))
    try:
        state = work / "driver-state"
        server = neo4j_server.start(port=0, data=work / "driver-data", state_dir=state, timeout=300)
        try:
            with open_store("neo4j", uri=server.uri, auth=None, batch_size=args.batch,
                            write_workers=args.workers) as store:
                nodes_only = nx.MultiDiGraph()
                nodes_only.add_nodes_from(g.nodes(data=True))
                store.load(nodes_only)
                rows = relationship_rows(g)
                cold = baseline(store, rows, server.pid)
                delete_relationships(store)
                warm = baseline(store, rows, server.pid)
                delete_relationships(store)
                with Meter(server.pid) as whole:
                    stats = store.load(g)
                rel_s = stats["seconds"]["relationships"]
                # the relationship phase alone: its share of the JVM CPU is not separable, so the
                # whole load's CPU is given per relationship (an upper bound)
                driver = {"rel_per_s": round(rels_n / rel_s), "wall_s": round(rel_s, 2),
                          "whole_load_s": round(whole.wall, 2),
                          "whole_load_rel_per_s": round(rels_n / whole.wall),
                          "jvm_cpu_us_per_rel": round(1e6 * whole.jvm / rels_n, 1),
                          "python_cpu_us_per_rel": round(1e6 * whole.cpu / rels_n, 1),
                          "retried_transactions": stats["retried_transactions"]}
                assert store.counts()["relationships"] == rels_n
                del rows
        finally:
            neo4j_server.stop(state_dir=state)
        out["baseline"] = rate(rels_n, warm)
        out["baseline_cold_rel_per_s"] = rate(rels_n, cold)["rel_per_s"]
        out["driver"] = driver
        out["driver_to_baseline"] = round(driver["rel_per_s"] / out["baseline"]["rel_per_s"], 3)
        out["load_avg_after_driver"] = loadavg()

        state = work / "import-state"
        t = time.perf_counter()
        stats, server = first_load(g, data=work / "import-data", state_dir=state, start_timeout=300)
        ready_s = time.perf_counter() - t
        try:
            secs = stats["seconds"]
            written = secs["csv"] + secs["import"]
            out["admin_import"] = {
                "rel_per_s": round(rels_n / written), "csv_s": secs["csv"], "import_tool_s": secs["import"],
                "start_s": secs["start"], "schema_s": secs["schema"], "until_ready_s": round(ready_s, 2),
                "until_ready_rel_per_s": round(rels_n / ready_s),
                "tool_cpu_us_per_rel": round(1e6 * stats["cpu"]["import_tool"] / rels_n, 1),
                "python_cpu_us_per_rel": round(1e6 * stats["cpu"]["csv_python"] / rels_n, 1)}
            out["import_to_driver"] = round(out["admin_import"]["rel_per_s"] / driver["rel_per_s"], 2)
            out["import_ready_to_driver_whole_load"] = round(
                out["admin_import"]["until_ready_rel_per_s"] / driver["whole_load_rel_per_s"], 2)
            log = (work / "import-data" / "import.log").read_text(encoding="utf-8", errors="replace")
            out["admin_import"]["tool_log"] = [line.strip() for line in log.splitlines()
                                               if "COMPLETED in" in line or "IMPORT DONE" in line]
            with open_store("neo4j", uri=server.uri, auth=None) as store:
                out["counts"] = store.counts()
                params = pick_params(store, args.runs, args.seed)
                out["queries"] = time_queries(store, params, args.query_budget)
        finally:
            neo4j_server.stop(state_dir=state)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out["load_avg_end"] = loadavg()
    return out


def report(r: dict) -> None:
    b, d, a = r["baseline"], r["driver"], r["admin_import"]
    print(f"\n== N={r['plans']} plans: {r['nodes']} nodes, {r['relationships']} relationships "
          f"(stored {r['counts']}); load avg {r['load_avg_start']} → {r['load_avg_end']}")
    print(f"   baseline, minimal UNWIND CREATE without properties: {b['rel_per_s']} rel/s "
          f"(the first run, on a cold JVM: {r['baseline_cold_rel_per_s']}), JVM {b['jvm_cpu_us_per_rel']} µs/rel")
    print(f"   driver load (incremental path), relationship phase:  {d['rel_per_s']} rel/s = "
          f"{r['driver_to_baseline']} × baseline (goal ≥ {GOALS['driver_to_baseline']}); whole load "
          f"{d['whole_load_s']} s = {d['whole_load_rel_per_s']} rel/s, JVM {d['jvm_cpu_us_per_rel']} µs/rel, "
          f"Python {d['python_cpu_us_per_rel']} µs/rel, {d['retried_transactions']} transactions run again")
    print(f"   admin import (CSV {a['csv_s']} s + tool {a['import_tool_s']} s): {a['rel_per_s']} rel/s = "
          f"{r['import_to_driver']} × driver (goal ≥ {GOALS['import_to_driver']}); tool JVM "
          f"{a['tool_cpu_us_per_rel']} µs/rel, Python {a['python_cpu_us_per_rel']} µs/rel; with the start and "
          f"the schema ({a['until_ready_s']} s) {a['until_ready_rel_per_s']} rel/s = "
          f"{r['import_ready_to_driver_whole_load']} × the driver's whole load")
    print(f"   import tool stages: {'; '.join(a['tool_log'])}")
    for name, q in r["queries"].items():
        mark = "" if q["p95_ms"] < GOALS["p95_ms"] else "  (> 50 ms goal)"
        print(f"   {name:32s} p50 {q['p50_ms']:8.2f} ms  p95 {q['p95_ms']:8.2f} ms  max {q['max_ms']:8.2f} ms  "
              f"({q['runs']} runs){mark}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plans", type=int, nargs="+", default=[10000])
    ap.add_argument("--runs", type=int, default=200, help="runs per query (default 200)")
    ap.add_argument("--query-budget", type=float, default=60.0)
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    templates = load_templates()
    results = []
    for n in args.plans:
        r = bench(n, args, templates)
        results.append(r)
        if not args.json:
            report(r)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
