"""The demo folder: labelled, linked to the real index, and reset without touching real data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.demo import space
from assistant.reports.store import ReportStore
from tests.reports.helpers import complete_report


def test_prepare_labels_the_folder_and_shares_the_index(real_settings: Settings, tmp_path: Path) -> None:
    demo = space.prepare(real_settings, tmp_path / "demo")
    assert demo.data_dir == (tmp_path / "demo").resolve()
    info = json.loads((demo.data_dir / space.MARKER).read_text(encoding="utf-8"))
    assert info["label"] == "demo"
    assert demo.index_dir.resolve() == real_settings.index_dir.resolve()
    assert str(demo.data_dir) in demo.resolved_database_url  # its own database
    assert space.is_demo(demo) and not space.is_demo(real_settings)
    again = space.prepare(real_settings, tmp_path / "demo")  # a second start reuses everything
    assert again.data_dir == demo.data_dir


def test_prepare_ignores_a_real_database_url(real_settings: Settings, tmp_path: Path) -> None:
    real = real_settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'real.sqlite3'}"})
    demo = space.prepare(real, tmp_path / "demo")
    assert demo.database_url is None and "real.sqlite3" not in demo.resolved_database_url


def test_prepare_refuses_folders_that_are_not_a_demo(real_settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(space.DemoError):
        space.prepare(real_settings, real_settings.data_dir)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("someone's file", encoding="utf-8")
    with pytest.raises(space.DemoError):
        space.prepare(real_settings, busy)
    assert (busy / "notes.txt").exists()


def test_reset_refuses_real_settings(real_settings: Settings) -> None:
    with pytest.raises(space.DemoError):
        space.reset(real_settings)


def test_reset_empties_the_demo_only(real_settings: Settings, demo_settings: Settings) -> None:
    real_store = ReportStore.from_settings(real_settings)
    real_number = real_store.submit(complete_report()).number
    demo_store = ReportStore.from_settings(demo_settings)
    demo_store.submit(complete_report(channel="demo"))
    (demo_settings.data_dir / "leftover.txt").write_text("demo file", encoding="utf-8")

    result = space.reset(demo_settings)
    assert result.total >= 1 and result.files >= 1
    assert demo_store.list() == []
    assert not (demo_settings.data_dir / "leftover.txt").exists()
    assert (demo_settings.data_dir / "index").exists() and space.is_demo(demo_settings)
    assert [r.number for r in real_store.list()] == [real_number]  # real data untouched
    assert demo_store.submit(complete_report(channel="demo")).number  # and the demo works on


def test_tbt_demo_reuses_the_index_and_makes_the_demo_the_process_settings(
    real_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.config import get_settings
    from assistant.demo.serve import demo_settings, ensure_index

    said: list[str] = []
    assert ensure_index(real_settings, said.append) is False and said == []  # nothing rebuilt
    monkeypatch.setenv("TBT_DATA_DIR", str(real_settings.data_dir))
    monkeypatch.setenv("TBT_DATABASE_URL", f"sqlite:///{tmp_path / 'real.sqlite3'}")
    settings = demo_settings(real_settings, tmp_path / "demo", reset_first=True)
    try:
        assert get_settings().data_dir == settings.data_dir and get_settings().database_url is None
        assert space.is_demo(get_settings())
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_tbt_demo_command_is_registered() -> None:
    from typer.testing import CliRunner

    from assistant.cli import app

    result = CliRunner().invoke(app, ["demo", "--help"])
    assert result.exit_code == 0 and "--demo-dir" in result.output and "--reset" in result.output
