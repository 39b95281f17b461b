"""Which loader reads which file: each loader module recognises its own files by content."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from assistant.ingest.base import IngestIssue, LoadResult

# Order matters: the first loader whose sniff() says yes reads the file.
LOADER_MODULES = (
    "assistant.ingest.curated",
    "assistant.ingest.eping",
    "assistant.ingest.rasff",
    "assistant.ingest.disputes",
    "assistant.ingest.gacc",
    "assistant.ingest.pdf",
    "assistant.ingest.text",
)
SUPPORTED_SUFFIXES = {".pdf", ".md", ".markdown", ".txt", ".json", ".jsonl", ".yaml", ".yml", ".csv", ".xlsx"}
_SKIP_NAMES = ("source", "license", "licence", "readme", "notice")
_SKIP_DIRS = {"vocab", "__pycache__"}
# files whose whole text is chunked and embedded: above TBT_MAX_FILE_MB they are refused rather
# than left embedding for a quarter of an hour (tabular exports are row records and exempt)
PROSE_SUFFIXES = {".pdf", ".md", ".markdown", ".txt"}

# what a file really is, from its first bytes, to say so when the name promises something else
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file (.doc/.xls)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"{\\rtf", "an RTF document"),
)
_EXPECTED = {".pdf": "PDF", ".xlsx": "xlsx workbook", ".json": "JSON file", ".jsonl": "JSON Lines file",
             ".csv": "CSV file", ".md": "Markdown file", ".markdown": "Markdown file",
             ".txt": "text file", ".yaml": "YAML file", ".yml": "YAML file"}


def what_it_is(head: bytes) -> str | None:
    """'a ZIP archive', 'a PDF document', ... from a file's first bytes (None: not recognised)."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            if magic == b"PK\x03\x04" and b"xl/" in head[:2000]:
                return "an Excel workbook (xlsx)"
            if magic == b"PK\x03\x04" and b"word/" in head[:2000]:
                return "a Word document (docx)"
            return name
    stripped = head.lstrip()[:200].lower()
    if stripped.startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    return None


def mismatch(path: Path, head: bytes) -> str | None:
    """'not a PDF: this is a ZIP archive' when the content contradicts the file's suffix."""
    suffix = path.suffix.lower()
    found = what_it_is(head)
    if found is None:
        if suffix == ".pdf" and head:
            return "not a PDF: the file does not start with %PDF (damaged, or another format renamed)"
        return None
    binary = not found.startswith("an HTML")
    if suffix == ".pdf" and not found.startswith("a PDF"):
        return f"not a PDF: this is {found}"
    if suffix == ".xlsx" and not found.startswith(("a ZIP", "an Excel")):
        return f"not an xlsx workbook: this is {found}"
    if suffix in (".json", ".jsonl", ".csv", ".md", ".markdown", ".txt", ".yaml", ".yml") and binary:
        return f"not a {_EXPECTED[suffix]}: this is {found}"
    return None


@dataclass(frozen=True)
class LoaderInfo:
    name: str
    module: ModuleType


def loaders() -> list[LoaderInfo]:
    out = []
    for mod_name in LOADER_MODULES:
        try:
            mod = importlib.import_module(mod_name)
        except ImportError:  # a loader not present in this build is simply not offered
            continue
        out.append(LoaderInfo(getattr(mod, "NAME", mod_name.rsplit(".", 1)[-1]), mod))
    return out


def pick_loader(path: Path) -> LoaderInfo | None:
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    for info in loaders():
        try:
            if info.module.sniff(path, head):
                return info
        except Exception:  # a sniffer must never stop the run
            continue
    return None


def load_path(path: Path, max_bytes: int | None = None) -> tuple[str | None, LoadResult]:
    """Load one file with the loader that recognises it; problems come back as issues.

    `max_bytes` caps prose files (PDF, Markdown, text), whose every word is embedded."""
    if not path.exists():
        return None, LoadResult(issues=[IngestIssue(str(path), "file not found")])
    if path.is_dir():
        return None, LoadResult(issues=[IngestIssue(str(path), "a folder with no file ingest can read")])
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        return None, LoadResult(issues=[IngestIssue(str(path), f"cannot read file: {exc.strerror or exc}")])
    if size == 0:
        return None, LoadResult(issues=[IngestIssue(str(path), "empty file (0 bytes)")])
    if max_bytes is not None and size > max_bytes and path.suffix.lower() in PROSE_SUFFIXES:
        return None, LoadResult(issues=[IngestIssue(
            str(path),
            f"file too large: {size / 2**20:.1f} MB, above the {max_bytes / 2**20:.0f} MB limit for "
            "PDF and text files (TBT_MAX_FILE_MB); split it, or raise the limit",
        )])
    wrong = mismatch(path, head)
    if wrong is not None:
        return None, LoadResult(issues=[IngestIssue(str(path), wrong)])
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return None, LoadResult(
            issues=[
                IngestIssue(
                    str(path),
                    f"unsupported file type '{path.suffix or '(none)'}'; supported: "
                    + ", ".join(sorted(SUPPORTED_SUFFIXES)),
                )
            ]
        )
    info = pick_loader(path)
    if info is None:
        return None, LoadResult(
            issues=[IngestIssue(str(path), "no loader recognises this file's content")]
        )
    try:
        return info.name, info.module.load(path)
    except Exception as exc:  # defensive: loaders report issues, but a bug must not stop the run
        return info.name, LoadResult(
            issues=[IngestIssue(str(path), f"{info.name} loader failed: {type(exc).__name__}: {exc}")]
        )


def discover(roots: Iterable[Path]) -> list[Path]:
    """Every ingestible file under the given files/folders, in a stable order."""
    found: list[Path] = []
    for root in roots:
        if root.is_file():
            found.append(root)
            continue
        if not root.is_dir():
            found.append(root)  # reported as "file not found" later
            continue
        for p in sorted(root.rglob("*")):
            if not p.is_file() or any(part.startswith(".") for part in p.relative_to(root).parts):
                continue
            if any(part in _SKIP_DIRS for part in p.relative_to(root).parts[:-1]):
                continue
            if p.stem.lower().startswith(_SKIP_NAMES) or p.suffix.lower() == ".py":
                continue
            if p.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            found.append(p)
    seen: set[Path] = set()
    unique = []
    for p in found:
        rp = p.resolve()
        if rp not in seen:
            seen.add(rp)
            unique.append(p)
    return unique
