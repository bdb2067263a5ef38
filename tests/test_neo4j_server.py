"""Real Neo4j: queries through the official driver, and the launcher's start / status / stop.

No mocks: the session server comes from tests/conftest.py (NEO4J_URI or the bundled jar), and
the launcher tests start further servers of their own on free ports in temporary folders.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import ConstraintError

from vbgraph.graph.stores import neo4j_server

DOCUMENTS = [
    {"so_hieu": "45/2019/QH14", "title": "Bộ luật Lao động", "year": 2019},
    {"so_hieu": "100/2015/QH13", "title": "Bộ luật Hình sự", "year": 2015},
    {"so_hieu": "91/2015/QH13", "title": "Bộ luật Dân sự", "year": 2015},
]
CITATIONS = [
    {"src": "45/2019/QH14", "dst": "91/2015/QH13"},
    {"src": "45/2019/QH14", "dst": "100/2015/QH13"},
    {"src": "100/2015/QH13", "dst": "91/2015/QH13"},
]


@pytest.fixture
def label(neo4j_driver):
    """A label of this test's own, so a shared NEO4J_URI server keeps nothing of ours."""
    name = f"VbTest{uuid.uuid4().hex[:12]}"
    yield name
    neo4j_driver.execute_query(f"MATCH (n:{name}) DETACH DELETE n")
    neo4j_driver.execute_query(f"DROP CONSTRAINT {name}_so_hieu IF EXISTS")


def _bundled_server_or_skip() -> None:
    """As conftest does for the session server: skip without Java/Maven, but fail on CI."""
    problem = neo4j_server.missing_prerequisites()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Neo4j test cannot run on CI (CI=true): {problem}", pytrace=False)
        pytest.skip(f"bundled Neo4j not available: {problem}")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vbgraph.graph.stores.neo4j_server", *args],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.neo4j
def test_return_one_and_version(neo4j_driver):
    records, _, _ = neo4j_driver.execute_query("RETURN 1 AS ok")
    assert records[0]["ok"] == 1
    agent = neo4j_driver.get_server_info().agent
    assert agent.startswith("Neo4j/5.") or agent.startswith("Neo4j/202"), agent
    if not os.environ.get("NEO4J_URI"):
        assert agent.startswith("Neo4j/5.26."), agent


@pytest.mark.neo4j
def test_unwind_merge_under_uniqueness_constraint(neo4j_driver, label):
    neo4j_driver.execute_query(
        f"CREATE CONSTRAINT {label}_so_hieu IF NOT EXISTS FOR (d:{label}) REQUIRE d.so_hieu IS UNIQUE")
    merge = (f"UNWIND $rows AS row MERGE (d:{label} {{so_hieu: row.so_hieu}}) "
             "SET d.title = row.title, d.year = row.year")
    for _ in range(2):  # MERGE twice: still one node per số hiệu
        neo4j_driver.execute_query(merge, rows=DOCUMENTS)

    records, _, _ = neo4j_driver.execute_query(f"MATCH (d:{label}) RETURN count(d) AS n")
    assert records[0]["n"] == len(DOCUMENTS)
    records, _, _ = neo4j_driver.execute_query(
        f"MATCH (d:{label}) RETURN d.so_hieu AS so_hieu, d.title AS title, d.year AS year ORDER BY so_hieu")
    assert [r.data() for r in records] == sorted(DOCUMENTS, key=lambda d: d["so_hieu"])

    constraints, _, _ = neo4j_driver.execute_query(
        "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties WHERE name = $name "
        "RETURN type, labelsOrTypes, properties", name=f"{label}_so_hieu")
    assert [r.data() for r in constraints] == [
        {"type": "UNIQUENESS", "labelsOrTypes": [label], "properties": ["so_hieu"]}]

    with pytest.raises(ConstraintError):
        neo4j_driver.execute_query(f"CREATE (:{label} {{so_hieu: $so_hieu}})",
                                   so_hieu=DOCUMENTS[0]["so_hieu"])
    records, _, _ = neo4j_driver.execute_query(f"MATCH (d:{label}) RETURN count(d) AS n")
    assert records[0]["n"] == len(DOCUMENTS)


@pytest.mark.neo4j
def test_unwind_merge_relationships(neo4j_driver, label):
    neo4j_driver.execute_query(f"UNWIND $rows AS row MERGE (:{label} {{so_hieu: row.so_hieu}})",
                               rows=DOCUMENTS)
    cite = (f"UNWIND $rows AS row MATCH (a:{label} {{so_hieu: row.src}}), (b:{label} {{so_hieu: row.dst}}) "
            "MERGE (a)-[:CITES]->(b)")
    neo4j_driver.execute_query(cite, rows=CITATIONS)
    neo4j_driver.execute_query(cite, rows=CITATIONS)
    records, _, _ = neo4j_driver.execute_query(
        f"MATCH (a:{label})-[:CITES]->(b:{label}) RETURN b.so_hieu AS cited, count(a) AS by "
        "ORDER BY by DESC, cited")
    assert [(r["cited"], r["by"]) for r in records] == [("91/2015/QH13", 2), ("100/2015/QH13", 1)]


@pytest.mark.neo4j
def test_start_status_stop_across_processes(tmp_path, monkeypatch):
    _bundled_server_or_skip()
    monkeypatch.delenv("NEO4J_URI", raising=False)
    state = tmp_path / "state"
    assert not neo4j_server.status(state).running

    started = _cli("start", "--state", str(state), "--port", "0")
    assert started.returncode == 0, started.stderr + started.stdout
    assert "Neo4j started: bolt://127.0.0.1:" in started.stdout
    try:
        st = neo4j_server.status(state)
        assert st.running and st.answering, st
        assert st.version.startswith("Neo4j/5.26."), st.version
        assert (state / "neo4j.pid").read_text().strip() == str(st.pid)
        assert neo4j_server.connect_settings(state)[0] == st.uri

        with GraphDatabase.driver(st.uri) as driver:
            driver.execute_query("CREATE (:Kept {so_hieu: $s})", s="01/2020/NĐ-CP")

        again = _cli("start", "--state", str(state))
        assert again.returncode == 0 and "already running" in again.stdout, again.stderr

        shown = _cli("status", "--state", str(state))
        assert shown.returncode == 0 and "running: bolt://127.0.0.1:" in shown.stdout, shown.stderr

        # the same data folder is locked by the running server: the start fails, with the log
        with pytest.raises(neo4j_server.Neo4jServerError) as failed:
            neo4j_server.start(port=0, data=st.data, state_dir=tmp_path / "second")
        assert "stopped during start" in str(failed.value)
        assert "vbgraph-neo4j-server: error" in str(failed.value)
        assert not neo4j_server.status(tmp_path / "second").running
    finally:
        stopped = _cli("stop", "--state", str(state))
    assert stopped.returncode == 0 and "Neo4j stopped" in stopped.stdout, stopped.stderr
    assert not (state / "neo4j.pid").exists()
    after = _cli("status", "--state", str(state))
    assert after.returncode == 3 and "not running" in after.stdout
    assert not neo4j_server.port_in_use(st.port)

    # started again on the same data folder: what was written is still there
    info = neo4j_server.start(port=0, data=st.data, state_dir=state)
    try:
        with GraphDatabase.driver(info.uri) as driver:
            records, _, _ = driver.execute_query("MATCH (k:Kept) RETURN k.so_hieu AS s")
        assert [r["s"] for r in records] == ["01/2020/NĐ-CP"]
    finally:
        assert neo4j_server.stop(state) is True
    assert neo4j_server.stop(state) is False
    assert not neo4j_server.status(state).running


def test_busy_port_is_refused_before_starting(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(neo4j_server.Neo4jServerError, match=f"port {port} .*already in use"):
            neo4j_server.start(port=port, state_dir=tmp_path)
    assert not (tmp_path / "neo4j.pid").exists()


def test_connect_settings_never_show_the_password(monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://db.example:7687")
    monkeypatch.setenv("NEO4J_USER", "reader")
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pw")
    uri, auth = neo4j_server.connect_settings()
    assert (uri, auth) == ("bolt://db.example:7687", ("reader", "s3cret-pw"))
    shown = neo4j_server.describe_settings(uri, auth)
    assert "s3cret-pw" not in shown and "reader" in shown
    failed = _cli("status", "--state", "/nonexistent/vbgraph-state")
    assert failed.returncode == 3
    assert "s3cret-pw" not in failed.stdout + failed.stderr
