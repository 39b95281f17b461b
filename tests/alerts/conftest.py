"""The early-warning world: a tiny real index replayed day by day, a local SMTP server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from tests.alerts.smtp_server import Mailbox, serve

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "alerts"


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
