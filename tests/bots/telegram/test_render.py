"""Telegram HTML: escaped, under the limit, never a broken tag or citation marker."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.answer.models import Answer, Citation
from bots.telegram.render import LIMIT, render_answer, split_plain, text_blocks, utf16_len


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ok = True

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.ok = self.ok and bool(self.stack) and self.stack.pop() == tag


def balanced(html: str) -> bool:
    p = _Balance()
    p.feed(html)
    return p.ok and not p.stack


def test_long_answer_splits_between_sentences_and_keeps_markers() -> None:
    sentence = "欧盟玩具安全法规要求加贴CE标志并出具符合性声明 [1]。"
    text = (sentence * 400) + "\n\nThe **end** [2]."
    pieces = split_plain(text)
    assert len(pieces) > 1 and all(utf16_len(p) <= LIMIT for p in pieces)
    assert re.sub(r"\s", "", "".join(pieces)) == re.sub(r"\s", "", text)  # nothing lost
    for p in pieces:
        assert not re.search(r"\[\d*$", p) and not re.match(r"^\d*\]", p)


def test_answer_renders_sources_as_links_and_escapes_everything() -> None:
    answer = Answer(text="Use <CE> & **marking** [1]", language="en", citations=[
        Citation(n=1, ref="Directive 2009/48/EC", type="regulation", title="Toy <safety>",
                 url="https://eur-lex.europa.eu/eli/dir/2009/48/oj"),
        Citation(n=2, ref="fixture \"ref\"", type="case", title="x", url="javascript:alert(1)"),
    ])
    r = render_answer(answer, "en")
    assert "&lt;CE&gt; &amp; <b>marking</b> [1]" in r.first
    assert '<a href="https://eur-lex.europa.eu/eli/dir/2009/48/oj">Directive 2009/48/EC</a>' in r.first
    assert "javascript" not in r.first and balanced(r.first)
    assert r.sources and "Toy &lt;safety&gt;" in r.sources[0]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab <>&*[]1\n。. 测😀")), max_size=9000))
def test_any_text_becomes_balanced_messages_under_the_limit(text: str) -> None:
    for block in text_blocks(text):
        assert utf16_len(block) <= LIMIT and balanced(block)
