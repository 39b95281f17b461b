"""`tbt eval invariance`: do meaning-preserving rewrites of the dev questions keep the top record?

Each dev retrieval question with an answer is searched as written and as rewritten
(assistant/evals/invariance.py); a rewrite holds when search puts the same record first (or
returns nothing both times), or when both first records are right answers to the question: a
question on rejections can have thirty equally right alerts, and a swap between two of them is not
a change of meaning. `strict_share` counts only identical first records. The share that holds is reported overall and per kind of rewrite.
Test questions are never rewritten (they stay unseen by anything used for tuning).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.evals.invariance import sample
from assistant.evals.retrieval import RESULTS_DIR, K, load_split

TARGET = 0.95


@dataclass
class Check:
    """One rewrite of one question and whether the top record stayed."""

    qid: str
    kind: str
    original: str
    rewritten: str
    top_before: str | None
    top_after: str | None
    refs: tuple[str, ...] = ()

    @property
    def same(self) -> bool:
        return self.top_before == self.top_after

    @property
    def held(self) -> bool:
        return self.same or (self.top_before in self.refs and self.top_after in self.refs)


def run_checks(settings: Settings, per_question: int = 4) -> list[Check]:
    """Every sampled rewrite of the answerable dev questions, searched in this process."""
    from assistant.retrieve.search import get_searcher

    questions, _, _ = load_split("dev")
    searcher = get_searcher(settings)
    checks: list[Check] = []

    def top(text: str) -> str | None:
        hits = searcher.search(text, K).hits
        return hits[0].ref if hits else None

    for q in questions:
        if not q.refs:
            continue
        before = top(q.q)
        for rw in sample(q.q, q.lang, q.intent, per_question):
            checks.append(Check(q.id, rw.kind, q.q, rw.text, before, top(rw.text), tuple(q.refs)))
    return checks


def summarise(checks: list[Check]) -> dict[str, Any]:
    by_kind: dict[str, list[Check]] = defaultdict(list)
    for c in checks:
        by_kind[c.kind].append(c)
    held = sum(1 for c in checks if c.held)
    return {
        "rewrites": len(checks),
        "held": held,
        "share": round(held / len(checks), 4) if checks else None,
        "strict_share": round(sum(1 for c in checks if c.same) / len(checks), 4) if checks else None,
        "target": TARGET,
        "by_kind": {k: {"n": len(v), "held": sum(1 for c in v if c.held),
                        "share": round(sum(1 for c in v if c.held) / len(v), 4)} for k, v in sorted(by_kind.items())},
        "broken": [{"id": c.qid, "kind": c.kind, "q": c.original, "rewritten": c.rewritten,
                    "top_before": c.top_before, "top_after": c.top_after} for c in checks if not c.held],
    }


def run_invariance_eval(settings: Settings, out: Path | None = None, echo: bool = True,
                        per_question: int = 4) -> dict[str, Any]:
    """Run the suite on the dev split, print the shares and the broken rewrites, write JSON."""
    result = summarise(run_checks(settings, per_question))
    if echo:
        w = sys.stdout.write
        w(f"invariance (dev split): {result['held']} of {result['rewrites']} rewrites keep the top record "
          f"= {result['share']} (target >= {TARGET}; identical first record {result['strict_share']})\n")
        for kind, m in result["by_kind"].items():
            w(f"  {kind:<12}{m['held']:>5}/{m['n']:<5}{m['share']:>8}\n")
        for b in result["broken"][:40]:
            w(f"- {b['id']} [{b['kind']}] {b['rewritten']!r}: {b['top_before']} -> {b['top_after']}\n")
    target = out or RESULTS_DIR / "invariance-dev.json"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        result["written_to"] = str(target)
    except OSError:
        pass
    return result
