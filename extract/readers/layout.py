"""Positioned lines of a page (from a PDF's text layer or from OCR) → running text.

Both readers hand over the same thing — per page, lines with their box — so one set of rules decides
what is a paragraph, what is a wrapped line to join (with its hyphenation), and what is a running
page header, footer or page number to drop.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from statistics import median


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    alone: bool = False      # a table row: never joined to the lines around it


@dataclass
class Page:
    lines: list[Line]
    width: float
    height: float


_PAGE_NUMBER = re.compile(r"^[-–—\s]*(?:(?i:trang)\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?[-–—\s]*$")
_DIGITS = re.compile(r"\d+")
_MARGIN = 0.08          # share of the page height at the top and at the bottom where running heads live
_REPEATED = 0.5         # a margin line on at least half the pages (and two) is a running head or foot


def _margin_lines(page: Page):
    for line in page.lines[:2] + page.lines[-2:]:
        if line.bottom < page.height * _MARGIN or line.top > page.height * (1 - _MARGIN):
            yield line


def _running_key(line: Line) -> str:
    return _DIGITS.sub("#", " ".join(line.text.split())).casefold()


def drop_running_heads(pages: list[Page]) -> list[Page]:
    """Without page numbers and the header/footer lines repeated on most pages."""
    seen = Counter()
    for page in pages:
        seen.update({_running_key(line) for line in _margin_lines(page)})
    repeated = {k for k, n in seen.items() if n >= 2 and n >= _REPEATED * len(pages)}
    out = []
    for page in pages:
        ends = {id(ln) for ln in page.lines[:1] + page.lines[-1:]}
        margin = {id(ln) for ln in _margin_lines(page)}
        out.append(Page([ln for ln in page.lines
                         if not (id(ln) in margin and _running_key(ln) in repeated)
                         and not (id(ln) in ends and _PAGE_NUMBER.match(ln.text))],
                        page.width, page.height))
    return out


def join_lines(a: str, b: str) -> str:
    if a.endswith("\u00ad"):                       # soft hyphen: the word goes on
        return a[:-1] + b
    if len(a) > 1 and a[-1] in "-‐" and not a[-2].isspace() and b[:1].isalnum():
        return a + b                               # "04-CTr/BDVTU-" + "BCSDUBND", "2021-" + "2026"
    return a + " " + b


def page_text(pages: list[Page]) -> str:
    """Paragraphs separated by a blank line where a wider gap than usual stands between two lines.
    Inside a paragraph a line is joined to the one before when that one ran across the text block (it
    was wrapped); after a short line the break stays, and the normaliser decides as it does for any
    hard line break (headings, the header block and list items keep their lines).  A page break
    continues the paragraph when the page's last line was wrapped."""
    out: list[str] = []
    wrapped = False
    for page in drop_running_heads(pages):
        lines = [ln for ln in page.lines if ln.text.strip()]
        if not lines:
            continue
        line_height = median(ln.bottom - ln.top for ln in lines)
        left, right = min(ln.x0 for ln in lines), max(ln.x1 for ln in lines)
        slack = max(0.12 * (right - left), 2 * line_height)
        prev = None
        for ln in lines:
            text = " ".join(ln.text.split())
            gap = ln.top - prev.bottom if prev is not None else 0.0
            if not out:
                out.append(text)
            elif gap > 0.6 * line_height:
                out.append("\n\n" + text)
            elif wrapped and not ln.alone:
                out[-1] = join_lines(out[-1], text)
            else:
                out.append("\n" + text)
            prev = ln
            # a wrapped line spans the text block; a line starting mid-page is a header-block cell
            wrapped = ln.x1 >= right - slack and ln.x0 <= left + slack and not ln.alone
    return "".join(out) + "\n"


def lines_from_words(words: list[dict], x_gap: float) -> list[Line]:
    """Words (dicts with text, x0, x1, top, bottom, size) → lines in reading order.  Words at the same
    height but further apart than `x_gap` are separate segments; a run of rows split so (the two
    columns of the header block: agency | quốc hiệu, "Số: …" | "<place>, ngày …") is read column by
    column, as the cells of a Word table are."""
    rows: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if rows:
            row = rows[-1]
            top, bottom = min(v["top"] for v in row), max(v["bottom"] for v in row)
            overlap = min(bottom, w["bottom"]) - max(top, w["top"])
            if overlap > 0.5 * min(bottom - top, w["bottom"] - w["top"]):
                row.append(w)
                continue
        rows.append([w])
    segmented = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        segments = [[row[0]]]
        for w in row[1:]:
            if w["x0"] - segments[-1][-1]["x1"] > x_gap:
                segments.append([])
            segments[-1].append(w)
        segmented.append([_line(seg) for seg in segments])
    lines: list[Line] = []
    i = 0
    while i < len(segmented):
        j = i
        while j < len(segmented) and len(segmented[j]) > 1:
            j += 1
        if j == i:
            lines.extend(segmented[i])
            i += 1
            continue
        run = [seg for row in segmented[i:j] for seg in row]
        starts = sorted({round(seg.x0) for seg in segmented[i]})
        column = lambda seg: max(k for k, x in enumerate(starts) if x <= seg.x0 + x_gap / 2) \
            if any(x <= seg.x0 + x_gap / 2 for x in starts) else 0
        lines.extend(sorted(run, key=lambda seg: (column(seg), seg.top)))
        i = j
    return lines


def _line(words: list[dict]) -> Line:
    sizes = sorted(w.get("size", 0) for w in words)
    body = sizes[len(sizes) // 2]
    texts = []
    for w in words:
        # a number set smaller than the line is a footnote marker: the normaliser knows "<sup>N</sup>"
        small = body and w.get("size", body) < 0.8 * body
        texts.append(f"<sup>{w['text']}</sup>" if small and w["text"].isdigit() else w["text"])
    return Line(" ".join(texts), words[0]["x0"], words[-1]["x1"],
                min(w["top"] for w in words), max(w["bottom"] for w in words))
