"""What `tbt ingest` shows while it works and when it ends: per-stage progress with elapsed time
and an estimate of what is left, then a short summary in which the shipped corpus's known
warnings take one line (errors are always listed)."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, TextIO

from assistant.ingest.base import IngestIssue

STAGES = {
    "wait": "waiting for another ingest to finish",
    "load": "reading sources",
    "embed": "embedding new text",
    "tokenize": "keyword index",
    "fields": "field vectors",
}
MAX_LISTED = 20


def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds}s"
    return f"{seconds // 60}m{seconds % 60:02d}s"


class ProgressPrinter:
    """Progress(stage, done, total) -> lines on stderr, at most every `every` seconds per stage.

    Each line names the stage, the count and percentage, the time since the stage started, and
    (past 2 %) an estimate of the time left from the stage's rate so far.
    """

    def __init__(self, out: TextIO | None = None, every: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.out = out or sys.stderr
        self.every = every
        self.clock = clock
        self.started = clock()
        self._stage_start: dict[str, float] = {}
        self._last: dict[str, float] = {}
        self._done: set[str] = set()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage == "done" or stage in self._done:
            return
        now = self.clock()
        start = self._stage_start.setdefault(stage, now)
        finished = total > 0 and done >= total
        if not finished and now - self._last.get(stage, -1e9) < self.every:
            return
        self._last[stage] = now
        label = STAGES.get(stage, stage)
        elapsed = now - start
        if finished:
            self._done.add(stage)
            line = f"{label}: {done:,}/{total:,} done in {_clock(elapsed)}"
        elif total > 0:
            pct = 100.0 * done / total
            line = f"{label}: {done:,}/{total:,} ({pct:.0f}%), {_clock(elapsed)} elapsed"
            if done and pct >= 2:
                line += f", about {_clock(elapsed * (total - done) / done)} left"
        else:
            line = f"{label}..."
        self.out.write(f"[{_clock(now - self.started):>6}] {line}\n")
        self.out.flush()


def issue_lines(issues: list[IngestIssue]) -> list[str]:
    """Errors one per line (up to MAX_LISTED); warnings as one line counted by file."""
    errors = [i for i in issues if i.severity == "error"]
    warnings = [i for i in issues if i.severity != "error"]
    out = [f"error: {i.path}{f':{i.line}' if i.line else ''}: {i.message}" for i in errors[:MAX_LISTED]]
    if len(errors) > MAX_LISTED:
        out.append(f"... and {len(errors) - MAX_LISTED} more errors (tbt ingest --json lists all)")
    if warnings:
        by_file = Counter(_short(i.path) for i in warnings)
        parts = ", ".join(f"{name} {n}" for name, n in by_file.most_common(4))
        more = "" if len(by_file) <= 4 else f", {len(by_file) - 4} more files"
        out.append(f"{len(warnings)} warning(s) ({parts}{more}): merged duplicates, empty items, dates corrected from the text; "
                   "`tbt ingest --json` lists them")
    return out


def _short(path: str) -> str:
    parts = path.replace("\\", "/").split("/")
    return "/".join(parts[-2:])


def summary_lines(report: Any) -> list[str]:
    """The end-of-run summary of an IngestReport."""
    if report.noop:
        return [f"No source changed since the last ingest; index {report.generation} is current "
                f"({report.records:,} records, {report.chunks:,} chunks). Use --force to rebuild."]
    lines = [f"Ingested {report.records:,} records as {report.chunks:,} chunks in {report.seconds:.1f} s "
             f"(embedded {report.embedded:,}, reused {report.reused:,})"
             + (f"; waited {report.waited:.0f} s for another ingest" if report.waited >= 1 else "") + "."]
    lines += [f"  {t:<13} {n:>7,}" for t, n in sorted(report.records_by_type.items())]
    return lines
