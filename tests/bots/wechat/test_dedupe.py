"""WeChat retries a message it got no reply to (same MsgId, or FromUserName+CreateTime for
events), up to three times, possibly to different workers at once. Each message is answered once:
the core sees it once, at most one reply carries the answer, no second report is filed."""

from __future__ import annotations

import threading
import time

from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.dialogue.sessions import SessionStore
from assistant.notify import session_id_for
from bots.wechat.setup import engine_for
from tests.bots.wechat.conftest import make_app, plain, post, reply_content, text_xml
from tests.fakes.wechat_api import FakeWeChatAPI


def _turns(settings: Settings, user: str) -> int:
    state = SessionStore(engine_for(settings)).load(session_id_for("wechat", user)) or {}
    return int(state.get("turns", 0))


def _concurrently(settings: Settings, body_xml: str, tries: int = 4) -> list[str | None]:
    """`tries` copies of one message, at the same moment, spread over two workers (two apps
    sharing the database, as two server processes do)."""
    apps = [make_app(settings), make_app(settings)]
    clients = [TestClient(a) for a in apps]
    for c in clients:
        c.__enter__()
    start = threading.Barrier(tries)
    replies: list[str | None] = [None] * tries

    def one(i: int) -> None:
        start.wait()
        r = post(clients[i % 2], "/wechat", plain(body_xml))
        assert r.status_code == 200
        replies[i] = reply_content(r.text)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(tries)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for c in clients:
        c.__exit__(None, None, None)
    return replies


def test_concurrent_retries_answer_once(settings: Settings, fake_api: FakeWeChatAPI) -> None:
    user = "fixture-retry"
    xml = text_xml(user, "What is CBAM?", msg_id=9_000_000_001)
    replies = _concurrently(settings, xml)
    answered = sorted({r for r in replies if r})
    # a retry arriving after the answer was given gets that same reply again, never a new one
    assert len(answered) <= 1
    assert _turns(settings, user) == 1  # the core was asked once
    time.sleep(0.3)
    assert len(answered) + len(fake_api.texts_to(user)) == 1  # one answer, by one route

    # a later retry of the same message (WeChat did not get the reply) gets that same reply back
    with TestClient(make_app(settings)) as client:
        again = reply_content(post(client, "/wechat", plain(xml)).text)
    assert _turns(settings, user) == 1
    if answered:
        assert again == answered[0]


def test_retried_event_is_handled_once(client: TestClient, settings: Settings) -> None:
    xml = ("<xml><ToUserName><![CDATA[gh_fixture]]></ToUserName>"
           "<FromUserName><![CDATA[fixture-sub]]></FromUserName><CreateTime>1710000001</CreateTime>"
           "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>")
    first = reply_content(post(client, "/wechat", plain(xml)).text)
    second = reply_content(post(client, "/wechat", plain(xml)).text)
    assert first and second == first  # the stored welcome, not a second one
    later = xml.replace("1710000001", "1710000099")  # a new subscribe is a new event
    assert reply_content(post(client, "/wechat", plain(later)).text) == first
