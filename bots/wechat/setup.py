"""Building the WeChat pieces from Settings: adapters for the routes, notifiers for the core."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.channel_store import TokenCache
from assistant.config import Settings
from assistant.db import init_db
from assistant.notify import registry
from bots.wechat.adapter import PASSIVE_SECONDS, WeChatAdapter
from bots.wechat.api import WeChatAPI, accounts
from bots.wechat.notifier import WeChatNotifier

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from assistant.dialogue.assistant import Assistant

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def engine_for(settings: Settings) -> Engine:
    """One migrated engine per database URL in this process."""
    url = settings.resolved_database_url
    with _lock:
        if url not in _engines:
            _engines[url] = init_db(settings)
        return _engines[url]


def api_for(settings: Settings, channel: str) -> WeChatAPI | None:
    """The API client of a channel, None without credentials."""
    account = accounts(settings)[channel]
    if not account.can_send:
        return None
    return WeChatAPI(account, TokenCache(engine_for(settings)), settings.wechat_api_url)


def build_adapter(settings: Settings, channel: str, assistant: Callable[[], Assistant],
                  passive_seconds: float = PASSIVE_SECONDS) -> WeChatAdapter:
    return WeChatAdapter(accounts(settings)[channel], engine_for(settings), assistant,
                         sender=api_for(settings, channel), passive_seconds=passive_seconds)


def register_notifiers(settings: Settings) -> list[str]:
    """Register a notifier for each account with API credentials; returns their channels."""
    done = []
    for channel in ("wechat", "wecom"):
        api = api_for(settings, channel)
        if api is not None:
            registry.register(WeChatNotifier(api))
            done.append(channel)
    return done
