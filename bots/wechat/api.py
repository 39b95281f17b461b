"""The two WeChat APIs we call: get an access token, send a text message to a user.

Official Account: GET /cgi-bin/token, POST /cgi-bin/message/custom/send (customer-service
message, allowed within 48 hours of the user's last message). WeCom: GET /cgi-bin/gettoken, POST
/cgi-bin/message/send (app message). The token lives in the database (`TokenCache`), shared by
all workers; when WeChat says it is invalid or expired (40001, 40014, 42001) it is dropped,
fetched again and the send retried once.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from assistant.channel_store import TokenCache
from assistant.config import Settings
from assistant.notify import Delivery
from bots.wechat.text import split_bytes

log = logging.getLogger(__name__)

OA_API = "https://api.weixin.qq.com"
WECOM_API = "https://qyapi.weixin.qq.com"
TOKEN_LEASE_S = 15.0  # how long one worker may take to fetch a new token before another tries
TOKEN_ERRORS = {40001, 40014, 42001}
RETRYABLE = {-1, 45009, 45011, 45033}  # busy, rate limits: worth another try later


@dataclass(frozen=True)
class Account:
    """One WeChat account the server answers for: an Official Account or a WeCom app."""

    channel: str  # "wechat" (Official Account) or "wecom"
    token: str | None  # the callback Token
    aes_key: str | None  # EncodingAESKey (safe mode); WeCom always uses it
    receive_id: str | None  # AppID or CorpID
    secret: str | None  # AppSecret or the WeCom app Secret
    agent_id: str | None = None  # WeCom AgentId

    @property
    def configured(self) -> bool:
        """Callbacks are served once the Token is set."""
        return bool(self.token)

    @property
    def can_send(self) -> bool:
        """Messages outside a reply (slow answers, staff, alerts) need the API credentials."""
        ok = bool(self.receive_id and self.secret)
        return ok and (self.channel != "wecom" or bool(self.agent_id))

    @property
    def cache_key(self) -> str:
        return f"{self.channel}:{self.receive_id}:{self.agent_id or ''}"


def accounts(settings: Settings) -> dict[str, Account]:
    """The Official Account and the WeCom app as configured (possibly not at all)."""
    return {
        "wechat": Account("wechat", settings.wechat_token, settings.wechat_aes_key,
                          settings.wechat_appid, settings.wechat_secret),
        "wecom": Account("wecom", settings.wecom_token, settings.wecom_aes_key,
                         settings.wecom_corpid, settings.wecom_secret, settings.wecom_agentid),
    }


class APIError(RuntimeError):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"WeChat API error {code}: {message}")
        self.code = code


class WeChatAPI:
    """Sends text to one user of one account; thread-safe (httpx.Client is)."""

    def __init__(self, account: Account, tokens: TokenCache, base_url: str | None = None,
                 timeout: float = 10.0) -> None:
        self.account, self.tokens = account, tokens
        default = WECOM_API if account.channel == "wecom" else OA_API
        self.base_url = (base_url or default).rstrip("/")
        self.client = httpx.Client(timeout=timeout)

    # -- token ---------------------------------------------------------------------------
    def access_token(self) -> str:
        """The shared token; only one worker fetches a new one (a fetch revokes the old token),
        the others wait for it in the shared cache, and fetch themselves only if it never comes."""
        key = self.account.cache_key
        cached = self.tokens.get(key)
        if cached:
            return cached
        holder = f"{os.getpid()}-{threading.get_ident()}-{secrets.token_hex(4)}"
        if self.tokens.acquire(key, holder, TOKEN_LEASE_S):
            try:  # another worker may have stored one between our look and the lease
                return self.tokens.get(key) or self._fetch_token()
            finally:
                self.tokens.release(key, holder)
        deadline = time.monotonic() + TOKEN_LEASE_S
        while time.monotonic() < deadline:
            time.sleep(0.05)
            cached = self.tokens.get(key)
            if cached:
                return cached
        return self._fetch_token()

    def _fetch_token(self) -> str:
        if self.account.channel == "wecom":
            url, params = "/cgi-bin/gettoken", {"corpid": self.account.receive_id,
                                                 "corpsecret": self.account.secret}
        else:
            url, params = "/cgi-bin/token", {"grant_type": "client_credential",
                                              "appid": self.account.receive_id,
                                              "secret": self.account.secret}
        data = self._json(self.client.get(self.base_url + url, params=params))
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise APIError(int(data.get("errcode") or -2), str(data.get("errmsg") or "no token"))
        self.tokens.put(self.account.cache_key, token, float(data.get("expires_in") or 7200))
        return token

    # -- messages ------------------------------------------------------------------------
    def send_text(self, user_id: str, text: str) -> Delivery:
        """Send `text` (split into 2,048-byte parts) to `user_id`; the first failure stops it."""
        for part in split_bytes(text):
            delivery = self._send_one(user_id, part)
            if not delivery.ok:
                return delivery
        return Delivery(True)

    def _payload(self, user_id: str, text: str) -> dict[str, Any]:
        body: dict[str, Any] = {"touser": user_id, "msgtype": "text", "text": {"content": text}}
        if self.account.channel == "wecom":
            agent = self.account.agent_id or "0"
            body["agentid"] = int(agent) if agent.isdigit() else agent
            body["safe"] = 0
        return body

    def _send_one(self, user_id: str, text: str) -> Delivery:
        path = "/cgi-bin/message/send" if self.account.channel == "wecom" else "/cgi-bin/message/custom/send"
        # WeChat shows \\uXXXX escapes literally: the JSON must carry UTF-8 characters
        content = json.dumps(self._payload(user_id, text), ensure_ascii=False).encode("utf-8")
        for attempt in range(2):
            try:
                token = self.access_token()
                data = self._json(self.client.post(
                    self.base_url + path, params={"access_token": token}, content=content,
                    headers={"Content-Type": "application/json; charset=utf-8"}))
            except APIError as exc:
                return Delivery(False, str(exc), retryable=exc.code in RETRYABLE)
            except httpx.HTTPError as exc:
                return Delivery(False, f"network: {type(exc).__name__}", retryable=True)
            code = int(data.get("errcode") or 0)
            if code == 0:
                return Delivery(True)
            if code in TOKEN_ERRORS and attempt == 0:
                log.info("%s access token rejected (%s); refreshing", self.account.channel, code)
                self.tokens.invalidate(self.account.cache_key, token)
                continue
            return Delivery(False, f"WeChat API error {code}", retryable=code in RETRYABLE)
        return Delivery(False, "access token rejected twice", retryable=True)

    @staticmethod
    def _json(response: httpx.Response) -> dict[str, Any]:
        if response.status_code != 200:
            raise APIError(-response.status_code, "HTTP status")
        try:
            data = response.json()
        except ValueError as exc:
            raise APIError(-3, "response is not JSON") from exc
        if not isinstance(data, dict):
            raise APIError(-3, "response is not an object")
        return data

    def close(self) -> None:
        self.client.close()
