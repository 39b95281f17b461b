"""The user's language: replies follow what they write until they choose one (remembered across
restarts); other message types get a short reply in their language. And the notifier staff and
alerts use to reach WeChat and WeCom users."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.notify import Address, registry
from bots.wechat.setup import register_notifiers
from tests.bots.wechat.conftest import make_app, plain, post, reply_content, text_xml
from tests.fakes.wechat_api import FakeWeChatAPI

CJK = re.compile(r"[\u4e00-\u9fff]")
IMAGE = ("<xml><ToUserName><![CDATA[gh_fixture]]></ToUserName><FromUserName><![CDATA[{user}]]>"
         "</FromUserName><CreateTime>1710000000</CreateTime><MsgType><![CDATA[image]]></MsgType>"
         "<PicUrl><![CDATA[http://127.0.0.1/fixture.jpg]]></PicUrl><MsgId>{id}</MsgId></xml>")
VOICE = ("<xml><ToUserName><![CDATA[gh_fixture]]></ToUserName><FromUserName><![CDATA[{user}]]>"
         "</FromUserName><CreateTime>1710000000</CreateTime><MsgType><![CDATA[voice]]></MsgType>"
         "<MediaId><![CDATA[fixture]]></MediaId><Format><![CDATA[amr]]></Format>"
         "<Recognition><![CDATA[What is CBAM?]]></Recognition><MsgId>{id}</MsgId></xml>")


def _say(client: TestClient, user: str, text: str) -> str:
    reply = reply_content(post(client, "/wechat", plain(text_xml(user, text))).text)
    assert reply
    return reply


def test_language_follows_the_user(client: TestClient) -> None:
    user = "fixture-lang"
    # before anything is known: both languages
    first = reply_content(post(client, "/wechat", plain(IMAGE.format(user=user, id=1))).text)
    assert first and CJK.search(first) and "text" in first
    assert "CBAM" in _say(client, user, "What is CBAM?")
    english = reply_content(post(client, "/wechat", plain(IMAGE.format(user=user, id=2))).text)
    assert english and not CJK.search(english)  # follows what they wrote
    assert CJK.search(_say(client, user, "中文"))  # chosen: Chinese from now on
    assert CJK.search(_say(client, user, "What is CBAM?"))


def test_chosen_language_survives_a_restart(settings: Settings) -> None:
    user = "fixture-restart"
    with TestClient(make_app(settings)) as client:
        assert not CJK.search(_say(client, user, "English"))
    with TestClient(make_app(settings)) as client:  # a new process
        reply = _say(client, user, "出口蓝牙耳机到欧盟需要什么认证？")
        assert len(CJK.findall(reply)) < len(re.findall(r"[A-Za-z]", reply)) / 10  # English


def test_transcribed_voice_is_a_question(client: TestClient) -> None:
    reply = reply_content(post(client, "/wechat", plain(VOICE.format(user="fixture-voice", id=3))).text)
    assert reply and "CBAM" in reply


def test_notifiers_reach_wechat_and_wecom_users(settings: Settings, fake_api: FakeWeChatAPI) -> None:
    assert register_notifiers(settings) == ["wechat", "wecom"]
    try:
        ok = registry.send(Address("wechat", "fixture-notified"), "**报告 BR-2026-000001** 已受理",
                           subject="# 进度更新")
        assert ok.ok, ok.error
        [text] = fake_api.texts_to("fixture-notified")
        assert text.startswith("进度更新") and "**" not in text and "BR-2026-000001" in text
        assert registry.send(Address("wecom", "fixture-staff"), "fixture notice").ok
        assert fake_api.sent[-1].path == "/cgi-bin/message/send"
        fake_api.expire_next = [45015]  # the user has not written for 48 hours (fixture)
        late = registry.send(Address("wechat", "fixture-notified"), "again")
        assert not late.ok and not late.retryable and "45015" in (late.error or "")
    finally:
        registry.unregister("wechat")
        registry.unregister("wecom")


def test_unconfigured_api_registers_nothing(small_index: Settings) -> None:
    assert register_notifiers(small_index) == []
