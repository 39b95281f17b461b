"""Which runs of the question's topic words are translated as one unit (search._phrases)."""

from __future__ import annotations

from assistant.retrieve.concepts import Concept
from assistant.retrieve.search import _phrases


def _spans(text: str, words: list[str]) -> list[tuple[int, int, Concept]]:
    out = []
    for w in words:
        at = text.find(w)
        out.append((at, at + len(w), Concept(w, {w})))
    return out


def _units(text: str, words: list[str]) -> list[str]:
    return [p.text for p in _phrases(text, _spans(text, words), lambda c: False, lambda c: False)]


def test_an_english_of_joins_a_noun_to_its_complement() -> None:
    text = "new rules for issuing certificates of origin"
    assert "issuing certificates of origin" in _units(text, ["issuing", "certificates", "origin"])


def test_other_words_between_topic_words_still_split_them() -> None:
    text = "certificates for origin"
    assert "certificates for origin" not in _units(text, ["certificates", "origin"])
    text = "原产地的证书"
    assert "原产地的证书" not in _units(text, ["原产地", "证书"])
