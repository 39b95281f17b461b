"""A WeChat-enabled app over the shared `small_index`, a local fake of the WeChat APIs, and
helpers that sign (and, in safe mode, encrypt) callbacks the way WeChat does.

Accounts use wechatpy's test values: token "123456", EncodingAESKey "kWxPEV2U...", AppID/CorpID
"wx49f0ab532d5d035a" (tests/fixtures/wechat). User ids made up here start with "fixture-".
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete

from assistant.api.app import create_app
from assistant.channel_store import ChannelMessageRow
from assistant.config import Settings
from bots.wechat.crypto import MessageCrypto, signature
from bots.wechat.setup import build_adapter, engine_for
from tests.fakes.wechat_api import FakeWeChatAPI, running

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "wechat"
TOKEN = "123456"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
APPID = "wx49f0ab532d5d035a"


def payloads() -> list[dict[str, Any]]:
    return list(json.loads((FIXTURES / "wechatpy_test_xml_messages.json").read_text("utf-8")))


def vectors() -> list[dict[str, Any]]:
    data = json.loads((FIXTURES / "wechatpy_crypto_signature_vectors.json").read_text("utf-8"))
    return list(data["cases"])


@pytest.fixture
def fake_api() -> Generator[FakeWeChatAPI, None, None]:
    yield from running()


@pytest.fixture
def settings(small_index: Settings, fake_api: FakeWeChatAPI, tmp_path: Path) -> Settings:
    """Both accounts configured (OA with an AES key for safe mode), a fresh database."""
    return small_index.model_copy(update={
        "database_url": f"sqlite:///{tmp_path / 'wechat.sqlite3'}",
        "wechat_token": TOKEN, "wechat_appid": APPID, "wechat_secret": "fixture-secret",
        "wechat_aes_key": AES_KEY,
        "wecom_corpid": APPID, "wecom_agentid": "1", "wecom_secret": "fixture-secret",
        "wecom_token": TOKEN, "wecom_aes_key": AES_KEY,
        "wechat_api_url": fake_api.url,
    })


def make_app(settings: Settings, passive_seconds: float | None = None) -> FastAPI:
    app = create_app(settings)
    if passive_seconds is not None:
        app.state.wechat_adapters = {
            ch: build_adapter(settings, ch, app.state.services.assistant, passive_seconds)
            for ch in ("wechat", "wecom")
        }
    return app


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return make_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Generator[TestClient, None, None]:
    with TestClient(app) as c:
        yield c


def forget_messages(settings: Settings) -> None:
    """Clear the de-duplication log (the wechatpy samples reuse one MsgId for every type)."""
    with engine_for(settings).begin() as conn:
        conn.execute(delete(ChannelMessageRow))


# -- what WeChat sends -----------------------------------------------------------------------
@dataclass
class Signed:
    params: dict[str, str]
    body: bytes


def plain(xml: str, token: str = TOKEN, ts: str = "1710000000", nonce: str = "fixture1") -> Signed:
    return Signed({"signature": signature(token, ts, nonce), "timestamp": ts, "nonce": nonce},
                  xml.encode("utf-8"))


def safe(xml: str, token: str = TOKEN, receive_id: str = APPID, ts: str = "1710000000",
         nonce: str = "fixture2") -> Signed:
    crypto = MessageCrypto(token, AES_KEY, receive_id)
    enc = crypto.encrypt(xml)
    body = f"<xml><ToUserName><![CDATA[{receive_id}]]></ToUserName><Encrypt><![CDATA[{enc}]]></Encrypt></xml>"
    return Signed({"msg_signature": crypto.sign(ts, nonce, enc), "timestamp": ts, "nonce": nonce,
                   "signature": signature(token, ts, nonce), "encrypt_type": "aes"},
                  body.encode("utf-8"))


def text_xml(user: str, content: str, msg_id: int | None = None, to: str = "gh_fixture") -> str:
    msg_id = msg_id if msg_id is not None else time.monotonic_ns()
    return ("<xml>"
            f"<ToUserName><![CDATA[{to}]]></ToUserName>"
            f"<FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime>"
            "<MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content>"
            f"<MsgId>{msg_id}</MsgId>"
            "</xml>")


def reply_content(body: str, token: str = TOKEN, receive_id: str = APPID) -> str | None:
    """The text of a passive reply (decrypted when it is a safe-mode envelope), None for success."""
    if body == "success":
        return None
    match = re.search(r"<Encrypt><!\[CDATA\[(.*?)\]\]></Encrypt>", body, re.S)
    if match:
        body = MessageCrypto(token, AES_KEY, receive_id).decrypt(match.group(1))
    found = re.search(r"<Content><!\[CDATA\[(.*)\]\]></Content>", body, re.S)
    assert found, body
    return found.group(1).replace("]]]]><![CDATA[>", "]]>")


def post(client: TestClient, path: str, signed: Signed) -> Any:
    return client.post(path, params=signed.params, content=signed.body,
                       headers={"Content-Type": "text/xml"})
