"""Tokens for the lexical index: jieba for Chinese, lower-cased words for everything else.

bm25s's own tokenizer does not split Chinese, so both the index and the queries go through this
one function; Chinese and English share one vocabulary.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata

_lock = threading.Lock()
_ready = False

_STOP = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is", "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with", "what", "which", "who", "how", "do", "does", "did", "can", "could", "should", "would", "my", "our", "we", "you", "your", "i", "me", "us", "they", "them", "need", "needs", "about", "into", "than", "then", "there", "these", "those", "any", "all", "not", "no", "yes", "please", "的", "了", "和", "是", "在", "有", "我", "我们", "你", "你们", "他", "她", "它", "这", "那", "就", "也", "都", "要", "吗", "呢", "吧", "啊", "与", "及", "或", "对", "把", "被", "让", "从", "到", "为", "以", "上", "下", "中", "其", "之", "等", "个", "些", "什么", "怎么", "如何", "哪些", "需要", "一个", "没有", "可以", "还", "会", "能", "请问", "请", "一下"]
)
_KEEP_SHORT = re.compile(r"^[a-z]{1,2}\d*$|^\d+$")
_WORDISH = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
_SYMBOLISH = re.compile(r"[A-Za-z]+(?:[./][A-Za-z0-9]+)+|\d+(?:[./]\d+)+")


def _jieba():  # type: ignore[no-untyped-def]
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(60)
                jieba.initialize()
                _ready = True
    return jieba


def is_stop_word(word: str) -> bool:
    """Whether search drops `word` as a function word (the one stop-word list)."""
    return word.lower() in _STOP


def normalise(text: str) -> str:
    """NFKC (full-width -> half-width) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def tokenize(text: str) -> list[str]:
    """Search tokens for `text`: jieba words (search mode) minus stop words and punctuation.

    Identifiers such as `2017/745` or `g/tbt/n/usa/867` are also kept whole, so quoting one ranks
    its record first.
    """
    text = normalise(text)
    out: list[str] = [m.group(0) for m in _SYMBOLISH.finditer(text)]
    for tok in _jieba().lcut_for_search(text):
        tok = tok.strip()
        if not tok or tok in _STOP or not _WORDISH.search(tok):
            continue
        out.append(tok)
    return out



def cut_words(text: str, hmm: bool = True) -> list[str]:
    """jieba's words of `text` in accurate mode (with its HMM for unknown words unless `hmm` is off),
    from the one quietly initialised jieba."""
    return list(_jieba().lcut(text, HMM=hmm))


@functools.lru_cache(maxsize=1024)
def word_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where jieba's words (accurate mode) start and end in `text`: what reads as one word."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for tok in cut_words(text):
        spans.append((pos, pos + len(tok)))
        pos += len(tok)
    return tuple(spans)
