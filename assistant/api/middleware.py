"""Request guards every route shares, as one pure ASGI middleware.

- Bodies above the limit are refused with 413 before they are read: a declared Content-Length
  is checked up front, and a streamed (chunked) body is counted as it arrives, so a 100 MB
  request never reaches the JSON parser or memory.
- JSON whose strings hold a lone UTF-16 surrogate (`"\\ud800"`) is refused with 400: Python
  decodes it, but nothing downstream can encode it, and it used to end as a 500.
- Security headers go on every response, JSON and errors included.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from assistant.api.errors import INTERNAL_ERROR

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_MAX_BODY = 1_000_000  # bytes: JSON and form bodies (TBT_MAX_BODY_BYTES)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]", re.ASCII)

# The docs pages (Swagger UI, ReDoc) run one inline script to start; everything else runs none.
_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_CSP_DOCS = _CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "img-src 'self' data:", "img-src 'self' data: blob:"
) + "; worker-src 'self' blob:"
_DOCS_PATHS = ("/docs", "/redoc")

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)

TOO_LARGE = {
    "en": "Request body too large: at most {limit} bytes are accepted.",
    "zh": "请求内容过大：最多接受 {limit} 字节。",
}
BAD_TEXT = {
    "en": "Invalid text: the JSON holds a lone UTF-16 surrogate (\\ud800-\\udfff) that is not a character.",
    "zh": "文本无效：JSON 中含有不成对的 UTF-16 代理码位（\\ud800-\\udfff），它不是字符。",
}


class _TooLarge(Exception):
    """The streamed body passed the limit."""


def has_lone_surrogate(value: Any) -> bool:
    """True when any string (or key) in a decoded JSON value cannot be encoded as UTF-8."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return bytes(value)
    return None


class GuardMiddleware:
    """Body limit, surrogate check and security headers (see the module docstring)."""

    def __init__(self, app: ASGIApp, max_body: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path") or "")
        csp = (_CSP_DOCS if path.startswith(_DOCS_PATHS) else _CSP).encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {bytes(k).lower() for k, _ in headers}
                for key, value in (*SECURITY_HEADERS, (b"content-security-policy", csp)):
                    if key not in present:
                        headers.append((key, value))
                message["headers"] = headers
            await send(message)

        declared = _header(scope, b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                size = -1
            if size < 0:
                await _reply(send_with_headers, 400, {"error": "Invalid Content-Length header."})
                return
            if size > self.max_body:
                await self._too_large(send_with_headers)
                return

        method = scope.get("method", "GET")
        if method in ("GET", "HEAD", "OPTIONS", "DELETE") and declared is None:
            await self._call(scope, receive, send_with_headers)
            return

        # read the body here (bounded), check it, then replay it to the app
        try:
            body = await self._read(receive)
        except _TooLarge:
            await self._too_large(send_with_headers)
            return
        ctype = (_header(scope, b"content-type") or b"").lower()
        if b"json" in ctype and _SURROGATE_ESCAPE.search(body):
            try:
                decoded = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                decoded = None  # malformed JSON: the app's own 422 explains it
            if decoded is not None and has_lone_surrogate(decoded):
                await _reply(send_with_headers, 400, {"error": BAD_TEXT["en"], "error_zh": BAD_TEXT["zh"]})
                return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the disconnect

        await self._call(scope, replay, send_with_headers)

    async def _call(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app, with an unhandled error answered here (a short 500 that carries the security
        headers, which the server's own error page outside this middleware would not)."""
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception:
            if started:
                raise
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            await _reply(send, 500, {"error": INTERNAL_ERROR})

    async def _read(self, receive: Receive) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"") or b""
            total += len(chunk)
            if total > self.max_body:
                raise _TooLarge
            parts.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(parts)

    async def _too_large(self, send: Send) -> None:
        await _reply(
            send,
            413,
            {
                "error": TOO_LARGE["en"].format(limit=self.max_body),
                "error_zh": TOO_LARGE["zh"].format(limit=self.max_body),
            },
            close=True,
        )


async def _reply(send: Send, status: int, payload: dict[str, Any], close: bool = False) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
