"""A report as shown to someone who is not staff: contact details masked, confidential fields hidden.

Report numbers are sequential, so anything served without authentication must not reveal who
reported or what they marked business-confidential.
"""

from __future__ import annotations

from typing import Any

from assistant.reports.schema import BarrierReport

HIDDEN = "【保密 confidential】"


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    digits = [c for c in phone if c.isdigit()]
    if len(digits) < 7:
        return "***"
    return phone[: phone.index(digits[2]) + 1] + "****" + "".join(digits[-4:])


def mask_email(email: str | None) -> str | None:
    if not email or "@" not in email:
        return email
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_name(name: str | None) -> str | None:
    if not name:
        return name
    return name[:1] + "*" * max(1, min(len(name) - 1, 3))


def redact(report: BarrierReport) -> BarrierReport:
    """A copy for public eyes (not re-validated: masked values are not valid phone numbers)."""
    reporter = report.reporter.model_copy(update={
        "name": mask_name(report.reporter.name),
        "phone": mask_phone(report.reporter.phone),
        "email": mask_email(report.reporter.email),
    })
    out = report.model_copy(update={"reporter": reporter})
    for path in report.confidential_fields:
        out = _hide(out, path)
    return out


def _hide(report: BarrierReport, path: str) -> BarrierReport:
    head, _, leaf = path.partition(".")
    if not leaf:
        value: Any = [] if isinstance(getattr(report, head), list) else HIDDEN
        return report.model_copy(update={head: value})
    part = getattr(report, head)
    current = getattr(part, leaf)
    hidden: Any = HIDDEN if isinstance(current, str) else None
    return report.model_copy(update={head: part.model_copy(update={leaf: hidden})})
