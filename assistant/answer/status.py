"""Whether a rule applies today: repealed, not yet applicable, to be repealed, or in force.

Read only from the record itself: its status field, its dated milestones ("Repealed and
replaced by Regulation (EU) 2023/826", "... applies and repeals this Directive") and the sentence
of its summary that says it was repealed, compared with today's date. A rule whose own text says
it *repeals another* act ("... and repealing Directive 2006/42/EC") is not repealed itself.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal

from assistant.answer.sentences import split
from assistant.refs import find_eu_acts

Kind = Literal["in_force", "repealed", "not_yet", "to_be_repealed"]

_SELF_REPEALED_EN = re.compile(
    r"^repealed\b|\brepeals? this\b|\bthis (?:directive|regulation|act|decision|rule|standard|law)\b"
    r"[^.;]{0,40}\b(?:is|was|has been|will be)\s+repealed|"
    r"^(?:the|this) (?:directive|regulation|act|decision|rule|standard|law)\b[^.;]{0,40}"
    r"\b(?:was|has been|is)\s+(?:repealed|revoked|withdrawn)|^it (?:was|has been) (?:repealed|revoked)",
    re.I,
)
_SELF_REPEALED_ZH = re.compile(r"废止本|本(?:指令|法规|条例|规定|公告)[^。；]{0,20}废止|^该(?:指令|法规|条例|规定|公告)[^。；]{0,40}(?:废止|失效)|^被[^。；]{0,30}废止")
_REPEALED_STATUS = re.compile(r"废止|失效|repealed|revoked|withdrawn|expired|no longer in force", re.I)
_FROM_DATE_EN = re.compile(
    r"\b(?:from|since|as of|with effect from|on)\s+(\d{1,2})\s+(January|February|March|April|May|June|"
    r"July|August|September|October|November|December)\s+((?:19|20)\d{2})",
    re.I,
)
_FROM_DATE_ZH = re.compile(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日")
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december"]


@dataclass(frozen=True)
class RuleStatus:
    kind: Kind
    date: dt.date | None = None  # repealed from / applies from
    by: str | None = None  # the act that replaces it, when the record names one

    @property
    def applicable(self) -> bool:
        """The rule binds today (to_be_repealed still does)."""
        return self.kind in ("in_force", "to_be_repealed")

    @property
    def current(self) -> bool:
        """The rule binds today or will (not yet applicable): only a repealed one is history."""
        return self.kind != "repealed"


def _d(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _sentence_date(sentence: str) -> dt.date | None:
    m = _FROM_DATE_EN.search(sentence)
    if m:
        try:
            return dt.date(int(m.group(3)), _MONTHS.index(m.group(2).lower()) + 1, int(m.group(1)))
        except ValueError:
            return None
    z = _FROM_DATE_ZH.search(sentence)
    if z:
        try:
            return dt.date(int(z.group(1)), int(z.group(2)), int(z.group(3)))
        except ValueError:
            return None
    return None


def _other_act(text: str, own_ref: str) -> str | None:
    for act in find_eu_acts(text):
        if act not in own_ref:
            m = re.search(r"(?:Regulation|Directive|Decision)\s*\((?:EU|EC|EEC)\)\s*(?:No\.?\s*)?"
                          + re.escape(act), text)
            return m.group(0) if m else act
    return None


def _repeal(row: dict[str, Any], ref: str) -> tuple[dt.date | None, str | None, bool] | None:
    """(date, replacing act, stated) of the record's own repeal, or None when nothing says so."""
    for kd in row.get("key_dates") or []:
        what_en, what_zh = str(kd.get("what_en") or ""), str(kd.get("what_zh") or "")
        if _SELF_REPEALED_EN.search(what_en) or _SELF_REPEALED_ZH.search(what_zh):
            by = kd.get("ref") or _other_act(what_en, ref)
            return _d(kd.get("date")), (str(by) if by else None), True
    for key in ("summary_en", "summary_zh"):
        for sentence in split(str(row.get(key) or "")):
            if _SELF_REPEALED_EN.search(sentence) or _SELF_REPEALED_ZH.search(sentence):
                return _sentence_date(sentence), _other_act(sentence, ref), True
    status = str(row.get("status") or "")
    if status and _REPEALED_STATUS.search(status):
        return None, None, True
    return None


def rule_status(row: dict[str, Any], ref: str, today: dt.date) -> RuleStatus:
    """The status of a rule record on `today` (alerts, cases and disputes are always in_force)."""
    if row.get("type") in ("alert", "case", "dispute", "form", "notification"):
        return RuleStatus("in_force")
    repeal = _repeal(row, ref)
    if repeal is not None:
        date, by, _ = repeal
        if date is None or date <= today:
            return RuleStatus("repealed", date, by)
        return RuleStatus("to_be_repealed", date, by)
    dates = row.get("dates") or {}
    applies = _d(dates.get("applies_from"))
    eif = _d(dates.get("entry_into_force")) or _d(row.get("effective_date"))
    start = applies or eif
    if start is not None and start > today:
        return RuleStatus("not_yet", start)
    return RuleStatus("in_force")


__all__ = ["Kind", "RuleStatus", "rule_status"]
