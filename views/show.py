"""`vbgraph show FILE`: one document as HTML with what the extractor found highlighted (spaCy displaCy).

    html = show_html(raw_text, "plan.txt")
    items, record = highlights(raw_text, "plan.txt")     # what is highlighted, in text order

The text shown is the normalised text the extractor reads (``doc.user_data["nt"].text``; the spans of
``doc.spans`` and of the typed records are offsets into it).  Four kinds are highlighted:

* citation — every mention of a cited document; the label is its document type, the tooltip its resolved
  symbol, date, issuer, scope and relation to the plan;
* agency — every mention of an agency given tasks; the tooltip its name and deadlines;
* deadline — a date the extractor reads as a deadline (a date after a deadline word: "trước ngày …",
  "chậm nhất …"), completed with the plan's year;
* movement — every mention of a movement or campaign.

Where two items overlap only one is drawn (citation, then deadline, agency, movement; the longer first);
the page counts what was hidden that way.  displaCy's "ent" renderer escapes the text; everything this
module adds (labels, tooltips, header, summary) is escaped with ``html.escape`` — no document text becomes
markup.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

KINDS = {  # kind → (colour, legend)
    "citation": ("#a6cee3", "cited document"),
    "deadline": ("#fb9a99", "deadline"),
    "agency": ("#b2df8a", "agency given tasks"),
    "movement": ("#fdbf6f", "movement / campaign"),
}
_PRIORITY = {k: i for i, k in enumerate(KINDS)}
LIST_CAP = 300  # summary lists beside the text stop here (the highlights do not)

_ENT_TEMPLATE = (
    '<mark class="entity" data-kind="{kind}" title="{tip}" style="background: {bg}; padding: 0.15em 0.35em; '
    'margin: 0 0.1em; line-height: 1.9; border-radius: 0.3em; box-decoration-break: clone; '
    '-webkit-box-decoration-break: clone;">{text}<span class="lbl">{label}</span></mark>')


@dataclass
class Highlight:
    start: int
    end: int
    kind: str
    label: str
    tip: list[tuple[str, str]]


def _rows(*pairs) -> list[tuple[str, str]]:
    return [(k, ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v))
            for k, v in pairs if v not in (None, "", [])]


def _deadlines(nt, plan: dict) -> list[Highlight]:
    from vbgraph.extract.dates import complete, find_dates

    try:  # the agency finder's own rule for "a date after a deadline word"
        from vbgraph.extract.agencies import _deadline_cue
        cue = _deadline_cue()
    except (ImportError, AttributeError):  # pragma: no cover - an older or newer agency finder
        return []
    out = []
    for d in find_dates(nt.text):
        if cue.search(nt.text[max(0, d.start - 40):d.start]):
            iso = complete(d.iso, plan.get("year"))
            out.append(Highlight(d.start, d.end, "deadline", "DEADLINE", _rows(("deadline", iso or d.iso))))
    return out


def highlights(raw: str, source: str = "<text>") -> tuple[list[Highlight], dict, int, object]:
    """(drawn highlights in text order, the record, how many overlapping ones were hidden, the spaCy Doc)."""
    from vbgraph.extract.pipeline import analyse_doc

    record, doc = analyse_doc(raw, source=source)
    nt = doc.user_data["nt"]
    found: list[Highlight] = []
    for c, rc in zip(doc.user_data.get("citations", []), record["citations"]):
        tip = _rows(("symbol", rc.get("symbol")), ("type", rc.get("doc_type")), ("date", rc.get("date")),
                    ("issuer", rc.get("issuer")), ("scope", rc.get("scope")),
                    ("relation", rc.get("relations")), ("title", rc.get("title")),
                    ("mentions", rc.get("mentions")))
        for m in c.mentions:
            found.append(Highlight(m.start, m.end, "citation", (rc.get("doc_type") or "CITATION").upper(), tip))
    for a in doc.user_data.get("agencies", []):
        for e in a.evidence:
            found.append(Highlight(e.start, e.end, "agency", "AGENCY",
                                   _rows(("agency", a.name), ("deadlines", a.deadlines), ("rule", e.rule))))
    for mv in doc.user_data.get("movements", []):
        for e in mv.evidence:
            found.append(Highlight(e.start, e.end, "movement", "MOVEMENT",
                                   _rows(("movement", mv.name), ("rule", e.rule))))
    found += _deadlines(nt, record["plan"])

    text_len = len(nt.text)
    taken = bytearray(text_len + 1)
    drawn, hidden = [], 0
    for h in sorted(found, key=lambda h: (_PRIORITY[h.kind], h.start - h.end, h.start)):
        s, e = max(0, h.start), min(text_len, h.end)
        if e <= s or any(taken[s:e]):
            hidden += 1
            continue
        taken[s:e] = b"\x01" * (e - s)
        drawn.append(h)
    drawn.sort(key=lambda h: h.start)
    return drawn, record, hidden, doc


def _more(items: list, open_tag: str, close_tag: str) -> str:
    extra = len(items) - LIST_CAP
    return f'{open_tag}<span class="muted">… and {extra} more</span>{close_tag}' if extra > 0 else ""


def _tip_text(rows) -> str:
    return "\n".join(f"{k}: {v}" for k, v in rows)


def show_html(raw: str, source: str = "<text>") -> str:
    """The whole HTML page for one document."""
    from spacy import displacy

    drawn, record, hidden, doc = highlights(raw, source)
    nt = doc.user_data["nt"]
    ents = [{"start": h.start, "end": h.end, "label": html.escape(h.label),
             "params": {"kind": h.kind, "bg": KINDS[h.kind][0], "tip": html.escape(_tip_text(h.tip))}}
            for h in drawn]
    body = displacy.render({"text": nt.text, "ents": ents, "title": None}, style="ent", manual=True,
                           options={"template": _ENT_TEMPLATE})
    counts = {k: sum(1 for h in drawn if h.kind == k) for k in KINDS}
    plan = record["plan"]
    e = html.escape
    meta = [(k, plan.get(k)) for k in ("doc_type", "symbol", "date", "issuer", "level", "province", "district",
                                       "signer", "title") if plan.get(k)]
    legend = "".join(f'<span class="key" style="background:{c}">{e(text)} <b>{counts[k]}</b></span>'
                     for k, (c, text) in KINDS.items())
    if hidden:
        legend += f'<span class="muted">{hidden} overlapping item{"s" if hidden > 1 else ""} not drawn</span>'
    cites = "".join(
        f"<tr><td>{e(c.get('symbol') or c.get('first_mention') or '')}</td><td>{e(c.get('doc_type') or '')}</td>"
        f"<td>{e(c.get('date') or '')}</td><td>{e(', '.join(c.get('relations') or []))}</td>"
        f"<td>{e(c.get('scope') or '')}</td><td>{c.get('mentions', 0)}</td></tr>"
        for c in record["citations"][:LIST_CAP]) + _more(record["citations"], "<tr><td colspan=6>", "</td></tr>")
    agencies = "".join(f"<li>{e(a['name'])}{' — ' + e(', '.join(a['deadlines'])) if a['deadlines'] else ''}</li>"
                       for a in record["agencies"][:LIST_CAP]) + _more(record["agencies"], "<li>", "</li>")
    movements = "".join(f"<li>{e(m)}</li>" for m in record["movements"][:LIST_CAP]) + _more(
        record["movements"], "<li>", "</li>")
    heading = " ".join(str(plan.get(k)) for k in ("doc_type", "symbol", "date") if plan.get(k)) or source
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="generator" content="vbgraph show (spaCy displaCy)">
<title>vbgraph show — {e(source)}</title>
<style>
  body {{ font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #222; }}
  header {{ position: sticky; top: 0; background: #fafafa; border-bottom: 1px solid #ddd; padding: 8px 24px; z-index: 1; }}
  h1 {{ font-size: 17px; margin: 0 0 4px; }}
  dl.meta {{ display: grid; grid-template-columns: auto 1fr; gap: 0 10px; margin: 0 0 6px; font-size: 13px; }}
  dl.meta dt {{ color: #666; }} dl.meta dd {{ margin: 0; }}
  .key {{ display: inline-block; padding: 1px 8px; margin: 2px 6px 2px 0; border-radius: 4px; font-size: 13px; }}
  .muted {{ color: #777; font-size: 13px; }}
  main {{ display: grid; grid-template-columns: minmax(0, 3fr) minmax(260px, 1fr); gap: 24px; padding: 12px 24px; }}
  .entities {{ max-width: 980px; }}
  mark.entity .lbl {{ font-size: 0.65em; font-weight: 700; margin-left: 0.4em; vertical-align: middle; opacity: .75; }}
  aside {{ font-size: 13px; }} aside h2 {{ font-size: 13px; text-transform: uppercase; color: #555; margin: 14px 0 4px; }}
  table {{ border-collapse: collapse; width: 100%; }} td, th {{ border-bottom: 1px solid #eee; padding: 2px 4px; text-align: left; vertical-align: top; }}
  aside ul {{ padding-left: 18px; margin: 0; }}
</style>
</head>
<body>
<header>
  <h1>{e(heading)} <span class="muted">— {e(source)}</span></h1>
  <dl class="meta">{''.join(f'<dt>{e(k)}</dt><dd>{e(str(v))}</dd>' for k, v in meta)}</dl>
  <div>{legend}</div>
</header>
<main>
  <article>{body}</article>
  <aside>
    <h2>Citations ({len(record['citations'])})</h2>
    <table><tr><th>symbol</th><th>type</th><th>date</th><th>relation</th><th>scope</th><th>×</th></tr>{cites}</table>
    <h2>Agencies ({len(record['agencies'])})</h2><ul>{agencies}</ul>
    <h2>Movements ({len(record['movements'])})</h2><ul>{movements}</ul>
  </aside>
</main>
</body>
</html>
"""
