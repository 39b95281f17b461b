"""`tbt staff add/list/set` and `tbt bench staff` (tiny run: the bench prints, never asserts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.config import get_settings


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TBT_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_staff_accounts_from_the_command_line(env) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    r = runner.invoke(app, ["staff", "add", "li", "--role", "admin", "--password-stdin"],
                      input="fixture-password-1\n")
    assert r.exit_code == 0, r.output
    short = runner.invoke(app, ["staff", "add", "wang", "--password-stdin"], input="short\n")
    assert short.exit_code == 2 and "10" in short.output
    bad_role = runner.invoke(app, ["staff", "add", "wang", "--role", "boss", "--password-stdin"],
                             input="fixture-password-1\n")
    assert bad_role.exit_code == 2
    assert runner.invoke(app, ["staff", "set", "li", "--role", "triager"]).exit_code == 0
    listed = runner.invoke(app, ["staff", "list"]).output
    assert "li" in listed and "triager" in listed and "active" in listed


def test_bench_staff_prints_figures(env) -> None:  # type: ignore[no-untyped-def]
    r = CliRunner().invoke(app, ["bench", "staff", "--n", "300", "--repeat", "1"])
    assert r.exit_code == 0, r.output
    assert "300 reports on sqlite" in r.output and "p95" in r.output
