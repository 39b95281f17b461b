"""GET /api/records/{ref}: one record with all its typed fields.

Refs contain slashes, spaces and Chinese (`G/TBT/N/USA/867/Add.1`, `Regulation (EU) 2017/745`,
`海关总署公告〔2024〕151号`); clients percent-encode them and the path converter keeps slashes.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from assistant.api.deps import IndexDep
from assistant.api.schemas import ErrorBody
from assistant.index.store import LoadedIndex
from assistant.records import BaseRecord

router = APIRouter(prefix="/api", tags=["records"])


def find_record(index: LoadedIndex, ref: str) -> BaseRecord | None:
    """The record quoted as `ref`: exact first, then ignoring case and surrounding spaces."""
    rec = index.record(ref)
    if rec is not None:
        return rec
    wanted = " ".join(ref.split()).casefold()
    if not wanted:
        return None
    for key in index.record_rows:
        if key.casefold() == wanted:
            return index.record(key)
    return None


def not_found(ref: str) -> str:
    return f"no record with ref '{ref}' in the index (没有找到编号为 '{ref}' 的记录)"


@router.get(
    "/records/{ref:path}",
    responses={404: {"model": ErrorBody}, 503: {"model": ErrorBody, "description": "No index yet"}},
    summary="One record by its reference",
)
def get_record(ref: str, index: IndexDep) -> dict[str, Any]:
    """The record's fields as stored (dates in ISO format); 404 when the ref is unknown."""
    rec = find_record(index, ref)
    if rec is None:
        raise HTTPException(404, not_found(ref))
    data: dict[str, Any] = rec.model_dump(mode="json")
    return data
