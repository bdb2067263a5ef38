"""Neo4j as a GraphStore, over the official ``neo4j`` driver (see vbgraph.graph.stores.base for the semantics).

Schema: a uniqueness constraint on ``id`` for the common label ``Node`` and for every schema label
(``CREATE CONSTRAINT … IF NOT EXISTS``), an index on ``Document.symbol``, and a range index on the
``file`` of EXTRACTED_FROM, so that ``replace_files`` finds a file's plan, and through it what the file
contributed, without scanning.  Every batch is one write transaction, run again at once when the server
aborts it for a deadlock.  Connection settings default to ``connect_settings()`` (NEO4J_URI,
NEO4J_USER, NEO4J_PASSWORD, else the bundled server); the password is never printed.
"""
from __future__ import annotations

import random
import time
from typing import Any

from vbgraph.graph.stores.neo4j_server import connect_settings, describe_settings, split_credentials
from vbgraph.graph.stores.base import (COMMON_LABEL, NODE_LABELS, REL_TYPES, CypherStore, plain_labels,
                                       refuse_in_read_mode)

_FROM_ENV = object()


class Neo4jStore(CypherStore):
    def __init__(self, uri: str | None = None, auth: Any = _FROM_ENV, database: str | None = None,
                 batch_size: int = 5000, write_workers: int = 2):
        from neo4j import GraphDatabase

        env_uri, env_auth = connect_settings()
        auth = env_auth if auth is _FROM_ENV else auth
        self.uri, auth = split_credentials(uri or env_uri, auth)
        self.database = database
        self.batch_size = batch_size
        # the server runs one transaction on one core: two at once keep both cores of a small machine busy
        self.write_workers = write_workers
        self.max_attempts = 20
        self.retries = 0            # this store's own count: after a deadlock or a lost connection
        self._described = (describe_settings(self.uri, auth) if auth is None or isinstance(auth, tuple)
                           else f"{self.uri} ({type(auth).__name__} auth)")
        self._driver = GraphDatabase.driver(self.uri, auth=auth)
        self._schema_done = False

    def __repr__(self) -> str:
        return f"Neo4jStore({self._described}, database={self.database or 'default'})"

    # statements

    def _ensure_schema(self) -> None:
        if self._schema_done:
            return
        for label in (COMMON_LABEL, *NODE_LABELS):
            self._driver.execute_query(
                f"CREATE CONSTRAINT vbgraph_{label.lower()}_id IF NOT EXISTS "
                f"FOR (n:{label}) REQUIRE n.id IS UNIQUE", database_=self.database)
        # named queries find documents by symbol (canonical spelling): index it
        self._driver.execute_query(
            "CREATE INDEX vbgraph_document_symbol IF NOT EXISTS FOR (n:Document) ON (n.symbol)",
            database_=self.database)
        # a file's contribution is found through its plan's EXTRACTED_FROM (vbgraph.graph.stores.base); the
        # indexes on every relationship type's file, made by earlier versions, only slow loads down
        self._driver.execute_query(
            "CREATE INDEX vbgraph_extracted_from_file IF NOT EXISTS FOR ()-[r:EXTRACTED_FROM]-() ON (r.file)",
            database_=self.database)
        for etype in REL_TYPES:
            if etype != "EXTRACTED_FROM":
                self._driver.execute_query(f"DROP INDEX vbgraph_{etype.lower()}_file IF EXISTS",
                                           database_=self.database)
        self._schema_done = True

    def _write(self, cypher: str, params: dict) -> list[dict]:
        """One statement in one write transaction.  Concurrent batches that share a busy endpoint can
        deadlock; the server then aborts one of them, which is run again at once (after a short random
        pause) instead of after the driver's back-off of a second or more."""
        from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError

        for attempt in range(1, self.max_attempts + 1):
            try:
                with self._driver.session(database=self.database) as session:
                    with session.begin_transaction() as tx:
                        rows = [dict(r) for r in tx.run(cypher, params)]
                        tx.commit()
                        return rows
            except (TransientError, ServiceUnavailable, SessionExpired):
                if attempt == self.max_attempts:
                    raise
                self.retries += 1
                time.sleep(random.uniform(0.01, 0.05) * attempt)
        raise AssertionError("unreachable")

    def run(self, cypher: str, params: dict | None = None, write: bool = False) -> list[dict]:
        if not write:
            refuse_in_read_mode(cypher)
        with self._driver.session(database=self.database) as session:
            execute = session.execute_write if write else session.execute_read
            records = execute(lambda tx: list(tx.run(cypher, params or {})))
        return _plain_records(records, self)

    def close(self) -> None:
        self._driver.close()

    def _node_ids(self, element_ids: list[str]) -> dict[str, Any]:
        if not element_ids:
            return {}
        with self._driver.session(database=self.database) as session:
            rows = session.execute_read(lambda tx: [dict(r) for r in tx.run(
                "MATCH (n) WHERE elementId(n) IN $e RETURN elementId(n) AS e, n.id AS id", e=element_ids)])
        return {r["e"]: r["id"] for r in rows}


def _plain_records(records: list, store: Neo4jStore) -> list[dict]:
    from neo4j.graph import Node, Path, Relationship

    missing: set[str] = set()

    def scan(v):
        if isinstance(v, Relationship):
            for end in (v.start_node, v.end_node):
                if end is not None and end.get("id") is None:
                    missing.add(end.element_id)
        elif isinstance(v, Path):
            for r in v.relationships:
                scan(r)
        elif isinstance(v, (list, tuple)):
            for x in v:
                scan(x)
        elif isinstance(v, dict):
            for x in v.values():
                scan(x)

    for record in records:
        for v in record.values():
            scan(v)
    ids = store._node_ids(sorted(missing))

    def end_id(node):
        return node.get("id") if node.get("id") is not None else ids.get(node.element_id)

    def plain(v):
        if isinstance(v, Node):
            return {"id": v.get("id"), "labels": plain_labels(v.labels), "properties": dict(v)}
        if isinstance(v, Relationship):
            return {"type": v.type, "start": end_id(v.start_node), "end": end_id(v.end_node),
                    "properties": dict(v)}
        if isinstance(v, Path):
            return {"nodes": [plain(n) for n in v.nodes], "relationships": [plain(r) for r in v.relationships]}
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if hasattr(v, "to_native"):  # neo4j.time Date, DateTime, Time
            return v.to_native()
        return v

    return [{k: plain(v) for k, v in record.items()} for record in records]
