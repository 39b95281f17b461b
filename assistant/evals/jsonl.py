"""Reading an evaluation set: one JSON object a line, with a readable note for each bad line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def read_set(path: Path, problems: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each usable line; blank and `#` lines are skipped, and an
    unreadable file or a line that is not a JSON object adds a message to `problems`."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        problems.append(f"{path}: cannot read the question set ({exc.strerror or exc})")
        return
    for no, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path.name}:{no}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(obj, dict):
            problems.append(f"{path.name}:{no}: not a JSON object; skipped")
            continue
        yield no, obj
