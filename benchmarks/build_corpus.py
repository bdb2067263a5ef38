#!/usr/bin/env python
"""`vbgraph build` over the real corpus: cold, warm, and after editing one file, against a baseline
measured in the same run.

    python benchmarks/build_corpus.py [CORPUS] [--limit N] [--jobs 2] [--neo4j URI | --neo4j-start] [--json]

CORPUS is a folder of the unpacked corpus (default /tmp/corpus14k/vn-legal-14k) or the archive
(../shared/corpus/vn-legal-14k.tar.xz, unpacked into a temporary folder).  The benchmark works on a copy
of the corpus in a temporary folder (files hard-linked where the file system allows; the edited file is
written anew, so the original is never changed) and measures, in one run:

  (a) baseline  read bytes + decode + NFC + one pass of extract.symbols.SYMBOL_RX over every file, in
                ``--jobs`` processes (the least any build must do with the text)
  (b) cold      ``vbgraph build COPY --out OUT --jobs N`` with an empty record cache
  (c) warm      the same again, nothing changed
  (d) edit-one  one line appended to one file, the same build again
and checks that the outputs equal a from-scratch build: (b) is one (empty cache, new output folder);
(c) must equal it; (d) must equal a build of the edited copy into a new output folder (given the
cache, so that the unchanged files are not extracted a third time).  Equal means graph.json and
records.jsonl byte for byte and the embedded store's canonical dump (every node with its labels and
properties, every relationship with its ends, type and properties, sorted).  With ``--neo4j`` the
edit-one build also loads the Neo4j server, whose dump must then equal a full load of the same graph.

Printed: walls, CPU seconds of the build processes, the ratio (b)/(a) (goal ≤ 12), (d) in seconds
(goal ≤ 5), the builds' peak RSS (main process and largest worker; goal < 1 GB), and the checks.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path("/tmp/corpus14k/vn-legal-14k")
GOAL_RATIO = 12.0
GOAL_EDIT_S = 5.0
GOAL_RSS_MB = 1024


def _scan(paths: list[str]) -> int:
    from vbgraph.extract.symbols import SYMBOL_RX

    found = 0
    for p in paths:
        text = unicodedata.normalize("NFC", Path(p).read_bytes().decode("utf-8", errors="replace"))
        found += sum(1 for _ in SYMBOL_RX.finditer(text))
    return found


def baseline(files: list[Path], jobs: int) -> float:
    """Wall seconds of reading, decoding, NFC and one SYMBOL_RX pass over every file, in ``jobs`` processes."""
    from vbgraph.extract import symbols  # noqa: F401  (compiled before the clock starts)

    shares = [[str(p) for p in files[i::jobs]] for i in range(jobs)]
    with mp.get_context("fork").Pool(jobs) as pool:
        t = time.perf_counter()
        pool.map(_scan, shares)
        return time.perf_counter() - t


def working_copy(corpus: Path, folder: Path, limit: int | None) -> list[Path]:
    files = sorted(p for p in corpus.rglob("*") if p.is_file())[:limit]
    folder.mkdir(parents=True)
    out = []
    for p in files:
        q = folder / p.relative_to(corpus)
        q.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(p, q)
        except OSError:
            shutil.copy2(p, q)
        out.append(q)
    return out


def edit_one(path: Path) -> None:
    """Append a line to ``path`` as a new file (a hard link's other name keeps the original bytes)."""
    data = path.read_bytes() + "\nVăn bản này được sửa để đo thời gian xây dựng lại.\n".encode("utf-8")
    tmp = path.with_name(path.name + ".edit-tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def run_build(corpus: Path, out: Path, jobs: int, *extra: str) -> dict:
    """One `vbgraph build` in a child process: its summary, wall and CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "vbgraph.cli", "build", str(corpus), "--out", str(out),
                           "--jobs", str(jobs), "--quiet", "--json", *extra], capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        raise SystemExit(f"build failed ({proc.returncode}): {proc.stderr[-2000:]}")
    stats = json.loads(proc.stdout)
    stats.update(wall=round(wall, 2),
                 cpu=round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2))
    return stats


def kglite_dump(out: Path) -> list:
    from vbgraph.graph.stores.base import canonical_dump, open_store

    with open_store("kglite", path=out / "store", read_only=True) as store:
        return canonical_dump(store)


def _neo4j(uri: str, use):
    from vbgraph.graph.stores.neo4j_server import connect
    from vbgraph.graph.stores.base import open_store

    uri, auth = connect(uri)
    store = open_store("neo4j", uri=uri, auth=auth)
    try:
        return use(store)
    finally:
        store.close()


def neo4j_dump(uri: str) -> list:
    from vbgraph.graph.stores.base import canonical_dump

    return _neo4j(uri, canonical_dump)


def neo4j_clear(uri: str) -> None:
    _neo4j(uri, lambda store: store.clear())


def same_output(a: Path, b: Path) -> dict:
    return {name: (a / name).read_bytes() == (b / name).read_bytes() for name in ("graph.json", "records.jsonl")} | \
        {"store": kglite_dump(a) == kglite_dump(b)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    ap.add_argument("--limit", type=int, help="only the first N files (sorted by path)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--neo4j", metavar="URI", help="also load this Neo4j server in the edit-one build")
    ap.add_argument("--neo4j-start", action="store_true", help="start the bundled Neo4j server for the run")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="vbgraph-build-bench-"))
    server_state = None
    try:
        corpus = Path(args.corpus)
        if corpus.suffix in (".xz", ".tar") or corpus.name.endswith(".tar.xz"):
            with tarfile.open(corpus) as tar:
                tar.extractall(work / "unpacked", filter="data")
            corpus = next(p for p in (work / "unpacked").iterdir() if p.is_dir())
        copy = work / "corpus"
        files = working_copy(corpus, copy, args.limit)
        neo4j_uri = args.neo4j
        if args.neo4j_start:
            from vbgraph.graph.stores import neo4j_server
            server_state = work / "neo4j"
            neo4j_uri = neo4j_server.start(port=0, data=server_state / "data", state_dir=server_state).uri

        res: dict = {"files": len(files), "jobs": args.jobs}
        res["baseline_wall"] = round(baseline(files, args.jobs), 2)
        res["cold"] = run_build(copy, work / "out", args.jobs)
        cold_out = work / "cold-copy"
        shutil.copytree(work / "out", cold_out, ignore=shutil.ignore_patterns(".cache"))
        res["warm"] = run_build(copy, work / "out", args.jobs)
        res["warm_equals_cold"] = all(same_output(work / "out", cold_out).values())
        shutil.rmtree(cold_out)
        if neo4j_uri:                          # the server as the build before the edit leaves it
            neo4j_clear(neo4j_uri)
            run_build(copy, work / "out-neo4j", args.jobs, "--neo4j", neo4j_uri)
        edited = files[len(files) // 2]
        edit_one(edited)
        res["edited_file"] = str(edited.relative_to(copy))
        res["edit_one"] = run_build(copy, work / "out", args.jobs)
        scratch = work / "scratch"
        scratch.mkdir()
        shutil.copytree(work / "out" / ".cache", scratch / ".cache")
        res["scratch"] = run_build(copy, scratch, args.jobs)
        res["edit_one_equals_scratch"] = same_output(work / "out", scratch)
        if neo4j_uri:
            res["neo4j_edit_one"] = run_build(copy, work / "out-neo4j", args.jobs, "--neo4j", neo4j_uri)
            incremental = neo4j_dump(neo4j_uri)
            neo4j_clear(neo4j_uri)
            res["neo4j_full"] = run_build(copy, scratch, args.jobs, "--neo4j", neo4j_uri)
            res["neo4j_edit_one_equals_full"] = incremental == neo4j_dump(neo4j_uri)

        res["ratio_cold_to_baseline"] = round(res["cold"]["wall"] / res["baseline_wall"], 1)
        res["peak_rss_mb"] = max(r.get("peak_rss_mb", 0) for r in (res["cold"], res["warm"], res["edit_one"]))
        res["peak_rss_workers_mb"] = max(r.get("peak_rss_workers_mb", 0) for r in (res["cold"], res["warm"]))
        if args.json:
            print(json.dumps(res, ensure_ascii=False, indent=2))
        else:
            report(res)
        return 0
    finally:
        if server_state:
            from vbgraph.graph.stores import neo4j_server
            neo4j_server.stop(state_dir=server_state)
        shutil.rmtree(work, ignore_errors=True)


def report(res: dict) -> None:
    def line(name, r):
        return (f"  {name:<10} wall {r['wall']:7.2f} s  cpu {r['cpu']:7.2f} s  extracted {r.get('extracted')}, "
                f"from cache {r.get('from_cache')}  rss {r.get('peak_rss_mb')} MB (workers {r.get('peak_rss_workers_mb')} MB)")

    print(f"{res['files']} files, --jobs {res['jobs']}")
    print(f"  (a) baseline wall {res['baseline_wall']:.2f} s (read + decode + NFC + SYMBOL_RX)")
    for key, name in (("cold", "(b) cold"), ("warm", "(c) warm"), ("edit_one", "(d) edit-1"), ("scratch", "scratch")):
        print(line(name, res[key]))
    if "neo4j_edit_one" in res:
        print(line("(d) neo4j", res["neo4j_edit_one"]))
        print(line("neo4j full", res["neo4j_full"]))
    ok = lambda b: "yes" if b else "NO"  # noqa: E731
    print(f"ratio (b)/(a) = {res['ratio_cold_to_baseline']} (goal ≤ {GOAL_RATIO:g}); "
          f"(d) = {res['edit_one']['wall']:.2f} s (goal ≤ {GOAL_EDIT_S:g}); "
          f"peak RSS {res['peak_rss_mb']} MB main, {res['peak_rss_workers_mb']} MB worker (goal < {GOAL_RSS_MB})")
    print(f"warm equals cold: {ok(res['warm_equals_cold'])}; edit-one equals from scratch: "
          + ", ".join(f"{k} {ok(v)}" for k, v in res["edit_one_equals_scratch"].items()))
    if "neo4j_edit_one_equals_full" in res:
        print(f"Neo4j after edit-one equals a full load: {ok(res['neo4j_edit_one_equals_full'])}")


if __name__ == "__main__":
    sys.exit(main())
