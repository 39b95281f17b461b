"""Dense vectors in Chroma (embedded by default, a Chroma server via TBT_CHROMA_URL).

We always pass our own embeddings: Chroma's built-in embedder would try to download a model.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

COLLECTION_PREFIX = "tbt_chunks"


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def client_for(path: Path | None, url: str | None) -> Any:
    import chromadb

    if url:
        u = urlparse(url)
        return chromadb.HttpClient(
            host=u.hostname or "127.0.0.1",
            port=u.port or (443 if u.scheme == "https" else 8000),
            ssl=u.scheme == "https",
            settings=_chroma_settings(),
        )
    assert path is not None
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())


class VectorIndex:
    """A Chroma collection of chunk vectors with their metadata."""

    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name
        self.collection = client.get_or_create_collection(
            name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        self._count: int | None = None  # a generation is immutable once built: count once

    def count(self) -> int:
        return int(self.collection.count())

    def ids(self) -> set[str]:
        out: set[str] = set()
        offset = 0
        while True:
            got = self.collection.get(include=[], limit=5000, offset=offset)
            batch = got["ids"]
            out.update(batch)
            if len(batch) < 5000:
                return out
            offset += 5000

    def add(self, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[dict[str, Any]]) -> None:
        step = 4000
        for i in range(0, len(ids), step):
            self.collection.upsert(
                ids=list(ids[i : i + step]),
                embeddings=vectors[i : i + step],
                metadatas=list(metadatas[i : i + step]),
            )

    def delete(self, ids: Sequence[str]) -> None:
        step = 4000
        ids = list(ids)
        for i in range(0, len(ids), step):
            self.collection.delete(ids=ids[i : i + step])

    def get_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        ids = list(ids)
        for i in range(0, len(ids), 2000):
            got = self.collection.get(ids=ids[i : i + 2000], include=["embeddings"])
            for cid, vec in zip(got["ids"], got["embeddings"], strict=False):
                out[cid] = np.asarray(vec, dtype=np.float32)
        return out

    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) best first."""
        if self._count is None:
            self._count = self.count()
        total = self._count
        if total == 0:
            return []
        res = self.collection.query(
            query_embeddings=[vector.astype(np.float32)],
            n_results=min(n, total),
            where=where,
            include=["distances"],
        )
        ids = res["ids"][0]
        dists = res["distances"][0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, dists, strict=False)]


MATRIX_FILE = "vectors.npy"
MATRIX_IDS = "vector_ids.json"


class MatrixVectors:
    """The same vectors as a memory-mapped matrix beside the generation (exact cosine search).

    Loading it costs milliseconds where opening embedded Chroma costs over a second (importing
    chromadb, opening SQLite and the HNSW segment), which is most of a cold `tbt ask`. Vectors
    are L2-normalised by the embedder, so a dot product is the cosine similarity.
    """

    def __init__(self, ids: list[str], matrix: np.ndarray) -> None:
        self._ids = ids
        self._pos = {cid: i for i, cid in enumerate(ids)}
        self.matrix = matrix
        self.name = "matrix"

    @classmethod
    def open(cls, folder: Path) -> MatrixVectors | None:
        """The matrix in `folder`, or None when it is missing or does not match its ids."""
        import json

        try:
            ids = json.loads((folder / MATRIX_IDS).read_text(encoding="utf-8"))
            matrix = np.load(folder / MATRIX_FILE, mmap_mode="r")
        except (OSError, ValueError):
            return None
        if not isinstance(ids, list) or matrix.ndim != 2 or matrix.shape[0] != len(ids):
            return None
        return cls([str(i) for i in ids], matrix)

    @staticmethod
    def write(folder: Path, ids: Sequence[str], matrix: np.ndarray) -> None:
        """Write atomically (temporary names, then rename), so readers never see half a file."""
        import json
        import os
        import secrets

        tag = secrets.token_hex(4)
        tmp_m = folder / f".{MATRIX_FILE}.{tag}.npy"
        tmp_i = folder / f".{MATRIX_IDS}.{tag}"
        rows = np.asarray(matrix, dtype=np.float32)
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        np.save(tmp_m, np.ascontiguousarray(rows / norms))
        tmp_i.write_text(json.dumps(list(ids)), encoding="utf-8")
        os.replace(tmp_i, folder / MATRIX_IDS)
        os.replace(tmp_m, folder / MATRIX_FILE)

    def count(self) -> int:
        return len(self._ids)

    def ids(self) -> set[str]:
        return set(self._ids)

    def get_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for cid in ids:
            i = self._pos.get(cid)
            if i is not None:
                out[cid] = np.asarray(self.matrix[i], dtype=np.float32)
        return out

    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) best first; `where` filters are not supported here."""
        if where:
            raise ValueError("MatrixVectors does not filter; use the Chroma index for `where`")
        if not self._ids or n <= 0:
            return []
        q = np.asarray(vector, dtype=np.float32).reshape(-1)
        norm = float(np.linalg.norm(q)) or 1.0
        sims = np.asarray(self.matrix @ (q / norm))
        n = min(n, len(self._ids))
        top = np.argpartition(-sims, n - 1)[:n]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(self._ids[i], float(sims[i])) for i in top]
