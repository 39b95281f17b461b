"""The staff console's operations in one place, shared by the JSON API and the web pages:
reading a case file, editing, moving, merging, exporting and notifying."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from assistant.config import Settings
from assistant.reports.casework import Casework, Comment
from assistant.reports.priority import usd
from assistant.reports.render.national_form import FormExtras, form_rows
from assistant.reports.schema import BarrierReport
from assistant.reports.store import (
    ExportFile,
    History,
    ReportNotFound,
    ReportStore,
    StoredReport,
    export_report,
)
from assistant.staff import audit
from assistant.staff.casefile import Similar, enrich, similar
from assistant.staff.notify import NotifyResult, notify_status


@dataclass
class CaseFile:
    stored: StoredReport
    history: History
    comments: list[Comment]
    members: list[StoredReport]
    similar: list[Similar]
    barrier: StoredReport | None  # the barrier this report was merged into
    form: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        s = self.stored
        return {
            **s.as_dict(), "version": s.version, "assigned_to": s.assigned_to, "pending_by": s.pending_by,
            "archive_reason": s.archive_reason, "priority": s.priority, "priority_reasons": s.priority_reasons,
            "channel": s.report.channel, "links": s.links or [], "comments_text": s.comments_text,
            "history": {"fields": self.history.fields, "statuses": self.history.statuses},
            "comments": [{"author": c.author, "body": c.body, "at": c.at.isoformat() + "Z"} for c in self.comments],
            "members": [{"number": m.number, "organisation": m.report.reporter.organisation,
                         "status": m.status} for m in self.members],
            "similar": [s.__dict__ for s in self.similar],
            "merged_into": self.barrier.number if self.barrier else None,
            "form": self.form,
        }


class StaffService:
    def __init__(self, settings: Settings, store: ReportStore) -> None:
        self.settings = settings
        self.store = store
        self.casework = Casework(store, settings.trade_volume_file)

    def case(self, number: str, enrich_links: bool = True) -> CaseFile:
        if enrich_links:
            enrich(self.settings, self.casework, number)
        stored = self.store.get(number)
        if stored is None:
            raise ReportNotFound(number)
        barrier = None
        if stored.barrier_id is not None:
            barrier = next((r for r in self._by_id([stored.barrier_id])), None)
        combined, extras = self.barrier_form(stored)
        rows = [{"key": r.key, "label_zh": r.label_zh, "label_en": r.label_en, "value": r.value}
                for r in form_rows(combined, extras)]
        return CaseFile(stored, self.store.history(number), self.casework.comments(number),
                        self.casework.members(number), similar(self.store.engine, stored), barrier, rows)

    def _by_id(self, ids: list[int]) -> list[StoredReport]:
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from assistant.reports.models import ReportRow

        with Session(self.store.engine) as db:
            return [self.store._stored(r) for r in db.scalars(select(ReportRow).where(ReportRow.id.in_(ids)))]

    def barrier_form(self, stored: StoredReport) -> tuple[BarrierReport, FormExtras]:
        """The report as the national form shows it: for a barrier with merged reports, impacts
        summed (in the barrier's currency, or USD when currencies differ) and reporters listed."""
        members = self.casework.members(stored.number)
        report = stored.report
        co = tuple(dict.fromkeys(
            f"{m.report.reporter.organisation or m.report.reporter.name or '-'}（{m.number}）" for m in members))
        if members:
            reports = [report] + [m.report for m in members]
            currencies = {r.impact.currency or "USD" for r in reports
                          if r.impact.lost_sales is not None or r.impact.extra_cost is not None}
            cur = next(iter(currencies)) if len(currencies) == 1 else "USD"

            def total(attr: str) -> float | None:
                values = [(getattr(r.impact, attr), r.impact.currency) for r in reports
                          if getattr(r.impact, attr) is not None]
                if not values:
                    return None
                if len(currencies) <= 1:
                    return float(sum(v for v, _ in values))
                return round(sum(usd(v, c) for v, c in values), 2)

            shipments = [r.impact.shipments_affected for r in reports if r.impact.shipments_affected is not None]
            impact = report.impact.model_copy(update={
                "lost_sales": total("lost_sales"), "extra_cost": total("extra_cost"), "currency": cur,
                "shipments_affected": sum(shipments) if shipments else None,
                "smes_affected": any(r.impact.smes_affected for r in reports) or report.impact.smes_affected,
            })
            report = report.model_copy(update={"impact": impact})
        return report, FormExtras(comments=stored.comments_text, co_reporters=co)

    def export(self, number: str, fmt: str, actor: str) -> ExportFile:
        stored = self.store.get(number)
        if stored is None:
            raise ReportNotFound(number)
        report, extras = self.barrier_form(stored)
        out = export_report(StoredReport(**{**stored.__dict__, "report": report}), fmt, extras)
        audit.record(self.store.engine, actor, "report.export", number, {"format": fmt})
        return out

    def notify(self, stored: StoredReport, actor: str) -> NotifyResult:
        result = notify_status(self.store, stored, self.settings.public_url)
        audit.record(self.store.engine, actor, "report.notify", stored.number, {
            "channel": result.address.channel if result.address else None,
            "ok": result.delivery.ok, "error": result.delivery.error})
        return result

    def notify_all(self, stored: StoredReport, actor: str) -> list[NotifyResult]:
        """The report's reporter and, for a barrier, every reporter merged into it."""
        out = [self.notify(stored, actor)]
        for member in self.casework.members(stored.number):
            view = StoredReport(**{**member.__dict__, "status": stored.status, "stage": stored.stage,
                                   "archive_reason": stored.archive_reason})
            out.append(self.notify(view, actor))
        return out


def today(settings: Settings) -> dt.date:
    return dt.date.fromisoformat(settings.today) if settings.today else dt.datetime.now(dt.UTC).date()
