"""`tbt eval retrieval`: how often search puts a right record near the top, by language and intent.

A question set is JSONL, one question a line: {"id", "q", "lang": "zh"|"en", "intent", "refs",
"note"}. `refs` lists the records that answer it (any of them counts as a hit, best first); an
empty list means the corpus has no answer, and the right behaviour is to return nothing above the
no-answer threshold. Every question runs through `Searcher.search` in this process, exactly as a
user's would (same defaults, same threshold), so the figures are what users get.

Metrics over answerable questions: Recall@1/5/10 (a right record within the first k), MRR (1 /
rank of the first right record) and nDCG@10 (binary gains, ideal = min(len(refs), 10) right records
on top). Over no-answer questions: the share that return nothing above the threshold. A bad line in
a set is reported and skipped; it never stops the run.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.config import PROJECT_ROOT, Settings
from assistant.evals.jsonl import read_set
from assistant.evals.split import WITHHELD, split_paths, withheld

SET_DIR = PROJECT_ROOT / "evals" / "retrieval"
RESULTS_DIR = PROJECT_ROOT / "evals" / "results"
DEFAULT_SET = "dev"
K = 10
LANGS = ("zh", "en")


@dataclass
class Question:
    """One line of a question set."""

    id: str
    q: str
    lang: str
    intent: str
    refs: list[str]
    note: str = ""
    origin: str = ""  # tuned | holdout | apart-<month> (how the question came to be; see evals/README.md)


@dataclass
class Outcome:
    """What search returned for one question, and how it scores."""

    question: Question
    returned: list[tuple[str, float]]  # (ref, score) best first
    ms: float
    analysed_intent: str
    rank: int | None = None  # 1-based rank of the first right record within K
    ndcg: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # identifiers quoted that the index lacks

    @property
    def answerable(self) -> bool:
        return bool(self.question.refs)

    @property
    def refused(self) -> bool:
        """Nothing came back above the threshold, or the question quotes an identifier the index
        does not have (search says so; the assistant answers "not found", or, when a record it
        holds names that identifier, answers from that record and says so)."""
        return not self.returned or bool(self.missing)


def resolve_set(set_name: str | None) -> Path:
    """A set name (`dev`, `test`) under evals/retrieval/, or a path to a JSONL file."""
    name = set_name or DEFAULT_SET
    path = Path(name)
    if path.suffix == ".jsonl" or path.exists():
        return path
    return SET_DIR / f"{name}.jsonl"


def load_questions(path: Path) -> tuple[list[Question], list[str]]:
    """Questions of a set, and a readable message for each line that could not be used."""
    questions: list[Question] = []
    problems: list[str] = []
    seen: set[str] = set()
    for n, row in read_set(path, problems):
        where = f"{path.name}:{n}"
        q = row.get("q")
        refs = row.get("refs")
        if not isinstance(q, str) or not q.strip():
            problems.append(f"{where}: missing question text `q`; skipped")
            continue
        if not isinstance(refs, list) or not all(isinstance(r, str) and r for r in refs):
            problems.append(f"{where}: `refs` must be a list of refs (empty for no answer); skipped")
            continue
        qid = str(row.get("id") or f"line{n}")
        if qid in seen:
            problems.append(f"{where}: duplicate id {qid!r}; kept both")
        seen.add(qid)
        lang = str(row.get("lang") or "").lower()
        if lang not in LANGS:
            problems.append(f"{where}: lang {lang!r} is not zh or en; counted as 'other'")
            lang = lang or "other"
        questions.append(
            Question(qid, q, lang, str(row.get("intent") or "unknown"), list(refs), str(row.get("note") or ""),
                     str(row.get("origin") or ""))
        )
    return questions, problems


def _score(outcome: Outcome) -> None:
    refs = set(outcome.question.refs)
    if not refs:
        return
    dcg = 0.0
    for i, (ref, _) in enumerate(outcome.returned[:K], 1):
        if ref in refs:
            if outcome.rank is None:
                outcome.rank = i
            dcg += 1.0 / math.log2(i + 1)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(refs), K) + 1))
    outcome.ndcg = dcg / ideal if ideal else 0.0


def _aggregate(outcomes: Iterable[Outcome]) -> dict[str, Any]:
    items = list(outcomes)
    ans = [o for o in items if o.answerable]
    none = [o for o in items if not o.answerable]
    out: dict[str, Any] = {"n": len(items), "answerable": len(ans), "no_answer": len(none)}
    if ans:
        n = len(ans)
        for k in (1, 5, 10):
            out[f"recall@{k}"] = round(sum(1 for o in ans if o.rank is not None and o.rank <= k) / n, 4)
        out["mrr"] = round(sum(1.0 / o.rank for o in ans if o.rank) / n, 4)
        out["ndcg@10"] = round(sum(o.ndcg for o in ans) / n, 4)
        out["refused_answerable"] = sum(1 for o in ans if o.refused)
    if none:
        out["no_answer_ok"] = round(sum(1 for o in none if o.refused) / len(none), 4)
    return out


def _group(outcomes: list[Outcome], key: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault(getattr(o.question, key), []).append(o)
    return {name: _aggregate(groups[name]) for name in sorted(groups)}


def _latency(outcomes: list[Outcome]) -> dict[str, float]:
    times = sorted(o.ms for o in outcomes)
    if not times:
        return {}

    def pct(p: float) -> float:
        return round(times[min(len(times) - 1, round(p / 100 * (len(times) - 1)))], 2)

    return {"p50": pct(50), "p95": pct(95), "mean": round(statistics.fmean(times), 2), "max": round(times[-1], 2)}


def _miss_rows(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    """Answerable questions without a right record in the top 5, and no-answer questions that
    returned something; the worst first (not found at all, then found late, then false answers)."""
    rows: list[tuple[tuple[int, float], dict[str, Any]]] = []
    for o in outcomes:
        q = o.question
        first = o.returned[0] if o.returned else None
        row = {
            "id": q.id,
            "q": q.q,
            "lang": q.lang,
            "intent": q.intent,
            "expected": q.refs,
            "rank": o.rank,
            "first": first[0] if first else None,
            "first_score": first[1] if first else None,
            "analysed_intent": o.analysed_intent,
            "note": q.note,
        }
        if o.answerable and (o.rank is None or o.rank > 5):
            order = (0 if o.rank is None else 1, -(first[1] if first else 0.0))
            rows.append((order, row))
        elif not o.answerable and not o.refused:
            rows.append(((2, -(first[1] if first else 0.0)), row))
    rows.sort(key=lambda t: t[0])
    return [r for _, r in rows]


def evaluate(settings: Settings, questions: list[Question]) -> list[Outcome]:
    """Run every question through search in this process."""
    from assistant.retrieve.search import get_searcher

    searcher = get_searcher(settings)
    if questions:
        searcher.search(questions[0].q, K)  # warm caches (jieba, the embedder) outside the timings
    outcomes: list[Outcome] = []
    for q in questions:
        started = time.perf_counter()
        resp = searcher.search(q.q, K)
        ms = (time.perf_counter() - started) * 1000
        o = Outcome(q, [(h.ref, h.score) for h in resp.hits], ms, resp.analysis.intent, missing=list(resp.missing))
        _score(o)
        outcomes.append(o)
    return outcomes


def summarise(outcomes: list[Outcome], set_path: Path, problems: list[str]) -> dict[str, Any]:
    from assistant.retrieve.search import gate

    intent_agree = Counter(o.question.intent == o.analysed_intent for o in outcomes)
    return {
        "set": str(set_path),
        "questions": len(outcomes),
        "k": K,
        "threshold": round(gate(), 4),
        "overall": _aggregate(outcomes),
        "by_lang": _group(outcomes, "lang"),
        "by_intent": _group(outcomes, "intent"),
        "by_origin": _group(outcomes, "origin") if any(o.question.origin for o in outcomes) else {},
        "intent_agreement": round(intent_agree[True] / max(len(outcomes), 1), 4),
        "latency_ms": _latency(outcomes),
        "misses": _miss_rows(outcomes),
        "problems": problems,
        "per_question": [
            {
                "id": o.question.id,
                "lang": o.question.lang,
                "intent": o.question.intent,
                "rank": o.rank,
                "ndcg@10": round(o.ndcg, 4),
                "top": [[ref, score] for ref, score in o.returned[:5]],
                "ms": round(o.ms, 2),
            }
            for o in outcomes
        ],
    }


# --- printing ------------------------------------------------------------------------------------

_COLS = ("n", "recall@1", "recall@5", "recall@10", "mrr", "ndcg@10", "no_answer", "no_answer_ok")


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def format_tables(result: dict[str, Any], max_misses: int = 40) -> str:
    """The metrics tables and the misses, as plain text."""
    width = max([7] + [len(k) for k in result["by_intent"]]) + 2
    head = "".ljust(width) + "".join(c.rjust(14) for c in _COLS)
    lines = [f"retrieval eval: {result['set']} ({result['questions']} questions, threshold "
             f"{result['threshold']})", ""]
    for title, rows in (
        ("overall", {"all": result["overall"]}),
        ("by language", result["by_lang"]),
        ("by intent", result["by_intent"]),
        ("by origin (tuned: tuned on before the split; holdout; apart-*: written apart)", result.get("by_origin") or {}),
    ):
        if not rows:
            continue
        lines.append(title)
        lines.append(head)
        for name, agg in rows.items():
            lines.append(name.ljust(width) + "".join(_fmt(agg.get(c)).rjust(14) for c in _COLS))
        lines.append("")
    lat = result.get("latency_ms") or {}
    if lat:
        lines.append(f"latency (ms): p50 {lat['p50']}  p95 {lat['p95']}  mean {lat['mean']}  max {lat['max']}")
    lines.append(f"analyser intent agrees with the label: {result['intent_agreement']:.3f}")
    misses = result["misses"]
    lines.append("")
    lines.append(f"misses ({len(misses)}): right record not in the top 5, or an answer to a no-answer question")
    for m in misses[:max_misses]:
        where = "not found" if m["rank"] is None else f"rank {m['rank']}"
        if not m["expected"]:
            where = "no-answer question answered"
        first = f"{m['first']} [{m['first_score']:.2f}]" if m["first"] else "(nothing)"
        lines.append(f"- {m['id']} [{m['lang']}/{m['intent']}] {m['q']}")
        if m["q"] == WITHHELD:
            lines.append(f"    {where}")
            continue
        lines.append(f"    expected: {', '.join(m['expected'][:3]) or '(nothing)'}"
                     f"{' ...' if len(m['expected']) > 3 else ''}; {where}; first: {first}")
    if len(misses) > max_misses:
        lines.append(f"  ... and {len(misses) - max_misses} more (see the JSON file)")
    for p in result["problems"]:
        lines.append(f"problem: {p}")
    return "\n".join(lines)


def load_split(split: str) -> tuple[list[Question], list[str], Path]:
    """Questions of a split (`dev`, `test` or `all`), their problems, and a path naming them."""
    questions: list[Question] = []
    problems: list[str] = []
    paths = split_paths(SET_DIR, split)
    for path in paths:
        qs, ps = load_questions(path)
        questions += qs
        problems += ps
    return questions, problems, paths[0] if len(paths) == 1 else SET_DIR / f"{split}.jsonl"


def run_retrieval_eval(
    settings: Settings, set_name: str | None, out: Path | None = None, echo: bool = True,
    split: str = "dev",
) -> dict[str, Any]:
    """Evaluate a question set (a named set or file, else the split), print the tables (when
    `echo`) and write the results JSON."""
    if set_name:
        path = resolve_set(set_name)
        questions, problems = load_questions(path)
    else:
        questions, problems, path = load_split(split)
    outcomes = evaluate(settings, questions)
    result = summarise(outcomes, path, problems)
    result["split"] = None if set_name else split
    if withheld(path, split if not set_name else None):
        result["misses"] = [{**m, "q": WITHHELD, "expected": [WITHHELD] * len(m["expected"]), "note": ""}
                            for m in result["misses"]]
    target = out or RESULTS_DIR / f"retrieval-{path.stem}.json"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        result["written_to"] = str(target)
    except OSError as exc:
        result["problems"].append(f"{target}: results not written ({exc.strerror or exc})")
    if echo:
        print(format_tables(result))
        if "written_to" in result:
            print(f"\nresults: {result['written_to']}")
    return result
