"""Document kinds in the graph: a legal act rests on its Căn cứ list (BASED_ON) and does not make its
province an implementer; only plans and programmes are Plan; a document without a number is a node of
its own and never takes a cited document's identity."""
from __future__ import annotations

from pathlib import Path

import pytest

from vbgraph.graph.build import build_graph, ingest_text
from vbgraph.graph.stores.base import open_store
from vbgraph.queries import catalog as cat

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "data" / "samples").glob("*.txt"))
DEV = ROOT / "tests" / "fixtures" / "dev_texts"
QUANG_NGAI_DECISION = DEV / "4e39af96b6891368.md"      # Quyết định 1627/QĐ-UBND, "Căn cứ Chỉ thị số 23/CT-TTg"
CT23_2025 = "vn/national/2025/23-ct-ttg"

HEADERLESS_PLAN = """KẾ HOẠCH
Thực hiện công tác dân vận chính quyền năm 2024

Thực hiện Kế hoạch số 765/KH-UBND ngày 20/3/2023 của UBND tỉnh Tây Ninh về thực hiện công tác dân vận
chính quyền năm 2023 trên địa bàn tỉnh Tây Ninh, Phòng Nội vụ xây dựng Kế hoạch như sau:

I. MỤC ĐÍCH, YÊU CẦU
1. Tiếp tục quán triệt Chỉ thị số 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ.
"""


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    docs = [ingest_text(p.read_text(encoding="utf-8"), str(p)) for p in [*SAMPLES, QUANG_NGAI_DECISION]]
    headerless = tmp_path_factory.mktemp("docs") / "headerless.txt"
    headerless.write_text(HEADERLESS_PLAN, encoding="utf-8")
    docs.append(ingest_text(HEADERLESS_PLAN, str(headerless)))
    return build_graph(docs)


@pytest.fixture(scope="module")
def store(graph, tmp_path_factory):
    s = open_store("kglite", path=tmp_path_factory.mktemp("kglite"))
    s.load(graph)
    yield s
    s.close()


def ingested(graph, source_name: str) -> tuple[str, dict]:
    return next((n, d) for n, d in graph.nodes(data=True)
                if "Ingested" in d["labels"] and Path(d.get("source_file", "")).name == source_name)


def test_a_decision_is_ingested_but_not_a_plan_and_rests_on_its_basis(graph):
    node, data = ingested(graph, QUANG_NGAI_DECISION.name)
    assert data["kind"] == "decision" and data["symbol"] == "1627/QĐ-UBND"
    assert "Plan" not in data["labels"]
    types = {d["type"] for _, v, d in graph.out_edges(node, data=True) if v == CT23_2025}
    assert types == {"BASED_ON"}
    plans = [d for _, d in graph.nodes(data=True) if "Plan" in d["labels"]]
    assert len(plans) == 6 and all(d["kind"] == "plan" for d in plans)


def test_a_decisions_basis_does_not_make_its_province_an_implementer(store):
    strict = cat.run(store, "provinces_implementing", {"id": CT23_2025})
    assert strict == []
    loose = cat.run(store, "provinces_implementing", {"id": CT23_2025, "mode": "loose"})
    assert [(r["province"], r["strict"]) for r in loose] == [("Quảng Ngãi", False)]
    # the sample plans still implement 33/CT-TTg strictly
    rows = cat.run(store, "provinces_implementing", {"symbol": "33/CT-TTg"})
    assert {r["province"] for r in rows} == {"Kon Tum", "Tuyên Quang"}


def test_a_headerless_plan_has_no_symbol_and_stays_its_own_node(graph):
    node, data = ingested(graph, "headerless.txt")
    assert data.get("symbol") is None and data["resolution"] == "unnumbered"
    cited = [v for _, v, d in graph.out_edges(node, data=True) if d["type"] == "IMPLEMENTS"]
    assert cited == ["vn/tay-ninh/2023/765-kh-ubnd"]
    assert node != cited[0]
    # the cited plan keeps its own identity: the ingested sample 765/KH-UBND is not this file
    assert graph.nodes[cited[0]].get("source_file") != data["source_file"]
