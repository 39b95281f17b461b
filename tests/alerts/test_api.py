"""Subscriptions over HTTP and the /alerts web form, as a client or a browser uses them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.config import Settings

ME = {"channel": "email", "user_id": "Buyer@Fixture.example"}


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data_dir=tmp_path))) as c:
        yield c


def test_subscribe_list_pause_delete_with_the_token(client: TestClient) -> None:
    res = client.post("/api/subscriptions", json=ME | {"text": "订阅欧盟玩具的通报"})
    assert res.status_code == 201, res.text
    body = res.json()
    token = body["token"]
    assert body["subscription"]["markets"] == ["EU"] and "9503" in body["subscription"]["hs"]
    assert body["subscription"]["user_id"] == "buyer@fixture.example"
    second = client.post("/api/subscriptions", json=ME | {
        "lang": "en", "markets": ["USA"], "products": ["lithium battery"], "frequency": "weekly"},
        headers={"X-Subscription-Token": token})
    assert second.status_code == 201 and "token" not in second.json()
    assert second.json()["subscription"]["hs"] == ["850760"]
    q = {"channel": "email", "user_id": "buyer@fixture.example"}
    listed = client.get("/api/subscriptions", params=q, headers={"X-Subscription-Token": token})
    assert [s["number"] for s in listed.json()] == [1, 2]
    paused = client.post("/api/subscriptions/2/pause", params=q,
                         headers={"X-Subscription-Token": token})
    assert paused.status_code == 200 and paused.json()["paused"] is True
    gone = client.delete("/api/subscriptions/1", params=q, headers={"X-Subscription-Token": token})
    assert gone.status_code == 200
    missing = client.delete("/api/subscriptions/1", params=q,
                            headers={"X-Subscription-Token": token})
    assert missing.status_code == 404 and "没有" in missing.json()["error"]


def test_someone_elses_address_is_refused(client: TestClient) -> None:
    client.post("/api/subscriptions", json=ME | {"text": "subscribe EU toys"})
    q = {"channel": "email", "user_id": "buyer@fixture.example"}
    assert client.get("/api/subscriptions", params=q).status_code == 403
    assert client.get("/api/subscriptions", params=q,
                      headers={"X-Subscription-Token": "guess"}).status_code == 403
    assert client.post("/api/subscriptions", json=ME | {"markets": ["JPN"]}).status_code == 403
    assert client.delete("/api/subscriptions/1", params=q).status_code == 403


@pytest.mark.parametrize("body", [
    ME | {"text": "hello"},  # nothing to watch
    ME | {"markets": ["XXQ"]},
    ME | {"hs": ["9"]},
    {"channel": "email", "user_id": "not-an-address", "markets": ["EU"]},
    {"channel": "web", "user_id": "x", "markets": ["EU"]},
    {"channel": "telegram", "user_id": "123", "markets": ["EU"]},  # made in the chat only
    ME | {"markets": ["EU"], "frequency": "hourly"},
])
def test_bad_subscriptions_get_a_clear_error(client: TestClient, body: dict) -> None:  # type: ignore[type-arg]
    res = client.post("/api/subscriptions", json=body)
    assert res.status_code == 422, res.text


def test_the_web_form_subscribes_an_email_address(client: TestClient) -> None:
    page = client.get("/alerts")
    assert page.status_code == 200 and "预警订阅" in page.text and "Subscribe" in page.text
    res = client.post("/alerts", data={"email": "form@fixture.example", "text": "EU toys",
                                       "frequency": "weekly", "lang": "en"})
    assert res.status_code == 201 and "token" in res.text.lower()
    again = client.post("/alerts", data={"email": "form@fixture.example", "text": "EU toys"})
    assert again.status_code == 422  # managed with the token from now on
    bad = client.post("/alerts", data={"email": "nope", "text": "EU toys"})
    assert bad.status_code == 422 and "<script" not in bad.text
