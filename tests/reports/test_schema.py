"""The BarrierReport: what submission needs and which values it refuses."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from assistant.reports.schema import (
    REQUIRED_FIELDS,
    BarrierReport,
    completeness_errors,
    missing_required,
)
from tests.reports.helpers import complete_report


def test_required_fields_in_asking_order() -> None:
    assert missing_required(BarrierReport()) == list(REQUIRED_FIELDS)
    assert missing_required(complete_report()) == []


def test_email_alone_is_enough_contact() -> None:
    report = complete_report(reporter={"name": "Li", "organisation": "X Co., Ltd. (fixture)", "email": "li@example.com"})
    assert missing_required(report) == []


@pytest.mark.parametrize(("change", "words"), [
    ({"reporter": {"phone": "12345"}}, "电话"),
    ({"reporter": {"email": "not-an-email"}}, "邮箱"),
    ({"product": {"hs": "3924"}}, "HS"),
    ({"market": "Germany"}, "ISO-3"),
    ({"measure": {"notification_symbol": "TBT 86"}}, "G/TBT/N"),
    ({"incident": {"first_met": "3/5/2024"}}, "3 May 2024"),
    ({"impact": {"currency": "dollarz"}}, "USD"),
    ({"request": ["please"]}, "request"),
    ({"confidential_fields": ["reporter.password"]}, "reporter.password"),
])
def test_bad_values_are_refused_with_a_message(change: dict, words: str) -> None:
    data = complete_report().model_dump()
    for key, value in change.items():
        if isinstance(value, dict):
            data[key].update(value)
        else:
            data[key] = value
    with pytest.raises(ValidationError) as info:
        BarrierReport.model_validate(data)
    assert words in str(info.value)


def test_values_are_normalised() -> None:
    report = complete_report(reporter={"name": " 张伟 ", "phone": "+86 138 1234 5678", "organisation": "X"},
                             product={"description": "碗", "hs": "3924.10"}, market="deu",
                             measure={"notification_symbol": "g/tbt/n/eu/86/add1"}, impact={"currency": "美元"})
    assert report.reporter.name == "张伟" and report.reporter.phone == "+86 13812345678"
    assert report.product.hs == "392410" and report.market == "DEU"
    assert report.measure.notification_symbol == "G/TBT/N/EU/86/Add.1"
    assert report.impact.currency == "USD"


def test_completeness_errors_are_bilingual() -> None:
    errors = completeness_errors(BarrierReport())
    assert errors[0].as_dict()["message_zh"] == "缺少必填项：遇到的问题。"
    assert errors[0].as_dict()["message_en"] == "Required field missing: What happened."
