"""The scaled-out set-up as pytest fixtures, reusable by any suite (import them from here):

- `scaled_settings`: PostgreSQL (throwaway cluster) + a Chroma server (`chroma run`), with the
  shared `small_index` carried into the server; session-scoped.
- `scaled_url`: the app under uvicorn with 3 worker processes on those engines; session-scoped.

Both skip with the reason when PostgreSQL or the chroma command is not available here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.scaleout import Unavailable, app_workers
from assistant.scaleout import scaled_settings as _scaled

WORKERS = 3


@pytest.fixture(scope="session")
def scaled_settings(small_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    work: Path = tmp_path_factory.mktemp("scaled")
    try:
        cm = _scaled(small_index, work)
        s = cm.__enter__()
    except Unavailable as exc:
        pytest.skip(str(exc))
    try:
        yield s
    finally:
        cm.__exit__(None, None, None)


@pytest.fixture(scope="session")
def scaled_url(scaled_settings: Settings) -> Iterator[str]:
    try:
        cm = app_workers(scaled_settings, WORKERS)
        url = cm.__enter__()
    except Unavailable as exc:
        pytest.skip(str(exc))
    try:
        yield url
    finally:
        cm.__exit__(None, None, None)
