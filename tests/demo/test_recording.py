"""Recorded chats: the shipped ones are honest demo recordings, and the script makes them from
real answers of the core."""

from __future__ import annotations

import datetime as dt

from assistant.config import Settings
from assistant.demo.record import Script, record
from assistant.demo.recording import LABEL, all_recordings, load


def test_shipped_recordings_are_labelled_and_dated() -> None:
    recs = all_recordings()
    assert {r.channel for r in recs} == {"telegram", "wechat"}
    for r in recs:
        assert r.label == LABEL and dt.date.fromisoformat(r.recorded_on)
        assert r.recorded_with.get("index_records")
        roles = [m.role for m in r.messages]
        assert roles[0] == "user" and all(a != b for a, b in zip(roles, roles[1:], strict=False))
        assert r.title("zh") and r.title("en")
    assert load("../../etc/passwd") is None and load("no-such-recording") is None


def test_the_script_records_what_the_core_answers(small_index: Settings) -> None:
    script = Script("fixture-rec", "wechat", "en", "测试录像（fixture）", "Fixture recording",
                    ("What does G/TBT/N/USA/867/Add.1 change?",))
    rec = record(script, small_index)
    assert rec.label == LABEL and rec.recorded_on == dt.date.today().isoformat()
    assert [m.role for m in rec.messages] == ["user", "bot"]
    bot = rec.messages[1]
    assert bot.text and any(c.ref.startswith("G/TBT/N/USA/867") for c in bot.citations)
    assert rec.recorded_with["index_records"] and rec.recorded_with["today"] == "2024-11-15"
