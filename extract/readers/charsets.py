"""Bytes of a text file → Unicode (NFC), whatever Vietnamese offices saved it in.

Order: a byte-order mark; UTF-32/UTF-16 without one (told by where the zero bytes fall); UTF-8 (with
mojibake repaired by ftfy, and VNI text pasted into a UTF-8 file); else the legacy code pages —
Windows-1258, TCVN3/ABC (glibc iconv's TCVN5712-1) and VNI-Windows (data/vni_windows.csv) — of which
the one that yields the most ordinary Vietnamese words wins: a wrong code page breaks every diacritic.
"""
from __future__ import annotations

import codecs
import re
import subprocess
import unicodedata
from collections import Counter
from functools import lru_cache

from vbgraph.extract.errors import InputError
from vbgraph.extract.tables import read_table

_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16")]
_WORD = re.compile(r"[^\W\d_]+")
# a legacy decoding must find at least this share of common words among the words with diacritics
_MIN_WORD_SHARE = 0.05


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    return frozenset(r["word"] for r in read_table("vietnamese_common_words.csv"))


@lru_cache(maxsize=1)
def _vni_pattern() -> tuple[re.Pattern, dict[str, str]]:
    table = {r["vni"]: r["unicode"] for r in read_table("vni_windows.csv")}
    # longest first: "ôù" (ớ) before "ô" (ơ)
    return re.compile("|".join(map(re.escape, sorted(table, key=len, reverse=True)))), table


def vni_to_unicode(text: str) -> str:
    """VNI-Windows text read as Windows-1252 → Unicode."""
    pattern, table = _vni_pattern()
    return pattern.sub(lambda m: table[m.group()], text)


def _tcvn3(data: bytes) -> str | None:
    # glibc knows TCVN3 as TCVN5712-1; Python has no codec for it
    try:
        proc = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=data, capture_output=True,
                              timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.decode("utf-8") if proc.returncode == 0 else None


def vietnamese_score(text: str) -> tuple[int, int]:
    """(common words found, words with diacritics): how Vietnamese a decoding reads."""
    return _score(Counter(_WORD.findall(text.lower())))


def _score(counts: Counter) -> tuple[int, int]:
    # over distinct words: a document repeats its words, and this runs on every UTF-8 file
    words = common_words()
    hits = marked = 0
    for w, n in counts.items():
        if not w.isascii():
            marked += n
            hits += n * (w in words)
    return hits, marked


def _nul_layout(data: bytes) -> str | None:
    """UTF-16/32 without a byte-order mark: most characters of Vietnamese text are ASCII, so one byte
    in two (or three in four) is zero, always at the same place."""
    sample = data[:8192]
    if b"\x00" not in sample:
        return None     # every layout below needs a third of the bytes zero
    n = len(sample) - len(sample) % 4
    if n < 8:
        return None
    zero = [sum(1 for i in range(k, n, 4) if sample[i] == 0) / (n // 4) for k in range(4)]
    # the top byte of a code point is always zero, the next one is for all of Basic Latin
    if zero[3] > 0.99 and zero[2] > 0.99 and zero[1] > 0.5 and zero[0] < 0.5:
        return "utf-32-le"
    if zero[0] > 0.99 and zero[1] > 0.99 and zero[2] > 0.5 and zero[3] < 0.5:
        return "utf-32-be"
    even, odd = (zero[0] + zero[2]) / 2, (zero[1] + zero[3]) / 2
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _latin_share(text: str) -> float:
    """Share of the visible characters that Vietnamese text is written with (Latin letters, digits,
    punctuation): bytes wrongly taken for UTF-16 come out as CJK and other scripts."""
    visible = [c for c in text[:20000] if not c.isspace()]
    latin = sum(1 for c in visible if ord(c) < 0x250 or 0x1E00 <= ord(c) <= 0x1EFF
                or unicodedata.category(c)[0] in "PNSM")
    return latin / len(visible) if visible else 1.0


def _wide(path, data: bytes, codec: str) -> str:
    text = _nfc(data.decode(codec).lstrip("\ufeff"))
    if _latin_share(text) < 0.7:
        raise InputError(path, f"looks binary: read as {codec.upper()} it is mostly characters of other "
                               "scripts, not a text document")
    return text


def decode_text(path, data: bytes) -> tuple[str, str, list[str]]:
    """(text in NFC, encoding name, warnings) or InputError naming the file and the problem."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _wide(path, data, codec), codec, []
            except UnicodeDecodeError as exc:
                raise InputError(path, f"starts with a {codec.upper()} byte-order mark but is not valid "
                                       f"{codec.upper()} (bad bytes at offset {exc.start})") from None
    layout = _nul_layout(data)
    if layout:
        try:
            return _wide(path, data, layout), layout, []
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:8192]:
        raise InputError(path, "looks binary (contains NUL bytes), not a text document")
    try:
        text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError as exc:
        return _legacy(path, data, exc)
    return _repaired_utf8(path, _nfc(text))


def _repaired_utf8(path, text: str) -> tuple[str, str, list[str]]:
    if _ftfy_may_change(text):
        import ftfy

        fixed = _nfc(ftfy.fix_encoding(text))
        if fixed != text and vietnamese_score(fixed)[0] > vietnamese_score(text)[0]:
            return fixed, "utf-8", [f"{path}: repaired mojibake (UTF-8 that had been read as Latin-1/"
                                    f"Windows-1252 and saved again, e.g. “Káº¿ hoáº¡ch” for “Kế hoạch”); check "
                                    f"the result"]
    if _vni_reads_better(text):
        return _nfc(vni_to_unicode(text)), "utf-8", [
            f"{path}: converted VNI-Windows text stored as UTF-8 (typed with a VNI font) to Unicode; check the result"]
    return text, "utf-8", []


def _ftfy_may_change(text: str) -> bool:
    """False when ftfy.fix_encoding surely returns `text` as it is, told without its costly mojibake
    heuristic (a large regex over the whole text, most of a plain file's reading time).  Its fixes
    re-encode the whole text in a single-byte code page (impossible once one character such as "ư" or
    "ạ" is in none), fix C1 control characters, or repair the runs its UTF-8 detector finds; when
    none of them changes anything, its answer is the text whatever the heuristic says."""
    from ftfy import chardata, fixes

    if text.isascii():
        return False
    return (any(chardata.possible_encoding(text, enc) for enc in chardata.CHARMAP_ENCODINGS)
            or chardata.C1_CONTROL_RE.search(text) is not None
            or chardata.UTF8_DETECTOR_RE.search(text) is not None and fixes.decode_inconsistent_utf8(text) != text)


_COMBINING = re.compile(r"[\u0300-\u036f]")


def _vni_reads_better(text: str) -> bool:
    """Whether the text read as VNI-Windows has more than twice (+ 2) the common words it has as it is
    (vietnamese_score).  Worked out over the distinct blank-separated pieces that are not ASCII, each
    converted once: a VNI sequence is letters with one non-ASCII at least, so an ASCII piece stays as
    it is and counts in neither reading, and no sequence crosses a word boundary.  A text where that
    might not hold (a lower case of another length, combining marks left after NFC) takes the
    whole-text way."""
    if len(text.lower()) != len(text) or _COMBINING.search(text):
        vni = _nfc(vni_to_unicode(text))
        return vni != text and vietnamese_score(vni)[0] > 2 * vietnamese_score(text)[0] + 2
    pieces = {p: n for p, n in Counter(text.split()).items() if not p.isascii()}
    joined = "\n".join(pieces)
    common = common_words()
    written = converted = 0
    for n, low, vni in zip(pieces.values(), joined.lower().split("\n"),
                           _nfc(vni_to_unicode(joined)).lower().split("\n")):
        written += n * _common_in(low, common)
        converted += n * _common_in(vni, common)
    return converted > 2 * written + 2


def _common_in(piece: str, common: frozenset[str]) -> int:
    """How many words of a lower-case piece of text are common words with diacritics."""
    if piece.isalpha():   # one word (most pieces): no regex
        return not piece.isascii() and piece in common
    return sum(1 for w in _WORD.findall(piece) if not w.isascii() and w in common)


def _legacy(path, data: bytes, utf8_error: UnicodeDecodeError) -> tuple[str, str, list[str]]:
    candidates = {"windows-1258": lambda: data.decode("cp1258", errors="replace"),
                  "tcvn3": lambda: _tcvn3(data),
                  "vni-windows": lambda: vni_to_unicode(data.decode("cp1252", errors="replace"))}
    best = None
    for name, decode in candidates.items():
        text = decode()
        if text is None:
            continue
        text = _nfc(text)
        hits, marked = vietnamese_score(text)
        if best is None or hits > best[0]:
            best = (hits, marked, name, text)
    if best is None or best[0] == 0 or best[0] < _MIN_WORD_SHARE * best[1]:
        raise InputError(path, f"is not UTF-8 text (invalid byte 0x{data[utf8_error.start]:02x} at offset "
                               f"{utf8_error.start}) and reads as no Vietnamese code page (tried Windows-1258, "
                               "TCVN3, VNI-Windows); re-save it as UTF-8")
    return best[3], best[2], []
