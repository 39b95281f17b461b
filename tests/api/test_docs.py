"""OpenAPI docs work offline: the pages load their assets from this app, never from a CDN."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

URL = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_use_local_assets_only(empty_client: TestClient, page: str) -> None:
    r = empty_client.get(page)
    assert r.status_code == 200
    assert not re.search(r"https?://", r.text), "the docs page must not reference another host"
    assets = URL.findall(r.text)
    assert any(a.endswith(".js") for a in assets)
    for asset in assets:
        assert asset.startswith("/"), asset
        got = empty_client.get(asset)
        assert got.status_code == 200, asset
        assert len(got.content) > 1000 or asset.endswith(".png")


def test_openapi_lists_the_api(empty_client: TestClient) -> None:
    spec = empty_client.get("/openapi.json").json()
    paths = spec["paths"]
    assert {"/api/ask", "/api/search", "/api/records/{ref}", "/healthz"} <= set(paths)
    assert "post" in paths["/api/ask"]
    assert "/" not in paths  # the web pages are not part of the API


def test_unknown_route_is_json_404(empty_client: TestClient) -> None:
    r = empty_client.get("/api/nothing-here")
    assert r.status_code == 404
    assert r.json() == {"error": "Not Found"}
