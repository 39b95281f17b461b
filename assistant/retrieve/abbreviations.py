"""Chinese terms and the abbreviations the corpus itself gives them: "普惠制（GSP）".

China Customs texts often name a term once with its English abbreviation in brackets (普惠制（GSP）,
法规合规负责人（PRRC）, 原产地证书（Form A）...). Each such pair is a translation the corpus states, so
an English question saying "GSP" also finds the Chinese texts that only say 普惠制. The pairs are read
from the index's Chinese records when the searcher loads and join the glossary's entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.index.tokenize import cut_words, is_stop_word

# a run of Han characters, then an abbreviation of 3-8 capital letters in brackets
_PAIR = re.compile(r"([\u4e00-\u9fff]{3,24})\s*[（(]\s*([A-Z]{3,8})\s*[）)]")
MIN_TERM = 3  # characters of the Chinese term: a two-character word is too common to stand for a name


def harvest(texts: Iterable[str]) -> list[tuple[str, str]]:
    """(Chinese term, abbreviation) pairs stated in `texts`, each once, in order of first use. The
    term is the one word jieba cuts right before the bracket (普惠制 of "简称普惠制（GSP）"), when it is
    a word of its own of at least MIN_TERM characters: a longer phrase's start is not knowable
    without parsing ("遵守世界动物卫生组织（WOAH）"), and such pairs are left out."""
    seen: dict[tuple[str, str], None] = {}
    for text in texts:
        for m in _PAIR.finditer(text or ""):
            tokens = cut_words(m.group(1), hmm=False)
            term = tokens[-1] if tokens else ""
            before = tokens[-2] if len(tokens) > 1 else ""
            if len(term) >= MIN_TERM and (not before or before in _BOUNDARY or is_stop_word(before)):
                seen.setdefault((term, m.group(2)), None)
    return list(seen)


# words after which the bracketed term starts: "简称普惠制（GSP）" is 普惠制
_BOUNDARY = frozenset({"简称", "以下简称", "称", "即", "又称", "俗称", "统称", "所谓"})


__all__ = ["harvest"]
