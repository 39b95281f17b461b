"""Answer.trace (or, until it is filled, Answer.analysis and citations) -> the rows of the
"how it works" panel.

Only display: every key of the trace is optional and any shape is tolerated; an unknown key is
still shown, as compact text, so new trace steps appear without a template change.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.api import i18n

KNOWN = ("analysis", "retrievers", "decision", "passages", "direct", "verifier", "timings_ms")
MAX_ROWS = 8  # candidates shown per retriever
MAX_TEXT = 300


@dataclass
class Candidate:
    rank: int
    ref: str
    score: str


@dataclass
class Retriever:
    name: str
    candidates: list[Candidate]


@dataclass
class Passage:
    n: str
    ref: str
    sentence: str


@dataclass
class TraceView:
    analysis: list[tuple[str, str]] = field(default_factory=list)
    retrievers: list[Retriever] = field(default_factory=list)
    decision: list[tuple[str, str]] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    direct: str = ""
    verifier: list[tuple[str, str]] = field(default_factory=list)
    timings: list[tuple[str, str]] = field(default_factory=list)
    total_ms: str = ""
    extra: list[tuple[str, str]] = field(default_factory=list)
    fallback: bool = False

    @property
    def empty(self) -> bool:
        return not (self.analysis or self.retrievers or self.decision or self.passages
                    or self.direct or self.verifier or self.timings or self.extra)


def _short(value: Any, limit: int = MAX_TEXT) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = str(value).lower()
    elif isinstance(value, float):
        text = f"{value:.3f}".rstrip("0").rstrip(".") if value == value else "NaN"
    elif isinstance(value, int):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _yes_no(value: Any, t: Mapping[str, str]) -> str:
    if isinstance(value, bool):
        return t["yes"] if value else t["no"]
    return _short(value)


def _list(value: Any) -> str:
    """Codes from a list of strings or of dicts ({code: ...} / {ref: ...} / {value: ...})."""
    if isinstance(value, list):
        items = []
        for v in value:
            if isinstance(v, dict):
                items.append(str(v.get("code") or v.get("ref") or v.get("value") or v.get("text") or _short(v)))
            else:
                items.append(_short(v))
        return ", ".join(i for i in items if i)
    return _short(value)


_ANALYSIS_KEYS = (
    ("language", "k_language"), ("answer_language", "k_language"), ("markets", "k_markets"),
    ("hs", "k_hs"), ("products", "k_product"), ("refs", "k_refs"), ("intent", "k_intent"),
    ("form", "k_form"),
)


def _analysis(data: Any, t: Mapping[str, str]) -> list[tuple[str, str]]:
    if not isinstance(data, Mapping):
        return [("", _short(data))] if data else []
    rows: list[tuple[str, str]] = []
    seen_labels: set[str] = set()
    for key, label in _ANALYSIS_KEYS:
        if key not in data or label in seen_labels:
            continue
        value = _list(data[key])
        if key == "intent" and isinstance(data.get("intent_confidence"), int | float):
            value += f" ({float(data['intent_confidence']):.2f})"
        if value:
            rows.append((t[label], value))
            seen_labels.add(label)
    return rows


def _score(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _short(value, 20)
    return f"{value:.3f}"


def _retrievers(data: Any) -> list[Retriever]:
    if not isinstance(data, Mapping):
        return []
    out = []
    for name, rows in data.items():
        cands: list[Candidate] = []
        if isinstance(rows, list):
            for i, row in enumerate(rows[:MAX_ROWS]):
                if isinstance(row, Mapping):
                    ref = _short(row.get("ref") or row.get("id") or row.get("chunk") or "", 120)
                    cands.append(Candidate(i + 1, ref, _score(row.get("score"))))
                else:
                    cands.append(Candidate(i + 1, _short(row, 120), ""))
        out.append(Retriever(str(name), cands))
    return out


def _pairs(data: Any, t: Mapping[str, str], labels: Mapping[str, str]) -> list[tuple[str, str]]:
    if not isinstance(data, Mapping):
        return [("", _short(data))] if data not in (None, "", [], {}) else []
    rows = []
    for key, value in data.items():
        label = t.get(labels.get(key, ""), key.replace("_", " "))
        if isinstance(value, list) and key in ("reasons", "removed", "checked"):
            text = "; ".join(_short(v, 160) for v in value) or t["none"]
        elif isinstance(value, bool):
            text = _yes_no(value, t)
        elif isinstance(value, float):
            text = _score(value)
        else:
            text = _short(value)
        rows.append((label, text))
    return rows


_DECISION = {"score": "k_score", "threshold": "k_threshold", "answered": "k_answered", "reasons": "k_reasons"}
_VERIFIER = {"checked": "k_checked", "removed": "k_removed"}


def _passages(data: Any) -> list[Passage]:
    if not isinstance(data, list):
        return []
    out = []
    for row in data:
        if isinstance(row, Mapping):
            out.append(Passage(_short(row.get("n"), 6), _short(row.get("cite") or row.get("ref"), 160),
                               _short(row.get("sentence") or row.get("text") or "")))
        else:
            out.append(Passage("", "", _short(row)))
    return out


def _timings(data: Any) -> tuple[list[tuple[str, str]], str]:
    if not isinstance(data, Mapping):
        return [], ""
    rows, total = [], 0.0
    for step, ms in data.items():
        if isinstance(ms, int | float) and not isinstance(ms, bool):
            rows.append((str(step), f"{ms:.1f}"))
            if step != "total":
                total += float(ms)
    explicit = data.get("total")
    if isinstance(explicit, int | float) and not isinstance(explicit, bool):
        rows = [r for r in rows if r[0] != "total"]
        total = float(explicit)
    return rows, (f"{total:.1f}" if rows else "")


def from_answer(answer: Mapping[str, Any], lang: str) -> TraceView:
    """The panel's content for one answer (a dumped Answer), in the page's language."""
    t = i18n.labels(lang)
    trace = answer.get("trace")
    if isinstance(trace, Mapping) and trace:
        view = TraceView(
            analysis=_analysis(trace.get("analysis"), t),
            retrievers=_retrievers(trace.get("retrievers")),
            decision=_pairs(trace.get("decision"), t, _DECISION),
            passages=_passages(trace.get("passages")),
            direct=_short(trace.get("direct"), 600),
            verifier=_pairs(trace.get("verifier"), t, _VERIFIER),
        )
        view.timings, view.total_ms = _timings(trace.get("timings_ms"))
        view.extra = [(str(k), _short(v)) for k, v in trace.items() if k not in KNOWN]
        return view
    # meanwhile: what the answer itself says about how it was reached
    view = TraceView(fallback=True, analysis=_analysis(answer.get("analysis"), t))
    refused = bool(answer.get("refused"))
    cites = answer.get("citations") or []
    if "refused" in answer:
        view.decision = [(t["k_answered"], _yes_no(not refused, t))]
    for c in cites if isinstance(cites, list) else []:
        if isinstance(c, Mapping):
            view.passages.append(Passage(_short(c.get("n"), 6), _short(c.get("cite") or c.get("ref"), 160),
                                         _short(c.get("snippet") or "")))
    return view
