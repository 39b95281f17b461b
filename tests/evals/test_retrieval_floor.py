"""Retrieval may not get worse on questions nobody tuned on: the TEST split against a full index.

Floors sit a little under the figures measured on the test split when they were set (see
FLOORS), so a change to analysis, ranking, the vocabularies or the corpus that loses right
answers, or starts answering questions the corpus cannot answer, fails the build. They are not
targets to tune towards: tune on `dev`, and raise these floors when `test` shows the gain.
Nothing here prints a test question (the harness withholds them).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.evals.retrieval import SET_DIR, load_questions, run_retrieval_eval
from assistant.evals.split import WITHHELD

# Measured on the test split (406 questions: 223 zh, 183 en; 52 with no answer) on 2026-12-04,
# after the relevance gate moved to 0.40 (chosen on dev): Recall@5 zh 0.954 / en 0.931, MRR zh
# 0.936 / en 0.902, no-answer 0.827. On 2026-12-05 the test split grew by the test halves of
# three batches written apart (504 questions: 269 zh, 235 en; 68 with no answer) and the gate
# moved to 0.30 (chosen on dev): Recall@5 zh 0.940 / en 0.921, MRR zh 0.913 / en 0.895, no-answer
# 0.779 (0.881 at 0.40). On 2026-12-06 it grew by the test half of a fourth batch (533 questions:
# 281 zh, 252 en; 71 with no answer): Recall@5 zh 0.955 / en 0.945, MRR zh 0.918 / en 0.907,
# no-answer 0.803. Later that day it grew by the test half of a fifth batch (566 questions: 298 zh,
# 268 en; 76 with no answer): Recall@5 zh 0.958 / en 0.948, MRR zh 0.917 / en 0.908, no-answer
# 0.816. At the end of the day (second session) it grew by the test halves of two more batches
# (646 questions: 337 zh, 309 en; 85 with no answer): Recall@5 zh 0.942 / en 0.951, MRR zh 0.897 /
# en 0.907, no-answer 0.835 (the new half alone, on its first run: Recall@5 0.900). One more miss
# costs about 0.003 of Recall@5, one more false answer about 0.012 of no-answer. In the third session
# of 2026-12-06 it grew by the test halves of apart-2026-12j and -12k (699 questions: 365 zh, 334
# en; 93 with no answer): Recall@5 zh 0.940 / en 0.951, MRR zh 0.892 / en 0.904, no-answer 0.817.
# In the tenth session (2026-12-07) it grew by the untouched test half of apart-2026-12s (715
# questions: 373 zh, 342 en; 98 with no answer): Recall@5 zh 0.942 / en 0.959, MRR zh 0.902 / en
# 0.913, no-answer 0.837. In the eleventh session it grew by the untouched test half of
# apart-2026-12u (734 questions: 383 zh, 351 en; 99 with no answer): Recall@5 zh 0.934 / en 0.960,
# MRR zh 0.897 / en 0.915, no-answer 0.838 (the new half alone: Recall@5 0.833 of 18). In the
# twelfth session it grew by the untouched test half of apart-2026-12v (757 questions: 398 zh, 359
# en; 106 with no answer): Recall@5 zh 0.931 / en 0.954, MRR zh 0.892 / en 0.910, no-answer 0.830
# (the new half alone: Recall@5 0.750 of 16). In the thirteenth session it grew by the untouched test
# half of apart-2026-12w (772 questions: 407 zh, 365 en; 106 with no answer): Recall@5 zh 0.927 / en
# 0.955, MRR zh 0.888 / en 0.909, no-answer 0.830; on the 757 questions it held before, nothing
# moved (Recall@5 zh 0.931 / en 0.954). The new Chinese questions took zh under its old floors of
# 0.93 and 0.89: those floors now sit at the issue's own Recall@5 target (0.92) and 0.88.
FLOORS = {
    ("zh", "recall@5"): 0.92,
    ("en", "recall@5"): 0.94,
    ("zh", "mrr"): 0.88,
    ("en", "mrr"): 0.895,
}
NO_ANSWER_FLOOR = 0.81


@pytest.mark.slow
def test_test_split_stays_above_the_floors(full_index: Settings, tmp_path: Path) -> None:
    result = run_retrieval_eval(full_index, None, out=tmp_path / "test.json", echo=False, split="test")
    assert not result["problems"], result["problems"]
    assert all(m["q"] == WITHHELD for m in result["misses"])
    misses = ", ".join(m["id"] for m in result["misses"])
    for (lang, metric), floor in FLOORS.items():
        got = result["by_lang"][lang][metric]
        assert got >= floor, f"{lang} {metric} {got:.3f} < {floor}; misses: {misses}"
    assert result["overall"]["no_answer_ok"] >= NO_ANSWER_FLOOR, misses


@pytest.mark.slow
@pytest.mark.parametrize("name", ["dev", "test"])
def test_every_expected_ref_exists_in_the_corpus(full_index: Settings, name: str) -> None:
    from assistant.index.store import load_index

    refs = set(load_index(full_index).record_rows)
    questions, problems = load_questions(SET_DIR / f"{name}.jsonl")
    assert questions and not problems
    unknown = sorted({r for q in questions for r in q.refs if r not in refs})
    assert not unknown, f"refs no record carries (corpus changed?): {unknown[:10]}"
