"""Sentences of a passage, and the one that answers a question.

A passage (an article of a regulation, a summary, a requirement) is split into sentences in
either language without cutting inside "No 1275/2008", "Art. 5" or "1.00 W". Each sentence is
scored against the question's words (English word stems, Chinese character pairs) and its form:
a date counts for "when", a figure with a unit for "how much", a prohibition for "is it
allowed". The composer quotes the winner as written, so the reply is never invented.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from assistant.index.tokenize import cut_words
from assistant.retrieve.measures import MONEY
from assistant.retrieve.question_form import Form, Moment

MAX_SENTENCE = 420  # a "sentence" longer than this is a list run together: cut at a clause

_CJK = "\u3400-\u9fff\uf900-\ufaff"
_ABBREV = re.compile(
    r"(?:\b(?:No|Nos|Art|Arts|e\.g|i\.e|etc|cf|vs|para|approx|incl|Dr|Mr|Ms|St|Co|Ltd|Inc|Reg|Fig"
    r"|p|pp|vol|ch|sec|Add|Rev|Corr|U\.S|U\.K|E\.U)|\b[A-Z])\.$"
)
_END_RE = re.compile(r"[。！？!?；;]|\.(?=\s+[\"'“‘(（\[]?[A-Z0-9\u3400-\u9fff]|\s*$)")
_SPACE_RE = re.compile(r"\s+")
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")


def tidy(text: str) -> str:
    return _CJK_GAP.sub("", _SPACE_RE.sub(" ", text)).strip()


_CLOSING = "”’」』"
# how Chinese amending acts word a change (将第X条由“旧文”修改为“新文”): the old text's full stop
# does not end the sentence
_AMENDED_TO = re.compile(r"(?:修改|修订|调整|变更|改)为")


# an issuer's sign-off, "海关总署2024年4月28日": how an announcement ends, and the day it was published
_SIGN_OFF = (r"(?:海关总署|总署|[\u4e00-\u9fff]{1,8}(?:部|局|委员会|办公厅))\s*(?:19|20)\d{2}\s*年"
             r"\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
# a sign-off run into the measures the announcement publishes
_SIGNED = re.compile(rf"(?<=[。”])\s*({_SIGN_OFF})(?=[\u4e00-\u9fff《（(])")


def split(text: str) -> list[str]:
    """The sentences of `text`, in order, each tidied; list items and lines stay apart; an
    announcement's sign-off is a line of its own, not the start of the text after it."""
    out: list[str] = []
    text = _SIGNED.sub(lambda m: f"\n\n{m.group(1)}\n\n", text or "")
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-•*]|\(\w{1,4}\)|\d{1,2}\.)\s)", text):
        block = tidy(block)
        start = 0
        for m in _END_RE.finditer(block):
            end = m.end()
            while end < len(block) and block[end] in _CLOSING:
                end += 1  # 。” belongs to the sentence it closes
            piece = block[start:end]
            if m.group(0) == "." and _ABBREV.search(piece):
                continue  # "No." "Art." "e.g."
            if piece.count("“") > piece.count("”") or piece.count("「") > piece.count("」"):
                continue  # a full stop inside a quotation
            if _AMENDED_TO.match(block, end):
                continue  # the amendment formula 将…由“…为‘1’。”修改为“…后2位。” is one sentence
            if piece.strip():
                out.extend(_cut_long(piece.strip()))
            start = end
        if block[start:].strip():
            out.extend(_cut_long(block[start:].strip()))
    return [s for s in out if len(s) >= 2]


def _cut_long(sentence: str) -> list[str]:
    if len(sentence) <= MAX_SENTENCE:
        return [sentence]
    parts = re.split(r"(?<=[，,:：])\s*", sentence)
    out: list[str] = []
    cur = ""
    for p in parts:
        if cur and len(cur) + len(p) > MAX_SENTENCE:
            out.append(cur.strip())
            cur = ""
        cur += (" " if cur and cur[-1] in ",:" else "") + p
    if cur.strip():
        out.append(cur.strip())
    return out


# --- question words -----------------------------------------------------------------------------

_STOP_EN_WORDS = (
    "a an the of to in on for and or is are was were be been being do does did what which who whom "
    "when why how much many can could may might must should shall will would i we you it its this "
    "that these those there their my our your with about from by at as into than then so if any "
    "all some say says said tell me us please quick question right now just know need needs "
    "rule rules regulation regulations eu uk china chinese export exports exporting "
    "product products"
)
_STOP_EN = frozenset(_STOP_EN_WORDS.split())
_STOP_ZH_WORDS = (
    "什么 哪些 哪个 哪一 一条 是否 可以 能否 怎么 如何 为什么 多少 请问 一下 我们 你们 他们 "
    "规定 要求 出口 需要 有没 没有 的是 是什 么时 时候 具体 因为"
)
_STOP_ZH = frozenset(_STOP_ZH_WORDS.split())
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9\-]*|\d+(?:[./]\d+)*")
_CJK_RUN = re.compile(rf"[{_CJK}]+")


_ADVERB_BASES = ("al", "ous", "ive", "ent", "ant", "ful", "less", "ct", "st")  # normal-ly, previous-ly, direct-ly


def _stem(word: str) -> str:
    w = word.lower()
    if w.endswith("ly") and len(w) >= 7 and w[:-2].endswith(_ADVERB_BASES):
        return w[:-2]  # "normally allow" answers "the normal period"
    for suffix in ("ings", "ing", "ies", "es", "ed", "s"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return w


def terms(text: str) -> set[str]:
    """Comparable units of `text`: English stems, numbers, two-letter names in capitals (CE),
    Chinese character pairs."""
    out: set[str] = set()
    for w in _WORD_RE.findall(text or ""):
        if w.lower() not in _STOP_EN and (len(w) >= 3 or w[:1].isdigit() or (len(w) == 2 and w.isupper())):  # CE, UK
            out.add(_stem(w))
            if "-" in w and w[:1].isalpha():  # origin-enterprise: its words too
                out |= {_stem(p) for p in w.split("-") if len(p) >= 3 and p.lower() not in _STOP_EN}
    for run in _CJK_RUN.findall(text or ""):
        if len(run) == 1:
            continue
        for i in range(len(run) - 1):
            pair = run[i : i + 2]
            if pair not in _STOP_ZH:
                out.add(pair)
    return out


@functools.cache
def _one_char_tags() -> Mapping[str, str]:
    """Each character jieba's own dictionary lists as a word of its own, with its part-of-speech tag
    (read once: the one-character nouns and verbs below both come from it). Built whole before it
    is shared: the server answers from several threads at once."""
    import jieba

    tags: dict[str, str] = {}
    path = Path(jieba.__file__).with_name("dict.txt")
    with path.open(encoding="utf-8") as f:
        for line in f:
            if len(line) > 2 and line[1] == " ":
                tags.setdefault(line[0], line.rstrip().rsplit(" ", 1)[-1])
    return MappingProxyType(tags)


@functools.cache
def _lone_nouns() -> frozenset[str]:
    """Characters jieba's own dictionary lists as one-character nouns (铅 lead, 汞 mercury, 茶 tea):
    words a character pair cannot carry ("对铅的限量" has no pair in common with "铅：100ppm")."""
    return frozenset(c for c, tag in _one_char_tags().items() if tag == "n")


_VERB_TAGS = frozenset({"v", "vn", "zg"})  # jieba's tags for verbs (zg: 罚, 填 as jieba tags them)
# wordfreq frequency from which a one-character verb is grammar (是 7.2, 做 6.1, 发 5.5), not a topic (罚 4.2, 填 4.1)
EVERYDAY_VERB_ZIPF = 5.3


@functools.cache
def _lone_verbs() -> frozenset[str]:
    """Characters jieba's dictionary lists as one-character verbs, less common than everyday ones:
    what a colloquial question says in one character where a record writes two (罚 for 罚款, 填 for
    填写, 寄 for 邮寄)."""
    from wordfreq import zipf_frequency

    return frozenset(c for c, tag in _one_char_tags().items()
                     if tag in _VERB_TAGS and zipf_frequency(c, "zh") < EVERYDAY_VERB_ZIPF)


def question_terms(question: str) -> set[str]:
    """`terms` of a question, with the one-character nouns jieba cuts from it (对铅的限量 -> 铅) and
    its one-character verbs that are no everyday grammar (违规罚多少 -> 罚)."""
    out = terms(question)
    runs = _CJK_RUN.findall(question or "")
    if runs:
        nouns, verbs = _lone_nouns(), _lone_verbs()
        words = [w for run in runs for w in cut_words(run)]
        out |= {w for w in words if len(w) == 1 and (w in nouns or w in verbs)}
        # a one-character noun jieba keeps inside a longer word (铅含量 = 铅 + 含量): the noun too
        out |= {w[0] for w in words if len(w) >= 3 and w[0] in nouns and _is_word(w[1:])}
    return out


def _is_word(text: str) -> bool:
    import jieba

    return bool(jieba.dt.FREQ.get(text))


# a question unit and how the other language writes it ("durian" -> {"榴莲"}), from search's alignment
Equivalents = Mapping[str, frozenset[str]]


def equivalents(own: set[str], aligned: Iterable[tuple[str, Iterable[str]]]) -> dict[str, frozenset[str]]:
    """Each of a question's units (`own`, its `question_terms`) with its words in the other script,
    from (question word, its translations) pairs: so that a Chinese sentence saying 榴莲 holds the
    English question's "durian" as one unit, rather than as a rare English word that only a quoted
    English clause shares."""
    words: list[tuple[set[str], set[str]]] = []
    for text, alts in aligned:
        units = terms(text) & own
        script_ascii = text.isascii()
        other = {a.casefold() for a in alts if a and a.isascii() != script_ascii and len(a) >= 2}
        if units and other:
            words.append((units, other))
    out: dict[str, set[str]] = {}
    for units, other in words:
        for u in units:
            out.setdefault(u, set()).update(other)
    # a word aligned to two question words (企业 for "enterprise" and for "filing") is credited to
    # the one with fewer translations, the more specific alignment: one sentence word, one meaning
    owner: dict[str, str] = {}
    for u in sorted(out, key=lambda u: (len(out[u]), u)):
        for a in out[u]:
            owner.setdefault(a, u)
    return {u: frozenset(a for a in alts if owner[a] == u) for u, alts in out.items() if alts}


def sentence_terms(sentence: str, q_terms: set[str], equiv: Equivalents | None = None) -> set[str]:
    """`terms` of a candidate sentence, with the question's one-character nouns it contains and the
    question units it says in the other language (`equiv`)."""
    out = terms(sentence) | {t for t in q_terms if len(t) == 1 and not t.isascii() and t in sentence}
    if equiv:
        low = sentence.casefold()
        out |= {u for u, alts in equiv.items() if u in q_terms and any(a in low for a in alts)}
    return out


# --- form cues ----------------------------------------------------------------------------------

_DATE_CUE = re.compile(
    r"\b(?:19|20)\d{2}-\d{2}-\d{2}\b|(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月|\b\d{1,2}\s+(?:January|February|"
    r"March|April|May|June|July|August|September|October|November|December)\s+(?:19|20)\d{2}\b|"
    r"\b(?:from|until|by|before|after|since)\s+(?:\d{1,2}\s+)?[A-Z][a-z]+\s+(?:19|20)\d{2}|起|之前|以前|截止",
)
_FIGURE_CUE = re.compile(
    # a duration in years or days (10年, 30日内), not a year or a day of a date (2024年, 12月13日)
    r"(?<![\d月])\d{1,3}\s*(?:年|日)(?!\s*\d)|"
    r"[一二两三四五六七八九十百]+\s*(?:个月|年|天|日|小时|周|个工作日)|\d+(?:[.,]\d+)?\s*(?:%|‰|ppm|ppb|mg|µg|μg|kg|g/|W\b|kW|V\b|dB|Hz|mm|cm|°C|℃|元|美元|欧元|毫克|克|瓦|伏|"
    r"(?:(?:business|working|calendar)\s+)?days?\b|"
    r"years?\b|months?\b|hours?\b|weeks?\b|tonnes?\b|tons?\b|kWh\b|个月|个工作日|工作日|周|天|小时|吨|倍)|"
    # a duration in words ("at most five years", "within thirty days")
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|sixty|ninety)"
    r"(?:[\s-]+(?:business|working|calendar))?\s+(?:years?|months?|weeks?|days?|hours?)\b|"
    # an amount with its currency written first (USD 2,500, €10,000)
    r"(?:\bUSD|\bEUR|\bGBP|\bRMB|\bCNY|US\$|\$|€|£)\s*\d",
    re.I,
)
_ALLOWED_CUE = re.compile(
    r"shall not|must not|may not|prohibit|banned|not (?:be )?(?:allowed|permitted)|restricted|may be|"
    r"permitted|exempt|不得|禁止|不允许|允许|可以|限制|豁免",
    re.I,
)
_MUST_CUE = re.compile(r"\bshall\b|\bmust\b|\brequired?\b|\bobliged\b|须|应当|应|必须|需要", re.I)
_WHY_CUE = re.compile(
    r"because|due to|owing to|reason|hazard|risk|exceed|found|detected|not authori[sz]ed|"
    r"因为|由于|原因|危害|风险|超标|检出|超过|未经授权",
    re.I,
)
_WHICH_CUE = re.compile(
    r"Article\s+\d+|Annex\s+[IVXLC]+|第[一二三四五六七八九十百零\d]+条|附件|G/(?:TBT|SPS)/N/|"
    r"\((?:EU|EC)\)|\bDS\d+|公告|\bNo\s+\d+"
    # an ordinal answers "第几类 / 第几次 / which category": 第III类, 第62次, Category III, the 62nd meeting
    r"|第\s*[一二三四五六七八九十百零\dIVX]+\s*[类级次届批阶]|\b(?:Category|Class|Stage|Level)\s+[IVX\d]+[ab]?\b"
    r"|\b\d+(?:st|nd|rd|th)\b",
)
# a body or party named as the one that acts: "notified by the US TBT enquiry point", "由RRA负责"
_WHO_CUE = re.compile(
    r"\b(?:authority|authorities|agency|ministry|body|bodies|institute|enquiry point|office|commission|"
    r"laborator(?:y|ies)|labs?|administration|department|bureau|centre|center|council|committee|"
    r"responsible (?:party|person)|representative|importer|complainants?|respondent)\b|\bby (?:the |an? )?[A-Z]|"
    r"机构|部门|研究院|总局|管理局|委员会|咨询点|主管|负责|代表|实验室|中心|由[^，。；]{1,24}(?:负责|通报|签发|审批|认证|办理|实施)",
)
_CUES: dict[str, re.Pattern[str]] = {
    "when": _DATE_CUE, "how_much": _FIGURE_CUE, "allowed": _ALLOWED_CUE, "must": _MUST_CUE,
    "why": _WHY_CUE, "which": _WHICH_CUE, "who": _WHO_CUE,
}


# Which moment a sentence's date marks: the day a rule starts to apply, the day it was published
# (an announcement's closing "海关总署2024年9月20日" is its signature), or the day something ends.
_MOMENT_CUES: tuple[tuple[Moment, re.Pattern[str]], ...] = (
    ("start", re.compile(
        # "2022年1月1日起施行的《…办法》" dates another act named right after it, not this text
        r"起\s*(?:正式)?(?:实施|施行|执行|生效|适用|开始)(?!的\s*《)|自\s*(?:19|20)\d{2}\s*年[\d\s月日号]*起(?!\S{0,4}的\s*《)|"
        r"生效(?!的\s*《)|实施日期|施行日期|"
        r"entry into force|"
        r"enter(?:s|ed)? into force|appl(?:y|ies|ied|icable|ication) (?:from|since|as of)|(?:in force|effective) "
        r"(?:from|since|on|as of)|takes? effect|start(?:s|ed)? to apply", re.I)),
    ("publish", re.compile(
        r"\bpublished\b|\badopted\b|\bnotified\b|\bcirculated\b|\bissued\b|\bdated\b|发布|公布|印发|签发|颁布|"
        rf"{_SIGN_OFF}\s*[.。]?\s*$", re.I)),
    ("end", re.compile(
        r"\buntil\b|\bexpir|\bdeadline\b|\bno later than\b|\bvalid (?:until|till|through)\b|有效期|截止|截至|"
        r"止\s*[。.,，]|为止|至\s*(?:19|20)\d{2}\s*年|"
        # a day something is due by: 每年3月底前, 到期前30日, "before 31 March"
        r"\d{1,2}\s*月(?:底|末|\d{1,2}\s*日)?\s*(?:之|以)?前|\bbefore\s+(?:the\s+end\s+of\s+)?(?:\d{1,2}\s+)?"
        r"(?:January|February|March|April|May|June|July|August|September|October|November|December)\b", re.I)),
)


def date_moments(sentence: str) -> frozenset[Moment]:
    """The moments the dates in `sentence` mark (empty when it says none, or has no date):
    "有效期自2023年12月1日起至2025年12月31日" marks a start and an end."""
    if not _DATE_CUE.search(sentence):
        return frozenset()
    return frozenset(moment for moment, rx in _MOMENT_CUES if rx.search(sentence))


def cue_match(sentence: str, form: Form) -> re.Match[str] | None:
    """Where `sentence` first states what a question of this form asks for (a date, a figure)."""
    rx = _CUES.get(form)
    return rx.search(sentence) if rx else None


_COUNT_ASKED = re.compile(r"\bhow many\b|多少(?:个|家|次|种|项|批|起)|几(?:个|家|次|种|项|批|起)", re.I)


def counts_asked(question: str) -> bool:
    """The question asks how many of something (labs, alerts, firms), not how much money."""
    return bool(_COUNT_ASKED.search(question))


def amount_only(sentence: str, form: Form) -> bool:
    """The only figure the sentence holds is a sum of money: it does not answer "how many"."""
    return form_cue(sentence, form) and not form_cue(MONEY.sub(" ", sentence), form)


def form_cue(sentence: str, form: Form) -> bool:
    """The sentence holds what a question of this form asks for (a date, a figure...)."""
    rx = _CUES.get(form)
    return bool(rx and rx.search(sentence))


@dataclass(frozen=True)
class Scored:
    sentence: str
    score: float
    overlap: int  # question units the sentence shares
    cue: bool  # the sentence holds what the form asks for
    index: int  # position in the passage (earlier wins a tie)


CUE_WEIGHT: dict[str, float] = {"when": 3.0, "how_much": 3.0, "why": 2.0, "allowed": 2.0}
# "which date": a date with its year answers; "6月12日起" or "from 1 July" only half does
_YEAR_DATE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?:\s*年|-\d{2}-\d{2}|\b)")
PARTIAL_DATE = 1.0


def _unit_weight(t: str) -> float:
    return 2.0 if (t.isascii() and len(t) >= 5) or t[:1].isdigit() else 1.0


# "每年什么时候交年度报告", "when is the annual report due": a date that recurs has no year
_RECURRING = re.compile(r"每年|每月|每季度|年度|\b(?:every|each)\s+(?:year|month|quarter)\b|\bannual(?:ly)?\b|\byearly\b",
                        re.I)


def asks_recurring(question: str) -> bool:
    """The question asks for a date that comes round every year (or month): one without a year answers."""
    return bool(_RECURRING.search(question))


def score(sentence: str, q_terms: set[str], form: Form, index: int = 0,
          idf: dict[str, float] | None = None, equiv: Equivalents | None = None, recurring: bool = False) -> Scored:
    """How well `sentence` answers: shared question units (rarer among the candidates counts
    more, when `idf` is given), the form's cue, a slight lead bonus."""
    s_terms = sentence_terms(sentence, q_terms, equiv)
    shared = q_terms & s_terms
    # fsum: exact whatever order the set iterates in (a plain sum of a set varies with the hash seed)
    weight = math.fsum(_unit_weight(t) * (idf.get(t, 1.0) if idf else 1.0) for t in shared)
    cue = form_cue(sentence, form)
    value = weight + (CUE_WEIGHT.get(form, 1.5) if cue else 0.0) - 0.02 * index
    if cue and form == "when" and not recurring and not _YEAR_DATE.search(sentence):
        value -= PARTIAL_DATE
    if len(sentence) < 12:
        value -= 1.0  # a heading or a fragment answers nothing
    return Scored(sentence, value, len(shared), cue, index)


def best(sentences: Iterable[str], question: str, form: Form) -> Scored | None:
    """The sentence that best answers `question`, or None when none shares a word with it and
    none holds what its form asks for."""
    q_terms = question_terms(question)
    top: Scored | None = None
    for i, s in enumerate(sentences):
        sc = score(s, q_terms, form, i)
        if top is None or sc.score > top.score:
            top = sc
    if top is None or (top.overlap == 0 and not top.cue):
        return None
    return top


def idf_of(sentences: list[str], q_terms: set[str], equiv: Equivalents | None = None) -> dict[str, float]:
    """Question units found in fewer of the candidate sentences weigh more: the word every
    sentence of a record shares (its subject) says less about which one answers."""
    n = len(sentences)
    if n < 3:
        return {}
    df = dict.fromkeys(q_terms, 0)
    for s in sentences:
        for t in sentence_terms(s, q_terms, equiv) & q_terms:
            df[t] += 1
    return {t: math.log(1 + n / (1 + c)) / math.log(1 + n / 2) for t, c in df.items()}


def ranked(sentences: Iterable[str], question: str, form: Form) -> list[Scored]:
    """All sentences, best answer first."""
    q_terms = question_terms(question)
    items = list(sentences)
    idf = idf_of(items, q_terms)
    scored = [score(s, q_terms, form, i, idf) for i, s in enumerate(items)]
    return sorted(scored, key=lambda s: (-s.score, s.index))


__all__ = ["Equivalents", "Scored", "best", "equivalents", "form_cue", "question_terms", "ranked", "score", "sentence_terms", "split", "terms",
           "tidy"]
