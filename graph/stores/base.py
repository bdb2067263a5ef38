"""Where the graph lives after it is built: one small interface over Neo4j and the embedded kglite.

    store = open_store("kglite", path="build/graph")        # or open_store("neo4j") / ("neo4j", uri=..., auth=...)
    store.load(graph)                                        # networkx MultiDiGraph from vbgraph.graph.build
    store.load(graph, replace_files=["data/samples/000_….txt"])   # re-ingest one edited file
    store.run("MATCH (d:Document {id: $id}) RETURN d.title AS title", {"id": ...})
    store.counts()                                           # {"nodes": n, "relationships": m}
    store.close()

Both stores load the same way, through parameterised Cypher only:

* every node gets the common label ``Node`` (unique constraint on ``id``, so every ``MATCH (a:Node {id: …})``
  is an index lookup) plus its own labels from the schema whitelist ``NODE_LABELS``;
  ``UNWIND $rows AS row MERGE (n:Node {id: row.id}) SET n:<Labels>, n += row.props``, rows grouped by label
  set.  Label and relationship-type names are written into the query text only from the whitelists below,
  never from data (an unknown label or type is a ValueError before anything is written).
* relationships, grouped by type: ``UNWIND $rows AS row MATCH (a:Node {id: row.src}) MATCH (b:Node {id:
  row.dst}) CREATE (a)-[r:<TYPE> {key_id: row.key}]->(b) SET r += row.props`` for a type the store holds
  none of when the load starts, else the ones already stored (same endpoints and ``key_id``, which is
  unique per endpoint pair: the networkx edge key) are updated first and the rest created.
* a relationship between two documents stated by several files (``stated_files`` …, see
  ``build.stated_edge``) is one edge: a load merges its statements with the ones the store holds.
* one transaction per batch (``batch_size`` rows; ``write_workers`` batches at a time); loading the same
  graph again changes no count.  ``load_parts`` takes the graph in parts (``build.stream_graph``).
* ``replace_files=[paths]``: first the relationships whose ``file`` is one of those paths are deleted and
  those files' statements taken off shared edges (what the old versions of those files contributed), then
  the graph is loaded, then the orphans of the old versions are deleted: endpoints of the deleted relationships that are not in the loaded graph, are not a
  Province, are not a Plan of another file, and keep no relationship except a file-less ``LOCATED_IN``
  (a cited document's placement in its province says where it is, not that anything still cites it).
  Properties are merged (``+=``) and labels only added, so a property that an edited file no longer states
  stays on a node that survives; ``clear()`` and a full load give the exact graph.  A load is one
  transaction per batch, not one in all: after a failure, run the same load again.

``run`` returns plain Python values: nodes as ``{"id", "labels", "properties"}`` (``labels`` without the
common ``Node``), relationships as ``{"type", "start", "end", "properties"}`` (start/end are node ids),
paths as ``{"nodes", "relationships"}``, temporal values as ``datetime`` objects.

The networkx graph itself is saved as node-link JSON (``write_json`` / ``read_json``) beside the embedded
store: it is what the networkx side of queries/ reads.
"""
from __future__ import annotations

import hashlib
import json
import marshal
import os
import re
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Callable, Iterable

import networkx as nx

from vbgraph.graph.build import stated_entries, stated_props
from vbgraph.sealed import read_sealed, write_sealed

COMMON_LABEL = "Node"
NODE_LABELS = ("Document", "Ingested", "Plan", "Agency", "Province", "Movement", "SourceFile")
REL_TYPES = ("IMPLEMENTS", "BASED_ON", "CITES", "AMENDS", "GUIDES", "DETAILS", "SUPERSEDES", "ASSIGNS",
             "PROMOTES", "ISSUED_BY", "LOCATED_IN", "EXTRACTED_FROM", "MERGED_INTO", "SUSPENDS")
# node attributes of the networkx model that are structure, not properties
_NODE_STRUCTURE = ("id", "labels")
_EDGE_STRUCTURE = ("type", "key_id")



class StoreError(RuntimeError):
    """A store refused or lost part of a load; the message says what."""


class ReadOnlyError(PermissionError):
    """A read-only run was given a statement that administers the server or reaches outside the graph."""


# Read mode runs queries, nothing else.  Procedures: only these read the schema; every other one
# (db.clearQueryCaches, dbms.listConfig, dbms.killQuery …) administers the server.  SHOW: only
# indexes, constraints, functions and procedures (SHOW USERS, SETTINGS, TRANSACTIONS … do not).
# LOAD CSV reads files or URLs.  Administration commands are refused by their first word.
READ_PROCEDURES = ("db.labels", "db.relationshiptypes", "db.propertykeys", "db.schema.visualization",
                   "db.schema.nodetypeproperties", "db.schema.reltypeproperties")
_LITERALS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.DOTALL)
_CALL_PROCEDURE = re.compile(r"(?<![\w.$:])CALL\s+([A-Za-z_][\w.]*)", re.IGNORECASE)
_ADMIN = re.compile(
    r"^\s*USE\s|(?<![\w.$:])(?:SHOW\s+(?!(?:[A-Z]+\s+){0,2}(?:INDEX|INDEXES|CONSTRAINT|CONSTRAINTS|FUNCTION|FUNCTIONS"
    r"|PROCEDURE|PROCEDURES)\b)[A-Z]+|LOAD\s+CSV|TERMINATE|GRANT|DENY|REVOKE|ALTER|RENAME|ENABLE|DEALLOCATE"
    r"|REALLOCATE|DRYRUN|(?:START|STOP)\s+DATABASE)(?![\w.])", re.IGNORECASE)


def without_literals(cypher: str) -> str:
    """The statement with strings, comments and `quoted names` blanked out."""
    return _LITERALS.sub(" ", cypher)


def refuse_in_read_mode(cypher: str) -> None:
    """ReadOnlyError when a read-only run is asked to administer the server, call a procedure other than
    the schema ones, or read files (both stores share this rule; writes are refused by the engines)."""
    text = without_literals(cypher)
    for m in _CALL_PROCEDURE.finditer(text):
        if m.group(1).lower() not in READ_PROCEDURES:
            raise ReadOnlyError(f"CALL {m.group(1)} is not allowed in read mode (only the schema procedures "
                                f"{', '.join(READ_PROCEDURES)})")
    m = _ADMIN.search(text)
    if m:
        raise ReadOnlyError(f"{' '.join(m.group(0).upper().split())} is not allowed in read mode")


# --- the graph as rows -------------------------------------------------------------------------


def node_groups(graph: nx.MultiDiGraph) -> dict[tuple[str, ...], list[str]]:
    """Node ids grouped by label set (labels in whitelist order); the rows are made a batch at a time
    (``node_row``), so that a part holding every node of a large corpus is not copied whole."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for node_id, data in graph.nodes(data=True):
        if data.get("id", node_id) != node_id:
            raise ValueError(f"node {node_id!r} has id attribute {data.get('id')!r}")
        labels = data.get("labels") or []
        unknown = [label for label in labels if label not in NODE_LABELS]
        if unknown or not labels:
            raise ValueError(f"node {node_id!r}: labels {labels!r} are not in the schema {NODE_LABELS}")
        key = tuple(label for label in NODE_LABELS if label in labels)  # the whitelist's own strings
        groups.setdefault(key, []).append(node_id)
    return groups


def node_row(graph: nx.MultiDiGraph, node_id: str) -> dict:
    """``{"id", "props"}`` of one node."""
    data = graph.nodes[node_id]
    return {"id": str(node_id),
            "props": {k: _value(v) for k, v in data.items() if k not in _NODE_STRUCTURE and v is not None}}


def relationship_rows(graph: nx.MultiDiGraph) -> dict[str, list[dict]]:
    """Relationship rows ``{"src", "dst", "key", "props"}`` grouped by type (a whitelist string)."""
    groups: dict[str, list[dict]] = {}
    for src, dst, key, data in graph.edges(keys=True, data=True):
        etype = data.get("type")
        if etype not in REL_TYPES:
            raise ValueError(f"edge {src!r} -> {dst!r}: type {etype!r} is not in the schema {REL_TYPES}")
        etype = REL_TYPES[REL_TYPES.index(etype)]
        props = {k: _value(v) for k, v in data.items() if k not in _EDGE_STRUCTURE and v is not None}
        groups.setdefault(etype, []).append(
            {"src": str(src), "dst": str(dst), "key": str(data.get("key_id", key)), "props": props})
    return groups


def _value(v: Any) -> Any:
    return list(v) if isinstance(v, (tuple, set, frozenset)) else v


def _chunks(rows: list, size: int) -> Iterable[list]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


# --- Cypher (labels and types filled in only from NODE_LABELS / REL_TYPES) ---------------------

_MERGE_NODES = ("UNWIND $rows AS row MERGE (n:" + COMMON_LABEL + " {{id: row.id}}) "
                "SET n{labels}, n += row.props RETURN count(n) AS n")
# Relationships are created, not MERGEd: MERGE locks both endpoints to check for a twin, and concurrent
# batches sharing a busy endpoint (a directive cited by thousands of plans) then deadlock and run again.
# A load's rows are unique, so a relationship needs CREATE unless the store already holds it: a type the
# store holds none of at the start of the load is created outright, otherwise existing ones are updated
# first (_UPDATE_RELS) and the rest created.
_CREATE_RELS = ("UNWIND $rows AS row MATCH (a:" + COMMON_LABEL + " {{id: row.src}}) "
                "MATCH (b:" + COMMON_LABEL + " {{id: row.dst}}) "
                "CREATE (a)-[r:{type} {{key_id: row.key}}]->(b) SET r += row.props RETURN count(r) AS n")
_UPDATE_RELS = ("UNWIND $rows AS row MATCH (a:" + COMMON_LABEL + " {{id: row.src}})-[r:{type} {{key_id: row.key}}]->"
                "(b:" + COMMON_LABEL + " {{id: row.dst}}) SET r += row.props RETURN row.src AS s, row.dst AS d, "
                "row.key AS k")
_COUNT_TYPE = "MATCH ()-[r:{type}]->() RETURN count(r) AS n"
# What a file contributed hangs off its ingested document: every relationship with a `file` starts there, and a
# shared edge it states joins documents the plan cites (or the plan itself).  The plan is found through
# its EXTRACTED_FROM relationship, the one relationship type whose `file` Neo4j indexes (an index on
# every relationship's file cost more on each load than it saved on a re-ingest).
_PLANS_OF_FILES = ("MATCH (p:Ingested)-[e:EXTRACTED_FROM]->(:SourceFile) WHERE e.file IN $files WITH DISTINCT p ")
_TAKE_STATED_BY_FILES = (_PLANS_OF_FILES +
                         "OPTIONAL MATCH (p)-->(c:Document) WITH p, collect(DISTINCT c) AS cited "
                         "UNWIND cited + [p] AS x WITH DISTINCT x "
                         "MATCH (x)-[r]->(b) WHERE r.stated_files IS NOT NULL "
                         "AND any(f IN r.stated_files WHERE f IN $files) "
                         "WITH r, type(r) AS t, x.id AS s, b.id AS d, properties(r) AS p LIMIT $batch "
                         "DELETE r RETURN t, s, d, p")
_DELETE_FILE_RELS = (_PLANS_OF_FILES +
                     "MATCH (p)-[r]->(b) WHERE r.file IN $files AND r.stated_files IS NULL "
                     "AND NOT r:EXTRACTED_FROM WITH r, p.id AS s, b.id AS d LIMIT $batch DELETE r RETURN s, d")
_FILES_OF_SOURCES = ("UNWIND $ids AS id MATCH (s:" + COMMON_LABEL + " {id: id})<-[e:EXTRACTED_FROM]-(:Ingested) "
                     "RETURN DISTINCT id, e.file AS file")
_DELETE_EXTRACTED_FROM = ("MATCH (p:Ingested)-[r:EXTRACTED_FROM]->(b:SourceFile) WHERE r.file IN $files "
                          "WITH r, p.id AS s, b.id AS d LIMIT $batch DELETE r RETURN s, d")
_TAKE_STATED = ("UNWIND $rows AS row MATCH (a:" + COMMON_LABEL + " {{id: row.src}})-[r:{type} {{key_id: row.key}}]->"
                "(b:" + COMMON_LABEL + " {{id: row.dst}}) WITH row, r, properties(r) AS p DELETE r "
                "RETURN row.src AS s, row.dst AS d, p")
_DELETE_ORPHANS = ("UNWIND $ids AS id MATCH (n:" + COMMON_LABEL + " {id: id}) "
                   "WHERE NOT n:Province AND (NOT n:Ingested OR n.source_file IN $files) "
                   "AND NOT EXISTS { MATCH (n)-[r]-() WHERE r.file IS NOT NULL OR type(r) <> 'LOCATED_IN' } "
                   "DETACH DELETE n RETURN count(*) AS n")
_DELETE_RELS = ("UNWIND $rows AS row MATCH (a:" + COMMON_LABEL + " {{id: row.src}})-[r:{type} {{key_id: row.key}}]->"
                "(b:" + COMMON_LABEL + " {{id: row.dst}}) DELETE r RETURN count(*) AS n")
_DELETE_NODES = "UNWIND $ids AS id MATCH (n:" + COMMON_LABEL + " {id: id}) DETACH DELETE n RETURN count(*) AS n"
_REPLACE_NODES = "UNWIND $rows AS row MATCH (n:" + COMMON_LABEL + " {id: row.id}) SET n = row.props RETURN count(n) AS n"
_TYPES_IN_STORE = "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS t"
_COUNT_NODES = "MATCH (n) RETURN count(n) AS n"
_COUNT_RELS = "MATCH ()-[r]->() RETURN count(r) AS n"
# relationships first, so that no batch deletes the thousands of relationships of one hub node
_CLEAR_RELS = "MATCH ()-[r]->() WITH r LIMIT $batch DELETE r RETURN count(*) AS n"
_CLEAR_NODES = "MATCH (n) WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS n"


def labels_clause(labels: tuple[str, ...]) -> str:
    """``:Document:Plan`` from whitelisted label names (ValueError for anything else)."""
    for label in labels:
        if label not in NODE_LABELS:
            raise ValueError(f"label {label!r} is not in the schema {NODE_LABELS}")
    return "".join(":" + NODE_LABELS[NODE_LABELS.index(label)] for label in labels)


def _type_name(etype: str) -> str:
    if etype not in REL_TYPES:
        raise ValueError(f"relationship type {etype!r} is not in the schema {REL_TYPES}")
    return REL_TYPES[REL_TYPES.index(etype)]


# --- the interface -----------------------------------------------------------------------------


class GraphStore(ABC):
    """A graph database holding the vbgraph model; see the module docstring for the semantics."""

    batch_size: int = 5000
    write_workers: int = 1      # concurrent write transactions while merging (a server store may use more)
    retries: int = 0            # transactions run again (after a deadlock, by a server store)

    @abstractmethod
    def load(self, graph: nx.MultiDiGraph, replace_files: list[str] | None = None) -> dict:
        """Merge ``graph`` into the store; returns counts and timings (seconds)."""

    @abstractmethod
    def run(self, cypher: str, params: dict | None = None, write: bool = False) -> list[dict]:
        """Run parameterised Cypher; rows as dicts of plain Python values. ``write=False`` refuses writes."""

    def counts(self) -> dict[str, int]:
        return {"nodes": self.run(_COUNT_NODES)[0]["n"], "relationships": self.run(_COUNT_RELS)[0]["n"]}

    def clear(self) -> int:
        """Delete every node and relationship, a batch per transaction; returns the number of nodes deleted."""
        total = 0
        for query in (_CLEAR_RELS, _CLEAR_NODES):
            while True:
                n = self._write(query, {"batch": self.batch_size})[0]["n"]
                if query is _CLEAR_NODES:
                    total += n
                if n == 0:
                    break
        return total

    @abstractmethod
    def close(self) -> None:
        """Release the connection or the embedded graph (kglite saves first)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # what a Cypher store provides to the shared loader

    @abstractmethod
    def _write(self, cypher: str, params: dict) -> list[dict]:
        """One statement in one write transaction; raw rows."""

    def _ensure_schema(self) -> None:
        """Constraints and indexes the loader relies on (idempotent)."""

    def _after_write(self) -> float:
        """Persist after a load or write; returns the seconds it took."""
        return 0.0


class CypherStore(GraphStore):
    """The load algorithm shared by both stores (they differ only in how a statement runs)."""

    def load(self, graph: nx.MultiDiGraph, replace_files: list[str] | None = None) -> dict:
        return self.load_parts([graph], replace_files)

    def load_parts(self, parts: Iterable[nx.MultiDiGraph], replace_files: list[str] | None = None) -> dict:
        """Load a graph given in parts (``build.stream_graph``): the replaced files' relationships go first,
        each part is merged as it comes (and can then leave memory), the orphans go last, one save.
        Each part is validated before it is written; a part that fails stops the load after the parts
        before it were written (run the same load again)."""
        started = time.perf_counter()
        files = [str(f) for f in replace_files or []]
        seconds = dict.fromkeys(("schema", "delete_relationships", "nodes", "relationships"), 0.0)
        stats = {"nodes": 0, "relationships": 0, "deleted_relationships": 0, "deleted_nodes": 0, "batches": 0,
                 "parts": 0}

        t = time.perf_counter()
        self._ensure_schema()
        seconds["schema"] = time.perf_counter() - t

        t = time.perf_counter()
        touched, kept = self._take_files(files, stats)
        seconds["delete_relationships"] = time.perf_counter() - t

        present = {row["t"] for row in self._write(_TYPES_IN_STORE, {})}
        fresh = {etype for etype in REL_TYPES
                 if etype not in present or self._write(_COUNT_TYPE.format(type=etype), {})[0]["n"] == 0}
        loaded: set[str] = set()
        for part in parts:
            nodes = node_groups(part)          # validate the part before the store is touched
            rels = relationship_rows(part)
            t = time.perf_counter()
            moved = self._moved_files(part, files)
            if moved:                          # a file read before under another path: its old contribution goes
                more_touched, more_kept = self._take_files(moved, stats)
                touched |= more_touched
                kept.update(more_kept)
                files += moved
            seconds["delete_relationships"] += time.perf_counter() - t
            if part.graph.get("nodes_follow"):
                # a later part writes every node with its final properties: here only the new endpoints
                nodes = {labels: [n for n in ids if n not in loaded] for labels, ids in nodes.items()}
            loaded.update(map(str, part.nodes))
            stats["relationships"] += part.number_of_edges()
            stats["parts"] += 1
            t = time.perf_counter()
            self._run_batches(((":".join(labels), self._node_statement(part, labels), ids)
                               for labels, ids in nodes.items()), stats)
            seconds["nodes"] += time.perf_counter() - t
            t = time.perf_counter()
            self._merge_stated(rels, kept)
            self._run_batches(((etype, self._statement(_CREATE_RELS.format(type=_type_name(etype)))
                                if etype in fresh else self._update_or_create(etype), rows)
                               for etype, rows in rels.items()), stats)
            seconds["relationships"] += time.perf_counter() - t
            del nodes, rels
            part = None                        # the last part (every node) must not outlive its load
        stats["nodes"] = len(loaded)

        t = time.perf_counter()
        for batch in _chunks(sorted(touched - loaded), self.batch_size):
            stats["deleted_nodes"] += self._write(_DELETE_ORPHANS, {"ids": batch, "files": files})[0]["n"]
        seconds["delete_orphans"] = time.perf_counter() - t

        seconds["save"] = self._after_write()
        seconds["total"] = time.perf_counter() - started
        stats["retried_transactions"] = self.retries
        stats["seconds"] = {k: round(v, 4) for k, v in seconds.items()}
        return stats

    def sync(self, graph: nx.MultiDiGraph, before: "Snapshot", after: "Snapshot | None" = None) -> dict | None:
        """Make the store, which holds the graph ``before`` describes, hold ``graph``: only the nodes and
        relationships that differ are written (a changed one is written whole, so the store ends exactly as
        a full load would leave it).  None, and nothing written, when the store's counts show that it no
        longer holds ``before`` (changed by someone else): then load it whole."""
        started = time.perf_counter()
        if self.counts() != {"nodes": len(before.nodes), "relationships": len(before.edges)}:
            return None
        after = after or Snapshot.of(graph)
        relabelled = {n for n, (labels, _) in after.nodes.items()
                      if n in before.nodes and before.nodes[n][0] != labels}
        gone_nodes = sorted((before.nodes.keys() - after.nodes.keys()) | relabelled)
        new_nodes = {n for n in after.nodes if n not in before.nodes or n in relabelled}
        changed_nodes = [n for n, fp in after.nodes.items() if n not in new_nodes and before.nodes[n] != fp]
        # a relationship of a node deleted here goes with it (DETACH) and is created again if it stays
        gone_edges = [e for e, fp in before.edges.items()
                      if (after.edges.get(e) != fp) and e[0] not in relabelled and e[1] not in relabelled]
        new_edges = {e for e, fp in after.edges.items()
                     if before.edges.get(e) != fp or e[0] in relabelled or e[1] in relabelled}
        by_type: dict[str, list[dict]] = {}
        for src, dst, key in gone_edges:
            by_type.setdefault(before.edges[(src, dst, key)][0], []).append({"src": src, "dst": dst, "key": key})
        for etype, rows in by_type.items():
            for batch in _chunks(rows, self.batch_size):
                self._write(_DELETE_RELS.format(type=_type_name(etype)), {"rows": batch})
        for batch in _chunks(gone_nodes, self.batch_size):
            self._write(_DELETE_NODES, {"ids": batch})
        stats = {"batches": 0}
        groups = node_groups(graph.subgraph(new_nodes))
        self._run_batches(((":".join(labels), self._node_statement(graph, labels), ids)
                           for labels, ids in groups.items()), stats)
        self._run_batches([("changed nodes", lambda ids: self._write(_REPLACE_NODES, {"rows": [
            {"id": n, "props": {"id": n, **node_row(graph, n)["props"]}} for n in ids]})[0]["n"], changed_nodes)], stats)
        rels = relationship_rows(graph.edge_subgraph(
            (u, v, k) for u, v, k, key in graph.edges(keys=True, data="key_id", default=None)
            if (str(u), str(v), str(key if key is not None else k)) in new_edges))
        self._run_batches(((etype, self._statement(_CREATE_RELS.format(type=_type_name(etype))), rows)
                           for etype, rows in rels.items()), stats)
        seconds = {"save": self._after_write()}
        seconds["total"] = time.perf_counter() - started
        return {"nodes": len(new_nodes) + len(changed_nodes), "relationships": len(new_edges),
                "deleted_nodes": len(gone_nodes), "deleted_relationships": len(gone_edges),
                "batches": stats["batches"], "seconds": {k: round(v, 4) for k, v in seconds.items()}}

    def _take_files(self, files: list[str], stats: dict) -> tuple[set[str], dict]:
        """Delete what ``files`` contributed: their relationships, and their statements on shared edges.
        Returns the endpoints touched and the other files' statements of the shared edges taken out."""
        touched: set[str] = set()
        kept: dict[tuple[str, str, str, str], list] = {}   # (type, src, dst, key) → [props, other files' statements]
        if not files:
            return touched, kept
        # shared edges first (they are found through the plan's citations), the plan's link to its file last
        for rows in self._drain(_TAKE_STATED_BY_FILES, {"files": files}):
            for row in rows:
                touched.update((row["s"], row["d"]))
                rest = [e for e in stated_entries(row["p"]) if e["file"] not in files]
                if rest:
                    kept[(row["t"], row["s"], row["d"], row["p"]["key_id"])] = [row["p"], rest]
                else:
                    stats["deleted_relationships"] += 1
        for query in (_DELETE_FILE_RELS, _DELETE_EXTRACTED_FROM):
            for rows in self._drain(query, {"files": files}):
                touched.update(x for row in rows for x in (row["s"], row["d"]))
                stats["deleted_relationships"] += len(rows)
        return touched, kept

    def _moved_files(self, part: nx.MultiDiGraph, files: list[str]) -> list[str]:
        """Files the store holds under another path with the same content as a file of ``part`` (its
        SourceFile id is the content hash): the same document moved, renamed or copied."""
        sources = {dst: d["file"] for _, dst, d in part.edges(data=True) if d.get("type") == "EXTRACTED_FROM"}
        moved: set[str] = set()
        for batch in _chunks(sorted(sources), self.batch_size):
            for row in self._write(_FILES_OF_SOURCES, {"ids": batch}):
                if row["file"] != sources[row["id"]] and row["file"] not in files:
                    moved.add(row["file"])
        return sorted(moved)

    def _drain(self, query: str, params: dict) -> Iterable[list[dict]]:
        """Run a deleting statement (``LIMIT $batch``) until a batch comes back short; yields each batch's rows."""
        while True:
            rows = self._write(query, {**params, "batch": self.batch_size})
            yield rows
            if len(rows) < self.batch_size:
                return

    def _merge_stated(self, rels: dict[str, list[dict]], kept: dict) -> None:
        """Shared edges in ``rels`` get the statements the store already holds for them (other files');
        the stored copy is taken out, so the merge below writes the union as one new edge."""
        for etype, rows in rels.items():
            shared = [row for row in rows if "stated_files" in row["props"]]
            for batch in _chunks(shared, self.batch_size):
                for stored in self._write(_TAKE_STATED.format(type=_type_name(etype)),
                                          {"rows": [{"src": r["src"], "dst": r["dst"], "key": r["key"]}
                                                    for r in batch]}):
                    kept.setdefault((etype, stored["s"], stored["d"], stored["p"]["key_id"]),
                                    [stored["p"], stated_entries(stored["p"])])
                for row in batch:
                    held = kept.pop((etype, row["src"], row["dst"], row["key"]), None)
                    if held:
                        files = {e["file"] for e in stated_entries(row["props"])}
                        others = [e for e in held[1] if e["file"] not in files]
                        row["props"] = stated_props(others + stated_entries(row["props"]), row["props"])
        # statements of other files whose edge the loaded graph does not hold: put back as they were
        for (etype, src, dst, key), (props, entries) in kept.items():
            base = {k: v for k, v in props.items() if k not in _EDGE_STRUCTURE}
            rels.setdefault(etype, []).append(
                {"src": src, "dst": dst, "key": key, "props": stated_props(entries, base)})
        kept.clear()

    def _node_statement(self, graph: nx.MultiDiGraph, labels: tuple[str, ...]) -> Callable[[list], int]:
        cypher = _MERGE_NODES.format(labels=labels_clause(labels))
        return lambda ids: self._write(cypher, {"rows": [node_row(graph, n) for n in ids]})[0]["n"]

    def _statement(self, cypher: str) -> Callable[[list[dict]], int]:
        return lambda batch: self._write(cypher, {"rows": batch})[0]["n"]

    def _update_or_create(self, etype: str) -> Callable[[list[dict]], int]:
        update, create = _UPDATE_RELS.format(type=_type_name(etype)), _CREATE_RELS.format(type=_type_name(etype))

        def write(batch: list[dict]) -> int:
            stored = {(r["s"], r["d"], r["k"]) for r in self._write(update, {"rows": batch})}
            new = [row for row in batch if (row["src"], row["dst"], row["key"]) not in stored]
            return len(stored) + (self._write(create, {"rows": new})[0]["n"] if new else 0)
        return write

    def _run_batches(self, groups: Iterable[tuple[str, Callable[[list[dict]], int], list[dict]]], stats: dict) -> None:
        """Write each (name, write, rows) group a batch at a time; every row must be written.
        With ``write_workers`` > 1 the batches of a large group run in that many concurrent transactions,
        one group after the other: a load's rows are unique, so no two batches write the same node or
        relationship (a deadlock on a shared endpoint is retried by the store's ``_write``)."""
        def run(job):
            name, write, batch = job
            done = write(batch)
            if done != len(batch):
                raise StoreError(f"{name}: {done} of {len(batch)} rows written "
                                 "(a relationship whose endpoint is missing from the store?)")

        for name, write, rows in groups:
            jobs = [(name, write, batch) for batch in _chunks(rows, self.batch_size)]
            if self.write_workers <= 1 or len(jobs) < 2 * self.write_workers:
                for job in jobs:
                    run(job)
            else:
                from concurrent.futures import ThreadPoolExecutor
                with ThreadPoolExecutor(self.write_workers) as pool:
                    list(pool.map(run, jobs))
            stats["batches"] += len(jobs)

    def clear(self) -> int:
        n = super().clear()
        self._after_write()
        return n


def canonical_dump(store: GraphStore) -> list[str]:
    """Every node (id, labels, properties) and relationship (ends, type, properties) of a store, one
    sorted JSON line each: two stores hold the same graph when their dumps are equal."""
    nodes = store.run("MATCH (n) RETURN n.id AS id, labels(n) AS l, properties(n) AS p")
    rels = store.run("MATCH (a)-[r]->(b) RETURN a.id AS s, b.id AS d, type(r) AS t, properties(r) AS p")

    def line(v) -> str:
        return json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)

    return sorted([line([n["id"], plain_labels(n["l"]), n["p"]]) for n in nodes] +
                  [line([r["s"], r["d"], r["t"], r["p"]]) for r in rels])


# --- what a store holds, to update it with the difference ----------------------------------------


class Snapshot:
    """A fingerprint of every node (labels, digest of its properties) and relationship ((src, dst,
    key) → type, digest) of a graph as a store was loaded with it: the next build writes only what
    differs (``CypherStore.sync``).  ``holder`` names what was loaded (the embedded store file's digest,
    the server's address): a snapshot read for another holder, or damaged, reads as None (load whole)."""

    def __init__(self, nodes: dict, edges: dict, holder: str = ""):
        self.nodes, self.edges, self.holder = nodes, edges, holder

    @classmethod
    def of(cls, graph: nx.MultiDiGraph) -> "Snapshot":
        def digest(data: dict) -> bytes:
            # the attributes as they are: the same graph built again gives the same bytes (a property
            # order that changes only costs a needless update)
            return hashlib.blake2b(marshal.dumps(data), digest_size=12).digest()

        nodes = {str(n): (tuple(sorted(d.get("labels") or ())), digest(d)) for n, d in graph.nodes(data=True)}
        edges = {(str(u), str(v), str(d.get("key_id", k))): (d.get("type"), digest(d))
                 for u, v, k, d in graph.edges(keys=True, data=True)}
        return cls(nodes, edges)

    def save(self, path: Path) -> None:
        write_sealed(path, (self.holder, self.nodes, self.edges))

    @classmethod
    def read(cls, path: Path, holder: str) -> "Snapshot | None":
        try:
            held, nodes, edges = read_sealed(path)
        except (TypeError, ValueError):
            return None
        return cls(nodes, edges, held) if held == holder else None


# --- plain values ------------------------------------------------------------------------------


def plain_labels(labels: Iterable[str]) -> list[str]:
    """Labels without the common one, schema labels first in schema order, others sorted."""
    labels = set(labels) - {COMMON_LABEL}
    return [l for l in NODE_LABELS if l in labels] + sorted(labels - set(NODE_LABELS))


def open_store(kind: str = "kglite", **kwargs) -> GraphStore:
    """``open_store("kglite", path=...)`` or ``open_store("neo4j", uri=None, auth=..., database=None)``."""
    if kind == "kglite":
        from vbgraph.graph.stores.kglite_store import KgliteStore
        return KgliteStore(**kwargs)
    if kind == "neo4j":
        from vbgraph.graph.stores.neo4j_store import Neo4jStore
        return Neo4jStore(**kwargs)
    raise ValueError(f"unknown store kind {kind!r}: 'kglite' or 'neo4j'")
