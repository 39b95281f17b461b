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


def load_path(path: Path) -> tuple[str | None, LoadResult]:
    """Load one file with the loader that recognises it; problems come back as issues."""
    if not path.exists():
        return None, LoadResult(issues=[IngestIssue(str(path), "file not found")])
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
