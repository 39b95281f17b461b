"""`tbt eval fit`: fit the relevance model (retrieve/ranker.py) on the dev split, never on test.

The questions are the dev splits of evals/retrieval and evals/answers (the latter's `refs` and
`also` are its right records; `refuse` marks a question the corpus cannot answer). Every question
runs through search's candidate stage exactly as a user's would; each candidate
record becomes a feature vector, labelled 1 when the question's `refs` list it. Then:
1. order: a logistic model of "this record answers" over every candidate, each question weighing
   the same, with sign constraints that only say "a mismatch never helps" and the L2 strength
   chosen by 5-fold cross-validation over questions (out-of-fold MRR);
2. calibration: a logistic fit of the candidates' labels on the model's raw score (each
   question's first ten candidates, where the decisions are made), so the score is a probability;
3. the gate: the probability cut-off on each question's best candidate that maximises balanced
   accuracy (answerable answered, unanswerable refused) on the out-of-fold scores.
Records quoted by reference (exact matches) bypass the model and are left out.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.config import PROJECT_ROOT, Settings
from assistant.evals.jsonl import read_set
from assistant.evals.retrieval import Question, load_questions, resolve_set
from assistant.retrieve.ranker import FEATURES, RelevanceModel, feature_vector

FOLDS = 5
L2_GRID = (0.001, 0.01, 0.1, 1.0)
MODEL_OUT = PROJECT_ROOT / "evals" / "results" / "relevance-model.json"
ANSWER_DEV = PROJECT_ROOT / "evals" / "answers" / "dev.jsonl"
# +1: the feature can only raise relevance; -1: only lower it; 0: the data decides
SIGNS: dict[str, int] = {
    "coverage": 1, "cosine": 1, "cosine_missing": 0, "field": 1, "dense": 1, "rank": 1, "log_prior": 1,
    "market_match": 1, "market_mismatch_strict": -1, "market_mismatch_other": -1, "hs_match": 1,
    "hs_mismatch": -1, "origin_match": 1, "origin_match_alerts": 1, "origin_mismatch": -1, "elsewhere": -1,
    "product_off": -1, "unknown_name": -1, "coverage_x_dense": 1,
}


@dataclass
class Group:
    """One question's candidates: features, labels, and whether the corpus answers it."""

    qid: str
    x: np.ndarray
    y: np.ndarray
    answerable: bool
    exact: bool = False  # the question quotes a record by reference: answered whatever the gate
    shipped: np.ndarray | None = None  # the shipped scorer's scores (relevance.py), for comparison


def collect(settings: Settings, questions: list[Question]) -> list[Group]:
    """Feature vectors of every candidate search considers for each question (exact refs left out)."""
    from assistant.retrieve.search import get_searcher

    searcher = get_searcher(settings)
    groups: list[Group] = []
    for q in questions:
        cands = searcher.candidates(q.q)
        rows = [c for c in cands if "exact" not in c.how]
        if not rows:
            continue
        x = np.stack([feature_vector(c.cosine, c.coverage, c.features, c.intent) for c in rows])
        y = np.asarray([1.0 if c.ref in q.refs else 0.0 for c in rows])
        shipped = np.asarray([c.score for c in rows])
        groups.append(Group(q.id, x, y, bool(q.refs), len(rows) < len(cands), shipped))
    return groups


def _fit_order(groups: list[Group], l2: float, iters: int = 1500) -> np.ndarray:
    """Logistic weights on standardised features, each question weighing the same (its right
    records share one unit, its other candidates another), with sign constraints (projected Adam).
    Returned in the original feature units; the intercept is left to the calibration."""
    x = np.concatenate([g.x for g in groups])
    y = np.concatenate([g.y for g in groups])
    share = np.concatenate([np.where(g.y > 0, 1 / max(g.y.sum(), 1), 1 / max(len(g.y) - g.y.sum(), 1))
                            for g in groups])
    share /= share.sum()
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    xs = (x - mu) / sd
    signs = np.asarray([SIGNS[f] for f in FEATURES], dtype=np.float64)
    w = np.zeros(len(FEATURES) + 1)  # the last is the intercept
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    lr, b1, b2 = 0.05, 0.9, 0.999
    for t in range(1, iters + 1):
        z = xs @ w[:-1] + w[-1]
        err = (1 / (1 + np.exp(-np.clip(z, -40, 40))) - y) * share
        grad = np.append(err @ xs + 2 * l2 * w[:-1], err.sum())
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad**2
        w -= lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + 1e-8)
        core = w[:-1]
        w[:-1] = np.where(signs > 0, np.maximum(core, 0), np.where(signs < 0, np.minimum(core, 0), core))
    return w[:-1] / sd


def _fit_calibration(groups: list[Group], w: np.ndarray) -> tuple[float, float]:
    """Logistic regression of "the corpus answers this question" on its best candidate's raw
    score: the score of a record is the chance that a question it matches this well is answered."""
    scored = [g for g in groups if not g.exact]
    z = np.asarray([float((g.x @ w).max()) for g in scored])
    y = np.asarray([1.0 if g.answerable else 0.0 for g in scored])
    mu, sd = float(z.mean()), float(z.std()) + 1e-9
    zn = (z - mu) / sd
    coef = np.zeros(2)  # on the standardised score: slope, intercept

    def loss(c: np.ndarray) -> float:
        t = c[0] * zn + c[1]
        return float(np.logaddexp(0, t).sum() - (y * t).sum() + 1e-3 * c[0] ** 2)

    for _ in range(100):  # damped Newton steps
        p = 1 / (1 + np.exp(-np.clip(coef[0] * zn + coef[1], -40, 40)))
        grad = np.asarray([((p - y) * zn).sum() + 2e-3 * coef[0], (p - y).sum()])
        wgt = p * (1 - p) + 1e-9
        hess = np.asarray([[(wgt * zn * zn).sum() + 2e-3, (wgt * zn).sum()], [(wgt * zn).sum(), wgt.sum()]])
        step = np.linalg.solve(hess, grad)
        size = 1.0
        while size > 1e-4 and loss(coef - size * step) > loss(coef):
            size /= 2
        coef = coef - size * step
        if np.abs(size * step).max() < 1e-9:
            break
    a, b = coef[0] / sd, coef[1] - coef[0] * mu / sd
    return float(a), float(b)


def _folds(groups: list[Group]) -> list[list[int]]:
    order = sorted(range(len(groups)), key=lambda i: groups[i].qid)
    return [order[k::FOLDS] for k in range(FOLDS)]


def _mrr(groups: list[Group], w: np.ndarray) -> float:
    ranks = []
    for g in groups:
        if not g.y.any():
            continue
        order = np.argsort(-(g.x @ w), kind="stable")
        ranks.append(1.0 / (1 + int(np.flatnonzero(g.y[order])[0])))
    return float(np.mean(ranks)) if ranks else 0.0


def _out_of_fold(groups: list[Group], l2: float) -> tuple[float, list[tuple[float, bool]]]:
    """Out-of-fold MRR, and each question's best probability with whether it is answerable."""
    mrrs, tops = [], []
    for held in _folds(groups):
        held_set = set(held)
        train = [g for i, g in enumerate(groups) if i not in held_set]
        test = [groups[i] for i in held]
        w = _fit_order(train, l2)
        a, b = _fit_calibration(train, w)
        mrrs.append(_mrr(test, w))
        for g in test:
            if g.exact:
                continue
            top = float((g.x @ w).max())
            tops.append((float(1 / (1 + np.exp(-np.clip(a * top + b, -40, 40)))), g.answerable))
    return float(np.mean(mrrs)), tops


def _split(tops: list[tuple[float, bool]]) -> tuple[np.ndarray, np.ndarray]:
    """Best scores of the answerable questions, and of the others."""
    return np.asarray([p for p, a in tops if a]), np.asarray([p for p, a in tops if not a])


def _balanced_accuracy(pos: np.ndarray, neg: np.ndarray, t: float) -> float:
    """Answerable answered and unanswerable refused at cut-off `t`, averaged."""
    return float(((pos >= t).mean() + (neg < t).mean()) / 2)


def choose_threshold(tops: list[tuple[float, bool]]) -> tuple[float, float]:
    """The cut-off with the best balanced accuracy (middle of the best plateau), and that accuracy."""
    pos, neg = _split(tops)
    if not len(pos) or not len(neg):
        return 0.5, 0.0
    cuts = np.unique(np.concatenate([pos, neg]))
    best, best_cuts = -1.0, [0.5]
    for i, c in enumerate(cuts):
        lo = cuts[i - 1] if i else 0.0
        t = (lo + c) / 2  # between two observed scores
        bacc = _balanced_accuracy(pos, neg, t)
        if bacc > best + 1e-12:
            best, best_cuts = float(bacc), [t]
        elif abs(bacc - best) <= 1e-12:
            best_cuts.append(t)
    return float(np.median(best_cuts)), best


def dev_questions(split: str = "dev") -> list[Question]:
    """The questions of both dev sets, each question text once."""
    if split != "dev":
        raise ValueError("the relevance model is fitted on the dev split only, never on test")
    questions, _problems = load_questions(resolve_set("dev"))
    seen = {q.q.strip() for q in questions}
    for n, row in read_set(ANSWER_DEV, []):
        text = str(row.get("q") or "").strip()
        if not text or text in seen:
            continue
        seen.add(text)
        refs = [] if row.get("refuse") else [*row.get("refs", []), *row.get("also", [])]
        questions.append(Question(str(row.get("id") or f"answers{n}"), text, str(row.get("lang") or ""),
                                  str(row.get("intent") or ""), [str(r) for r in refs]))
    return questions


def shipped_figures(groups: list[Group], threshold: float) -> tuple[float, float]:
    """MRR and balanced accuracy of the shipped scorer on the same candidates (in-sample: its
    weights were tuned on these questions)."""
    mrr = _mrr([Group(g.qid, g.shipped[:, None], g.y, g.answerable) for g in groups if g.shipped is not None],
               np.ones(1))
    pos, neg = _split([(float(g.shipped.max()), g.answerable)
                       for g in groups if g.shipped is not None and not g.exact])
    return mrr, _balanced_accuracy(pos, neg, threshold) if len(pos) and len(neg) else 0.0


def fit(settings: Settings, split: str = "dev", out: Path = MODEL_OUT, echo: bool = True) -> RelevanceModel:
    """Fit, cross-validate and write the relevance model; returns it."""
    questions = dev_questions(split)
    groups = collect(settings, questions)
    cv = {l2: _out_of_fold(groups, l2) for l2 in L2_GRID}
    l2 = max(L2_GRID, key=lambda k: cv[k][0])
    threshold, bacc = choose_threshold(cv[l2][1])
    from assistant.retrieve.search import NO_ANSWER_THRESHOLD

    ship_mrr, ship_bacc = shipped_figures(groups, NO_ANSWER_THRESHOLD)
    w = _fit_order(groups, l2)
    scale, bias = _fit_calibration(groups, w)
    model = RelevanceModel(
        tuple(float(x) for x in w), scale, bias, threshold,
        {"sets": ["evals/retrieval/dev.jsonl", "evals/answers/dev.jsonl"], "questions": len(questions), "groups": len(groups),
         "answerable": sum(g.answerable for g in groups), "l2": l2,
         "cv_mrr": round(cv[l2][0], 4), "cv_balanced_accuracy": round(bacc, 4),
         "shipped_mrr": round(ship_mrr, 4), "shipped_balanced_accuracy": round(ship_bacc, 4),
         "fitted": dt.date.today().isoformat()},
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(model.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if echo:
        print(f"fitted on the dev split: {len(groups)} questions; l2 {l2}; out-of-fold MRR "
              f"{cv[l2][0]:.3f} (grid: {', '.join(f'{k}: {v[0]:.3f}' for k, v in cv.items())}); "
              f"gate {threshold:.3f} (balanced accuracy {bacc:.3f}); the shipped scorer, in-sample: "
              f"MRR {ship_mrr:.3f}, balanced accuracy {ship_bacc:.3f} at {NO_ANSWER_THRESHOLD}")
        for name, weight in zip(FEATURES, w, strict=True):
            print(f"  {name:24s} {weight:+.3f}")
    return model
