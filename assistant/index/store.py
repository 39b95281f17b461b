"""The persisted index: immutable generations under TBT_DATA_DIR/index, one of them current.

A generation holds records, chunks, the BM25 index, the Chroma vectors and a manifest. Ingest
writes a new generation beside the current one and switches the `CURRENT` pointer with an atomic
rename, so a failed or interrupted run leaves the previous index in use.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from assistant.config import Settings
from assistant.index.lexical import LexicalIndex
from assistant.index.vector import COLLECTION_PREFIX, VectorIndex, client_for
from assistant.records import BaseRecord, parse_record

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
    name = manifest.get("collection") or COLLECTION_PREFIX
    if settings.chroma_url:
        return VectorIndex(client_for(None, settings.chroma_url), name)
    return VectorIndex(client_for(gen / "chroma", None), name)


@dataclass
class LoadedIndex:
    """A generation loaded for querying; records are parsed into models on first use."""

    path: Path
    manifest: dict[str, Any]
    chunk_rows: list[dict[str, Any]]
    record_rows: dict[str, dict[str, Any]]
    lexical: LexicalIndex
    vectors: VectorIndex
    chunk_pos: dict[str, int] = field(default_factory=dict)
    by_core_symbol: dict[str, list[str]] = field(default_factory=dict)
    _models: dict[str, BaseRecord] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

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
        chunk_rows = read_jsonl(gen / "chunks.jsonl")
        record_rows = {row["ref"]: row for row in read_jsonl(gen / "records.jsonl")}
        lexical = LexicalIndex.load(gen / "bm25", len(chunk_rows))
        vectors = vector_index_for(settings, gen, manifest)
        idx = LoadedIndex(gen, manifest, chunk_rows, record_rows, lexical, vectors)
        idx.chunk_pos = {row["id"]: i for i, row in enumerate(chunk_rows)}
        for ref, row in record_rows.items():
            core = row.get("core_symbol")
            if core:
                idx.by_core_symbol.setdefault(core, []).append(ref)
        _loaded.clear()
        _loaded[key] = idx
        return idx


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
