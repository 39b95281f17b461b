"""Recorded chat conversations replayed in workshop mode, as a phone would show them.

A recording is made by `python -m assistant.demo.record`: real questions run through
`Assistant.ask` and the replies stored as the chat channel would send them (`Answer.for_chat()`).
Each file says it is a demo recording, when it was made and over which index.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

RECORDINGS_DIR = Path(__file__).resolve().parent / "recordings"
LABEL: Literal["demo recording"] = "demo recording"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,80}$")


class RecordedCitation(BaseModel):
    n: int
    ref: str
    title: str = ""


class RecordedMessage(BaseModel):
    role: Literal["user", "bot"]
    text: str
    choices: list[str] = Field(default_factory=list)
    citations: list[RecordedCitation] = Field(default_factory=list)
    refused: bool = False
    report_number: str | None = None
    ms: float | None = None  # how long the assistant took to answer, when it was recorded


class Recording(BaseModel):
    """One conversation: who it was with (a demo user), on which channel, when, over what."""

    label: Literal["demo recording"] = LABEL
    name: str
    channel: Literal["telegram", "wechat"]
    language: Literal["zh", "en"]
    title_zh: str
    title_en: str
    recorded_on: str  # ISO date the script ran
    recorded_with: dict[str, str | int | None] = Field(default_factory=dict)  # index, today, composer
    user: str = "demo user"
    messages: list[RecordedMessage]

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


class RecordingError(ValueError):
    pass


def path_for(name: str, folder: Path = RECORDINGS_DIR) -> Path:
    if not _NAME.fullmatch(name):
        raise RecordingError(f"not a recording name: {name!r}")
    return folder / f"{name}.json"


def load(name: str, folder: Path = RECORDINGS_DIR) -> Recording | None:
    """The recording called `name`, or None when there is none (or it cannot be read)."""
    try:
        path = path_for(name, folder)
    except RecordingError:
        return None
    if not path.is_file():
        return None
    try:
        return Recording.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError):
        return None


@lru_cache(maxsize=4)
def _all(folder: Path, stamp: tuple[tuple[str, float], ...]) -> tuple[Recording, ...]:
    out = [load(name, folder) for name, _ in stamp]
    return tuple(r for r in out if r is not None)


def all_recordings(folder: Path = RECORDINGS_DIR) -> tuple[Recording, ...]:
    """Every readable recording, by name; re-read when a file changes."""
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    return _all(folder, tuple((p.stem, p.stat().st_mtime) for p in files))
