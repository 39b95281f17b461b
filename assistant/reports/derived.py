"""Columns of a report row derived from its data, kept in step by the store on every write so
the staff queue filters, sorts and searches with indexes instead of reading JSON."""

from __future__ import annotations

from typing import Any

from assistant.reports.names import market_display
from assistant.reports.schema import BarrierReport


def search_text(number: str, report: BarrierReport) -> str:
    """Lower-cased text of the fields staff search on, in both languages (market names too)."""
    r, m = report.reporter, report.measure
    parts = [number, r.name, r.organisation, report.product.description, report.product.hs, m.title,
             m.issuing_body, m.notification_symbol, m.ntm_code, report.incident.description,
             report.actions_taken, report.market, market_display(report.market, "zh"),
             market_display(report.market, "en")]
    return " ".join(p for p in parts if p).lower()[:8000]


def queue_columns(number: str, report: BarrierReport) -> dict[str, Any]:
    hs = report.product.hs
    return {
        "market": report.market,
        "hs": hs,
        "hs_chapter": hs[:2] if hs else None,
        "ntm_code": report.measure.ntm_code,
        "language": report.language,
        "search_text": search_text(number, report),
    }
