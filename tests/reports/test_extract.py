"""The offline extractor: what one message yields, and the accuracy targets on evals/intake."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.reports.evaluate import DEFAULT_SET, TARGET, TARGET_FIELDS, evaluate, load_set
from assistant.reports.extract import extract


def test_issue_example(vocab: Any) -> None:
    ex = extract("德国海关说我们的儿童餐具三聚氰胺迁移超标，扣了两柜货，损失大概8万美元", vocab=vocab)
    r = ex.report
    assert r.market == "DEU" and r.language == "zh"
    assert r.product.description == "儿童餐具" and (r.product.hs or "").startswith("3924")
    assert r.measure.ntm_code == "A22"
    assert r.impact.shipments_affected == 2
    assert (r.impact.lost_sales, r.impact.currency) == (80000, "USD")
    assert "detained" in ex.notes
    assert ex.missing == ["request", "reporter.organisation", "reporter.name", "reporter.phone"]


def test_english_message_with_contact_details(vocab: Any) -> None:
    text = ("I'm Chen Jing from Xiamen Bright Footwear Co., Ltd. (fixture). Italian customs held our sports shoes "
            "on 9 July 2024 because the labels do not show the upper material. We ask for clarification. "
            "Email chenjing@example.com, mobile +86 137 1234 5678.")
    r = extract(text, vocab=vocab).report
    assert r.language == "en" and r.market == "ITA"
    assert r.product.description == "sports shoes" and (r.product.hs or "").startswith("6404")
    assert r.incident.first_met == "2024-07-09" and r.measure.ntm_code == "B31"
    assert r.reporter.name == "Chen Jing" and r.reporter.organisation == "Xiamen Bright Footwear Co., Ltd."
    assert r.reporter.email == "chenjing@example.com" and r.reporter.phone == "+86 13712345678"
    assert r.reporter.type == "company" and r.request == ["clarification"]


def test_measure_dates_and_symbol(vocab: Any) -> None:
    text = ("欧盟2013年1月11日通报了G/TBT/N/EU/86，新要求2014年1月1日起实施。我们的路由器要重新认证，"
            "预计多花认证费50万元人民币，希望推迟实施。")
    r = extract(text, vocab=vocab).report
    assert r.measure.notification_symbol == "G/TBT/N/EU/86"
    assert r.measure.published == "2013-01-11" and r.measure.entry_into_force == "2014-01-01"
    assert r.incident.first_met is None
    assert (r.impact.extra_cost, r.impact.lost_sales, r.impact.currency) == (500000, None, "CNY")
    assert r.request == ["postponement"]


def test_a_rasff_alert_is_an_incident_not_a_publication(vocab: Any) -> None:
    ex = extract("波兰2024年10月29日通报了我们的密胺杯（RASFF 2024.7943），甲醛迁移超标", vocab=vocab)
    assert ex.report.incident.first_met == "2024-10-29" and ex.report.measure.published is None
    assert ex.report.attachments[0].name == "RASFF 2024.7943"
    assert ex.report.measure.notification_symbol is None  # a RASFF number is not a WTO symbol


def test_ambiguous_date_is_left_for_the_reporter(vocab: Any) -> None:
    ex = extract("3/5/2024 our LED lamps were held by Mexican customs", vocab=vocab)
    assert ex.report.incident.first_met is None
    assert set(ex.date_options["incident.first_met"]) == {"2024-03-05", "2024-05-03"}


def test_nothing_is_invented_from_small_talk(vocab: Any) -> None:
    ex = extract("你好，我想报告一个问题", vocab=vocab)
    assert set(ex.found) == {"trade_direction"}  # the default (export) only
    assert extract("I want to report a trade barrier, please", vocab=vocab).found == {"trade_direction": "export"}
    assert extract("我们的货被扣了三个星期", vocab=vocab).report.incident.description == "我们的货被扣了三个星期"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_extract_never_raises(text: str) -> None:
    extract(text, vocab=None)


def test_offline_extractor_meets_the_targets(vocab: Any) -> None:
    items = load_set(DEFAULT_SET)
    assert len(items) >= 40
    langs = {i["lang"] for i in items}
    assert langs == {"zh", "en"}
    assert any("fixture" in i["id"] for i in items) and any(i["id"].startswith("rasff-") for i in items)
    result = evaluate(items, vocab=vocab)
    for field in TARGET_FIELDS:
        assert result["fields"][field]["accuracy"] >= TARGET, (field, result["failures"])
