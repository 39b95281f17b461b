"""Whole intake conversations, Chinese and English: extraction from the first message, links to
known records, one question at a time, skips, corrections, validation failures, cancel, resume,
confirmation and an idempotent submit. The state goes through the real session store each turn,
as the chat assistant keeps it."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from docx import Document

from assistant.dialogue.sessions import SessionStore
from assistant.reports.conversation import IntakeConversation, IntakeTurn
from assistant.reports.store import ReportStore

ISSUE_EXAMPLE = "德国海关说我们的儿童餐具三聚氰胺迁移超标，扣了两柜货，损失大概8万美元"
CJK = re.compile(r"[\u4e00-\u9fff]")


class Chat:
    """Drives a conversation the way a channel does: state saved in the session after each turn."""

    def __init__(self, conv: IntakeConversation, store: ReportStore, session_id: str = "web:fixture-1") -> None:
        self.conv, self.session_id = conv, session_id
        self.sessions = SessionStore(store.engine)
        self.turns: list[IntakeTurn] = []

    def start(self, text: str, lang: str) -> IntakeTurn:
        return self._keep(self.conv.start(text, lang, "test", session_id=self.session_id))

    def say(self, text: str) -> IntakeTurn:
        state = self.sessions.load(self.session_id)
        assert state is not None
        return self._keep(self.conv.handle(state["intake"], text))

    def _keep(self, turn: IntakeTurn) -> IntakeTurn:
        self.sessions.save(self.session_id, {"intake": turn.state}, 24)  # must be JSON-serialisable
        self.turns.append(turn)
        return turn

    @property
    def report(self) -> dict[str, Any]:
        return self.turns[-1].state["report"]


@pytest.fixture
def conv(sqlite_store: ReportStore, vocab: Any, rasff_linker: Any) -> IntakeConversation:
    return IntakeConversation(sqlite_store, linker=rasff_linker, vocab=vocab)


def test_first_message_of_the_issue(conv: IntakeConversation) -> None:
    turn = conv.start(ISSUE_EXAMPLE, "zh", "wechat")
    rep = turn.state["report"]
    assert rep["market"] == "DEU"
    assert rep["product"]["description"] == "儿童餐具" and rep["product"]["hs"].startswith("3924")
    assert rep["measure"]["ntm_code"] == "A22"
    assert rep["impact"] == {"lost_sales": 80000, "extra_cost": None, "currency": "USD", "shipments_affected": 2,
                             "smes_affected": None}
    assert rep["incident"]["description"] == ISSUE_EXAMPLE and rep["channel"] == "wechat"
    assert "德国（欧盟成员国）" in turn.reply and "8万美元" in turn.reply
    # related records come first, as numbered choices
    assert "RASFF 2024.4172" in turn.reply and turn.choices[-1] == "都不是"


def test_empty_start_asks_what_happened(conv: IntakeConversation) -> None:
    turn = conv.start("", "zh", "telegram")
    assert turn.asking == "incident.description" and "取消" in turn.reply and "例如" in turn.reply
    turn = conv.handle(turn.state, ISSUE_EXAMPLE)
    assert turn.state["report"]["market"] == "DEU" and turn.state["report"]["channel"] == "telegram"


def test_whole_conversation_in_chinese(conv: IntakeConversation, sqlite_store: ReportStore) -> None:
    chat = Chat(conv, sqlite_store)
    chat.start(ISSUE_EXAMPLE, "zh")
    t = chat.say("3")  # the third offer: RASFF 2024.4172, melamine bowl
    assert "已关联 RASFF 2024.4172" in t.reply
    assert t.asking == "incident.first_met" and "例如" in t.reply and t.choices == ["跳过"]
    t = chat.say("2024年3月5日")
    assert chat.report["incident"]["first_met"] == "2024-03-05"
    assert t.asking == "measure.notification_symbol"
    t = chat.say("不知道")
    assert "跳过" in t.reply and t.asking == "request"
    t = chat.say("产品改成密胺碗")  # a correction in the middle: applied, and the open question again
    assert "已更新 产品：密胺碗（HS 392410）" in t.reply and t.asking == "request"
    t = chat.say("希望给予过渡期，推迟实施")
    assert chat.report["request"] == ["transition_period", "postponement"]
    assert t.asking == "reporter.organisation"
    t = chat.say("跳过")  # required: cannot be skipped
    assert "必填" in t.reply and t.asking == "reporter.organisation"
    t = chat.say("宁波示例餐具有限公司（fixture）")
    assert t.asking == "reporter.name"
    t = chat.say("张伟，电话0574-8765432")  # name and phone in one answer
    assert t.asking is None and t.summary is not None
    assert "请核对报告内容" in t.reply and t.choices == ["确认提交", "修改", "取消"]
    assert chat.report["reporter"]["phone"] == "0574-8765432"
    t = chat.say("损失金额保密")
    assert "商业保密" in t.reply and "impact.lost_sales" in chat.report["confidential_fields"]
    t = chat.say("确认")
    assert t.done and re.fullmatch(r"BR-\d{4}-000001", t.report_number or "")
    assert t.report_number in t.reply and "筛查" in t.reply and "补充材料" in t.reply
    link = f"/r/{t.report_number}?t={sqlite_store.access_token(t.report_number or '')}"
    assert link in t.reply  # the reporter's only way to read the report back
    again = conv.handle(t.state, "确认")  # a resent confirmation does not file a second report
    assert again.report_number == t.report_number and len(sqlite_store.list()) == 1

    stored = sqlite_store.get(t.report_number or "")
    assert stored is not None
    rep = stored.report
    assert (rep.market, rep.product.description, rep.product.hs) == ("DEU", "密胺碗", "392410")
    assert rep.reporter.name == "张伟" and rep.reporter.organisation == "宁波示例餐具有限公司（fixture）"
    assert rep.attachments[0].name.startswith("RASFF 2024.4172") and rep.attachments[0].kind == "record"
    assert rep.language == "zh" and rep.channel == "test"
    cells = [c.text for row in Document(io.BytesIO(sqlite_store.export(stored.number, "docx").content)).tables[0].rows
             for c in row.cells]
    assert "张伟" in cells and any("密胺碗（HS 392410）" in c for c in cells)


def test_whole_conversation_in_english_with_wrong_values(conv: IntakeConversation, sqlite_store: ReportStore) -> None:
    chat = Chat(conv, sqlite_store, "tg:fixture-2")
    t = chat.start("I want to report a barrier", "en")
    assert t.asking == "incident.description" and "For example" in t.reply
    t = chat.say("Our ceramic mugs were held by French customs for lead migration")
    assert chat.report["market"] == "FRA" and chat.report["product"]["description"] == "ceramic mugs"
    assert "RASFF 2024.4040" in t.reply and t.choices == ["yes", "no"]
    t = chat.say("no")
    assert t.asking == "product.hs"
    t = chat.say("6912")  # too short: a clear message and the same question again
    assert "6 to 10 digits" in t.reply and t.asking == "product.hs"
    t = chat.say("6912.00")
    assert chat.report["product"]["hs"] == "691200" and t.asking == "impact.lost_sales"
    t = chat.say("12000")
    assert "currency" in t.reply and t.asking == "impact.lost_sales"
    t = chat.say("EUR 12,000")
    assert chat.report["impact"]["lost_sales"] == 12000 and chat.report["impact"]["currency"] == "EUR"
    t = chat.say("3/5/2024")  # ambiguous: which one?
    assert "5 March 2024" in t.reply and "3 May 2024" in t.reply and set(t.choices) == {"2024-03-05", "2024-05-03"}
    t = chat.say("2024-05-03")
    assert chat.report["incident"]["first_met"] == "2024-05-03" and t.asking == "measure.notification_symbol"
    t = chat.say("G/TBT/N")
    assert "G/TBT/N/<member>/<number>" in t.reply and t.asking == "measure.notification_symbol"
    t = chat.say("skip")
    t = chat.say("change the market to Japan")
    assert chat.report["market"] == "JPN" and "Updated" in t.reply and t.asking == "request"
    t = chat.say("clarification and a transition period")
    assert chat.report["request"] == ["clarification", "transition_period"]
    t = chat.say("Example Ceramics Co., Ltd. (fixture)")
    t = chat.say("My name is Li Wei")
    assert chat.report["reporter"]["name"] == "Li Wei" and t.asking == "reporter.phone"
    t = chat.say("12345")
    assert "not look like a valid phone number" in t.reply and t.asking == "reporter.phone"
    t = chat.say("li.wei@example")
    assert "not a valid e-mail" in t.reply
    t = chat.say("li.wei@example.com")
    assert t.asking is None and "Please check the report" in t.reply
    t = chat.say("confirm")
    assert t.done and t.report_number and "screen" in t.reply
    assert f"/r/{t.report_number}?t=" in t.reply and "keep this link private" in t.reply
    for turn in chat.turns:  # every reply is in English (user data aside)
        text = turn.reply.replace("RASFF", "")
        assert not CJK.search(text), text
    stored = sqlite_store.get(t.report_number)
    assert stored is not None and stored.report.reporter.email == "li.wei@example.com"
    assert stored.report.language == "en"


def test_cancel(conv: IntakeConversation, sqlite_store: ReportStore) -> None:
    chat = Chat(conv, sqlite_store)
    chat.start(ISSUE_EXAMPLE, "zh")
    t = chat.say("取消")
    assert t.done and t.report_number is None and "不会提交" in t.reply
    assert sqlite_store.list() == []
    assert sqlite_store.open_draft_for_session("web:fixture-1") is None
    fresh = conv.handle(t.state, "我们的花生在法国被通报了")  # after a cancel, a new report starts
    assert fresh.state["report"]["market"] == "FRA" and fresh.state["draft_id"] != t.state["draft_id"]


def test_resume_after_the_chat_session_is_lost(sqlite_store: ReportStore, vocab: Any) -> None:
    conv = IntakeConversation(sqlite_store, vocab=vocab)
    first = conv.start(ISSUE_EXAMPLE, "zh", "web", session_id="web:fixture-3")
    t = conv.handle(first.state, "跳过")
    t = conv.handle(t.state, "跳过")
    assert t.asking == "request"
    # the chat session expired; a new process picks the draft up from the database
    later = IntakeConversation(sqlite_store, vocab=vocab)
    resumed = later.resume("web:fixture-3")
    assert resumed is not None and "欢迎回来" in resumed.reply and resumed.asking == "request"
    assert resumed.state["report"]["market"] == "DEU"
    t = later.handle({"draft_id": first.state["draft_id"]}, "要求对方解释")  # only the draft id is left
    assert t.state["report"]["request"] == ["explanation"] and t.asking == "reporter.organisation"
    assert later.resume("web:nobody") is None


def _answer_until_confirm(conv: IntakeConversation, turn: IntakeTurn, answers: dict[str, str]) -> IntakeTurn:
    """Answer each question from `answers` (by field), "跳过" for the others, then confirm."""
    for _ in range(20):
        if turn.asking is None and turn.summary is not None:
            return conv.handle(turn.state, "确认")
        turn = conv.handle(turn.state, answers.get(turn.asking or "", "跳过" if turn.asking else "不是"))
    raise AssertionError(turn.reply)


def test_hostile_text_is_kept_verbatim(conv: IntakeConversation, sqlite_store: ReportStore) -> None:
    evil = "法国海关扣了我们的花生'); DROP TABLE reports;-- <script>alert(1)</script>"
    t = _answer_until_confirm(conv, conv.start(evil, "zh", "web"), {
        "request": "解释", "reporter.organisation": "<b>O'Brien & Co</b>",
        "reporter.name": "Robert'); DROP TABLE drafts;--", "reporter.phone": "13812345678"})
    assert t.done, t.reply
    stored = sqlite_store.get(t.report_number or "")
    assert stored is not None
    assert stored.report.incident.description == evil
    assert stored.report.reporter.organisation == "<b>O'Brien & Co</b>"
    assert stored.report.reporter.name == "Robert'); DROP TABLE drafts;--"


def test_linker_failure_does_not_stop_the_report(sqlite_store: ReportStore, vocab: Any) -> None:
    def broken(text: str, markets: list[str], hs: list[str]) -> list[tuple[str, str]]:
        raise RuntimeError("index not ready")

    conv = IntakeConversation(sqlite_store, linker=broken, vocab=vocab)
    t = conv.start(ISSUE_EXAMPLE, "zh", "web")
    assert t.asking == "incident.first_met"


def test_links_sent_after_submission_become_attachments(conv: IntakeConversation, sqlite_store: ReportStore) -> None:
    t = conv.start(ISSUE_EXAMPLE + "。我是宁波示例餐具有限公司的张伟，电话13812345678，希望对方解释。", "zh", "web")
    assert t.state["report"]["reporter"]["organisation"] == "宁波示例餐具有限公司"
    t = _answer_until_confirm(conv, conv.handle(t.state, "都不是"), {})
    assert t.done and t.report_number
    after = conv.handle(t.state, "检测报告在这里 https://example.com/fixture/test-report.pdf")
    assert "已将 1 个链接补充到报告" in after.reply
    stored = sqlite_store.get(t.report_number)
    assert stored is not None and stored.report.attachments[-1].url == "https://example.com/fixture/test-report.pdf"
    assert sqlite_store.history(t.report_number).fields[0]["field"] == "attachments"


def test_state_survives_json(conv: IntakeConversation) -> None:
    t = conv.start(ISSUE_EXAMPLE, "zh", "web")
    state = json.loads(json.dumps(t.state, ensure_ascii=False))
    assert conv.handle(state, "1").state["report"]["attachments"][0]["name"].startswith("RASFF")
