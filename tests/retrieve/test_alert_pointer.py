"""Who notified an alert and when, as a question says it."""

from __future__ import annotations

from assistant.retrieve.alert_pointer import alert_pointer


def test_a_month_a_year_and_a_notifier_are_read_in_chinese_and_english() -> None:
    zh = alert_pointer("2024年8月西班牙通报了一批中国密胺餐具，是什么问题？")
    assert zh.years == {"2024"} and zh.months == {8} and zh.members == {"ESP"}
    en = alert_pointer("Which alerts were notified by Hungary in May 2023 on Chinese honey?")
    assert en.years == {"2023"} and en.months == {5} and en.members == {"HUN"}


def test_symbols_modal_may_and_a_customers_country_point_at_nothing() -> None:
    p = alert_pointer("Regulation (EU) 2023/915 may be applied; RASFF 2023.1234; 意大利那边有客户询价")
    assert not p.years and not p.months and not p.members and not p


def test_an_alert_fits_when_its_date_and_notifier_agree() -> None:
    p = alert_pointer("2024年8月西班牙通报的那批")
    row = {"dates": {"event": "2024-08-05"}, "notifying_country": "Spain"}
    assert p.fits(row)
    assert not p.fits({"dates": {"event": "2024-05-29"}, "notifying_country": "Spain"})
    assert not p.fits({"dates": {"event": "2024-08-05"}, "notifying_country": "Italy"})
