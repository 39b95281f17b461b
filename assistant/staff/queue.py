"""The staff queue: filters, full-text search in both languages, sorting, paging and saved views.

Filters map to indexed columns kept by the store (status, market, HS chapter, NTM code, channel,
language, created_at, assigned_to, priority); search matches every word against a lower-cased
text of the report (Chinese and English market names included), so `德国 餐具` and
`germany tableware` both work. Reports merged into another barrier are hidden unless asked for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session

from assistant.reports.models import ReportRow
from assistant.reports.schema import BarrierReport
from assistant.staff.models import SavedViewRow

SORTS = ("priority", "-priority", "date", "-date")
MAX_EXPORT = 100_000
COUNT_CAP = 5_000


class QueueFilter(BaseModel):
    """What the queue shows; every field optional. Unknown fields are refused (422)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: list[str] = Field(default_factory=list)
    stage: str | None = Field(default=None, max_length=20)
    market: str | None = Field(default=None, max_length=8)
    hs: str | None = Field(default=None, max_length=10, description="HS chapter (2 digits) or longer prefix.")
    ntm: str | None = Field(default=None, max_length=8, description="NTM code or its first letter.")
    channel: str | None = Field(default=None, max_length=40)
    language: Literal["zh", "en"] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    assigned_to: str | None = Field(default=None, max_length=100, description="A user name, or `none`.")
    q: str | None = Field(default=None, max_length=200)
    merged: bool = False
    sort: Literal["priority", "-priority", "date", "-date"] = "-priority"
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=50, ge=1, le=500)

    @field_validator("status", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [v for v in value.split(",") if v.strip()]
        return value

    @field_validator("market", "ntm", mode="after")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else None

    @field_validator("*", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    def query_args(self) -> dict[str, str]:
        """The non-default fields as query-string values (links, saved views)."""
        out: dict[str, str] = {}
        for name, value in self.model_dump(exclude_defaults=True).items():
            if name == "page":
                continue
            out[name] = ",".join(value) if isinstance(value, list) else str(value).lower() \
                if isinstance(value, bool) else str(value)
        return out


@dataclass(frozen=True)
class QueueRow:
    number: str
    status: str
    stage: str | None
    market: str | None
    hs: str | None
    ntm: str | None
    channel: str
    language: str
    created_at: dt.datetime
    assigned_to: str | None
    priority: float
    product: str
    measure: str
    organisation: str
    merged_into: int | None

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "created_at": self.created_at.isoformat() + "Z"}


@dataclass(frozen=True)
class QueuePage:
    total: int
    rows: list[QueueRow]
    page: int
    per_page: int
    capped: bool = False  # more than `total` match


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(f: QueueFilter, me: str | None = None) -> list[Any]:
    c = ReportRow
    conds: list[Any] = []
    if f.status:
        conds.append(c.status.in_(f.status))
    if f.stage:
        conds.append(c.stage == f.stage)
    if f.market:
        conds.append(c.market == f.market)
    if f.hs:
        digits = "".join(ch for ch in f.hs if ch.isdigit())
        if len(digits) <= 2:
            conds.append(c.hs_chapter == digits.zfill(2))
        else:
            conds.append(c.hs.like(_like(digits)[1:], escape="\\"))
    if f.ntm:
        conds.append(c.ntm_code == f.ntm if len(f.ntm) > 1 else c.ntm_code.like(f"{f.ntm}%"))
    if f.channel:
        conds.append(c.channel == f.channel)
    if f.language:
        conds.append(c.language == f.language)
    if f.date_from:
        conds.append(c.created_at >= dt.datetime.combine(f.date_from, dt.time()))
    if f.date_to:
        conds.append(c.created_at < dt.datetime.combine(f.date_to + dt.timedelta(days=1), dt.time()))
    if f.assigned_to:
        who = me if f.assigned_to == "me" and me else f.assigned_to
        conds.append(c.assigned_to.is_(None) if who == "none" else c.assigned_to == who)
    if f.q:
        for term in f.q.lower().split()[:8]:
            conds.append(c.search_text.like(_like(term), escape="\\"))
    if not f.merged:
        conds.append(c.barrier_id.is_(None))
    return conds


def _ordered(stmt: Select[Any], sort: str) -> Select[Any]:
    c = ReportRow
    order: dict[str, tuple[Any, Any]] = {
        "priority": (c.priority.asc(), c.id.asc()), "-priority": (c.priority.desc(), c.id.desc()),
        "date": (c.created_at.asc(), c.id.asc()), "-date": (c.created_at.desc(), c.id.desc())}
    return stmt.order_by(*order[sort])


def _row(r: ReportRow) -> QueueRow:
    report = BarrierReport.model_validate(r.data)
    return QueueRow(r.number, r.status, r.stage, r.market, r.hs, r.ntm_code, r.channel, r.language,
                    r.created_at, r.assigned_to, r.priority or 0.0, report.product.description or "",
                    report.measure.title or report.measure.notification_symbol or "",
                    report.reporter.organisation or "", r.barrier_id)


def search(engine: Engine, f: QueueFilter, me: str | None = None) -> QueuePage:
    """One page of the queue and how many match, counted up to COUNT_CAP (shown as "5,000+"):
    an exact count of a broad filter over 100,000 reports costs more than the page itself."""
    conds = _where(f, me)
    with Session(engine) as db:
        matching = select(ReportRow.id).where(*conds).limit(COUNT_CAP + 1).subquery()
        total = db.scalar(select(func.count()).select_from(matching)) or 0
        stmt = _ordered(select(ReportRow).where(*conds), f.sort)
        stmt = stmt.limit(f.per_page).offset((f.page - 1) * f.per_page)
        rows = [_row(r) for r in db.scalars(stmt)]
    return QueuePage(min(int(total), COUNT_CAP), rows, f.page, f.per_page, capped=total > COUNT_CAP)


def export_rows(engine: Engine, f: QueueFilter, me: str | None = None) -> list[QueueRow]:
    with Session(engine) as db:
        stmt = _ordered(select(ReportRow).where(*_where(f, me)), f.sort).limit(MAX_EXPORT)
        return [_row(r) for r in db.scalars(stmt)]


def facets(engine: Engine) -> dict[str, list[str]]:
    """Values present in the data, for the filter menus."""
    c = ReportRow
    with Session(engine) as db:
        def values(col: Any) -> list[str]:
            return [v for v in db.scalars(select(col).where(col.is_not(None)).distinct().order_by(col)) if v]
        return {"market": values(c.market), "channel": values(c.channel),
                "assigned_to": values(c.assigned_to), "ntm": values(c.ntm_code)}


# --- saved views ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedView:
    id: int
    name: str
    query: dict[str, Any]


def save_view(engine: Engine, user_id: int, name: str, f: QueueFilter) -> SavedView:
    name = name.strip()[:100] or "view"
    with Session(engine) as db, db.begin():
        row = SavedViewRow(user_id=user_id, name=name, query=f.query_args())
        db.add(row)
        db.flush()
        return SavedView(row.id, row.name, row.query)


def views(engine: Engine, user_id: int) -> list[SavedView]:
    with Session(engine) as db:
        rows = db.scalars(select(SavedViewRow).where(SavedViewRow.user_id == user_id).order_by(SavedViewRow.name))
        return [SavedView(r.id, r.name, r.query) for r in rows]


def delete_view(engine: Engine, user_id: int, view_id: int) -> bool:
    with Session(engine) as db, db.begin():
        row = db.get(SavedViewRow, view_id)
        if row is None or row.user_id != user_id:
            return False
        db.delete(row)
        return True


__all__ = ["QueueFilter", "QueuePage", "QueueRow", "SORTS", "export_rows", "facets", "search"]
