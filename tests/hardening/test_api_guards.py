"""Items 5, 6, 10 of issue 13: body limit before reading, lone surrogates, security headers, docs off."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.config import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def indexed(small_index: Settings) -> Iterator[TestClient]:
    """Over a real index, so a request that slips past the guard reaches the core."""
    with TestClient(create_app(small_index), raise_server_exceptions=False) as c:
        yield c


# -- 5. bodies above the limit: 413 before they are read --------------------------------------
def test_declared_large_body_is_413(client: TestClient) -> None:
    body = b'{"text": "' + b"a" * 1_200_000 + b'"}'
    r = client.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert "1000000" in r.json()["error"] and r.json()["error_zh"]


def test_streamed_body_is_cut_off_at_the_limit(settings: Settings) -> None:
    """A chunked body with no Content-Length: the app stops reading just past the limit."""
    app = create_app(settings)
    chunk = b"x" * 65536
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": chunk, "more_body": pulled < 1600}  # 100 MB

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/api/ask", "raw_path": b"/api/ask", "query_string": b"",
        "root_path": "", "headers": [(b"content-type", b"application/json")],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
    }
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413
    assert pulled * len(chunk) < 2 * settings.max_body_bytes  # not the 100 MB


def test_body_limit_is_configurable(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path / "d", corpus_dir=tmp_path / "c", max_body_bytes=2048)
    with TestClient(create_app(s)) as c:
        r = c.post("/api/ask", json={"text": "LED " * 1000})
        assert r.status_code == 413


def test_small_body_still_reaches_the_route(client: TestClient) -> None:
    r = client.post("/api/ask", json={"text": ""})
    assert r.status_code in (422, 503)  # validation or "no index": never the guard


# -- 6. lone surrogates ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw",
    [
        rb'{"text": "LED \ud800 lamps"}',
        rb'{"text": "LED lamps \udfff"}',
        rb'{"text": "ok", "session_id": "\ud83d"}',
        rb'{"\udc00": 1, "text": "LED"}',
    ],
)
def test_lone_surrogate_is_400(indexed: TestClient, raw: bytes) -> None:
    r = indexed.post("/api/ask", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert "surrogate" in r.json()["error"]


def test_surrogate_pair_is_a_character_not_an_error(indexed: TestClient) -> None:
    raw = rb'{"text": "LED lamps \ud83d\ude00"}'
    r = indexed.post("/api/ask", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 200 and r.json()["text"]


def test_lone_surrogate_in_the_web_form(indexed: TestClient) -> None:
    r = indexed.post("/chat", content=b"text=LED%ED%A0%80lamps",
                     headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code < 500


# -- 10. security headers everywhere; docs can be turned off -------------------------------------
@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/"), ("get", "/healthz"), ("get", "/api/search?q=LED"), ("get", "/api/nothing"),
     ("post", "/api/ask"), ("get", "/docs"), ("get", "/openapi.json"), ("get", "/static/chat.css")],
)
def test_security_headers_on_every_route(client: TestClient, method: str, path: str) -> None:
    r = client.request(method, path, json={} if method == "post" else None)
    h = r.headers
    assert h["x-content-type-options"] == "nosniff"
    assert h["x-frame-options"] == "DENY"
    assert h["referrer-policy"] in ("no-referrer", "same-origin")
    assert "frame-ancestors 'none'" in h["content-security-policy"]


def test_headers_and_no_detail_on_an_unhandled_500(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    """An error nobody handled: a short 500 with the security headers, the detail only in the log."""
    app = create_app(settings)

    @app.get("/fails-for-this-test")
    def fails() -> None:
        raise RuntimeError("reporter Zhang San 13800000000")  # must not reach the client

    with TestClient(app, raise_server_exceptions=False) as c:
        for r in (c.get("/fails-for-this-test"), c.get("/fails-for-this-test", headers={"accept": "text/html"})):
            assert r.status_code == 500
            assert r.headers["x-content-type-options"] == "nosniff"
            assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
            assert "13800000000" not in r.text and "error" in r.json()


def test_headers_on_413_and_400(client: TestClient) -> None:
    r = client.post("/api/ask", content=b"x" * 2_000_000, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.headers["x-content-type-options"] == "nosniff"


def test_docs_off(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path / "d", corpus_dir=tmp_path / "c", docs=False)
    with TestClient(create_app(s)) as c:
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert c.get(path).status_code == 404, path
        assert c.get("/healthz").status_code == 200


def test_docs_off_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TBT_DOCS", "0")
    monkeypatch.setenv("TBT_DATA_DIR", str(tmp_path))
    assert Settings().docs is False
