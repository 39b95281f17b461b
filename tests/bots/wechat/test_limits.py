"""Bodies WeChat would never send: too large (413), malformed (400), with a DTD, external entities
(XXE) or entity expansion (billion laughs) (400, nothing expanded or fetched, nothing processed)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.channel_store import MessageLog
from assistant.config import Settings
from bots.wechat.router import MAX_BODY
from bots.wechat.setup import engine_for
from tests.bots.wechat.conftest import plain, post, safe, text_xml

XXE = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName><![CDATA[gh_fixture]]></ToUserName><FromUserName><![CDATA[fixture-xxe]]></FromUserName>
<CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<xml><FromUserName>fixture-laughs</FromUserName><MsgType>text</MsgType><Content>&d;</Content></xml>"""

PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<xml><FromUserName>fixture-pe</FromUserName><MsgType>text</MsgType><Content>x</Content></xml>"""


@pytest.mark.parametrize("body", [XXE, LAUGHS, PARAMETER_ENTITY], ids=["xxe", "billion-laughs", "parameter-entity"])
def test_dtd_and_entities_are_refused(client: TestClient, settings: Settings, body: str) -> None:
    for path, signed in (("/wechat", plain(body)), ("/wecom", safe(body))):
        r = post(client, path, signed)
        assert r.status_code == 400 and "DTD" in r.text and "root:" not in r.text
    log = MessageLog(engine_for(settings))
    assert log.count("wechat") == 0 and log.count("wecom") == 0


@pytest.mark.parametrize("body", ["", "not xml", "<xml>", "<xml><a></b></xml>", "<html></html>",
                                  "<xml><MsgType>text</MsgType></xml>", "\ufffe\x00"])
def test_malformed_bodies_get_400(client: TestClient, body: str) -> None:
    r = post(client, "/wechat", plain(body))
    assert r.status_code == 400 and r.text


def test_oversize_body_gets_413_before_anything_else(client: TestClient, settings: Settings) -> None:
    big = text_xml("fixture-big", "长" * (MAX_BODY // 2))
    assert len(big.encode()) > MAX_BODY
    r = post(client, "/wechat", plain(big))
    assert r.status_code == 413
    # also when the client does not say how long the body is (chunked upload)
    chunks = (big.encode()[i:i + 4096] for i in range(0, len(big.encode()), 4096))
    r = client.post("/wechat", params=plain("").params, content=chunks)
    assert r.status_code == 413
    assert MessageLog(engine_for(settings)).count("wechat") == 0


def test_encrypted_garbage_is_refused(client: TestClient) -> None:
    signed = safe(text_xml("fixture-enc", "hello"))
    signed.body = signed.body.replace(b"<Encrypt><![CDATA[", b"<Encrypt><![CDATA[AAAA")
    assert post(client, "/wecom", signed).status_code == 403  # signature no longer matches
