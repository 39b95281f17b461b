"""Clients for the HTTP layer: one app without an index, one over the shared `small_index`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.config import Settings


@pytest.fixture
def empty_settings(tmp_path: Path) -> Settings:
    """A data dir where `tbt ingest` has never run."""
    return Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus")


@pytest.fixture
def empty_client(empty_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(empty_settings)) as c:
        yield c


@pytest.fixture
def client(small_index: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(small_index)) as c:
        yield c
