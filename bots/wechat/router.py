"""FastAPI routes: the Official Account callback at /wechat and the WeCom app at /wecom.

Only HTTP lives here (size limit, query parameters, the response); the adapter does the rest.
One adapter per account is built on first use and kept on the app, so all requests of a worker
share its thread pool; tests may put their own in `app.state.wechat_adapters`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response

from assistant.config import Settings
from bots.wechat.adapter import HttpReply, WeChatAdapter
from bots.wechat.api import accounts
from bots.wechat.setup import build_adapter, register_notifiers

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # a WeChat message is a few kB; anything this large is not one
_lock = threading.Lock()


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Register the WeChat/WeCom notifiers when the server starts, so staff and alerts reach
    WeChat users before anyone has written in."""
    settings = getattr(app.state, "settings", None)
    if isinstance(settings, Settings):
        try:
            register_notifiers(settings)
        except Exception:  # a misconfigured channel must not stop the server
            log.exception("WeChat notifiers could not be registered")
    yield
    for adapter in getattr(app.state, "wechat_adapters", {}).values():
        adapter.close()


router = APIRouter(tags=["wechat"], lifespan=_lifespan)


def _adapter(request: Request, channel: str) -> WeChatAdapter | None:
    state = request.app.state
    with _lock:
        adapters: dict[str, WeChatAdapter] = getattr(state, "wechat_adapters", None) or {}
        state.wechat_adapters = adapters
        if channel not in adapters:
            settings: Settings = state.settings
            if not accounts(settings)[channel].configured:
                return None
            adapters[channel] = build_adapter(settings, channel, state.services.assistant)
        return adapters[channel]


def _response(reply: HttpReply) -> Response:
    return Response(reply.body, status_code=reply.status, media_type=reply.media_type)


_NOT_CONFIGURED = HttpReply(404, "未配置此微信账号 / this WeChat account is not configured")
_TOO_LARGE = HttpReply(413, "消息过大 / message too large")


async def _read(request: Request) -> bytes | None:
    """The body, or None when it is larger than MAX_BODY (read no further than that)."""
    declared = request.headers.get("content-length")
    if declared and (not declared.isdigit() or int(declared) > MAX_BODY):
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return bytes(body)


async def _get(request: Request, channel: str) -> Response:
    adapter = _adapter(request, channel)
    if adapter is None:
        return _response(_NOT_CONFIGURED)
    return _response(adapter.verify(dict(request.query_params)))


async def _post(request: Request, channel: str) -> Response:
    adapter = _adapter(request, channel)
    if adapter is None:
        return _response(_NOT_CONFIGURED)
    body = await _read(request)
    if body is None:
        return _response(_TOO_LARGE)
    return _response(await adapter.handle(dict(request.query_params), body))


@router.get("/wechat", summary="Official Account: URL verification", include_in_schema=True)
async def wechat_verify(request: Request) -> Response:
    return await _get(request, "wechat")


@router.post("/wechat", summary="Official Account: a message or event from a user")
async def wechat_message(request: Request) -> Response:
    return await _post(request, "wechat")


@router.get("/wecom", summary="WeCom app: URL verification")
async def wecom_verify(request: Request) -> Response:
    return await _get(request, "wecom")


@router.post("/wecom", summary="WeCom app: a message or event from a user")
async def wecom_message(request: Request) -> Response:
    return await _post(request, "wecom")
