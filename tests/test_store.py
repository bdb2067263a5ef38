"""The graph stores against real components: kglite in a temporary folder and the session's Neo4j 5.26.

Every store test runs once per store; both are held to the networkx graph built from the five sample plans.
"""
from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from vbgraph.graph.build import KEPT_FOR_ENRICH, build_graph, ingest_text, stream_graph
from vbgraph.graph.stores.kglite_store import KgliteStore
from vbgraph.graph.stores.neo4j_store import Neo4jStore
from vbgraph.graph.stores.base import GraphStore, open_store
from vbgraph.graph.node_link import read_json, write_json

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "data" / "samples").glob("*.txt"))
EDITED = ROOT / "data" / "samples" / "004_07477be7cccc29f1.txt"
# the edit: one citation sentence loses its citation, one cited document gets another year
DROP = ("Quy chế số 11-QC/TU ngày 26/3/2019 của Ban Thường vụ Tỉnh ủy về việc người", "các quy định về việc người")
REDATE = ("Kế hoạch số 177/KH-UBND ngày 20/9/2022", "Kế hoạch số 177/KH-UBND ngày 20/9/2023")
DROPPED_DOC = "vn/tuyen-quang/2019/11-qc-tu"
OLD_DATED, NEW_DATED = "vn/tuyen-quang/2022/177-kh-ubnd", "vn/tuyen-quang/2023/177-kh-ubnd"
HOSTILE = "'}) DETACH DELETE n //"


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus():
    raws = {str(p): p.read_text(encoding="utf-8") for p in SAMPLES}
    docs = {path: ingest_text(raw, path) for path, raw in raws.items()}
    edited_raw = raws[str(EDITED)]
    assert edited_raw.count(DROP[0]) == 1 and edited_raw.count(REDATE[0]) == 1
    edited = ingest_text(edited_raw.replace(*DROP).replace(*REDATE), str(EDITED))
    new_docs = dict(docs, **{str(EDITED): edited})
    return {"docs": docs, "graph": build_graph(list(docs.values())),
            "edited": edited, "new_graph": build_graph(list(new_docs.values()))}


@pytest.fixture(params=["kglite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, tmp_path):
    if request.param == "kglite":
        s: GraphStore = KgliteStore(tmp_path / "kg")
    else:
        uri = request.getfixturevalue("neo4j_uri")
        with request.getfixturevalue("neo4j_driver").session() as session:  # auto-commit, for IN TRANSACTIONS
            session.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 5000 ROWS").consume()
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()
        s = Neo4jStore(uri)
    yield s
    s.close()


# --- helpers -------------------------------------------------------------------------------


def store_edges(store: GraphStore) -> dict[tuple, tuple]:
    """(src, dst, key) → (type, props) of every relationship in the store."""
    rows = store.run("MATCH (a)-[r]->(b) RETURN a.id AS s, b.id AS d, type(r) AS t, properties(r) AS p")
    out = {(r["s"], r["d"], r["p"]["key_id"]): (r["t"], r["p"]) for r in rows}
    assert len(out) == len(rows), "two relationships share (src, dst, key_id)"
    return out


def graph_edges(g: nx.MultiDiGraph) -> dict[tuple, tuple]:
    return {(u, v, k): (d["type"], {x: y for x, y in d.items() if x != "type"})
            for u, v, k, d in g.edges(keys=True, data=True)}


def by_file(edges: dict[tuple, tuple]) -> dict[str | None, dict]:
    out: dict[str | None, dict] = {}
    for key, (etype, props) in edges.items():
        out.setdefault(props.get("file"), {})[key] = (etype, props)
    return out


def store_nodes(store: GraphStore) -> dict[str, list[str]]:
    return {r["id"]: sorted(r["labels"]) for r in store.run("MATCH (n) RETURN n.id AS id, labels(n) AS labels")}


def graph_nodes(g: nx.MultiDiGraph) -> dict[str, list[str]]:
    return {n: sorted(["Node", *d["labels"]]) for n, d in g.nodes(data=True)}


def count(store: GraphStore, cypher: str, **params) -> int:
    return store.run(cypher, params)[0]["n"]


# --- loading -------------------------------------------------------------------------------


def test_load_equals_the_graph_and_reload_changes_nothing(store, corpus):
    g = corpus["graph"]
    assert store.counts() == {"nodes": 0, "relationships": 0}
    stats = store.load(g)
    assert (stats["nodes"], stats["relationships"]) == (g.number_of_nodes(), g.number_of_edges())
    assert stats["deleted_relationships"] == stats["deleted_nodes"] == 0
    expected = {"nodes": g.number_of_nodes(), "relationships": g.number_of_edges()}
    assert store.counts() == expected
    assert count(store, "MATCH (n:Plan) RETURN count(n) AS n") == 5
    assert count(store, "MATCH (n:SourceFile) RETURN count(n) AS n") == 5
    assert count(store, "MATCH (n:Node) RETURN count(n) AS n") == g.number_of_nodes()
    plans_extracted = count(store, "MATCH (:Plan)-[r:EXTRACTED_FROM]->(:SourceFile) RETURN count(r) AS n")
    assert plans_extracted == 5
    first = store_edges(store)
    assert first == graph_edges(g)
    assert store_nodes(store) == graph_nodes(g)

    again = store.load(g)
    assert again["deleted_relationships"] == again["deleted_nodes"] == 0
    assert store.counts() == expected
    assert store_edges(store) == first


def test_node_properties_are_stored_as_built(store, corpus):
    g = corpus["graph"]
    store.load(g)
    rows = {r["id"]: r["p"] for r in store.run("MATCH (n) RETURN n.id AS id, properties(n) AS p")}
    assert len(rows) == g.number_of_nodes()
    for node_id, data in g.nodes(data=True):
        wanted = {k: v for k, v in data.items() if k != "labels"}
        got = rows[node_id]
        # kglite adds title/name copies (see kglite_store); every built property is there unchanged
        assert {k: got.get(k) for k in wanted} == wanted, node_id
        if isinstance(store, Neo4jStore):
            assert got == wanted, node_id


def test_reingest_one_edited_file_changes_only_its_edges(store, corpus):
    old, new = corpus["graph"], corpus["new_graph"]
    edited = str(EDITED)
    # the edit really removes a citation whose document is placed in its province by a file-less edge
    assert DROPPED_DOC in old and DROPPED_DOC not in new
    assert [d["type"] for _, _, d in old.out_edges(DROPPED_DOC, data=True)] == ["LOCATED_IN"]
    assert "file" not in next(iter(old.out_edges(DROPPED_DOC, data=True)))[2]
    assert OLD_DATED in old and OLD_DATED not in new and NEW_DATED in new and NEW_DATED not in old

    store.load(old)
    before = by_file(store_edges(store))
    assert set(before) == {str(p) for p in SAMPLES} | {None}

    stats = store.load(new, replace_files=[edited])
    after_edges = store_edges(store)
    after = by_file(after_edges)

    assert stats["deleted_relationships"] == len(before[edited])
    gone = set(old) - set(new)
    old_source = f"file/{corpus['docs'][edited].sha256[:16]}"
    assert {DROPPED_DOC, OLD_DATED, old_source} <= gone
    assert stats["deleted_nodes"] == len(gone)
    # the edited file's edges are the new version's, and they did change
    new_by_file = by_file(graph_edges(new))
    assert after[edited] == new_by_file[edited]
    assert after[edited] != before[edited]
    assert any(k[1] == DROPPED_DOC for k in before[edited])
    assert not any(DROPPED_DOC in (k[0], k[1]) for k in after_edges)
    assert any(k[1] == NEW_DATED for k in after[edited]) and not any(k[1] == OLD_DATED for k in after[edited])
    # every other file's edges are exactly what they were
    for path in SAMPLES:
        if str(path) != edited:
            assert after[str(path)] == before[str(path)], path
    assert after[None] == new_by_file[None]
    # no orphan of the old version: the store is the new graph, node for node
    assert store_nodes(store) == graph_nodes(new)
    assert store.counts() == {"nodes": new.number_of_nodes(), "relationships": new.number_of_edges()}
    assert count(store, "MATCH (n:Node {id: $id}) RETURN count(n) AS n", id=DROPPED_DOC) == 0
    assert count(store, "MATCH (n:Plan) RETURN count(n) AS n") == 5


def test_reingest_with_only_the_edited_files_graph(store, corpus):
    """Loading just the re-ingested file's graph (plus reference nodes) gives the same store as the full rebuild."""
    new = corpus["new_graph"]
    store.load(corpus["graph"])
    partial = build_graph([corpus["edited"]])
    assert partial.number_of_edges() < new.number_of_edges()
    stats = store.load(partial, replace_files=[str(EDITED)])
    assert stats["relationships"] == partial.number_of_edges()
    assert store_edges(store) == graph_edges(new)
    assert store_nodes(store) == graph_nodes(new)


def test_a_replaced_file_with_no_new_version_leaves_no_orphan(store, corpus):
    g = corpus["graph"]
    store.load(g)
    others = build_graph([d for p, d in corpus["docs"].items() if p != str(EDITED)])
    store.load(others, replace_files=[str(EDITED)])
    # what only the replaced file stated goes, its Plan and SourceFile included (a Plan of a replaced file
    # that the loaded graph does not hold is an orphan too); the store is the 4-file graph
    assert store_nodes(store) == graph_nodes(others)
    assert store_edges(store) == graph_edges(others)


RESTATED = ("vn/national/2021/23-ct-ttg", "vn/national/2021/76-nq-cp")   # stated by the plans of 000, 002 and 004


def test_a_relation_restated_by_several_plans_is_one_edge_with_each_statement(store, corpus):
    g = corpus["graph"]
    stating = sorted(p for p, d in corpus["docs"].items()
                     if any(r["type"] == "implements" and "23/CT-TTg" in r["from"] and "76/NQ-CP" in r["to"]
                            for r in d.record["doc_relations"]))
    assert len(stating) == 3 and str(EDITED) in stating
    query = ("MATCH (:Node {id: $s})-[r:IMPLEMENTS]->(:Node {id: $d}) "
             "RETURN r.stated_files AS files, r.statements AS n, r.file AS file, r.sentence AS sentence, "
             "r.stated_sentences AS sentences")
    store.load(g)
    [row] = store.run(query, {"s": RESTATED[0], "d": RESTATED[1]})
    assert row["files"] == stating and row["n"] == 3
    assert row["file"] == stating[0] and row["sentence"] == row["sentences"][0]
    assert all("23/CT-TTg" in s for s in row["sentences"])

    # the edited file goes: its statement goes, the other two stay on the one edge
    others = build_graph([d for p, d in corpus["docs"].items() if p != str(EDITED)])
    store.load(others, replace_files=[str(EDITED)])
    [row] = store.run(query, {"s": RESTATED[0], "d": RESTATED[1]})
    assert row["files"] == stating[:2] and row["n"] == 2
    # and it comes back with its own graph alone
    store.load(build_graph([corpus["docs"][str(EDITED)]]), replace_files=[str(EDITED)])
    [row] = store.run(query, {"s": RESTATED[0], "d": RESTATED[1]})
    assert row["files"] == stating and row["n"] == 3
    assert store_edges(store) == graph_edges(g)


def test_a_graph_streamed_in_parts_is_stored_as_the_whole_graph(store, corpus):
    """stream_graph (bounded memory for large corpora) → load_parts gives the store a full load gives:
    parts of two plans split the restated relation 23/CT-TTg → 76/NQ-CP over two parts."""
    g = corpus["graph"]
    parts = list(stream_graph(corpus["docs"].values(), part_size=2))
    assert len(parts) == 4                   # 2 + 2 + 1 plans, then the nodes and enrichment edges
    assert sum(p.number_of_edges() for p in parts) > g.number_of_edges()   # the restated edge came twice
    assert set(parts[-1]) == set(g) and all(d["type"] in KEPT_FOR_ENRICH or "file" not in d
                                            for *_, d in parts[-1].edges(data=True))
    stats = store.load_parts(parts)
    assert stats["parts"] == 4 and stats["nodes"] == g.number_of_nodes()
    assert store_edges(store) == graph_edges(g)
    assert store_nodes(store) == graph_nodes(g)
    props = {r["id"]: r["p"] for r in store.run("MATCH (n) RETURN n.id AS id, properties(n) AS p")}
    for node_id, data in g.nodes(data=True):
        assert {k: props[node_id].get(k) for k in data if k != "labels"} == \
            {k: v for k, v in data.items() if k != "labels"}, node_id


def test_a_file_given_twice_to_the_stream_is_read_once(store, corpus):
    doc = corpus["docs"][str(EDITED)]
    with pytest.warns(UserWarning, match="given twice"):
        parts = list(stream_graph([doc, doc], part_size=1))
    store.load_parts(parts)
    assert store_edges(store) == graph_edges(build_graph([doc]))


# --- queries -------------------------------------------------------------------------------


def test_run_returns_plain_values(store, corpus):
    g = corpus["graph"]
    store.load(g)
    path = str(SAMPLES[0])
    pid = next(n for n, d in g.nodes(data=True) if "Plan" in d["labels"] and d["source_file"] == path)
    plan = g.nodes[pid]
    rows = store.run("MATCH (p:Plan {id: $id}) RETURN p.symbol AS symbol, p.year AS year, "
                     "p.written_forms AS forms, p.source_file AS file", {"id": pid})
    assert rows == [{"symbol": plan["symbol"], "year": plan["year"], "forms": plan["written_forms"], "file": path}]
    assert type(rows[0]["year"]) is int and type(rows[0]["forms"]) is list

    (issuer,) = [v for _, v, d in g.out_edges(pid, data=True) if d["type"] == "ISSUED_BY"]
    rows = store.run("MATCH (p:Plan {id: $id})-[r:ISSUED_BY]->(a:Agency) RETURN r, a", {"id": pid})
    assert len(rows) == 1
    r, a = rows[0]["r"], rows[0]["a"]
    assert (r["type"], r["start"], r["end"]) == ("ISSUED_BY", pid, issuer)
    assert r["properties"]["file"] == path
    assert (a["id"], a["labels"]) == (issuer, ["Agency"])
    assert a["properties"]["name"] == g.nodes[issuer]["name"]
    # a relationship alone still names its endpoints by node id
    (alone,) = store.run("MATCH (:Plan {id: $id})-[r:ISSUED_BY]->() RETURN r", {"id": pid})
    assert (alone["r"]["start"], alone["r"]["end"]) == (pid, issuer)

    (row,) = store.run("MATCH p = (:Plan {id: $id})-[:EXTRACTED_FROM]->(:SourceFile) RETURN p", {"id": pid})
    assert [sorted(n["labels"]) for n in row["p"]["nodes"]] == [["Document", "Ingested", "Plan"], ["SourceFile"]]
    assert row["p"]["relationships"][0]["type"] == "EXTRACTED_FROM"

    cited = store.run("MATCH (:Plan)-[r:CITES|IMPLEMENTS|BASED_ON]->(d:Document) RETURN d.id AS id, count(r) AS n "
                      "ORDER BY n DESC, id LIMIT 3")
    expected = {}
    for u, v, d in g.edges(data=True):
        if d["type"] in ("CITES", "IMPLEMENTS", "BASED_ON") and "Plan" in g.nodes[u]["labels"]:
            expected[v] = expected.get(v, 0) + 1
    assert cited == [{"id": k, "n": n} for k, n in sorted(expected.items(), key=lambda x: (-x[1], x[0]))[:3]]
    json.dumps(cited)  # plain values only


def test_hostile_string_parameters_change_nothing(store, corpus):
    g = corpus["graph"]
    store.load(g)
    before = store.counts()
    assert store.run("MATCH (n:Node {id: $id}) RETURN n.id AS id", {"id": HOSTILE}) == []
    assert store.run("MATCH (n) WHERE n.title = $t OR n.name = $t RETURN n.id AS id", {"t": HOSTILE}) == []
    pid = next(n for n, d in g.nodes(data=True) if "Plan" in d["labels"])
    assert store.run("MATCH (n:Node {id: $id}) SET n.note = $v RETURN n.note AS note",
                     {"id": pid, "v": HOSTILE}, write=True) == [{"note": HOSTILE}]
    assert store.counts() == before

    # hostile values inside the graph are data too
    evil = nx.MultiDiGraph()
    evil.add_node(HOSTILE, id=HOSTILE, labels=["Document"], title=HOSTILE, symbol=HOSTILE)
    evil.add_node(pid, id=pid, labels=["Document", "Plan"])
    evil.add_edge(pid, HOSTILE, key=HOSTILE, key_id=HOSTILE, type="CITES", file=HOSTILE, sentence=HOSTILE)
    store.load(evil, replace_files=[HOSTILE])
    assert store.counts() == {"nodes": before["nodes"] + 1, "relationships": before["relationships"] + 1}
    assert store.run("MATCH (n:Node {id: $id}) RETURN n.symbol AS s", {"id": HOSTILE}) == [{"s": HOSTILE}]

    # a label or type outside the schema is refused before anything is written
    bad = nx.MultiDiGraph()
    bad.add_node("x", id="x", labels=["Document) DETACH DELETE n //"])
    with pytest.raises(ValueError, match="not in the schema"):
        store.load(bad)
    bad = nx.MultiDiGraph()
    bad.add_node("x", id="x", labels=["Document"])
    bad.add_edge("x", pid, key="k", key_id="k", type="CITES]->() DETACH DELETE n //")
    with pytest.raises(ValueError, match="not in the schema"):
        store.load(bad)
    assert store.counts() == {"nodes": before["nodes"] + 1, "relationships": before["relationships"] + 1}


def test_read_runs_refuse_writes(store, corpus):
    store.load(corpus["graph"])
    before = store.counts()
    with pytest.raises(Exception, match="(?i)read"):
        store.run("MATCH (n) DETACH DELETE n")
    with pytest.raises(Exception, match="(?i)read"):
        store.run("CREATE (n:Node {id: 'made-in-a-read'})")
    assert store.counts() == before
    assert before["nodes"] == corpus["graph"].number_of_nodes()


def test_clear_empties_the_store(store, corpus):
    g = corpus["graph"]
    store.load(g)
    assert store.clear() == g.number_of_nodes()
    assert store.counts() == {"nodes": 0, "relationships": 0}


# --- kglite on disk, the factory, JSON -----------------------------------------------------


def test_kglite_store_persists_between_openings(tmp_path, corpus):
    g = corpus["graph"]
    with open_store("kglite", path=tmp_path / "build" / "graph") as s:
        s.load(g)
        first = store_edges(s)
    assert (tmp_path / "build" / "graph" / "graph.kgl").is_file()
    with open_store("kglite", path=tmp_path / "build" / "graph") as s:
        assert s.counts() == {"nodes": g.number_of_nodes(), "relationships": g.number_of_edges()}
        assert store_edges(s) == first
        s.run("MATCH (n:Plan) SET n.checked = true", write=True)
    with open_store("kglite", path=tmp_path / "build" / "graph" / "graph.kgl") as s:
        assert count(s, "MATCH (n:Plan) WHERE n.checked = true RETURN count(n) AS n") == 5


def test_open_store_and_settings_never_show_the_password(monkeypatch, tmp_path):
    with pytest.raises(ValueError, match="unknown store kind"):
        open_store("sqlite")
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    monkeypatch.setenv("NEO4J_USER", "reader")
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pw-17")
    s = open_store("neo4j")
    try:
        assert isinstance(s, Neo4jStore) and s.uri == "bolt://127.0.0.1:1"
        assert "s3cret-pw-17" not in repr(s) and "reader" in repr(s)
    finally:
        s.close()
    k = open_store("kglite", path=tmp_path / "g.kgl")
    try:
        assert isinstance(k, KgliteStore) and k.path == tmp_path / "g.kgl"
    finally:
        k.close()


def test_json_round_trip_keeps_everything(tmp_path, corpus):
    g = corpus["graph"]
    path = write_json(g, tmp_path / "out" / "graph.json")
    text = path.read_text(encoding="utf-8")
    assert "Tây Ninh" in text  # diacritics written as themselves
    h = read_json(path)
    assert isinstance(h, nx.MultiDiGraph)
    assert (h.number_of_nodes(), h.number_of_edges()) == (g.number_of_nodes(), g.number_of_edges())
    assert dict(h.nodes(data=True)) == dict(g.nodes(data=True))
    assert graph_edges(h) == graph_edges(g)
    assert h.graph == g.graph
    (tmp_path / "other.json").write_text(json.dumps({"graph": {}, "nodes": [], "edges": []}), encoding="utf-8")
    with pytest.raises(ValueError, match="not a vbgraph node-link file"):
        read_json(tmp_path / "other.json")
