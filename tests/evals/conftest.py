"""A FULL index of the shipped corpus, for the retrieval floor (session-scoped, slow the first time).

The index is kept between test sessions in `TBT_TEST_FULL_INDEX` (default: <tmp>/tbt-test-full-index)
rather than in a fresh tmp folder: ingest is incremental and atomic, so when neither the corpus nor
the pipeline changed it is a fingerprint check (a few seconds), and when they did only changed
chunks are embedded again. The first build takes a few minutes on a 2-core machine. A lock file
keeps two test sessions from building it at the same time.

`TBT_EVAL_DATA_DIR` names an index that already exists (for example a copy of a developer's
`var/`): it is used as it is, without any ingest, so the floors can be checked against the index
being measured. Point it at a copy: the answer and dialogue suites store chat sessions there.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT, Settings

CORPUS = PROJECT_ROOT / "corpus"


def full_index_dir() -> Path:
    configured = os.environ.get("TBT_TEST_FULL_INDEX")
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "tbt-test-full-index"


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".build.lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def full_index() -> Settings:
    """Settings whose data_dir holds an index of everything under corpus/ (as `tbt ingest` builds)."""
    from assistant.ingest.pipeline import run_ingest

    existing = os.environ.get("TBT_EVAL_DATA_DIR")
    if existing:
        return Settings(data_dir=Path(existing), corpus_dir=CORPUS, today="2024-11-15")
    root = full_index_dir()
    settings = Settings(data_dir=root, corpus_dir=CORPUS, today="2024-11-15")
    with _locked(root):
        report = run_ingest(settings)
    assert report.ok, report.as_dict()
    assert report.records > 20_000, "the full corpus has RASFF's ~22k alerts"
    return settings
