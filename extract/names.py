"""Name keys shared by the extractor and the scorer: the fold that makes two spellings of one
Vietnamese name equal (case, Đ/D, old/new tone placement, spaces), and the identity keys of agency and
movement names (abbreviations from data/abbreviations.csv expanded, a leading "các" dropped)."""
from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from importlib import resources

# Old/new tone placement on the diphthongs oa, oe, uy at the end of a syllable ("hoà" = "hòa",
# "uỷ" = "ủy"): both spellings are in use and name the same word.
_TONE_MOVES = {}
for _plain, _marked in (("a", "àáảãạ"), ("e", "èéẻẽẹ"), ("y", "ỳýỷỹỵ")):
    _first = "o" if _plain in "ae" else "u"
    _first_marked = "òóỏõọ" if _first == "o" else "ùúủũụ"
    for _i, _m in enumerate(_marked):
        _TONE_MOVES[_first + _m] = _first_marked[_i] + _plain
_TONE_RE = re.compile("(" + "|".join(_TONE_MOVES) + r")(?!\w)")
_SPACE_RE = re.compile(r"\s+")
_WORD_RE = re.compile(r"\w+")
_QUOTES_RE = re.compile("[\"'“”‘’«»„‟‹›]")


def fold(value) -> str:
    """NFC, casefold, Đ/đ → d, one tone placement for oa/oe/uy, whitespace collapsed to one space."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).casefold()
    text = unicodedata.normalize("NFC", text).replace("đ", "d")
    text = _TONE_RE.sub(lambda m: _TONE_MOVES[m.group(1)], text)
    return _SPACE_RE.sub(" ", text).strip()


@lru_cache(maxsize=1)
def abbreviations() -> tuple[tuple[re.Pattern, str], ...]:
    """(pattern over folded text, canonical folded long form) from vbgraph.data/abbreviations.csv.
    Every short form and every written long form maps to the first long form given for the short."""
    source = resources.files("vbgraph.data").joinpath("abbreviations.csv")
    lines = [ln for ln in source.read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")]
    canonical: dict[str, str] = {}
    variants: dict[str, str] = {}
    for row in csv.DictReader(lines):
        short, long = fold(row["short"]), fold(row["long"])
        canonical.setdefault(short, long)
        variants[short] = canonical[short]
        variants[long] = canonical[short]
    # longest first, so "ủy ban mặt trận tổ quốc việt nam" is replaced before "mặt trận tổ quốc"
    ordered = sorted((v for v in variants if v != variants[v]), key=len, reverse=True)
    return tuple((re.compile(r"(?<!\w)" + re.escape(v) + r"(?!\w)"), variants[v]) for v in ordered)


def agency_key(name) -> str:
    """fold, punctuation → space, abbreviations expanded (UBND → ủy ban nhân dân, ...), a leading
    "các" dropped."""
    text = re.sub(r"[^\w\s]", " ", fold(name))
    text = _SPACE_RE.sub(" ", text).strip()
    for pattern, long in abbreviations():
        text = pattern.sub(long, text)
    if text.startswith("các "):
        text = text[4:]
    return text


def movement_key(name) -> str:
    return _SPACE_RE.sub(" ", _QUOTES_RE.sub(" ", fold(name))).strip()
