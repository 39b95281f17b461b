"""The embedder's start-up cache: the tokenizer is kept in the data folder, loads the same
tokenizer next time, and a damaged cache costs time, never the answer."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.index.embedder import USEEmbedder

TEXTS = ["出口蓝牙耳机到欧盟需要什么认证？", "What do toys need for the EU?"]


def test_second_start_reads_the_cached_tokenizer(tmp_path: Path) -> None:
    first = USEEmbedder(2, tmp_path)
    cached = list(tmp_path.glob("use-tokenizer-*.pickle"))
    assert len(cached) == 1
    second = USEEmbedder(2, tmp_path)
    assert second._model._sp is not None  # loaded, not built
    assert np.allclose(first.embed_documents(TEXTS), second.embed_documents(TEXTS), atol=1e-6)


def test_a_damaged_cache_falls_back_to_building(tmp_path: Path) -> None:
    USEEmbedder(2, tmp_path)
    for path in tmp_path.glob("use-tokenizer-*.pickle"):
        path.write_bytes(b"not a pickle")
    damaged = USEEmbedder(2, tmp_path)
    reference = USEEmbedder(2, None)
    assert np.allclose(damaged.embed_documents(TEXTS), reference.embed_documents(TEXTS), atol=1e-6)
