"""The named questions (queries/*.cypher) on the five sample plans, on kglite and on the real Neo4j.

Every answer test runs once per engine; the differential test runs every named query on both engines
over the same graph with the same parameters and wants equal answers. The samples state no
supersession, so the graph gets a small, labelled synthetic addition (SYNTHETIC_FILE) for
outdated_citations: a directive replacing 33/CT-TTg, a succession edge 33/CT-TTg → 16/CT-TTg, an
undated replacement of 04/2015/NĐ-CP, a sourced 'hết hiệu lực' status on 42/2013/QH13, and one
citation of the new directive with no offsets or sentence (a document with neither title nor name and
a relationship without 'start' are where kglite's structural keys differ from Neo4j's nulls).
"""
from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from vbgraph.graph.build import build_graph, ingest_text
from vbgraph.graph.stores.base import open_store
from vbgraph.queries import catalog as cat
from vbgraph.queries import cli as qcli

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "data" / "samples").glob("*.txt"))
SYNTHETIC_FILE = "synthetic/supersession.txt"

TAY_NINH_859 = "vn/tay-ninh/2024/859-kh-ubnd"
TAY_NINH_60 = "vn/tay-ninh/2023/60-kh-svhttdl"
TUYEN_QUANG_46 = "vn/tuyen-quang/2023/46-kh-ubnd"
CT33 = "vn/national/2021/33-ct-ttg"
CT99 = "vn/national/2024/99-ct-ttg"          # synthetic
UNDATED = "vn/national/unknown/x-nd-cp"      # synthetic
PLANS_BY_PROVINCE = {"Tây Ninh": 2, "Kon Tum": 1, "Bình Phước": 1, "Tuyên Quang": 1}

# parameters the differential test runs every named query with (each query at least once)
CASES = {
    "lineage_up": [{"symbol": "60/KH-SVHTTDL"}, {"symbol": "46/KH-UBND", "max_hops": 1},
                   {"id": "vn/national/2021/23-ct-ttg"}],
    "lineage_down": [{"symbol": "33/CT-TTg"}, {"symbol": "84/KH-UBND", "province": "Bình Phước"},
                     {"symbol": "765-KH/UBND"}],
    "citing_documents": [{"symbol": "33/CT-TTg"}, {"symbol": "76/NQ-CP", "relation": "CITES"},
                         {"symbol": "24-NQ/TW"}, {"symbol": "99/CT-TTg"}],
    "cited_by_counts": [{}, {"province": "Tây Ninh", "limit": 5}, {"doc_type": "Chỉ thị", "min_citing": 2}],
    "provinces_implementing": [{"symbol": "33/CT-TTg"}, {"symbol": "33/CT-TTg", "mode": "loose"},
                               {"symbol": "76/NQ-CP", "mode": "loose", "max_hops": 2}],
    "agency_tasks": [{}, {"province": "Tuyên Quang", "agency": "sở nội vụ"}, {"plan": "859/KH-UBND"}],
    "deadlines": [{"as_of": "2024-05-01"}, {"as_of": "2024-05-01", "state": "overdue"},
                  {"as_of": "2023-01-01", "until": "2023-12-31", "province": "Tuyên Quang"}],
    "movements_by_province": [{}, {"movement": "Dân vận khéo"}, {"province": "Tây Ninh", "year": 2024}],
    "unresolved_citations": [{}, {"resolution": "ambiguous"}, {"province": "Bình Phước"}],
    "outdated_citations": [{"as_of": "2024-05-01"}, {"as_of": "2023-06-01"}, {"reason": "status"},
                           {"as_of": "2024-05-01", "province": "Tây Ninh"}],
    "documents": [{}, {"symbol": "1116-QĐ/TU"}, {"province": "Kon Tum", "limit": 500},
                  {"resolution": "ambiguous"}, {"symbol": "X/NĐ-CP"}],
}


# --- the graph and the stores --------------------------------------------------------------


def add_supersession(g):
    """The synthetic supersession facts (see the module docstring); returns a new graph."""
    g = copy.deepcopy(g)
    g.add_node(CT99, id=CT99, labels=["Document"], symbol="99/CT-TTg", doc_type="Chỉ thị", date="2024-01-15",
               year=2024, scope="national", level="national", resolution="resolved", status="không xác định",
               title="Chỉ thị (synthetic) thay thế Chỉ thị số 33/CT-TTg")
    g.add_node(UNDATED, id=UNDATED, labels=["Document"], symbol="X/NĐ-CP", doc_type="Nghị định",
               scope="national", level="national", resolution="resolved", status="không xác định")

    def supersedes(src, dst, basis, kind, sentence=None):
        key = f"SUPERSEDES|{SYNTHETIC_FILE}|{src}>{dst}"
        g.add_edge(src, dst, key=key, type="SUPERSEDES", key_id=key, basis=basis, kind=kind,
                   file=SYNTHETIC_FILE, sentence=sentence, rule="synthetic", confidence=1.0)

    supersedes(CT99, CT33, "stated", "replaces", "Chỉ thị này thay thế Chỉ thị số 33/CT-TTg ngày 26/11/2021.")
    supersedes(CT33, "vn/national/2016/16-ct-ttg", "succession", "replaces")
    supersedes(UNDATED, "vn/national/2015/04-2015-nd-cp", "reference", "replaces")
    # a citation with no offsets or sentence (as one read from a table would be): engines must agree on nulls
    key = f"CITES|{SYNTHETIC_FILE}|{CT99}"
    g.add_edge(TAY_NINH_859, CT99, key=key, type="CITES", key_id=key, file=SYNTHETIC_FILE, count=1,
               rule="synthetic", confidence=1.0)
    law = g.nodes["vn/national/2013/42-2013-qh13"]
    law["status"], law["status_source"] = "hết hiệu lực", "synthetic source"
    return g


@pytest.fixture(scope="module")
def sample_graph():
    return build_graph([ingest_text(p.read_text(encoding="utf-8"), str(p)) for p in SAMPLES])


@pytest.fixture(scope="module")
def graph(sample_graph):
    return add_supersession(sample_graph)


@pytest.fixture(scope="module")
def kglite_store(graph, tmp_path_factory):
    store = open_store("kglite", path=tmp_path_factory.mktemp("kglite"))
    store.load(graph)
    yield store
    store.close()


@pytest.fixture(scope="module")
def neo4j_store(graph, request):
    from vbgraph.graph.stores.neo4j_server import connect_settings

    uri = request.getfixturevalue("neo4j_uri")
    store = open_store("neo4j", uri=uri, auth=connect_settings()[1])
    store.clear()
    store.load(graph)
    yield store
    store.close()


@pytest.fixture(scope="module", params=["kglite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request):
    return request.getfixturevalue(f"{request.param}_store")


def ask(store, name, **params):
    return cat.run(store, name, params)


def only(rows, **where):
    return [r for r in rows if all(r.get(k) == v for k, v in where.items())]


# --- the catalog ---------------------------------------------------------------------------


def test_every_query_file_has_a_complete_header():
    queries = cat.catalog()
    assert {"lineage_up", "lineage_down", "citing_documents", "cited_by_counts", "provinces_implementing",
            "agency_tasks", "deadlines", "movements_by_province", "unresolved_citations",
            "outdated_citations"} <= set(queries)
    assert set(queries) == {p.stem for p in Path(cat.QUERY_DIR).glob("*.cypher")}
    for q in queries.values():
        assert q.description and q.examples, q.name
        assert all(p.help for p in q.params), q.name
        for example in q.examples:              # the example is a command line the CLI accepts
            assert example.startswith(f"vbgraph query {q.name} ")
            import shlex
            args = shlex.split(example)[2:]
            given = cat.parse_assignments([a for i, a in enumerate(args) if i and args[i - 1] == "--param"])
            cat.bind(q, given)


def test_header_parsing_and_parameter_checks():
    text = """// name: demo
// description: first line
//   continued here
// param: symbol  string  null  a symbol
// param: n       int     5     how many
// param: mode    choice(a|b)  a  a mode
// param: at      date    today  a date
// requires: symbol
// example: vbgraph query demo --param symbol=1
// a plain comment ends the header
MATCH (d) WHERE d.symbol = $symbol AND $mode <> $at RETURN d LIMIT $n
"""
    q = cat.parse(text)
    assert q.name == "demo" and q.description == "first line continued here"
    assert [(p.name, p.type, p.default) for p in q.params] == [
        ("symbol", "string", None), ("n", "int", 5), ("mode", "choice", "a"), ("at", "date", "today")]
    assert q.cypher.startswith("// a plain comment")
    assert cat.bind(q, {"symbol": "33/CT-TTg", "n": "7"}) == {
        "symbol": "33/CT-TTg", "n": 7, "mode": "a", "at": dt.date.today().isoformat()}
    for bad, message in [({}, "needs"), ({"symbol": "x", "n": "many"}, "not a valid int"),
                         ({"symbol": "x", "mode": "c"}, "not one of a, b"),
                         ({"symbol": "x", "at": "2024-13-01"}, "not a valid date"),
                         ({"symbol": "x", "nope": "1"}, "has no parameter 'nope'")]:
        with pytest.raises(cat.QueryError, match=message):
            cat.bind(q, bad)
    with pytest.raises(cat.QueryError, match="used but not declared"):
        cat.parse(text.replace("LIMIT $n", "LIMIT $m"))
    with pytest.raises(cat.QueryError, match="unknown query"):
        cat.get("no_such_question")


def test_write_clauses_are_found_outside_strings_and_names():
    assert qcli.write_clause("MATCH (n) DETACH DELETE n") == "DETACH"
    assert qcli.write_clause("merge (n:X {id: 1})") == "MERGE"
    assert qcli.write_clause("LOAD  CSV FROM 'x' AS row RETURN row") == "LOAD CSV"
    assert qcli.write_clause("MATCH (n) WHERE n.name = 'CREATE' RETURN n.set AS s, `delete` AS d") is None
    assert qcli.write_clause("// SET in a comment\nMATCH (n) RETURN n.reset AS x, 'a\\'SET' AS y") is None


# --- answers on both engines ---------------------------------------------------------------


def test_lineage_up_reaches_the_provincial_plan_in_one_hop(store):
    rows = ask(store, "lineage_up", symbol="60/KH-SVHTTDL")
    assert [(r["from_id"], r["hops"], r["id"]) for r in rows] == [
        (TAY_NINH_60, 1, "vn/tay-ninh/2023/765-kh-ubnd")]
    row = rows[0]
    assert (row["symbol"], row["scope"], row["year"], row["date"]) == ("765/KH-UBND", "Tây Ninh", 2023, "2023-03-20")
    assert row["path"] == [TAY_NINH_60, "vn/tay-ninh/2023/765-kh-ubnd"]
    assert len(row["sentences"]) == 1 and row["sentences"][0].startswith("Thực hiện Kế hoạch số 765/KH-UBND")
    assert row["files"] == [str(SAMPLES[2])]
    # a written variant of the symbol finds the same document downwards
    down = ask(store, "lineage_down", symbol="765-KH/UBND")
    assert [(r["id"], r["hops"]) for r in down] == [(TAY_NINH_60, 1)]


def test_lineage_follows_chains_and_respects_max_hops(store):
    rows = ask(store, "lineage_up", symbol="46/KH-UBND")
    assert {r["symbol"] for r in rows} == {"33/CT-TTg", "268-QĐ/TU", "05-CTrPH/BDVTU-BCSĐUBND"}
    assert all(r["hops"] == 1 and r["sentences"][0].startswith("Căn cứ") for r in rows)
    assert ask(store, "lineage_up", symbol="46/KH-UBND", max_hops=0) == []
    assert ask(store, "lineage_up", symbol="no/such-symbol") == []


def test_district_plan_implements_the_provincial_plan(store):
    rows = ask(store, "lineage_down", symbol="84/KH-UBND", province="Bình Phước", year=2024)
    assert len(rows) == 1
    assert rows[0]["id"].startswith("vn/binh-phuoc/hon-quan/2024/") and rows[0]["ingested"] is True
    assert rows[0]["scope"] == "Bình Phước/Hớn Quản" and rows[0]["to_id"] == "vn/binh-phuoc/2024/84-kh-ubnd"
    assert "84/KH-UBND" in rows[0]["sentences"][0]
    up = ask(store, "lineage_up", id=rows[0]["id"])
    assert [r["id"] for r in up] == ["vn/binh-phuoc/2024/84-kh-ubnd"]
    assert ask(store, "lineage_down", symbol="84/KH-UBND", province="Tây Ninh") == []


def test_same_local_symbol_in_two_provinces_stays_two_documents(store):
    tay_ninh = ask(store, "documents", symbol="1116-QĐ/TU")
    kon_tum = ask(store, "documents", symbol="324-QĐ/TU")
    assert [(r["id"], r["scope"]) for r in tay_ninh] == [("vn/tay-ninh/2021/1116-qd-tu", "Tây Ninh")]
    assert [(r["id"], r["scope"]) for r in kon_tum] == [("vn/kon-tum/2022/324-qd-tu", "Kon Tum")]
    assert ask(store, "documents", symbol="1116-QĐ/TU", province="Kon Tum") == []
    # the Kon Tum plan implements its own province's regulation and the national directive
    kon_tum_plan = ask(store, "lineage_down", id="vn/kon-tum/2022/324-qd-tu")
    assert [r["id"] for r in kon_tum_plan] == ["vn/kon-tum/2024/file-001-2b79d6a9c56c3e96-txt"]
    assert ask(store, "lineage_down", id="vn/tay-ninh/2021/1116-qd-tu") == []


def test_provinces_implementing_strict_and_loose(store):
    strict = ask(store, "provinces_implementing", symbol="33/CT-TTg")
    assert [(r["province"], r["year"], r["strict"]) for r in strict] == [
        ("Kon Tum", 2024, True), ("Tuyên Quang", 2023, True)]
    assert only(strict, province="Tuyên Quang")[0]["implementing"] == [TUYEN_QUANG_46]
    loose = ask(store, "provinces_implementing", symbol="33/CT-TTg", mode="loose")
    assert [(r["province"], r["year"], r["strict"]) for r in loose] == [
        ("Bình Phước", 2024, False), ("Kon Tum", 2024, True), ("Tuyên Quang", 2023, True),
        ("Tây Ninh", 2023, False), ("Tây Ninh", 2024, False)]
    assert only(loose, province="Tây Ninh", year=2024)[0]["citing"] == [TAY_NINH_859]
    # the 2025 merger (NQ 202/2025/QH15): Kon Tum's plan counts for today's Quảng Ngãi
    assert {r["province"]: r["province_2025"] for r in loose} == {
        "Bình Phước": "Đồng Nai", "Kon Tum": "Quảng Ngãi", "Tuyên Quang": "Tuyên Quang", "Tây Ninh": "Tây Ninh"}


def test_citing_documents_ranked_with_their_sentence(store):
    rows = ask(store, "citing_documents", symbol="33/CT-TTg", year=2021)
    assert [r["relation"] for r in rows] == ["IMPLEMENTS", "IMPLEMENTS", "CITES", "CITES", "CITES"]
    assert {r["citing_id"] for r in rows[:2]} == {TUYEN_QUANG_46, "vn/kon-tum/2024/file-001-2b79d6a9c56c3e96-txt"}
    assert {r["province"] for r in rows} == set(PLANS_BY_PROVINCE)
    assert all("33/CT-TTg" in r["sentence"] and r["file"] for r in rows)
    assert ask(store, "citing_documents", symbol="33/CT-TTg", relation="BASED_ON") == []


def test_cited_by_counts(store, graph):
    rows = ask(store, "cited_by_counts", limit=1000)
    ct33 = only(rows, id=CT33)[0]
    assert (ct33["citing"], ct33["citing_plans"], ct33["implementing"]) == (5, 5, 2)
    keys = [(-r["citing"], -r["implementing"], -r["mentions"], r["id"]) for r in rows]
    assert keys == sorted(keys)
    # every cited document is counted, each by its distinct citing documents
    expected = {}
    for u, v, d in graph.edges(data=True):
        if d["type"] in ("IMPLEMENTS", "BASED_ON", "CITES"):
            expected.setdefault(v, set()).add(u)
    assert {r["id"]: r["citing"] for r in rows} == {k: len(v) for k, v in expected.items()}
    assert len(ask(store, "cited_by_counts", limit=3)) == 3


def test_unresolved_citations_are_all_shown(store, graph):
    rows = ask(store, "unresolved_citations")
    nq24 = only(rows, symbol="24-NQ/TW", citing_id=TUYEN_QUANG_46)
    assert len(nq24) == 1 and nq24[0]["resolution"] == "ambiguous" and nq24[0]["year"] is None
    assert "24-NQ/TW" in nq24[0]["sentence"] and nq24[0]["relation"] == "CITES"
    unsettled = {n for n, d in graph.nodes(data=True) if d.get("resolution") in ("ambiguous", "unresolved")}
    assert {r["id"] for r in rows} == unsettled
    assert {r["resolution"] for r in ask(store, "unresolved_citations", resolution="unresolved")} == {"unresolved"}
    laws = only(rows, resolution="unresolved", citing_id=TUYEN_QUANG_46)
    assert any(r["name"] and "Luật" in r["name"] for r in laws)


def _due(deadline: str) -> str:
    if len(deadline) == 4:
        return deadline + "-12-31"
    if len(deadline) == 7:
        y, m = map(int, deadline.split("-"))
        nxt = dt.date(y + m // 12, m % 12 + 1, 1)
        return (nxt - dt.timedelta(days=1)).isoformat()
    return deadline


def test_deadlines_split_into_overdue_and_upcoming(store, graph):
    rows = ask(store, "deadlines", as_of="2024-05-01")
    expected = sorted((("overdue" if _due(d["deadline"]) < "2024-05-01" else "upcoming"), _due(d["deadline"]), v, u)
                      for u, v, d in graph.edges(data=True) if d["type"] == "ASSIGNS" and d.get("deadline"))
    got = [(r["state"], r["due"], r["agency_id"], r["plan_id"]) for r in rows]
    assert sorted(got) == expected and got == sorted(got, key=lambda x: (x[0], x[1]))
    kon_tum_month = only(rows, deadline="2024-02")
    assert kon_tum_month and all(r["state"] == "overdue" and r["due"] == "2024-02-29" for r in kon_tum_month)
    assert {r["state"] for r in only(rows, deadline="2024-04-10")} == {"overdue"}
    assert {r["state"] for r in only(rows, deadline="2024-05-10")} == {"upcoming"}
    # a deadline on the reference day is still upcoming
    same_day = ask(store, "deadlines", as_of="2024-05-10", state="upcoming")
    assert only(same_day, deadline="2024-05-10")
    overdue = ask(store, "deadlines", as_of="2024-05-01", state="overdue")
    assert overdue == [r for r in rows if r["state"] == "overdue"]


def test_agency_tasks_per_province(store):
    rows = ask(store, "agency_tasks", province="Tuyên Quang", agency="sở nội vụ")
    assert all("Sở Nội vụ" in r["agency"] for r in rows)
    own = only(rows, agency="Sở Nội vụ")
    assert [(r["plan_symbol"], r["deadline"]) for r in own] == [("46/KH-UBND", None)]
    assert own[0]["task"] and own[0]["sentence"]
    tay_ninh = ask(store, "agency_tasks", plan="859/KH-UBND")
    assert {r["province"] for r in tay_ninh} == {"Tây Ninh"}
    assert only(tay_ninh, agency="Sở Nội vụ", deadline="2024-12-20")
    assert {r["province"] for r in ask(store, "agency_tasks")} == set(PLANS_BY_PROVINCE)


def test_movements_by_province_include_dan_van_kheo_for_every_plan(store):
    rows = ask(store, "movements_by_province", movement="Dân vận khéo")
    assert [(r["province"], r["year"], r["plan_count"]) for r in rows] == [
        ("Bình Phước", 2024, 1), ("Kon Tum", 2024, 1), ("Tuyên Quang", 2023, 1),
        ("Tây Ninh", 2023, 1), ("Tây Ninh", 2024, 1)]
    assert sum(r["plan_count"] for r in rows) == 5 and {r["movement"] for r in rows} == {"Dân vận khéo"}
    tay_ninh_2024 = ask(store, "movements_by_province", province="Tây Ninh", year=2024)
    assert {r["plans"][0] for r in tay_ninh_2024} == {TAY_NINH_859} and len(tay_ninh_2024) >= 4


def test_outdated_citations_over_supersedes_and_status(store):
    rows = ask(store, "outdated_citations", as_of="2024-05-01")
    got = {(r["reason"], r["citing_id"], r["cited_id"], r["replacement_id"]) for r in rows}
    kon_tum, hon_quan = "vn/kon-tum/2024/file-001-2b79d6a9c56c3e96-txt", \
        "vn/binh-phuoc/hon-quan/2024/file-003-24ae878456bacd5d-txt"
    synthetic = {
        # 99/CT-TTg (2024-01-15) replaced 33/CT-TTg: after the 2023 plans, before the 2024-03-25 one
        ("superseded_since_plan", TUYEN_QUANG_46, CT33, CT99),
        ("superseded_since_plan", TAY_NINH_60, CT33, CT99),
        ("superseded_before_plan", TAY_NINH_859, CT33, CT99),
        # undated 2024 plans: only "before 2024" counts as before the plan
        ("superseded_since_plan", kon_tum, CT33, CT99),
        ("superseded_since_plan", hon_quan, CT33, CT99),
        ("superseded_before_plan", TAY_NINH_859, "vn/national/2016/16-ct-ttg", CT33),
        ("superseded_undated", TAY_NINH_60, "vn/national/2015/04-2015-nd-cp", UNDATED),
        ("status", TAY_NINH_859, "vn/national/2013/42-2013-qh13", None),
        ("status", kon_tum, "vn/national/2013/42-2013-qh13", None),
    }
    # what the real enrichment adds on the samples: yearly successions in Tây Ninh (after the
    # 29/3/2023 plan) and the sourced "hết hiệu lực một phần" of Luật Khiếu nại 2011 cited by Kon Tum
    real = {
        ("superseded_since_plan", TAY_NINH_60, "vn/tay-ninh/2022/1563-qd-ubnd", "vn/tay-ninh/2023/908-qd-ubnd"),
        ("superseded_since_plan", TAY_NINH_60, "vn/tay-ninh/2022/2674-qd-ubnd", "vn/tay-ninh/2024/140-qd-ubnd"),
        ("superseded_since_plan", TAY_NINH_60, "vn/tay-ninh/2023/765-kh-ubnd", "vn/tay-ninh/2024/859-kh-ubnd"),
    }
    assert synthetic | real <= got
    # … and the amendments the samples state ("Quyết định số 15/2019/QĐ-UBND … sửa đổi, bổ sung một số điều
    # của Quy chế … ban hành kèm theo Quyết định số 21/2018/QĐ-UBND"): hết hiệu lực một phần since then
    # … and Quy định 11-QĐi/TW, amended by KL 215-KL/TW on 23/11/2025 (the reviewed table)
    hon_quan = "vn/binh-phuoc/hon-quan/2024/file-003-24ae878456bacd5d-txt"
    amended = {("status", kon_tum, "vn/kon-tum/2018/21-2018-qd-ubnd", None),
               ("status", hon_quan, "vn/binh-phuoc/2019/1564-qd-ubnd", None)} | \
        {("status", c, "vn/party/2019/11-qdi-tw", None)
         for c in (hon_quan, TAY_NINH_859, "vn/tuyen-quang/2023/46-kh-ubnd")}
    assert {g for g in got - synthetic - real} <= \
        {("status", kon_tum, "vn/national/2011/02-2011-qh13", None)} | amended
    row = only(rows, citing_id=TAY_NINH_859, cited_id=CT33)[0]
    assert (row["basis"], row["kind"], row["replacement_symbol"]) == ("stated", "replaces", "99/CT-TTg")
    assert "33/CT-TTg" in row["sentence"] and row["supersedes_sentence"].startswith("Chỉ thị này thay thế")
    status = only(rows, reason="status", cited_id="vn/national/2013/42-2013-qh13")[0]
    assert (status["cited_status"], status["status_source"], status["basis"]) == \
        ("hết hiệu lực", "synthetic source", None)
    # as of mid-2023 only what was already replaced when the plan was written (or undated) remains
    early = ask(store, "outdated_citations", as_of="2023-06-01")
    assert {r["reason"] for r in early} == {"superseded_before_plan", "superseded_since_plan",
                                            "superseded_undated", "status"}
    # …plus 908/QĐ-UBND of 14/4/2023, which succeeded 1563/QĐ-UBND after the 29/3/2023 plan cited it
    assert {(r["cited_id"], r["replacement_id"]) for r in early if r["reason"] == "superseded_since_plan"} == {
        ("vn/tay-ninh/2022/1563-qd-ubnd", "vn/tay-ninh/2023/908-qd-ubnd")}


def test_missing_properties_read_as_null(store):
    # kglite's structural keys (a node's title/name, a relationship's start) must not leak into answers
    row, = ask(store, "citing_documents", symbol="99/CT-TTg")
    assert (row["citing_id"], row["start"], row["sentence"]) == (TAY_NINH_859, None, None)
    doc, = ask(store, "documents", symbol="X/NĐ-CP")
    assert (doc["id"], doc["title"]) == (UNDATED, None)
    congress = [r for r in ask(store, "documents", province="Tây Ninh", limit=1000)
                if r["id"] == "vn/tay-ninh/nghi-quyet-dai-hoi/xi"]
    assert len(congress) == 1 and congress[0]["title"].startswith("Nghị quyết Đại hội")   # its name stands in


# --- the two engines agree ----------------------------------------------------------------------


def normal(value):
    """Engine-neutral values: integral floats as ints, tuples as lists, dates as ISO text."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (list, tuple)):
        return [normal(v) for v in value]
    if isinstance(value, dict):
        return {k: normal(v) for k, v in value.items()}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def test_every_named_query_has_differential_cases():
    assert set(CASES) == set(cat.catalog())


@pytest.mark.neo4j
@pytest.mark.parametrize("name,params", [(n, p) for n, ps in CASES.items() for p in ps],
                         ids=lambda x: x if isinstance(x, str) else json.dumps(x, ensure_ascii=False))
def test_kglite_and_neo4j_give_the_same_answers(kglite_store, neo4j_store, name, params):
    on_neo4j = normal(ask(neo4j_store, name, **params))
    on_kglite = normal(ask(kglite_store, name, **params))
    assert on_kglite == on_neo4j
    assert on_neo4j or name in ("outdated_citations",) or params.get("state"), "a case that answers nothing"


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store_file(sample_graph, tmp_path_factory):
    """A closed kglite store of the sample graph, as 'vbgraph build' leaves one."""
    folder = tmp_path_factory.mktemp("cli-store")
    with open_store("kglite", path=folder) as s:
        s.load(sample_graph)
    return folder


def run_cli(capsys, *argv):
    code = qcli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_query_formats(store_file, capsys):
    code, out, _ = run_cli(capsys, "query", "lineage_up", "--param", "symbol=60/KH-SVHTTDL",
                           "--store", str(store_file), "--format", "json")
    assert code == 0 and json.loads(out)[0]["id"] == "vn/tay-ninh/2023/765-kh-ubnd"
    code, out, _ = run_cli(capsys, "query", "provinces_implementing", "-p", "symbol=33/CT-TTg",
                           "-p", "mode=loose", "--store", str(store_file), "--format", "csv")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("document,province,province_2025,year,strict") and len(lines) == 6
    code, out, _ = run_cli(capsys, "query", "movements_by_province", "-p", "movement=khéo",
                           "--store", str(store_file))
    assert code == 0 and "Dân vận khéo" in out and out.rstrip().endswith("(5 rows)")
    code, out, _ = run_cli(capsys, "query", "list", "deadlines")
    assert code == 0 and "as_of" in out and "default today" in out


def test_cli_query_errors(store_file, tmp_path, capsys):
    code, _, err = run_cli(capsys, "query", "lineage", "--store", str(store_file))
    assert code == 2 and "unknown query 'lineage'" in err and "lineage_up" in err
    code, _, err = run_cli(capsys, "query", "lineage_up", "--store", str(store_file))
    assert code == 2 and "needs --param id=… or --param symbol=…" in err
    code, _, err = run_cli(capsys, "query", "deadlines", "-p", "as_of=1/5/2024", "--store", str(store_file))
    assert code == 2 and "not a valid date" in err
    code, _, err = run_cli(capsys, "query", "deadlines", "-p", "asof=2024-05-01", "--store", str(store_file))
    assert code == 2 and "no parameter 'asof'" in err
    code, _, err = run_cli(capsys, "query", "deadlines", "--store", str(tmp_path / "missing"))
    assert code == 1 and "no embedded graph store" in err


def test_cli_cypher_is_read_only_unless_write(store_file, capsys):
    code, out, _ = run_cli(capsys, "cypher", "MATCH (d:Plan) WHERE d.year = $y RETURN count(d) AS n",
                           "-p", "y=2024", "--store", str(store_file), "-f", "json")
    assert code == 0 and json.loads(out) == [{"n": 3}]
    code, _, err = run_cli(capsys, "cypher", "MATCH (d:Plan) SET d.touched = true", "--store", str(store_file))
    assert code == 2 and "pass --write" in err
    code, _, err = run_cli(capsys, "cypher", "MATCH (d:Plan) RETURN nosuchfunction(d) AS x",
                           "--store", str(store_file))
    assert code == 1 and err.startswith("vbgraph: kglite:")
    code, out, _ = run_cli(capsys, "cypher", "MATCH (d:Plan {symbol: $s}) SET d.touched = true RETURN d.id AS id",
                           "-p", "s=46/KH-UBND", "--write", "--store", str(store_file), "-f", "json")
    assert code == 0 and json.loads(out) == [{"id": TUYEN_QUANG_46}]


@pytest.mark.neo4j
def test_cli_on_neo4j_and_read_access_mode(neo4j_store, neo4j_uri, capsys):
    code, out, _ = run_cli(capsys, "query", "citing_documents", "-p", "symbol=33/CT-TTg",
                           "--neo4j", neo4j_uri, "-f", "json")
    assert code == 0 and len(json.loads(out)) == 5
    code, _, err = run_cli(capsys, "cypher", "CREATE (n:Document {id: 'x'})", "--neo4j", neo4j_uri)
    assert code == 2 and "pass --write" in err
    # below the CLI's own check, the store's read transaction refuses writes too
    with pytest.raises(Exception, match="(?i)read"):
        neo4j_store.run("CREATE (n:Document {id: 'should-not-exist'})")
    assert neo4j_store.run("MATCH (n {id: 'should-not-exist'}) RETURN count(n) AS n") == [{"n": 0}]
    code, _, err = run_cli(capsys, "cypher", "RETURN 1", "--neo4j", "bolt://127.0.0.1:1")
    assert code == 1 and "cannot connect to Neo4j" in err
