"""Turn search hits into numbered Evidence: the only facts a composer may state.

`record_text` renders every typed field of a record (dates in ISO form) so that the citation
verifier can check each symbol, date and figure of an answer against what was cited.
"""

from __future__ import annotations

from typing import Any

from assistant.answer.models import Evidence
from assistant.index.store import LoadedIndex
from assistant.retrieve.search import Hit

_SKIP = {"type", "source", "licence", "language"}


def _flatten(value: Any, out: list[str], key: str = "") -> None:
    if value is None or value == "" or value == [] or value == {}:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, out, k)
    elif isinstance(value, list):
        for v in value:
            _flatten(v, out, key)
    else:
        out.append(f"{key}: {value}" if key and key not in ("text",) else str(value))


def record_text(row: dict[str, Any], limit: int = 6000) -> str:
    """All fields of a record as plain lines (what the record says, nothing added)."""
    lines: list[str] = []
    for key, value in row.items():
        if key in _SKIP:
            continue
        if key == "text":
            continue
        _flatten(value, lines, key)
    body = row.get("text") or ""
    text = "\n".join(lines)
    if body:
        text += "\n" + body[: max(0, limit - len(text))]
    return text[:limit]


def build_evidence(index: LoadedIndex, hits: list[Hit], start: int = 1) -> list[Evidence]:
    out: list[Evidence] = []
    for i, hit in enumerate(hits, start):
        row = index.record_rows.get(hit.ref, {})
        chunk_text = ""
        pos = index.chunk_pos.get(hit.chunk_id)
        if pos is not None:
            chunk_text = index.chunk_rows[pos].get("text", "")
        text = record_text(row)
        if chunk_text and chunk_text not in text:
            text = chunk_text + "\n" + text
        out.append(
            Evidence(
                n=i, ref=hit.ref, type=hit.type, title=hit.title, cite=hit.cite, snippet=hit.snippet,
                text=text, url=hit.url, page=hit.page, score=hit.score, record=row,
            )
        )
    return out
