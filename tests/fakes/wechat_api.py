"""A real local HTTP server speaking the WeChat / WeCom APIs the channel calls, for tests.

Routes: GET /cgi-bin/token (Official Account), GET /cgi-bin/gettoken (WeCom), POST
/cgi-bin/message/custom/send (customer-service message), POST /cgi-bin/message/send (WeCom app
message). Token responses are wechatpy's real fixtures (tests/fixtures/wechat/api); each token
fetch issues a new token ("1234567890", then "1234567890-2", ...). Tests can make the next sends
fail with an expiry error (40001 or 42001, fixture) and read back what was sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wechat" / "api"


@dataclass
class Sent:
    """One message the server received."""

    path: str
    access_token: str
    body: dict[str, Any]

    @property
    def to(self) -> str:
        return str(self.body.get("touser", ""))

    @property
    def text(self) -> str:
        return str((self.body.get("text") or {}).get("content", ""))


@dataclass
class FakeWeChatAPI:
    """State shared by the server thread and the test."""

    host: str = "127.0.0.1"
    port: int = 0
    sent: list[Sent] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    expire_next: list[int] = field(default_factory=list)  # errcodes for the next sends (fixture)
    revoked: set[str] = field(default_factory=set)  # tokens that answer 40001 from now on
    raw_json: bool = True  # sends must carry UTF-8 characters, not \\u escapes
    _tokens: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def texts_to(self, user: str) -> list[str]:
        return [s.text for s in self.sent if s.to == user]

    def wait_for(self, user: str, count: int = 1, timeout: float = 30.0) -> list[str]:
        """The texts sent to `user`, once there are `count` of them (or the timeout)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                texts = self.texts_to(user)
            if len(texts) >= count:
                return texts
            time.sleep(0.02)
        return self.texts_to(user)

    def _new_token(self) -> dict[str, Any]:
        name = "work_gettoken.json"
        data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
        with self._lock:
            self._tokens += 1
            if self._tokens > 1:
                data["access_token"] = f"{data['access_token']}-{self._tokens}"
        return dict(data)

    def handle(self, method: str, raw_path: str, body: bytes) -> tuple[int, dict[str, Any]]:
        parsed = urlparse(raw_path)
        query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        if method == "GET" and parsed.path in ("/cgi-bin/token", "/cgi-bin/gettoken"):
            self.token_requests.append(query)
            if not (query.get("appid") or query.get("corpid")):
                return 200, {"errcode": 41002, "errmsg": "appid missing (fixture)"}
            issued = self._new_token()
            if parsed.path == "/cgi-bin/token":  # the OA fixture has the same shape
                issued = {**json.loads((FIXTURES / "token.json").read_text("utf-8")),
                          "access_token": issued["access_token"]}
            return 200, issued
        if method == "POST" and parsed.path in ("/cgi-bin/message/custom/send", "/cgi-bin/message/send"):
            token = query.get("access_token", "")
            with self._lock:
                if self.expire_next:
                    code = self.expire_next.pop(0)
                    self.revoked.add(token)
                    return 200, {"errcode": code, "errmsg": "access_token expired (fixture)"}
                if token in self.revoked:
                    return 200, {"errcode": 40001, "errmsg": "invalid credential (fixture)"}
            if self.raw_json and b"\\u" in body:
                return 200, {"errcode": 44002, "errmsg": "escaped text would show as \\u (fixture)"}
            self.sent.append(Sent(parsed.path, token, json.loads(body.decode("utf-8"))))
            ok = json.loads((FIXTURES / "message_custom_send.json").read_text("utf-8"))
            return 200, ok
        return 404, {"errcode": 404, "errmsg": "no such API (fixture)"}

    def start(self) -> FakeWeChatAPI:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, data = fake.handle(method, self.path, body)
                out = json.dumps(data, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def do_GET(self) -> None:  # noqa: N802
                self._serve("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._serve("POST")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def running() -> Generator[FakeWeChatAPI, None, None]:
    """For a pytest fixture: `yield from running()`."""
    fake = FakeWeChatAPI().start()
    try:
        yield fake
    finally:
        fake.stop()
