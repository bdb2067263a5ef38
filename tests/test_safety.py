"""Nothing lost, nothing let in (issue #11), one test or more per item:

1 a failed or empty build keeps the previous output      2 a file is one file however its path is typed
3 citation matching and the outdated report stay linear   4 inputs over the size limit are refused
5 the bundled Neo4j reads no files; read mode refuses admin procedures (Neo4j and kglite)
6 no password is printed      7 `build --neo4j` fails in one line      8 the bundled server from a wheel
9 same-stem outputs, FIFOs, dangling links, a missing gold folder, kglite's warnings
"""
from __future__ import annotations

import contextlib
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import warnings
import zipfile
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings, strategies as st

from vbgraph.cli import main
from vbgraph.extract.citations import _Taken
from vbgraph.extract.errors import InputError
from vbgraph.extract.pipeline import analyse_text
from vbgraph.extract.readers import read_document
from vbgraph.graph.stores import neo4j_server
from vbgraph.graph.report import outdated_rows, render_text, reverse_rows
from vbgraph.graph.stores.base import ReadOnlyError, open_store
from vbgraph.graph.node_link import read_json
from vbgraph.queries import catalog

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "data" / "samples").glob("*.txt"))
VBGRAPH = [sys.executable, "-m", "vbgraph.cli"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.name.endswith((".lock", ".lock-owner"))}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A good build of the samples, to be kept by the failed builds that follow."""
    out = tmp_path_factory.mktemp("out")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["build", str(ROOT / "data" / "samples"), "--out", str(out), "--quiet"]) == 0
    return out


def clear_neo4j(driver) -> None:
    with driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()


# ---------------------------------------------------------------- 1 failed builds keep the last output
def test_a_typo_path_keeps_the_previous_build(built, capsys):
    before = snapshot(built)
    code, _, err = run(capsys, "build", str(ROOT / "data" / "sample"), "--out", str(built), "--quiet")
    assert code == 1
    assert "data/sample: does not exist" in err and "no document was read" in err and "left as it was" in err
    assert snapshot(built) == before


def test_an_empty_folder_keeps_the_previous_build(built, tmp_path, capsys):
    before = snapshot(built)
    for stream in ([], ["--stream", "2"]):
        code, _, err = run(capsys, "build", str(tmp_path), "--out", str(built), "--quiet", *stream)
        assert code == 1 and f"no file in {tmp_path}" in err
        assert snapshot(built) == before


def test_a_build_leaves_no_staging_folder_and_replaces_each_output(built, capsys):
    old = read_json(built / "graph.json")
    code, out, _ = run(capsys, "build", str(SAMPLES[0]), "--out", str(built), "--quiet", "--json")
    assert code == 0 and json.loads(out)["documents"] == 1
    assert not list(built.glob(".staging-*"))
    g = read_json(built / "graph.json")
    assert g.number_of_nodes() < old.number_of_nodes()
    assert len((built / "records.jsonl").read_text(encoding="utf-8").splitlines()) == 1
    with open_store("kglite", path=built / "store") as store:
        assert store.counts() == {"nodes": g.number_of_nodes(), "relationships": g.number_of_edges()}
    run(capsys, "build", str(ROOT / "data" / "samples"), "--out", str(built), "--quiet")   # as it was


# ---------------------------------------------------------------- 2 one file, however it is typed
def test_the_file_of_every_edge_is_its_resolved_path(built):
    g = read_json(built / "graph.json")
    files = {d["file"] for *_, d in g.edges(data=True) if d.get("file")}
    assert files == {str(p.resolve()) for p in SAMPLES}
    sources = {d["path"]: d["sha256"] for _, d in g.nodes(data=True) if "SourceFile" in d["labels"]}
    assert set(sources) == files and len(set(sources.values())) == len(SAMPLES)


def test_a_file_given_twice_or_copied_is_read_once(tmp_path, capsys):
    shutil.copy(SAMPLES[0], tmp_path / "copy.txt")
    code, out, err = run(capsys, "build", str(SAMPLES[0]), str(ROOT / "data" / "samples" / ".." / "samples" /
                                                              SAMPLES[0].name), str(tmp_path / "copy.txt"),
                         "--out", str(tmp_path / "out"), "--quiet", "--json")
    assert code == 0 and json.loads(out)["documents"] == 1
    assert "given twice; read once" in err and f"same content as {SAMPLES[0].resolve()}; read once" in err


def neo4j_counts(uri: str) -> tuple[dict, int]:
    with open_store("neo4j", uri=uri) as store:
        return store.counts(), len(catalog.run(store, "outdated_citations", {}))


@pytest.mark.neo4j
@pytest.mark.parametrize("stream", [[], ["--stream", "2"]])
def test_two_spellings_of_one_folder_are_one_set_of_files_in_neo4j(neo4j_uri, neo4j_driver, tmp_path, capsys,
                                                                    monkeypatch, stream):
    clear_neo4j(neo4j_driver)
    monkeypatch.chdir(ROOT)
    counts = []
    for folder in ("data/samples", str(ROOT / "data" / "samples"), "data/../data/samples"):
        code, _, err = run(capsys, "build", folder, "--out", str(tmp_path), "--quiet", "--neo4j", neo4j_uri,
                           *stream)
        assert code == 0, err
        counts.append(neo4j_counts(neo4j_uri))
    assert counts[0] == counts[1] == counts[2]
    assert counts[0][0]["relationships"] > 300 and counts[0][1] > 0


@pytest.mark.neo4j
def test_a_moved_and_renamed_file_replaces_its_old_self_in_neo4j(neo4j_uri, neo4j_driver, tmp_path, capsys):
    clear_neo4j(neo4j_driver)
    first, moved = tmp_path / "a", tmp_path / "b" / "c"
    shutil.copytree(ROOT / "data" / "samples", first)
    assert run(capsys, "build", str(first), "--out", str(tmp_path / "o"), "--quiet", "--neo4j", neo4j_uri)[0] == 0
    before = neo4j_counts(neo4j_uri)
    moved.mkdir(parents=True)
    old = first / SAMPLES[2].name
    new = moved / "renamed.txt"
    old.rename(new)
    assert run(capsys, "build", str(new), "--out", str(tmp_path / "o"), "--quiet", "--neo4j", neo4j_uri)[0] == 0
    assert neo4j_counts(neo4j_uri) == before
    with open_store("neo4j", uri=neo4j_uri) as store:
        rows = store.run("MATCH (p:Ingested)-[e:EXTRACTED_FROM]->(s:SourceFile) WHERE s.path = $new OR e.file = $old "
                         "RETURN e.file AS file, s.path AS path, p.source_file AS plan_file",
                         {"new": str(new), "old": str(old)})
        assert rows == [{"file": str(new), "path": str(new), "plan_file": str(new)}]
        assert store.run("MATCH ()-[r]->() WHERE r.file = $old RETURN count(r) AS n", {"old": str(old)}) == [{"n": 0}]


# ---------------------------------------------------------------- 3 linear matching and report
@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 15)), max_size=12),
       st.lists(st.tuples(st.integers(0, 60), st.integers(1, 15)), max_size=12),
       st.lists(st.tuples(st.integers(0, 70), st.integers(0, 15)), max_size=20))
def test_taken_spans_answer_as_a_scan_of_every_span_would(skip, added, asked):
    skip = [(a, a + n) for a, n in skip]
    taken = _Taken(skip)
    spans = list(skip)
    for a, n in added:
        taken.add(a, a + n)
        spans.append((a, a + n))
    for a, n in asked:
        assert taken.free(a, a + n) == (not any(a < y and x < a + n for x, y in spans)), (spans, a, n)


HEADER = "KẾ HOẠCH\nThực hiện công tác dân vận năm 2024\n\nI. MỤC ĐÍCH\n"
CITING = "Căn cứ Chỉ thị số 33/CT-TTg ngày 20/12/2019 của Thủ tướng Chính phủ;\n"


def test_a_long_text_of_repeated_citations_keeps_every_mention():
    n = 3000
    record, _ = analyse_text(HEADER + CITING * n)
    assert [(c["symbol"], c["mentions"]) for c in record["citations"]] == [("33/CT-TTg", n)]


def much_cited(plans: int) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("old", labels=["Document"], symbol="33/CT-TTg", date="2019-12-20")
    g.add_node("new", labels=["Document"], symbol="99/CT-TTg", date="2022-01-01")
    g.add_edge("new", "old", key="s", type="SUPERSEDES", basis="reference", source="bảng")
    for i in range(plans):
        g.add_node(f"p{i}", labels=["Document", "Plan"], symbol=f"{i}/KH-UBND", date="2024-01-01")
        g.add_edge(f"p{i}", "old", key="c", type="IMPLEMENTS", file=f"f{i}.txt", sentence="Thực hiện …")
    return g


def test_the_outdated_report_of_a_much_cited_document_lists_every_plan_once():
    g = much_cited(3000)
    rows = outdated_rows(g, "2025-12-31")
    assert len(rows) == 3000 and {r["reason"] for r in rows} == {"superseded_before_plan"}
    assert {r["replacement_symbol"] for r in rows} == {"99/CT-TTg"}
    (still,) = reverse_rows(rows + rows)
    assert len(still["cited_after_by"]) == 3000
    text = render_text(g, rows, "2025-12-31", [])
    assert text.count(" • Dẫn 33/CT-TTg") == 3000 and text.count("== 17/KH-UBND") == 1


# ---------------------------------------------------------------- 4 size limit
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch, capsys):
    big = tmp_path / "big.txt"
    big.write_text(HEADER + CITING * 1000, encoding="utf-8")   # ~75 KB
    monkeypatch.setenv("VBGRAPH_MAX_INPUT_MB", "0.05")
    with pytest.raises(InputError, match=r"larger than the limit of 0.05 MB .*--max-input-mb"):
        read_document(big)
    code, _, err = run(capsys, "extract", str(big), "--quiet")
    assert code == 1 and "big.txt: is 0.0" in err
    code, out, _ = run(capsys, "extract", str(big), "--quiet", "--max-input-mb", "1")
    assert code == 0 and json.loads(out)["citations"][0]["symbol"] == "33/CT-TTg"


# ---------------------------------------------------------------- 5 a locked-down Neo4j, read-only reads
def _bundled(neo4j_uri):
    if os.environ.get("NEO4J_URI"):
        pytest.skip("about the bundled server; NEO4J_URI names another one")


@pytest.mark.neo4j
def test_the_bundled_server_reads_no_file_through_load_csv(neo4j_uri, neo4j_driver, tmp_path):
    from neo4j.exceptions import ClientError

    _bundled(neo4j_uri)
    secret = tmp_path / "secret.csv"
    secret.write_text("mật khẩu\n", encoding="utf-8")
    for url in ("file:///etc/passwd", secret.as_uri()):
        with pytest.raises(ClientError, match="(?i)file url|not allowed|import"):
            with neo4j_driver.session() as session:
                session.run("LOAD CSV FROM $url AS line RETURN line", url=url).data()


@pytest.mark.neo4j
def test_the_bundled_server_fetches_nothing_over_the_network(neo4j_uri, neo4j_driver, tmp_path):
    from neo4j.exceptions import ClientError

    _bundled(neo4j_uri)
    (tmp_path / "rows.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(tmp_path), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(ClientError, match="(?i)blocked|not allowed|ip"):
            with neo4j_driver.session() as session:
                session.run("LOAD CSV FROM $url AS line RETURN line",
                            url=f"http://127.0.0.1:{server.server_port}/rows.csv").data()
    finally:
        server.shutdown()


ADMIN = ["CALL db.clearQueryCaches()", "SHOW USERS", "CALL dbms.listConfig()", "SHOW SETTINGS",
         "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", "TERMINATE TRANSACTIONS 'neo4j-transaction-1'"]


@pytest.mark.neo4j
def test_read_mode_refuses_admin_statements_on_neo4j(neo4j_uri):
    with open_store("neo4j", uri=neo4j_uri) as store:
        for statement in ADMIN:
            with pytest.raises(ReadOnlyError):
                store.run(statement)
        assert store.run("CALL db.labels() YIELD label RETURN count(label) >= 0 AS ok") == [{"ok": True}]
        assert store.run("SHOW INDEXES YIELD name RETURN count(name) >= 0 AS ok") == [{"ok": True}]
        store.run("CALL db.clearQueryCaches()", write=True)        # --write: the user's own choice


def test_read_mode_refuses_admin_statements_on_kglite(built, capsys):
    with open_store("kglite", path=built / "store", read_only=True) as store:
        for statement in ADMIN:
            with pytest.raises(ReadOnlyError):
                store.run(statement)
        assert store.run("MATCH (n:Plan) RETURN count(n) AS n") == [{"n": 5}]
    code, _, err = run(capsys, "cypher", "CALL db.clearQueryCaches()", "--store", str(built / "store"))
    assert code == 2 and "not allowed in read mode" in err


# ---------------------------------------------------------------- 6 and 7: no password, one line
def test_a_password_in_a_uri_is_never_printed(capsys, monkeypatch):
    port = neo4j_server.free_port()
    uri = f"bolt://admin:secret123@127.0.0.1:{port}"
    code, out, err = run(capsys, "cypher", "RETURN 1", "--neo4j", uri)
    assert code == 1 and "secret123" not in out + err and f"bolt://127.0.0.1:{port} as admin" in err
    monkeypatch.setenv("NEO4J_URI", uri)
    code, out, err = run(capsys, "neo4j", "status", "--state", "/nonexistent-state")
    assert "secret123" not in out + err and f"bolt://admin:***@127.0.0.1:{port}" in out
    assert neo4j_server.redact(f"a {uri} b neo4j://u:p%40ss@h c") == \
        f"a bolt://admin:***@127.0.0.1:{port} b neo4j://u:***@h c"


@pytest.mark.neo4j
def test_credentials_written_in_the_uri_are_used(neo4j_uri, capsys):
    with_user = neo4j_uri.replace("bolt://", "bolt://neo4j:any-password@")
    code, out, err = run(capsys, "cypher", "RETURN 1 AS one", "--neo4j", with_user, "--format", "json")
    assert code == 0, err
    assert json.loads(out) == [{"one": 1}] and "any-password" not in out + err


@pytest.mark.parametrize("uri, says", [("bolt://127.0.0.1:{port}", "is the server running? `vbgraph neo4j start`"),
                                       ("http://127.0.0.1:{port}", "is not a Bolt URI")])
def test_build_into_an_unreachable_neo4j_fails_in_one_line_and_keeps_the_output(built, capsys, uri, says):
    uri = uri.format(port=neo4j_server.free_port())
    before = snapshot(built)
    t = time.monotonic()
    code, out, err = run(capsys, "build", str(ROOT / "data" / "samples"), "--out", str(built), "--quiet",
                         "--neo4j", uri)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and uri in err and says in err and "Traceback" not in err
    assert time.monotonic() - t < 20          # at once, not after the driver's retries
    assert snapshot(built) == before


# ---------------------------------------------------------------- 8 the bundled server from an installed package
@pytest.mark.neo4j
@pytest.mark.slow
def test_neo4j_start_works_from_an_installed_wheel(tmp_path):
    if neo4j_server.missing_prerequisites():
        pytest.skip(neo4j_server.missing_prerequisites())
    made = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"),
                           str(ROOT)], capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stderr
    (wheel,) = (tmp_path / "dist").glob("vbgraph-*.whl")
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    assert (site / "vbgraph" / "neo4j_launcher" / "pom.xml").is_file()
    env = {k: v for k, v in os.environ.items() if k not in ("NEO4J_URI", "VBGRAPH_NEO4J_JAR")}
    env.update(PYTHONPATH=str(site), XDG_CACHE_HOME=str(tmp_path / "cache"))

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "vbgraph.graph.stores.neo4j_server", *args, "--state",
                               str(tmp_path / "state")], capture_output=True, text=True, env=env,
                              cwd=tmp_path, timeout=1200)

    where = subprocess.run([sys.executable, "-c", "import vbgraph.graph.stores.neo4j_server as m; print(m.__file__)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path)
    assert where.stdout.startswith(str(site)), where.stdout + where.stderr
    started = cli("start", "--port", "0")
    try:
        assert started.returncode == 0, started.stderr
        assert list((tmp_path / "cache" / "vbgraph").glob("neo4j-server-*/target/vbgraph-neo4j-server.jar"))
        status = cli("status")
        assert status.returncode == 0 and "Neo4j/5.26" in status.stdout, status.stdout + status.stderr
    finally:
        cli("stop")


# ---------------------------------------------------------------- 9 small ones
def test_extract_out_keeps_inputs_of_the_same_stem_apart(tmp_path, capsys):
    inputs = tmp_path / "in"
    (inputs / "sub").mkdir(parents=True)
    for name in ("ok.txt", "ok.md", "sub/ok.txt"):
        shutil.copy(SAMPLES[0], inputs / name)
    code, _, err = run(capsys, "extract", str(inputs), "--out", str(tmp_path / "out"), "--quiet")
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["ok-2.json", "ok.json", "ok.txt.json"]
    assert err.count("written as") == 2


def test_a_fifo_on_the_command_line_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    done = subprocess.run([*VBGRAPH, "extract", str(fifo), "--quiet"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "pipe.txt: is not a regular file" in done.stderr


def test_dangling_links_and_fifos_in_a_folder_are_counted_as_failed(tmp_path, capsys):
    shutil.copy(SAMPLES[0], tmp_path / "good.txt")
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    code, out, err = run(capsys, "build", str(tmp_path), "--out", str(tmp_path / "out"), "--quiet", "--json")
    assert code == 1 and (json.loads(out)["documents"], json.loads(out)["failed"]) == (1, 2)
    assert "gone.txt: is a link to a missing file" in err and "pipe.md: is not a regular file" in err


def test_eval_without_its_gold_folder_scores_nothing(tmp_path, capsys):
    code, out, err = run(capsys, "eval", "--gold", str(tmp_path / "missing"), str(SAMPLES[0]),
                         "--state", str(tmp_path / "state"))
    assert code == 2 and "1.000" not in out and "does not exist" in err
    (tmp_path / "other").mkdir()
    code, out, err = run(capsys, "eval", "--gold", str(tmp_path / "other"), str(SAMPLES[0]),
                         "--state", str(tmp_path / "state"))
    assert code == 1 and "1.000" not in out and "no document could be scored" in err


def test_kglite_says_nothing_of_mapped_forms_or_unknown_types(tmp_path, capfd):
    g = nx.MultiDiGraph()
    for i in range(66_000):        # a save of 65,536 nodes or more records mapped forms
        g.add_node(f"n{i}", id=f"n{i}", labels=["Document"], start=i if i % 2 else str(i))   # a mixed column
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with open_store("kglite", path=tmp_path / "store") as store:
            store.load(g)
            assert store.run("MATCH ()-[r:IMPLEMENTS]->() RETURN count(r) AS n") == [{"n": 0}]
    assert caught == []
    assert capfd.readouterr().err == ""
