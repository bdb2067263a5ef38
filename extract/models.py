"""Small typed records the extractor produces.  `Evidence` is the provenance every graph edge keeps:
a span in the normalised text (mapped back to the source by NormText), the rule that fired, a confidence."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Evidence:
    start: int
    end: int
    rule: str
    confidence: float = 1.0


@dataclass
class Agency:
    name: str                      # normalised display name, diacritics kept ("Sở Nội vụ")
    scope: str | None              # province the agency belongs to
    deadlines: list[str] = field(default_factory=list)   # ISO dates or partial "YYYY-MM", sorted
    evidence: list[Evidence] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)        # the sentences that assign work

    def to_json(self) -> dict:
        return {"name": self.name, "scope": self.scope, "deadlines": self.deadlines}


@dataclass
class Movement:
    name: str
    evidence: list[Evidence] = field(default_factory=list)
