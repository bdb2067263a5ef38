#!/usr/bin/env python
"""Status from evidence over the real corpus: how many cited documents have a sourced status before and
after reading what the documents say about effect (extract/effect.py), and how many status events of
each kind were found.

    python benchmarks/status_corpus.py [CORPUS] [--limit N] [--jobs N] [--as-of DATE] [--sample N]
                                       [--sample-out FILE] [--json]

CORPUS is the archive (default ../shared/corpus/vn-legal-14k.tar.xz beside the repository), unpacked
into a temporary folder and removed afterwards, or a folder of unpacked files. Files are extracted once
in worker processes; the graph is then built twice from the same records:
  before  the records without their "effect" statements, counted by the rules before issue 12: a cited
          document has a status when the reviewed table gives one or a stated/reference SUPERSEDES names it
  after   the whole records, counted from the status history: a cited document has a status when its
          status as of --as-of comes from a sourced event
`--sample N` writes N stated effect events (seeded, so the same sample comes back) with their sentences
to --sample-out, for checking by hand.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import shutil
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "vn-legal-14k.tar.xz"


def _ingest(path: str):
    from vbgraph.extract.readers import read_document
    from vbgraph.graph.build import ingest_text

    try:
        return ingest_text(read_document(path), path)
    except Exception as exc:                      # one odd file must not stop the measure
        return f"{path}: {type(exc).__name__}: {exc}"


def cited(g) -> set[str]:
    from vbgraph.graph.report import CITING_TYPES, _ingested

    return {old for c, old, r in g.edges(data=True)
            if r.get("type") in CITING_TYPES and "Document" in g.nodes[old].get("labels", ()) and _ingested(g.nodes[c])}


def coverage_before(g, docs: set[str]) -> int:
    sourced = set()
    for new, old, e in g.edges(data=True):
        if e.get("type") == "SUPERSEDES" and e.get("basis") in ("stated", "reference"):
            sourced.add(old)
    return sum(1 for n in docs if n in sourced or g.nodes[n].get("reference_status") not in (None, "không xác định"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--as-of", default="2025-12-31")
    ap.add_argument("--sample", type=int, default=50)
    ap.add_argument("--sample-out", default="benchmarks/status_sample.jsonl")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from vbgraph.extract.readers import expand_paths
    from vbgraph.graph.build import build_graph
    from vbgraph.graph.status import history_of, status_at

    tmp = None
    corpus = Path(args.corpus)
    if corpus.is_file():
        tmp = tempfile.mkdtemp(prefix="status-corpus-")
        with tarfile.open(corpus) as tar:
            tar.extractall(tmp, filter="data")
        corpus = Path(tmp)
    try:
        files = [str(p) for p in expand_paths([str(corpus)])]
        if args.limit:
            files = files[:args.limit]
        t0 = time.time()
        with mp.Pool(args.jobs) as pool:
            results = pool.map(_ingest, files, chunksize=32)
        docs = [r for r in results if not isinstance(r, str)]
        failed = [r for r in results if isinstance(r, str)]
        t_extract = time.time() - t0
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    with_effect = sum(1 for d in docs if (d.record.get("effect") or {}).get("statements")
                      or (d.record.get("effect") or {}).get("in_force"))
    after = build_graph(docs)
    docs_after = cited(after)
    statuses = {n: status_at(history_of(after, n), args.as_of, after.nodes[n].get("date")) for n in docs_after}
    sourced_after = sum(1 for st in statuses.values() if st["event"])
    events = [dict(ev, target=n) for n in after.nodes if after.nodes[n].get("status_history")
              for ev in history_of(after, n)]
    kinds = Counter(f"{ev['basis']}:{ev['action']}" for ev in events)
    read_by = Counter("effect.py" if (ev.get("rule") or "").startswith("effect:") or ev["action"] in ("in_force", "expiry")
                      else ("relations.py" if ev["basis"] == "stated" else ev["basis"]) for ev in events)
    by_status = Counter(st["status"] for st in statuses.values())
    conflicts = sum(1 for st in statuses.values() if st["conflicts"])

    for d in docs:
        d.record["effect"] = None
    before = build_graph(docs)
    docs_before = cited(before)
    sourced_before = coverage_before(before, docs_before)

    effect_events = [ev for ev in events if ev["basis"] == "stated" and ev.get("sentence")]
    random.Random(12).shuffle(effect_events)
    sample = effect_events[:args.sample]
    if args.sample:
        with open(args.sample_out, "w", encoding="utf-8") as fh:
            for ev in sample:
                t = after.nodes[ev["target"]]
                fh.write(json.dumps({"target": ev["target"], "target_symbol": t.get("symbol"), "date": ev.get("date"),
                                     "status": ev.get("status"), "action": ev["action"], "part": ev.get("part"),
                                     "source": ev.get("source_symbol"), "file": Path(ev.get("file") or "").name,
                                     "rule": ev.get("rule") or ("effect:in_force" if ev["action"] in ("in_force", "expiry")
                                                                else None),
                                     "sentence": ev.get("sentence"), "correct": None}, ensure_ascii=False) + "\n")
    result = {
        "files": len(files), "failed": len(failed), "extract_seconds": round(t_extract, 1),
        "documents_with_effect_statements": with_effect,
        "cited_documents": len(docs_after),
        "coverage_before": {"sourced": sourced_before, "of": len(docs_before),
                            "share": round(sourced_before / max(1, len(docs_before)), 4)},
        "coverage_after": {"sourced": sourced_after, "of": len(docs_after),
                           "share": round(sourced_after / max(1, len(docs_after)), 4)},
        "cited_by_status_as_of": dict(by_status.most_common()), "as_of": args.as_of,
        "events_by_kind": dict(kinds.most_common()), "events_read_by": dict(read_by.most_common()),
        "documents_with_conflicts": conflicts,
        "ingested_with_entry_into_force": sum(1 for _, d in after.nodes(data=True) if d.get("in_force_date")),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else
          "\n".join(f"{k}: {v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
