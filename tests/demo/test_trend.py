"""The rejection trend under an alerts answer: counted from the loaded index, per year."""

from __future__ import annotations

from assistant.config import Settings
from assistant.demo.trend import alert_trend
from assistant.index.store import load_index


def test_goji_berries_from_china_per_year(small_index: Settings) -> None:
    index = load_index(small_index)
    goji = [ref for ref, row in index.record_rows.items()
            if row.get("type") == "alert" and "goji" in str(row.get("product", "")).lower()]
    assert goji  # the small corpus keeps two real goji-berry alerts
    answer = {"citations": [{"n": i + 1, "ref": ref, "type": "alert"} for i, ref in enumerate(goji)]}
    trend = alert_trend(index, answer)
    assert trend is not None
    assert trend.terms == ("goji", "berries") and trend.origin == "CHN"
    assert trend.total == len(goji) == sum(n for _, n in trend.years)
    years = [int(y) for y, _ in trend.years]
    assert years == list(range(years[0], years[-1] + 1))  # no gaps
    assert trend.hazards


def test_no_trend_without_cited_alerts(small_index: Settings) -> None:
    index = load_index(small_index)
    assert alert_trend(index, {"citations": [{"n": 1, "ref": "Directive 2014/53/EU", "type": "regulation"}]}) is None
    assert alert_trend(index, {}) is None
