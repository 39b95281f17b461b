"""A real local HTTP server speaking the OpenAI Chat Completions protocol, for tests.

The LLM composer is tested end to end through its real HTTP client (langchain-openai -> openai ->
httpx) against this server: nothing of ours is mocked, only the remote model. Each test scripts
the reply as a function of the messages received, reads back the requests the server got, and can
make the server fail (HTTP 500, a slow reply that trips the client's timeout, malformed JSON).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = Callable[[list[dict[str, Any]]], str]


@dataclass
class ReceivedRequest:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: dict[str, Any] | None

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list((self.body or {}).get("messages") or [])

    def content_of(self, role: str) -> str:
        """All text the request carried for `role` (system, user ...), joined."""
        parts: list[str] = []
        for m in self.messages:
            if m.get("role") != role:
                continue
            content = m.get("content")
            if isinstance(content, str):
                parts.append(content)
            elif isinstance(content, list):  # content parts: [{"type": "text", "text": ...}]
                parts.extend(str(p.get("text", "")) for p in content if isinstance(p, dict))
        return "\n".join(parts)


@dataclass
class FakeOpenAI:
    """State shared by the server thread and the test: the script, the failures, the log."""

    reply: Reply = field(default=lambda messages: "fixture reply")
    status: int = 200  # anything else: answer with an OpenAI-style error body
    delay: float = 0.0  # seconds to wait before answering (trip the client's timeout)
    malformed: bool = False  # answer 200 with a body that is not JSON
    requests: list[ReceivedRequest] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        """What a client puts in its base_url (the `/v1` prefix included)."""
        return f"http://{self.host}:{self.port}/v1"

    def script(self, reply: Reply | str) -> None:
        """Set the reply: a fixed text or a function of the received messages."""
        self.reply = (lambda messages: reply) if isinstance(reply, str) else reply

    @property
    def completions(self) -> list[ReceivedRequest]:
        return [r for r in self.requests if r.path.rstrip("/").endswith("/chat/completions")]

    def _record(self, req: ReceivedRequest) -> None:
        with self._lock:
            self.requests.append(req)


def _completion(model: str, content: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    prompt_chars = sum(len(str(m.get("content", ""))) for m in messages)
    prompt_tokens, completion_tokens = max(1, prompt_chars // 4), max(1, len(content) // 4)
    return {
        "id": f"chatcmpl-fixture-{int(time.time() * 1000)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def _handler(state: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            return

        def _headers(self) -> dict[str, str]:
            return {k.lower(): v for k, v in self.headers.items()}

        def _send(self, status: int, body: bytes, ctype: str = "application/json") -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client gave up (timeout): nothing to answer
                pass

        def _json(self, status: int, obj: Any) -> None:
            self._send(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"))

        def do_GET(self) -> None:
            state._record(ReceivedRequest("GET", self.path, self._headers(), None))
            if self.path.rstrip("/").endswith("/models"):
                self._json(200, {"object": "list", "data": [
                    {"id": "fixture-model", "object": "model", "created": 0, "owned_by": "fixture"}
                ]})
            else:
                self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw.decode("utf-8")) if raw else None
            except (UnicodeDecodeError, json.JSONDecodeError):
                body = None
            state._record(ReceivedRequest("POST", self.path, self._headers(), body))
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
                return
            if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
                self._json(400, {"error": {"message": "messages required", "type": "invalid_request_error"}})
                return
            if state.delay and state._stop.wait(state.delay):
                return  # server shutting down
            if state.status != 200:
                self._json(state.status, {"error": {
                    "message": "fixture server error", "type": "server_error", "code": None,
                }})
                return
            if state.malformed:
                self._send(200, b'{"id": "chatcmpl-fixture", "choices": [ {not json')
                return
            messages = body["messages"]
            content = state.reply(messages)
            self._json(200, _completion(str(body.get("model") or "fixture-model"), content, messages))

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve() -> Generator[FakeOpenAI, None, None]:
    """Run a fake server on a free port of 127.0.0.1 until the generator is closed."""
    state = FakeOpenAI()
    server = _Server(("127.0.0.1", 0), _handler(state))
    state.port = server.server_address[1]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-openai", daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        state._stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
