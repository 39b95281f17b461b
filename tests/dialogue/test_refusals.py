"""Questions the assistant must not answer from its sources: a clear reply, nothing irrelevant
cited, next steps offered, never a crash."""

from __future__ import annotations

import time
from typing import Any

import pytest

from assistant.dialogue.assistant import Assistant
from tests.dialogue.conftest import checked

OUT_OF_DOMAIN = {"zh": ("我只能回答与出口相关的", "没有找到能可靠回答"), "en": ("I can only help with", "I could not find anything")}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("今天天气怎么样？", "zh"),
        ("What is the capital of France?", "en"),
        ("帮我写一首关于大海的诗", "zh"),
        ("Who won the football World Cup in 2018?", "en"),
        ("推荐一部好看的电影", "zh"),
        ("What is the best pizza recipe?", "en"),
    ],
)
def test_out_of_domain_is_refused_with_next_steps(assistant: Assistant, text: str, lang: str) -> None:
    a = assistant.ask(text)
    assert (a.refused, a.language, a.citations) == (True, lang, [])
    assert a.text.startswith(OUT_OF_DOMAIN[lang])  # says plainly it will not answer, guesses nothing
    assert ("报告壁垒" in a.text) if lang == "zh" else ("report a barrier" in a.text)
    assert a.followups  # offer to start a barrier report


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("能帮我找几家西班牙的餐具进口商吗？", "zh"),
        ("Can you find me a few distributors in Poland for our bamboo cutting boards?", "en"),
        ("Which lab in Germany is the cheapest for EN 71 testing?", "en"),
        ("下个月人民币对欧元汇率会涨吗？要不要提前结汇？", "zh"),
        ("What's the going rate for a 40ft container from Yantian to Hamburg?", "en"),
        ("去德国参展，办商务签证要准备什么材料？", "zh"),
        ("帮我算一下我们这批货走RCEP能省多少关税？", "zh"),
        ("Can you recommend a cheap FDA regulatory consultant?", "en"),
        ("Could you recommend a cheap authorised-representative service in the EU?", "en"),
        ("Can you suggest a good importer-of-record company in Rotterdam?", "en"),
        ("Which notified body is the cheapest for machinery?", "en"),
    ],
)
def test_services_we_do_not_give_are_refused_whatever_market_they_name(
        assistant: Assistant, text: str, lang: str) -> None:
    """Matchmaking, vendor prices, freight and exchange rates, visas: out of scope, even with a
    market and goods named, and nothing is cited as if it answered them."""
    a = assistant.ask(text)
    assert (a.refused, a.language, a.citations) == (True, lang, [])
    assert a.text.startswith(OUT_OF_DOMAIN[lang])


@pytest.mark.parametrize(
    ("text", "lang", "says"),
    [
        # a promise of what customs or a marketplace will do
        ("我们玩具按EN 71做完测试了，你能保证放到亚马逊欧洲站以后不会被下架吗？", "zh", "无法作出保证"),
        ("Our LED panels have CE marking. Can you guarantee German customs will never hold them?", "en", "can't promise"),
        # a forecast, not guessed from the current rule
        ("欧盟明年会不会把PVC也加进RoHS限用清单？", "zh", "无法预测"),
        ("日本水产品什么时候能恢复进口？", "zh", "无法预测"),
        ("Will the EU postpone the Deforestation Regulation a third time?", "en", "can't forecast"),
        ("Will the FCC drop Chinese labs again?", "en", "can't forecast"),
        ("What will the CBAM certificate price be in 2027?", "en", "can't forecast"),
        ("What's going to happen to walnut prices after the ban?", "en", "can't forecast"),
        ("这个WTO案子中国能赢吗？", "zh", "无法预测"),
        ("帮我预测一下日本对茶叶的农残标准会不会收紧", "zh", "无法预测"),
        # a judgement: who was right, which market pays better
        ("Who was in the right in the shrimp dispute, India or the US?", "en", "don't give opinions"),
        ("你觉得日本和韩国哪个市场利润更高？", "zh", "不评判"),
        # the firm behind an alert: alerts name goods, hazards and countries, never companies
        ("What was the name of the importer in that RASFF alert?", "en", "don't name the companies"),
        ("被通报的是哪家公司？", "zh", "不包含涉事企业"),
        ("那几条通报是哪几家工厂的？", "zh", "不包含涉事企业"),
        ("Which exporter shipped the lot that Belgium rejected?", "en", "don't name the companies"),
        ("你估计这个禁令什么时候能取消？", "zh", "无法预测"),
    ],
)
def test_what_no_source_can_say_is_declined_with_its_own_reply(
        assistant: Assistant, text: str, lang: str, says: str) -> None:
    a = assistant.ask(text)
    assert (a.refused, a.language, a.citations) == (True, lang, [])
    assert says in a.text and a.followups


@pytest.mark.parametrize("text", ["Where do I write the name of the importer on the form?", "你觉得我们需要做什么认证？",
                                  "哪家公司负责注册？", "Which party must register, the importer or us?"])
def test_a_question_about_duties_or_forms_asks_no_judgement_and_no_firm(text: str) -> None:
    from assistant.retrieve.analyze import asks_company_name, asks_opinion

    assert not asks_opinion(text) and not asks_company_name(text, alerts_talk=True)


def test_a_period_in_hours_is_a_period_asked() -> None:
    from assistant.retrieve.measures import checked_measure

    assert checked_measure("How many hours does clearance take in Durban?", "rules") == "duration"
    assert checked_measure("清关要几个小时？", "rules") == "duration"


@pytest.mark.parametrize("text", ["When will the EUDR apply to small firms?", "欧盟零毁林法规什么时候开始适用？"])
def test_a_date_already_set_is_no_forecast(text: str) -> None:
    from assistant.retrieve.analyze import asks_forecast

    assert not asks_forecast(text)


@pytest.mark.parametrize(
    ("text", "symbol"),
    [
        ("G/TBT/N/EU/99999", "G/TBT/N/EU/99999"),
        ("G/TBT/N/EU/99999 是什么通报？", "G/TBT/N/EU/99999"),
        ("Tell me about notification G/TBT/N/USA/99998/Add.3", "G/TBT/N/USA/99998/Add.3"),
    ],
)
def test_unknown_symbol_is_named_and_nothing_is_cited(assistant: Assistant, text: str, symbol: str) -> None:
    a = assistant.ask(text)
    assert a.refused and a.citations == []
    assert symbol in a.text and "ePing" in a.text
    assert "G/TBT/N/EU/86" not in a.text and "G/TBT/N/USA/867" not in a.text


@pytest.mark.parametrize("text", ["asdkjh qwe zzz", "啊啊啊哦哦哦嗯嗯嗯", "????", "12345 67890"])
def test_nonsense_is_refused(assistant: Assistant, text: str) -> None:
    a = assistant.ask(text)
    assert a.refused and a.citations == [] and a.text


@pytest.mark.parametrize("text", ["", "   \n\t ", None])
def test_empty_input_asks_for_a_question(assistant: Assistant, text: str | None) -> None:
    a = assistant.ask(text)
    assert a.refused and a.citations == [] and a.intent == "help"
    assert "请输入您的问题" in a.text
    assert assistant.ask("", lang="en").text.startswith("Please type a question")


def test_ten_thousand_characters_are_answered_quickly(assistant: Assistant, index: Any) -> None:
    text = ("出口蓝牙耳机到欧盟需要什么认证？" * 700)[:10_000]
    start = time.perf_counter()
    a = checked(assistant.ask(text), index)
    assert time.perf_counter() - start < 5
    assert not a.refused and "Directive 2014/53/EU" in [c.ref for c in a.citations]


def test_longer_input_is_cut_not_rejected(assistant: Assistant, index: Any) -> None:
    text = "What certification do Bluetooth earphones need for the EU? " + "x" * 60_000
    a = checked(assistant.ask(text), index)
    assert a.language == "en" and a.text


def test_a_bad_session_id_is_a_clear_error(assistant: Assistant) -> None:
    with pytest.raises(ValueError, match="session id must be 1-128 printable ASCII"):
        assistant.ask("What is CBAM?", session_id="has a space")
