"""Delivering a message to a person through the channel they came from.

The core (staff console status changes, early-warning alerts) never imports a channel. It asks the
registry for the `Notifier` of an address's channel; channels (Telegram, WeChat, WeCom, e-mail)
register theirs when they are configured. Tests register fakes that speak each remote protocol.

An address is the channel plus the id the channel knows the person by. Chat channels use the same
pair to form the core session id (`session_id_for`), so a conversation, a filed report and a later
notification all point at the same person.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

CHANNELS = ("web", "api", "telegram", "wechat", "wecom", "email", "demo")


@dataclass(frozen=True)
class Address:
    """Where a person can be reached: `channel` (one of CHANNELS) and that channel's user id."""

    channel: str
    user_id: str

    @classmethod
    def from_session_id(cls, session_id: str | None) -> Address | None:
        """The address a chat session id was formed from (`telegram:123`), None for web/api ids."""
        if not session_id or ":" not in session_id:
            return None
        channel, _, user = session_id.partition(":")
        return cls(channel, user) if channel in CHANNELS and user else None


def session_id_for(channel: str, user_id: str) -> str:
    """The core session id of a chat user: `telegram:123456`, `wechat:oABC...`, `wecom:zhangsan`."""
    return f"{channel}:{user_id}"[:128]


@dataclass(frozen=True)
class Delivery:
    """What happened to one message: `ok`, and the reason when it failed (never personal data)."""

    ok: bool
    error: str | None = None
    retryable: bool = True


@runtime_checkable
class Notifier(Protocol):
    """Sends plain text (the chat-length form of an answer or a notice) to one address."""

    channel: str

    def send(self, address: Address, text: str, *, subject: str | None = None) -> Delivery: ...


class NotifierRegistry:
    """The notifiers configured in this process, by channel."""

    def __init__(self) -> None:
        self._by_channel: dict[str, Notifier] = {}
        self._lock = threading.Lock()

    def register(self, notifier: Notifier) -> None:
        with self._lock:
            self._by_channel[notifier.channel] = notifier

    def unregister(self, channel: str) -> None:
        with self._lock:
            self._by_channel.pop(channel, None)

    def get(self, channel: str) -> Notifier | None:
        return self._by_channel.get(channel)

    def send(self, address: Address, text: str, *, subject: str | None = None) -> Delivery:
        notifier = self.get(address.channel)
        if notifier is None:
            return Delivery(False, f"no notifier for channel {address.channel}", retryable=False)
        try:
            return notifier.send(address, text, subject=subject)
        except Exception as exc:  # a channel's failure is reported, never raised into the core
            return Delivery(False, f"{type(exc).__name__}", retryable=True)


registry = NotifierRegistry()
