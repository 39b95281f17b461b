"""What the bot remembers per chat between button presses, kept in the database.

Telegram limits callback_data to 64 bytes, so a button carries a short key and the text it
stands for (a follow-up question, the next part of an answer, the source list) is looked up
here. Stored with the core's session store, so buttons keep working after a restart; only the
most recent entries are kept.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.dialogue.sessions import SessionStore

MAX_KEYS = 40
MAX_ANSWERS = 8


@dataclass
class StoredAnswer:
    """The parts of one answer that are sent only when asked for."""

    more: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


@dataclass
class ChatState:
    """Button keys of one chat: `asks` key -> text to ask, `answers` id -> stored parts."""

    counter: int = 0
    asks: dict[str, str] = field(default_factory=dict)
    answers: dict[str, StoredAnswer] = field(default_factory=dict)

    def _next(self) -> str:
        self.counter += 1
        return _base36(self.counter)

    def ask_key(self, text: str) -> str:
        """A short key for a question a button will ask (the same text reuses its key)."""
        for key, known in self.asks.items():
            if known == text:
                return key
        key = self._next()
        self.asks[key] = text
        while len(self.asks) > MAX_KEYS:
            self.asks.pop(next(iter(self.asks)))
        return key

    def add_answer(self, stored: StoredAnswer) -> str:
        key = self._next()
        self.answers[key] = stored
        while len(self.answers) > MAX_ANSWERS:
            self.answers.pop(next(iter(self.answers)))
        return key

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ChatState:
        if not data:
            return cls()
        try:
            answers = {str(k): StoredAnswer(more=[str(p) for p in v.get("more", [])],
                                            sources=[str(p) for p in v.get("sources", [])])
                       for k, v in dict(data.get("answers") or {}).items()}
            asks = {str(k): str(v) for k, v in dict(data.get("asks") or {}).items()}
            return cls(counter=int(data.get("counter") or 0), asks=asks, answers=answers)
        except (AttributeError, TypeError, ValueError):  # an unreadable state starts afresh
            return cls()


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


class ChatStates:
    """Load and save ChatState per chat (a key of its own in the session store)."""

    def __init__(self, store: SessionStore, ttl_hours: int) -> None:
        self.store = store
        self.ttl_hours = ttl_hours

    @staticmethod
    def key(chat_id: int) -> str:
        return f"telegram-ui:{chat_id}"

    def load(self, chat_id: int) -> ChatState:
        return ChatState.from_json(self.store.load(self.key(chat_id)))

    def save(self, chat_id: int, state: ChatState) -> None:
        self.store.save(self.key(chat_id), state.to_json(), self.ttl_hours)
