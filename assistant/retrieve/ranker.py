"""A fitted relevance model: one score in [0, 1] per candidate record, and its no-answer gate.

Search gathers each candidate's evidence (relevance.Candidate: coverage of the question, cosine of
the best chunk and of the best short field, fused rank, and structured agreement on market, HS code,
record type, origin and direction). This module turns that evidence into a feature vector and
scores it with a linear model fitted on the `dev` splits (`tbt eval fit`, evals/fit.py): a
logistic fit for the order, then a calibration so that the score is the chance that a question
matched this well is answerable; the gate is the cut-off that cross-validation on dev chose.
Nothing here is tuned by hand; the weights file says what it was fitted on. A fitted model is put
on trial with `tbt eval retrieval --model FILE`; the shipped scorer stays relevance.py's until a
fitted one beats it on the test split.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# the intents where a record for another market does not answer (what applies in market X);
# for cases and disputes the market named is often who complained, not where the measure applies.
# Both sets are shared with the hand-weighted scorer (relevance.py).
STRICT_MARKET_INTENTS = frozenset({"requirements", "notification", "alerts", "subscribe"})
ORIGIN_INTENTS = frozenset({"alerts", "report"})
MISSING_COSINE = 0.25  # a candidate the dense list never reached: below every real match

FEATURES: tuple[str, ...] = (
    "coverage",          # share of the question's weighted words the record covers
    "cosine",            # best chunk's cosine with the question
    "cosine_missing",    # the dense list did not reach the record
    "field",             # best short field's cosine (title, product, provision heading)
    "dense",             # the larger of the two cosines
    "rank",              # fused rank evidence, 0..1
    "log_prior",         # log of how well the record type suits the intent (relevance.INTENT_PRIOR)
    "market_match",
    "market_mismatch_strict",
    "market_mismatch_other",
    "hs_match",
    "hs_mismatch",
    "origin_match",
    "origin_match_alerts",
    "origin_mismatch",
    "elsewhere",         # an EU border alert for a question about imports into China
    "product_off",       # the record is about some other product (alerts, cases, announcements)
    "unknown_name",      # the question names something the corpus never mentions
    "coverage_x_dense",  # both agree: the words and the meaning
)


def feature_vector(cosine: float | None, coverage: float, feats: dict[str, float], intent: str) -> np.ndarray:
    """The model's input for one candidate, in FEATURES order."""
    cos = MISSING_COSINE if cosine is None else float(cosine)
    fld = float(feats.get("field", 0.0))
    dense = max(cos, fld, 0.0)
    m = feats.get("market", 0.0)
    h = feats.get("hs", 0.0)
    o = feats.get("origin", 0.0)
    p = feats.get("product")
    values = (
        coverage,
        cos,
        1.0 if cosine is None else 0.0,
        fld,
        dense,
        feats.get("rank", 0.0),
        math.log(max(feats.get("prior", 1.0), 1e-3)),
        1.0 if m > 0 else 0.0,
        1.0 if m < 0 and intent in STRICT_MARKET_INTENTS else 0.0,
        1.0 if m < 0 and intent not in STRICT_MARKET_INTENTS else 0.0,
        max(h, 0.0),
        max(-h, 0.0),
        1.0 if o > 0 else 0.0,
        1.0 if o > 0 and intent in ORIGIN_INTENTS else 0.0,
        max(-o, 0.0),
        1.0 if feats.get("elsewhere") else 0.0,
        max(0.5 - p, 0.0) * 2.0 if p is not None else 0.0,
        1.0 if feats.get("unknown_name") or feats.get("other_goods") else 0.0,  # or a text on other goods
        coverage * dense,
    )
    return np.asarray(values, dtype=np.float64)


@dataclass(frozen=True)
class RelevanceModel:
    """Weights of the ranking score, its calibration to a probability, and the gate."""

    weights: tuple[float, ...]
    scale: float  # calibration: p = sigmoid(scale * (w . x) + bias)
    bias: float
    threshold: float  # no-answer gate on p, chosen by cross-validation on dev
    provenance: dict[str, object] = field(default_factory=dict)

    def raw(self, x: np.ndarray) -> float:
        return float(np.dot(np.asarray(self.weights), x))

    def probability(self, x: np.ndarray) -> float:
        z = self.scale * self.raw(x) + self.bias
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "weights": [round(w, 6) for w in self.weights],
            "scale": round(self.scale, 6),
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 4),
            "provenance": self.provenance,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> RelevanceModel:
        names = data.get("features")
        if names != list(FEATURES):
            raise ValueError("relevance model was fitted on other features; refit with `tbt eval fit`")
        weights = data["weights"]
        if not isinstance(weights, list):
            raise ValueError("relevance model: weights must be a list")
        prov = data.get("provenance")
        return cls(tuple(float(w) for w in weights), float(str(data["scale"])), float(str(data["bias"])),
                   float(str(data["threshold"])), dict(prov) if isinstance(prov, dict) else {})


def load_model(path: Path) -> RelevanceModel:
    """A model written by `tbt eval fit`."""
    return RelevanceModel.from_json(json.loads(path.read_text(encoding="utf-8")))
