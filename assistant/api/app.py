"""The FastAPI app: JSON API, web chat and offline API docs around one core.

`tbt serve` runs `create_app` as a uvicorn factory. The app starts without an index: the core is
built on first use (see services.py), /healthz reports `index.ready`, API routes answer 503 and
pages say how to build the index.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from assistant.alerts.scheduler import start_alert_scheduler
from assistant.api import (
    docs,
    errors,
    routes_ask,
    routes_health,
    routes_records,
    routes_search,
    web,
)
from assistant.api.middleware import GuardMiddleware
from assistant.api.services import Services
from assistant.config import Settings, get_settings

log = logging.getLogger(__name__)

DESCRIPTION = """\
Answers questions about foreign technical barriers to trade (TBT/SPS) for exporters, grounded in
indexed records (WTO notifications, regulations, RASFF border rejections, China Customs
announcements, past cases, report forms). Every answer carries numbered citations.

Errors are JSON: `{"error": "message"}`. 503 means the index is not built yet: run `tbt ingest`.
"""

OPTIONAL_ROUTERS: tuple[str, ...] = ("assistant.api.reports", "bots.wechat.router")
OPTIONAL_ROUTERS += ("assistant.demo.routes",)  # workshop mode (/demo)
OPTIONAL_ROUTERS += ("assistant.staff.routes_api", "assistant.staff.routes_pages")  # staff console
OPTIONAL_ROUTERS += ("bots.telegram.webhook",)  # POST /telegram/webhook (404 without a token)
OPTIONAL_ROUTERS += ("assistant.alerts.api",)  # /api/subscriptions and the /alerts form


def _optional_router(module: str) -> APIRouter | None:
    """A router from a module that may not exist in this build; a broken module still fails."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            log.info("%s is not available; its routes are not served", module)
            return None
        raise
    router = getattr(mod, "router", None)
    return router if isinstance(router, APIRouter) else None


def _start_purge(settings: Settings) -> threading.Event | None:
    """A daemon thread deleting expired sessions and unfinished drafts; its stop event."""
    if settings.purge_every_minutes <= 0:
        return None
    from assistant.db import init_db
    from assistant.dialogue.sessions import purge_every

    stop = threading.Event()

    def run() -> None:
        try:
            engine = init_db(settings)
        except Exception:
            log.exception("session purge not started: the database is unavailable")
            return
        purge_every(engine, settings.session_ttl_hours, settings.purge_every_minutes, stop)

    threading.Thread(target=run, name="tbt-purge", daemon=True).start()
    return stop


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new app for `settings` (default: the environment's TBT_* settings)."""
    settings = settings or get_settings()
    services = Services(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # load the model and index in the background: the server answers /healthz at once
        threading.Thread(target=services.warm_up, name="tbt-warm-up", daemon=True).start()
        alerts = start_alert_scheduler(settings)  # TBT_ALERTS_INTERVAL_MINUTES (off: None)
        purging = _start_purge(settings)  # expired sessions and drafts (TBT_PURGE_EVERY_MINUTES)
        yield
        if alerts is not None:
            alerts.set()
        if purging is not None:
            purging.set()

    app = FastAPI(
        lifespan=lifespan,
        title="tbt-assistant",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if settings.docs else None,
        openapi_tags=[
            {"name": "ask", "description": "Questions and answers with citations."},
            {"name": "search", "description": "Retrieval only."},
            {"name": "records", "description": "Indexed records by reference."},
            {"name": "health", "description": "Liveness and index status."},
        ],
    )
    app.state.settings = settings
    app.state.services = services
    errors.install(app)
    app.add_middleware(GuardMiddleware, max_body=settings.max_body_bytes)
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")
    if settings.docs:  # TBT_DOCS=0 serves no /docs, /redoc or /openapi.json
        docs.install(app)
    for router in (routes_health.router, routes_ask.router, routes_search.router, routes_records.router):
        app.include_router(router)
    for module in OPTIONAL_ROUTERS:
        optional = _optional_router(module)
        if optional is not None:
            app.include_router(optional)
    app.include_router(web.router)

    return app
