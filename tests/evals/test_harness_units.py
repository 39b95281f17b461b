"""The answer, dialogue and invariance harnesses themselves, without an index."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from assistant.answer.models import Answer, Citation
from assistant.evals.answers import Outcome, Question, _failure_lines, opening, summarise
from assistant.evals.dialogue import Turn as DTurn
from assistant.evals.dialogue import (
    TurnOutcome,
    asked_back,
    load_conversations,
    parse_conversation,
)
from assistant.evals.invariance import fullwidth, rewrites, sample, traditional
from assistant.evals.retrieval import SET_DIR, load_questions

ROOT = Path(__file__).resolve().parents[2]


def outcome(text: str, facts: list[str], direct: list[str] | None = None, cited: list[str] | None = None,
            refused: bool = False) -> Outcome:
    q = Question("q1", "question text fixture", "en", "rules", ["A"], facts, direct=direct or [])
    cited = ["A"] if cited is None else cited
    return Outcome(q, 1.0, refused, "offline", "rules", cited, {c: "expected" for c in cited},
                   [f for f in facts if f in text], [f for f in facts if f not in text], [], text)


def test_opening_is_the_first_two_sentences_in_either_language() -> None:
    assert opening("## 欧盟玩具\n\n需要CE标志[1]。第二句。第三句。") == "欧盟玩具 需要CE标志[1]。"
    assert opening("Yes. The limit is 0.1 mg/kg [1]. More.") == "Yes. The limit is 0.1 mg/kg [1]."
    assert opening("Regulation (EC) No. 1907/2006 applies, e.g. to toys. Second. Third.").endswith("Second.")
    assert opening("") == ""


def test_answers_the_question_needs_the_key_fact_up_front() -> None:
    first = outcome("It applies from 2027-01-20 [1]. Details follow.", ["2027-01-20"])
    late = outcome("The Machinery Regulation [1]. It replaces a directive. It applies from 2027-01-20.",
                   ["2027-01-20"])
    direct = outcome("Five years [1]. See 2016/425.", ["2016/425", "five years"], direct=["five years"])
    assert first.answers_first and not late.answers_first and direct.answers_first
    assert not outcome("2027-01-20", ["2027-01-20"], refused=True).answers_first


def test_summary_counts_cited_right_and_answers_without_citation() -> None:
    outs = [outcome("From 2027-01-20 [1].", ["2027-01-20"]),
            outcome("Which product is it about?", ["2027-01-20"], cited=[]),
            outcome("Something else [1].", ["x"], cited=["B"])]
    outs[2].relevant = {"B": ""}
    m = summarise(outs)
    assert m["cited_right"] == pytest.approx(1 / 3, abs=1e-3)
    assert m["no_cited_answer_n"] == 1 and m["no_cited_answer"] == pytest.approx(1 / 3, abs=1e-3)
    assert m["answers_question"] == pytest.approx(1 / 3, abs=1e-3)


def test_hidden_failure_lines_never_show_the_question() -> None:
    bad = outcome("nothing", ["2027-01-20"], cited=[])
    shown, hidden = _failure_lines([bad]), _failure_lines([bad], hide=True)
    assert "question text fixture" in shown[0]
    assert "question text fixture" not in hidden[0] and "2027-01-20" not in hidden[0] and "q1" in hidden[0]


def test_conversations_parse_with_clear_errors(tmp_path: Path) -> None:
    ok = {"id": "c1", "lang": "zh", "turns": [{"q": "玩具", "expect": "clarify"},
                                               {"q": "欧盟", "expect": "cite", "refs": ["Directive 2009/48/EC"]}]}
    assert [t.expect for t in parse_conversation(ok).turns] == ["clarify", "cite"]
    for bad, msg in [({"id": "c", "lang": "fr", "turns": [{"q": "x"}]}, "lang"),
                     ({"id": "c", "lang": "en", "turns": []}, "turns"),
                     ({"id": "c", "lang": "en", "turns": [{"q": "x", "expect": "cite"}]}, "needs refs"),
                     ({"id": "c", "lang": "en", "turns": [{"q": "x", "expect": "guess"}]}, "expect")]:
        with pytest.raises(ValueError, match=msg):
            parse_conversation(bad)
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps(ok) + "\n{oops\n" + json.dumps(ok) + "\n", encoding="utf-8")
    convs, problems = load_conversations([path])
    assert len(convs) == 1 and len(problems) == 2


def test_a_turn_is_right_only_when_it_does_what_was_expected() -> None:
    cite = DTurn("q", "cite", ["A"])
    assert TurnOutcome(cite, ["B", "A"], False, False, 1.0).right
    assert not TurnOutcome(cite, ["B"], False, False, 1.0).right
    assert not TurnOutcome(cite, ["A"], True, False, 1.0).right
    assert TurnOutcome(DTurn("q", "refuse"), [], True, False, 1.0).right
    assert not TurnOutcome(DTurn("q", "clarify"), [], False, False, 1.0, error="boom").right


def test_asking_back_is_a_question_without_sources() -> None:
    ask = Answer(text="请问是什么产品？", language="zh", choices=["玩具"])
    cited = Answer(text="见[1]。", language="zh",
                   citations=[Citation(n=1, ref="A", type="regulation", title="t")])
    refused = Answer(text="没有找到。", language="zh", refused=True)
    assert asked_back(ask) and not asked_back(cited) and not asked_back(refused)


def test_rewrites_keep_the_meaning_markers() -> None:
    rws = {r.kind: r.text for r in rewrites("蓝牙耳机 出口欧洲 CE 怎么做", "zh", "requirements")}
    assert rws["traditional"] == "藍牙耳機 出口歐洲 CE 怎麼做"  # 出 stays: it is traditional too
    assert unicodedata.normalize("NFKC", rws["fullwidth"]) == "蓝牙耳机 出口欧洲 CE 怎么做"
    assert rws["zh-order"].startswith("出口欧洲")
    en = {r.kind: r.text for r in rewrites("What do LED lamps need for the UK?", "en", "requirements")}
    assert en["en-order"] == "For the UK, what do LED lamps need?"
    assert en["en-polite"].endswith("what do LED lamps need for the UK?")
    typo = {r.kind: r.text for r in rewrites("goji berries flagged for pesticides", "en")}["en-typo"]
    assert len(typo) == len("goji berries flagged for pesticides") and typo != "goji berries flagged for pesticides"
    assert sample("蓝牙耳机 出口欧洲 CE 怎么做", "zh", per_question=3) == sample("蓝牙耳机 出口欧洲 CE 怎么做", "zh",
                                                                              per_question=3)


def test_the_traditional_table_agrees_with_opencc() -> None:
    t2s = {}
    for line in (ROOT / "assistant/retrieve/data/t2s_chars.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if not line.startswith("#") and len(parts) >= 2:
            t2s[parts[0]] = parts[1]
    pairs = [line.split("\t") for line in (ROOT / "assistant/evals/data/s2t_common.txt").read_text(
        encoding="utf-8").splitlines() if not line.startswith("#")]
    assert len(pairs) > 150 and all(t2s.get(t) == s for s, t in pairs)
    assert fullwidth("CE 86") == "ＣＥ\u3000８６" and traditional("出口") == "出口"


def test_every_kind_of_rewrite_is_exercised_on_the_dev_split() -> None:
    questions, _ = load_questions(SET_DIR / "dev.jsonl")
    kinds = {r.kind for q in questions if q.refs for r in sample(q.q, q.lang, q.intent)}
    assert {"zh-polite", "zh-filler", "zh-now", "zh-why", "traditional", "fullwidth", "zh-order",
            "en-polite", "en-filler", "en-now", "en-typo", "en-lower", "en-order"} <= kinds


@pytest.mark.parametrize("command", ["retrieval", "answers", "dialogue", "intake"])
def test_an_unknown_split_is_a_clear_error(command: str) -> None:
    from typer.testing import CliRunner

    from assistant.cli import app

    result = CliRunner().invoke(app, ["eval", command, "--split", "train"])
    assert result.exit_code != 0
    assert "dev, test, all" in result.output
