"""Periods a question names, and the one decision that records of a kind are asked for only from after
the corpus's last one."""

from __future__ import annotations

import pytest

from assistant.retrieve.coverage import asked_periods, beyond_coverage

HELD = {"alert": "2024-10-30", "dispute": "2018-01-24"}


@pytest.mark.parametrize(("text", "period"), [
    ("RASFF alerts on green tea in December 2024?", (2024, 12)),
    ("2025年上半年欧盟通报了多少批枸杞？", (2025, 1)),
    ("2024年下半年的通报", (2024, 7)),
    ("2024年第四季度", (2024, 10)),
    ("alerts in Q2 2025", (2025, 4)),
    ("second half of 2023", (2023, 7)),
    ("Sep. 2024 alerts", (2024, 9)),
    ("2024-11 alerts", (2024, 11)),
    ("alerts in 2022", (2022, 0)),
])
def test_a_named_period_is_read_with_its_first_month(text: str, period: tuple[int, int]) -> None:
    assert [p[:2] for p in asked_periods(text)] == [period]


def test_an_act_or_record_number_is_not_a_period() -> None:
    assert asked_periods("Regulation (EU) 2023/1115 and RASFF 2024.7736") == []


@pytest.mark.parametrize("text", ["Any RASFF alerts on Chinese tea in December 2024?", "2024年11月有通报吗？",
                                  "2025年上半年欧盟RASFF通报了多少批中国枸杞？"])
def test_alerts_asked_for_after_the_last_one_held_are_beyond_coverage(text: str) -> None:
    b = beyond_coverage(text, "alerts", HELD)
    assert b is not None and b.until == "2024-10-30"


@pytest.mark.parametrize("text", ["RASFF alerts in October 2024", "alerts in 2024", "alerts from 2023 to 2025",
                                  "2024年10月比利时通报的葛根提取物"])
def test_a_period_the_records_reach_is_not_beyond_them(text: str) -> None:
    assert beyond_coverage(text, "alerts", HELD) is None


def test_a_dispute_question_is_dated_only_by_a_filing() -> None:
    assert beyond_coverage("disputes filed in 2019", "cases", HELD) is not None
    assert beyond_coverage("how many labs by August 2020 in the FCC case", "cases", HELD) is None
    assert beyond_coverage("alerts in 2030", "requirements", HELD) is None
