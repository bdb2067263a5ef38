"""`vbgraph browse`: the graph as one self-contained HTML page (pyvis / vis-network), for people.

    view = select_view(graph, focus="33/CT-TTg", hops=2, max_nodes=500)   # what to draw, and why
    html = render_page(graph, view)                                        # the page, as a string
    write_page(graph, view, "out/browse.html")

What is drawn
* no focus: the whole graph when it fits under the cap; otherwise the plans first, then documents, agencies,
  provinces, movements and source files, the most connected first within each kind.
* ``--focus ID|SYMBOL|PROVINCE|NAME``: the neighbourhood of the matching node(s) within ``--hops`` hops,
  nearest first (a node is only taken when the node that leads to it is); legal links (IMPLEMENTS, BASED_ON,
  CITES …) are followed before agencies, places, movements and files.
* ``--lineage``: only the legal links, upwards (what the document implements, cites, is based on …) and
  downwards (what implements or cites it), each up to ``--hops`` steps.
* a view never holds more than ``max_nodes`` nodes (default 500) nor ``max_edges`` edges (default 3000);
  when it is cut, the page says so in a banner and ``vbgraph browse`` says so on stderr.

The page
* vis-network (the copy pyvis ships) is written into the page, so it renders without any network access.
* node colour and shape by type, with a legend that counts them; documents whose citation is ambiguous or
  unresolved have a dashed border; edges are coloured and labelled by type.
* a search box (symbol, id, title, name; case and diacritics folded), check boxes that hide node and edge
  types, a physics switch (the layout settles, then physics stops; switch it on to let the nodes move again).
* a tooltip and a details panel for every node (symbol, date, issuer, status, resolution …) and every edge
  (the citing sentence, the source file and offsets, the rule, the confidence).
* document text never becomes markup: the data travels as JSON inside ``<script type="application/json">``
  with ``<``, ``>`` and ``&`` escaped, and the page's script builds tooltips and panels with ``textContent``
  only.  The heading and the banner are escaped by Jinja's autoescape.

For tests and scripts the page exposes ``window.vbgraph``: ``nodes``/``edges`` (the vis DataSets),
``network``, ``stabilized`` (true once the layout has settled), ``view`` (counts and cap from Python).
"""
from __future__ import annotations

import json
import os
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import networkx as nx

from vbgraph.extract.tables import fold

DEFAULT_MAX_NODES = 500
DEFAULT_MAX_EDGES = 3000
DEFAULT_HOPS = 2

# kind → (colour, vis shape, legend text); the order is the order of importance when a view is cut
NODE_STYLE: dict[str, tuple[str, str, str]] = {
    "Plan": ("#d62728", "diamond", "plan (an ingested document)"),
    "Document": ("#1f77b4", "dot", "cited document"),
    "Agency": ("#2ca02c", "triangle", "agency"),
    "Province": ("#9467bd", "square", "province"),
    "Movement": ("#ff7f0e", "star", "movement / campaign"),
    "SourceFile": ("#7f7f7f", "hexagon", "source file"),
}
# legal links first: they are what a lineage is made of
EDGE_STYLE: dict[str, str] = {
    "IMPLEMENTS": "#d62728", "BASED_ON": "#8c564b", "AMENDS": "#e377c2", "SUPERSEDES": "#111111",
    "GUIDES": "#17becf", "DETAILS": "#bcbd22", "CITES": "#1f77b4",
    "ASSIGNS": "#2ca02c", "PROMOTES": "#ff7f0e", "ISSUED_BY": "#98df8a", "LOCATED_IN": "#c5b0d5",
    "MERGED_INTO": "#9467bd", "EXTRACTED_FROM": "#c7c7c7",
}
LINEAGE_TYPES = ("IMPLEMENTS", "BASED_ON", "AMENDS", "SUPERSEDES", "GUIDES", "DETAILS", "CITES")
UNSETTLED = ("ambiguous", "unresolved")
_NAME_ORDER = ("Province", "Plan", "Document", "Agency", "Movement", "SourceFile")

_NODE_TIP = ("symbol", "doc_type", "date", "year", "issuer", "status", "status_source", "resolution", "scope",
             "level", "title", "name", "signer", "written_forms", "province", "district", "kind",
             "valid_from", "valid_to", "path", "sha256", "source_file")
_EDGE_TIP = ("sentence", "file", "start", "end", "rule", "confidence", "resolution", "count", "task",
             "deadline", "basis", "kind", "evidence", "date")


class FocusError(ValueError):
    """The focus names nothing in the graph; the message lists close candidates."""


@dataclass
class View:
    """The part of the graph one page draws."""
    nodes: list[str]
    edges: list[tuple[str, str, str]]               # (source, target, key)
    description: str
    seeds: list[str] = field(default_factory=list)
    hops: int | None = None
    lineage: bool = False
    available_nodes: int = 0                        # nodes the view would hold without the cap
    available_edges: int = 0
    max_nodes: int = DEFAULT_MAX_NODES
    max_edges: int = DEFAULT_MAX_EDGES

    @property
    def capped(self) -> bool:
        return len(self.nodes) < self.available_nodes or len(self.edges) < self.available_edges

    def cap_message(self) -> str | None:
        """What was left out, in one sentence (None when nothing was)."""
        if not self.capped:
            return None
        parts = []
        if len(self.nodes) < self.available_nodes:
            parts.append(f"{len(self.nodes):,} of {self.available_nodes:,} nodes (--max-nodes {self.max_nodes})")
        if len(self.edges) < self.available_edges:
            parts.append(f"{len(self.edges):,} of {self.available_edges:,} edges (--max-edges {self.max_edges})")
        how = ("nearest to the focus first" if self.seeds
               else "plans first, then the most connected documents, agencies and others")
        return (f"Showing {' and '.join(parts)}: the view was cut to stay readable ({how}). "
                f"Narrow it with --focus/--hops/--lineage or raise the cap.")


# --------------------------------------------------------------------------- kinds, labels, tips


def node_kind(data: dict) -> str:
    labels = data.get("labels") or []
    if "Plan" in labels:
        return "Plan"
    for kind in NODE_STYLE:
        if kind in labels:
            return kind
    return labels[0] if labels else "Node"


def node_label(node_id: str, data: dict, width: int = 38) -> str:
    kind = node_kind(data)
    if kind in ("Plan", "Document"):
        text = data.get("symbol") or data.get("name") or data.get("title") or node_id.rsplit("/", 1)[-1]
        if data.get("resolution") in UNSETTLED:
            text += " ?"
    elif kind == "SourceFile":
        text = Path(str(data.get("path") or node_id)).name
    else:
        text = data.get("name") or node_id.rsplit("/", 1)[-1]
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def node_tip(node_id: str, data: dict) -> list[list[str]]:
    """[key, value] rows for a node's tooltip and details panel (plain text; the page never parses it)."""
    rows = [["type", " + ".join(data.get("labels") or [node_kind(data)])], ["id", node_id]]
    rows += [[k, _text(data[k])] for k in _NODE_TIP if data.get(k) not in (None, "", [])]
    return rows


def edge_tip(u: str, v: str, key: str, data: dict, g: nx.MultiDiGraph) -> list[list[str]]:
    rows = [["type", str(data.get("type", "?"))],
            ["from", node_label(u, g.nodes[u], 80)], ["to", node_label(v, g.nodes[v], 80)]]
    rows += [[k, _text(data[k])] for k in _EDGE_TIP if data.get(k) not in (None, "", [])]
    rows.append(["key", str(key)])
    return rows


# --------------------------------------------------------------------------- choosing the view


def resolve_focus(g: nx.MultiDiGraph, focus: str) -> list[str]:
    """Node ids that ``focus`` names: an id, a symbol (any written form), a province, an agency or
    movement name; several when a symbol is shared (33/CT-TTg of different years)."""
    if focus in g:
        return [focus]
    key = _key(focus)
    by_symbol, by_name = [], []
    for node_id, data in g.nodes(data=True):
        forms = [data.get("symbol")] + list(data.get("written_forms") or [])
        if any(f and _key(f) == key for f in forms):
            by_symbol.append(node_id)
        elif data.get("name"):
            name = str(data["name"])
            if key in (_key(name), _key("tỉnh " + name), _key("thành phố " + name)):
                by_name.append(node_id)
    if by_symbol:
        return sorted(by_symbol)
    for kind in _NAME_ORDER:  # a name shared by a province and a movement means the province
        found = [n for n in by_name if node_kind(g.nodes[n]) == kind]
        if found:
            return sorted(found)
    if by_name:
        return sorted(by_name)
    close = sorted(n for n in g if key and key in _key(n))[:8]
    hint = f"; ids containing it: {', '.join(close)}" if close else ""
    raise FocusError(f"nothing in the graph is named {focus!r} (not an id, symbol or name){hint}")


@lru_cache(maxsize=1 << 18)
def _key(text: str) -> str:
    """fold() without tone and vowel marks, so "tay ninh" finds Tây Ninh."""
    return "".join(c for c in unicodedata.normalize("NFD", fold(text)) if not unicodedata.combining(c))


def _edge_rank(etype: str) -> int:
    order = list(EDGE_STYLE)
    return order.index(etype) if etype in order else len(order)


def _kind_rank(data: dict) -> int:
    order = list(NODE_STYLE)
    kind = node_kind(data)
    return order.index(kind) if kind in order else len(order)


def _neighbours(g: nx.MultiDiGraph, node: str, lineage: bool, direction: str | None):
    """(neighbour, edge type) pairs; lineage follows only legal links, in one direction."""
    if direction in (None, "up"):
        for _, v, data in g.out_edges(node, data=True):
            if not lineage or data.get("type") in LINEAGE_TYPES:
                yield v, data.get("type", "")
    if direction in (None, "down"):
        for u, _, data in g.in_edges(node, data=True):
            if not lineage or data.get("type") in LINEAGE_TYPES:
                yield u, data.get("type", "")


def _layers(g, seeds: list[str], hops: int, lineage: bool, direction: str | None) -> list[dict[str, int]]:
    """Breadth-first layers from the seeds: for each hop, {node: best edge rank that reaches it}."""
    seen = set(seeds)
    frontier = list(seeds)
    layers = []
    for _ in range(hops):
        layer: dict[str, int] = {}
        for node in frontier:
            for other, etype in _neighbours(g, node, lineage, direction):
                if other in seen:
                    continue
                rank = _edge_rank(etype)
                if rank < layer.get(other, 1 << 30):
                    layer[other] = rank
        if not layer:
            break
        seen.update(layer)
        layers.append(layer)
        frontier = list(layer)
    return layers


def _grow(g, seeds: list[str], hops: int, lineage: bool, max_nodes: int) -> tuple[list[str], int]:
    """Nodes nearest the seeds first, never a node whose way in was cut; and how many were in reach."""
    directions = ("up", "down") if lineage else (None,)
    reach = set(seeds)
    for direction in directions:
        for layer in _layers(g, seeds, hops, lineage, direction):
            reach.update(layer)
    chosen = list(seeds[:max_nodes])
    taken = set(chosen)
    frontiers = {d: list(chosen) for d in directions}
    for _ in range(hops):
        for direction in directions:
            layer: dict[str, int] = {}
            for node in frontiers[direction]:
                for other, etype in _neighbours(g, node, lineage, direction):
                    if other not in taken:
                        layer[other] = min(layer.get(other, 1 << 30), _edge_rank(etype))
            ordered = sorted(layer, key=lambda n: (layer[n], _kind_rank(g.nodes[n]), -g.degree(n), n))
            room = max_nodes - len(chosen)
            added = ordered[:max(room, 0)]
            chosen.extend(added)
            taken.update(added)
            frontiers[direction] = added
    return chosen, len(reach)


def _edges_among(g, nodes: Iterable[str], lineage: bool, max_edges: int) -> tuple[list[tuple[str, str, str]], int]:
    inside = set(nodes)
    edges = [(u, v, k) for u, v, k, d in g.edges(keys=True, data=True)
             if u in inside and v in inside and (not lineage or d.get("type") in LINEAGE_TYPES)]
    available = len(edges)
    if available > max_edges:
        edges.sort(key=lambda e: _edge_rank(g.edges[e].get("type", "")))
        edges = edges[:max_edges]
    return edges, available


def select_view(g: nx.MultiDiGraph, focus: str | None = None, hops: int = DEFAULT_HOPS,
                max_nodes: int = DEFAULT_MAX_NODES, max_edges: int = DEFAULT_MAX_EDGES,
                lineage: bool = False, admin: bool = False) -> View:
    """The nodes and edges one page draws (see the module docstring for the rules)."""
    if max_nodes < 1 or max_edges < 0 or hops < 0:
        raise ValueError("--max-nodes must be ≥ 1, --max-edges and --hops ≥ 0")
    if focus is None:
        if lineage:
            raise ValueError("--lineage needs --focus")
        available = g.number_of_nodes()
        if available <= max_nodes:
            nodes = list(g.nodes)
        else:
            nodes = sorted(g.nodes, key=lambda n: (g.degree(n) == 0, _kind_rank(g.nodes[n]), -g.degree(n), n))
            nodes = nodes[:max_nodes]
        edges, available_edges = _edges_among(g, nodes, False, max_edges)
        return View(nodes, edges, "the whole graph", [], None, False, available, available_edges,
                    max_nodes, max_edges)
    seeds = resolve_focus(g, focus)
    nodes, available = _grow(g, seeds, hops, lineage, max_nodes)
    edges, available_edges = _edges_among(g, nodes, lineage, max_edges)
    what = "lineage" if lineage else "neighbourhood"
    names = ", ".join(node_label(s, g.nodes[s], 60) for s in seeds[:3]) + (" …" if len(seeds) > 3 else "")
    description = f"{what} of {names} ({hops} hop{'s' if hops != 1 else ''})"
    if len(seeds) > 1:
        description += f" — {len(seeds)} nodes match {focus!r}"
    return View(nodes, edges, description, seeds, hops, lineage, available, available_edges,
                max_nodes, max_edges)


# --------------------------------------------------------------------------- the page


class _IdList(list):
    """pyvis keeps node ids in a list and tests membership on every add; a set makes that O(1)."""

    def __init__(self):
        super().__init__()
        self._ids: set = set()

    def append(self, item):
        super().append(item)
        self._ids.add(item)

    def __contains__(self, item):
        return item in self._ids


def _network(g: nx.MultiDiGraph, view: View):
    from pyvis.network import Network

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    net.node_ids = _IdList()
    seeds = set(view.seeds)
    for n in view.nodes:
        data = g.nodes[n]
        kind = node_kind(data)
        colour, shape, _ = NODE_STYLE.get(kind, ("#aaaaaa", "dot", kind))
        options = {"kind": kind, "tip": node_tip(n, data), "size": 22 if n in seeds else 14,
                   "borderWidth": 4 if n in seeds else 1}
        if data.get("resolution") in UNSETTLED:
            options["shapeProperties"] = {"borderDashes": [4, 3]}
            colour = {"background": "#ffffff", "border": colour}
        net.add_node(n, label=node_label(n, data), shape=shape, color=colour, **options)
    for i, (u, v, k) in enumerate(view.edges):
        data = g.edges[u, v, k]
        etype = data.get("type", "?")
        net.add_edge(u, v, id=f"e{i}", label=etype, kind=etype, color=EDGE_STYLE.get(etype, "#999999"),
                     tip=edge_tip(u, v, k, data, g))
    big = len(view.nodes) > 150
    net.set_options(json.dumps({
        "autoResize": True,
        "layout": {"improvedLayout": not big},
        "nodes": {"font": {"size": 12, "face": "sans-serif"}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "font": {"size": 8, "align": "middle", "color": "#555555", "strokeWidth": 2},
                  "smooth": {"type": "continuous"}, "width": 1},
        "physics": {"enabled": True, "solver": "barnesHut",
                    "barnesHut": {"gravitationalConstant": -6000, "springLength": 120, "damping": 0.3,
                                  "avoidOverlap": 0.1},
                    "stabilization": {"enabled": True, "iterations": 300 if big else 600,
                                      "updateInterval": 25, "fit": True},
                    "minVelocity": 0.75},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big, "keyboard": False},
    }))
    return net


def script_json(value) -> str:
    """JSON that cannot end a <script> element nor open a comment or CDATA inside it."""
    text = json.dumps(value, ensure_ascii=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _vis_assets() -> tuple[str, str]:
    import pyvis

    lib = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    if "</script" in js.lower() or "</style" in css.lower():
        raise RuntimeError("the bundled vis-network cannot be inlined safely")
    return js, css


def page_title(g: nx.MultiDiGraph, view: View) -> str:
    title = f"vbgraph — {view.description}"
    if len(view.seeds) == 1 and g.nodes[view.seeds[0]].get("title"):
        title += f": {g.nodes[view.seeds[0]]['title']}"
    return title


def render_page(g: nx.MultiDiGraph, view: View) -> str:
    """The whole self-contained HTML page for ``view``."""
    from jinja2 import Environment
    from markupsafe import Markup

    net = _network(g, view)
    nodes, edges, _, _, _, options = net.get_network_data()
    node_counts: dict[str, int] = {}
    for n in nodes:
        node_counts[n["kind"]] = node_counts.get(n["kind"], 0) + 1
    edge_counts: dict[str, int] = {}
    for e in edges:
        edge_counts[e["kind"]] = edge_counts.get(e["kind"], 0) + 1
    legend_nodes = [{"kind": k, "colour": c, "shape": s, "text": t, "count": node_counts.get(k, 0)}
                    for k, (c, s, t) in NODE_STYLE.items() if node_counts.get(k)]
    legend_nodes += [{"kind": k, "colour": "#aaaaaa", "shape": "dot", "text": k, "count": n}
                     for k, n in node_counts.items() if k not in NODE_STYLE]
    legend_edges = [{"kind": k, "colour": EDGE_STYLE.get(k, "#999999"), "count": n}
                    for k, n in sorted(edge_counts.items(), key=lambda kv: _edge_rank(kv[0]))]
    data = {"nodes": nodes, "edges": edges, "options": json.loads(options),
            "view": {"nodes": len(view.nodes), "edges": len(view.edges), "available_nodes": view.available_nodes,
                     "available_edges": view.available_edges, "capped": view.capped,
                     "max_nodes": view.max_nodes, "max_edges": view.max_edges, "seeds": view.seeds,
                     "graph_nodes": g.number_of_nodes(), "graph_edges": g.number_of_edges()}}
    js, css = _vis_assets()
    env = Environment(autoescape=True)
    return env.from_string(_TEMPLATE).render(
        title=page_title(g, view), view=view, cap=view.cap_message(), legend_nodes=legend_nodes,
        legend_edges=legend_edges, graph_nodes=g.number_of_nodes(), graph_edges=g.number_of_edges(),
        vis_js=Markup(js), vis_css=Markup(css), data=Markup(script_json(data)), app_js=Markup(_APP_JS))


def write_page(g: nx.MultiDiGraph, view: View, out: str | os.PathLike) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_page(g, view), encoding="utf-8")
    return out


_TEMPLATE = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="vbgraph browse (pyvis + vis-network 9.1.2)">
<title>{{ title }}</title>
<style>{{ vis_css }}</style>
<style>
  html, body { margin: 0; height: 100%; font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; }
  body { display: grid; grid-template-columns: 300px 1fr; grid-template-rows: auto auto 1fr; height: 100vh; }
  header { grid-column: 1 / 3; padding: 6px 12px; border-bottom: 1px solid #ddd; background: #fafafa; }
  header h1 { font-size: 15px; margin: 0; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  header .counts { color: #666; font-size: 12px; }
  #cap { grid-column: 1 / 3; margin: 0; padding: 6px 12px; background: #fff4ce; border-bottom: 1px solid #e6c84f; }
  aside { grid-row: 3; overflow: auto; padding: 8px 12px; border-right: 1px solid #ddd; background: #fcfcfc; }
  aside h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #555; margin: 12px 0 4px; }
  aside label { display: flex; align-items: center; gap: 6px; margin: 2px 0; cursor: pointer; }
  .swatch { display: inline-block; width: 12px; height: 12px; flex: none; border: 1px solid rgba(0,0,0,.25); }
  .swatch.dot { border-radius: 50%; } .swatch.diamond { transform: rotate(45deg) scale(.8); }
  .swatch.triangle { width: 0; height: 0; border: 7px solid transparent; border-bottom: 12px solid var(--c); border-top: 0; background: none !important; }
  .swatch.star { clip-path: polygon(50% 0,61% 35%,98% 35%,68% 57%,79% 91%,50% 70%,21% 91%,32% 57%,2% 35%,39% 35%); border: 0; }
  .swatch.hexagon { clip-path: polygon(25% 0,75% 0,100% 50%,75% 100%,25% 100%,0 50%); border: 0; }
  .line { display: inline-block; width: 18px; height: 3px; flex: none; }
  .n { color: #777; margin-left: auto; }
  #search { display: flex; gap: 4px; } #search input { flex: 1; min-width: 0; padding: 3px 5px; }
  #search-result { color: #555; font-size: 12px; min-height: 1em; }
  #graph { grid-row: 3; position: relative; min-height: 0; }
  #network { position: absolute; inset: 0; }
  #status { position: absolute; left: 8px; bottom: 6px; background: rgba(255,255,255,.85); padding: 2px 6px; color: #555; font-size: 12px; }
  #details { font-size: 12px; }
  .tip, #details dl { margin: 0; display: grid; grid-template-columns: auto 1fr; gap: 1px 8px; max-width: 520px; }
  .tip dt, #details dt { color: #666; } .tip dd, #details dd { margin: 0; white-space: pre-wrap; word-break: break-word; }
  div.vis-tooltip { white-space: normal; max-width: 540px; font: 12px/1.35 system-ui, sans-serif; }
  .muted { color: #777; }
</style>
</head>
<body>
<header>
  <h1 id="title">{{ title }}</h1>
  <div class="counts">{{ view.nodes|length }} nodes and {{ view.edges|length }} edges shown
    · graph: {{ graph_nodes }} nodes, {{ graph_edges }} edges</div>
</header>
{% if cap %}<p id="cap" role="status">{{ cap }}</p>{% endif %}
<aside>
  <form id="search" autocomplete="off">
    <input id="q" type="search" placeholder="Search symbol, title, name…" list="suggest" aria-label="search">
    <button type="submit">Find</button>
  </form>
  <datalist id="suggest"></datalist>
  <div id="search-result"></div>
  <label><input type="checkbox" id="physics" checked> physics <span class="muted" id="physics-note">(settling…)</span></label>
  <h2>Nodes</h2>
  <div id="node-filters">
  {% for n in legend_nodes %}
    <label><input type="checkbox" data-kind="{{ n.kind }}" checked>
      <span class="swatch {{ n.shape }}" style="background: {{ n.colour }}; --c: {{ n.colour }}"></span>
      {{ n.text }} <span class="n">{{ n.count }}</span></label>
  {% endfor %}
  <div class="muted">dashed border: ambiguous or unresolved citation</div>
  </div>
  <h2>Edges</h2>
  <div id="edge-filters">
  {% for e in legend_edges %}
    <label><input type="checkbox" data-kind="{{ e.kind }}" checked>
      <span class="line" style="background: {{ e.colour }}"></span>{{ e.kind }} <span class="n">{{ e.count }}</span></label>
  {% endfor %}
  </div>
  <h2>Details</h2>
  <div id="details" class="muted">Click a node or an edge.</div>
</aside>
<div id="graph"><div id="network"></div><div id="status">loading…</div></div>
<script>{{ vis_js }}</script>
<script type="application/json" id="vbgraph-data">{{ data }}</script>
<script>{{ app_js }}</script>
</body>
</html>
"""

_APP_JS = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("vbgraph-data").textContent);
  var state = { hiddenNodes: {}, hiddenEdges: {} };
  function fold(s) {
    return String(s).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
  }
  function rowsElement(rows, cls) {
    var dl = document.createElement("dl");
    if (cls) dl.className = cls;
    rows.forEach(function (row) {
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = row[0];
      dd.textContent = row[1].length > 700 ? row[1].slice(0, 700) + "…" : row[1];
      dl.appendChild(dt); dl.appendChild(dd);
    });
    return dl;
  }
  var nodeText = {};
  var nodes = new vis.DataSet(DATA.nodes.map(function (n) {
    nodeText[n.id] = fold(n.label + " " + n.id + " " + n.tip.map(function (r) { return r[1]; }).join(" "));
    return Object.assign({}, n, { title: rowsElement(n.tip, "tip") });
  }));
  var edges = new vis.DataSet(DATA.edges.map(function (e) {
    return Object.assign({}, e, { title: rowsElement(e.tip, "tip") });
  }));
  var nodesView = new vis.DataView(nodes, { filter: function (n) { return !state.hiddenNodes[n.kind]; } });
  var edgesView = new vis.DataView(edges, {
    filter: function (e) {
      if (state.hiddenEdges[e.kind]) return false;
      var a = nodes.get(e.from), b = nodes.get(e.to);
      return !!(a && b && !state.hiddenNodes[a.kind] && !state.hiddenNodes[b.kind]);
    }
  });
  var container = document.getElementById("network");
  var status = document.getElementById("status");
  var physicsBox = document.getElementById("physics");
  var physicsNote = document.getElementById("physics-note");
  var network = new vis.Network(container, { nodes: nodesView, edges: edgesView }, DATA.options);
  var api = window.vbgraph = { network: network, nodes: nodes, edges: edges, nodesView: nodesView,
                               edgesView: edgesView, view: DATA.view, stabilized: false, details: null };
  function settled() {
    if (api.stabilized) return;
    api.stabilized = true;
    network.setOptions({ physics: { enabled: false } });
    physicsBox.checked = false;
    physicsNote.textContent = "(settled — tick to move again)";
    status.textContent = DATA.view.nodes + " nodes, " + DATA.view.edges + " edges";
  }
  network.on("stabilizationProgress", function (p) {
    status.textContent = "laying out… " + Math.round(100 * p.iterations / p.total) + "%";
  });
  network.once("stabilizationIterationsDone", settled);
  network.once("stabilized", settled);
  if (DATA.view.nodes === 0) settled();
  setTimeout(settled, 20000);  // never keep a large view moving for ever
  physicsBox.addEventListener("change", function () {
    network.setOptions({ physics: { enabled: physicsBox.checked } });
    physicsNote.textContent = physicsBox.checked ? "(on)" : "(off)";
  });
  function bindFilters(id, hidden, view) {
    document.querySelectorAll("#" + id + " input[type=checkbox]").forEach(function (box) {
      box.addEventListener("change", function () {
        hidden[box.dataset.kind] = !box.checked;
        nodesView.refresh(); edgesView.refresh();
      });
    });
  }
  bindFilters("node-filters", state.hiddenNodes);
  bindFilters("edge-filters", state.hiddenEdges);
  var details = document.getElementById("details");
  function show(rows) {
    details.className = "";
    details.replaceChildren(rowsElement(rows));
  }
  api.showNode = function (id) { var n = nodes.get(id); if (n) { show(n.tip); api.details = id; } };
  api.showEdge = function (id) { var e = edges.get(id); if (e) { show(e.tip); api.details = id; } };
  network.on("click", function (params) {
    if (params.nodes.length) api.showNode(params.nodes[0]);
    else if (params.edges.length) api.showEdge(params.edges[0]);
  });
  var suggest = document.getElementById("suggest");
  DATA.nodes.slice(0, 2000).forEach(function (n) {
    var option = document.createElement("option");
    option.value = n.label;
    suggest.appendChild(option);
  });
  var result = document.getElementById("search-result");
  api.search = function (query) {
    var q = fold(query.trim());
    if (!q) { result.textContent = ""; network.unselectAll(); return []; }
    var hits = nodesView.getIds().filter(function (id) { return nodeText[id].indexOf(q) >= 0; });
    result.textContent = hits.length ? hits.length + " match" + (hits.length > 1 ? "es" : "") : "no match";
    network.selectNodes(hits);
    if (hits.length) {
      network.fit({ nodes: hits, animation: { duration: 400 } });
      api.showNode(hits[0]);
    }
    return hits;
  };
  document.getElementById("search").addEventListener("submit", function (ev) {
    ev.preventDefault();
    api.search(document.getElementById("q").value);
  });
})();
"""
