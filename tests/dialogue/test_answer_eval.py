"""`run_answer_eval` on a tiny set over the small index: the metrics a reader of the table relies on."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.config import Settings
from assistant.evals.answers import canon, fact_found, load_questions, run_answer_eval

LINES = [
    {"id": "t-zh", "q": "出口蓝牙耳机到欧盟需要什么认证？", "lang": "zh", "intent": "requirements",
     "refs": ["Directive 2014/53/EU"], "facts": ["Directive 2014/53/EU", "2016年6月13日"], "refuse": False},
    {"id": "t-en", "q": "What does G/TBT/N/USA/867/Add.2 say?", "lang": "en", "intent": "notification",
     "refs": ["G/TBT/N/USA/867/Add.2"], "facts": ["16 July 2099"], "refuse": False},
    {"id": "t-ref", "q": "G/TBT/N/EU/99999", "lang": "en", "intent": "refuse", "refs": [], "facts": [], "refuse": True},
]


def test_dates_and_numbers_are_compared_in_one_form() -> None:
    assert canon("2016年7月13日") == canon("13 July 2016") == canon("July 13, 2016") == "2016-07-13"
    assert fact_found("3,971", "WTO members filed 3971 notifications")
    assert fact_found("ce marking", "Affix the CE  marking")
    assert not fact_found("2016-07-14", "2016年7月13日")


def test_bad_lines_are_reported_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join([json.dumps(LINES[0]), "{not json", json.dumps({"id": "x", "q": "hi", "lang": "fr"}),
                               json.dumps(LINES[0])]) + "\n", encoding="utf-8")
    questions, problems = load_questions(path)
    assert [q.id for q in questions] == ["t-zh"]
    assert problems == ["set.jsonl:2: not valid JSON (Expecting property name enclosed in double quotes)",
                        "set.jsonl:3: lang must be zh or en, not 'fr'", "set.jsonl:4: duplicate id 't-zh', skipped"]


def test_run_scores_writes_json_and_lists_the_failures(small_index: Settings, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "tiny.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in LINES), encoding="utf-8")
    out = tmp_path / "result.json"
    result = run_answer_eval(small_index, str(path), out=out)
    m = result["metrics"]
    assert m["all"]["questions"] == 3 and m["zh"]["questions"] == 1 and m["en"]["questions"] == 2
    assert m["all"]["correct_refusals"] == 1.0 and m["all"]["invented"] == 0
    assert m["zh"]["key_facts"] == 1.0 and m["en"]["key_facts"] == 0.0  # the made-up date is missing
    assert m["all"]["citation_precision"] == 1.0
    assert not result["passed"]
    assert json.loads(out.read_text(encoding="utf-8"))["set"] == "tiny"
    printed = capsys.readouterr().out
    assert "cite-prec" in printed and "t-en" in printed and "missing facts 16 July 2099" in printed
