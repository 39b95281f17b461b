"""`tbt eval intake`: per-field accuracy of the offline extractor over narratives with known fields.

Each line of the set is {"id", "lang", "text", "expected": {...}}. The target fields (market,
product, hs_chapter, symbol, dates, amounts) are always scored, an absent key meaning "nothing
should be found"; the extra fields (shipments, ntm, contact, request) only where `expected` has
them. An empty expectation that stays empty counts as correct: inventing a value is an error. A product
matches when one wording contains the other and is at least half as long (茶粉 ~ 抹茶粉, not 茶).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.config import PROJECT_ROOT
from assistant.reports.extract import Extraction, VocabularyLike, extract

DEFAULT_SET = PROJECT_ROOT / "evals" / "intake" / "narratives.jsonl"
TARGET = 0.9
TARGET_FIELDS = ("market", "product", "hs_chapter", "symbol", "dates", "amounts")
EXTRA_FIELDS = ("shipments", "ntm", "contact", "request")
DATE_PATHS = ("incident.first_met", "measure.published", "measure.entry_into_force")


def load_set(path: Path) -> list[dict[str, Any]]:
    items = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(f"{path}:{n}: not JSON ({err.msg})") from err
            if not isinstance(item, dict) or "text" not in item or "expected" not in item:
                raise ValueError(f"{path}:{n}: each line needs text and expected")
            items.append(item)
    return items


def _norm(s: str | None) -> str:
    return re.sub(r"[\s\W_]+", "", (s or "").lower())


def _product_ok(expected: str | None, got: str | None) -> bool:
    e, g = _norm(expected), _norm(got)
    if not e or not g:
        return e == g
    short, long_ = sorted((e, g), key=len)
    return short in long_ and len(short) >= 0.5 * len(long_)  # "茶" is not "抹茶粉"; "茶粉" is


def _got(ex: Extraction) -> dict[str, Any]:
    r = ex.report
    hs = r.product.hs or (re.sub(r"\D", "", str(ex.hs_candidates[0].code)) if ex.hs_candidates else None)
    return {
        "market": r.market,
        "product": r.product.description,
        "hs_chapter": hs[:2] if hs else None,
        "symbol": r.measure.notification_symbol,
        "dates": {p: v for p in DATE_PATHS if (v := _path(r, p))},
        "amounts": {k: v for k in ("lost_sales", "extra_cost", "currency")
                    if (v := getattr(r.impact, k)) is not None},
        "shipments": r.impact.shipments_affected,
        "ntm": r.measure.ntm_code,
        "contact": {k: v for k in ("name", "organisation", "phone", "email") if (v := getattr(r.reporter, k))},
        "request": sorted(r.request),
    }


def _path(report: Any, path: str) -> Any:
    obj = report
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def _correct(field: str, expected: Any, got: Any) -> bool:
    if field == "product":
        return _product_ok(expected, got)
    if field in ("dates", "amounts", "contact"):
        exp = {k: v for k, v in (expected or {}).items() if v is not None}
        if field == "amounts":
            return {k: (float(v) if k != "currency" else v) for k, v in exp.items()} == got
        return exp == got
    if field == "request":
        return sorted(expected or []) == got
    return expected == got


def evaluate(
    items: list[dict[str, Any]],
    vocab: VocabularyLike | None = None,
    extractor: Callable[[str, str | None], Extraction] | None = None,
) -> dict[str, Any]:
    run = extractor or (lambda text, lang: extract(text, vocab=vocab, lang=lang))
    counts = {f: [0, 0] for f in (*TARGET_FIELDS, *EXTRA_FIELDS)}
    failures = []
    for item in items:
        got = _got(run(item["text"], item.get("lang")))
        expected = item["expected"]
        for field in counts:
            if field in EXTRA_FIELDS and field not in expected:
                continue
            ok = _correct(field, expected.get(field), got[field])
            counts[field][1] += 1
            counts[field][0] += ok
            if not ok:
                failures.append({"id": item.get("id"), "field": field, "expected": expected.get(field),
                                 "got": got[field]})
    fields = {f: {"correct": c, "n": n, "accuracy": round(c / n, 3) if n else None} for f, (c, n) in counts.items()}
    passed = all((fields[f]["accuracy"] or 0) >= TARGET for f in TARGET_FIELDS)
    return {"n": len(items), "target": TARGET, "target_fields": list(TARGET_FIELDS), "passed": passed,
            "fields": fields, "failures": failures}


def format_table(result: dict[str, Any]) -> str:
    lines = [f"intake extraction over {result['n']} narratives (target {result['target']:.2f} on "
             f"{', '.join(result['target_fields'])})", f"{'field':<12} {'accuracy':>8}  correct/n"]
    for field, row in result["fields"].items():
        if not row["n"]:
            continue
        mark = " *" if field in result["target_fields"] else ""
        lines.append(f"{field:<12} {row['accuracy']:>8.3f}  {row['correct']}/{row['n']}{mark}")
    lines.append("result: " + ("PASS" if result["passed"] else "FAIL") + "  (* = target field)")
    return "\n".join(lines)
