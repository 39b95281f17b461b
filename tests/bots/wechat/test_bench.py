"""`bots.wechat.bench.run` (called by `tbt bench channels`) runs and reports its figures; the
figures themselves are measured by the command, not asserted here."""

from __future__ import annotations

from assistant.config import Settings
from bots.wechat.bench import run


def test_bench_reports_its_figures(small_index: Settings) -> None:
    figures = run(small_index, rounds=1, adapter_messages=5)
    assert set(figures) >= {"adapter_msgs_per_s", "text_msgs_per_s_10_users", "passive_share_4_5s",
                            "reply_p50_ms", "reply_p95_ms"}
    assert figures["messages"] == 10
    assert figures["passive_share_4_5s"] * 10 + figures["late_delivered"] == 10  # every answer arrived
