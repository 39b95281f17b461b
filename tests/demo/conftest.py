"""A real data folder (the shared small index, linked, plus its own database) and a demo
folder prepared over it, so tests can check that demo work never reaches the real data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.config import Settings
from assistant.demo import space


@pytest.fixture
def real_settings(small_index: Settings, tmp_path: Path) -> Settings:
    """`small_index`'s index under a data folder of this test (the shared fixture stays clean)."""
    data = tmp_path / "real"
    data.mkdir()
    (data / "index").symlink_to(small_index.index_dir.resolve(), target_is_directory=True)
    return small_index.model_copy(update={"data_dir": data})


@pytest.fixture
def demo_settings(real_settings: Settings, tmp_path: Path) -> Settings:
    return space.prepare(real_settings, tmp_path / "demo")


@pytest.fixture
def demo_client(demo_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(demo_settings)) as c:
        yield c


@pytest.fixture
def real_client(real_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(real_settings)) as c:
        yield c
