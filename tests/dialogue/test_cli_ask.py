"""`tbt ask` through typer's CliRunner, with TBT_DATA_DIR pointing at the small index."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.answer.models import Answer
from assistant.cli import app
from assistant.config import Settings, get_settings


@pytest.fixture
def env(small_index: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    values = {"TBT_DATA_DIR": str(small_index.data_dir), "TBT_CORPUS_DIR": str(small_index.corpus_dir),
              "TBT_TODAY": "2024-11-15"}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    for key in ("TBT_LLM_BASE_URL", "TBT_LLM_MODEL", "TBT_LLM_API_KEY"):
        monkeypatch.delenv(key, raising=False)
    get_settings.cache_clear() if hasattr(get_settings, "cache_clear") else None
    yield values
    get_settings.cache_clear() if hasattr(get_settings, "cache_clear") else None


def test_ask_prints_the_answer_and_its_sources(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["ask", "出口蓝牙耳机到欧盟需要什么认证？"])
    assert result.exit_code == 0, result.output
    assert "Directive 2014/53/EU" in result.output
    assert "来源：" in result.output and "[1] Directive 2014/53/EU" in result.output
    assert "(session " in result.output


def test_ask_json_is_the_answer_and_the_session_continues(env: dict[str, str]) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["ask", "出口蓝牙耳机到欧盟需要什么认证？", "--json", "--session", "fixture-cli-1"])
    assert first.exit_code == 0, first.output
    a = Answer.model_validate_json(first.output.strip())
    assert a.session_id == "fixture-cli-1" and a.citations[0].ref == "Directive 2014/53/EU"
    second = runner.invoke(app, ["ask", "那美国呢？", "--json", "--session", "fixture-cli-1"])
    b = Answer.model_validate_json(second.output.strip())
    assert b.markets == ["USA"] and "47 CFR Part 15" in [c.ref for c in b.citations]


def test_ask_lang_sets_the_answer_language(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["ask", "G/TBT/N/USA/867/Add.1", "--lang", "zh", "--json"])
    assert Answer.model_validate_json(result.output.strip()).language == "zh"


def test_batch_gives_one_answer_json_per_line_each_in_a_fresh_session(env: dict[str, str], tmp_path: Path) -> None:
    batch = tmp_path / "questions.txt"
    batch.write_text("出口蓝牙耳机到欧盟需要什么认证？\n\nWhat is CBAM?\n那美国呢？\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["ask", "--batch", str(batch), "--json"])
    assert result.exit_code == 0, result.output
    answers = [Answer.model_validate(json.loads(line)) for line in result.output.strip().splitlines()]
    assert len(answers) == 3  # the blank line is skipped
    assert len({a.session_id for a in answers}) == 3
    assert answers[1].citations[0].ref == "Regulation (EU) 2023/956"
    assert answers[2].markets == ["USA"] and answers[2].hs == []  # no earlier turn to take a product from


def test_bad_arguments_are_clear_errors(env: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    none = runner.invoke(app, ["ask"])
    assert none.exit_code == 2 and "Give a QUESTION or --batch FILE" in none.output
    lang = runner.invoke(app, ["ask", "hi", "--lang", "fr"])
    assert lang.exit_code == 2 and "--lang must be zh or en" in lang.output
    session = runner.invoke(app, ["ask", "hi", "--session", "has space"])
    assert session.exit_code == 2 and "session id must be" in session.output
    missing = runner.invoke(app, ["ask", "--batch", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2 and "Cannot read" in missing.output


def test_without_an_index_it_says_how_to_build_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TBT_DATA_DIR", str(tmp_path / "empty"))
    get_settings.cache_clear() if hasattr(get_settings, "cache_clear") else None
    result = CliRunner().invoke(app, ["ask", "What is CBAM?"])
    get_settings.cache_clear() if hasattr(get_settings, "cache_clear") else None
    assert result.exit_code == 1 and "tbt ingest" in result.output
