"""HTTP API for barrier reports: file a complete report, read it back, export it.

POST /api/reports takes a complete BarrierReport (JSON) and answers 201 with its number; invalid or
incomplete reports get 422 with one readable, bilingual message per field; an `Idempotency-Key`
header makes retries safe (same key and body: the same report, 200; same key, other body: 409).
Reading a report needs a credential: a logged-in staff member sees everything; a reporter sees
their own report, redacted (contact details and personal data in free text masked, confidential
fields hidden), only with the token they got at filing (`?token=` or header `X-Report-Token`).
Anyone else gets the same 404 as for a number that does not exist, so numbers reveal nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from assistant.reports.notices import next_steps, report_link
from assistant.reports.redact import redact
from assistant.reports.schema import BarrierReport, completeness_errors
from assistant.reports.service import get_report_store
from assistant.reports.store import (
    EXPORT_FORMATS,
    IdempotencyConflict,
    ReportStore,
    StoredReport,
    export_report,
)

router = APIRouter(prefix="/api/reports", tags=["reports"])


StoreDep = Annotated[ReportStore, Depends(get_report_store)]


def report_full_access(request: Request, store: StoreDep) -> bool:
    """Whether the caller is logged-in staff (sees contact details and confidential fields)."""
    from assistant.staff.deps import COOKIE, get_accounts

    return get_accounts(request, store).session(request.cookies.get(COOKIE)) is not None


FullAccessDep = Annotated[bool, Depends(report_full_access)]


def _errors_from_validation(err: ValidationError) -> list[dict[str, Any]]:
    out = []
    for e in err.errors():
        field = ".".join(str(p) for p in e.get("loc", ()) if not isinstance(p, int)) or "report"
        msg = str(e.get("msg", "")).removeprefix("Value error, ")
        zh, sep, en = msg.partition(" / ")
        if not sep:
            zh, en = f"“{field}”的值无效：{msg}", f"Invalid value for “{field}”: {msg}"
        out.append({"field": field, "message_zh": zh, "message_en": en})
    return out


def _unprocessable(errors: list[dict[str, Any]]) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": errors})


def _view(stored: StoredReport, full: bool) -> dict[str, Any]:
    data = stored.as_dict()
    if not full:
        data["report"] = redact(stored.report).model_dump(mode="json")
        data["redacted"] = True
    return data


@router.post("", status_code=201, responses={422: {"description": "Invalid or incomplete report"},
                                             409: {"description": "Idempotency-Key reused for another report"}})
def create_report(
    store: StoreDep,
    response: Response,
    payload: Annotated[Any, Body(description="A complete BarrierReport.")],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> Any:
    """File a complete barrier report; returns its number and what happens next."""
    if not isinstance(payload, dict):
        return _unprocessable([{"field": "report", "message_zh": "请求体应为一个 JSON 对象。",
                                "message_en": "The body must be a JSON object."}])
    payload.setdefault("channel", "api")
    try:
        report = BarrierReport.model_validate(payload)
    except ValidationError as err:
        return _unprocessable(_errors_from_validation(err))
    missing = completeness_errors(report)
    if missing:
        return _unprocessable([e.as_dict() for e in missing])
    try:
        result = store.submit(report, idempotency_key=idempotency_key, actor="api")
    except IdempotencyConflict as err:
        raise HTTPException(status_code=409, detail=str(err)) from err
    if not result.created:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    contact = report.reporter.email or report.reporter.phone
    link = report_link(result.number, result.token)
    return {
        "number": result.number,
        "access_token": result.token,
        "link": link,
        "status": result.stored.status,
        "created": result.created,
        "next_steps": next_steps(result.number, report.language, contact, link),
        "next_steps_zh": next_steps(result.number, "zh", contact, link),
        "next_steps_en": next_steps(result.number, "en", contact, link),
        "links": {"self": f"{router.prefix}/{result.number}?token={result.token}",
                  "export": {fmt: f"{router.prefix}/{result.number}/export?format={fmt}&token={result.token}"
                             for fmt in EXPORT_FORMATS}},
    }


def _get_or_404(store: ReportStore, number: str, full: bool = True, token: str | None = None) -> StoredReport:
    """The report when the caller may read it; otherwise the same 404 whether it exists or not."""
    number = number.strip()[:40]
    stored = store.get(number) if (full or store.check_token(number, token)) else None
    if stored is None:
        raise HTTPException(status_code=404, detail=(
            f"没有编号为 {number} 的报告，或链接无效 / No report numbered {number}, or the link is not valid"))
    return stored


TokenQuery = Annotated[str | None, Query(max_length=100, description="The reporter's access token.")]
TokenHeader = Annotated[str | None, Header(alias="X-Report-Token", max_length=100)]


@router.get("/{number}")
def get_report(number: str, store: StoreDep, full: FullAccessDep, token: TokenQuery = None,
               x_token: TokenHeader = None) -> dict[str, Any]:
    """A filed report: staff see it all; a reporter with their token sees it redacted."""
    return _view(_get_or_404(store, number, full, token or x_token), full)


@router.get("/{number}/export")
def export(
    number: str,
    store: StoreDep,
    full: FullAccessDep,
    format: Annotated[str, Query(pattern="^(docx|pdf|json|tacp|sep)$")] = "json",
    token: TokenQuery = None,
    x_token: TokenHeader = None,
) -> Response:
    """The national form (docx, pdf, json) or the TACP / EU SEP mapping (json)."""
    from assistant.reports.render.national_form import MissingFontError

    stored = _get_or_404(store, number, full, token or x_token)
    if not full:
        stored = StoredReport(stored.number, stored.status, redact(stored.report), stored.created_at,
                              stored.updated_at, stored.id)
    try:
        out = export_report(stored, format)
    except MissingFontError as err:
        raise HTTPException(status_code=503, detail=str(err)) from err
    return Response(content=out.content, media_type=out.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{out.filename}"'})
