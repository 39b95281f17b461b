"""Golden answers of the offline composer, in both languages, for each intent.

Each test asks through `Assistant.ask` over the shared small index (real curated records, a real
slice of RASFF and GACC) and checks what an exporter would check: the right records are cited,
every [n] resolves, dates are shown, Chinese answers keep symbols and titles in their original
language and use Chinese labels for the closed vocabularies, and the answer passes the verifier.
"""

from __future__ import annotations

from typing import Any

from assistant.dialogue.assistant import Assistant
from tests.dialogue.conftest import checked, refs

RED = "Directive 2014/53/EU"
FAMILY = ["G/TBT/N/USA/867", "G/TBT/N/USA/867/Add.1", "G/TBT/N/USA/867/Add.2"]


# --- product to market --------------------------------------------------------------------------


def test_requirements_zh_bluetooth_earphones_to_eu(assistant: Assistant, index: Any) -> None:
    a = checked(assistant.ask("出口蓝牙耳机到欧盟需要什么认证？"), index)
    assert (a.language, a.intent, a.refused, a.composer) == ("zh", "requirements", False, "offline")
    assert refs(a)[0] == RED
    assert a.markets == ["EU"] and "851830" in a.hs
    assert "蓝牙耳机（HS 851830）出口欧盟" in a.text
    assert "欧盟无线电设备指令（RED指令）（Directive 2014/53/EU）" in a.text  # Chinese name, original ref
    assert "合格评定途径" in a.text and "CE标志" in a.text
    assert "适用日期 2016-06-13" in a.text
    assert "下一步建议" in a.text
    assert not any(r.startswith(("47 CFR", "Japan", "Korea")) for r in refs(a))  # other markets' rules


def test_requirements_en_bluetooth_earphones_to_eu(assistant: Assistant, index: Any) -> None:
    a = checked(assistant.ask("What certification do Bluetooth earphones need for the EU?"), index)
    assert (a.language, a.intent, a.refused) == ("en", "requirements", False)
    assert refs(a)[0] == RED
    assert "Radio Equipment Directive (RED) (Directive 2014/53/EU)" in a.text
    assert "Conformity route" in a.text and "CE marking" in a.text
    assert "applies from 2016-06-13" in a.text
    assert "What to do next" in a.text
    assert not any(r.startswith(("47 CFR", "Japan", "Korea")) for r in refs(a))


def test_requirements_cites_only_the_market_asked_about(assistant: Assistant, index: Any) -> None:
    a = checked(assistant.ask("What are the requirements for exporting toys to the US?"), index)
    assert "CPSIA" in refs(a)
    assert "Directive 2009/48/EC" not in refs(a) and "Toys Regulations (SOR/2011-17)" not in refs(a)
    zh = checked(assistant.ask("玩具出口欧盟有什么要求？"), index)
    assert refs(zh)[0] == "Directive 2009/48/EC"
    assert "CPSIA" not in refs(zh) and "UK Toys (Safety) Regulations 2011" not in refs(zh)
    assert "欧盟玩具安全指令（Directive 2009/48/EC）" in zh.text


# --- a notification with its addenda chain and dates ----------------------------------------------


def test_notification_zh_addendum_shows_the_whole_chain_in_order(assistant: Assistant, index: Any) -> None:
    a = checked(assistant.ask("G/TBT/N/USA/867/Add.2 是什么内容？"), index)
    assert (a.language, a.intent, a.refused) == ("zh", "notification", False)
    assert refs(a)[:1] == ["G/TBT/N/USA/867/Add.2"] and set(FAMILY) <= set(refs(a))
    assert "G/TBT/N/USA/867/Add.2" in a.text.splitlines()[0]  # the answer opens with the document asked
    assert "G/TBT/N/USA/867及其后续文件（资料中共3份）" in a.text
    positions = [a.text.index(f"**{ref}**（分发日期") for ref in FAMILY]
    assert positions == sorted(positions)  # by distribution date: core, Add.1, Add.2
    for date in ("2013-11-08", "2015-06-19", "2016-07-05"):
        assert f"分发日期 {date}" in a.text
    assert "补遗2：美国FCC将测试实验室新规推迟一年实施" in a.text  # the record's Chinese title ...
    assert "原文标题：Addendum: one-year extension of the transition for test laboratory accreditation" in a.text
    assert "2017年7月12日" in a.text  # the extension date, from the Chinese summary


def test_notification_en_symbol(assistant: Assistant, index: Any) -> None:
    a = checked(assistant.ask("What does G/TBT/N/USA/867/Add.1 change?"), index)
    assert (a.language, a.intent) == ("en", "notification")
    assert refs(a)[0] == "G/TBT/N/USA/867/Add.1" and set(FAMILY) <= set(refs(a))
    assert "**G/TBT/N/USA/867/Add.1** (distributed 2015-06-19)" in a.text
    assert "2016-07-13" in a.text
    # records linked to the notification may follow; unrelated notifications may not
    assert not any(r.startswith("G/TBT/N/EU/") for r in refs(a))


def test_notification_found_without_a_symbol(assistant: Assistant, index: Any) -> None:
    a = checked(assistant.ask("美国FCC新规对我们有什么影响？"), index)
    assert a.intent == "notification" and "G/TBT/N/USA/867" in refs(a)
    assert "评议意见应在评议截止日期前" in a.text


# --- rejections ---------------------------------------------------------------------------------


def test_alerts_zh_goji_uses_chinese_labels_and_keeps_the_record_text(assistant: Assistant, index: Any) -> None:
    a = checked(assistant.ask("我们的枸杞在欧盟被通报了怎么办？"), index)
    assert (a.language, a.intent, a.refused) == ("zh", "alerts", False)
    alerts = [c.ref for c in a.citations if c.type == "alert"]
    assert set(alerts) == {"RASFF 2023.8900", "RASFF 2023.8573"}  # the two goji berry alerts, nothing else
    assert "**RASFF 2023.8573**（2023-12-13）：Dried goji berries" in a.text  # product as written
    assert "水果和蔬菜" in a.text and "原产地 中国" in a.text and "通报国 荷兰" in a.text
    assert "危害 Irradiation - unauthorised - radiation（辐射）" in a.text
    assert "原产地 奥地利、中国" in a.text  # "Austria; China" translated part by part


def test_alerts_en_goji(assistant: Assistant, index: Any) -> None:
    a = checked(assistant.ask("Recent EU rejections of goji berries from China?"), index)
    assert a.intent == "alerts"
    assert {"RASFF 2023.8900", "RASFF 2023.8573"} <= set(refs(a))
    assert "origin China, notified by Netherlands, hazard Irradiation - unauthorised - radiation (Radiation)" in a.text
    assert all(c.type != "alert" or "goji" in c.title.lower() for c in a.citations)


# --- past cases ---------------------------------------------------------------------------------


def test_cases_zh_mdr_postponement(assistant: Assistant, index: Any) -> None:
    a = checked(assistant.ask("欧盟MDR推迟实施的案例"), index)
    assert (a.intent, a.refused) == ("cases", False)
    assert refs(a)[0] == "Case: EU MDR/IVDR transition and postponement"
    assert "欧盟医疗器械法规（MDR/IVDR）过渡与推迟实施应对案例" in a.text
    assert "2021年5月26日" in a.text and "结果" in a.text


def test_cases_en_collagen(assistant: Assistant, index: Any) -> None:
    a = checked(assistant.ask("What happened with the EU barrier to collagen from China?"), index)
    assert (a.intent, a.refused) == ("cases", False)
    assert refs(a)[0] == "Case: EU collagen imports from China (SPS)"
    assert "80th" in a.text and "Outcome" in a.text


# --- how to report ------------------------------------------------------------------------------


def test_report_zh_offers_the_national_form(assistant: Assistant, index: Any) -> None:
    a = checked(assistant.ask("怎么报告贸易壁垒？"), index)
    assert (a.intent, a.refused) == ("report", False)
    assert refs(a)[0] == "技术性贸易措施征集表"
    for label in ("姓名", "工作单位", "通报号", "关注内容", "结论与要求"):
        assert label in a.text
    assert "请输入“开始报告”" in a.text
    assert a.followups == ["开始填写壁垒报告"]


def test_report_en_with_a_market_puts_that_form_first(assistant: Assistant, index: Any) -> None:
    a = checked(assistant.ask("What does the US TACP trade barrier form ask for?"), index)
    assert a.intent == "report" and refs(a)[0] == "US ITA TACP trade barrier form"
    assert "within 2 business days" in a.text and "Fields: First name, Last name" in a.text
    assert 'type "start report"' in a.text


# --- general rules ------------------------------------------------------------------------------


def test_rules_zh_named_regulation_and_its_date(assistant: Assistant, index: Any) -> None:
    a = checked(assistant.ask("欧盟零毁林法规什么时候适用？"), index)
    assert refs(a) == ["Regulation (EU) 2023/1115"]
    assert "欧盟零毁林法规（EUDR）（Regulation (EU) 2023/1115）" in a.text
    assert "适用日期 2026-12-30" in a.text


def test_rules_en_named_acronym(assistant: Assistant, index: Any) -> None:
    a = checked(assistant.ask("What is CBAM?"), index)
    assert refs(a) == ["Regulation (EU) 2023/956"]
    assert "applies from 2023-10-01" in a.text


def test_rules_chinese_reference_of_a_customs_announcement(assistant: Assistant, index: Any) -> None:
    a = checked(assistant.ask("海关总署公告〔2024〕151号"), index)
    assert refs(a) == ["海关总署公告〔2024〕151号"]
    assert "北马其顿" in a.text and "2024-11-01" in a.text
