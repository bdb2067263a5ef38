"""Where a saved portal page stops being the document: the site's own text after it (related
documents, notices, login messages) starts at a line listed in data/portal_chrome.csv."""
from __future__ import annotations

import re
from functools import lru_cache

from vbgraph.extract.tables import read_table


@lru_cache(maxsize=None)
def _tail_rx() -> re.Pattern:
    lines = "|".join(re.escape(r["line"]) for r in read_table("portal_chrome.csv"))
    return re.compile(rf"^[#*\s]*(?:{lines})[*\s]*$", re.M)


def chrome_tail(text: str) -> int | None:
    """Offset where the portal's trailing text begins, or None for a text that has none."""
    m = _tail_rx().search(text)
    return m.start() if m else None
