"""Plain text for WeChat: Markdown marks removed, parts of at most 2,048 bytes cut on character
boundaries, nothing lost."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.answer.models import Answer, Citation
from bots.wechat.text import answer_text, plain, split_bytes


def test_markdown_marks_are_removed() -> None:
    text = "# 结论\n**欧盟** 要求 CE 标志 [1]。\n- 第一条\n* 第二条\n> 引用\n[链接](https://example.org) `code`"
    out = plain(text)
    for mark in ("**", "# ", "> ", "](", "`", "\n- ", "\n* "):
        assert mark not in out
    assert "欧盟 要求 CE 标志 [1]" in out and "· 第一条" in out and "链接" in out


def test_answer_has_short_source_refs_and_options() -> None:
    answer = Answer(text="**CBAM** applies [1].", language="en", choices=["Yes", "No"],
                    followups=["What about the UK?"],
                    citations=[Citation(n=1, ref="Regulation (EU) 2023/956 " + "x" * 100, type="regulation",
                                        title="CBAM")])
    out = answer_text(answer)
    assert "**" not in out and "Sources:" in out and "[1] Regulation (EU) 2023/956" in out
    assert "…" in out and "Yes / No" in out and "What about the UK?" in out


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs", "So")), max_size=6000)
       | st.text(alphabet="中文。，！[]1 \nabc😀", max_size=6000))
def test_split_bytes(text: str) -> None:
    parts = split_bytes(text, 2048)
    assert all(len(p.encode("utf-8")) <= 2048 for p in parts)
    assert "".join("".join(p.split()) for p in parts) == "".join(text.split())


def test_split_prefers_sentence_ends() -> None:
    text = ("这是一句话。" * 200)
    parts = split_bytes(text, 2048)
    assert len(parts) > 1 and all(p.endswith("。") for p in parts)
