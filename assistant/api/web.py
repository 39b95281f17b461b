"""The web chat: server-rendered pages that work without JavaScript and better with it.

- GET `/` shows the conversation of the session in the `tbt_session` cookie.
- POST `/chat` (a plain form) asks the core, stores the turn and redirects back to `/`
  (post/redirect/get). The page's script sends the same form with `Accept: application/json`
  and gets the Answer plus the rendered turn, so it appends it without a reload and one
  renderer serves both paths.
- GET `/records/{ref}` shows a record's fields.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from assistant.api import i18n, trace_view
from assistant.api.deps import ServicesDep
from assistant.api.record_view import record_fields
from assistant.api.render import answer_html, record_href
from assistant.api.routes_records import find_record
from assistant.api.schemas import check_question
from assistant.api.services import Services
from assistant.demo import space
from assistant.dialogue.sessions import check_session_id
from assistant.index.store import IndexNotReady

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
SESSION_COOKIE = "tbt_session"
COOKIE_MAX_AGE = 30 * 24 * 3600
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=HERE / "templates")


def _asset_version() -> str:
    digest = hashlib.sha1()
    for p in sorted(STATIC_DIR.glob("*")):
        digest.update(p.read_bytes())
    return digest.hexdigest()[:10]


def _safe_url(url: str | None) -> str | None:
    """Only http(s) links leave the page (never javascript: or data: from a record)."""
    return url if isinstance(url, str) and url.lower().startswith(("https://", "http://")) else None


def _page(lang: str, p: int | None) -> str:
    if not p:
        return ""
    return f"第 {p} 页" if lang == "zh" else f"p. {p}"


_VERSION = _asset_version()
templates.env.globals.update(
    answer_html=answer_html,
    record_href=record_href,
    type_label=i18n.record_type,
    safe_url=_safe_url,
    page_label=_page,
    asset_version=_VERSION,
    trace_view=trace_view.from_answer,
)


# -- helpers ---------------------------------------------------------------------------------
def _lang(request: Request, conversation: str | None = None) -> str:
    """The page's language: the switch (query, then cookie), else the conversation's, else the
    browser's. Every label of a page follows it, so a Chinese answer never gets English labels
    unless the user chose English."""
    return i18n.pick_lang(
        request.query_params.get("lang"),
        request.cookies.get(i18n.LANG_COOKIE),
        conversation,
        i18n.lang_from_accept(request.headers.get("accept-language")),
    )


def _last_language(turns: list[dict[str, Any]]) -> str | None:
    for turn in reversed(turns):
        answer = turn.get("answer") if isinstance(turn, dict) else None
        if isinstance(answer, dict) and answer.get("language") in i18n.LANGS:
            return str(answer["language"])
    return None


def _session_id(request: Request) -> str | None:
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        return check_session_id(raw)
    except ValueError:
        return None


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _trend_for(services: Services, demo: bool) -> Any:
    """The rejection trend of an alerts answer (workshop view only); never fails a page."""

    def trend(answer: dict[str, Any]) -> Any:
        if not demo or not isinstance(answer, dict):
            return None
        try:
            from assistant.demo.trend import alert_trend

            return alert_trend(services.index(), answer)
        except Exception:
            log.exception("could not compute the rejection trend")
            return None

    return trend


def _context(request: Request, services: Services, lang: str, **extra: Any) -> dict[str, Any]:
    status = services.index_status()
    other = "en" if lang == "zh" else "zh"
    demo = bool(extra.pop("demo", False))
    switch = request.url.include_query_params(lang=other)
    return {
        "request": request,
        "lang": lang,
        "other_lang": other,
        "switch_url": f"{switch.path}?{switch.query}",
        "t": i18n.labels(lang),
        "index": status,
        "not_ready": i18n.INDEX_NOT_READY[lang],
        "demo": demo,
        "demo_mode": space.is_demo(services.settings),
        "trend_for": _trend_for(services, demo),
        **extra,
    }


def _secure(resp: Response, request: Request, lang: str | None = None) -> Response:
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "same-origin"
    if lang and request.query_params.get("lang") == lang:
        resp.set_cookie(i18n.LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return resp


def not_found_page(request: Request) -> Response:
    """A page a browser asked for that does not exist: in the page's language, with a way back."""
    services: Services = request.app.state.services
    lang = _lang(request)
    ctx = _context(request, services, lang)
    return _secure(templates.TemplateResponse(request, "not_found.html", ctx, status_code=404), request, lang)


def _chat_page(
    request: Request, services: Services, *, error: str | None = None, draft: str = "", status: int = 200
) -> Response:
    turns = services.transcript(_session_id(request))
    lang = _lang(request, _last_language(turns))
    examples = i18n.EXAMPLES[lang] + i18n.EXAMPLES["en" if lang == "zh" else "zh"]
    ctx = _context(request, services, lang, turns=turns, error=error, draft=draft, examples=examples)
    resp = templates.TemplateResponse(request, "chat.html", ctx, status_code=status)
    return _secure(resp, request, lang)


# -- routes ----------------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse)
def chat(request: Request, services: ServicesDep) -> Response:
    return _chat_page(request, services)


@router.post("/chat")
def chat_post(
    request: Request,
    services: ServicesDep,
    text: Annotated[str, Form()] = "",
    view: Annotated[str, Form()] = "",
    scenario: Annotated[str, Form()] = "",
) -> Response:
    """Ask, remember the turn, then redirect (no JS) or return the rendered turn (JS).

    In workshop mode the session id and the channel are labelled demo (`space.SESSION_PREFIX`,
    `space.CHANNEL`), so demo conversations and reports are recognisable wherever they end up."""
    lang = _lang(request)
    t = i18n.labels(lang)
    demo_mode = space.is_demo(services.settings)
    demo_view = demo_mode and view == "demo"
    back = "/"
    if demo_view:
        back = f"/demo?scenario={quote(scenario[:40])}" if scenario else "/demo"
    as_json = _wants_json(request)
    code, message = None, None
    try:
        check_question(text)
    except ValueError:
        code = "empty" if not text.strip() else "too_long"
        message = t["error_empty"] if code == "empty" else t["error_too_long"]
    answer: dict[str, Any] | None = None
    if code is None:
        try:
            sid = _session_id(request) or (space.new_session_id() if demo_mode else None)
            channel = space.CHANNEL if demo_mode else "web"
            result = services.assistant().ask(text, session_id=sid, channel=channel)
            answer = result.model_dump(mode="json")
        except IndexNotReady:
            code, message = "index", i18n.INDEX_NOT_READY[lang]
        except Exception:
            log.exception("the assistant failed on a web question")
            code, message = "failed", t["error_failed"]
    if answer is None:
        status = {"empty": 422, "too_long": 422, "index": 503}.get(code or "", 500)
        if as_json:
            return JSONResponse({"error": message, "code": code}, status_code=status)
        draft = text if code != "empty" else ""
        if demo_view:
            from assistant.demo.routes import demo_page

            return demo_page(request, services, error=message, draft=draft, status=status)
        return _chat_page(request, services, error=message, draft=draft, status=status)

    session_id = str(answer.get("session_id") or _session_id(request) or "")
    turn_id = services.append_turn(session_id, text, answer) if session_id else 0
    if as_json:
        turn = {"id": turn_id, "question": text, "answer": answer}
        lang = _lang(request, str(answer.get("language") or "") or None)
        ctx = _context(request, services, lang, turn=turn, is_last=True, demo=demo_view)
        html = templates.get_template("_turn.html").render(ctx)
        resp: Response = JSONResponse({"answer": answer, "html": html, "turn": turn_id})
    else:
        resp = RedirectResponse(f"{back}#turn-{turn_id}", status_code=303)
    if session_id:
        resp.set_cookie(SESSION_COOKIE, session_id, max_age=COOKIE_MAX_AGE, httponly=True, samesite="lax")
    return resp


@router.post("/chat/new")
def chat_new(
    request: Request, services: ServicesDep, view: Annotated[str, Form()] = ""
) -> Response:
    """Start over: forget the page's transcript and the session cookie."""
    services.forget(_session_id(request))
    resp = RedirectResponse("/demo" if view == "demo" else "/", status_code=303)
    resp.delete_cookie(SESSION_COOKIE)
    return resp


@router.get("/records/{ref:path}", response_class=HTMLResponse)
def record_page(ref: str, request: Request, services: ServicesDep) -> Response:
    lang = _lang(request)
    try:
        rec = find_record(services.index(), ref)
    except IndexNotReady:
        ctx = _context(request, services, lang, ref=ref, record=None, fields=[])
        return _secure(templates.TemplateResponse(request, "record.html", ctx, status_code=503), request, lang)
    if rec is None:
        ctx = _context(request, services, lang, ref=ref, record=None, fields=[])
        return _secure(templates.TemplateResponse(request, "record.html", ctx, status_code=404), request, lang)
    data = rec.model_dump(mode="json")
    ctx = _context(request, services, lang, ref=ref, record=data, fields=record_fields(data, lang),
                   added_from=services.index().added_from(rec.ref))
    return _secure(templates.TemplateResponse(request, "record.html", ctx), request, lang)
