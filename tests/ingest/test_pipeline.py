"""The ingest pipeline end to end on a small real corpus: incremental, atomic, and honest about
bad input (what a user running `tbt ingest` would see)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.config import PROJECT_ROOT, Settings
from assistant.index.store import current_generation, load_index
from assistant.ingest.pipeline import run_ingest

CORPUS = PROJECT_ROOT / "corpus"


def _small_corpus(root: Path, rasff_rows: int = 40) -> Path:
    corpus = root / "corpus"
    (corpus / "curated").mkdir(parents=True)
    for name in ("notifications.yaml", "forms.yaml"):
        shutil.copy(CORPUS / "curated" / name, corpus / "curated" / name)
    shutil.copytree(CORPUS / "vocab", corpus / "vocab")
    (corpus / "rasff").mkdir()
    src = next(iter(sorted((CORPUS / "rasff").glob("*.csv"))))
    with src.open(encoding="utf-8-sig", newline="") as fh:
        rows = [row for _, row in zip(range(rasff_rows + 1), csv.reader(fh), strict=False)]
    with (corpus / "rasff" / "rasff_slice.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    shutil.copy(CORPUS / "rasff" / "SOURCE.txt", corpus / "rasff" / "SOURCE.txt")
    return corpus


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "var", corpus_dir=_small_corpus(tmp_path))


def test_cold_ingest_builds_a_searchable_index(settings: Settings) -> None:
    report = run_ingest(settings)
    assert report.ok and not report.noop
    assert report.records_by_type == {"notification": 5, "form": 3, "document": 1, "alert": 40}
    assert report.embedded == report.chunks > 0
    idx = load_index(settings)
    assert "G/TBT/N/USA/867/Add.1" in idx.record_rows
    assert sorted(idx.by_core_symbol["G/TBT/N/USA/867"]) == [
        "G/TBT/N/USA/867", "G/TBT/N/USA/867/Add.1", "G/TBT/N/USA/867/Add.2",
    ]


def test_unchanged_rerun_is_a_noop_without_embedding(settings: Settings) -> None:
    first = run_ingest(settings)
    again = run_ingest(settings)
    assert again.noop and again.embedded == 0
    assert again.generation == first.generation
    assert again.seconds < 5


def test_extra_file_embeds_only_its_chunks_and_stays(settings: Settings, tmp_path: Path) -> None:
    first = run_ingest(settings)
    note = tmp_path / "guide.md"
    note.write_text("# Exporter guide (fixture)\n\n## Labels\n\nLabels must be in the local language.\n", encoding="utf-8")
    second = run_ingest(settings, [note])
    assert not second.noop
    assert 0 < second.embedded < first.embedded
    assert second.reused == first.chunks
    assert "Exporter guide (fixture)" in load_index(settings).record_rows
    # the extra path is remembered: a plain re-run is a no-op and keeps it
    third = run_ingest(settings)
    assert third.noop
    assert "Exporter guide (fixture)" in load_index(settings).record_rows


def test_changed_record_reembeds_only_what_changed(settings: Settings) -> None:
    first = run_ingest(settings)
    path = settings.corpus_dir / "curated" / "forms.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("keywords:", "keywords:\n  - fixture-added-keyword", 1), encoding="utf-8")
    second = run_ingest(settings)
    assert 0 < second.embedded <= 2
    assert second.reused == first.chunks - second.embedded


def test_interrupted_run_leaves_the_previous_index_in_use(settings: Settings, tmp_path: Path) -> None:
    first = run_ingest(settings)
    before = current_generation(settings)
    note = tmp_path / "more.md"
    note.write_text("# More (fixture)\n\nSome text about toys.\n", encoding="utf-8")

    def interrupt(stage: str, done: int, total: int) -> None:
        if stage == "embed":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_ingest(settings, [note], progress=interrupt)
    assert current_generation(settings) == before
    leftovers = [p.name for p in (settings.index_dir / "generations").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    idx = load_index(settings)
    assert idx.manifest["records"] == first.records
    assert "More (fixture)" not in idx.record_rows


def test_bad_files_are_reported_and_the_rest_is_ingested(settings: Settings, tmp_path: Path) -> None:
    unknown = tmp_path / "data.docx"
    unknown.write_bytes(b"PK\x03\x04 not really")
    broken_pdf = tmp_path / "scan.pdf"
    broken_pdf.write_bytes(b"%PDF-1.4\n garbage")
    bad_csv = tmp_path / "rasff_bad.csv"
    src = next(iter(sorted((CORPUS / "rasff").glob("*.csv"))))
    with src.open(encoding="utf-8-sig") as fh:
        header, row = fh.readline(), fh.readline()
    bad_csv.write_text(header + row + '"Oct 99, 2024","2024.1",Italy\n', encoding="utf-8")
    report = run_ingest(settings, [unknown, broken_pdf, bad_csv])
    assert report.ok and report.records > 40
    messages = [str(i) for i in report.issues]
    assert any("data.docx" in m and "unsupported file type" in m for m in messages)
    assert any("scan.pdf" in m for m in messages)
    assert any("rasff_bad.csv:3" in m for m in messages), messages


def test_nothing_ingestible_exits_non_zero(tmp_path: Path) -> None:
    from assistant.cli import app

    empty = tmp_path / "empty_corpus"
    empty.mkdir()
    bad = tmp_path / "notes.bin"
    bad.write_bytes(b"\x00\x01")
    env = {"TBT_DATA_DIR": str(tmp_path / "var"), "TBT_CORPUS_DIR": str(empty)}
    from assistant.config import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["ingest", str(bad)], env=env)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "unsupported file type" in result.output


def test_stats_json_shows_every_source(settings: Settings) -> None:
    from assistant.cli import app
    from assistant.config import get_settings

    run_ingest(settings)
    env = {"TBT_DATA_DIR": str(settings.data_dir), "TBT_CORPUS_DIR": str(settings.corpus_dir)}
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["stats", "--json"], env=env)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    paths = {s["path"] for s in stats["sources"]}
    assert {"corpus/curated/forms.yaml", "corpus/curated/notifications.yaml", "corpus/rasff/rasff_slice.csv"} <= paths
    assert stats["records_by_type"]["alert"] == 40
    assert stats["index_bytes"] > 0 and stats["last_ingest"]
