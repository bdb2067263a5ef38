"""The grammar of Vietnamese document symbols (số ký hiệu) and their canonical form.

Three written styles (Nghị định 30/2020/NĐ-CP for State documents, Hướng dẫn 36-HD/VPTW for Party ones):
  State with year     59/2023/NĐ-CP, 10/2022/QH15           number / year / [type-]issuer
  State without year  33/CT-TTg, 575/UBND-NC                number / type-issuer
  Party               23-QĐ/TW, 04-CTr/BDVTU-BCSDUBND       number - type / issuer
Writers vary spaces and dashes ("1847/QĐ -TTg", "75/KH- UBND"), swap styles ("765-KH/UBND" for a State
plan) and drop hyphens ("27/CTTg").  `parse_symbol` recognises all of them and `canonical` repairs the
variants that the issuer-code and doc-type tables can settle on their own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from vbgraph.extract.tables import doc_type_by_code, fold, issuer_codes

_CODE = r"[A-ZĐƯ][A-Za-zĐđƯư0-9&]{0,15}"
_DASH = r"[ ]?[-–][ ]?"
_CODES = rf"{_CODE}(?:{_DASH}{_CODE}){{0,3}}"
# a joint document's type code (Nghị quyết liên tịch NQLT, Thông tư liên tịch TTLT …) may be followed by
# "/" and the joint issuers: 19/2008/NQLT/CP-UBTUMTTQVN
_JOINT = r"[A-ZĐ]{1,4}LT"
SYMBOL_RX = re.compile(
    rf"(?<![\w/.:-])(?P<num>\d{{1,5}}[a-z]?)(?:"
    rf"[ ]?/[ ]?(?P<year>(?:19|20)\d{{2}})[ ]?/[ ]?(?P<ycodes>{_CODES}(?:/{_CODES})?)"
    rf"|[ ]?/[ ]?(?P<scodes>{_JOINT}/{_CODES}|{_CODES})"
    rf"|{_DASH}(?P<ptype>{_CODE})[ ]?/[ ]?(?P<porg>{_CODES})"
    rf")(?![\w/])")
_OWNER = re.compile(r"[ ](UBND|HĐND)(?![\w/])")


@dataclass(frozen=True)
class Symbol:
    start: int
    end: int
    written: str        # as it stands in the normalised text
    number: str
    year: int | None
    style: str          # state | party
    type_code: str | None
    org_codes: tuple[str, ...]
    joint_slash: bool = False   # written "…/NQLT/CP-UBTUMTTQVN": the type code and the issuers split by "/"

    @property
    def text(self) -> str:
        return canonical_text(self)


def _split(codes: str) -> list[str]:
    return [c.strip() for c in re.split(r"[-–]", codes) if c.strip()]


def _is_doc_code(code: str) -> bool:
    return fold(code) in doc_type_by_code()


def issuer_row(code: str) -> dict[str, str] | None:
    """Issuer codes may carry a term number ("QH15", "UBTVQH14"): look it up without it too."""
    table = issuer_codes()
    return table.get(fold(code)) or table.get(fold(code.rstrip("0123456789")))


def _is_issuer(code: str) -> bool:
    return issuer_row(code) is not None


def _split_glued(code: str) -> tuple[str, str] | None:
    """"CTTg" → ("CT", "TTg"): a type code and an issuer code run together; the typist dropped the
    hyphen and, as here, often one of two equal letters at the seam."""
    for i in range(1, len(code)):
        if _is_doc_code(code[:i]):
            if _is_issuer(code[i:]):
                return code[:i], code[i:]
            if code[i - 1] == code[i:i + 1].upper() and _is_issuer(code[i - 1:]):
                return code[:i], code[i - 1:]
    return None


def parse_symbol(m: re.Match, text: str) -> Symbol:
    num, end = m.group("num"), m.end()
    if m.group("porg"):
        org = _split(m.group("porg"))
        owner = _OWNER.match(text, end)
        if owner and (issuer_row(org[-1]) or {}).get("owner_follows") == "yes":
            end = owner.end()
            org[-1] = org[-1] + owner.group(1)
        written = text[m.start():end]
        type_code = m.group("ptype")
        # "765-KH/UBND": a State plan written in the Party style
        if len(org) == 1 and (issuer_row(org[0]) or {}).get("system") == "state" \
                and _is_doc_code(type_code):
            return Symbol(m.start(), end, written, num, None, "state", type_code, tuple(org))
        return Symbol(m.start(), end, written, num, None, "party", type_code, tuple(org))
    written = text[m.start():end]
    if m.group("ycodes"):
        joint = "/" in m.group("ycodes")
        codes = _split(m.group("ycodes").replace("/", "-"))
        if joint:
            return Symbol(m.start(), end, written, num, int(m.group("year")), "state", codes[0],
                          tuple(codes[1:]), joint_slash=True)
        type_code = codes[0] if len(codes) > 1 and _is_doc_code(codes[0]) else None
        org = codes[1:] if type_code else codes
        return Symbol(m.start(), end, written, num, int(m.group("year")), "state", type_code, tuple(org))
    if "/" in m.group("scodes"):
        codes = _split(m.group("scodes").replace("/", "-"))
        return Symbol(m.start(), end, written, num, None, "state", codes[0], tuple(codes[1:]), joint_slash=True)
    codes = _split(m.group("scodes"))
    if len(codes) == 2 and _is_doc_code(codes[0]) and (issuer_row(codes[1]) or {}).get("system") == "party":
        # "27/NQ-TW": a Party document written in the State style is the Party's 27-NQ/TW
        return Symbol(m.start(), end, written, num, None, "party", codes[0], (codes[1],))
    if len(codes) == 1:
        glued = _split_glued(codes[0])
        if glued:
            return Symbol(m.start(), end, written, num, None, "state", glued[0], (glued[1],))
        return Symbol(m.start(), end, written, num, None, "state", None, tuple(codes))
    if _is_doc_code(codes[0]):
        return Symbol(m.start(), end, written, num, None, "state", codes[0], tuple(codes[1:]))
    return Symbol(m.start(), end, written, num, None, "state", None, tuple(codes))  # 575/UBND-NC


def _official_case(code: str | None) -> str | None:
    """"TTG" → "TTg", "QDI" stays unknown: codes the tables know take the tables' spelling."""
    if not code:
        return code
    row = doc_type_by_code().get(fold(code))
    if row:
        for c in row["codes"].split(";"):
            if c.casefold() == code.casefold():
                return c
    row = issuer_row(code)
    if row and row["code"].casefold() == code.casefold():
        return row["code"]
    return code


@lru_cache(maxsize=1 << 14)   # asked for again and again while mentions are grouped
def canonical_text(s: Symbol) -> str:
    org = "-".join(_official_case(c) for c in s.org_codes)
    joint = s.joint_slash
    s = Symbol(s.start, s.end, s.written, s.number, s.year, s.style, _official_case(s.type_code), s.org_codes)
    if joint:
        return "/".join(str(x) for x in (s.number, s.year, s.type_code, org) if x is not None)
    if s.style == "party":
        return f"{s.number}-{s.type_code}/{org}"
    if s.year is not None:
        return f"{s.number}/{s.year}/{s.type_code}-{org}" if s.type_code else f"{s.number}/{s.year}/{org}"
    return f"{s.number}/{s.type_code}-{org}" if s.type_code else f"{s.number}/{org}"


def find_symbols(text: str, start: int = 0, end: int | None = None) -> list[Symbol]:
    end = len(text) if end is None else end
    return [parse_symbol(m, text) for m in SYMBOL_RX.finditer(text, start, end)]


def issuer_info(s: Symbol) -> dict[str, str] | None:
    """The most telling issuer code of a symbol: a party-central or national code beats a local one."""
    rows = [issuer_row(c) for c in s.org_codes]
    rows = [r for r in rows if r]
    for scope in ("party-central", "national", "local"):
        for r in rows:
            if r["scope"] == scope:
                return r
    return None


def scope_class(s: Symbol) -> str:
    """party-central | national | local.  Unknown issuer codes are local: a national body's code is
    in the table, while departments and districts coin new codes all the time."""
    info = issuer_info(s)
    if info:
        return info["scope"]
    return "party-central" if s.style == "party" and any(c.endswith("TW") for c in s.org_codes) else "local"


def doc_type_from_code(s: Symbol) -> str | None:
    if s.type_code:
        row = doc_type_by_code().get(fold(s.type_code))
        if row:
            return row["doc_type"]
    if s.year is not None and any(fold(c).startswith("qh") for c in s.org_codes):
        return "Luật"
    if s.style == "state" and not s.type_code:
        return "Công văn"   # "575/UBND-NC": an issuer code and a unit code make a công văn's symbol
    return None
