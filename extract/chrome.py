"""Where a saved portal page stops being the document: the site's own text after it (related
documents, notices, login messages) starts at a line listed in data/portal_chrome.csv."""
from __future__ import annotations

import re
from functools import lru_cache

from vbgraph.extract.tables import read_table


@lru_cache(maxsize=None)
def _tail_lines() -> tuple[str, ...]:
    return tuple(r["line"] for r in read_table("portal_chrome.csv"))


@lru_cache(maxsize=None)
def _tail_rx() -> re.Pattern:
    lines = "|".join(map(re.escape, _tail_lines()))
    return re.compile(rf"^[#*\s]*(?:{lines})[*\s]*$", re.M)


def chrome_tail(text: str) -> int | None:
    """Offset where the portal's trailing text begins, or None for a text that has none."""
    if not any(line in text for line in _tail_lines()):
        return None              # most texts: a substring test instead of the regex at every line
    m = _tail_rx().search(text)
    return m.start() if m else None
