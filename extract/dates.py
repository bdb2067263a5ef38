"""Vietnamese dates in the forms documents use: 26/11/2021, 26-11-2021, 26.11.2021,
"ngày 26 tháng 11 năm 2021", "tháng 02 năm 2024" (partial → "2024-02"), and day/month without a year
("trước ngày 15/12", "ngày 15 tháng 12") which the caller completes with a default year.  Periods a time
limit may name (`find_periods`): a quarter ("Quý IV/2025", "Quí IV-2025", "quý 4 năm 2025") and a range
of months ("Tháng 11 - 12/2025"), each read as the month it ends in ("2025-12")."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_WS = r"[ \t\n\u00a0]{1,4}"
_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}))?(?![\d/])")
_SPELLED = re.compile(
    rf"(?i:ngày){_WS}(\d{{1,2}}){_WS}(?i:tháng){_WS}(\d{{1,2}})(?:{_WS}(?i:năm){_WS}(\d{{4}}))?")
_MONTH = re.compile(rf"(?i:tháng){_WS}(\d{{1,2}})(?:{_WS}(?i:năm)|/)(?:{_WS})?(\d{{4}})")
_YEAR_AFTER = rf"[ \t]{{0,2}}(?:[/-]|{_WS}(?i:năm))(?:{_WS})?(\d{{4}})(?!\d)"
_QUARTER = re.compile(rf"(?<!\w)(?i:qu[ýíy]){_WS}(IV|III|II|I|[1-4])(?![\w]){_YEAR_AFTER}")
_MONTH_RANGE = re.compile(rf"(?i:tháng){_WS}(\d{{1,2}})[ \t]{{0,2}}[-–][ \t]{{0,2}}(\d{{1,2}}){_YEAR_AFTER}")
_QUARTER_END = {"I": 3, "II": 6, "III": 9, "IV": 12, "1": 3, "2": 6, "3": 9, "4": 12}


@dataclass(frozen=True)
class FoundDate:
    start: int
    end: int
    iso: str          # "YYYY-MM-DD", or "YYYY-MM" for a month, or "--MM-DD" when the year is missing
    year: int | None
    period: bool = False   # a range of months (its last month): a span of work, not one point in time


def _valid(y: int | None, m: int, d: int | None) -> bool:
    try:
        date(y or 2000, m, d or 1)
        return True
    except ValueError:
        return False


def _make(start, end, d, m, y) -> FoundDate | None:
    d, m = int(d), int(m)
    y = int(y) if y else None
    if y is not None and not 1945 <= y <= 2100:
        return None
    if not _valid(y, m, d):
        return None
    iso = f"{y:04d}-{m:02d}-{d:02d}" if y else f"--{m:02d}-{d:02d}"
    return FoundDate(start, end, iso, y)


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[FoundDate]:
    """All full or day-month dates in text[start:end], in order, without overlaps."""
    end = len(text) if end is None else end
    found: list[FoundDate] = []
    for rx in (_SPELLED, _NUMERIC):
        for m in rx.finditer(text, start, end):
            fd = _make(m.start(), m.end(), *m.groups())
            if fd and not any(f.start < fd.end and fd.start < f.end for f in found):
                found.append(fd)
    for m in _MONTH.finditer(text, start, end):
        mo, y = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12 and 1945 <= y <= 2100 and not any(
                f.start < m.end() and m.start() < f.end for f in found):
            found.append(FoundDate(m.start(), m.end(), f"{y:04d}-{mo:02d}", y))
    return sorted(found, key=lambda f: f.start)


def find_periods(text: str, start: int = 0, end: int | None = None) -> list[FoundDate]:
    """Quarters and month ranges in text[start:end], each as the month it ends in."""
    end = len(text) if end is None else end
    found = []
    for m in _QUARTER.finditer(text, start, end):
        y = int(m.group(2))
        if 1945 <= y <= 2100:
            found.append(FoundDate(m.start(), m.end(), f"{y:04d}-{_QUARTER_END[m.group(1).upper()]:02d}", y))
    for m in _MONTH_RANGE.finditer(text, start, end):
        first, last, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= first < last <= 12 and 1945 <= y <= 2100:
            found.append(FoundDate(m.start(), m.end(), f"{y:04d}-{last:02d}", y, period=True))
    return sorted(found, key=lambda f: f.start)


def complete(iso: str, default_year: int | None) -> str | None:
    """Fill a missing year ("--12-15") from the document's year; None when it cannot be known."""
    if iso.startswith("--"):
        return f"{default_year:04d}{iso[1:]}" if default_year else None
    return iso


_GAP = re.compile(r"[ \t\n,]{0,6}(?:(?i:ban hành|ký)[ \t\n]{1,4})?")


def date_right_after(text: str, pos: int) -> FoundDate | None:
    """A full date that follows position `pos` closely ("…/CT-TTg, ngày 26/11/2021"), else None.
    Only separators and the word "ngày" may stand between, so a later citation's date is not taken."""
    gap = _GAP.match(text, pos)
    at = gap.end()
    m = _SPELLED.match(text, at)
    if m:
        return _make(m.start(), m.end(), *m.groups())
    m = re.compile(rf"(?i:ngày)(?:{_WS}|:)?").match(text, at)
    if m:
        at = m.end()
    m = _NUMERIC.match(text, at)
    if m and m.group(3):
        return _make(m.start(), m.end(), *m.groups())
    return None
