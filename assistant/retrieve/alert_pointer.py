"""Which alerts a question singles out by who notified them and when ("2023年12月荷兰通报的那批",
"flagged by Hungary in May 2023").

One reading shared by search (the alerts of that month from that member are scored whatever their
product is called: RASFF names goods in the notifier's language, "Vajilla de melamina") and the
answer composer (which of the alerts found the question means).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from assistant.retrieve.analyze import notifying_members
from assistant.retrieve.markets import find_markets

_MONTHS_EN = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
     "december"], 1)}


@dataclass(frozen=True)
class AlertPointer:
    years: frozenset[str]  # "2023"
    months: frozenset[int]  # 1-12
    members: frozenset[str]  # market codes of the member states said to have notified

    def __bool__(self) -> bool:
        return bool(self.years or self.months or self.members)

    def fits(self, row: dict[str, Any]) -> bool:
        """The alert `row` was notified when and by whom the question says."""
        return self.fits_at(*alert_keys(row))

    def fits_at(self, when: str, notifiers: frozenset[str]) -> bool:
        """An alert notified on `when` (ISO date) by `notifiers` (market codes) is the one meant."""
        return ((not self.years or when[:4] in self.years)
                and (not self.months or (when[5:7].isdigit() and int(when[5:7]) in self.months))
                and (not self.members or bool(notifiers & self.members)))


def alert_keys(row: dict[str, Any]) -> tuple[str, frozenset[str]]:
    """When an alert was notified (ISO date, "" when unknown) and the market codes of who notified it."""
    when = str((row.get("dates") or {}).get("event") or "")
    return when, frozenset(m.market.code for m in find_markets(str(row.get("notifying_country") or "")))


def alert_pointer(question: str) -> AlertPointer:
    """Who notified and when, as the question says: a member state said to have notified or stopped
    the goods ("荷兰通报的", "our client in Finland rejected"), not one named as where a customer is;
    a year not part of a symbol (2023/915, 2023.1234); a month with 月, or an English month next to
    a day or a year ("in May 2023"), so that "may be rejected" is no month."""
    years = frozenset(re.findall(r"(?<![\d./])(20[12]\d)(?![\d./])", question))
    months = {int(x) for x in re.findall(r"(?<!\d)(1[0-2]|0?[1-9])\s*月", question)}
    months |= {n for w, n in _MONTHS_EN.items()
               if re.search(rf"\b{w}\b\s*(?:\d{{1,2}}\b|,?\s*20\d\d)|\b\d{{1,2}}\s+{w}\b", question, re.I)}
    return AlertPointer(years, frozenset(months), frozenset(notifying_members(question)))
