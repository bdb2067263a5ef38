"""The document's own metadata from its header (quốc hiệu block, "Số: …", "<place>, ngày …"), its
type heading and title, the issuer named in the header or the preamble, and the signature block."""
from __future__ import annotations

import re

from vbgraph.extract.dates import find_dates
from vbgraph.extract.symbols import SYMBOL_RX, doc_type_from_code, issuer_row, parse_symbol
from vbgraph.extract.tables import doc_types, fold, provinces, read_table
from vbgraph.extract.text import NormText

_HEADER_CHARS = 2500
_NUMBER_RX = re.compile(r"(?i:số)[ ]?(?:/|:)?[ ]?(?=\d)")
_PLACE_DATE_RX = re.compile(r"(?P<place>[A-ZĐ][^\n,;:]{1,40}),[ ]?(?=(?i:ngày)[ ]?(?:\d|\.{2}|…))")
_UNIT_RX = re.compile(
    r"(?P<unit>(?i:ủy ban nhân dân|uỷ ban nhân dân|ubnd|sở|ban|phòng|huyện ủy|tỉnh ủy|hội đồng nhân dân))"
    r"[ ](?P<rest>[^\n]{2,80})")
_LOCAL_UNIT_RX = re.compile(
    r"(?P<kind>tỉnh|thành phố|huyện|thị xã|quận|xã|phường|thị trấn)[ ](?P<name>(?:[A-ZĐ][^\s,.;:()]*"
    r"(?:[ ](?=[A-ZĐ\d])|(?=[\s,.;:()]|$))){1,4})")


def _province_in(text: str) -> str | None:
    best = None
    for p in sorted(provinces(), key=len, reverse=True):
        m = re.search(rf"(?<![\w]){re.escape(p)}(?![\w])", text, re.IGNORECASE)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), p)
    return best[1] if best else None


def _sentence_case(title: str) -> str:
    """"THỰC HIỆN … TỈNH TUYÊN QUANG" → "Thực hiện … tỉnh Tuyên Quang" (proper names restored)."""
    # words holding a digit or "/" are symbols ("27/CT-TTg") and keep their case
    low = " ".join(w if re.search(r"[\d/]", w) else w.lower() for w in title.split(" "))
    low = low[:1].upper() + low[1:]
    for p in provinces():
        low = re.sub(rf"(?<![\w]){re.escape(p.lower())}(?![\w])", p, low)
    return low


def _type_heading(lines: list[tuple[int, str]]) -> tuple[int, str, str] | None:
    """(line index, doc type, rest of line) of the heading "KẾ HOẠCH" / "QUYẾT ĐỊNH" …"""
    for i, (_, line) in enumerate(lines[:40]):
        for row in doc_types():
            w = row["written"]
            if line[:len(w)].upper() == w.upper() and line[:len(w)].isupper():
                rest = line[len(w):].strip(" :.-")
                if not rest or rest.isupper():
                    return i, row["doc_type"], rest
    return None


def extract_plan(nt: NormText) -> tuple[dict, list[tuple[int, int]]]:
    """The plan record (schema "plan") and the spans that belong to the header (never citations)."""
    text = nt.text
    header = text[:_HEADER_CHARS]
    lines = []
    pos = 0
    for ln in text.split("\n"):
        lines.append((pos, ln))
        pos += len(ln) + 1
    skip: list[tuple[int, int]] = []
    plan = {"doc_type": None, "number": None, "symbol": None, "date": None, "issuer": None,
            "level": None, "province": None, "district": None, "year": None, "title": None,
            "signer": None}

    heading = _type_heading(lines)
    body_start = lines[heading[0] + 1][0] if heading and heading[0] + 1 < len(lines) else 0
    sym = None
    for m in _NUMBER_RX.finditer(header):
        sm = SYMBOL_RX.match(text, m.end())
        if sm and (not heading or sm.start() < lines[heading[0]][0]):
            sym = parse_symbol(sm, text)
            skip.append((m.start(), sym.end))
            break
    if sym:
        plan["number"], plan["symbol"] = sym.number, sym.text

    for m in _PLACE_DATE_RX.finditer(header):
        ds = find_dates(text, m.end(), m.end() + 40)
        if ds and len(ds[0].iso) == 10:
            plan["date"] = ds[0].iso
            place = m.group("place").strip()
            plan["_place"] = place
            skip.append((m.start(), ds[0].end))
            break

    if heading:
        plan["doc_type"] = heading[1]
        idx = heading[0]
        title = heading[2]
        if not title and idx + 1 < len(lines):
            title = lines[idx + 1][1]
        plan["title"] = _sentence_case(title) if title.isupper() else title.strip()
    elif sym:
        plan["doc_type"] = doc_type_from_code(sym)

    # issuer: the header block above the quốc hiệu, else the preamble's "<unit> ban hành/xây dựng"
    issuer_line = None
    for _, ln in lines[:12]:
        if lines and heading and _ >= lines[heading[0]][0]:
            break
        if re.match(r"(?i)(ủy ban nhân dân|uỷ ban nhân dân|ubnd|sở |ban |phòng |tỉnh ủy|huyện ủy|đảng ủy)", ln):
            issuer_line = re.split(r"(?i)cộng hòa|cộng hoà", ln)[0].strip(" -")
            break
    preamble = text[body_start:body_start + 3000]
    acting = re.search(r"(?P<unit>(?:Ủy ban nhân dân|Uỷ ban nhân dân|UBND)[ ](?:tỉnh|huyện|thành phố|thị xã|xã|phường|thị trấn)"
                       r"|Sở[ ][^;.\n]{3,60}?(?=[ ](?:xây dựng|ban hành))"
                       r"|Ban[ ][^,;.\n]{3,60}?(?=[ ](?:xây dựng|ban hành)))[ ](?:xây dựng|ban hành)[ ](?:Kế hoạch|kế hoạch)",
                       preamble)
    title = plan["title"] or ""
    province = _province_in(title) or _province_in(issuer_line or "")
    place = plan.pop("_place", None)
    if not province and place:
        province = _province_in(place)
    if not province:
        found = re.findall(r"(?:tỉnh|Tỉnh)[ ]([A-ZĐ][\w]*(?:[ ][A-ZĐ][\w]*){0,2})", text)
        counts: dict[str, int] = {}
        for f in found:
            p = _province_in(f)
            if p:
                counts[p] = counts.get(p, 0) + 1
        if counts:
            province = max(counts, key=counts.get)
    plan["province"] = province

    unit_text = issuer_line or (acting.group("unit") if acting else "")
    if not unit_text and sym:
        row = issuer_row(sym.org_codes[0]) if sym.org_codes else None
        unit_text = row["issuer"] if row else ""
    level, district = _level_and_district(unit_text, title, sym)
    plan["level"], plan["district"] = level, district
    plan["issuer"] = _issuer_name(unit_text, level, province, district)

    # "năm 2024" in the title is the year the plan is for, unless it closes a date ("ngày 15 tháng 8 năm 2024")
    years = [m for m in re.finditer(r"năm[ ](\d{4})", title)
             if not re.search(r"tháng[ ]\d{1,2}[ ]$", title[:m.start()])]
    if years:
        plan["year"] = int(years[0].group(1))
    elif plan["date"]:
        plan["year"] = int(plan["date"][:4])
    plan["signer"] = _signer(lines)
    return plan, skip


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
                if kind == "thành phố" and name and name in provinces():
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


_NAME_RX = re.compile(r"^(?:[A-ZĐ][a-zà-ỹđ]{0,7})(?:[ ][A-ZĐ][a-zà-ỹđ]{0,7}){1,4}$")


_SIGNATURE_BLOCK = re.compile(r"(?i)^(?:nơi nhận|tm\.|kt\.|t/m|q\.|chủ tịch|phó chủ tịch|giám đốc|bí thư|trưởng ban)")


def _signer(lines: list[tuple[int, str]]) -> str | None:
    """The signer's name closes the document: the last line that is only a person's name, below a
    recipients list or a signature block (a page that has neither has no signer)."""
    tail = [ln.strip(" *") for _, ln in lines[-30:]]
    for i in range(len(tail) - 1, -1, -1):
        if _NAME_RX.match(tail[i]):
            return tail[i] if any(_SIGNATURE_BLOCK.match(t) for t in tail[:i]) else None
    return None
