"""ReportStore: drafts, idempotent submission with BR-YYYY-NNNNNN numbers, reading and export.

Submitting twice (a retried request, a double-click, a resent "确认") with the same idempotency
key or the same draft gives one report and the same number: the unique constraints on
`idempotency_keys(scope, key)` and `reports.draft_id` decide races, and the loser reads back the
winner's report. Numbers come from a per-year counter updated in the same transaction, so they
have no gaps and no duplicates on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import base64
import builtins
import datetime as dt
import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from assistant.config import Settings
from assistant.db import init_db, utcnow
from assistant.reports import priority
from assistant.reports.derived import queue_columns
from assistant.reports.models import (
    ALLOWED_TRANSITIONS,
    AppSecretRow,
    DraftRow,
    DraftStatus,
    FieldHistoryRow,
    IdempotencyKeyRow,
    ReportCounterRow,
    ReportRow,
    ReportStatus,
    StatusHistoryRow,
)
from assistant.reports.schema import (
    Attachment,
    BarrierReport,
    completeness_errors,
    get_path,
    set_path,
)
from assistant.reports.validate import FieldError, Msg

SUBMIT_SCOPE = "report_submit"


class ReportIncomplete(ValueError):
    """Submission refused: required fields are missing (errors say which, in both languages)."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(str(e.message) for e in errors))
        self.errors = errors


class IdempotencyConflict(ValueError):
    """The idempotency key was already used for a different report."""


class ReportNotFound(KeyError):
    pass


class InvalidTransition(ValueError):
    pass


class StaleVersion(ValueError):
    """Someone saved the report since the caller read it: nothing was written (optimistic lock)."""

    def __init__(self, current: StoredReport) -> None:
        super().__init__(str(Msg(
            f"报告 {current.number} 已被他人修改（当前版本 {current.version}），您的修改未保存。",
            f"Report {current.number} was changed by someone else (now version {current.version}); "
            "your changes were not saved.")))
        self.current = current


@dataclass
class StoredReport:
    number: str
    status: str
    report: BarrierReport
    created_at: dt.datetime
    updated_at: dt.datetime
    id: int = 0
    version: int = 1
    session_id: str | None = None
    assigned_to: str | None = None
    stage: str | None = None
    pending_by: str | None = None
    archive_reason: str | None = None
    barrier_id: int | None = None
    priority: float = 0.0
    priority_reasons: builtins.list[dict[str, Any]] = field(default_factory=builtins.list)
    links: builtins.list[dict[str, Any]] | None = None
    comments_text: str | None = None
    screened_at: dt.datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "status": self.status,
            "stage": self.stage,
            "created_at": self.created_at.isoformat() + "Z",
            "updated_at": self.updated_at.isoformat() + "Z",
            "report": self.report.model_dump(mode="json"),
        }


@dataclass
class SubmitResult:
    number: str
    created: bool
    stored: StoredReport
    token: str = ""  # the reporter's access token: their only way to read the report back


@dataclass
class Draft:
    id: str
    session_id: str | None
    status: str
    report: BarrierReport
    state: dict[str, Any] | None
    report_number: str | None = None
    updated_at: dt.datetime | None = None


@dataclass
class History:
    fields: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[dict[str, Any]] = field(default_factory=list)


def report_hash(report: BarrierReport) -> str:
    payload = json.dumps(report.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def normalise_number(number: str) -> str:
    return number.strip().upper()


class ReportStore:
    """Reports and drafts in the database behind `engine`."""

    def __init__(self, engine: Engine, today: Callable[[], dt.date] | None = None) -> None:
        self.engine = engine
        self._today = today or (lambda: dt.datetime.now(dt.UTC).date())
        self._token_key: bytes | None = None

    def today(self) -> dt.date:
        return self._today()

    @classmethod
    def from_settings(cls, settings: Settings) -> ReportStore:
        today = dt.date.fromisoformat(settings.today) if settings.today else None
        return cls(init_db(settings), today=(lambda: today) if today else None)

    # --- drafts ---------------------------------------------------------------------------

    def save_draft(
        self,
        report: BarrierReport,
        draft_id: str | None = None,
        session_id: str | None = None,
        state: dict[str, Any] | None = None,
    ) -> str:
        """Create or update a draft; returns its id. A submitted or cancelled draft is left as is."""
        draft_id = draft_id or uuid.uuid4().hex
        data = report.model_dump(mode="json")
        with Session(self.engine) as db, db.begin():
            row = db.get(DraftRow, draft_id)
            if row is None:
                db.add(DraftRow(id=draft_id, session_id=session_id, status=DraftStatus.open, data=data,
                                state=state, language=report.language, channel=report.channel))
            elif row.status == DraftStatus.open:
                row.data, row.state = data, state
                row.language, row.channel = report.language, report.channel
                if session_id:
                    row.session_id = session_id
                row.updated_at = utcnow()
        return draft_id

    def get_draft(self, draft_id: str) -> Draft | None:
        with Session(self.engine) as db:
            row = db.get(DraftRow, draft_id)
            return self._draft(db, row) if row else None

    def open_draft_for_session(self, session_id: str) -> Draft | None:
        """The newest unfinished draft of a chat session (to resume a conversation)."""
        with Session(self.engine) as db:
            row = db.scalars(
                select(DraftRow)
                .where(DraftRow.session_id == session_id, DraftRow.status == DraftStatus.open)
                .order_by(DraftRow.updated_at.desc())
                .limit(1)
            ).first()
            return self._draft(db, row) if row else None

    def cancel_draft(self, draft_id: str) -> None:
        with Session(self.engine) as db, db.begin():
            row = db.get(DraftRow, draft_id)
            if row is not None and row.status == DraftStatus.open:
                row.status = DraftStatus.cancelled
                row.updated_at = utcnow()

    def _draft(self, db: Session, row: DraftRow) -> Draft:
        number = None
        if row.report_id is not None:
            rep = db.get(ReportRow, row.report_id)
            number = rep.number if rep else None
        return Draft(row.id, row.session_id, row.status, BarrierReport.model_validate(row.data),
                     row.state, number, row.updated_at)

    # --- submission -----------------------------------------------------------------------

    def submit(
        self,
        report: BarrierReport | None = None,
        *,
        draft_id: str | None = None,
        idempotency_key: str | None = None,
        actor: str = "reporter",
    ) -> SubmitResult:
        """Store a complete report and give it a number, exactly once per key or draft."""
        if report is None:
            if draft_id is None:
                raise ValueError("submit needs a report or a draft_id")
            draft = self.get_draft(draft_id)
            if draft is None:
                raise ReportNotFound(draft_id)
            report = draft.report
        errors = completeness_errors(report)
        if errors:
            raise ReportIncomplete(errors)
        digest = report_hash(report)
        key = idempotency_key.strip()[:200] if idempotency_key else None
        if key is None and draft_id:
            key = f"draft:{draft_id}"

        existing = self._existing(key, draft_id, digest, explicit=idempotency_key is not None)
        if existing:
            return SubmitResult(existing.number, False, existing, self.access_token(existing.number))
        try:
            with Session(self.engine) as db, db.begin():
                today = self._today()
                number = self._next_number(db, today.year)
                now = utcnow()
                session_id = None
                if draft_id:
                    d0 = db.get(DraftRow, draft_id)
                    session_id = d0.session_id if d0 is not None else None
                row = ReportRow(number=number, status=ReportStatus.submitted,
                                data=report.model_dump(mode="json"), channel=report.channel,
                                draft_id=draft_id, created_at=now, updated_at=now,
                                session_id=session_id, **queue_columns(number, report))
                first = priority.score([report], None, today)
                row.priority = first.score
                row.priority_reasons = [r.as_dict() for r in first.reasons]
                db.add(row)
                db.flush()
                db.add(StatusHistoryRow(report_id=row.id, from_status=ReportStatus.draft,
                                        to_status=ReportStatus.submitted, actor=actor, changed_at=now))
                if key:
                    db.add(IdempotencyKeyRow(scope=SUBMIT_SCOPE, key=key, request_hash=digest,
                                             report_id=row.id, created_at=now))
                if draft_id:
                    d = db.get(DraftRow, draft_id)
                    if d is not None:
                        d.status, d.report_id, d.updated_at = DraftStatus.submitted, row.id, now
                db.flush()
                stored = self._stored(row)
            return SubmitResult(number, True, stored, self.access_token(number))
        except IntegrityError:
            existing = self._existing(key, draft_id, digest, explicit=idempotency_key is not None)
            if existing is None:
                raise
            return SubmitResult(existing.number, False, existing, self.access_token(existing.number))

    def _existing(self, key: str | None, draft_id: str | None, digest: str, explicit: bool) -> StoredReport | None:
        with Session(self.engine) as db:
            if key:
                idem = db.scalars(select(IdempotencyKeyRow).where(
                    IdempotencyKeyRow.scope == SUBMIT_SCOPE, IdempotencyKeyRow.key == key)).first()
                if idem is not None:
                    if explicit and idem.request_hash != digest:
                        raise IdempotencyConflict(str(Msg(
                            "该幂等键已用于另一份不同的报告。",
                            "This Idempotency-Key was already used for a different report.")))
                    row = db.get(ReportRow, idem.report_id)
                    return self._stored(row) if row else None
            if draft_id:
                row = db.scalars(select(ReportRow).where(ReportRow.draft_id == draft_id)).first()
                if row is not None:
                    return self._stored(row)
        return None

    @staticmethod
    def _next_number(db: Session, year: int) -> str:
        stmt = (update(ReportCounterRow).where(ReportCounterRow.year == year)
                .values(last_value=ReportCounterRow.last_value + 1)
                .returning(ReportCounterRow.last_value))
        value = db.execute(stmt).scalar()
        if value is None:
            try:
                with db.begin_nested():
                    db.add(ReportCounterRow(year=year, last_value=1))
                value = 1
            except IntegrityError:  # another transaction created this year's counter first
                value = db.execute(stmt).scalar_one()
        return f"BR-{year}-{value:06d}"

    # --- reporter access tokens -------------------------------------------------------------

    def _key(self) -> bytes:
        """The per-database secret behind access tokens, made on first use (race-safe)."""
        if self._token_key is None:
            name = "report_token_key"
            with Session(self.engine) as db:
                row = db.get(AppSecretRow, name)
                value = row.value if row is not None else None
            if value is None:
                try:
                    with Session(self.engine) as db, db.begin():
                        db.add(AppSecretRow(name=name, value=secrets.token_hex(32)))
                except IntegrityError:
                    pass  # another process made it first: read theirs
                with Session(self.engine) as db:
                    value = db.get(AppSecretRow, name).value  # type: ignore[union-attr]
            self._token_key = bytes.fromhex(value)
        return self._token_key

    def access_token(self, number: str) -> str:
        """The unguessable token for one report (HMAC of its number: a replayed submission gets it
        again, and a number alone reveals nothing)."""
        mac = hmac.new(self._key(), normalise_number(number).encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:18]).decode()

    def check_token(self, number: str, token: str | None) -> bool:
        if not token or len(token) > 100:
            return False
        return hmac.compare_digest(self.access_token(number), token.strip())

    # --- reading --------------------------------------------------------------------------

    def get(self, number: str) -> StoredReport | None:
        with Session(self.engine) as db:
            row = db.scalars(select(ReportRow).where(ReportRow.number == normalise_number(number))).first()
            return self._stored(row) if row else None

    def list(self, status: str | None = None, limit: int = 50, offset: int = 0) -> builtins.list[StoredReport]:
        with Session(self.engine) as db:
            q = select(ReportRow).order_by(ReportRow.id.desc()).limit(max(1, min(limit, 500))).offset(max(0, offset))
            if status:
                q = q.where(ReportRow.status == status)
            return [self._stored(r) for r in db.scalars(q)]

    def history(self, number: str) -> History:
        with Session(self.engine) as db:
            row = self._row(db, number)
            fields = db.scalars(select(FieldHistoryRow).where(FieldHistoryRow.report_id == row.id)
                                .order_by(FieldHistoryRow.id)).all()
            statuses = db.scalars(select(StatusHistoryRow).where(StatusHistoryRow.report_id == row.id)
                                  .order_by(StatusHistoryRow.id)).all()
            return History(
                [{"field": f.field, "old": f.old_value, "new": f.new_value, "actor": f.actor,
                  "at": f.changed_at.isoformat() + "Z"} for f in fields],
                [{"from": s.from_status, "to": s.to_status, "actor": s.actor, "note": s.note,
                  "at": s.changed_at.isoformat() + "Z"} for s in statuses],
            )

    # --- changes after submission -----------------------------------------------------------

    def update_fields(self, number: str, changes: dict[str, Any], actor: str = "reporter",
                      expected_version: int | None = None) -> StoredReport:
        """Change fields of a submitted report, recording each change in the field history.
        Raises ValueError (bilingual) when a value is invalid and StaleVersion when the report
        changed since `expected_version` was read; nothing is stored then."""
        with self.writing(number, expected_version) as (db, row):
            report = BarrierReport.model_validate(row.data)
            now = utcnow()
            for path, value in changes.items():
                old = get_path(report, path)
                report = set_path(report, path, value)
                new = get_path(report, path)
                if old != new:
                    db.add(FieldHistoryRow(report_id=row.id, field=path, old_value=_jsonable(old),
                                           new_value=_jsonable(new), actor=actor, changed_at=now))
            row.data = report.model_dump(mode="json")
            for name, value in queue_columns(row.number, report).items():
                setattr(row, name, value)
            row.updated_at = now
            db.flush()
            return self._stored(row)

    def add_attachments(self, number: str, attachments: builtins.list[Attachment], actor: str = "reporter"
                        ) -> StoredReport:
        current = self.get(number)
        if current is None:
            raise ReportNotFound(number)
        merged = [a.model_dump() for a in current.report.attachments]
        merged += [a.model_dump() for a in attachments if a.model_dump() not in merged]
        return self.update_fields(number, {"attachments": merged}, actor)

    def set_status(self, number: str, status: str, actor: str = "staff", note: str | None = None,
                   expected_version: int | None = None) -> StoredReport:
        with self.writing(number, expected_version) as (db, row):
            if status not in ALLOWED_TRANSITIONS.get(row.status, set()):
                raise InvalidTransition(f"{row.status} -> {status} is not allowed")
            now = utcnow()
            db.add(StatusHistoryRow(report_id=row.id, from_status=row.status, to_status=status,
                                    actor=actor, note=note, changed_at=now))
            row.status, row.updated_at = status, now
            if row.screened_at is None and row.status != ReportStatus.submitted:
                row.screened_at = now
            db.flush()
            return self._stored(row)

    @contextmanager
    def writing(self, number: str, expected_version: int | None = None) -> Iterator[tuple[Session, ReportRow]]:
        """One write transaction on one report under its optimistic lock: the version is checked
        against `expected_version` and bumped by the ORM (`version_id_col`), so a concurrent
        writer that read the same version fails at flush instead of overwriting."""
        try:
            with Session(self.engine) as db, db.begin():
                row = self._row(db, number)
                if expected_version is not None and row.version != expected_version:
                    raise _Stale()
                yield db, row
                db.flush()
        except (_Stale, StaleDataError) as err:
            current = self.get(number)
            if current is None:
                raise ReportNotFound(number) from err
            raise StaleVersion(current) from err

    # --- export ----------------------------------------------------------------------------

    def export(self, number: str, fmt: str) -> ExportFile:
        stored = self.get(number)
        if stored is None:
            raise ReportNotFound(number)
        return export_report(stored, fmt)

    # --- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _row(db: Session, number: str) -> ReportRow:
        row = db.scalars(select(ReportRow).where(ReportRow.number == normalise_number(number))).first()
        if row is None:
            raise ReportNotFound(number)
        return row

    @staticmethod
    def _stored(row: ReportRow) -> StoredReport:
        return StoredReport(
            row.number, row.status, BarrierReport.model_validate(row.data), row.created_at,
            row.updated_at, row.id, version=row.version or 1, session_id=row.session_id,
            assigned_to=row.assigned_to, stage=row.stage, pending_by=row.pending_by,
            archive_reason=row.archive_reason, barrier_id=row.barrier_id,
            priority=row.priority or 0.0, priority_reasons=list(row.priority_reasons or []),
            links=row.links, comments_text=row.comments_text, screened_at=row.screened_at)


class _Stale(Exception):
    pass


def _jsonable(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


# --- export formats --------------------------------------------------------------------------

EXPORT_FORMATS = ("docx", "pdf", "json", "tacp", "sep")


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    media_type: str
    filename: str


def export_report(stored: StoredReport, fmt: str, extras: Any = None) -> ExportFile:
    """Render a stored report in one of EXPORT_FORMATS (ValueError for an unknown format);
    `extras` (national_form.FormExtras) adds staff comments and a merged barrier's reporters."""
    from assistant.reports.render import national_form, sep, tacp

    fmt = fmt.lower().strip()
    base = stored.number
    date = stored.created_at.date()
    if fmt == "docx":
        return ExportFile(national_form.to_docx(stored.report, stored.number, date, extras),
                          "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                          f"{base}.docx")
    if fmt == "pdf":
        return ExportFile(national_form.to_pdf(stored.report, stored.number, date, extras=extras),
                          "application/pdf",
                          f"{base}.pdf")
    if fmt == "json":
        data = national_form.to_json(stored.report, stored.number, date, extras)
        data["status"] = stored.status
    elif fmt == "tacp":
        data = tacp.to_tacp(stored.report, stored.number)
    elif fmt == "sep":
        data = sep.to_sep(stored.report, stored.number)
    else:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    content = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return ExportFile(content, "application/json", f"{base}.{fmt}.json")
