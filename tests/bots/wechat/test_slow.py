"""The 5-second rule: an answer not ready in time is acknowledged with `success` and delivered
through the customer-service API (Official Account) or the app-message API (WeCom) of the local
fake; the access token is fetched once, shared through the database, and refreshed when WeChat
says it expired (40001, 42001)."""

from __future__ import annotations

import re
from collections.abc import Generator

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from tests.bots.wechat.conftest import make_app, plain, post, safe, text_xml
from tests.fakes.wechat_api import FakeWeChatAPI


@pytest.fixture
def slow_client(settings: Settings) -> Generator[TestClient, None, None]:
    """Every answer is "late": the adapters give the core no time for a passive reply."""
    with TestClient(make_app(settings, passive_seconds=0.0)) as client:
        yield client


def test_late_answer_is_delivered_by_customer_service_message(
        slow_client: TestClient, fake_api: FakeWeChatAPI) -> None:
    r = post(slow_client, "/wechat", plain(text_xml("fixture-slow", "What is CBAM?")))
    assert r.status_code == 200 and r.text == "success"
    [text] = fake_api.wait_for("fixture-slow")
    assert "CBAM" in text and "[1]" in text and "Sources:" in text and "**" not in text
    [sent] = [s for s in fake_api.sent if s.to == "fixture-slow"]
    assert sent.path == "/cgi-bin/message/custom/send" and sent.body["msgtype"] == "text"
    assert sent.access_token == "1234567890"
    assert len(text.encode("utf-8")) <= 2048
    # a second late answer reuses the cached token
    post(slow_client, "/wechat", plain(text_xml("fixture-slow", "G/TBT/N/USA/867/Add.1")))
    fake_api.wait_for("fixture-slow", 2)
    assert len(fake_api.token_requests) == 1


@pytest.mark.parametrize("code", [42001, 40001])
def test_expired_token_is_refreshed(slow_client: TestClient, fake_api: FakeWeChatAPI, code: int) -> None:
    post(slow_client, "/wechat", plain(text_xml("fixture-warm", "What is CBAM?")))
    fake_api.wait_for("fixture-warm")
    fake_api.expire_next = [code]
    post(slow_client, "/wechat", plain(text_xml("fixture-expired", "出口蓝牙耳机到欧盟需要什么认证？")))
    [text] = fake_api.wait_for("fixture-expired")
    assert re.search(r"[\u4e00-\u9fff]", text)
    assert len(fake_api.token_requests) == 2  # fetched again once, not per message
    assert fake_api.sent[-1].access_token == "1234567890-2"


def test_wecom_late_answer_is_an_app_message(slow_client: TestClient, fake_api: FakeWeChatAPI) -> None:
    r = post(slow_client, "/wecom", safe(text_xml("fixture-wecom-user", "What is CBAM?")))
    assert r.status_code == 200 and r.text == "success"
    [text] = fake_api.wait_for("fixture-wecom-user")
    [sent] = [s for s in fake_api.sent if s.to == "fixture-wecom-user"]
    assert sent.path == "/cgi-bin/message/send" and sent.body["agentid"] == 1 and "CBAM" in text
    assert fake_api.token_requests[0].get("corpid") == "wx49f0ab532d5d035a"


def test_passive_answer_in_time(client: TestClient, fake_api: FakeWeChatAPI) -> None:
    r = post(client, "/wechat", plain(text_xml("fixture-fast", "What is CBAM?")))
    assert r.status_code == 200 and "<Content>" in r.text and "CBAM" in r.text
    assert "<ToUserName><![CDATA[fixture-fast]]></ToUserName>" in r.text
    assert fake_api.texts_to("fixture-fast") == []
