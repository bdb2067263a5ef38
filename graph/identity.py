"""Node identity (DESIGN.md "Identity"): one cited document is one node however and wherever it is
written, and two documents never share a node by guess.

Numbered document  vn/<scope>/<year>/<symbol>      scope = national | party | <province>[/<district>]
                                                   (local symbols are unique only inside their place;
                                                   numbers without a year restart every year)
Named law          the number from data/named_laws.csv when the text gives the year, else unresolved
Congress/plenum    vn/<scope>/nghi-quyet-dai-hoi/<ordinal or term>
Anything whose year or place cannot be settled keeps a node of its own per citing plan with
resolution "ambiguous" (other documents carry the same symbol) or "unresolved".
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from vbgraph.extract.symbols import find_symbols, scope_class
from vbgraph.extract.tables import fold_words, named_laws


@lru_cache(maxsize=1 << 16)   # the same names and scopes recur on most of a corpus's citations
def slug(text: str) -> str:
    s = unicodedata.normalize("NFD", text or "").replace("đ", "d").replace("Đ", "D")
    s = "".join(c for c in s if unicodedata.category(c) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def scope_path(scope: str | None) -> str | None:
    if not scope:
        return None
    if scope == "national":
        return "national"
    if scope == "party-central":
        return "party"
    return "/".join(slug(part) for part in scope.split("/"))


def province_id(name: str) -> str:
    return f"province/{slug(name)}"


def agency_id(name: str, scope: str | None) -> str:
    return f"agency/{scope_path(scope) or 'unknown'}/{slug(name)}"


def movement_id(name: str) -> str:
    return f"movement/{slug(name)}"


def _law_symbol(title: str | None, year: int | None) -> str | None:
    if not title or not year:
        return None
    name = fold_words(re.sub(r"^(?:Bộ )?Luật ", "", title))
    for row in named_laws():
        if row["symbol"] and fold_words(row["name"]) == name and row["year"] == str(year):
            return row["symbol"]
    return None


def own_scope(plan: dict) -> str | None:
    """Where an ingested document's number is unique: its province (and district), or, for a national or
    Party-central document, what its symbol's issuer code says (the same scope a citation of it gets)."""
    scope = plan.get("province")
    if plan.get("level") == "district" and plan.get("district") and scope:
        return f"{scope}/{plan['district']}"
    if plan.get("symbol"):
        symbols = find_symbols(plan["symbol"])
        cls = scope_class(symbols[0]) if symbols else "local"
        if cls != "local":
            return cls
    return scope


def plan_id(plan: dict, source: str) -> tuple[str, str]:
    """(id, resolution) of an ingested document."""
    scope = own_scope(plan)
    year = int(plan["date"][:4]) if plan.get("date") else None
    if plan.get("symbol") and year and scope:
        return f"vn/{scope_path(scope)}/{year}/{slug(plan['symbol'])}", "resolved"
    # no number or no date in the text: the file itself is the only safe identity
    return f"vn/{scope_path(scope) or 'unknown'}/{plan.get('year') or 'unknown'}/file-{slug(source)}", "unnumbered"


def citation_id(c: dict, citing_plan_id: str) -> tuple[str, str, str | None]:
    """(id, resolution, symbol used) of a cited document."""
    symbol = c.get("symbol")
    year = c.get("year")
    resolution = "resolved"
    if not symbol and c.get("doc_type") in ("Luật", "Bộ luật"):
        symbol = _law_symbol(c.get("title"), year)
        if symbol:
            year = year or int(symbol.split("/")[1])
            resolution = "resolved-by-table"
    if symbol:
        place = scope_path(c.get("scope"))
        if year and place:
            return f"vn/{place}/{year}/{slug(symbol)}", resolution, symbol
        # same symbol, no year (or no place): numbers restart yearly, so this is not merged with anything
        return f"vn/{place or 'unknown'}/unknown/{slug(symbol)}~{slug(citing_plan_id)}", "ambiguous", symbol
    name = " ".join((c.get("first_mention") or c.get("title") or "").split())
    place = scope_path(c.get("scope")) or "unknown"
    if c.get("doc_type") == "Nghị quyết" and place != "unknown":
        # a congress is named by its ordinal or term, a central plenum by its number and term
        m = re.search(r"(?i)đại hội.*?(lần thứ [IVXLC\d]+|nhiệm kỳ \d{4} ?[-–] ?\d{4}|(?<=Đại hội )[IVXLC]+(?![\w]))", name)
        if m:
            ordinal = slug(re.sub(r"^(?i:lần thứ)\s*", "", m.group(1)))
            return f"vn/{place}/nghi-quyet-dai-hoi/{ordinal}", "resolved", None
        m = re.search(r"(?i)hội nghị (?:lần thứ )?(?:Trung ương |BCH Trung ương )?(\d{1,2}|[IVX]+)\b.*?kh[oó]a ([IVXLC]+)", name)
        if m and place == "party":
            return f"vn/party/nghi-quyet-hoi-nghi-tw/{slug(m.group(2))}-{slug(m.group(1))}", "resolved", None
    return (f"vn/{scope_path(c.get('scope')) or 'unknown'}/{year or 'unknown'}/{slug(c.get('doc_type') or '')}-"
            f"{slug(c.get('title') or name)[:60]}~{slug(citing_plan_id)}", "unresolved", None)


def symbol_key(symbol: str | None) -> str | None:
    """The fold used to compare symbols in queries ("765-KH/UBND" vs "765/kh-ubnd" are not equal here;
    the extractor already canonicalised them)."""
    return slug(symbol) if symbol else None
