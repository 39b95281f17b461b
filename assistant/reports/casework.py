"""What staff do to filed reports: screen and move them through the lifecycle, assign, comment,
merge duplicates into one barrier, keep linked records, the priority score and the 评论意见.

Lifecycle (UK Digital Market Access Service): a report is `submitted` (awaiting screening), then
`accepted`, `rejected` or `archived` (with a reason: duplicate, not a barrier, other). An
accepted barrier has a `stage`: open (pending action by `pending_by`), in progress, resolved in
part, resolved in full, dormant. Every change goes through `ReportStore.writing`, so it is
recorded in the history and refused with StaleVersion when someone saved in between.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db import utcnow
from assistant.reports import priority as prio
from assistant.reports.models import (
    ALLOWED_TRANSITIONS,
    ArchiveReason,
    FieldHistoryRow,
    ReportCommentRow,
    ReportRow,
    ReportStatus,
    Stage,
    StatusHistoryRow,
)
from assistant.reports.schema import BarrierReport
from assistant.reports.store import InvalidTransition, ReportStore, StoredReport
from assistant.reports.validate import Msg

STAGES = tuple(s.value for s in Stage)
ARCHIVE_REASONS = tuple(r.value for r in ArchiveReason)


@dataclass(frozen=True)
class Comment:
    author: str
    body: str
    at: dt.datetime


class Casework:
    def __init__(self, store: ReportStore, trade_file: str | None = None) -> None:
        self.store = store
        self.engine = store.engine
        self.trade_file = trade_file

    # --- lifecycle ------------------------------------------------------------------------

    def move(self, number: str, actor: str, *, status: str | None = None, stage: str | None = None,
             pending_by: str | None = None, archive_reason: str | None = None, note: str | None = None,
             expected_version: int | None = None) -> StoredReport:
        """Change status and/or stage; raises InvalidTransition (bilingual) for a move not allowed."""
        if stage is not None and stage not in STAGES:
            raise InvalidTransition(str(Msg(f"未知阶段 {stage}", f"Unknown stage {stage}")))
        if archive_reason is not None and archive_reason not in ARCHIVE_REASONS:
            raise InvalidTransition(str(Msg(f"未知归档原因 {archive_reason}", f"Unknown archive reason {archive_reason}")))
        with self.store.writing(number, expected_version) as (db, row):
            now = utcnow()
            target = status or row.status
            if status and status != row.status:
                if status not in ALLOWED_TRANSITIONS.get(row.status, set()):
                    raise InvalidTransition(str(Msg(f"不能从“{row.status}”改为“{status}”",
                                                    f"A report cannot go from {row.status} to {status}")))
                db.add(StatusHistoryRow(report_id=row.id, from_status=row.status, to_status=status,
                                        actor=actor, note=(note or None), changed_at=now))
                row.status = status
                if row.screened_at is None and status != ReportStatus.submitted:
                    row.screened_at = now
                if status == ReportStatus.accepted and row.stage is None and stage is None:
                    stage = Stage.open
            if stage is not None and target != ReportStatus.accepted:
                raise InvalidTransition(str(Msg("只有已接受的壁垒才有处理阶段",
                                                "Only an accepted barrier has a stage")))
            changes: dict[str, Any] = {}
            if stage is not None and stage != row.stage:
                changes["stage"] = (row.stage, stage)
                row.stage = stage
            if pending_by is not None and (pending_by.strip() or None) != row.pending_by:
                changes["pending_by"] = (row.pending_by, pending_by.strip()[:200] or None)
                row.pending_by = pending_by.strip()[:200] or None
            if target == ReportStatus.archived and archive_reason and archive_reason != row.archive_reason:
                changes["archive_reason"] = (row.archive_reason, archive_reason)
                row.archive_reason = archive_reason
            for name, (old, new) in changes.items():
                db.add(FieldHistoryRow(report_id=row.id, field=name, old_value=old, new_value=new,
                                       actor=actor, changed_at=now))
            if status or changes:
                row.updated_at = now
            db.flush()
            return self.store._stored(row)

    def assign(self, number: str, assignee: str | None, actor: str,
               expected_version: int | None = None) -> StoredReport:
        with self.store.writing(number, expected_version) as (db, row):
            new = (assignee or "").strip()[:100] or None
            if new != row.assigned_to:
                db.add(FieldHistoryRow(report_id=row.id, field="assigned_to", old_value=row.assigned_to,
                                       new_value=new, actor=actor, changed_at=utcnow()))
                row.assigned_to, row.updated_at = new, utcnow()
            db.flush()
            return self.store._stored(row)

    # --- internal comments ------------------------------------------------------------------

    def comment(self, number: str, author: str, body: str) -> Comment:
        body = (body or "").strip()
        if not body:
            raise ValueError(str(Msg("评论不能为空", "A comment cannot be empty")))
        if len(body) > 10_000:
            raise ValueError(str(Msg("评论过长（最多 10000 字）", "The comment is too long (10,000 characters at most)")))
        with Session(self.engine) as db, db.begin():
            row = self.store._row(db, number)
            now = utcnow()
            db.add(ReportCommentRow(report_id=row.id, author=author[:100], body=body, created_at=now))
        return Comment(author, body, now)

    def comments(self, number: str) -> list[Comment]:
        with Session(self.engine) as db:
            row = self.store._row(db, number)
            rows = db.scalars(select(ReportCommentRow).where(ReportCommentRow.report_id == row.id)
                              .order_by(ReportCommentRow.id))
            return [Comment(c.author, c.body, c.created_at) for c in rows]

    # --- merging duplicates -----------------------------------------------------------------

    def merge(self, into: str, numbers: list[str], actor: str) -> StoredReport:
        """Merge `numbers` into the barrier `into`: each is archived as a duplicate pointing at it,
        keeping its reporter and impact, which the barrier then counts and sums."""
        target = self.store.get(into)
        if target is None:
            from assistant.reports.store import ReportNotFound

            raise ReportNotFound(into)
        if target.barrier_id is not None:
            raise InvalidTransition(str(Msg(f"{target.number} 本身已并入其他壁垒",
                                            f"{target.number} is itself merged into another barrier")))
        for number in dict.fromkeys(n.strip().upper() for n in numbers if n.strip()):
            if number == target.number:
                continue
            with self.store.writing(number) as (db, row):
                now = utcnow()
                # reports already merged into this one move along with it
                for child in db.scalars(select(ReportRow).where(ReportRow.barrier_id == row.id)):
                    child.barrier_id = target.id
                old_status = row.status
                if old_status != ReportStatus.archived:
                    db.add(StatusHistoryRow(report_id=row.id, from_status=old_status,
                                            to_status=ReportStatus.archived, actor=actor,
                                            note=f"merged into {target.number}", changed_at=now))
                db.add(FieldHistoryRow(report_id=row.id, field="barrier", old_value=None,
                                       new_value=target.number, actor=actor, changed_at=now))
                row.status, row.archive_reason, row.barrier_id = (ReportStatus.archived,
                                                                  ArchiveReason.duplicate, target.id)
                row.screened_at = row.screened_at or now
                row.updated_at = now
            with self.store.writing(target.number) as (db, trow):
                db.add(FieldHistoryRow(report_id=trow.id, field="merged", old_value=None, new_value=number,
                                       actor=actor, changed_at=utcnow()))
                trow.updated_at = utcnow()
        self.refresh_priority(target.number)
        merged = self.store.get(target.number)
        assert merged is not None
        return merged

    def members(self, number: str) -> list[StoredReport]:
        """The reports merged into this barrier (not the barrier itself), oldest first."""
        with Session(self.engine) as db:
            row = self.store._row(db, number)
            rows = db.scalars(select(ReportRow).where(ReportRow.barrier_id == row.id).order_by(ReportRow.id))
            return [self.store._stored(r) for r in rows]

    def barrier_reports(self, number: str) -> list[BarrierReport]:
        stored = self.store.get(number)
        if stored is None:
            return []
        return [stored.report] + [m.report for m in self.members(number)]

    # --- linked records, priority, comments text ---------------------------------------------

    def set_links(self, number: str, links: list[dict[str, Any]]) -> None:
        with self.store.writing(number) as (_db, row):
            row.links = links
            row.enriched_at = utcnow()
        self.refresh_priority(number)

    def refresh_priority(self, number: str) -> StoredReport:
        stored = self.store.get(number)
        if stored is None:
            from assistant.reports.store import ReportNotFound

            raise ReportNotFound(number)
        result = prio.score(self.barrier_reports(number), stored.links, self.store.today(), self.trade_file)
        if result.score == stored.priority and [r.as_dict() for r in result.reasons] == stored.priority_reasons:
            return stored
        with Session(self.engine) as db, db.begin():
            row = self.store._row(db, number)
            row.priority = result.score
            row.priority_reasons = [r.as_dict() for r in result.reasons]
        return self.store.get(number) or stored

    def set_comments_text(self, number: str, text: str | None, actor: str,
                          expected_version: int | None = None) -> StoredReport:
        """The form's 评论意见 box (from an approved comment draft, or typed by staff)."""
        with self.store.writing(number, expected_version) as (db, row):
            new = (text or "").strip()[:20_000] or None
            if new != row.comments_text:
                db.add(FieldHistoryRow(report_id=row.id, field="comments", old_value=row.comments_text,
                                       new_value=new, actor=actor, changed_at=utcnow()))
                row.comments_text, row.updated_at = new, utcnow()
            db.flush()
            return self.store._stored(row)
