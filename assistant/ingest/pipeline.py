"""Ingest: sources -> records -> chunks -> a new index generation, incrementally and atomically.

Incremental: each source file is fingerprinted (sha256); an unchanged set of sources is a no-op,
and when something changed only chunks whose text is new are embedded (the rest of the vectors are
carried over from the previous generation). Atomic: everything is written into a fresh generation
folder and `CURRENT` is switched only at the end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import pickle
import resource
import secrets
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import Settings
from assistant.index.embedder import get_embedder
from assistant.index.lexical import LexicalIndex
from assistant.index.store import (
    COLLECTION_PREFIX,
    current_generation,
    index_root,
    now_iso,
    prune_generations,
    read_manifest,
    set_current,
    vector_index_for,
    vector_problem,
    write_jsonl,
)
from assistant.index.tokenize import tokenize
from assistant.index.vector import MatrixVectors
from assistant.ingest.base import IngestIssue
from assistant.ingest.registry import discover, load_path
from assistant.records import BaseRecord, Chunk, RecordType

PIPELINE_VERSION = "3"  # bump when loaders/chunking change what they produce
EMBED_BATCH = 256
LOCK_FILE = ".ingest.lock"
PROVENANCE_FILE = "provenance.json"


class IngestError(RuntimeError):
    """The run could not produce a sound generation; the current index is left as it was."""


class IngestBusy(IngestError):
    """Another ingest holds the lock on this data directory."""

Progress = Callable[[str, int, int], None]


def _noop(stage: str, done: int, total: int) -> None:  # pragma: no cover - trivial
    return None


@dataclass
class IngestReport:
    """What an ingest run did, for the CLI summary and `tbt stats`."""

    generation: str | None = None
    noop: bool = False
    sources: list[dict[str, Any]] = field(default_factory=list)
    issues: list[IngestIssue] = field(default_factory=list)
    records_by_type: dict[str, int] = field(default_factory=dict)
    records: int = 0
    chunks: int = 0
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0
    peak_mb: float | None = None
    failed: list[str] = field(default_factory=list)  # files named on the command line that failed
    waited: float = 0.0  # seconds spent waiting for another ingest to finish

    @property
    def ok(self) -> bool:
        """An index is in place (the run may still have failed on some named files)."""
        return self.noop or self.records > 0

    @property
    def exit_code(self) -> int:
        """0 when everything asked for was ingested; 1 when nothing was, or a named file failed."""
        return 0 if self.ok and not self.failed else 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "generation": self.generation,
            "noop": self.noop,
            "records": self.records,
            "chunks": self.chunks,
            "records_by_type": self.records_by_type,
            "embedded": self.embedded,
            "reused": self.reused,
            "seconds": round(self.seconds, 2),
            "peak_mb": self.peak_mb,
            "failed": self.failed,
            "waited": round(self.waited, 2),
            "sources": self.sources,
            "issues": [str(i) for i in self.issues],
        }


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _chunk_hash(c: Chunk) -> str:
    return hashlib.sha1(c.text.encode("utf-8")).hexdigest()[:20]


def _chunk_meta(c: Chunk) -> dict[str, Any]:
    """Scalar metadata for Chroma (lists are joined with | so a server can filter by substring)."""
    return {
        "ref": c.ref,
        "type": c.type.value,
        "lang": c.lang,
        "markets": "|" + "|".join(c.markets) + "|" if c.markets else "",
        "hs": "|" + "|".join(c.hs) + "|" if c.hs else "",
        "ntm": "|".join(c.ntm),
        "date": c.date.isoformat() if c.date else "",
        "page": c.page or 0,
    }


def _source_list(settings: Settings, extra: Iterable[Path], previous: dict[str, Any] | None) -> list[Path]:
    roots: list[Path] = [settings.corpus_dir]
    sticky = [Path(p) for p in (previous or {}).get("extra_paths", [])]
    roots.extend(p for p in sticky if p.exists())
    roots.extend(extra)
    return discover(roots)


def _is_shipped(path: Path, settings: Settings) -> bool:
    """A file of the shipped corpus (as opposed to one a user added with `tbt ingest FILE`)."""
    try:
        path.resolve().relative_to(settings.corpus_dir.resolve())
    except ValueError:
        return False
    return True


def _own_ref(rec: BaseRecord, path: Path, taken: dict[str, BaseRecord]) -> str:
    """A ref for a user-added record whose ref is already taken: the file name says whose it is."""
    base = f"{rec.ref} ({path.name})"[:300]
    ref, n = base, 2
    while ref in taken:
        ref, n = f"{base} #{n}"[:300], n + 1
    return ref


def _rename(rec: BaseRecord, chunks: list[Chunk], ref: str) -> tuple[BaseRecord, list[Chunk]]:
    """The record under a new ref, with its chunks re-pointed (ids and citations follow)."""
    old = rec.ref
    out = []
    seqs: dict[tuple[str | None, str], int] = {}
    for c in chunks:
        if c.ref != old:
            out.append(c)
            continue
        seq = seqs.get((c.place, c.lang), 0)
        seqs[(c.place, c.lang)] = seq + 1
        cite = ref + c.cite[len(old):] if c.cite.startswith(old) else c.cite
        out.append(c.model_copy(update={
            "ref": ref, "cite": cite, "id": Chunk.make_id(ref, c.place, c.lang, seq)}))
    return rec.model_copy(update={"ref": ref}), out


def _merge_records(
    loaded: list[tuple[Path, str | None, list[BaseRecord], list[Chunk]]],
    issues: list[IngestIssue],
    shipped: Callable[[Path], bool] = lambda _p: True,
    provenance: dict[str, dict[str, Any]] | None = None,
) -> tuple[dict[str, BaseRecord], list[Chunk]]:
    """Records by ref; curated records win a clash, and a shipped document's chunks attach to
    them (the full text of a curated act). A user-added file never merges into another record:
    when its ref is taken it is indexed under its own ref, named after the file."""
    records: dict[str, BaseRecord] = {}
    origin: dict[str, str] = {}
    chunks: list[Chunk] = []
    prov = provenance if provenance is not None else {}
    ordered = sorted(loaded, key=lambda t: 0 if t[1] == "curated" else 1)
    for path, loader, recs, pre_chunks in ordered:
        user = not shipped(path)
        for rec in recs:
            if rec.ref in records and user:
                new_ref = _own_ref(rec, path, records)
                issues.append(IngestIssue(
                    str(path),
                    f"ref {rec.ref!r} already belongs to {origin[rec.ref]}; this file's text is "
                    f"indexed as {new_ref!r} and never cited as {rec.ref!r}",
                    severity="warning",
                ))
                rec, pre_chunks = _rename(rec, pre_chunks, new_ref)
            if rec.ref in records:
                if rec.type == RecordType.document and loader != "curated":
                    continue  # the full text of a curated act: its chunks join the curated record
                issues.append(
                    IngestIssue(
                        str(path),
                        f"duplicate ref {rec.ref!r} (already from {origin[rec.ref]}); kept the first",
                        severity="warning",
                    )
                )
                continue
            records[rec.ref] = rec
            origin[rec.ref] = path.name
            prov[rec.ref] = {"file": str(path), "loader": loader, "user_added": user}
        for c in pre_chunks:
            prov.setdefault("#" + c.id, {"file": str(path), "loader": loader, "user_added": user})
        chunks.extend(pre_chunks)
    return records, chunks


def _finalise_chunks(records: dict[str, BaseRecord], pre_chunks: list[Chunk]) -> list[Chunk]:
    from assistant.ingest.chunking import chunk_record

    have_chunks = {c.ref for c in pre_chunks}
    out: list[Chunk] = []
    seen: set[str] = set()
    for c in pre_chunks:
        rec = records.get(c.ref)
        if rec is None or c.id in seen:
            continue
        if rec.type != c.type or (not c.markets and rec.markets):
            c = c.model_copy(update={"type": rec.type, "markets": c.markets or rec.markets, "hs": c.hs or rec.hs})
        seen.add(c.id)
        out.append(c)
    for ref, rec in records.items():
        # Curated records always get their own summary chunks, even when a PDF adds full text.
        if ref in have_chunks and rec.type == RecordType.document:
            continue
        for c in chunk_record(rec):
            if c.id not in seen:
                seen.add(c.id)
                out.append(c)
    return out


def run_ingest(
    settings: Settings,
    extra: Iterable[Path] = (),
    *,
    force: bool = False,
    reset_extra: bool = False,
    progress: Progress = _noop,
    measure_memory: bool = False,
    wait: bool = True,
) -> IngestReport:
    """Build or update the index; see the module docstring for the guarantees.

    One ingest at a time per data directory: a second run waits for the first (or raises
    IngestBusy with `wait=False`), then starts from what the first one made current.
    """
    root = index_root(settings)
    (root / "generations").mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with _ingest_lock(root, wait, progress):
        waited = time.perf_counter() - t0
        report = _run_locked(settings, extra, force, reset_extra, progress, measure_memory)
        report.waited = waited
        return report


@contextlib.contextmanager
def _ingest_lock(root: Path, wait: bool, progress: Progress) -> Iterator[None]:
    """An exclusive lock file in the index folder (released by the OS if the process dies)."""
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
            if not wait:
                raise IngestBusy(
                    f"another ingest (pid {holder}) is running on {root}; try again when it ends"
                ) from None
            progress("wait", 0, 1)
            fcntl.flock(fd, fcntl.LOCK_EX)
            progress("wait", 1, 1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _run_locked(
    settings: Settings,
    extra: Iterable[Path],
    force: bool,
    reset_extra: bool,
    progress: Progress,
    measure_memory: bool,
) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport()
    root = index_root(settings)
    prev_gen = current_generation(settings)
    prev = read_manifest(prev_gen) if prev_gen else None
    if prev_gen is not None and prev is not None and vector_problem(settings, prev_gen, prev):
        # a broken generation (vectors missing) is never a base to reuse from, nor a no-op
        prev_gen, prev = None, None
    extra = [Path(p).resolve() for p in extra]
    sources = _source_list(settings, extra, None if reset_extra else prev)

    fingerprints: dict[str, str] = {}
    for p in sources:
        try:
            fingerprints[str(p.resolve())] = _sha256(p)
        except OSError:
            fingerprints[str(p.resolve())] = "missing"
    key_now = {
        "pipeline": PIPELINE_VERSION,
        "embedder": settings.embedder,
        "chroma_url": settings.chroma_url or "",
        "sources": fingerprints,
    }
    if prev is not None and not force and prev.get("key") == key_now:
        report.noop = True
        report.generation = prev_gen.name if prev_gen else None
        report.records = prev.get("records", 0)
        report.chunks = prev.get("chunks", 0)
        report.records_by_type = prev.get("records_by_type", {})
        report.sources = prev.get("sources", [])
        report.seconds = time.perf_counter() - started
        _finish_memory(report, measure_memory)
        return report

    # 1. load every source; a bad file is an issue, never the end of the run
    loaded: list[tuple[Path, str | None, list[BaseRecord], list[Chunk]]] = []
    named = {str(p) for p in extra}
    bad_extra: set[str] = set()
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    for i, path in enumerate(sources):
        progress("load", i, len(sources))
        loader, result = load_path(path, max_bytes=max_bytes)
        report.issues.extend(result.issues)
        errors = [x for x in result.issues if x.severity == "error"]
        if not result.records and (errors or not _is_shipped(path, settings)):
            bad_extra.add(str(path.resolve()))
            if str(path.resolve()) in named or str(path) in named:
                why = errors[0].message if errors else "no records in this file"
                report.failed.append(f"{path}: {why}")
        loaded.append((path, loader, result.records, result.chunks))
        report.sources.append(
            {
                "path": _display_path(path, settings),
                "loader": loader,
                "records": len(result.records),
                "issues": len(result.issues),
                "sha256": fingerprints.get(str(path.resolve()), "")[:16],
            }
        )
    progress("load", len(sources), len(sources))
    provenance: dict[str, dict[str, Any]] = {}
    records, pre_chunks = _merge_records(
        loaded, report.issues, lambda p: _is_shipped(p, settings), provenance
    )
    report.records = len(records)
    report.records_by_type = dict(Counter(r.type.value for r in records.values()))
    if not records:
        report.seconds = time.perf_counter() - started
        _finish_memory(report, measure_memory)
        return report
    chunks = _finalise_chunks(records, pre_chunks)
    report.chunks = len(chunks)

    # 2. a fresh generation folder (the current one is never touched)
    name = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
    gen = root / "generations" / (name + ".tmp")
    gen.mkdir(parents=True)
    try:
        manifest: dict[str, Any] = {
            "key": key_now,
            "created": now_iso(),
            "embedder": settings.embedder,
            "chroma_url": settings.chroma_url or "",
            "collection": f"{COLLECTION_PREFIX}_{name.replace('-', '_')}"
            if settings.chroma_url
            else COLLECTION_PREFIX,
            # a file that gave nothing is reported once, not remembered and re-read every run
            "extra_paths": sorted(
                ({str(p) for p in extra}
                 | ({*prev.get("extra_paths", [])} if prev and not reset_extra else set()))
                - bad_extra
            ),
        }
        hashes = {c.id: _chunk_hash(c) for c in chunks}
        prev_hashes: dict[str, str] = {}
        prev_tokens: dict[str, list[str]] = {}
        if prev_gen is not None and prev and prev.get("embedder") == settings.embedder:
            prev_hashes = _read_pickle(prev_gen / "chunk_hashes.pkl")
            prev_tokens = _read_pickle(prev_gen / "tokens.pkl")

        # 3. vectors: reuse what is unchanged, embed the rest
        _build_vectors(settings, gen, manifest, chunks, hashes, prev_gen, prev, prev_hashes, report, progress)
        manifest["vectors"] = _check_vectors(settings, gen, manifest, chunks)

        # 4. lexical index (tokens reused by text hash)
        token_lists: list[list[str]] = []
        tokens_by_hash: dict[str, list[str]] = {}
        for i, c in enumerate(chunks):
            h = hashes[c.id]
            toks = prev_tokens.get(h)
            if toks is None:
                toks = tokenize(c.text)
            tokens_by_hash[h] = toks
            token_lists.append(toks)
            if i % 2000 == 0:
                progress("tokenize", i, len(chunks))
        progress("tokenize", len(chunks), len(chunks))
        LexicalIndex.build(token_lists).save(gen / "bm25")

        # 5. records, chunks, manifest; then switch
        record_dicts = [r.model_dump(mode="json", exclude_none=True) for r in records.values()]
        chunk_dicts = [c.model_dump(mode="json", exclude_none=True) for c in chunks]
        write_jsonl(gen / "records.jsonl", record_dicts)
        write_jsonl(gen / "chunks.jsonl", chunk_dicts)
        # 6. short fields and the bilingual lexicon as their own vectors (index/fields.py)
        build_fields(settings, gen, record_dicts, chunk_dicts, prev_gen, progress)
        _write_pickle(gen / "chunk_hashes.pkl", hashes)
        _write_pickle(gen / "tokens.pkl", tokens_by_hash)
        _write_provenance(gen, records, chunks, provenance)
        # what search derives from the text (stated abbreviations, chunk lengths): once, here
        from assistant.retrieve.derived import derived_for

        derived_for(gen, {str(r["ref"]): r for r in record_dicts}, chunk_dicts)
        manifest.update(
            {
                "records": report.records,
                "chunks": report.chunks,
                "records_by_type": report.records_by_type,
                "records_by_source": {src["path"]: src["records"] for src in report.sources},
                "sources": report.sources,
                "issues": [str(i) for i in report.issues][:500],
                "embedded": report.embedded,
                "reused": report.reused,
            }
        )
        (gen / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        final = root / "generations" / name
        gen.rename(final)
        set_current(settings, final)
        report.generation = final.name
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise
    prune_generations(settings)
    report.seconds = time.perf_counter() - started
    _finish_memory(report, measure_memory)
    return report


def build_fields(
    settings: Settings,
    gen: Path,
    records: list[dict[str, Any]],
    chunks: list[dict[str, Any]],
    prev_gen: Path | None,
    progress: Progress,
) -> None:
    """Embed the generation's record fields and lexicon terms, reusing the previous generation's."""
    from assistant.index.fields import FieldIndex, build_field_index

    previous = FieldIndex.load(prev_gen) if prev_gen is not None else None
    embedder = get_embedder(settings)
    fields = build_field_index(records, chunks, embedder.embed_documents, settings.corpus_dir / "vocab",
                               previous if previous is None or previous.vectors.shape[1] == embedder.dim else None,
                               progress)
    fields.save(gen)


def _build_vectors(
    settings: Settings,
    gen: Path,
    manifest: dict[str, Any],
    chunks: list[Chunk],
    hashes: dict[str, str],
    prev_gen: Path | None,
    prev: dict[str, Any] | None,
    prev_hashes: dict[str, str],
    report: IngestReport,
    progress: Progress,
) -> None:
    reusable = {cid for cid, h in hashes.items() if prev_hashes.get(cid) == h}
    prev_embedded = prev is not None and not prev.get("chroma_url") and prev_gen is not None \
        and (prev_gen / "chroma").is_dir()
    if prev_gen is not None and prev is not None and not settings.chroma_url and reusable and prev_embedded:
        # Embedded Chroma: copy the previous store and apply the difference.
        shutil.copytree(prev_gen / "chroma", gen / "chroma")
        vindex = vector_index_for(settings, gen, manifest)
        stale = [cid for cid in prev_hashes if cid not in reusable]
        if stale:
            vindex.delete(stale)
        carried: dict[str, np.ndarray] = {}
    else:
        vindex = vector_index_for(settings, gen, manifest)
        carried = {}
        if prev_gen is not None and prev is not None and reusable:
            old = MatrixVectors.open(prev_gen) or vector_index_for(settings, prev_gen, prev)
            carried = old.get_vectors(sorted(reusable))
            reusable = set(carried)
    todo = [c for c in chunks if c.id not in reusable]
    report.reused = len(chunks) - len(todo)
    if carried:
        ids = list(carried)
        by_id = {c.id: c for c in chunks}
        vindex.add(ids, np.stack([carried[i] for i in ids]), [_chunk_meta(by_id[i]) for i in ids])
    if not todo:
        return
    embedder = get_embedder(settings)
    progress("embed", 0, len(todo))
    for start in range(0, len(todo), EMBED_BATCH * 8):
        block = todo[start : start + EMBED_BATCH * 8]
        vecs = []
        for i in range(0, len(block), EMBED_BATCH):
            vecs.append(embedder.embed_documents([c.text for c in block[i : i + EMBED_BATCH]]))
            progress("embed", report.embedded + i + len(vecs[-1]), len(todo))
        vindex.add([c.id for c in block], np.concatenate(vecs), [_chunk_meta(c) for c in block])
        report.embedded += len(block)
        progress("embed", report.embedded, len(todo))


def _check_vectors(settings: Settings, gen: Path, manifest: dict[str, Any], chunks: list[Chunk]) -> int:
    """Every chunk has its vector, or the generation is not made current (IngestError).

    For embedded Chroma the vectors are also written as a memory-mapped matrix, which is what
    queries read (fast to open); Chroma stays the store that later runs reuse vectors from.
    """
    vindex = vector_index_for(settings, gen, manifest)
    ids = [c.id for c in chunks]
    count = vindex.count()
    got = vindex.get_vectors(ids)
    if count != len(ids) or len(got) != len(ids):
        raise IngestError(
            f"vector store holds {count} vectors ({len(got)} of this generation's {len(ids)} "
            "chunks); the generation was not made current. Run `tbt ingest --force`."
        )
    if not manifest.get("chroma_url"):
        MatrixVectors.write(gen, ids, np.stack([got[i] for i in ids]) if ids else np.zeros((0, 1)))
    return count


def _write_provenance(
    gen: Path, records: dict[str, BaseRecord], chunks: list[Chunk], prov: dict[str, dict[str, Any]]
) -> None:
    """Where each record and chunk came from (file, loader, user-added or shipped)."""
    out: dict[str, Any] = {
        "records": {ref: prov[ref] for ref in records if ref in prov},
        "chunks": {c.id: p for c in chunks if (p := prov.get("#" + c.id)) and p != prov.get(c.ref)},
    }
    (gen / PROVENANCE_FILE).write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")


def _display_path(path: Path, settings: Settings) -> str:
    try:
        return str(path.resolve().relative_to(settings.corpus_dir.resolve().parent))
    except ValueError:
        return str(path)


def _read_pickle(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = pickle.load(fh)
        return data if isinstance(data, dict) else {}
    except (OSError, pickle.UnpicklingError, EOFError):
        return {}


def _write_pickle(path: Path, data: dict[str, Any]) -> None:
    with path.open("wb") as fh:
        pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)


def _finish_memory(report: IngestReport, measure: bool) -> None:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    if measure:
        report.peak_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
