"""Failures are logged, never shown raw: the user gets a short bilingual apology."""

from __future__ import annotations

import logging

import pytest

from assistant.config import Settings
from assistant.dialogue.assistant import Assistant
from assistant.index.store import IndexNotReady
from tests.bots.telegram.conftest import Bot, text_update
from tests.fakes.telegram_api import FakeTelegram


def test_a_bot_api_error_is_logged_and_the_user_gets_an_apology(
        bot: Bot, fake: FakeTelegram, caplog: pytest.LogCaptureFixture) -> None:
    fake.fail("sendMessage", 400, {"ok": False, "error_code": 400,
                                   "description": "Bad Request: can't parse entities"})
    caplog.set_level(logging.ERROR, logger="bots.telegram")
    calls = bot.feed(text_update(740_001, "/help"))
    sent = [c for c in calls if c.method == "sendMessage"]
    assert len(sent) == 2  # the refused one, then the apology
    assert "抱歉" in sent[1].text and "Sorry" in sent[1].text and "parse" not in sent[1].text
    assert any("failed" in r.getMessage() for r in caplog.records)


def test_no_index_yet_gets_a_polite_wait(bot_settings: Settings, fake: FakeTelegram) -> None:
    def not_ready() -> Assistant:
        raise IndexNotReady("no index")

    b = Bot(bot_settings, fake, not_ready)
    try:
        [reply] = b.say(740_002, "What do toys need for the EU?")
        assert "资料库" in reply.text and "knowledge base" in reply.text
    finally:
        b.close()
