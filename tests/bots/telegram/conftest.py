"""The real python-telegram-bot Application against a local fake of the Bot API.

`bot` runs updates through `Application.process_update` on its own event loop and returns what
the fake server received. The index is the shared `small_index`; one Assistant is shared by the
module's bots (the core itself is not faked). Updates written here are fixtures: their users and
chats are named "fixture".
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import AIORateLimiter, Application

from assistant.config import Settings
from assistant.dialogue.assistant import Assistant
from assistant.notify import registry
from bots.telegram.app import build_application
from bots.telegram.updates import parse_update
from tests.fakes.telegram_api import Call, FakeTelegram, fake_telegram

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "telegram"
SECRET = "fixture-secret_1"
_update_ids = itertools.count(900_000)


def payloads() -> list[Path]:
    return sorted((FIXTURES / "updates").glob("*.json"))


def text_update(chat_id: int, text: str, *, user_id: int | None = None, chat_type: str = "private",
                language_code: str = "zh-hans", reply_to: dict[str, Any] | None = None) -> dict[str, Any]:
    """A fixture text message (commands get their bot_command entity, as Telegram sends them)."""
    uid = user_id or chat_id
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    chat.update({"first_name": "fixture"} if chat_type == "private" else {"title": "fixture group"})
    message: dict[str, Any] = {
        "message_id": next(_update_ids), "date": int(time.time()), "chat": chat, "text": text,
        "from": {"id": uid, "is_bot": False, "first_name": "fixture", "language_code": language_code},
    }
    if text.startswith(("/", "@")):  # as Telegram marks a leading command or mention
        kind = "bot_command" if text.startswith("/") else "mention"
        message["entities"] = [{"type": kind, "offset": 0, "length": len(text.split()[0])}]
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    return {"update_id": next(_update_ids), "message": message}


def button_update(chat_id: int, data: str, message_id: int = 1) -> dict[str, Any]:
    """A fixture press of an inline button under message `message_id`."""
    user = {"id": chat_id, "is_bot": False, "first_name": "fixture", "language_code": "zh-hans"}
    return {"update_id": next(_update_ids), "callback_query": {
        "id": str(next(_update_ids)), "from": user, "chat_instance": "fixture", "data": data,
        "message": {"message_id": message_id, "date": int(time.time()), "text": "fixture",
                    "chat": {"id": chat_id, "type": "private", "first_name": "fixture"},
                    "from": {"id": 123456, "is_bot": True, "first_name": "TBT fixture bot"}},
    }}


class Bot:
    """One bot (the real Application) on its own event loop, fed update by update."""

    def __init__(self, settings: Settings, fake: FakeTelegram,
                 assistant: Assistant | Callable[[], Assistant], rate_limiter: Any = None) -> None:
        self.fake = fake
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        limiter = rate_limiter or AIORateLimiter(overall_max_rate=0, group_max_rate=0)
        self.app: Application = build_application(  # type: ignore[type-arg]
            settings, assistant=assistant if callable(assistant) else lambda: assistant,
            rate_limiter=limiter, updater=False)
        self.loop.run_until_complete(self.app.initialize())

    def feed(self, update: dict[str, Any]) -> list[Call]:
        """Process one update; the Bot API calls it caused, in order."""
        before = len(self.fake.calls)
        parsed = parse_update(update, self.app.bot)  # what the webhook and polling do too
        assert parsed is not None
        self.loop.run_until_complete(self.app.process_update(parsed))
        return self.fake.calls[before:]

    def say(self, chat_id: int, text: str, **kw: Any) -> list[Call]:
        return [c for c in self.feed(text_update(chat_id, text, **kw)) if c.method == "sendMessage"]

    def press(self, chat_id: int, data: str) -> list[Call]:
        return self.feed(button_update(chat_id, data))

    def close(self) -> None:
        self.loop.run_until_complete(self.app.shutdown())
        self.loop.close()


def button(calls: list[Call], text_part: str) -> str:
    """The callback data of the first button whose label contains `text_part`."""
    for call in calls:
        for b in call.buttons():
            if text_part in b.get("text", ""):
                return str(b["callback_data"])
    labels = [b.get("text") for c in calls for b in c.buttons()]
    raise AssertionError(f"no button {text_part!r} in {labels}")


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    with fake_telegram() as server:
        yield server


@pytest.fixture(scope="module")
def bot_settings(small_index: Settings, fake: FakeTelegram) -> Settings:
    return small_index.model_copy(update={
        "telegram_token": fake.token, "telegram_api_url": fake.base_url,
        "telegram_webhook_secret": SECRET,
    })


@pytest.fixture(scope="module")
def assistant(small_index: Settings) -> Assistant:
    return Assistant(small_index)


@pytest.fixture
def bot(bot_settings: Settings, fake: FakeTelegram, assistant: Assistant) -> Generator[Bot, None, None]:
    b = Bot(bot_settings, fake, assistant)
    try:
        yield b
    finally:
        b.close()
        registry.unregister("telegram")


def load(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data
