"""POST /telegram/webhook in the FastAPI app: the secret header decides, then the real bot runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.config import Settings
from assistant.notify import registry
from tests.bots.telegram.conftest import SECRET, text_update
from tests.fakes.telegram_api import FakeTelegram


@pytest.fixture
def client(bot_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(bot_settings)) as c:
        yield c
    registry.unregister("telegram")


@pytest.mark.parametrize("headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                                     {"X-Telegram-Bot-Api-Secret-Token": SECRET + "x"}])
def test_wrong_or_missing_secret_is_refused_and_nothing_processed(
        client: TestClient, fake: FakeTelegram, headers: dict[str, str]) -> None:
    fake.clear()
    res = client.post("/telegram/webhook", json=text_update(710_001, "/help"), headers=headers)
    assert res.status_code == 403
    assert fake.calls == []  # not even getMe: nothing was processed


def test_right_secret_is_processed(client: TestClient, fake: FakeTelegram) -> None:
    fake.clear()
    res = client.post("/telegram/webhook", json=text_update(710_002, "/help"),
                      headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert res.status_code == 200
    [reply] = fake.sent("sendMessage", chat_id=710_002)
    assert "/report" in reply.text


def test_bad_body_is_400_not_500(client: TestClient) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    assert client.post("/telegram/webhook", content=b"{not json", headers=headers).status_code == 400
    assert client.post("/telegram/webhook", json=[1, 2], headers=headers).status_code == 400


def test_without_a_token_the_route_is_404(small_index: Settings) -> None:
    with TestClient(create_app(small_index)) as c:
        res = c.post("/telegram/webhook", json={"update_id": 1},
                     headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert res.status_code == 404
