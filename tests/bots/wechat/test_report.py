"""A barrier report filed end to end through WeChat text messages: it ends with a BR- number, the
stored report records the channel, and its reporter can be reached back through the notifier."""

from __future__ import annotations

import itertools
import re
import threading

from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.dialogue.sessions import SessionStore
from assistant.notify import Address, session_id_for
from assistant.reports.store import ReportStore
from bots.wechat.setup import engine_for
from tests.bots.wechat.conftest import make_app, plain, post, reply_content, text_xml
from tests.fakes.wechat_api import FakeWeChatAPI

ISSUE = "德国海关说我们的儿童餐具三聚氰胺迁移超标，扣了两柜货，损失大概8万美元"
NUMBER = re.compile(r"BR-\d{4}-\d{6}")
_ids = itertools.count(9_200_000_000)


class WeChatUser:
    """A person typing in WeChat: each message signed and posted; the reply read from the HTTP
    response, or from the customer-service API when the answer came late."""

    def __init__(self, client: TestClient, fake: FakeWeChatAPI, user: str) -> None:
        self.client, self.fake, self.user = client, fake, user
        self.transcript: list[tuple[str, str]] = []

    def say(self, text: str, msg_id: int | None = None) -> str:
        late = len(self.fake.texts_to(self.user))
        r = post(self.client, "/wechat", plain(text_xml(self.user, text, msg_id or next(_ids))))
        assert r.status_code == 200
        reply = reply_content(r.text)
        if reply is None:
            reply = self.fake.wait_for(self.user, late + 1)[late]
        self.transcript.append((text, reply))
        return reply


def next_answer(reply: str) -> str:
    """What a reporter answers to each question of the intake."""
    if "确认提交" in reply:
        return "确认"
    if "单位" in reply:
        return "宁波示例餐具有限公司（fixture）"
    if "姓名" in reply:
        return "张伟，电话0574-8765432"
    if "推迟实施" in reply:
        return "希望给予过渡期，推迟实施"
    if "都不是" in reply:
        return "都不是"
    if "描述" in reply:
        return ISSUE
    return "跳过"


def file_report(person: WeChatUser, confirm_times: int = 1) -> str:
    reply = person.say("报告壁垒")
    assert "取消" in reply
    reply = person.say(ISSUE)
    for _ in range(15):
        if "确认提交" in reply:
            break
        reply = person.say(next_answer(reply))
    assert "确认提交" in reply, person.transcript
    return reply


def test_barrier_report_through_wechat(settings: Settings, fake_api: FakeWeChatAPI) -> None:
    with TestClient(make_app(settings)) as client:
        person = WeChatUser(client, fake_api, "fixture-reporter")
        summary = file_report(person)
        assert "**" not in summary and "德国" in summary
        done = person.say("确认")
    number = NUMBER.search(done)
    assert number, done
    stored = ReportStore(engine_for(settings)).get(number.group(0))
    assert stored is not None and stored.report.channel == "wechat"
    assert stored.report.reporter.name == "张伟"
    # the reporter's address follows from the conversation: staff can write back through WeChat
    address = Address.from_session_id(session_id_for("wechat", "fixture-reporter"))
    assert address == Address("wechat", "fixture-reporter")


def _turns(settings: Settings, user: str) -> int:
    state = SessionStore(engine_for(settings)).load(session_id_for("wechat", user)) or {}
    return int(state.get("turns", 0))


def test_retried_confirmation_files_one_report(settings: Settings, fake_api: FakeWeChatAPI) -> None:
    store = ReportStore(engine_for(settings))
    apps = [make_app(settings), make_app(settings)]  # two workers sharing the database
    with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
        person = WeChatUser(first, fake_api, "fixture-retry-report")
        file_report(person)
        before, turns_before = len(store.list()), _turns(settings, "fixture-retry-report")
        confirm = text_xml("fixture-retry-report", "确认", next(_ids))
        barrier = threading.Barrier(4)
        replies: list[str | None] = [None] * 4

        def retry(i: int) -> None:
            barrier.wait()
            r = post((first, second)[i % 2], "/wechat", plain(confirm))
            replies[i] = reply_content(r.text)

        threads = [threading.Thread(target=retry, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    numbers = {n for r in replies if r for n in NUMBER.findall(r)}
    numbers |= {n for t in fake_api.texts_to("fixture-retry-report") for n in NUMBER.findall(t)}
    # one report; a retry that arrives after the answer gets that same reply again, never a new one
    assert len(store.list()) == before + 1 and len(numbers) == 1
    assert _turns(settings, "fixture-retry-report") == turns_before + 1
