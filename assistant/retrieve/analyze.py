"""Query analysis: what a message asks, about which markets and products, quoting which documents.

Search, the answer composer and the barrier-report extractor all start from `analyze(text)`. It is
rule-based and fast (well under 5 ms once the product vocabulary is loaded) so it can run on every
message: language (simplified / traditional Chinese, English, mixed) and the language to answer in;
markets named (and their blocs); HS candidates for the products named; exact references quoted
(notification symbols, EU acts, RASFF, DS, 海关总署公告, CFR parts, HS codes); an intent from
bilingual cue words; and UNCTAD/MAST non-tariff-measure hints (认证 -> B83, 标签 -> B31...).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant import refs as refgrammar
from assistant.retrieve.markets import (
    agreement_markets,
    bloc_members,
    expand_markets,
    find_markets,
    get_market,
)
from assistant.retrieve.normalize import count_scripts, fold, normalize
from assistant.retrieve.products import ProductVocabulary
from assistant.retrieve.question_form import is_interrogative

Intent = Literal[
    "requirements", "notification", "alerts", "cases", "report", "rules", "subscribe", "help",
    "smalltalk", "out_of_domain",
]
Language = Literal["zh-Hans", "zh-Hant", "en", "mixed"]

_MAX_CHARS = 5000  # a pasted document is read up to here
_CLASSIFY_CHARS = 2000  # the intent is read from the start of a long message
PRODUCT_SIGNAL = 0.5  # HS candidates at least this sure count as "a product was named"


class RefMatch(BaseModel):
    """One exact reference found in the text: its kind, canonical value and the text as written."""

    kind: Literal["symbol", "eu_act", "rasff", "dispute", "gacc", "cfr", "hs"]
    value: str
    text: str
    core: str | None = None  # for notification symbols: the core symbol (G/TBT/N/USA/867)


class QueryAnalysis(BaseModel):
    """Everything the rest of the system needs to know about one message (JSON-serialisable)."""

    text: str
    normalized: str
    language: Language
    answer_language: Literal["zh", "en"]
    markets: list[str] = Field(default_factory=list)
    markets_expanded: list[str] = Field(default_factory=list)
    hs: list[dict[str, Any]] = Field(
        default_factory=list, description="HSCandidate dicts: code, label_en, label_zh, confidence, matched."
    )
    products: list[str] = Field(default_factory=list)
    refs: list[str] = Field(
        default_factory=list,
        description="Canonical references: G/TBT/N/USA/867/Add.1, Regulation (EU) 2017/745, "
        "RASFF 2024.2707, DS381, 海关总署公告〔2024〕151号, 47 CFR Part 15, HS 851830.",
    )
    ref_details: list[RefMatch] = Field(default_factory=list)
    intent: Intent = "rules"
    intent_confidence: float = 0.0
    intent_scores: dict[str, float] = Field(default_factory=dict)
    ntm_hints: list[str] = Field(default_factory=list)

    def hs_codes(self, min_confidence: float = 0.0) -> list[str]:
        return [str(c["code"]) for c in self.hs if float(c.get("confidence", 0)) >= min_confidence]


# --- references --------------------------------------------------------------------------------

_EU_EXPLICIT_RE = re.compile(
    r"(?:(?P<kind>Implementing Regulation|Delegated Regulation|Regulation|Directive|Decision)\s*)?"
    r"\(\s*(?P<org>EU|EC|EEC|EU,\s*Euratom)\s*\)\s*(?P<no>No\.?\s*)?(?P<a>\d{1,4})\s*/\s*(?P<b>\d{1,4})"
    r"|(?:(?P<kind2>Directive|Decision)\s*)?(?P<y>\d{4})/(?P<n>\d{1,4})/(?P<org2>EU|EC|EEC)\b",
    re.IGNORECASE,
)
_EU_BARE_RE = re.compile(r"(?<![0-9A-Za-z/.])(?P<a>\d{1,4})\s*/\s*(?P<b>\d{1,4})(?![\d/])")
_EU_CONTEXT_RE = re.compile(
    r"欧盟|歐盟|欧洲|EU\b|\bEC\b|EEC|regulation|directive|decision|法规|条例|指令|决定|规例", re.IGNORECASE
)
# Acronyms that name one EU act only.
_EU_ACRONYMS = {
    "MDR": "Regulation (EU) 2017/745",
    "IVDR": "Regulation (EU) 2017/746",
    "GPSR": "Regulation (EU) 2023/988",
}
_EU_ACRONYM_RE = re.compile(r"(?<![A-Za-z])(MDR|IVDR|GPSR)(?![A-Za-z])")
_CFR_RE = re.compile(
    r"(?<!\d)(?P<t>\d{1,2})\s*C\.?\s?F\.?\s?R\.?\s*(?:Parts?|Pt\.?|§+|第)?\s*(?P<p>\d{1,4})(?:\.(?P<s>\d{1,4}))?"
    r"(?:,?\s*Subpart\s+(?P<sub>[A-Z])\b)?",
    re.IGNORECASE,
)
# The market a reference belongs to, whatever the message names: an EU act or a RASFF alert is about
# the EU, a CFR part about the USA, a GACC announcement about China's own import rules.
_REF_MARKETS = {"eu_act": "EU", "rasff": "EU", "cfr": "USA", "gacc": "CHN"}
# Schemes, marks and agencies that belong to one market: "FDA 注册" is about the USA even when the
# country is not named. Used only when the message names no market itself.
_SCHEME_MARKETS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<![A-Za-z])(?:FDA|FCC|CPSC|CPSIA|OSHA|NRTL|USDA|UL认证|ETL|Prop\s*65|TSCA|CARB|DOE)(?![A-Za-z])"
                r"|加州65|美国海关", re.I), "USA"),
    (re.compile(r"(?<![A-Za-z])(?:CE|RoHS|REACH|WEEE|GPSR|CPNP|EUDR|CBAM|RASFF|EUDAMED)(?![A-Za-z])|CE认证|CE标志", re.I), "EU"),
    (re.compile(r"(?<![A-Za-z])(?:UKCA|PSTI)(?![A-Za-z])", re.I), "GBR"),
    (re.compile(r"(?<![A-Za-z])(?:PSE|TELEC|giteki)(?![A-Za-z])|技适|菱形PSE|圆形PSE", re.I), "JPN"),
    (re.compile(r"(?<![A-Za-z])(?:KC|KATS|RRA)(?![A-Za-z])|KC认证", re.I), "KOR"),
    (re.compile(r"(?<![A-Za-z])(?:BIS)(?![A-Za-z])", re.I), "IND"),
    (re.compile(r"(?<![A-Za-z])(?:SASO|SABER|SALEEM)(?![A-Za-z])", re.I), "SAU"),
    (re.compile(r"(?<![A-Za-z])(?:RCM|ACMA|EESS|SAA)(?![A-Za-z])", re.I), "AUS"),
    (re.compile(r"(?<![A-Za-z])(?:ISED|IC\s*ID|ICES-?003|RSS-?\d+)(?![A-Za-z])|IC认证", re.I), "CAN"),
    (re.compile(r"(?<![A-Za-z])(?:GSO|G-?Mark)(?![A-Za-z])|G标", re.I), "GCC"),
]
# Member codes of WTO symbols that are not the market's ISO code.
_SYMBOL_MEMBERS = {"TPKM": "TWN"}
_LOOSE_SUFFIX = r"\s*[,，]?\s*(?:第)?\s*(?P<k>add|rev|corr|补遗|修订|更正)\s*[.。]?\s*(?:第)?\s*(?P<n>\d{1,3})"
_FCC_PART_RE = re.compile(r"FCC\s*(?:Part|第)\s*(?P<p>\d{1,3})", re.IGNORECASE)
_GACC_ORDER_RE = re.compile(r"(?:海关总署|总署|署)令\s*(?:〔\s*20\d{2}\s*〕)?\s*第?\s*(?P<n>\d{1,4})\s*号")


def _year_first_ref(year: int, number: int) -> str:
    """A year-first EU act number (`2017/745`) in the form EU law writes it for that era."""
    if year >= 2015:
        return f"(EU) {year}/{number}"
    org = "EEC" if year < 1993 else ("EC" if year < 2010 else "EU")
    return f"{year}/{number}/{org}"


def _eu_acts(text: str) -> list[tuple[int, RefMatch]]:
    out: list[tuple[int, RefMatch]] = []
    spans: list[tuple[int, int]] = []
    for m in _EU_EXPLICIT_RE.finditer(text):
        if m.group("a"):
            org = re.sub(r"\s+", " ", m.group("org").upper()).replace("EURATOM", "Euratom")
            kind = (m.group("kind") or "").title()
            a, b = m.group("a"), m.group("b")
            number_first = len(b) == 4 and 1958 <= int(b) < 2015 and not 1958 <= int(a) <= 2035
            no = "No " if m.group("no") or number_first else ""
            value = f"({org}) {no}{a}/{b}"
        else:
            kind = (m.group("kind2") or "").title()
            value = f"{m.group('y')}/{m.group('n')}/{m.group('org2').upper()}"
        if kind:
            value = f"{kind} {value}"
        out.append((m.start(), RefMatch(kind="eu_act", value=value, text=m.group(0))))
        spans.append((m.start(), m.end()))
    context = bool(_EU_CONTEXT_RE.search(text))
    for m in _EU_BARE_RE.finditer(text):
        if any(s <= m.start() < e for s, e in spans):
            continue
        a, b = int(m.group("a")), int(m.group("b"))
        bare: str | None = None
        if len(m.group("a")) == 4 and 1958 <= a <= 2035:
            if b > 12 or context:
                bare = _year_first_ref(a, b)
        elif len(m.group("b")) == 4 and 1958 <= b < 2015 and a >= 1 and (a > 12 or context):
            org = "EEC" if b < 1993 else ("EC" if b < 2010 else "EU")
            bare = f"({org}) No {a}/{b}"
        if bare:
            out.append((m.start(), RefMatch(kind="eu_act", value=bare, text=m.group(0))))
    for m in _EU_ACRONYM_RE.finditer(text):
        out.append((m.start(), RefMatch(kind="eu_act", value=_EU_ACRONYMS[m.group(1)], text=m.group(0))))
    return out


def _find_refs(folded: str, hs: list[dict[str, Any]]) -> list[RefMatch]:
    found: list[tuple[int, RefMatch]] = []
    for s in refgrammar.find_symbols(folded):
        pos = folded.upper().find(s.core.split("/")[0])
        value = str(s)
        if not s.suffix:
            # "G/TBT/N/USA/867 Add 2", "G/TBT/N/USA/867 补遗2": a suffix written without the slash
            m = re.search(re.escape(str(s.number)) + r"(?![\d])" + _LOOSE_SUFFIX, folded[max(pos, 0):], re.I)
            if m:
                kind = {"补遗": "Add", "修订": "Rev", "更正": "Corr"}.get(m.group("k"), m.group("k").capitalize())
                value = f"{s.core}/{kind}.{int(m.group('n'))}"
        found.append((max(pos, 0), RefMatch(kind="symbol", value=value, text=value, core=s.core)))
    found.extend(_eu_acts(folded))
    for r in refgrammar.find_rasff(folded):
        found.append((folded.find(r.split()[-1]), RefMatch(kind="rasff", value=r, text=r)))
    for r in refgrammar.find_disputes(folded):
        found.append((folded.upper().find("DS"), RefMatch(kind="dispute", value=r, text=r)))
    for r in refgrammar.find_gacc(folded):
        found.append((folded.find("公告"), RefMatch(kind="gacc", value=r, text=r)))
    for m in refgrammar.GACC_LOOSE_RE.finditer(folded):
        found.append((m.start(), RefMatch(kind="gacc", value=refgrammar.loose_gacc_ref(m), text=m.group(0))))
    for m in _GACC_ORDER_RE.finditer(folded):
        found.append((m.start(), RefMatch(kind="gacc", value=f"海关总署令第{int(m.group('n'))}号", text=m.group(0))))
    for m in _CFR_RE.finditer(folded):
        t, p, sec = int(m.group("t")), int(m.group("p")), m.group("s")
        sub = f" Subpart {m.group('sub').upper()}" if m.group("sub") else ""  # 21 CFR Part 1 Subpart H
        found.append((m.start(), RefMatch(kind="cfr", value=f"{t} CFR Part {p}{sub}", text=m.group(0))))
        if sec:
            found.append((m.start(), RefMatch(kind="cfr", value=f"{t} CFR {p}.{int(sec)}", text=m.group(0))))
    for m in _FCC_PART_RE.finditer(folded):
        found.append((m.start(), RefMatch(kind="cfr", value=f"47 CFR Part {int(m.group('p'))}", text=m.group(0))))
    for cand in hs:
        matched = str(cand.get("matched") or "")
        if float(cand.get("confidence", 0)) >= 0.99 and any(ch.isdigit() for ch in matched):
            found.append((folded.find(matched), RefMatch(kind="hs", value=f"HS {cand['code']}", text=matched)))
    found.sort(key=lambda t: t[0])
    seen: set[str] = set()
    out: list[RefMatch] = []
    for _, ref in found:
        if ref.value not in seen:
            seen.add(ref.value)
            out.append(ref)
    return out


# --- intent ------------------------------------------------------------------------------------

# (cue, intent, weight). Chinese cues match as substrings, English ones as whole words (a trailing
# "*" allows any ending). Overlapping cues: the longest one at the leftmost place wins, so 被通报
# counts for alerts and not also for notification.
_CUES: dict[str, list[tuple[str, float]]] = {
    "requirements": [
        ("要啥认证", 3.5), ("需要什么认证", 3.5), ("要什么认证", 3.5), ("需要哪些认证", 3.5), ("什么认证", 3),
        ("哪些认证", 3), ("认证", 2), ("需要什么", 1.5), ("要什么", 1), ("要啥", 1), ("需要哪些", 1.5),
        ("要求", 1.5), ("技术要求", 2.5), ("什么要求", 2.5), ("有什么要求", 3), ("哪些要求", 2.5), ("标准", 1.5), ("准入", 2), ("资质", 1.5), ("检测", 1.5), ("测试", 1),
        ("合规", 2), ("符合", 1), ("怎么出口", 2.5), ("如何出口", 2.5), ("能不能出口", 2.5), ("能否出口", 2.5),
        ("可以出口", 2), ("出口到", 0.5), ("出口", 0.5), ("标签", 1), ("标识", 1), ("注册", 1), ("备案", 1),
        ("证书", 1.5), ("许可证", 1.5), ("限量", 1.5), ("限值", 1.5), ("残留", 1), ("注意什么", 2),
        ("注意事项", 2), ("门槛", 1.5), ("需要做", 1.5), ("办理", 1), ("流程", 1), ("实验室", 1.5),
        ("检测机构", 2), ("认证机构", 2),
        # a report a rule requires (an annual report, a test report) is a document, not a barrier report
        ("年度报告", 2), ("检测报告", 2), ("检验报告", 2), ("annual report*", 2),
        ("requirement*", 2.5), ("require", 1.5), ("required", 1.5), ("requires", 1.5),
        ("certification*", 2.5), ("certificate*", 1.5), ("certified", 1), ("standard*", 1.5),
        ("compliance", 2), ("comply", 2), ("compliant", 2), ("conformity", 1.5), ("market access", 2.5),
        ("what do i need", 3), ("do i need", 2.5), ("need to", 1), ("how to export", 3), ("how can i export", 3),
        ("how do i export", 3), ("allowed", 1), ("permitted", 1), ("testing", 1.5), ("test report*", 2),
        ("label*", 1), ("labelling", 1.5), ("labeling", 1.5), ("marking", 1), ("registration", 1.5),
        ("ce marking", 2.5), ("ce mark", 2.5), ("ce", 1.5), ("ukca", 1.5), ("fcc id", 2), ("rohs", 1.5),
        ("mrl*", 1.5), ("maximum residue", 2), ("export to", 0.5), ("exporting to", 0.5), ("exports to", 0.5),
        ("export*", 0.5),
        ("rules for", 1), ("what rules", 1.5), ("test", 1), ("lab", 1.5), ("labs", 1.5), ("laboratory", 1.5),
        ("notified body", 2), ("notified bodies", 2),
    ],
    "notification": [
        ("通报", 3), ("wto通报", 3.5), ("tbt通报", 3.5), ("sps通报", 3.5), ("新通报", 3.5), ("最新通报", 3.5),
        ("评议", 3), ("评议期", 3.5), ("意见征询", 2), ("征求意见", 2), ("咨询点", 2), ("新规", 1.5),
        ("新法规", 1.5), ("草案", 1.5), ("特别贸易关注", 2.5), ("评论意见", 2.5),
        ("notification*", 3), ("notified", 2.5), ("wto", 1.5), ("tbt", 1.5), ("sps", 1.5), ("comment*", 1.5),
        ("comment period", 3), ("commenting", 2), ("enquiry point", 2), ("inquiry point", 2), ("draft", 1.5),
        ("new rule*", 1.5), ("new regulation*", 1.5), ("proposed", 1.5), ("specific trade concern*", 2.5),
        ("stc", 2), ("addendum", 2), ("corrigendum", 2), ("epng", 2), ("eping", 2.5),
    ],
    "alerts": [
        ("被通报", 4), ("被扣", 3.5), ("扣货", 4), ("扣留", 3.5), ("退运", 4), ("退货", 2), ("拒绝入境", 4),
        ("召回", 3.5), ("出口受阻", 3.5), ("被拒", 3), ("不合格", 2), ("预警通报", 3), ("销毁", 3),
        ("通关受阻", 3.5), ("被查", 2), ("被退", 3.5), ("口岸", 1), ("检出", 2), ("超标", 2),
        ("rasff", 3.5), ("rejected", 3.5), ("rejection*", 3.5), ("detained", 3.5), ("detention", 3),
        ("border rejection*", 4), ("refused entry", 4), ("refused", 2.5), ("recall*", 3), ("withdrawn", 2),
        ("seized", 3), ("destroyed", 2), ("alert*", 2), ("flagged", 2.5), ("held at customs", 4),
        ("stopped at customs", 4), ("was notified", 3), ("were notified", 3), ("got notified", 3),
        ("been notified", 3), ("non-compliant", 2), ("exceeded", 1.5),
        ("keep finding", 3), ("kept finding", 3), ("found in", 2.5), ("detected in", 3), ("查出", 3),
        # shipments that met trouble at a border: rejections, whatever the verb
        ("run into trouble", 3), ("ran into trouble", 3), ("running into trouble", 3), ("got into trouble", 3),
        ("run into problems", 3), ("ran into problems", 3), ("出过问题", 3),
        # a country notifying China's goods is a border alert; a WTO notification is of a member's own rule
        ("通报过中国", 4), ("通报了中国", 4), ("通报中国", 4), ("通报过我国", 4), ("通报我国", 4),
        ("notified chinese", 3.5), ("notifying chinese", 3.5),
    ],
    "cases": [
        ("案例", 3), ("案件", 3), ("案子", 3), ("先例", 3), ("有没有先例", 3.5), ("以前", 1.5), ("之前有没有", 2), ("争端", 3),
        ("诉讼", 2), ("类似情况", 2.5), ("怎么处理的", 2), ("经验", 1.5), ("成功", 1),
        ("ds", 3),  # the WTO's dispute series named without a number ("DS几号", "the DS number")
        ("case", 2.5), ("cases", 2.5), ("case study", 3), ("precedent*", 3), ("dispute*", 3),
        ("happened before", 2.5), ("in the past", 1.5), ("example*", 1), ("panel", 1.5), ("lawsuit", 2),
        # what a member (China) did about a measure: the case records' own subject
        ("回应", 2.5), ("应对", 2.5), ("贸易关注", 3), ("respond*", 2.5), ("response", 2), ("reacted", 2),
        ("trade concern*", 3),
        # who brought a dispute against whom: a past case, not the user's own complaint
        ("complained", 3), ("complainant*", 3.5), ("respondent", 2.5), ("起诉", 2.5), ("申诉方", 3), ("被诉方", 3),
    ],
    "report": [
        ("怎么报告", 4), ("如何报告", 4), ("报告", 2), ("举报", 3.5), ("反映", 3), ("反映问题", 3.5),
        ("投诉", 3.5), ("征集表", 4), ("填表", 2), ("填报", 3), ("上报", 3), ("报告壁垒", 4),
        ("报告贸易壁垒", 4.5), ("我要报告", 4), ("壁垒", 1), ("遇到壁垒", 3), ("提交", 1.5),
        ("report a barrier", 4.5), ("report a trade barrier", 5), ("report", 2), ("reporting", 2),
        ("barrier report", 4), ("file a complaint", 4), ("complaint*", 3), ("complain", 3), ("submit", 1.5),
        ("how do i report", 4), ("how can i report", 4), ("how do we report", 4), ("how can we report", 4),
        ("how to report", 4), ("raise a concern", 2.5), ("tacp", 3),
        ("single entry point", 3), ("barrier*", 1),
    ],
    "rules": [
        ("法规", 1.5), ("条例", 1.5), ("指令", 1.5), ("条款", 1.5), ("规定", 1), ("原文", 2), ("全文", 2),
        ("内容是什么", 1.5), ("说了什么", 2), ("说什么", 1.5), ("讲了什么", 2), ("是什么意思", 1.5),
        ("解读", 2), ("什么是", 1), ("是什么", 1.5), ("适用范围", 2), ("协定", 2), ("协议", 1.5),
        ("regulation*", 1.5), ("directive*", 1.5), ("annex*", 2), ("full text", 2), ("text of", 1.5),
        ("explain", 1.5), ("interpretation", 1.5), ("definition*", 1.5), ("what is", 1), ("scope", 1.5),
        ("agreement", 1.5),
        ("say", 1), ("says", 1),
    ],
    "subscribe": [
        ("订阅", 5), ("提醒", 3), ("提醒我", 5), ("预警", 2.5), ("推送", 3), ("通知我", 5), ("告诉我", 1.5),
        ("及时通知", 3), ("自动提醒", 5), ("取消订阅", 5), ("关注", 1.5),
        ("subscribe", 5), ("subscription*", 4), ("unsubscribe", 5), ("notify me", 5), ("alert me", 5),
        ("remind me", 5), ("reminder*", 3), ("keep me posted", 5), ("keep me updated", 5),
        ("keep me informed", 5), ("let me know when", 4), ("email me", 3), ("newsletter", 3), ("digest", 2.5),
    ],
    "help": [
        ("帮助", 3), ("你能做什么", 4), ("你会什么", 4), ("能做什么", 3.5), ("怎么用", 3.5), ("使用说明", 3.5),
        ("功能", 2), ("你是谁", 3), ("介绍一下你", 3), ("有什么功能", 4), ("菜单", 3),
        ("help", 2.5), ("what can you do", 4), ("how do i use", 3.5), ("how does this work", 3.5),
        ("who are you", 3), ("menu", 3), ("commands", 3), ("instructions", 2),
    ],
    "smalltalk": [
        ("你好", 3), ("您好", 3), ("嗨", 2.5), ("哈喽", 3), ("谢谢", 3), ("多谢", 3), ("感谢", 2.5), ("再见", 3),
        ("拜拜", 3), ("早上好", 3), ("晚上好", 3), ("好的", 1.5), ("哈哈", 2), ("辛苦了", 2.5), ("在吗", 3),
        ("hi", 3), ("hello", 3), ("hey", 2.5), ("thanks", 3), ("thank you", 3), ("good morning", 3),
        ("good night", 3), ("bye", 3), ("goodbye", 3), ("ok", 1), ("okay", 1), ("cool", 1.5), ("great", 1),
        ("how are you", 3), ("lol", 2),
    ],
    "out_of_domain": [
        ("天气", 4), ("下雨", 3), ("菜谱", 4), ("做菜", 3.5), ("怎么做饭", 4), ("食谱", 4), ("足球", 4),
        ("篮球", 3.5), ("比赛", 2), ("电影", 3.5), ("音乐", 2.5), ("彩票", 4), ("股票", 3.5), ("笑话", 4),
        ("星座", 4), ("游戏攻略", 4), ("明星", 3), ("旅游", 3), ("景点", 3.5), ("减肥", 3.5), ("恋爱", 3.5),
        ("写诗", 3.5), ("诗歌", 3), ("作业", 2.5), ("数学题", 3.5), ("编程", 3), ("几点了", 3.5), ("星期几", 3.5),
        ("weather", 4), ("rain", 2.5), ("recipe*", 4), ("cook", 2.5), ("cooking", 2), ("football", 4),
        ("soccer", 4), ("basketball", 4), ("nba", 4), ("movie*", 3.5), ("film*", 2), ("song*", 2.5),
        ("music", 2.5), ("lottery", 4), ("stock price*", 3.5), ("bitcoin", 3.5), ("crypto", 3), ("joke*", 4),
        ("horoscope", 4), ("poem", 3.5), ("homework", 3), ("girlfriend", 3), ("boyfriend", 3),
        ("vacation", 3), ("celebrity", 3), ("who won", 3), ("capital of", 3), ("what time is it", 4),
        ("比特币", 4), ("加密货币", 4), ("数字货币", 3.5), ("炒股", 4), ("基金", 2), ("理财", 3.5), ("高铁", 3.5),
        ("火车票", 4), ("机票", 4), ("车票", 3.5), ("订票", 3.5), ("酒店", 3), ("餐厅", 3.5), ("饭店", 3), ("美食", 3),
        ("个税", 4), ("个人所得税", 4), ("房贷", 4), ("买房", 3.5), ("租房", 3.5), ("考研", 4), ("高考", 4),
        ("相亲", 4), ("健身", 3.5), ("感冒", 3.5), ("挂号", 3.5), ("看病", 3.5), ("电视剧", 3.5), ("追剧", 4),
        ("小说", 3), ("写一首", 3.5), ("忘记密码", 4), ("重置密码", 4), ("找回密码", 4),
        # finding trading partners: matchmaking, not what a rule requires
        ("找客户", 4), ("找买家", 4), ("找进口商", 4), ("介绍客户", 4), ("进口商名单", 4),
        ("find buyers", 4), ("find importers", 4), ("find distributors", 4), ("find me buyers", 4),
        ("hotel*", 3.5), ("flight*", 3), ("train ticket*", 4), ("restaurant*", 3.5), ("stock market", 3.5),
        ("netflix", 4), ("haiku", 4), ("poetry", 3.5), ("write me a", 2.5), ("champions league", 4),
        ("world cup", 3.5), ("reset my", 3), ("forgot my password", 4), ("forgot password", 4),
        ("lose weight", 4), ("dating", 3),
    ],
}
_DOMAIN_INTENTS = ("requirements", "notification", "alerts", "cases", "report", "rules", "subscribe")
_PRIORITY = (
    "alerts", "report", "subscribe", "notification", "cases", "requirements", "rules", "help",
    "smalltalk", "out_of_domain",
)
# "Notification" is what RASFF calls its alerts as well as what the WTO calls members' drafts; a
# question naming one system and not the other means that system's records.
_SYSTEM_NEUTRAL = frozenset({"通报", "notification", "notifications", "notified"})
_ALERT_SYSTEMS = frozenset({"rasff"})
_WTO_SYSTEMS = frozenset({"wto", "tbt", "sps", "wto通报", "tbt通报", "sps通报"})
# Regular-expression cues for what a substring list cannot say.
SERVICE_OVER_CUE = 0.5  # what a request for a service no record answers weighs beyond a decisive cue
DECISIVE_CUE = 4.0  # the weight of one cue that decides the intent alone (被…通报, 扣货, a dispute number)
_REGEX_CUES: list[tuple[re.Pattern[str], str, float]] = [
    (re.compile(r"被.{1,8}?(?:通报|扣|退运|拒)"), "alerts", 4.0),
    # a notification about goods from China ("欧盟对中国猪肠衣通报过什么问题"): a rejection or alert;
    # a WTO notification is about a measure, and says its system ("对中国产品的TBT通报")
    (re.compile(r"对(?:中国|我国|国产)(?:(?!技术|法规|措施|标准|世贸)[\u4e00-\u9fff]){1,10}?通报"), "alerts", 4.0),
    (re.compile(r"第\s*[0-9一二三四五六七八九十百]+\s*条"), "rules", 2.5),
    (re.compile(r"\barticle\s+\d+", re.I), "rules", 2.5),
    (re.compile(r"\bwhat\s+does\b.{1,80}?\bsay\b", re.I), "rules", 1.5),
    # "What did the EU complain about": someone else's complaint, i.e. a dispute
    (re.compile(r"\b(?:did|has|have|had)\s+(?!i\b|we\b)[\w.' ]{1,30}?\bcomplain\b", re.I), "cases", 4.0),
    (re.compile(r"有新(?:的)?.{0,10}(?:告诉我|通知我|提醒我)"), "subscribe", 3.5),
    # "日本在WTO告过韩国", "去世贸起诉": one member taking another to dispute settlement
    (re.compile(r"(?:wto|世贸|世界贸易组织)\s*(?:上|里|那边|那里)?\s*(?:告|起诉|诉|申诉)", re.I), "cases", 3.5),
    (re.compile(r"案号|案件编号"), "cases", 3.0),
    # "what do we concretely need?", "do we still need…": the "what do I need" cue said by a firm
    (re.compile(r"\bwhat\s+(?:else\s+)?(?:do|does|would|will)\s+(?:we|our\s+\w+|they|you)\s+(?:\w+\s+)?need\b"
                r"|\b(?:do|does)\s+(?:we|our\s+\w+)\s+(?:\w+\s+)?need\b", re.I), "requirements", 2.5),
    # "Did Japan take Korea to the WTO", "a WTO case", "when were consultations requested": a dispute
    (re.compile(r"\b(?:take|takes|took|taken|taking|bring|brings|brought|drag(?:ged)?)\b[^.?!]{1,40}?\bto\s+(?:the\s+)?wto\b|"
                r"\bwto\s+(?:case|dispute|complaint|challenge)s?\b|\bconsultations?\s+(?:were\s+|was\s+)?requested\b|"
                r"\brequest(?:ed|ing)?\s+consultations\b", re.I), "cases", 4.0),
]
# A request to compose something (a poem, a song, a story) is off-topic beyond doubt, whatever goods
# it names ("帮我写一首关于大蒜丰收的诗"): unlike other off-topic cues, a product named does not
# halve it.
_COMPOSE_REQUEST = re.compile(
    r"写\s*(?:一|几)?\s*(?:首|篇|段|个)[^，。？?！!]{0,20}?(?:诗|歌|故事|小说|作文|笑话)|作\s*(?:一|几)?\s*首[^，。？?！!]{0,12}?诗"
    r"|\b(?:write|compose)\s+(?:me\s+)?(?:a|an|some)\s+(?:\w+\s+)?(?:poem|song|story|haiku|limerick|joke)s?\b", re.I)

# services the assistant does not give, whatever market or goods they name: finding trading
# partners, choosing or pricing a vendor (lab, forwarder), sums done for the asker (the duty a
# shipment saves), freight and exchange rates, visas
_NOT_OUR_SERVICE = re.compile(
    r"(?:找|介绍|推荐|联系)(?:几|一些|一下)?(?:个|家|位)?[^，。？?！!]{0,10}?(?:客户|买家|进口商|经销商|分销商|采购商|代理商)"
    r"|(?:推荐|最便宜|便宜|哪家)[^，。？?！!]{0,8}?(?:实验室|检测机构|认证机构|货代|咨询公司|顾问|代理|律师|律所)"
    # whether to go to law against a trading partner, and with which firm: legal advice, not a rule
    r"|(?:要不要|该不该|应不应该|是否应该)(?:去)?(?:起诉|告(?![知诉示]))(?!.{0,6}(?:wto|世贸))|\bshould\s+(?:we|i)\s+(?:sue|take\s+(?:them|\w+)\s+to\s+court|go\s+to\s+(?:court|arbitration))\b"
    r"|\b(?:would|should)\s+you\s+(?:hire|use|pick|choose|go\s+with)\b"
    r"|(?:帮我|帮忙|给我|替我)(?:算|计算|核算|估算|预估|估(?:一)?个数|估一下)|\b(?:can|could|would)\s+you\s+(?:calculate|compute|work\s+out|estimate)\b"
    # a product formulation made up for the asker ("给个具体配方", not "标签上要写配方吗")
    r"|(?:给|帮)(?:我|我们)(?:出|设计|写|开)?(?:一个|个|一份|份|一套|套)?(?:具体的?|详细的?)?配方"
    r"|给(?:一)?个(?:具体的?|详细的?)?配方|(?:设计|开)(?:一个|个|一份|份|一套|套)(?:具体的?|详细的?)?配方"
    r"|(?:海运费|运费|运价|汇率|结汇|换汇|(?:办|商务|旅游|工作|入境|出国)签证)"  # not 签证机构 (certificate issuing)
    r"|\b(?:find|connect)\s+(?:me|us)\b[^.?!]{0,30}?\b(?:buyers?|distributors?|importers?|customers?|clients?|partners?)\b"
    r"|\b(?:find|recommend)\s+(?:a\s+few|some|several|potential|new)\s+(?:\w+\s+){0,3}?"
    r"(?:buyers?|distributors?|importers?|customers?|clients?)\b|\bintroduce\s+(?:me|us)\s+to\b"
    r"|\b(?:cheapest|cheap|recommend(?:ed)?|suggest(?:ed)?)\b[^.?!]{0,30}?\b(?:labs?|laborator(?:y|ies)|test(?:ing)?\s+hous(?:e|es)|forwarders?|"
    r"consultants?|consultanc(?:y|ies)|agents?|services?|providers?|firms?|compan(?:y|ies)|bod(?:y|ies)|certifiers?|lawyers?|attorneys?)\b"
    r"|\b(?:labs?|laborator(?:y|ies)|forwarders?|bod(?:y|ies)|certifiers?|consultants?|agents?)\b[^.?!]{0,30}?\b(?:cheapest|cheaper)\b"
    # "just name a German notified body that'll do it cheaply": a vendor picked for the asker
    r"|\bname\s+(?:me\s+|us\s+)?(?:a|an|one|some|a\s+few)\s+(?:\w+\s+){0,3}?(?:labs?|laborator(?:y|ies)|bod(?:y|ies)|certifiers?|"
    r"consultants?|agents?|forwarders?|compan(?:y|ies)|firms?)\b|\b(?:quickly\s+and\s+)?cheaply\b"
    r"|\b(?:freight|shipping|container|going)\s+rates?\b|\bexchange\s+rates?\b|\bvisas?\b"
    # what goods sell for: a market price, which no rule or record states
    r"|\bprices?\s+(?:per|a)\s+(?:kg|kilo(?:gram)?|tonne|ton|unit|piece|container)\b"
    # what a trade buyer pays per unit of the goods (a duty or fee the asker pays is a rule's)
    r"|\b(?:buyers?|importers?|supermarkets?|wholesalers?|retailers?|customers?)\s+(?:\w+\s+){0,2}?pay\s+"
    r"(?:\w+\s+){0,2}?(?:per|a)\s+(?:kg|kilo(?:gram)?|tonne|ton)\b"
    r"|市场价|收购价|(?:什么|啥)价(?:格|位|钱)?|价格(?:是)?多少|多少钱一(?:公斤|斤|吨|个|件)"
    # a currency's rate and hedging it: "the USD/CNY rate", "should we hedge our receivables"
    r"|\b(?:usd|cny|rmb|eur|gbp|jpy)\s*/\s*(?:usd|cny|rmb|eur|gbp|jpy)\b|\bhedg(?:e|ing)\b", re.I)
# a promise of what an authority or a marketplace will do: nobody's sources can give one
_ASKS_PROMISE = re.compile(
    r"(?:你|您)(?:能|可以|敢)(?:不能)?(?:保证|担保|打包票)|\b(?:can|could|will|would)\s+you\s+(?:guarantee|promise)\b", re.I)


# a forecast of what an authority or a market will do next: no record says, whatever it names
_ASKS_FORECAST = re.compile(
    r"\bwhat\s+will\b[^.?!]{0,40}?\bbe\s+(?:by|in|at the end of)\s+(?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december|\d{4}|next|the end)\b|"
    r"\b(?:will|going to|gonna)\b[^.?!]{0,60}?\b(?:next (?:year|month|quarter|time|round)|the next\b|again|"
    r"in the future|any time soon|(?:a|the) (?:second|third) time|ever)\b|\bwhat will\b[^.?!]{0,40}?\bprices?\b"
    r"|(?:明年|今后|将来|未来|下(?:个)?月|下半年|以后)[^，。？?！!]{0,12}?(?:会不会|还会|会把|会再|会有|是否会|能不能恢复|能否恢复)"
    r"|什么时候(?:能|会|才能|才会)(?:恢复|解禁|放开|重新开放|解除|取消)|(?:你|您)估计"
    r"|(?:你|您)(?:觉得|认为|看|预计)[^，。？?！!]{0,12}?(?:会不会|还会|会再|是否会)"  # 你觉得欧盟还会不会再推迟一次
    # what happens next to a price or a case: "what's going to happen to oak prices", "能赢吗"
    r"|\bwhat(?:'s| is)?\s+(?:going to|gonna|will)\s+happen\b|\b(?:will|going to)\b[^.?!]{0,40}?\bprices?\b"
    r"|(?:能|会)(?:不能|不会)?赢(?:吗|下来|官司)|赢得了吗|胜诉的?(?:可能|把握|机会)"
    r"|\b(?:will|would|could|can)\s+(?:china|we|they|the\s+\w+)\s+win\b|\bchances?\s+of\s+winning\b"
    # asked outright to predict ("帮我预测一下明年的关税", "can you forecast the duty rate")
    r"|(?:帮我|给我|请)?预测一下|(?:你|您)(?:能|可以)?预测|\b(?:predict|forecast)\b", re.I)
# a judgement asked for: who was right, which market pays better; the records hold facts, not views
_ASKS_OPINION = re.compile(
    r"\bwho\s+(?:was|is|were)\s+(?:in\s+the\s+)?right\b|\bwho\s+(?:was|is)\s+(?:to\s+blame|at\s+fault)\b"
    r"|\b(?:was|is)\s+(?:it|that|the\s+(?:ruling|ban|measure|decision))\s+(?:fair|unfair|justified)\b"
    r"|\bin\s+your\s+(?:opinion|view)\b|\bmore\s+profitable\b|\bprofit\s+margins?\b"
    r"|谁(?:对|有理|更有理|占理)|(?:你|您)(?:觉得|认为|看)[^，。？?！!]{0,20}?(?:哪(?:个|边|方)[^，。？?！!]{0,12}?(?:更|好|对)|公平|合理吗|对不对)"
    # whether to go to law, asked as a view ("你觉得中国要不要也去WTO告欧盟？"); not whether a rule
    # applies ("你觉得我们要不要做CE认证" asks what the rules require)
    r"|(?:你|您)(?:觉得|认为|看)[^，。？?！!]{0,8}?(?:要不要|该不该|应不应该|应该不应该|值不值得|有没有必要)[^，。？?！!]{0,20}?"
    r"(?:告|起诉|申诉|打官司|诉讼)"
    r"|\b(?:do|would)\s+you\s+(?:think|say|recommend)\b[^.?!]{0,30}?\bshould\b[^.?!]{0,30}?"
    r"\b(?:sue|take\s+\w+\s+to|file\s+(?:a\s+)?(?:dispute|case|complaint)|challenge)\b|\bwhat(?:'s| is)\s+your\s+(?:view|take)\b"
    r"|利润(?:更)?(?:高|大|好)|(?:更|最)赚钱", re.I)


def asks_forecast(text: str) -> bool:
    """The message asks what will happen next ("Will the EU postpone it a third time?", 明年会不会…):
    the records say what was decided, never what will be."""
    return bool(_ASKS_FORECAST.search(text[:_CLASSIFY_CHARS]))


# the name of a company in an alert: RASFF and China Customs publish none (a forecast of nothing)
_ASKS_COMPANY = re.compile(
    r"\bnames?\s+of\s+(?:the\s+)?(?:\w+\s+){0,2}?(?:importers?|exporters?|compan(?:y|ies)|firms?|suppliers?|"
    r"manufacturers?|operators?|brands?|traders?)\b"
    r"|\b(?:which|what)\s+(?:compan(?:y|ies)|firms?|importers?|exporters?|brands?|suppliers?|manufacturers?|factor(?:y|ies))\s+"
    r"(?:was|were|is|are|got|shipped|sent|made|produced|exported)\b|\b(?:our|my)\s+(?:company|firm|brand|factory)\s+(?:was\s+|is\s+|being\s+)?"
    r"(?:named|mentioned|listed)\b|\b(?:named|mentioned|listed)\s+(?:our|my)\s+(?:company|firm|brand|factory)\b"
    r"|(?:公司|企业|进口商|出口商|厂家|工厂|品牌)(?:的)?(?:名字|名称|叫什么|是哪家)|是哪(?:几)?(?:家|个)(?:公司|企业|进口商|出口商|工厂|厂家?)|哪(?:几)?(?:家|个)(?:公司|企业|进口商|出口商|工厂|厂家?)被"
    r"|(?:点名|提到|写了|列出)(?:了)?(?:我们|我司|我们公司|我们的?厂)", re.I)
_ALERT_TALK = re.compile(r"alerts?|rasff|notif|reject|通报|预警|退运|拒|扣留", re.I)
_FORM_TALK = re.compile(r"\b(?:forms?|fields?|boxe?s?|fill(?:ing)?)\b|填|栏|表格?", re.I)  # a name written on a form


def asks_company_name(text: str, alerts_talk: bool = False) -> bool:
    """The message asks which company an alert named ("give me the name of the Portuguese importer
    in those alerts", 被通报的是哪家公司): alerts name goods, hazards and countries, never firms."""
    head = text[:_CLASSIFY_CHARS]
    return bool(_ASKS_COMPANY.search(head)) and not _FORM_TALK.search(head) and (
        alerts_talk or bool(_ALERT_TALK.search(head)))


def asks_opinion(text: str) -> bool:
    """The message asks for a judgement ("who was in the right, the EU or China?", 哪个市场利润更高)."""
    return bool(_ASKS_OPINION.search(text[:_CLASSIFY_CHARS]))


def asks_promise(text: str) -> bool:
    """The message asks the assistant to promise an outcome ("can you guarantee customs won't hold it")."""
    return bool(_ASKS_PROMISE.search(text[:_CLASSIFY_CHARS]))


class _CueMatcher:
    """Finds cue words: Chinese by longest substring, English by longest run of whole words.

    A scan, not one big regular expression: hundreds of alternatives tried at every position cost
    milliseconds, a dictionary probe per position costs microseconds.
    """

    _WORD_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

    def __init__(self, cues: dict[str, list[tuple[str, float]]]) -> None:
        self.zh: dict[str, tuple[str, float]] = {}
        self.zh_first: dict[str, int] = {}
        # first word -> [(words, last word is a prefix, intent, weight)], longest first
        self.en: dict[str, list[tuple[tuple[str, ...], bool, str, float]]] = {}
        self.en_star_heads: set[str] = set()
        for intent, items in cues.items():
            for cue, weight in items:
                if any("\u4e00" <= ch <= "\u9fff" for ch in cue):
                    key = cue.lower()
                    self.zh[key] = (intent, weight)
                    self.zh_first[key[0]] = max(self.zh_first.get(key[0], 0), len(key))
                    continue
                star = cue.endswith("*")
                words = tuple(cue.rstrip("*").lower().split())
                self.en.setdefault(words[0], []).append((words, star, intent, weight))
                if star and len(words) == 1:
                    self.en_star_heads.add(words[0])
        for rows in self.en.values():
            rows.sort(key=lambda r: -len(r[0]))

    def scan(self, low: str) -> list[tuple[str, str, float]]:
        """(cue, intent, weight) for each cue the text holds, once however often it is said."""
        out: dict[str, tuple[str, str, float]] = {}
        i, n = 0, len(low)
        while i < n:
            longest = self.zh_first.get(low[i])
            step = 1
            if longest:
                for size in range(min(longest, n - i), 1, -1):
                    hit = self.zh.get(low[i : i + size])
                    if hit:
                        out.setdefault(low[i : i + size], (low[i : i + size], *hit))
                        step = size
                        break
            i += step
        words = [(m.group(0), m.start(), m.end()) for m in self._WORD_RE.finditer(low)]
        j = 0
        while j < len(words):
            matched = self._match_en(low, words, j)
            if matched:
                size, intent, weight = matched
                cue = " ".join(w for w, _, _ in words[j : j + size])
                out.setdefault(cue, (cue, intent, weight))
                j += size
            else:
                j += 1
        return list(out.values())

    def _match_en(self, low: str, words: list[tuple[str, int, int]], j: int) -> tuple[int, str, float] | None:
        word = words[j][0]
        rows = list(self.en.get(word, ()))
        for k in range(3, len(word)):
            if word[:k] in self.en_star_heads:
                rows.extend(self.en[word[:k]])
        best: tuple[int, str, float] | None = None
        for cue, star, intent, weight in rows:
            size = len(cue)
            if j + size > len(words) or (best and size <= best[0]):
                continue
            ok = True
            for t in range(size):
                w = words[j + t][0]
                last = t == size - 1
                if not (w == cue[t] or (last and star and w.startswith(cue[t]))):
                    ok = False
                    break
                if t and not low[words[j + t - 1][2] : words[j + t][1]].isspace():
                    ok = False
                    break
            if ok:
                best = (size, intent, weight)
        return best


_CUE_MATCHER = _CueMatcher(_CUES)


def intent_words() -> frozenset[str]:
    """The one-word cues of the domain intents (认证, 被通报, dispute, certification...): words that
    say what kind of answer is wanted rather than what it is about. Search gives them little weight
    when judging how much of a question a record covers."""
    out: set[str] = set()
    for intent in ("requirements", "notification", "alerts", "cases", "report", "subscribe", "rules"):
        for cue, _ in _CUES[intent]:
            word = cue.rstrip("*").lower()
            if " " not in word and word not in _TOPIC_CUES:
                out.add(word)
    return frozenset(out)


# Cues that also name a topic (a scheme, a kind of requirement): they keep their full weight.
_TOPIC_CUES = frozenset(
    str.split(
    """rohs ukca ce mrl mrls tacp stc eping epng rasff wto tbt sps label labels labelling labeling
    marking registration recall recalls testing lab labs laboratory 标签 标识 注册 备案 残留 召回 检测 测试
    实验室 检测机构 认证机构 许可证 限量 限值 征集表 特别贸易关注 咨询点 超标 不合格 检出
    limit limits maximum ban banned exemption 上限 禁止 豁免"""
    )
)

def topic_cue(word: str) -> bool:
    """A cue word that also names the topic ("limit", 限量, RoHS): it keeps its full weight."""
    return word in _TOPIC_CUES


# UNCTAD/MAST non-tariff-measure hints.
_NTM_CUES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"认证|发证|certif|ce\s*mark|ce认证|\bce\b|\bfcc\b|ukca|\bccc\b|\bsaso\b|\beac\b", re.I), "B83"),
    (re.compile(r"标签|唛头|label", re.I), "B31"),
    (re.compile(r"标志|标记|\bmarking\b", re.I), "B32"),
    (re.compile(r"包装|packag", re.I), "B33"),
    (re.compile(r"检测|测试|实验室|test|laborator", re.I), "B82"),
    (re.compile(r"注册|备案|registration|register|listing", re.I), "B81"),
    (re.compile(r"验厂|验货|检验|inspection|factory audit", re.I), "B84"),
    (re.compile(r"追溯|溯源|traceab", re.I), "B85"),
    (re.compile(r"许可|授权|licen[cs]e|authori[sz]ation|pre-?approval", re.I), "B1"),
    (re.compile(r"有害物质|限用物质|restricted substance|hazardous substance|rohs|reach|svhc|重金属|heavy metal", re.I), "B2"),
    (re.compile(r"能效|能耗|energy efficiency|ecodesign|eco-design|安全要求|safety requirement", re.I), "B7"),
    (re.compile(r"生产过程|生产工艺|production process", re.I), "B4"),
    (re.compile(r"残留|农残|\bmrls?\b|residue|污染物|contaminant|黄曲霉|aflatoxin|添加剂|additive", re.I), "A2"),
    (re.compile(r"熏蒸|热处理|fumigat|heat treatment", re.I), "A5"),
]


# "德国通报的", "flagged by Hungary": an EU member state notifies rejections through RASFF; WTO
# notifications come from the EU itself
_NOTIFIED_AFTER = re.compile(
    r"\s*(?:当局|主管部门|海关|那边|方面)?\s*(?:有没有|是否|曾经?|也|又|还|都)?\s*(?:通报|预警|扣|拒)|\s*对[^，,。？?！!和与及]{1,20}?通报"  # 荷兰对中国花生的通报
    r"|\s*(?:customs\s+|authorities\s+)?(?:(?:keeps?|kept)\s+)?"
    r"(?:reject(?:ed)?|notif(?:y|ied)|flag(?:ged)?|detain(?:ed)?|stop(?:ped)?|refuse[d]?|seize[d]?|finding|found)\b"
    r"(?!\s+bod(?:y|ies)\b)",  # (a "German notified body" certifies; it notifies nothing)
    re.I)  # "did Belgium notify", "has Spain rejected"
_NOTIFIED_BEFORE = re.compile(r"(?:flagged|notified|rejected|reported|detained|stopped)\s+(?:by|in|at)\s+(?:the\s+)?$", re.I)
# "our client in Finland rejected the lot": the place of a customer, not the authority that notified
_CUSTOMER_BEFORE = re.compile(r"(?:client|customer|buyer|importer|distributor)s?\s+(?:in|from)\s+(?:the\s+)?$", re.I)
_EU_MEMBER_STATES = frozenset(bloc_members("EU"))
# a question asking which country notified (within the EU: a member state, so a RASFF alert)
_WHICH_NOTIFIED = re.compile(r"哪(?:一)?(?:个|些)?(?:国家|国|成员国)(?:[^，。？?]{0,4})通报"
                             r"|\bwhich (?:eu )?(?:member states?|countr(?:y|ies)) (?:notified|flagged|reported)\b", re.I)


def _member_notified(text: str, m: Any) -> bool:
    """A member state named as the one that notified or stopped the goods (a RASFF alert)."""
    if m.market.code not in _EU_MEMBER_STATES:
        return False
    before = text[max(0, m.start - 40):m.start]
    if _CUSTOMER_BEFORE.search(before):
        return False
    return bool(_NOTIFIED_AFTER.match(text, m.end) or _NOTIFIED_BEFORE.search(before))


def notifying_members(text: str) -> set[str]:
    """The EU member states a message names as the ones that notified or stopped goods ("荷兰通报的",
    "flagged by Hungary"), not those named as a customer's or a shipment's place ("意大利那边有客户")."""
    return {m.market.code for m in find_markets(text) if _member_notified(text, m)}


def _without_goods(folded: str, products: list[str]) -> str:
    """The message with the goods it names blanked out: "phone cases" asks nothing of past cases."""
    for p in sorted(products, key=len, reverse=True):
        if " " in p.strip():  # a one-word product is the cue itself as often as not ("report")
            folded = re.sub(re.escape(p.lower()), " " * len(p), folded)
    return folded


def _classify(
    folded: str, refs: list[RefMatch], has_market: bool, has_product: bool, member_notified: bool = False
) -> tuple[str, float, dict[str, float]]:
    scores: dict[str, float] = dict.fromkeys(_PRIORITY, 0.0)
    if member_notified:
        scores["alerts"] += DECISIVE_CUE
    cues = _CUE_MATCHER.scan(folded[:_CLASSIFY_CHARS])
    said = {cue for cue, _, _ in cues}
    for cue, intent, weight in cues:
        if intent == "notification" and cue in _SYSTEM_NEUTRAL and _ALERT_SYSTEMS & said and not _WTO_SYSTEMS & said:
            intent = "alerts"  # "RASFF里有没有通报过": RASFF's alerts are notifications too
        scores[intent] += weight
    for rx, intent, weight in _REGEX_CUES:
        if rx.search(folded, 0, _CLASSIFY_CHARS):
            scores[intent] += weight
    cue_domain = max(scores[i] for i in _DOMAIN_INTENTS)
    kinds = {r.kind for r in refs}
    if "symbol" in kinds:
        scores["notification"] += 4
    if "rasff" in kinds:
        scores["alerts"] += 4
    if "dispute" in kinds:
        scores["cases"] += 4
    if kinds & {"eu_act", "cfr", "gacc"}:
        scores["rules"] += 1.5
    domain = any(scores[i] > 0 for i in _DOMAIN_INTENTS) or has_market or has_product or bool(refs)
    if has_market or has_product:
        base = 2.0 if (has_market and has_product) else 1.2
        if cue_domain < 1.5:
            scores["requirements"] += base
    if domain:
        scores["smalltalk"] = 0.0
        scores["out_of_domain"] *= 0.5
        best_domain = max(scores[i] for i in _DOMAIN_INTENTS)
        helps = [c for c, i, _ in cues if i == "help"]
        if best_domain >= scores["help"] or _asks_beyond_greeting(folded, helps):
            scores["help"] = 0.0  # "can you help me with the EU toy rules?" asks about the rules
    if (_COMPOSE_REQUEST.search(folded, 0, _CLASSIFY_CHARS) or _NOT_OUR_SERVICE.search(folded, 0, _CLASSIFY_CHARS)
            or asks_promise(folded)):
        # a service asked for outweighs one decisive domain cue of its setting ("万一被通报了，损失你帮我估个数？")
        scores["out_of_domain"] += DECISIVE_CUE + SERVICE_OVER_CUE
    if scores["smalltalk"] and _asks_beyond_greeting(folded, [c for c, i, _ in cues if i == "smalltalk"]):
        scores["smalltalk"] = 0.0  # "ok so when exactly can we file the extension request?": a question
    ranked = sorted(_PRIORITY, key=lambda i: (-scores[i], _PRIORITY.index(i)))
    top = ranked[0]
    t = scores[top]
    if t <= 0:
        # nothing recognisable: treat it as a general question about the rules, with little trust
        return "rules", 0.2, {k: round(v, 2) for k, v in scores.items() if v}
    u = scores[ranked[1]]
    conf = (1 - math.exp(-t / 2)) * (t / (t + u))
    return top, round(min(conf, 0.97), 3), {k: round(v, 2) for k, v in scores.items() if v}


SMALLTALK_REST = 4  # words a message says besides its greeting that make it a question (en; zh counts 2 per word)


def _asks_beyond_greeting(folded: str, greetings: list[str]) -> bool:
    """The message goes on, past "ok" / "thanks" / "你好", to ask something of its own."""
    rest = folded.lower()
    for g in greetings:
        rest = rest.replace(g.lower(), " ")
    latin = len(re.findall(r"[a-z]{2,}", rest))
    han = len(re.findall(r"[\u4e00-\u9fff]", rest))
    return latin + han / 2 >= SMALLTALK_REST and is_interrogative(rest)


# --- language ----------------------------------------------------------------------------------

_LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")


# what a question quotes rather than says: a Chinese reference or title inside an English
# question ("What does 海关总署公告〔2024〕150号 require?") does not make it a Chinese question
_QUOTED_RE = re.compile(
    r"(?:海关总署)?公告\s*[〔\[［(（]\s*20\d{2}\s*[〕\]］)）]\s*\d{1,4}\s*号|《[^》]{1,80}》|“[^”]{1,80}”|"
    + refgrammar.GACC_LOOSE_RE.pattern + "|" + _GACC_ORDER_RE.pattern.replace("(?P<n>", "(?:")
)


def _unquoted(text: str) -> str:
    """The question without the references and titles it quotes (unless that leaves nothing)."""
    rest = _QUOTED_RE.sub(" ", text)
    return rest if re.search(r"[A-Za-z\u4e00-\u9fff]{2,}", rest) else text


def _language(folded_original: str, original: str) -> tuple[Language, Literal["zh", "en"]]:
    han, trad = count_scripts(original)
    letters = 0
    any_latin = False
    for m in _LATIN_WORD_RE.finditer(folded_original):
        word = m.group(0)
        any_latin = True
        uppers = sum(1 for ch in word if ch.isupper())
        if uppers >= 2 or (len(word) == 1):
            continue  # acronyms and single letters (LED, FCC, RoHS, G/TBT/N) say little
        letters += len(word)
    if han == 0:
        if letters or any_latin:
            return "en", "en"
        return "zh-Hans", "zh"
    share = 3 * han / (3 * han + letters)
    if share < 0.3:
        return "en", "en"
    hant = trad >= 2 or (trad >= 1 and trad / han >= 0.1)
    if share <= 0.7:
        return "mixed", "zh"
    return ("zh-Hant" if hant else "zh-Hans"), "zh"


# --- entry point -------------------------------------------------------------------------------

# what a rejection was for, said as its cause ("因为农药残留被通报", "rejected because of additives"):
# a hazard, not the goods, whatever tariff line shares its word (农药 3808, 添加剂 2309); goods said
# after the cause, with their problem after them, stay goods ("因为茶叶农残超标")
_CAUSE_AFTER = re.compile(r"^\s*(?:残留|超标|含量|污染|问题)?\s*(?:被|遭|而|导致|[,，。?？]|$)")
_CAUSE_BEFORE = re.compile(r"(?:因为|由于|因|\bbecause\s+of|\bdue\s+to)\s*(?:含有|含|有|检出|查出|使用了?|添加了?|加了)?\s*$", re.I)


def named_as_cause(text: str, word: str | None) -> bool:
    """Every place `word` stands in `text` is a cause: right after one ("因为添加剂被通报"), with
    nothing but its kind of problem before the clause goes on."""
    if not word:
        return False
    places = [m.start() for m in re.finditer(re.escape(word), text, re.I)]
    return bool(places) and all(_CAUSE_BEFORE.search(text[max(0, p - 20):p])
                                and _CAUSE_AFTER.match(text[p + len(word):p + len(word) + 8]) for p in places)


def analyze(text: str, vocab: ProductVocabulary | None = None, agreements: Sequence[str] = ()) -> QueryAnalysis:
    """Analyse one message. Never raises on odd input; an empty message is smalltalk. `agreements`:
    the free-trade partners the corpus names, for an agreement said in short ("中尼自贸协定")."""
    text = text if isinstance(text, str) else ("" if text is None else str(text))
    head = text[:_MAX_CHARS]
    folded = fold(head)
    normalized = normalize(head)
    said = _unquoted(head)
    language, answer_language = _language(fold(said), said)

    if vocab is None:
        vocab = ProductVocabulary.load()
    candidates = [c for c in vocab.lookup(head, k=5) if not named_as_cause(head, c.matched)]
    hs = [asdict(c) for c in candidates]
    products: list[str] = []
    for c in candidates:
        word = c.matched
        if c.confidence >= PRODUCT_SIGNAL and word and word not in products and not any(ch.isdigit() for ch in word):
            products.append(word)

    refs = _find_refs(folded, hs)

    codes: list[str] = []
    member_notified = False
    for m in find_markets(head):
        if m.market.code not in codes:
            codes.append(m.market.code)
        member_notified = member_notified or _member_notified(head, m)
    for r in refs:
        if r.kind == "symbol" and r.core:
            member = r.core.split("/")[3]
            member = _SYMBOL_MEMBERS.get(member, member)
            if get_market(member) and member not in codes:
                codes.append(member)
    if not refs and ("EU" in codes or set(codes) & _EU_MEMBER_STATES) and _WHICH_NOTIFIED.search(head):
        # "欧盟…的通报，是哪个国家通报的？": within the EU, member states notify RASFF alerts; the EU
        # notifies the WTO as one member
        member_notified = True
    if not [c for c in codes if c != "CHN"]:
        codes.extend(c for c in agreement_markets(head, agreements) if c not in codes)
    if len(codes) > 1 and "CHN" in codes:
        codes.remove("CHN")  # China is where the exporter is, not the market asked about
    named = bool(codes)
    for r in refs:
        implied = _REF_MARKETS.get(r.kind)
        if implied and implied not in codes:
            codes.append(implied)
    if not codes:
        for rx, code in _SCHEME_MARKETS:
            if rx.search(folded) and code not in codes:
                codes.append(code)

    has_product = any(c.confidence >= PRODUCT_SIGNAL for c in candidates)
    scores: dict[str, float] = {}
    if not normalized:
        intent, conf = "smalltalk", 0.3
    else:
        intent, conf, scores = _classify(_without_goods(folded.lower(), products), refs, named, has_product,
                                         member_notified)

    hints: list[str] = []
    for rx, code in _NTM_CUES:
        if rx.search(folded) and code not in hints:
            hints.append(code)

    return QueryAnalysis(
        text=text,
        normalized=normalized,
        language=language,
        answer_language=answer_language,
        markets=codes,
        markets_expanded=expand_markets(codes),
        hs=hs,
        products=products,
        refs=[r.value for r in refs],
        ref_details=refs,
        intent=intent,  # type: ignore[arg-type]
        intent_confidence=conf,
        intent_scores=scores,
        ntm_hints=hints,
    )
