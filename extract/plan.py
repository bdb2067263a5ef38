"""The document's own metadata from its header (quốc hiệu block, "Số: …", "<place>, ngày …"), its
type heading and title, the issuer named in the header or the preamble, and the signature block."""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain

from vbgraph.extract.dates import find_dates
from vbgraph.extract.header import (PERSON_RX, POSITION_RX, Place, heading_rx, is_caps, known_names, organ_level,
                                    organ_case, own_symbol, places_in, portal_box, province_name, province_names,
                                    read_header, recase, signer, title_places)
from vbgraph.extract.symbols import SYMBOL_RX, doc_type_from_code, issuer_info, parse_symbol
from vbgraph.extract.tables import doc_types, fold, provinces, read_table
from vbgraph.extract.text import NormText, find_all, matches_at

_LOCAL_UNIT_RX = re.compile(
    r"(?P<kind>tỉnh|thành phố|huyện|thị xã|quận|xã|phường|thị trấn)[ ](?P<name>(?:[A-ZĐ][^\s,.;:()]*"
    r"(?:[ ](?=[A-ZĐ\d])|(?=[\s,.;:()]|$))){1,4})")


_GOVERNMENT = re.compile(r"(?:ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|UBND|HỘI ĐỒNG NHÂN DÂN|HĐND)(?:[ ]|$)")


@lru_cache(maxsize=1)
def _provinces_rx() -> re.Pattern:
    # longest first: at one position the longest name wins
    return re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, province_names())) + r")(?![\w])", re.IGNORECASE)


@lru_cache(maxsize=4096)   # the body repeats its few place names many times
def _province_in(text: str) -> str | None:
    """The first province the text names."""
    m = _provinces_rx().search(text)
    return province_name(m.group()) if m else None


def _sentence_case(title: str) -> str:
    """"THỰC HIỆN … TỈNH TUYÊN QUANG" → "Thực hiện … tỉnh Tuyên Quang" (proper names restored)."""
    # words holding a digit or "/" are symbols ("27/CT-TTg") and keep their case
    low = " ".join(w if re.search(r"[\d/]", w) else w.lower() for w in title.split(" "))
    low = low[:1].upper() + low[1:]
    for p in provinces():
        low = re.sub(rf"(?<![\w]){re.escape(p.lower())}(?![\w])", p, low)
    return low


_HEADING_LINES = 40   # the type heading stands this many lines after the header at most


def _lines_from(text: str, pos: int, n: int) -> list[tuple[int, str]]:
    """(offset, line) of the n lines from offset pos (a line start) on, fewer at the end of the text:
    the header's neighbourhood, without splitting the whole text."""
    lines = []
    for _ in range(n):
        nl = text.find("\n", pos)
        if nl < 0:
            lines.append((pos, text[pos:]))
            break
        lines.append((pos, text[pos:nl]))
        pos = nl + 1
    return lines


def _type_heading(lines: list[tuple[int, str]], first: int = 0) -> tuple[int, str, str] | None:
    """(line index, doc type, rest of line) of the heading "KẾ HOẠCH" / "QUYẾT ĐỊNH" … that follows the
    header (a Party header may write "HƯỚNG DẪN" after "Số …" and the date)."""
    for i in range(first, min(len(lines), first + _HEADING_LINES)):
        line = lines[i][1].strip(" *#")
        m = heading_rx().match(line)
        if m:
            rest = line[m.end():].strip(" :.-")
            if not rest or is_caps(rest):
                return i, _doc_type_written()[m.group().upper()], rest
    return None


@lru_cache(maxsize=1)
def _doc_type_written() -> dict[str, str]:
    return {r["written"].upper(): r["doc_type"] for r in doc_types()}


# a tail after these words belongs to the title ("… CỦA ỦY BAN NHÂN DÂN TỈNH X"), or is only part of an
# office ("BỘ TRƯỞNG", "PHÓ THỦ TƯỚNG")
_TITLE_TAIL_STOP = {"CỦA", "THUỘC", "VỚI", "VÀ", "CHO", "TẠI", "PHÒNG", "GIỮA", "TRỰC", "QUAN", "PHÓ", "BỘ",
                    "CỤC", "VIỆN", "TỔNG"}


def _is_authority(s: str, organs: tuple[str, ...]) -> bool:
    """"CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH X", "BỘ TRƯỞNG BỘ TƯ PHÁP", "CHÍNH PHỦ": an optional position,
    then a whole organ — the header's own, a known one, or a People's Council/Committee and its place."""
    organ = POSITION_RX.sub("", s + " ").strip()
    key = fold(organ)
    # the header's organ, written with or without its place ("TRUNG TÂM …" / "… THÀNH PHỐ HÀ NỘI")
    if any(key == fold(o) or fold(o).startswith(key) or key.startswith(fold(o))
           and places_in((organ[len(o):].strip(),)) != Place() for o in organs if organ_level(o)) \
            or key in _known_organs():
        return True
    gov = re.match(r"(?:ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN)(?:[ ](?P<place>.*))?$", organ)
    return bool(gov) and (not gov.group("place") or places_in((gov.group("place"),)) != Place()
                          or gov.group("place") in ("TỈNH", "THÀNH PHỐ", "HUYỆN", "QUẬN", "THỊ XÃ", "XÃ",
                                                    "PHƯỜNG", "THỊ TRẤN", "ĐẶC KHU"))


@lru_cache(maxsize=1)
def _known_organs() -> frozenset[str]:
    return frozenset(fold(r["issuer"]) for r in read_table("issuer_codes.csv")) | frozenset(
        fold(r["written"]) for r in read_table("organs.csv"))


def _authority(line: str, organs: tuple[str, ...]) -> str | None:
    """The line under a decision's title that names who decides: "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH X",
    "BỘ TRƯỞNG BỘ TƯ PHÁP", or the issuing organ again ("CHÍNH PHỦ")."""
    s = line.strip(" *:")
    if not s or not is_caps(s) or len(s) > 150:
        return None
    # a line of its own that opens with an office ("TỔNG KIỂM TOÁN NHÀ NƯỚC") is the authority line
    return s if (POSITION_RX.match(s + " ") and len(s.split()) <= 15) or _is_authority(s, organs) else None


def _split_authority(title: str, organs: tuple[str, ...]) -> tuple[str, str | None]:
    """A captured page may run the authority line into the title ("… ĐIỆN TỬ CHÍNH PHỦ"): cut it off
    when the title's tail is a position + organ or the header's own organ."""
    if not is_caps(title):
        return title, None
    words = title.split(" ")
    for k in range(1, len(words)):
        tail = " ".join(words[k:])
        if words[k - 1] in _TITLE_TAIL_STOP:
            continue
        if (POSITION_RX.match(tail + " ") or any(fold(tail) == fold(o) for o in organs if organ_level(o))) \
                and _is_authority(tail, organs):
            return " ".join(words[:k]), tail
    return title, None


# the preamble's closing formula names who decides: "Bộ trưởng Bộ Tư pháp ban hành Thông tư …"
_ACTING_RX = re.compile(
    r"(?:^|\n|[.;] )(?P<who>(?:Bộ trưởng|Chủ tịch|Thủ tướng|Trưởng ban|Giám đốc|Thống đốc|Tổng Kiểm toán|Chánh án"
    r"|Viện trưởng|Tổng Thanh tra)[ ][^.;:\n]{2,90}?)[ ]ban hành[ ](?:Thông tư|Quyết định|Chỉ thị|Nghị định|Quy định)")

_POSITION_CASE = {"CHỦ TỊCH": "Chủ tịch", "BỘ TRƯỞNG": "Bộ trưởng", "THỦ TƯỚNG": "Thủ tướng",
                  "TRƯỞNG": "Trưởng", "GIÁM ĐỐC": "Giám đốc", "TỔNG GIÁM ĐỐC": "Tổng Giám đốc",
                  "CỤC TRƯỞNG": "Cục trưởng", "CHÁNH VĂN PHÒNG": "Chánh Văn phòng", "THỐNG ĐỐC": "Thống đốc",
                  "TỔNG KIỂM TOÁN": "Tổng Kiểm toán", "CHÁNH ÁN": "Chánh án", "VIỆN TRƯỞNG": "Viện trưởng",
                  "TỔNG THANH TRA": "Tổng Thanh tra", "CHÁNH THANH TRA": "Chánh Thanh tra", "BÍ THƯ": "Bí thư"}


def _short(name: str) -> str:
    return re.sub(r"(?i)(?<![\w])(ủy ban nhân dân|uỷ ban nhân dân)", "UBND",
                  re.sub(r"(?i)(?<![\w])hội đồng nhân dân", "HĐND", name))


def _issuer_name_from_organs(organs: tuple[str, ...], authority: str | None, sources: list[str]) -> str:
    """"ỦY BAN NHÂN DÂN / TỈNH X" → "UBND tỉnh X"; "BAN CHẤP HÀNH TRUNG ƯƠNG / BAN DÂN VẬN" → "Ban Dân vận
    Trung ương"; "TỈNH ỦY X / BAN DÂN VẬN" → "Ban Dân vận Tỉnh ủy X"; with a decision's authority line
    "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH X" → "Chủ tịch UBND tỉnh X"."""
    parent, last = (organs[-2] if len(organs) > 1 else None), organs[-1]
    if POSITION_RX.match(last + " "):  # a header that names the office: "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH X"
        authority = authority if authority and POSITION_RX.match(authority + " ") else last
        last = POSITION_RX.sub("", last + " ").strip()
    name = last
    if parent and places_in((last,)) == Place():
        if fold(parent) == fold("BAN CHẤP HÀNH TRUNG ƯƠNG"):
            name = f"{last} TRUNG ƯƠNG"
        elif organ_level(parent) == "party" and not re.match(r"(?i)đảng bộ", parent):
            name = f"{last} {parent}"
        elif organ_level(parent) == "local":
            # a sở under a People's Committee is named with the place ("Sở Nội vụ tỉnh X"), a body of
            # any other organ with the organ ("Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh X")
            pm = re.search(r"(?:TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN|ĐẶC KHU)[ ].*$", parent)
            government = _GOVERNMENT.match(parent)
            if pm and government:
                name = f"{last} {pm.group()}"
            elif pm:
                name = f"{last} {parent}"
        elif organ_level(parent) == "party":
            pm = re.search(r"(?:TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ)[ ].*$", parent)
            if pm and re.fullmatch(r"(?:TỈNH|THÀNH|HUYỆN|QUẬN|THỊ) ỦY", last):
                name = f"{last} {pm.group().split(' ', 1)[1]}"
    if authority:
        pos = POSITION_RX.match(authority + " ")
        if pos:
            organ = authority[pos.end():].strip()
            if len(organ) < len(name) and fold(_short(name)).startswith(fold(_short(organ))):
                organ = name  # "CHỦ TỊCH ỦY BAN NHÂN DÂN" under "ỦY BAN NHÂN DÂN TỈNH X"
            return _short(f"{_POSITION_CASE.get(pos.group('pos'), pos.group('pos').capitalize())} "
                          f"{organ_case(recase(title_places(organ), sources + [known_names()]))}")
    return _short(organ_case(recase(title_places(name), sources + [known_names()])) if is_caps(name) else name)


def _issuer_from_preamble(text: str, body_start: int) -> str:
    """A headerless plan names its issuer in the preamble: "<UBND huyện …|Sở …|Ban …> ban hành/xây dựng
    Kế hoạch"."""
    acting = re.search(r"(?P<unit>(?:Ủy ban nhân dân|Uỷ ban nhân dân|UBND)[ ](?:tỉnh|huyện|thành phố|thị xã|xã|phường|thị trấn)"
                       r"|Sở[ ][^;.\n]{3,60}?(?=[ ](?:xây dựng|ban hành))"
                       r"|Ban[ ][^,;.\n]{3,60}?(?=[ ](?:xây dựng|ban hành)))[ ](?:xây dựng|ban hành)[ ](?:Kế hoạch|kế hoạch)",
                       text[body_start:body_start + 3000])
    return acting.group("unit") if acting else ""


_UNIT_WORDS = ("tỉnh", "Tỉnh", "thành phố", "Thành phố", "TỈNH", "THÀNH PHỐ")
_UNIT_NAME_RX = re.compile(rf"(?:{'|'.join(_UNIT_WORDS)})[ ]([A-ZĐ][\w]*(?:[ ][A-ZĐ][\w]*){{0,3}})")


def _body_province(text: str) -> str | None:
    """The province the text names most often after "tỉnh"/"thành phố"."""
    counts: dict[str, int] = {}
    starts = sorted(chain.from_iterable(find_all(text, w) for w in _UNIT_WORDS))
    for m in matches_at(_UNIT_NAME_RX, text, starts):
        p = _province_in(m.group(1))
        if p:
            counts[p] = counts.get(p, 0) + 1
    return max(counts, key=counts.get) if counts else None


def extract_plan(nt: NormText) -> tuple[dict, list[tuple[int, int]]]:
    """The plan record (schema "plan") and the spans that belong to the header (never citations)."""
    text = nt.text
    plan = {"doc_type": None, "number": None, "symbol": None, "date": None, "issuer": None,
            "level": None, "province": None, "district": None, "year": None, "title": None,
            "signer": None}
    box = portal_box(text)
    h = read_header(text, box.end if box else 0)
    skip = [s for s in ((box.start, box.end) if box else None, h.symbol_span, h.date_span) if s]
    # the type heading follows the header: after its "Số"/date, else after where the block starts
    after = h.end if (h.symbol_span or h.date_span) else h.start
    lines = _lines_from(text, text.rfind("\n", 0, after) + 1, _HEADING_LINES + 2)
    heading = _type_heading(lines)
    body_start = lines[heading[0] + 1][0] if heading and heading[0] + 1 < len(lines) else h.end

    plan["number"], plan["symbol"] = h.number, h.symbol
    plan["date"] = h.date
    sources = [text[body_start:body_start + 60000]]
    authority = None
    if heading:
        plan["doc_type"] = heading[1]
        idx = heading[0]
        title = heading[2]
        if not title and idx + 1 < len(lines) and not _authority(lines[idx + 1][1], h.organs):
            title = lines[idx + 1][1]
            idx += 1
        title, authority = _split_authority(title, h.organs)
        if not authority and idx + 1 < len(lines):
            authority = _authority(lines[idx + 1][1], h.organs)
        if not authority or not POSITION_RX.match(authority + " "):
            acting = _ACTING_RX.search(text, body_start, body_start + 6000)
            authority = acting.group("who").upper() if acting else authority
        title = recase(title, sources) if is_caps(title) else title.strip()
        plan["title"] = title[:1].upper() + title[1:] if title else None
    elif h.symbol and (_LETTER_RX.search(text, h.symbol_span[1], h.symbol_span[1] + 600)):
        # "Số: 5348/CT-CS / V/v …" then "Kính gửi: …": a letter (công văn), whose subject follows its symbol
        plan["doc_type"] = "Công văn"
        vv = _SUBJECT_RX.search(text, h.symbol_span[1], h.symbol_span[1] + 300)
        plan["title"] = vv.group(1).strip()[:1].upper() + vv.group(1).strip()[1:] if vv else None
    elif h.symbol:
        sm = SYMBOL_RX.match(h.symbol)
        plan["doc_type"] = doc_type_from_code(parse_symbol(sm, h.symbol)) if sm else None

    if not h.organs and authority:
        # no issuer block, but the authority line names the organ ("ỦY BAN THƯỜNG VỤ QUỐC HỘI",
        # "BỘ TRƯỞNG BỘ TÀI CHÍNH")
        organ = POSITION_RX.sub("", authority + " ").strip()
        if organ_level(organ):
            h.organs = (organ,)
    own_header = bool(h.organs or h.symbol)
    if not h.organs and box and organ_level(box.fields.get("issuer", "").upper()):
        h.organs = (box.fields["issuer"].upper(),)  # "Nơi ban hành: Bộ Tài chính" of a capture without header
    if box:
        if not own_header and box.fields.get("doc_type"):
            plan["doc_type"] = None  # a capture without its header: a heading further down is not its type
        _cross_check(plan, box.fields)

    title = plan["title"] or ""
    if h.organs:
        _from_organs(plan, h, text, sources, authority)
    else:
        _from_preamble(plan, text, title, h, body_start, box.fields.get("issuer") if box else None)

    year = _title_year(title)
    if year:
        plan["year"] = year
    elif plan["date"]:
        plan["year"] = int(plan["date"][:4])
    elif h.symbol_year:
        plan["year"] = h.symbol_year
    plan["signer"] = plan["signer"] or signer(text, body_start)
    return plan, skip


_LETTER_RX = re.compile(r"(?<![\w])(?:V/v|V/V|v/v)[ ]|(?:^|\n)Kính gửi")
_SUBJECT_RX = re.compile(r"(?<![\w])(?:V/v|V/V|v/v)[ ]([^\n]+)")


def _title_year(title: str) -> int | None:
    """"năm 2024" in the title is the year the plan is for, unless it closes a date ("ngày 15 tháng 8
    năm 2024"), is a horizon ("đến năm 2030", "tầm nhìn đến năm 2045"), opens a range ("năm 2026 -
    2028"), or belongs to a quoted name or a cited document's trích yếu."""
    for m in re.finditer(r"(?<![\w])năm[ ](\d{4})(?![ ]?[-–][ ]?\d{4})", title):
        before = title[:m.start()]
        if re.search(r"(?:tháng[ ]\d{1,2}|đến|tới)[ ]$", before) or before.count("“") > before.count("”") \
                or before.count('"') % 2 or SYMBOL_RX.search(before) or re.search(r"(?<![\w])số[ ]\d", before):
            continue
        return int(m.group(1))
    return None


def _cross_check(plan: dict, box: dict[str, str]) -> None:
    """The portal's box is a second source: it fills what the header does not say (the header, the
    document's own words, wins when both speak) and gives the signer, which the box states plainly."""
    if box.get("symbol"):
        got = own_symbol(box["symbol"], 0)
        if got and not plan["symbol"]:
            plan["symbol"], plan["number"] = got[0], got[1]
    if box.get("date") and not plan["date"]:
        ds = find_dates(box["date"])
        if ds and len(ds[0].iso) == 10:
            plan["date"] = ds[0].iso
    if box.get("doc_type") and not plan["doc_type"]:
        row = next((r for r in doc_types() if fold(r["written"]) == fold(box["doc_type"])), None)
        plan["doc_type"] = row["doc_type"] if row else None
    if box.get("signer") and PERSON_RX.match(box["signer"]):
        plan["signer"] = box["signer"]


def _from_organs(plan: dict, h, text: str, sources: list[str], authority: str | None) -> None:
    """Level, province, district and issuer from the issuer block of the header."""
    levels = [organ_level(o) for o in h.organs]
    place = places_in(h.organs)
    local = place.province or place.district or place.commune
    if h.party or "party" in levels:
        level = "party"
    elif local and ("department" in levels or _under_government(h.organs)):
        level = "department"
    elif "national" in levels and not local:
        level = "national"
    elif place.commune:
        level = "commune"
    elif place.district:
        level = "district"
    elif place.province:
        level = "province"
    else:
        level = None
    province = place.province
    central = level == "national" or (level == "party" and not local)
    if not province and not central and level:
        province = (_province_in(h.place) if h.place else None) or _body_province(text)
    plan["level"], plan["province"] = level, province
    plan["district"] = place.district if level in ("district", "commune", "party", "department") else None
    plan["issuer"] = _issuer_name_from_organs(h.organs, authority, sources)


def _under_government(organs: tuple[str, ...]) -> bool:
    """"UBND TỈNH X" / "BAN DÂN TỘC": a body under a People's Committee or Council is a department."""
    return len(organs) > 1 and bool(_GOVERNMENT.match(organs[-2])) and places_in(organs[-1:]) == Place() \
        and not _GOVERNMENT.match(organs[-1])


def _from_preamble(plan: dict, text: str, title: str, h, body_start: int, box_issuer: str | None) -> None:
    """A document without an issuer block: the preamble's acting unit, the title, the portal's "Nơi ban
    hành", the body, and last the issuer code of its own symbol."""
    acting = _issuer_from_preamble(text, body_start)
    province = _province_in(title) or (_province_in(h.place) if h.place else None) \
        or (_province_in(box_issuer) if box_issuer else None) \
        or _body_province(text)
    sm = SYMBOL_RX.match(plan["symbol"]) if plan["symbol"] else None
    sym = parse_symbol(sm, plan["symbol"]) if sm else None
    info = issuer_info(sym) if sym else None
    unit_text = acting or (info["issuer"] if info else "")
    level, district = _level_and_district(unit_text, title, sym)
    if not acting and info and info["scope"] != "local":
        level = info["level"]  # "21/2025/TT-BGDĐT": a national or central Party body's code
    if level in ("national", "party") and not re.search(r"(?i)tỉnh|huyện|xã|thành ủy", unit_text):
        province = None
    plan["province"] = province
    plan["level"], plan["district"] = level, district
    plan["issuer"] = _issuer_name(unit_text, level, province, district)


def _level_and_district(unit: str, title: str, sym) -> tuple[str | None, str | None]:
    u = unit.lower()
    if re.match(r"(sở|ban quản lý|văn phòng ubnd|thanh tra tỉnh)", u) or (
            sym and sym.org_codes and re.fullmatch(r"S[A-ZĐ]{2,12}", sym.org_codes[0])):
        return "department", None
    if re.search(r"(tỉnh ủy|huyện ủy|đảng ủy|ban dân vận|ban thường vụ)", u):
        return "party", None
    for kind, level in (("xã", "commune"), ("phường", "commune"), ("thị trấn", "commune"),
                        ("huyện", "district"), ("thị xã", "district"), ("quận", "district"),
                        ("thành phố", "district"), ("tỉnh", "province")):
        if re.search(rf"(?<![\w]){kind}(?![\w])", u):
            if level in ("district", "commune"):
                name = None
                for where in (unit, title):
                    for mm in _LOCAL_UNIT_RX.finditer(where):
                        if mm.group("kind") == kind:
                            name = mm.group("name").strip()
                            break
                    if name:
                        break
                if kind == "thành phố" and name and name in province_names():
                    return "province", None
                return level, name
            return level, None
    if sym and sym.org_codes and fold(sym.org_codes[0]) == "ubnd":
        return "province", None
    return None, None


def _issuer_name(unit: str, level: str | None, province: str | None, district: str | None) -> str | None:
    if not unit:
        return None
    u = re.sub(r"(?i)^(ủy ban nhân dân|uỷ ban nhân dân)", "UBND", unit.strip())
    if u.isupper():
        u = _sentence_case(u)
        u = re.sub(r"^Ubnd", "UBND", u)
    if level == "province" and province and province not in u:
        kind = next((r["kind"] for r in read_table("provinces.csv") if r["name"] == province), "tỉnh")
        return f"UBND {kind} {province}" if u.upper().startswith("UBND") else u
    if level == "district" and district and district not in u:
        return f"{u} {district}"
    if level == "department" and province and province not in u:
        return f"{u} tỉnh {province}"
    return u
