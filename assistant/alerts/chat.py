"""Subscriptions made in conversation: "订阅欧盟玩具的通报", "my subscriptions", "取消订阅 2".

`subscription_reply` is the one function the dialogue router calls for every chat message: it
returns None when the message is not about subscriptions, else the reply in the person's language.
The person is the chat address behind the session id (`telegram:123`); a web session has none, so
it is told how to subscribe by e-mail on the web page or through the API instead.

What a sentence subscribes to: markets named in it (China is the origin, never a market here),
products resolved to HS codes by the product vocabulary (their synonyms in both languages are kept
for matching), HS codes written out, quoted keywords, the kind of item (通报 / rules ->
notifications; 被拒 / RASFF / rejections -> rejections) and the frequency (立即 / 每周 ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from assistant.alerts.subscriptions import (
    Criteria,
    Subscription,
    SubscriptionError,
    SubscriptionStore,
    check_address,
)
from assistant.notify import Address
from assistant.retrieve.markets import market_codes, market_name

MIN_CONFIDENCE = 0.8
_Q = r"[?？。.!！\s]*"
_NUM = r"(?:第\s*)?(?:#|no\.?\s*|number\s*)?(\d{1,3})\s*(?:号|个)?"

_LIST = re.compile(
    rf"^(?:查看|显示|列出|看看|看一下)?(?:我的|我)?(?:全部|所有)?(?:预警)?订阅(?:列表|情况|了什么|了哪些)?{_Q}$"
    rf"|^我(?:都)?订阅了(?:什么|哪些){_Q}$"
    rf"|^(?:show|list|see|view)?\s*(?:me\s+)?(?:all\s+)?(?:my\s+)?(?:alert\s+)?subscriptions?{_Q}$",
    re.I,
)
_DELETE = re.compile(
    rf"^(?:取消|删除|退订|删掉)(?:预警)?(?:订阅)?\s*{_NUM}{_Q}$"
    rf"|^(?:unsubscribe|cancel|delete|remove|stop)\s*(?:my\s+)?(?:alert\s+)?(?:subscription)?\s*{_NUM}{_Q}$",
    re.I,
)
_DELETE_ALL = re.compile(
    rf"^(?:取消|删除|退订)(?:全部|所有)(?:预警)?订阅{_Q}$|^(?:退订全部|全部退订){_Q}$"
    rf"|^(?:unsubscribe|cancel|delete|remove)\s+(?:from\s+)?all(?:\s+(?:my\s+)?subscriptions)?{_Q}$",
    re.I,
)
_DELETE_BARE = re.compile(rf"^(?:取消订阅|退订|删除订阅|unsubscribe|cancel (?:my )?subscription){_Q}$",
                          re.I)
_PAUSE = re.compile(
    rf"^暂停(?:预警)?(?:订阅)?\s*{_NUM}{_Q}$|^pause\s*(?:my\s+)?(?:subscription)?\s*{_NUM}{_Q}$",
    re.I,
)
_RESUME = re.compile(
    rf"^(?:恢复|继续|重新开启)(?:预警)?(?:订阅)?\s*{_NUM}{_Q}$"
    rf"|^(?:resume|unpause|restart)\s*(?:my\s+)?(?:subscription)?\s*{_NUM}{_Q}$",
    re.I,
)
_HOW = re.compile(r"怎么|如何|怎样|能不能|可以.*吗|\bhow\b|\bcan i\b|\bwhat is\b", re.I)
_CREATE_STRONG = re.compile(
    r"(?<!取消)(?<!暂停)(?<!恢复)(?<!我的)订阅|\bsubscribe\b|\balert me\b|\bsend me alerts?\b", re.I
)
_CREATE_WEAK = re.compile(  # also said in other conversations: only with something to watch
    r"提醒我|通知我|预警我|帮我(?:盯|关注|留意)|\bnotify me\b|\bwarn me\b|"
    r"\bkeep me (?:posted|updated|informed)\b|\blet me know when\b",
    re.I,
)
_BARE = re.compile(rf"^(?:订阅|预警订阅|subscribe|alerts?){_Q}$", re.I)
_QUOTED = re.compile(r"[\"“”「『](.{1,40}?)[\"“”」』]")
_KEYWORD = re.compile(r"(?:关键词|关键字|keywords?)\s*[:：]\s*([^,，;；。\n]{1,40})", re.I)
_REJECTION = re.compile(r"被拒|拒绝入境|扣留|退运|被通报|出口受阻|rasff|rejection|rejected|border", re.I)
_NOTIFICATION = re.compile(
    r"法规|规定|标准|notification|rules?\b|regulations?|standards?|\btbt\b|\bsps\b", re.I
)
_TONGBAO = re.compile(r"(?<!被)通报")  # "被拒的通报" is about rejections, "玩具的通报" notifications
_TBT = re.compile(r"\btbt\b", re.I)
_SPS = re.compile(r"\bsps\b|卫生|检疫", re.I)
_IMMEDIATE = re.compile(r"立即|实时|马上|即时|第一时间|immediate|instant|real[- ]?time|right away|asap",
                        re.I)
_WEEKLY = re.compile(r"每周|每星期|周报|weekly|every week|once a week", re.I)


@dataclass(frozen=True)
class SubscriptionReply:
    """What to answer: `text` in `lang`; `action` says what happened (for logs and tests)."""

    text: str
    action: str  # create | list | pause | resume | delete | help | web | error | not_found
    lang: str
    subscription: Subscription | None = None


def _lang(text: str, lang: str | None) -> str:
    if lang in ("zh", "en"):
        return lang
    return "zh" if re.search(r"[\u4e00-\u9fff]", text) else "en"


def _short(label: str, limit: int = 36) -> str:
    if len(label) <= limit:
        return label
    cut = label[:limit].rsplit(" ", 1)[0] if " " in label[:limit] else label[:limit]
    return cut.rstrip(",; ") + "…"


def describe(sub: Subscription, lang: str, vocab: Any | None = None) -> str:
    """One line saying what a subscription watches, how often, and whether it is paused."""
    zh = lang == "zh"
    c = sub.criteria
    parts: list[str] = []
    if c.markets:
        sep = "、" if zh else ", "
        parts.append(sep.join(market_name(m, lang) for m in c.markets))
    if c.products:
        codes = f"（HS {'、'.join(c.hs)}）" if zh else f" (HS {', '.join(c.hs)})"
        parts.append(("、" if zh else ", ").join(c.products) + (codes if c.hs else ""))
    elif c.hs:
        labels = []
        for code in c.hs:
            label = vocab.describe(code, lang) if vocab is not None else ""
            short = _short(label.split(";")[0].strip()) if label else ""
            labels.append(f"HS {code}" + (f" {short}" if short else ""))
        parts.append(("、" if zh else ", ").join(labels))
    if c.keywords:
        parts.append(("关键词：" if zh else "keywords: ") + ("、" if zh else ", ").join(c.keywords))
    names = {"TBT": "TBT通报" if zh else "TBT notifications",
             "SPS": "SPS通报" if zh else "SPS notifications",
             "REJECTION": "口岸拒绝/RASFF" if zh else "border rejections (RASFF)"}
    if c.types:
        parts.append(("、" if zh else ", ").join(names[t] for t in c.types))
    else:
        parts.append("通报和口岸拒绝" if zh else "notifications and rejections")
    if c.ntm:
        parts.append("NTM " + ", ".join(c.ntm))
    freq = {"immediate": ("立即推送", "immediately"), "daily": ("每日汇总", "daily digest"),
            "weekly": ("每周汇总", "weekly digest")}[sub.frequency]
    parts.append(freq[0] if zh else freq[1])
    line = " · ".join(parts)
    if sub.paused:
        line += "（已暂停）" if zh else " (paused)"
    return f"{sub.number}. {line}"


def parse_criteria(text: str, vocab: Any | None) -> tuple[Criteria, str]:
    """Criteria and frequency from a subscribe sentence (SubscriptionError when it names nothing)."""
    markets = [m for m in market_codes(text) if m != "CHN"]
    hs: list[str] = []
    products: list[str] = []
    words: list[str] = []
    if vocab is not None:
        best: dict[str, tuple[str, float]] = {}
        for cand in vocab.lookup(text, k=8):
            if cand.confidence >= MIN_CONFIDENCE:
                cur = best.get(cand.matched)
                if cur is None or cand.confidence > cur[1]:
                    best[cand.matched] = (cand.code, cand.confidence)
        for matched, (code, _) in best.items():
            hs.append(code)
            if not re.search(r"\d{4}", matched):
                products.append(matched.strip())
                words.extend(vocab.related_words(matched) or [matched])
    keywords = [m.strip() for m in _QUOTED.findall(text)] + [m.strip() for m in _KEYWORD.findall(text)]
    wants_rej = bool(_REJECTION.search(text))
    wants_notif = bool(_NOTIFICATION.search(text)) or (
        not wants_rej and bool(_TONGBAO.search(text)))
    types: list[str] = []
    if wants_notif and not wants_rej:
        tbt, sps = bool(_TBT.search(text)), bool(_SPS.search(text))
        types = (["TBT"] if tbt else []) + (["SPS"] if sps else []) or ["TBT", "SPS"]
    elif wants_rej and not wants_notif:
        types = ["REJECTION"]
    frequency = ("immediate" if _IMMEDIATE.search(text) else
                 "weekly" if _WEEKLY.search(text) else "daily")
    crit = Criteria.clean(markets=markets, hs=hs, keywords=keywords, types=types,
                          products=products, product_words=words)
    return crit, frequency


def _web_reply(lang: str) -> SubscriptionReply:
    if lang == "zh":
        text = ("网页对话没有可以推送的联系方式。请在本站“预警订阅”页面（/alerts）填写邮箱订阅，"
                "或调用 POST /api/subscriptions；也可以在Telegram或微信里对我说“订阅欧盟玩具的通报”。")
    else:
        text = ("A web chat has no address to send alerts to. Subscribe with your e-mail on the "
                "\"Alerts\" page (/alerts) or through POST /api/subscriptions, or tell me "
                "\"subscribe EU toys\" on Telegram or WeChat.")
    return SubscriptionReply(text, "web", lang)


def _help(lang: str, prefix: str = "") -> SubscriptionReply:
    if lang == "zh":
        text = (prefix + "订阅示例：“订阅欧盟玩具和儿童用品的通报”、“订阅美国锂电池法规，立即推送”、"
                "“订阅枸杞在欧盟被拒的通报，每周汇总”。可以按市场、产品（或HS编码）、关键词"
                "（用引号）和类型（TBT/SPS通报、口岸拒绝）订阅。"
                "“我的订阅”查看，“暂停订阅 1”“恢复订阅 1”“取消订阅 1”管理。")
    else:
        text = (prefix + "For example: \"subscribe EU toys\", \"alert me about US lithium battery "
                "rules immediately\", \"subscribe to rejections of goji berries, weekly\". You can "
                "name markets, products (or HS codes), keywords (in quotes) and types (TBT/SPS "
                "notifications, border rejections). \"my subscriptions\" lists them; \"pause 1\", "
                "\"resume 1\" and \"unsubscribe 1\" manage them.")
    return SubscriptionReply(text, "help", lang)


def _listing(subs: list[Subscription], lang: str, vocab: Any | None) -> str:
    if not subs:
        return ("您还没有订阅。" if lang == "zh" else "You have no subscriptions yet. ") + (
            "说“订阅欧盟玩具的通报”即可开始。" if lang == "zh" else
            "Say \"subscribe EU toys\" to start.")
    head = "您的预警订阅：" if lang == "zh" else "Your alert subscriptions:"
    tail = ("回复“暂停订阅 N”“恢复订阅 N”或“取消订阅 N”管理。" if lang == "zh" else
            "Reply \"pause N\", \"resume N\" or \"unsubscribe N\" to manage them.")
    return "\n".join([head, *(describe(s, lang, vocab) for s in subs), tail])


def subscription_reply(engine: Engine, session_id: str, text: str, lang: str,
                       vocab: Any) -> SubscriptionReply | None:
    """The reply to a message about subscriptions, or None when the message is about something else."""
    raw = " ".join((text or "").split())[:500]
    if not raw:
        return None
    lang = _lang(raw, lang)
    list_m = _LIST.match(raw)
    del_m = _DELETE.match(raw)
    del_all = _DELETE_ALL.match(raw)
    del_bare = _DELETE_BARE.match(raw)
    pause_m = _PAUSE.match(raw)
    resume_m = _RESUME.match(raw)
    strong = bool(_CREATE_STRONG.search(raw))
    weak = bool(_CREATE_WEAK.search(raw))
    if not (list_m or del_m or del_all or del_bare or pause_m or resume_m or strong or weak):
        return None
    if not strong and weak and not (list_m or del_m or del_all or del_bare or pause_m or resume_m):
        try:
            parse_criteria(raw, vocab)
        except SubscriptionError:
            return None  # "提醒我一下截止日期" in another conversation: not ours
    zh = lang == "zh"
    address = Address.from_session_id(session_id)
    try:
        address = check_address(address) if address is not None else None
    except SubscriptionError:
        address = None
    if address is None:
        return _web_reply(lang)
    store = SubscriptionStore(engine)

    if _BARE.match(raw):
        help_reply = _help(lang)
        subs = store.of(address)
        text_out = help_reply.text + ("\n\n" + _listing(subs, lang, vocab) if subs else "")
        return SubscriptionReply(text_out, "help", lang)
    if list_m:
        return SubscriptionReply(_listing(store.of(address), lang, vocab), "list", lang)
    if del_all:
        subs = store.of(address)
        for s in subs:
            store.delete(address, s.number)
        return SubscriptionReply(
            f"已取消全部{len(subs)}个订阅。" if zh else f"Cancelled all {len(subs)} subscriptions.",
            "delete", lang)
    if del_bare:
        return SubscriptionReply(
            _listing(store.of(address), lang, vocab) + ("\n请说明要取消第几个，例如“取消订阅 1”。" if zh
                                                         else "\nSay which one, e.g. \"unsubscribe 1\"."),
            "list", lang)
    for match, action in ((del_m, "delete"), (pause_m, "pause"), (resume_m, "resume")):
        if match:
            number = int(next(g for g in match.groups() if g))
            return _manage(store, address, number, action, lang, vocab)
    if _HOW.search(raw):
        return _help(lang)
    try:
        criteria, frequency = parse_criteria(raw, vocab)
    except SubscriptionError as exc:
        return _help(lang, exc.message(lang) + ("\n" if zh else " "))
    try:
        sub = store.create(address, criteria, lang=lang, label=raw, frequency=frequency)
    except SubscriptionError as exc:
        return SubscriptionReply(exc.message(lang), "error", lang)
    if zh:
        text_out = (f"已订阅：{describe(sub, lang, vocab)}\n有新的WTO通报或中国产品在境外被拒时，我会按"
                    "红/黄/绿等级提醒您并说明原因；评议截止前10个和3个工作日还会提醒您提交评议意见。\n"
                    f"回复“我的订阅”查看，“暂停订阅 {sub.number}”暂停，“取消订阅 {sub.number}”取消。")
    else:
        text_out = (f"Subscribed: {describe(sub, lang, vocab)}\nWhen new WTO notifications or "
                    "rejections of Chinese products match, I will alert you as red / yellow / green "
                    "with the reason, and remind you 10 and 3 working days before comments close.\n"
                    f"Reply \"my subscriptions\" to see them, \"pause {sub.number}\" or "
                    f"\"unsubscribe {sub.number}\" to manage this one.")
    return SubscriptionReply(text_out, "create", lang, sub)


def _manage(store: SubscriptionStore, address: Address, number: int, action: str, lang: str,
            vocab: Any) -> SubscriptionReply:
    zh = lang == "zh"
    if action == "delete":
        sub = store.get(address, number)
        ok = sub is not None and store.delete(address, number)
        if ok and sub is not None:
            return SubscriptionReply(
                f"已取消订阅 {describe(sub, lang, vocab)}" if zh else
                f"Unsubscribed: {describe(sub, lang, vocab)}", "delete", lang, sub)
    else:
        changed = store.set_paused(address, number, action == "pause")
        if changed is not None:
            if zh:
                done = "已暂停" if action == "pause" else "已恢复"
            else:
                done = "Paused" if action == "pause" else "Resumed"
            return SubscriptionReply(f"{done}：{describe(changed, lang, vocab)}" if zh else
                                     f"{done}: {describe(changed, lang, vocab)}", action, lang, changed)
    missing = (f"没有第{number}号订阅。" if zh else f"You have no subscription number {number}. ")
    return SubscriptionReply(missing + "\n" + _listing(store.of(address), lang, vocab), "not_found",
                             lang)
