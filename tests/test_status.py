"""Status, supersession and administrative history (graph/status.py, graph/report.py, issue 4)."""
from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from vbgraph.extract.tables import read_table
from vbgraph.graph.build import build_graph, ingest_text
from vbgraph.graph.report import outdated_rows, report
from vbgraph.graph.status import STATUSES, UNKNOWN, enrich, succession_confidence
from vbgraph.graph.stores.base import open_store
from vbgraph.queries import catalog as cat

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "data" / "samples").glob("*.txt"))
TAY_NINH_60 = "vn/tay-ninh/2023/60-kh-svhttdl"
KH_765, KH_859 = "vn/tay-ninh/2023/765-kh-ubnd", "vn/tay-ninh/2024/859-kh-ubnd"
QD_1563, QD_908 = "vn/tay-ninh/2022/1563-qd-ubnd", "vn/tay-ninh/2023/908-qd-ubnd"
ND_04 = "vn/national/2015/04-2015-nd-cp"

STATED = """ỦY BAN NHÂN DÂN
TỈNH TÂY NINH
Số: 120/QĐ-UBND
Tây Ninh, ngày 10 tháng 5 năm 2024

QUYẾT ĐỊNH
Ban hành Quy chế phối hợp công tác dân vận chính quyền trên địa bàn tỉnh Tây Ninh

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH TÂY NINH

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Quy chế phối hợp công tác dân vận chính quyền trên địa bàn tỉnh Tây Ninh.

Điều 2. Quyết định này có hiệu lực kể từ ngày ký. Quyết định này thay thế Quyết định số 55/QĐ-UBND ngày 12/01/2021 của UBND tỉnh Tây Ninh ban hành Quy chế phối hợp công tác dân vận chính quyền. Quyết định này bãi bỏ Quyết định số 77/QĐ-UBND ngày 03/3/2022 của UBND tỉnh Tây Ninh về tổ chức hội nghị dân vận.
"""

CITING = """ỦY BAN NHÂN DÂN
HUYỆN HÒA THÀNH
Số: {number}/KH-UBND
Hòa Thành, ngày {day} tháng 5 năm 2024

KẾ HOẠCH
Thực hiện công tác dân vận năm 2024

Thực hiện Quyết định số 55/QĐ-UBND ngày 12/01/2021 của UBND tỉnh Tây Ninh ban hành Quy chế phối hợp công tác dân vận chính quyền, Ủy ban nhân dân huyện ban hành kế hoạch như sau.
"""


def enriched(docs):
    return enrich(build_graph(docs))


@pytest.fixture(scope="module")
def samples():
    return enriched([ingest_text(p.read_text(encoding="utf-8"), str(p)) for p in SAMPLES])


@pytest.fixture(scope="module")
def stated():
    docs = [ingest_text(STATED, "hand/stated.txt")]
    docs += [ingest_text(CITING.format(number=n, day=day), f"hand/citing-{day}.txt")
             for n, day in ((31, "09"), (32, "10"), (33, "11"))]
    return enriched(docs)


def sup_edges(g, basis=None):
    return {(u, v): d for u, v, d in g.edges(data=True)
            if d["type"] == "SUPERSEDES" and (basis is None or d.get("basis") == basis)}


# --- stated replacement on hand-made text ------------------------------------------------------


def test_stated_replacement_and_repeal_through_extractor_and_graph(stated):
    edges = sup_edges(stated, "stated")
    new, replaced, repealed = ("vn/tay-ninh/2024/120-qd-ubnd", "vn/tay-ninh/2021/55-qd-ubnd",
                               "vn/tay-ninh/2022/77-qd-ubnd")
    assert set(edges) == {(new, replaced), (new, repealed)}
    e = edges[(new, replaced)]
    assert (e["kind"], e["date"]) == ("replaces", "2024-05-10")
    assert "thay thế Quyết định số 55/QĐ-UBND" in e["sentence"] and e["source"].startswith("hand/stated.txt")
    assert edges[(new, repealed)]["kind"] == "repeals"
    for old in (replaced, repealed):
        d = stated.nodes[old]
        assert (d["status"], d["status_basis"], d["effective_to"]) == ("hết hiệu lực toàn bộ", "stated", "2024-05-10")
        assert d["status_source"]


@pytest.mark.parametrize("day,at_citing", [("09", False), ("10", True), ("11", True)])
def test_as_of_boundaries(stated, day, at_citing):
    """Plans of the day before / the day of / the day after the replacement (2024-05-10)."""
    plan = f"vn/hoa-thanh/2024/{30 + int(day) - 8}-kh-ubnd"
    rows = [r for r in outdated_rows(stated, as_of="2024-05-10") if r["cited_id"] == "vn/tay-ninh/2021/55-qd-ubnd"]
    by_plan = {r["citing_date"]: r for r in rows}
    if day == "11":
        # a plan dated after as_of still counts the replacement as before its own date
        assert by_plan[f"2024-05-{day}"]["reason"] == "superseded_before_plan"
    row = by_plan[f"2024-05-{day}"]
    assert row["outdated_at_citing"] is at_citing and row["outdated_as_of"] is True
    assert row["replacement_symbol"] == "120/QĐ-UBND" and row["basis"] == "stated"
    # the day before the replacement it was not outdated on any date
    before = [r for r in outdated_rows(stated, as_of="2024-05-09") if r["cited_id"] == "vn/tay-ninh/2021/55-qd-ubnd"]
    assert {r["citing_date"] for r in before} == {"2024-05-10", "2024-05-11"}
    assert plan  # ids depend on the extractor's place names; the dates are what is tested


# --- statuses and their sources ----------------------------------------------------------------


def test_status_table_uses_the_vocabulary_and_every_status_has_a_source():
    for row in read_table("status_facts.csv"):
        assert row["status"] in STATUSES, row["symbol"]
        if row["status"] != UNKNOWN:
            assert row["source"], row["symbol"]
        if row["replaced_by"] and not row["replaced_by"].startswith("unverified"):
            assert row["source"] and row["replaced_on"], row["symbol"]


def test_no_status_without_a_source(samples, stated):
    for g in (samples, stated):
        for n, d in g.nodes(data=True):
            if "Document" in d["labels"]:
                assert d.get("status") in STATUSES, n
                if d["status"] != UNKNOWN:
                    assert d.get("status_source"), n


def test_nd_04_2015_keeps_exactly_the_strength_of_its_sources(samples):
    d = samples.nodes[ND_04]
    assert d["status"] == UNKNOWN and d["replacement_unverified"] is True
    assert not any(v == ND_04 for _, v in sup_edges(samples))
    assert not [r for r in outdated_rows(samples) if r["cited_id"] == ND_04]
    assert "04/2015/NĐ-CP" not in report(samples, "2025-12-31")      # unknown: counted, listed only with --all
    text = report(samples, "2025-12-31", everything=True)
    line = next(ln for ln in text.splitlines() if "04/2015/NĐ-CP" in ln and "trạng thái" in ln)
    assert "không xác định" in line and "hết hiệu lực" not in line


def test_unverified_replacements_never_become_edges(samples):
    # 33/CT-TTg → 16/CT-TTg looks like a succession by title, but the reviewed table says unverified
    assert ("vn/national/2021/33-ct-ttg", "vn/national/2016/16-ct-ttg") not in sup_edges(samples)


def test_reference_replacement_gives_an_edge_with_source():
    g = copy.deepcopy(build_graph([]))
    g.add_node("vn/national/2011/03-2011-qh13", id="vn/national/2011/03-2011-qh13", labels=["Document"],
               symbol="03/2011/QH13", year=2011, scope="national", status=UNKNOWN, resolution="resolved")
    enrich(g)
    (new, old), e = next(iter(sup_edges(g, "reference").items()))
    assert (new, old, e["date"]) == ("vn/national/2018/25-2018-qh14", "vn/national/2011/03-2011-qh13", "2019-01-01")
    assert "thay thế Luật Tố cáo số 03/2011/QH13" in e["source"]
    assert g.nodes[old]["status"] == "hết hiệu lực toàn bộ" and g.nodes[old]["effective_to"] == "2019-01-01"


# --- succession and the acceptance rows ------------------------------------------------------------


def test_succession_rule_is_generic():
    old = {"doc_type": "Kế hoạch", "scope": "X", "issuer": "UBND tỉnh X", "date": "2022-03-01",
           "title": "Thực hiện công tác cải cách hành chính năm 2022 trên địa bàn tỉnh X"}
    new = dict(old, date="2023-02-01", title="về việc thực hiện công tác cải cách hành chính năm 2023 trên địa bàn tỉnh X")
    c = succession_confidence(old, new)
    assert c is not None and 0.8 < c < 1
    assert succession_confidence(new, old) is None                                   # not later
    assert succession_confidence(old, dict(new, issuer="Sở Nội vụ tỉnh X")) is None   # another issuer
    assert succession_confidence(old, dict(new, title="Kế hoạch phòng chống thiên tai năm 2023")) is None
    assert succession_confidence(old, dict(new, title=old["title"].replace("2022", "2021"))) is None
    assert succession_confidence(old, dict(new, title=new["title"].replace("2023", "2025"))) < c  # gap


def test_acceptance_rows_on_the_sample_plans(samples):
    rows = {(r["citing_id"], r["cited_id"]): r for r in outdated_rows(samples, as_of=dt.date.today().isoformat())}
    r = rows[(TAY_NINH_60, KH_765)]
    assert (r["citing_date"], r["outdated_at_citing"], r["outdated_as_of"]) == ("2023-03-29", False, True)
    assert (r["replacement_id"], r["basis"], r["reason"]) == (KH_859, "succession", "superseded_since_plan")
    assert 0 < r["confidence"] < 1 and r["source"].startswith("suy luận")
    r = rows[(TAY_NINH_60, QD_1563)]
    assert (r["replacement_id"], r["replacement_date"], r["basis"]) == (QD_908, "2023-04-14", "succession")
    assert r["outdated_at_citing"] is False and 0 < r["confidence"] < 1
    text = report(samples)
    assert "859/KH-UBND" in text and "suy luận kế tiếp" in text and "Câu dẫn" in text


def test_succession_is_kept_apart_from_stated(samples):
    for e in sup_edges(samples, "succession").values():
        assert e["kind"] == "succeeds" and e["confidence"] < 1 and e["rule"] == "succession"
    for n in (KH_765, QD_1563):
        assert samples.nodes[n]["status"] == UNKNOWN       # an inference never sets a status


# --- the query gives the report's rows -------------------------------------------------------------

ROW_KEYS = ("reason", "citing_id", "cited_id", "replacement_id", "superseded_on", "outdated_at_citing",
            "outdated_as_of", "basis", "confidence", "source", "file")


def _keyed(rows):
    def norm(v):
        return int(v) if isinstance(v, float) and v.is_integer() else v
    return sorted(tuple(str(norm(r.get(k))) for k in ROW_KEYS) for r in rows)


@pytest.fixture(scope="module")
def kglite(samples, tmp_path_factory):
    s = open_store("kglite", path=tmp_path_factory.mktemp("kglite-status"))
    s.load(samples)
    yield s
    s.close()


@pytest.mark.parametrize("as_of", ["2023-03-29", "2024-03-25", "2025-12-31"])
def test_query_gives_the_report_rows_on_kglite(samples, kglite, as_of):
    assert _keyed(cat.run(kglite, "outdated_citations", {"as_of": as_of})) == _keyed(outdated_rows(samples, as_of))


@pytest.mark.neo4j
def test_query_gives_the_report_rows_on_neo4j(samples, neo4j_uri):
    from vbgraph.graph.stores.neo4j_server import connect_settings

    s = open_store("neo4j", uri=neo4j_uri, auth=connect_settings()[1])
    try:
        s.clear()
        s.load(samples)
        for as_of in ("2023-03-29", "2025-12-31"):
            assert _keyed(s.run(cat.get("outdated_citations").cypher,
                                cat.bind(cat.get("outdated_citations"), {"as_of": as_of}))) == \
                _keyed(outdated_rows(samples, as_of))
    finally:
        s.clear()
        s.close()


# --- provinces and agencies --------------------------------------------------------------------


def test_library_agrees_with_the_reference_merger_table():
    pytest.importorskip("vietnamadminunits")
    from vbgraph.graph.status import _province_key, library_successor

    for row in read_table("provinces_2025.csv"):
        for old in row["predecessors"].split(";"):
            old = old.split(" (")[0]
            lib = library_successor({"Huế": "Thừa Thiên Huế"}.get(old, old))
            assert _province_key(lib) == _province_key(row["new_province"]), (old, lib, row["new_province"])


def test_province_history(samples):
    provinces = {n: d for n, d in samples.nodes(data=True) if "Province" in d["labels"]}
    assert sum(1 for d in provinces.values() if d.get("valid_from") != "2025-06-12") == 63
    assert sum(1 for d in provinces.values() if not d.get("valid_to")) == 34
    merged = {(samples.nodes[u]["name"], samples.nodes[v]["name"]): d for u, v, d in samples.edges(data=True)
              if d["type"] == "MERGED_INTO"}
    assert len(merged) == 52
    for pair in (("Kon Tum", "Quảng Ngãi"), ("Bình Phước", "Đồng Nai"), ("Long An", "Tây Ninh"),
                 ("Tây Ninh", "Tây Ninh"), ("Hà Giang", "Tuyên Quang")):
        assert merged[pair]["date"] == "2025-06-12" and merged[pair]["source"], pair
    hon_quan = samples.nodes["vn/binh-phuoc/hon-quan/2024/file-003-24ae878456bacd5d-txt"]
    assert hon_quan["unit_valid_to"] == "2025-07-01"


@pytest.mark.parametrize("name,expect", [("Quảng Ngãi", {("Kon Tum", "Quảng Ngãi")}),
                                          ("Kon Tum", {("Kon Tum", "Quảng Ngãi")}),
                                          ("Đồng Nai", {("Bình Phước", "Đồng Nai")}),
                                          ("Tây Ninh", {("Tây Ninh", "Tây Ninh")})])
def test_provinces_query_accepts_old_and_new_names(kglite, name, expect):
    rows = cat.run(kglite, "provinces_implementing", {"symbol": "33/CT-TTg", "mode": "loose", "in_province": name})
    assert {(r["province"], r["province_2025"]) for r in rows} == expect


def test_agencies_that_no_longer_exist_name_their_successor(samples):
    agencies = {d["name"]: d for _, d in samples.nodes(data=True) if "Agency" in d["labels"]}
    assert agencies["Sở Thông tin và Truyền thông"]["successor"] == "Sở Khoa học và Công nghệ"
    assert agencies["Ban Dân tộc tỉnh"]["successor"] == "Sở Dân tộc và Tôn giáo"
    ldtbxh = agencies["Sở Lao động, Thương binh và Xã hội"]
    assert (ldtbxh["successor"], ldtbxh["successor_strength"]) == ("Sở Nội vụ", "province-level")
    assert agencies["Sở Thông tin và Truyền thông"]["successor_strength"] == "national"
    assert "successor" not in agencies["Sở Tư pháp"]
