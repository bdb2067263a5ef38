"""A first load into an empty bundled Neo4j through ``neo4j-admin database import full``.

The driver writes one relationship per Cypher row, inside transactions; the import tool writes the store
files directly and is many times faster, but only into a database that does not exist yet and only
while the server is stopped.  So it serves the first load of the bundled server
(``vbgraph.graph.stores.neo4j_server``); an incremental load, and any server elsewhere, goes through the
driver (``Neo4jStore.load``).  The graph written is the driver's: the same rows (``store.node_groups`` /
``node_row`` / ``relationship_rows``), hence the same labels (the common ``Node`` plus the schema
labels), properties, relationship types and ``key_id``; constraints and indexes are created after the
server starts (``Neo4jStore._ensure_schema``).

    stats = first_load(graph_or_parts, data="…/neo4j-data", state_dir="…/state")   # stopped → imported → started

CSV: one file per label set (relationship type) and per property signature (names and types), so that no
field is ever empty: an absent property is a missing column, never a blank.  Arrays use U+001F between
elements.  Empty lists, which the tool cannot type, are set through the driver after the start, as the
driver path stores them.  The tool runs in the bundled server's jar (``org.neo4j.cli.AdminTool``: Neo4j's
own import command, a dependency of the embedded server, so no extra download).
"""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterable

import networkx as nx

from vbgraph.graph.build import stated_entries, stated_props
from vbgraph.graph.stores.base import COMMON_LABEL, node_groups, node_row, relationship_rows

ARRAY_DELIMITER = "\x1f"
DATABASE = "neo4j"
# the import tool's JVM: a small machine is shared, so two threads and bounded memory
IMPORT_JAVA_FLAGS = ("-Xmx512m",)
IMPORT_THREADS = 2
IMPORT_OFF_HEAP = "256m"


class Neo4jImportError(RuntimeError):
    """The import tool refused the data or the target database; the message says why."""


def _neo4j_type(v) -> str:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "long"
    if isinstance(v, float):
        return "double"
    if isinstance(v, str):
        return "string"
    if isinstance(v, (list, tuple)):
        kinds = {_neo4j_type(x) for x in v}
        if kinds == {"long", "double"}:
            kinds = {"double"}
        if len(kinds) != 1 or next(iter(kinds)).endswith("[]"):
            raise Neo4jImportError(f"a list of {sorted(kinds)} cannot be imported")
        return next(iter(kinds)) + "[]"
    raise Neo4jImportError(f"a property of type {type(v).__name__} cannot be imported")


def _field(v, kind: str) -> str:
    if kind.endswith("[]"):
        items = [_field(x, kind[:-2]) for x in v]
        for x in items:
            if ARRAY_DELIMITER in x:
                raise Neo4jImportError(f"a list element holds the array delimiter U+001F: {x[:80]!r}")
        return ARRAY_DELIMITER.join(items)
    if kind == "boolean":
        return "true" if v else "false"
    if kind == "double":
        return repr(float(v))
    return str(v)


class _CsvSet:
    """CSV files by (group, property signature), opened as rows arrive; each remembers its header."""

    def __init__(self, folder: Path, prefix: str, fixed: tuple[str, ...]):
        self.folder, self.prefix, self.fixed = folder, prefix, fixed
        self.files: dict[tuple, tuple[Path, object, csv.writer]] = {}
        self.multiline = False
        self.rows = 0

    def write(self, group: str, fixed_values: list[str], props: dict) -> None:
        signature = tuple(sorted((k, _neo4j_type(v)) for k, v in props.items()))
        key = (group, signature)
        if key not in self.files:
            path = self.folder / f"{self.prefix}-{len(self.files):04d}.csv"
            out = open(path, "w", encoding="utf-8", newline="")
            # every field quoted: an empty string stays an empty string, never a missing value
            writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
            writer.writerow([*self.fixed, *(f"{k}:{t}" for k, t in signature)])
            self.files[key] = (path, out, writer)
        fields = [*fixed_values, *(_field(props[k], t) for k, t in signature)]
        if not self.multiline and any("\n" in f or "\r" in f for f in fields):
            self.multiline = True
        self.files[key][2].writerow(fields)
        self.rows += 1

    def close(self) -> list[tuple[str, Path]]:
        for _, out, _ in self.files.values():
            out.close()
        return [(group, path) for (group, _), (path, _, _) in self.files.items()]


def _without_empty_lists(props: dict, empties: list[dict], row_id: dict) -> dict:
    empty = {k: [] for k, v in props.items() if isinstance(v, (list, tuple)) and not v}
    if empty:
        empties.append({**row_id, "props": empty})
        props = {k: v for k, v in props.items() if k not in empty}
    return props


def write_csv(parts: Iterable[nx.MultiDiGraph], folder: str | os.PathLike) -> dict:
    """The graph (one networkx graph, or ``build.stream_graph`` parts) as import CSV files in ``folder``.
    Returns the files, counts, and the empty-list properties to set after the import."""
    if isinstance(parts, nx.MultiDiGraph):
        parts = [parts]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    nodes = _CsvSet(folder, "nodes", ("id:ID", ":LABEL"))
    rels = _CsvSet(folder, "rels", (":START_ID", ":END_ID", "key_id:string"))
    empty_nodes: list[dict] = []
    empty_rels: list[dict] = []
    # a relation restated in two parts arrives twice; its statements are merged into one edge, as the
    # driver load merges them with the stored edge
    stated: dict[tuple[str, str, str, str], dict] = {}
    last = None
    for part in parts:
        for etype, rows in relationship_rows(part).items():
            for row in rows:
                if "stated_files" in row["props"]:
                    key = (etype, row["src"], row["dst"], row["key"])
                    held = stated.get(key)
                    if held is not None:
                        files = {e["file"] for e in stated_entries(row["props"])}
                        others = [e for e in stated_entries(held) if e["file"] not in files]
                        row["props"] = stated_props(others + stated_entries(row["props"]), row["props"])
                    stated[key] = row["props"]
                    continue
                _write_rel(rels, etype, row, empty_rels)
        if part.graph.get("nodes_follow"):
            continue
        for labels, ids in node_groups(part).items():
            label_field = ARRAY_DELIMITER.join((COMMON_LABEL, *labels))
            for node_id in ids:
                row = node_row(part, node_id)
                props = _without_empty_lists(row["props"], empty_nodes, {"id": row["id"]})
                nodes.write(label_field, [row["id"], label_field], props)
        last = part
    if last is None:
        raise Neo4jImportError("no graph given")
    for (etype, src, dst, key), props in stated.items():
        _write_rel(rels, etype, {"src": src, "dst": dst, "key": key, "props": props}, empty_rels)
    return {"nodes": nodes.close(), "relationships": rels.close(), "node_count": nodes.rows,
            "relationship_count": rels.rows, "multiline": nodes.multiline or rels.multiline,
            "empty_node_lists": empty_nodes, "empty_relationship_lists": empty_rels}


def _write_rel(rels: _CsvSet, etype: str, row: dict, empties: list[dict]) -> None:
    props = _without_empty_lists(row["props"], empties,
                                 {"type": etype, "src": row["src"], "dst": row["dst"], "key": row["key"]})
    rels.write(etype, [row["src"], row["dst"], row["key"]], props)


def run_import(files: dict, home: str | os.PathLike, log: str | os.PathLike | None = None) -> float:
    """Run the import tool on ``write_csv``'s files into ``<home>/data/databases/neo4j`` (which must not
    hold a database yet); returns the CPU seconds of the tool's JVM."""
    from vbgraph.graph.stores.neo4j_server import Neo4jServerError, ensure_jar, java_executable

    home = Path(home).resolve()
    if (home / "data" / "databases" / DATABASE / "neostore").exists():
        raise Neo4jImportError(f"{home}: a database is there already; the import tool only fills an empty one")
    home.mkdir(parents=True, exist_ok=True)
    try:
        jar, java = ensure_jar(), java_executable()
    except Neo4jServerError as e:
        raise Neo4jImportError(str(e)) from e
    cmd = [java, *IMPORT_JAVA_FLAGS, "-cp", str(jar), "org.neo4j.cli.AdminTool", "database", "import", "full",
           DATABASE, "--array-delimiter=U+001F", f"--threads={IMPORT_THREADS}",
           f"--max-off-heap-memory={IMPORT_OFF_HEAP}", f"--multiline-fields={str(files['multiline']).lower()}",
           f"--report-file={home / 'import.report'}"]
    cmd += [f"--nodes={path}" for _, path in files["nodes"]]
    cmd += [f"--relationships={etype}={path}" for etype, path in files["relationships"]]
    log_path = Path(log) if log else home / "import.log"
    before = os.times()
    with open(log_path, "w", encoding="utf-8") as out:
        code = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=home,
                              env={**os.environ, "NEO4J_HOME": str(home)}).returncode
    after = os.times()
    if code != 0:
        tail = "\n".join(log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-15:])
        raise Neo4jImportError(f"neo4j-admin database import failed (exit {code}); {log_path}:\n{tail}")
    return (after.children_user - before.children_user) + (after.children_system - before.children_system)


_SET_NODE_LISTS = "UNWIND $rows AS row MATCH (n:" + COMMON_LABEL + " {id: row.id}) SET n += row.props"
_SET_REL_LISTS = ("UNWIND $rows AS row MATCH (:" + COMMON_LABEL + " {{id: row.src}})-[r:{type} {{key_id: row.key}}]->"
                  "(:" + COMMON_LABEL + " {{id: row.dst}}) SET r += row.props")


def first_load(parts: nx.MultiDiGraph | Iterable[nx.MultiDiGraph], data: str | os.PathLike,
               state_dir: str | os.PathLike | None = None, port: int | None = 0,
               start_timeout: float = 300.0) -> tuple[dict, object]:
    """Import the graph into the bundled server's empty ``data`` folder (its server must be stopped),
    then start the server, create the schema and set the empty lists.  Returns (stats, ServerInfo); the
    server keeps running (``neo4j_server.stop(state_dir)``)."""
    from vbgraph.graph.stores import neo4j_server
    from vbgraph.graph.stores.base import open_store, _type_name

    state = neo4j_server._state_dir(state_dir)
    if neo4j_server._running_info(state) is not None:
        raise Neo4jImportError(f"the server of {state} is running: the import tool needs it stopped")
    seconds = {}
    t = time.perf_counter()
    cpu = time.process_time()
    scratch = Path(tempfile.mkdtemp(prefix="vbgraph-import-"))
    try:
        files = write_csv(parts, scratch)
        seconds["csv"] = time.perf_counter() - t
        csv_cpu = time.process_time() - cpu
        t = time.perf_counter()
        tool_cpu = run_import(files, data)
        seconds["import"] = time.perf_counter() - t
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    t = time.perf_counter()
    server = neo4j_server.start(port=port, data=data, state_dir=state, timeout=start_timeout)
    seconds["start"] = time.perf_counter() - t
    t = time.perf_counter()
    store = open_store("neo4j", uri=server.uri, auth=None)
    try:
        store._ensure_schema()
        store._driver.execute_query("CALL db.awaitIndexes(600)", database_=store.database)
        seconds["schema"] = time.perf_counter() - t
        t = time.perf_counter()
        for i in range(0, len(files["empty_node_lists"]), store.batch_size):
            store._write(_SET_NODE_LISTS, {"rows": files["empty_node_lists"][i:i + store.batch_size]})
        by_type: dict[str, list[dict]] = {}
        for row in files["empty_relationship_lists"]:
            by_type.setdefault(row["type"], []).append(row)
        for etype, rows in by_type.items():
            for i in range(0, len(rows), store.batch_size):
                store._write(_SET_REL_LISTS.format(type=_type_name(etype)), {"rows": rows[i:i + store.batch_size]})
        seconds["empty_lists"] = time.perf_counter() - t
    finally:
        store.close()
    stats = {"nodes": files["node_count"], "relationships": files["relationship_count"],
             "csv_files": len(files["nodes"]) + len(files["relationships"]),
             "cpu": {"csv_python": round(csv_cpu, 3), "import_tool": round(tool_cpu, 3)},
             "seconds": {k: round(v, 3) for k, v in seconds.items()}}
    return stats, server
