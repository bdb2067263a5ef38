"""The first load through Neo4j's import tool (graph/stores/neo4j_import.py) against the driver load, both on real
Neo4j 5.26 servers: the same nodes, labels, properties and relationships, and the same answers to every
named query (the parameters of tests/test_queries.py) over the sample plans plus the synthetic
supersession facts.
"""
from __future__ import annotations

import pytest

from test_queries import CASES, add_supersession
from vbgraph.graph.stores import neo4j_server
from vbgraph.graph.build import build_graph, ingest_text, stream_graph
from vbgraph.graph.stores.neo4j_import import Neo4jImportError, first_load, write_csv
from vbgraph.graph.stores.base import open_store
from vbgraph.queries import catalog as cat

from test_queries import SAMPLES

pytestmark = pytest.mark.neo4j

NODES = "MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS p ORDER BY id"
RELS = ("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p "
        "ORDER BY a, t, b, r.key_id")


def snapshot(store) -> dict:
    return {"nodes": [(r["id"], sorted(r["labels"]), r["p"]) for r in store.run(NODES)],
            "rels": [(r["a"], r["t"], r["b"], r["p"]) for r in store.run(RELS)],
            "answers": {name: [cat.run(store, name, params) for params in cases] for name, cases in CASES.items()}}


@pytest.fixture(scope="module")
def docs():
    return [ingest_text(p.read_text(encoding="utf-8"), str(p)) for p in SAMPLES]


@pytest.fixture(scope="module")
def graph(docs):
    return add_supersession(build_graph(docs))


@pytest.fixture(scope="module")
def driver_snapshot(graph, request):
    uri = request.getfixturevalue("neo4j_uri")
    store = open_store("neo4j", uri=uri, auth=neo4j_server.connect_settings()[1])
    try:
        store.clear()
        store.load(graph)
        yield snapshot(store)
    finally:
        store.close()


def imported(parts, tmp_path):
    state = tmp_path / "state"
    stats, server = first_load(parts, data=tmp_path / "data", state_dir=state)
    try:
        with open_store("neo4j", uri=server.uri, auth=None) as store:
            return stats, snapshot(store), store_schema(store)
    finally:
        neo4j_server.stop(state_dir=state)


def store_schema(store) -> set[str]:
    return {r["name"] for r in store.run("SHOW CONSTRAINTS YIELD name RETURN name")} | \
           {r["name"] for r in store.run("SHOW INDEXES YIELD name RETURN name")}


def test_admin_import_writes_the_graph_the_driver_writes(graph, driver_snapshot, tmp_path):
    stats, snap, schema = imported(graph, tmp_path)
    assert stats["nodes"] == graph.number_of_nodes() and stats["relationships"] == graph.number_of_edges()
    assert len(snap["nodes"]) == len(driver_snapshot["nodes"]) == graph.number_of_nodes()
    assert len(snap["rels"]) == len(driver_snapshot["rels"]) == graph.number_of_edges()
    assert snap["nodes"] == driver_snapshot["nodes"]
    assert snap["rels"] == driver_snapshot["rels"]
    for name in CASES:
        assert snap["answers"][name] == driver_snapshot["answers"][name], name
    assert any(rows for rows in snap["answers"]["citing_documents"])
    assert {"vbgraph_node_id", "vbgraph_document_symbol", "vbgraph_extracted_from_file"} <= schema


def test_admin_import_of_a_streamed_graph_merges_restated_relations(docs, tmp_path):
    whole = build_graph(docs)
    _, snap, _ = imported(stream_graph(iter(docs), part_size=2), tmp_path)
    assert len(snap["nodes"]) == whole.number_of_nodes()
    assert len(snap["rels"]) == whole.number_of_edges()
    stated = [p for *_, p in snap["rels"] if p.get("statements", 0) > 1]
    assert stated, "the samples restate a relation in two files"
    assert all(len(p["stated_files"]) == p["statements"] for p in stated)


def test_admin_import_refuses_a_folder_that_holds_a_database(graph, tmp_path):
    stats, server = first_load(graph, data=tmp_path / "data", state_dir=tmp_path / "state")
    neo4j_server.stop(state_dir=tmp_path / "state")
    with pytest.raises(Neo4jImportError, match="a database is there already"):
        first_load(graph, data=tmp_path / "data", state_dir=tmp_path / "state")


def test_csv_keeps_empty_strings_and_sets_empty_lists_apart(graph, tmp_path):
    g = graph.copy()
    node = next(iter(g.nodes))
    g.nodes[node]["note"] = ""
    g.nodes[node]["tags"] = []
    files = write_csv(g, tmp_path)
    assert {"id": node, "props": {"tags": []}} in files["empty_node_lists"]
    text = "".join(path.read_text(encoding="utf-8") for _, path in files["nodes"])
    assert "note:string" in text
