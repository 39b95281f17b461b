"""An Assistant over the shared `small_index`, and checks every answer must pass.

`checked(answer, index)` asserts what a user relies on in any answer: every marker [n] in the text
resolves to a citation, citations are numbered 1..m in order, and the text passes the citation
verifier against the records it cites (nothing the sources do not say).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from assistant.answer.evidence import citation_evidence
from assistant.answer.models import Answer
from assistant.answer.verify import verify
from assistant.config import Settings
from assistant.dialogue.assistant import Assistant
from assistant.retrieve.search import get_searcher

MARKER = re.compile(r"\[(\d{1,3})\]")


@pytest.fixture(scope="session")
def assistant(small_index: Settings) -> Assistant:
    return Assistant(small_index)


@pytest.fixture(scope="session")
def index(small_index: Settings) -> Any:
    return get_searcher(small_index).index


def checked(answer: Answer, index: Any) -> Answer:
    """The answer, after asserting its markers resolve and it passes the verifier unchanged."""
    numbers = {int(n) for n in MARKER.findall(answer.text)}
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert numbers == {c.n for c in answer.citations}, (numbers, [c.n for c in answer.citations])
    if answer.citations:
        result = verify(answer.text, citation_evidence(index, answer.citations))
        assert result.clean, (result.removed, result.invented)
    return answer


def refs(answer: Answer) -> list[str]:
    return [c.ref for c in answer.citations]
