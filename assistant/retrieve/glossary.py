"""The bilingual search glossary (data/glossary.yaml): Chinese and English words for one thing.

Most records are written in one language (RASFF alerts, WTO disputes and the MDR text in English,
China Customs announcements in Chinese), so search looks for the words of a question in the other
language too. Product names live in the product vocabulary; this covers hazards, kinds of measure,
dispute topics and the everyday words of trade questions.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.retrieve.datafile import load_yaml
from assistant.retrieve.normalize import fold

_DATA = Path(__file__).resolve().parent / "data"


class Glossary:
    """Chinese <-> English words for the same thing (data/glossary.yaml), matched in a query."""

    def __init__(self, entries: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
        self.entries = entries
        self.zh: dict[str, int] = {}
        self.en: dict[tuple[str, ...], int] = {}
        for i, (zh, en) in enumerate(entries):
            for w in zh:
                self.zh.setdefault(fold(w).lower(), i)
            for w in en:
                self.en.setdefault(tuple(_en_words(w)), i)
        self.zh_max = max((len(k) for k in self.zh), default=1)
        self.en_max = max((len(k) for k in self.en), default=1)

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls, path: Path = _DATA / "glossary.yaml") -> Glossary:
        data = load_yaml(path)
        entries = []
        for item in data.get("terms") or []:
            zh = tuple(str(w) for w in item.get("zh") or [])
            en = tuple(str(w) for w in item.get("en") or [])
            if zh or en:
                entries.append((zh, en))
        return cls(entries)

    def find(self, low: str) -> list[tuple[int, int, list[str]]]:
        """(start, end, all words of the entry) for every glossary word in folded, lower-cased text."""
        out: list[tuple[int, int, list[str]]] = []
        i, n = 0, len(low)
        while i < n:
            step = 1
            if "\u3400" <= low[i] <= "\u9fff":
                for size in range(min(self.zh_max, n - i), 0, -1):
                    e = self.zh.get(low[i : i + size])
                    if e is not None:
                        out.append((i, i + size, self._words(e)))
                        step = size
                        break
            i += step
        words = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"[a-z0-9]+(?:[-.'][a-z0-9]+)*", low)]
        j = 0
        while j < len(words):
            size = 0
            for n_words in range(min(self.en_max, len(words) - j), 0, -1):
                key = tuple(_lemma(w for w, _, _ in words[j : j + n_words]))
                e = self.en.get(key)
                if e is not None:
                    out.append((words[j][1], words[j + n_words - 1][2], self._words(e)))
                    size = n_words
                    break
            j += size or 1
        return out

    def _words(self, e: int) -> list[str]:
        zh, en = self.entries[e]
        return [*zh, *en]


def _en_words(text: str) -> list[str]:
    return _lemma(re.findall(r"[a-z0-9]+(?:[-.'][a-z0-9]+)*", fold(text).lower()))


def _lemma(words: Any) -> list[str]:
    out = []
    for w in words:
        if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        out.append(w)
    return out
