"""A real local HTTP server speaking enough of the Telegram Bot API for tests and the bench.

The Telegram bot is run as the real python-telegram-bot `Application`, its base URL pointed here
(TBT_TELEGRAM_API_URL): nothing of ours is mocked, only Telegram. The server answers the methods
the bot uses (getMe, getUpdates, sendMessage, editMessageText, answerCallbackQuery, setWebhook,
deleteWebhook, setMyCommands, sendChatAction, ...), records every call it received, serves queued
updates to long polling, and can be told to fail a method (e.g. 429 with retry_after, 400).
Everything it invents (the bot's name, message ids) is a fixture value.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Generator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

FIXTURE_TOKEN = "123456:FIXTURE-token"
BOT_USER = {
    "id": 123456, "is_bot": True, "first_name": "TBT fixture bot", "username": "tbt_fixture_bot",
    "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False,
}
_TRUE_METHODS = {
    "answercallbackquery", "setwebhook", "deletewebhook", "setmycommands", "sendchataction",
    "answerinlinequery", "setchatmenubutton", "deletemycommands", "setmydescription",
    "setmyshortdescription", "answerprecheckoutquery", "answershippingquery", "deletemessage",
    "editmessagereplymarkup_inline",
}
_JSON_FIELDS = {"reply_markup", "entities", "link_preview_options", "commands", "allowed_updates",
                "reply_parameters", "scope", "results"}


@dataclass
class Call:
    """One Bot API call as the server received it: the method and its parameters, decoded."""

    method: str
    params: dict[str, Any]
    token: str

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or "")

    def buttons(self) -> list[dict[str, Any]]:
        """Every inline button of the call's reply markup, in order."""
        markup = self.params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        return [b for row in rows or [] for b in row]


def _decode(params: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key in _JSON_FIELDS:
            try:
                out[key] = json.loads(value)
                continue
            except (TypeError, ValueError):
                pass
        out[key] = value
    return out


@dataclass
class FakeTelegram:
    """State shared by the server thread and the test: updates to serve, failures, the log."""

    token: str = FIXTURE_TOKEN
    host: str = "127.0.0.1"
    port: int = 0
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    webhook_url: str = ""
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _next_message_id: int = 1000
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def base_url(self) -> str:
        """What TBT_TELEGRAM_API_URL is set to (python-telegram-bot appends `/bot<token>`)."""
        return f"http://{self.host}:{self.port}"

    # -- what the test does -------------------------------------------------------------------
    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an Update for getUpdates (long polling)."""
        with self._changed:
            self._updates.append(update)
            self._changed.notify_all()

    def fail(self, method: str, status: int, body: dict[str, Any], times: int = 1) -> None:
        """Make the next `times` calls of `method` fail with `status` and a Bot API error body."""
        with self._lock:
            self.failures.setdefault(method.lower(), []).extend([(status, body)] * times)

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[Call]:
        """Calls of `method` (to `chat_id` when given), in the order received."""
        with self._lock:
            return [c for c in self.calls if c.method.lower() == method.lower()
                    and (chat_id is None or c.chat_id == chat_id)]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0,
                 chat_id: int | None = None) -> list[Call]:
        """Wait until at least `count` calls of `method` arrived; returns them (maybe fewer)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.sent(method, chat_id)) < count and time.monotonic() < deadline:
                self._changed.wait(0.05)
        return self.sent(method, chat_id)

    # -- what the server does -----------------------------------------------------------------
    def handle(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        name = method.lower()
        with self._lock:
            self.calls.append(Call(method, params, token))
            queued = self.failures.get(name)
            failure = queued.pop(0) if queued else None
        with self._changed:
            self._changed.notify_all()
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if failure is not None:
            return failure
        if name == "getme":
            return 200, {"ok": True, "result": BOT_USER}
        if name == "getupdates":
            return 200, {"ok": True, "result": self._poll(params)}
        if name == "setwebhook":
            self.webhook_url = str(params.get("url") or "")
        if name == "deletewebhook":
            self.webhook_url = ""
        if name == "getwebhookinfo":
            return 200, {"ok": True, "result": {"url": self.webhook_url, "has_custom_certificate": False,
                                                "pending_update_count": 0}}
        if name in _TRUE_METHODS:
            return 200, {"ok": True, "result": True}
        if name in ("sendmessage", "editmessagetext"):
            return 200, {"ok": True, "result": self._message(params)}
        if name == "getmycommands":
            return 200, {"ok": True, "result": []}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params.get("chat_id") or 0)
        with self._lock:
            if params.get("message_id"):
                message_id = int(params["message_id"])
            else:
                self._next_message_id += 1
                message_id = self._next_message_id
        chat_type = "private" if chat_id > 0 else "supergroup"
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = "fixture"
        else:
            chat["title"] = "fixture group"
        return {"message_id": message_id, "from": BOT_USER, "chat": chat, "date": int(time.time()),
                "text": str(params.get("text") or "")}

    def _poll(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 1.0)  # short: tests stop quickly
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                self._updates = [u for u in self._updates if int(u["update_id"]) >= offset]
                if self._updates or time.monotonic() >= deadline:
                    return list(self._updates[:100])
                self._changed.wait(0.05)


def _params(handler: BaseHTTPRequestHandler, body: bytes) -> dict[str, Any]:
    ctype = handler.headers.get("Content-Type", "")
    query = dict(parse_qsl(urlparse(handler.path).query))
    if not body:
        return _decode(query)
    if ctype.startswith("application/json"):
        data = json.loads(body.decode("utf-8"))
        return {**query, **data} if isinstance(data, dict) else query
    if ctype.startswith("multipart/form-data"):
        msg = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n" + body)
        fields: dict[str, str] = {}
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if isinstance(name, str) and part.get_filename() is None:
                payload = part.get_payload(decode=True)
                fields[name] = payload.decode("utf-8") if isinstance(payload, bytes) else ""
        return _decode({**query, **fields})
    return _decode({**query, **dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))})


def _handler_for(state: FakeTelegram) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlparse(self.path).path.strip("/").split("/")
            if len(parts) != 2 or not parts[0].startswith("bot"):
                self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                return
            try:
                params = _params(self, body)
            except (ValueError, UnicodeDecodeError):
                self._reply(400, {"ok": False, "error_code": 400, "description": "Bad Request"})
                return
            status, reply = state.handle(parts[0][3:], parts[1], params)
            self._reply(status, reply)

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = _serve
        do_POST = _serve

    return Handler


@contextmanager
def fake_telegram(token: str = FIXTURE_TOKEN) -> Generator[FakeTelegram, None, None]:
    """Serve a FakeTelegram on a free loopback port for the duration of the block."""
    state = FakeTelegram(token=token)
    server = ThreadingHTTPServer((state.host, 0), _handler_for(state))
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="fake-telegram", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
