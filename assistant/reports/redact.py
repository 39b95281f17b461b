"""A report as shown to anyone who is not staff: contact details and personal data masked,
confidential fields hidden.

Reporters type phone numbers, e-mail addresses and ID numbers into free text ("call me on
13812345678"), so every free-text field is scanned too, not only the contact fields. The
reporter's own view (through their token link) and every non-staff export use this as well.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.reports.schema import Attachment, BarrierReport

HIDDEN = "【保密 confidential】"

_EMAIL_RE = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx](?![0-9A-Za-z])")
_PASSPORT_RE = re.compile(r"(?<![0-9A-Za-z])[EG]\d{8}(?![0-9A-Za-z])")
_PHONE_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"(?:\+|00)\d{1,3}[\s\-]?(?:\(?\d{1,4}\)?[\s\-]?)?\d{3,4}[\s\-]?\d{3,4}"  # international
    r"|1[3-9]\d[\s\-]?\d{4}[\s\-]?\d{4}"  # Chinese mobile
    r"|\(?0\d{2,3}\)?[\s\-]?\d{7,8}"  # Chinese landline with area code
    r")(?:\s*(?:ext\.?|转|x)\s*\d{1,6})?(?![0-9])",
    re.I,
)


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


def mask_text(text: str | None, names: tuple[str, ...] = ()) -> str | None:
    """`text` with e-mail addresses, ID and passport numbers, phone numbers and the given
    personal names masked; everything else (amounts, dates, HS codes, symbols) is kept."""
    if not text:
        return text
    out = _EMAIL_RE.sub(lambda m: mask_email(m.group(0)) or "***", text)
    out = _ID_RE.sub(lambda m: m.group(0)[:3] + "*" * 11 + m.group(0)[-4:-3] + "***", out)
    out = _PASSPORT_RE.sub(lambda m: m.group(0)[0] + "********", out)
    out = _PHONE_RE.sub(lambda m: mask_phone(m.group(0)) or "***", out)
    for name in names:
        if name and len(name) >= 2:
            out = out.replace(name, mask_name(name) or "***")
    return out


def redact(report: BarrierReport) -> BarrierReport:
    """A copy for non-staff eyes (not re-validated: masked values are not valid phone numbers)."""
    names = tuple(n for n in (report.reporter.name,) if n)

    def m(value: str | None) -> str | None:
        return mask_text(value, names)

    reporter = report.reporter.model_copy(update={
        "name": mask_name(report.reporter.name),
        "phone": mask_phone(report.reporter.phone),
        "email": mask_email(report.reporter.email),
        "organisation": m(report.reporter.organisation),
    })
    attachments = [
        Attachment.model_construct(**{**a.model_dump(), "name": m(a.name) or "-", "url": m(a.url),
                                      "note": m(a.note)})
        for a in report.attachments
    ]
    out = report.model_copy(update={
        "reporter": reporter,
        "product": report.product.model_copy(update={"description": m(report.product.description)}),
        "measure": report.measure.model_copy(update={
            "title": m(report.measure.title), "issuing_body": m(report.measure.issuing_body)}),
        "incident": report.incident.model_copy(update={"description": m(report.incident.description)}),
        "actions_taken": m(report.actions_taken),
        "attachments": attachments,
    })
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
