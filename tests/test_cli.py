"""The `tbt` command as a user runs it: search (single, filtered, batch), stats, errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.config import Settings, get_settings


@pytest.fixture()
def run(small_index: Settings) -> Iterator:  # type: ignore[type-arg]
    env = {
        "TBT_DATA_DIR": str(small_index.data_dir),
        "TBT_CORPUS_DIR": str(small_index.corpus_dir),
        "TBT_TODAY": "2024-11-15",
    }

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        get_settings.cache_clear()
        try:
            return CliRunner().invoke(app, list(args), env=env)
        finally:
            get_settings.cache_clear()

    yield invoke


def test_search_json_has_the_documented_fields(run) -> None:  # type: ignore[no-untyped-def]
    result = run("search", "G/TBT/N/USA/867", "--json", "--k", "5")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert hits[0]["ref"] == "G/TBT/N/USA/867"
    for key in ("ref", "type", "title", "score", "snippet", "markets", "hs"):
        assert key in hits[0]
    # the addenda come with their core notification
    assert {"G/TBT/N/USA/867/Add.1", "G/TBT/N/USA/867/Add.2"} <= {h["ref"] for h in hits}


def test_search_filters_by_type_and_market(run) -> None:  # type: ignore[no-untyped-def]
    result = run("search", "wireless earphones certification", "--type", "regulation", "--market", "美国", "--json")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert hits and all(h["type"] == "regulation" and "USA" in h["markets"] for h in hits)


def test_search_batch_prints_one_json_array_per_line(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    queries = tmp_path / "q.txt"
    queries.write_text("玩具出口欧盟\nG/TBT/N/EU/542\n\nFCC Part 15\n", encoding="utf-8")
    result = run("search", "--batch", str(queries), "--k", "3")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.strip().splitlines()]
    assert len(lines) == 3
    assert lines[1][0]["ref"] == "G/TBT/N/EU/542"


def test_search_without_an_index_says_how_to_build_it(tmp_path: Path) -> None:
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["search", "toys"], env={"TBT_DATA_DIR": str(tmp_path / "none")})
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "tbt ingest" in result.output


def test_stats_counts_records_by_type(run) -> None:  # type: ignore[no-untyped-def]
    result = run("stats")
    assert result.exit_code == 0, result.output
    assert "notification" in result.output and "alert" in result.output
