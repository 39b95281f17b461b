"""The barrier-report conversation, routed through `Assistant.ask` (the intake itself is tested in
tests/reports): starting it, a turn inside it, and cancelling back to questions."""

from __future__ import annotations

from assistant.config import Settings
from assistant.dialogue.assistant import Assistant


def test_report_mode_starts_answers_and_cancels(small_index: Settings) -> None:
    assistant = Assistant(small_index)
    sid = "fixture-report-mode"
    start = assistant.ask("报告壁垒", session_id=sid)
    assert (start.mode, start.composer, start.intent, start.language) == ("report", "intake", "report", "zh")
    assert "取消" in start.text and start.citations == []

    turn = assistant.ask("我们出口欧盟的枸杞被荷兰通报了，说是辐照不合格", session_id=sid)
    assert (turn.mode, turn.composer) == ("report", "intake")  # still in the report, not a search answer
    assert turn.text and turn.citations == []

    cancel = assistant.ask("取消", session_id=sid)
    assert cancel.mode == "ask" and "已取消" in cancel.text

    after = assistant.ask("What is CBAM?", session_id=sid)  # back to questions and answers
    assert (after.mode, after.composer) == ("ask", "offline")
    assert [c.ref for c in after.citations] == ["Regulation (EU) 2023/956"]


def test_report_mode_in_english(small_index: Settings) -> None:
    assistant = Assistant(small_index)
    start = assistant.ask("report a barrier", session_id="fixture-report-en")
    assert (start.mode, start.language) == ("report", "en") and "cancel" in start.text
    assert assistant.ask("cancel", session_id="fixture-report-en").mode == "ask"


def test_report_draft_survives_an_expired_session(small_index: Settings) -> None:
    """The chat session may expire (or the server restart): the draft is kept in the database and
    "报告壁垒" in the same conversation picks it up where it stopped."""
    sid = "fixture-report-resume"
    first = Assistant(small_index)
    first.ask("报告壁垒", session_id=sid)
    first.ask("德国海关说我们的儿童餐具三聚氰胺迁移超标，扣了两柜货，损失大概8万美元", session_id=sid)
    first.sessions.delete(sid)  # what expiry does

    later = Assistant(small_index)
    back = later.ask("报告壁垒", session_id=sid)
    assert back.mode == "report" and "继续" in back.text
    assert later.ask("取消", session_id=sid).mode == "ask"
    # once cancelled, a new report starts from scratch
    fresh = later.ask("报告壁垒", session_id=sid)
    assert fresh.mode == "report" and "继续" not in fresh.text
