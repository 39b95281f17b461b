"""The rejection trend shown under an alerts answer in workshop mode: how many indexed RASFF
alerts per year name the same product, with the same origin, and their commonest hazards.

The product is read from the alerts the answer cites (the words their product names share), so
the chart counts exactly the kind of product the answer is about, in the loaded index.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.answer.evidence import alert_date
from assistant.index.store import LoadedIndex

_WORD = re.compile(r"[a-z]{3,}")
_STOP = {
    "and", "the", "from", "with", "for", "dried", "fresh", "frozen", "organic", "raw", "whole",
    "other", "products", "product", "mixed", "natural", "chinese", "china", "black", "red",
    "white", "green", "powder", "sliced", "bulk", "food", "foods",
}
MAX_HAZARDS = 3


@dataclass(frozen=True)
class Trend:
    terms: tuple[str, ...]
    origin: str
    years: tuple[tuple[str, int], ...]  # (year, alerts), oldest first, gaps filled with 0
    hazards: tuple[tuple[str, int], ...]
    total: int

    @property
    def peak(self) -> int:
        return max((n for _, n in self.years), default=0)


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def _codes(row: Mapping[str, Any]) -> list[str]:
    """Origin codes of an alert ("AUT; CHN" names two origins)."""
    return [c.strip() for c in str(row.get("origin_code") or "").split(";") if c.strip()]


def _terms(rows: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    shared: set[str] | None = None
    for row in rows:
        words = _words(str(row.get("product") or ""))
        shared = words if shared is None else shared & words
    first = _WORD.findall(str(rows[0].get("product") or "").lower()) if rows else []
    return tuple(w for w in dict.fromkeys(first) if w in (shared or set()))  # in reading order


def alert_trend(index: LoadedIndex, answer: Mapping[str, Any]) -> Trend | None:
    """The trend for the alerts cited by `answer`; None when it cites no alert."""
    cited = [index.record_rows.get(str(c.get("ref"))) for c in answer.get("citations") or []
             if isinstance(c, Mapping) and c.get("type") == "alert"]
    rows = [r for r in cited if r]
    if not rows:
        return None
    terms = _terms(rows)
    if not terms:
        return None
    origins = Counter(code for r in rows for code in _codes(r))
    origin = origins.most_common(1)[0][0] if origins else ""
    per_year: Counter[str] = Counter()
    hazards: Counter[str] = Counter()
    for row in index.record_rows.values():
        if row.get("type") != "alert" or (origin and origin not in _codes(row)):
            continue
        if not set(terms) <= _words(str(row.get("product") or "")):
            continue
        year = alert_date(row)[:4]
        if year.isdigit():
            per_year[year] += 1
        hazards[str(row.get("hazard_category") or row.get("hazard") or "?")] += 1
    if not per_year:
        return None
    first, last = int(min(per_year)), int(max(per_year))
    years = tuple((str(y), per_year.get(str(y), 0)) for y in range(first, last + 1))
    return Trend(terms=terms, origin=origin, years=years,
                 hazards=tuple(hazards.most_common(MAX_HAZARDS)), total=sum(per_year.values()))
