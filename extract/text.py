"""Normalise a document's text for matching while remembering where every character came from.

The normalised text is NFC, without markdown/HTML noise, with hard line breaks inside sentences and
symbols joined, one paragraph per line, and footnote bodies moved after the body text (their markers
are remembered).  `NormText.original_span` maps any span back to the exact characters of the source,
which is what a citation's `first_mention` and every edge's provenance report.
"""
from __future__ import annotations

import bisect
import gc
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import chain
from typing import Iterable, Iterator

# One pass over a line finds everything that is not plain text.  Each alternative is bounded
# (no nested quantifiers), so the scan is linear in the line length.  A lone ASCII space is not noise:
# it stays inside the kept text (most lines are words and single spaces, so most lines need no match
# at all); `_clean_line` applies to it the rule every other whitespace run gets.
_WS_CLASS = r"\t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000"
_NOISE = re.compile(
    r"(?P<sup><sup>\s{0,3}(?P<label>\d{1,3})\s{0,3}</sup>|\[\^(?P<label2>\d{1,3})\](?!:))"
    r"|(?P<tag></?[A-Za-z][A-Za-z0-9]{0,10}(?:\s[^<>\n]{0,200})?/?>)"
    r"|(?P<stars>\*{1,3}|_{2,3})"
    r"|(?P<pipe>\|)"
    r"|(?P<escape>\\(?=[\\`*_{}\[\]()#+\-.!|]))"
    rf"|(?P<space>[ {_WS_CLASS}]{{2,}}|[{_WS_CLASS}])"
)
# Every match of _NOISE starts where this matches; searching for it first skips plain text at the
# speed of a character-set scan, and _NOISE is tried only there.
_NOISE_START = re.compile(rf"[<\[*_|\\{_WS_CLASS}]|[ ][ {_WS_CLASS}]")


def _noise(line: str):
    """The matches of _NOISE.finditer(line), found faster."""
    search, match = _NOISE_START.search, _NOISE.match
    c = search(line)
    while c is not None:
        m = match(line, c.start())
        if m is None:
            c = search(line, c.start() + 1)
        else:
            yield m
            c = search(line, m.end())


_FOOTNOTE_START = re.compile(
    r"^\s{0,3}(?:<sup>\s{0,3}(\d{1,3})\s{0,3}</sup>|\[\^(\d{1,3})\]:)\s*(?=\S)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_RULE = re.compile(r"^\s*(?:[-=_*~]\s*){3,}$|^\s*\|?(?:\s*:?-{2,}:?\s*\|)+\s*$")
_BLOCK_START = re.compile(
    r"^(?:[-+•–—*]\s|\d{1,3}(?:\.\d{1,3}){0,3}[.)]\s|\d{1,3}(?:\.\d{1,3}){1,3}\s|[a-zđ][.)]\s"
    r"|[IVXLC]{1,6}[.)]\s|\(\d{1,3}\)\s|Điều\s\d|Chương\s[IVXLC\d]|Mục\s\d)")
_LETTER = re.compile(r"[^\W\d_]")
_ASCII_LOWER = re.compile(r"[a-zđ]")
# A sentence ends after one of .!?… (the match starts at it, so the scan skips to those characters
# fast) and the whitespace before a capital; [^\S\n] keeps a match inside one paragraph (line).
_SENTENCE_END = re.compile(r"[.!?…][\"”’)]*[^\S\n]+(?=[\"“(]?[A-ZÀ-ỸĐ0-9])")
# str.lower() gives every character the one that (?i) regexes compare it with, with the same length,
# except for these three (İ lowers to two characters; ı and ſ match i and s): tests/test_text_case.py
_CASE_ODD = {0x130: "i", 0x131: "i", 0x17F: "s"}


@dataclass
class NormText:
    original: str
    text: str
    _norm_starts: list[int]
    _orig_starts: list[int]
    footnote_markers: list[tuple[int, str]] = field(default_factory=list)  # (position in text, label)
    footnotes: dict[str, tuple[int, int]] = field(default_factory=dict)     # label -> span in text
    _sentences: list[tuple[int, int]] | None = None
    _lower: str | None = field(default=None, repr=False, compare=False)

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

    @property
    def lower(self) -> str:
        """The text in lower case, offset for offset: a phrase that a (?i) regex matches at i stands
        lower-cased at i here, so `in` and str.find can rule a case-insensitive regex out cheaply."""
        if self._lower is None:
            text = self.text
            if "İ" in text or "ı" in text or "ſ" in text:
                text = text.translate(_CASE_ODD)
            self._lower = text.lower()
        return self._lower

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
    """Each paragraph (line) cut after its sentence ends; one regex pass over the whole text."""
    ends = _SENTENCE_END.finditer(text)
    m = next(ends, None)
    pos = 0
    for para in text.split("\n"):
        start, stop = pos, pos + len(para)
        while m is not None and m.start() < stop:
            yield start, m.start() + 1
            start = m.end()
            m = next(ends, None)
        if start < stop:
            yield start, stop
        pos = stop + 1


def find_all(haystack: str, needle: str) -> Iterator[int]:
    """Every start of needle in haystack, overlapping ones too."""
    i = haystack.find(needle)
    while i >= 0:
        yield i
        i = haystack.find(needle, i + 1)


def matches_at(rx: re.Pattern, text: str, starts: Iterable[int], endpos: int | None = None) -> Iterator[re.Match]:
    """rx.finditer(text, starts[0], endpos) when every match starts at one of the sorted positions
    `starts` (where a literal found by str.find stands): the regex is tried there only, not at every
    character of the text."""
    end = 0
    endpos = len(text) if endpos is None else endpos
    for p in starts:
        if p >= end:
            m = rx.match(text, p, endpos)
            if m is not None:
                yield m
                end = m.end()


class _Builder:
    """Accumulates output pieces with their origin so the offset map stays exact.  The map holds one
    entry per stretch that is contiguous in both texts (a piece that continues the previous one in the
    source adds no entry), which is the same map as one entry per piece, only shorter."""

    def __init__(self):
        self.parts: list[str] = []
        self.norm_starts: list[int] = []
        self.orig_starts: list[int] = []
        self.length = 0
        self._next = -1          # the source offset that continues the last stretch

    def add(self, s: str, orig: int):
        if not s:
            return
        if orig != self._next:
            self.norm_starts.append(self.length)
            self.orig_starts.append(orig)
        self.parts.append(s)
        self.length += len(s)
        self._next = orig + len(s)

    def add_line(self, ln: "_Line"):
        runs = ln.runs
        start = self.length
        first = 1 if runs[0][1] == self._next else 0
        for off, orig in runs[first:]:
            self.norm_starts.append(start + off)
            self.orig_starts.append(orig)
        self.parts.append(ln.text)
        self.length += len(ln.text)
        off, orig = runs[-1]
        self._next = orig + len(ln.text) - off


@dataclass(slots=True)
class _Line:
    text: str                          # the cleaned line
    runs: list[tuple[int, int]]        # (offset in text, original offset) where each contiguous stretch starts
    markers: list[tuple[int, str]]     # (offset inside the cleaned line, footnote label)
    heading: bool
    footnote: str | None
    orig_end: int
    caps: bool | None = None           # _is_caps(text), computed when first asked


_SPACE_KINDS = frozenset(("space", "pipe"))
_SPACE_TAGS = ("<br", "</p", "<p", "</div", "</td")


def _clean_line(line: str, base: int) -> tuple[str, list[tuple[int, int]], list[tuple[int, str]]]:
    """The line without noise: (text, offset runs, footnote markers).  Whitespace runs, pipes, the
    tags that separate blocks, and "**" between two letters become one space, never two in a row and
    never at the start or end; markers and other markup vanish."""
    chunks: list[str] = []
    runs: list[tuple[int, int]] = []
    markers: list[tuple[int, str]] = []
    length = 0
    nxt = -1             # the original offset that continues the last run
    spaced = False       # the output ends with a space
    pos = 0
    for m in chain(_noise(line), (None,)):   # None: the end of the line
        a = m.start() if m else len(line)
        if a > pos:      # kept text: words and lone spaces
            if line[pos] == " " and (spaced or not length):
                pos += 1
            if a > pos:
                if base + pos != nxt:
                    runs.append((length, base + pos))
                chunks.append(line[pos:a])
                length += a - pos
                nxt = base + a
                spaced = line[a - 1] == " "
        if m is None:
            break
        pos = m.end()
        kind = m.lastgroup
        if kind in _SPACE_KINDS:
            pass
        elif kind == "sup":
            markers.append((length, m.group("label") or m.group("label2")))
            continue
        elif kind == "stars":
            # "YÊU CẦU**1. Mục đích**" — removing the markup must not glue two words together
            if not (pos - a >= 2 and a and pos < len(line) and line[a - 1].isalnum() and line[pos].isalnum()):
                continue
        elif kind == "tag":
            if not m.group().lower().startswith(_SPACE_TAGS):
                continue
        else:            # escape
            continue
        if length and not spaced:
            if base + a != nxt:
                runs.append((length, base + a))
            chunks.append(" ")
            length += 1
            nxt = base + a + 1
            spaced = True
    if spaced:           # no space at the end of a line
        length -= 1
        if runs[-1][0] == length:
            runs.pop()
        last = chunks.pop()[:-1]
        if last:
            chunks.append(last)
    return "".join(chunks), runs, markers


def _is_caps(s: str) -> bool:
    if _ASCII_LOWER.search(s):
        return False  # a letter that upper() changes: the answer below would be False too
    letters = _LETTER.findall(s)
    return len(letters) >= 2 and all(c == c.upper() for c in letters)


_CLOSERS = "\"”’)]*"
_TERMINALS = frozenset(".;:!?…")
_BROKEN_SYMBOL = re.compile(r"\w[-/]$")


def _ends_sentence(p: str) -> bool:
    """The line ends a sentence: one of .;:!?… followed only by closing quotes, brackets or stars
    (the regex [.;:!?…]["”’)\\]*]*$, read from the end instead of searched from the start)."""
    q = p.rstrip(_CLOSERS)
    return bool(q) and q[-1] in _TERMINALS


def _line_caps(ln: _Line) -> bool:
    if ln.caps is None:
        ln.caps = _is_caps(ln.text)
    return ln.caps


_BLOCK_FIRST = frozenset("-+•–—*0123456789IVXLC(ĐCM")  # first characters _BLOCK_START can match


def _continues(prev: _Line, nxt: _Line, blank_between: bool) -> str | None:
    """The separator that joins two lines of one paragraph ("" or " "), or None for a new paragraph."""
    p, n = prev.text, nxt.text
    if not p or not n or nxt.heading or prev.heading or nxt.footnote:
        return None
    # cheap character tests first: they rule out most lines before a regex runs
    if (n[0] in _BLOCK_FIRST or n[1:2] in (".", ")")) and _BLOCK_START.match(n):
        return None
    if p[-1] in "-/" and _BROKEN_SYMBOL.search(p, max(0, len(p) - 2)) and n[0].isalnum():
        return ""  # a symbol broken after its separator: "302/KH-\nUBND"
    if _ends_sentence(p):
        return None
    if _line_caps(prev) and not _line_caps(nxt):
        return None  # end of an upper-case heading
    if blank_between and not (n[0].islower() or n[0].isdigit()):
        return None
    return " "


_NO_MARKERS: list = []   # shared and never appended to: a plain line has no footnote markers
_SLOW_FIRST = frozenset(" \t#-=_*~|<[")  # a line starting so may be a rule, heading, footnote or table


def normalise(raw: str) -> NormText:
    # one object per line and no reference cycles: the cyclic collector would only rescan the
    # whole heap again and again while a 100,000-line text is read
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _normalise(raw)
    finally:
        if enabled:
            gc.enable()


def _normalise(raw: str) -> NormText:
    original = unicodedata.normalize("NFC", raw)
    lines: list[_Line | None] = []  # None = blank line
    raw_lines = original.split("\n")
    if not raw_lines[-1]:
        raw_lines.pop()  # the text ends with a line break (or is empty): no line after it
    base = 0
    no_noise = _NOISE_START.search
    for line in raw_lines:
        line_base, base = base, base + len(line) + 1
        # most lines hold nothing to clean: no markup, no odd spaces, not a rule, heading or footnote
        # (a line may also start with whitespace that is no noise, "\x1c" or "\u2028": the blank,
        # rule, heading and footnote patterns read it as \s, so it takes the slow path)
        if line and line[0] not in _SLOW_FIRST and not line[0].isspace() and line[-1] != " " \
                and no_noise(line) is None:
            lines.append(_Line(line, [(0, line_base)], _NO_MARKERS, False, None, line_base + len(line)))
            continue
        if not line.strip() or _RULE.match(line) or ("|" in line and not line.replace("|", "").strip()):
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
        text, runs, markers = _clean_line(line[cut:] if cut else line, line_base + cut)
        if not text:
            lines.append(None)
            continue
        lines.append(_Line(text, runs, markers, heading, footnote, line_base + len(line)))

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
        if ln.markers:
            start = out.length
            for off, label in ln.markers:
                markers_out.append((start + off, label))
        out.add_line(ln)

    prev: _Line | None = None
    add, add_line = out.add, out.add_line
    for ln, blank_before in body:
        if prev is not None:
            sep = _continues(prev, ln, blank_before)
            add("\n" if sep is None else sep, prev.orig_end)
        if ln.markers:
            emit_line(ln)
        else:
            add_line(ln)
        prev = ln
    for note in notes:
        if out.length:
            out.add("\n", note[0].runs[0][1])
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
