"""Errors as JSON values users can read: {"error": message}, with the right status.

A missing index is 503 with the command that fixes it; validation problems are 422 with the
field and what is wrong in plain words; anything unexpected is logged with its traceback and
answered with a short 500 that never shows it.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.api.i18n import INDEX_NOT_READY
from assistant.index.store import IndexNotReady

log = logging.getLogger(__name__)

INTERNAL_ERROR = "Internal error: the request could not be completed. It has been logged."


def error_response(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def validation_message(errors: list[Any]) -> str:
    """`text: the question is empty; k: ...` from pydantic's error list."""
    parts = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form")]
        msg = str(err.get("msg", "invalid value"))
        msg = msg.removeprefix("Value error, ")
        if err.get("type") == "missing":
            msg = "this field is required"
        parts.append(f"{'.'.join(loc)}: {msg}" if loc else msg)
    return "; ".join(parts) or "invalid request"


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404 and _wants_page(request):
        from assistant.api.web import not_found_page

        return not_found_page(request)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return JSONResponse({"error": detail}, status_code=exc.status_code, headers=exc.headers)


def _wants_page(request: Request) -> bool:
    """A browser navigating to a page (not an API client): it asks for HTML, outside /api."""
    path = request.url.path
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not path.startswith(("/api/", "/webhooks/", "/telegram", "/wechat"))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    details = [{"field": ".".join(str(p) for p in e.get("loc", ())), "message": str(e.get("msg", ""))}
               for e in errors]
    return error_response(422, validation_message(errors), details=details)


async def _index_not_ready(request: Request, exc: Exception) -> JSONResponse:
    return error_response(503, INDEX_NOT_READY["en"], error_zh=INDEX_NOT_READY["zh"])


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, INTERNAL_ERROR)


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(IndexNotReady, _index_not_ready)
    app.add_exception_handler(Exception, _unexpected)
