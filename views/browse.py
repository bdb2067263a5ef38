"""`vbgraph browse`: the graph as one self-contained HTML page (pyvis / vis-network), for people.

    view = select_view(graph, focus="33/CT-TTg", hops=2, max_nodes=500)   # what to draw, and why
    html = render_page(graph, view)                                        # the page, as a string
    write_page(graph, view, "out/browse.html")

What is drawn
* no focus, a graph that fits under ``max_nodes``: all of it.
* no focus, a larger graph: an overview that aggregates.  Ingested documents are grouped by type and issuing
  level (the ``OVERVIEW_GROUPS`` largest groups, the rest as "other types"), cited documents likewise except
  the most cited, which stand alone; the provinces the
  documents come from, the largest alone; agencies and movements one group each.  An edge says how many
  relationships of one type run between two groups.  Clicking a group lists its most connected members
  and "Mở nhóm" draws them.
* ``--focus ID|SYMBOL|PROVINCE|NAME``: the neighbourhood of the matching node(s), ranked by relation: at
  each node at most ``RELATION_CAP[type]`` neighbours per relation type and direction (IMPLEMENTS, BASED_ON,
  SUPERSEDES first, then the other legal links, CITES, then agencies, movements, files), the others
  counted in one "+N" node; past the first hop only the legal links other than CITES are followed, with a
  quarter of the caps and at most ``LATER_HOPS_NODES`` nodes in all (the first hop's neighbours, ranked,
  bring theirs first).
* ``--lineage``: only legal links, upwards (what the document implements, cites …) and downwards (what
  implements or cites it), drawn as a hierarchy: the cited directive above, the plans below, one row per
  step and issuing level, wrapped at ``HIERARCHY_ROW`` nodes; capped the same way.
* provinces and the other administrative units are left out unless ``admin`` (``--admin``) or the focus
  is one; source files are left out of the overview.
* ingested documents are drawn by their kind (node property ``kind``, else their type): plans and
  programmes as plans, other read documents (decisions, letters …) apart from them and from cited ones.
* a view never holds more than ``max_nodes`` nodes (default 500) nor ``max_edges`` edges (default 3000);
  the page states the caps (in a banner when they cut, and ``vbgraph browse`` on stderr).

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
``network``, ``stabilized`` (true once the layout has settled), ``view`` (counts and cap from Python),
``expand(groupId)`` (an overview group's members).
"""
from __future__ import annotations

import json
import os
import unicodedata
from collections import Counter
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
    "Plan": ("#d62728", "diamond", "kế hoạch, chương trình (đã đọc)"),
    "Ingested": ("#8c564b", "square", "văn bản khác đã đọc (quyết định, công văn …)"),
    "Document": ("#1f77b4", "dot", "văn bản được dẫn"),
    "Agency": ("#2ca02c", "triangle", "cơ quan"),
    "Province": ("#9467bd", "square", "tỉnh, thành phố"),
    "Movement": ("#ff7f0e", "star", "phong trào"),
    "SourceFile": ("#7f7f7f", "hexagon", "tệp nguồn"),
    "ReadGroup": ("#f4a6a6", "box", "nhóm văn bản đã đọc: loại · cấp (bấm để mở)"),
    "CitedGroup": ("#9ecae1", "box", "nhóm văn bản được dẫn: loại · cấp (bấm để mở)"),
    "Group": ("#cccccc", "box", "nhóm cơ quan, phong trào, tỉnh (bấm để mở)"),
    "More": ("#ffffff", "box", "“+N khác”: phần bị cắt"),
}
# legal links first: they are what a lineage is made of
EDGE_STYLE: dict[str, str] = {
    "IMPLEMENTS": "#d62728", "BASED_ON": "#8c564b", "SUPERSEDES": "#111111", "AMENDS": "#e377c2",
    "GUIDES": "#17becf", "DETAILS": "#bcbd22", "CITES": "#1f77b4",
    "ASSIGNS": "#2ca02c", "PROMOTES": "#ff7f0e", "ISSUED_BY": "#98df8a", "LOCATED_IN": "#c5b0d5",
    "MERGED_INTO": "#9467bd", "EXTRACTED_FROM": "#c7c7c7", "MEMBER_OF": "#bbbbbb", "SUSPENDS": "#7f7f7f",
}
LINEAGE_TYPES = ("IMPLEMENTS", "BASED_ON", "AMENDS", "SUPERSEDES", "GUIDES", "DETAILS", "CITES")
# the relations a neighbourhood walks on past the first hop; CITES fans out to everything, so it ends there
LEADING_TYPES = ("IMPLEMENTS", "BASED_ON", "SUPERSEDES", "AMENDS", "GUIDES", "DETAILS")
# neighbours drawn per node, relation type and direction at the first hop (a quarter further on)
RELATION_CAP = {"IMPLEMENTS": 25, "BASED_ON": 25, "SUPERSEDES": 25, "AMENDS": 12, "GUIDES": 12,
                "DETAILS": 12, "CITES": 12, "ASSIGNS": 8, "PROMOTES": 8, "ISSUED_BY": 3, "LOCATED_IN": 3,
                "MERGED_INTO": 3, "EXTRACTED_FROM": 1}
HIERARCHY_ROW = 12             # nodes side by side in a lineage row before it wraps
LATER_HOPS_NODES = 60          # nodes all hops after the first may add: a hub's second hop is a tangle
ADMIN_KINDS = ("Province",)
PLAN_KINDS = ("plan", "programme")
ISSUING_ORDER = ("national", "party", "department", "province", "district")
LEVEL_TEXT = {"national": "trung ương", "party": "Đảng (trung ương)", "province": "cấp tỉnh",
              "department": "sở, ngành", "district": "cấp huyện", "": "không rõ cấp"}
OVERVIEW_TOP_CITED = 40
OVERVIEW_TOP_PROVINCES = 12
OVERVIEW_EDGES_PER_NODE = 8
OVERVIEW_MEMBERS = 30
OVERVIEW_GROUPS = 14                 # groups of read documents, and of cited ones, before "other types"
UNSETTLED = ("ambiguous", "unresolved")
_NAME_ORDER = ("Province", "Plan", "Ingested", "Document", "Agency", "Movement", "SourceFile")

_NODE_TIP = ("symbol", "doc_type", "kind", "date", "year", "issuer", "status", "status_source", "resolution",
             "scope", "level", "title", "name", "signer", "written_forms", "province", "district",
             "valid_from", "valid_to", "path", "sha256", "source_file", "members_count")
_EDGE_TIP = ("sentence", "file", "start", "end", "rule", "confidence", "resolution", "count", "task",
             "deadline", "basis", "kind", "evidence", "date")


class FocusError(ValueError):
    """The focus names nothing in the graph; the message lists close candidates."""


@dataclass
class View:
    """The part of the graph one page draws.  Nodes and edges not in the graph (overview groups, "+N"
    nodes, counted edges) carry their data in ``extra_nodes`` / ``extra_edges``."""
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
    extra_nodes: dict[str, dict] = field(default_factory=dict)
    extra_edges: dict[tuple[str, str, str], dict] = field(default_factory=dict)
    levels: dict[str, int] = field(default_factory=dict)   # hierarchy row of each node (lineage)
    via: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # node → (node, relation, way) it came by
    overview: bool = False
    admin: bool = False

    @property
    def capped(self) -> bool:
        return len(self.real_nodes()) < self.available_nodes or len(self.edges) < self.available_edges

    def real_nodes(self) -> list[str]:
        return [n for n in self.nodes if n not in self.extra_nodes]

    def more_nodes(self) -> list[str]:
        return [n for n in self.nodes if self.extra_nodes.get(n, {}).get("labels") == ["More"]]

    def node_data(self, g: nx.MultiDiGraph, n: str) -> dict:
        return self.extra_nodes[n] if n in self.extra_nodes else g.nodes[n]

    def edge_data(self, g: nx.MultiDiGraph, e: tuple[str, str, str]) -> dict:
        return self.extra_edges[e] if e in self.extra_edges else g.edges[e]

    def caps_text(self) -> str | None:
        """The caps a focused view works under, stated on its page whether or not they cut anything."""
        if not self.seeds:
            return None
        caps = ", ".join(f"{t} {c}" for t, c in RELATION_CAP.items())
        return (f"Giới hạn: tối đa {self.max_nodes} nút (--max-nodes), {self.max_edges} cạnh (--max-edges); "
                f"mỗi nút, mỗi loại quan hệ tối đa {caps} ở bước đầu; một phần tư ở các bước sau (chỉ theo {', '.join(LEADING_TYPES)}, tổng cộng "
                   f"tối đa {LATER_HOPS_NODES} nút).")

    def cap_message(self) -> str | None:
        """What was left out, and by which cap (None when nothing was)."""
        if self.overview:
            return (f"Tổng quan: {self.available_nodes:,} nút gom thành {len(self.nodes):,} nhóm và văn bản "
                    f"tiêu biểu ({OVERVIEW_TOP_CITED} văn bản được dẫn nhiều nhất, {OVERVIEW_TOP_PROVINCES} tỉnh "
                    f"nhiều văn bản nhất, tối đa {OVERVIEW_EDGES_PER_NODE} cạnh gộp mỗi nút). Bấm một nhóm rồi "
                    f"“Mở nhóm”, hoặc dùng --focus SYMBOL.")
        if not self.capped:
            return None
        shown = len(self.real_nodes())
        parts = [f"{shown:,} trên {self.available_nodes:,} nút"]
        if len(self.nodes) >= self.max_nodes:
            parts[0] += f" (--max-nodes {self.max_nodes})"
        if len(self.edges) < self.available_edges:
            parts.append(f"{len(self.edges):,} trên {self.available_edges:,} cạnh (--max-edges {self.max_edges})")
        how = "nút nhiều liên kết nhất trước"
        if self.seeds:
            caps = ", ".join(f"{t} {c}" for t, c in RELATION_CAP.items())
            how = (f"mỗi nút, mỗi loại quan hệ tối đa: {caps} ở bước đầu; một phần tư ở các bước sau (chỉ theo {', '.join(LEADING_TYPES)}, tổng cộng "
                   f"tối đa {LATER_HOPS_NODES} nút); "
                   f"phần còn lại gom trong {len(self.more_nodes())} nút “+N khác”")
        return (f"Đang hiện {' và '.join(parts)}: khung nhìn được cắt cho dễ đọc ({how}). "
                f"Thu hẹp bằng --focus/--hops/--lineage hoặc nâng giới hạn.")


# --------------------------------------------------------------------------- kinds, labels, tips


def is_ingested(data: dict) -> bool:
    labels = data.get("labels") or []
    return "Ingested" in labels or "Plan" in labels or bool(data.get("source_file"))


def document_kind(data: dict) -> str | None:
    """The kind slug of an ingested document (data/doc_types.csv), read from the node; before the graph
    carried it, only the Plan label told, and every ingested document had it."""
    if data.get("kind"):
        return str(data["kind"])
    if (data.get("doc_type") or "").startswith(("Kế hoạch", "Chương trình")):
        return "plan"
    return None


def node_kind(data: dict) -> str:
    labels = data.get("labels") or []
    if "Document" in labels and is_ingested(data):
        return "Plan" if document_kind(data) in PLAN_KINDS else "Ingested"
    for kind in NODE_STYLE:
        if kind in labels:
            return kind
    return labels[0] if labels else "Node"


def node_label(node_id: str, data: dict, width: int = 38) -> str:
    kind = node_kind(data)
    if kind in ("Plan", "Ingested", "Document"):
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


def edge_tip(u: str, v: str, key: str, data: dict, label_of) -> list[list[str]]:
    rows = [["type", str(data.get("type", "?"))], ["from", label_of(u)], ["to", label_of(v)]]
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


def _neighbours(g: nx.MultiDiGraph, node: str, types: tuple[str, ...] | None, direction: str | None):
    """(neighbour, edge type, direction) triples through edges of ``types`` (None: any)."""
    if direction in (None, "up"):
        for _, v, data in g.out_edges(node, data=True):
            if types is None or data.get("type") in types:
                yield v, data.get("type", ""), "up"
    if direction in (None, "down"):
        for u, _, data in g.in_edges(node, data=True):
            if types is None or data.get("type") in types:
                yield u, data.get("type", ""), "down"


def relation_cap(etype: str, hop: int) -> int:
    cap = RELATION_CAP.get(etype, 6)
    return cap if hop <= 1 else max(1, cap // 4)


def _drawable(g: nx.MultiDiGraph, admin: bool):
    hidden = set() if admin else set(ADMIN_KINDS)
    return lambda n: node_kind(g.nodes[n]) not in hidden


def _grow(g, seeds: list[str], hops: int, lineage: bool, max_nodes: int, shown) -> View:
    """Nodes by hop, ranked by relation and capped per relation type and direction at each node; what a
    cap leaves out is counted in a "+N" node hung on the same relation."""
    view = View(list(seeds[:max_nodes]), [], "", list(seeds), hops, lineage)
    taken = set(view.nodes)
    reach = set(taken)
    view.levels = {s: 0 for s in view.nodes}
    frontier = [(s, None) for s in view.nodes]
    budget = max_nodes
    for hop in range(1, hops + 1):
        if hop == 2:
            budget = min(max_nodes, len(view.nodes) + LATER_HOPS_NODES)
        types = (LINEAGE_TYPES if lineage else None) if hop == 1 else LEADING_TYPES
        next_frontier = []
        for node, direction in frontier:
            groups: dict[tuple[str, str], dict[str, None]] = {}
            for other, etype, way in _neighbours(g, node, types, direction):
                if other != node and shown(other):
                    groups.setdefault((etype, way), {})[other] = None
            for (etype, way) in sorted(groups, key=lambda k: (_edge_rank(k[0]), k[1])):
                fresh = [n for n in groups[(etype, way)] if n not in taken]
                reach.update(fresh)
                fresh.sort(key=lambda n: (_kind_rank(g.nodes[n]), -g.degree(n), n))
                room = max(0, budget - len(view.nodes) - 1)
                keep = fresh[:min(relation_cap(etype, hop), room)]
                for n in keep:
                    view.nodes.append(n)
                    taken.add(n)
                    view.levels[n] = view.levels[node] + (-1 if way == "up" else 1)
                    view.via[n] = (node, etype, way)
                    if etype in LEADING_TYPES:
                        next_frontier.append((n, way if lineage else None))
                if len(fresh) > len(keep) and len(view.nodes) < budget:
                    _more_node(view, node, etype, way, len(fresh) - len(keep))
        frontier = next_frontier
        if not frontier:
            break
    view.available_nodes = len(reach)
    return view


def _more_node(view: View, node: str, etype: str, way: str, count: int) -> None:
    more = f"more/{etype.lower()}/{way}/{node}"
    side = "dẫn tới" if way == "up" else "dẫn về"
    view.extra_nodes[more] = {"labels": ["More"], "name": f"+{count:,} khác ({etype})", "members_count": count,
                              "title": f"{count:,} nút {etype} {side} nút này không được vẽ (giới hạn "
                                       f"{etype} mỗi nút); dùng --focus trên nút đó hoặc nâng giới hạn"}
    view.nodes.append(more)
    view.levels[more] = view.levels[node] + (-1 if way == "up" else 1)
    key = (node, more, etype) if way == "up" else (more, node, etype)
    view.extra_edges[key] = {"type": etype, "count": count}


def _edges_among(g, nodes: Iterable[str], lineage: bool, max_edges: int) -> tuple[list[tuple[str, str, str]], int]:
    inside = set(nodes)
    edges = []
    for u in inside:
        if u not in g:
            continue
        for _, v, k, d in g.out_edges(u, keys=True, data=True):
            if v in inside and (not lineage or d.get("type") in LINEAGE_TYPES):
                edges.append((u, v, k))
    available = len(edges)
    edges.sort(key=lambda e: (_edge_rank(g.edges[e].get("type", "")), e))
    return edges[:max_edges], available


def select_view(g: nx.MultiDiGraph, focus: str | None = None, hops: int = DEFAULT_HOPS,
                max_nodes: int = DEFAULT_MAX_NODES, max_edges: int = DEFAULT_MAX_EDGES,
                lineage: bool = False, admin: bool = False) -> View:
    """The nodes and edges one page draws (see the module docstring for the rules)."""
    if max_nodes < 1 or max_edges < 0 or hops < 0:
        raise ValueError("--max-nodes must be ≥ 1, --max-edges and --hops ≥ 0")
    if focus is None:
        if lineage:
            raise ValueError("--lineage needs --focus")
        shown = _drawable(g, admin)
        nodes = [n for n in g if shown(n)]
        if len(nodes) > max_nodes:
            return overview(g, admin, max_edges)
        edges, available_edges = _edges_among(g, nodes, False, max_edges)
        return View(nodes, edges, "cả đồ thị", [], None, False, len(nodes), available_edges,
                    max_nodes, max_edges, admin=admin)
    seeds = resolve_focus(g, focus)
    admin = admin or any(node_kind(g.nodes[s]) in ADMIN_KINDS for s in seeds)
    view = _grow(g, seeds, hops, lineage, max_nodes, _drawable(g, admin))
    extra = list(view.extra_edges)
    view.edges, view.available_edges = _edges_among(g, view.nodes, lineage, max(0, max_edges - len(extra)))
    view.edges += extra
    view.available_edges += len(extra)
    view.max_nodes, view.max_edges, view.admin = max_nodes, max_edges, admin
    view.levels = _hierarchy_rows(g, view) if lineage else {}
    what = "quan hệ pháp lý trên dưới" if lineage else "vùng lân cận"
    names = ", ".join(node_label(s, g.nodes[s], 60) for s in seeds[:3]) + (" …" if len(seeds) > 3 else "")
    view.description = f"{what} của {names} ({hops} bước)"
    if len(seeds) > 1:
        view.description += f" — {len(seeds)} nút mang tên {focus!r}"
    return view


def _hierarchy_rows(g: nx.MultiDiGraph, view: View) -> dict[str, int]:
    """Rows of a lineage: by step from the focus (what it implements above, what implements it below) and,
    within a step, by issuing level, national first: a directive on top, provincial plans, then district."""
    def key(n: str) -> tuple[int, int]:
        level = view.node_data(g, n).get("level") if n in g else None
        return view.levels[n], ISSUING_ORDER.index(level) if level in ISSUING_ORDER else len(ISSUING_ORDER)

    keys = {n: key(n) if view.levels[n] else (0, 0) for n in view.nodes}
    by_key: dict[tuple[int, int], list[str]] = {}
    for n in view.nodes:                        # in the order chosen: relation first, then the most linked
        by_key.setdefault(keys[n], []).append(n)
    rows: dict[str, int] = {}
    row = 0
    for k in sorted(by_key):                    # a long row wraps, so that its labels stay readable
        for i, n in enumerate(by_key[k]):
            rows[n] = row + i // HIERARCHY_ROW
        row += (len(by_key[k]) - 1) // HIERARCHY_ROW + 1
    return rows


# --------------------------------------------------------------------------- the overview


def _overview_unit(n: str, data: dict, top: set[str], provinces: set[str]) -> str | None:
    kind = node_kind(data)
    if n in top:
        return n
    if kind in ("Plan", "Ingested", "Document"):
        family = "cited" if kind == "Document" else "read"
        return f"group/{family}/{data.get('doc_type') or '?'}/{data.get('level') or ''}"
    if kind == "Province":
        return n if n in provinces else "group/provinces"
    if kind in ("Agency", "Movement"):
        return f"group/{kind.lower()}"
    return None


def _fold_small_groups(unit_of: dict[str, str]) -> None:
    """Keep the OVERVIEW_GROUPS largest groups of read and of cited documents; the rest of each family
    becomes one group of other types, so that a corpus of many types stays a page of a few dozen nodes."""
    sizes = Counter(unit_of.values())
    for family in ("read", "cited"):
        groups = [u for u, _ in sizes.most_common() if u.startswith(f"group/{family}/")]
        small = set(groups[OVERVIEW_GROUPS:])
        for n, unit in unit_of.items():
            if unit in small:
                unit_of[n] = f"group/{family}/*/"


def _group_data(unit: str, members: list[str], g: nx.MultiDiGraph) -> dict:
    parts = unit.split("/")
    if parts[1] in ("read", "cited"):
        doc_type = {"*": "loại khác", "?": "không rõ loại"}.get(parts[2], parts[2])
        level = "mọi cấp" if parts[2] == "*" else LEVEL_TEXT.get(parts[3], parts[3])
        name = f"{doc_type} · {level}"
        what = "văn bản đã đọc" if parts[1] == "read" else "văn bản được dẫn"
        label = "ReadGroup" if parts[1] == "read" else "CitedGroup"
    else:
        name, what = {"provinces": ("các tỉnh khác", "tỉnh"), "agency": ("cơ quan", "cơ quan"),
                      "movement": ("phong trào", "phong trào")}[parts[1]]
        label = "Group"
    ranked = sorted(members, key=lambda n: (-g.degree(n), n))[:OVERVIEW_MEMBERS]
    return {"labels": [label], "name": f"{name} ({len(members):,})", "members_count": len(members),
            "title": f"{len(members):,} {what}: {name}",
            "members": [[m, node_label(m, g.nodes[m]), node_kind(g.nodes[m])] for m in ranked]}


def overview(g: nx.MultiDiGraph, admin: bool = False, max_edges: int = DEFAULT_MAX_EDGES) -> View:
    """The whole graph aggregated: groups of documents by type and level, the most cited documents and
    the provinces with the most documents alone, and between them counted edges."""
    legal_in = Counter()
    located = Counter()
    for u, v, d in g.edges(data=True):
        if d.get("type") in LINEAGE_TYPES:
            legal_in[v] += 1
        elif d.get("type") == "LOCATED_IN" and is_ingested(g.nodes[u]):
            located[v] += 1
    top = {n for n, _ in legal_in.most_common(OVERVIEW_TOP_CITED)}
    provinces = {n for n, _ in located.most_common(OVERVIEW_TOP_PROVINCES)}
    unit_of: dict[str, str] = {}
    for n, data in g.nodes(data=True):
        unit = _overview_unit(n, data, top, provinces)
        if unit is not None and (admin or unit != "group/provinces"):
            unit_of[n] = unit
    _fold_small_groups(unit_of)
    members: dict[str, list[str]] = {}
    for n, unit in unit_of.items():
        if unit != n:
            members.setdefault(unit, []).append(n)
    counted = Counter()
    for u, v, d in g.edges(data=True):
        a, b = unit_of.get(u), unit_of.get(v)
        if a and b and a != b and d.get("type") not in ("EXTRACTED_FROM", "MERGED_INTO"):
            counted[(a, b, d.get("type", ""))] += 1
    per_node = Counter()
    view = View([], [], "tổng quan cả đồ thị", overview=True, admin=admin,
                available_nodes=g.number_of_nodes(), available_edges=g.number_of_edges(), max_edges=max_edges)
    for (a, b, etype), count in counted.most_common():
        if per_node[a] >= OVERVIEW_EDGES_PER_NODE and per_node[b] >= OVERVIEW_EDGES_PER_NODE:
            continue
        if len(view.extra_edges) >= max_edges:
            break
        per_node[a] += 1
        per_node[b] += 1
        view.extra_edges[(a, b, etype)] = {"type": etype, "count": count}
    for unit in sorted(set(unit_of.values()), key=lambda x: (not x.startswith("group/"), x)):
        if unit.startswith("group/"):
            view.extra_nodes[unit] = _group_data(unit, members[unit], g)
        view.nodes.append(unit)
    view.edges = list(view.extra_edges)
    return view


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

    def label_of(n: str) -> str:
        return node_label(n, view.node_data(g, n), 80)

    for n in view.nodes:
        data = view.node_data(g, n)
        kind = node_kind(data)
        colour, shape, _ = NODE_STYLE.get(kind, ("#aaaaaa", "dot", kind))
        options = {"kind": kind, "tip": node_tip(n, data), "size": 22 if n in seeds else 14,
                   "borderWidth": 4 if n in seeds else 1}
        if data.get("resolution") in UNSETTLED:
            options["shapeProperties"] = {"borderDashes": [4, 3]}
            colour = {"background": "#ffffff", "border": colour}
        if kind == "More":
            options["shapeProperties"] = {"borderDashes": [4, 3]}
            colour = {"background": "#ffffff", "border": "#777777"}
        if data.get("members") is not None:
            options["members"] = data["members"]
        if view.overview:  # a group or a document is as large as what it stands for
            weight = data.get("members_count") or g.degree(n) if n in g else data.get("members_count", 1)
            options["value"] = max(1, int(weight or 1))
        if n in view.levels:
            options["level"] = view.levels[n]
        net.add_node(n, label=node_label(n, data, 48), shape=shape, color=colour, **options)
    for i, e in enumerate(view.edges):
        u, v, k = e
        data = view.edge_data(g, e)
        etype = data.get("type", "?")
        options = {}
        label = etype
        if e in view.extra_edges:  # the tooltip says the type and the count, the width how many
            label = "" if view.overview else f"{etype} ×{data['count']:,}"
            if view.overview:
                options["value"] = data["count"]
            else:
                options["dashes"] = True
        net.add_edge(u, v, id=f"e{i}", label=label, kind=etype, color=EDGE_STYLE.get(etype, "#999999"),
                     tip=edge_tip(u, v, k, data, label_of), **options)
    net.set_options(json.dumps(page_options(view)))
    return net


def page_options(view: View) -> dict:
    """vis-network options: a hierarchy without physics for a lineage, a force layout otherwise."""
    big = len(view.nodes) > 150
    options = {
        "autoResize": True,
        "layout": {"improvedLayout": not big},
        "nodes": {"font": {"size": 12, "face": "sans-serif"}, "scaling": {"min": 10, "max": 45}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "font": {"size": 8, "align": "middle", "color": "#555555", "strokeWidth": 2},
                  "smooth": {"type": "continuous"}, "width": 1, "scaling": {"min": 1, "max": 8}},
        "physics": {"enabled": True, "solver": "barnesHut",
                    "barnesHut": {"gravitationalConstant": -6000, "springLength": 120, "damping": 0.3,
                                  "avoidOverlap": 0.1},
                    "stabilization": {"enabled": True, "iterations": 300 if big else 600,
                                      "updateInterval": 25, "fit": True},
                    "minVelocity": 0.75},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big, "keyboard": False},
    }
    if view.overview:
        options["physics"]["barnesHut"].update(gravitationalConstant=-20000, springLength=260, avoidOverlap=0.6)
        options["nodes"]["font"]["size"] = 15
    if view.levels:
        options["layout"] = {"hierarchical": {"enabled": True, "direction": "UD", "levelSeparation": 140,
                                              "nodeSpacing": 150, "treeSpacing": 120,
                                              "blockShifting": True, "edgeMinimization": True,
                                              "parentCentralization": True}}
        options["physics"] = {"enabled": False}
        options["edges"]["smooth"] = {"type": "cubicBezier", "forceDirection": "vertical", "roundness": 0.4}
    return options


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
            "styles": {k: [c, shape] for k, (c, shape, _) in NODE_STYLE.items()},
            "view": {"nodes": len(view.nodes), "edges": len(view.edges), "available_nodes": view.available_nodes,
                     "available_edges": view.available_edges, "capped": view.capped,
                     "max_nodes": view.max_nodes, "max_edges": view.max_edges, "seeds": view.seeds,
                     "overview": view.overview, "lineage": view.lineage, "admin": view.admin,
                     "more": len(view.more_nodes()), "relation_cap": RELATION_CAP,
                     "graph_nodes": g.number_of_nodes(), "graph_edges": g.number_of_edges()}}
    js, css = _vis_assets()
    env = Environment(autoescape=True)
    return env.from_string(_TEMPLATE).render(
        title=page_title(g, view), view=view, cap=view.cap_message(), caps=view.caps_text(),
        legend_nodes=legend_nodes,
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
  <div class="counts">Đang vẽ {{ view.nodes|length }} nút và {{ view.edges|length }} cạnh
    · cả đồ thị: {{ graph_nodes }} nút, {{ graph_edges }} cạnh</div>
  {% if caps and not cap %}<div class="counts" id="caps">{{ caps }}</div>{% endif %}
</header>
{% if cap %}<p id="cap" role="status">{{ cap }}</p>{% endif %}
<aside>
  <form id="search" autocomplete="off">
    <input id="q" type="search" placeholder="Tìm số hiệu, tên, trích yếu…" list="suggest" aria-label="tìm">
    <button type="submit">Tìm</button>
  </form>
  <datalist id="suggest"></datalist>
  <div id="search-result"></div>
  <label><input type="checkbox" id="physics" checked> bố cục động <span class="muted" id="physics-note">(đang sắp xếp…)</span></label>
  <h2>Nút</h2>
  <div id="node-filters">
  {% for n in legend_nodes %}
    <label><input type="checkbox" data-kind="{{ n.kind }}" checked>
      <span class="swatch {{ n.shape }}" style="background: {{ n.colour }}; --c: {{ n.colour }}"></span>
      {{ n.text }} <span class="n">{{ n.count }}</span></label>
  {% endfor %}
  <div class="muted">viền nét đứt: trích dẫn chưa xác định được văn bản</div>
  </div>
  <h2>Cạnh</h2>
  <div id="edge-filters">
  {% for e in legend_edges %}
    <label><input type="checkbox" data-kind="{{ e.kind }}" checked>
      <span class="line" style="background: {{ e.colour }}"></span>{{ e.kind }} <span class="n">{{ e.count }}</span></label>
  {% endfor %}
  </div>
  <h2>Chi tiết</h2>
  <div id="details" class="muted">Bấm vào một nút hoặc một cạnh.</div>
</aside>
<div id="graph"><div id="network"></div><div id="status">đang tải…</div></div>
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
    physicsNote.textContent = "(đã dừng — đánh dấu để chạy lại)";
    status.textContent = DATA.view.nodes + " nút, " + DATA.view.edges + " cạnh";
  }
  network.on("stabilizationProgress", function (p) {
    status.textContent = "đang sắp xếp… " + Math.round(100 * p.iterations / p.total) + "%";
  });
  network.once("stabilizationIterationsDone", settled);
  network.once("stabilized", settled);
  if (DATA.view.nodes === 0 || !DATA.options.physics.enabled) settled();
  setTimeout(settled, 20000);  // never keep a large view moving for ever
  physicsBox.addEventListener("change", function () {
    network.setOptions({ physics: { enabled: physicsBox.checked } });
    physicsNote.textContent = physicsBox.checked ? "(bật)" : "(tắt)";
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
  api.showNode = function (id) {
    var n = nodes.get(id);
    if (!n) return;
    show(n.tip);
    api.details = id;
    if (n.members && n.members.length) {
      var title = document.createElement("div");
      title.textContent = "Nhiều liên kết nhất (" + n.members.length + "):";
      var list = document.createElement("ol");
      n.members.forEach(function (m) {
        var item = document.createElement("li");
        item.textContent = m[1];
        list.appendChild(item);
      });
      var button = document.createElement("button");
      button.type = "button";
      button.id = "expand";
      button.textContent = "Mở nhóm";
      button.addEventListener("click", function () { api.expand(id); });
      details.appendChild(title); details.appendChild(list); details.appendChild(button);
    }
  };
  // an overview group opens on its members: drawn beside it, each tied to it, ready to be focused
  api.expand = function (id) {
    var group = nodes.get(id);
    if (!group || !group.members) return 0;
    var added = 0;
    group.members.forEach(function (m, i) {
      if (nodes.get(m[0])) return;
      var style = DATA.styles[m[2]] || ["#aaaaaa", "dot"];
      nodes.add({ id: m[0], label: m[1], kind: m[2], shape: style[1], color: style[0], size: 10,
                  tip: [["id", m[0]], ["nhóm", group.label]], title: rowsElement([["id", m[0]]], "tip") });
      edges.add({ id: "member-" + id + "-" + i, from: m[0], to: id, kind: "MEMBER_OF", label: "",
                  color: "#bbbbbb", dashes: true, tip: [["type", "MEMBER_OF"]], title: rowsElement([["type", "MEMBER_OF"]], "tip") });
      added += 1;
    });
    nodesView.refresh(); edgesView.refresh();
    network.setOptions({ physics: { enabled: true } });
    setTimeout(function () { network.setOptions({ physics: { enabled: physicsBox.checked } }); }, 3000);
    return added;
  };
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
    result.textContent = hits.length ? hits.length + " kết quả" : "không thấy";
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
