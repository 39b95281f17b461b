"""The same report mapped to the EU Single Entry Point market-access complaint form (sections 1-6
of DOMAIN.md §4) as JSON, for partners abroad."""

from __future__ import annotations

from typing import Any

from assistant.reports.names import EU_MEMBERS, market_name, ntm_label
from assistant.reports.render.common import SEP_CATEGORIES, lookup_by_prefix
from assistant.reports.schema import BarrierReport
from assistant.reports.validate import format_money

_COMPLAINANT = {"company": "Company", "association": "Business association", "government": "Public authority",
                "other": "Other"}


def to_sep(report: BarrierReport, number: str | None = None) -> dict[str, Any]:
    r, m, imp, p = report.reporter, report.measure, report.impact, report.product
    hs = p.hs
    losses = []
    if imp.lost_sales is not None:
        losses.append(f"lost sales {format_money(imp.lost_sales, imp.currency, 'en')}")
    if imp.extra_cost is not None:
        losses.append(f"extra cost {format_money(imp.extra_cost, imp.currency, 'en')}")
    if imp.shipments_affected is not None:
        losses.append(f"{imp.shipments_affected} shipment(s) affected")
    market = report.market
    title_bits = [x for x in (m.title or ntm_label(m.ntm_code, "en"), p.description, market_name(market, "en")) if x]
    return {
        "form": "EU Single Entry Point market access complaint",
        "source_report": number,
        "1_identity_and_contact": {
            "name": r.name, "email": r.email, "phone": r.phone, "address": None,
            "complainant_type": _COMPLAINANT.get(r.type or ""),
            "directly_concerned": True,
            "activity": p.description,
            "organisation": r.organisation,
        },
        "2_complaint": {
            "title": " - ".join(title_bits) or None,
            "measure_category": lookup_by_prefix(SEP_CATEGORIES, m.ntm_code),
            "ntm_code": m.ntm_code,
            "country_imposing": market_name(market, "en") or None,
            "country_imposing_code": market,
            "member_states_affected": [market] if market in EU_MEMBERS else [],
            "sector": p.description,
        },
        "3_description": {
            "activity_affected": p.description,
            "measure": m.title,
            "notification_symbol": m.notification_symbol,
            "issuing_body": m.issuing_body,
            "in_force_since": m.entry_into_force,
            "published": m.published,
            "what_happened": report.incident.description,
            "first_met": report.incident.first_met,
            "national_treatment": None,
            "agreements_concerned": ["WTO TBT Agreement" if (m.ntm_code or "B").startswith("B")
                                     else "WTO SPS Agreement"],
        },
        "4_economic_impact": {
            "hs_codes": [hs] if hs else [],
            "hs4": hs[:4] if hs else None,
            "losses": "; ".join(losses) or None,
            "lost_sales": imp.lost_sales, "extra_cost": imp.extra_cost, "currency": imp.currency,
            "smes_affected": imp.smes_affected,
        },
        "5_actions_taken": report.actions_taken,
        "6_confidentiality": {"confidential_fields": list(report.confidential_fields)},
        "request": list(report.request),
        "language_of_original": report.language,
    }
