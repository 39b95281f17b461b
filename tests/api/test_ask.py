"""POST /api/ask: validation with readable messages, 503 without index, the Answer JSON."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.answer.models import Answer

QUESTION_ZH = "出口蓝牙耳机到欧盟需要什么认证?"


def test_ask_without_index_says_how_to_build_it(empty_client: TestClient) -> None:
    r = empty_client.post("/api/ask", json={"text": QUESTION_ZH})
    assert r.status_code == 503
    assert "tbt ingest" in r.json()["error"]


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_question_is_422(empty_client: TestClient, text: str) -> None:
    r = empty_client.post("/api/ask", json={"text": text})
    assert r.status_code == 422
    assert r.json()["error"].startswith("text: the question is empty")


def test_question_over_10000_chars_is_422(empty_client: TestClient) -> None:
    r = empty_client.post("/api/ask", json={"text": "a" * 10_001})
    assert r.status_code == 422
    error = r.json()["error"]
    assert "too long" in error and "10,001" in error and "10,000" in error


def test_missing_and_malformed_fields_are_422(empty_client: TestClient) -> None:
    r = empty_client.post("/api/ask", json={})
    assert (r.status_code, r.json()["error"]) == (422, "text: this field is required")
    r = empty_client.post("/api/ask", json={"text": "hi", "lang": "fr"})
    assert r.status_code == 422 and r.json()["error"].startswith("lang:")
    r = empty_client.post("/api/ask", json={"text": "hi", "session_id": "has a space"})
    assert r.status_code == 422 and r.json()["error"].startswith("session_id:")
    r = empty_client.post("/api/ask", content=b"not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "error" in r.json()


def test_question_of_10000_chars_is_answered(client: TestClient) -> None:
    text = ("出口蓝牙耳机到欧盟 " * 1200)[:10_000]
    assert len(text) == 10_000
    r = client.post("/api/ask", json={"text": text})
    assert r.status_code == 200, r.text
    answer = Answer.model_validate(r.json())
    assert answer.session_id
    assert answer.text


def test_answer_cites_the_notification_asked_about(client: TestClient) -> None:
    r = client.post("/api/ask", json={"text": "What does G/TBT/N/USA/867/Add.1 change?"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"text", "language", "citations", "intent", "markets", "hs", "refused",
                         "followups", "analysis", "session_id", "composer", "choices", "mode"}
    assert body["language"] == "en"
    assert body["refused"] is False
    refs = [c["ref"] for c in body["citations"]]
    assert "G/TBT/N/USA/867/Add.1" in refs
    assert all({"n", "ref", "type", "title", "snippet"} <= set(c) for c in body["citations"])


def test_session_id_continues_the_conversation(client: TestClient) -> None:
    first = client.post("/api/ask", json={"text": "我们的枸杞在欧盟被通报了怎么办?"}).json()
    sid = first["session_id"]
    assert sid
    second = client.post("/api/ask", json={"text": "那美国呢?", "session_id": sid})
    assert second.status_code == 200
    assert second.json()["session_id"] == sid


def test_lang_is_passed_to_the_core(client: TestClient) -> None:
    r = client.post("/api/ask", json={"text": "G/TBT/N/USA/867/Add.1", "lang": "zh"})
    assert r.status_code == 200
    assert r.json()["language"] == "zh"
