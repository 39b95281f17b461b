"""Request and response bodies of the JSON API (the Answer itself is the core's model)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from assistant.dialogue.sessions import check_session_id

MAX_QUESTION = 10_000


def check_question(text: str) -> str:
    """The question as asked; an empty or over-long one is refused with a readable message."""
    if not text.strip():
        raise ValueError("the question is empty: type a question (问题不能为空)")
    if len(text) > MAX_QUESTION:
        raise ValueError(
            f"the question is too long: {len(text):,} characters, at most {MAX_QUESTION:,} "
            f"(问题过长，最多 {MAX_QUESTION} 个字符)"
        )
    return text


class AskRequest(BaseModel):
    """A question to the assistant, optionally continuing a conversation."""

    text: str = Field(description="The question, 1-10,000 characters.", examples=["出口蓝牙耳机到欧盟需要什么认证?"])
    session_id: str | None = Field(
        default=None, description="Continue this conversation; omit to start a new one."
    )
    lang: Literal["zh", "en"] | None = Field(
        default=None, description="Answer language; default: the language of the question."
    )

    @field_validator("text")
    @classmethod
    def _text(cls, v: str) -> str:
        return check_question(v)

    @field_validator("session_id")
    @classmethod
    def _session(cls, v: str | None) -> str | None:
        return None if v is None or v == "" else check_session_id(v)


class SearchResult(BaseModel):
    query: str
    analysis: dict[str, Any] = Field(default_factory=dict)
    hits: list[dict[str, Any]]


class IndexStatus(BaseModel):
    ready: bool
    problem: str | None = None  # e.g. vectors missing for some chunks (`tbt ingest --force`)
    generation: str | None = None
    records: int = 0
    chunks: int = 0
    last_ingest: str | None = None


class Health(BaseModel):
    status: str = "ok"
    index: IndexStatus


class ErrorBody(BaseModel):
    error: str
