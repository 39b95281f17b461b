"""/api/staff: the staff console's JSON API. Every route needs a login (401 otherwise); viewers
read, triagers act on reports, admins manage accounts and read the audit log. Unsafe calls echo
the session's CSRF token in `X-CSRF-Token`.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.reports.store import InvalidTransition, ReportNotFound, StaleVersion, StoredReport
from assistant.staff import audit, queue
from assistant.staff.accounts import AccountError, Login
from assistant.staff.deps import (
    COOKIE,
    AccountsDep,
    Admin,
    StoreDep,
    Triager,
    Viewer,
    app_settings,
)
from assistant.staff.service import StaffService

router = APIRouter(prefix="/api/staff", tags=["staff"])


def get_service(request: Request, store: StoreDep) -> StaffService:
    return StaffService(app_settings(request), store)


ServiceDep = Annotated[StaffService, Depends(get_service)]


def _not_found(number: str) -> HTTPException:
    return HTTPException(404, f"没有编号为 {number[:40]} 的报告 / No report numbered {number[:40]}")


def _conflict(err: StaleVersion, yours: Any) -> JSONResponse:
    """409: nothing saved; the current report and the caller's attempted change both come back."""
    return JSONResponse(status_code=409, content={
        "error": str(err), "conflict": True, "current": _brief(err.current), "yours": yours})


def _brief(stored: StoredReport) -> dict[str, Any]:
    return {**stored.as_dict(), "version": stored.version, "assigned_to": stored.assigned_to,
            "pending_by": stored.pending_by, "archive_reason": stored.archive_reason,
            "priority": stored.priority}


# --- login ---------------------------------------------------------------------------------------


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


def set_login_cookie(response: Response, login: Login, secure: bool) -> None:
    # the session ends server-side at expires_at; the cookie itself lives for the browser session
    response.set_cookie(COOKIE, login.token, httponly=True, samesite="strict", secure=secure, path="/")


@router.post("/login")
def login(body: Credentials, request: Request, response: Response, accounts: AccountsDep) -> Any:
    outcome = accounts.login(body.username, body.password, request.client.host if request.client else None)
    if not isinstance(outcome, Login):
        return JSONResponse(status_code=423 if outcome.locked else 401,
                            content={"error": f"{outcome.message_zh} / {outcome.message_en}",
                                     "error_zh": outcome.message_zh, "error_en": outcome.message_en})
    set_login_cookie(response, outcome, app_settings(request).staff_secure_cookies)
    return {"username": outcome.user.username, "role": outcome.user.role, "csrf": outcome.csrf,
            "expires_at": outcome.expires_at.isoformat() + "Z"}


@router.post("/logout")
def logout(request: Request, response: Response, caller: Viewer, accounts: AccountsDep) -> dict[str, bool]:
    accounts.logout(request.cookies.get(COOKIE), caller.user.username)
    response.delete_cookie(COOKIE, path="/")
    return {"ok": True}


@router.get("/me")
def me(caller: Viewer) -> dict[str, str]:
    return {"username": caller.user.username, "role": caller.user.role, "csrf": caller.csrf}


# --- accounts (admin) ------------------------------------------------------------------------------


class NewAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    role: Literal["viewer", "triager", "admin"]


class AccountChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["viewer", "triager", "admin"] | None = None
    active: bool | None = None
    password: str | None = Field(default=None, max_length=1024)


@router.get("/accounts")
def list_accounts(caller: Admin, accounts: AccountsDep) -> list[dict[str, Any]]:
    return [u.__dict__ for u in accounts.list()]


@router.post("/accounts", status_code=201)
def add_account(body: NewAccount, caller: Admin, accounts: AccountsDep) -> dict[str, Any]:
    try:
        return accounts.add(body.username, body.password, body.role, actor=caller.actor).__dict__
    except AccountError as err:
        raise HTTPException(422, str(err)) from err


@router.patch("/accounts/{username}")
def change_account(username: str, body: AccountChange, caller: Admin, accounts: AccountsDep) -> dict[str, Any]:
    try:
        return accounts.update(username, caller.actor, role=body.role, active=body.active,
                               password=body.password).__dict__
    except AccountError as err:
        raise HTTPException(422, str(err)) from err


@router.get("/audit")
def audit_log(caller: Admin, store: StoreDep, action: str | None = None,
              limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[dict[str, Any]]:
    return audit.recent(store.engine, limit, action)


# --- the queue -------------------------------------------------------------------------------------


def queue_filter(request: Request) -> queue.QueueFilter:
    params: dict[str, Any] = {}
    for key in request.query_params:
        if key in ("csrf", "format"):
            continue
        values = request.query_params.getlist(key)
        params[key] = ",".join(values) if key == "status" else values[-1]
    try:
        return queue.QueueFilter.model_validate(params)
    except ValidationError as err:
        raise HTTPException(422, "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors())) from err


FilterDep = Annotated[queue.QueueFilter, Depends(queue_filter)]


@router.get("/queue")
def get_queue(caller: Viewer, store: StoreDep, f: FilterDep) -> dict[str, Any]:
    page = queue.search(store.engine, f, caller.user.username)
    return {"total": page.total, "total_capped": page.capped, "page": page.page, "per_page": page.per_page,
            "rows": [r.as_dict() for r in page.rows]}


EXPORT_COLUMNS = ("number", "status", "stage", "priority", "market", "hs", "ntm", "product", "measure",
                  "organisation", "channel", "language", "assigned_to", "created_at")


def queue_table(rows: list[queue.QueueRow]) -> list[list[Any]]:
    out: list[list[Any]] = []
    for r in rows:
        d = r.as_dict()
        out.append([_cell(d[c]) for c in EXPORT_COLUMNS])
    return out


def _cell(value: Any) -> Any:
    """Spreadsheet-safe: text starting with = + - @ is not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def queue_csv(rows: list[queue.QueueRow]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(EXPORT_COLUMNS)
    w.writerows(queue_table(rows))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens Chinese CSV correctly


def queue_xlsx(rows: list[queue.QueueRow]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("queue")
    ws.append(list(EXPORT_COLUMNS))
    for row in queue_table(rows):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@router.get("/queue.csv")
def export_csv(caller: Viewer, store: StoreDep, f: FilterDep) -> Response:
    rows = queue.export_rows(store.engine, f, caller.user.username)
    audit.record(store.engine, caller.actor, "queue.export", None, {"format": "csv", "rows": len(rows)})
    return Response(queue_csv(rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="queue.csv"'})


@router.get("/queue.xlsx")
def export_xlsx(caller: Viewer, store: StoreDep, f: FilterDep) -> Response:
    rows = queue.export_rows(store.engine, f, caller.user.username)
    audit.record(store.engine, caller.actor, "queue.export", None, {"format": "xlsx", "rows": len(rows)})
    return Response(queue_xlsx(rows),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="queue.xlsx"'})


class ViewBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    query: dict[str, Any] = Field(default_factory=dict)


@router.get("/views")
def list_views(caller: Viewer, store: StoreDep) -> list[dict[str, Any]]:
    return [v.__dict__ for v in queue.views(store.engine, caller.user.id)]


@router.post("/views", status_code=201)
def add_view(body: ViewBody, caller: Viewer, store: StoreDep) -> dict[str, Any]:
    try:
        f = queue.QueueFilter.model_validate(body.query)
    except ValidationError as err:
        raise HTTPException(422, "invalid view query / 视图条件无效") from err
    return queue.save_view(store.engine, caller.user.id, body.name, f).__dict__


@router.delete("/views/{view_id}")
def remove_view(view_id: int, caller: Viewer, store: StoreDep) -> dict[str, bool]:
    if not queue.delete_view(store.engine, caller.user.id, view_id):
        raise HTTPException(404, "没有这个视图 / No such view")
    return {"ok": True}


# --- one report ----------------------------------------------------------------------------------


@router.get("/reports/{number}")
def get_case(number: str, caller: Viewer, service: ServiceDep) -> dict[str, Any]:
    try:
        return service.case(number).as_dict()
    except ReportNotFound as err:
        raise _not_found(number) from err


class Edit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1, description="The version you read: a save over a newer one gets 409.")
    changes: dict[str, Any] = Field(min_length=1, max_length=40)


@router.patch("/reports/{number}")
def edit_case(number: str, body: Edit, caller: Triager, service: ServiceDep) -> Any:
    from assistant.reports.schema import FIELD_PATHS

    unknown = [p for p in body.changes if p not in FIELD_PATHS]
    if unknown:
        raise HTTPException(422, f"未知字段 / Unknown fields: {', '.join(unknown)[:200]}")
    try:
        stored = service.store.update_fields(number, body.changes, caller.actor, body.version)
    except StaleVersion as err:
        return _conflict(err, body.changes)
    except ReportNotFound as err:
        raise _not_found(number) from err
    except (ValueError, ValidationError) as err:
        raise HTTPException(422, str(err)[:500]) from err
    service.casework.refresh_priority(stored.number)
    audit.record(service.store.engine, caller.actor, "report.edit", stored.number, {"fields": list(body.changes)})
    return _brief(service.store.get(stored.number) or stored)


class Move(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int | None = Field(default=None, ge=1)
    status: Literal["submitted", "accepted", "rejected", "archived"] | None = None
    stage: Literal["open", "in_progress", "resolved_part", "resolved_full", "dormant"] | None = None
    pending_by: str | None = Field(default=None, max_length=200)
    archive_reason: Literal["duplicate", "not_a_barrier", "other"] | None = None
    note: str | None = Field(default=None, max_length=2000)
    notify: bool = True


@router.post("/reports/{number}/status")
def move_case(number: str, body: Move, caller: Triager, service: ServiceDep) -> Any:
    before = service.store.get(number)
    if before is None:
        raise _not_found(number)
    try:
        stored = service.casework.move(number, caller.actor, status=body.status, stage=body.stage,
                                       pending_by=body.pending_by, archive_reason=body.archive_reason,
                                       note=body.note, expected_version=body.version)
    except StaleVersion as err:
        return _conflict(err, body.model_dump())
    except InvalidTransition as err:
        raise HTTPException(422, str(err)) from err
    audit.record(service.store.engine, caller.actor, "report.status", number,
                 {"status": stored.status, "stage": stored.stage})
    deliveries: list[dict[str, Any]] = []
    if body.notify and (stored.status, stored.stage) != (before.status, before.stage):
        deliveries = [{"channel": d.address.channel if d.address else None, "ok": d.delivery.ok,
                       "error": d.delivery.error} for d in service.notify_all(stored, caller.actor)]
    return {**_brief(stored), "notified": deliveries}


class Assign(BaseModel):
    model_config = ConfigDict(extra="forbid")
    assignee: str | None = Field(default=None, max_length=100)
    version: int | None = Field(default=None, ge=1)


@router.post("/reports/{number}/assign")
def assign_case(number: str, body: Assign, caller: Triager, service: ServiceDep, accounts: AccountsDep) -> Any:
    if body.assignee and accounts.get(body.assignee) is None:
        raise HTTPException(422, f"没有用户 {body.assignee} / No user {body.assignee}")
    try:
        stored = service.casework.assign(number, body.assignee, caller.actor, body.version)
    except StaleVersion as err:
        return _conflict(err, body.model_dump())
    except ReportNotFound as err:
        raise _not_found(number) from err
    audit.record(service.store.engine, caller.actor, "report.assign", number, {"to": body.assignee})
    return _brief(stored)


class CommentBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: str = Field(min_length=1, max_length=10_000)


@router.post("/reports/{number}/comments", status_code=201)
def add_comment(number: str, body: CommentBody, caller: Triager, service: ServiceDep) -> dict[str, Any]:
    try:
        c = service.casework.comment(number, caller.actor, body.body)
    except ReportNotFound as err:
        raise _not_found(number) from err
    except ValueError as err:
        raise HTTPException(422, str(err)) from err
    audit.record(service.store.engine, caller.actor, "report.comment", number)
    return {"author": c.author, "body": c.body, "at": c.at.isoformat() + "Z"}


class MergeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    numbers: list[str] = Field(min_length=1, max_length=100)


@router.post("/reports/{number}/merge")
def merge_cases(number: str, body: MergeBody, caller: Triager, service: ServiceDep) -> Any:
    missing = [n for n in body.numbers if service.store.get(n) is None]
    if missing or service.store.get(number) is None:
        raise _not_found((missing or [number])[0])
    try:
        stored = service.casework.merge(number, body.numbers, caller.actor)
    except InvalidTransition as err:
        raise HTTPException(422, str(err)) from err
    audit.record(service.store.engine, caller.actor, "report.merge", number, {"merged": body.numbers})
    return service.case(stored.number, enrich_links=False).as_dict()


class CommentsText(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(default=None, max_length=20_000)
    version: int | None = Field(default=None, ge=1)


@router.put("/reports/{number}/form-comments")
def set_form_comments(number: str, body: CommentsText, caller: Triager, service: ServiceDep) -> Any:
    try:
        stored = service.casework.set_comments_text(number, body.text, caller.actor, body.version)
    except StaleVersion as err:
        return _conflict(err, body.model_dump())
    except ReportNotFound as err:
        raise _not_found(number) from err
    audit.record(service.store.engine, caller.actor, "report.form_comments", number)
    return _brief(stored)


@router.post("/reports/{number}/relink")
def relink(number: str, caller: Triager, service: ServiceDep) -> dict[str, Any]:
    from assistant.staff.casefile import enrich

    if enrich(service.settings, service.casework, number, force=True) is None:
        raise _not_found(number)
    return service.case(number, enrich_links=False).as_dict()


@router.get("/reports/{number}/export")
def export_case(number: str, caller: Viewer, service: ServiceDep,
                format: Annotated[str, Query(pattern="^(docx|pdf|json|tacp|sep)$")] = "docx") -> Response:
    from assistant.reports.render.national_form import MissingFontError

    try:
        out = service.export(number, format, caller.actor)
    except ReportNotFound as err:
        raise _not_found(number) from err
    except MissingFontError as err:
        raise HTTPException(503, str(err)) from err
    return Response(out.content, media_type=out.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{out.filename}"'})


__all__ = ["router"]


# --- drafts and dashboard ----------------------------------------------------------------------------


class DraftRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["comment", "stc"] = "comment"
    lang: Literal["zh", "en"] = "zh"


class DraftText(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=50_000)


@router.post("/reports/{number}/drafts", status_code=201)
def new_draft(number: str, body: DraftRequest, caller: Triager, service: ServiceDep) -> dict[str, Any]:
    from assistant.staff import drafts

    if service.store.get(number) is None:
        raise _not_found(number)
    view = drafts.create(service, number, body.kind, body.lang, caller.actor)
    audit.record(service.store.engine, caller.actor, "draft.create", number, {"kind": body.kind})
    return view.as_dict()


@router.get("/reports/{number}/drafts")
def list_drafts(number: str, caller: Viewer, service: ServiceDep) -> list[dict[str, Any]]:
    from assistant.staff import drafts

    return [d.as_dict() for d in drafts.for_report(service, number)]


@router.put("/drafts/{draft_id}")
def save_draft(draft_id: int, body: DraftText, caller: Triager, service: ServiceDep) -> dict[str, Any]:
    from assistant.staff import drafts

    try:
        view = drafts.save(service, draft_id, body.text, caller.actor)
    except KeyError as err:
        raise HTTPException(404, "没有这个草稿 / No such draft") from err
    audit.record(service.store.engine, caller.actor, "draft.save", view.number, {"id": draft_id})
    return view.as_dict()


@router.get("/dashboard")
def dashboard(caller: Viewer, store: StoreDep) -> dict[str, object]:
    from assistant.staff.dashboard import figures

    return figures(store.engine).as_dict()
