"""Legal status from evidence (issue 12): what the dev documents say about effect, the status history,
point-in-time status, `vbgraph status`, and the outdated report's rows and notes."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from vbgraph.cli import main
from vbgraph.extract.pipeline import analyse_text
from vbgraph.graph.report import document_status, find_documents, report
from vbgraph.graph.status import history_of, status_at
from vbgraph.export import read_graph_json

DEV = Path(__file__).parent / "fixtures" / "dev_texts"
HA_NOI_71 = DEV / "af2a4fc9b3a7aeeb.md"          # 71/2025/QĐ-UBND replaces 35/2024/QĐ-UBND
THAI_NGUYEN_26 = DEV / "db769f685bf6bb23.md"     # 26/2025/QĐ-UBND: 06/2021 and 25/2021 expire 01/12/2025
ND_16 = DEV / "4ea650b6faa46d71.md"              # 16/2025/NĐ-CP amends 72/2020/NĐ-CP
BCD_170 = DEV / "322358d6040a153b.md"            # 170/QĐ-BCĐNNDL replaces 167/QĐ-BCĐNNDL on signing


def effect_of(path: Path) -> dict:
    record, _ = analyse_text(path.read_text(encoding="utf-8"), source=path.name)
    return record["effect"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("dev")
    assert main(["build", str(DEV), "--out", str(out), "--quiet"]) == 0
    return out / "graph.json", read_graph_json(out / "graph.json")


def _status(g, symbol: str, as_of: str, scope: str | None = None) -> dict:
    found = [n for n in find_documents(g, symbol) if scope is None or g.nodes[n].get("scope") == scope]
    assert found, symbol
    return document_status(g, found[0], as_of)


# --- extract/effect.py on the real documents --------------------------------------------------------


def test_entry_into_force_and_what_each_document_does():
    e = effect_of(HA_NOI_71)
    assert (e["in_force"]["date"], e["in_force"]["rule"]) == ("2025-12-06", "stated")
    [st] = e["statements"]
    assert (st["action"], st["target"], st["date"], st["part"]) == ("replaces", "35/2024/QĐ-UBND", "2025-12-06", None)

    e = effect_of(BCD_170)
    assert (e["in_force"]["date"], e["in_force"]["rule"]) == ("2025-11-21", "signing")     # "kể từ ngày ký"
    assert [(s["action"], s["target"], s["date"]) for s in e["statements"]] == \
        [("replaces", "167/QĐ-BCĐNNDL", "2025-11-21")]

    record, _ = analyse_text(THAI_NGUYEN_26.read_text(encoding="utf-8"))
    e = record["effect"]
    assert record["plan"]["symbol"] == "26/2025/QĐ-UBND"
    assert sorted((s["action"], s["target"], s["date"]) for s in e["statements"]) == \
        [("expires", "06/2021/QĐ-UBND", "2025-12-01"), ("expires", "25/2021/QĐ-UBND", "2025-12-01")]
    assert all("Các quyết định sau hết hiệu lực" in s["sentence"] for s in e["statements"])

    e = effect_of(ND_16)
    [st] = e["statements"]
    assert (st["action"], st["target"], st["date"], st["status"]) == \
        ("amends", "72/2020/NĐ-CP", "2025-03-23", "hết hiệu lực một phần")
    for part in ("khoản 1 Điều 7", "Điều 8", "khoản 3 Điều 10", "điểm c khoản 3 Điều 15"):
        assert part in st["part"].split("; ")


def test_a_plans_tasks_and_mentions_are_not_effect_statements():
    text = ("ỦY BAN NHÂN DÂN TỈNH TÂY NINH\nSố: 12/KH-UBND\nTây Ninh, ngày 05 tháng 01 năm 2024\nKẾ HOẠCH\n"
            "Thực hiện công tác dân vận năm 2024\n"
            "1. Sở Nội vụ tham mưu sửa đổi, bổ sung Quyết định số 1563/QĐ-UBND ngày 01/8/2022 của UBND tỉnh.\n"
            "2. Trường hợp văn bản dẫn chiếu được sửa đổi, bổ sung hoặc thay thế thì áp dụng văn bản mới.\n"
            "3. Thay thế cụm từ “huyện” bằng cụm từ “xã” trong các biểu mẫu.\n")
    record, _ = analyse_text(text)
    assert record["effect"]["statements"] == [] and record["effect"]["in_force"] is None
    assert analyse_text("Kế hoạch công tác năm 2024 của Sở Nội vụ.")[0]["effect"]["statements"] == []


def test_a_list_that_repeals_articles_names_them():
    text = ("ỦY BAN NHÂN DÂN TỈNH CAO BẰNG\nSố: 99/2025/QĐ-UBND\nCao Bằng, ngày 02 tháng 12 năm 2025\nQUYẾT ĐỊNH\n"
            "Điều 1. Bãi bỏ Điều 5 và Điều 6 của Quyết định số 52/2024/QĐ-UBND ngày 30 tháng 10 năm 2024 "
            "của Ủy ban nhân dân tỉnh Cao Bằng.\n"
            "Điều 2. Quyết định này có hiệu lực thi hành sau 10 ngày kể từ ngày ký.\n")
    e = analyse_text(text)[0]["effect"]
    assert e["in_force"]["date"] == "2025-12-12"
    [st] = e["statements"]
    assert (st["action"], st["target"], st["part"], st["status"], st["date"]) == \
        ("repeals", "52/2024/QĐ-UBND", "Điều 5 và Điều 6", "hết hiệu lực một phần", "2025-12-12")


# --- the acceptance rows: `vbgraph status` on the dev corpus -----------------------------------------


@pytest.mark.parametrize("symbol, scope, status, since, by, sentence", [
    ("35/2024/QĐ-UBND", "Hà Nội", "hết hiệu lực toàn bộ", "2025-12-06", "71/2025/QĐ-UBND",
     "Quyết định này có hiệu lực kể từ ngày 06 tháng 12 năm 2025, thay thế Quyết định số 35/2024/QĐ-UBND"),
    ("06/2021/QĐ-UBND", "Thái Nguyên", "hết hiệu lực toàn bộ", "2025-12-01", "26/2025/QĐ-UBND",
     "Các quyết định sau hết hiệu lực thi hành kể từ ngày 01 tháng 12 năm 2025: a) Quyết định số 06/2021/QĐ-UBND"),
    ("25/2021/QĐ-UBND", "Bắc Kạn", "hết hiệu lực toàn bộ", "2025-12-01", "26/2025/QĐ-UBND",
     "Các quyết định sau hết hiệu lực thi hành kể từ ngày 01 tháng 12 năm 2025: b) Quyết định số 25/2021/QĐ-UBND"),
    ("72/2020/NĐ-CP", "national", "hết hiệu lực một phần", "2025-03-23", "16/2025/NĐ-CP",
     "Sửa đổi, bổ sung một số điều của Nghị định số 72/2020/NĐ-CP"),
    ("167/QĐ-BCĐNNDL", None, "hết hiệu lực toàn bộ", "2025-11-21", "170/QĐ-BCĐNNDL",
     "thay thế Quyết định số 167/QĐ-BCĐNNDL"),
])
def test_status_of_the_acceptance_documents(built, symbol, scope, status, since, by, sentence):
    _, g = built
    info = _status(g, symbol, "2025-12-31", scope)
    assert (info["status"], info["since"], info["basis"]) == (status, since, "stated")
    assert info["source"]["source_symbol"] == by and sentence in info["source"]["sentence"]
    before = _status(g, symbol, "2025-01-01" if since.startswith("2025-03") else "2025-11-20", scope)
    assert before["status"] == "còn hiệu lực" and before["source"]["source_symbol"] == by   # in force until then


def test_the_merged_provinces_document_follows_the_merger(built):
    _, g = built
    info = _status(g, "25/2021/QĐ-UBND", "2025-12-31", "Bắc Kạn")
    assert "Thái Nguyên" in info["place"] and "202/2025/QH15" in info["place"]
    assert info["source"]["source_id"].startswith("vn/thai-nguyen/2025/")


def test_amended_articles_are_named(built):
    _, g = built
    [ev] = [e for e in history_of(g, find_documents(g, "72/2020/NĐ-CP")[0]) if e["action"] == "amends"]
    assert "khoản 1 Điều 7" in ev["part"] and ev["date_rule"] == "own-entry-into-force"


def test_entry_into_force_becomes_an_eli_date(built):
    from rdflib import Namespace, URIRef

    from vbgraph.graph.rdf import BASE, to_rdf
    eli = Namespace("http://data.europa.eu/eli/ontology#")
    _, g = built
    new, old = find_documents(g, "71/2025/QĐ-UBND")[0], find_documents(g, "35/2024/QĐ-UBND")[0]
    assert (g.nodes[new]["effective_from"], g.nodes[old]["effective_to"]) == ("2025-12-06", "2025-12-06")
    rdf = to_rdf(g)
    assert str(rdf.value(URIRef(BASE + new), eli.first_date_entry_in_force)) == "2025-12-06"
    assert str(rdf.value(URIRef(BASE + old), eli.date_no_longer_in_force)) == "2025-12-06"


def test_cli_status_text_and_json(built, capsys):
    path, _ = built
    assert main(["status", "35/2024/QĐ-UBND", "--graph", str(path), "--as-of", "2025-12-31"]) == 0
    text = capsys.readouterr().out
    assert "hết hiệu lực toàn bộ từ 06/12/2025" in text and "71/2025/QĐ-UBND" in text and "Lịch sử hiệu lực" in text
    assert main(["status", "35/2024/QĐ-UBND", "--graph", str(path), "--as-of", "2025-12-05", "--format", "json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["status"] == "còn hiệu lực" and info["history"][0]["date"] == "2025-12-06"
    assert main(["status", "999/2099/QĐ-XYZ", "--graph", str(path)]) == 2


def test_conflicting_statements_are_all_kept(built, tmp_path):
    """A second act (a real document's text with another date) declares 06/2021/QĐ-UBND expired on
    another day: both events stay in the history and the status says they disagree."""
    from vbgraph.graph.build import build_graph, ingest_text

    text = THAI_NGUYEN_26.read_text(encoding="utf-8")
    other = text.replace("26/2025/QĐ-UBND", "27/2025/QĐ-UBND").replace(
        "hết hiệu\nlực thi hành kể từ ngày 01 tháng 12 năm 2025", "hết hiệu\nlực thi hành kể từ ngày 15 tháng 12 năm 2025")
    assert other.count("15 tháng 12 năm 2025") == 1
    g = build_graph([ingest_text(text, str(THAI_NGUYEN_26)), ingest_text(other, "other.md")])
    n = next(n for n in find_documents(g, "06/2021/QĐ-UBND"))
    events = [e for e in history_of(g, n) if e["action"] == "expires"]
    assert sorted(e["date"] for e in events) == ["2025-12-01", "2025-12-15"]
    st = status_at(history_of(g, n), "2025-12-31")
    assert st["status"] == "hết hiệu lực toàn bộ" and len(st["conflicts"]) == 2 and g.nodes[n]["status_conflict"]


# --- the outdated report ------------------------------------------------------------------------------


def test_report_has_one_set_of_rows_and_a_summary_first(built):
    _, g = built
    for everything in (False, True):
        text = report(g, "2025-12-31", "text", everything)
        rows = list(csv.DictReader(io.StringIO(report(g, "2025-12-31", "csv", everything))))
        data = json.loads(report(g, "2025-12-31", "json", everything))
        assert len(rows) == len(data["citations"]) == text.count("\n • Dẫn ")
        assert all(r["reason"] != "unknown" for r in rows) != everything or not rows
    lines = text.splitlines()
    assert lines[1].startswith("Tóm tắt: ") and lines[2].startswith("Trạng thái có nguồn: ")
    s = data["summary"]
    assert s["cited_documents"] == sum(s["by_status"].values()) and 0 < s["with_source"] < s["cited_documents"]
    assert s["unknown_citations"] == sum(1 for r in data["citations"] if r["reason"] == "unknown") > 0


_ENGLISH = re.compile(r"(?i)unverified|\b(?:the|not|found|source|inferred|same issuer|replaced|effective)\b")


def test_no_reviewer_or_english_note_reaches_an_analyst(tmp_path, capsys):
    """The sample plans cite documents the reviewed table has notes on; the report (every format), the
    browse page and the show page carry only the Vietnamese analyst notes."""
    from vbgraph.extract.tables import read_table

    out = tmp_path / "out"
    assert main(["build", "data/samples", "--out", str(out), "--quiet"]) == 0
    assert re.search(r"status coverage: \d+ of \d+ cited documents \(\d+\.\d %\) have a status with a source",
                     capsys.readouterr().out)
    g = read_graph_json(out / "graph.json")
    reviewer = [r["reviewer_note"] for r in read_table("status_facts.csv") if len(r["reviewer_note"]) > 30]
    pages = [report(g, "2025-12-31", fmt, True) for fmt in ("text", "csv", "json")]
    assert main(["browse", "--graph", str(out / "graph.json"), "--out", str(tmp_path / "b.html")]) == 0
    assert main(["show", "data/samples/002_8f22e1142d4e47e2.txt", "--out", str(tmp_path / "s.html")]) == 0
    pages += [(tmp_path / "b.html").read_text(encoding="utf-8"), (tmp_path / "s.html").read_text(encoding="utf-8")]
    for page in pages:
        assert "UNVERIFIED" not in page.upper()
        for note in reviewer:
            assert note[:30] not in page
    notes = [r["note"] for r in json.loads(pages[2])["citations"] if r["note"]]
    assert notes and not [n for n in notes if _ENGLISH.search(n)]
    assert "Ghi chú: " in pages[0]


def test_a_passive_relation_is_read_with_its_agent(built):
    """'Luật Đất đai số 31/2024/QH15 được sửa đổi, bổ sung bởi Luật số 43/2024/QH15' (a real preamble):
    the history puts the amendment on 31/2024 by 43/2024."""
    _, g = built
    amended = [e for e in history_of(g, find_documents(g, "31/2024/QH15")[0]) if e["action"] == "amends"]
    assert [e["source_symbol"] for e in amended] == ["43/2024/QH15"]      # not 226/2025, which amends decrees
    assert not [e for e in history_of(g, find_documents(g, "43/2024/QH15")[0]) if e["action"] == "amends"]


def test_a_listed_part_expires_the_document_only_in_part():
    text = ("BỘ Y TẾ\nSố: 43/2025/TT-BYT\nHà Nội, ngày 10 tháng 11 năm 2025\nTHÔNG TƯ\n"
            "Điều 1. Phạm vi điều chỉnh.\n"
            "Điều 2. Thông tư này có hiệu lực thi hành kể từ ngày 01 tháng 01 năm 2026.\n"
            "Các quy định sau đây hết hiệu lực kể từ ngày Thông tư này có hiệu lực thi hành:\n"
            "- Mục 1 phần 3 tại Thông tư số 05/2008/TT-BYT ngày 14/5/2008 của Bộ trưởng Bộ Y tế hướng dẫn chức năng.\n"
            "- Thông tư số 33/2015/TT-BYT ngày 27 tháng 10 năm 2015 của Bộ trưởng Bộ Y tế hướng dẫn chức năng.\n")
    got = {s["target"]: (s["part"], s["status"], s["date"]) for s in analyse_text(text)[0]["effect"]["statements"]}
    assert got == {"05/2008/TT-BYT": ("Mục 1 phần 3", "hết hiệu lực một phần", "2026-01-01"),
                   "33/2015/TT-BYT": (None, "hết hiệu lực toàn bộ", "2026-01-01")}
