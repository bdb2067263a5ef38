#!/usr/bin/env python
"""Benchmark the extractor over the real corpus: throughput, memory, failures and where the time goes.

    python benchmarks/extract_corpus.py [CORPUS] [--limit N] [--jobs N] [--json] [--records FILE]

CORPUS is the corpus archive (default: ../shared/corpus/vn-legal-14k.tar.xz beside the repository),
unpacked into a temporary folder outside the repository and removed afterwards, or a folder that
already holds the unpacked files.  Files are extracted in worker processes (one per core by default),
in chunks, the largest files first so the cores stay busy to the end.

Each file is read with `readers.read_input` and extracted with `pipeline.analyse_text` itself;
what analyse_text calls is timed where pipeline.py looks it up (module attributes and the
components of `build_nlp()`), so the benchmark follows pipeline.py as it changes, without editing it.
Stages, in CPU time of the worker (other load on the machine does not count), each stage its own
time only:
    read             readers.read_input (bytes → str, with the reader's checks)
    normalise        text.normalise
    plan             plan.extract_plan (the document's own header metadata)
    tokenise         the pipeline Doc (prefilter.make_doc, or nlp.make_doc)
    prefilter        prefilter.may_hold (which finders a text needs)
    match:citations  find_mentions inside the vbgraph_citations component
    resolve          the rest of vbgraph_citations: grouping, relations
    match:<name>     every other pipeline component (agencies, movements, …)
    spans            pipeline._spans (doc.spans of all components)
    record           pipeline.to_record
    other            analyse_text's own glue
A component other than the citations one whose module does not exist yet (ModuleNotFoundError for
vbgraph.extract.*) is skipped and reported as unavailable, and one that fails on a file leaves the
rest of that file to be extracted and timed; the file counts as failed with a message naming the
stage.  Any other exception fails the file the same way, and the run goes on.

The baseline for the CPU ratio (issue #14) is the least any extraction does with a file: read its
bytes, decode them (UTF-8), NFC and one pass of `symbols.SYMBOL_RX.finditer`, timed in CPU in the same
worker right after the file's extraction (one core, no parallelism inside a file).  The goal is
extraction CPU ≤ 6 × baseline (stretch goal 3 ×).  `--records` writes every record, so two runs (before and after an optimisation)
can be diffed; `--coverage` reports how much of the text each family's candidate paragraphs
(`prefilter.candidate_paragraphs`) cover.
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
                "prefilter": "match", "match:citations": "match", "resolve": "resolve", "spans": "resolve",
                "record": "resolve", "other": "resolve"}
GOAL_WALL_S = 120.0
GOAL_RATIO = 6.0           # issue #14: extraction CPU ≤ 6 × the baseline, in the same run
STRETCH_GOAL_RATIO = 3.0


# ------------------------------------------------------------------------------------------ worker
class FileTimeout(Exception):
    pass


_W: dict = {}
_CLOCK = time.process_time   # CPU time: other load on the machine must not inflate a stage
# What pipeline.analyse_text calls, timed where pipeline.py looks it up: (name, stage).  Each stage
# gets its own time only: a timed call inside another one (find_mentions inside the citations
# component) is taken out of the outer stage.
_TIMED = (("normalise", "normalise"), ("extract_plan", "plan"), ("make_doc", "tokenise"),
          ("may_hold", "prefilter"), ("find_mentions", "match:citations"), ("run_citations", "resolve"),
          ("run_agencies", "match:agencies"), ("run_movements", "match:movements"), ("read_effect", "effect"),
          ("chrome_tail", "chrome"), ("_spans", "spans"), ("to_record", "record"))


def _alarm(signum, frame):
    raise FileTimeout(f"took longer than {_W['timeout']} s")


def _init_worker(timeout: int, want_records: bool, coverage: bool) -> None:
    from vbgraph.extract import pipeline

    _W.update(timeout=timeout, want_records=want_records, coverage=coverage, pipeline=pipeline,
              unavailable={}, times=None, inner=0.0, component_error=None)
    for name, stage in _TIMED:
        if hasattr(pipeline, name):
            setattr(pipeline, name, _guarded(name, _stopwatch(getattr(pipeline, name), stage)))
    if timeout and hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, _alarm)


def _stopwatch(fn, stage: str):
    """fn, with its own CPU time (less that of the timed calls inside it) added to the file's stage."""
    def timed(*args, **kwargs):
        times = _W["times"]
        if times is None:
            return fn(*args, **kwargs)
        outer, _W["inner"] = _W["inner"], 0.0
        t = _CLOCK()
        try:
            return fn(*args, **kwargs)
        finally:
            dt = _CLOCK() - t
            times[stage] = times.get(stage, 0.0) + dt - _W["inner"]
            _W["inner"] = outer + dt
    return timed


def _guarded(name: str, finder):
    """An agency or movement finder that is missing (its module does not exist yet) or fails leaves
    the analysis as it was, so the rest of the file is still extracted and timed; the run says which
    finder and why.  Anything else failing fails the file."""
    if name not in ("run_agencies", "run_movements"):
        return finder

    def run(analysis):
        if name in _W["unavailable"]:
            return None
        try:
            return finder(analysis)
        except Exception as exc:  # noqa: BLE001
            if isinstance(exc, ModuleNotFoundError) and (exc.name or "").startswith("vbgraph."):
                _W["unavailable"][name] = f"{type(exc).__name__}: {exc}"
            elif _W["component_error"] is None:
                _W["component_error"] = f"{name}: {type(exc).__name__}: {str(exc)[:300]}"
            return None
    return run


def _baseline(path: Path) -> float:
    """CPU of the least any extraction does: read the bytes, decode them, NFC, one SYMBOL_RX pass."""
    from vbgraph.extract.symbols import SYMBOL_RX

    t = time.process_time()
    text = unicodedata.normalize("NFC", path.read_bytes().decode("utf-8-sig", "replace"))
    for _ in SYMBOL_RX.finditer(text):
        pass
    return time.process_time() - t


def _one(path: Path) -> dict:
    from vbgraph.extract.errors import InputError

    pl = _W["pipeline"]
    res = {"name": path.name, "bytes": path.stat().st_size, "times": {}, "error": None}
    times = res["times"]
    if _W["timeout"]:
        signal.alarm(_W["timeout"])
    t0 = time.perf_counter()
    c0 = _CLOCK()
    record = analysis = None
    stage = "read"
    try:
        raw = pl.read_input(path).text
        times["read"] = _CLOCK() - c0
        stage = "analyse_text"
        _W.update(times=times, inner=0.0, component_error=None)
        record, analysis = pl.analyse_text(raw, path.name)
        res["error"] = _W["component_error"]
    except InputError as exc:
        res["error"] = f"input: {exc.problem}"
    except Exception as exc:  # noqa: BLE001 - a bad file gives a message, never stops the run
        res["error"] = f"{stage}: {type(exc).__name__}: {str(exc)[:300]}"
    finally:
        _W["times"] = None
        if _W["timeout"]:
            signal.alarm(0)
    res["total"] = time.perf_counter() - t0
    res["cpu"] = _CLOCK() - c0
    other = res["cpu"] - sum(times.values())
    if other > 0:
        times["other"] = other     # analyse_text's own glue, and an unfinished stage of a failed file
    if record is not None:
        res["citations"] = len(record["citations"])
        res["mentions"] = sum(c["mentions"] for c in record["citations"])
        res["numbered"] = sum(1 for c in record["citations"] if c["symbol"])
        res["doc_relations"] = len(record["doc_relations"])
        res["agencies"] = len(record["agencies"])
        res["movements"] = len(record["movements"])
        if _W["want_records"]:
            res["record"] = record
        if _W["coverage"]:
            res["coverage"] = _coverage(analysis.nt.text)
    if "read" in times:
        res["baseline"] = _baseline(path)
    return res


def _coverage(text: str) -> dict:
    """Characters of the text in the candidate paragraphs of each family (and of all three)."""
    from vbgraph.extract import prefilter

    out = {"chars": len(text)}
    for fams in [(f,) for f in prefilter.FAMILIES] + [prefilter.FAMILIES]:
        spans = prefilter.candidate_paragraphs(text, fams, after=1)
        out["+".join(fams)] = sum(b - a for a, b in spans)
    return out


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
    baseline = sum(r.get("baseline", 0.0) for r in results)
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
        "baseline_cpu_s": round(baseline, 3),
        "ratio_extraction_cpu_to_baseline": round(cpu / baseline, 2) if baseline else None,
        "goal_ratio": GOAL_RATIO,
        "stretch_goal_ratio": STRETCH_GOAL_RATIO,
        "found": {k: sum(r.get(k, 0) for r in ok) for k in ("citations", "numbered", "mentions",
                                                             "doc_relations", "agencies", "movements")},
        "files_with_citations": sum(1 for r in ok if r["citations"]),
        "slow_files": [{"name": r["name"], "bytes": r["bytes"], "s": round(r["total"], 2),
                        "slowest_stage": max(r["times"], key=r["times"].get) if r["times"] else None}
                       for r in slow[:25]],
        "slow_files_count": len(slow),
    }
    covered = [r["coverage"] for r in ok if "coverage" in r]
    if covered:
        chars = sum(c["chars"] for c in covered) or 1
        out["prefilter_coverage_pct"] = {k: round(100 * sum(c[k] for c in covered) / chars, 1)
                                         for k in covered[0] if k != "chars"}
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
    ratio = s["ratio_extraction_cpu_to_baseline"]
    verdict = "meets" if ratio is not None and ratio <= s["goal_ratio"] else "misses"
    p(f"\nbaseline (read bytes + decode + NFC + one SYMBOL_RX pass, same files, same run): {s['baseline_cpu_s']} s CPU"
      f"\n→ ratio extraction CPU / baseline {ratio} ({verdict} the goal ≤ {s['goal_ratio']:.0f}; "
      f"stretch goal ≤ {s['stretch_goal_ratio']:.0f})")
    f = s["found"]
    p(f"found: {f['citations']} citations ({f['numbered']} numbered, {f['mentions']} counted mentions) in "
      f"{s['files_with_citations']} files; {f['doc_relations']} doc relations; {f['agencies']} agencies; "
      f"{f['movements']} movements")
    p(f"files over the slow threshold: {s['slow_files_count']}")
    for r in s["slow_files"][:15]:
        p(f"  {r['s']:7.2f} s  {r['bytes']:>9} B  {r['name']}  (mostly {r['slowest_stage']})")
    if "prefilter_coverage_pct" in s:
        p("text in candidate paragraphs (+1 line after each): " + ", ".join(
            f"{k} {v} %" for k, v in s["prefilter_coverage_pct"].items()))


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
    ap.add_argument("--times", help="write each file's CPU time per stage, sorted by file name, as JSON lines "
                                    "to this file")
    ap.add_argument("--coverage", action="store_true",
                    help="also report how much of the text the prefilter's candidate paragraphs cover")
    ap.add_argument("--unpack-to", help="unpack the archive here (kept) instead of a temporary folder")
    ap.add_argument("--timeout", type=int, default=120, help="seconds one file may take (0: no limit)")
    ap.add_argument("--slow", type=float, default=1.0, help="list files slower than this many seconds")
    args = ap.parse_args(argv)

    folder, tmp, unpack_s = _corpus_files(Path(args.corpus), Path(args.unpack_to) if args.unpack_to else None)
    try:
        files, skipped = _select(folder, args.limit)
        chunks = _chunks(files, max(1, args.chunk))
        init = (args.timeout, bool(args.records), args.coverage)
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
        if args.times:
            with open(args.times, "w", encoding="utf-8") as fh:
                for r in sorted(results, key=lambda r: r["name"]):
                    fh.write(json.dumps({"name": r["name"], "bytes": r["bytes"], "cpu": round(r["cpu"], 4),
                                         "wall": round(r["total"], 4), "error": r["error"],
                                         "stages": {k: round(v, 4) for k, v in r["times"].items()}}) + "\n")
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
