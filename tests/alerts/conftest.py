"""The early-warning world: a tiny real index replayed day by day, a local SMTP server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from tests.alerts.smtp_server import Mailbox, serve
from tests.reports.conftest import pg_server  # noqa: F401  (the throwaway PostgreSQL cluster)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "alerts"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a fresh database (today 2025-03-03): SQLite under tmp, or PostgreSQL."""
    if request.param == "sqlite":
        yield Settings(data_dir=tmp_path, today="2025-03-03")
        return
    server = request.getfixturevalue("pg_server")
    name = server.createdb()
    try:
        yield Settings(data_dir=tmp_path, database_url=server.url(name), today="2025-03-03")
    finally:
        server.dropdb(name)


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Mailbox, int]]:
    yield from serve()


@pytest.fixture(scope="module")
def day0(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a fresh index holding day 0: two RASFF rows (today 2025-03-02)."""
    from assistant.ingest.pipeline import run_ingest

    root = tmp_path_factory.mktemp("alerts")
    rasff = root / "corpus" / "rasff"
    rasff.mkdir(parents=True)
    shutil.copy(FIXTURES / "rasff_day0.csv", rasff / "rasff_day0.csv")
    shutil.copy(FIXTURES / "SOURCE.txt", rasff / "SOURCE.txt")
    settings = Settings(data_dir=root / "data", corpus_dir=root / "corpus", today="2025-03-02")
    report = run_ingest(settings)
    assert report.ok, report.as_dict()
    return settings
