"""Reading a message in the light of the conversation so far.

"那美国呢?" keeps the product and switches the market; "第二条详细说说" opens citation 2; a bare
market or product answers the clarifying question asked just before.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.retrieve.analyze import DECISIVE_CUE, PRODUCT_SIGNAL
from assistant.retrieve.markets import market_codes

_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_CITATION_PATTERNS = [
    re.compile(r"第\s*([0-9]{1,2}|[一二两三四五六七八九十])\s*(?:条|个|项|点|篇|份|号来源|来源)"),
    re.compile(r"^\s*\[\s*([0-9]{1,2})\s*\]\s*$"),
    re.compile(r"(?:more|detail|details|expand|open|explain|elaborate)\b.*?(?:\[|#|no\.?\s*|number\s*|source\s*|item\s*)\s*([0-9]{1,2})\b", re.I),
    re.compile(r"(?:\[|#)\s*([0-9]{1,2})\s*\]?.*?(?:more|detail|详细|展开|具体)", re.I),
    re.compile(r"(?:详细|展开|具体).{0,6}?\[?\s*([0-9]{1,2})\s*\]?"),
]
_LISTED_ZH = r"其中|这几条|那几条|那条|这条"  # items of the last answer's list, in Chinese
_FOLLOWUP_CUES = re.compile(
    r"^(那|那么|还有|换成|如果是|如果出口|要是)|呢[？?！!。.\s]*$|^(what|how) about\b|^and\b|^(for|to|in) the\b|^same (for|in)\b"
    # a return to an earlier subject of the conversation ("Back to the peanuts:", "回到花生：")
    r"|^(?:(?:ok(?:ay)?|so|now),?\s*)?(?:going |coming |getting )?back to\b|^(?:再)?(?:回到|说回|回头说)"
    # a pronoun for the conversation's product, as the question's object ("... for them?",
    # "它们呢", "这个产品")
    r"|\b(?:for|about|on|of|with|to) (?:them|it|these|those)\s*[?？.!]*$|\b(?:this|that|such) products?\b"
    # or as the object of the question's verb ("Which countries notified them?")
    r"|\b(?:them|these|those)\s*[?？.!]*$"
    # some of what the last answer listed ("How many of those were notified by Sweden?", "And the
    # Belgian one?", "瑞士那条是什么农药？", 其中几条)
    rf"|\b(?:of|among) (?:those|them|these)\b|\bthe [a-z]+ ones?\s*[?？.!]*$|{_LISTED_ZH}"
    # or opens with it ("the most recent one — who notified it?", "the second one: what hazard?")
    r"|^(?:and\s+)?(?:the|that|this)\s+(?:[a-z]+\s+){0,2}ones?\b"
    r"|(?<!其)它们?[呢吗]?[？?。]*$|这个产品|该产品|这类产品|这种产品"
    # the same question of another market, and the same goods sold there too ("same idea there?",
    # "we also ship some to Japan", 也出口日本, 一样吗)
    r"|\bsame (?:idea|thing|question|story|rules?|requirements?|deal|situation)\b|\bthere (?:too|as well)\b"
    r"|\balso (?:ship|sell|export|send)s?\b|(?:也|还)(?:出口|卖到?|发到?|销往)|一样吗|也一样|同样的要求"
    # one more of the kind under discussion, on other goods ("They also had one on fresh lemons?")
    r"|\b(?:also|another)\b(?:\s+\w+){0,2}?\s+one\s+(?:on|about|over|for|against|with)\b",
    re.I)
_START_REPORT = re.compile(
    r"^\s*(开始(填写)?(壁垒)?报告|开始填写(壁垒报告)?|开始|我要(报告|反映|举报|投诉|填报)(贸易)?(壁垒)?|报告(贸易)?壁垒|填写征集表|填报"
    r"|start(\s+a)?(\s+barrier)?\s+report|file\s+a\s+(barrier\s+)?report|report\s+a\s+(trade\s+)?barrier|start|begin report)\s*[。.!！]?\s*$",
    re.I,
)
_YES = re.compile(r"^\s*(好|好的|是|是的|可以|行|嗯|ok|okay|yes|yep|sure|please do|go ahead)\s*[。.!！]?\s*$", re.I)


# words that may surround "第二条" / "[2]" in a request to open a source ("详细说说", "tell me more")
_REQUEST_FILLER = re.compile(
    r"详细|说说|说一下|讲讲|讲一下|展开|具体|介绍|一下|内容|来源|呢|吗|吧|的|看看|打开|请|再|多|告诉我|是什么"
    r"|\b(?:tell|me|more|about|please|details?|expand|open|explain|elaborate|on|the|source|item|number|no"
    r"|show|what|does|say|says|of|in|it|to)\b|[\s\W\d_]",
    re.I,
)


def citation_request(text: str) -> int | None:
    """The citation number the user asks to open, or None.

    "第二条详细说说", "[2]", "tell me more about [2]" open source 2; "MDR第52条" or "玩具指令第2条是什么"
    name an article of a law, so anything beyond request words makes it a question, not a request.
    """
    t = text.strip()
    if len(t) > 60:
        return None
    for pat in _CITATION_PATTERNS:
        m = pat.search(t)
        if m:
            rest = _REQUEST_FILLER.sub("", t[: m.start()] + " " + t[m.end():])
            if len(rest) > 2:
                return None
            raw = m.group(1)
            n = _CN_NUM.get(raw) if raw in _CN_NUM else int(raw)
            return n
    return None


def text_language(text: str) -> str | None:
    """zh when the message has Chinese characters, en when it has only Latin words, else None."""
    if re.search(r"[\u4e00-\u9fff]", text):
        return "zh"
    if re.search(r"[A-Za-z]{2,}", text):
        return "en"
    return None


def leaves_market(hit_markets: list[str], topic: dict[str, Any]) -> bool:
    """The record a question read alone finds is for none of the conversation's markets, or (goods
    into China) for another origin: a user who changes market or origin names the new one, so a
    question that names none is still about the old."""
    held = set(topic.get("markets") or []) | set(topic.get("markets_expanded") or [])
    if held and hit_markets and not held & set(hit_markets):
        return True
    # goods into China from where the talk said: China Customs' text for another origin is another's
    origins = set(topic.get("origins") or []) - {"CHN"}
    others = set(hit_markets) - {"CHN"}
    return bool(origins and "CHN" in held and others and not origins & others)


def is_short(text: str) -> bool:
    t = text.strip()
    cjk = sum(1 for ch in t if "\u4e00" <= ch <= "\u9fff")
    return (cjk and len(t) <= 24) or (not cjk and len(t.split()) <= 8)


_RETURN = re.compile(r"^(?:(?:ok(?:ay)?|so|now),?\s*)?(?:going |coming |getting )?back to\b|^(?:再)?(?:回到|说回|回头说)",
                     re.I)
HISTORY = 6  # topics kept for a return to an earlier subject


def returns_to(text: str, analysis: dict[str, Any], history: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The earlier topic a return ("回到印度，…", "Back to the self-printing:") goes back to: the
    latest before the current one whose market, goods or words the message names; its slots, not
    the current topic's, fill what the message leaves out."""
    if not _RETURN.search(text.strip()) or len(history) < 2:
        return None
    low = text.lower()
    markets = set(analysis.get("markets") or [])
    products = {str(p).lower() for p in analysis.get("products") or []}
    for past in reversed(history[:-1]):
        places = set(past.get("markets") or []) | set(past.get("origins") or [])  # "our own Tanzanian shipment"
        if (markets & places or products & {str(p).lower() for p in past.get("products") or []}
                or any(len(str(w)) >= 2 and str(w).lower() in low for w in past.get("words") or [])):
            return past
    return None


# the asker says the question is a new one: "Different question: …", "换个话题" ("another question"
# and 再问一个 may well go on with the same subject)
_AFRESH = re.compile(r"^\W*(?:(?:ok(?:ay)?|so|also|now),?\s*)?(?:a\s+)?(?:different|separate|unrelated|new)\s+"
                     r"(?:question|topic|subject|matter)\b|^\W*(?:on\s+)?(?:an?\s+)?unrelated\s+note\b|^\W*changing\s+the\s+subject\b"
                     r"|^\W*(?:换个|另一个|别的|不相关的)(?:问题|话题)|^\W*题外话", re.I)


def starts_afresh(text: str) -> bool:
    return bool(_AFRESH.search(text))


def looks_like_followup(text: str) -> bool:
    return bool(_FOLLOWUP_CUES.search(text.strip()))


def wants_report(text: str) -> bool:
    return bool(_START_REPORT.match(text.strip()))


def is_yes(text: str) -> bool:
    return bool(_YES.match(text))


DOC_INTENTS = frozenset({None, "rules", "cases", "notification", "requirements", "smalltalk", "help"})


# "that case", "this notification", "there", 这个案子, 该公告: the question points back at the document
_REFERS_BACK = re.compile(
    r"\b(?:that|this|these|those|the same|the said|the original|the earlier|the previous) (?:[a-z-]+ ){0,2}(?:case|dispute|notification|announcement|"
    r"regulation|directive|rule|act|law|measure|document|one|proposal|form|requirement)s?\b|\bthere\s*[?？.!]*$|"
    r"\bin (?:it|that)\s*[?？.!]*$|\b(?:on|in) the form\b|"
    r"(?:这个|那个|这一|该|此)(?:案子|案件|案|争端|通报|公告|法规|规定|条例|指令|措施|文件|提案|表格|表)|^(?:表里|表中|表格里)",
    re.I)

# the kind of document a pointing phrase names ("this announcement", 这个公告), as record types
_POINTED_KINDS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (re.compile(r"announcement|公告", re.I), frozenset({"announcement"})),
    (re.compile(r"case|dispute|案|争端", re.I), frozenset({"case", "dispute"})),
    (re.compile(r"notification|通报", re.I), frozenset({"notification"})),
    (re.compile(r"regulation|directive|act\b|law|法规|条例|指令", re.I), frozenset({"regulation", "document"})),
    (re.compile(r"\bform\b|表", re.I), frozenset({"form"})),
)


def pointed_document(text: str, cited: list[dict[str, Any]]) -> str | None:
    """The record a pointing phrase names by its kind ("这个公告什么时候实施？"), among those the last
    answer cited, when the talk has no single document yet: the first cited of that kind."""
    m = _REFERS_BACK.search(text)
    if m is None:
        return None
    kinds = next((k for rx, k in _POINTED_KINDS if rx.search(m.group(0))), None)
    if kinds is None:
        return None
    return next((str(c.get("ref")) for c in cited if c.get("type") in kinds and c.get("ref")), None)


# "the irradiation one", "the Dutch one", "那条辐照的": one of the records just cited, by a trait
_THE_ONE = re.compile(r"\bthe ([a-z0-9][a-z0-9\- ]{1,30}?) one\b|(?:那个|那条|那份|那起)([\u4e00-\u9fff]{2,8}?)的", re.I)


def pointed_by_trait(text: str, cited: list[dict[str, Any]], rows: dict[str, dict[str, Any]]) -> str | None:
    """The record of the last answer a follow-up singles out by what it is about ("the
    irradiation one - who notified it and when?"): the first cited whose fields hold every word
    of the trait."""
    m = _THE_ONE.search(text)
    if m is None or not cited:
        return None
    trait = m.group(1) or m.group(2) or ""
    words = [w for w in re.split(r"[\s\-]+", trait.lower()) if w]
    # "the Spanish one", "那条西班牙的": the one that country notified (or is about)
    codes = set(market_codes(trait.title() if trait.isascii() else trait)) - {"EU"}
    for c in cited:
        ref = str(c.get("ref") or "")
        row = rows.get(ref) or {}
        blob = " ".join(str(v) for v in row.values()).lower()
        if words and all(w in blob for w in words):
            return ref
        if codes and codes <= set(row.get("markets") or []):
            return ref
    return None


# one or some of what the last answer listed ("the latest one", "those", 最新那条, 其中)
_OF_THOSE = re.compile(r"\b(?:latest|most recent|newest|oldest|earliest|first|last|those|them)\b|\bthe [a-z]+ ones?\b"
                       rf"|最新|最近(?:的)?(?:一|那)[条次批]|{_LISTED_ZH}", re.I)


# asked of one alert, in the singular: who notified it, what was found ("是哪个国家通报的？查出了啥？",
# "Which country notified it and what did they find?"); not of many ("哪些国家", "which countries")
_OF_ONE_ALERT = re.compile(r"哪(?:一)?个(?:国家|成员国)|哪国|谁通报|查出(?:了)?(?:啥|什么)|检出(?:了)?(?:啥|什么)|什么问题"
                           r"|\bwhich (?:country|member state)\b|\bwho (?:notified|flagged|reported)\b"
                           r"|\bwhat (?:was|did they) (?:found|find)\b|\bwhat was (?:wrong|the problem|the hazard)\b", re.I)
_OF_MANY = re.compile(r"哪些|几个|多少|\bwhich countries\b|\bhow many\b|\ball\b", re.I)


def asks_of_one_alert(text: str, analysis: dict[str, Any], topic: dict[str, Any] | None) -> bool:
    """A short question in rejection talk, naming no goods, market or record, asked of the one alert
    the last answer led with (the topic's document)."""
    return (bool((topic or {}).get("doc")) and analysis.get("intent") == "alerts" and is_short(text)
            and bool(_OF_ONE_ALERT.search(text)) and not _OF_MANY.search(text)
            and not (analysis.get("refs") or names_goods(analysis) or set(analysis.get("markets") or []) - {"CHN"}))


def refers_back(text: str) -> bool:
    """The question points at the document just discussed ("the status of that case", "there")."""
    return bool(_REFERS_BACK.search(text))


# a pronoun standing for what the last answer was about ("when did that kick in?", "is it still in
# force?", "这个什么时候开始的？")
_DEICTIC = re.compile(r"\b(?:that|it|this)\b(?! (?:product|products|goods|item|one of))|(?:这个|那个|它|该规定|这规定)", re.I)


def points_at_last_answer(text: str, analysis: dict[str, Any], topic: dict[str, Any]) -> bool:
    """A follow-up that names nothing of its own and points back, short with a pronoun or at "that
    one": it asks about what the last answer led with (its first citation), however weakly its
    words match that text."""
    return ((is_short(text) and bool(_DEICTIC.search(text))) or refers_back(text)) and (
        topic.get("intent") != "alerts"
        and not (analysis.get("refs") or analysis.get("markets") or names_other_goods(analysis, topic))
        and analysis.get("intent") in DOC_INTENTS)


def document_followup(text: str, analysis: dict[str, Any], topic: dict[str, Any] | None,
                      parties: frozenset[str] = frozenset(), relevant: bool = False) -> str | None:
    """The document a follow-up that names nothing else is about ("Who was the complainant?",
    "中国当时怎么应对的？", "What's the status of that case in your data?" after an answer about one
    notification or dispute), else None. It is short or points back at the document, or the
    document is `relevant` to it read alone ("how many documents do we submit and how long does
    customs take?" after the farm-filing rules); the markets it names are the document's own
    (`parties`: "Did Japan invoke Article 5.7 there?" after Japan v Korea). A question of another
    kind (how to report, subscribe, rejections) stands alone, unless only a weak cue made it one
    ("submit" read as reporting) and the document answers it."""
    doc = (topic or {}).get("doc")
    if not doc or not (is_short(text) or refers_back(text) or relevant):
        return None
    if analysis.get("intent") not in DOC_INTENTS and not (relevant and not _decisive(analysis)):
        return None
    if analysis.get("refs") or _new_markets(analysis, parties) or names_other_goods(analysis, topic):
        return None
    return str(doc)


def names_other_goods(analysis: dict[str, Any], topic: dict[str, Any] | None) -> bool:
    """The message names goods other than the conversation's ("toy regulation" after plush toys
    names the same goods; "and for ceramic mugs?" others)."""
    if not names_goods(analysis):
        return False
    held = [str(p).lower() for p in (topic or {}).get("products") or []]
    own = [str(p).lower() for p in analysis.get("products") or []]
    return not (own and held and all(any(o in h or h in o for h in held) for o in own))


def names_goods(analysis: dict[str, Any]) -> bool:
    """The message names goods: a product, or an HS code the analysis is sure of. A weak guess from
    tariff words ("production and traceability records" ~ HS 8519) is no new subject."""
    return bool(analysis.get("products")) or any(
        float(c.get("confidence") or 0) >= PRODUCT_SIGNAL for c in analysis.get("hs") or [])


def _decisive(analysis: dict[str, Any]) -> bool:
    """The follow-up's own intent rests on a cue that decides it alone (被通报, rejected, a
    dispute number), however many weaker cues compete ("有没有被欧盟通报的案例？")."""
    scores = analysis.get("intent_scores") or {}
    return float(scores.get(str(analysis.get("intent")), 0.0)) >= DECISIVE_CUE


def may_be_about_document(text: str, analysis: dict[str, Any], topic: dict[str, Any] | None,
                          parties: frozenset[str] = frozenset()) -> bool:
    """Whether a longer follow-up could be about the document under discussion: there is one, and
    the question names no act, market or goods of its own (China, the actor, and the document's own
    parties do not count: "which pests exactly is China worried about?") and asks nothing of another
    kind outright (how to report, subscribe); search says whether it is."""
    if analysis.get("intent") not in DOC_INTENTS and _decisive(analysis):
        return False  # "how do we report it in China?": a question of another kind, said outright
    return bool((topic or {}).get("doc")) and not (is_short(text) or refers_back(text)) and not (
        analysis.get("refs") or _new_markets(analysis, parties) or names_other_goods(analysis, topic))


def _new_markets(analysis: dict[str, Any], parties: frozenset[str]) -> set[str]:
    """Markets a follow-up names besides China (the actor: "中国当时…") and the document's parties."""
    return set(analysis.get("markets") or []) - {"CHN"} - parties


_TOPIC_INTENTS = frozenset({"requirements", "notification", "alerts", "cases", "rules"})


def names_nothing(text: str, analysis: dict[str, Any]) -> bool:
    """A short question that names nothing of its own: no goods, document or market but China (the
    actor: "How did China respond?", "中国怎么应对的？") and no word search could use. In a
    conversation it can only be about what the talk is about. The words are the searcher's
    (`topic_words`, Searcher.topical_words); without them nothing is known to be missing."""
    return (is_short(text) and analysis.get("intent") in _TOPIC_INTENTS
            and "topic_words" in analysis and not analysis["topic_words"]
            and not analysis.get("refs") and not names_goods(analysis)
            and not set(analysis.get("markets") or []) - {"CHN"})


def merge_topic(analysis: dict[str, Any], topic: dict[str, Any] | None, text: str) -> tuple[dict[str, Any], bool]:
    """Fill what a short follow-up leaves out from the previous topic; returns (analysis, merged?)."""
    if not topic or analysis.get("refs"):
        return analysis, False
    shortened = _shortened(analysis, topic)
    if shortened:  # "这类餐具" after 密胺餐具, "the earphones" after Bluetooth earphones: the same goods
        analysis = {**analysis, "products": list(topic.get("products") or []), "hs": topic.get("hs") or []}
    bare = names_nothing(text, analysis)
    follow = bare or looks_like_followup(text)
    if not (is_short(text) or follow):
        return analysis, shortened
    has_market = bool(set(analysis.get("markets") or []) - ({"CHN"} if bare else set()))
    has_product = names_goods(analysis)
    if has_market and has_product:
        if follow and topic.get("intent") in ("alerts", "cases") and not _decisive(analysis):
            # "And the EU duties on Chinese shoes?" while talking about disputes: still disputes
            return {**analysis, "intent": topic["intent"]}, True
        return analysis, shortened
    if not has_market and not has_product and not follow:
        return analysis, False
    merged = dict(analysis)
    filled = False
    if not has_product and (topic.get("hs") or topic.get("products")):  # goji: goods no tariff line names
        merged["hs"] = topic.get("hs", [])
        merged["products"] = topic.get("products", [])
        filled = True
    if not has_product and topic.get("words") and follow and is_short(text) and (
            has_market or not (topic.get("hs") or topic.get("products"))
            or (topic.get("intent") == "alerts" and _OF_THOSE.search(text))):
        # (one of the rejections just listed: "who notified the latest one?" after matrine in green
        # tea means the latest matrine alert, the hazard being part of the subject)
        # "frozen food" that no product list knows; and what the talk is about besides goods and
        # market ("GSP certificates" for furniture) when only the market changes ("What about Russia?"),
        # not when a longer turn says what it is about ("for the EU pack, how many allergens…?")
        merged["carried_words"] = list(topic["words"])
        filled = True
    if not has_market and topic.get("markets") and (bare or not analysis.get("markets")):
        merged["markets"] = topic.get("markets", [])
        merged["markets_expanded"] = topic.get("markets_expanded", [])
        filled = True
    # a request that is off-topic beyond doubt ("写一首关于大蒜的诗") stays off-topic, whatever it names
    weak = analysis.get("intent") in (None, "rules", "smalltalk", "help") or (
        analysis.get("intent") == "out_of_domain" and not _decisive(analysis)) or (
        float(analysis.get("intent_confidence") or 0) < 0.6 and not _decisive(analysis))
    if weak and topic.get("intent") == "report" and has_market and not has_product:
        filled = True  # "What if my company is in the US?" after asking how to report: whose form
    # "What about pumpkin seeds from China?" while talking about rejections: still rejections,
    # unless the turn says outright what else it wants
    same_kind = follow and topic.get("intent") in ("alerts", "cases") and not _decisive(analysis)
    filled = filled or same_kind
    if not filled:  # "欧盟零毁林法规什么时候适用？" after another question: a new question, not a follow-up
        return analysis, shortened
    # "which country notified the latest one?" while talking about rejections: RASFF calls its alerts
    # notifications too, so a verb that alone made it a WTO-notification question does not
    rasff_talk = topic.get("intent") == "alerts" and analysis.get("intent") == "notification" and not _decisive(analysis)
    if (weak or rasff_talk or same_kind) and topic.get("intent"):
        merged["intent"] = topic["intent"]
    return merged, True


def _shortened(analysis: dict[str, Any], topic: dict[str, Any]) -> bool:
    """Every product the turn names is the conversation's product said shorter, by its head
    (餐具 of 密胺餐具, earphones of Bluetooth earphones): the same goods, not new ones."""
    new = [str(p).lower() for p in analysis.get("products") or []]
    old = [str(p).lower() for p in topic.get("products") or []]
    return bool(new and old) and all(any(o != n and o.endswith(n) for o in old) for n in new)


TOPIC_SLOTS = ("intent", "hs", "products", "markets", "markets_expanded")


def next_topic(topic: dict[str, Any] | None, analysis: dict[str, Any], topical: list[str],
               doc: str | None = None, origins: set[str] | None = None) -> dict[str, Any]:
    """The conversation's slots after a turn: what the turn named replaces its slot (a product its
    HS codes and name together), what it left out stays, so a later follow-up can change any one.
    `doc` is the document the turn was about (a symbol, act or dispute it quoted); `origins` where
    the goods come from, when the turn said ("Chinese peanuts"): not a market."""
    out = {k: (topic or {}).get(k) for k in (*TOPIC_SLOTS, "words", "doc", "origins")}
    if origins or (analysis.get("markets") and analysis.get("markets") != out["markets"]):
        # a country named anew replaces where goods came from; the market carried on keeps it
        out["origins"] = sorted(origins or ())
    if doc or names_goods(analysis) or analysis.get("markets"):
        out["doc"] = doc  # a new subject ends talk about the previous document
    if names_goods(analysis):
        out["hs"], out["products"] = analysis.get("hs") or [], analysis.get("products") or []
    if analysis.get("markets"):
        out["markets"] = analysis.get("markets") or []
        out["markets_expanded"] = analysis.get("markets_expanded") or []
    if analysis.get("intent"):
        out["intent"] = analysis["intent"]
    # a market's name or the code a carried query gave it ("australia", "AUS") is the market slot's,
    # not what the talk is about: kept, it would pull the old market back into a question on another
    codes = {str(m).upper() for m in [*(out["markets"] or []), *((topic or {}).get("markets") or [])]}
    words = [w for w in topical if not ((len(w) == 3 and w.upper() in codes) or market_codes(w))]
    if words:
        out["words"] = words[:6]
    return out
