"""GET /healthz: the app is up, and whether (and which) index it serves."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.api.deps import ServicesDep
from assistant.api.schemas import Health, IndexStatus

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Liveness and index status")
def healthz(services: ServicesDep) -> Health:
    """Always 200 while the process runs; `index.ready` says whether questions can be answered."""
    return Health(status="ok", index=IndexStatus(**services.index_status()))
