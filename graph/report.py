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
BASIS_VI = {"stated": "văn bản nêu rõ", "reference": "bảng dữ kiện đã kiểm", "succession": "suy luận kế tiếp",
            None: "trạng thái có nguồn"}


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
        end = od.get("status_since") or od.get("effective_to")
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


REPORT_COLUMNS = COLUMNS + ["cited_status_as_of", "note"]


def _ingested(d: dict) -> bool:
    labels = d.get("labels", ())
    return "Ingested" in labels or "Plan" in labels


def cited_statuses(g: nx.MultiDiGraph, as_of: str) -> dict[str, dict]:
    """Every document an ingested document cites → its status as of `as_of` (from its history)."""
    from vbgraph.graph.status import history_of, status_at

    out: dict[str, dict] = {}
    for c, old, r in g.edges(data=True):
        if r.get("type") in CITING_TYPES and old not in out and _is_doc(g, old) and _ingested(g.nodes[c]):
            out[old] = status_at(history_of(g, old), as_of, g.nodes[old].get("date"))
    return out


def status_summary(statuses: dict[str, dict]) -> dict:
    by_status: dict[str, int] = {}
    for st in statuses.values():
        by_status[st["status"]] = by_status.get(st["status"], 0) + 1
    sourced = sum(1 for st in statuses.values() if st["event"])
    return {"cited_documents": len(statuses), "by_status": dict(sorted(by_status.items())),
            "with_source": sourced, "coverage": round(sourced / len(statuses), 4) if statuses else None}


def report_rows(g: nx.MultiDiGraph, as_of: str, statuses: dict[str, dict], everything: bool = False) -> list[dict]:
    """The report's one set of rows (text, CSV and JSON print the same): the outdated citations, and with
    `everything` also the citations of documents whose status is not known (reason `unknown`)."""
    rows = [dict(r, cited_status_as_of=statuses.get(r["cited_id"], {}).get("status"),
                 note=g.nodes[r["cited_id"]].get("status_note")) for r in outdated_rows(g, as_of)]
    if everything:
        seen = {(r["citing_id"], r["cited_id"]) for r in rows}
        for c, old, r in g.edges(data=True):
            if r.get("type") not in CITING_TYPES or (c, old) in seen or old not in statuses or \
                    statuses[old]["status"] != "không xác định" or not _ingested(g.nodes[c]):
                continue
            seen.add((c, old))
            cd, od = g.nodes[c], g.nodes[old]
            row = {k: None for k in REPORT_COLUMNS}
            row.update(reason="unknown", citing_id=c, citing_symbol=cd.get("symbol"),
                       citing_date=cd.get("date") or (str(cd["year"]) if cd.get("year") else None),
                       relation=r["type"], cited_id=old, cited_symbol=od.get("symbol"), cited_status=od.get("status"),
                       cited_status_as_of="không xác định", note=od.get("status_note"), sentence=r.get("sentence"),
                       file=r.get("file"), start=r.get("start") if isinstance(r.get("start"), int) else None)
            rows.append(row)
    return sorted(rows, key=lambda r: (r["citing_id"], r["reason"] == "unknown", r["cited_id"], r["reason"],
                                       r["replacement_date"] or "", r["replacement_id"] or "", r["file"] or "",
                                       r["start"] if r["start"] is not None else -1))


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


REPLACED_VI = {"replaces": "Thay bằng", "repeals": "Bị bãi bỏ bởi", "expires": "Hết hiệu lực theo",
               "succeeds": "Văn bản kế tiếp"}


def _summary_lines(summary: dict, rows: list[dict], as_of: str, unknown_citations: int, everything: bool) -> list[str]:
    n = summary["cited_documents"]
    parts = " · ".join(f"{k} {v}" for k, v in summary["by_status"].items()) or "không có"
    share = f" ({summary['coverage'] * 100:.1f} %)" if n else ""
    outdated = sum(1 for r in rows if r["reason"] != "unknown")
    out = [f"Tóm tắt: {n} văn bản được dẫn; trạng thái tính đến {_vn_date(as_of)}: {parts}.",
           f"Trạng thái có nguồn: {summary['with_source']}/{n}{share}. "
           f"Trích dẫn đã bị thay thế hoặc hết hiệu lực: {outdated}."]
    if unknown_citations:
        out.append(f"Trích dẫn tới văn bản chưa xác định được trạng thái: {unknown_citations}"
                   + ("." if everything else " (liệt kê khi thêm --all)."))
    return out


def render_text(g: nx.MultiDiGraph, rows: list[dict], as_of: str, summary: dict | None = None,
                unknown_citations: int = 0, everything: bool = False) -> str:
    out = [f"Trích dẫn văn bản đã bị thay thế hoặc hết hiệu lực — tính đến {_vn_date(as_of)}"]
    if summary:                         # rows straight from outdated_rows() come without one
        out += _summary_lines(summary, rows, as_of, unknown_citations, everything)
    out += ["Căn cứ: văn bản nêu rõ = chính một văn bản đã đọc nói như vậy; bảng dữ kiện = bảng đã kiểm, mỗi dòng "
            "có nguồn; suy luận kế tiếp = văn bản cùng cơ quan, cùng loại, cùng chủ đề ban hành sau (kèm độ tin cậy).",
            ""]
    plans = sorted({r["citing_id"] for r in rows})
    rows_of: dict[str, list[dict]] = {}
    for r in rows:
        rows_of.setdefault(r["citing_id"], []).append(r)
    if not plans:
        out.append("Không có trích dẫn nào đã bị thay thế hoặc hết hiệu lực.")
    for p in plans:
        pd = g.nodes[p]
        out.append(f"== {_name(g, p)}")
        if pd.get("title"):
            out.append(f"   “{pd['title']}”")
        for r in rows_of.get(p, ()):
            if r["reason"] == "unknown":
                out.append(f" • Dẫn {_name(g, r['cited_id'])} — trạng thái: không xác định")
            else:
                out.append(f" • Dẫn {_name(g, r['cited_id'])}")
                out.append(f"   Đã bị thay thế/hết hiệu lực vào ngày ban hành văn bản dẫn: {_flag(r['outdated_at_citing'])}"
                           f" · tính đến {_vn_date(as_of)}: {_flag(r['outdated_as_of'])}")
            if r["replacement_id"]:
                conf = f", độ tin cậy {r['confidence']:.2f}" if r["basis"] == "succession" and r["confidence"] else ""
                verb = REPLACED_VI.get(r["kind"], "Thay bằng")
                out.append(f"   {verb}: {_name(g, r['replacement_id'])} (từ {_vn_date(r['superseded_on'])})"
                           f" [{BASIS_VI.get(r['basis'], r['basis'])}{conf}]")
            elif r["reason"] == "status":
                out.append(f"   Trạng thái: {r['cited_status']}"
                           f"{' từ ' + _vn_date(r['superseded_on']) if r['superseded_on'] else ''}")
            if r["basis"] == "stated" and r["supersedes_sentence"]:
                out.append(f"   Nguồn: {_name(g, r['replacement_id'])} ({r['source'].split(':')[0]}): "
                           f"“{' '.join(r['supersedes_sentence'].split())}”")
            elif r["source"]:
                out.append(f"   Nguồn: {' '.join(str(r['source']).split())}")
            if r.get("note"):
                out.append(f"   Ghi chú: {r['note']}")
            if r["sentence"]:
                out.append(f"   Câu dẫn: “{' '.join(r['sentence'].split())}”")
        out.append("")
    rev = reverse_rows(rows)
    if rev:
        out.append("== Văn bản vẫn được dẫn sau khi đã có văn bản thay thế")
        for e in rev:
            later = ", ".join(f"{x['citing_symbol'] or x['citing_id']} ({_vn_date(x['citing_date'])})"
                              for x in e["cited_after_by"])
            out.append(f" • {e['cited_symbol']} → {e['replacement_symbol']} từ {_vn_date(e['superseded_on'])}"
                       f" [{BASIS_VI.get(e['basis'], e['basis'])}]: vẫn được dẫn bởi {later}")
    return "\n".join(out).rstrip() + "\n"


def report(g: nx.MultiDiGraph, as_of: str | None = None, fmt: str = "text", everything: bool = False) -> str:
    from vbgraph.graph.status import enrich

    if not any(d.get("name_2025") for _, d in g.nodes(data=True)):
        enrich(g)                       # a graph written before status enrichment
    as_of = as_of or dt.date.today().isoformat()
    statuses = cited_statuses(g, as_of)
    summary = status_summary(statuses)
    all_rows = report_rows(g, as_of, statuses, everything=True)
    unknown = sum(1 for r in all_rows if r["reason"] == "unknown")
    rows = all_rows if everything else [r for r in all_rows if r["reason"] != "unknown"]
    summary["unknown_citations"] = unknown
    if fmt == "json":
        return json.dumps({"as_of": as_of, "summary": summary, "citations": rows,
                           "still_cited_after_replacement": reverse_rows(rows)},
                          ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=REPORT_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        return buf.getvalue()
    return render_text(g, rows, as_of, summary, unknown, everything)


def _graph_for(args, verb: str, as_of: str | None):
    """(graph, 0) of the command's graph arguments, or (None, exit code) after one line on stderr."""
    from vbgraph.export import SurfaceError, load_graph

    if as_of:
        try:
            dt.date.fromisoformat(as_of)
        except ValueError:
            print(f"vbgraph {verb}: --as-of must be YYYY-MM-DD, not {as_of!r}", file=sys.stderr)
            return None, 2
    try:
        return load_graph(args), 0
    except SurfaceError as exc:
        print(f"vbgraph: {exc}", file=sys.stderr)
        return None, exc.code


def _cmd_report(args) -> int:
    g, code = _graph_for(args, "report", args.as_of)
    if g is None:
        return code
    sys.stdout.write(report(g, args.as_of, args.format, everything=args.all))
    return 0


def add_cli(subparsers) -> None:
    """Register ``report`` (``vbgraph report outdated …``) on an argparse subparsers object."""
    from vbgraph.export import _graph_arguments

    p = subparsers.add_parser("report", help="reports for an analyst (outdated citations)")
    kinds = p.add_subparsers(dest="report", required=True)
    q = kinds.add_parser("outdated", help="citations of documents superseded or expired, on the plan's date and "
                                          "as of today (or --as-of), with replacement, basis, confidence, source")
    _graph_arguments(q)
    q.add_argument("--as-of", metavar="DATE", help="reference date YYYY-MM-DD (default today)")
    q.add_argument("--format", choices=["text", "csv", "json"], default="text")
    q.add_argument("--all", action="store_true",
                   help="also list the citations of documents whose status is not known (they are always counted)")
    q.set_defaults(func=_cmd_report)


# --- `vbgraph status SYMBOL|ID`: one document's status and history -----------------------------------


def find_documents(g: nx.MultiDiGraph, query: str) -> list[str]:
    """The documents a node id or a symbol names (a symbol may name documents of several places);
    those with a history first."""
    from vbgraph.extract.tables import fold

    if query in g and _is_doc(g, query):
        return [query]
    key = fold(query)
    hits = [n for n, d in g.nodes(data=True) if "Document" in d.get("labels", ())
            and (fold(d.get("symbol") or "") == key or key in (fold(w) for w in d.get("written_forms") or []))]
    return sorted(hits, key=lambda n: (not g.nodes[n].get("status_history"), n))


def _scope_vi(scope: str | None) -> str | None:
    """'Bắc Kạn (từ 12/06/2025 thuộc tỉnh Thái Nguyên, NQ 202/2025/QH15)': the place follows the merger."""
    from vbgraph.graph.status import MERGER_DATE, MERGER_SOURCE_ACT, province_2025

    if not scope or scope in ("national", "party-central"):
        return {"national": "trung ương", "party-central": "Trung ương Đảng"}.get(scope)
    province = scope.split("/")[0]
    new, _ = province_2025(province)
    if new and new.split(" ", 1)[-1] not in (province, new) and not new.endswith(province):
        return f"{scope} (từ {_vn_date(MERGER_DATE)} thuộc {new[0].lower() + new[1:]}, NQ {MERGER_SOURCE_ACT})"
    return scope


def document_status(g: nx.MultiDiGraph, n: str, as_of: str) -> dict:
    from vbgraph.graph.status import history_of, status_at

    d = g.nodes[n]
    events = history_of(g, n)
    st = status_at(events, as_of, d.get("date"))
    return {"id": n, "symbol": d.get("symbol"), "doc_type": d.get("doc_type"), "date": d.get("date"),
            "issuer": d.get("issuer"), "scope": d.get("scope"), "place": _scope_vi(d.get("scope")),
            "title": d.get("title"), "effective_from": d.get("effective_from"), "effective_to": d.get("effective_to"),
            "as_of": as_of, "status": st["status"], "since": st["since"], "basis": st["event"]["basis"] if st["event"] else None,
            "source": st["event"], "conflicts": st["conflicts"], "note": d.get("status_note"), "history": events}


def _event_line(g: nx.MultiDiGraph, ev: dict) -> list[str]:
    from vbgraph.graph.status import ACTION_VI

    when = _vn_date(ev.get("date")) if ev.get("date") else \
        (f"không rõ ngày (đã nêu vào {_vn_date(ev['known_by'])})" if ev.get("known_by") else "không rõ ngày")
    whole = ev.get("status") in ("hết hiệu lực toàn bộ", "ngưng hiệu lực")
    who = _name(g, ev["source_id"]) if ev.get("source_id") in g and ev.get("basis") != "reference" else "bảng dữ kiện đã kiểm"
    status = ev.get("status") or "không đổi trạng thái (chỉ là suy luận)"
    conf = f", độ tin cậy {ev['confidence']:.2f}" if ev.get("basis") == "succession" and ev.get("confidence") else ""
    out = [f"  {when}  {status} — {ACTION_VI.get(ev['action'], ev['action'])}: {who} "
           f"[{BASIS_VI.get(ev.get('basis'), ev.get('basis'))}{conf}]",
           f"      Phần bị tác động: {ev.get('part') or ('toàn bộ văn bản' if whole else 'không nêu rõ')}"
           if ev["action"] not in ("in_force", "reference")
           else None,
           f"      Nguồn: “{' '.join(str(ev['sentence']).split())}”" + (f" ({ev['file']})" if ev.get("file") else "")
           if ev.get("sentence") else None]
    return [x for x in out if x]


def render_status(g: nx.MultiDiGraph, info: dict) -> str:
    out = [f"{_name(g, info['id'])}  [{info['id']}]"]
    if info["place"]:
        out.append(f"Phạm vi: {info['place']}")
    since = f" từ {_vn_date(info['since'])}" if info["since"] else ""
    out.append(f"Trạng thái tính đến {_vn_date(info['as_of'])}: {info['status']}{since}"
               + (f" [{BASIS_VI.get(info['basis'], info['basis'])}]" if info["basis"] else ""))
    ev = info["source"]
    if ev and info["status"] == "còn hiệu lực" and ev.get("status") != "còn hiệu lực":
        out.append(f"  Còn hiệu lực đến trước {_vn_date(ev.get('date') or ev.get('known_by'))}, theo:")
    elif ev and ev.get("action") == "in_force":
        out.append("  Trong các văn bản đã đọc chưa thấy văn bản nào làm văn bản này hết hiệu lực. Căn cứ:")
    elif ev:
        out.append("  Căn cứ:")
    if ev:
        out += _event_line(g, ev)
    elif info["status"] == "không xác định":
        out.append("  Không có văn bản hay dữ kiện nào có nguồn nói về hiệu lực của văn bản này.")
    if info["conflicts"]:
        out.append("Các nguồn mâu thuẫn nhau (giữ nguyên cả hai, cần kiểm tra):")
        for ev in info["conflicts"]:
            out += _event_line(g, ev)
    if info["note"]:
        out.append(f"Ghi chú: {info['note']}")
    out.append("Lịch sử hiệu lực:" if info["history"] else "Lịch sử hiệu lực: chưa có sự kiện nào.")
    for ev in info["history"]:
        out += _event_line(g, ev)
    return "\n".join(out) + "\n"


def _cmd_status(args) -> int:
    as_of = args.as_of or dt.date.today().isoformat()
    g, code = _graph_for(args, "status", as_of)
    if g is None:
        return code
    found = find_documents(g, args.document)
    if not found:
        print(f"vbgraph status: no document {args.document!r} in the graph", file=sys.stderr)
        return 2
    infos = [document_status(g, n, as_of) for n in found]
    if args.format == "json":
        sys.stdout.write(json.dumps(infos if len(infos) > 1 else infos[0], ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write("\n".join(render_status(g, i) for i in infos))
    return 0


def add_status_cli(subparsers) -> None:
    from vbgraph.export import _graph_arguments

    p = subparsers.add_parser("status", help="a document's legal status as of a date and its whole history, "
                                             "each event with its source")
    p.add_argument("document", metavar="SYMBOL|ID", help="e.g. 35/2024/QĐ-UBND or a node id")
    _graph_arguments(p)
    p.add_argument("--as-of", metavar="DATE", help="reference date YYYY-MM-DD (default today)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=_cmd_status)
