"""Evidence built from real records the way the orchestrator builds it, and the fake LLM server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.answer.models import Evidence
from assistant.ingest import curated
from assistant.ingest.chunking import chunk_record
from assistant.records import BaseRecord
from tests.fakes.openai_server import FakeOpenAI, serve

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "answer"


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A local OpenAI-compatible server on a free port; script it with `.script(...)`."""
    yield from serve()


def _records() -> dict[str, BaseRecord]:
    result = curated.load(FIXTURES / "notifications_usa867.yaml")
    assert not result.issues, result.issues
    return {r.ref: r for r in result.records}


def record_evidence(n: int, rec: BaseRecord, lang: str) -> Evidence:
    """Evidence [n] for a record: its main chunk in `lang`, the full record alongside."""
    chunk = next(c for c in chunk_record(rec) if c.lang == lang)
    return Evidence(
        n=n, ref=rec.ref, type=str(rec.type), title=rec.title, cite=chunk.cite,
        snippet=chunk.text[:300], text=chunk.text, url=rec.url,
        record=rec.model_dump(mode="json"),
    )


@pytest.fixture(scope="session")
def usa867_records() -> dict[str, BaseRecord]:
    return _records()


@pytest.fixture
def usa867(usa867_records: dict[str, BaseRecord]) -> list[Evidence]:
    """[1] G/TBT/N/USA/867, [2] /Add.1, [3] /Add.2 (English chunks)."""
    refs = ["G/TBT/N/USA/867", "G/TBT/N/USA/867/Add.1", "G/TBT/N/USA/867/Add.2"]
    return [record_evidence(i, usa867_records[r], "en") for i, r in enumerate(refs, 1)]


@pytest.fixture
def usa867_zh(usa867_records: dict[str, BaseRecord]) -> list[Evidence]:
    """The same three notifications, Chinese chunks."""
    refs = ["G/TBT/N/USA/867", "G/TBT/N/USA/867/Add.1", "G/TBT/N/USA/867/Add.2"]
    return [record_evidence(i, usa867_records[r], "zh") for i, r in enumerate(refs, 1)]


@pytest.fixture
def mdr() -> Evidence:
    """Regulation (EU) 2017/745, Article 123 (real text of the Official Journal)."""
    text = (FIXTURES / "mdr_article123.txt").read_text(encoding="utf-8")
    return Evidence(
        n=1, ref="Regulation (EU) 2017/745", type="regulation",
        title="Regulation (EU) 2017/745 on medical devices",
        cite="Regulation (EU) 2017/745, Article 123", snippet=text[:200], text=text, page=91,
        url="https://eur-lex.europa.eu/eli/reg/2017/745/oj",
    )


@pytest.fixture
def gacc_151() -> Evidence:
    """海关总署公告〔2024〕151号 as an announcement record (real GACC text)."""
    row = json.loads((FIXTURES / "gacc_2024_151.jsonl").read_text(encoding="utf-8"))
    return Evidence(
        n=1, ref="海关总署公告〔2024〕151号", type="announcement",
        title=f"{row['issuing_authority']} {row['announcement_number']}", cite="海关总署公告〔2024〕151号",
        snippet=row["content"][:200], text=row["content"], record=row,
    )


@pytest.fixture
def fixture_doc() -> Callable[[int, str], Evidence]:
    """`fixture_doc(n, ref)`: Evidence [n] for one of the made-up documents (refs `fixture-...`)."""
    docs = json.loads((FIXTURES / "fixture_documents.json").read_text(encoding="utf-8"))
    by_ref = {d["ref"]: d for d in docs}

    def make(n: int, ref: str) -> Evidence:
        return Evidence(n=n, snippet=by_ref[ref]["text"][:200], **by_ref[ref])

    return make
