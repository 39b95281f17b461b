"""What search derives from a generation's own text, cached beside the generation.

Two facts search needs take a second of jieba to read from the index at every start (the
abbreviations the Chinese records state, 普惠制（GSP）, and the mean chunk length per language that
says which words are everyday talk). A generation never changes once built, so they are computed
once, written next to it (`derived.json`, atomically) and read back by every later process: a cold
`tbt ask` or a restarted bot does not pay for them again.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.retrieve.abbreviations import harvest
from assistant.retrieve.everyday import EverydayWords
from assistant.retrieve.markets import agreement_partners

DERIVED_FILE = "derived.json"
VERSION = 2  # bump when what is derived changes: an older file is then rebuilt
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Derived:
    """The stated abbreviations (Chinese term, abbreviation), the everyday-word statistics and the
    free-trade partners the Chinese texts name (what "中尼自贸协定" can stand for)."""

    abbreviations: list[tuple[str, str]]
    everyday: EverydayWords
    agreements: list[str]


def derived_for(path: Path, record_rows: dict[str, dict[str, Any]], chunk_rows: list[dict[str, Any]]) -> Derived:
    """Read the generation's derived facts, or compute and store them when missing or stale."""
    cached = _read(path / DERIVED_FILE)
    if cached is not None:
        return cached
    chinese = [str(row.get("text") or "") for row in record_rows.values() if row.get("language") == "zh"]
    derived = Derived(harvest(chinese), EverydayWords.from_chunks(chunk_rows), agreement_partners(chinese))
    _write(path / DERIVED_FILE, derived)
    return derived


def _read(file: Path) -> Derived | None:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            return None
        pairs = [(str(zh), str(abbr)) for zh, abbr in data["abbreviations"]]
        return Derived(pairs, EverydayWords.from_stats(data["everyday"]), [str(c) for c in data["agreements"]])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(file: Path, derived: Derived) -> None:
    """Atomically: a process reading at the same moment sees the old state or the new, never half."""
    data = {"version": VERSION, "abbreviations": derived.abbreviations, "everyday": derived.everyday.stats(),
            "agreements": derived.agreements}
    try:
        fd, tmp = tempfile.mkstemp(prefix=".derived-", dir=file.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
        os.replace(tmp, file)
    except OSError as exc:  # a read-only index still answers; it computes again next time
        log.info("could not cache %s: %s", file, exc)


__all__ = ["DERIVED_FILE", "Derived", "derived_for"]
