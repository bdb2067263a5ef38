#!/usr/bin/env python
"""Benchmark the extractor over the real corpus: throughput, memory, failures and where the time goes.

    python benchmarks/extract_corpus.py [CORPUS] [--limit N] [--jobs N] [--json] [--records FILE]

CORPUS is the corpus archive (default: ../shared/corpus/vn-legal-14k.tar.xz beside the repository),
unpacked into a temporary folder outside the repository and removed afterwards, or a folder that
already holds the unpacked files.  Files are extracted in worker processes (one per core by default),
in chunks, the largest files first so the cores stay busy to the end.

Each file goes through the stages of `pipeline.analyse_text`, called here one by one in the same
order so each can be timed:
    read       readers.read_document (bytes → str, with the reader's checks)
    normalise  text.normalise
    plan       plan.extract_plan (the document's own header metadata)
    tokenise   nlp.make_doc
    match      vbgraph_citations' find_mentions, then every other pipeline component (agencies,
               movements, …) in pipeline order, each under its own name
    resolve    vbgraph_citations' grouping: group_citations, own-symbol filter, plan_relations,
               doc_relations
    spans      vbgraph_citations' doc.spans["citations"]
    record     pipeline.to_record
A component whose module does not exist yet (ModuleNotFoundError for vbgraph.extract.*) is skipped
and reported as unavailable; any other exception fails that file with a message naming the stage,
and the run goes on.

The baseline for the CPU ratio is ONE pass of `symbols.SYMBOL_RX.finditer` over the same decoded
NFC text, timed in the same worker right after the file's extraction (one core, no parallelism
inside a file).  `--check` also runs the real pipeline components on every file and counts the
records that differ from the staged ones (they must not: the staged path is only a stopwatch).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import re
import resource
import shutil
import signal
import sys
import tarfile
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "vn-legal-14k.tar.xz"
STAGE_GROUPS = {"read": "read", "normalise": "normalise", "plan": "match", "tokenise": "tokenise",
                "match:citations": "match", "resolve": "resolve", "spans": "resolve", "record": "resolve"}
GOAL_WALL_S = 120.0
GOAL_RATIO = 3.0


# ------------------------------------------------------------------------------------------ worker
class FileTimeout(Exception):
    pass


_W: dict = {}


def _alarm(signum, frame):
    raise FileTimeout(f"took longer than {_W['timeout']} s")


def _init_worker(timeout: int, want_records: bool, check: bool) -> None:
    from vbgraph.extract import pipeline

    _W.update(timeout=timeout, want_records=want_records, check=check, pipeline=pipeline,
              nlp=pipeline.build_nlp(), unavailable={})
    if timeout and hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, _alarm)


def _missing_module(exc: BaseException) -> str | None:
    if isinstance(exc, ModuleNotFoundError) and (exc.name or "").startswith("vbgraph."):
        return exc.name
    return None


def _staged(path: Path, times: dict) -> tuple[dict, str | None]:
    """pipeline.analyse_text, one stage at a time.  Returns (record, error of a later component)."""
    pl, nlp = _W["pipeline"], _W["nlp"]   # the functions exactly as pipeline.py imported them
    clock = time.process_time   # CPU time: other load on the machine must not inflate a stage
    t = clock()

    def lap(name: str):
        nonlocal t
        now = clock()
        times[name] = times.get(name, 0.0) + now - t
        t = now

    raw = pl.read_document(path)
    lap("read")
    nt = pl.normalise(raw)
    lap("normalise")
    plan, header_spans = pl.extract_plan(nt)
    lap("plan")
    doc = nlp.make_doc(nt.text)
    doc.user_data.update(nt=nt, plan=plan, header_spans=header_spans,
                         body_start=pl.plan_body_start(nt, header_spans))
    lap("tokenise")
    error = None
    for name, proc in nlp.pipeline:
        if name == "vbgraph_citations":   # the body of pipeline.citations_component, split in two
            mentions = pl.find_mentions(nt, plan.get("province"), doc.user_data.get("header_spans", []))
            lap("match:citations")
            cites = pl.group_citations(nt, mentions, plan.get("province"))
            own = (plan.get("symbol") or "").casefold()
            cites = [c for c in cites if not (own and c.symbol and c.symbol.casefold() == own)]
            pl.plan_relations(nt, cites, doc.user_data.get("body_start", 0))
            doc.user_data["citations"] = cites
            doc.user_data["doc_relations"] = pl.doc_relations(nt, cites, plan.get("symbol"))
            lap("resolve")
            doc.spans["citations"] = pl._spans(doc, ((m.start, m.end, c.doc_type or "DOC")
                                                     for c in cites for m in c.mentions))
            lap("spans")
            continue
        if name in _W["unavailable"]:
            continue
        stage = "match:" + name.replace("vbgraph_", "")
        try:
            doc = proc(doc)
        except Exception as exc:  # noqa: BLE001 - one component's bug must not hide the others' timings
            missing = _missing_module(exc)
            if missing:
                _W["unavailable"][name] = f"{type(exc).__name__}: {exc}"
            elif error is None:
                error = f"{stage}: {type(exc).__name__}: {exc}"
        lap(stage)
    record = pl.to_record(path.name, doc)
    lap("record")
    return record, error


def _pipeline_record(path: Path) -> dict:
    """The record from the real pipeline components (those whose modules exist), for --check."""
    pl, nlp = _W["pipeline"], _W["nlp"]
    nt = pl.normalise(pl.read_document(path))
    plan, header_spans = pl.extract_plan(nt)
    doc = nlp.make_doc(nt.text)
    doc.user_data.update(nt=nt, plan=plan, header_spans=header_spans,
                         body_start=pl.plan_body_start(nt, header_spans))
    for name, proc in nlp.pipeline:
        if name not in _W["unavailable"]:
            try:
                doc = proc(doc)
            except Exception:  # noqa: BLE001 - the staged run reports component errors
                pass
    return pl.to_record(path.name, doc)


def _symbol_pass(path: Path) -> float:
    from vbgraph.extract.symbols import SYMBOL_RX

    text = unicodedata.normalize("NFC", path.read_bytes().decode("utf-8-sig", "replace"))
    t = time.process_time()
    for _ in SYMBOL_RX.finditer(text):
        pass
    return time.process_time() - t


def _one(path: Path) -> dict:
    from vbgraph.extract.errors import InputError

    res = {"name": path.name, "bytes": path.stat().st_size, "times": {}, "error": None}
    times = res["times"]
    if _W["timeout"]:
        signal.alarm(_W["timeout"])
    t0 = time.perf_counter()
    c0 = time.process_time()
    try:
        record, res["error"] = _staged(path, times)
    except InputError as exc:
        record, res["error"] = None, f"input: {exc.problem}"
    except Exception as exc:  # noqa: BLE001 - a bad file gives a message, never stops the run
        stage = next((s for s in STAGE_GROUPS if s not in times), "pipeline")
        record, res["error"] = None, f"{stage}: {type(exc).__name__}: {str(exc)[:300]}"
    finally:
        if _W["timeout"]:
            signal.alarm(0)
    res["total"] = time.perf_counter() - t0
    res["cpu"] = time.process_time() - c0
    if record is not None:
        res["citations"] = len(record["citations"])
        res["mentions"] = sum(c["mentions"] for c in record["citations"])
        res["numbered"] = sum(1 for c in record["citations"] if c["symbol"])
        res["doc_relations"] = len(record["doc_relations"])
        res["agencies"] = len(record["agencies"])
        res["movements"] = len(record["movements"])
        if _W["want_records"]:
            res["record"] = record
        if _W["check"]:
            res["check_ok"] = _pipeline_record(path) == record
    if "read" in times:
        res["symbol_pass"] = _symbol_pass(path)
    return res


def _run_chunk(paths: list[str]) -> tuple[int, int, list[dict], dict]:
    out = [_one(Path(p)) for p in paths]
    return os.getpid(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, out, dict(_W["unavailable"])


# ------------------------------------------------------------------------------------------ parent
def _corpus_files(corpus: Path, unpack_to: Path | None) -> tuple[Path, Path | None, float]:
    """(folder with the files, temp folder to remove or None, seconds spent unpacking)."""
    if corpus.is_dir():
        return corpus, None, 0.0
    if not corpus.is_file():
        sys.exit(f"extract_corpus: no corpus at {corpus} (give the .tar.xz or an unpacked folder)")
    tmp = None
    if unpack_to is None:
        tmp = unpack_to = Path(tempfile.mkdtemp(prefix="vbgraph-corpus-"))
    if unpack_to.resolve().is_relative_to(REPO):
        sys.exit("extract_corpus: refusing to unpack the corpus inside the repository")
    t = time.perf_counter()
    with tarfile.open(corpus) as tar:
        kw = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(unpack_to, **kw)
    return unpack_to, tmp, time.perf_counter() - t


def _select(folder: Path, limit: int | None) -> tuple[list[Path], list[Path]]:
    from vbgraph.extract.readers import READERS

    files = sorted((p for p in folder.rglob("*") if p.is_file()), key=lambda p: p.relative_to(folder).as_posix())
    chosen = [p for p in files if p.suffix.lower() in READERS]
    skipped = [p for p in files if p.suffix.lower() not in READERS]
    return (chosen[:limit] if limit else chosen), skipped


def _chunks(paths: list[Path], size: int) -> list[list[str]]:
    # largest first, so no core is left with one big file at the end
    by_size = sorted(paths, key=lambda p: p.stat().st_size, reverse=True)
    return [[str(p) for p in by_size[i:i + size]] for i in range(0, len(by_size), size)]


def _error_key(msg: str) -> str:
    return re.sub(r"0x[0-9a-f]+|\d+", "N", msg)


def summarise(results: list[dict], wall: float, jobs: int, rss: dict, unavailable: dict,
              skipped: list[Path], unpack_s: float, slow_s: float, load: list[float]) -> dict:
    ok = [r for r in results if "citations" in r]
    failed = [r for r in results if r["error"]]
    total_bytes = sum(r["bytes"] for r in results)
    stages: dict[str, float] = {}
    for r in results:
        for k, v in r["times"].items():
            stages[k] = stages.get(k, 0.0) + v
    extraction = sum(r["total"] for r in results)
    cpu = sum(r["cpu"] for r in results)
    regex = sum(r.get("symbol_pass", 0.0) for r in results)
    groups: dict[str, float] = {}
    for k, v in stages.items():
        g = STAGE_GROUPS.get(k, "match")
        groups[g] = groups.get(g, 0.0) + v
    errors = Counter(_error_key(r["error"]) for r in failed)
    examples = {}
    for r in failed:
        examples.setdefault(_error_key(r["error"]), (r["name"], r["error"]))
    slow = sorted((r for r in results if r["total"] > slow_s), key=lambda r: -r["total"])
    out = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0],
                    "load_avg_1min_before_after": load},
        "jobs": jobs,
        "files": len(results),
        "files_skipped_unsupported_suffix": [p.name for p in skipped],
        "megabytes": round(total_bytes / 1e6, 2),
        "unpack_s": round(unpack_s, 2),
        "wall_s": round(wall, 2),
        "files_per_s": round(len(results) / wall, 1) if wall else None,
        "mb_per_s": round(total_bytes / 1e6 / wall, 3) if wall else None,
        "goal_wall_s": GOAL_WALL_S,
        "peak_rss_mb": {"parent": round(rss["parent"] / 1024, 1),
                        "workers": {str(k): round(v / 1024, 1) for k, v in sorted(rss["workers"].items())},
                        "children_max_getrusage": round(rss["children"] / 1024, 1),
                        "sum": round((rss["parent"] + sum(rss["workers"].values())) / 1024, 1)},
        "failed": len(failed),
        "top_errors": [{"count": n, "message": examples[k][1], "example": examples[k][0]}
                       for k, n in errors.most_common(10)],
        "components_unavailable": unavailable,
        "extraction_wall_s_summed": round(extraction, 2),
        "extraction_cpu_s": round(cpu, 2),
        "stages_cpu_s": {k: round(v, 2) for k, v in sorted(stages.items(), key=lambda kv: -kv[1])},
        "stage_groups_cpu_s": {k: round(groups.get(k, 0.0), 2) for k in ("read", "normalise", "tokenise",
                                                                    "match", "resolve")},
        "symbol_regex_pass_cpu_s": round(regex, 3),
        "ratio_extraction_cpu_to_regex": round(cpu / regex, 1) if regex else None,
        "goal_ratio": GOAL_RATIO,
        "found": {k: sum(r.get(k, 0) for r in ok) for k in ("citations", "numbered", "mentions",
                                                             "doc_relations", "agencies", "movements")},
        "files_with_citations": sum(1 for r in ok if r["citations"]),
        "slow_files": [{"name": r["name"], "bytes": r["bytes"], "s": round(r["total"], 2),
                        "slowest_stage": max(r["times"], key=r["times"].get) if r["times"] else None}
                       for r in slow[:25]],
        "slow_files_count": len(slow),
    }
    checked = [r for r in ok if "check_ok" in r]
    if checked:
        out["check"] = {"files": len(checked), "differ": [r["name"] for r in checked if not r["check_ok"]][:20]}
    return out


def print_report(s: dict) -> None:
    p = print
    p(f"vbgraph extraction benchmark — {s['date']}, {s['machine']['cores']} cores, "
      f"Python {s['machine']['python']}, {s['jobs']} worker(s)")
    p(f"files {s['files']}  ({s['megabytes']} MB)   unpack {s['unpack_s']} s (not counted)")
    goal = "meets" if s["wall_s"] < s["goal_wall_s"] else "misses"
    p(f"wall {s['wall_s']} s ({goal} the {s['goal_wall_s']:.0f} s goal)   {s['files_per_s']} files/s   "
      f"{s['mb_per_s']} MB/s")
    rss = s["peak_rss_mb"]
    p(f"peak RSS: parent {rss['parent']} MB + workers "
      f"{' + '.join(str(v) for v in rss['workers'].values()) or '-'} MB = {rss['sum']} MB")
    p(f"failed {s['failed']}")
    for e in s["top_errors"]:
        p(f"  {e['count']:6d}  {e['message']}   (e.g. {e['example']})")
    for name, why in s["components_unavailable"].items():
        p(f"component {name} not timed: unavailable ({why})")
    if s["files_skipped_unsupported_suffix"]:
        p(f"skipped (suffix no reader handles): {', '.join(s['files_skipped_unsupported_suffix'][:10])}")
    ex = s["extraction_cpu_s"]
    p(f"\nCPU per stage, summed over workers (extraction CPU {ex} s; per-file wall clock summed "
      f"{s['extraction_wall_s_summed']} s; load average before/after {s['machine']['load_avg_1min_before_after']}):")
    for k, v in s["stages_cpu_s"].items():
        p(f"  {k:<22} {v:9.2f} s  {100 * v / ex if ex else 0:5.1f} %   [{STAGE_GROUPS.get(k, 'match')}]")
    p("  groups: " + ", ".join(f"{k} {v} s" for k, v in s["stage_groups_cpu_s"].items()))
    p(f"\none SYMBOL_RX pass over the NFC text: {s['symbol_regex_pass_cpu_s']} s CPU → ratio extraction CPU / "
      f"regex {s['ratio_extraction_cpu_to_regex']} (goal ≤ {s['goal_ratio']:.0f})")
    f = s["found"]
    p(f"found: {f['citations']} citations ({f['numbered']} numbered, {f['mentions']} counted mentions) in "
      f"{s['files_with_citations']} files; {f['doc_relations']} doc relations; {f['agencies']} agencies; "
      f"{f['movements']} movements")
    p(f"files over the slow threshold: {s['slow_files_count']}")
    for r in s["slow_files"][:15]:
        p(f"  {r['s']:7.2f} s  {r['bytes']:>9} B  {r['name']}  (mostly {r['slowest_stage']})")
    if "check" in s:
        c = s["check"]
        p(f"check against the real pipeline components: {c['files']} files, {len(c['differ'])} differ "
          f"{c['differ'][:5]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS),
                    help="the corpus .tar.xz or an unpacked folder (default: %(default)s)")
    ap.add_argument("--limit", type=int, help="only the first N files (by name)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="worker processes (default: one per core); 1 runs in this process")
    ap.add_argument("--chunk", type=int, default=16, help="files per work unit (default: %(default)s)")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    ap.add_argument("--records", help="write every record, sorted by file name, as JSON lines to this file")
    ap.add_argument("--check", action="store_true",
                    help="also run the real pipeline components and count records that differ")
    ap.add_argument("--unpack-to", help="unpack the archive here (kept) instead of a temporary folder")
    ap.add_argument("--timeout", type=int, default=120, help="seconds one file may take (0: no limit)")
    ap.add_argument("--slow", type=float, default=1.0, help="list files slower than this many seconds")
    args = ap.parse_args(argv)

    folder, tmp, unpack_s = _corpus_files(Path(args.corpus), Path(args.unpack_to) if args.unpack_to else None)
    try:
        files, skipped = _select(folder, args.limit)
        chunks = _chunks(files, max(1, args.chunk))
        init = (args.timeout, bool(args.records), args.check)
        results: list[dict] = []
        worker_rss: dict[int, int] = {}
        unavailable: dict[str, str] = {}
        progress = sys.stderr.isatty() and not args.json
        load = [round(os.getloadavg()[0], 2)]
        t0 = time.perf_counter()

        def take(item):
            pid, rss, out, unav = item
            worker_rss[pid] = max(worker_rss.get(pid, 0), rss)
            unavailable.update(unav)
            results.extend(out)
            if progress:
                print(f"\r{len(results)}/{len(files)} files", end="", file=sys.stderr)

        if args.jobs <= 1:
            _init_worker(*init)
            for c in chunks:
                take(_run_chunk(c))
            worker_rss.pop(os.getpid(), None)
        else:
            with mp.get_context("fork").Pool(args.jobs, initializer=_init_worker, initargs=init) as pool:
                for item in pool.imap_unordered(_run_chunk, chunks):
                    take(item)
        wall = time.perf_counter() - t0
        if progress:
            print(file=sys.stderr)
        load.append(round(os.getloadavg()[0], 2))
        rss = {"parent": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "workers": worker_rss,
               "children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}
        summary = summarise(results, wall, args.jobs, rss, unavailable, skipped, unpack_s, args.slow, load)
        if args.records:
            with open(args.records, "w", encoding="utf-8") as fh:
                for r in sorted(results, key=lambda r: r["name"]):
                    rec = r.get("record") or {"source": r["name"], "error": r["error"]}
                    fh.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
        if args.json:
            print(json.dumps(summary, ensure_ascii=False, indent=1))
        else:
            print_report(summary)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
