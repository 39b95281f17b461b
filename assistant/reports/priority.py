"""The priority score of a report or merged barrier, with the reasons shown to staff.

A score from 0 to 100 made of five parts, each with its own cap so no single one dominates:
economic impact (up to 30), reporters and companies (up to 25), SME share (up to 10), a linked
notification whose comment period ends soon (up to 20) and trade volume of the HS chapter (up to
15, only when a trade-volume file is configured: the project ships no trade statistics).
Amounts in other currencies are converted with rough fixed rates: good enough to rank, not to
report.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.reports.schema import BarrierReport

# rough USD value of one unit (ranking only)
USD_RATES = {"USD": 1.0, "CNY": 0.14, "RMB": 0.14, "EUR": 1.08, "GBP": 1.27, "JPY": 0.0067,
             "KRW": 0.00073, "AUD": 0.65, "CAD": 0.73, "HKD": 0.13, "INR": 0.012, "SAR": 0.27}


@dataclass(frozen=True)
class Reason:
    key: str
    points: float
    zh: str
    en: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Priority:
    score: float
    reasons: list[Reason]


def usd(amount: float | None, currency: str | None) -> float:
    if not amount:
        return 0.0
    return float(amount) * USD_RATES.get((currency or "USD").upper(), 1.0)


@lru_cache(maxsize=4)
def trade_volumes(path: str | None) -> dict[str, float]:
    """HS chapter -> yearly export value in USD from a CSV (columns hs_chapter, usd)."""
    if not path or not Path(path).is_file():
        return {}
    out: dict[str, float] = {}
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            try:
                out[str(row["hs_chapter"]).zfill(2)[:2]] = float(row["usd"])
            except (KeyError, ValueError):
                continue
    return out


def score(
    reports: list[BarrierReport],
    links: list[dict[str, Any]] | None,
    today: dt.date,
    trade_file: str | None = None,
) -> Priority:
    """`reports`: the barrier's own report first, then every report merged into it."""
    reasons: list[Reason] = []
    loss = sum(usd(r.impact.lost_sales, r.impact.currency) + usd(r.impact.extra_cost, r.impact.currency)
               for r in reports)
    if loss > 0:
        pts = min(30.0, 6.0 * math.log10(1 + loss / 1000))
        reasons.append(Reason("impact", pts, f"经济影响约 {loss:,.0f} 美元", f"Economic impact about USD {loss:,.0f}"))
    n = len(reports)
    orgs = {(r.reporter.organisation or r.reporter.name or f"#{i}").strip().lower() for i, r in enumerate(reports)}
    if n > 1 or len(orgs) > 1:
        pts = min(25.0, 5.0 * (n - 1) + 3.0 * (len(orgs) - 1))
        reasons.append(Reason("reporters", pts, f"{n} 份报告，{len(orgs)} 家单位",
                              f"{n} reports from {len(orgs)} organisations"))
    smes = sum(1 for r in reports if r.impact.smes_affected)
    if smes:
        share = smes / n
        reasons.append(Reason("sme", 10.0 * share, f"中小企业占 {share:.0%}", f"SME share {share:.0%}"))
    best: tuple[int, str] | None = None
    for link in links or []:
        deadline = link.get("comment_deadline")
        if not deadline:
            continue
        try:
            days = (dt.date.fromisoformat(str(deadline)[:10]) - today).days
        except ValueError:
            continue
        if days >= 0 and (best is None or days < best[0]):
            best = (days, str(link.get("ref")))
    if best is not None and best[0] <= 60:
        days, ref = best
        pts = 20.0 if days <= 14 else 12.0 if days <= 30 else 5.0
        reasons.append(Reason("deadline", pts, f"关联通报 {ref} 评议期 {days} 天后截止",
                              f"Comment period of linked {ref} ends in {days} days"))
    chapter = next((r.product.hs[:2] for r in reports if r.product.hs), None)
    volumes = trade_volumes(trade_file)
    if chapter and volumes.get(chapter):
        value = volumes[chapter]
        pts = min(15.0, 3.0 * math.log10(1 + value / 1e6))
        reasons.append(Reason("trade", pts, f"HS {chapter} 章出口额约 {value / 1e8:,.1f} 亿美元",
                              f"HS chapter {chapter} exports about USD {value / 1e9:,.1f} bn"))
    total = round(min(100.0, sum(r.points for r in reasons)), 1)
    return Priority(total, [Reason(r.key, round(r.points, 1), r.zh, r.en) for r in reasons])
