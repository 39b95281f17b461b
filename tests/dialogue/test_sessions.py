"""Conversations live in the database under TBT_DATA_DIR: another Assistant (another worker, a
restart) continues them."""

from __future__ import annotations

from assistant.config import Settings
from assistant.dialogue.assistant import Assistant


def test_a_second_assistant_on_the_same_data_dir_continues_the_conversation(small_index: Settings) -> None:
    first, second = Assistant(small_index), Assistant(small_index)
    a = first.ask("出口蓝牙耳机到欧盟需要什么认证?", session_id="fixture-session-persist")
    assert a.session_id == "fixture-session-persist" and a.markets == ["EU"]
    b = second.ask("那美国呢?", session_id="fixture-session-persist")
    assert b.markets == ["USA"] and "851830" in b.hs and not b.refused
    c = first.ask("第1条详细说说", session_id="fixture-session-persist")
    assert [x.ref for x in c.citations] == [b.citations[0].ref]  # the list the second worker answered with
    state = second.sessions.load("fixture-session-persist")
    assert state is not None and state["turns"] == 3 and state["lang"] == "zh"


def test_a_new_session_knows_nothing_of_another(small_index: Settings) -> None:
    assistant = Assistant(small_index)
    assistant.ask("出口蓝牙耳机到欧盟需要什么认证?", session_id="fixture-session-a")
    other = assistant.ask("第1条详细说说", session_id="fixture-session-b")
    assert other.refused and other.citations == []  # nothing to open in a fresh conversation
    assert "还没有可以展开的回答来源" in other.text


def test_every_answer_carries_a_session_id_to_continue_with(small_index: Settings) -> None:
    a = Assistant(small_index).ask("What is CBAM?")
    assert a.session_id and 1 <= len(a.session_id) <= 128 and " " not in a.session_id
