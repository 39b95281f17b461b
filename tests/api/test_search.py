"""GET /api/search: hits with citations and snippets, filters, validation."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_search_returns_records_with_snippets(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": "dried goji berries from China", "k": 5})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["query"] == "dried goji berries from China"
    assert isinstance(body["analysis"], dict)
    assert 0 < len(body["hits"]) <= 5
    for hit in body["hits"]:
        assert {"ref", "type", "title", "score", "snippet", "cite"} <= set(hit)
    assert any("goji" in (h["title"] + h["snippet"]).lower() for h in body["hits"])


def test_search_type_filter(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": "goji berries", "type": "alert"})
    assert r.status_code == 200
    hits = r.json()["hits"]
    assert hits and all(h["type"] == "alert" for h in hits)


def test_search_by_symbol_puts_the_notification_first(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "G/TBT/N/USA/867"}).json()["hits"]
    assert hits[0]["ref"].startswith("G/TBT/N/USA/867")


def test_search_validation(client: TestClient) -> None:
    assert client.get("/api/search").json()["error"] == "q: this field is required"
    for params in ({"q": "   "}, {"q": "x", "k": 0}, {"q": "x", "k": 51}, {"q": "x", "type": "rumour"},
                   {"q": "x", "hs": "ab"}):
        r = client.get("/api/search", params=params)
        assert r.status_code == 422, params
        assert r.json()["error"]


def test_search_without_index(empty_client: TestClient) -> None:
    r = empty_client.get("/api/search", params={"q": "toys"})
    assert r.status_code == 503
    assert "tbt ingest" in r.json()["error"]
