"""`vbgraph build`, the main job, on the sample plans: whole and streamed (--stream N), kglite and Neo4j.

A bad file beside the samples gets one message naming it; the rest of the batch is built."""
from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest

from vbgraph.cli import main
from vbgraph.graph.stores.base import open_store
from vbgraph.graph.node_link import read_json

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "data" / "samples").glob("*.txt"))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    for path in SAMPLES:
        shutil.copy(path, folder / path.name)
    (folder / "broken.txt").write_bytes(b"\xff\xfe\x00garbage")   # not UTF-8 text
    return folder


def run_build(capsys, *argv: str) -> tuple[int, dict, str]:
    code = main(["build", *argv, "--quiet", "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def store_edges(store) -> set[tuple]:
    rows = store.run("MATCH (a)-[r]->(b) RETURN a.id AS s, b.id AS d, r.key_id AS k, r.stated_files AS f")
    return {(r["s"], r["d"], r["k"], tuple(r["f"] or ())) for r in rows}


def graph_edges(g) -> set[tuple]:
    return {(u, v, d["key_id"], tuple(d.get("stated_files") or ())) for u, v, d in g.edges(data=True)}


@pytest.fixture(scope="module")
def whole(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("whole")
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["build", str(inputs), "--out", str(out), "--quiet", "--json"])
    return {"code": code, "stats": json.loads(stdout.getvalue()), "err": stderr.getvalue(), "out": out,
            "graph": read_json(out / "graph.json")}


def test_whole_build_reports_the_bad_file_and_builds_the_rest(whole):
    assert whole["code"] == 1
    assert "broken.txt" in whole["err"] and whole["err"].count("vbgraph: ") == 1
    stats = whole["stats"]
    assert (stats["documents"], stats["failed"]) == (5, 1)
    g = whole["graph"]
    assert stats["nodes"] == g.number_of_nodes() and stats["edges"] == g.number_of_edges()
    assert sum("Plan" in d["labels"] for _, d in g.nodes(data=True)) == 5
    with open_store("kglite", path=whole["out"] / "store") as store:
        assert store.counts() == {"nodes": g.number_of_nodes(), "relationships": g.number_of_edges()}


def test_streamed_build_gives_the_same_embedded_store(whole, inputs, tmp_path, capsys):
    code, stats, err = run_build(capsys, str(inputs), "--out", str(tmp_path), "--stream", "2")
    assert code == 1 and "broken.txt" in err
    assert not (tmp_path / "graph.json").exists()
    for key in ("documents", "failed", "citations", "nodes", "edges", "unresolved", "outdated"):
        assert stats[key] == whole["stats"][key], key
    with open_store("kglite", path=tmp_path / "store") as store:
        assert store_edges(store) == graph_edges(whole["graph"])


@pytest.mark.neo4j
def test_streamed_build_into_neo4j_twice_gives_the_same_graph(whole, inputs, neo4j_uri, neo4j_driver, capsys):
    with neo4j_driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()
    for _ in range(2):   # the second run re-ingests every file: same counts, same edges
        code, stats, _ = run_build(capsys, str(inputs), "--neo4j", neo4j_uri, "--stream", "3")
        assert code == 1
        for key in ("documents", "nodes", "edges", "unresolved", "outdated"):
            assert stats[key] == whole["stats"][key], key
    with open_store("neo4j", uri=neo4j_uri) as store:
        assert store_edges(store) == graph_edges(whole["graph"])


def test_a_second_build_into_the_same_folder_replaces_the_embedded_store(tmp_path, capsys):
    for given in (SAMPLES, SAMPLES[:2]):
        code, stats, _ = run_build(capsys, *map(str, given), "--out", str(tmp_path))
        assert code == 0 and stats["documents"] == len(given)
    g = read_json(tmp_path / "graph.json")
    with open_store("kglite", path=tmp_path / "store") as store:
        assert store.counts() == {"nodes": g.number_of_nodes(), "relationships": g.number_of_edges()}
        assert store_edges(store) == graph_edges(g)
