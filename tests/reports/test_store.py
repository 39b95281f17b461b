"""The report store on SQLite and on a real PostgreSQL: numbers, idempotent submit, drafts,
history, and hostile text stored verbatim."""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from assistant.config import Settings
from assistant.db import init_db
from assistant.reports.schema import BarrierReport
from assistant.reports.store import (
    IdempotencyConflict,
    InvalidTransition,
    ReportIncomplete,
    ReportStore,
)
from tests.reports.helpers import complete_report


def test_init_db_migrates_to_head_and_can_run_again(db_settings: Settings, db_engine: Engine) -> None:
    again = init_db(db_settings)  # a second start must not fail or duplicate anything
    try:
        tables = set(inspect(again).get_table_names())
        assert {"reports", "drafts", "report_field_history", "report_status_history", "idempotency_keys",
                "report_counters", "chat_sessions", "alembic_version"} <= tables
        with again.connect() as conn:
            assert conn.execute(text("select version_num from alembic_version")).scalar() == _head()
    finally:
        again.dispose()


_MIGRATE = """
import sys, time
from pathlib import Path
from assistant.config import Settings
from assistant.db import init_db
start = float(sys.argv[3])
while time.time() < start:  # every process reaches the migration at the same moment
    time.sleep(0.005)
init_db(Settings(data_dir=Path(sys.argv[1]), database_url=sys.argv[2] or None)).dispose()
"""


def test_workers_of_a_fresh_deployment_migrate_at_once(db_settings: Settings, tmp_path: Path) -> None:
    """uvicorn's workers (and each one's purge thread) all migrate a new database as they start:
    every one of them comes up, and the schema is at head once."""
    import subprocess
    import sys
    import time

    start = str(time.time() + 4)
    url = db_settings.database_url or ""
    # PostgreSQL: one database, workers on machines of their own; SQLite: one file, one data directory
    dirs = [tmp_path / f"w{i}" for i in range(4)] if url else [db_settings.data_dir] * 4
    procs = [subprocess.Popen([sys.executable, "-c", _MIGRATE, str(d), url, start],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for d in dirs]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [e[-600:] for e in errors]
    engine = init_db(db_settings)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("select version_num from alembic_version")).all() == [(_head(),)]
    finally:
        engine.dispose()


def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from assistant.db import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return str(ScriptDirectory.from_config(cfg).get_current_head())


def test_sqlite_uses_wal_and_foreign_keys(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # migrations are found from any working directory
    engine = init_db(Settings(data_dir=tmp_path / "new" / "dir"))
    try:
        assert (tmp_path / "new" / "dir" / "tbt.sqlite3").exists()
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_submit_numbers_reports_and_reads_them_back(report_store: ReportStore) -> None:
    year = dt.datetime.now(dt.UTC).year
    first = report_store.submit(complete_report())
    second = report_store.submit(complete_report(market="USA"))
    assert first.created and second.created
    assert first.number == f"BR-{year}-000001"
    assert second.number == f"BR-{year}-000002"
    got = report_store.get(first.number.lower())
    assert got is not None and got.status == "submitted"
    assert got.report == complete_report()
    assert [r.number for r in report_store.list()] == [second.number, first.number]
    assert report_store.history(first.number).statuses[0]["to"] == "submitted"


def test_numbers_restart_each_year(db_engine: Engine) -> None:
    days = iter([dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2026, 1, 2)])
    store = ReportStore(db_engine, today=lambda: next(days))
    numbers = [store.submit(complete_report()).number for _ in range(3)]
    assert numbers == ["BR-2025-000001", "BR-2026-000001", "BR-2026-000002"]


def test_same_idempotency_key_gives_one_report(report_store: ReportStore) -> None:
    a = report_store.submit(complete_report(), idempotency_key="click-123")
    b = report_store.submit(complete_report(), idempotency_key="click-123")
    assert a.number == b.number
    assert a.created and not b.created
    assert len(report_store.list()) == 1


def test_reused_key_for_another_report_is_refused(report_store: ReportStore) -> None:
    report_store.submit(complete_report(), idempotency_key="k1")
    with pytest.raises(IdempotencyConflict):
        report_store.submit(complete_report(market="JPN"), idempotency_key="k1")
    assert len(report_store.list()) == 1


def test_same_draft_submitted_twice_gives_one_report(report_store: ReportStore) -> None:
    draft_id = report_store.save_draft(complete_report(), session_id="web:abc")
    a = report_store.submit(draft_id=draft_id)
    b = report_store.submit(draft_id=draft_id)
    assert a.number == b.number and not b.created
    draft = report_store.get_draft(draft_id)
    assert draft is not None and draft.status == "submitted" and draft.report_number == a.number


def test_concurrent_double_click_gives_one_report(report_store: ReportStore) -> None:
    draft_id = report_store.save_draft(complete_report())
    numbers: list[str] = []
    errors: list[BaseException] = []

    def click() -> None:
        try:
            numbers.append(report_store.submit(draft_id=draft_id, idempotency_key="dbl").number)
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=click) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(numbers)) == 1 and len(numbers) == 4
    assert len(report_store.list()) == 1


def test_incomplete_report_is_refused_with_readable_errors(report_store: ReportStore) -> None:
    report = complete_report(reporter={"name": "张伟"}, market=None)
    with pytest.raises(ReportIncomplete) as info:
        report_store.submit(report)
    fields = [e.field for e in info.value.errors]
    assert fields == ["market", "reporter.organisation", "reporter.phone"]
    assert "电话或邮箱" in info.value.errors[-1].message.zh
    assert report_store.list() == []


def test_hostile_text_is_stored_verbatim(report_store: ReportStore) -> None:
    evil = "Robert'); DROP TABLE reports;-- <script>alert('x')</script> & \"quotes\""
    report = complete_report(reporter={"name": evil, "organisation": "O'Brien & Co. <b>Ltd</b>",
                                       "phone": "13812345678"},
                             incident={"description": evil + "\n第二行"})
    number = report_store.submit(report).number
    got = report_store.get(number)
    assert got is not None
    assert got.report.reporter.name == evil
    assert got.report.incident.description == evil + "\n第二行"
    assert report_store.get("BR-2024-000001' OR '1'='1") is None
    assert len(report_store.list()) == 1  # the table is still there


def test_field_changes_are_recorded_and_bad_values_change_nothing(report_store: ReportStore) -> None:
    number = report_store.submit(complete_report()).number
    report_store.update_fields(number, {"product.description": "密胺碗", "reporter.phone": "0574-87654321"},
                               actor="staff:li")
    got = report_store.get(number)
    assert got is not None and got.report.product.description == "密胺碗"
    history = report_store.history(number).fields
    assert [(h["field"], h["old"], h["new"], h["actor"]) for h in history] == [
        ("product.description", "儿童餐具", "密胺碗", "staff:li"),
        ("reporter.phone", "13812345678", "0574-87654321", "staff:li"),
    ]
    with pytest.raises(ValueError, match="电话"):
        report_store.update_fields(number, {"product.description": "碗", "reporter.phone": "12345"})
    after = report_store.get(number)
    assert after is not None and after.report.product.description == "密胺碗"


def test_status_follows_the_screening_workflow(report_store: ReportStore) -> None:
    number = report_store.submit(complete_report()).number
    report_store.set_status(number, "accepted", actor="staff:li", note="real barrier")
    with pytest.raises(InvalidTransition):
        report_store.set_status(number, "rejected")
    statuses = report_store.history(number).statuses
    assert [(s["from"], s["to"]) for s in statuses] == [("draft", "submitted"), ("submitted", "accepted")]


def test_drafts_are_kept_per_session_and_can_be_cancelled(report_store: ReportStore) -> None:
    partial = BarrierReport(market="DEU")
    draft_id = report_store.save_draft(partial, session_id="tg:42", state={"asking": "product.description"})
    report_store.save_draft(partial.model_copy(update={"market": "FRA"}), draft_id, state={"asking": "request"})
    resumed = report_store.open_draft_for_session("tg:42")
    assert resumed is not None and resumed.id == draft_id
    assert resumed.report.market == "FRA" and resumed.state == {"asking": "request"}
    report_store.cancel_draft(draft_id)
    assert report_store.open_draft_for_session("tg:42") is None
    assert report_store.get_draft(draft_id).status == "cancelled"  # type: ignore[union-attr]


def test_number_format(report_store: ReportStore) -> None:
    assert re.fullmatch(r"BR-\d{4}-\d{6}", report_store.submit(complete_report()).number)
