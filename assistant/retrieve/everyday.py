"""Everyday words: common in the language at large, rare in the corpus ("start", "就是", "keep").

Users chat ("quick q", "就是墨西哥告美国那个", "how does it work"); records are formal. A word whose
general frequency (wordfreq) says it should appear in many chunks of its language, but which the
corpus hardly uses, is the user's way of talking rather than the topic: search weighs it like an
intent cue. A word rare in both (海豚, dolphin-safe) keeps its weight: rarity in the language at
large is what makes a word a name or a topic. A topic word that is common in the language and
rare in the corpus (overseas, privacy) is down-weighted too: the price of a rule that knows no
meaning, paid where the corpus cannot answer the word anyway.

The expected document frequency of a word of Zipf frequency z in N chunks of L words each is
N * (1 - exp(-L * 10^(z - 9))) (independent occurrences); a word is everyday when the corpus has it
in under EVERYDAY_RATIO of that, and that expectation is at least EVERYDAY_MIN_EXPECTED chunks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from wordfreq import zipf_frequency

EVERYDAY_RATIO = 0.1  # observed / expected document frequency below which a word is everyday
EVERYDAY_MIN_EXPECTED = 20.0  # a word expected in fewer chunks says nothing by its absence
_SAMPLE = 300  # chunks per language whose length is measured


@dataclass(frozen=True)
class _Language:
    chunks: int
    words_per_chunk: float


class EverydayWords:
    """Built once per index from its chunk rows (about half a second: a sample is tokenised), and
    kept with the generation (retrieve/derived.py). Chunks not in Chinese are counted as English,
    the corpus's other language."""

    def __init__(self, langs: dict[str, _Language] | None = None) -> None:
        self._langs: dict[str, _Language] = dict(langs or {})

    @classmethod
    def from_stats(cls, stats: dict[str, Any]) -> EverydayWords:
        """From what `stats()` wrote: {lang: [chunks, words per chunk]}."""
        return cls({str(k): _Language(int(v[0]), float(v[1])) for k, v in stats.items()})

    def stats(self) -> dict[str, list[float]]:
        return {k: [v.chunks, v.words_per_chunk] for k, v in self._langs.items()}

    @classmethod
    def from_chunks(cls, chunk_rows: list[dict[str, Any]]) -> EverydayWords:
        from assistant.index.tokenize import tokenize

        langs: dict[str, _Language] = {}
        for lang in ("zh", "en"):
            rows = [r for r in chunk_rows if (r.get("lang") == "zh") == (lang == "zh")]
            if not rows:
                continue
            step = max(len(rows) // _SAMPLE, 1)
            sample = rows[::step][:_SAMPLE]
            if lang == "zh":
                lengths = [len(tokenize(str(r.get("text") or ""))) for r in sample]
            else:
                lengths = [len(str(r.get("text") or "").split()) for r in sample]
            langs[lang] = _Language(len(rows), sum(lengths) / max(len(lengths), 1))
        return cls(langs)

    def expected_df(self, word: str) -> float:
        """How many chunks of its language would hold `word` if the corpus spoke like everyone."""
        lang = "en" if word.isascii() else "zh"
        stats = self._langs.get(lang)
        if stats is None:
            return 0.0
        per_word = 10 ** (zipf_frequency(word, lang) - 9)
        return stats.chunks * (1.0 - math.exp(-stats.words_per_chunk * per_word))

    def is_everyday(self, word: str, df: int) -> bool:
        """`word`, found in `df` chunks, is everyday talk rather than a topic."""
        if not word or not (word.isalpha() or not word.isascii()):
            return False
        expected = self.expected_df(word)
        return expected >= EVERYDAY_MIN_EXPECTED and df < EVERYDAY_RATIO * expected
