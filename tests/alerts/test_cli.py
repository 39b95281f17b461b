"""`tbt alerts ...` and `tbt bench alerts` as an operator runs them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli import app
from assistant.config import Settings, get_settings


def _run(env: dict[str, str], *args: str):  # type: ignore[no-untyped-def]
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, list(args), env=env)
    finally:
        get_settings.cache_clear()


def test_add_list_pause_delete(tmp_path: Path) -> None:
    env = {"TBT_DATA_DIR": str(tmp_path)}
    who = ["--channel", "email", "--user", "ops@fixture.example"]
    added = _run(env, "alerts", "add", *who, "订阅欧盟玩具的通报")
    assert added.exit_code == 0, added.output
    assert "欧盟" in added.output and "9503" in added.output
    bad = _run(env, "alerts", "add", *who, "hello")
    assert bad.exit_code == 2
    listed = _run(env, "alerts", "list", *who, "--json")
    assert json.loads(listed.output)[0]["criteria"]["markets"] == ["EU"]
    assert _run(env, "alerts", "pause", *who, "1").exit_code == 0
    assert _run(env, "alerts", "delete", *who, "1").exit_code == 0
    assert _run(env, "alerts", "delete", *who, "1").exit_code == 1


def test_run_without_an_index_says_how_to_build_one(tmp_path: Path) -> None:
    result = _run({"TBT_DATA_DIR": str(tmp_path)}, "alerts", "run")
    assert result.exit_code == 1 and "tbt ingest" in result.output


def test_run_on_an_index_and_outbox(day0: Settings) -> None:
    env = {"TBT_DATA_DIR": str(day0.data_dir), "TBT_CORPUS_DIR": str(day0.corpus_dir)}
    first = _run(env, "alerts", "run", "--json")
    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    assert report["sent"] == 0 and report["errors"] == []
    outbox = _run(env, "alerts", "outbox", "--json")
    assert outbox.exit_code == 0 and json.loads(outbox.output) == []


def test_bench_prints_seconds_and_memory() -> None:
    result = _run({}, "bench", "alerts", "--items", "50", "--subscriptions", "500", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["items"] == 50 and out["subscriptions"] == 500
    assert out["total_seconds"] > 0 and out["peak_rss_mb"] > 0
