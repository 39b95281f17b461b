"""Item 13 of issue 13: PostgreSQL + a Chroma server + several uvicorn workers. Sessions, turn
numbers and report idempotency hold across worker processes; answers come from the server's
vectors. (Item 14's load figures come from `tbt bench load`, not from a test.)"""

from __future__ import annotations

import threading
import uuid

import httpx
import pytest

from assistant.config import Settings
from assistant.index.store import current_generation, read_manifest, vector_problem
from tests.reports.helpers import complete_report

pytestmark = pytest.mark.postgres


def test_index_lives_on_the_chroma_server(scaled_settings: Settings, scaled_url: str) -> None:
    gen = current_generation(scaled_settings)
    assert gen is not None
    m = read_manifest(gen)
    assert m["chroma_url"] == scaled_settings.chroma_url
    assert not (gen / "vectors.npy").exists()  # queries go to the server
    assert vector_problem(scaled_settings, gen, m) is None
    health = httpx.get(scaled_url + "/healthz").json()
    assert health["index"]["ready"] is True


def test_a_conversation_moves_between_workers(scaled_url: str) -> None:
    sid = "fixture-" + uuid.uuid4().hex[:8]
    turns = []
    with httpx.Client(timeout=60) as c:
        for q in ["出口蓝牙耳机到欧盟需要什么认证？", "那美国呢？", "What do LED lamps need for the UK?"] * 3:
            r = c.post(scaled_url + "/api/ask", json={"text": q, "session_id": sid})
            assert r.status_code == 200, r.text
            turns.append(r.json()["trace"]["turn"])
    assert turns == list(range(1, 10))


def test_concurrent_turns_across_workers(scaled_url: str) -> None:
    sid = "fixture-" + uuid.uuid4().hex[:8]
    got: list[int] = []
    errors: list[str] = []

    def turn(i: int) -> None:
        try:
            r = httpx.post(scaled_url + "/api/ask", json={"text": f"LED lamps EU {i}", "session_id": sid},
                           timeout=120)
            got.append(r.json()["trace"]["turn"]) if r.status_code == 200 else errors.append(r.text)
        except httpx.HTTPError as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=turn, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert not errors
    assert sorted(got) == list(range(1, 11))


def test_idempotent_filing_across_workers(scaled_url: str) -> None:
    body = complete_report().model_dump(mode="json")
    key = "fixture-" + uuid.uuid4().hex
    numbers: list[str] = []
    statuses: list[int] = []

    def file() -> None:
        r = httpx.post(scaled_url + "/api/reports", json=body, headers={"Idempotency-Key": key}, timeout=60)
        statuses.append(r.status_code)
        if r.status_code < 300:
            numbers.append(r.json()["number"])

    threads = [threading.Thread(target=file) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert all(s < 300 for s in statuses), statuses
    assert len(set(numbers)) == 1


def test_twenty_clients_at_once_all_answered(scaled_url: str) -> None:
    """20 concurrent conversations (more than a connection pool's default size): no 500."""
    statuses: list[int] = []

    def client(i: int) -> None:
        with httpx.Client(timeout=180) as c:
            for q in ("LED lamps UK", "玩具出口美国需要什么？"):
                statuses.append(c.post(scaled_url + "/api/ask",
                                       json={"text": q, "session_id": f"fixture-20-{i}"}).status_code)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert statuses == [200] * 40
