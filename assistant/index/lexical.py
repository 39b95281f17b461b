"""BM25 over jieba tokens (Chinese and English in one index), persisted with bm25s."""

from __future__ import annotations

from pathlib import Path

import numpy as np


class LexicalIndex:
    """Scores every chunk for a tokenised query; rows follow the generation's chunk order."""

    def __init__(self, retriever: object, size: int) -> None:
        self._r = retriever
        self.size = size
        vocab = getattr(retriever, "vocab_dict", None) or {}
        self._vocab: set[str] = set(vocab.keys())

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> LexicalIndex:
        import bm25s

        retriever = bm25s.BM25()
        # An empty document would have no tokens; bm25s copes via create_empty_token.
        retriever.index(token_lists, show_progress=False)
        return cls(retriever, len(token_lists))

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self._r.save(str(path))  # type: ignore[attr-defined]

    @classmethod
    def load(cls, path: Path, size: int) -> LexicalIndex:
        import bm25s

        return cls(bm25s.BM25.load(str(path)), size)

    @property
    def vocabulary(self) -> set[str]:
        """Every token the index knows (query-side typo correction uses it)."""
        return self._vocab

    def scores(self, tokens: list[str]) -> np.ndarray:
        known = [t for t in tokens if t in self._vocab]
        if not known or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._r.get_scores(known), dtype=np.float32)  # type: ignore[attr-defined]
