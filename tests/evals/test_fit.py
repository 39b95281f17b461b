"""The relevance-model fit (evals/fit.py): it learns an order the data holds, respects the signs
that say a mismatch never helps, picks the gate from held-out scores, and never fits on test."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.evals import fit as F
from assistant.retrieve.ranker import FEATURES, RelevanceModel, feature_vector, load_model

COV = FEATURES.index("coverage")
MISMATCH = FEATURES.index("market_mismatch_strict")


def _groups(n: int = 60, seed: int = 7) -> list[F.Group]:
    """Synthetic questions: the right record covers the question; unanswerable ones have only
    weak candidates. Coverage decides, and a market mismatch is pure noise."""
    rng = np.random.default_rng(seed)
    groups = []
    for i in range(n):
        answerable = i % 4 != 0
        x = np.zeros((12, len(FEATURES)))
        x[:, COV] = rng.uniform(0.0, 0.4, 12)
        x[:, MISMATCH] = rng.integers(0, 2, 12)
        y = np.zeros(12)
        if answerable:
            x[0, COV] = rng.uniform(0.6, 1.0)
            x[0, MISMATCH] = 1.0  # noise that happens to sit on the right record: must not turn positive
            y[0] = 1.0
        groups.append(F.Group(f"q{i:03d}", x, y, answerable))
    return groups


def test_fit_learns_the_order_and_respects_signs() -> None:
    groups = _groups()
    w = F._fit_order(groups, 0.001, iters=400)
    assert w[COV] > 0
    assert w[MISMATCH] <= 0  # the data says "mismatch helps"; the sign constraint says never
    assert F._mrr(groups, w) > 0.95


def test_gate_from_held_out_scores_separates_answerable() -> None:
    groups = _groups()
    mrr, tops = F._out_of_fold(groups, 0.001)
    threshold, bacc = F.choose_threshold(tops)
    assert mrr > 0.9 and bacc > 0.9
    assert 0.0 < threshold < 1.0


def test_choose_threshold_is_the_middle_of_the_best_cut() -> None:
    t, bacc = F.choose_threshold([(0.9, True), (0.8, True), (0.2, False), (0.1, False)])
    assert bacc == 1.0 and 0.2 < t <= 0.8


def test_never_fitted_on_test() -> None:
    with pytest.raises(ValueError, match="never on test"):
        F.dev_questions("test")


def test_model_round_trip_and_probability(tmp_path) -> None:
    model = RelevanceModel(tuple(1.0 if f == "coverage" else 0.0 for f in FEATURES), 4.0, -2.0, 0.5)
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    loaded = load_model(path)
    strong = loaded.probability(feature_vector(0.5, 1.0, {}, "requirements"))
    weak = loaded.probability(feature_vector(0.5, 0.1, {}, "requirements"))
    assert strong > loaded.threshold > weak


def test_a_model_of_other_features_is_refused(tmp_path) -> None:
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"features": ["coverage"], "weights": [1.0], "scale": 1, "bias": 0,
                                "threshold": 0.5}), encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "retrieval", "--model", str(path)])
    assert result.exit_code != 0
    assert "other features" in result.output
