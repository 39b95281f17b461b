"""`bots.wechat.bench.run` (called by `tbt bench channels`) runs and reports its figures; the
figures themselves are measured by the command, not asserted here."""

from __future__ import annotations

from assistant.config import Settings
from bots.wechat.bench import run


def test_bench_reports_its_figures(small_index: Settings) -> None:
    figures = run(small_index, rounds=1, adapter_messages=5)
    assert set(figures) >= {"wechat_adapter_msgs_per_s", "wechat_text_msgs_per_s_10_users",
                            "wechat_passive_share_4_5s", "wechat_reply_p50_ms", "wechat_reply_p95_ms"}
    assert figures["wechat_messages"] == 10
    # every answer arrived: passively or late through the API
    assert figures["wechat_passive_share_4_5s"] * 10 + figures["wechat_late_delivered"] == 10
