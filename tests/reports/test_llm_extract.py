"""Model-assisted extraction against a local OpenAI-compatible server (only the remote model is
faked): it fills what the offline rules miss, and what it invents or gets wrong is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from assistant.config import Settings
from assistant.reports.conversation import IntakeConversation
from assistant.reports.llm_extract import LLMFieldExtractor
from assistant.reports.store import ReportStore
from tests.fakes.openai_server import FakeOpenAI, serve

TEXT = "汉堡港扣了我们的密胺碗，说甲醛迁移超标，损失大概8万美元"  # Hamburg: no country named


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    yield from serve()


def _extractor(server: FakeOpenAI) -> LLMFieldExtractor:
    settings = Settings(llm_base_url=server.base_url, llm_model="fixture-model", llm_api_key="fixture-key",
                        llm_timeout=5)
    return LLMFieldExtractor(settings)


def test_model_fills_gaps_and_inventions_are_refused(fake_openai: FakeOpenAI, sqlite_store: ReportStore,
                                                     vocab: Any) -> None:
    fake_openai.script("```json\n" + json.dumps({
        "market": "DEU",  # Hamburg is in Germany: the offline rules cannot know
        "measure.notification_symbol": "G/TBT/N/FIXTURE/999",  # not in the message: refused
        "impact.lost_sales": 90000,  # already filled (80000) by the offline rules: kept
        "reporter.email": "not an email",  # invalid: refused
        "measure.published": "2024-01-01",  # no such year in the message: refused
        "unknown.field": "x",
    }) + "\n```")
    conv = IntakeConversation(sqlite_store, vocab=vocab, llm_extract=_extractor(fake_openai))
    rep = conv.start(TEXT, "zh", "web").state["report"]
    assert rep["market"] == "DEU"
    assert rep["measure"]["notification_symbol"] is None and rep["measure"]["published"] is None
    assert rep["impact"]["lost_sales"] == 80000 and rep["reporter"]["email"] is None
    request = fake_openai.completions[0]
    assert request.headers["authorization"] == "Bearer fixture-key"
    assert TEXT in request.content_of("user") and "never guess" in request.content_of("system")


def test_model_failures_leave_the_offline_result(fake_openai: FakeOpenAI, sqlite_store: ReportStore,
                                                 vocab: Any) -> None:
    fake_openai.status = 500
    conv = IntakeConversation(sqlite_store, vocab=vocab, llm_extract=_extractor(fake_openai))
    turn = conv.start(TEXT, "zh", "web")
    assert turn.state["report"]["market"] is None and turn.asking == "market"
    fake_openai.status, fake_openai.malformed = 200, True
    assert _extractor(fake_openai)(TEXT) == {}
    fake_openai.malformed = False
    fake_openai.script("I cannot help with that.")
    assert _extractor(fake_openai)(TEXT) == {}


def test_not_configured() -> None:
    assert LLMFieldExtractor.maybe(Settings()) is None
