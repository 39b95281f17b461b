"""The Telegram Notifier: staff and alerts reach a Telegram user through the Bot API."""

from __future__ import annotations

from assistant.config import Settings
from assistant.notify import Address, registry
from bots.telegram.notifier import register_notifier
from tests.fakes.telegram_api import FakeTelegram


def test_registered_notifier_sends_escaped_text(bot_settings: Settings, fake: FakeTelegram) -> None:
    assert register_notifier(bot_settings) is not None
    try:
        fake.clear()
        delivery = registry.send(Address("telegram", "720001"), "Status <changed> & done",
                                 subject="BR-2026-000001")
        assert delivery.ok
        [call] = fake.sent("sendMessage", chat_id=720001)
        assert call.params["parse_mode"] == "HTML"
        assert "&lt;changed&gt; &amp; done" in call.text and "<b>BR-2026-000001</b>" in call.text
    finally:
        registry.unregister("telegram")


def test_blocked_user_is_a_failed_delivery_not_an_exception(
        bot_settings: Settings, fake: FakeTelegram) -> None:
    notifier = register_notifier(bot_settings)
    assert notifier is not None
    try:
        fake.fail("sendMessage", 403, {"ok": False, "error_code": 403,
                                       "description": "Forbidden: bot was blocked by the user"})
        delivery = notifier.send(Address("telegram", "720002"), "fixture notice")
        assert not delivery.ok and not delivery.retryable and "403" in (delivery.error or "")
        fake.fail("sendMessage", 429, {"ok": False, "error_code": 429, "description": "Too Many Requests",
                                       "parameters": {"retry_after": 1}})
        assert notifier.send(Address("telegram", "720002"), "fixture").retryable
        assert not notifier.send(Address("telegram", "not-a-number"), "fixture").ok
    finally:
        registry.unregister("telegram")


def test_no_token_no_notifier(small_index: Settings) -> None:
    assert register_notifier(small_index) is None
