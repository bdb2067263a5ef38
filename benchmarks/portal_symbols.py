#!/usr/bin/env python
"""The document's own symbol against the portal's "Số hiệu" on the portal captures of the 14k corpus.

    python benchmarks/portal_symbols.py [CORPUS] [--shared DIR] [--unpack-to DIR] [--show N] [--json]

CORPUS is the corpus archive (default: <shared>/corpus/vn-legal-14k.tar.xz, <shared> being
../shared beside the repository or --shared) or a folder holding the unpacked files.  An archive is
unpacked into a temporary folder under /tmp (never into the repository) and removed afterwards,
unless --unpack-to names a folder to keep.

A portal capture is a file whose top carries the portal's metadata box (`header.portal_box`: "Số
hiệu" and at least one more label).  For each, two symbols are compared with the box's "Số hiệu"
(compared folded: case, Đ/D and spaces ignored; the box's Party form "27-NQ/TW" and a State-style
"27/NQ-TW" count as one):
    header   what the document's own header says ("Số: …"), read by `header.read_header` after the box
             — the cross-check of two independent sources, and the figure the goal (≥ 95 %) is about;
    record   `plan.extract_plan`'s symbol, which takes the box's when the header gives none.
Captures whose text holds no header at all (the page kept only the box and a summary) are counted
apart.  The box's date, type and signer are compared
the same way with the header's date, the record's type and the signature block's name.  Every
disagreement of the header's symbol is listed (missing or different) with the header's first line
after the box, so recurring header patterns show.  This reads ../shared, so it is a benchmark, not a
test.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOAL = 0.95


def _key(symbol: str | None) -> str | None:
    if not symbol:
        return None
    from vbgraph.extract.header import party_style
    from vbgraph.extract.tables import fold
    return fold(party_style(symbol.replace("–", "-")))


def _fold(value: str) -> str:
    from vbgraph.extract.names import fold   # one tone placement: "Hòa" = "Hoà"
    return fold(value)


def _files(corpus: Path, unpack_to: Path | None):
    if corpus.is_dir():
        return sorted(corpus.rglob("*.md")) + sorted(corpus.rglob("*.txt")), None
    target = unpack_to or Path(tempfile.mkdtemp(prefix="portal_symbols_", dir="/tmp"))
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(corpus) as tar:
        tar.extractall(target, filter="data")
    files = sorted(target.rglob("*.md")) + sorted(target.rglob("*.txt"))
    return files, (None if unpack_to else target)


def measure(files) -> dict:
    from vbgraph.extract.dates import find_dates
    from vbgraph.extract.header import find_anchor, portal_box, read_header, signer
    from vbgraph.extract.plan import extract_plan
    from vbgraph.extract.readers import read_document
    from vbgraph.extract.text import normalise

    rows = []
    for path in files:
        raw = path.read_bytes()
        if "Số hiệu".encode() not in raw:
            continue  # the box's label must be there: most files need no normalising
        try:
            text = read_document(path)
        except Exception:
            continue
        nt = normalise(text)
        box = portal_box(nt.text)
        if not box:
            continue
        header = read_header(nt.text, box.end)
        plan, _ = extract_plan(nt)
        first = next((ln for ln in nt.text[box.end:box.end + 3000].split("\n")
                      if ln.strip() and ("Số" in ln or "SỐ" in ln)), "")
        box_date = find_dates(box.fields.get("date", ""))
        rows.append({"file": path.name, "box": box.fields["symbol"], "header": header.symbol,
                     "box_date": box_date[0].iso if box_date else None, "date": header.date,
                     "box_type": box.fields.get("doc_type"), "box_signer": box.fields.get("signer"),
                     "signer": signer(nt.text, header.end),
                     "has_header": bool(header.symbol or find_anchor(nt.text, box.end)),
                     "record": plan["symbol"], "doc_type": plan["doc_type"], "level": plan["level"],
                     "province": plan["province"], "line": first[:160]})
    out = {"captures": len(rows)}
    for which in ("header", "record"):
        agree = sum(_key(r[which]) == _key(r["box"]) for r in rows)
        missing = sum(r[which] is None for r in rows)
        out[which] = {"agree": agree, "missing": missing, "wrong": len(rows) - agree - missing,
                      "rate": agree / len(rows) if rows else None}
    with_header = [r for r in rows if r["has_header"]]
    agree = sum(_key(r["header"]) == _key(r["box"]) for r in with_header)
    out["header_present"] = {"captures": len(with_header), "agree": agree,
                             "rate": agree / len(with_header) if with_header else None}
    # the other fields the box states, over the captures whose header gives them
    for field, box_field in (("date", "box_date"), ("doc_type", "box_type"), ("signer", "box_signer")):
        both = [r for r in with_header if r[field] and r[box_field]]
        same = sum(_fold(r[field]) == _fold(r[box_field]) for r in both)
        out[f"{field}_agreement"] = {"compared": len(both), "agree": same}
    out["disagreements"] = [r for r in rows if _key(r["header"]) != _key(r["box"])]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", help="archive or unpacked folder")
    ap.add_argument("--shared", default=str(REPO.parent / "shared"), help="the shared folder (default ../shared)")
    ap.add_argument("--unpack-to", help="unpack the archive here and keep it")
    ap.add_argument("--show", type=int, default=1000, help="list at most N disagreements")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    corpus = Path(args.corpus) if args.corpus else Path(args.shared) / "corpus" / "vn-legal-14k.tar.xz"
    if not corpus.exists():
        print(f"no corpus at {corpus} (give CORPUS or --shared)", file=sys.stderr)
        return 2
    files, cleanup = _files(corpus, Path(args.unpack_to) if args.unpack_to else None)
    try:
        result = measure(files)
    finally:
        if cleanup:
            shutil.rmtree(cleanup, ignore_errors=True)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    n = result["captures"]
    print(f"portal captures (metadata box with 'Số hiệu'): {n} of {len(files)} files")
    for which, label in (("header", "own header 'Số:' vs box"), ("record", "record (box fills a missing header)")):
        r = result[which]
        rate = f"{r['rate']:.1%}" if r["rate"] is not None else "-"
        print(f"{label:40s} agree {r['agree']}/{n} = {rate}  missing {r['missing']}  wrong {r['wrong']}"
              f"  (goal ≥ {GOAL:.0%})")
    hp = result["header_present"]
    print(f"{'own header, captures that hold a header':40s} agree {hp['agree']}/{hp['captures']}"
          f" = {hp['rate']:.1%}" if hp["rate"] is not None else "no capture holds a header")
    for field in ("date", "doc_type", "signer"):
        a = result[f"{field}_agreement"]
        print(f"{'header ' + field + ' vs box':40s} agree {a['agree']}/{a['compared']}")
    dis = result["disagreements"]
    if dis:
        print(f"\ndisagreements of the header ({len(dis)}):")
        for r in dis[:args.show]:
            where = "" if r["has_header"] else "  (no header in the capture)"
            print(f"  {r['file']}  box={r['box']}  header={r['header']}  [{r['doc_type']}]{where}  | {r['line']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
