"""The staff console on a real app: SQLite in tmp, three accounts, a logged-in client per role.

Reports are made-up fixtures (tests/reports/helpers.complete_report); passwords are fixtures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.config import Settings
from assistant.reports.store import ReportStore
from assistant.staff.accounts import Accounts

PASSWORD = "fixture-password-1"
USERS = {"vera": "viewer", "tom": "triager", "ada": "admin"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus", today="2024-11-15")


@pytest.fixture
def store(settings: Settings) -> Iterator[ReportStore]:
    s = ReportStore.from_settings(settings)
    yield s
    s.engine.dispose()


@pytest.fixture
def app(settings: Settings, store: ReportStore):  # type: ignore[no-untyped-def]
    from assistant.reports.service import get_report_store

    accounts = Accounts(store.engine)
    for user, role in USERS.items():
        accounts.add(user, PASSWORD, role)
    application = create_app(settings)
    application.dependency_overrides[get_report_store] = lambda: store
    return application


@pytest.fixture
def anon(app) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(app)


@pytest.fixture
def login(app) -> Callable[[str], TestClient]:  # type: ignore[no-untyped-def]
    def make(user: str) -> TestClient:
        client = TestClient(app)
        r = client.post("/api/staff/login", json={"username": user, "password": PASSWORD})
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = r.json()["csrf"]
        return client

    return make
