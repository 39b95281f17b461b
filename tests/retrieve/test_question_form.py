"""One message may ask several questions; each is answered by its own sentence."""

from __future__ import annotations

import pytest

from assistant.retrieve.question_form import ask_forms, asks, moment_asked, question_form


def test_a_message_splits_into_its_questions() -> None:
    assert asks("材料交了海关多久能办好？备案之后每年还要交什么东西吗") == [
        "材料交了海关多久能办好？", "备案之后每年还要交什么东西吗"]
    parts = asks("When did the FTA kick in, what's the regional value content threshold, and how long is the "
                 "certificate valid?")
    assert len(parts) == 3 and parts[2].startswith("how long")


def test_a_condition_belongs_to_the_question_it_conditions() -> None:
    parts = asks("When did RCEP take effect for Laos? And if Lao customs rejects our certificate, who do we tell?")
    assert len(parts) == 2 and "rejects our certificate" in parts[1] and parts[1].endswith("who do we tell?")
    assert asks("How long is it valid? If it lapses, what then?")[1].startswith("If it lapses")


def test_one_question_stays_whole() -> None:
    for q in ("玩具出口欧盟需要什么", "What do toys need for the EU, in short?", "  ", "CE?"):
        assert asks(q) == [q.strip()]


def test_an_elliptic_question_asks_in_the_form_before_it() -> None:
    forms = [f for _, f in ask_forms("严重事件要多少天内上报？如果是死亡呢")]
    assert forms == ["how_much", "how_much"]
    forms = [f for _, f in ask_forms("When does it apply? What about spare parts?")]
    assert forms == ["when", "when"]
    assert [f for _, f in ask_forms("多久能办好？每年要交什么材料")] == ["how_much", "what"]


@pytest.mark.parametrize(("question", "moment"), [
    ("从哪天开始执行？", "start"),
    ("这个通报什么时候生效", "start"),
    ("what's the announcement no. and when does it start?", "start"),
    ("哪天发布的？", "publish"),
    ("When was it notified?", "publish"),
    ("Until when is it valid?", "end"),
    ("When is the comment deadline?", "end"),
    ("什么时候？", ""),
])
def test_the_moment_a_when_question_asks(question: str, moment: str) -> None:
    assert moment_asked(question) == moment


def test_a_lead_in_that_asks_nothing_joins_the_question_after_it() -> None:
    got = ask_forms("In the first addendum to the FCC notification, when were the new rules due to take effect, "
                    "and which KDB guidance documents signalled the change?")
    assert [f for _, f in got] == ["when", "what"] and got[0][0].startswith("In the first addendum")
    got = ask_forms("A few containers a year. Is there a de minimis threshold under CBAM, and when did the paying phase start?")
    assert [f for _, f in got] == ["how_much", "when"]  # "Is there …" asks, after a plain sentence


@pytest.mark.parametrize(("question", "form"), [
    ("When the FCC changes its Part 15 rules, who notifies the drafts to the WTO?", "who"),
    ("蓝牙耳机出口韩国，无线方面的认证是哪个机构管的？", "who"),
    ("Which authority checks the labels?", "who"),
    ("如果退运了，费用谁出？", "who"),
    ("When does the GPSR apply?", "when"),
    ("If we ship in March, when does the rule apply?", "when"),
])
def test_a_scene_setting_clause_does_not_give_the_form(question: str, form: str) -> None:
    from assistant.retrieve.question_form import question_form

    assert question_form(question) == form


def test_a_scene_setting_clause_is_no_question_of_its_own() -> None:
    assert len(asks("When the FCC changes its Part 15 rules, who notifies the drafts to the WTO?")) == 1
    assert len(asks("When does the GPSR apply, what does it cover?")) == 2


@pytest.mark.parametrize(("question", "form"), [
    ("Our FTA certificates used to be capped at 20 items. Is that cap still there?", "status"),
    ("Is the old filing requirement still in place?", "status"),
    ("这个限制现在还存在吗？", "status"),
    ("出口挪威的货现在还能开普惠制证书吗？", "allowed"),
    ("我们能直接出口吗？", "allowed"),
])
def test_whether_something_still_holds_or_may_be_done(question: str, form: str) -> None:
    """"Is that limit still there?" asks whether it holds, not how much; "还能开…吗" whether it may be done."""
    from assistant.retrieve.question_form import question_form

    assert question_form(question) == form



def test_the_latest_day_asked_is_an_end_and_a_due_day_marks_one() -> None:
    from assistant.answer.sentences import date_moments

    assert moment_asked("最晚什么时候交？") == "end"
    assert moment_asked("By when is the report due?") == "end"
    assert "end" in date_moments("养殖场应当于备案次年起，每年3月底前向所在地海关报送上年度年度报告表。")
    assert "end" in date_moments("The report must be filed before 31 March 2025.")


def test_when_joining_a_clause_does_not_ask_when() -> None:
    assert question_form("How many days to report a serious incident? Is it shorter when a patient died?") == "how_much"
    assert question_form("what happens when a lab loses accreditation?") == "what"
    for q in ("When does it apply?", "and when is the annual report due?", "The MDR - when does it apply?",
              "Tell me when it applies", "Since when is this in force?"):
        assert question_form(q) == "when", q
