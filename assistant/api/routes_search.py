"""GET /api/search: the retrieval layer on its own (hits with scores, citations and snippets)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.encoders import jsonable_encoder

from assistant.api.deps import ServicesDep
from assistant.api.schemas import ErrorBody, SearchResult
from assistant.records import RecordType

router = APIRouter(prefix="/api", tags=["search"])


def plain(obj: Any) -> dict[str, Any]:
    """A JSON-ready dict from a dataclass, a pydantic model or a mapping."""
    if hasattr(obj, "model_dump"):
        obj = obj.model_dump(mode="json")
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        obj = dataclasses.asdict(obj)
    elif hasattr(obj, "as_dict"):
        obj = obj.as_dict()
    out = jsonable_encoder(obj)
    return out if isinstance(out, dict) else {"value": out}


@router.get(
    "/search",
    response_model=SearchResult,
    responses={422: {"model": ErrorBody}, 503: {"model": ErrorBody, "description": "No index yet"}},
    summary="Search the indexed records",
)
def search(
    services: ServicesDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="The query, any language.")],
    k: Annotated[int, Query(ge=1, le=50, description="How many records.")] = 10,
    market: Annotated[str | None, Query(max_length=60, description="ISO-3 code, EU, or a name.")] = None,
    type: Annotated[RecordType | None, Query(description="Only records of this type.")] = None,
    hs: Annotated[str | None, Query(max_length=20, description="HS code prefix, e.g. 851830.")] = None,
) -> SearchResult:
    """One hit per record, best first, each with its citation and snippet."""
    if not q.strip():
        raise HTTPException(422, "q: the query is empty")
    hs_digits = None
    if hs:
        hs_digits = "".join(ch for ch in hs if ch.isdigit())
        if len(hs_digits) < 2:
            raise HTTPException(422, "hs: an HS code has at least 2 digits, e.g. 85 or 851830")
    resp = services.searcher().search(
        q, k, market=market or None, type=type.value if type else None, hs=hs_digits
    )
    return SearchResult(
        query=resp.query, analysis=plain(resp.analysis), hits=[h.as_dict() for h in resp.hits]
    )
