"""Fixtures shared by every test package.

SHARED FIXTURE `small_index` (session-scoped; reuse it rather than building your own index):
a real index built by `run_ingest` from a SMALL copy of the shipped corpus in a tmp folder:
- corpus/curated (all curated records, as shipped),
- a 300-row slice of corpus/rasff: the header plus the 300 most recent rows whose country of
  origin mentions China (real rows, unchanged; two of them are goji berries), with SOURCE.txt,
- the first 20 China Customs announcements of corpus/gacc (real, for Chinese refs such as
  海关总署公告〔2024〕151号), with SOURCE.txt and LICENSE.txt.
It returns the `Settings` (data_dir and corpus_dir in tmp, `today` fixed at 2024-11-15 so answers
that count days are stable; corpus/vocab is copied too when present). Building takes under a
minute.
"""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT, Settings

CORPUS = PROJECT_ROOT / "corpus"
RASFF_ROWS = 300
GACC_ANNOUNCEMENTS = 20


def _rasff_slice(src_dir: Path, dest_dir: Path, rows: int = RASFF_ROWS) -> None:
    dest_dir.mkdir(parents=True)
    src = next(p for p in sorted(src_dir.glob("*.csv")))
    with src.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        origin = [c.strip().lower() for c in header].index("country origin")
        kept = []
        for row in reader:
            if len(row) > origin and "china" in row[origin].lower():
                kept.append(row)
                if len(kept) >= rows:
                    break
    with (dest_dir / "rasff_china_slice.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(kept)
    shutil.copy(src_dir / "SOURCE.txt", dest_dir / "SOURCE.txt")


def _gacc_slice(src_dir: Path, dest_dir: Path, n: int = GACC_ANNOUNCEMENTS) -> None:
    dest_dir.mkdir(parents=True)
    with (src_dir / "gacc_regulations.jsonl").open(encoding="utf-8") as fh:
        lines = [line for _, line in zip(range(n), fh, strict=False)]
    (dest_dir / "gacc_regulations.jsonl").write_text("".join(lines), encoding="utf-8")
    for name in ("SOURCE.txt", "LICENSE.txt"):
        if (src_dir / name).exists():
            shutil.copy(src_dir / name, dest_dir / name)


@pytest.fixture(scope="session")
def small_index(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Settings:
    """Settings whose data_dir holds a real index of the small corpus described above.

    With TBT_TEST_ENGINES=scaled (.ci/run) the same index lives on a Chroma server and the state
    in a throwaway PostgreSQL database (assistant/scaleout.py), so suites run on real engines."""
    from assistant.ingest.pipeline import run_ingest

    root = tmp_path_factory.mktemp("small_index")
    corpus = root / "corpus"
    shutil.copytree(CORPUS / "curated", corpus / "curated")
    if (CORPUS / "vocab").is_dir():  # product/HS vocabulary used by query analysis, not ingested
        shutil.copytree(CORPUS / "vocab", corpus / "vocab")
    _rasff_slice(CORPUS / "rasff", corpus / "rasff")
    _gacc_slice(CORPUS / "gacc", corpus / "gacc")
    settings = Settings(data_dir=root / "data", corpus_dir=corpus, today="2024-11-15")
    report = run_ingest(settings)
    assert report.ok and report.records > RASFF_ROWS, report.as_dict()
    if os.environ.get("TBT_TEST_ENGINES") == "scaled":
        from assistant.scaleout import Unavailable, scaled_settings

        stack = request.getfixturevalue("_engines_stack")
        try:
            settings = stack.enter_context(scaled_settings(settings, root / "scaled"))
        except Unavailable as exc:
            pytest.skip(f"TBT_TEST_ENGINES=scaled: {exc}")
    return settings


@pytest.fixture(scope="session")
def _engines_stack() -> Iterator[contextlib.ExitStack]:
    """Servers started for the session (TBT_TEST_ENGINES=scaled), stopped at its end."""
    with contextlib.ExitStack() as stack:
        yield stack
