"""POST /api/ask: a question in, the core's Answer out (unchanged)."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.answer.models import Answer
from assistant.api.deps import ServicesDep
from assistant.api.schemas import AskRequest, ErrorBody

router = APIRouter(prefix="/api", tags=["ask"])


@router.post(
    "/ask",
    response_model=Answer,
    responses={422: {"model": ErrorBody}, 503: {"model": ErrorBody, "description": "No index yet"}},
    summary="Ask the assistant",
)
def ask(body: AskRequest, services: ServicesDep) -> Answer:
    """Answer a question with numbered citations; pass `session_id` to follow up."""
    # the Assistant is fetched here, after validation: a bad request is 422 even without index
    answer: Answer = services.assistant().ask(body.text, session_id=body.session_id, lang=body.lang, channel="api")
    return answer
