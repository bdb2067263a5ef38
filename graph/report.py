"""`vbgraph report outdated`: for every citation, was the cited document already superseded or expired
on the citing plan's date, and is it as of today (or --as-of); what replaced it, on what basis
(stated / reference / succession), with what confidence and source. Also the reverse view: documents
still cited after their replacement was issued, and the reviewed status notes of cited documents whose
status is not known (shown with exactly the strength of their sources).

`outdated_rows(g, as_of)` gives the same rows as queries/outdated_citations.cypher (tests hold them
equal); the report is computed here over networkx.

Semantics (both): a SUPERSEDES edge new→old dated D (the edge's `date`, else the replacing document's
date) makes a citation of old by plan P (date p, or its year when undated)
  superseded_before_plan  when D <= p   (the day of the replacement counts as replaced)
  superseded_since_plan   when p < D <= as_of
  superseded_undated      when D is unknown
  (no row when D > as_of)
and a cited document with no such replacement whose status starts with "hết hiệu lực" gives a row
with reason `status`, dated by its `effective_to` when known (no row while that date is after both
as_of and the citing date).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys

import networkx as nx

CITING_TYPES = ("IMPLEMENTS", "BASED_ON", "CITES")
COLUMNS = ["reason", "citing_id", "citing_symbol", "citing_date", "relation", "cited_id", "cited_symbol",
           "cited_status", "status_source", "replacement_id", "replacement_symbol", "replacement_date",
           "superseded_on", "outdated_at_citing", "outdated_as_of", "basis", "kind", "confidence", "source",
           "supersedes_sentence", "sentence", "file", "start"]
BASIS_VI = {"stated": "văn bản nêu rõ (stated)", "reference": "bảng dữ kiện có nguồn (reference)",
            "succession": "suy luận kế tiếp (succession)", None: "trạng thái có nguồn (status)"}


def _is_doc(g, n) -> bool:
    return "Document" in g.nodes[n].get("labels", ())


def outdated_rows(g: nx.MultiDiGraph, as_of: str | None = None, citing: str | None = None,
                  province: str | None = None) -> list[dict]:
    as_of = as_of or dt.date.today().isoformat()
    rows: dict[tuple, dict] = {}
    # the replacements of each document, found once: a document cited by thousands of plans has
    # thousands of incoming edges, and scanning them for every citation was quadratic
    replaced_by: dict[str, list[tuple[str, dict]]] = {}
    for new, old, s in g.edges(data=True):
        if s.get("type") == "SUPERSEDES" and _is_doc(g, new):
            replaced_by.setdefault(old, []).append((new, s))
    for c, old, r in g.edges(data=True):
        if r.get("type") not in CITING_TYPES or not _is_doc(g, c) or not _is_doc(g, old):
            continue
        cd, od = g.nodes[c], g.nodes[old]
        if citing and citing not in (c, cd.get("symbol")):
            continue
        if province and (cd.get("scope") or "").split("/")[0] != province:
            continue
        citing_date = cd.get("date") or (str(cd["year"]) if cd.get("year") else None)
        base = {"citing_id": c, "citing_symbol": cd.get("symbol"), "citing_date": citing_date,
                "relation": r["type"], "cited_id": old, "cited_symbol": od.get("symbol"),
                "cited_status": od.get("status"), "status_source": od.get("status_source"),
                "sentence": r.get("sentence"), "file": r.get("file"),
                "start": r.get("start") if isinstance(r.get("start"), int) else None}
        found = False
        for new, s in replaced_by.get(old, ()):
            nd = g.nodes[new]
            d = s.get("date") or nd.get("date")
            if d is None:
                reason, at_citing, at_as_of = "superseded_undated", None, None
            elif citing_date is not None and d <= citing_date:
                reason, at_citing, at_as_of = "superseded_before_plan", True, True
            elif d <= as_of:
                reason, at_citing, at_as_of = "superseded_since_plan", (False if citing_date else None), True
            else:
                continue
            found = True
            row = dict(base, reason=reason, replacement_id=new, replacement_symbol=nd.get("symbol"),
                       replacement_date=nd.get("date"), superseded_on=d, outdated_at_citing=at_citing,
                       outdated_as_of=at_as_of, basis=s.get("basis"), kind=s.get("kind"),
                       confidence=s.get("confidence"), source=s.get("source") or s.get("file"),
                       supersedes_sentence=s.get("sentence"))
            rows[tuple(str(row.get(k)) for k in COLUMNS)] = row
        end = od.get("effective_to")
        if not found and (od.get("status") or "").startswith("hết hiệu lực") and \
                (not end or end <= as_of or (citing_date is not None and end <= citing_date)):
            row = dict(base, reason="status", replacement_id=None, replacement_symbol=None, replacement_date=None,
                       superseded_on=end,
                       outdated_at_citing=(end <= citing_date) if end and citing_date else None,
                       outdated_as_of=(end <= as_of) if end else None, basis=None, kind=None, confidence=None,
                       source=od.get("status_source"), supersedes_sentence=None)
            rows[tuple(str(row.get(k)) for k in COLUMNS)] = row
    return sorted(({k: row.get(k) for k in COLUMNS} for row in rows.values()),
                  key=lambda r: (r["citing_id"], r["cited_id"], r["reason"], r["replacement_date"] or "",
                                 r["replacement_id"] or "", r["file"] or "", r["start"] if r["start"] is not None else -1))


def status_notes(g: nx.MultiDiGraph, citing_ids: set[str] | None = None) -> list[dict]:
    """Citations by ingested plans of documents whose status is not known and whose replacement the
    reviewed table calls unverified: shown with the table's note, never as a verdict."""
    out = []
    for c, old, r in g.edges(data=True):
        if r.get("type") not in CITING_TYPES or (citing_ids is not None and c not in citing_ids) or \
                "Ingested" not in g.nodes[c].get("labels", ()):
            continue
        od = g.nodes[old]
        if od.get("status_basis") == "reference" and od.get("status") == "không xác định" and \
                od.get("replacement_unverified"):
            out.append({"citing_id": c, "cited_id": old, "cited_symbol": od.get("symbol"),
                        "status": od["status"], "note": od.get("status_note"),
                        "replacement": od.get("replacement_unverified"), "source": od.get("status_source")})
    return sorted({(n["citing_id"], n["cited_id"]): n for n in out}.values(),
                  key=lambda n: (n["citing_id"], n["cited_id"]))


def reverse_rows(rows: list[dict]) -> list[dict]:
    """Documents still cited on or after the date their replacement was issued."""
    by_doc: dict[tuple, dict] = {}
    listed: set[tuple] = set()
    for r in rows:
        if r["reason"] != "superseded_before_plan":
            continue
        key = (r["cited_id"], r["replacement_id"])
        e = by_doc.setdefault(key, {"cited_id": r["cited_id"], "cited_symbol": r["cited_symbol"],
                                    "replacement_id": r["replacement_id"],
                                    "replacement_symbol": r["replacement_symbol"],
                                    "superseded_on": r["superseded_on"], "basis": r["basis"],
                                    "confidence": r["confidence"], "cited_after_by": []})
        item = {"citing_id": r["citing_id"], "citing_symbol": r["citing_symbol"], "citing_date": r["citing_date"]}
        if (key, *item.values()) not in listed:
            listed.add((key, *item.values()))
            e["cited_after_by"].append(item)
    return sorted(by_doc.values(), key=lambda e: (e["cited_id"], e["replacement_id"] or ""))


# --- presentation ------------------------------------------------------------------------------------


def _vn_date(d: str | None) -> str:
    if not d:
        return "không rõ ngày"
    parts = d.split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else d


def _name(g, n: str) -> str:
    d = g.nodes[n]
    head = " ".join(x for x in (d.get("doc_type"), d.get("symbol")) if x) or d.get("name") or n
    when = f" ngày {_vn_date(d['date'])}" if d.get("date") else ""
    issuer = f" của {d['issuer']}" if d.get("issuer") else ""
    return f"{head}{when}{issuer}"


def _flag(v) -> str:
    return {True: "CÓ", False: "không", None: "không rõ"}[v]


def render_text(g: nx.MultiDiGraph, rows: list[dict], as_of: str, notes: list[dict]) -> str:
    out = [f"Trích dẫn văn bản đã bị thay thế hoặc hết hiệu lực — tính đến {_vn_date(as_of)}",
           "Căn cứ: stated = chính văn bản nêu rõ; reference = bảng dữ kiện đã kiểm có nguồn; "
           "succession = suy luận văn bản kế tiếp (cùng cơ quan, cùng loại, cùng chủ đề; kèm độ tin cậy).", ""]
    plans = sorted({r["citing_id"] for r in rows} | {n["citing_id"] for n in notes})
    rows_of: dict[str, list[dict]] = {}
    notes_of: dict[str, list[dict]] = {}
    for r in rows:
        rows_of.setdefault(r["citing_id"], []).append(r)
    for n in notes:
        notes_of.setdefault(n["citing_id"], []).append(n)
    if not plans:
        out.append("Không có trích dẫn nào đã bị thay thế hoặc hết hiệu lực.")
    for p in plans:
        pd = g.nodes[p]
        out.append(f"== {_name(g, p)}")
        if pd.get("title"):
            out.append(f"   “{pd['title']}”")
        for r in rows_of.get(p, ()):
            out.append(f" • Dẫn {_name(g, r['cited_id'])}")
            out.append(f"   Đã bị thay thế/hết hiệu lực vào ngày ban hành kế hoạch: {_flag(r['outdated_at_citing'])}"
                       f" · tính đến {_vn_date(as_of)}: {_flag(r['outdated_as_of'])}")
            if r["replacement_id"]:
                conf = f", độ tin cậy {r['confidence']:.2f}" if r["basis"] == "succession" and r["confidence"] else ""
                out.append(f"   Thay bằng: {_name(g, r['replacement_id'])} (từ {_vn_date(r['superseded_on'])})"
                           f" [{BASIS_VI.get(r['basis'], r['basis'])}{conf}]")
            else:
                out.append(f"   Trạng thái: {r['cited_status']}"
                           f"{' từ ' + _vn_date(r['superseded_on']) if r['superseded_on'] else ''} [status]")
            if r["source"]:
                out.append(f"   Nguồn: {r['source']}")
            if r["sentence"]:
                out.append(f"   Câu trích: “{' '.join(r['sentence'].split())}”")
        for n in notes_of.get(p, ()):
            out.append(f" • Dẫn {_name(g, n['cited_id'])} — trạng thái: {n['status']}"
                       f"{' (thay thế: ' + n['replacement'] + ')' if n['replacement'] else ''}")
            if n["note"]:
                out.append(f"   Ghi chú đã kiểm: {n['note']}")
        out.append("")
    rev = reverse_rows(rows)
    if rev:
        out.append("== Văn bản vẫn được dẫn sau khi đã có văn bản thay thế")
        for e in rev:
            later = ", ".join(f"{x['citing_symbol'] or x['citing_id']} ({_vn_date(x['citing_date'])})"
                              for x in e["cited_after_by"])
            out.append(f" • {e['cited_symbol']} → {e['replacement_symbol']} từ {_vn_date(e['superseded_on'])}"
                       f" [{e['basis']}]: vẫn được dẫn bởi {later}")
    return "\n".join(out).rstrip() + "\n"


def report(g: nx.MultiDiGraph, as_of: str | None = None, fmt: str = "text") -> str:
    from vbgraph.graph.status import enrich

    if not any(d.get("name_2025") for _, d in g.nodes(data=True)):
        enrich(g)                       # a graph written before status enrichment
    as_of = as_of or dt.date.today().isoformat()
    rows = outdated_rows(g, as_of)
    notes = status_notes(g)
    if fmt == "json":
        return json.dumps({"as_of": as_of, "citations": rows, "still_cited_after_replacement": reverse_rows(rows),
                           "status_notes": notes}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        return buf.getvalue()
    return render_text(g, rows, as_of, notes)


def _cmd_report(args) -> int:
    from vbgraph.graph.surface_cli import SurfaceError, load_graph

    if args.as_of:
        try:
            dt.date.fromisoformat(args.as_of)
        except ValueError:
            print(f"vbgraph report: --as-of must be YYYY-MM-DD, not {args.as_of!r}", file=sys.stderr)
            return 2
    try:
        g = load_graph(args)
    except SurfaceError as exc:
        print(f"vbgraph: {exc}", file=sys.stderr)
        return getattr(exc, "code", 1) if isinstance(getattr(exc, "code", None), int) else 1
    sys.stdout.write(report(g, args.as_of, args.format))
    return 0


def add_cli(subparsers) -> None:
    """Register ``report`` (``vbgraph report outdated …``) on an argparse subparsers object."""
    from vbgraph.graph.surface_cli import _graph_arguments

    p = subparsers.add_parser("report", help="reports for an analyst (outdated citations)")
    kinds = p.add_subparsers(dest="report", required=True)
    q = kinds.add_parser("outdated", help="citations of documents superseded or expired, on the plan's date and "
                                          "as of today (or --as-of), with replacement, basis, confidence, source")
    _graph_arguments(q)
    q.add_argument("--as-of", metavar="DATE", help="reference date YYYY-MM-DD (default today)")
    q.add_argument("--format", choices=["text", "csv", "json"], default="text")
    q.set_defaults(func=_cmd_report)
