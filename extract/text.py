"""Normalise a document's text for matching while remembering where every character came from.

The normalised text is NFC, without markdown/HTML noise, with hard line breaks inside sentences and
symbols joined, one paragraph per line, and footnote bodies moved after the body text (their markers
are remembered).  `NormText.original_span` maps any span back to the exact characters of the source,
which is what a citation's `first_mention` and every edge's provenance report.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

# One pass over a line finds everything that is not plain text.  Each alternative is bounded
# (no nested quantifiers), so the scan is linear in the line length.
_NOISE = re.compile(
    r"(?P<sup><sup>\s{0,3}(?P<label>\d{1,3})\s{0,3}</sup>|\[\^(?P<label2>\d{1,3})\](?!:))"
    r"|(?P<tag></?[A-Za-z][A-Za-z0-9]{0,10}(?:\s[^<>\n]{0,200})?/?>)"
    r"|(?P<stars>\*{1,3}|_{2,3})"
    r"|(?P<pipe>\|)"
    r"|(?P<escape>\\(?=[\\`*_{}\[\]()#+\-.!|]))"
    r"|(?P<space>[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+)"
)
_FOOTNOTE_START = re.compile(
    r"^\s{0,3}(?:<sup>\s{0,3}(\d{1,3})\s{0,3}</sup>|\[\^(\d{1,3})\]:)\s*(?=\S)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_RULE = re.compile(r"^\s*(?:[-=_*~]\s*){3,}$|^\s*\|?(?:\s*:?-{2,}:?\s*\|)+\s*$")
_BLOCK_START = re.compile(
    r"^(?:[-+•–—*]\s|\d{1,3}(?:\.\d{1,3}){0,3}[.)]\s|\d{1,3}(?:\.\d{1,3}){1,3}\s|[a-zđ][.)]\s"
    r"|[IVXLC]{1,6}[.)]\s|\(\d{1,3}\)\s|Điều\s\d|Chương\s[IVXLC\d]|Mục\s\d)")
_TERMINAL = re.compile(r"[.;:!?…][\"”’)\]*]*$")
_LETTER = re.compile(r"[^\W\d_]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“(]?[A-ZÀ-ỸĐ0-9])")


@dataclass
class NormText:
    original: str
    text: str
    _norm_starts: list[int]
    _orig_starts: list[int]
    footnote_markers: list[tuple[int, str]] = field(default_factory=list)  # (position in text, label)
    footnotes: dict[str, tuple[int, int]] = field(default_factory=dict)     # label -> span in text
    _sentences: list[tuple[int, int]] | None = None

    def to_original(self, i: int) -> int:
        k = bisect.bisect_right(self._norm_starts, i) - 1
        if k < 0:
            return 0
        return self._orig_starts[k] + (i - self._norm_starts[k])

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            o = self.to_original(start)
            return o, o
        return self.to_original(start), self.to_original(end - 1) + 1

    def original_text(self, start: int, end: int) -> str:
        a, b = self.original_span(start, end)
        return self.original[a:b]

    @property
    def sentences(self) -> list[tuple[int, int]]:
        if self._sentences is None:
            self._sentences = list(_split_sentences(self.text))
        return self._sentences

    def sentence_at(self, i: int) -> tuple[int, int]:
        spans = self.sentences
        starts = [s for s, _ in spans]
        k = max(0, bisect.bisect_right(starts, i) - 1)
        return spans[k] if spans else (0, len(self.text))

    def footnote_of(self, i: int) -> str | None:
        """The label of the footnote whose body contains position i, if any."""
        for label, (s, e) in self.footnotes.items():
            if s <= i < e:
                return label
        return None


def _split_sentences(text: str):
    pos = 0
    for para in text.split("\n"):
        start = pos
        for m in _SENTENCE_END.finditer(para):
            yield start, pos + m.start()
            start = pos + m.end()
        if start < pos + len(para):
            yield start, pos + len(para)
        pos += len(para) + 1


class _Builder:
    """Accumulates output pieces with their origin so the offset map stays exact."""

    def __init__(self):
        self.parts: list[str] = []
        self.norm_starts: list[int] = []
        self.orig_starts: list[int] = []
        self.length = 0

    def add(self, s: str, orig: int):
        if not s:
            return
        self.parts.append(s)
        self.norm_starts.append(self.length)
        self.orig_starts.append(orig)
        self.length += len(s)

    def last_char(self) -> str:
        return self.parts[-1][-1] if self.parts else ""


@dataclass
class _Line:
    pieces: list[tuple[str, int]]      # cleaned text pieces with their original offset
    markers: list[tuple[int, str]]     # (offset inside the cleaned line, footnote label)
    heading: bool
    footnote: str | None
    orig_end: int

    @property
    def text(self) -> str:
        return "".join(p for p, _ in self.pieces)


def _clean_line(line: str, base: int) -> tuple[list[tuple[str, int]], list[tuple[int, str]]]:
    pieces: list[tuple[str, int]] = []
    markers: list[tuple[int, str]] = []
    length = 0
    pos = 0

    def keep(a: int, b: int):
        nonlocal length
        if b > a:
            pieces.append((line[a:b], base + a))
            length += b - a

    def space(at: int):
        nonlocal length
        if pieces and not pieces[-1][0].endswith(" "):
            pieces.append((" ", base + at))
            length += 1

    for m in _NOISE.finditer(line):
        keep(pos, m.start())
        pos = m.end()
        kind = m.lastgroup
        if kind in ("sup", "label", "label2"):
            markers.append((length, m.group("label") or m.group("label2")))
        elif kind == "space":
            space(m.start())
        elif kind == "pipe":
            space(m.start())
        elif kind in ("tag", "stars"):
            before = line[m.start() - 1] if m.start() else ""
            after = line[m.end()] if m.end() < len(line) else ""
            # "YÊU CẦU**1. Mục đích**" — removing the markup must not glue two words together
            if before.isalnum() and after.isalnum() and kind == "stars" and len(m.group()) >= 2:
                space(m.start())
            elif kind == "tag" and m.group().lower().startswith(("<br", "</p", "<p", "</div", "</td")):
                space(m.start())
    keep(pos, len(line))
    while pieces and pieces[-1][0] == " ":
        pieces.pop()
    while pieces and pieces[0][0] == " ":
        pieces.pop(0)
        length -= 1
        markers = [(max(0, o - 1), lab) for o, lab in markers]
    return pieces, markers


def _is_caps(s: str) -> bool:
    letters = _LETTER.findall(s)
    return len(letters) >= 2 and all(c == c.upper() for c in letters)


def _continues(prev: _Line, nxt: _Line, blank_between: bool) -> str | None:
    """The separator that joins two lines of one paragraph ("" or " "), or None for a new paragraph."""
    p, n = prev.text, nxt.text
    if not p or not n or nxt.heading or prev.heading or nxt.footnote:
        return None
    if _BLOCK_START.match(n):
        return None
    if re.search(r"\w[-/]$", p) and n[0].isalnum():
        return ""  # a symbol broken after its separator: "302/KH-\nUBND"
    if _TERMINAL.search(p):
        return None
    if _is_caps(p) and not _is_caps(n):
        return None  # end of an upper-case heading
    if blank_between and not (n[0].islower() or n[0].isdigit()):
        return None
    return " "


def normalise(raw: str) -> NormText:
    original = unicodedata.normalize("NFC", raw)
    lines: list[_Line | None] = []  # None = blank line
    for m in re.finditer(r"[^\n]*(?:\n|$)", original):
        if m.start() == len(original) and not m.group():
            break
        line = m.group().rstrip("\n")
        base = m.start()
        if _RULE.match(line) or not line.strip() or not line.replace("|", "").strip():
            lines.append(None)
            continue
        heading = False
        footnote = None
        fm = _FOOTNOTE_START.match(line)
        if fm:
            footnote = fm.group(1) or fm.group(2)
            cut = fm.end()
        else:
            hm = _HEADING.match(line)
            heading = bool(hm)
            cut = hm.end() if hm else 0
        pieces, markers = _clean_line(line[cut:], base + cut)
        if not pieces:
            lines.append(None)
            continue
        lines.append(_Line(pieces, markers, heading, footnote, base + len(line)))

    # Footnote bodies run from their first line to the next blank line or footnote; pull them out
    # of the flow so a sentence split by a page-bottom footnote block joins up again.
    body: list[tuple[_Line, bool]] = []
    notes: list[list[_Line]] = []
    in_note = False
    blank = False
    for ln in lines:
        if ln is None:
            in_note = False
            blank = True
            continue
        if ln.footnote is not None:
            notes.append([ln])
            in_note = True
            continue
        if in_note:
            notes[-1].append(ln)
            continue
        body.append((ln, blank))
        blank = False

    out = _Builder()
    markers_out: list[tuple[int, str]] = []
    footnotes: dict[str, tuple[int, int]] = {}

    def emit_line(ln: _Line):
        start = out.length
        for piece, orig in ln.pieces:
            out.add(piece, orig)
        for off, label in ln.markers:
            markers_out.append((start + off, label))

    prev: _Line | None = None
    for ln, blank_before in body:
        if prev is not None:
            sep = _continues(prev, ln, blank_before)
            if sep is None:
                out.add("\n", prev.orig_end)
            elif sep:
                out.add(sep, prev.orig_end)
        emit_line(ln)
        prev = ln
    for note in notes:
        if out.length:
            out.add("\n", note[0].pieces[0][1])
        start = out.length
        label = note[0].footnote
        for i, ln in enumerate(note):
            if i:
                sep = _continues(note[i - 1], ln, False)
                out.add(" " if sep is None else sep, note[i - 1].orig_end)
            emit_line(ln)
        footnotes.setdefault(label, (start, out.length))
    return NormText(original, "".join(out.parts), out.norm_starts, out.orig_starts,
                    markers_out, footnotes)
