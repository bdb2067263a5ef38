"""The grammar of a Vietnamese administrative header (Nghị định 30/2020/NĐ-CP for State documents,
Hướng dẫn 36-HD/VPTW for Party ones):

    <cơ quan chủ quản>                     CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM | ĐẢNG CỘNG SẢN VIỆT NAM
    <cơ quan ban hành>                     Độc lập - Tự do - Hạnh phúc
    Số: 12/KH-UBND | Số 37-HD/BTGDVTW      <địa danh>, ngày … tháng … năm …
                         <TÊN LOẠI> <TRÍCH YẾU>
                         [<CHỨC VỤ> <CƠ QUAN>]       (the authority line of a decision)
    … body …
    <TM./KT./Q. …> <CHỨC VỤ>
    <Name of the signer>

and of the metadata box that legal portals (thuvienphapluat, vbpl, luatvietnam) print above a
captured document ("Số hiệu: … Loại văn bản: … Nơi ban hành: … Người ký: … Ngày ban hành: …").
Each piece is read where the grammar puts it, so a citation further down is never taken for the
document's own symbol."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

from vbgraph.extract.dates import find_dates
from vbgraph.extract.names import fold as fold_words
from vbgraph.extract.symbols import SYMBOL_RX, issuer_row, parse_symbol
from vbgraph.extract.tables import provinces, read_table
from vbgraph.extract.text import find_all, matches_at

# -- portal metadata box ------------------------------------------------------------------------

# The labels of the metadata boxes of thuvienphapluat ("Số hiệu:"), vbpl ("Số ký hiệu | …") and
# luatvietnam ("Số hiệu: … | Ngày đăng công báo: …"); labels that carry nothing the header needs are
# still known, so that they end the value before them.
PORTAL_LABELS = {"số hiệu": "symbol", "số ký hiệu": "symbol", "loại văn bản": "doc_type",
                 "nơi ban hành": "issuer", "cơ quan ban hành": "issuer", "người ký": "signer",
                 "ngày ban hành": "date", "ngày hiệu lực": "effective", "ngày có hiệu lực": "effective",
                 "ngày hết hiệu lực": "expiry", "tình trạng": "status", "tình trạng hiệu lực": "status",
                 "ngày công báo": "gazette_date", "ngày đăng công báo": "gazette_date",
                 "số công báo": "gazette_number", "lĩnh vực": "field", "chức danh": "position",
                 "áp dụng": "applies"}
# a label, written as boxes write it ("Số hiệu", never "SỐ HIỆU" of a title), opens a cell or line and is
# followed by ":" or "|" or the end of its line ("**Số hiệu:**\n|\n…"), or, once a table's pipes are
# gone, directly by its value ("Số ký hiệu 56/2025/QĐ-UBND Loại văn bản Quyết định")
_BOX_LABEL_RX = re.compile(
    r"(?:^|(?<=[\s*|#]))(?P<label>" + "|".join(sorted((k.capitalize() for k in PORTAL_LABELS), key=len, reverse=True)) +
    r")(?=[ \t]*(?:[:|*\n]|$)|[ ][\dA-ZĐÀ-Ỹ])", re.MULTILINE)
# every label opens with one of these (the labels that do not open with another label)
_BOX_CUES = tuple(sorted(k for k in {k.capitalize() for k in PORTAL_LABELS}
                         if not any(k != o and k.startswith(o) for o in (x.capitalize() for x in PORTAL_LABELS))))
_BOX_SEARCH = 12000
_BOX_GAP = 400
_UNKNOWN = re.compile(r"(?i)^(đang cập nhật|đã biết|không|không số|chưa (?:có|xác định)|\W*)$")


@dataclass
class PortalBox:
    fields: dict[str, str]
    start: int
    end: int


def _box_labels(head: str):
    """_BOX_LABEL_RX.finditer(head), tried only where a label's first words stand."""
    return matches_at(_BOX_LABEL_RX, head, sorted(chain.from_iterable(find_all(head, w) for w in _BOX_CUES)))


def portal_box(text: str) -> PortalBox | None:
    """The portal's metadata box near the top of a captured page (raw markdown or normalised text), or
    None.  "Số hiệu" and at least one more label must stand close together: a body sentence that says
    "số hiệu" is no box.  A value is what stands between its label and the next one, on its line."""
    head = text[:_BOX_SEARCH]
    if "hiệu" not in head and "HIỆU" not in head:
        return None
    labels: list[re.Match] = []
    for m in _box_labels(head):
        if labels and m.start() - labels[-1].end() > _BOX_GAP:
            if any(PORTAL_LABELS[x.group("label").lower()] == "symbol" for x in labels) and len(labels) > 1:
                break
            labels = []
        labels.append(m)
    found: dict[str, str] = {}
    end = None
    for i, m in enumerate(labels):
        stop = labels[i + 1].start() if i + 1 < len(labels) else min(len(head), m.end() + 200)
        raw = head[m.end():stop]
        value = re.match(r"[\s:|*#]*(?P<v>[^\n|]*)", raw)
        v = value.group("v").strip(" *\t:")
        end = m.end() + value.end()
        key = PORTAL_LABELS[m.group("label").lower()]
        if key not in found and not _UNKNOWN.match(v):
            found[key] = v
    if "symbol" not in found or len(labels) < 2:
        return None
    return PortalBox(found, labels[0].start(), end)


# -- header grammar -----------------------------------------------------------------------------

_ANCHOR = re.compile(r"CỘNG H[OÒ][AÀ] XÃ HỘI CHỦ NGHĨA VIỆT NAM|ĐẢNG CỘNG SẢN VIỆT NAM")
_MOTTO = re.compile(r"Độc lập[ ]?[-–][ ]?Tự do[ ]?[-–][ ]?Hạnh phúc")
_RULE = re.compile(r"[-–_=*.]{2,}|(?<![\w])\*(?![\w])")
_HEADER_SPAN = 1500        # the header block ends this far after the quốc hiệu at most
_LABEL_RX = re.compile(r"(?<![\w])(?:Số|SỐ)(?:[ ]?(?:hiệu|HIỆU))?[ \n]?[:.]?[ \n]?(?=\d)")
# the whole written symbol: digits, then codes joined by / and - (a space may stand beside a joint,
# "75/KH- UBND"); longer than SYMBOL_RX when joint bodies are chained ("19/2008/NQLT/CP-UBTUMTTQVN")
_TOKEN_RX = re.compile(r"\d{1,5}[a-z]?(?:[ ]?[/\-–][ ]?[\wĐđƯư&.]*[\wĐđƯư&])+")
_DATE_COMMA = r",[ ]?(?=(?i:ngày)[ \n]?(?:\d|\.{2}|…))"
_PLACE_DATE_RX = re.compile(rf"(?P<place>[A-ZĐÀ-Ỹ][^\n,;:]{{1,40}}){_DATE_COMMA}")
_DATE_COMMA_RX = re.compile(_DATE_COMMA)   # a literal first: found fast, and _PLACE_DATE_RX tried before it
POSITION_RX = re.compile(
    r"^(?P<pos>CHỦ TỊCH|BỘ TRƯỞNG|THỦ TƯỚNG|TRƯỞNG|GIÁM ĐỐC|TỔNG GIÁM ĐỐC|CỤC TRƯỞNG|CHÁNH VĂN PHÒNG"
    r"|THỐNG ĐỐC|TỔNG KIỂM TOÁN|CHÁNH ÁN|VIỆN TRƯỞNG|TỔNG THANH TRA|CHÁNH THANH TRA|BÍ THƯ)[ ]")


@dataclass
class Header:
    """What the header says, each piece with its span in the normalised text."""
    start: int = 0                       # where the header block starts
    party: bool = False                  # "ĐẢNG CỘNG SẢN VIỆT NAM" heads it
    organs: tuple[str, ...] = ()         # the issuer block's lines, upper case as printed
    symbol_span: tuple[int, int] | None = None
    symbol: str | None = None
    number: str | None = None
    symbol_year: int | None = None
    date_span: tuple[int, int] | None = None
    date: str | None = None
    place: str | None = None
    end: int = 0                         # where the header (before the type heading) ends


_TWO_LETTERS = re.compile(r"[^\W\d_][^\n]*?[^\W\d_]")


def is_caps(s: str) -> bool:
    """Upper case: no lower-case letter, and at least two letters."""
    return s.upper() == s and _TWO_LETTERS.search(s) is not None


def _clean_organ(line: str) -> str:
    return " ".join(_RULE.sub(" ", line).split()).strip(" -–_*|")


def find_anchor(text: str, start: int = 0) -> re.Match | None:
    """The quốc hiệu (or the Party's name) that heads the document: a line starting with it, or
    ending a line of upper-case organ names, followed closely by the motto, "Số" or a date."""
    for m in _ANCHOR.finditer(text, start, min(len(text), start + 8000)):
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = _cut_label(text[line_start:m.start()])
        if before.strip(" _-–*|") and not is_caps(before):
            continue
        after = text[m.end():m.end() + 300]
        if _MOTTO.match(after.lstrip(" -–_*\n")) or re.search(r"(?i)(?:^|[\s-])số[ :\n]|, ngày", after[:200]):
            return m
    return None


_PLACE_LINE = re.compile(r"(?:TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN|ĐẶC KHU)[ ]\S")


def _join_places(lines: list[str]) -> list[str]:
    """"ỦY BAN NHÂN DÂN" / "TỈNH KON TUM": a line that only names a place continues the organ above."""
    out: list[str] = []
    for ln in lines:
        if out and _PLACE_LINE.match(ln) and organ_level(ln) is None:
            out[-1] = f"{out[-1]} {ln}"
        else:
            out.append(ln)
    return out


def _cut_label(s: str) -> str:
    """The part of a header line before its "Số: …" (the capture ran the cells together)."""
    m = _LABEL_RX.search(s)
    return s[:m.start()] if m else s


def _issuer_block(text: str, anchor: re.Match, start: int) -> tuple[list[str], int]:
    """The upper-case lines of the issuer cell and where the block starts: the lines just above the
    quốc hiệu (a whole left column read first may put its "Số …" line between), the part of its own
    line before it, and, when the two columns were read line by line ("ỦY BAN NHÂN DÂN CỘNG HÒA …" /
    "TỈNH X Độc lập …"), the part of the motto line before the motto."""
    line_start = text.rfind("\n", 0, anchor.start()) + 1
    lines: list[str] = []
    pos = top = line_start
    for _ in range(5):
        if pos <= start:
            break
        prev_start = text.rfind("\n", 0, pos - 1) + 1
        raw = text[prev_start:pos - 1]
        prev = _clean_organ(raw)
        pos = prev_start
        if _LABEL_RX.match(raw.strip(" |*")) or (not prev and raw.strip()):
            top = prev_start  # the left column's "Số 12-KH/HU" or its "*" under the organ
            continue
        if not prev or not is_caps(prev) or len(prev) > 120:
            break
        lines.insert(0, prev)
        top = prev_start
    same = _clean_organ(_cut_label(text[line_start:anchor.start()]))
    if same:
        lines.append(same)
    line_end = text.find("\n", anchor.end())
    rest = text[anchor.end():line_end if line_end >= 0 else len(text)]
    nxt_end = text.find("\n", line_end + 1) if line_end >= 0 else -1
    nxt = text[line_end + 1:nxt_end if nxt_end >= 0 else len(text)] if line_end >= 0 else ""
    for piece in (rest, nxt):
        mm = _MOTTO.search(piece)
        if mm:
            before = _clean_organ(piece[:mm.start()])
            if before and is_caps(before):
                lines.append(before)
            break
    lines = [piece for ln in lines for piece in split_organs(ln)]
    lines = _join_places(lines)
    if not lines and anchor.group().startswith("ĐẢNG"):
        # a Party header may print the committee below the Party's name ("ĐẢNG CỘNG SẢN VIỆT NAM" /
        # "TỈNH ỦY X" / "*")
        for ln in text[anchor.end():anchor.end() + 300].split("\n")[1:4]:
            ln = _clean_organ(ln)
            if not ln or not is_caps(ln) or _ANCHOR.search(ln) or re.match(r"(?i)số\b", ln) \
                    or heading_rx().match(ln):
                break
            lines.append(ln)
    return lines, top


_ORGAN_START = re.compile(
    r"[ ](?=(?:BAN|SỞ|PHÒNG|CỤC|CHI CỤC|VỤ|ĐẢNG ỦY|ĐẢNG UỶ|HUYỆN ỦY|HUYỆN UỶ|QUẬN ỦY|QUẬN UỶ|THỊ ỦY|THỊ UỶ"
    r"|TỈNH ỦY|TỈNH UỶ|THÀNH ỦY|THÀNH UỶ|CHI BỘ|ỦY BAN|UỶ BAN|CÔNG AN|VĂN PHÒNG|TRUNG TÂM)[ ])")


def split_organs(line: str) -> list[str]:
    """One block line may hold a parent and its organ when the capture joined them ("BAN CHẤP HÀNH TRUNG
    ƯƠNG BAN TUYÊN GIÁO VÀ DÂN VẬN", "ỦY BAN NHÂN DÂN TỈNH X SỞ NỘI VỤ"): cut before an organ word
    when what precedes is complete — the Party's Central Committee, a known organ, or a named place."""
    for m in _ORGAN_START.finditer(line):
        head, tail = line[:m.start()], line[m.end():]
        if len(tail.split()) < 2:
            continue
        if fold_words(head) in _complete_organs() or (
                places_in((head,)) != Place() and _place_ends(head)):
            return [head] + split_organs(tail)
    return [line]


def _place_ends(head: str) -> bool:
    """The head ends with a whole place name: a province's name is one of the provinces ("THÀNH PHỐ
    HẢI" is not), a district's or commune's any name."""
    last = None
    for last in _PLACE_RX.finditer(head):
        pass
    if not last or last.end() != len(head):
        return False
    unit = last.group("unit").upper()
    return unit not in ("TỈNH", "THÀNH PHỐ", "TP", "TP.") or province_name(last.group("name")) is not None


@lru_cache(maxsize=1)
def _complete_organs() -> frozenset[str]:
    return frozenset([fold_words("BAN CHẤP HÀNH TRUNG ƯƠNG")] +
                     [fold_words(r["issuer"]) for r in read_table("issuer_codes.csv")])


def own_symbol(text: str, at: int):
    """(canonical symbol, number, year, span) of the symbol written at `at`, read whole."""
    sm = SYMBOL_RX.match(text, at)
    tm = _TOKEN_RX.match(text, at)
    if sm and (not tm or tm.end() <= sm.end()):
        sym = parse_symbol(sm, text)
        return sym.text, sym.number, sym.year, (sm.start(), sym.end)
    if tm:
        written = re.sub(r"[ ]", "", tm.group()).replace("–", "-")
        year = re.match(r"\d+[a-z]?/((?:19|20)\d\d)/", written)
        number = re.match(r"\d{1,5}[a-z]?", written).group()
        if not re.search(r"[A-ZĐ]", written):
            return None
        return written, number, int(year.group(1)) if year else None, (tm.start(), tm.end())
    return None


def party_style(symbol: str) -> str:
    """"27/NQ-TW" → "27-NQ/TW": a Party document's symbol in the Party's official form."""
    m = re.fullmatch(r"(\d{1,5}[a-z]?)/([A-ZĐ][\wĐđ]*)-([\wĐđ-]+)", symbol)
    return f"{m.group(1)}-{m.group(2)}/{m.group(3)}" if m else symbol


def read_header(text: str, start: int = 0) -> Header:
    h = Header(start=start, end=start)
    anchor = find_anchor(text, start)
    first_heading = heading_rx().search(text, start, anchor.start() if anchor else start)
    if anchor and first_heading:
        anchor = None  # the document opens with its type heading: a quốc hiệu below is an annex's form
    if anchor:
        h.party = anchor.group().startswith("ĐẢNG")
        organs, h.start = _issuer_block(text, anchor, start)
        h.organs = tuple(organs)
        window = (h.start, min(len(text), anchor.end() + _HEADER_SPAN))
    else:
        window = (start, min(len(text), start + 2500))
    lo, hi = window
    heading = heading_rx().search(text, lo, hi)
    if heading:  # the header ends where the type heading begins: "Số" further down is a citation's
        hi = heading.start()
    for m in _LABEL_RX.finditer(text, lo, hi):
        if not _label_opens_line(text, m.start()):
            continue
        got = own_symbol(text, m.end())
        if got:
            h.symbol, h.number, h.symbol_year, h.symbol_span = got
            h.symbol_span = (m.start(), got[3][1])
            break
    if h.symbol and (h.party or (issuer_row(_org_code(h.symbol)) or {}).get("system") == "party") \
            and not h.symbol_year:
        h.symbol = party_style(h.symbol)
    for m in _place_dates(text, lo, hi):
        ds = find_dates(text, m.end(), m.end() + 45)
        if ds and len(ds[0].iso) == 10:
            place = m.group("place")
            if h.symbol_span and m.start() < h.symbol_span[1] <= m.end():
                place = text[h.symbol_span[1]:m.end() - 1]  # "Số: 4/KH-UBND Hớn Quản, ngày …" on one line
            h.date, h.place = ds[0].iso, place.strip(" *,")
            h.date_span = (m.start(), ds[0].end)
            break
    h.end = max([lo] + [s[1] for s in (h.symbol_span, h.date_span) if s])
    return h


def _place_dates(text: str, lo: int, hi: int):
    """_PLACE_DATE_RX.finditer(text, lo, hi), tried only up to 41 characters before a comma that a
    date follows (where every match ends)."""
    commas = (c.start() for c in _DATE_COMMA_RX.finditer(text, lo, hi))
    return matches_at(_PLACE_DATE_RX, text, sorted({p for c in commas for p in range(max(lo, c - 41), c)}), hi)


@lru_cache(maxsize=1)
def heading_rx() -> re.Pattern:
    names = sorted({r["written"].upper() for r in read_table("doc_types.csv")}, key=len, reverse=True)
    return re.compile(r"(?m)^[ *#]*(?:" + "|".join(map(re.escape, names)) + r")(?![\w])")


def _label_opens_line(text: str, at: int) -> bool:
    """The own "Số:" opens its line, or follows the issuer cell or the motto when the capture ran the
    header's columns together; "… Chỉ thị số 33/CT-TTg" in a sentence is a citation."""
    before = _RULE.sub(" ", text[text.rfind("\n", 0, at) + 1:at]).strip(" |")
    return not before or is_caps(before) or bool(re.search(_MOTTO.pattern + r"\W*$", before))


def _org_code(symbol: str) -> str:
    return re.split(r"[/-]", symbol)[-1]


# -- organs: level, province, district ----------------------------------------------------------

@lru_cache(maxsize=1)
def _organ_rows() -> list[tuple[str, str]]:
    return sorted(((fold_words(r["written"]), r["level"]) for r in read_table("organs.csv")),
                  key=lambda r: -len(r[0]))


def organ_level(line: str) -> str | None:
    key = fold_words(line)
    for written, level in _organ_rows():
        if key == written or key.startswith(written + " "):
            return level
    return None


_PLACE_RX = re.compile(
    r"(?<![\w])(?P<unit>TỈNH ỦY|THÀNH ỦY|HUYỆN ỦY|QUẬN ỦY|THỊ ỦY|TỈNH|THÀNH PHỐ|TP\.?|HUYỆN|QUẬN|THỊ XÃ"
    r"|THỊ TRẤN|XÃ|PHƯỜNG|ĐẶC KHU)[ ](?P<name>[A-ZĐÀ-Ỹ0-9][^\s,;:()\-–]*(?:[ ][A-ZĐÀ-Ỹ0-9][^\s,;:()\-–]*){0,4})",
    re.IGNORECASE)
_UNIT_LEVEL = {"tỉnh ủy": "province", "thành ủy": "city", "huyện ủy": "district", "quận ủy": "district",
               "thị ủy": "district", "tỉnh": "province", "thành phố": "city", "tp": "city", "tp.": "city",
               "huyện": "district", "quận": "district", "thị xã": "district", "thị trấn": "commune",
               "xã": "commune", "phường": "commune", "đặc khu": "commune"}
_NEXT_ORGAN = re.compile(r"[ ](?:ỦY BAN|UỶ BAN|HỘI ĐỒNG|SỞ|BAN|PHÒNG|ĐẢNG ỦY|ĐẢNG UỶ|CÔNG AN|VĂN PHÒNG)(?:[ ]|$)")


@lru_cache(maxsize=1)
def province_names() -> tuple[str, ...]:
    """The 63 provinces and the names of the 2025 units, longest first: a header written after a reform
    names its province as the reform does ("THÀNH PHỐ HUẾ", not Thừa Thiên Huế)."""
    names = set(provinces())
    for row in read_table("provinces_2025.csv"):
        names.add(re.sub(r"^Thành phố ", "", row["new_province"]))
    return tuple(sorted(names, key=len, reverse=True))


@lru_cache(maxsize=1)
def _folded_provinces() -> tuple[tuple[str, str], ...]:
    """(folded name, name) of province_names(), in its order (longest first)."""
    return tuple((fold_words(p), p) for p in province_names())


@lru_cache(maxsize=1)
def _province_by_fold() -> dict[str, str]:
    out: dict[str, str] = {}
    for fp, p in _folded_provinces():
        out.setdefault(fp, p)
    return out


def province_name(name: str) -> str | None:
    return _province_by_fold().get(fold_words(name))


def _province_prefix(name: str) -> str | None:
    """The province whose name opens `name` ("HẢI PHÒNG SỞ NỘI VỤ" → Hải Phòng), longest first."""
    key = fold_words(name)
    for fp, p in _folded_provinces():
        if key == fp or key.startswith(fp + " "):
            return p
    return None


@dataclass
class Place:
    province: str | None = None
    district: str | None = None
    commune: str | None = None


def _place_case(name: str, unit: str = "") -> str:
    """"HỚN QUẢN" → "Hớn Quản": every syllable of a place name is capitalised; a numbered unit keeps its
    unit word ("Quận 1", "Phường 5")."""
    if name.isdigit() and unit:
        return f"{unit.capitalize()} {name}"
    return name.title() if name.isupper() else name


def title_places(organ: str) -> str:
    """An upper-case organ name with its place names in their own case ("ỦY BAN NHÂN DÂN XÃ Tân Hòa"),
    so that recasing the rest keeps them."""
    def fix(m: re.Match) -> str:
        prov = _province_prefix(m.group("name"))
        name = prov or _NEXT_ORGAN.split(m.group("name"))[0].strip()
        rest = m.group("name")[len(name):] if not prov else m.group("name")[len(prov):]
        if not prov and name.isdigit():
            return f"{_place_case(name, m.group('unit'))}{rest}"  # "QUẬN 1" → "Quận 1"
        return f"{m.group('unit')} {prov or _place_case(name)}{rest}"
    return _PLACE_RX.sub(fix, organ)


def places_in(organs: tuple[str, ...]) -> Place:
    """The administrative units the issuer block names ("TỈNH ỦY BẮC NINH", "ỦY BAN NHÂN DÂN XÃ TÂN
    HÒA", "THÀNH PHỐ HỒ CHÍ MINH"); a "thành phố" is a province when it is one of the provinces."""
    pl = Place()
    for line in organs:
        for m in _PLACE_RX.finditer(line):
            unit = m.group("unit").lower().rstrip(".") if m.group("unit").lower() != "tp." else "tp"
            prov = _province_prefix(m.group("name"))
            name = prov or _place_case(_NEXT_ORGAN.split(m.group("name"))[0].strip(), m.group("unit"))
            level = _UNIT_LEVEL.get(unit, _UNIT_LEVEL.get(unit.rstrip(".")))
            if level == "city":
                level = "province" if prov else "district"
            if level == "province" and prov:
                pl.province = pl.province or prov
            elif level == "district":
                pl.district = pl.district or name
            elif level == "commune":
                pl.commune = pl.commune or name
    return pl


# -- casing -------------------------------------------------------------------------------------

_VOWELS = set("aăâeêioôơuưy")


def _is_acronym(word: str) -> bool:
    """"HĐND", "UBND", "MTTQ" have no vowel; Roman numerals (XIV) name congresses and terms."""
    base = fold_words(word).strip("“”\"'(),.;:")
    letters = [c for c in base if c.isalpha()]
    if not letters:
        return False
    plain = "".join(letters)
    stripped = "".join(c for c in unicodedata.normalize("NFD", plain) if unicodedata.category(c) != "Mn")
    return not (set(stripped) & _VOWELS) or bool(re.fullmatch(r"[ivxlc]{2,6}", stripped) and word.isupper()
                                                and not re.fullmatch(r"(?i)li|xi", stripped))


def recase(upper: str, sources: list[str], first_upper: bool = True) -> str:
    """An upper-case phrase in the casing the document itself uses for it: each stretch of two or more
    words is looked up in the sources (the body, the known organ names) and copied from a
    mixed-case occurrence; words found nowhere are lower case, except acronyms and symbols."""
    words = upper.split(" ")
    lowered = [(s, s.lower()) for s in sources if s]
    out: list[str] = []
    i = 0
    while i < len(words):
        best = None
        j = i + 2
        while j <= len(words):
            phrase = " ".join(words[i:j]).lower()
            hit = _find_mixed(lowered, phrase)
            if hit is None:
                break
            best = (j, hit)
            j += 1
        if best:
            out.append(best[1])
            i = best[0]
            continue
        w = words[i]
        out.append(w if re.search(r"[\d/]", w) or _is_acronym(w) or not w.isupper() else w.lower())
        i += 1
    text = _province_case_rx().sub(lambda m: _province_by_key()[m.group().lower()], " ".join(out))
    if first_upper and text:
        text = text[0].upper() + text[1:]
    return text


@lru_cache(maxsize=1)
def _province_by_key() -> dict[str, str]:
    return {p.lower(): p for p in province_names()}


@lru_cache(maxsize=1)
def _province_case_rx() -> re.Pattern:
    names = province_names()
    return re.compile(r"(?:(?<=tỉnh )|(?<=phố ))(?:" + "|".join(re.escape(p.lower()) for p in names) + r")(?![\w])",
                      re.IGNORECASE)


def _find_mixed(lowered: list[tuple[str, str]], phrase: str) -> str | None:
    for orig, low in lowered:
        if len(orig) != len(low):
            continue
        at = low.find(phrase)
        while at >= 0:
            end = at + len(phrase)
            if (at == 0 or not low[at - 1].isalnum()) and (end == len(low) or not low[end].isalnum()):
                found = orig[at:end]
                if not found.isupper():
                    return found
            at = low.find(phrase, at + 1)
    return None


_UNIT_WORDS = ("tỉnh", "thành", "huyện", "quận", "thị", "xã", "phường", "đặc", "trung", "cấp", "các", "và")


@lru_cache(maxsize=1)
def _organ_heads() -> tuple[str, ...]:
    return tuple(sorted((r["word"] for r in read_table("agency_heads.csv") if r["kind"] == "head"),
                        key=len, reverse=True))


def organ_case(name: str) -> str:
    """"Cục thuế" → "Cục Thuế": the word that names an organ's field after its kind is capitalised
    (Nghị định 30/2020/NĐ-CP Phụ lục II, viết hoa tên cơ quan), a place after it is not ("Công an tỉnh")."""
    # a unit word inside a name is lower case ("UBND tỉnh X", though a body may write "Tỉnh")
    name = re.sub(r"(?<=[ ])(Tỉnh|Huyện|Quận|Thị xã|Thị trấn|Xã|Phường)(?=[ ](?!\d|ủy|uỷ))",
                  lambda m: m.group().lower(), name)
    for head in _organ_heads():
        if name[:len(head)].lower() == head.lower() and name[len(head):len(head) + 1] == " ":
            rest = name[len(head) + 1:]
            word = rest.split(" ", 1)[0]
            if word and word[0].islower() and word.lower() not in _UNIT_WORDS and not head.isupper() \
                    and head.lower() not in ("ủy ban nhân dân", "uỷ ban nhân dân", "hội đồng nhân dân"):
                return f"{name[:len(head)]} {word[0].upper()}{rest[1:]}"
            break
    return name


@lru_cache(maxsize=1)
def known_names() -> str:
    """Organ and place names as they are properly written, one per line (casing source of last resort)."""
    names = [r["issuer"] for r in read_table("issuer_codes.csv")]
    names += [f"{r['kind']} {r['name']}" for r in read_table("provinces.csv")]
    names += ["Ủy ban nhân dân", "Hội đồng nhân dân", "Ủy ban Mặt trận Tổ quốc Việt Nam",
              "Ban Chấp hành Trung ương", "Đảng Cộng sản Việt Nam", "Tỉnh ủy", "Huyện ủy", "Đảng ủy"]
    return "\n".join(names)


# -- signature block ----------------------------------------------------------------------------

_SIGN_LINE = re.compile(
    r"^(?:(?:TM|T\.M|T/M|KT|K\.T|K/T|Q|TL|T\.L|T/L|TUQ|TM\.|KT\.)[./ ]|(?:PHÓ |Q\. )?(?:CHỦ TỊCH|BỘ TRƯỞNG|THỨ TRƯỞNG"
    r"|THỦ TƯỚNG|TRƯỞNG BAN|TRƯỞNG ĐOÀN|GIÁM ĐỐC|BÍ THƯ|CHÁNH VĂN PHÒNG|CỤC TRƯỞNG|VỤ TRƯỞNG|TRƯỞNG PHÒNG"
    r"|TỔNG GIÁM ĐỐC|THỐNG ĐỐC|TỔNG KIỂM TOÁN|CHÁNH ÁN|VIỆN TRƯỞNG|CHỦ NHIỆM|TRƯỞNG|THỦ TRƯỞNG)(?:[ ]|$))")
_NAME_WORD = r"[A-ZĐÀ-Ỹ][a-zđà-ỹ]{0,7}"
PERSON_RX = re.compile(rf"^(?:\(\s?(?i:đã ký)\s?\)\s?)?(?P<name>{_NAME_WORD}(?:[ ]{_NAME_WORD}){{1,4}})$")
_SIGNED_RX = re.compile(rf"\(\s?(?i:đã ký)\s?\)\s?(?P<name>{_NAME_WORD}(?:[ ]{_NAME_WORD}){{1,4}})(?![\w])")


_CLOSING = re.compile(r"(?i)^(?:nơi nhận|tm\.|kt\.|t/m|k/t|q\.|chủ tịch|phó chủ tịch|giám đốc|bí thư|trưởng ban)")


def signer(text: str, body_start: int) -> str | None:
    """The name under the first signature block after the header ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ
    TỊCH / PHÓ CHỦ TỊCH" then a name line), or the name after "(Đã ký)"."""
    lines = text[body_start:].split("\n")
    for i, ln in enumerate(lines[:-1]):
        s = ln.strip(" *")
        if s and _SIGN_LINE.match(s) and len(s) < 160 and is_caps(s):
            for nxt in lines[i + 1:i + 3]:
                nm = PERSON_RX.match(nxt.strip(" *"))
                if nm:
                    return nm.group("name")
                if not (nxt.strip() and is_caps(nxt)):
                    break
    m = _SIGNED_RX.search(text, body_start)
    if m:
        return m.group("name")
    # a capture that lost the block's layout: the last line that is only a name, below the recipients
    # list ("Nơi nhận:") or a signature word
    tail = [ln.strip(" *") for ln in text[body_start:].rsplit("\n", 30)[-30:]]
    for i in range(len(tail) - 1, -1, -1):
        nm = PERSON_RX.match(tail[i])
        if nm:
            return nm.group("name") if any(_CLOSING.match(t) for t in tail[:i]) else None
    return None
