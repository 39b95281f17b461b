"""Alert texts in the subscriber's language: one entry per item, one message per person.

An entry carries the ref, a one-line summary, its dates, the reason for its level and a link.
A message groups entries by level (reminders first), then says how to manage subscriptions.
Everything here is plain text: it is what Telegram, WeChat and e-mail all show.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from assistant.alerts.items import AlertItem
from assistant.alerts.levels import LEVEL_NAMES
from assistant.retrieve.markets import market_name

MAX_ENTRIES = 40  # per message; the counts in the subject and headings stay complete
_ICONS = {"red": "🔴", "yellow": "🟡", "green": "🟢", "reminder": "⏰"}
_SENTENCE = re.compile(r"(?<=[.!?。！？])\s*")
LEVEL_RULES = {
    "en": "Levels: red = your exact product (HS heading or finer) with comments closing within 15 "
    "days, or a rejection of your product from China; yellow = same HS chapter, an open comment "
    "period, or another rejection from China; green = for information.",
    "zh": "等级说明：红色＝与您的产品精确匹配（HS四位及以上）且评议期15天内截止，或中国同类产品在境外被拒；"
    "黄色＝同一HS章、评议期未结束，或中国其他产品被拒；绿色＝信息参考。",
}


@dataclass(frozen=True)
class Entry:
    """One rendered item for one person."""

    level: str  # red | yellow | green | reminder
    text: str


def link_for(item_ref: str, url: str | None, public_url: str | None) -> str | None:
    """The item's own link, else our record page when the server's public address is known."""
    if url and url.startswith(("http://", "https://")):
        return url
    if public_url:
        return f"{public_url.rstrip('/')}/records/{quote(item_ref, safe='')}"
    return None


def one_line(item: AlertItem, lang: str, limit: int = 160) -> str:
    """The title, or the first sentence of the summary when the record has one."""
    summary = item.summary_zh if lang == "zh" else item.summary_en
    text = item.title_in(lang)
    if summary:
        first = _SENTENCE.split(summary.strip(), maxsplit=1)[0]
        if first and len(first) < 2 * limit:
            text = first
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _dates(item: AlertItem, lang: str) -> str:
    zh = lang == "zh"
    parts = []
    if item.distributed:
        parts.append(f"{'分发' if zh else 'distributed'} {item.distributed}")
    if item.event:
        parts.append(f"{'通报日期' if zh else 'date'} {item.event}")
    if item.comment_deadline:
        parts.append(f"{'评议截止' if zh else 'comments by'} {item.comment_deadline}")
    if item.entry_into_force:
        parts.append(f"{'拟生效' if zh else 'entry into force'} {item.entry_into_force}")
    return " · ".join(parts)


def _head(item: AlertItem, lang: str) -> str:
    zh = lang == "zh"
    if item.kind == "rejection":
        names = [market_name(c, lang) for c in sorted(item.origin_codes)]
        origin = ("、" if zh else ", ").join(names) or ("未知" if zh else "unknown")
        bits = [item.ref, item.product or item.title]
        head = " — ".join(b for b in bits if b)
        if item.hazard:
            head += f"（{item.hazard}）" if zh else f" ({item.hazard})"
        return head + (f"，原产{origin}" if zh else f", origin {origin}")
    markets = "、".join(market_name(m, lang) for m in sorted(item.markets)) if zh else ", ".join(
        market_name(m, lang) for m in sorted(item.markets))
    if item.is_update and item.core:
        kind = item.notification_type or item.suffix or ""
        pre = f"【更新】{item.core} 的{kind} {item.ref}" if zh else (
            f"Update to {item.core}: {kind} {item.ref}")
        return f"{pre} — {one_line(item, lang)}"
    tag = f"[{markets}] " if markets else ""
    return f"{tag}{item.ref} — {one_line(item, lang)}"


def item_entry(item: AlertItem, lang: str, public_url: str | None, reason: str) -> str:
    """The text of one item for one person."""
    zh = lang == "zh"
    lines = [f"• {_head(item, lang)}"]
    if reason:
        lines.append(f"  原因：{reason}" if zh else f"  Why: {reason}")
    dates = _dates(item, lang)
    if dates:
        lines.append(f"  日期：{dates}" if zh else f"  Dates: {dates}")
    link = link_for(item.ref, item.url, public_url)
    if link:
        lines.append(f"  {link}")
    return "\n".join(lines)


def reminder_entry(item: AlertItem, days: int, today: dt.date, lang: str,
                   public_url: str | None) -> str:
    """A comment-deadline reminder: how to comment and an offer to report a barrier."""
    deadline = item.comment_deadline
    left = (deadline - today).days if deadline else 0
    point_zh = "中国WTO/SPS通报咨询点" if item.measure == "SPS" else "中国WTO/TBT通报咨询点"
    point_en = ("China's WTO/SPS enquiry point" if item.measure == "SPS"
                else "China's WTO/TBT enquiry point")
    link = link_for(item.ref, item.url, public_url)
    if lang == "zh":
        lines = [
            f"• {item.ref} — {one_line(item, 'zh')}",
            f"  评议截止{deadline}（还有{days}个工作日，{left}天）。",
            f"  如何评议：把意见（与国际标准的差异、科学依据、所需过渡期、受影响的产品和出口额）尽早交给"
            f"当地技术性贸易措施工作机构或本行业研究评议基地，由{point_zh}提交给通报成员；"
            f"咨询点需要时间汇总，请至少提前一周提交。",
            "  受到影响？回复“报告壁垒”，助手会帮您填好《技术性贸易措施征集表》。",
        ]
    else:
        lines = [
            f"• {item.ref} — {one_line(item, 'en')}",
            f"  Comments close on {deadline} ({days} working days, {left} days from today).",
            f"  How to comment: send your points (differences from international standards, "
            f"scientific basis, the transition time you need, affected products and export value) "
            f"early to your local TBT centre or your industry's research-and-comment base; "
            f"{point_en} submits China's comments to the notifying member. Allow at least a week.",
            "  Affected? Reply \"report a barrier\" and the assistant fills in China's barrier "
            "report form (技术性贸易措施征集表) with you.",
        ]
    if link:
        lines.append(f"  {link}")
    return "\n".join(lines)


def subject_for(entries: Iterable[Entry], lang: str) -> str:
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.level] = counts.get(e.level, 0) + 1
    if lang == "zh":
        parts = [f"{LEVEL_NAMES[lv][1]}{counts[lv]}条" for lv in ("red", "yellow", "green")
                 if counts.get(lv)]
        if counts.get("reminder"):
            parts.insert(0, f"评议截止提醒{counts['reminder']}条")
        return "技贸措施预警：" + "，".join(parts)
    parts = [f"{counts[lv]} {LEVEL_NAMES[lv][0].lower()}" for lv in ("red", "yellow", "green")
             if counts.get(lv)]
    if counts.get("reminder"):
        parts.insert(0, f"{counts['reminder']} comment deadline reminder(s)")
    return "TBT early warning: " + ", ".join(parts)


def message_for(entries: list[Entry], lang: str, today: dt.date, channel: str,
                public_url: str | None) -> tuple[str, str]:
    """(subject, body) of one message: entries grouped by level, reminders first."""
    zh = lang == "zh"
    title = f"技术性贸易措施预警（{today}）" if zh else f"TBT/SPS early warning ({today})"
    body = [title]
    order = ("reminder", "red", "yellow", "green")
    budget = MAX_ENTRIES
    for level in order:
        everything = [e for e in entries if e.level == level]
        if not everything:
            continue
        group = everything[: max(budget, 0)]
        budget -= len(group)
        if level == "reminder":
            name = "评议截止提醒" if zh else "Comment deadline reminders"
        else:
            name = LEVEL_NAMES[level][1] + "预警" if zh else f"{LEVEL_NAMES[level][0]} warnings"
        body.append("")
        body.append(f"{_ICONS[level]} {name}（{len(everything)}）" if zh else
                    f"{_ICONS[level]} {name} ({len(everything)})")
        body.extend(e.text for e in group)
        if len(group) < len(everything):
            more = len(everything) - len(group)
            body.append(f"…另有{more}条未列出，请缩小订阅范围（市场、产品）以减少数量。" if zh else
                        f"… {more} more not listed; narrow the subscription (markets, products) "
                        "to get fewer.")
    body.append("")
    body.append(LEVEL_RULES["zh" if zh else "en"])
    if channel in ("telegram", "wechat", "wecom"):
        body.append("回复“我的订阅”查看、暂停或取消订阅。" if zh else
                    "Reply \"my subscriptions\" to see, pause or cancel them.")
    else:
        if public_url:
            where = f"{public_url.rstrip('/')}/alerts"
            body.append(f"管理订阅：{where}" if zh else f"Manage your subscriptions: {where}")
        else:
            body.append("管理订阅：请访问本助手网站的“预警订阅”页面。" if zh else
                        "Manage your subscriptions on the assistant's \"Alerts\" web page.")
    return subject_for(entries, lang), "\n".join(body)
