"""The main job, `vbgraph build`: extract every file, resolve, build the graph, write the embedded store
and the exports, print a short summary.  `vbgraph load` puts a built graph into a Neo4j server."""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from vbgraph.extract.errors import InputError
from vbgraph.extract.pipeline import expand_paths
from vbgraph.extract.readers import read_document
from vbgraph.graph.build import Ingested, build_graph, ingest_text, summary


def _progress(items, enabled: bool, desc: str):
    if enabled and os.isatty(2):
        from tqdm import tqdm
        return tqdm(items, desc=desc, unit="file")
    return items


class _Steps:
    """One stderr line per step after the progress bar, with the time the previous step took: the steps
    after extraction take a minute on a large corpus, and a silent minute looks like a hang."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and os.isatty(2)
        self.t = time.perf_counter()

    def __call__(self, what: str) -> None:
        if self.enabled:
            now = time.perf_counter()
            print(f"vbgraph: {what} … (previous step {now - self.t:.1f} s)", file=sys.stderr, flush=True)
            self.t = now


def ingest_each(paths, failures: list[tuple[str, str]], quiet: bool = False, report: bool = False):
    """Ingested documents one at a time; a file that cannot be read or extracted is added to
    ``failures`` (and printed at once with ``report``) and the rest go on."""
    for path in _progress(expand_paths(paths), not quiet, "extract"):
        try:
            doc = ingest_text(read_document(path), str(path))
        except InputError as exc:
            failures.append((str(path), exc.problem))
        except Exception as exc:  # one odd document must not lose the rest of the batch
            failures.append((str(path), f"extraction failed: {type(exc).__name__}: {exc}"))
        else:
            yield doc
            continue
        if report:
            print(f"vbgraph: {failures[-1][0]}: {failures[-1][1]}", file=sys.stderr)


def ingest_paths(paths, quiet: bool = False) -> tuple[list[Ingested], list[tuple[str, str]]]:
    failures: list[tuple[str, str]] = []
    docs = list(ingest_each(paths, failures, quiet))
    return docs, failures


def _print_summary(stats: dict, as_json: bool, where: str) -> None:
    if as_json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
    else:
        print(f"{stats['documents']} documents ({stats['failed']} failed), {stats['citations']} citations → "
              f"{stats['nodes']} nodes, {stats['edges']} relationships; "
              f"{stats['unresolved']} unresolved/ambiguous citations, {stats['outdated']} outdated citations; "
              f"written to {where} in {stats['seconds']} s")


def build(paths, out_dir: Path, quiet: bool = False, neo4j_uri: str | None = None, as_json: bool = False,
          part_size: int = 0) -> int:
    from vbgraph.graph.store import open_store, write_json

    if part_size:
        return build_streamed(paths, out_dir, part_size, quiet, neo4j_uri, as_json)
    t0 = time.perf_counter()
    step = _Steps(not quiet)
    docs, failures = ingest_paths(paths, quiet)
    for path, problem in failures:
        print(f"vbgraph: {path}: {problem}", file=sys.stderr)
    step(f"building the graph of {len(docs)} documents (identities, legal status, 2025 provinces)")
    graph = build_graph(docs)
    out_dir.mkdir(parents=True, exist_ok=True)
    step(f"writing {out_dir / 'graph.json'} and records.jsonl")
    write_json(graph, out_dir / "graph.json")
    with (out_dir / "records.jsonl").open("w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d.record, ensure_ascii=False) + "\n")
    step(f"loading the embedded store {out_dir / 'store'}")
    store = open_store("kglite", path=out_dir / "store")
    try:
        store.clear()                 # the embedded store is this build's graph, not an earlier one's
        store.load(graph)
    finally:
        store.close()
    if neo4j_uri:
        step(f"loading Neo4j at {neo4j_uri}")
        neo = open_store("neo4j", uri=neo4j_uri)
        try:
            neo.load(graph, replace_files=[d.path for d in docs])
        finally:
            neo.close()
    step("counting outdated citations")
    stats = summary(graph)
    stats.update(documents=len(docs), failed=len(failures), seconds=round(time.perf_counter() - t0, 2),
                 citations=sum(len(d.record["citations"]) for d in docs),
                 outdated=_outdated_count(graph), out=str(out_dir))
    _print_summary(stats, as_json, str(out_dir))
    return 1 if failures else 0


def build_streamed(paths, out_dir: Path, part_size: int, quiet: bool = False, neo4j_uri: str | None = None,
                   as_json: bool = False) -> int:
    """`vbgraph build --stream N`: the same graph, written to one store in parts of N documents, so that
    memory holds the nodes but not every relationship (graph.stream_graph).  The store is the Neo4j
    server when one is given, else the embedded store; no graph.json (it would need the whole graph)."""
    from vbgraph.graph.build import stream_graph
    from vbgraph.graph.store import open_store
    from vbgraph.queries import catalog

    t0 = time.perf_counter()
    failures: list[tuple[str, str]] = []
    counted = {"documents": 0, "citations": 0}
    paths = expand_paths(paths)

    def documents():
        for doc in ingest_each(paths, failures, quiet, report=True):
            counted["documents"] += 1
            counted["citations"] += len(doc.record["citations"])
            yield doc

    out_dir.mkdir(parents=True, exist_ok=True)
    store = open_store("neo4j", uri=neo4j_uri) if neo4j_uri else open_store("kglite", path=out_dir / "store")
    try:
        if not neo4j_uri:
            store.clear()             # the embedded store is this build's graph, not an earlier one's
        store.load_parts(stream_graph(documents(), part_size=part_size),
                         replace_files=[str(p) for p in paths] if neo4j_uri else None)
        step = _Steps(not quiet)
        step("counting nodes, unresolved and outdated citations in the store")
        counts = store.counts()
        unresolved = len({r["id"] for r in catalog.run(store, "unresolved_citations", {})})
        outdated = len(catalog.run(store, "outdated_citations", {}))
    finally:
        store.close()
    stats = {"nodes": counts["nodes"], "edges": counts["relationships"], "unresolved": unresolved,
             "documents": counted["documents"], "failed": len(failures), "citations": counted["citations"],
             "outdated": outdated, "seconds": round(time.perf_counter() - t0, 2),
             "out": neo4j_uri or str(out_dir / "store"), "streamed_parts_of": part_size}
    _print_summary(stats, as_json, f"{stats['out']} in parts of {part_size} documents")
    return 1 if failures else 0


def _outdated_count(graph) -> int:
    """Outdated citations as of today, counted exactly as `vbgraph report outdated` lists them."""
    from vbgraph.graph.report import outdated_rows

    return len(outdated_rows(graph))
