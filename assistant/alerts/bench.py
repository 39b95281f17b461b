"""`tbt bench alerts`: match 1,000 new items against 100,000 subscriptions, time and memory.

Subscriptions and items are generated from the real vocabularies (HS 2022 codes, the market
gazetteer, the product synonym words in both languages) with a fixed seed, so runs compare: 55% of
subscriptions by HS code (2, 4 or 6 digits), 33% by product words, 10% both, 2% by market only;
70% also name one or two markets. Items are half notifications, half rejections, with 1-4 HS
codes and three product words each. Only matching and grading
are timed (what grows with the number of subscriptions); the database side is one INSERT per match.
"""

from __future__ import annotations

import datetime as dt
import random
import resource
import time
from typing import Any

from assistant.alerts.items import AlertItem, item_from_rows
from assistant.alerts.levels import grade
from assistant.alerts.matching import SubscriptionIndex
from assistant.alerts.subscriptions import Criteria, Subscription
from assistant.notify import Address

_MARKETS = ["EU", "USA", "GBR", "JPN", "KOR", "CAN", "AUS", "IND", "SAU", "ARE", "BRA", "MEX",
            "DEU", "FRA", "ITA", "ESP", "NLD", "POL", "VNM", "THA", "IDN", "MYS", "TUR", "RUS",
            "ZAF", "EGY", "CHL", "ARG", "PHL", "SGP", "GCC", "ASEAN", "EAEU"]
_FALLBACK_WORDS = ["toys", "lithium battery", "led lamps", "cosmetics", "goji", "tea", "garlic",
                   "honey", "玩具", "锂电池", "化妆品", "枸杞", "茶叶", "大蒜", "蜂蜜"]


def _product_words() -> list[str]:
    """Product words of the synonym table (both languages), the words people subscribe with."""
    try:
        from assistant.retrieve.products import ProductVocabulary

        vocab = ProductVocabulary.load()
        words = list(vocab.syn_zh) + [" ".join(k) for k in vocab.syn_en]
    except Exception:  # noqa: BLE001 - no vocabulary: a short fixed list
        words = []
    return sorted(set(words)) or _FALLBACK_WORDS


def _hs_codes() -> list[str]:
    try:
        from assistant.retrieve.products import ProductVocabulary

        codes = [c for c in ProductVocabulary.load().hs_en if len(c) in (4, 6)]
    except Exception:  # noqa: BLE001 - no vocabulary shipped: synthetic headings
        codes = []
    return codes or [f"{h:04d}" for h in range(101, 9700, 7)]


def make_subscriptions(n: int, rng: random.Random, codes: list[str], vocab_words: list[str]
                       ) -> list[Subscription]:
    """55% by HS code, 30% by product words, 10% both, 2% by market only (whatever it notifies or
    rejects, often the heaviest for output), the rest both; 70% also name one or two markets."""
    subs = []
    now = dt.datetime(2025, 1, 1)
    for i in range(n):
        kind = rng.random()
        markets = tuple(rng.sample(_MARKETS, rng.randint(1, 2))) if rng.random() < 0.7 else ()
        hs: tuple[str, ...] = ()
        words: tuple[str, ...] = ()
        if kind < 0.65:
            hs = tuple(c[: rng.choice((2, 4, 4, 4, 6, 6, 6, 6, 6, 6))]
                       for c in rng.sample(codes, rng.randint(1, 3)))
        if 0.55 <= kind < 0.98:
            words = tuple(rng.sample(vocab_words, rng.randint(1, 2)))
        types: tuple[str, ...] = ()
        if kind >= 0.98:
            markets = markets or (rng.choice(_MARKETS),)
            types = ("TBT", "SPS") if rng.random() < 0.5 else ()
        elif rng.random() < 0.3:
            types = tuple(rng.sample(["TBT", "SPS", "REJECTION"], rng.randint(1, 2)))
        crit = Criteria(markets=markets, hs=hs, keywords=words, types=types)
        subs.append(Subscription(i + 1, Address("telegram", str(100000 + i)), 1,
                                 rng.choice(("zh", "en")), "", crit, "daily", False, now))
    return subs


def make_items(n: int, rng: random.Random, codes: list[str], vocab_words: list[str]
               ) -> list[AlertItem]:
    items = []
    for i in range(n):
        rejection = rng.random() < 0.5
        words = ", ".join(rng.sample(vocab_words, 3))
        row: dict[str, Any] = {
            "ref": f"RASFF 2099.{i:04d}" if rejection else f"G/TBT/N/FIXTURE/{1000 + i}",
            "type": "alert" if rejection else "notification",
            "title": f"Fixture item about {words}",
            "text": f"Fixture bench item. Products: {words}. " * 3,
            "markets": ["EU", rng.choice(_MARKETS)] if rejection else [rng.choice(_MARKETS)],
            "hs": rng.sample(codes, rng.randint(1, 4)),
            "dates": {"comment_deadline": (dt.date(2025, 3, 1) + dt.timedelta(rng.randint(-30, 60))
                                           ).isoformat()},
            "agreement": rng.choice(("TBT", "SPS")),
            "origin_code": rng.choice(("CHN", "IND", "TUR", "CHN; VNM")) if rejection else None,
            "product": words if rejection else "",
        }
        items.append(item_from_rows(row))
    return items


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_alerts(n_items: int = 1000, n_subs: int = 100_000, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    codes = _hs_codes()
    vocab_words = _product_words()
    subs = make_subscriptions(n_subs, rng, codes, vocab_words)
    items = make_items(n_items, rng, codes, vocab_words)
    today = dt.date(2025, 3, 1)
    rss_before = _rss_mb()
    c0 = time.process_time()
    t0 = time.perf_counter()
    index = SubscriptionIndex(subs)
    t1 = time.perf_counter()
    matches = 0
    levels = {"red": 0, "yellow": 0, "green": 0}
    for item in items:
        graded: dict[int, str] = {}  # by identity: one MatchInfo is shared by its whole group
        for _sub, info in index.match(item):
            level = graded.get(id(info))
            if level is None:
                level = graded[id(info)] = grade(item, info, today).level
            levels[level] += 1
            matches += 1
    t2 = time.perf_counter()
    cpu = time.process_time() - c0
    rss_mb = _rss_mb()
    out = {
        "items": n_items,
        "subscriptions": n_subs,
        "index_seconds": round(t1 - t0, 3),
        "match_seconds": round(t2 - t1, 3),
        "total_seconds": round(t2 - t0, 3),
        "cpu_seconds": round(cpu, 3),
        "matches": matches,
        "levels": levels,
        "peak_rss_mb_before": round(rss_before, 1),
        "peak_rss_mb": round(rss_mb, 1),
        "target_seconds": 5.0,
    }
    out["text"] = (
        f"alerts: {n_items:,} new items x {n_subs:,} subscriptions -> {matches:,} matches "
        f"(red {levels['red']:,}, yellow {levels['yellow']:,}, green {levels['green']:,})\n"
        f"  index {out['index_seconds']} s + match and grade {out['match_seconds']} s = "
        f"{out['total_seconds']} s wall, {out['cpu_seconds']} s CPU (target <= 5 s)\n"
        f"  memory: process peak RSS {out['peak_rss_mb']} MiB "
        f"({out['peak_rss_mb_before']} MiB with the generated data, before indexing)"
    )
    return out
