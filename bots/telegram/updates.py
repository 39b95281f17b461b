"""Reading Updates without letting one odd payload stop the bot.

Telegram adds fields faster than the library follows, and the library refuses some real payloads
(e.g. a poll without fields it now requires). Such an update is logged by its id and replaced
by a bare `Update(update_id)` that no handler matches: webhook calls are still answered 200 (so
Telegram does not resend it forever) and long polling moves past it instead of retrying it.
"""

from __future__ import annotations

import datetime as dtm
import logging
from collections.abc import Sequence
from typing import Any, cast

from telegram import Bot, Update
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import JSONDict, ODVInput, TimePeriod
from telegram.ext import ExtBot

log = logging.getLogger("bots.telegram")


def parse_update(data: dict[str, Any], bot: Bot) -> Update | None:
    """The Update, a bare one when its content cannot be read, None without an update_id."""
    update_id = data.get("update_id")
    if not isinstance(update_id, int):
        return None
    try:
        return Update.de_json(data, bot)
    except Exception as exc:  # the library's own checks: any of them may refuse a payload
        kinds = [k for k in data if k != "update_id"]
        log.warning("telegram update %s (%s) could not be read and is skipped: %s",
                    update_id, ",".join(kinds), type(exc).__name__)
        update = Update(update_id=update_id)
        update.set_bot(bot)
        return update


class TolerantBot(ExtBot[None]):
    """ExtBot whose getUpdates skips unreadable updates instead of failing the whole batch."""

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: TimePeriod | None = None,
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> tuple[Update, ...]:
        data: JSONDict = {"timeout": timeout, "offset": offset, "limit": limit,
                          "allowed_updates": allowed_updates}
        base = (self._request[0].read_timeout or 0) if isinstance(read_timeout, DefaultValue) \
            else (read_timeout or 0)
        wait = timeout.total_seconds() if isinstance(timeout, dtm.timedelta) else (timeout or 0)
        result = cast("list[JSONDict]", await self._post(
            "getUpdates", data, read_timeout=base + wait, write_timeout=write_timeout,
            connect_timeout=connect_timeout, pool_timeout=pool_timeout, api_kwargs=api_kwargs,
        ))
        updates = [u for u in (parse_update(d, self) for d in result or []) if u is not None]
        return tuple(updates)
