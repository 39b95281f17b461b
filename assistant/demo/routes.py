"""Workshop pages: the projector page, scenario starts, reset, filed reports' national form,
the staff view of a report, and the replay of recorded chats.

Everything that changes state only works in a demo folder (`space.is_demo`); elsewhere the page
says how to start workshop mode, so a trainer's clicks can never file into or reset real data.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from assistant.api import web
from assistant.api.deps import ServicesDep
from assistant.api.services import Services
from assistant.demo import recording, space
from assistant.demo.scenarios import find, scenarios

log = logging.getLogger(__name__)

router = APIRouter(prefix="/demo", include_in_schema=False)
FORM_FORMATS = ("docx", "pdf", "json")
MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "json": "application/json",
}


def _render(request: Request, services: Services, name: str, lang: str, status: int = 200,
            **extra: Any) -> Response:
    ctx = web._context(request, services, lang, demo=True, **extra)
    resp = web.templates.TemplateResponse(request, name, ctx, status_code=status)
    return web._secure(resp, request, lang)


def _off(request: Request, services: Services) -> Response:
    return _render(request, services, "demo_off.html", web._lang(request), status=404)


def demo_page(request: Request, services: Services, *, error: str | None = None, draft: str = "",
              status: int = 200) -> Response:
    """The projector page: scenarios beside the conversation, every answer with its workings."""
    if not space.is_demo(services.settings):
        return _off(request, services)
    turns = services.transcript(web._session_id(request))
    lang = web._lang(request)
    active = request.query_params.get("scenario") or ""
    return _render(
        request, services, "demo.html", lang, status=status, turns=turns, error=error, draft=draft,
        scenarios=scenarios(), active=active if find(active) else "",
        recordings=recording.all_recordings(), notice=request.query_params.get("notice") or "",
    )


@router.get("", response_class=HTMLResponse)
def demo(request: Request, services: ServicesDep) -> Response:
    return demo_page(request, services)


def _fresh(url: str, request: Request, services: Services) -> Response:
    """Redirect to `url` with a new conversation (the old one is forgotten, like "New chat")."""
    services.forget(web._session_id(request))
    resp = RedirectResponse(url, status_code=303)
    resp.delete_cookie(web.SESSION_COOKIE)
    return resp


@router.post("/scenarios/{scenario_id}")
def start_scenario(scenario_id: str, request: Request, services: ServicesDep) -> Response:
    if not space.is_demo(services.settings):
        return _off(request, services)
    if find(scenario_id) is None:
        return _render(request, services, "demo_off.html", web._lang(request), status=404,
                       missing=True)
    return _fresh(f"/demo?scenario={scenario_id}#scenario-{scenario_id}", request, services)


@router.post("/reset")
def reset(request: Request, services: ServicesDep) -> Response:
    """Back to the start state: demo sessions, transcripts and reports deleted; real data untouched."""
    if not space.is_demo(services.settings):
        return _off(request, services)
    result = space.reset(services.settings)
    log.info("demo reset: %s rows, %s files", result.total, result.files)
    return _fresh("/demo?notice=reset", request, services)


# -- filed reports -----------------------------------------------------------------------------
_STORES: dict[str, Any] = {}


def _store(services: Services) -> Any:
    """The demo database's report store, built once per database (migrations run once)."""
    import datetime as dt

    from assistant.db import make_engine
    from assistant.reports.store import ReportStore

    settings = services.settings
    key = settings.resolved_database_url
    if key not in _STORES:  # the schema is already at head: space.prepare migrated it
        today = dt.date.fromisoformat(settings.today) if settings.today else None
        _STORES[key] = ReportStore(make_engine(key), today=(lambda: today) if today else None)
    return _STORES[key]


def _latest(services: Services) -> str | None:
    rows = _store(services).list(limit=1)
    return rows[0].number if rows else None


def _staff_url(request: Request, number: str) -> str | None:
    """Where the staff console shows a report, when the console is part of this build."""
    paths = [getattr(r, "path", "") for r in request.app.routes]
    for path in paths:
        if path.startswith("/staff/reports/{") and path.count("{") == 1:
            return path.split("{", 1)[0] + number
    return "/staff" if "/staff" in paths else None


def _report_page(request: Request, services: Services, number: str, staff: bool) -> Response:
    from assistant.reports.render.national_form import FORM_TITLE, FORM_TITLE_EN, form_rows

    lang = web._lang(request)
    if not space.is_demo(services.settings):
        return _off(request, services)
    if number == "latest":
        latest = _latest(services)
        if latest is None:
            return _render(request, services, "demo_form.html", lang, status=404, stored=None,
                           staff=staff)
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/demo/{'staff' if staff else 'reports'}/{latest}{query}", status_code=303)
    stored = _store(services).get(number)
    if stored is None:
        return _render(request, services, "demo_form.html", lang, status=404, stored=None, staff=staff)
    # the staff console needs a staff login, so the demo shows what staff receive and links to it
    console = _staff_url(request, stored.number) if staff else None
    return _render(
        request, services, "demo_form.html", lang, stored=stored, staff=staff, console=console,
        rows=form_rows(stored.report), form_title=FORM_TITLE if lang == "zh" else FORM_TITLE_EN,
        formats=FORM_FORMATS,
    )


@router.get("/reports/{number}", response_class=HTMLResponse)
def report_form(number: str, request: Request, services: ServicesDep) -> Response:
    return _report_page(request, services, number, staff=False)


@router.get("/staff/{number}", response_class=HTMLResponse)
def staff_view(number: str, request: Request, services: ServicesDep) -> Response:
    return _report_page(request, services, number, staff=True)


@router.get("/reports/{number}/export")
def report_export(number: str, request: Request, services: ServicesDep,
                  format: str = Query("docx")) -> Response:
    """The national form as DOCX, PDF or JSON (demo reports only)."""
    from assistant.reports.store import ReportNotFound

    if not space.is_demo(services.settings):
        return _off(request, services)
    fmt = format.lower().strip()
    if fmt not in FORM_FORMATS:
        return _render(request, services, "demo_form.html", web._lang(request), status=422,
                       stored=None, staff=False, export_failed=fmt[:10])
    try:
        exported = _store(services).export(number, fmt)
    except ReportNotFound:
        return _report_page(request, services, number, staff=False)
    except Exception:  # e.g. no CJK font for the PDF: say so on the page rather than a 500
        log.exception("demo export of %s as %s failed", number, fmt)
        lang = web._lang(request)
        return _render(request, services, "demo_form.html", lang, status=503, stored=None,
                       staff=False, export_failed=fmt)
    filename = f"{number}-demo.{fmt}"
    return Response(exported.content, media_type=exported.media_type or MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# -- recorded chats ----------------------------------------------------------------------------
@router.get("/replay/{name}", response_class=HTMLResponse)
def replay(name: str, request: Request, services: ServicesDep) -> Response:
    lang = web._lang(request)
    rec = recording.load(name)
    return _render(request, services, "replay.html", lang, status=200 if rec else 404, rec=rec,
                   recordings=recording.all_recordings())
