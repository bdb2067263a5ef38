"""`vbgraph adoption SYMBOL`: which provinces took up a directive (or any document), year by year.

    result = adoption(store, "33/CT-TTg", as_of=date(2025, 12, 31), names="2025")
    html = render_adoption(result)             # a tile map of Vietnam and a provinces × years matrix
    write_adoption(result, "out/adoption.png") # .html, or .png through headless chromium

Who counts comes from one place, the named query ``provinces_implementing`` (queries/), run in loose mode:
a province is *strict* when one of its documents reaches the directive through a chain of IMPLEMENTS,
*cites only* when its documents cite it (or a document implementing it) but none implements it, and
*nothing* otherwise.  ``as_of`` drops the documents issued after that day; ``names`` draws the 63 provinces
in force until 12/6/2025 (``old``) or the 34 after (``2025``), by default the ones in force on ``as_of``.

The tile layout is the reviewed table data/province_tiles.csv (data/province_tiles_2025.csv), one tile
per province at its approximate place.  Clicking a tile or a matrix cell lists the documents with the
sentence that links them to the directive.  The page is static and offline: no library, its data as
escaped JSON, every document text put in with ``textContent``.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from vbgraph.extract.tables import read_table
from vbgraph.graph.status import MERGER_DATE
from vbgraph.queries import catalog
from vbgraph.views.browse import script_json
from vbgraph.views.chromium import screenshot

STRICT, CITES, NOTHING = "strict", "cites", "none"
STATUS_TEXT = {STRICT: "Thực hiện (chuỗi IMPLEMENTS)", CITES: "Chỉ dẫn chiếu, không thực hiện",
               NOTHING: "Không có văn bản"}
RELATION_TEXT = {"IMPLEMENTS": "thực hiện", "BASED_ON": "căn cứ", "CITES": "dẫn chiếu"}

# each document with the links that tie it to the directive: a direct one, or the first IMPLEMENTS step
# of its chain; which documents count is the named query's answer, not this one's
_LINKS = """
MATCH (s:Document) WHERE s.id IN $ids
OPTIONAL MATCH (s)-[r:IMPLEMENTS|BASED_ON|CITES]->(t:Document)
WHERE t.id IN $targets OR type(r) = 'IMPLEMENTS'
RETURN s.id AS id, s.symbol AS symbol, s.doc_type AS doc_type, s.kind AS kind, s.date AS date,
       s.year AS year, s.title AS title, s.issuer AS issuer, s.source_file AS file,
       t.id AS target, t.symbol AS target_symbol, type(r) AS relation, r.sentence AS sentence
"""
_TARGETS = "MATCH (d:Document) WHERE d.id IN $ids RETURN d.id AS id, d.symbol AS symbol, d.doc_type AS doc_type, " \
           "d.date AS date, d.title AS title, d.issuer AS issuer"


class AdoptionError(ValueError):
    """The symbol names no document the store knows of, or a wrong option."""


@dataclass
class Tile:
    name: str
    row: int
    col: int
    status: str = NOTHING
    documents: list[str] = field(default_factory=list)       # ids, newest first


@dataclass
class Adoption:
    symbol: str
    targets: list[dict]                 # the document(s) the symbol names
    as_of: dt.date
    names: str                          # "old" | "2025"
    tiles: list[Tile]
    documents: dict[str, dict]          # id → symbol, date, issuer, province, strict, link …
    years: list[int | None]
    matrix: dict[str, dict[int, str]]   # tile name → year → status
    per_year: dict[str, dict[int, int]] = field(default_factory=dict)   # tile name → year → documents
    outside: list[str] = field(default_factory=list)   # documents of a province with no tile

    def counts(self) -> dict[str, int]:
        out = {STRICT: 0, CITES: 0, NOTHING: 0}
        for t in self.tiles:
            out[t.status] += 1
        return out


def tile_layout(names: str) -> list[Tile]:
    """The reviewed tile table for the 63 old provinces or the 34 of 2025."""
    table = {"old": "province_tiles.csv", "2025": "province_tiles_2025.csv"}.get(names)
    if table is None:
        raise AdoptionError(f"--names must be old or 2025, not {names!r}")
    return [Tile(r["name"], int(r["row"]), int(r["col"])) for r in read_table(table)]


def default_names(as_of: dt.date) -> str:
    return "2025" if as_of >= dt.date.fromisoformat(MERGER_DATE) else "old"


def adoption(store, symbol: str, as_of: dt.date | None = None, names: str | None = None) -> Adoption:
    """Who implements or cites ``symbol`` (a symbol in any spelling, or a node id) as of ``as_of``."""
    as_of = as_of or dt.date.today()
    names = names or default_names(as_of)
    tiles = tile_layout(names)
    key = {"id": symbol} if symbol.startswith("vn/") else {"symbol": symbol}
    rows = catalog.run(store, "provinces_implementing", {**key, "mode": "loose"})
    target_ids = sorted({r["document"] for r in rows})
    if not target_ids:
        target_ids = [r["id"] for r in store.run(
            "MATCH (d:Document) WHERE d.id = $id OR d.symbol = $symbol RETURN d.id AS id",
            {"id": symbol, "symbol": catalog.canonical_symbol(symbol)})]
    if not target_ids:
        raise AdoptionError(f"no document {symbol!r} in the store")
    targets = store.run(_TARGETS, {"ids": target_ids})
    documents = _documents(store, rows, target_ids, as_of)
    by_name = {t.name: t for t in tiles}
    place = "province_2025" if names == "2025" else "province"
    matrix: dict[str, dict[int, str]] = {}
    per_year: dict[str, dict[int, int]] = {}
    outside = []
    for doc_id, doc in sorted(documents.items(), key=lambda kv: (kv[1]["date"] or "", kv[0]), reverse=True):
        tile = by_name.get(doc[place])
        if tile is None:
            outside.append(doc_id)
            continue
        tile.documents.append(doc_id)
        tile.status = _stronger(tile.status, STRICT if doc["strict"] else CITES)
        cell = matrix.setdefault(tile.name, {})
        cell[doc["year"]] = _stronger(cell.get(doc["year"], NOTHING), STRICT if doc["strict"] else CITES)
        count = per_year.setdefault(tile.name, {})
        count[doc["year"]] = count.get(doc["year"], 0) + 1
    years = sorted({d["year"] for d in documents.values() if d["year"] is not None})
    if years:
        years = list(range(years[0], years[-1] + 1))
    if any(d["year"] is None for d in documents.values()):
        years.append(None)            # documents whose year the extractor could not read
    return Adoption(symbol, targets, as_of, names, tiles, documents, years, matrix, per_year, outside)


def _stronger(a: str, b: str) -> str:
    order = (NOTHING, CITES, STRICT)
    return max(a, b, key=order.index)


def _documents(store, rows: list[dict], target_ids: list[str], as_of: dt.date) -> dict[str, dict]:
    """Every document the query counted, with its place, whether it implements strictly, and its link."""
    documents: dict[str, dict] = {}
    for r in rows:
        strict = set(r["implementing"])
        for doc_id in r["citing"]:
            documents[doc_id] = {"province": r["province"], "province_2025": r["province_2025"],
                                 "year": r["year"], "strict": doc_id in strict}
    links: dict[str, list[dict]] = {}
    details: dict[str, dict] = {}
    for link in store.run(_LINKS, {"ids": sorted(documents), "targets": target_ids}):
        details.setdefault(link["id"], link)
        if link.get("relation"):
            links.setdefault(link["id"], []).append(link)
    kept = {}
    for doc_id, doc in documents.items():
        d = details.get(doc_id, {})
        date = str(d.get("date") or "")[:10] or None
        if (date and date > as_of.isoformat()) or (not date and doc["year"] and doc["year"] > as_of.year):
            continue
        doc.update(symbol=d.get("symbol"), doc_type=d.get("doc_type"), kind=d.get("kind"), date=date,
                   title=d.get("title"), issuer=d.get("issuer"), file=d.get("file"),
                   link=_best_link(links.get(doc_id, []), target_ids, documents))
        kept[doc_id] = doc
    return kept


def _best_link(links: list[dict], target_ids: list[str], documents: dict) -> dict | None:
    """The link an analyst reads first: straight to the directive (implements before based on before
    cites), else the IMPLEMENTS step of the chain, preferring a step to another counted document."""
    rank = {"IMPLEMENTS": 0, "BASED_ON": 1, "CITES": 2}

    def order(link):
        direct = link["target"] in target_ids
        return (not direct, rank.get(link["relation"], 3), link["target"] not in documents, link["target"])

    if not links:
        return None
    best = min(links, key=order)
    return {"relation": best["relation"], "target": best["target"], "target_symbol": best.get("target_symbol"),
            "direct": best["target"] in target_ids, "sentence": best.get("sentence")}


# --------------------------------------------------------------------------- the page


def page_data(result: Adoption) -> dict:
    docs = {}
    for doc_id, d in result.documents.items():
        link = d.get("link") or {}
        docs[doc_id] = {
            "symbol": d.get("symbol") or "", "doc_type": d.get("doc_type") or "", "date": d.get("date") or "",
            "year": d.get("year"), "title": d.get("title") or "", "issuer": d.get("issuer") or "",
            "file": d.get("file") or "", "province": d.get("province") or "",
            "province_2025": d.get("province_2025") or "", "strict": d["strict"],
            "relation": RELATION_TEXT.get(link.get("relation"), ""), "direct": bool(link.get("direct")),
            "via": "" if link.get("direct") else (link.get("target_symbol") or link.get("target") or ""),
            "sentence": link.get("sentence") or ""}
    return {"symbol": result.symbol, "names": result.names, "as_of": result.as_of.isoformat(),
            "tiles": [{"name": t.name, "status": t.status, "documents": t.documents} for t in result.tiles],
            "documents": docs, "years": result.years, "outside": result.outside}


def _date_vi(iso: str | None) -> str:
    if not iso:
        return ""
    y, m, d = iso[:10].split("-")
    return f"{d}/{m}/{y}"


def render_adoption(result: Adoption) -> str:
    from jinja2 import Environment
    from markupsafe import Markup

    target = result.targets[0] if result.targets else {}
    heading = " ".join(filter(None, [target.get("doc_type"), target.get("symbol") or result.symbol]))
    if target.get("date"):
        heading += f" ngày {_date_vi(str(target['date']))}"
    if target.get("issuer"):
        heading += f" của {target['issuer']}"
    rows = max(t.row for t in result.tiles) + 1
    cols = max(t.col for t in result.tiles) + 1
    active = [t for t in sorted(result.tiles, key=lambda t: (t.row, t.col)) if t.status != NOTHING]
    return Environment(autoescape=True).from_string(_TEMPLATE).render(
        heading=heading, title=target.get("title"), result=result, counts=result.counts(), rows=rows, cols=cols,
        status_text=STATUS_TEXT, as_of=_date_vi(result.as_of.isoformat()), active=active,
        other_targets=result.targets[1:], data=Markup(script_json(page_data(result))), app_js=Markup(_APP_JS))


def write_adoption(result: Adoption, out: str | os.PathLike, chromium: str | None = None) -> Path:
    """The page as .html, or as a .png screenshot of it taken by headless chromium."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    page = render_adoption(result)
    if out.suffix.lower() != ".png":
        out.write_text(page, encoding="utf-8")
        return out
    with tempfile.TemporaryDirectory(prefix="vbgraph-adoption-") as tmp:
        html = Path(tmp) / "adoption.html"
        html.write_text(page, encoding="utf-8")
        try:
            screenshot(html, out, height=_page_height(result), chromium=chromium, profile=Path(tmp) / "profile")
        except RuntimeError as exc:
            raise AdoptionError(str(exc)) from None
    return out


def _page_height(result: Adoption) -> int:
    map_height = (max(t.row for t in result.tiles) + 1) * 46 + 200
    matrix_height = (len(result.matrix) + 1) * 24 + 420
    return max(900, map_height, matrix_height)


_TEMPLATE = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="vbgraph adoption">
<title>Tiếp nhận {{ heading }} — vbgraph</title>
<style>
  body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; }
  header { padding: 8px 16px; border-bottom: 1px solid #ddd; background: #fafafa; }
  h1 { font-size: 17px; margin: 0 0 2px; } h2 { font-size: 14px; margin: 14px 0 6px; }
  .sub { color: #555; }
  main { display: grid; grid-template-columns: auto 1fr; gap: 20px; padding: 10px 16px; align-items: start; }
  #map { display: grid; grid-template-columns: repeat({{ cols }}, 58px); grid-template-rows: repeat({{ rows }}, 42px); gap: 3px; }
  .tile { border: 1px solid rgba(0,0,0,.15); border-radius: 4px; font: 10px/1.1 system-ui, sans-serif; padding: 2px;
          cursor: pointer; overflow: hidden; text-align: center; color: #222; background: #eeeeee; }
  .tile.strict, td.strict, .swatch.strict { background: #1b7837; color: #fff; }
  .tile.cites, td.cites, .swatch.cites { background: #f1a340; color: #222; }
  .tile.none, .swatch.none { background: #eeeeee; color: #777; }
  .tile.selected { outline: 3px solid #2166ac; }
  .tile .n { display: block; font-weight: 600; }
  .legend { display: flex; gap: 14px; flex-wrap: wrap; margin: 6px 0; }
  .swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px; vertical-align: -2px; margin-right: 4px; border: 1px solid rgba(0,0,0,.15); }
  table { border-collapse: collapse; font-size: 12px; }
  th, td { border: 1px solid #ddd; padding: 2px 6px; text-align: center; }
  th.p { text-align: left; font-weight: normal; white-space: nowrap; }
  td.strict, td.cites { cursor: pointer; }
  #details { margin-top: 10px; max-width: 760px; }
  #details ol { padding-left: 20px; } #details li { margin-bottom: 8px; }
  .doc { font-weight: 600; } .sentence { color: #333; font-style: italic; white-space: pre-wrap; }
  .muted { color: #777; }
</style>
</head>
<body>
<header>
  <h1 id="heading">Các tỉnh tiếp nhận {{ heading }}</h1>
  {% if title %}<div class="sub" id="target-title">{{ title }}</div>{% endif %}
  <div class="sub">Tính đến {{ as_of }} ·
    {% if result.names == "2025" %}tên {{ result.tiles|length }} tỉnh, thành phố sau sắp xếp ngày 12/6/2025{% else %}tên {{ result.tiles|length }} tỉnh, thành phố trước ngày 12/6/2025{% endif %}
    · {{ result.documents|length }} văn bản của các tỉnh
    {% if other_targets %}· cùng ký hiệu: {% for t in other_targets %}{{ t.id }}{% if not loop.last %}, {% endif %}{% endfor %}{% endif %}</div>
  <div class="legend">
    {% for s in ["strict", "cites", "none"] %}<span><span class="swatch {{ s }}"></span>{{ status_text[s] }}: <b id="count-{{ s }}">{{ counts[s] }}</b></span>{% endfor %}
  </div>
</header>
<main>
  <section>
    <div id="map" role="list" aria-label="bản đồ tỉnh">
    {% for t in result.tiles %}<button class="tile {{ t.status }}" role="listitem" data-name="{{ t.name }}" data-status="{{ t.status }}"
        style="grid-row: {{ t.row + 1 }}; grid-column: {{ t.col + 1 }}" title="{{ t.name }}: {{ status_text[t.status] }}">{{ t.name }}{% if t.documents %}<span class="n">{{ t.documents|length }}</span>{% endif %}</button>
    {% endfor %}
    </div>
  </section>
  <section>
    <h2>Tỉnh × năm ban hành văn bản</h2>
    {% if active %}
    <table id="matrix">
      <thead><tr><th class="p">Tỉnh</th>{% for y in result.years %}<th>{{ "không rõ năm" if y is none else y }}</th>{% endfor %}</tr></thead>
      <tbody>
      {% for t in active %}<tr><th class="p">{{ t.name }}</th>{% for y in result.years %}{% set s = result.matrix[t.name].get(y, "none") %}<td class="{{ s }}" data-name="{{ t.name }}" data-year="{{ "" if y is none else y }}">{{ result.per_year[t.name].get(y, "") }}</td>{% endfor %}</tr>
      {% endfor %}
      </tbody>
    </table>
    <div class="muted">số văn bản mỗi năm; xanh: có văn bản thực hiện, cam: chỉ dẫn chiếu · {{ result.tiles|length - active|length }} tỉnh không có văn bản nào</div>
    {% else %}<p class="muted">Không tỉnh nào có văn bản thực hiện hay dẫn chiếu văn bản này.</p>{% endif %}
    {% if result.outside %}<p class="muted">{{ result.outside|length }} văn bản của địa phương không có ô trên bản đồ.</p>{% endif %}
    <div id="details" class="muted">Bấm vào một tỉnh hoặc một ô của bảng để xem các văn bản và câu trích.</div>
  </section>
</main>
<script type="application/json" id="adoption-data">{{ data }}</script>
<script>{{ app_js }}</script>
</body>
</html>
"""

_APP_JS = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("adoption-data").textContent);
  var details = document.getElementById("details");
  var byName = {};
  DATA.tiles.forEach(function (t) { byName[t.name] = t; });
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function vnDate(iso) { return iso ? iso.slice(8, 10) + "/" + iso.slice(5, 7) + "/" + iso.slice(0, 4) : ""; }
  function show(name, year) {
    var tile = byName[name];
    var ids = tile.documents.filter(function (id) { return year === undefined || DATA.documents[id].year === year; });
    details.className = "";
    var when = year === undefined ? "" : year === null ? " — không rõ năm" : " — năm " + year;
    var heading = el("h2", null, name + when + ": " + ids.length + " văn bản");
    var list = el("ol");
    ids.forEach(function (id) {
      var d = DATA.documents[id];
      var item = el("li");
      var what = [d.doc_type, d.symbol || "(không rõ số hiệu)"].filter(Boolean).join(" ");
      if (d.date) what += " ngày " + vnDate(d.date);
      item.appendChild(el("div", "doc", what));
      var meta = [d.issuer, d.strict ? "thực hiện" : "chỉ dẫn chiếu"];
      if (d.relation) meta.push(d.direct ? d.relation + " trực tiếp" : d.relation + " qua " + d.via);
      if (DATA.names === "2025" && d.province !== name) meta.push("tỉnh cũ: " + d.province);
      item.appendChild(el("div", "muted", meta.filter(Boolean).join(" · ")));
      if (d.title) item.appendChild(el("div", null, d.title));
      if (d.sentence) item.appendChild(el("div", "sentence", "“" + d.sentence + "”"));
      if (d.file) item.appendChild(el("div", "muted", d.file));
      list.appendChild(item);
    });
    details.replaceChildren(heading, ids.length ? list : el("p", "muted", "Không có văn bản."));
    document.querySelectorAll(".tile.selected").forEach(function (t) { t.classList.remove("selected"); });
    document.querySelectorAll(".tile").forEach(function (t) { if (t.dataset.name === name) t.classList.add("selected"); });
    return ids;
  }
  document.querySelectorAll(".tile").forEach(function (t) {
    t.addEventListener("click", function () { show(t.dataset.name); });
  });
  document.querySelectorAll("#matrix td.strict, #matrix td.cites").forEach(function (td) {
    td.addEventListener("click", function () {
      show(td.dataset.name, td.dataset.year === "" ? null : Number(td.dataset.year));
    });
  });
  window.vbgraphAdoption = { data: DATA, show: show, ready: true };
})();
"""
