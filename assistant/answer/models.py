"""What the assistant returns to every channel: an Answer with numbered citations."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Citation(BaseModel):
    """Source [n] of an answer; `ref` is what a user would quote."""

    n: int
    ref: str
    type: str
    title: str
    url: str | None = None
    snippet: str = ""
    cite: str | None = None  # ref plus place, e.g. "Regulation (EU) 2017/745, Article 52"
    page: int | None = None
    added_from: str | None = None  # the file name when the record was added locally, not shipped


class Answer(BaseModel):
    """The channel-agnostic answer. Channels format it; they never change what it says."""

    text: str
    language: str  # zh or en
    citations: list[Citation] = Field(default_factory=list)
    intent: str = "rules"
    markets: list[str] = Field(default_factory=list)
    hs: list[str] = Field(default_factory=list)
    refused: bool = False
    followups: list[str] = Field(default_factory=list)
    analysis: dict[str, Any] = Field(default_factory=dict)
    session_id: str | None = None
    composer: str = "offline"  # offline | llm | llm-fallback | intake | dialogue
    choices: list[str] = Field(default_factory=list)  # quick replies (clarifying question, intake)
    report_number: str | None = None
    mode: str = "ask"  # ask | report (a barrier-report conversation is under way)
    notes: list[str] = Field(default_factory=list)  # e.g. verifier removals, for logs and staff
    # the chat-length form (<= ~600 Chinese / 900 English characters, plain-text friendly) that
    # Telegram and WeChat send; empty means `text` is already short enough to send as it is
    chat_text: str = ""
    # how the answer was reached, step by step (workshop "how it works" panel, staff, logs).
    # Keys (each optional): "analysis" {language, markets, hs, intent, form}; "retrievers"
    # {name: [{ref, score}]} per retriever; "decision" {score, threshold, answered, reasons};
    # "passages" [{n, ref, cite, sentence}] the answer used; "direct" the opening sentence;
    # "verifier" {checked, removed}; "timings_ms" {step: ms}.
    trace: dict[str, Any] = Field(default_factory=dict)

    def for_chat(self) -> str:
        """The text a chat channel sends."""
        return self.chat_text or self.text


class Evidence(BaseModel):
    """One retrieved record handed to a composer, numbered as it will be cited."""

    n: int
    ref: str
    type: str
    title: str
    cite: str
    snippet: str
    text: str  # the chunk text the composer may quote from
    url: str | None = None
    page: int | None = None
    score: float = 0.0
    record: dict[str, Any] = Field(default_factory=dict)  # the full record (all typed fields)

    def citation(self) -> Citation:
        return Citation(
            n=self.n, ref=self.ref, type=self.type, title=self.title, url=self.url,
            snippet=self.snippet, cite=self.cite, page=self.page,
        )
