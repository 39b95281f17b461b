"""Every one of the 105 real Update payloads (tests/fixtures/telegram, from nutgram's test
suite) goes through the real bot without an exception; what it does with each is what a user of
that chat would expect."""

from __future__ import annotations

import logging

import pytest

from tests.bots.telegram.conftest import Bot, load, payloads
from tests.fakes.telegram_api import FakeTelegram


def test_there_are_105_payloads() -> None:
    assert len(payloads()) == 105


def test_every_payload_is_handled_without_an_error(
        bot: Bot, fake: FakeTelegram, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    replies: dict[str, list[str]] = {}
    for path in payloads():
        calls = bot.feed(load(path))
        replies[path.stem] = [c.method for c in calls if c.method != "sendChatAction"]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    assert not [c for c in fake.calls if c.method == "sendMessage" and "出了问题" in c.text]

    # text reaches the core and is answered; commands are handled
    assert replies["text"] == ["sendMessage"]
    assert replies["command"] == ["sendMessage"]
    # media in a private chat: a short polite reply instead of silence
    for kind in ("photo", "sticker", "voice", "document", "location", "contact"):
        assert replies[kind] == ["sendMessage"], kind
    # buttons we did not make (or that expired) are acknowledged, never left spinning
    assert replies["callback_query"] == ["answerCallbackQuery"]
    assert replies["callback_query_without_message"] == ["answerCallbackQuery"]
    # what the bot does not use is ignored
    for kind in ("edited_message", "channel_post", "edited_channel_post", "inline_query", "poll",
                 "poll_answer", "my_chat_member", "chat_member", "pre_checkout_query",
                 "shipping_query", "new_chat_members", "left_chat_member", "pinned_message"):
        assert replies[kind] == [], kind


def test_polite_reply_to_media_is_in_the_users_language(bot: Bot, fake: FakeTelegram) -> None:
    photo = load(next(p for p in payloads() if p.stem == "photo"))
    chat = photo["message"]["chat"]["id"]
    [reply] = [c for c in bot.feed(photo) if c.method == "sendMessage"]
    assert reply.chat_id == chat and "文字" in reply.text and "text" in reply.text  # not chosen: both
