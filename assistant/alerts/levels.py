"""Warning levels: one documented rule set, the reason always shown (README, "Early warning").

- red: an exact product match (HS codes agreeing at heading level, 4 digits, or finer) on a
  notification whose comment period ends within 15 days; or a rejection of products from China
  that matches the subscribed product (HS heading or finer, or a product word / keyword in it).
- yellow: any other product match (down to chapter level, 2 digits); or a notification whose
  comment period is still open; or any matching rejection of products from China.
- green: everything else that matched (market, keyword or measure type only): information.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from assistant.alerts.items import AlertItem

RED_DAYS = 15
LEVELS = ("red", "yellow", "green")
LEVEL_NAMES = {
    "red": ("Red", "红色"),
    "yellow": ("Yellow", "黄色"),
    "green": ("Green", "绿色"),
}


@dataclass(frozen=True)
class MatchInfo:
    """How an item met a subscription: the deepest HS agreement and the words found."""

    hs_depth: int = 0  # digits the best HS pair agrees on (0: no HS match)
    hs_code: str = ""  # the subscribed code of that pair
    words: tuple[str, ...] = ()  # keywords / product words found in the item
    by_market: bool = False


@dataclass(frozen=True)
class Level:
    level: str
    reason_en: str
    reason_zh: str


def days_left(deadline: dt.date | None, today: dt.date) -> int | None:
    return None if deadline is None else (deadline - today).days


def grade(item: AlertItem, info: MatchInfo, today: dt.date) -> Level:
    """The level of `item` for a subscriber it matched through `info`, with the reason."""
    en: list[str] = []
    zh: list[str] = []
    exact = info.hs_depth >= 4
    chapter = info.hs_depth >= 2
    if chapter:
        what = "exactly" if exact else "at chapter level"
        en.append(f"HS {info.hs_code} matches {what}")
        zh.append(f"HS {info.hs_code} {'精确匹配' if exact else '同章匹配'}")
    if info.words:
        shown = ", ".join(info.words[:2])
        en.append(f"mentions {shown}")
        zh.append(f"提到“{'、'.join(info.words[:2])}”")
    if not en and info.by_market:
        en.append("a market you follow")
        zh.append("您关注的市场")

    if item.kind == "rejection":
        if item.from_china:
            en.append("rejected at the EU border, origin China")
            zh.append("在欧盟口岸被通报，原产中国")
            level = "red" if (exact or bool(info.words)) else "yellow"
        else:
            level = "yellow" if chapter else "green"
        return Level(level, "; ".join(en), "；".join(zh))

    left = days_left(item.comment_deadline, today)
    open_period = left is not None and left >= 0
    if open_period and left is not None:
        en.append(f"comments close {item.comment_deadline} (in {left} days)")
        zh.append(f"评议截止{item.comment_deadline}（还剩{left}天）")
    elif left is not None:
        en.append(f"comment period closed on {item.comment_deadline}")
        zh.append(f"评议期已于{item.comment_deadline}结束")
    if exact and open_period and left is not None and left <= RED_DAYS:
        level = "red"
    elif chapter or open_period:
        level = "yellow"
    else:
        level = "green"
    return Level(level, "; ".join(en), "；".join(zh))
