"""What kind of reply a question expects, in Chinese or English.

The offline composer opens with the sentence that answers the question's form: a date for
"when", a figure for "how much", the act or article for "which number", the reason for "why".
The form is read from the question's own wording (a handful of interrogative patterns per
language), never from the retrieved records.
"""

from __future__ import annotations

import re
from typing import Literal, TypeVar

Form = Literal["status", "which", "when", "why", "allowed", "how_much", "who", "must", "list", "what"]
FORMS: tuple[Form, ...] = ("status", "which", "when", "why", "allowed", "how_much", "who", "must", "list", "what")

# Checked in this order: the more specific form wins ("哪些要求" is a list, "哪一条" a number,
# "什么时候废止的" a date, "还有效吗" a status).
_PATTERNS: list[tuple[Form, re.Pattern[str]]] = [
    ("when", re.compile(
        r"什么时候|何时|哪天|哪一天|几号(?:起|开始|生效)|哪年|几月|日期|截止|从何时|自何时|"
        r"(?:何时|什么时候|哪天)?(?:起|开始)(?:实施|适用|生效|执行)|生效时间|实施时间|"
        # "when" that opens a clause asks; after other words it joins one ("is it shorter when a
        # patient died?", "what happens when…")
        r"(?:^|[,;:?.!(\-–—]\s*|\b(?:and|or|but|so|then|since|by|from|until|till|me|us|know|ask(?:ed|ing)?|"
        r"wonder(?:ing)?|sure|out|is|was|exactly|just|date)\s+)when\b|\bwhen\s+(?:exactly|precisely|is|are|was|were|do|does|did|will|would|can|could|should|must|has|have|had|"
        r"shall|may)\b|"
        r"\bwhat date\b|\bwhich date\b|\bdeadline\b|\bby when\b|"
        r"\bdue date\b|\beffective date\b|\bcome into (?:force|effect)\b", re.I)),
    ("status", re.compile(
        r"(?:还|仍然?|现在|目前)(?:是否)?(?:有效|适用|生效|在用)|是否(?:仍然?|还)?有效|有效吗|失效|废止|作废|过时|"
        r"\bstill (?:in force|valid|applies|apply|applicable|current)\b|\bin force\b|\brepealed\b|"
        r"\bout of date\b|\bsuperseded\b|\bno longer (?:valid|applies)\b|\bstill (?:there|in place|exists?|around)\b|"
        r"(?:还|仍然?)(?:在吗|存在吗?|保留吗?)", re.I)),
    ("how_much", re.compile(
        # (编号是多少 asks for an identifier: "which")
        r"(?<![编案文码型报]号)(?<![编案文码型报]号是)多少|多高|多大|多重|多长|多久|有效期|期限|限量|限值|上限|下限|最高|最低|最大|最多|不超过|几毫克|几瓦|"
        r"(?<![第前近这那去头好])几[回次遍趟个种项批家条起年天周]|"  # (not 前几年, 这几条: the past few, those few)
        r"几小时|哪几[种个项条家批]|"
        r"\bhow (?:much|many|high|low|long|large|big|soon|fast|quickly|often|far|heavy)\b|\bwhat (?:is the )?(?:limit|maximum|minimum|level|"
        r"threshold|fee|amount)\b|\bwhat(?:'s| is| are)?(?: the)? (?:[a-z]+ )?(?:import |customs |anti-dumping )?"
        r"(?:tariffs?|duty|duties)\b|\bwhat (?:share|percentage|proportion|fraction|ratio|rate|per ?cent)\b|比例|百分之几|占比|\blimits?\b|\bmaximum\b|\bminimum\b|\bthreshold\b|\bmg/kg\b|\bppm\b|"
        r"\bcost\b|\bde minimis\b|\bexempt(?:ed|ion)?\b|豁免|起征点|门槛", re.I)),
    ("why", re.compile(
        r"为什么|为何|原因|因为什么|什么问题|什么危害|什么理由|怎么回事|被通报.{0,6}(?:因为|原因)|"
        r"\bwhy\b|\bwhat (?:was|is) the (?:problem|reason|issue|hazard)\b|\breason\b|\bbecause of what\b|"
        r"\bwhat went wrong\b|\bwhat(?:'s| is| was) wrong\b|出了什么问题|有什么问题", re.I)),
    ("allowed", re.compile(
        r"能不能|能否|可不可以|可以.{0,12}吗|(?:还|仍然?|现在还?|是否还?|我们还?|我司还?)能(?=[\u4e00-\u9fff]{1,8}吗)|允许|是否(?:可以|能|允许|禁止)|禁止|禁用|不得|合法吗|行不行|"
        r"\bis it (?:allowed|permitted|legal|banned|prohibited)\b|\bcan (?:i|we|you)\b|\bmay (?:i|we)\b|"
        r"\ballowed\b|\bpermitted\b|\bbanned\b|\bprohibited\b", re.I)),
    ("which", re.compile(
        r"哪(?:一)?条|哪个(?:[A-Za-z]{2,6}\s*)?(?:法规|条款|条|指令|通报|公告|标准|争端|案)|第几条|几号|编号|文号|通报号|案号|"
        r"哪部|哪项|是哪个(?!机构|部门|单位|实验室)|叫什么|第几[类级次届批阶]|哪一?[类级]|"
        r"\bwhich (?:(?:wto|tbt|sps|eu|us|uk|fda|fcc|gacc|ec|specific|exact|particular)\s+)?"
        r"(?:article|annex|regulation|directive|act|notification|standard|law|rule|dispute|number|"
        r"category|class|meeting|level|stage)\b|"
        r"\bwhat (?:article|number|symbol|regulation|directive)\b|\bwhich one\b|\bnumber\b", re.I)),
    # who does it: a body, an authority, a party ("who notifies the drafts", "哪个机构管")
    ("who", re.compile(
        r"谁|由谁|哪个(?:机构|部门|单位|实验室)|哪些(?:机构|部门|单位|实验室)|哪家|什么(?:机构|部门|单位)|"
        r"\bwho(?:'s|m)?\b|\b(?:which|what) (?:authority|authorities|body|bodies|agency|agencies|labs?|laboratory|"
        r"laboratories|organi[sz]ations?|ministry|department|office|institute)\b", re.I)),
    ("list", re.compile(
        r"有哪些|哪些|列出|清单|列表|都有什么|\blist\b|\bwhich (?:ones|rules|regulations|products)\b|"
        r"\bwhat are (?:the|all)\b|\ball the\b", re.I)),
    ("must", re.compile(
        r"需要(?:做|满足|什么|哪些)|要做什么|怎么办|怎么做|如何|应该|应当|必须|要求|义务|准备什么|需要.{0,6}认证|"
        r"\bwhat (?:do|must|should) (?:i|we)\b|\bhow (?:do|can|should) (?:i|we)\b|\bmust\b|\bneed to\b|"
        r"\brequirements?\b|\bobligations?\b|\bhave to\b|\bwhat (?:do|does) .{1,40} need\b", re.I)),
]


# Words that ask about the answer without making a form of their own: how a matter ended, and the
# verb of a "when" question (哪年提起的, 什么时候发布的); search weighs them like the forms' words.
_ASKED = re.compile(
    r"(?:最后|最终)?结果(?:怎么样|怎样|如何|是什么)|最后怎么样|最终怎么样|怎么(?:结案|收场|判的?)|"
    r"(?<=哪年|哪天|何时)(?:提起|提出|发起|起诉|发布|出台|开始)|(?<=什么时候)(?:提起|提出|发起|起诉|发布|出台|开始)|"
    r"\bhow did (?:it|that|this|the case|the dispute) end\b|\bwhat (?:was|is) the (?:outcome|result)\b|"
    r"\bhow (?:did|does) it stand\b", re.I)


# asks which article, annex or paragraph says something ("法规哪一条规定的？", "which article requires it?")
_ASKS_PROVISION = re.compile(
    r"哪(?:一)?(?:条|款|项条款)|第几条|哪个(?:条款|附件|章节)|哪一(?:章|节)|"
    r"\b(?:which|what)\s+(?:article|annex|provision|paragraph|section|clause)s?\b|\bunder\s+which\s+article\b", re.I)


def asks_provision(question: str | None) -> bool:
    """The question asks for the provision that says it, not for what it says."""
    return bool(_ASKS_PROVISION.search(question or ""))


_T = TypeVar("_T")


def _first_match(table: list[tuple[_T, re.Pattern[str]]], text: str, default: _T) -> _T:
    """The label of the first pattern in `table` that `text` matches (tables are checked in order)."""
    return next((label for label, rx in table if rx.search(text)), default)


# a clause that sets the scene before the question proper ("When the FCC changes its rules, who
# notifies the drafts?", "如果退运了，费用谁出？"): its "when" or "if" asks nothing
_SCENE_HEAD = (r"(?:(?:when|whenever|if|once|after|before|while|as soon as)\s+(?!(?:does|do|did|is|are|was|were|will|"
               r"would|can|could|must|should|shall|has|have|had)\b)|当|如果|一旦|假如)")
_SCENE = re.compile(rf"^\s*{_SCENE_HEAD}[^,?，？]{{2,80}}[,，]\s*", re.I)
_SCENE_PIECE = re.compile(rf"^\s*{_SCENE_HEAD}[^?？]*$", re.I)


def question_form(question: str | None) -> Form:
    """The form of `question`; "what" when nothing more specific is asked."""
    q = (question or "").strip()
    scene = _SCENE.match(q)
    if scene and is_interrogative(q[scene.end():]):
        q = q[scene.end():]
    return _first_match(_PATTERNS, q, "what") if q else "what"


Moment = Literal["start", "publish", "end", ""]

# Which moment a "when" question asks about: when a rule starts to apply, when it was published
# or notified, or until when it runs. Checked in this order ("这个通报什么时候生效" asks when it
# applies); "" when the question does not say.
_MOMENTS: list[tuple[Moment, re.Pattern[str]]] = [
    ("end", re.compile(
        r"截止|到期|有效期|到什么时候|到哪天|为止|过渡期|最晚|最迟|\buntil\b|\btill\b|\bexpir|\bdeadline\b|"
        r"\bat the latest\b|\bno later than\b|\bby when\b|\bdue\b|"
        r"\bvalid (?:for|until|through)\b|\bhow long\b|\bcomment", re.I)),
    ("start", re.compile(
        r"开始|实施|施行|生效|执行|适用|落地|(?:哪天|何时|什么时候|几号|日期)起|\bstart|\bbegin|\bcommenc|"
        r"\btakes? effect\b|\bcome into (?:force|effect)\b|\bin force\b|\beffective\b|\bappl(?:y|ies|icable)\b|"
        r"\bimplement|\benforc|\bkicks? in\b|\bfrom when\b|\bsince when\b", re.I)),
    ("publish", re.compile(
        r"发布|公布|出台|印发|颁布|通报(?:的|了|日期|时间)|签发|下发|提起|提出|\bpublish(?:ed|es|ing)?\b|\bissued?\b|"
        r"\bannounc(?:e|ed|es|ing)\b|\breleased?\b|\badopted\b|\bnotif(?:y|ied|ies)\b|\bcirculated\b|\bsigned\b|"
        r"\bfiled\b|\brequested\b", re.I)),
]


def moment_asked(question: str | None) -> Moment:
    """The moment a "when" question asks about ("从哪天开始执行" -> start, "哪天发布的" -> publish,
    "valid until when" -> end); "" when it does not say which."""
    return _first_match(_MOMENTS, question or "", "")


def form_spans(question: str) -> list[tuple[int, int]]:
    """Where the question says what form of answer it wants (几回, 什么时候, why, how many): words
    about the answer, not about the topic, which search weighs like intent cues."""
    rxs = [rx for _, rx in _PATTERNS] + [_ASKED]
    return [(m.start(), m.end()) for rx in rxs for m in rx.finditer(question or "") if m.end() > m.start()]


# Where one message asks a further question: after a question mark, or before a new English
# wh-clause ("When did it start, what's the threshold, and how long is it valid?").
_ASK_SPLIT = re.compile(
    r"(?<=[？?])\s*|[,;，；]\s*(?:and\s+|or\s+)?(?=(?:what|when|how|which|why|who|where|is|are|can|could|do|does|"
    r"did|must|should)\b)", re.I)
MIN_ASK = 4  # Chinese characters (or two words) a piece needs to be a question of its own


def asks(question: str | None) -> list[str]:
    """The questions one message asks, in order ("多久能办好？每年还要交什么？" -> two); the whole
    message when it asks one. Each is answered by its own sentence."""
    q = (question or "").strip()
    parts: list[str] = []
    carry = ""
    for p in (p.strip() for p in _ASK_SPLIT.split(q) if p and p.strip()):
        lead_in = not parts and not carry and (not is_interrogative(p) or bool(_SCENE_PIECE.match(p)))
        p = f"{carry} {p}".strip() if carry else p
        # "Also," joins what follows it; so does a first piece that asks nothing ("In the first
        # addendum to the notification, when were …")
        # and a condition joins the question it conditions ("And if customs refuses it, where do we report that?")
        carry = "" if _asks_something(p) and not lead_in and not _conditions(p) else p
        if not carry and parts and _tells(p):
            parts[-1] = f"{parts[-1]} {p}"  # "Our bag is quite small.": context for the question before
        elif not carry:
            parts.append(p)
    if carry and parts:
        parts[-1] = f"{parts[-1]} {carry}"
    return parts if len(parts) > 1 else [q]


_INTERROGATIVE = re.compile(
    r"[？?]|\b(?:what|what's|when|how|which|why|who|whom|where|whether)\b|吗|呢|什么|哪|几|多少|怎么|如何|是否"
    r"|(?:^|[.!;:]\s+)(?:is|are|was|were|can|could|do|does|did|must|should|will|would|may|has|have)\s", re.I)


def is_interrogative(text: str) -> bool:
    """The text asks something: a question mark, a question word, or a verb that opens a question."""
    return bool(_INTERROGATIVE.search(text))


_REQUEST = re.compile(r"^\s*(?:please|pls|list|tell|explain|give|show|describe|name|summari[sz]e|compare|"
                      r"请|列出|说明|告诉|介绍|解释|比较|总结)", re.I)


_CONDITION = re.compile(r"^(?:(?:and|but|so)\s+)?(?:if|unless|in case|suppose)\b|^(?:那)?(?:如果|要是|假如|万一|若)", re.I)


def _conditions(piece: str) -> bool:
    """The piece is a condition that asks nothing itself ("And if customs refuses our certificate")."""
    return not is_interrogative(piece) and bool(_CONDITION.match(piece))


def _tells(piece: str) -> bool:
    """The piece states something (asks nothing and requests nothing): "Our bag is quite small."."""
    return not is_interrogative(piece) and not _REQUEST.match(piece)


def _asks_something(piece: str) -> bool:
    han = sum(1 for ch in piece if "\u4e00" <= ch <= "\u9fff")
    return han >= MIN_ASK or len(re.findall(r"[A-Za-z0-9]+", piece)) >= 2


_ELLIPTIC = re.compile(r"呢\s*[？?]?$|^(?:and )?(?:what|how) about\b|^(?:and )?what if\b|^如果|^那", re.I)


def ask_forms(question: str | None) -> list[tuple[str, Form]]:
    """Each question of the message with its form; an elliptic one ("如果是死亡呢", "what about
    fatal ones?") asks in the form of the one before it."""
    out: list[tuple[str, Form]] = []
    for part in asks(question):
        form = question_form(part)
        if form == "what" and out and _ELLIPTIC.search(part.strip()):
            form = out[-1][1]
        out.append((part, form))
    return out


_LATEST = re.compile(
    r"\b(?:the )?(?:most recent|latest|newest|last)(?: one| alert| rejection| notification| case)?\b(?! (?:few|years?|months?))|"
    r"最近(?:的)?(?:一|那)(?:次|条|个|批)|最新(?:的)?(?:一|那)?(?:次|条|个|批)|最后(?:一|那)(?:次|条|个|批)", re.I)


def asks_latest(question: str | None) -> bool:
    """The question points at the single newest record ("which country notified the most recent
    one?", "最近一次是什么时候"), not at recent ones in general ("最近有没有被通报过")."""
    return bool(_LATEST.search(question or ""))


_RECENT = re.compile(r"最近|近期|近来|这段时间|\brecent(?:ly)?\b|\blately\b|\bthese days\b", re.I)


def asks_recent(question: str | None) -> bool:
    """The question asks about recent records ("最近有没有通报…", "any recent alerts?")."""
    return bool(_RECENT.search(question or ""))


def coerce_form(value: object, question: str | None) -> Form:
    """`ctx["form"]` when it is a known form, else the form read from the question."""
    if isinstance(value, str) and value in FORMS:
        return value  # type: ignore[return-value]
    return question_form(question)


__all__ = ["FORMS", "Form", "Moment", "ask_forms", "asks", "asks_latest", "asks_provision", "asks_recent", "coerce_form", "form_spans",
           "moment_asked", "question_form"]
