"""The agencies a document gives tasks to, with their time limits.

Where (only these lines are tokenised, the rest of the text stands as blanks): every enumerated item of
the body ("1. Sở Nội vụ", "b) Văn phòng UBND tỉnh", "10." + next line, "Điều 3. Chánh Văn phòng …")
whose heading names addressees; inside the parts that assign tasks ("Tổ chức thực hiện", "Trách nhiệm
thi hành", …) also every paragraph or bullet that opens with addressees and their work ("Sở Tài chính
hướng dẫn …"), a leader clause after a comma ("Trên cơ sở …, Thủ trưởng các sở, ban, ngành tỉnh; … có
trách nhiệm:") and a handing-over word inside a sentence ("… giao Sở Nội vụ tổng hợp …", "đề nghị …");
anywhere, a task's lead field ("Cơ quan chủ trì: …", "Đơn vị thực hiện: …"; never "Cơ quan phối hợp")
and the lead column of a task table.  The recipients listed under "Nơi nhận" are never read.

The addressee grammar, over tokens with punctuation split off (`fine_doc`):

    list     := segment ((";" | "," | "và") segment)*
    segment  := [leader] ["các"] (FORMULA | HEAD name-words | COLLECTIVE ("," COLLECTIVE)* words)

A comma or "và" inside a segment either continues the name ("Sở Lao động, Thương binh và Xã hội",
"UBND các huyện, thị xã, thành phố", "các cơ quan thông tin, truyền thông") or opens the next segment
(a leader, "các" + a kind of body, a head that names a body).  The list ends at the line end (a
heading), a colon, where the work begins (a predicate such as "chủ trì", "có trách nhiệm"), at a
qualifier (", theo chức năng …"), at a place word followed by other words ("… Thành phố cấu hình …"),
or at a capitalised word that the source put on a new line ("1. Sở Nội vụ⏎Tham mưu …").  A leader
title names its body (Chánh Văn phòng UBND tỉnh → Văn phòng UBND tỉnh), a formula its collective
("Bộ trưởng, Thủ trưởng cơ quan ngang bộ, …" → "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ"), a
place-named body written once for several places is one agency per place, and organs listed before it
share its place.  The issuer itself (also by its short name) is never an addressee; a generic
collective ("Các cơ quan, đơn vị, địa phương") is one only where an item or a field names it.  Every
word class is a table in vbgraph.data: agency_heads.csv (heads, collectives, localities),
agency_cues.csv (leaders, triggers, predicates, qualifiers, generic words, deadline words, section
titles, task fields, the plan's own body …) and agency_formulas.csv.

Deadlines of an agency are the dates in the scope of its item (the item down to the next item of the
same or a higher level, or to the next item that names other addressees; a field's task; a table row)
that stand right after a deadline word ("chậm nhất ngày 10/4/2024", "trước ngày 15 tháng 12" → completed
with the plan's year, "Thời gian hoàn thành: Quý IV/2025" → "2025-12", "Tháng 11 - 12/2025" →
"2025-12"), never one that recurs ("hằng năm"), stays open ("… và các năm tiếp theo") or falls before
the document's own date.
"""
from __future__ import annotations

import bisect
import re
from itertools import accumulate
from dataclasses import dataclass, field, replace
from functools import lru_cache

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from vbgraph.extract.dates import complete, find_dates, find_periods
from vbgraph.extract.names import agency_key
from vbgraph.extract.prefilter import may_hold, shared_vocab
from vbgraph.extract.models import Agency, Evidence
from vbgraph.extract.tables import fold_words, read_table
from vbgraph.extract.text import NormText

_TOKEN = re.compile(r"\w+|[^\w\s]")
_MAX_NAME_TOKENS = 32

# Enumeration marks at the start of a line, each with its level (lower = outer).
_MARK = re.compile(
    r"(?P<chapter>Chương\s{1,3}[IVXLC\d]{1,6}\.?(?=\s|$))|(?P<article>Điều\s{1,3}\d{1,3}\.?(?=\s|$))"
    r"|(?P<roman>[IVXLC]{1,6})[.)](?=\s|$)"
    r"|(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})[.)](?!\d)|(?P<num2>\d{1,2}(?:\.\d{1,2}){1,3})(?=\s)"
    r"|(?P<letter>[a-zđ])[.)](?=\s|$)"
    r"|(?P<bullet>[-+•–—*])(?=\s)")
_LEVEL = {"chapter": -1, "article": 0, "roman": 0, "letter": 3, "bullet": 4}
_UNMARKED = 6


def fine_doc(vocab: Vocab, text: str) -> Doc:
    """A Doc over `text` with punctuation split off the words (the pipeline's Vietnamese tokenizer
    splits on whitespace only, so "quan," or "“Dân" are single tokens there).  doc.text == text, so
    character offsets are those of the normalised text; line breaks stay tokens of their own."""
    words, spaces, _ = _tokenise(text)
    return Doc(vocab, words=words, spaces=spaces)


# a word or a punctuation mark with the one blank after it, or any other run of blanks
_PIECE = re.compile(r"(\w+|[^\w\s])( )?|(\s+)")


def _tokenise(text: str) -> tuple[list[str], list[bool], list[int]]:
    """(words, spaces, start offsets) of the tokens `fine_doc` makes: one blank after a token is its
    trailing space, other blanks (line breaks, runs) are tokens of their own.  One findall and list
    comprehensions, as the agency finder tokenises every document's whole text."""
    found = _PIECE.findall(text)
    words = [w or gap for w, _, gap in found]
    spaces = [sp == " " for _, sp, _ in found]
    starts = [0, *accumulate(len(w) + s for w, s in zip(words, spaces))][:-1]
    return words, spaces, starts


def phrase_tokens(phrase: str) -> list[str]:
    return _TOKEN.findall(phrase)


# ------------------------------------------------------------------ tables


@dataclass(frozen=True)
class _Lexicon:
    heads: dict[str, dict]                 # lower-cased token phrase -> row of agency_heads.csv
    kinds: dict[str, list[str]]            # kind/role -> phrases
    folded: dict[str, list[str]]           # kind/role -> folded phrases, longest first
    own_body: dict[str, list[str]]         # plan level -> how the plan's issuer is called (first: display)
    locality: dict[str, str]               # plan level -> its place word ("tỉnh", "huyện", "xã")
    formulas: dict[str, str]               # lower-cased token phrase -> the collective agency it names


def _lower_key(phrase: str) -> str:
    return " ".join(t.lower() for t in phrase_tokens(phrase))


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    heads: dict[str, dict] = {}
    kinds: dict[str, list[str]] = {}
    locality: dict[str, str] = {}
    for row in read_table("agency_heads.csv"):
        kinds.setdefault(row["kind"], []).append(row["word"])
        if row["kind"] == "head":
            heads[_lower_key(row["word"])] = row
        elif row["kind"] == "locality" and row["word"].islower():
            locality.setdefault(row["level"], row["word"])
    own_body: dict[str, list[str]] = {}
    for row in read_table("agency_cues.csv"):
        kinds.setdefault(row["role"], []).append(row["phrase"])
        if row["role"] == "own_body":
            own_body.setdefault(row["level"], []).append(row["phrase"])
    locality.setdefault("department", locality.get("province", ""))
    folded = {kind: sorted({fold_words(p) for p in phrases}, key=len, reverse=True)
              for kind, phrases in kinds.items()}
    formulas = {_lower_key(row["written"]): row["name"] for row in read_table("agency_formulas.csv")}
    kinds["formula"] = [row["written"] for row in read_table("agency_formulas.csv")]
    return _Lexicon(heads, kinds, folded, own_body, locality, formulas)


_LABELS = {"HEAD": "head", "COLL": "collective", "LOC": "locality", "LEADER": "leader",
           "TRIGGER": "trigger", "TRIGGER_ANY": "trigger_any", "PRED": "predicate",
           "QUAL": "qualifier", "GENERIC": "generic", "GENERIC_ANY": "generic_any", "FORMULA": "formula",
           "DESCRIPTOR": "descriptor", "OPEN": "open", "OWNER": "place_owner", "CLOSING": "closing",
           "PASSIVE": "passive", "NOT_WORK": "not_work"}


@lru_cache(maxsize=8)
def _matcher(vocab: Vocab) -> PhraseMatcher:
    lex = lexicon()
    matcher = PhraseMatcher(vocab, attr="LOWER")
    for label, kind in _LABELS.items():
        matcher.add(label, [Doc(vocab, words=phrase_tokens(p)) for p in lex.kinds.get(kind, [])])
    return matcher


@lru_cache(maxsize=1)
def _deadline_cue() -> re.Pattern:
    words = sorted(lexicon().kinds.get("deadline", []), key=len, reverse=True)
    alts = "|".join(r"\s".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?i:(?<!\w)(?:{alts})(?:\s(?:là|vào|trong))?(?:\sngày)?)\s?:?\s?$")


# ------------------------------------------------------------------ lines and parts


@dataclass
class _Line:
    start: int
    end: int
    level: int
    content: int            # where the text after the mark begins
    kind: str | None = None  # the mark's kind (num, letter, article, bullet …), None when unmarked
    lone: bool = False      # a mark alone on its line ("10."): its heading is the next line
    absorbed: bool = False  # this line is the heading of the lone mark before it
    blocked: bool = False   # part of a "Nơi nhận" list: recipients, not addressees

    @property
    def heading(self) -> bool:
        """An enumerated item whose first words may name its addressees."""
        return self.kind in ("num", "num2", "letter", "article")


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        m = _MARK.match(raw)
        if m:
            kind = m.lastgroup
            level = 1 + m.group(kind).count(".") if kind in ("num", "num2") else _LEVEL[kind]
            rest = raw[m.end():]
            content = start + m.end() + (len(rest) - len(rest.lstrip()))
            out.append(_Line(start, end, level, content, kind, lone=not rest.strip()))
        else:
            out.append(_Line(start, end, _UNMARKED, start))
    for a, b in zip(out, out[1:]):
        if a.lone and not b.absorbed and b.level == _UNMARKED:
            b.absorbed = True
            a.content = b.content
    recipients = lexicon().folded.get("recipients", [])
    blocking = False
    for ln in out:
        if _starts_with(text[ln.content:ln.end], recipients):
            blocking = True
        elif blocking and ln.kind != "bullet":
            blocking = False
        ln.blocked = blocking
    return out


def _first_letter(text: str) -> str:
    return text[:1].lower().replace("đ", "d")


def _starts_with(text: str, folded_phrases: list[str]) -> bool:
    if not _first_letter(text) in {p[:1] for p in folded_phrases}:
        return False  # most lines: no fold needed
    folded = fold_words(text[:80])
    return any(folded == p or folded.startswith(p + " ") or folded.startswith(p + ":")
               for p in folded_phrases)


def _parts(text: str, lines: list[_Line]) -> list[tuple[int, int]]:
    """Line ranges of the parts that assign the tasks ("IV. TỔ CHỨC THỰC HIỆN" down to the next part
    of its level, "Trên đây là …" or "Nơi nhận")."""
    lex = lexicon()
    sections = set(lex.folded.get("section", []))
    initials = {s[:1] for s in sections}
    ends = lex.folded.get("end", []) + lex.folded.get("recipients", [])
    parts = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        title = fold_words(text[ln.content:min(ln.end, ln.content + 80)]).rstrip(" :.") \
            if _first_letter(text[ln.content:ln.content + 1]) in initials else ""
        if title in sections and (ln.lone or not ln.absorbed) and not ln.blocked:
            level = ln.level
            if level == _UNMARKED:
                level = -1 if i and lines[i - 1].level == -1 else 0
            j = i + 1
            while j < len(lines):
                nxt = lines[j]
                if (nxt.level <= level and not nxt.absorbed) or nxt.blocked \
                        or _starts_with(text[nxt.content:nxt.end], ends):
                    break
                j += 1
            parts.append((i + 1 + (1 if ln.lone else 0), j))
            i = j
            continue
        i += 1
    return parts


# ------------------------------------------------------------------ the addressee parser


@dataclass
class _Segment:
    start: int              # token index of the name (after a leader)
    end: int                # token index after the last name token
    kind: str               # head | collective | bare | formula
    head: str | None        # lower-cased head phrase
    cac: bool               # written with "các"
    stop: str               # why it ended: eol | punct | pred | wrap | sep | end
    at: int                 # token index where it ended
    lead: bool = False      # behind a leader title ("Thủ trưởng …", "người đứng đầu …")


@dataclass
class _Item:
    line: int | None        # line index (None: found inside a sentence)
    level: int
    segments: list[_Segment]
    rule: str
    names: list[tuple[str, str, int, int]] = field(default_factory=list)  # (key, name, start, end)
    scope: tuple[int, int] = (0, 0)
    generic: bool = False   # a generic collective ("Các cơ quan, đơn vị, địa phương") counts here
    deadlines: list[str] | None = None   # read from a table's own column instead of the scope


class _Parser:
    def __init__(self, vocab: Vocab, nt: NormText, kept: str | None = None):
        """Tokens and word classes of the text; only `kept` (nt.text with everything but the lines that
        can name addressees blanked, see blank_outside) is tokenised, so offsets stay those of nt.text."""
        self.nt = nt
        self.t, spaces, self.idx = _tokenise(nt.text if kept is None else kept)
        self.lo = [w.lower() for w in self.t]
        self.n = len(self.t)
        fdoc = Doc(vocab, words=self.t, spaces=spaces)
        self.lex = lexicon()
        self.ends: dict[str, dict[int, int]] = {label: {} for label in _LABELS}
        vocab_strings = fdoc.vocab.strings
        for label_id, s, e in _matcher(fdoc.vocab)(fdoc):
            table = self.ends[vocab_strings[label_id]]
            if e > table.get(s, 0):
                table[s] = e
        self.loc_ends = set(self.ends["LOC"].values())
        # place words that close a name: written lower-case, or of two words ("Thành phố"); a
        # capitalised "Xã" is the start of "Xã hội"
        self.closing_places = {e for s, e in self.ends["LOC"].items() if e - s > 1 or self.t[s].islower()}

    # token helpers
    def m(self, label: str, k: int) -> int:
        return self.ends[label].get(k, 0)

    def tok_at(self, char: int) -> int:
        return bisect.bisect_left(self.idx, char)

    def char_end(self, k: int) -> int:
        return self.idx[k] + len(self.t[k])

    def nxt(self, k: int) -> int:
        while k < self.n and self.t[k].isspace() and "\n" not in self.t[k]:
            k += 1
        return k

    def prev(self, k: int) -> int:
        k -= 1
        while k >= 0 and self.t[k].isspace():
            k -= 1
        return k

    def eol(self, k: int) -> bool:
        return k >= self.n or "\n" in self.t[k]

    def cap(self, k: int) -> bool:
        return k < self.n and self.t[k][:1].isupper()

    def word(self, k: int) -> bool:
        return k < self.n and self.t[k][:1].isalpha()

    def wrapped(self, k: int) -> bool:
        """The source broke the line right before token k, after a lower-case word."""
        p = self.prev(k)
        if p < 0 or not (self.word(p) and self.t[p][:1].islower()) or self.m("OPEN", p):
            return False  # a heading never ends in "và", "thuộc", "của" …
        if p + 1 in self.loc_ends and not (self.m("PRED", k) or self.m("QUAL", k) or self.m("TRIGGER", k)):
            return False  # a place word is followed by its name ("Ủy ban MTTQ thành phố⏎Hà Nội")
        a = self.nt.to_original(self.char_end(p) - 1) + 1
        b = self.nt.to_original(self.idx[k])
        return "\n" in self.nt.original[a:b]

    # grammar
    def names_follow(self, k: int) -> bool:
        """After a head: a proper name, a place word or another head makes it a body."""
        j = self.nxt(k)
        if self.eol(j):
            return False
        if self.m("LOC", j) or self.m("HEAD", j):
            return True
        if self.lo[j] in ("các", "và"):
            after = self.nxt(j + 1)
            return bool(self.m("LOC", after)) if self.lo[j] == "các" else self.cap(after)
        return self.cap(j) and self.word(j)

    def head_at(self, k: int, after_leader: bool) -> tuple[int, str, str] | None:
        """(end, lower head phrase, kind) when a head that names a body starts at k."""
        h = self.m("HEAD", k)
        if not h or not (self.cap(k) or after_leader or self.m("HEAD", self.nxt(h))):
            return None
        phrase = " ".join(self.lo[k:h])
        row = self.lex.heads.get(phrase)
        if row is None:
            return None
        if row["needs_name"] != "yes" or self.names_follow(h):
            return h, phrase, "head"
        j = self.nxt(h)
        if row["bare_suffix"] and (self.eol(j) or self.t[j] in ":."):
            return h, phrase, "bare"
        return None

    def starts_agency(self, k: int) -> bool:
        if k >= self.n:
            return False
        if self.m("LEADER", k) or self.m("FORMULA", k):
            return True
        if self.lo[k] == "các":
            j = self.nxt(k + 1)
            return bool(self.head_at(j, True) or self.m("COLL", j))
        return self.head_at(k, False) is not None

    def collective_at(self, k: int, listed: bool) -> int:
        """End of a kind of body ("sở", "cơ quan") that starts a segment here: after "các", after a
        separator of a list (`listed`), or when a list of kinds ("Sở, ban, ngành") or a name follows."""
        c = self.m("COLL", k)
        if not c or listed:
            return c
        j = self.nxt(c)
        if j < self.n and self.t[j] == "," and self.m("COLL", self.nxt(j + 1)):
            return c
        return c if self.cap(j) and self.word(j) else 0

    def segment(self, k: int, listed: bool = False, until: int = 0, wrap: bool = True) -> _Segment | None:
        """One addressee from token k.  `until`: the colon that closes a heading ("5. Các cơ quan thông
        tin, truyền thông của tỉnh: …"), before which a comma or "và" never ends the list."""
        lead = self.m("LEADER", k)
        if lead:
            k = self.nxt(lead)
        start = k
        led = bool(lead)
        cac = self.lo[k] == "các" if k < self.n else False
        if cac:
            k = self.nxt(k + 1)
        if k >= self.n:
            return None
        found = self.head_at(k, bool(lead))
        if self.m("FORMULA", start) or self.m("FORMULA", k):
            at = start if self.m("FORMULA", start) else k
            k = self.m("FORMULA", at)
            head = " ".join(w for w in self.lo[at:k] if not w.isspace())
            kind = "formula"
        elif found:
            k, head, kind = found
        elif self.collective_at(k, listed or cac or bool(lead)):
            k, head, kind = self.m("COLL", k), None, "collective"
        else:
            return None
        bare = kind == "collective"
        first = kind == "head"
        owner = False  # the last words were a head: "Văn phòng HĐND" (and UBND huyện)
        while True:
            k = self.nxt(k)
            if self.eol(k):
                return _Segment(start, self._last(k), kind, head, cac, "eol", k, led)
            if k - start > _MAX_NAME_TOKENS:
                return None
            t = self.t[k]
            if t in ",;" or self.lo[k] == "và" or t in "–-":
                decision = self.after_separator(k, kind, bare, owner)
                if decision == "end" and k < until and t != ";":
                    decision = "consume"
                if decision == "consume":
                    k += 1
                    first = False
                    continue
                stop = {"split": "sep", "apposition": "punct"}.get(decision, "end")
                return _Segment(start, self._last(k), kind, head, cac, stop, k, led)
            if t == "&" and self.word(k + 1):  # "Sở KH&CN"
                k += 1
                continue
            if not self.word(k) and not t.isdigit():
                return _Segment(start, self._last(k), kind, head, cac, "punct", k, led)
            after_sep = self.t[self.prev(k)] in ",–-" or self.lo[self.prev(k)] == "và"
            if self.m("COLL", k) and bare:  # "các cơ quan, tổ chức, cá nhân": "tổ chức" is a body here
                k = self.m("COLL", k)
                first = False
                continue
            if k in self.closing_places and not self.cap(k) and not (self.m("LOC", k) or self.m("OPEN", k)
                                                             or self.lo[k] == "các" or self.m("CLOSING", k)):
                # a place word closes a name: "Trung tâm Chuyển đổi số Thành phố cấu hình …"
                return _Segment(start, self._last(k), kind, head, cac, "pred", k, led)
            # a capitalised word inside a name is part of it ("Ban Chỉ đạo", "Sở Xây dựng")
            if self.m("CLOSING", k) and not self.m("QUAL", k):   # before "có" reads as work
                k = self.m("CLOSING", k)
                j = self.nxt(k)
                if not (self.eol(j) or self.t[j] in ",;:." or self.lo[j] == "và"):
                    return _Segment(start, self._last(j), kind, head, cac, "pred", j, led)
                bare = first = False
                continue
            if self.m("NOT_WORK", k):
                k = self.m("NOT_WORK", k)
                bare = first = False
                continue
            handing = self.m("TRIGGER_ANY", k) and self.starts_agency(self.nxt(self.m("TRIGGER_ANY", k)))
            if not self.cap(k) and (self.m("PRED", k) or self.m("QUAL", k) or handing) \
                    and not (kind == "collective" and after_sep and self.m("DESCRIPTOR", k)):
                return _Segment(start, self._last(k), kind, head, cac, "pred", k, led)
            if wrap and not first and self.cap(k) and not self.m("LOC", k) and self.wrapped(k):
                return _Segment(start, self._last(k), kind, head, cac, "wrap", k, led)
            if not first and self.cap(k) and self.m("LEADER", k) and self.starts_agency(k):
                return _Segment(start, self._last(k), kind, head, cac, "next", k, led)
            owner = bool(self.m("HEAD", k))
            bare = False
            k = max(k + 1, self.m("LOC", k), self.m("HEAD", k))
            first = False

    def _last(self, k: int) -> int:
        """Token index after the last name token before k (skips trailing blanks)."""
        return self.prev(k) + 1

    def after_separator(self, k: int, kind: str, bare: bool, owner: bool) -> str:
        sep = self.t[k]
        j = self.after_sep(k)
        if self.eol(j):
            return "end"
        if sep == ";":
            return "split" if self.starts_agency(j) or self.collective_at(j, True) else "end"
        if sep in "–-":  # "Sở Lao động - Thương binh và Xã hội", but "Sở Tài chính - Cơ quan thường trực"
            if self.starts_agency(j) or self.m("COLL", j):
                return "apposition"
            return "consume" if self.cap(j) else "end"
        if kind == "collective" and self.m("DESCRIPTOR", j):
            return "consume"  # "các cơ quan thông tin, tuyên truyền và báo chí"
        if owner and self.lo[k] == "và" and self.m("OWNER", j):
            return "consume"  # "Văn phòng HĐND và UBND huyện": two owners of one office
        if self.starts_agency(j):
            return "split"
        if self.m("COLL", j) and not self.cap(j):
            return "consume" if kind == "collective" and bare else "split"
        if self.m("LOC", j):
            return "consume"
        if kind != "collective" and self.cap(j) and self.word(j):
            return "consume"  # "Sở Lao động, Thương binh và Xã hội"
        return "end"

    def work_follows(self, k: int, reach: int = 10) -> bool:
        """A predicate follows within `reach` words of the same clause."""
        for j in range(k + 1, min(self.n, k + 1 + 2 * reach)):
            if self.t[j] in ";.:" or "\n" in self.t[j]:
                return False
            if self.cap(j):
                return False  # a name would be skipped
            if self.m("PRED", j):
                return True
        return False

    def after_sep(self, k: int) -> int:
        """The token after separator k; a list goes on past the end of a line after ";" (the
        normaliser starts a new line there)."""
        j = self.nxt(k + 1)
        if self.t[k] == ";" and j < self.n and self.eol(j):
            j = self.nxt(j + 1)
        return j

    def parse_list(self, k: int, mode: str, trigger: bool, until: int = 0,
                   wrap: bool = True) -> list[_Segment] | None:
        """Segments of an addressee list starting at token k, or None when the text there is no
        addressee list in this mode (heading: may end at the line end; subject: the work must follow)."""
        k = self.nxt(k)
        if trigger and self.m("TRIGGER", k):
            k = self.nxt(self.m("TRIGGER", k))
            if k < self.n and self.t[k] == ":":  # "6. Đề nghị: Hiệp hội Doanh nghiệp tỉnh, …"
                k = self.nxt(k + 1)
        segments: list[_Segment] = []
        while k < self.n:
            seg = self.segment(k, listed=bool(segments), until=until, wrap=wrap)
            if seg is None:
                if segments:
                    segments[-1].stop = "end"
                break
            segments.append(seg)
            if seg.stop == "next":   # the next addressee follows without a separator
                seg.stop = "sep"
                k = seg.at
                continue
            if seg.stop != "sep":
                break
            k = self.after_sep(seg.at)
        if not segments:
            return None
        last = segments[-1]
        stop, at = last.stop, last.at
        if stop in ("end", "sep"):
            j = self.nxt(at + 1) if at < self.n and self.t[at] == "," else at
            stop = "pred" if j < self.n and (self.m("PRED", j) or self.m("QUAL", j)) else "end"
            if stop == "end" and self.t[at] in (",", "và") and self.work_follows(at):
                stop = "pred"  # "… và các tập thể, cá nhân liên quan chịu trách nhiệm": a tail of no body
        if stop == "punct":
            stop = "colon" if self.t[at] == ":" else "punct"
        accepted = {"heading": ("eol", "punct", "colon", "pred", "wrap"), "subject": ("pred", "colon")}[mode]
        return segments if stop in accepted else None


# ------------------------------------------------------------------ names


def _strip_phrases(text: str, phrases: list[str]) -> str:
    for p in phrases:
        while f" {p} " in text:
            text = text.replace(f" {p} ", " ")
    return text


def _generic(words: list[str]) -> bool:
    """An addressee made only of generic words ("các cơ quan, đơn vị có liên quan"), holding a
    generic_any phrase ("Ban Dân vận cùng cấp"), or a head or kind of body with a generic_bare phrase
    only ("UBND các cấp"), names no body."""
    lex = lexicon()
    text = " " + " ".join(words) + " "
    if any(f" {p} " in text for p in lex.folded.get("generic_any", [])):
        return True
    if any(f" {p} " in text for p in lex.folded.get("generic_bare", [])):
        bare = _strip_phrases(text, lex.folded["generic_bare"] + lex.folded.get("head", [])
                              + lex.folded.get("collective", []))
        if not bare.strip():
            return True
    phrases = sorted([*lex.folded.get("generic", []), *_place_words()], key=len, reverse=True)
    return not _strip_phrases(text, phrases).strip()


class _Namer:
    def __init__(self, parser: _Parser, plan: dict):
        self.p = parser
        self.lex = lexicon()
        level = plan.get("level") or "province"
        self.level = level
        own = self.lex.own_body.get(level, [])
        self.own = own[0] if own else ""
        issuer, province = plan.get("issuer") or "", plan.get("province") or ""
        places = {self.lex.locality.get(level, ""), province}
        if issuer and province and issuer.endswith(province):
            # the issuer's own place word: "UBND thành phố Cần Thơ" → "thành phố"
            before = fold_words(issuer[: -len(province)])
            places.update(w for w in self.lex.folded.get("locality", []) if before.endswith(" " + w))
        self.places = tuple(sorted(p for p in places if p))
        self.issuer = self.key(issuer) if issuer else ""
        # how a plan calls its own issuer ("UBND tỉnh"); not when another body issued it (an HĐND's
        # resolution gives the UBND tasks)
        self.own_keys = {k for k in (self.key(x) for x in own) if not self.issuer or self.issuer == k}

    def key(self, name: str) -> str:
        return _key(name, self.places)

    def is_own(self, key: str) -> bool:
        """The issuer itself, as a heading or its short name calls it ("UBND tỉnh", "Ban Chỉ đạo" of the
        Ban Chỉ đạo Nhà nước về Du lịch): never an addressee of its own document."""
        if key in self.own_keys or not self.issuer:
            return key in self.own_keys
        if self.issuer == key or self.issuer.startswith(key + " "):
            return True
        words = key.split()
        return len(words) >= 3 and set(words) <= set(self.issuer.split())

    def name(self, seg: _Segment, inherit_cac: bool, allow_generic: bool) -> tuple[str, int, int] | None:
        p = self.p
        if seg.end <= seg.start:
            return None
        a, b = p.idx[seg.start], p.char_end(seg.end - 1)
        if seg.kind == "formula":
            return self.lex.formulas[seg.head], a, b
        words = [w for w in p.lo[seg.start:seg.end] if w[:1].isalnum() and w not in ("các", "và")]
        if seg.kind == "collective" and _holds(words, "never_body"):
            return None
        if not words or _generic([fold_words(w) for w in words]) and not (
                allow_generic and seg.kind == "collective" and _specific_enough(words)
                and not (seg.at < p.n and p.m("PASSIVE", seg.at))):
            return None
        text = " ".join(p.nt.text[a:b].split()).rstrip(" ,;:.–-")
        # a plural kind of body reads "các …": after another "các" of the list ("các sở, ban, ngành Thành
        # phố, cơ quan thông tấn báo chí"), or when generic ("Thủ trưởng cơ quan, đơn vị có liên quan")
        if seg.kind == "collective" and not seg.cac and (
                inherit_cac and not seg.lead or _generic([fold_words(w) for w in words])):
            text = "các " + text
        if seg.kind == "bare":
            suffix = _bare_suffix(self.lex.heads[seg.head]["bare_suffix"], self.level)
            if not suffix:
                return None
            text = f"{text} {suffix}"
        elif self.own and self.dangling(text):
            text = f"{text} {self.own}"  # "các đơn vị sự nghiệp trực thuộc" → "… trực thuộc Sở"
        text = text[:1].upper() + text[1:]
        return text, a, b

    def places_named(self, seg: _Segment) -> list[tuple[str, int, int]]:
        """A place-named body written once for several named places ("Ủy ban nhân dân thành phố Hà Nội,
        thành phố Hồ Chí Minh và tỉnh Quảng Ninh"): one name per place, else []."""
        p = self.p
        k = seg.start
        owner = p.m("OWNER", k)
        if seg.kind != "head" or not owner:
            return []
        head = " ".join(p.nt.text[p.idx[k]:p.char_end(owner - 1)].split())
        groups: list[tuple[int, int]] = []
        k = p.nxt(owner)
        while k < seg.end:
            loc = p.m("LOC", k)
            if not loc or not p.cap(p.nxt(loc)):
                return []
            j = p.nxt(loc)
            while j < seg.end and p.cap(j):
                j = p.nxt(j + 1)
            groups.append((k, p.prev(j) + 1))
            if j < seg.end and (p.t[j] == "," or p.lo[j] == "và"):
                j = p.nxt(j + 1)
            elif j < seg.end:
                return []
            k = j
        if len(groups) < 2:
            return []
        return [(f"{head} {' '.join(p.nt.text[p.idx[s]:p.char_end(e - 1)].split())}", p.idx[s], p.char_end(e - 1))
                for s, e in groups]

    def dangling(self, text: str) -> bool:
        folded = fold_words(text)
        return any(folded.endswith(" " + d) for d in self.lex.folded.get("dangling", []))


def _share_place(names: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Organs listed before a place-named body share its place: "Thường trực Hội đồng nhân dân, …
    và đại biểu Hội đồng nhân dân thành phố" → "Thường trực Hội đồng nhân dân thành phố"."""
    if len(names) < 2:
        return names
    last = names[-1][0]
    for owner in lexicon().kinds.get("place_owner", []):
        m = re.search(rf"(?i:(?<!\w){re.escape(owner)})\s+(\S.*)$", last)
        if m and _place_words() & {agency_key(" ".join(m.group(1).split()[:2])), agency_key(m.group(1).split()[0])}:
            ending = re.compile(rf"(?i:(?<!\w){re.escape(owner)})$")
            return [(f"{n} {m.group(1)}" if ending.search(n) else n, a, b) for n, a, b in names[:-1]] + names[-1:]
    return names


def _specific_enough(words: list[str]) -> bool:
    """A generic collective stands for an addressee of its own only when it names bodies, not anyone
    concerned: "các cơ quan, đơn vị, địa phương" does, "các cơ quan, tổ chức có liên quan" does not."""
    return not _holds(words, "not_a_body")


def _holds(words: list[str], role: str) -> bool:
    folded = " " + " ".join(fold_words(w) for w in words) + " "
    return any(f" {w} " in folded for w in lexicon().folded.get(role, []))


@lru_cache(maxsize=4096)
def _key(name: str, places: tuple[str, ...]) -> str:
    """Identity of an addressee: the scorer's agency key (case, Đ, punctuation, UBND = Ủy ban nhân
    dân, no leading "các"), without closing words of the plan's own place ("… ngành tỉnh" = "… ngành",
    "Sở Nội vụ thành phố Hà Nội" = "Sở Nội vụ") or of key_drop ("… có liên quan"), "trực thuộc" =
    "thuộc", and a list of places in any order ("xã, phường" = "phường, xã")."""
    lex = lexicon()
    for short, long in _joined_abbreviations():
        name = short.sub(long, name)
    k = _plain(" " + agency_key(name) + " ")
    tails = [_plain(" " + agency_key(p) + " ").strip() for p in (*places, *lex.kinds.get("key_drop", []))]
    changed = True
    while changed:
        changed = False
        for tail in tails:
            if tail and k.endswith(f" {tail} ") and len(k) > len(tail) + 3:
                k = k[: -len(tail) - 1]
                changed = True
    return _sorted_places(k.strip())


def _plain(key: str) -> str:
    return key.replace(" trực thuộc ", " thuộc ").replace(" các ", " ")


def _sorted_places(key: str) -> str:
    places = _place_words()
    words = key.split()
    out: list[str] = []
    run: list[str] = []
    i = 0
    while i < len(words):
        two = " ".join(words[i:i + 2])
        if two in places:
            run.append(two)
            i += 2
        elif words[i] in places:
            run.append(words[i])
            i += 1
        else:
            out.extend(sorted(run))
            run = []
            out.append(words[i])
            i += 1
    out.extend(sorted(run))
    return " ".join(out)


@lru_cache(maxsize=1)
def _joined_abbreviations() -> tuple[tuple[re.Pattern, str], ...]:
    """The abbreviations written with "&" ("Sở KH&CN"), which the name key's punctuation fold would
    break apart before vbgraph.extract.names expands them."""
    return tuple((re.compile(rf"(?<!\w){re.escape(r['short'])}(?!\w)", re.I), r["long"])
                 for r in read_table("abbreviations.csv") if "&" in r["short"])


@lru_cache(maxsize=1)
def _place_words() -> frozenset[str]:
    return frozenset(agency_key(w) for w in lexicon().kinds.get("locality", []) if w.islower())


def _bare_suffix(spec: str, level: str) -> str:
    for part in spec.split("|"):
        lvl, _, suffix = part.partition(":")
        if lvl == level:
            return suffix
    return ""


# ------------------------------------------------------------------ items, scopes, deadlines


def _sentence_at(nt: NormText, starts: list[int], i: int) -> tuple[int, int]:
    spans = nt.sentences
    k = max(0, bisect.bisect_right(starts, i) - 1)
    return spans[k] if spans else (0, len(nt.text))


def _items(p: _Parser, nt: NormText, lines: list[_Line], parts: list[tuple[int, int]]) -> list[_Item]:
    in_part = [False] * len(lines)
    for a, b in parts:
        for i in range(a, b):
            in_part[i] = True
    items: list[_Item] = []
    starts = [a for a, _ in nt.sentences]
    for i, ln in enumerate(lines):
        if ln.absorbed or ln.blocked:
            continue
        label = _field_at(nt.text, ln)
        if label:
            items.extend(_field_items(p, nt, lines, i, label.end()))
            continue
        line_end = lines[i + 1].end if ln.lone and i + 1 < len(lines) else ln.end
        if not (ln.heading or in_part[i]) or nt.text[ln.content:line_end].isupper():
            # an upper-case heading names a topic ("1. ĐOÀN KẾT, ĐẠI ĐOÀN KẾT"), where every word is capitalised
            if not ln.heading and not in_part[i]:
                items.extend(_executor_items(p, nt, i, ln))
            continue
        k = p.tok_at(ln.content)
        colon = nt.text.find(":", ln.content, min(line_end, ln.content + 160))
        segs = p.parse_list(k, "heading" if ln.heading else "subject", trigger=True,
                            until=p.tok_at(colon) if colon >= 0 else 0)
        if segs and ln.heading and colon < 0 and _heads_deeper_items(lines, i):
            segs[-1:] = [_whole_heading(p, segs[-1], line_end)]
        if segs:
            items.append(_Item(i, ln.level, segs, "item" if ln.heading else "subject",
                               generic=in_part[i] or ln.kind == "article"))
        else:
            items.extend(_executor_items(p, nt, i, ln))
        if in_part[i]:
            items.extend(_clause_items(p, nt, starts, i, ln, lines, opened=bool(segs)))
    return items


def _heads_deeper_items(lines: list[_Line], i: int) -> bool:
    """The heading at line i has items or bullets of its own below it (its text is only a heading)."""
    j = i + 1
    while j < len(lines) and lines[j].absorbed:
        j += 1
    return j < len(lines) and lines[j].kind is not None and lines[j].level > lines[i].level


def _whole_heading(p: _Parser, seg: _Segment, line_end: int) -> _Segment:
    """A kind of body that heads items of its own is named by the whole heading, the words that would
    otherwise read as its work included: "6. Đề nghị các tổ chức cung cấp dịch vụ chi trả⏎a) …"."""
    end = p.tok_at(line_end)
    rest = p.t[seg.end:end]
    work = sum(1 for k in range(seg.end, end) if p.m("PRED", k))
    if seg.kind != "collective" or seg.stop != "pred" or work > 1 or any(w in ",;:" for w in rest):
        return seg  # a second verb: the heading says what the body does ("… có trách nhiệm chủ trì")
    return replace(seg, end=p._last(end), stop="eol", at=end)


def _executor_items(p: _Parser, nt: NormText, i: int, ln: _Line) -> list[_Item]:
    """A decision's executors sentence, wherever the line starts it: from its first addressee (after an
    article title joined to it, "Điều 5. Tổ chức thực hiện Chánh Văn phòng …") down to "chịu trách nhiệm
    thi hành", each ";"-part read as a list of its own (one part that fails leaves the others)."""
    if "trách nhiệm" not in nt.text[ln.content:ln.end]:
        return []
    cue = _executor_cue().search(nt.text, ln.content, ln.end)
    if not cue:
        return []
    end = p.tok_at(cue.start())
    k = next((j for j in range(p.tok_at(ln.content), end) if p.cap(j) and p.starts_agency(j)), end)
    out = []
    while k < end:
        found = p.parse_list(k, "heading", trigger=True, wrap=False)
        segs = [replace(s, end=min(s.end, end)) for s in found or [] if s.start < end]
        if segs:
            out.append(_Item(None, ln.level, segs, "executors", scope=(ln.start, ln.end), generic=True))
            k = max(k, found[-1].at)
        k = p.nxt(next((s + 1 for s in range(k, end) if p.t[s] == ";"), end))
    return out


@lru_cache(maxsize=1)
def _executor_cue() -> re.Pattern:
    return _cue_pattern(lexicon().kinds.get("executors", []), "")


@lru_cache(maxsize=1)
def _field_label() -> re.Pattern:
    labels = sorted(lexicon().kinds.get("field", []), key=len, reverse=True)
    alts = "|".join(r"\s*,\s*".join(r"\s+".join(map(re.escape, part.split())) for part in label.split(","))
                    for label in labels)
    return re.compile(rf"(?i:{alts})\s*:\s*")


def _field_at(text: str, ln: _Line) -> re.Match | None:
    """A task field's label on the line: at its start, or capitalised after a heading the normaliser
    joined to it ("2. Tập huấn Đơn vị chủ trì thực hiện: …")."""
    if text.find(":", ln.content, ln.end) < 0:
        return None
    label = _field_label()
    m = label.match(text, ln.content, ln.end)
    if m or not ln.heading:
        return m
    return next((m for m in label.finditer(text, ln.content, ln.end)
                 if text[m.start()].isupper() and text[m.start() - 1] == " "), None)


def _field_items(p: _Parser, nt: NormText, lines: list[_Line], i: int, at: int) -> list[_Item]:
    """A task's lead field ("Cơ quan chủ trì: Sở Nội vụ, Sở Tư pháp"; "Cơ quan thực hiện: Sở A chủ trì
    …; Sở B và các sở, ngành chủ động …"): every addressee list it opens, its deadlines those of the
    task's other fields down to the next task."""
    ln = lines[i]
    j = i + 1
    while j < len(lines) and not (lines[j].kind in ("num", "num2", "letter", "roman", "article", "chapter")
                                  or lines[j].blocked or _field_at(nt.text, lines[j])
                                  or lines[j].kind == "bullet" and not _LABELLED.match(nt.text, lines[j].content)):
        j += 1
    scope = (ln.start, (lines[j].start if j < len(lines) else len(nt.text)) - 1)
    out = []
    # the next field, when the normaliser joined it on ("Cơ quan thực hiện: Sở Y tế Cơ quan có thẩm
    # quyền quyết định: Sở Y tế")
    following = next((m.start() for m in _NEXT_FIELD.finditer(nt.text, at, ln.end) if m.group(1)[0].isupper()),
                     ln.end)
    k, end = p.tok_at(at), p.tok_at(following)
    while k < end:
        segs = p.parse_list(k, "heading", trigger=False, wrap=False)
        segs = [replace(s, end=min(s.end, end)) for s in segs or [] if s.start < end]
        if segs:
            out.append(_Item(None, ln.level, segs, "field", scope=scope, generic=True))
            k = segs[-1].at
        k = next((s + 1 for s in range(k, end) if p.t[s] == ";"), end)
        k = p.nxt(k)
    return out


def blank_outside(text: str, keep: list[tuple[int, int]]) -> str:
    """`text` with everything outside the kept spans blanked (line breaks stay, and a blanked stretch
    inside a line starts with one, so a kept table cell ends like a line)."""
    out, pos = [], 0
    for a, b in sorted(keep):
        if a > pos:
            out.append(_blank(text[pos:a]))
        if b > pos:
            out.append(text[max(a, pos):b])
            pos = b
    out.append(_blank(text[pos:]))
    return "".join(out)


def _blank(gap: str) -> str:
    blanked = "\n".join(" " * len(line) for line in gap.split("\n"))
    return blanked if not blanked or blanked[0] == "\n" else "\n" + blanked[1:]


def _kept_lines(nt: NormText, lines: list[_Line], parts: list[tuple[int, int]],
                cells: list[tuple[int, int, list[str]]]) -> list[tuple[int, int]]:
    """The spans the addressee parser reads: enumerated headings (and the line a lone mark heads),
    the lines of the parts that assign tasks, task fields, the lead cells of task tables, and a line
    that goes on a list the line before ended with ";"."""
    in_part = set()
    for a, b in parts:
        in_part.update(range(a, b))
    keep = [(a, b) for a, b, _ in cells]
    wanted = False
    for i, ln in enumerate(lines):
        wanted = (ln.heading or ln.absorbed or i in in_part or _field_at(nt.text, ln)
                  or "trách nhiệm" in nt.text[ln.start:ln.end] and _executor_cue().search(nt.text, ln.start, ln.end)
                  or wanted and nt.text[ln.start:ln.end].lstrip()[:1].isupper())
        if wanted:
            keep.append((ln.start, ln.end))
        wanted = bool(wanted) and nt.text[ln.start:ln.end].rstrip().endswith(";")
    return keep


def _table_cells(nt: NormText, year: int | None, issued: str | None) -> list[tuple[int, int, list[str]]]:
    """The rows of a task table whose header has a lead column ("Cơ quan chủ trì") and maybe a time
    column ("Thời gian hoàn thành"): (start, end) of the lead cell in nt.text and the time cell's
    deadline.  Rows are read from the source's "|" cells (markdown or one cell a line) and found again
    in the normalised text in order."""
    if "|" not in nt.original:
        return []
    label, time = _field_label(), _time_label()
    out: list[tuple[int, int, list[str]]] = []
    cursor = 0
    header: list[str] | None = None
    lead = when = -1
    for row in _table_rows(nt.original):
        labelled = next((i for i, c in enumerate(row) if label.fullmatch(c + ":")), -1)
        if labelled >= 0:
            # a header's cells are short; a layout that put no row break before it keeps longer text
            first = len(row)
            while first and len(row[first - 1].split()) <= _HEADER_WORDS:
                first -= 1
            first = min(first, labelled)
            header = row = row[first:]
            lead = labelled - first
            when = next((i for i, c in enumerate(row) if time.fullmatch(c)), -1)
            continue
        if header is None or len(row) != len(header):
            continue
        at = -1
        for i, cell in enumerate(row):  # every cell, so that a later search starts after this row
            found = nt.text.find(cell, cursor)
            if found >= 0:
                cursor = found + len(cell)
                at = found if i == lead else at
        if at < 0:
            continue
        deadlines = []
        if when >= 0:
            single = not time.fullmatch(header[when]).group("done")
            deadlines = _cell_deadlines(row[when], single, year, issued)
        out.append((at, at + len(row[lead]), deadlines))
    return out


def _table_items(p: _Parser, cells: list[tuple[int, int, list[str]]]) -> list[_Item]:
    out = []
    for at, end, deadlines in cells:
        segs = p.parse_list(p.tok_at(at), "heading", trigger=False, wrap=False)
        last = p.tok_at(end)   # a row written on one line: the cell ends the names
        segs = [replace(s, end=min(s.end, last)) for s in segs or [] if s.start < last]
        if segs:
            out.append(_Item(None, 0, segs, "table", scope=(at, end), generic=True, deadlines=deadlines))
    return out


_HEADER_WORDS = 8
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _table_rows(text: str) -> list[list[str]]:
    """Cells between "|" marks, a row ending where only blanks and a line break stand between two
    marks; markup and blanks of a cell collapsed as the normaliser does."""
    rows, row = [], []
    for cell in text.split("|")[1:]:
        # blanks with a line break between two marks end a row; a blank line ends the table
        if not cell.strip() and "\n" in cell or _BLANK_LINE.search(cell):
            if row:
                rows.append(row)
            row = []
            continue
        cleaned = " ".join(cell.replace("*", " ").split())
        if cleaned and not re.fullmatch(r":?-{2,}:?", cleaned):
            row.append(cleaned)
    if row:
        rows.append(row)
    return rows


def _cell_deadlines(cell: str, single: bool, year: int | None, issued: str | None) -> list[str]:
    if _recurring().search(cell):
        return []
    out = []
    for d in find_dates(cell) + find_periods(cell):
        if single and d.period:
            continue
        iso = complete(d.iso, year)
        if iso and not (issued and iso < issued[:len(iso)]):
            out.append(iso)
    return out[-1:]   # "Từ tháng 10 đến tháng 12/2025": the time limit is the last date


@lru_cache(maxsize=1)
def _time_label() -> re.Pattern:
    """A table's time column: "Thời gian/hạn hoàn thành" (any date is a time limit) or "Thời gian thực
    hiện" (a single one is)."""
    single = "|".join(re.escape(w) for w in lexicon().kinds.get("deadline_single", []))
    done = "|".join(re.escape(w) for w in lexicon().kinds.get("deadline_column", []))
    return re.compile(rf"(?i:(?P<done>{done})|{single})\s*:?")


# a field of a task ("Thời gian thực hiện: …"): a few words and a colon
_LABELLED = re.compile(r"[^\W\d][\w ]{0,40}:")
_NEXT_FIELD = re.compile(r"\s([^\W\d_]\w*(?: \w+){0,6}):")


def _clause_items(p: _Parser, nt: NormText, starts: list[int], i: int, ln: _Line,
                  lines: list[_Line], opened: bool) -> list[_Item]:
    """Inside the Tổ chức thực hiện part: addressees after a comma of the item's first sentence
    when the line does not open with them (`opened`: "Trên cơ sở …, Thủ trưởng các sở … có trách
    nhiệm"; "Trong quý I, Sở Nội vụ chủ trì …"), and after a handing-over word inside a sentence
    ("… giao Sở Tài chính bố trí …", "UBND huyện đề nghị Hội Nông dân huyện chủ trì …")."""
    out: list[_Item] = []
    k = p.tok_at(ln.content)
    line_end = p.tok_at(lines[i + 1].end if ln.lone and i + 1 < len(lines) else ln.end)
    first_end = _sentence_at(nt, starts, ln.content)[1]
    for j in range(k, line_end if not opened else k):
        if p.idx[j] >= first_end or (p.head_at(j, False) or p.lo[j] == "các" and p.m("COLL", p.nxt(j + 1))) \
                and p.t[p.prev(j)] != ",":
            break  # a body named before the comma is an object ("Phối hợp với Ban Dân vận, …")
        if p.t[p.prev(j)] == "," and (p.m("LEADER", j) or p.head_at(j, False)
                                      or p.lo[j] == "các" and p.m("COLL", p.nxt(j + 1))):
            segs = p.parse_list(j, "subject", trigger=False)
            if segs:
                out.append(_Item(i, ln.level, segs, "clause"))
                break
    for j in range(k + 1, line_end):
        trig = p.m("TRIGGER_ANY", j)
        if trig and p.t[j][:1].islower():
            segs = p.parse_list(trig, "subject", trigger=False)
            if segs:
                scope = _sentence_at(nt, starts, p.idx[j])
                out.append(_Item(None, ln.level, segs, "assigned", scope=scope))
    return out


def _scopes(items: list[_Item], lines: list[_Line], parts: list[tuple[int, int]], text_len: int) -> None:
    """An item reaches down to the next line of its level or higher, the next item that names other
    addressees (an item restating its own addressees does not cut it), or the end of its part."""
    part_end = {}
    for a, b in parts:
        for i in range(a, b):
            part_end[i] = b
    by_line: dict[int, set[str]] = {}
    for it in items:
        if it.line is not None:
            by_line.setdefault(it.line, set()).update(k for k, *_ in it.names)
    for it in items:
        if it.line is None:
            continue
        keys = {k for k, *_ in it.names}
        stop = part_end.get(it.line, len(lines))
        j = it.line + 1
        while j < stop:
            ln = lines[j]
            if ln.blocked:
                break
            if not ln.absorbed:
                if ln.level <= it.level or not by_line.get(j, set()) <= keys:
                    break
            j += 1
        end = lines[j].start if j < len(lines) else text_len
        it.scope = (lines[it.line].start, max(lines[it.line].start, end - 1))


def _deadlines(nt: NormText, scope: tuple[int, int], year: int | None, issued: str | None) -> list[str]:
    """The dates in scope that a deadline word puts a time limit on ("chậm nhất ngày 10/4/2024",
    "Thời gian hoàn thành: Quý IV/2025"), or a single month or day after a time-of-work label
    ("Thời gian thực hiện: Tháng 12/2025", not "Tháng 11 - 12/2025"); never one that recurs or stays
    open ("trước ngày 25/12 hằng năm", "… và các năm tiếp theo"), nor one before the document's own
    date `issued` (a date already past when the document was signed is no time limit it sets)."""
    cue, single, recurring = _deadline_cue(), _single_cue(), _recurring()
    text = nt.text
    out = set()
    s, e = scope
    for d in find_dates(text, s, e) + find_periods(text, s, e):
        before = text[max(s, d.start - 40):d.start]
        if not (cue.search(before) or not d.period and single.search(before)):
            continue
        clause = re.split(r"[;.\n]", text[d.end:d.end + 40], maxsplit=1)[0]
        if recurring.search(clause):
            continue
        iso = complete(d.iso, year)
        if iso and not (issued and iso < issued[:len(iso)]):
            out.add(iso)
    return sorted(out)


@lru_cache(maxsize=1)
def _single_cue() -> re.Pattern:
    return _cue_pattern(lexicon().kinds.get("deadline_single", []), r"(?:\s?:\s?|\s)$")


@lru_cache(maxsize=1)
def _recurring() -> re.Pattern:
    return _cue_pattern(lexicon().kinds.get("recurring", []), "")


def _cue_pattern(words: list[str], tail: str) -> re.Pattern:
    alts = "|".join(r"\s".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?i:(?<!\w)(?:{alts})(?!\w)){tail}" if alts else r"(?!)")


def _tasks(nt: NormText, starts: list[int], scope: tuple[int, int]) -> list[str]:
    """The sentences that begin inside the scope."""
    s, e = scope
    spans = nt.sentences
    inside = spans[bisect.bisect_left(starts, s):bisect.bisect_left(starts, e)]
    return [nt.text[a:b] for a, b in inside if b > a]


def find_agencies(nt: NormText, plan: dict) -> list[Agency]:
    """Agencies given tasks, in order of first mention, each with scope = the plan's province,
    sorted ISO deadlines, the evidence of every mention (span in nt.text) and the task sentences."""
    lines = _lines(nt.text)
    parts = _parts(nt.text, lines)
    cells = _table_cells(nt, plan.get("year"), plan.get("date"))
    kept = blank_outside(nt.text, _kept_lines(nt, lines, parts, cells))
    if not may_hold(kept, "agency"):
        return []   # the gate: no addressee word in the lines that can name addressees
    p = _Parser(shared_vocab(), nt, kept)
    namer = _Namer(p, plan)
    items = _items(p, nt, lines, parts) + _table_items(p, cells)
    for it in items:
        cac = False
        names = []
        for seg in it.segments:
            cac = cac or seg.cac
            named = namer.places_named(seg) or [namer.name(seg, cac, it.generic)]
            names.extend(n for n in named if n is not None)
        for name, a, b in _share_place(names):
            key = namer.key(name)
            if key and not namer.is_own(key):
                it.names.append((key, name, a, b))
    items = [it for it in items if it.names]
    _scopes(items, lines, parts, len(nt.text))

    found: dict[str, Agency] = {}
    seen_tasks: dict[str, set[str]] = {}
    year, issued = plan.get("year"), plan.get("date")
    scope = "national" if plan.get("level") in ("national", "party") else plan.get("province")
    sentence_starts = [a for a, _ in nt.sentences]
    for it in sorted(items, key=lambda x: x.names[0][2]):
        deadlines = _deadlines(nt, it.scope, year, issued) if it.deadlines is None else it.deadlines
        tasks = _tasks(nt, sentence_starts, it.scope)
        for key, name, a, b in it.names:
            ag = found.get(key)
            if ag is None:
                ag = found[key] = Agency(name=name, scope=scope)
            ag.deadlines = sorted(set(ag.deadlines) | set(deadlines))
            ag.evidence.append(Evidence(a, b, f"agency.{it.rule}", 1.0 if it.rule == "item" else 0.8))
            seen = seen_tasks.setdefault(key, set())
            ag.tasks.extend(t for t in tasks if not (t in seen or seen.add(t)))
    return list(found.values())
