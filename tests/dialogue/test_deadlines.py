"""The final date for comments, told relative to today (fixed at 2024-11-15 as in `small_index`).

The shipped curated notifications are old and carry no comment deadline, so these tests compose
from made-up notifications (symbols `G/TBT/N/FIXTURE/...`, as the house rules require) through
the real offline composer, and verify the answer against the same records.
"""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.answer.models import Evidence
from assistant.answer.offline import OfflineComposer
from assistant.answer.verify import verify
from assistant.records import Dates, Notification

TODAY = dt.date(2024, 11, 15)


def fixture_notification(n: int, suffix: str | None, deadline: str | None, **dates: str) -> Evidence:
    core = "G/TBT/N/FIXTURE/1"
    ref = f"{core}/{suffix}" if suffix else core
    rec = Notification(
        ref=ref, agreement="TBT", member="FIXTURE", core_symbol=core, suffix=suffix,
        title=f"Fixture: draft rules on widgets ({suffix or 'core'})",
        title_zh=f"夹具：小部件规则草案（{suffix or '正文'}）",
        summary_en="Fixture notification made up for the tests.", summary_zh="测试用的虚构通报。",
        dates=Dates.model_validate({"distributed": dates.get("distributed", "2024-09-02"),
                                    "comment_deadline": deadline, "entry_into_force": dates.get("entry_into_force")}),
        source="fixture", licence="fixture",
    )
    return Evidence(n=n, ref=ref, type="notification", title=rec.title, cite=ref, snippet=rec.title,
                    text=rec.title, record=rec.model_dump(mode="json"))


def compose(evidence: list[Evidence], lang: str) -> str:
    ctx = {"family": [e.ref for e in evidence], "core": "G/TBT/N/FIXTURE/1", "asked": evidence[-1].ref}
    composed = OfflineComposer(TODAY).compose("notification", evidence, lang, ctx)
    result = verify(composed.text, evidence)
    assert result.clean, (result.removed, result.invented)
    return composed.text


@pytest.mark.parametrize(
    ("deadline", "zh", "en"),
    [
        ("2024-12-01", "评议截止日期 2024-12-01（还剩 16 天）", "comments open until 2024-12-01 (16 days left)"),
        ("2024-11-16", "评议截止日期 2024-11-16（还剩 1 天）", "comments open until 2024-11-16 (1 day left)"),
        ("2024-11-15", "评议今天（2024-11-15）截止", "comments close today (2024-11-15)"),
        ("2024-11-01", "评议期已于 2024-11-01 截止", "comment period closed on 2024-11-01"),
    ],
)
def test_comment_deadline_is_told_relative_to_today(deadline: str, zh: str, en: str) -> None:
    ev = [fixture_notification(1, None, deadline)]
    assert zh in compose(ev, "zh")
    assert en in compose(ev, "en")


def test_chain_shows_each_document_with_its_dates() -> None:
    ev = [
        fixture_notification(1, None, "2024-11-01", distributed="2024-09-02"),
        fixture_notification(2, "Add.1", "2025-01-10", distributed="2024-11-11", entry_into_force="2025-06-01"),
    ]
    zh = compose(ev, "zh")
    assert "G/TBT/N/FIXTURE/1/Add.1" in zh.splitlines()[0]  # opens with the newest document
    assert ("**G/TBT/N/FIXTURE/1**（分发日期 2024-09-02）：夹具：小部件规则草案（正文）"
            "（原文标题：Fixture: draft rules on widgets (core)） [1]") in zh
    assert "评议期已于 2024-11-01 截止" in zh
    assert "评议截止日期 2025-01-10（还剩 56 天）；生效 2025-06-01 [2]" in zh
    en = compose(ev, "en")
    assert "**G/TBT/N/FIXTURE/1/Add.1** (distributed 2024-11-11): Fixture: draft rules on widgets (Add.1) [2]" in en
    assert "comments open until 2025-01-10 (56 days left); entry into force 2025-06-01 [2]" in en
