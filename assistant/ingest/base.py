"""What every loader returns: records, optional pre-cut chunks, and readable issues.

A loader is a module with `NAME`, `sniff(path, head) -> bool` (recognises its files by content)
and `load(path) -> LoadResult`, which never raises on bad content; assistant/ingest/registry.py
picks the loader for each file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

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


def csv_rows(reader: Iterator[list[str]], width: int, where: str, issues: list[IngestIssue]) -> Iterator[tuple[int, list[str]]]:
    """(line number, row) for each well-formed CSV row after the header.

    Unreadable rows and rows with the wrong number of columns become issues naming their line;
    blank lines are skipped. `reader` is a csv.reader whose header was already read.
    """
    last = reader.line_num  # type: ignore[attr-defined]
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            issues.append(IngestIssue(where, f"unreadable CSV row: {exc}", line=last + 1))
            last = reader.line_num  # type: ignore[attr-defined]
            continue
        line, last = last + 1, reader.line_num  # type: ignore[attr-defined]
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != width:
            issues.append(IngestIssue(where, f"expected {width} columns, found {len(row)}; row skipped", line))
            continue
        yield line, row


def read_source(path: Path, result: LoadResult) -> bytes | None:
    """The file's bytes, or None with an issue in `result` when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        result.issues.append(IngestIssue(str(path), f"cannot read file: {exc.strerror or exc}"))
        return None
