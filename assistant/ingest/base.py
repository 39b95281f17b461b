"""What every loader returns: records, optional pre-cut chunks, and readable issues."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from assistant.records import BaseRecord, Chunk


@dataclass(frozen=True)
class IngestIssue:
    """A problem met while loading: shown to the user, never raised past the loader."""

    path: str
    message: str
    line: int | None = None
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{self.severity}: {where}: {self.message}"


@dataclass
class LoadResult:
    """Records from one source file.

    `chunks` holds structure-aware chunks a loader cut itself (PDF articles, ...); records without
    chunks there are chunked by the pipeline's default chunker.
    """

    records: list[BaseRecord] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    issues: list[IngestIssue] = field(default_factory=list)

    def extend(self, other: LoadResult) -> None:
        self.records.extend(other.records)
        self.chunks.extend(other.chunks)
        self.issues.extend(other.issues)


class Loader(Protocol):
    """A loader reads one file; it must not raise on bad content (it reports issues instead)."""

    def __call__(self, path: Path) -> LoadResult: ...


class IngestError(Exception):
    """A whole file could not be read at all (reported as an issue by the pipeline)."""
