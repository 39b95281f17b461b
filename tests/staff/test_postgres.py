"""Optimistic locking on a real PostgreSQL (the throwaway cluster of tests/reports/conftest.py):
two staff saving the same report at once, the second gets a clear conflict and loses nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.reports.store import ReportStore, StaleVersion
from tests.reports.conftest import PgServer, pg_server  # noqa: F401  (session fixture)
from tests.reports.helpers import complete_report
from tests.staff.conftest import PASSWORD

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_store(pg_server: PgServer, tmp_path) -> Iterator[tuple[Settings, ReportStore]]:  # noqa: F811  # type: ignore[no-untyped-def]
    name = pg_server.createdb()
    settings = Settings(data_dir=tmp_path / "data", database_url=pg_server.url(name), today="2024-11-15")
    store = ReportStore.from_settings(settings)
    try:
        yield settings, store
    finally:
        store.engine.dispose()
        pg_server.dropdb(name)


def test_concurrent_saves_one_wins_one_conflicts(pg_store: tuple[Settings, ReportStore]) -> None:
    _, store = pg_store
    number = store.submit(complete_report()).number
    for round_ in range(5):
        version = store.get(number).version  # type: ignore[union-attr]
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def save(value: str, barrier: threading.Barrier = barrier, version: int = version,
                 outcomes: list[str] = outcomes) -> None:
            barrier.wait()
            try:
                store.update_fields(number, {"product.description": value}, f"staff:{value}", version)
                outcomes.append("saved:" + value)
            except StaleVersion as err:
                assert err.current.version > version
                outcomes.append("conflict")

        threads = [threading.Thread(target=save, args=(f"碗{round_}{who}",)) for who in "AB"]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(o.split(":")[0] for o in outcomes) == ["conflict", "saved"], outcomes
        winner = next(o for o in outcomes if o.startswith("saved")).split(":")[1]
        assert store.get(number).report.product.description == winner  # type: ignore[union-attr]
    changes = [h for h in store.history(number).fields if h["field"] == "product.description"]
    assert len(changes) == 5  # one per round: the loser wrote nothing


def test_conflict_over_http_returns_both_versions(pg_store: tuple[Settings, ReportStore]) -> None:
    from assistant.api.app import create_app
    from assistant.reports.service import get_report_store
    from assistant.staff.accounts import Accounts

    settings, store = pg_store
    for user in ("tom", "ada"):
        Accounts(store.engine).add(user, PASSWORD, "triager")
    app = create_app(settings)
    app.dependency_overrides[get_report_store] = lambda: store
    clients = []
    for user in ("tom", "ada"):
        c = TestClient(app)
        c.headers["X-CSRF-Token"] = c.post("/api/staff/login", json={"username": user, "password": PASSWORD}).json()["csrf"]
        clients.append(c)
    tom, ada = clients
    number = store.submit(complete_report()).number
    v = tom.get(f"/api/staff/reports/{number}").json()["version"]
    assert tom.patch(f"/api/staff/reports/{number}", json={"version": v, "changes": {"measure.title": "A"}}).status_code == 200
    r = ada.patch(f"/api/staff/reports/{number}", json={"version": v, "changes": {"measure.title": "B"}})
    assert r.status_code == 409
    assert r.json()["yours"] == {"measure.title": "B"} and r.json()["current"]["report"]["measure"]["title"] == "A"
    # the second editor saves again on the current version: nothing lost
    v2 = r.json()["current"]["version"]
    assert ada.patch(f"/api/staff/reports/{number}", json={"version": v2, "changes": {"measure.title": "B"}}).status_code == 200
