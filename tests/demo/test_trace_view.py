"""The "how it works" panel: every trace key the core may fill, odd shapes, and the fallback."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from assistant.api.trace_view import from_answer

TRACE: dict[str, Any] = {
    "analysis": {"language": "zh", "markets": ["EU"], "hs": ["851830"], "intent": "requirements",
                 "form": "what_needed"},
    "retrievers": {"bm25": [{"ref": "Directive 2014/53/EU", "score": 12.5}],
                   "dense": [{"ref": "Directive 2014/30/EU", "score": 0.61}, {"ref": "fixture", "score": None}]},
    "decision": {"score": 0.82, "threshold": 0.35, "answered": True, "reasons": ["market match", "HS match"]},
    "passages": [{"n": 1, "ref": "Directive 2014/53/EU", "cite": "Directive 2014/53/EU, Article 3",
                  "sentence": "Radio equipment shall be constructed so as to ensure ..."}],
    "direct": "蓝牙耳机出口欧盟须符合RED指令 [1]",
    "verifier": {"checked": ["[1] exists", "2014/53/EU in [1]"], "removed": []},
    "timings_ms": {"analyse": 1.2, "retrieve": 14.04, "compose": 3.5},
    "new_step": {"what": "a key the panel does not know yet"},
}


def test_every_trace_step_is_shown() -> None:
    view = from_answer({"trace": TRACE}, "en")
    assert ("Markets", "EU") in view.analysis and ("Question form", "what_needed") in view.analysis
    assert [r.name for r in view.retrievers] == ["bm25", "dense"]
    assert view.retrievers[0].candidates[0].score == "12.500"
    assert ("Answered", "yes") in view.decision and ("Reasons", "market match; HS match") in view.decision
    assert view.passages[0].ref.endswith("Article 3") and view.direct.startswith("蓝牙耳机")
    assert ("Removed", "none") in view.verifier
    assert view.total_ms == "18.7" and not view.fallback
    assert view.extra and view.extra[0][0] == "new_step"
    zh = from_answer({"trace": TRACE}, "zh")
    assert ("市场", "EU") in zh.analysis and ("是否回答", "是") in zh.decision


def test_odd_shapes_never_break_the_panel() -> None:
    odd = {"analysis": "just text", "retrievers": ["not", "a", "mapping"], "decision": None,
           "passages": "x", "verifier": 3, "timings_ms": {"a": "slow", "total": 5}}
    view = from_answer({"trace": odd}, "zh")
    assert view.analysis == [("", "just text")] and view.retrievers == []
    assert view.timings == [] and view.total_ms == ""


def test_without_a_trace_the_panel_falls_back_to_analysis_and_citations() -> None:
    answer = {"trace": {}, "refused": False, "analysis": {"language": "en", "markets": ["USA"], "intent": "notification",
                                                         "intent_confidence": 0.9},
              "citations": [{"n": 1, "ref": "G/TBT/N/USA/867", "snippet": "FCC"}]}
    view = from_answer(answer, "en")
    assert view.fallback and ("Intent", "notification (0.90)") in view.analysis
    assert view.passages[0].ref == "G/TBT/N/USA/867" and ("Answered", "yes") in view.decision
    assert from_answer({}, "en").empty


def test_each_answer_on_the_page_has_the_panel(demo_client: TestClient) -> None:
    r = demo_client.post("/chat", data={"text": "What does G/TBT/N/USA/867/Add.1 change?", "view": "demo"},
                         headers={"accept": "application/json"})
    html = r.json()["html"]
    assert '<details class="how" open>' in html and "How it works" in html
