"""The python-telegram-bot Application for our settings: token, API base URL, rate limiter,
handlers; and the polling loop behind `tbt telegram`."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable

from telegram import Update
from telegram.ext import AIORateLimiter, Application, BaseRateLimiter
from telegram.request import HTTPXRequest

from assistant.config import Settings
from assistant.dialogue.assistant import Assistant
from bots.telegram.core import TelegramCore
from bots.telegram.handlers import Handlers, bot_commands
from bots.telegram.notifier import register_notifier
from bots.telegram.updates import TolerantBot

log = logging.getLogger("bots.telegram")

DEFAULT_API_URL = "https://api.telegram.org"
CONCURRENT_UPDATES = 8
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


class NotConfigured(RuntimeError):
    """TBT_TELEGRAM_TOKEN is not set."""


def api_url(settings: Settings) -> str:
    return (settings.telegram_api_url or DEFAULT_API_URL).rstrip("/")


def build_application(
    settings: Settings,
    assistant: Callable[[], Assistant] | None = None,
    rate_limiter: BaseRateLimiter | None = None,  # type: ignore[type-arg]
    updater: bool = True,
) -> Application:  # type: ignore[type-arg]
    """The bot for `settings`; `assistant` gives the core (default: one Assistant of our own).

    `updater=False` for webhook mode, where the FastAPI route feeds updates in."""
    if not settings.telegram_token:
        raise NotConfigured("TBT_TELEGRAM_TOKEN is not set (see README, Telegram bot)")
    if assistant is None:
        own = Assistant(settings)
        assistant = lambda: own  # noqa: E731
    base = api_url(settings)
    bot = TolerantBot(
        settings.telegram_token,
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        request=HTTPXRequest(connection_pool_size=CONCURRENT_UPDATES * 2),
        get_updates_request=HTTPXRequest(),
        rate_limiter=rate_limiter or AIORateLimiter(max_retries=2),  # type: ignore[arg-type]
    )
    builder = Application.builder().bot(bot).concurrent_updates(CONCURRENT_UPDATES)
    if not updater:
        builder = builder.updater(None)
    application = builder.build()
    Handlers(TelegramCore(settings, assistant)).install(application)
    register_notifier(settings)
    return application


async def set_commands(application: Application) -> None:  # type: ignore[type-arg]
    """The command menu, in English by default and in Chinese for Chinese Telegram clients."""
    await application.bot.set_my_commands(bot_commands("en"))
    await application.bot.set_my_commands(bot_commands("zh"), language_code="zh")


def run_polling(settings: Settings) -> None:
    """`tbt telegram`: long polling until Ctrl-C (removes a webhook first: they exclude each other)."""

    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        await application.bot.delete_webhook()
        await set_commands(application)
        me = application.bot.username
        log.info("telegram bot @%s polling %s", me, api_url(settings))

    application = build_application(settings)
    application.post_init = post_init
    application.run_polling(allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)


_SECRET_CHARS = re.compile(r"[A-Za-z0-9_-]{1,256}")


def configure_webhook(settings: Settings, url: str | None) -> str:
    """Point Telegram at `url` with our secret token (or remove the webhook when `url` is None)."""
    if url is not None:
        if not url.startswith("https://"):
            raise ValueError("Telegram only delivers to an https:// URL")
        secret = settings.telegram_webhook_secret or ""
        if not _SECRET_CHARS.fullmatch(secret):
            raise ValueError("set TBT_TELEGRAM_WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -) first")

    async def call() -> str:
        application = build_application(settings, updater=False)
        async with application:
            if url is None:
                await application.bot.delete_webhook()
                return "webhook removed; use `tbt telegram` to poll"
            await application.bot.set_webhook(url, secret_token=settings.telegram_webhook_secret,
                                              allowed_updates=ALLOWED_UPDATES)
            await set_commands(application)
            return f"webhook set: {url}"

    return asyncio.run(call())
