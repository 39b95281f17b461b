"""The persisted index: immutable generations under TBT_DATA_DIR/index, one of them current.

A generation holds records, chunks, the BM25 index, the Chroma vectors and a manifest. Ingest
writes a new generation beside the current one and switches the `CURRENT` pointer with an atomic
rename, so a failed or interrupted run leaves the previous index in use.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import logging
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from assistant.config import Settings
from assistant.index.lexical import LexicalIndex
from assistant.index.vector import COLLECTION_PREFIX, MatrixVectors, VectorIndex, client_for
from assistant.records import BaseRecord, parse_record

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
KEEP_GENERATIONS = 2


class IndexNotReady(RuntimeError):
    """No index has been built yet: run `tbt ingest`."""


def index_root(settings: Settings) -> Path:
    return settings.index_dir


def current_generation(settings: Settings) -> Path | None:
    pointer = index_root(settings) / CURRENT
    if not pointer.exists():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    gen = index_root(settings) / "generations" / name
    return gen if (gen / "manifest.json").exists() else None


def set_current(settings: Settings, gen: Path) -> None:
    root = index_root(settings)
    tmp = root / f".{CURRENT}.tmp"
    tmp.write_text(gen.name, encoding="utf-8")
    os.replace(tmp, root / CURRENT)


def prune_generations(settings: Settings) -> None:
    """Keep the current generation and the one before; remove failed leftovers."""
    gens_dir = index_root(settings) / "generations"
    if not gens_dir.exists():
        return
    current = current_generation(settings)
    done = sorted(
        (p for p in gens_dir.iterdir() if p.is_dir() and (p / "manifest.json").exists()),
        key=lambda p: p.name,
    )
    keep = {p.name for p in done[-KEEP_GENERATIONS:]}
    if current is not None:
        keep.add(current.name)
    for p in gens_dir.iterdir():
        if p.is_dir() and p.name not in keep:
            shutil.rmtree(p, ignore_errors=True)


def read_manifest(gen: Path) -> dict[str, Any]:
    return json.loads((gen / "manifest.json").read_text(encoding="utf-8"))


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("wb") as fh:
        for row in rows:
            fh.write(orjson.dumps(row))
            fh.write(b"\n")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open("rb") as fh:
        return [orjson.loads(line) for line in fh if line.strip()]


def vector_index_for(settings: Settings, gen: Path, manifest: dict[str, Any]) -> VectorIndex:
    """The Chroma collection of a generation: on the server it was built on, else embedded.

    The manifest records the server (`chroma_url`), so a generation built into embedded Chroma
    is still read from its own folder after TBT_CHROMA_URL is set, and the other way round.
    """
    name = manifest.get("collection") or COLLECTION_PREFIX
    url = manifest.get("chroma_url")
    if url is None:  # built before the manifest recorded it
        url = None if (gen / "chroma").is_dir() else settings.chroma_url
    if url:
        return VectorIndex(client_for(None, url), name)
    return VectorIndex(client_for(gen / "chroma", None), name)


def query_vectors(settings: Settings, gen: Path, manifest: dict[str, Any]) -> VectorIndex | MatrixVectors:
    """What the searcher queries: the memory-mapped matrix for embedded generations (fast to
    open), Chroma for a server. An older generation without a matrix gets one written from its
    Chroma store on first load, when its folder is writable."""
    matrix = MatrixVectors.open(gen)
    if matrix is not None:
        return matrix
    if manifest.get("chroma_url") or not (gen / "chroma").is_dir():
        return vector_index_for(settings, gen, manifest)
    chroma = vector_index_for(settings, gen, manifest)
    with contextlib.suppress(OSError):
        ids = sorted(chroma.ids())
        got = chroma.get_vectors(ids)
        if ids and len(got) == len(ids):
            MatrixVectors.write(gen, ids, np.stack([got[i] for i in ids]))
            return MatrixVectors.open(gen) or chroma
    return chroma


@dataclass
class LoadedIndex:
    """A generation loaded for querying; records are parsed into models on first use."""

    path: Path
    manifest: dict[str, Any]
    chunk_rows: list[dict[str, Any]]
    record_rows: dict[str, dict[str, Any]]
    lexical: LexicalIndex
    vectors: VectorIndex | MatrixVectors
    chunk_pos: dict[str, int] = field(default_factory=dict)
    by_core_symbol: dict[str, list[str]] = field(default_factory=dict)
    _models: dict[str, BaseRecord] = field(default_factory=dict)
    _provenance: dict[str, Any] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    _by_cite: dict[str, list[int]] | None = None

    def cited_text(self, chunk_id: str) -> str:
        """The whole of what a chunk's citation names: every chunk of a provision (an article
        split over several chunks), in order; a chunk without a provision of its own, alone."""
        pos = self.chunk_pos.get(chunk_id)
        if pos is None:
            return ""
        row = self.chunk_rows[pos]
        cite = str(row.get("cite") or "")
        if not cite or cite == row.get("ref"):
            return str(row.get("text") or "")
        if self._by_cite is None:
            by_cite: dict[str, list[int]] = {}
            for i, r in enumerate(self.chunk_rows):
                c = r.get("cite")
                if c and c != r.get("ref"):
                    by_cite.setdefault(str(c), []).append(i)
            self._by_cite = by_cite
        return "\n".join(str(self.chunk_rows[i].get("text") or "") for i in self._by_cite.get(cite, [pos]))

    def record(self, ref: str) -> BaseRecord | None:
        model = self._models.get(ref)
        if model is not None:
            return model
        row = self.record_rows.get(ref)
        if row is None:
            return None
        model = parse_record(row)
        with self._lock:
            self._models[ref] = model
        return model

    def provenance(self, ref: str, chunk_id: str | None = None) -> dict[str, Any] | None:
        """{file, loader, user_added} of a record (or of one of its chunks, when that chunk came
        from another file, such as a shipped act's full text), or None when unknown."""
        if self._provenance is None:
            try:
                data = json.loads((self.path / "provenance.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
            self._provenance = data if isinstance(data, dict) else {}
        if chunk_id is not None:
            found = (self._provenance.get("chunks") or {}).get(chunk_id)
            if found:
                return dict(found)
        found = (self._provenance.get("records") or {}).get(ref)
        return dict(found) if found else None

    def added_from(self, ref: str) -> str | None:
        """The name of the file a locally added record came from; None for shipped records."""
        prov = self.provenance(ref)
        if not prov or not prov.get("user_added"):
            return None
        return Path(str(prov.get("file") or "")).name or "?"



_loaded: dict[str, LoadedIndex] = {}
_load_lock = threading.Lock()


def load_index(settings: Settings) -> LoadedIndex:
    """The current generation, loaded once per process and reloaded when ingest switches it."""
    gen = current_generation(settings)
    if gen is None:
        raise IndexNotReady(
            f"No index under {index_root(settings)}. Build it with `tbt ingest` (or `make run`)."
        )
    key = str(gen.resolve())
    with _load_lock:
        cached = _loaded.get(key)
        if cached is not None:
            return cached
        manifest = read_manifest(gen)
        # hundreds of thousands of small dicts: the cyclic GC would walk them again and again
        # while they are built (most of the load time); they hold no cycles, so pause it
        enabled = gc.isenabled()
        gc.disable()
        try:
            chunk_rows = read_jsonl(gen / "chunks.jsonl")
            record_rows = {row["ref"]: row for row in read_jsonl(gen / "records.jsonl")}
        finally:
            if enabled:
                gc.enable()
        lexical = LexicalIndex.load(gen / "bm25", len(chunk_rows))
        vectors = query_vectors(settings, gen, manifest)
        idx = LoadedIndex(gen, manifest, chunk_rows, record_rows, lexical, vectors)
        idx.chunk_pos = {row["id"]: i for i, row in enumerate(chunk_rows)}
        for ref, row in record_rows.items():
            core = row.get("core_symbol")
            if core:
                idx.by_core_symbol.setdefault(core, []).append(ref)
        _loaded.clear()
        _loaded[key] = idx
        return idx


_sound: set[str] = set()  # generations found sound (immutable once built: checked once)


def vector_problem(settings: Settings, gen: Path, manifest: dict[str, Any]) -> str | None:
    """Why the generation's vectors do not match its chunks, or None when they do.

    Reads the matrix header when there is one (cheap); otherwise counts the Chroma collection.
    """
    key = f"{gen.resolve()}|{manifest.get('created')}"
    if key in _sound:
        return None
    problem = _vector_problem(settings, gen, manifest)
    if problem is None:
        _sound.add(key)
    return problem


def _vector_problem(settings: Settings, gen: Path, manifest: dict[str, Any]) -> str | None:
    chunks = int(manifest.get("chunks") or 0)
    matrix = MatrixVectors.open(gen)
    if matrix is not None:
        count = matrix.count()
    else:
        try:
            count = vector_index_for(settings, gen, manifest).count()
        except Exception as exc:  # an unreachable server or a damaged store is a problem too
            return f"vector store unreadable: {type(exc).__name__}: {exc}"
    if count != chunks:
        return f"{count} vectors for {chunks} chunks: run `tbt ingest --force`"
    return None


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
