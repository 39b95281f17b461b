"""Which words of a question search weighs as its topic, and which are fillers."""

from __future__ import annotations

import pytest

from assistant.retrieve.concepts import contentful, is_filler


@pytest.mark.parametrize("word", ["还要", "也是", "就是", "还有", "wasn", "doesn", "already", "where", "too"])
def test_fillers_and_contractions_are_no_topic(word: str) -> None:
    """还要 is 还+要, two fillers; "wasn" is what is left of "wasn't" once the apostrophe splits it."""
    assert is_filler(word) and not contentful(word)


@pytest.mark.parametrize("word", ["普惠制", "到期", "中国", "colombia", "hormones"])
def test_words_that_name_something_stay_topic_words(word: str) -> None:
    assert not is_filler(word) and contentful(word)
