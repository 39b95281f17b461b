"""The same report mapped to the US ITA trade-barrier form (TACP, DOMAIN.md §4) as JSON, for
partners abroad. Fields the reporter marked confidential are listed as business-confidential."""

from __future__ import annotations

from typing import Any

from assistant.reports.names import market_name, ntm_label
from assistant.reports.render.common import TACP_PROBLEMS, lookup_by_prefix, split_name
from assistant.reports.schema import REQUEST_LABELS, BarrierReport
from assistant.reports.validate import format_date, format_money

# BarrierReport path -> TACP field it feeds (for business-confidential marking).
_TACP_FIELD_OF = {
    "reporter.name": ["first_name", "last_name"], "reporter.phone": ["phone"],
    "reporter.email": ["email"], "reporter.organisation": ["company_name"],
    "product.description": ["product_or_service_impacted"], "product.hs": ["product_or_service_impacted"],
    "incident.description": ["description_of_the_trade_barrier"],
    "impact.lost_sales": ["description_of_the_trade_barrier"],
    "impact.extra_cost": ["description_of_the_trade_barrier"],
    "actions_taken": ["description_of_the_trade_barrier"],
}
_REFERRAL = {"company": "Industry", "association": "Industry", "government": "Government", "other": "Other"}


def to_tacp(report: BarrierReport, number: str | None = None) -> dict[str, Any]:
    first, last = split_name(report.reporter.name)
    m, imp = report.measure, report.impact
    parts = []
    if report.incident.description:
        parts.append(report.incident.description)
    if m.title or m.ntm_code:
        parts.append("Measure: " + ", ".join(x for x in (m.title, ntm_label(m.ntm_code, "en")) if x))
    if m.notification_symbol:
        parts.append(f"WTO notification: {m.notification_symbol}")
    if m.issuing_body:
        parts.append(f"Issued by: {m.issuing_body}")
    for label, value in (("Published", m.published), ("Entry into force", m.entry_into_force),
                         ("First met", report.incident.first_met)):
        if value:
            parts.append(f"{label}: {format_date(value, 'en')}")
    if imp.lost_sales is not None:
        parts.append(f"Lost sales: {format_money(imp.lost_sales, imp.currency, 'en')}")
    if imp.extra_cost is not None:
        parts.append(f"Extra cost: {format_money(imp.extra_cost, imp.currency, 'en')}")
    if imp.shipments_affected is not None:
        parts.append(f"Shipments affected: {imp.shipments_affected}")
    if report.actions_taken:
        parts.append(f"Actions taken: {report.actions_taken}")
    if report.request:
        parts.append("Request: " + ", ".join(REQUEST_LABELS[k][1] for k in report.request))
    product = report.product.description or ""
    if report.product.hs:
        product = f"{product} (HS {report.product.hs})".strip()
    confidential = sorted({f for p in report.confidential_fields for f in _TACP_FIELD_OF.get(p, [])})
    return {
        "form": "US ITA Trade Barrier (TACP) report",
        "source_report": number,
        "first_name": first,
        "last_name": last,
        "phone": report.reporter.phone,
        "email": report.reporter.email,
        "company_name": report.reporter.organisation,
        "address": None,
        "zip_postal_code": None,
        "what_does_this_problem_involve": "Exports" if report.trade_direction == "export" else "Imports",
        "foreign_government_involved": market_name(report.market, "en") or None,
        "product_or_service_impacted": product or None,
        "problem_type": lookup_by_prefix(TACP_PROBLEMS, m.ntm_code),
        "description_of_the_trade_barrier": "\n".join(parts) or None,
        "how_referred": _REFERRAL.get(report.reporter.type or "", "Industry"),
        "referral_details": f"Reported through tbt-assistant ({report.channel})" + (f", report {number}" if number else ""),
        "business_confidential_fields": confidential,
        "language_of_original": report.language,
    }
