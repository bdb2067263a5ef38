"""`vbgraph browse` and `vbgraph show`: what a view selects, and the pages in a real browser
(headless chromium over CDP, tests/browser.py: the page's own JavaScript runs and the test reads what it
rendered, the console errors, and whether hostile text ran)."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from browser import HOSTILE, chromium, open_page, page, screenshot  # noqa: F401 (fixtures)
from vbgraph.views import browse
from vbgraph.views.browse import FocusError, render_page, resolve_focus, select_view, write_page

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


# --------------------------------------------------------------------------- graphs


def hostile_graph() -> nx.MultiDiGraph:
    """Every node kind and edge type the page styles, with hostile text in titles, names and sentences."""
    g = nx.MultiDiGraph()

    def node(node_id, labels, **props):
        g.add_node(node_id, id=node_id, labels=labels, **props)

    node("vn/tay-ninh/2024/1-kh-ubnd", ["Document", "Plan"], symbol="1/KH-UBND", doc_type="Kế hoạch",
         date="2024-01-02", year=2024, title=f"Kế hoạch {HOSTILE}", issuer="UBND tỉnh Tây Ninh",
         scope="Tây Ninh", status="không xác định", resolution="resolved", written_forms=["1/KH-UBND"])
    node("vn/national/2021/33-ct-ttg", ["Document"], symbol="33/CT-TTg", doc_type="Chỉ thị", date="2021-11-26",
         year=2021, title="về tiếp tục tăng cường & đổi mới công tác dân vận", issuer="Thủ tướng Chính phủ",
         scope="national", status="còn hiệu lực", resolution="resolved")
    node("vn/unresolved/luat-x", ["Document"], name='Luật "X" <b>năm</b> 2013', resolution="unresolved",
         status="không xác định")
    node("agency/tay-ninh/so-noi-vu", ["Agency"], name="Sở Nội vụ </script><script>window.__pwned=3</script>",
         province="Tây Ninh")
    node("province/tay-ninh", ["Province"], name="Tây Ninh", kind="tỉnh")
    node("movement/dan-van-kheo", ["Movement"], name="Dân vận khéo")
    node("file/0123456789abcdef", ["SourceFile"], path="data/x/<evil>.txt", sha256="0123456789abcdef" * 4)
    plan = "vn/tay-ninh/2024/1-kh-ubnd"
    prov = dict(file="data/x/<evil>.txt", start=10, end=19, rule="preamble:implements", confidence=1.0)
    g.add_edge(plan, "vn/national/2021/33-ct-ttg", key="IMPLEMENTS|a", type="IMPLEMENTS",
               sentence=f"Thực hiện Chỉ thị số 33/CT-TTg {HOSTILE};", resolution="resolved", **prov)
    g.add_edge(plan, "vn/national/2021/33-ct-ttg", key="CITES|b", type="CITES", sentence="… 33/CT-TTg …", **prov)
    g.add_edge(plan, "vn/unresolved/luat-x", key="CITES|c", type="CITES", sentence="Luật X", **prov)
    g.add_edge(plan, "agency/tay-ninh/so-noi-vu", key="ASSIGNS|d", type="ASSIGNS", task=HOSTILE,
               deadline="2024-06-30", **prov)
    g.add_edge(plan, "movement/dan-van-kheo", key="PROMOTES|e", type="PROMOTES", sentence="Dân vận khéo", **prov)
    g.add_edge(plan, "province/tay-ninh", key="LOCATED_IN|f", type="LOCATED_IN", file=prov["file"])
    g.add_edge(plan, "file/0123456789abcdef", key="EXTRACTED_FROM|g", type="EXTRACTED_FROM", file=prov["file"])
    g.add_edge("agency/tay-ninh/so-noi-vu", "province/tay-ninh", key="LOCATED_IN|h", type="LOCATED_IN")
    return g


@pytest.fixture(scope="module")
def sample_graph() -> nx.MultiDiGraph:
    """The graph of the Tây Ninh 2024 plan, one of the shipped samples (the real extractor, end to end)."""
    from vbgraph.graph.build import build_graph, ingest_text

    path = SAMPLES / "000_37ff60af79915060.txt"
    return build_graph([ingest_text(path.read_text(encoding="utf-8"), str(path))])


# --------------------------------------------------------------------------- the view, without a browser


def test_whole_small_graph_is_drawn_entirely_without_admin_units_unless_asked():
    g = hostile_graph()
    view = select_view(g)
    assert "province/tay-ninh" not in view.nodes and len(view.nodes) == g.number_of_nodes() - 1
    assert len(view.edges) == g.number_of_edges() - 2          # the two LOCATED_IN
    assert not view.capped and view.cap_message() is None
    view = select_view(g, admin=True)
    assert len(view.nodes) == g.number_of_nodes() and len(view.edges) == g.number_of_edges()
    # a province as the focus brings the administrative units back
    assert "province/tay-ninh" in select_view(g, focus="Tây Ninh").nodes


def test_focus_by_symbol_id_written_form_and_province_without_marks(sample_graph):
    g = sample_graph
    [cttg] = resolve_focus(g, "33/CT-TTg")
    assert g.nodes[cttg]["symbol"] == "33/CT-TTg"
    assert resolve_focus(g, cttg) == [cttg]
    assert resolve_focus(g, "859/KH-UBND") == resolve_focus(g, "859/kh-ubnd")
    # the old province and the 2025 one (Tây Ninh + Long An) share the name: both are the focus
    assert resolve_focus(g, "tay ninh") == ["province/2025/tay-ninh", "province/tay-ninh"] \
        == resolve_focus(g, "Tây Ninh")
    with pytest.raises(FocusError, match="nothing in the graph"):
        resolve_focus(g, "999/XX-YY")


def test_focused_view_is_capped_nearest_first_and_stays_connected(sample_graph):
    g = sample_graph
    plan = resolve_focus(g, "859/KH-UBND")[0]
    view = select_view(g, focus="859/KH-UBND", hops=2, max_nodes=25)
    assert len(view.nodes) == 25 and view.capped and view.available_nodes > 25
    assert view.nodes[0] == plan
    assert "trên" in view.cap_message() and "--max-nodes 25" in view.cap_message()
    # legal links come before agencies and movements
    first_hop = [n for n in view.real_nodes()[1:] if g.has_edge(plan, n) or g.has_edge(n, plan)]
    kinds = [g.edges[plan, n, k]["type"] for n in first_hop[:5] for k in g[plan].get(n, {})]
    assert kinds and all(k in browse.LINEAGE_TYPES for k in kinds)
    # every node of the view is reachable from the focus inside the view
    drawn = nx.MultiGraph(g.subgraph(view.real_nodes()))
    drawn.add_edges_from((u, v) for u, v, _ in view.extra_edges)
    assert set(nx.node_connected_component(drawn, plan)) == set(view.nodes)


def hub_graph(citing: int = 60, implementing: int = 30) -> nx.MultiDiGraph:
    """A directive cited by ``citing`` plans and implemented by ``implementing`` others, each plan of a
    province; one plan is a decision, not a plan."""
    g = nx.MultiDiGraph()
    g.add_node("vn/national/2023/13-nd-cp", id="vn/national/2023/13-nd-cp", labels=["Document"],
               symbol="13/2023/NĐ-CP", doc_type="Nghị định", level="national")
    g.add_node("province/tay-ninh", id="province/tay-ninh", labels=["Province"], name="Tây Ninh")
    for i in range(citing + implementing):
        n = f"vn/tay-ninh/2024/{i}-kh-ubnd"
        kind = "decision" if i == 0 else "plan"
        g.add_node(n, id=n, labels=["Document", "Ingested"] + (["Plan"] if kind == "plan" else []), kind=kind,
                   symbol=f"{i}/KH-UBND", doc_type="Kế hoạch" if kind == "plan" else "Quyết định",
                   level="province", source_file=f"{i}.txt")
        etype = "CITES" if i < citing else "IMPLEMENTS"
        g.add_edge(n, "vn/national/2023/13-nd-cp", key=f"{etype}|{i}", type=etype, sentence=f"câu {i}")
        g.add_edge(n, "province/tay-ninh", key=f"LOCATED_IN|{i}", type="LOCATED_IN")
    return g


def test_neighbourhood_is_ranked_and_capped_by_relation_with_a_more_node():
    g = hub_graph()
    view = select_view(g, focus="13/2023/NĐ-CP", hops=2)
    kinds = [g.edges[e]["type"] for e in view.edges if e not in view.extra_edges]
    assert kinds.count("IMPLEMENTS") == 25 and kinds.count("CITES") == browse.RELATION_CAP["CITES"]
    assert view.real_nodes()[1:26] == [n for n in view.real_nodes()[1:26] if int(n.split("/")[3].split("-")[0]) >= 60]
    more = {view.extra_nodes[m]["name"] for m in view.more_nodes()}
    assert more == {"+5 khác (IMPLEMENTS)", f"+{60 - browse.RELATION_CAP['CITES']} khác (CITES)"}
    assert "province/tay-ninh" not in view.nodes                     # admin units hidden
    assert "CITES 12" in view.cap_message() and "2 nút “+N khác”" in view.cap_message()


def test_lineage_is_a_hierarchy_directive_on_top_and_ingested_documents_by_kind():
    g = hub_graph(citing=3, implementing=2)
    view = select_view(g, focus="13/2023/NĐ-CP", hops=2, lineage=True)
    top = view.levels["vn/national/2023/13-nd-cp"]
    assert all(view.levels[n] == top + 1 for n in view.nodes if n != "vn/national/2023/13-nd-cp")
    assert browse.node_kind(g.nodes["vn/tay-ninh/2024/0-kh-ubnd"]) == "Ingested"   # a decision
    assert browse.node_kind(g.nodes["vn/tay-ninh/2024/1-kh-ubnd"]) == "Plan"
    options = browse.page_options(view)
    assert options["layout"]["hierarchical"]["direction"] == "UD" and options["physics"] == {"enabled": False}


def test_lineage_follows_only_legal_links(sample_graph):
    view = select_view(sample_graph, focus="33/CT-TTg", hops=1, lineage=True)
    assert view.edges and all(view.edge_data(sample_graph, e)["type"] in browse.LINEAGE_TYPES for e in view.edges)
    kinds = {browse.node_kind(view.node_data(sample_graph, n)) for n in view.nodes}
    assert kinds <= {"Plan", "Ingested", "Document", "More"}


def test_whole_graph_over_the_cap_is_an_overview_that_aggregates(sample_graph, monkeypatch):
    g = sample_graph
    monkeypatch.setattr(browse, "OVERVIEW_TOP_CITED", 5)      # one plan cites few documents: keep 5 alone
    view = select_view(g, max_nodes=30)
    assert view.overview and len(view.edges) >= len(view.nodes)
    groups = [view.extra_nodes[n] for n in view.nodes if n in view.extra_nodes]
    assert sum(grp["members_count"] for grp in groups) + len(view.real_nodes()) < g.number_of_nodes()
    names = {grp["name"] for grp in groups}
    assert any(name.startswith("Kế hoạch · cấp tỉnh") for name in names)      # read plans by kind and level
    assert any(name.startswith("Quyết định · cấp tỉnh") for name in names)     # cited decisions
    alone = Counter(browse.node_kind(g.nodes[n]) for n in view.real_nodes())
    assert alone["Province"] == 1 and alone["Document"] + alone["Plan"] == 5   # the province, the most cited
    # every counted edge says how many relationships it stands for
    total = sum(view.extra_edges[e]["count"] for e in view.edges)
    assert 0 < total <= g.number_of_edges()
    assert all(len(grp["members"]) <= browse.OVERVIEW_MEMBERS for grp in groups)
    assert "Tổng quan" in view.cap_message()


def test_page_is_self_contained_and_escapes_document_text():
    g = hostile_graph()
    html = render_page(g, select_view(g, focus="1/KH-UBND"))
    # vis-network is inlined: no script, style or font is fetched from anywhere
    assert "<script src" not in html and "<link" not in html and "@import" not in html
    assert "cdnjs" not in html and "jsdelivr" not in html
    # the hostile text appears only escaped: as entities in the markup, \u003c in the JSON
    assert "window.__pwned=1</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "\\u003cscript\\u003ewindow.__pwned=1\\u003c/script\\u003e" in html
    assert _tags(html, "script") == 3  # vis-network, the JSON data, the page's own script
    assert _tags(html, "img") == 0


def _tags(markup: str, name: str) -> int:
    """How many <name> elements an HTML parser finds (script bodies are not parsed as markup)."""
    from html.parser import HTMLParser

    found = []

    class Counter(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == name:
                found.append(tag)

    Counter().feed(markup)
    return len(found)


def test_cli_browse_writes_the_page_and_reports_the_cap(tmp_path, capsys):
    from vbgraph import export
    from vbgraph.graph import node_link

    path = tmp_path / "g.json"
    node_link.write_json(hostile_graph(), path)
    args = _parse(["browse", "--graph", str(path), "--focus", "1/KH-UBND", "--max-nodes", "3",
                   "--out", str(tmp_path / "b.html")])
    assert args.func(args) == 0
    out, err = capsys.readouterr()
    assert "3 nodes" in out and "Đang hiện 2 trên 6 nút (--max-nodes 3)" in err  # and one “+N” node
    assert "Đang hiện 2 trên 6 nút" in (tmp_path / "b.html").read_text(encoding="utf-8")
    args = _parse(["browse", "--graph", str(path), "--focus", "nope", "--out", str(tmp_path / "c.html")])
    assert args.func(args) == 2 and "nothing in the graph" in capsys.readouterr().err
    args = _parse(["browse", "--graph", str(tmp_path / "missing.json")])
    assert args.func(args) == 2
    assert export.DEFAULT_GRAPH.name == "graph.json"


def test_cli_browse_reads_the_store_a_streamed_build_leaves(tmp_path, capsys, sample_graph):
    from vbgraph.graph.stores.base import open_store

    with open_store("kglite", path=tmp_path / "store") as kgl:
        kgl.load(sample_graph)
    args = _parse(["browse", "--store", str(tmp_path / "store"), "--out", str(tmp_path / "s.html")])
    assert args.func(args) == 0
    whole = select_view(sample_graph)
    assert f"{len(whole.nodes)} nodes and {len(whole.edges)} edges" in capsys.readouterr().out
    args = _parse(["browse", "--store", str(tmp_path / "nothing"), "--out", str(tmp_path / "t.html")])
    assert args.func(args) == 2


def _parse(argv):
    import argparse

    from vbgraph.views.cli import add_cli

    parser = argparse.ArgumentParser(prog="vbgraph")
    add_cli(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


RENDERED = """(() => { const v = window.vbgraph; return {
  nodes: v.nodes.length, edges: v.edges.length,
  shownNodes: v.network.body.nodeIndices.length, shownEdges: v.network.body.edgeIndices.length,
  view: v.view, stabilized: v.stabilized, pwned: typeof window.__pwned,
  title: document.title, heading: document.getElementById('title').textContent,
  cap: (document.getElementById('cap') || {}).textContent || null,
  scripts: document.scripts.length, images: document.images.length }; })()"""


# --------------------------------------------------------------------------- in the browser


def test_browser_renders_every_node_and_edge_and_hostile_text_stays_text(page, tmp_path):
    g = hostile_graph()
    path = write_page(g, select_view(g, focus="vn/tay-ninh/2024/1-kh-ubnd", admin=True), tmp_path / "hostile.html")
    open_page(page, path, "window.vbgraph && window.vbgraph.stabilized")
    r = page.evaluate(RENDERED)
    assert (r["nodes"], r["edges"]) == (g.number_of_nodes(), g.number_of_edges())
    assert (r["shownNodes"], r["shownEdges"]) == (g.number_of_nodes(), g.number_of_edges())
    assert r["cap"] is None and r["view"]["capped"] is False
    caps = page.evaluate("document.getElementById('caps').textContent")     # stated even when nothing is cut
    assert "--max-nodes" in caps and f"CITES {browse.RELATION_CAP['CITES']}" in caps
    # the title is shown as text, with its markup visible and inert
    assert "<script>window.__pwned=1</script>" in r["title"]
    assert '<img src=x onerror="window.__pwned=2">' in r["heading"]
    assert r["scripts"] == 3 and r["images"] == 0
    # tooltips and the details panel: plain text too
    page.evaluate("window.vbgraph.showNode('vn/tay-ninh/2024/1-kh-ubnd')")
    page.evaluate("window.vbgraph.showEdge(window.vbgraph.edges.get({filter: e => e.kind === 'ASSIGNS'})[0].id)")
    details = page.evaluate("document.getElementById('details').textContent")
    assert "window.__pwned=1</script>" in details and "2024-06-30" in details
    tip = page.evaluate("window.vbgraph.nodes.get('agency/tay-ninh/so-noi-vu').title.textContent")
    assert "</script><script>window.__pwned=3</script>" in tip
    page.pump(0.5)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.images.length") == 0
    assert page.errors() == []


def test_browser_filters_search_and_physics_toggle(page, tmp_path):
    g = hostile_graph()
    path = write_page(g, select_view(g, admin=True), tmp_path / "controls.html")
    open_page(page, path, "window.vbgraph && window.vbgraph.stabilized")
    page.evaluate("""(() => { const box = document.querySelector('#node-filters input[data-kind=Agency]');
                      box.click(); })()""")
    shown = page.evaluate("[vbgraph.network.body.nodeIndices.length, vbgraph.network.body.edgeIndices.length]")
    assert shown == [g.number_of_nodes() - 1, g.number_of_edges() - 2]  # the agency and its two edges
    page.evaluate("document.querySelector('#edge-filters input[data-kind=CITES]').click()")
    assert page.evaluate("vbgraph.network.body.edgeIndices.length") == g.number_of_edges() - 4
    hits = page.evaluate("window.vbgraph.search('33/ct-ttg')")
    assert hits == ["vn/national/2021/33-ct-ttg"]
    assert page.evaluate("window.vbgraph.search('tay ninh').length") >= 2  # diacritics folded
    assert page.evaluate("vbgraph.network.getSelectedNodes().length") >= 2
    assert page.evaluate("document.getElementById('physics').checked") is False  # settled, then stopped
    page.evaluate("document.getElementById('physics').click()")
    assert page.evaluate("vbgraph.network.physics.options.enabled") is True
    assert page.errors() == []


def test_browser_capped_view_of_the_sample_plan(page, tmp_path, sample_graph):
    view = select_view(sample_graph, focus="859/KH-UBND", hops=2, max_nodes=40)
    assert view.capped
    path = write_page(sample_graph, view, tmp_path / "capped.html")
    open_page(page, path, "window.vbgraph && window.vbgraph.stabilized")
    r = page.evaluate(RENDERED)
    assert r["nodes"] == r["shownNodes"] == len(view.nodes) <= 40
    assert r["edges"] == r["shownEdges"] == len(view.edges)
    assert r["cap"] and f"{len(view.real_nodes())} trên" in r["cap"]
    assert f"CITES {browse.RELATION_CAP['CITES']}" in r["cap"] and page.evaluate("!document.getElementById('caps')")
    assert page.errors() == []


def test_browser_screenshot_of_the_browse_view(page, tmp_path, sample_graph):
    view = select_view(sample_graph, focus="859/KH-UBND", hops=1)
    path = write_page(sample_graph, view, tmp_path / "browse.html")
    open_page(page, path, "window.vbgraph && window.vbgraph.stabilized")
    edge = page.evaluate("window.vbgraph.edges.get({filter: e => e.kind === 'IMPLEMENTS'})[0]")
    page.evaluate(f"window.vbgraph.showEdge({json.dumps(edge['id'])})")  # the citing sentence, in the panel
    sentence = dict(edge["tip"])["sentence"]
    assert sentence and sentence[:40] in page.evaluate("document.getElementById('details').textContent")
    page.evaluate("window.vbgraph.network.fit()")
    page.pump(0.5)
    assert page.evaluate("window.vbgraph.nodes.length") == len(view.nodes)
    screenshot(page, tmp_path, "browse.png")
    assert page.errors() == []


def test_browser_show_view_highlights_and_escapes(page, tmp_path):
    from vbgraph.views.show import highlights, show_html

    source = SAMPLES / "002_8f22e1142d4e47e2.txt"
    raw = source.read_text(encoding="utf-8")
    path = tmp_path / "show.html"
    path.write_text(show_html(raw, source.name), encoding="utf-8")
    open_page(page, path, "document.querySelectorAll('mark.entity').length > 0")
    marks = page.evaluate("""Array.from(document.querySelectorAll('mark.entity'))
                              .map(m => m.dataset.kind)""")
    expected = highlights(raw, source.name)[0]
    assert len(marks) == len(expected)
    assert {"citation", "agency"} <= set(marks)
    assert page.evaluate("document.body.textContent").count("60/KH-SVHTTDL") >= 1
    page.evaluate("""(() => { const m = document.querySelector('mark[data-kind=agency]');
                      m.scrollIntoView({block: 'start'});
                      window.scrollBy(0, -document.querySelector('header').offsetHeight - 60); })()""")
    screenshot(page, tmp_path, "show.png")
    assert page.errors() == []

    hostile = ("KẾ HOẠCH\nThực hiện Chỉ thị số 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ "
               f"{HOSTILE} và &lt;b&gt;.\n")
    path = tmp_path / "show-hostile.html"
    path.write_text(show_html(hostile, "<evil>.txt"), encoding="utf-8")
    open_page(page, path, "document.querySelectorAll('mark.entity').length > 0")
    page.pump(0.5)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.images.length") == 0
    assert "<evil>.txt" in page.evaluate("document.title")
    assert page.errors() == []


def test_browser_overview_groups_open_on_their_members(page, tmp_path, sample_graph, monkeypatch):
    monkeypatch.setattr(browse, "OVERVIEW_TOP_CITED", 5)
    view = select_view(sample_graph, max_nodes=30)
    path = write_page(sample_graph, view, tmp_path / "overview.html")
    open_page(page, path, "window.vbgraph && window.vbgraph.stabilized")
    r = page.evaluate(RENDERED)
    assert r["nodes"] == len(view.nodes) and r["edges"] == len(view.edges) >= r["nodes"]
    group = next(n for n in view.nodes if n.startswith("group/cited/"))
    page.evaluate(f"window.vbgraph.showNode({json.dumps(group)})")
    page.evaluate("document.getElementById('expand').click()")
    members = view.extra_nodes[group]["members"]
    assert page.evaluate("window.vbgraph.nodes.length") == len(view.nodes) + len(members)
    assert page.evaluate(f"window.vbgraph.nodes.get({json.dumps(members[0][0])}).label") == members[0][1]
    page.pump(0.3)
    assert page.errors() == []
