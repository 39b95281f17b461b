"""The opening of every answer: one or two sentences that answer the question as asked.

Built only from what the cited evidence holds: a sentence of the cited passage or of a record's
own fields (summary, requirements, conformity route, outcome), a dated field rendered as
"entry into force 2025-01-01", or, for rejections, an aggregate of the alerts found (how many,
which years, notifying countries, main hazards). Candidates are scored against the question's
words and its form (assistant/answer/sentences.py); a repealed rule is never offered as what
applies, and a rule that is repealed or not yet applicable is said to be so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.answer.evidence import alert_date
from assistant.answer.i18n import country, phrase, rasff_hazard_category
from assistant.answer.models import Evidence
from assistant.answer.sentences import (
    CUE_WEIGHT,
    Equivalents,
    Scored,
    amount_only,
    asks_recurring,
    counts_asked,
    cue_match,
    date_moments,
    equivalents,
    form_cue,
    idf_of,
    question_terms,
    score,
    sentence_terms,
    split,
    terms,
    tidy,
)
from assistant.answer.status import RuleStatus
from assistant.retrieve.alert_pointer import alert_pointer
from assistant.retrieve.measures import checked_measure, measure_asked, measure_stated
from assistant.retrieve.question_form import (
    Form,
    Moment,
    ask_forms,
    asks_latest,
    moment_asked,
    question_form,
)
from assistant.retrieve.relevance import form_owner

MAX_DIRECT = 300  # characters of one quoted sentence
ANNOUNCEMENT_CHARS = 4000  # of an announcement's text read for the sentence that answers
MAIN_RECORDS = 3  # records whose sentences compete for the opening
RANK_PENALTY = 0.7  # per place below the best-ranked record
PASSAGE_BONUS = 1.0  # the retrieved provision is where the answer usually is
_RULE_TYPES = ("regulation", "document", "announcement")
_DATE_FIELDS = (
    ("comment_deadline", "comment_deadline"), ("applies_from", "applies_from"),
    ("entry_into_force", "in_force"), ("adopted", "adopted"), ("published", "published"),
    ("distributed", "distributed"), ("event", "event_date"),
)


@dataclass
class DirectAnswer:
    text: str  # the opening sentence(s), markers included
    passages: list[dict[str, Any]] = field(default_factory=list)  # [{n, ref, cite, sentence}]
    more: list[str] = field(default_factory=list)  # supporting sentences of the same records, markers included


@dataclass(frozen=True)
class _Candidate:
    ev: Evidence
    sentence: str
    kind: str  # passage, summary, requirement, date, ...
    rank: int  # place of its record among the main records
    asked: str = ""  # the question a Q&A text asks right before this sentence ("问：备案需要交哪些材料？")
    before: str = ""  # the sentence a short one completes ("…从海外仓送达境外购买者。" before "适用监管方式代码“9810”。")
    example: bool = False  # part of a worked example ("举例：…"), not the rule it illustrates

    @property
    def read(self) -> str:
        """What is matched against the question: the sentence, with the question it answers; an
        English wording a Chinese text quotes to be printed (a certificate's additional declaration,
        "Exported to the People's Republic of China") is left out: its words are the document's
        subject in English, not what the sentence says, and the Chinese rendering follows it."""
        text = " ".join(x for x in (self.asked, self.before, self.sentence) if x)
        return _FOREIGN_QUOTE.sub("“”", text) if _HAN.search(text) else text

    @property
    def shown(self) -> str:
        """The sentence as quoted: a short one with the sentence it completes."""
        if not self.before:
            return self.sentence
        return f"{self.before}{'' if _script(self.sentence) == 'zh' else ' '}{self.sentence}"


_HAN = re.compile(r"[\u4e00-\u9fff]")
_FOREIGN_QUOTE = re.compile(r"[“\"]\s*[A-Za-z][^”\"\u4e00-\u9fff]{24,}?[”\"]")


def pick(r: dict[str, Any], key: str, lang: str) -> str | None:
    first, second = ("zh", "en") if lang == "zh" else ("en", "zh")
    val = r.get(f"{key}_{first}") or r.get(f"{key}_{second}")
    return tidy(str(val)) if val else None


def pick_list(r: dict[str, Any], key: str, lang: str) -> list[str]:
    first, second = ("zh", "en") if lang == "zh" else ("en", "zh")
    return [tidy(str(x)) for x in (r.get(f"{key}_{first}") or r.get(f"{key}_{second}") or [])]


def name(e: Evidence, lang: str) -> str:
    """How a record is named in a sentence: its short title with its ref, or the cited place."""
    r = e.record
    if e.cite and e.cite != e.ref:
        return e.cite
    short = tidy(str((r.get("title_zh") if lang == "zh" else r.get("title_en")) or ""))
    if short and e.ref not in short and len(short) <= 60:
        return f"{short}（{e.ref}）" if lang == "zh" else f"{short} ({e.ref})"
    return e.ref


def status_text(st: RuleStatus, lang: str) -> str:
    """'repealed from 2025-05-09, replaced by Regulation (EU) 2023/826; it no longer applies'."""
    sep = "，" if lang == "zh" else ", "
    if st.kind == "repealed":
        parts = [phrase("st_repealed_from", lang, date=st.date.isoformat()) if st.date
                 else phrase("st_repealed", lang)]
        if st.by:
            parts.append(phrase("st_replaced_by", lang, by=st.by))
        return sep.join(parts) + ("，" if lang == "zh" else "; ") + phrase("st_no_longer", lang)
    if st.kind == "not_yet" and st.date:
        return phrase("st_not_yet", lang, date=st.date.isoformat())
    if st.kind == "to_be_repealed" and st.date:
        text = phrase("st_to_be_repealed", lang, date=st.date.isoformat())
        return text + (sep + phrase("st_replaced_by", lang, by=st.by) if st.by else "")
    return ""


def _status_answer(ev: list[Evidence], statuses: dict[str, RuleStatus], lang: str) -> DirectAnswer | None:
    """"Is it still in force?": the status of the rules cited, those no longer (or not yet)
    applying first; None when no cited rule has a known status other than in force."""
    sep = "：" if lang == "zh" else ": "
    end = "。" if lang == "zh" else "."
    changed = [(e, statuses[e.ref]) for e in ev
               if e.type in _RULE_TYPES and e.ref in statuses and status_text(statuses[e.ref], lang)]
    if not changed:
        return None
    parts = [f"{name(e, lang)}{sep}{status_text(st, lang)}{end} [{e.n}]" for e, st in changed[:2]]
    return DirectAnswer(" ".join(parts), [{"n": e.n, "ref": e.ref, "cite": e.cite, "sentence": status_text(st, lang)}
                                          for e, st in changed[:2]])


def passage_of(e: Evidence) -> str:
    """The retrieved chunk's text (Evidence.text starts with it, then the record's fields)."""
    text = e.text or ""
    cut = text.find("\nref: ")
    return text[:cut] if cut > 0 else text


_SENTENCE_END = ("。", ".", ":", "：", ";", "；", "!", "?", "！", "？")


_CONTINUED = re.compile(r"^.{1,200}\((?:continued|续)\)\s*$")  # the label a continuation chunk repeats


def strip_headings(passage: str) -> str:
    """A provision's text without its heading lines ("Article 18", "Implant card and ..."), also
    the label a continuation chunk repeats where two chunks of one provision join."""
    lines = [ln for ln in passage.split("\n") if not _CONTINUED.match(ln)]
    k = 0
    while k < len(lines) - 1 and len(lines[k]) < 200 and not lines[k].rstrip().endswith(_SENTENCE_END):
        k += 1
    return "\n".join(lines[k:])


def _d(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _date_sentences(e: Evidence, lang: str, today: dt.date) -> list[str]:
    r = e.record
    sep = "：" if lang == "zh" else ": "
    out: list[str] = []
    dates = r.get("dates") or {}
    for key, label in _DATE_FIELDS:
        d = _d(dates.get(key))
        if d is None:
            continue
        if key == "comment_deadline":
            days = (d - today).days
            which = ("comment_open" if days > 1 else "comment_open_1" if days == 1
                     else "comment_today" if days == 0 else "comment_closed")
            out.append(f"{e.ref}{sep}" + phrase(which, lang, date=d.isoformat(), days=days))
        else:
            out.append(f"{e.ref}{sep}{phrase(label, lang)} {d.isoformat()}")
    for kd in r.get("key_dates") or []:
        what = kd.get("what_zh") if lang == "zh" and kd.get("what_zh") else kd.get("what_en")
        if kd.get("date") and what:
            out.append(f"{kd['date']}{sep}{tidy(str(what))}")
    return out


_DATE_RE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{2}-\d{2}|\d{1,2}\s+\w+\s+\d{4}")


def _signature(sentence: str) -> bool:
    """A sign-off line ("海关总署 2024年10月25日"): a date and a name, nothing that answers."""
    if not _DATE_RE.search(sentence):
        return False
    rest = re.sub(r"[\s\W\d_]+", "", _DATE_RE.sub("", sentence))
    return len(rest) <= 8


SHORT_SENTENCE = {"zh": 24, "en": 48}  # characters under which a sentence leans on the one before it


def _short(sentence: str) -> bool:
    """A short sentence stating a figure, code or date: meaningless without the one before it."""
    return len(sentence) < SHORT_SENTENCE[_script(sentence)] and bool(re.search(r"\d", sentence))


def _candidates(e: Evidence, rank: int, lang: str, today: dt.date) -> list[_Candidate]:
    r = e.record
    out: list[_Candidate] = []

    def add(text: str | None, kind: str) -> None:
        asked = prev = ""
        example = False
        for s in split(text or ""):
            if s.rstrip().endswith(("？", "?")):  # a question answers nothing; it tells what the next sentence answers
                asked, prev = s, ""
                continue
            example = in_example(s, example)
            if len(s) >= 8 and not _signature(s):
                # a short sentence with a figure completes the one before it: "适用监管方式代码“9810”。"
                before = prev if prev and not asked and _short(s) and len(prev) + len(s) <= MAX_DIRECT else ""
                out.append(_Candidate(e, s, kind, rank, asked, before, example))
            asked, prev = "", s

    if (e.cite and e.cite != e.ref) or e.type == "document":
        add(strip_headings(passage_of(e))[:4000], "passage")
    add(pick(r, "summary", lang), "summary")
    for item in pick_list(r, "requirements", lang):
        add(item, "requirement")
    add(pick(r, "conformity", lang), "conformity")
    add(pick(r, "outcome", lang), "outcome")
    for item in pick_list(r, "figures", lang):  # a past case's numbers: costs, firms, labs
        add(item, "figures")
    add(pick(r, "scope", lang), "scope")
    add(pick(r, "how_to", lang), "how_to")  # a form: how to file it, how soon it is followed up
    add(pick(r, "enquiry", lang), "enquiry")  # whom to ask, who notifies: answers "who" alone
    for f in r.get("fields") or []:  # a form's box and what goes in it: "can I leave the symbol empty?"
        label, help_ = pick(f, "label", lang), pick(f, "help", lang)
        if label and help_:  # one unit: its last clause ("不清楚可以不填") is often the answer
            out.append(_Candidate(e, f"{label}{'：' if lang == 'zh' else ': '}{help_}", "field", rank))
    if e.type == "announcement":
        add(str(r.get("title") or ""), "title")
        body = str(r.get("answer") or r.get("text") or r.get("content") or "")
        add(body[:ANNOUNCEMENT_CHARS], "passage")
        if e.cite == e.ref and len(body) > ANNOUNCEMENT_CHARS:  # the part retrieval found, further down
            add(strip_headings(passage_of(e))[:ANNOUNCEMENT_CHARS], "passage")
    if e.type == "notification":
        add(str(r.get("products") or ""), "products")
    if e.type == "alert":  # one alert talked about: what, from where, notified by whom, what was wrong
        out.append(_Candidate(e, _alert_sentence(e, lang).rsplit(" [", 1)[0], "alert", rank))
    if e.type == "dispute":
        add(pick(r, "title", lang) or str(r.get("title") or ""), "title")
        out.extend(_Candidate(e, s, kind, rank) for s, kind in _dispute_sentences(r, lang))
        return out  # its one date is when consultations were requested, said above
    for s in _date_sentences(e, lang, today):
        out.append(_Candidate(e, s, "date", rank))
    return out


def _complainants(main: list[Evidence], lang: str) -> DirectAnswer | None:
    """Who brought one matter to the WTO when several members did (DS369 Canada, DS401 Norway)."""
    from assistant.answer.evidence import linked

    if not main or main[0].type != "dispute":
        return None
    head = main[0]
    same = [e for e in main if e.type == "dispute" and e.record.get("complainant")
            and linked(head.ref, head.record, e.ref, e.record)]
    if len(same) < 2:
        return None
    zh = lang == "zh"
    parts = [f"{e.record['complainant']}（{e.ref}，{_d((e.record.get('dates') or {}).get('published')) or ''}）[{e.n}]"
             if zh else f"{e.record['complainant']} ({e.ref}, {_d((e.record.get('dates') or {}).get('published')) or ''}) [{e.n}]"
             for e in same]
    respondent = str(head.record.get("respondent") or "")
    text = (f"就此事向WTO起诉{respondent}的有：" + "、".join(parts) + "。") if zh else (
        f"Members that brought this matter against {respondent}: " + "; ".join(parts) + ".")
    return DirectAnswer(text.replace("，）", "）").replace(", )", ")"),
                        [{"n": e.n, "ref": e.ref, "cite": e.cite, "sentence": ""} for e in same])


def _dispute_sentences(r: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """A WTO dispute's fields as sentences: who brought it against whom, when, how it stands, and
    the agreements it cites."""
    zh = lang == "zh"
    out: list[tuple[str, str]] = []
    date = _d((r.get("dates") or {}).get("published"))
    if r.get("complainant") and r.get("respondent"):
        when = (f"，于{date.isoformat()}请求磋商" if zh else f", requesting consultations on {date.isoformat()}") if date else ""
        out.append((f"申诉方为{r['complainant']}，被诉方为{r['respondent']}{when}" if zh
                    else f"{r['complainant']} brought the complaint against {r['respondent']}{when}", "parties"))
    if date:
        who = str(r.get("complainant") or "")
        out.append((f"{who}于{date.isoformat()}请求磋商" if zh and who else f"请求磋商：{date.isoformat()}" if zh
                    else f"{who} requested consultations on {date.isoformat()}" if who
                    else f"consultations requested on {date.isoformat()}", "date"))
    if r.get("status"):
        out.append((f"目前状态：{r['status']}" if zh else f"current status: {str(r['status']).lower()}", "outcome"))
    cited = "; ".join(str(x) for x in r.get("agreements") or [] if x)
    if cited:  # "Did Japan invoke Article 5.7 of the SPS Agreement?"
        out.append((f"援引的协定条款：{cited}" if zh else f"agreements cited: {cited}", "agreements"))
    return out


# The field a question asks about by name, in either language: its sentences come first.
_FIELD_HINTS: dict[str, re.Pattern[str]] = {
    "outcome": re.compile(r"结果|结局|后来|怎么解决|结案|了结|裁决|现状|状态|进展|outcome|result|resolved|what happened|"
                          r"\bend(?:ed)?\b|ruling|status|settled", re.I),
    "parties": re.compile(r"谁|哪[个些]?国家?|哪一?方|申诉|起诉|告(?:过|了)|状告|\bwho\b|which (?:countr|member|side)|parties|"
                          r"complainant|respondent", re.I),
    "conformity": re.compile(r"认证|合格评定|检测|certif|conformity|testing|CE marking", re.I),
    "scope": re.compile(r"范围|哪些产品|适用于哪些|scope|which products|cover", re.I),
}
HINT_BONUS = 1.5


# a worked example opens with 举例 / 比如 / "For example"; it runs on until the text's next numbered
# point ("（二）", "2.", "(b)", "Article 5") starts
_EXAMPLE_HEAD = re.compile(r"\s*(?:举例(?:来说|说明)?|例如|比如|for example|for instance|example)\s*[：:,，]", re.I)
_NEXT_POINT = re.compile(r"\s*(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.．、]\D|"
                         r"\([a-z]\)|(?:Article|Art\.)\s*\d|第[一二三四五六七八九十百\d]+条)", re.I)


def in_example(sentence: str, before: bool) -> bool:
    """Whether `sentence` belongs to a worked example: it opens one, or continues the one before
    it and starts no new numbered point. An example's dates and sums are made up to illustrate
    (有效期截止2023年10月30日…): the rule it illustrates answers better."""
    if _EXAMPLE_HEAD.match(sentence):
        return True
    return before and not _NEXT_POINT.match(sentence)


EXAMPLE_WEIGHT = 1.0  # a sentence of a worked example answers less than the rule stated beside it


def _hinted(question: str) -> frozenset[str]:
    """The record fields the question asks about by name."""
    return frozenset(k for k, rx in _FIELD_HINTS.items() if rx.search(question))


SAME_FORM_WEIGHT = 1.0  # a Q&A text's answer whose question asks in the form the user's does
MOMENT_WEIGHT = 1.0  # a date of the moment asked (in force from, published, until) over another's


def _score(c: _Candidate, q_terms: set[str], form: Form, idf: dict[str, float], hinted: frozenset[str] = frozenset(),
           moment: Moment = "", equiv: Equivalents | None = None, recurring: bool = False) -> Scored:
    base = score(c.read, q_terms, form, 0, idf, equiv, recurring)
    bonus = -RANK_PENALTY * c.rank + (HINT_BONUS if c.kind in hinted else 0.0)
    if c.asked and form != "what" and question_form(c.asked) == form:
        bonus += SAME_FORM_WEIGHT  # a Q&A answer to a question of the same form ("几天…？" for "多久…？")
    marks = date_moments(c.sentence) if moment else frozenset()
    if marks:
        bonus += MOMENT_WEIGHT if moment in marks else -MOMENT_WEIGHT
    if c.kind == "passage" and c.rank == 0:
        bonus += PASSAGE_BONUS
    if c.example:
        bonus -= EXAMPLE_WEIGHT
    if c.kind == "date" and form != "when":
        bonus -= 2.0  # a bare date answers only "when"
    if c.kind == "enquiry" and form != "who":
        bonus -= 2.0  # whom to ask is said under "what to do next"; it answers only "who"
    if c.kind in ("summary", "requirement") and form in ("what", "must", "list"):
        bonus += 0.3
    return Scored(c.sentence, base.score + bonus, base.overlap, base.cue, base.index)


SUBJECT_WEIGHT = 0.3  # a question word that names the record itself says little about which sentence answers


def _subject_terms(e: Evidence, q_terms: set[str] | None = None, equiv: Equivalents | None = None) -> set[str]:
    """The units naming the record itself: its ref's and titles' words, and the question's units
    its titles say in the other language ("durian" of 关于进口马来西亚鲜食榴莲植物检疫要求的公告)."""
    r = e.record
    title = " ".join(str(x or "") for x in (e.ref, r.get("title"), r.get("title_en"), r.get("title_zh"), _heading(e)))
    return sentence_terms(title, q_terms or set(), equiv) if equiv else terms(title)


def _heading(e: Evidence) -> str:
    """A provision's heading lines ("Article 15 — Person responsible for regulatory compliance"):
    they name the provision, as a title names its record."""
    if not (e.cite and e.cite != e.ref):
        return ""
    passage = passage_of(e)
    body = strip_headings(passage)
    return passage[: len(passage) - len(body)] if body != passage else ""


def _script(text: str) -> str:
    """'zh' when Han characters are a good share of the letters, else 'en'."""
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "zh" if han * 3 >= latin else "en"


def _ranked(cands: list[_Candidate], question: str, form: Form, translated: list[str] | None = None,
            aligned: Sequence[tuple[str, Sequence[str]]] = ()) -> list[tuple[float, _Candidate, Scored, frozenset[str]]]:
    """Every candidate sentence with how well it answers, best first, and the question units it
    shares."""
    own = question_terms(question)
    equiv = equivalents(own, aligned)
    # the question's words in the other language count for sentences in that language only
    # (a Chinese question read against an English article); a translation of one of its words
    # counts as that word (`equiv`), once
    other = terms(" ".join(translated or [])) - own - terms(" ".join(a for alts in equiv.values() for a in alts))
    q_terms = own | other
    idf = idf_of([c.sentence for c in cands], q_terms, equiv)
    weights: dict[str, dict[str, float]] = {}
    hinted = _hinted(question)
    counting = form == "how_much" and counts_asked(question)
    measure = measure_asked(question) if form == "how_much" else None
    moment = moment_asked(question) if form == "when" else ""
    recurring = form == "when" and asks_recurring(question)
    # a sentence of a less relevant record must answer better by as much as its record ranks lower
    # (the Chinese exporter's form before the US one, though both "report a trade barrier")
    top = max((c.ev.score for c in cands), default=0.0)
    out: list[tuple[float, _Candidate, Scored, frozenset[str]]] = []
    # per record: what its title names; written alike (weighs less in every sentence of it) and said
    # in either language (is no particular of the question a sentence answers)
    subjects: dict[str, tuple[set[str], set[str]]] = {}
    for c in cands:
        w = weights.get(c.ev.ref)
        if w is None:
            subjects[c.ev.ref] = (_subject_terms(c.ev), _subject_terms(c.ev, q_terms, equiv))
            w = {t: idf.get(t, 1.0) * (SUBJECT_WEIGHT if t in subjects[c.ev.ref][0] else 1.0) for t in q_terms}
            weights[c.ev.ref] = w
        asked = q_terms if other and _script(c.sentence) != _script(question) else own
        sc = _score(c, asked, form, w, hinted, moment, equiv, recurring)
        if sc.cue and counting and amount_only(c.sentence, form):  # "how many labs": not USD 2.87 billion
            sc = dataclasses.replace(sc, cue=False, score=sc.score - CUE_WEIGHT.get(form, 1.5))
        if measure is not None and measure_stated(measure, c.sentence) != sc.cue:
            # the quantity measured answers: a font size in mm, not 1.2%; a fee "free of charge"
            flip = CUE_WEIGHT.get(form, 1.5) * (1 if not sc.cue else -1)
            sc = dataclasses.replace(sc, cue=not sc.cue, score=sc.score + flip)
        key = sc.score * (min(max(c.ev.score, 0.0) / top, 1.0) if top > 0 else 1.0)
        out.append((key, c, sc, frozenset(sentence_terms(c.read, asked, equiv) & asked) - subjects[c.ev.ref][1]))
    # a tie goes to the sentence holding what the form asks, then to the one sharing more of the
    # question beyond the record's subject
    out.sort(key=lambda x: (-x[0], not x[2].cue, -len(x[3])))
    return out


_FACT_FORMS: tuple[Form, ...] = ("when", "how_much", "which", "who")  # a date, a figure, an act, a body
SPECIFIC_TERMS = 2  # question words, beyond the record's subject, that make a sentence answer its particulars
SECOND_SHARE = 0.5  # a second sentence must answer at least this share as well as the first


def _continuation(cands: list[_Candidate], first: _Candidate, form: Form) -> _Candidate | None:
    """The clause right after an opening one that ends in a semicolon, or the sentence after it that
    qualifies it (an exception or a condition), when it states the figure or date asked for too:
    "保存期限不得少于…期满后6个月；" goes on "没有明确保质期的，…不得少于2年。"; "每批货物2%的比例…
    抽样检查。" goes on "如两年内没有发生植物检疫问题，抽样比例降为1%。"."""
    if form not in ("how_much", "when"):
        return None
    at = next((i for i, x in enumerate(cands) if x is first), None)
    nxt = cands[at + 1] if at is not None and at + 1 < len(cands) else None
    if nxt is None or nxt.ev is not first.ev or nxt.kind != first.kind or not form_cue(nxt.sentence, form):
        return None
    return nxt if first.sentence.rstrip().endswith(("；", ";")) or _QUALIFIES.match(nxt.sentence) else None


def _with_continuations(cands: list[_Candidate], answers: list[_Candidate], forms: tuple[Form, ...],
                        listing: set[int] | None = None) -> list[_Candidate]:
    """The answer sentences, each followed by the sentence that qualifies its figure or date in one
    of `forms` ("2%的比例…抽样检查。" then "如两年内没有发生植物检疫问题，抽样比例降为1%。"), or replaced by
    it when it quotes the clause it completes already."""
    out: list[_Candidate] = []
    for a in answers:
        out.append(a)
        if listing is None or id(a) in listing:
            out.extend(x for x in _listed_after(cands, a) if all(x.sentence != y.sentence for y in answers + out))
        more = next((m for m in (_continuation(cands, a, f) for f in forms) if m is not None), None)
        if more is None or any(more.sentence == x.sentence for x in answers + out):
            continue
        if a.sentence in more.before:
            out[-1] = more  # quoted with the clause it completes already
        else:
            out.append(more)
    return out


_LIST_ITEM = re.compile(r"\s*(?:\((?:[a-z]|[ivx]{1,4}|\d{1,2})\)|[-•·]|（[一二三四五六七八九十\d]{1,2}）|\d{1,2}[.、])\s*\S", re.I)
LISTED_ITEMS = 2  # items of a list a sentence introduces ("either of the following qualifications:") quoted with it
LISTED_CHARS = MAX_DIRECT * 3 // 2  # and at most this many of their characters (one quoted item is at most MAX_DIRECT)


def _listed_after(cands: list[_Candidate], first: _Candidate) -> list[_Candidate]:
    """The items of the list an answering sentence introduces with a colon: "either of the
    following qualifications:" says nothing until "(a) a diploma…" and "(b) four years…" follow."""
    if not first.sentence.rstrip().endswith((":", "：")):
        return []
    at = next((i for i, x in enumerate(cands) if x is first), None)
    items: list[_Candidate] = []
    size = 0
    for nxt in cands[at + 1:] if at is not None else []:
        if nxt.ev is not first.ev or nxt.kind != first.kind or not _LIST_ITEM.match(nxt.sentence):
            break
        size += min(len(nxt.sentence), MAX_DIRECT)
        if size > LISTED_CHARS and items:  # the chat answer stays a phone screen: the first items only
            break
        items.append(nxt)
        if len(items) == LISTED_ITEMS:
            break
    return items


# a sentence that qualifies the one before it: a condition or an exception to the same rule
_QUALIFIES = re.compile(r"\s*(?:如|若|如果|但|但是|除|(?:if|where|unless|however|except)\b)", re.I)


def _second(ranked: list[tuple[float, _Candidate, Scored, frozenset[str]]], first: _Candidate,
            form: Form) -> _Candidate | None:
    """A sentence of the same record that answers what the first left out ("how long... and when
    is the report due?"): it shares question words the first does not, and holds a fact."""
    got = next((x for x in ranked if x[1] is first), None)
    if got is None or got[0] <= 0:
        return None
    for key, c, sc, shared in ranked:
        if (c is first or c.ev is not first.ev or c.sentence == first.sentence or c.example
                or key < SECOND_SHARE * got[0]):
            continue  # (an example illustrates the first's rule; it answers nothing the first left out)
        if shared - got[3] and (sc.cue or form == "what" or any(form_cue(c.sentence, f) for f in _FACT_FORMS)):
            return c
    return None


_Ranking = list[tuple[float, _Candidate, Scored, frozenset[str]]]  # candidates best first (`_ranked`)
MAX_ASKS = 3  # questions of one message answered one sentence each
SUPPORTING_MAX = 2  # supporting sentences after the opening
SUPPORTING_DEPTH = 3  # places of a ranking (the whole message's, each ask's) a supporting sentence comes from


def _ask_rankings(cands: list[_Candidate], question: str, translated: list[str],
                  aligned: Sequence[tuple[str, Sequence[str]]] = ()) -> list[tuple[str, Form, _Ranking]]:
    """Each ask of a message that asks several things, with its form and the candidates ranked by
    its own words; none when the message asks one thing. Ranked once, for the opening's sentence
    per ask and for the supporting points."""
    pieces = ask_forms(question)
    if len(pieces) < 2:
        return []
    out: list[tuple[str, Form, _Ranking]] = []
    for ask, form in pieces[:MAX_ASKS]:
        own_aligned, own_translated = _aligned_in(ask, aligned, translated)
        out.append((ask, form, _ranked(cands, ask, form, own_translated, own_aligned)))
    return out


def _supporting(ranked: _Ranking, per_ask: list[tuple[str, Form, _Ranking]],
                answers: list[_Candidate]) -> list[_Candidate]:
    """The supporting points: the next best sentences of the records the opening quotes, for the
    whole message and for each of its asks in turn, that share the question's words ("…完成备案
    within 5 working days" beside the annual-report deadline that opens). The opening answers;
    these hold what a reader asks next, or what the opening's sentence choice left out."""
    lists = [ranked, *(ranking for _, _, ranking in per_ask)]
    quoted = {id(c.ev) for c in answers}
    said = {c.sentence for c in answers}
    out: list[_Candidate] = []
    for depth in range(SUPPORTING_DEPTH):
        for ranking in lists:
            if depth >= len(ranking):
                continue
            key, c, _sc, shared = ranking[depth]
            if key <= 0 or not shared or c.example or id(c.ev) not in quoted or c.sentence in said:
                continue
            said.add(c.sentence)
            out.append(c)
    return out[:SUPPORTING_MAX]


def _per_ask(cands: list[_Candidate], per_ask: list[tuple[str, Form, _Ranking]], first: _Candidate,
             translated: list[str], quoting: set[str],
             aligned: Sequence[tuple[str, Sequence[str]]] = ()) -> list[_Candidate]:
    """For a message that asks several things ("多久能办好？每年还要交什么？"; `per_ask`, from
    `_ask_rankings`), the sentences that answer them in the order asked, `first` among them where
    it answers: for each other ask, the sentence that shares the ask's own words or holds what its
    form asks for (a figure for "how long", a date for "when"). Just [first] when the message asks
    one thing."""
    if not per_ask:
        return [first]
    out: list[tuple[int, _Candidate]] = []
    said = {first.sentence}
    first_at: int | None = None
    # what the reader sees of the opening sentence: a long one is quoted in part
    shown = _quote(first.shown, quoting)
    for i, (ask, form, ranked) in enumerate(per_ask):
        if i and form in _FACT_FORMS and ranked and ranked[0][2].overlap == 0:
            # an ask for a fact whose words no sentence shares ("最晚什么时候交？") asks it of the
            # one before ("每年还要交什么材料？"): read with that one's words, in its own form
            ask = f"{per_ask[i - 1][0]} {ask}"
            own_aligned, own_translated = _aligned_in(ask, aligned, translated)
            ranked = _ranked(cands, ask, form, own_translated, own_aligned)
        if not ranked or ranked[0][0] <= 0:
            continue
        key, c, sc, shared = ranked[0]
        mine = next((x for x in ranked if x[1] is first), None)
        visible = frozenset(mine[3] & sentence_terms(shown, set(mine[3]))) if mine is not None else frozenset()
        if mine is not None and shared <= visible and (mine[2].cue or not sc.cue):
            first_at = i if first_at is None else first_at
            continue  # the opening sentence answers this one too: its words, and the fact asked for
        # it answers this ask's particulars (two of its own words), or holds the fact its form asks for
        # (or is the field it asks for by name: "现在什么状态？")
        if c.sentence in said or not (len(shared) >= SPECIFIC_TERMS or (sc.cue and form in _FACT_FORMS and sc.overlap)
                                      or c.kind in _hinted(ask)):
            continue
        said.add(c.sentence)
        # an earlier ask that another sentence answers better is answered before the opening one
        beaten = mine is None or mine[0] < key or (form in _FACT_FORMS and sc.cue and not mine[2].cue)
        out.append((i if beaten else MAX_ASKS, c))
    out = sorted(out[: MAX_ASKS - 1], key=lambda x: x[0])
    # the best sentence overall goes where its ask is, so the answers come in the order asked
    out.insert(sum(1 for i, _ in out if first_at is not None and i < first_at), (-1, first))
    return [c for _, c in out]


def _aligned_in(ask: str, aligned: Sequence[tuple[str, Sequence[str]]],
                translated: list[str]) -> tuple[list[tuple[str, Sequence[str]]], list[str]]:
    """The other-language words of one ask of a message: those of the words it says itself
    ("heat treatment … Varroa mites"), not those of the message's other asks ("health
    certificate"), which would make a sentence on certificates answer the heat-treatment ask. When
    search aligned nothing, the message's translations stand as they are."""
    if not aligned:
        return [], translated
    low = ask.lower()
    mine = [(w, alts) for w, alts in aligned if str(w).lower() in low]
    return mine, sorted({str(a) for _, alts in mine for a in alts})


def _quote(sentence: str, asked: set[str] | None = None, form: Form | None = None) -> str:
    """The sentence as quoted: whole up to MAX_DIRECT characters; a longer one cut to the run of its
    clauses that holds most of the question's words (the "(a) … at least one year of professional
    experience" clause of a long list, for "what experience qualifies?"), else to its start; and
    when that cut leaves out the figure or date a "how long / when" question asks for, cut to end
    where the sentence states it ("… but not later than 10 days after …")."""
    s = sentence.strip().lstrip("”’」』)）]，,;；:：、 ")  # a sentence cut after an opening quote
    if len(s) <= MAX_DIRECT:
        return s
    window = _answering_window(s, asked) if asked else None
    if window is None:
        cut = s[:MAX_DIRECT]
        pos = max(cut.rfind("，"), cut.rfind(", "), cut.rfind("；"), cut.rfind("; "))
        window = (cut[:pos] if pos > MAX_DIRECT // 2 else cut.rsplit(" ", 1)[0]).rstrip(" ，,;；") + "…"
    if form in ("when", "how_much") and not form_cue(window, form):
        return _cue_window(s, form) or window
    return window


def _join(parts: list[str], lang: str) -> str:
    """Sentences one after the other: Chinese ones close up, except after a citation mark followed
    by Latin text ("… [1] Notwithstanding …"), which reads as one word without a space."""
    if lang == "en":
        return " ".join(parts)
    out = ""
    for part in parts:
        out += (" " if out.endswith("]") and part[:1].isascii() else "") + part
    return out


def _cue_window(s: str, form: Form) -> str | None:
    """At most MAX_DIRECT characters of `s` ending with the clause that holds its first figure or
    date of the kind `form` asks for, starting at a word or clause boundary; None when it has none."""
    m = cue_match(s, form)
    if m is None:
        return None
    stop = re.search(r"[,;，；。.](?=\s|$)|[，；。]", s[m.end():])
    end = m.end() + (stop.start() if stop else len(s) - m.end())
    end = min(end, m.end() + MAX_DIRECT // 3)
    start = max(0, end - MAX_DIRECT)
    if start:
        gap = re.search(r"[,;，；]\s*|\s", s[start:m.start()])
        start = start + gap.end() if gap else start
    text = s[start:end].strip(" ，,;；")
    return ("…" if start else "") + text + ("…" if end < len(s) else "")


def _answering_window(s: str, asked: set[str]) -> str | None:
    """The clauses of `s`, at most MAX_DIRECT characters together, sharing most question words;
    None when the opening clauses share as many as any."""
    clauses = [c for c in re.split(r"(?<=[,;，；:：])\s*", s) if c]
    best: tuple[int, int, int] = (-1, 0, 0)  # shared, -start, end
    for i in range(len(clauses)):
        size, j = 0, i
        while j < len(clauses) and size + len(clauses[j]) <= MAX_DIRECT:
            size += len(clauses[j]) + 1
            j += 1
        if j == i:
            continue
        shared = len(sentence_terms(" ".join(clauses[i:j]), asked) & asked)
        if shared > best[0]:
            best = (shared, i, j)
    shared, i, j = best
    if shared <= 0 or i == 0:
        return None
    text = " ".join(clauses[i:j]).rstrip(" ，,;；:：")
    return "…" + text + ("…" if j < len(clauses) else "")


def _main(intent: str, ev: list[Evidence], statuses: dict[str, RuleStatus], ctx: dict[str, Any]) -> list[Evidence]:
    """The records whose sentences may open the answer, best first. The record search ranked first
    may answer a question read as about notifications whatever its type ("who notifies the FCC's
    drafts?": Part 15 names the US enquiry point), and a notification may answer any question (the
    addendum that postponed the FCC's lab rules says until when)."""
    chosen = _main_of_kind(intent, ev, statuses, ctx)
    best = max(ev, key=lambda e: e.score)
    if best in chosen or intent == "report" or not (intent == "notification" or best.type == "notification"):
        return chosen
    return [*chosen[:MAIN_RECORDS - 1], best]


def _main_of_kind(intent: str, ev: list[Evidence], statuses: dict[str, RuleStatus],
                  ctx: dict[str, Any]) -> list[Evidence]:
    if intent == "notification":
        asked = [e for e in ev if e.ref == ctx.get("asked")]
        if asked:  # a quoted symbol: the answer is about that document
            return asked
        notes = [e for e in ev if e.type == "notification"]
        return notes[:MAIN_RECORDS] or ev[:MAIN_RECORDS]
    if intent == "requirements":
        rules = [e for e in ev if e.type in _RULE_TYPES]
        live = [e for e in rules if statuses.get(e.ref, RuleStatus("in_force")).current]  # upcoming ones too
        return (live or rules or ev)[:MAIN_RECORDS]
    if intent == "cases":
        cases = [e for e in ev if e.type in ("case", "dispute")]
        return (cases or ev)[:MAIN_RECORDS]
    if intent == "report":
        forms = [e for e in ev if e.type == "form"]
        if not ctx.get("market"):  # no home named: China's national form, the one this assistant fills
            forms.sort(key=lambda e: form_owner(e.record) != "CHN")
        return forms[:1] or ev[:MAIN_RECORDS]  # one channel answers "how do I report": the reporter's own
    non_alert = [e for e in ev if e.type != "alert"]
    return (non_alert or ev)[:MAIN_RECORDS]


def _named_first(question: str, records: list[Evidence]) -> list[Evidence]:
    """The records the question names (its ref, title or short name such as GPSR) alone, when
    it names any: a question about GPSR is answered from GPSR."""
    from assistant.answer.evidence import named_in

    named = [e for e in records if named_in(question, e.ref, e.record)]
    return named or records


def _topic(ctx: dict[str, Any], lang: str) -> str:
    product, market = ctx.get("product"), ctx.get("market")
    if lang == "zh":
        if product and market:
            return f"{product}出口{market}"
        return str(product or market or "该问题")
    if product and market:
        return f"{product} in {market}"
    return str(product or market or "this question")


def _rules_list(ev: list[Evidence], statuses: dict[str, RuleStatus], lang: str, ctx: dict[str, Any]) -> str:
    rules = [e for e in ev if e.type in ("regulation", "document") and (e.type == "regulation" or e.record.get("markets"))]
    live = [e for e in rules if statuses.get(e.ref, RuleStatus("in_force")).applicable][:MAIN_RECORDS]
    if not live:
        return ""
    items = [f"{name(e, lang) if e.cite == e.ref else e.ref} [{e.n}]" for e in live]
    joined = "、".join(items) if lang == "zh" else ", ".join(items)
    key = "direct_apply" if len(live) > 1 else "direct_apply_one"
    return phrase(key, lang, topic=_topic(ctx, lang), items=joined)


def _specific_hazard(hazard: str) -> str:
    """'Carbofuran - pesticide residues' -> 'Carbofuran' (RASFF names the substance first)."""
    return tidy(re.split(r"\s+-\s+|\s*\(", hazard, maxsplit=1)[0]) if hazard else ""


def alerts_summary(alerts: list[Evidence], lang: str, ctx: dict[str, Any]) -> list[str]:
    """How many alerts, which years and the main hazards (first sentence), then the substances
    named most and the notifying countries; each sentence cites the alerts it is drawn from."""
    if not alerts:
        return []
    dated = sorted(alerts, key=lambda e: alert_date(e.record))
    years = sorted({alert_date(e.record)[:4] for e in alerts} - {""})
    topic = str(ctx.get("product") or tidy(str(alerts[0].record.get("product") or alerts[0].title)))
    if years:
        span = (phrase("years_range", lang, first=years[0], last=years[-1]) if len(years) > 1
                else phrase("years_one", lang, first=years[0]))
    else:
        span = "—"
    tally: dict[str, tuple[Counter[str], dict[str, int]]] = {
        "country": (Counter(), {}), "category": (Counter(), {}), "substance": (Counter(), {})}

    def count(kind: str, label: str, n: int) -> None:
        if label:
            tally[kind][0][label] += 1
            tally[kind][1].setdefault(label, n)

    for e in alerts:
        r = e.record
        for part in [p.strip() for p in str(r.get("notifying_country") or "").split(";") if p.strip()]:
            count("country", country(part, lang), e.n)
        cat = rasff_hazard_category(r.get("hazard_category"), lang)
        for c in [x for x in re.split(r"[、;]\s*", cat) if x][:2]:
            count("category", c, e.n)
        count("substance", _specific_hazard(str(r.get("hazard") or "")), e.n)

    def top(kind: str, k: int = 3) -> tuple[str, list[int]]:
        c, where = tally[kind]
        best = c.most_common(k)
        text = ("、" if lang == "zh" else ", ").join(
            f"{x}（{v}）" if lang == "zh" else f"{x} ({v})" for x, v in best)
        return text, [where[x] for x, _ in best]

    end = "。" if lang == "zh" else "."
    ends = list(dict.fromkeys([dated[-1].n, dated[0].n]))
    key = "alerts_count" if len(alerts) > 1 else "alerts_count_one"
    first = phrase(key, lang, count=len(alerts), topic=topic, years=span).rstrip("。.")
    hazards, cited = top("category") if tally["category"][0] else top("substance")
    if hazards:
        first += "，" if lang == "zh" else ", "  # one sentence: count, years and main hazards
        first += phrase("alerts_hazards", lang, hazards=hazards).rstrip("。.")
        ends = list(dict.fromkeys([*ends, *cited]))
    out = [first + " " + "".join(f"[{n}]" for n in ends) + end]
    parts: list[str] = []
    ns: list[int] = []
    if tally["category"][0] and tally["substance"][0]:
        text, cited = top("substance")
        parts.append(phrase("alerts_substances", lang, substances=text).rstrip("。."))
        ns += cited
    if tally["country"][0]:
        text, cited = top("country")
        parts.append(phrase("alerts_by", lang, countries=text).rstrip("。."))
        ns += cited
    if parts:
        marks = "".join(f"[{n}]" for n in dict.fromkeys(ns))
        out.append(("，" if lang == "zh" else "; ").join(parts) + f" {marks}" + end)
    return out


POINTED_MAX = 3  # a question that narrows the alerts to this many is about those alerts


def _naming_sentence(ev: list[Evidence], ctx: dict[str, Any], lang: str, today: dt.date) -> DirectAnswer | None:
    """When the question asked about an identifier the corpus lacks and a held record names it
    (2006/42/EC in the Machinery Regulation), that record's sentence naming it opens the answer."""
    from assistant.refs import names_ref

    naming = ctx.get("naming") or {}
    e = next((x for x in ev if x.ref == naming.get("ref")), None)
    if e is None:
        return None
    missing = str(naming.get("missing") or "")
    for c in _candidates(e, 0, lang, today):
        if names_ref({"text": c.sentence}, missing):
            sep = "：" if lang == "zh" else ": "
            sentence = _quote(c.sentence)
            end = "" if sentence.endswith(("。", ".", "…", "；", ";")) else ("。" if lang == "zh" else ".")
            return DirectAnswer(f"{name(e, lang)}{sep}{sentence}{end} [{e.n}]",
                                [{"n": e.n, "ref": e.ref, "cite": e.cite, "sentence": c.sentence}])
    return None


def _singles_out(question: str) -> bool:
    """The question narrows rejections by a notifying member state or a year."""
    from assistant.retrieve.analyze import notifying_members

    return bool(re.search(r"(?<![\d./])20[12]\d(?![\d./])", question) or notifying_members(question))


def _alerts_pointed_at(alerts: list[Evidence], question: str) -> list[Evidence]:
    """The alerts a question singles out by who notified them and when ("2023年12月荷兰通报的那批",
    "flagged by Hungary in 2023"); [] when it singles out none. A few are said one by one before
    the tally, and the tally counts only them."""
    pointer = alert_pointer(question)
    if not pointer:
        if asks_latest(question) and alerts:  # "the most recent one": the newest of them
            return [max(alerts, key=lambda e: alert_date(e.record))]
        return []
    chosen = [e for e in alerts if pointer.fits(e.record)]  # all of them when the answer already holds only those
    if asks_latest(question) and chosen:  # "意大利…最近一次是什么时候": the newest of those
        return [max(chosen, key=lambda e: alert_date(e.record))]
    return chosen


_HAZARD_WORD = re.compile(r"[a-z]{4,}")
# words of RASFF hazard names that say what kind of problem, not which (all residues share "residues")
_GENERIC_HAZARD = frozenset({"residues", "residue", "pesticide", "pesticides", "migration", "unauthorised",
                             "substance", "composition"})


def _hazard_named(alerts: list[Evidence], question: str, ctx: dict[str, Any]) -> list[Evidence]:
    """The alerts whose hazard the question names, in its words or their translations
    ("rejected for listeria", "黄曲霉超标" -> aflatoxin); [] when it names none or all match."""
    asked = set(_HAZARD_WORD.findall(question.lower()))
    asked |= {t.lower() for t in ctx.get("question_terms") or [] if t.isascii()}
    asked -= _GENERIC_HAZARD
    for e in alerts:  # the product's own words are not a hazard (peanuts in "peanut allergen")
        asked -= set(_HAZARD_WORD.findall(str(e.record.get("product") or "").lower()))
    if not asked:
        return []
    hit = [e for e in alerts if asked & set(_HAZARD_WORD.findall(str(e.record.get("hazard") or "").lower()))]
    return hit if 0 < len(hit) < len(alerts) else []


def _alert_sentence(e: Evidence, lang: str) -> str:
    r = e.record
    when = alert_date(r)[:10]
    who = country(str(r.get("notifying_country") or ""), lang)
    what = tidy(str(r.get("product") or e.title))
    hazard = tidy(str(r.get("hazard") or ""))
    origin = country(str(r.get("origin") or ""), lang).replace("; ", ", ") if r.get("origin") else ""
    if lang == "zh":
        where = f"（原产地 {origin}）" if origin else ""
        return f"{e.ref}（{when}，{who}通报）：{what}{where}，问题为 {hazard}。 [{e.n}]"
    where = f" from {origin}" if origin else ""
    return f"{e.ref} ({when}, notified by {who}): {what}{where}, hazard: {hazard}. [{e.n}]"


_WHEN_ASKED = re.compile(
    r"什么时候|何时|哪天|哪一天|从哪天|几号|啥时候|多会|起施行|生效|\bwhen\b|\bfrom what date\b|\bsince when\b|"
    r"\bwhat date\b|\beffective\b|\bkick(?:s|ed)? in\b|\bcome into (?:force|effect)\b", re.I)
_DATE_IN = re.compile(r"\d{4}-\d{2}-\d{2}|\d{4}\s*年\s*\d{1,2}\s*月|\b\d{1,2} [A-Z][a-z]+ \d{4}\b")


def _when_missing(parts: list[str], question: str, form: Form, head: Evidence, lang: str,
                  today: dt.date) -> str:
    """A question that also asks when ("…现在是不是改规矩了？从哪天起") whose opening holds no date:
    the main record's date of effect, from its own dated fields."""
    if not parts or not _WHEN_ASKED.search(question) or any(_DATE_IN.search(p) for p in parts):
        return ""
    dates = head.record.get("dates") or {}
    for key, label in (("applies_from", "applies_from"), ("entry_into_force", "in_force")):
        d = _d(dates.get(key))
        if d is not None:
            sep = "：" if lang == "zh" else ": "
            end = "。" if lang == "zh" else "."
            return f"{head.ref}{sep}{phrase(label, lang)} {d.isoformat()}{end} [{head.n}]"
    return ""


def direct_answer(intent: str, ev: list[Evidence], lang: str, ctx: dict[str, Any], question: str, form: Form,
                  statuses: dict[str, RuleStatus], today: dt.date) -> DirectAnswer:
    """The opening sentence(s) for this question and evidence."""
    if not ev:
        return DirectAnswer("")
    alerts = [e for e in ev if e.type == "alert"]
    if intent == "alerts" and alerts:
        # "rejected for listeria": those alerts; "被荷兰通报过几回", "the latest one": those of them the
        # question singles out
        hazard = _hazard_named(alerts, question, ctx)
        chosen = _alerts_pointed_at(hazard or alerts, question)
        named = _hazard_named(chosen, question, ctx) if chosen else hazard
        pointed = chosen if len(chosen) <= POINTED_MAX else []
        none = [phrase("alerts_none_such", lang)] if _singles_out(question) and not chosen else []
        few = named or chosen or alerts
        tally = alerts_summary(few, lang, ctx)
        if not pointed and len(few) <= POINTED_MAX:
            # a handful of alerts are each said (product, origin, hazard), not tallied; a "how many"
            # question still opens with the count
            each = [_alert_sentence(e, lang) for e in few]
            sents = none + (tally + each if form == "how_much" else each + (tally if len(few) > 1 else []))
        else:
            sents = none + [_alert_sentence(e, lang) for e in pointed] + tally
        return DirectAnswer(" ".join(sents), [{"n": e.n, "ref": e.ref, "cite": e.cite, "sentence": ""}
                                              for e in alerts])
    naming = _naming_sentence(ev, ctx, lang, today)
    if naming is not None:
        return naming
    if form == "status":
        said = _status_answer(ev, statuses, lang)
        asks = ask_forms(question)
        if said is not None and len(asks) > 1 and asks[0][1] != "status":
            # "what's the standby limit, and is that regulation still in force?": in the order asked
            earlier = direct_answer(intent, ev, lang, ctx, asks[0][0], asks[0][1], statuses, today)
            if any(st.kind not in ("in_force", "to_be_repealed") for st in statuses.values()):
                return earlier  # a repealed or not yet applicable rule: its opening says so already
            return DirectAnswer(_join([earlier.text, said.text], lang), earlier.passages + said.passages)
        if said is not None:
            return said
    main = _named_first(question, _main(intent, ev, statuses, ctx))
    if "parties" in _hinted(question):
        brought = _complainants(main, lang)
        if brought is not None:
            return brought
    sep = "：" if lang == "zh" else ": "
    parts: list[str] = []
    passages: list[dict[str, Any]] = []
    supporting: list[str] = []
    if intent == "requirements" and form in ("must", "list", "what", "allowed", "which"):
        listed = _rules_list(ev, statuses, lang, ctx)
        if listed:
            parts.append(listed)
    cands = [c for k, e in enumerate(main) for c in _candidates(e, k, lang, today)]
    if form not in ("when", "which", "what"):  # a repealed rule's content does not apply
        cands = [c for c in cands if statuses.get(c.ev.ref, RuleStatus("in_force")).current] or cands
    translated = [str(t) for t in ctx.get("question_terms") or []]
    aligned = ctx.get("aligned") or ()
    ranked = _ranked(cands, question, form, translated, aligned)
    found = (ranked[0][1], ranked[0][2]) if ranked else None
    if parts and form in ("must", "list", "which") and not (ranked and len(ranked[0][3]) >= SPECIFIC_TERMS):
        # the rules that apply answer it, their points follow right below; unless a sentence
        # answers the question's own particulars ("必须在印度当地实验室测？")
        found = None
    if found is not None:
        c, sc = found
        if sc.overlap == 0 and not (sc.cue and form in ("when", "how_much")) and c.kind not in _hinted(question):
            # nothing shares the question's words: what the best record (or provision) says first
            first = next((x for x in cands if x.ev is main[0] and x.kind in ("summary", "title", "passage")), c)
            c = first
        asked = question_terms(question) | terms(" ".join(translated))  # what a long sentence is quoted at
        per_ask = _ask_rankings(cands, question, translated, aligned)
        answers = _per_ask(cands, per_ask, c, translated, asked, aligned) if c is found[0] else [c]
        second = _second(ranked, c, form) if c is found[0] and len(answers) == 1 else None
        if second is not None:
            answers = [*answers, second]
        # each sentence with the clause that qualifies its figure or date; a lone answer only with
        # the one its own question's form asks for
        # (a list follows only a sentence that answers the question's own particulars: "either of
        # the following qualifications:" for "what qualifications…?", not "shall provide the following:")
        specific = {id(x[1]) for x in ranked if x[3]}
        answers = _with_continuations(cands, answers, (form,) if len(answers) == 1 else ("how_much", "when"), specific)
        previous: Evidence | None = None
        for more in answers:
            quoted = _quote(more.shown, asked, form)
            if quoted[:1].islower() and quoted[:1].isascii():  # a clause quoted on its own starts a sentence
                quoted = quoted[0].upper() + quoted[1:]
            plain = more.kind in ("date", "alert") and quoted.startswith(more.ev.ref)
            lead = "" if plain or more.ev is previous else name(more.ev, lang) + sep
            end = "" if quoted.endswith(("。", ".", "…", "！", "？", "!", "?", "；", ";", ":", "：")) else ("。" if lang == "zh" else ".")
            parts.append(f"{lead}{quoted}{end} [{more.ev.n}]")
            passages.append({"n": more.ev.n, "ref": more.ev.ref, "cite": more.ev.cite, "sentence": more.shown})
            previous = more.ev
        for c_more in _supporting(ranked, per_ask, answers):  # after the opening's own
            supporting.append(f"{_quote(c_more.shown, asked)} [{c_more.ev.n}]")
            passages.append({"n": c_more.ev.n, "ref": c_more.ev.ref, "cite": c_more.ev.cite, "sentence": c_more.shown})
    when = _when_missing(parts, question, form, main[0], lang, today)
    if when:
        parts.append(when)
    head = main[0]
    st = statuses.get(head.ref)
    if (st is not None and st.kind != "in_force" and head.type in _RULE_TYPES
            and (st.kind != "to_be_repealed" or form == "when")):  # a rule still in force: said below
        note = phrase("status_note", lang, ref=head.ref, status=status_text(st, lang))
        parts.insert(0 if st.kind == "repealed" else len(parts), f"{note.rstrip('。.')} [{head.n}]"
                     + ("。" if lang == "zh" else "."))
    if not parts:
        parts.append(phrase("direct_none", lang))
    return DirectAnswer(_join(parts, lang), passages, supporting)


def unstated_measure(intent: str, ev: list[Evidence], question: str, lang: str, ctx: dict[str, Any],
                     statuses: dict[str, RuleStatus], today: dt.date) -> tuple[str, list[Evidence]] | None:
    """A question that asks only for a fee, a size, a limit or a period which none of the records that would
    answer it states ("印度BIS注册要交多少费用？"): the kind and the records read, else None. Quoting
    the record instead would look like an answer to a figure it never gives."""
    kind = checked_measure(question, intent) if ev else None
    if kind is None:
        return None
    main = _named_first(question, _main(intent, ev, statuses, ctx))
    if any(measure_stated(kind, c.sentence) for k, e in enumerate(main) for c in _candidates(e, k, lang, today)):
        return None
    return kind, main


__all__ = ["DirectAnswer", "alerts_summary", "direct_answer", "unstated_measure", "name", "passage_of", "pick", "pick_list",
           "status_text"]
