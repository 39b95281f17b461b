"""Through the one entry point, over the small real index: the chat form a channel sends fits the
limit, cites only what the answer cites, and passes the citation verifier; a rule repealed before
today is never offered as applicable. Ranking may change, so nothing here depends on which record
comes first."""

from __future__ import annotations

import re

import pytest

from assistant.answer.chat import LIMITS
from assistant.answer.evidence import citation_evidence
from assistant.answer.verify import verify
from assistant.config import Settings
from assistant.dialogue.assistant import Assistant


@pytest.fixture(scope="module")
def assistants(small_index: Settings) -> dict[str, Assistant]:
    later = small_index.model_copy(update={"today": "2026-12-04"})  # after 1275/2008 was repealed
    return {"index": Assistant(small_index), "later": Assistant(later)}


@pytest.mark.parametrize(("question", "lang"), [("出口蓝牙耳机到欧盟需要什么认证？", "zh"),
                                                 ("What do Bluetooth earphones need for the EU?", "en")])
def test_chat_text_fits_and_cites_only_what_the_answer_cites(assistants: dict[str, Assistant], question: str,
                                                           lang: str) -> None:
    bot = assistants["index"]
    answer = bot.ask(question, session_id=f"shape-{lang}", lang=lang, channel="test")
    assert not answer.refused and answer.citations
    chat = answer.for_chat()
    assert len(chat) <= LIMITS[lang] and "**" not in chat
    cited = {c.n for c in answer.citations}
    assert {int(n) for n in re.findall(r"\[(\d+)\]", chat)} <= cited
    evidence = citation_evidence(bot.searcher.index, answer.citations)
    for text in (answer.text, chat):
        result = verify(text, evidence)
        assert result.clean, result.removed


def test_a_rule_repealed_before_today_is_marked(assistants: dict[str, Assistant]) -> None:
    answer = assistants["later"].ask("出口蓝牙耳机到欧盟需要什么认证？", session_id="shape-later", lang="zh",
                                     channel="test")
    first_paragraph = answer.text.split("\n\n")[0]
    assert "1275/2008" not in first_paragraph  # not among the rules that apply
    if "1275/2008" in answer.text:
        assert "已废止" in answer.text
