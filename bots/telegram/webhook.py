"""POST /telegram/webhook: Telegram delivers updates here once `setWebhook` points at it.

Served by the FastAPI app (OPTIONAL_ROUTERS). A request is processed only when the bot is
configured (else 404) and its X-Telegram-Bot-Api-Secret-Token equals TBT_TELEGRAM_WEBHOOK_SECRET
(else 403, and nothing is read further). The bot shares the app's Assistant. The update is
handled before we answer, so Telegram re-delivers it if the server dies half-way.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from telegram.ext import Application

from assistant.config import Settings
from bots.telegram.notifier import register_notifier
from bots.telegram.updates import parse_update

log = logging.getLogger("bots.telegram")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1_000_000
STATE_KEY = "telegram_application"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings | None = getattr(app.state, "settings", None)
    if settings is not None:
        register_notifier(settings)
    try:
        yield
    finally:
        application = getattr(app.state, STATE_KEY, None)
        if application is not None:
            await application.shutdown()


router = APIRouter(lifespan=_lifespan)


async def _application(app: Any, settings: Settings) -> Application:  # type: ignore[type-arg]
    application = getattr(app.state, STATE_KEY, None)
    if application is not None:
        return application  # type: ignore[no-any-return]
    lock = getattr(app.state, "telegram_lock", None)
    if lock is None:  # no await since the check: one lock per app and event loop
        lock = asyncio.Lock()
        app.state.telegram_lock = lock
    async with lock:
        application = getattr(app.state, STATE_KEY, None)
        if application is None:
            from bots.telegram.app import build_application

            services = getattr(app.state, "services", None)
            core = services.assistant if services is not None else None
            application = build_application(settings, assistant=core, updater=False)
            await application.initialize()  # getMe: the bot's name, for mentions in groups
            setattr(app.state, STATE_KEY, application)
    return application  # type: ignore[no-any-return]


def _error(status: int, zh: str, en: str) -> JSONResponse:
    return JSONResponse({"error": f"{zh} / {en}"}, status_code=status)


@router.post("/telegram/webhook", include_in_schema=False)
async def telegram_webhook(request: Request) -> JSONResponse:
    """One Update from Telegram; answered 200 once handled (errors are logged, not returned)."""
    settings: Settings = request.app.state.settings
    if not settings.telegram_token:
        return _error(404, "未配置 Telegram 机器人", "the Telegram bot is not configured")
    secret = settings.telegram_webhook_secret or ""
    given = request.headers.get(SECRET_HEADER, "")
    if not secret or not hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8")):
        log.warning("telegram webhook call refused: wrong or missing secret token")
        return _error(403, "拒绝访问", "forbidden")
    body = await request.body()
    if len(body) > MAX_BODY:
        return _error(413, "请求过大", "request too large")
    try:
        data = json.loads(body.decode("utf-8"))
        if not isinstance(data, dict) or "update_id" not in data:
            raise ValueError("not an Update")
    except (UnicodeDecodeError, ValueError):
        return _error(400, "不是有效的 Telegram 更新", "not a Telegram Update")
    application = await _application(request.app, settings)
    update = parse_update(data, application.bot)
    if update is None:
        return _error(400, "不是有效的 Telegram 更新", "not a Telegram Update")
    await application.process_update(update)
    return JSONResponse({"ok": True})
