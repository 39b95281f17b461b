"""`assistant.notify.Notifier` for WeChat users: staff replies and alerts reach them in WeChat.

The Official Account sends a customer-service message (WeChat allows it within 48 hours of the
user's last message; later it fails with 45015 and the Delivery says so, not retryable), the
WeCom app an app message (no time limit). Text is sent plain, in 2,048-byte parts.
"""

from __future__ import annotations

from assistant.notify import Address, Delivery
from bots.wechat.api import WeChatAPI
from bots.wechat.text import plain


class WeChatNotifier:
    """The notifier of one account; `channel` is "wechat" or "wecom"."""

    def __init__(self, api: WeChatAPI) -> None:
        self.api = api
        self.channel = api.account.channel

    def send(self, address: Address, text: str, *, subject: str | None = None) -> Delivery:
        if address.channel != self.channel:
            return Delivery(False, f"address is for {address.channel}, not {self.channel}",
                            retryable=False)
        if not address.user_id:
            return Delivery(False, "no user id", retryable=False)
        body = plain(text)
        if subject:
            body = f"{plain(subject)}\n\n{body}"
        return self.api.send_text(address.user_id, body)
