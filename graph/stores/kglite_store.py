"""The embedded default store: kglite (in-process, Cypher, persisted as one ``.kgl`` file).

Same loading semantics as Neo4j (vbgraph.graph.stores.base): the same parameterised Cypher statements run
unchanged; each statement is atomic in kglite, so one batch is one transaction.  ``path`` is a
``.kgl`` file or a folder (the file is then ``<folder>/graph.kgl``).  The graph is opened with the
writer lease (one writing process at a time) and without a write-ahead log (it is rebuilt from the
sources, so durability comes from ``save()``, which ``load``, ``run(write=True)``, ``clear`` and
``close`` call).

Where kglite 0.21.2 differs from Neo4j 5.26 (seen in this module's tests and trials):

* Constraints: ``CREATE CONSTRAINT … FOR (n:Node) REQUIRE n.id IS UNIQUE`` is accepted and enforced,
  but only for the node's *primary* type.  ``MERGE (n:Node {id})`` makes ``Node`` every node's primary
  type and ``SET n:Document`` adds secondary labels; a constraint declared on a secondary label
  (Document, Plan, …) is accepted and shown by SHOW CONSTRAINTS yet rejects nothing, so this store
  declares only the ``Node.id`` one (Neo4j also gets one per label).  Without a constraint kglite's
  CREATE makes two nodes with one id.  A constraint cannot be declared over existing duplicates.
* ``title`` / ``name`` / ``label`` / ``type`` are structural: ``n.type`` is the primary type
  (``'Node'``); when a node stores only one of ``title`` and ``name``, reading the other returns it
  (an Agency's ``n.title`` is its name, a titled Document's ``n.name`` its title); when it stores
  neither, both read ``'Node_<id>'``.  So ``n.title IS NULL`` / ``n.name IS NULL`` are never true in
  kglite and ``coalesce(n.title, n.name)`` never falls through; ``keys(n)`` / ``properties(n)`` and
  whole nodes carry these copies too.  Queries meant for both stores should project the properties
  they need and not test title/name for null.  ``run`` asks for ``hide_structural_keys`` (drops the
  virtual ``type`` and minted titles from ``properties(n)``), and whole nodes drop a ``type`` of
  ``'Node'`` and minted ``'Node_<id>'`` titles; a copied title/name cannot be told from a stored one.
* ``id(n)`` returns the ``id`` property (Neo4j: an internal integer); ``elementId(n)`` is kglite's
  internal id.  Whole relationships name their endpoints by that internal id; ``run`` maps them to
  node ids, as it does for Neo4j.
* Read-only runs (``write=False``) use the graph's read-only switch: a write statement raises
  ``kglite.ReadOnlyError`` (Neo4j: a ClientError for writing in read access mode).
* A query mentioning a property, label or type that the graph lacks prints a ``warning:`` line on
  stderr by default (the result is still empty or null, as in Neo4j); this store turns those lines
  off, as it does the MappedFallbackWarning of a large graph's save.
* Whole entities come back as plain dicts (not typed objects), so ``run`` recognises a node, a
  relationship and a path by their keys (a returned map with exactly those keys is read as one).
"""
from __future__ import annotations

import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from vbgraph.graph.stores.base import COMMON_LABEL, CypherStore, plain_labels, refuse_in_read_mode

DEFAULT_FILE = "graph.kgl"
_NODE_KEYS = {"id", "labels", "properties"}
_REL_KEYS = {"id", "start", "end", "type", "properties"}
_PATH_KEYS = {"nodes", "relationships"}


def kgl_file(path: str | Path) -> Path:
    """The ``.kgl`` file for ``path`` (a file ending in .kgl, or a folder)."""
    path = Path(path)
    return path if path.suffix == ".kgl" else path / DEFAULT_FILE


@contextmanager
def _no_mapped_fallback_warning():
    """A save of a large graph warns (thousands of characters) about parts a *mapped* load cannot read
    in place; this store always loads into memory, so the warning concerns nothing the user does."""
    import kglite

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kglite.MappedFallbackWarning)
        yield


def _release_freed_memory() -> None:
    """Give the memory the load's Python rows and parts freed back to the system (glibc keeps it for
    reuse otherwise), so that it is not counted again on top of the save's buffers."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):      # not glibc: nothing to release this way
        pass


class KgliteStore(CypherStore):
    def __init__(self, path: str | Path, batch_size: int = 10000, read_only: bool = False):
        import kglite

        # "unknown relationship type" and the like go to stderr by default; Neo4j's notifications of the
        # same kind are not shown either, and the named queries mention types a small graph may lack
        kglite.set_query_warning_policy("silent")
        self.path = kgl_file(path)
        self.batch_size = batch_size
        self.read_only = read_only
        if read_only:
            # a reader takes no writer lease and never saves, so several queries can run at once
            self._graph = kglite.load(str(self.path), storage="memory")
            self._graph.read_only(True)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # in memory (a mapped graph warns on save about columns it cannot map), saved by save()
            self._graph = kglite.open(str(self.path), storage="memory", durable="off")
        self._schema_done = False

    def __repr__(self) -> str:
        return f"KgliteStore({str(self.path)!r})"

    def _ensure_schema(self) -> None:
        if not self._schema_done:
            self._graph.cypher(f"CREATE CONSTRAINT IF NOT EXISTS FOR (n:{COMMON_LABEL}) REQUIRE n.id IS UNIQUE")
            self._schema_done = True

    def _write(self, cypher: str, params: dict) -> list[dict]:
        return self._graph.cypher(cypher, params=params).to_list()

    def _after_write(self) -> float:
        t = time.perf_counter()
        _release_freed_memory()       # the save serialises the whole graph in memory: it peaks there
        with _no_mapped_fallback_warning():
            self._graph.save()
        return time.perf_counter() - t

    def run(self, cypher: str, params: dict | None = None, write: bool = False) -> list[dict]:
        g = self._graph
        if write and self.read_only:
            raise PermissionError(f"{self.path} was opened read-only; open it for writing to change it")
        if write:
            rows = g.cypher(cypher, params=params or None, hide_structural_keys=True).to_list()
            self._after_write()
        else:
            refuse_in_read_mode(cypher)
            was = g.read_only()
            g.read_only(True)
            try:
                rows = g.cypher(cypher, params=params or None, hide_structural_keys=True).to_list()
            finally:
                g.read_only(was)
        return self._plain(rows)

    def close(self) -> None:
        if self._graph is not None:
            if not self.read_only:
                with _no_mapped_fallback_warning():
                    self._graph.close()  # saves to self.path and releases the writer lease
            self._graph = None

    # entities → plain values

    def _plain(self, rows: list[dict]) -> list[dict]:
        internal: dict[str, Any] = {}   # kglite internal id → node id
        ends: set[str] = set()

        def scan(v):
            if isinstance(v, dict):
                keys = set(v)
                if keys == _NODE_KEYS and isinstance(v["properties"], dict):
                    internal[str(v["id"])] = v["properties"].get("id")
                elif keys == _REL_KEYS and isinstance(v["properties"], dict):
                    ends.update((str(v["start"]), str(v["end"])))
                for x in v.values():
                    scan(x)
            elif isinstance(v, list):
                for x in v:
                    scan(x)

        for row in rows:
            scan(row)
        missing = sorted(ends - set(internal))
        if missing:
            for r in self._graph.cypher("MATCH (n) WHERE elementId(n) IN $e RETURN elementId(n) AS e, n.id AS id",
                                        params={"e": missing}).to_list():
                internal[str(r["e"])] = r["id"]

        def plain(v):
            if isinstance(v, dict):
                keys = set(v)
                if keys == _NODE_KEYS and isinstance(v["properties"], dict):
                    props = dict(v["properties"])
                    minted = f"{COMMON_LABEL}_{props.get('id')}"
                    if props.get("type") == COMMON_LABEL:
                        del props["type"]
                    for k in ("title", "name", "label"):
                        if props.get(k) in (minted, COMMON_LABEL):
                            del props[k]
                    return {"id": props.get("id"), "labels": plain_labels(v["labels"]), "properties": props}
                if keys == _REL_KEYS and isinstance(v["properties"], dict):
                    return {"type": v["type"], "start": internal.get(str(v["start"])),
                            "end": internal.get(str(v["end"])), "properties": dict(v["properties"])}
                if keys == _PATH_KEYS:
                    return {"nodes": [plain(n) for n in v["nodes"]],
                            "relationships": [plain(r) for r in v["relationships"]]}
                return {k: plain(x) for k, x in v.items()}
            if isinstance(v, list):
                return [plain(x) for x in v]
            return v

        return [{k: plain(v) for k, v in row.items()} for row in rows]
