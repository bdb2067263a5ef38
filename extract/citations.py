"""Find the documents a text cites, group their mentions by identity, and describe each one.

Stages (each a plain function): find mentions (numbered symbols, named laws, congress/plenum
resolutions) → attach type, date, issuer, title from the words around each mention → group mentions
that denote one document (written variants, typos settled by date) → one Citation per group.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain

from vbgraph.extract.dates import date_right_after
from vbgraph.extract.models import Evidence
from vbgraph.extract.symbols import (SYMBOL_RX, Symbol, doc_type_from_code, find_symbols, issuer_info,
                                     issuer_row, parse_symbol, scope_class)
from vbgraph.extract.tables import (doc_types, fold, fold_words, known_documents, named_laws, provinces,
                                    read_table)
from vbgraph.extract.text import NormText, find_all, matches_at


@dataclass
class Mention:
    start: int                 # span in the normalised text: type phrase … symbol … date
    end: int
    kind: str                  # numbered | law | resolution
    key: str                   # identity key inside the document
    written: str | None = None
    symbol: Symbol | None = None
    doc_type: str | None = None
    date: str | None = None
    year: int | None = None
    issuer: str | None = None
    title: str | None = None
    province: str | None = None
    name: str | None = None     # named documents: "Luật Tiếp công dân", "Nghị quyết Đại hội …"
    scope: str | None = None
    counts: bool = True         # False for a mention folded into another ("Luật X số 10/2022/QH15")


@dataclass
class Citation:
    mentions: list[Mention]
    doc_type: str | None
    number: str | None
    symbol: str | None
    written: list[str]
    date: str | None
    year: int | None
    issuer: str | None
    scope: str | None
    title: str | None
    relations: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.mentions[0].key

    def first(self) -> Mention:
        return min(self.mentions, key=lambda m: m.start)


# ---------------------------------------------------------------- patterns built from the tables
@lru_cache(maxsize=None)
def _type_before_rx() -> re.Pattern:
    alts = "|".join(re.escape(r["written"]) for r in doc_types())
    # the type phrase directly before a symbol: "Chỉ thị số ", "Quyết định ", "Văn bản số: "
    return re.compile(rf"(?:^|(?<=[\s(“\"]))(?P<t>(?i:{alts}))(?:[ ](?i:số|số hiệu))?[ ]?:?[ ]?$")


@lru_cache(maxsize=None)
def _type_lookup() -> dict[str, dict[str, str]]:
    return {fold(r["written"]): r for r in doc_types()}


@lru_cache(maxsize=None)
def _law_name_forms() -> dict[str, str]:
    """Every way a law's name is written (the table's, and with standard abbreviations: "văn bản QPPL")
    → the table's name."""
    forms = {r["name"]: r["name"] for r in named_laws()}
    for row in read_table("abbreviations.csv"):
        for name in list(forms.values()):
            if row["long"].casefold() in name.casefold():
                short = re.sub(re.escape(row["long"]), row["short"], name, flags=re.I)
                forms.setdefault(short, name)
    return forms


@lru_cache(maxsize=None)
def _law_rx() -> re.Pattern:
    names = "|".join(re.escape(n).replace(r"\ ", "[ ]") for n in sorted(_law_name_forms(), key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:Bộ[ ]|BỘ[ ])?(?:Luật|LUẬT)[ ](?P<name>(?i:{names}))(?![\w])"
                      rf"(?:[ ](?i:năm)[ ](?P<year>(?:19|20)\d{{2}})(?!\d))?")


@lru_cache(maxsize=None)
def _law_name() -> dict[str, str]:
    """Folded name → the table's spelling ("VIỆC LÀM" → "Việc làm")."""
    return {fold_words(written): name for written, name in _law_name_forms().items()}


@lru_cache(maxsize=None)
def _amending_law_rx() -> re.Pattern:
    """"Luật sửa đổi, bổ sung một số điều của Luật A và Luật B": one law, named by the laws it changes."""
    names = "|".join(re.escape(r["name"]).replace(r"\ ", "[ ]") for r in named_laws())
    law = rf"(?:Luật|LUẬT)[ ](?i:{names})"
    return re.compile(rf"(?<![\w])(?:Luật|LUẬT)[ ](?i:sửa đổi(?:,[ ]bổ sung)?(?:[ ]một số điều)?(?:[ ]của)?)[ ]"
                      rf"{law}(?:(?:,[ ]|[ ]và[ ]|[ ](?i:và)[ ]){law}){{0,9}}(?![\w])"
                      rf"(?:[ ](?i:năm)[ ](?P<year>(?:19|20)\d{{2}})(?!\d))?")


_RESOLUTION_RX = re.compile(
    r"(?<![\w])Nghị quyết[ ](?P<body>(?i:đại hội|hội nghị)(?:[ ][^\s;,.:()]{1,20}){0,12}?[ ]"
    r"(?:(?i:lần thứ)[ ][IVXLC\d]{1,6}|(?i:khóa|khoá)[ ][IVXLC]{1,6}|(?i:nhiệm kỳ)[ ]\d{4}[ ]?[-–][ ]?\d{4}"
    r"|[IVXLC]{1,6})(?![\w]))(?P<tail>[ ]của[ ]Đảng(?:[ ]bộ[ ](?:tỉnh|huyện))?(?![\w]))?")
_ISSUER_RX = re.compile(
    r"[ ,]{0,3}(?P<prep>của|giữa)[ ](?P<iss>[^;:.\n“\"(]{2,160}?)"
    r"(?=[ ](?:về|v/v|V/v|ban hành|Ban hành|quy định|hướng dẫn|phê duyệt|sửa đổi|triển khai|thực hiện|tại|theo)[ ]"
    r"|[;,.:\n(“\"]|$)")
_TITLE_START = re.compile(
    r"[ ,:]{0,3}(?P<t>(?:về|v/v|V/v|ban hành|Ban hành|quy định|Quy định|hướng dẫn|phê duyệt|sửa đổi)[ ][^;\n]{3,400})")
_TITLE_STOP = re.compile(r"\.(?:[ ]|$)|[ ]và các văn bản|[ ]và các (?:chủ trương|quy định)|[ ]\(|[”\"]?;")
_BARE_TITLE = re.compile(r"[ ](?P<t>(?:một số|một|các|những|tiếp tục|tăng cường|đẩy mạnh|đổi mới|xây dựng)"
                         r"[ ][^;\n.()“”\"]{5,200}?)(?=[;.\n(“”\"]|,[ ]|[ ](?:và|của|trên địa bàn)[ ]|$)")
_TITLED_RX = re.compile(
    r"(?<![\w])(?:thực hiện|triển khai|căn cứ)[ ](?P<t>(?:Nghị quyết|Quyết định|Chỉ thị|Kế hoạch|Thông tư|Nghị định|"
    r"Chương trình|Đề án))[ ](?P<title>(?:quy định|về|ban hành|hướng dẫn|phê duyệt)[ ][^.;\n()“”\"]{10,250})",
    re.I)
_TITLED_VERBS = ("thực hiện ", "triển khai ", "căn cứ ")   # where _TITLED_RX can match, lower-cased
_PROVINCE_RX = None


def _province_rx() -> re.Pattern:
    global _PROVINCE_RX
    if _PROVINCE_RX is None:
        names = "|".join(re.escape(p) for p in sorted(provinces(), key=len, reverse=True))
        _PROVINCE_RX = re.compile(rf"(?:tỉnh|thành phố|Thành phố|TP\.?)[ ](?P<p>{names})(?![\w])")
    return _PROVINCE_RX


# ---------------------------------------------------------------- mention finding
def _doc_type_before(text: str, start: int) -> tuple[str | None, int]:
    lo = max(0, start - 45)
    m = _type_before_rx().search(text, lo, start)
    if not m:
        return None, start
    row = _type_lookup().get(fold(m.group("t")))
    return (row["doc_type"] if row else None), m.start("t")


def _describe(text: str, after: int, m: Mention) -> None:
    """Issuer and title from the words after a mention: "… của Thủ tướng Chính phủ về …"."""
    pos = after
    im = _ISSUER_RX.match(text, pos)
    if im:
        m.issuer = im.group("iss").strip()
        pos = im.end()
        pm = _province_rx().search(m.issuer)
        if pm:
            m.province = pm.group("p")
    tm = _TITLE_START.match(text, pos)
    if tm:
        title = tm.group("t")
        stop = _TITLE_STOP.search(title)
        nxt = SYMBOL_RX.search(title)
        cut = min(x for x in (stop.start() if stop else len(title), _next_doc_start(title, nxt)))
        title = title[:cut].strip(" ,;:“”\"")
        if len(title) >= 6:
            m.title = title


def _next_doc_start(title: str, sym: re.Match | None) -> int:
    if not sym:
        return len(title)
    _, tstart = _doc_type_before(title, sym.start())
    # a later document named inside the title stays in the title ("… ban hành kèm theo Quyết định số …")
    head = title[:tstart]
    return tstart if re.search(r"[;]\s*$|[ ]và[ ]$|,[ ]$", head) else len(title)


class _Taken:
    """Spans already taken, kept merged and sorted: testing a match against every earlier span made
    a text of 14k symbols take seconds."""

    def __init__(self, spans):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for a, b in sorted(spans):
            self.add(a, b)

    def free(self, a: int, b: int) -> bool:
        i = bisect_left(self.starts, b)          # the spans that start before b
        return i == 0 or self.ends[i - 1] <= a

    def add(self, a: int, b: int) -> None:
        lo = bisect_left(self.ends, a + 1)       # the first span ending after a
        hi = bisect_left(self.starts, b)         # the spans that start before b
        if lo < hi:                              # overlapping spans become one
            a, b = min(a, self.starts[lo]), max(b, self.ends[hi - 1])
        self.starts[lo:hi] = [a]
        self.ends[lo:hi] = [b]


def find_mentions(nt: NormText, plan_province: str | None, skip: list[tuple[int, int]]) -> list[Mention]:
    text = nt.text
    mentions: list[Mention] = []
    taken = _Taken(skip)
    free = taken.free

    for sm in SYMBOL_RX.finditer(text):
        if not free(sm.start(), sm.end()):
            continue
        sym = parse_symbol(sm, text)
        dtype, start = _doc_type_before(text, sym.start)
        m = Mention(start, sym.end, "numbered", "", written=sym.written, symbol=sym, doc_type=dtype,
                    year=sym.year)
        d = date_right_after(text, sym.end) or _date_after_place(text, sym.end)
        if d:
            m.date, m.year, m.end = d.iso, d.year, d.end
        _describe(text, m.end, m)
        mentions.append(m)
        taken.add(sym.start, sym.end)

    numbered_at = {m.symbol.start: m for m in mentions}
    numbered_or_skipped = _Taken(zip(taken.starts, taken.ends))
    # every match starts at "Luật"/"LUẬT" or at the "Bộ " before it: the regexes run only there
    luat = sorted(chain(find_all(text, "Luật"), find_all(text, "LUẬT")))
    for lm in matches_at(_law_rx(), text, sorted({q - d for q in luat for d in (3, 0) if q >= d})):
        if not free(lm.start(), lm.end()):
            continue
        written = lm.group("name")
        canonical = _law_name().get(fold_words(written), written)
        # the name as the text writes it, unless only its case differs ("LUẬT VIỆC LÀM" → "Luật Việc làm")
        name = "Luật " + (canonical if fold_words(canonical) == fold_words(written) else written)
        year = int(lm.group("year")) if lm.group("year") else None
        m = Mention(lm.start(), lm.end(), "law", "law:" + fold_words(canonical), name=name,
                    doc_type="Luật", year=year, scope="national", issuer="Quốc hội")
        # "Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15": the name and the number are one mention
        follow = re.compile(r"[ ,]{0,2}(?:số[ ])?").match(text, lm.end())
        nxt = numbered_at.get(follow.end())
        if nxt is not None and "số" in text[lm.end():follow.end()]:
            nxt.doc_type, nxt.title = "Luật", nxt.title or name
            nxt.start = lm.start()
            m.counts = False
            m.key = "sym-of:" + str(id(nxt))
            m.symbol = nxt.symbol
        mentions.append(m)

    # the law named by the laws it amends is a document of its own; the laws inside its name stay
    # mentions of their own documents (so this span may overlap theirs)
    for am in matches_at(_amending_law_rx(), text, luat):
        if not numbered_or_skipped.free(am.start(), am.end()):
            continue
        written = re.sub(r"[ ](?i:năm)[ ]\d{4}$", "", am.group(0))
        name = written[:1] + written[1:].casefold() if written.isupper() else written
        year = int(am.group("year")) if am.group("year") else None
        mentions.append(Mention(am.start(), am.end(), "law", "law:" + fold_words(written), name=name,
                                doc_type="Luật", year=year, scope="national", issuer="Quốc hội"))
        taken.add(am.start(), am.end())

    # "Triển khai thực hiện Nghị quyết quy định mức chuẩn trợ giúp xã hội …": a document carried out and
    # named by its trích yếu alone
    low = nt.lower
    verbs = sorted(chain.from_iterable(find_all(low, v) for v in _TITLED_VERBS))
    for tm in matches_at(_TITLED_RX, text, verbs):
        if not free(tm.start("t"), tm.end()) or SYMBOL_RX.search(tm.group("title")):
            continue
        row = _type_lookup().get(fold(tm.group("t")))
        title = tm.group("title").strip(" ,")
        mentions.append(Mention(tm.start("t"), tm.start("title") + len(title), "titled",
                                "titled:" + fold_words(title), doc_type=row["doc_type"] if row else None,
                                title=title, name=tm.group(0)[tm.start("t") - tm.start():]))
        taken.add(tm.start("t"), tm.end())

    for rm in matches_at(_RESOLUTION_RX, text, find_all(text, "Nghị quyết ")):
        if not free(rm.start(), rm.end()):
            continue
        body = rm.group("body")
        tail = rm.group("tail") or ""
        central = bool(re.search(r"toàn quốc|Trung ương|trung ương", body)) or (
            "Đảng" in tail and "bộ" not in tail)
        scope = "party-central" if central else plan_province
        m = Mention(rm.start(), rm.end(), "resolution", "res:" + fold_words(body),
                    name=text[rm.start():rm.end()], doc_type="Nghị quyết", scope=scope,
                    issuer=body if not central else "Ban Chấp hành Trung ương Đảng")
        # a plenum's resolution is often followed straight by its trích yếu, without "về"
        tm = _BARE_TITLE.match(text, rm.end())
        if tm:
            m.title = tm.group("t").strip(" ,")
        mentions.append(m)
    mentions.sort(key=lambda x: x.start)
    _share_list_dates(text, mentions)
    _inherit_list_types(text, mentions)
    return mentions


_PLACE_GAP = re.compile(r"[ ](?:tỉnh|huyện|thành phố|thị xã)(?=[ ,])")


def _date_after_place(text: str, pos: int):
    """"05-CTrPH/BDVTU-BCSĐ UBND tỉnh ngày 28/03/2022": a place word may stand before the date."""
    g = _PLACE_GAP.match(text, pos)
    return date_right_after(text, g.end()) if g else None


def _share_list_dates(text: str, mentions: list[Mention]) -> None:
    """"Quyết định số 217-QĐ/TW và Quyết định số 218-QĐ/TW ngày 12/12/2013": one date for the list."""
    for i in range(len(mentions) - 2, -1, -1):
        a, b = mentions[i], mentions[i + 1]
        if a.kind == b.kind == "numbered" and not a.date and b.date and (b.doc_type == a.doc_type or not b.doc_type):
            if re.fullmatch(r"[ ,]*(?:và|,)?[ ]*", text[a.end:b.start]) and b.start - a.end < 12:
                a.date, a.year = b.date, b.year
                if not a.issuer:
                    a.issuer, a.title, a.province = b.issuer, None, b.province


def _inherit_list_types(text: str, mentions: list[Mention]) -> None:
    for a, b in zip(mentions, mentions[1:]):
        if b.kind == "numbered" and not b.doc_type and a.doc_type and b.start - a.end < 6 \
                and re.fullmatch(r"[ ,]*(?:và)?[ ]*", text[a.end:b.start]):
            b.doc_type = a.doc_type


# ---------------------------------------------------------------- identity
def _known_variant(sym_text: str, number: str, date: str | None) -> str | None:
    """A typo such as 114-KL/TU beside the date of 114-KL/TW: the reviewed table of known documents
    holds the real symbol; accept it only when the number and the full date agree and the written
    codes differ by at most two characters."""
    if not date or len(date) != 10:
        return None
    cands = [sym for sym in _known_by_date().get(date, ()) if re.match(rf"{re.escape(number)}\D", sym)]
    cands = [c for c in cands if fold(c) != fold(sym_text) and _edit_distance(fold(c), fold(sym_text)) <= 2]
    return cands[0] if len(cands) == 1 else None


@lru_cache(maxsize=None)
def _known_by_date() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in known_documents():
        out.setdefault(r["date"], []).append(r["symbol"])
    return out


@lru_cache(maxsize=None)
def _known_keys() -> frozenset[str]:
    return frozenset(fold(r["symbol"]) for r in known_documents())


@lru_cache(maxsize=None)
def _law_numbers() -> dict[tuple[str, str], str]:
    """(folded name, year) → symbol of the named laws whose number the table gives."""
    return {(fold_words(r["name"]), r["year"]): r["symbol"] for r in named_laws() if r["symbol"]}


def _edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _assign_keys(mentions: list[Mention]) -> None:
    numbered = [m for m in mentions if m.kind == "numbered"]
    for m in numbered:
        m.key = fold(m.symbol.text)
    # typos settled by the known-documents table
    for m in numbered:
        known = _known_variant(m.symbol.text, m.symbol.number, m.date)
        if known:
            m.key = fold(known)
            m.symbol = _with_text(m.symbol, known)
    # typos within the document: same number, same full date, symbols two edits apart → one document,
    # named by a known symbol, else by the form written most often, else by the first written
    known_keys = _known_keys()
    by_date: dict[tuple[str, str], list[Mention]] = {}
    for m in numbered:
        if m.date and len(m.date) == 10:
            by_date.setdefault((m.symbol.number, m.date), []).append(m)
    for group in by_date.values():
        keys = list(dict.fromkeys(m.key for m in group))
        if len(keys) > 1:
            counts = {k: sum(1 for m in numbered if m.key == k) for k in keys}
            best = max(keys, key=lambda k: (k in known_keys, counts[k], -keys.index(k)))
            for k in keys:
                if k != best and _edit_distance(k, best) <= 2:
                    for m in numbered:
                        if m.key == k:
                            m.key = best
                            m.symbol = _with_text(m.symbol, next(x.symbol.text for x in group if x.key == best))
    # a dated key's undated mentions belong to it; two dates with different years are two documents
    for m in mentions:
        if m.kind == "law" and m.key.startswith("sym-of:"):
            m.key = fold(m.symbol.text)


def _with_text(sym: Symbol, canonical: str) -> Symbol:
    m = SYMBOL_RX.search(canonical)
    parsed = parse_symbol(m, canonical)
    return Symbol(sym.start, sym.end, sym.written, parsed.number, parsed.year, parsed.style,
                  parsed.type_code, parsed.org_codes)


def _merge_laws_into_numbers(mentions: list[Mention]) -> None:
    """"Luật Thực hiện dân chủ ở cơ sở năm 2022" and "số 10/2022/QH15" in one text: the named-laws
    table links name + year to the number, so all their mentions are one citation."""
    table = _law_numbers()
    numbered_keys = {m.key for m in mentions if m.kind == "numbered"}
    law_years: dict[str, int] = {}
    for m in mentions:
        if m.kind == "law" and m.year and m.key.startswith("law:"):
            law_years.setdefault(m.key, m.year)
    for m in mentions:
        if m.kind == "law" and m.key.startswith("law:"):
            year = m.year or law_years.get(m.key)
            sym = table.get((m.key[4:], str(year))) if year else None
            if sym and fold(sym) in numbered_keys and m.year:
                m.key = fold(sym)
    # undated mentions of a law whose dated mention was linked follow it
    linked = {}
    for m in mentions:
        if m.kind == "law" and not m.key.startswith("law:") and m.name:
            linked[fold_words(m.name)] = m.key
    for m in mentions:
        if m.kind == "law" and m.key.startswith("law:") and fold_words(m.name) in linked:
            m.key = linked[fold_words(m.name)]


def share_own_scope(citations: list[Citation], plan: dict) -> None:
    """A document of the citing document's own issuer (the same issuer codes in the symbol) is unique where
    the citing one is: a national board's earlier decision is national even though its code is in no
    table ("167/QĐ-BCĐNNDL" cited by 170/QĐ-BCĐNNDL)."""
    own = find_symbols(plan.get("symbol") or "")
    if not own or plan.get("province") or plan.get("level") not in ("national", "party"):
        return
    scope = "national" if plan["level"] == "national" else "party-central"
    codes = [fold(c) for c in own[0].org_codes]
    for c in citations:
        sym = next((m.symbol for m in c.mentions if m.symbol), None)
        if sym and c.scope is None and [fold(x) for x in sym.org_codes] == codes:
            c.scope = scope


def group_citations(nt: NormText, mentions: list[Mention], plan_province: str | None,
                    plan_district: str | None = None) -> list[Citation]:
    _assign_keys(mentions)
    _merge_laws_into_numbers(mentions)
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        groups.setdefault(m.key, []).append(m)
    out = [_citation(nt, ms, plan_province, plan_district) for ms in groups.values()]
    return sorted(out, key=lambda c: c.first().start)


def _first(values):
    return next((v for v in values if v), None)


def _is_district_level(sym: Symbol, issuer: str | None) -> bool:
    rows = [issuer_row(c) for c in sym.org_codes]
    if any(r and r["level"] == "district" for r in rows):
        return True
    return bool(issuer and re.search(r"(?<![\w])(?:huyện|Huyện ủy)(?![\w])", issuer))


def _citation(nt: NormText, ms: list[Mention], plan_province: str | None,
              plan_district: str | None = None) -> Citation:
    ms = sorted(ms, key=lambda m: m.start)
    numbered = [m for m in ms if m.kind == "numbered"]
    written = []
    for m in numbered:
        if m.written not in written:
            written.append(m.written)
    date = _first(m.date for m in ms if m.date and len(m.date) == 10)
    year = int(date[:4]) if date else _first(m.year for m in ms)
    doc_type = _first(m.doc_type for m in ms if m.kind != "numbered" or m.doc_type) or (
        doc_type_from_code(numbered[0].symbol) if numbered else None)
    if numbered:
        sym = numbered[0].symbol
        for m in numbered:  # prefer a mention whose symbol is the canonical one of the group
            if fold(m.symbol.text) == m.key:
                sym = m.symbol
                break
        cls = scope_class(sym)
        province = _first(m.province for m in numbered) or plan_province
        scope = cls if cls != "local" else province
        info = issuer_info(sym)
        issuer = _first(m.issuer for m in numbered) or (info["issuer"] if info else None)
        # a district's documents are unique only inside the district: "Bình Phước/Hớn Quản"
        if cls == "local" and province == plan_province and plan_district and _is_district_level(sym, issuer):
            scope = f"{province}/{plan_district}"
        if issuer and cls == "local" and province and re.search(r"(?:tỉnh|Tỉnh ủy)$", issuer):
            issuer = f"{issuer} {province}"
        title = _first(m.title for m in ms) or _first(m.name for m in ms if m.kind == "law")
        return Citation(ms, doc_type, sym.number, sym.text, written, date, year, issuer, scope, title)
    first = ms[0]
    title = first.name if first.kind == "law" else _first(m.title for m in ms)
    return Citation(ms, doc_type, None, None, [], None, year, first.issuer, first.scope or plan_province,
                    title)
