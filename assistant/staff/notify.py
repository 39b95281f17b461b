"""Telling reporters that their report moved, through the channel they came from.

The address comes from the report's chat session id (`telegram:123` -> Telegram user 123); a
report filed on the web or through the API is told by e-mail when it left an address. The text
names the report and its new status in the reporter's language, with their private link, and
carries no internal note. A channel's failure is returned, never raised.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.notify import Address, Delivery, registry
from assistant.reports.notices import report_link
from assistant.reports.store import ReportStore, StoredReport

STATUS_TEXT: dict[str, tuple[str, str]] = {
    "submitted": ("待筛查", "awaiting screening"),
    "accepted": ("已受理，作为贸易壁垒处理", "accepted as a trade barrier"),
    "rejected": ("未受理", "not taken forward"),
    "archived": ("已归档", "archived"),
}
STAGE_TEXT: dict[str, tuple[str, str]] = {
    "open": ("待处理", "open"),
    "in_progress": ("处理中", "in progress"),
    "resolved_part": ("部分解决", "resolved in part"),
    "resolved_full": ("完全解决", "resolved in full"),
    "dormant": ("暂停跟进", "dormant"),
}
ARCHIVE_TEXT: dict[str, tuple[str, str]] = {
    "duplicate": ("与其他报告重复，已合并处理", "a duplicate of another report, handled together with it"),
    "not_a_barrier": ("经筛查不属于技术性贸易壁垒", "after screening, not a technical barrier to trade"),
    "other": ("其他原因", "other reasons"),
}


@dataclass(frozen=True)
class NotifyResult:
    address: Address | None
    delivery: Delivery


def address_for(stored: StoredReport) -> Address | None:
    found = Address.from_session_id(stored.session_id)
    if found is not None:
        return found
    if stored.report.reporter.email:
        return Address("email", stored.report.reporter.email)
    return None


def status_message(stored: StoredReport, link: str) -> tuple[str, str]:
    """(subject, text) in the report's language."""
    zh = stored.report.language == "zh"
    i = 0 if zh else 1
    what = STATUS_TEXT.get(stored.status, (stored.status, stored.status))[i]
    if stored.status == "accepted" and stored.stage:
        what += ("：" if zh else ": ") + STAGE_TEXT.get(stored.stage, (stored.stage, stored.stage))[i]
    if stored.status == "archived" and stored.archive_reason:
        what += ("（" if zh else " (") + ARCHIVE_TEXT[stored.archive_reason][i] + ("）" if zh else ")")
    if zh:
        return (f"报告 {stored.number} 状态更新",
                f"您的贸易壁垒报告 {stored.number} 状态已更新为：{what}。\n查看详情：{link}")
    return (f"Report {stored.number}: status update",
            f"Your barrier report {stored.number} is now: {what}.\nDetails: {link}")


def notify_status(store: ReportStore, stored: StoredReport, base_url: str | None = None) -> NotifyResult:
    address = address_for(stored)
    if address is None:
        return NotifyResult(None, Delivery(False, "no address for this reporter", retryable=False))
    subject, text = status_message(stored, report_link(stored.number, store.access_token(stored.number),
                                                       base_url))
    return NotifyResult(address, registry.send(address, text, subject=subject))
