"""What early warning watches: notifications and border rejections read from the index.

An `AlertItem` is the flat, typed view matching needs, built once per item from the index's record
rows (read-only). An addendum, revision or corrigendum is an *update*: it inherits the markets, HS
codes and words of its core notification, so whoever follows the notification gets its updates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

WATCHED_TYPES = ("notification", "alert")
_WORD_RE = re.compile(r"[a-z0-9]+")
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


@dataclass(frozen=True)
class AlertItem:
    """One notification or rejection, as matching and messages see it."""

    ref: str
    kind: str  # notification | rejection
    measure: str  # TBT | SPS | REJECTION
    title: str
    title_zh: str | None
    summary_en: str | None
    summary_zh: str | None
    markets: frozenset[str]
    hs: tuple[str, ...]
    ntm: tuple[str, ...]
    core: str | None  # core symbol of a notification
    suffix: str | None  # Add.1 / Rev.1 / Corr.1 of an update, None for a core notification
    notification_type: str | None
    distributed: dt.date | None
    comment_deadline: dt.date | None
    entry_into_force: dt.date | None
    event: dt.date | None  # date of a rejection
    origin_codes: frozenset[str]
    product: str
    hazard: str | None
    url: str | None
    text: str = field(repr=False, default="")  # lower-cased words for keyword matching
    tokens: frozenset[str] = field(repr=False, default=frozenset())

    @property
    def is_update(self) -> bool:
        return self.suffix is not None

    @property
    def from_china(self) -> bool:
        return "CHN" in self.origin_codes

    def title_in(self, lang: str) -> str:
        return (self.title_zh or self.title) if lang == "zh" else self.title


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def anchors(text: str) -> frozenset[str]:
    """Latin words and Han character pairs of a text: what a keyword is looked up by."""
    low = text.lower()
    out = set(_WORD_RE.findall(low))
    for run in _HAN_RE.findall(low):
        out.update(run[i : i + 2] for i in range(max(len(run) - 1, 1)))
    return frozenset(out)


def item_from_rows(row: Mapping[str, Any], core_row: Mapping[str, Any] | None = None) -> AlertItem:
    """The item for an index record row; `core_row` is the core notification of an update."""
    base = core_row or {}
    dates = row.get("dates") or {}
    base_dates = base.get("dates") or {}
    is_alert = row.get("type") == "alert"
    markets = set(row.get("markets") or []) | set(base.get("markets") or [])
    hs = list(dict.fromkeys([*(row.get("hs") or []), *(base.get("hs") or [])]))
    ntm = list(dict.fromkeys([*(row.get("ntm") or []), *(base.get("ntm") or [])]))
    words = [
        row.get("title") or "", row.get("title_en") or "", row.get("title_zh") or "",
        row.get("products") or "", row.get("product") or "", " ".join(row.get("keywords") or []),
        (row.get("text") or "")[:4000], base.get("title") or "", base.get("title_zh") or "",
        base.get("products") or "", " ".join(base.get("keywords") or []),
    ]
    text = "\n".join(w for w in words if w).lower()
    return AlertItem(
        ref=str(row["ref"]),
        kind="rejection" if is_alert else "notification",
        measure="REJECTION" if is_alert else str(row.get("agreement") or "TBT").upper(),
        title=str(row.get("title") or row["ref"]),
        title_zh=row.get("title_zh") or base.get("title_zh"),
        summary_en=row.get("summary_en"),
        summary_zh=row.get("summary_zh"),
        markets=frozenset(str(m).upper() for m in markets),
        hs=tuple(str(c) for c in hs),
        ntm=tuple(str(c).upper() for c in ntm),
        core=row.get("core_symbol"),
        suffix=row.get("suffix"),
        notification_type=row.get("notification_type"),
        distributed=_date(dates.get("distributed")),
        comment_deadline=_date(dates.get("comment_deadline")) or (
            None if row.get("suffix") else _date(base_dates.get("comment_deadline"))
        ),
        entry_into_force=_date(dates.get("entry_into_force")),
        event=_date(dates.get("event")),
        origin_codes=frozenset(
            c.strip().upper() for c in str(row.get("origin_code") or "").split(";") if c.strip()
        ),
        product=str(row.get("product") or row.get("products") or ""),
        hazard=row.get("hazard"),
        url=row.get("url") or base.get("url"),
        text=text,
        tokens=anchors(text),
    )


def watched_refs(record_rows: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """ref -> kind of every record early warning watches in an index."""
    return {
        ref: ("rejection" if row.get("type") == "alert" else "notification")
        for ref, row in record_rows.items()
        if row.get("type") in WATCHED_TYPES
    }


def items_for(refs: Iterable[str], record_rows: Mapping[str, Mapping[str, Any]]) -> list[AlertItem]:
    """Items for `refs`, each update joined with its core notification when the index has it."""
    out = []
    for ref in refs:
        row = record_rows.get(ref)
        if row is None or row.get("type") not in WATCHED_TYPES:
            continue
        core = row.get("core_symbol")
        core_row = record_rows.get(core) if core and core != ref else None
        out.append(item_from_rows(row, core_row))
    return out
