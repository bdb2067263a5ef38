"""The main job, `vbgraph build`: extract every file, resolve, build the graph, write the embedded store
and the exports, print a short summary.  `vbgraph load` puts a built graph into a Neo4j server."""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from vbgraph.extract.errors import InputError, is_skipped
from vbgraph.extract.readers import expand_paths, read_input
from vbgraph.graph.build import Ingested, build_graph, ingest_text, summary
from vbgraph.graph.stores.base import Snapshot
from vbgraph.record_cache import RecordCache, entry_key


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


def ingest_each(paths, failures: list[tuple[str, str]], quiet: bool = False, report: bool = False,
                jobs: int = 1, cache: RecordCache | None = None, counts: dict | None = None):
    """Ingested documents in the order of the files; a file that cannot be read or extracted, or is
    skipped (not a document), is added to ``failures`` (and printed at once with ``report``) and the rest
    go on.  A reader's warnings (a repaired encoding, pages read by OCR) are printed as the document comes.
    A document's file is its resolved path, so that however the path was typed it is one file, and a file
    whose content was read already (the same file given twice, or a copy) is read once and said so.
    ``jobs`` > 1 extracts in that many worker processes; ``cache`` gives the records of unchanged files
    without extracting them; ``counts`` receives how many were extracted and how many came from the cache."""
    read: dict[str, str] = {}          # content hash → the file it was read from
    counts = {} if counts is None else counts
    counts.update(extracted=0, from_cache=0)
    for path, doc in _ingested(expand_paths(paths), jobs, cache, quiet, counts):
        if isinstance(doc, str):
            failures.append((str(path), doc))
            if report:
                print(f"vbgraph: {path}: {doc}", file=sys.stderr)
            continue
        for warning in doc.record["input"]["warnings"]:
            print(f"vbgraph: warning: {warning}", file=sys.stderr)
        first = read.get(doc.sha256)
        if first is None:
            read[doc.sha256] = doc.path
            yield doc
        else:
            print(f"vbgraph: {path}: " + ("given twice" if first == doc.path else f"same content as {first}")
                  + "; read once", file=sys.stderr)


def extract_one(path: Path, key: str | None = None, cache_folder: str | None = None) -> Ingested | str:
    """One file's document, or the one-line problem; with a cache key the record is kept in the cache
    (when the file still has the bytes the key was made from)."""
    try:
        document = read_input(path)
        doc = ingest_text(document.text, str(Path(path).resolve()))
        doc.record["input"] = document.input_info()
    except InputError as exc:
        return exc.problem
    except Exception as exc:  # one odd document must not lose the rest of the batch
        return f"extraction failed: {type(exc).__name__}: {exc}"
    if key and cache_folder and _key_of(path) == key:
        RecordCache(cache_folder).put(key, doc.record, doc.provenance, doc.sha256)
    return doc


def _key_of(path: Path) -> str | None:
    """The cache key of a file that can be a document; None for one that will be refused or skipped
    (reading it here could block, e.g. a FIFO: the reader refuses it with its own message)."""
    from vbgraph.extract.readers import _not_a_document, check_readable, max_input_bytes

    try:
        if _not_a_document(path):
            return None
        check_readable(path)
        return entry_key(path.read_bytes(), path.name, max_input_bytes())
    except (InputError, OSError):
        return None


def _ingested(files: list[Path], jobs: int, cache: RecordCache | None, quiet: bool, counts: dict):
    """(path, Ingested or problem) in the order of ``files``: cached records first looked up, the rest
    extracted in ``jobs`` worker processes, the largest files first (so no large one is left for last)."""
    keys = [_key_of(p) if cache else None for p in files]
    cached = [bool(k) and cache.has(k) for k in keys]
    todo = [i for i, hit in enumerate(cached) if not hit]
    folder = str(cache.folder) if cache else None
    pool = None
    futures = {}
    if jobs > 1 and len(todo) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from vbgraph.extract import pipeline  # noqa: F401  (imported once here, shared by the forked workers)

        size = {i: _size(files[i]) for i in todo}
        # fork: the workers start at once with what this process imported, and load the pipeline once each
        pool = ProcessPoolExecutor(min(jobs, len(todo)), mp_context=multiprocessing.get_context("fork"))
        futures = {i: pool.submit(extract_one, files[i], keys[i], folder)
                   for i in sorted(todo, key=lambda i: -size[i])}
    try:
        for i in _progress(range(len(files)), not quiet, "extract"):
            entry = cache.get(keys[i]) if cached[i] else None
            if entry is not None:
                counts["from_cache"] += 1
                record, provenance, sha256 = entry
                yield files[i], Ingested(record, provenance, str(files[i].resolve()), sha256)
                continue
            counts["extracted"] += 1
            future = futures.pop(i, None)
            yield files[i], future.result() if future else extract_one(files[i], keys[i], folder)
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def ingest_paths(paths, quiet: bool = False, jobs: int = 1, cache: RecordCache | None = None,
                 counts: dict | None = None) -> tuple[list[Ingested], list[tuple[str, str]]]:
    failures: list[tuple[str, str]] = []
    docs = list(ingest_each(paths, failures, quiet, jobs=jobs, cache=cache, counts=counts))
    return docs, failures


def _print_summary(stats: dict, as_json: bool, where: str) -> None:
    if as_json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
    else:
        print(f"{stats['documents']} documents ({stats['failed']} failed, {stats['skipped']} skipped), "
              f"{stats['citations']} citations → "
              f"{stats['nodes']} nodes, {stats['edges']} relationships; "
              f"{stats['unresolved']} unresolved/ambiguous citations, {stats['outdated']} outdated citations; "
              f"written to {where} in {stats['seconds']} s")
        if "extracted" in stats:
            print(f"extracted {stats['extracted']}, from cache {stats['from_cache']}")
        cov = stats.get("status_coverage")
        if cov and cov["cited_documents"]:
            print(f"status coverage: {cov['with_source']} of {cov['cited_documents']} cited documents "
                  f"({cov['coverage'] * 100:.1f} %) have a status with a source")


# what `vbgraph build` writes under --out; each is replaced by one rename, the store first and
# graph.json (what the other commands read first) last.  The store's snapshot (graph.Snapshot) lets the
# next build write only what changed; it names the store file's digest, so it is never taken for another.
STORE, STORE_SNAPSHOT = "store/graph.kgl", "store/graph.kgl.snapshot"
OUTPUTS = (STORE, STORE_SNAPSHOT, "records.jsonl", "graph.json")


class BuildError(Exception):
    """The build cannot go on; the message is one line for the user."""


@contextmanager
def staged(out_dir: Path):
    """A staging folder inside ``out_dir`` (same file system, so renames are atomic), removed at the
    end: what a failed build wrote there never replaces the previous output."""
    out_dir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def publish(staging: Path, out_dir: Path, names=OUTPUTS) -> None:
    """Put the staged outputs in place of the previous ones, one atomic rename each."""
    for name in names:
        if (staging / name).exists():
            (out_dir / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, out_dir / name)


def _nothing_read(paths, out_dir: Path, failures) -> int:
    found = f"{len(failures)} could not be read" if failures else \
        f"no file in {' '.join(map(str, paths))}"   # every file found is read or reported
    print(f"vbgraph: no document was read ({found}); {out_dir} is left as it was", file=sys.stderr)
    return 1


def _neo4j_target(neo4j_uri: str | None):
    """(uri, auth) of the server, checked before any work; BuildError when it cannot be reached."""
    if not neo4j_uri:
        return None
    from vbgraph.graph.stores.neo4j_server import Neo4jServerError, connect

    try:
        return connect(neo4j_uri)
    except Neo4jServerError as e:
        raise BuildError(str(e)) from None


def build(paths, out_dir: Path, quiet: bool = False, neo4j_uri: str | None = None, as_json: bool = False,
          part_size: int = 0, jobs: int | None = None, use_cache: bool = True) -> int:
    """Exit status 0 built, 1 some files failed or nothing was built (the previous output is kept).
    ``jobs``: extraction processes (default: one per core; 1 extracts in this process); ``use_cache``:
    take unchanged files' records from ``<out_dir>/.cache`` and keep the new ones there."""
    extraction = {"jobs": max(1, jobs or os.cpu_count() or 1), "cache": None}
    if use_cache:
        extraction["cache"] = RecordCache.beside(out_dir)
        extraction["cache"].prune()
    try:
        if part_size:
            return build_streamed(paths, out_dir, part_size, quiet, neo4j_uri, as_json, **extraction)
        return _build(paths, out_dir, quiet, neo4j_uri, as_json, **extraction)
    except BuildError as e:
        print(f"vbgraph: {e}", file=sys.stderr)
        return 1


def _build(paths, out_dir: Path, quiet: bool, neo4j_uri: str | None, as_json: bool, jobs: int = 1,
           cache: RecordCache | None = None) -> int:
    from vbgraph.graph.stores.base import open_store
    from vbgraph.graph.node_link import write_json

    t0 = time.perf_counter()
    step = _Steps(not quiet)
    target = _neo4j_target(neo4j_uri)
    counts: dict = {}
    docs, failures = ingest_paths(paths, quiet, jobs, cache, counts)
    for path, problem in failures:
        print(f"vbgraph: {path}: {problem}", file=sys.stderr)
    if not docs:
        return _nothing_read(paths, out_dir, failures)
    step(f"building the graph of {len(docs)} documents (identities, legal status, 2025 provinces)")
    graph = build_graph(docs)
    with staged(out_dir) as staging:
        step(f"writing graph.json and records.jsonl (staged in {staging})")
        write_json(graph, staging / "graph.json")
        with (staging / "records.jsonl").open("w", encoding="utf-8") as fh:
            for d in docs:
                fh.write(json.dumps(d.record, ensure_ascii=False) + "\n")
        step("loading the embedded store")
        snapshot = Snapshot.of(graph)
        counts["store_written"] = _write_embedded_store(graph, snapshot, out_dir, staging)
        if target:
            step("loading Neo4j")
            counts["neo4j_written"] = _load_neo4j(target, lambda neo: _sync_neo4j(
                neo, graph, snapshot, out_dir, target, [d.path for d in docs]))
        publish(staging, out_dir)
    step("counting outdated citations")
    stats = summary(graph)
    stats.update(documents=len(docs), **_failure_counts(failures), **counts, **_peak_rss(),
                 seconds=round(time.perf_counter() - t0, 2),
                 citations=sum(len(d.record["citations"]) for d in docs),
                 outdated=_outdated_count(graph), out=str(out_dir), status_coverage=_status_coverage(graph))
    _print_summary(stats, as_json, str(out_dir))
    return 1 if stats["failed"] else 0


def _file_digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _write_embedded_store(graph, snapshot: Snapshot, out_dir: Path, staging: Path) -> str:
    """The embedded store of ``graph`` in ``staging``: the previous build's store with only what
    changed written, when its snapshot is for that very file; else loaded whole.  Says which."""
    from vbgraph.graph.stores.base import open_store

    previous, new = out_dir / STORE, staging / STORE
    before = Snapshot.read(out_dir / STORE_SNAPSHOT, _file_digest(previous)) if previous.is_file() else None
    if before:
        new.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(previous, new)
    how = "changes"
    with open_store("kglite", path=new) as store:
        if before is None or store.sync(graph, before, snapshot) is None:
            if before:
                store.clear()
            store.load(graph)
            how = "whole"
    snapshot.holder = _file_digest(new)
    snapshot.save(staging / STORE_SNAPSHOT)
    return how


def _sync_neo4j(store, graph, snapshot: Snapshot, out_dir: Path, target, files: list[str]) -> str:
    """Neo4j gets only what changed since this output folder's last build loaded it (when the build
    gives the same files and the server still holds as many nodes and relationships as then), else the
    whole graph with ``files`` replaced.
    The snapshot is kept in the output's .cache, one per server address and user."""
    uri, auth = target
    # a server keeps what other builds loaded and what files no longer given contributed (a build replaces
    # only its own files): the changes alone are written only when this build gives the same files again
    given = hashlib.blake2b("\0".join(sorted(files)).encode(), digest_size=16).hexdigest()
    holder = f"{uri}|{auth[0] if auth else ''}|{given}"
    path = out_dir / ".cache" / "neo4j" / (hashlib.blake2b(holder.encode(), digest_size=8).hexdigest() + ".snapshot")
    before = Snapshot.read(path, holder)
    how = "changes"
    if before is None or store.sync(graph, before, snapshot) is None:
        store.load(graph, replace_files=files)
        how = "whole"
    Snapshot(snapshot.nodes, snapshot.edges, holder).save(path)
    return how


def _load_neo4j(target, load):
    """Run ``load(store)`` on the Neo4j server; a failure is one line (a load can be run again)."""
    from vbgraph.graph.stores.neo4j_server import describe_settings, one_line
    from vbgraph.graph.stores.base import open_store

    uri, auth = target
    store = open_store("neo4j", uri=uri, auth=auth)
    try:
        return load(store)
    except Exception as e:  # the driver's and the server's errors: one line, not a traceback
        raise BuildError(f"loading into Neo4j at {describe_settings(uri, auth)} failed: {type(e).__name__}: "
                         f"{one_line(e)} — the local output is left as it was; run the build again") from None
    finally:
        store.close()


def build_streamed(paths, out_dir: Path, part_size: int, quiet: bool = False, neo4j_uri: str | None = None,
                   as_json: bool = False, jobs: int = 1, cache: RecordCache | None = None) -> int:
    """`vbgraph build --stream N`: the same graph, written to one store in parts of N documents, so that
    memory holds the nodes but not every relationship (graph.stream_graph).  The store is the Neo4j
    server when one is given, else the embedded store (staged, and put in place only when the build
    read a document); no graph.json (it would need the whole graph)."""
    from vbgraph.graph.build import stream_graph
    from vbgraph.graph.stores.neo4j_server import redact
    from vbgraph.graph.stores.base import open_store
    from vbgraph.queries import catalog

    t0 = time.perf_counter()
    target = _neo4j_target(neo4j_uri)
    failures: list[tuple[str, str]] = []
    counted = {"documents": 0, "citations": 0}
    counts: dict = {}
    files = expand_paths(paths)
    docs = ingest_each(files, failures, quiet, report=True, jobs=jobs, cache=cache, counts=counts)
    first = next(docs, None)          # nothing is written before one document was read
    if first is None:
        return _nothing_read(paths, out_dir, failures)

    def documents():
        for doc in itertools.chain([first], docs):
            counted["documents"] += 1
            counted["citations"] += len(doc.record["citations"])
            yield doc

    def load(store):
        store.load_parts(stream_graph(documents(), part_size=part_size),
                         replace_files=[str(p.resolve()) for p in files] if target else None)
        _Steps(not quiet)("counting nodes, unresolved and outdated citations in the store")
        return (store.counts(), len({r["id"] for r in catalog.run(store, "unresolved_citations", {})}),
                len(catalog.run(store, "outdated_citations", {})))

    if target:
        counts, unresolved, outdated = _load_neo4j(target, load)
    else:
        with staged(out_dir) as staging:
            with open_store("kglite", path=staging / "store") as store:
                counts, unresolved, outdated = load(store)
            publish(staging, out_dir, ("store/graph.kgl",))
    stats = {"nodes": counts["nodes"], "edges": counts["relationships"], "unresolved": unresolved,
             "documents": counted["documents"], **_failure_counts(failures), "citations": counted["citations"],
             "outdated": outdated, **counts, **_peak_rss(), "seconds": round(time.perf_counter() - t0, 2),
             "out": redact(neo4j_uri) if neo4j_uri else str(out_dir / "store"), "streamed_parts_of": part_size}
    _print_summary(stats, as_json, f"{stats['out']} in parts of {part_size} documents")
    return 1 if stats["failed"] else 0


def _peak_rss() -> dict:
    """Peak resident memory in MB of this process and of its largest extraction worker (Linux: kB)."""
    import resource

    return {"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "peak_rss_workers_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)}


def _failure_counts(failures: list[tuple[str, str]]) -> dict:
    """Files that could not be read, and files skipped as not documents: both reported, counted apart."""
    skipped = sum(1 for _, problem in failures if is_skipped(problem))
    return {"failed": len(failures) - skipped, "skipped": skipped}


def _outdated_count(graph) -> int:
    """Outdated citations as of today, counted exactly as `vbgraph report outdated` lists them."""
    from vbgraph.graph.report import outdated_rows

    return len(outdated_rows(graph))


def _status_coverage(graph) -> dict:
    """Cited documents by status as of today, and how many of them have a status with a source."""
    import datetime as dt

    from vbgraph.graph.report import cited_statuses, status_summary

    return status_summary(cited_statuses(graph, dt.date.today().isoformat()))
