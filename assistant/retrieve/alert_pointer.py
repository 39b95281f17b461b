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
        when = str((row.get("dates") or {}).get("event") or "")
        notifier = {m.market.code for m in find_markets(str(row.get("notifying_country") or ""))}
        return ((not self.years or when[:4] in self.years)
                and (not self.months or (when[5:7].isdigit() and int(when[5:7]) in self.months))
                and (not self.members or bool(notifier & self.members)))


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
