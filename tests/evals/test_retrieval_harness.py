"""The retrieval harness itself: reading question sets, the metrics, and the shipped sets' shape."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from assistant.evals.retrieval import (
    SET_DIR,
    Outcome,
    Question,
    _score,
    format_tables,
    load_questions,
    resolve_set,
    summarise,
)

INTENTS = {"requirements", "notification", "alerts", "cases", "report", "rules", "out_of_domain"}


def outcome(refs: list[str], returned: list[str], lang: str = "en", intent: str = "requirements") -> Outcome:
    o = Outcome(Question(f"q{len(returned)}", "question", lang, intent, refs), [(r, 0.5) for r in returned], 1.0, intent)
    _score(o)
    return o


def test_rank_and_ndcg() -> None:
    o = outcome(["A", "B"], ["X", "A", "Y", "B"])
    assert o.rank == 2
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    assert o.ndcg == pytest.approx(dcg / (1 + 1 / math.log2(3)))
    assert outcome(["A"], ["X", "Y"]).rank is None


def test_summary_metrics_by_language_and_intent(tmp_path: Path) -> None:
    outcomes = [
        outcome(["A"], ["A"], "zh"),  # rank 1
        outcome(["A"], ["X", "Y", "A"], "zh", "alerts"),  # rank 3
        outcome(["A"], ["X"] * 10, "en"),  # missed
        outcome([], [], "en", "out_of_domain"),  # no answer, nothing returned: right
        outcome([], ["X"], "zh", "out_of_domain"),  # no answer, something returned: wrong
    ]
    result = summarise(outcomes, tmp_path / "set.jsonl", [])
    assert result["overall"]["recall@1"] == pytest.approx(1 / 3, abs=1e-3)
    assert result["overall"]["recall@5"] == pytest.approx(2 / 3, abs=1e-3)
    assert result["overall"]["mrr"] == pytest.approx((1 + 1 / 3) / 3, abs=1e-3)
    assert result["overall"]["no_answer_ok"] == 0.5
    assert result["by_lang"]["zh"]["recall@5"] == 1.0 and result["by_lang"]["en"]["recall@5"] == 0.0
    assert result["by_intent"]["alerts"]["mrr"] == pytest.approx(1 / 3, abs=1e-3)
    assert [m["rank"] for m in result["misses"]][:1] == [None]  # the worst miss first
    text = format_tables(result)
    assert "by language" in text and "by intent" in text and "no-answer question answered" in text


def test_bad_lines_are_reported_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"id": "ok", "q": "toys EU", "lang": "en", "intent": "requirements", "refs": ["X"]}),
                "{not json",
                json.dumps({"id": "no-q", "lang": "en", "refs": []}),
                json.dumps({"id": "bad-refs", "q": "x", "lang": "en", "refs": "X"}),
                json.dumps({"id": "odd-lang", "q": "x", "lang": "fr", "refs": []}),
                "",
            ]
        ),
        encoding="utf-8",
    )
    questions, problems = load_questions(path)
    assert [q.id for q in questions] == ["ok", "odd-lang"]
    assert len(problems) == 4 and all("set.jsonl:" in p for p in problems)
    assert load_questions(tmp_path / "missing.jsonl")[1][0].startswith(str(tmp_path / "missing.jsonl"))


def test_set_names_and_paths() -> None:
    assert resolve_set(None) == SET_DIR / "dev.jsonl"
    assert resolve_set("test") == SET_DIR / "test.jsonl"
    assert resolve_set("/tmp/other.jsonl") == Path("/tmp/other.jsonl")


@pytest.mark.parametrize("split", ["dev", "test"])
def test_each_split_meets_its_brief(split: str) -> None:
    questions, problems = load_questions(SET_DIR / f"{split}.jsonl")
    assert not problems
    assert len(questions) >= 120
    zh = sum(q.lang == "zh" for q in questions)
    assert abs(zh - (len(questions) - zh)) <= len(questions) * 0.25  # both languages well represented
    assert sum(not q.refs for q in questions) >= 15
    assert {q.intent for q in questions} <= INTENTS
    assert len({q.id for q in questions}) == len(questions)


def test_questions_jsonl_is_the_dev_split() -> None:
    """`questions.jsonl` (read by `tbt bench search`) is the dev split, never the test split."""
    assert (SET_DIR / "questions.jsonl").resolve() == (SET_DIR / "dev.jsonl").resolve()
