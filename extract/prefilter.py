"""A cheap prefilter: which texts and paragraphs can hold a citation, an agency or a movement at all.

A text or paragraph without a cue of a family cannot yield anything of that family, so the costly
steps (spaCy Docs, phrase matchers, the addressee parser) can be skipped there.  Each family's cues
are a superset of what its finder needs, read from the same tables:

  citation  a number, a symbol separator and the year and a second "/" or straight the upper-case code
            ("33/CT", "23-QĐ", "12 /2024/NĐ": every SYMBOL_RX match contains one, a date none), "Luật "
            or "LUẬT " (named laws), "Nghị quyết " (congress resolutions), or the titled-document
            pattern of citations.py itself
  movement  a trigger phrase of movement_cues.csv, its words apart by any whitespace: every rule of
            movements.py (quoted, listed, launched, gazetteer) is anchored on one
  agency    the first word of each head and collective of agency_heads.csv and of each leader and
            trigger of agency_cues.csv, found by one Aho-Corasick automaton over the lower-cased text
            (the finder's phrase matcher compares lower-cased tokens)

Contract: a finder that starts to find things without one of these cues must add the cue here.

`make_doc` builds the same Doc as the pipeline's whitespace tokenizer (`spacy.blank("vi")` without
pyvi) in linear time: spaCy's `util.get_words_and_spaces` copies the rest of the text for every word
(`text[text_pos:].index(word)`), which is quadratic in the length of a document.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

import ahocorasick
from spacy.tokens import Doc
from spacy.vocab import Vocab

from vbgraph.extract.tables import read_table

FAMILIES = ("citation", "agency", "movement")
_WORD = re.compile(r"\w+|[^\w\s]")      # how agencies.phrase_tokens splits a phrase
_NONSPACE = re.compile(r"\S+")


@lru_cache(maxsize=1)
def _citation_cue() -> re.Pattern:
    # a date ("12/5/2024", "2021-2025") is no cue: in a symbol the separator is followed by the year
    # and a second "/", or straight by the upper-case code (symbols.SYMBOL_RX)
    return re.compile(r"\d[a-z]?[ ]?(?:/[ ]?(?:(?:19|20)\d{2}[ ]?/[ ]?)?|[-–][ ]?)[A-ZĐƯ]"
                      r"|Luật[ ]|LUẬT[ ]|Nghị quyết[ ]")


def _titled() -> re.Pattern:
    # a document named by its trích yếu alone ("thực hiện Quyết định về …"): the finder's own pattern
    from vbgraph.extract.citations import _TITLED_RX

    return _TITLED_RX


@lru_cache(maxsize=1)
def _movement_cue() -> re.Pattern:
    """Over the lower-cased text (`_lower_same_length`): a case-insensitive search of non-ASCII
    phrases is several times slower."""
    phrases = sorted((r["phrase"].lower() for r in read_table("movement_cues.csv") if r["role"] == "trigger"),
                     key=len, reverse=True)
    return re.compile("|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases))


@lru_cache(maxsize=1)
def _agency_cues() -> ahocorasick.Automaton:
    words = {r["word"] for r in read_table("agency_heads.csv") if r["kind"] in ("head", "collective")}
    words |= {r["phrase"] for r in read_table("agency_cues.csv") if r["role"] in ("leader", "trigger", "trigger_any")}
    automaton = ahocorasick.Automaton()
    for w in words:
        first = _WORD.findall(w)[0].lower()
        automaton.add_word(first, len(first))
    automaton.make_automaton()
    return automaton


@lru_cache(maxsize=2)   # the agency and movement cues read the same text
def _lower_same_length(text: str) -> str:
    """text.lower() with every character kept in its place: a character whose lower case is longer
    ("İ") stays as it is (no cue word holds what it would become)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _agency_hits(text: str):
    """(start, end) of the agency cue words in `text`."""
    for end, length in _agency_cues().iter(_lower_same_length(text)):
        yield end - length + 1, end + 1


def may_hold(text: str, family: str) -> bool:
    """False when `text` cannot hold anything of the family ("citation", "agency", "movement")."""
    if family == "agency":
        return next(_agency_hits(text), None) is not None
    if family == "citation":
        return _citation_cue().search(text) is not None or _titled().search(text) is not None
    if family == "movement":
        return _movement_cue().search(_lower_same_length(text)) is not None
    raise ValueError(f"unknown family {family!r} (known: {', '.join(FAMILIES)})")


def _cue_spans(text: str, family: str):
    """(start, end) of the cues of a family in `text`."""
    if family == "agency":
        return _agency_hits(text)
    if family == "citation":
        return sorted(m.span() for rx in (_citation_cue(), _titled()) for m in rx.finditer(text))
    if family == "movement":
        return (m.span() for m in _movement_cue().finditer(_lower_same_length(text)))
    raise ValueError(f"unknown family {family!r} (known: {', '.join(FAMILIES)})")


def candidate_paragraphs(text: str, families=FAMILIES, after: int = 0) -> list[tuple[int, int]]:
    """Spans (start, end) of the lines of `text` (split at "\\n", the normaliser's paragraphs) that
    hold a cue of one of the families, each extended by the `after` lines that follow it (a mention
    may run on over a line break, e.g. to its date); sorted, and merged where they touch.  The text
    outside the spans cannot hold anything of those families."""
    starts = [0]
    pos = text.find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    n = len(starts)
    marked = bytearray(n)
    for family in families:
        hits = _cue_spans(text, family)
        line_end = -1
        for a, b in hits:
            if a < line_end and b <= line_end:
                continue   # on a line marked already
            k = bisect.bisect_right(starts, a) - 1
            last = bisect.bisect_right(starts, max(a, b - 1)) - 1   # a cue phrase may cross a line break
            marked[k:last + 1] = b"\x01" * (last + 1 - k)
            line_end = starts[last + 1] - 1 if last + 1 < n else len(text)
    runs: list[list[int]] = []   # [first line, last line]
    for k, hit in enumerate(marked):
        if hit:
            last = min(n - 1, k + after)
            if runs and k <= runs[-1][1] + 1:
                runs[-1][1] = max(runs[-1][1], last)
            else:
                runs.append([k, last])
    return [(starts[a], starts[b + 1] - 1 if b + 1 < n else len(text)) for a, b in runs]


def words_and_spaces(text: str) -> tuple[list[str], list[bool]]:
    """spacy.util.get_words_and_spaces(text.split(), text) in linear time: each run of non-space
    characters is a token that owns one following " "; any other whitespace is a token of its own."""
    words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    n = len(text)
    for m in _NONSPACE.finditer(text):
        a, b = m.span()
        if a > pos:
            words.append(text[pos:a])
            spaces.append(False)
        words.append(m.group())
        if b < n and text[b] == " ":
            spaces.append(True)
            pos = b + 1
        else:
            spaces.append(False)
            pos = b
    if pos < n:
        words.append(text[pos:])
        spaces.append(False)
    return words, spaces


@lru_cache(maxsize=1)
def shared_vocab() -> Vocab:
    """The vocabulary of `spacy.blank("vi")`, shared by the finders' phrase matchers and the pipeline.
    The matchers read LOWER only; shapes and like_num/url/email were most of the cost of building a
    Doc over text full of new words, so they are not computed."""
    import spacy
    from spacy.attrs import LIKE_EMAIL, LIKE_NUM, LIKE_URL, SHAPE

    vocab = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}}).vocab
    for attr in (SHAPE, LIKE_NUM, LIKE_URL, LIKE_EMAIL):
        vocab.lex_attr_getters.pop(attr, None)
    return vocab


def make_doc(vocab: Vocab, text: str) -> Doc:
    """The Doc that `nlp.make_doc(text)` gives for the pipeline's whitespace tokenizer, in linear time."""
    words, spaces = words_and_spaces(text)
    return Doc(vocab, words=words, spaces=spaces)


class WhitespaceTokenizer:
    """Drop-in tokenizer for `build_nlp()`: `nlp.tokenizer = WhitespaceTokenizer(nlp.vocab)`."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        return make_doc(self.vocab, text)
