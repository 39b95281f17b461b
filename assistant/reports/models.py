"""Tables of the report store: drafts, submitted reports with their field and status history,
idempotency keys and the per-year counter behind report numbers (BR-2026-000123).

Report states follow the UK Digital Market Access Service: an unfinished draft lives in `drafts`;
a submitted report starts `submitted` (awaiting screening) and staff move it to `accepted`,
`rejected` or `archived` (duplicate, not a barrier), each move recorded in `report_status_history`.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import Base, utcnow


class ReportStatus(StrEnum):
    draft = "draft"  # unfinished (kept in `drafts`)
    submitted = "submitted"  # awaiting screening
    accepted = "accepted"
    rejected = "rejected"
    archived = "archived"


class Stage(StrEnum):
    """Where an accepted barrier stands (UK DMAS): open means pending action by `pending_by`."""

    open = "open"
    in_progress = "in_progress"
    resolved_part = "resolved_part"
    resolved_full = "resolved_full"
    dormant = "dormant"


class ArchiveReason(StrEnum):
    duplicate = "duplicate"
    not_a_barrier = "not_a_barrier"
    other = "other"


class DraftStatus(StrEnum):
    open = "open"
    submitted = "submitted"
    cancelled = "cancelled"


ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    ReportStatus.submitted: {ReportStatus.accepted, ReportStatus.rejected, ReportStatus.archived},
    ReportStatus.accepted: {ReportStatus.archived},
    ReportStatus.rejected: {ReportStatus.submitted, ReportStatus.archived},
    ReportStatus.archived: {ReportStatus.submitted},
}


class DraftRow(Base):
    __tablename__ = "drafts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[str | None] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(16), default=DraftStatus.open)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    language: Mapped[str] = mapped_column(String(8), default="zh")
    channel: Mapped[str] = mapped_column(String(40), default="web")
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ReportRow(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=ReportStatus.submitted, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    language: Mapped[str] = mapped_column(String(8), default="zh")
    channel: Mapped[str] = mapped_column(String(40), default="web")
    market: Mapped[str | None] = mapped_column(String(8), index=True)
    hs: Mapped[str | None] = mapped_column(String(10))
    draft_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # staff console (migration 0003): optimistic lock, queue columns, lifecycle, merge, priority
    version: Mapped[int] = mapped_column(Integer, default=1)
    session_id: Mapped[str | None] = mapped_column(String(128))
    hs_chapter: Mapped[str | None] = mapped_column(String(2), index=True)
    ntm_code: Mapped[str | None] = mapped_column(String(8), index=True)
    assigned_to: Mapped[str | None] = mapped_column(String(100), index=True)
    stage: Mapped[str | None] = mapped_column(String(20))
    pending_by: Mapped[str | None] = mapped_column(String(200))
    archive_reason: Mapped[str | None] = mapped_column(String(20))
    barrier_id: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL"), index=True)
    priority: Mapped[float] = mapped_column(Float, default=0.0, index=True)
    priority_reasons: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    links: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    comments_text: Mapped[str | None] = mapped_column(Text)
    search_text: Mapped[str | None] = mapped_column(Text)
    screened_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    enriched_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    __mapper_args__ = {"version_id_col": version}


class FieldHistoryRow(Base):
    __tablename__ = "report_field_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    actor: Mapped[str] = mapped_column(String(100), default="reporter")
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class StatusHistoryRow(Base):
    __tablename__ = "report_status_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(100), default="reporter")
    note: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class IdempotencyKeyRow(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_scope_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(32), default="report_submit")
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AppSecretRow(Base):
    """Secrets made once per database (the key behind reporters' access tokens)."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class ReportCommentRow(Base):
    """An internal staff comment on a report (never shown to reporters)."""

    __tablename__ = "report_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ReportCounterRow(Base):
    __tablename__ = "report_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0)
