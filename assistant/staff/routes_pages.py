"""/staff: the console's web pages (server-rendered, no script needed) and /r/{number}, the
reporter's own page behind their token. Forms post back here with the session's CSRF token;
each action answers with a redirect (post/redirect/get), or re-renders the page with the
staff member's input kept when validation fails or someone else saved first.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import ValidationError

from assistant.api.render import record_href
from assistant.reports.casework import ARCHIVE_REASONS, STAGES
from assistant.reports.names import market_name
from assistant.reports.redact import redact
from assistant.reports.render.national_form import form_rows
from assistant.reports.schema import LABELS, BarrierReport
from assistant.reports.store import InvalidTransition, ReportNotFound, StaleVersion
from assistant.staff import audit, queue
from assistant.staff.accounts import AccountError, Login
from assistant.staff.deps import (
    COOKIE,
    AccountsDep,
    Caller,
    StoreDep,
    app_settings,
    optional_caller,
    require,
)
from assistant.staff.i18n import ARCHIVE, STAGE, STATUS, Labels
from assistant.staff.routes_api import ServiceDep, set_login_cookie
from assistant.staff.service import StaffService

HERE = Path(__file__).resolve().parent
LANG_COOKIE = "tbt_staff_lang"
STATUSES = ("submitted", "accepted", "rejected", "archived")
EDITABLE = tuple(p for p in LABELS if p not in ("request", "attachments", "trade_direction"))
LONG_FIELDS = {"incident.description", "actions_taken", "measure.title"}

router = APIRouter(include_in_schema=False)
env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)


def page_lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "zh"
    return "en" if lang.startswith("en") else "zh"


def render(request: Request, name: str, caller: Caller | None, status: int = 200, **ctx: Any) -> HTMLResponse:
    lang = page_lang(request)
    other = "en" if lang == "zh" else "zh"
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] + [("lang", other)]
    t = Labels(lang)
    html = env.get_template(name).render(
        lang=lang, other_lang=other, t=t, caller=caller, switch_url=f"{request.url.path}?{urlencode(params)}",
        STATUS=STATUS, STAGE=STAGE, ARCHIVE=ARCHIVE, market_name=lambda c: market_name(c, lang) if c else "",
        record_href=record_href, **ctx)
    response = HTMLResponse(html, status_code=status)
    if request.query_params.get("lang"):
        response.set_cookie(LANG_COOKIE, lang, samesite="lax", max_age=365 * 86400)
    return response


def page_caller(role: str):  # type: ignore[no-untyped-def]
    """Like `require`, but an anonymous visitor is sent to the login page."""
    inner = require(role)

    async def dep(request: Request, caller: Annotated[Caller | None, Depends(optional_caller)]) -> Caller:
        if caller is None:
            nxt = request.url.path if request.method == "GET" else "/staff/queue"
            args = {"next": nxt, **({"lang": page_lang(request)} if request.query_params.get("lang") else {})}
            raise HTTPException(303, "login", headers={"Location": f"/staff?{urlencode(args)}"})
        return await inner(request, caller)

    return dep


PViewer = Annotated[Caller, Depends(page_caller("viewer"))]
PTriager = Annotated[Caller, Depends(page_caller("triager"))]
PAdmin = Annotated[Caller, Depends(page_caller("admin"))]


def back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _safe_next(nxt: str | None) -> str:
    return nxt if nxt and nxt.startswith("/staff") and "//" not in nxt else "/staff/queue"


@router.get("/staff/static/staff.css")
def css() -> FileResponse:
    return FileResponse(HERE / "static" / "staff.css", media_type="text/css")


# --- login ---------------------------------------------------------------------------------------


@router.get("/staff")
def login_page(request: Request, caller: Annotated[Caller | None, Depends(optional_caller)],
               next: str | None = None) -> Response:
    if caller is not None:
        return back(_safe_next(next))
    return render(request, "login.html", None, next=_safe_next(next))


@router.post("/staff/login")
def login_form(request: Request, accounts: AccountsDep, username: Annotated[str, Form(max_length=64)],
               password: Annotated[str, Form(max_length=1024)],
               next: Annotated[str | None, Form(max_length=500)] = None) -> Response:
    outcome = accounts.login(username, password, request.client.host if request.client else None)
    if not isinstance(outcome, Login):
        lang = page_lang(request)
        msg = outcome.message_zh if lang == "zh" else outcome.message_en
        return render(request, "login.html", None, status=423 if outcome.locked else 401, flash=msg,
                      flash_kind="warn", next=_safe_next(next))
    response = back(_safe_next(next))
    set_login_cookie(response, outcome, app_settings(request).staff_secure_cookies)
    return response


@router.post("/staff/logout")
def logout_form(request: Request, caller: PViewer, accounts: AccountsDep) -> Response:
    accounts.logout(request.cookies.get(COOKIE), caller.user.username)
    response = back("/staff")
    response.delete_cookie(COOKIE, path="/")
    return response


# --- queue ---------------------------------------------------------------------------------------


@router.get("/staff/queue")
def queue_page(request: Request, caller: PViewer, store: StoreDep) -> Response:
    params = {k: v for k, v in request.query_params.items() if k != "lang" and v != ""}
    try:
        f = queue.QueueFilter.model_validate(params)
    except ValidationError:
        f = queue.QueueFilter()
    page = queue.search(store.engine, f, caller.user.username)
    views = [{"name": v.name, "qs": urlencode(v.query)} for v in queue.views(store.engine, caller.user.id)]
    return render(request, "queue.html", caller, f=f, page=page, qs=urlencode(f.query_args()),
                  pages=max(1, math.ceil(page.total / f.per_page)), facets=queue.facets(store.engine),
                  statuses=STATUSES, stages=STAGES, views=views)


@router.post("/staff/views")
def save_view(caller: PViewer, store: StoreDep, name: Annotated[str, Form(max_length=100)],
              query: Annotated[str, Form(max_length=2000)] = "") -> Response:
    try:
        f = queue.QueueFilter.model_validate(dict(parse_qsl(query)))
    except ValidationError:
        f = queue.QueueFilter()
    queue.save_view(store.engine, caller.user.id, name, f)
    return back(f"/staff/queue?{urlencode(f.query_args())}")


# --- one report ----------------------------------------------------------------------------------


def _values(report: BarrierReport) -> dict[str, str]:
    from assistant.reports.schema import get_path

    out = {}
    for path in EDITABLE:
        value = get_path(report, path)
        out[path] = "" if value is None else (", ".join(value) if isinstance(value, list) else str(value))
    return out


def _report_page(request: Request, caller: Caller, service: StaffService, number: str, status: int = 200,
                 **extra: Any) -> Response:
    from assistant.staff import drafts

    try:
        case = service.case(number)
    except ReportNotFound:
        return render(request, "error.html", caller, status=404, message=f"{number[:40]}: 404")
    d = case.as_dict()
    d["created_at"] = case.stored.created_at
    lang = page_lang(request)
    current = _values(case.stored.report)
    history = sorted(
        [{"at": h["at"], "actor": h["actor"], "field": h["field"], "old": h["old"], "new": h["new"]}
         for h in case.history.fields]
        + [{"at": h["at"], "actor": h["actor"], "field": "status", "old": h["from"], "new": h["to"]}
           for h in case.history.statuses], key=lambda h: h["at"], reverse=True)
    ctx: dict[str, Any] = {
        "c": d, "fields": [(p, LABELS[p][0 if lang == "zh" else 1]) for p in EDITABLE],
        "values": current, "current": current, "long_fields": LONG_FIELDS,
        "can_edit": caller.user.can("triager"), "statuses": STATUSES, "stages": STAGES,
        "reasons": ARCHIVE_REASONS, "users": [u.username for u in _accounts(service).list() if u.active],
        "history": history, "drafts": drafts.for_report(service, case.stored.number),
        "conflict": False, "errors": {},
    }
    ctx.update(extra)
    return render(request, "report.html", caller, status=status, **ctx)


def _accounts(service: StaffService):  # type: ignore[no-untyped-def]
    from assistant.staff.accounts import Accounts

    return Accounts(service.store.engine)


@router.get("/staff/reports/{number}")
def report_page(request: Request, number: str, caller: PViewer, service: ServiceDep) -> Response:
    return _report_page(request, caller, service, number, flash=request.query_params.get("msg"))


@router.post("/staff/reports/{number}/edit")
async def edit_form(request: Request, number: str, caller: PTriager, service: ServiceDep) -> Response:
    form = await request.form()
    try:
        version = int(str(form.get("version") or "0"))
    except ValueError:
        version = 0
    stored = service.store.get(number)
    if stored is None:
        return _report_page(request, caller, service, number)
    current = _values(stored.report)
    submitted = {p: str(form.get(p) or "").strip() for p in EDITABLE if p in form}
    changes: dict[str, Any] = {}
    for path, value in submitted.items():
        if value == current.get(path, ""):
            continue
        if path == "confidential_fields":
            changes[path] = [v.strip() for v in value.split(",") if v.strip()]
        else:
            changes[path] = value or None
    if not changes:
        return back(f"/staff/reports/{stored.number}")
    try:
        service.store.update_fields(number, changes, caller.actor, version)
    except StaleVersion:
        return _report_page(request, caller, service, number, status=409, conflict=True,
                            values={**current, **submitted}, flash=None)
    except (ValueError, ValidationError) as err:
        msg = str(err)[:400]
        return _report_page(request, caller, service, number, status=422, values={**current, **submitted},
                            flash=msg, flash_kind="warn")
    service.casework.refresh_priority(stored.number)
    audit.record(service.store.engine, caller.actor, "report.edit", stored.number, {"fields": list(changes)})
    return back(f"/staff/reports/{stored.number}?msg={Labels(page_lang(request)).saved}")


@router.post("/staff/reports/{number}/status")
def status_form(request: Request, number: str, caller: PTriager, service: ServiceDep,
                status: Annotated[str, Form(max_length=20)], version: Annotated[int, Form()],
                stage: Annotated[str, Form(max_length=20)] = "", pending_by: Annotated[str, Form(max_length=200)] = "",
                archive_reason: Annotated[str, Form(max_length=20)] = "",
                note: Annotated[str, Form(max_length=2000)] = "", notify: Annotated[str, Form()] = "") -> Response:
    before = service.store.get(number)
    if before is None:
        return _report_page(request, caller, service, number)
    try:
        stored = service.casework.move(
            number, caller.actor, status=status if status != before.status else None,
            stage=stage or None if status == "accepted" else None, pending_by=pending_by,
            archive_reason=archive_reason or None, note=note or None, expected_version=version)
    except StaleVersion:
        return _report_page(request, caller, service, number, status=409, conflict=True)
    except InvalidTransition as err:
        return _report_page(request, caller, service, number, status=422, flash=str(err), flash_kind="warn")
    audit.record(service.store.engine, caller.actor, "report.status", number,
                 {"status": stored.status, "stage": stored.stage})
    if notify and (stored.status, stored.stage) != (before.status, before.stage):
        service.notify_all(stored, caller.actor)
    return back(f"/staff/reports/{stored.number}")


@router.post("/staff/reports/{number}/assign")
def assign_form(request: Request, number: str, caller: PTriager, service: ServiceDep,
                version: Annotated[int, Form()], assignee: Annotated[str, Form(max_length=100)] = "") -> Response:
    try:
        service.casework.assign(number, assignee or None, caller.actor, version)
    except StaleVersion:
        return _report_page(request, caller, service, number, status=409, conflict=True)
    except ReportNotFound:
        return _report_page(request, caller, service, number)
    audit.record(service.store.engine, caller.actor, "report.assign", number, {"to": assignee or None})
    return back(f"/staff/reports/{number}")


@router.post("/staff/reports/{number}/comments")
def comment_form(request: Request, number: str, caller: PTriager, service: ServiceDep,
                 body: Annotated[str, Form(max_length=10_000)]) -> Response:
    try:
        service.casework.comment(number, caller.actor, body)
    except ReportNotFound:
        return _report_page(request, caller, service, number)
    except ValueError as err:
        return _report_page(request, caller, service, number, status=422, flash=str(err), flash_kind="warn")
    audit.record(service.store.engine, caller.actor, "report.comment", number)
    return back(f"/staff/reports/{number}")


@router.post("/staff/reports/{number}/merge")
def merge_form(request: Request, number: str, caller: PTriager, service: ServiceDep,
               numbers: Annotated[str, Form(max_length=2000)]) -> Response:
    wanted = [n.strip() for n in numbers.replace("，", ",").replace(" ", ",").split(",") if n.strip()]
    missing = [n for n in wanted if service.store.get(n) is None]
    if not wanted or missing:
        return _report_page(request, caller, service, number, status=422, flash_kind="warn",
                            flash=f"404: {', '.join(missing)[:200]}" if missing else "-")
    try:
        service.casework.merge(number, wanted, caller.actor)
    except (InvalidTransition, ReportNotFound) as err:
        return _report_page(request, caller, service, number, status=422, flash=str(err), flash_kind="warn")
    audit.record(service.store.engine, caller.actor, "report.merge", number, {"merged": wanted})
    return back(f"/staff/reports/{number}")


@router.post("/staff/reports/{number}/relink")
def relink_form(number: str, caller: PTriager, service: ServiceDep) -> Response:
    from assistant.staff.casefile import enrich

    enrich(service.settings, service.casework, number, force=True)
    return back(f"/staff/reports/{number}")


@router.post("/staff/reports/{number}/drafts")
def draft_form(request: Request, number: str, caller: PTriager, service: ServiceDep,
               kind: Annotated[str, Form(max_length=10)] = "comment") -> Response:
    from assistant.staff import drafts

    if service.store.get(number) is None or kind not in drafts.KINDS:
        return _report_page(request, caller, service, number)
    drafts.create(service, number, kind, page_lang(request), caller.actor)
    audit.record(service.store.engine, caller.actor, "draft.create", number, {"kind": kind})
    return back(f"/staff/reports/{number}#drafts")


@router.post("/staff/drafts/{draft_id}")
def draft_save_form(request: Request, draft_id: int, caller: PTriager, service: ServiceDep,
                    text: Annotated[str, Form(max_length=50_000)],
                    action: Annotated[str, Form(max_length=10)] = "save") -> Response:
    from assistant.staff import drafts

    try:
        view = drafts.save(service, draft_id, text, caller.actor)
    except KeyError:
        return render(request, "error.html", caller, status=404, message="404")
    if action == "use":
        try:
            service.casework.set_comments_text(view.number, view.text, caller.actor)
        except StaleVersion:
            return _report_page(request, caller, service, view.number, status=409, conflict=True)
    audit.record(service.store.engine, caller.actor, "draft.save", view.number, {"id": draft_id, "action": action})
    return back(f"/staff/reports/{view.number}#drafts")


# --- dashboard and accounts -------------------------------------------------------------------------


@router.get("/staff/dashboard")
def dashboard_page(request: Request, caller: PViewer, store: StoreDep) -> Response:
    from assistant.staff.dashboard import bar_chart, figures

    d = figures(store.engine)
    lang = page_lang(request)
    t = Labels(lang)
    markets = {k: market_name(k, lang) for k, _ in d.by_market if k != "-"}
    statuses = {k: t.pick(STATUS, k) for k, _ in d.by_status}
    charts = {"market": bar_chart(d.by_market, markets, title=t.by_market),
              "ntm": bar_chart(d.by_ntm, title=t.by_ntm),
              "status": bar_chart(d.by_status, statuses, title=t.by_status),
              "month": bar_chart(d.by_month, title=t.by_month),
              "screening": bar_chart(d.screening_days, title=t.screening_days)}
    return render(request, "dashboard.html", caller, d=d, charts=charts)


@router.get("/staff/accounts")
def accounts_page(request: Request, caller: PAdmin, accounts: AccountsDep, store: StoreDep) -> Response:
    return render(request, "accounts.html", caller, users=accounts.list(), audit=audit.recent(store.engine, 100))


@router.post("/staff/accounts")
def add_account_form(request: Request, caller: PAdmin, accounts: AccountsDep, store: StoreDep,
                     username: Annotated[str, Form(max_length=64)], password: Annotated[str, Form(max_length=1024)],
                     role: Annotated[str, Form(max_length=10)]) -> Response:
    try:
        accounts.add(username, password, role, actor=caller.actor)
    except AccountError as err:
        return render(request, "accounts.html", caller, status=422, users=accounts.list(),
                      audit=audit.recent(store.engine, 100), flash=str(err), flash_kind="warn")
    return back("/staff/accounts")


# --- the reporter's page -----------------------------------------------------------------------------


@router.get("/r/{number}")
def reporter_page(request: Request, number: str, store: StoreDep, t: str | None = None) -> Response:
    number = number.strip()[:40]
    stored = store.get(number) if store.check_token(number, t) else None
    if stored is None:
        return render(request, "error.html", None, status=404,
                      message="没有这份报告，或链接无效 / No such report, or the link is not valid")
    rows = form_rows(redact(stored.report))
    return render(request, "reporter.html", None, number=stored.number, report_status=stored.status, stage=stored.stage,
                  form=[r.__dict__ for r in rows], token=t)
