"""Items 7, 8, 9 of issue 13: finite numbers only and no personal data in logs; expired sessions
and drafts deleted (`tbt purge`, and by the server); concurrent turns of one session."""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import text
from typer.testing import CliRunner

from assistant.api.app import create_app
from assistant.cli import app as cli_app
from assistant.config import Settings, get_settings
from assistant.db import init_db, make_engine, utcnow
from assistant.dialogue.sessions import SessionStore, purge
from assistant.reports.store import ReportStore
from tests.reports.helpers import complete_report


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus")


# -- 7. non-finite numbers; no personal data in log lines -------------------------------------
def _report_json(lost: str) -> bytes:
    body = complete_report().model_dump(mode="json")
    raw = json.dumps(body, ensure_ascii=False)
    return raw.replace('"lost_sales": 80000.0', f'"lost_sales": {lost}').encode("utf-8")


@pytest.mark.parametrize("lost", ["1e400", "-1e400", "NaN", "Infinity"])
def test_non_finite_amount_is_refused(settings: Settings, lost: str, caplog: pytest.LogCaptureFixture) -> None:
    raw = _report_json(lost)
    assert lost.encode() in raw
    caplog.set_level(logging.DEBUG)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        r = c.post("/api/reports", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert "finite" in r.text
    for record in caplog.records:
        line = record.getMessage() + (record.exc_text or "")
        assert "13812345678" not in line and "张伟" not in line


def test_schema_refuses_infinity_directly() -> None:
    with pytest.raises(ValidationError, match="finite"):
        complete_report(impact__lost_sales=float("inf"))


def test_database_errors_do_not_carry_the_values(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (phone TEXT NOT NULL UNIQUE)"))
        conn.execute(text("INSERT INTO t VALUES (:p)"), {"p": "13812345678"})
    with pytest.raises(Exception) as err, engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (:p)"), {"p": "13812345678"})
    assert "13812345678" not in str(err.value)


# -- 8. retention ----------------------------------------------------------------------------
def test_purge_deletes_expired_sessions_and_stale_drafts(settings: Settings) -> None:
    engine = init_db(settings)
    past = utcnow() - dt.timedelta(hours=settings.session_ttl_hours + 5)
    SessionStore(engine, clock=lambda: past).save("old-session", {"x": 1}, settings.session_ttl_hours)
    SessionStore(engine).save("live-session", {"x": 2}, settings.session_ttl_hours)
    store = ReportStore(engine)
    stale = store.save_draft(complete_report(), session_id="old-session")
    fresh = store.save_draft(complete_report(), session_id="live-session")
    filed = store.submit(complete_report())
    with engine.begin() as conn:
        conn.execute(text("UPDATE drafts SET updated_at = :t WHERE id = :i"), {"t": past, "i": stale})
    done = purge(engine, settings.session_ttl_hours)
    assert done.sessions == 1 and done.drafts == 1
    assert SessionStore(engine).load("old-session") is None
    assert SessionStore(engine).load("live-session") == {"x": 2}
    assert store.get_draft(stale) is None and store.get_draft(fresh) is not None
    number = getattr(filed, "number", None) or filed.report.number  # type: ignore[attr-defined]
    assert store.get(number) is not None  # filed reports are never purged


def test_tbt_purge_command(settings: Settings) -> None:
    engine = init_db(settings)
    past = utcnow() - dt.timedelta(hours=100)
    SessionStore(engine, clock=lambda: past).save("gone", {}, 1)
    get_settings.cache_clear()
    try:
        r = CliRunner().invoke(cli_app, ["purge", "--json"], env={"TBT_DATA_DIR": str(settings.data_dir)})
    finally:
        get_settings.cache_clear()
    assert r.exit_code == 0, r.output
    assert json.loads(r.output.strip().splitlines()[-1]) == {"sessions": 1, "drafts": 0}


def test_the_server_purges_on_start(settings: Settings) -> None:
    engine = init_db(settings)
    past = utcnow() - dt.timedelta(hours=100)
    SessionStore(engine, clock=lambda: past).save("gone", {}, 1)
    with TestClient(create_app(settings)):
        for _ in range(100):
            with engine.connect() as conn:
                left = conn.execute(text("SELECT count(*) FROM chat_sessions")).scalar()
            if left == 0:
                break
            threading.Event().wait(0.05)
    assert left == 0


# -- 9. ten concurrent turns in one session --------------------------------------------------
def test_ten_concurrent_turns_lose_nothing(small_index: Settings, tmp_path: Path) -> None:
    from assistant.dialogue.assistant import Assistant

    s = small_index.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'turns.sqlite3'}"})
    assistant = Assistant(s)
    answers: list[object] = []
    errors: list[BaseException] = []

    def turn(i: int) -> None:
        try:
            answers.append(assistant.ask(f"LED lamps EU question {i}", session_id="fixture-10", lang="en"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=turn, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    turns = sorted(a.trace["turn"] for a in answers)  # type: ignore[attr-defined]
    assert turns == list(range(1, 11))
    state = assistant.sessions.load("fixture-10")
    assert state is not None and state["turns"] == 10
