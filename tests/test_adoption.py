"""`vbgraph adoption`: the provinces implementing or citing a directive, on the shipped samples, in a real
browser (headless chromium, tests/browser.py), and the reviewed tile tables it draws."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from browser import HOSTILE, chromium, open_page, page, screenshot  # noqa: F401 (fixtures)
from vbgraph.extract.tables import read_table
from vbgraph.views.adoption import adoption, render_adoption, tile_layout, write_adoption

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
AS_OF = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The five sample plans built and loaded into an embedded store, as `vbgraph build` leaves them."""
    from vbgraph.graph.build import build_graph, ingest_text
    from vbgraph.graph.stores.base import open_store

    docs = [ingest_text(p.read_text(encoding="utf-8"), str(p)) for p in sorted(SAMPLES.glob("*.txt"))]
    path = tmp_path_factory.mktemp("adoption") / "store"
    with open_store("kglite", path=path) as kgl:
        kgl.load(build_graph(docs))
    kgl = open_store("kglite", path=path)
    yield kgl
    kgl.close()


def statuses(result) -> dict[str, str]:
    return {t.name: t.status for t in result.tiles if t.status != "none"}


def test_tile_tables_cover_the_63_and_the_34_provinces_once_each_with_a_source():
    old, new = read_table("province_tiles.csv"), read_table("province_tiles_2025.csv")
    assert {r["name"] for r in old} == {r["name"] for r in read_table("provinces.csv")} and len(old) == 63
    short = {r["new_province"].removeprefix("Thành phố ") for r in read_table("provinces_2025.csv")}
    assert {r["name"] for r in new} == short and len(new) == 34
    for table in (old, new):
        assert len({(r["row"], r["col"]) for r in table}) == len(table)     # no two tiles on one place
        assert all(r["source"] for r in table)


def test_33_ct_ttg_under_old_and_2025_names(store):
    old = adoption(store, "33/CT-TTg", as_of=AS_OF, names="old")
    assert len(old.tiles) == 63
    assert statuses(old) == {"Kon Tum": "strict", "Tuyên Quang": "strict", "Tây Ninh": "cites",
                             "Bình Phước": "cites"}
    new = adoption(store, "33/CT-TTg", as_of=AS_OF)                          # 2025 names by the date
    assert new.names == "2025" and len(new.tiles) == 34
    assert statuses(new) == {"Quảng Ngãi": "strict", "Tuyên Quang": "strict", "Tây Ninh": "cites",
                             "Đồng Nai": "cites"}
    assert new.matrix["Tây Ninh"] == {2023: "cites", 2024: "cites"} and new.years == [2023, 2024]
    # each document carries the sentence that ties it to the directive
    kon_tum = [new.documents[d] for d in next(t for t in new.tiles if t.name == "Quảng Ngãi").documents]
    assert [d["province"] for d in kon_tum] == ["Kon Tum"]
    assert kon_tum[0]["link"]["relation"] == "IMPLEMENTS" and "33/CT-TTg" in kon_tum[0]["link"]["sentence"]


def test_as_of_drops_later_documents_and_picks_the_names_in_force(store):
    early = adoption(store, "33/CT-TTg", as_of=dt.date(2023, 12, 31))
    assert early.names == "old" and len(early.tiles) == 63
    assert statuses(early) == {"Tuyên Quang": "strict", "Tây Ninh": "cites"}
    assert all(d["year"] <= 2023 for d in early.documents.values())


def test_unknown_symbol_is_refused(store):
    from vbgraph.views.adoption import AdoptionError

    with pytest.raises(AdoptionError, match="no document"):
        adoption(store, "999/XX-YY", as_of=AS_OF)


def test_cli_adoption_writes_html_and_png(store, tmp_path, capsys):
    from vbgraph.cli import main

    path = Path(store.path).parent if Path(store.path).suffix else Path(store.path)
    assert main(["adoption", "33/CT-TTg", "--store", str(path), "--as-of", "2025-12-31", "--names", "old",
                 "--out", str(tmp_path / "a.html")]) == 0
    assert "2 tỉnh thực hiện, 2 chỉ dẫn chiếu, 59 không có văn bản" in capsys.readouterr().out
    assert main(["adoption", "33/CT-TTg", "--store", str(path), "--out", str(tmp_path / "a.png")]) == 0
    png = (tmp_path / "a.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20000
    assert main(["adoption", "nope/XX", "--store", str(path), "--out", str(tmp_path / "b.html")]) == 2


TILES = """(() => Array.from(document.querySelectorAll('#map .tile'))
           .map(t => [t.dataset.name, t.dataset.status]))()"""


@pytest.mark.parametrize("names, expected", [
    ("old", {"Kon Tum": "strict", "Tuyên Quang": "strict", "Tây Ninh": "cites", "Bình Phước": "cites"}),
    ("2025", {"Quảng Ngãi": "strict", "Tuyên Quang": "strict", "Tây Ninh": "cites", "Đồng Nai": "cites"}),
])
def test_browser_adoption_page(page, tmp_path, store, names, expected):
    result = adoption(store, "33/CT-TTg", as_of=AS_OF, names=names)
    path = write_adoption(result, tmp_path / f"adoption-{names}.html")
    open_page(page, path, "window.vbgraphAdoption && window.vbgraphAdoption.ready")
    tiles = page.evaluate(TILES)
    assert len(tiles) == (63 if names == "old" else 34)
    assert {n: s for n, s in tiles if s != "none"} == expected
    # the tiles stand where the table puts them: Tuyên Quang above Tây Ninh, Tây Ninh left of Đồng Nai/Bình Phước
    boxes = page.evaluate("""(() => { const out = {};
        document.querySelectorAll('#map .tile').forEach(t => { const r = t.getBoundingClientRect();
          out[t.dataset.name] = [r.left, r.top, r.width, r.height]; }); return out; })()""")
    assert boxes["Tuyên Quang"][1] < boxes["Tây Ninh"][1]
    other = "Bình Phước" if names == "old" else "Đồng Nai"
    assert boxes["Tây Ninh"][0] < boxes[other][0]
    assert len({tuple(b[:2]) for b in boxes.values()}) == len(boxes)          # no two tiles overlap
    # a click lists the province's documents with their sentence
    strict = next(n for n, s in expected.items() if s == "strict" and n != "Tuyên Quang")
    page.evaluate(f"document.querySelector('.tile[data-name={json.dumps(strict)}]').click()")
    details = page.evaluate("document.getElementById('details').textContent")
    assert "33/CT-TTg" in details and "thực hiện" in details
    assert page.evaluate("document.querySelectorAll('#matrix tbody tr').length") == 4
    page.evaluate("document.querySelector('#matrix td.cites').click()")
    assert "chỉ dẫn chiếu" in page.evaluate("document.getElementById('details').textContent")
    if names == "2025":
        page.evaluate("document.querySelector('.tile[data-name=\"Quảng Ngãi\"]').click()")
        screenshot(page, tmp_path, "adoption.png")
    page.pump(0.3)
    assert page.errors() == []


def test_browser_adoption_page_keeps_hostile_text_as_text(page, tmp_path, store):
    result = adoption(store, "33/CT-TTg", as_of=AS_OF, names="2025")
    result.targets[0]["title"] = HOSTILE
    doc_id = next(t for t in result.tiles if t.name == "Tây Ninh").documents[0]
    result.documents[doc_id]["link"]["sentence"] = HOSTILE
    result.documents[doc_id]["issuer"] = "</script><script>window.__pwned=3</script>"
    html = render_adoption(result)
    assert "<script>window.__pwned=1" not in html and "<img src=x" not in html
    assert "window.__pwned=3</script>" not in html
    path = tmp_path / "hostile.html"
    path.write_text(html, encoding="utf-8")
    open_page(page, path, "window.vbgraphAdoption && window.vbgraphAdoption.ready")
    page.evaluate("document.querySelector('.tile[data-name=\"Tây Ninh\"]').click()")
    details = page.evaluate("document.getElementById('details').textContent")
    assert "window.__pwned=1</script>" in details and "window.__pwned=3</script>" in details
    assert HOSTILE in page.evaluate("document.getElementById('target-title').textContent")
    page.pump(0.3)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.images.length") == 0
    assert page.errors() == []
