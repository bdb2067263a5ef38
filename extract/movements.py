"""Movements and campaigns (phong trào, phong trào thi đua, cuộc vận động) a plan names.

Four forms, each anchored on a trigger word of data/movement_cues.csv (in any case):
  * quoted:    phong trào thi đua “Dân vận khéo”, cuộc vận động "…", năm “Dân vận khéo” — and the quoted
               names that follow it in a list (“…”, “…”, phong trào “…” …);
  * gazetteer: a known national movement of data/movements.csv written without quotes right after a
               trigger ("phong trào toàn dân bảo vệ an ninh Tổ quốc"), found with a spaCy PhraseMatcher;
  * launched:  "phát động phong trào thi đua <name>", "triển khai Đợt thi đua <name>" — an unquoted
               name up to the end of its clause (of its line in an upper-case title), without a closing
               "trên địa bàn <place>";
  * listed:    "các phong trào thi đua do Thủ tướng phát động như: A; B; Phong trào thi đua C…" — each
               item that is a name (capitalised, or opened by a trigger).
A plural trigger ("các phong trào thi đua …") and the generic phrases of the cues table ("thi đua yêu
nước") name no movement.  Names are deduplicated by their folded form (case, Đ/D, spaces, quotes; a
gazetteer alias counts as its movement; launched names that share nearly all their words — the title's
and the body's wording of the plan's own movement — are one) and keep the form first written, quotes
stripped.
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from vbgraph.extract.agencies import blank_outside, fine_doc, phrase_tokens
from vbgraph.extract.names import agency_key, movement_key
from vbgraph.extract.prefilter import shared_vocab
from vbgraph.extract.models import Evidence, Movement
from vbgraph.extract.tables import read_table
from vbgraph.extract.text import NormText

_QUOTED = r"[“\"«](?P<name>[^“”\"«»\n]{1,200})[”\"»]"
_MAX_LAUNCHED_WORDS = 40
_SAME_MOVEMENT = 0.85   # share of the shorter name's words that two launched names must share
_RULE_RANK = {"movement.quoted": 0, "movement.known": 1, "movement.listed": 2, "movement.launched": 3,
              "movement.enumerated": 4, "": 9}


@lru_cache(maxsize=1)
def _cues() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in read_table("movement_cues.csv"):
        out.setdefault(row["role"], []).append(row["phrase"])
    return out


def _alternation(phrases: list[str]) -> str:
    """Literal phrases, longest first, any run of blanks between their words."""
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered)


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    cues = _cues()
    trigger = _alternation(cues.get("trigger", []))
    quote_trigger = _alternation(cues.get("quote_trigger", []))
    launch = _alternation(cues.get("launch", []))
    first = re.compile(rf"(?i:(?<!\w)(?P<plural>các\s+)?(?:{trigger}|(?P<weak>{quote_trigger})))(?:\s+(?i:như))?"
                       rf"\s*:?\s*{_QUOTED}")
    more = re.compile(rf"\s*(?:[,;]\s*|\s(?i:và)\s+)(?:(?i:{trigger})\s*)?{_QUOTED}")
    launched = re.compile(rf"(?i:(?<!\w)(?:{launch})\s+(?P<plural>các\s+)?(?:{trigger}))\s+"
                          r"(?![“\"«])(?P<name>[^;.:\n(“\"«]{3,300})")
    return first, more, launched


@lru_cache(maxsize=1)
def _enumeration() -> re.Pattern:
    """ "các phong trào thi đua (…) như:" — a plural trigger that opens a list of names."""
    trigger = _alternation(_cues().get("trigger", []))
    return re.compile(rf"(?i:(?<!\w)các\s+(?:{trigger}))[^;:.\n“\"]{{0,80}}?\s(?i:như)\s*:?\s*")


@lru_cache(maxsize=1)
def _place_words() -> list[str]:
    return [r["word"] for r in read_table("agency_heads.csv") if r["kind"] == "locality" and r["word"].islower()]


@lru_cache(maxsize=1)
def _cue_words() -> dict[str, re.Pattern]:
    """Patterns over a name: its first word (not_name), its closing place (place_tail), its opening
    trigger or list word (lead)."""
    cues = _cues()
    lead = _alternation(cues.get("trigger", []) + cues.get("list_lead", []))
    return {"not_name": re.compile(rf"(?i:(?:{_alternation(cues.get('not_name', []))}))(?!\w)"),
            "place_tail": re.compile(rf"\s+(?i:(?:{_alternation(cues.get('place_tail', []))}))"
                                     rf"(?:\s+(?i:{_alternation(_place_words())}))?(?:\s+[^\W\d_a-zđ]\w*)*\s*$"),
            "lead": re.compile(rf"(?i:(?:{lead}))\s+(?=\w)")}


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, str]:
    """Folded name or alias -> folded canonical name."""
    out: dict[str, str] = {}
    for row in read_table("movements.csv"):
        canonical = movement_key(row["name"])
        for written in [row["name"], *filter(None, row["aliases"].split("|"))]:
            out[movement_key(written)] = canonical
    return out


@lru_cache(maxsize=8)
def _matchers(vocab: Vocab) -> tuple[PhraseMatcher, PhraseMatcher]:
    names = PhraseMatcher(vocab, attr="LOWER")
    triggers = PhraseMatcher(vocab, attr="LOWER")
    for row in read_table("movements.csv"):
        written = [row["name"], *filter(None, row["aliases"].split("|"))]
        names.add("MOVEMENT", [Doc(vocab, words=phrase_tokens(w)) for w in written])
    triggers.add("TRIGGER", [Doc(vocab, words=phrase_tokens(p))
                             for p in _cues().get("trigger", []) + _cues().get("quote_trigger", [])])
    return names, triggers


def _generic(key: str, launched: bool) -> bool:
    generic = [movement_key(p) for p in _cues().get("generic", [])]
    if key in generic:
        return True
    return launched and any(key.startswith(g + " ") for g in generic)


def _clean(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim blanks and trailing punctuation ("…", "...", ",") off a name's span."""
    while start < end and (text[start].isspace() or text[start] in "*_"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:…*_"):
        end -= 1
    return start, end


def _quoted(text: str) -> list[tuple[int, int, str]]:
    first, more, _ = _patterns()
    out = []
    gazetteer = _gazetteer()
    for m in first.finditer(text):
        if m.group("plural") or m.group("weak") and movement_key(m.group("name")) not in gazetteer:
            continue
        out.append((*m.span("name"), "movement.quoted"))
        pos = m.end()
        while True:
            n = more.match(text, pos)
            if not n:
                break
            out.append((*n.span("name"), "movement.listed"))
            pos = n.end()
    return out


def _launched(text: str) -> list[tuple[int, int, str]]:
    _, _, launched = _patterns()
    words = _cue_words()
    out = []
    for m in launched.finditer(text):
        start, end = m.span("name")
        if m.group("plural") or words["not_name"].match(text, start):
            continue
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        line = text[text.rfind("\n", 0, start) + 1:line_end]
        if line.isupper():  # an upper-case title: the name runs to the end of the line, ";" included
            end = line_end
        tail = words["place_tail"].search(text, start, end)
        if tail:
            end = tail.start()
        if 0 < len(text[start:end].split()) <= _MAX_LAUNCHED_WORDS:
            out.append((start, end, "movement.launched"))
    return out


def _enumerated(text: str) -> list[tuple[int, int, str]]:
    """The items of "các phong trào thi đua … như: A; B; C" that are names: capitalised, or opened by
    a trigger ("Phong trào thi đua đổi mới sáng tạo"), which is left out of the name."""
    lead = _cue_words()["lead"]
    out = []
    for m in _enumeration().finditer(text):
        line_end = m.end()
        while True:  # a line that ends with ";" goes on with the next item
            nl = text.find("\n", line_end)
            line_end = len(text) if nl < 0 else nl
            if nl < 0 or not text[:line_end].rstrip().endswith(";"):
                break
            line_end += 1
        stop = re.compile(r"\.{3}|…|\.(?=\s|$)").search(text, m.end(), line_end)
        pos, end = m.end(), stop.start() if stop else line_end
        if text.find(";", pos, end) < 0:
            continue  # one item is a sentence, not a list of names
        while pos < end:
            semi = text.find(";", pos, end)
            item_end = end if semi < 0 else semi
            start = pos
            while start < item_end and text[start].isspace():
                start += 1
            opened = lead.match(text, start, item_end)
            if opened:
                start = opened.end()
            if start < item_end and (opened or text[start].isupper()) \
                    and len(text[start:item_end].split()) <= _MAX_LAUNCHED_WORDS:
                out.append((start, item_end, "movement.enumerated"))
            pos = item_end + 1
    return out


def _known(vocab: Vocab, nt: NormText) -> list[tuple[int, int, str]]:
    # only the lines that hold a trigger are tokenised: the name must follow one on its line
    text = nt.text
    keep = []
    for m in _trigger_re().finditer(text):
        if m.group("weak") and not m.group("next").isupper():
            continue  # "năm 2025", "trong năm tới": no known movement follows
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        keep.append((start, len(text) if end < 0 else end))
    if not keep:
        return []
    fdoc = fine_doc(vocab, blank_outside(text, keep))
    names, triggers = _matchers(vocab)
    trigger_ends = {e for _, s, e in triggers(fdoc) if not _plural(fdoc, s)}
    out = []
    for _, s, e in names(fdoc):
        before = s
        while before > 0 and fdoc[before - 1].is_space and "\n" not in fdoc[before - 1].text:
            before -= 1
        if before in trigger_ends:
            out.append((fdoc[s].idx, fdoc[e - 1].idx + len(fdoc[e - 1].text), "movement.known"))
    return out


@lru_cache(maxsize=1)
def _trigger_re() -> re.Pattern:
    cues = _cues()
    return re.compile(rf"(?i:{_alternation(cues.get('trigger', []))}|(?P<weak>(?<!\w)"
                      rf"(?:{_alternation(cues.get('quote_trigger', []))})\s+[“\"«]?(?P<next>\w)))")


def _plural(fdoc: Doc, s: int) -> bool:
    return s > 0 and fdoc[s - 1].lower_ == "các"


def find_movements(nt: NormText) -> list[Movement]:
    """Movements in order of first mention, each with the evidence of every mention."""
    text = nt.text
    spans: dict[tuple[int, int], str] = {}
    for start, end, rule in _quoted(text) + _launched(text) + _enumerated(text) + _known(shared_vocab(), nt):
        if _RULE_RANK[rule] < _RULE_RANK[spans.get((start, end), "")]:
            spans[(start, end)] = rule  # one mention, one evidence: the most direct rule that found it
    gazetteer = _gazetteer()
    found: dict[str, Movement] = {}
    launched: list[tuple[set[str], str]] = []   # (words, key) of the names the launched rule found
    for (start, end), rule in sorted(spans.items()):
        start, end = _clean(text, start, end)
        name = " ".join(text[start:end].split())
        key = movement_key(name)
        if not key or _generic(key, rule in ("movement.launched", "movement.enumerated")):
            continue
        key = gazetteer.get(key, key)
        if rule == "movement.launched" and key not in found:
            words = set(agency_key(name).split())
            key = next((k for w, k in launched if len(w & words) >= _SAME_MOVEMENT * min(len(w), len(words))),
                       key)
            launched.append((words, key))
        mv = found.get(key)
        if mv is None:
            mv = found[key] = Movement(name=name)
        mv.evidence.append(Evidence(start, end, rule))
    return list(found.values())
