"""`assistant.notify.Notifier` for Telegram: staff replies and alerts reach a Telegram user.

Synchronous (the core calls it from ordinary threads) and independent of the running bot: it
sends straight to the Bot API's sendMessage. Failures come back as a Delivery with the Bot API
error code, never the message text or the address.
"""

from __future__ import annotations

import logging

import httpx

from assistant.config import Settings
from assistant.notify import Address, Delivery, registry
from bots.telegram.render import esc, pack, text_blocks

log = logging.getLogger("bots.telegram")

DEFAULT_API_URL = "https://api.telegram.org"
TIMEOUT = 10.0


class TelegramNotifier:
    """Sends plain text (escaped, split under the limit) to `Address("telegram", chat_id)`."""

    channel = "telegram"

    def __init__(self, token: str, api_url: str | None = None, timeout: float = TIMEOUT) -> None:
        self._url = f"{(api_url or DEFAULT_API_URL).rstrip('/')}/bot{token}/sendMessage"
        self._timeout = timeout

    def send(self, address: Address, text: str, *, subject: str | None = None) -> Delivery:
        if address.channel != self.channel:
            return Delivery(False, f"not a telegram address: {address.channel}", retryable=False)
        try:
            chat_id = int(address.user_id)
        except ValueError:
            return Delivery(False, "invalid telegram chat id", retryable=False)
        head = [f"<b>{esc(subject.strip())}</b>"] if subject and subject.strip() else []
        parts = pack(head + text_blocks(text)) or [esc(" ")]
        try:
            with httpx.Client(timeout=self._timeout) as client:
                for part in parts:
                    res = client.post(self._url, json={
                        "chat_id": chat_id, "text": part, "parse_mode": "HTML",
                        "link_preview_options": {"is_disabled": True},
                    })
                    delivery = _delivery(res)
                    if not delivery.ok:
                        return delivery
        except httpx.HTTPError as exc:
            log.warning("telegram notification failed: %s", type(exc).__name__)
            return Delivery(False, f"network error: {type(exc).__name__}", retryable=True)
        return Delivery(True)


def _delivery(res: httpx.Response) -> Delivery:
    if res.status_code == 200:
        return Delivery(True)
    try:
        body = res.json()
        description = str(body.get("description") or "")[:120]
    except ValueError:
        description = ""
    error = f"telegram {res.status_code}" + (f": {description}" if description else "")
    log.warning("telegram notification failed: %s", error)
    # 429 (flood) and 5xx pass; 400 (chat not found), 401 (token), 403 (blocked) will not
    return Delivery(False, error, retryable=res.status_code == 429 or res.status_code >= 500)


def register_notifier(settings: Settings) -> TelegramNotifier | None:
    """Register the Telegram notifier when a bot token is configured."""
    if not settings.telegram_token:
        return None
    notifier = TelegramNotifier(settings.telegram_token, settings.telegram_api_url)
    registry.register(notifier)
    return notifier
