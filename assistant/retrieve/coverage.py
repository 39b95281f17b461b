"""The period the corpus covers for records that pile up over time (alerts, disputes), and whether a
question asks only about a later one.

"RASFF alerts on green tea in December 2024" when the alerts run to 2024-10-30 has no answer in the
corpus: offering older alerts as if they answered it would mislead. Search and the assistant take
this one decision here, so search returns nothing and the assistant says what the records run to.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Any

# the record type each question intent is about, where records accumulate by date
COVERED_KINDS = {"alerts": "alert", "cases": "dispute"}
# a dispute question dates the dispute itself only when it asks about one being filed; "how many
# labs by August 2020" in a case question dates a fact inside a case
_FILED_RE = re.compile(r"提起|起诉|新的|新提|\bfiled\b|\bbrought\b|\blaunched\b|\bnew\b|\bstarted\b", re.I)

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_EN_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_QUARTER_ZH = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}

# a year that is a period, not part of an act or record number ("2023/1115", "2024.7736")
_YEAR = r"(20\d{2})(?![\d/.]\d)"
_PERIOD_RES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(_YEAR + r"\s*年\s*(\d{1,2})\s*月"), "ym"),
    (re.compile(_YEAR + r"\s*年\s*(上|下)半年"), "half_zh"),
    (re.compile(_YEAR + r"\s*年\s*第?\s*([一二三四1-4])\s*季度"), "quarter_zh"),
    (re.compile(rf"(?i)\b({_EN_MONTH})\.?,?\s+(?:of\s+)?{_YEAR}"), "my"),
    (re.compile(rf"(?i)\b(first|second|1st|2nd)\s+half\s+(?:of\s+)?{_YEAR}"), "half_en"),
    (re.compile(rf"(?i)\bH([12])\s*{_YEAR}"), "half_en"),
    (re.compile(rf"(?i)\bQ([1-4])\s*{_YEAR}"), "quarter_en"),
    (re.compile(_YEAR + r"-(\d{2})(?!\d)"), "ym"),
    (re.compile(_YEAR + r"(?:\s*年)?"), "y"),
)


@dataclass(frozen=True)
class Beyond:
    """A question about records of one kind from after the last one held."""

    kind: str  # "alert" or "dispute"
    until: str  # the latest date a record of that kind carries
    asked: str  # the earliest period asked about, as the question wrote it


def _start(kind: str, m: re.Match[str]) -> tuple[int, int]:
    """(year, first month) of a matched period."""
    g = m.groups()
    if kind == "ym":
        return int(g[0]), int(g[1])
    if kind == "my":
        return int(g[1]), _MONTHS[g[0].lower()]
    if kind == "half_zh":
        return int(g[0]), 1 if g[1] == "上" else 7
    if kind == "half_en":
        first = g[0].lower() in ("first", "1st", "1")
        return int(g[1]), 1 if first else 7
    if kind == "quarter_zh":
        return int(g[0]), _QUARTER_ZH[g[1]] * 3 - 2
    if kind == "quarter_en":
        return int(g[1]), int(g[0]) * 3 - 2
    return int(g[0]), 0  # a whole year


def asked_periods(text: str) -> list[tuple[int, int, str]]:
    """Every period the text names, as (year, first month or 0 for a whole year, the words)."""
    taken = bytearray(len(text))
    out: list[tuple[int, int, str]] = []
    for pattern, kind in _PERIOD_RES:
        for m in pattern.finditer(text):
            if any(taken[m.start():m.end()]):
                continue
            year, month = _start(kind, m)
            if 1 <= month <= 12 or month == 0:
                out.append((year, month, m.group(0).strip()))
                taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    return out


def beyond_coverage(text: str, intent: str | None, last_dates: dict[str, str]) -> Beyond | None:
    """The question asks about alerts or disputes only from after the last one the corpus holds."""
    kind = COVERED_KINDS.get(intent or "")
    if kind is None or (kind == "dispute" and not _FILED_RE.search(text)):
        return None
    last = last_dates.get(kind, "")
    periods = asked_periods(text)
    if not last or not periods:
        return None
    year, month, words = min(periods)
    held = (int(last[:4]), int(last[5:7] or 12))
    if (year <= held[0]) if month == 0 else ((year, month) <= held):
        return None
    return Beyond(kind, last, words)


def last_dates(record_rows: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The latest date any record of each type carries: what the corpus covers."""
    last: dict[str, str] = {}
    for row in record_rows.values():
        for v in (row.get("dates") or {}).values():
            if isinstance(v, str) and v > last.get(str(row.get("type")), ""):
                last[str(row.get("type"))] = v
    return last
