"""Conversations: follow-ups reuse the context, citations open, one clarifying question at most."""

from __future__ import annotations

from typing import Any

from assistant.dialogue.assistant import MARKET_CHOICES, PRODUCT_CHOICES, Assistant
from tests.dialogue.conftest import checked, refs


def test_what_about_the_us_keeps_the_product_and_switches_the_market(assistant: Assistant, index: Any) -> None:
    first = checked(assistant.ask("出口蓝牙耳机到欧盟需要什么认证?"), index)
    assert first.markets == ["EU"] and "Directive 2014/53/EU" in refs(first)
    second = checked(assistant.ask("那美国呢?", session_id=first.session_id), index)
    assert second.session_id == first.session_id
    assert (second.intent, second.markets, second.refused) == ("requirements", ["USA"], False)
    assert "851830" in second.hs  # the product came from the first question
    assert "蓝牙耳机（HS 851830）出口美国" in second.text
    assert "47 CFR Part 15" in refs(second)
    assert not any(r.startswith(("Directive", "Regulation (EU)")) for r in refs(second))


def test_second_one_in_detail_opens_citation_2_and_the_list_stays(assistant: Assistant, index: Any) -> None:
    first = checked(assistant.ask("G/TBT/N/USA/867"), index)
    assert len(first.citations) >= 3
    detail = checked(assistant.ask("第二条详细说说", session_id=first.session_id), index)
    assert refs(detail) == [first.citations[1].ref]
    assert detail.text.startswith(f"**上一条回答的第2条来源：{first.citations[1].ref}**")
    assert "分发日期" in detail.text
    third = checked(assistant.ask("第3条呢", session_id=first.session_id), index)
    assert refs(third) == [first.citations[2].ref]  # still numbered as in the answer the user read
    english = checked(assistant.ask("Tell me more about [1]", session_id=first.session_id), index)
    assert refs(english) == [first.citations[0].ref]


def test_opening_a_citation_that_does_not_exist_says_so(assistant: Assistant) -> None:
    first = assistant.ask("What is CBAM?")
    reply = assistant.ask("第九条详细说说", session_id=first.session_id)
    assert reply.refused and reply.citations == []
    assert "第 9 条来源" in reply.text and f"共 {len(first.citations)} 条" in reply.text


def test_missing_market_gets_one_question_with_choices_then_the_answer(assistant: Assistant, index: Any) -> None:
    ask = assistant.ask("出口蓝牙耳机需要什么认证?")
    assert (ask.composer, ask.refused, ask.citations) == ("dialogue", False, [])
    assert ask.text == "您的蓝牙耳机要出口到哪个市场？"
    assert ask.choices == MARKET_CHOICES["zh"]
    answer = checked(assistant.ask("欧盟", session_id=ask.session_id), index)
    assert answer.composer == "offline" and answer.markets == ["EU"]
    assert "Directive 2014/53/EU" in refs(answer)


def test_missing_product_gets_one_question_in_english(assistant: Assistant) -> None:
    ask = assistant.ask("What certification do I need for the US?")
    assert ask.composer == "dialogue" and ask.choices == PRODUCT_CHOICES["en"]
    assert ask.text.startswith("Which product")


def test_never_two_clarifying_questions_in_a_row(assistant: Assistant) -> None:
    ask = assistant.ask("出口需要什么认证?")
    assert ask.composer == "dialogue" and ask.choices == PRODUCT_CHOICES["zh"]
    again = assistant.ask("出口需要什么认证?", session_id=ask.session_id)
    assert again.composer != "dialogue" and not again.choices
    assert again.text  # an answer or a plain refusal, not a second question


def test_a_question_naming_a_document_is_not_asked_back(assistant: Assistant, index: Any) -> None:
    a = checked(assistant.ask("欧盟RoHS指令限制哪些物质？"), index)  # no product named, RoHS named
    assert a.composer == "offline" and refs(a)[0] == "Directive 2011/65/EU"
    assert "0.1%" in a.text and "0.01%" in a.text


def test_yes_after_an_offer_starts_the_report_with_the_question_as_narrative(assistant: Assistant) -> None:
    first = assistant.ask("我们的枸杞在欧盟被通报了怎么办？")
    assert first.intent == "alerts"
    reply = assistant.ask("好的", session_id=first.session_id)
    assert (reply.mode, reply.composer, reply.intent) == ("report", "intake", "report")
    cancel = assistant.ask("取消", session_id=first.session_id)
    assert cancel.mode == "ask"


def test_a_new_question_in_the_same_session_is_not_taken_for_a_follow_up(assistant: Assistant, index: Any) -> None:
    first = assistant.ask("G/TBT/N/EU/542 讲了什么？")
    second = checked(assistant.ask("欧盟零毁林法规什么时候适用？", session_id=first.session_id), index)
    assert refs(second) == ["Regulation (EU) 2023/1115"] and second.intent == "rules"


def test_a_product_no_list_knows_is_carried_as_its_words(assistant: Assistant, index: Any) -> None:
    first = checked(assistant.ask("We export frozen food to the US. What registration is needed?"), index)
    assert "21 CFR Part 1 Subpart H" in refs(first)
    japan = checked(assistant.ask("What about Japan?", session_id=first.session_id), index)
    assert japan.choices == [] and not japan.refused  # not asked "which product?" again
    assert "Japan Food Sanitation Act positive list" in refs(japan)


def test_a_same_market_question_without_names_stays_in_the_conversation(assistant: Assistant, index: Any) -> None:
    first = checked(assistant.ask("We export frozen food to the US. What registration is needed?"), index)
    second = checked(assistant.ask("Do we also need to notify each shipment?", session_id=first.session_id), index)
    assert "21 CFR Part 1 Subpart I" in refs(second)
    assert all("USA" in (index.record_rows[r].get("markets") or []) for r in refs(second))


def test_reporting_a_barrier_met_in_another_market_opens_with_chinas_form(assistant: Assistant, index: Any) -> None:
    """The market carried from the talk is where the barrier is, not the reporter's home; and "表里的…"
    points back at the form just cited."""
    first = checked(assistant.ask("我们做电动自行车电池，欧盟电池法规的电池护照什么时候开始要？"), index)
    report = checked(assistant.ask("我们觉得这个规定对中小企业不太合理，想向国家反映，应该怎么做？",
                                   session_id=first.session_id), index)
    assert report.intent == "report" and refs(report)[0] == "技术性贸易措施征集表"
    field = checked(assistant.ask("表里的“结论与要求”那栏应该写什么？", session_id=first.session_id), index)
    assert refs(field)[0] == "技术性贸易措施征集表"


def test_whose_form_follows_the_reporter(assistant: Assistant, index: Any) -> None:
    first = checked(assistant.ask("How do I report a trade barrier as a Chinese exporter?"), index)
    assert refs(first)[0] == "技术性贸易措施征集表"
    us = checked(assistant.ask("What if my company is in the US?", session_id=first.session_id), index)
    assert us.intent == "report" and refs(us)[0] == "US ITA TACP trade barrier form"
    eu = checked(assistant.ask("And for EU companies?", session_id=first.session_id), index)
    assert refs(eu)[0] == "EU Single Entry Point complaint form"


def test_market_switch_after_a_topic_turn_keeps_the_product(assistant: Assistant, index: Any) -> None:
    first = checked(assistant.ask("What does a smart camera need to be sold in the UK?"), index)
    topic = checked(assistant.ask("What about default passwords?", session_id=first.session_id), index)
    assert refs(topic)[0] == "UK PSTI Act 2022"
    korea = checked(assistant.ask("And in Korea?", session_id=first.session_id), index)
    assert any(r.startswith("Korea KC") for r in refs(korea))


def test_follow_ups_that_name_nothing_stay_with_the_document(assistant: Assistant, index: Any) -> None:
    first = checked(assistant.ask("G/TBT/N/EU/86讲的是什么？"), index)
    assert refs(first)[0] == "G/TBT/N/EU/86"
    response = checked(assistant.ask("中国当时怎么应对的？", session_id=first.session_id), index)
    assert refs(response)[0] == "Case: EU network standby ecodesign (G/TBT/N/EU/86)"
    status = checked(assistant.ask("现在这个法规还有效吗？", session_id=first.session_id), index)
    opening = status.text.split("\n\n")[0]
    assert "Regulation (EC) No 1275/2008" in opening and "废止" in opening and "2023/826" in opening
    report = assistant.ask("怎么报告？", session_id=first.session_id)
    assert report.intent == "report"  # a question of another kind stands alone


def test_a_new_subject_ends_the_talk_about_a_document(assistant: Assistant, index: Any) -> None:
    first = checked(assistant.ask("G/TBT/N/EU/86讲的是什么？"), index)
    toys = checked(assistant.ask("玩具出口美国需要什么？", session_id=first.session_id), index)
    assert "CPSIA" in refs(toys)
    more = checked(assistant.ask("有什么检测要求？", session_id=first.session_id), index)
    assert "G/TBT/N/EU/86" not in refs(more)


def test_after_which_announcement_a_bare_follow_up_stays_with_it(assistant: Assistant, index: Any) -> None:
    first = checked(assistant.ask("海关总署哪个公告解除了智利高致病性禽流感疫情禁令？"), index)
    assert refs(first)[0] == "海关总署公告〔2024〕139号"
    when = checked(assistant.ask("从哪天开始执行？", session_id=first.session_id), index)
    assert refs(when)[0] == "海关总署公告〔2024〕139号", refs(when)


def test_back_to_an_earlier_product_the_newest_rejection_is_named(assistant: Assistant, index: Any) -> None:
    first = checked(assistant.ask("Have peanuts from China been flagged in RASFF? What for?"), index)
    assert first.citations and not first.refused
    rows = index.record_rows
    dated = sorted((str((rows[c.ref].get("dates") or {}).get("event")), c.ref) for c in first.citations
                   if rows.get(c.ref, {}).get("type") == "alert")
    assert dated
    again = checked(assistant.ask("Back to the peanuts: which country notified the most recent one, and when?",
                                  session_id=first.session_id), index)
    assert again.intent == "alerts", again.intent  # "notified" here is RASFF's word, not a WTO notification
    newest = again.citations[0].ref
    when = str((rows[newest].get("dates") or {}).get("event"))
    assert when >= dated[-1][0] and when[:10] in again.text.split("\n\n")[0]


def test_a_follow_up_quoting_a_number_that_does_not_exist_says_so(assistant: Assistant, index: Any) -> None:
    first = checked(assistant.ask("G/TBT/N/EU/86讲的是什么？"), index)
    assert refs(first)[0] == "G/TBT/N/EU/86"
    for missing in ("DS9999", "DS1234"):  # four digits are read as a dispute number too, then not found
        other = assistant.ask(f"And {missing} - what was that one about?", session_id=first.session_id)
        assert other.refused and other.citations == [] and missing in other.text, other.text
