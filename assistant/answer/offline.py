"""The offline composer: a deterministic, grounded answer built from the retrieved records.

No key, no network. Every line that states a fact about a measure is built from one record's
fields and carries that record's marker [n]; generic advice lines state no facts. Chinese answers
use the records' Chinese fields, keep titles and symbols in their original language and translate
only closed vocabularies (assistant/answer/i18n.py). Quoted text is only ever cut at a sentence
or word end, so a shortened line never shows half a number the verifier could not find.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from assistant.answer import chat as chat_form
from assistant.answer.direct import alerts_summary, direct_answer, passage_of, status_text
from assistant.answer.evidence import alert_date
from assistant.answer.i18n import (
    country,
    ntm_label,
    phrase,
    rasff_category,
    rasff_hazard_category,
    type_label,
)
from assistant.answer.models import Evidence
from assistant.answer.sentences import ranked
from assistant.answer.sentences import split as split_sentences
from assistant.answer.status import RuleStatus, rule_status
from assistant.retrieve.question_form import Form, coerce_form
from assistant.retrieve.relevance import form_owner

MAX_REGS = 3
MAX_NOTIFS = 3
MAX_ALERTS = 3  # the latest few shown after the aggregate
MAX_CASES = 2
MAX_REQS = 2  # requirements of one rule shown: those that best answer the question
REQS_CHARS = 240  # ... or only the best one when two would be longer than this
SUMMARY_CHARS = 200  # a record's summary inside a list of several
CASE_CHARS = 150  # a past case mentioned beside the main answer
QUOTE_CHARS = 400  # a passage of a long document (an article of a regulation)
BRIEF_CHARS = 150  # a further rule beside the main one: the sentence that answers

_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_SPACES = re.compile(r"[ \t]{2,}")
_END_PUNCT = "。；;.，,、 "
_MARKER_RE = re.compile(r"\[(\d{1,3})\]")


@dataclass
class Composed:
    """The composed answer. `text` is the full answer for the web; `chat` the chat-length form
    (assistant/answer/chat.py); `direct` the opening sentence(s) that answer the question. All
    three carry the same evidence markers [n], so one renumbering applies to each."""

    text: str
    used: list[int] = field(default_factory=list)  # evidence numbers cited, in order of use
    followups: list[str] = field(default_factory=list)
    chat: str = ""
    direct: str = ""
    form: str = "what"  # the question's form (assistant/answer/question_form.py)
    passages: list[dict[str, Any]] = field(default_factory=list)  # [{n, ref, cite, sentence}]


def _d(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def tidy(text: str) -> str:
    """One line of record text: folded YAML spaces between Chinese characters removed."""
    text = " ".join(str(text).split())
    return _SPACES.sub(" ", _CJK_GAP.sub("", text)).strip()


def join_items(items: list[str], lang: str) -> str:
    """A list of requirement sentences as one line, without doubled punctuation."""
    parts = [tidy(x).rstrip(_END_PUNCT) for x in items if tidy(x)]
    if not parts:
        return ""
    return ("；".join(parts) + "。") if lang == "zh" else ("; ".join(parts) + ".")


class Lines:
    """Collects answer lines and the evidence numbers they cite."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.used: list[int] = []

    def add(self, text: str, n: int | None = None) -> None:
        if n is not None:
            text = f"{text} [{n}]"
            if n not in self.used:
                self.used.append(n)
        self.lines.append(text)

    def raw(self, text: str) -> None:
        """A line that carries its own markers (several sources cited inline)."""
        for m in _MARKER_RE.finditer(text):
            n = int(m.group(1))
            if n not in self.used:
                self.used.append(n)
        self.lines.append(text)

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def text(self) -> str:
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        while self.lines and self.lines[0] == "":
            self.lines.pop(0)
        return "\n".join(self.lines)


class OfflineComposer:
    def __init__(self, today: dt.date) -> None:
        self.today = today
        self._question = ""  # the question being answered (picks the sentences that answer it)
        self._form: Form = "what"
        self._status: dict[str, RuleStatus] = {}  # ref -> whether the rule applies today
        self._said: set[str] = set()  # sentences the direct answer already quotes

    # -- public -----------------------------------------------------------------------------
    def compose(self, intent: str, evidence: list[Evidence], lang: str, ctx: dict[str, Any]) -> Composed:
        """`ctx` carries the display names of the product and market the question was about, the
        question itself (`question`) and optionally its form (`form`), and for a notification its
        family (`family`, `core`, `asked`)."""
        question = str(ctx.get("question") or "")
        form = coerce_form(ctx.get("form"), question)
        self._question = question
        self._form = form
        self._status = {e.ref: rule_status(e.record, e.ref, self.today) for e in evidence}
        handler = {
            "requirements": self._requirements,
            "notification": self._notification,
            "alerts": self._alerts,
            "cases": self._cases,
            "report": self._report,
        }.get(intent, self._general)
        direct = direct_answer(intent, evidence, lang, ctx, question, form, self._status, self.today)
        self._said = {p["sentence"] for p in direct.passages if p.get("sentence")}
        out = Lines()
        if direct.text:
            out.raw(direct.text)
            out.blank()
        body_start = len(out.lines)
        if direct.more:
            out.raw(f"**{phrase('direct_more', lang)}**")
            for line in direct.more:
                out.raw(f"- {line}")
            out.blank()
        handler(out, evidence, lang, ctx)
        body = "\n".join(out.lines[body_start:]).strip()
        followups = self._followups(intent, lang, ctx)
        chat = chat_form.render(direct.text, body, lang, len(out.used), followups)
        return Composed(out.text(), out.used, followups, chat=chat, direct=direct.text, form=form,
                        passages=direct.passages)

    def detail(self, ev: Evidence, lang: str, shown_as: int | None = None) -> Composed:
        """Everything one record says (for "tell me more about [2]")."""
        self._status = {ev.ref: rule_status(ev.record, ev.ref, self.today)}
        out = Lines()
        out.add(phrase("detail_heading", lang, n=shown_as or ev.n, ref=ev.ref), ev.n)
        if ev.type == "notification":
            self._notification_line(out, ev, lang, full=True)
            self._key_dates(out, ev, lang)
        else:
            self._record_block(out, ev, lang, full=True)
        text = out.text()
        head, _, body = text.partition("\n")
        chat = chat_form.render(head, body, lang, 0)
        return Composed(text, out.used, [], chat=chat, direct=head)

    # -- intents ----------------------------------------------------------------------------
    def _live(self, e: Evidence) -> bool:
        """Listed among the rules (a rule not yet applicable too, with its date); not repealed."""
        st = self._status.get(e.ref)
        return st is None or st.current

    def _requirements(self, out: Lines, ev: list[Evidence], lang: str, ctx: dict[str, Any]) -> None:
        groups = _group(ev)
        docs = [e for e in groups.get("document", []) if e.record.get("markets")]  # guides are not rules
        rules = groups.get("regulation", []) + docs
        regs = [e for e in rules if self._live(e)][:MAX_REGS]
        gone = [e for e in rules if not self._live(e)][:2]
        if regs:
            out.add(phrase("regs_heading", lang))
            if set(ctx.get("general_rules") or []) >= {e.ref for e in regs}:
                out.add(phrase("general_rules", lang, topic=self._topic(ctx, lang)))
            for i, e in enumerate(regs):  # the first in full, the others by what answers
                self._record_block(out, e, lang, brief=i > 0)
        elif not groups.get("announcement"):  # China Customs' own announcement is the rule then
            out.add(phrase("no_regs", lang, topic=self._topic(ctx, lang)))
        if gone:
            out.blank()
            out.add(phrase("no_longer_heading", lang))
            for e in gone:
                self._gone_line(out, e, lang)
        self._section(out, "notif_heading", groups.get("notification", [])[:2], lang)
        alerts = _china_first(groups.get("alert", []))
        if alerts:
            out.blank()
            out.add(phrase("alerts_heading", lang))
            for sentence in alerts_summary(alerts, lang, ctx):
                out.raw("- " + sentence)
        self._section(out, "cases_heading", (groups.get("case", []) + groups.get("dispute", []))[:1], lang)
        self._section(out, "other_heading", groups.get("announcement", [])[:1], lang)
        self._next_steps(out, lang, regs, kind="requirements")

    def _notification(self, out: Lines, ev: list[Evidence], lang: str, ctx: dict[str, Any]) -> None:
        groups = _group(ev)
        notes = groups.get("notification", [])
        family = ctx.get("family") or []
        fam = [e for e in notes if e.ref in family]
        if fam:
            fam.sort(key=lambda e: (_d((e.record.get("dates") or {}).get("distributed")) or dt.date.max, e.ref))
            by_ref = {e.ref: e for e in fam}
            core = str(ctx["core"]) if ctx.get("core") in by_ref else fam[0].ref
            asked = str(ctx["asked"]) if ctx.get("asked") in by_ref else core
            out.add(phrase("symbol_heading", lang, ref=asked), by_ref[asked].n)
            if len(fam) > 1:
                out.add(phrase("family", lang, core=core, count=len(fam)), by_ref[core].n)
            for e in fam:  # the asked document in full, the rest of its chain by what answers
                self._notification_line(out, e, lang, full=True, short=e.ref != asked)
            rest = [e for e in notes if e.ref not in family]
        else:
            out.add(phrase("notif_heading", lang))
            rest = notes
            if not notes:
                out.add(phrase("no_notifs", lang, topic=self._topic(ctx, lang)))
        for e in rest[: MAX_NOTIFS if not fam else 2]:
            self._notification_line(out, e, lang)
        self._section(out, "regs_heading", (groups.get("regulation", []) + groups.get("document", []))[:3], lang)
        alerts = _china_first(groups.get("alert", []))
        if alerts:
            out.blank()
            out.add(phrase("alerts_heading", lang))
            for sentence in alerts_summary(alerts, lang, ctx):
                out.raw("- " + sentence)
        self._section(out, "cases_heading", groups.get("case", [])[:1], lang)
        self._next_steps(out, lang, [], kind="notification")

    def _alerts(self, out: Lines, ev: list[Evidence], lang: str, ctx: dict[str, Any]) -> None:
        groups = _group(ev)
        alerts = _china_first(groups.get("alert", []))
        if alerts:
            out.add(phrase("alerts_latest", lang))
            for e in alerts[:MAX_ALERTS]:
                self._alert_line(out, e, lang)
            rest = alerts[MAX_ALERTS:]
            if rest:
                refs = ("、" if lang == "zh" else ", ").join(_dated_ref(e) for e in rest[:5])
                out.raw(phrase("more_alerts", lang, refs=refs))
        else:
            out.add(phrase("no_alerts", lang, topic=self._topic(ctx, lang)))
        self._section(out, "regs_heading", (groups.get("regulation", []) + groups.get("document", []))[:2], lang)
        self._section(out, "other_heading", (groups.get("announcement", []) + groups.get("notification", []))[:1], lang)
        self._section(out, "cases_heading", groups.get("case", [])[:1], lang)
        self._next_steps(out, lang, [], kind="alerts")

    def _cases(self, out: Lines, ev: list[Evidence], lang: str, ctx: dict[str, Any]) -> None:
        groups = _group(ev)
        cases = (groups.get("case", []) + groups.get("dispute", []))[:MAX_CASES]
        if cases:
            out.add(phrase("cases_heading", lang))
            for i, e in enumerate(cases):
                self._record_block(out, e, lang, brief=(i > 0))  # the whole record: "第1条详细说说"
        self._section(out, "notif_heading", groups.get("notification", [])[:2], lang)
        self._section(out, "regs_heading", groups.get("regulation", [])[:2], lang)
        if not cases:
            for e in (groups.get("announcement", []) + groups.get("document", []))[:2]:
                self._record_block(out, e, lang)
        self._next_steps(out, lang, [], kind="cases")

    def _report(self, out: Lines, ev: list[Evidence], lang: str, ctx: dict[str, Any]) -> None:
        groups = _group(ev)
        forms = groups.get("form", [])
        if not ctx.get("market"):  # the form this assistant fills comes first
            forms.sort(key=lambda e: form_owner(e.record) != "CHN")
        for i, e in enumerate(forms[:3]):
            self._record_block(out, e, lang, full=(i == 0), brief=(i > 0))
        self._section(out, "other_heading", (groups.get("document", []) + groups.get("case", []))[:2], lang)
        out.blank()
        out.add(phrase("report_offer", lang))

    def _general(self, out: Lines, ev: list[Evidence], lang: str, ctx: dict[str, Any]) -> None:
        """The best records, each with what answers the question; a repealed rule is marked."""
        shown = [e for e in ev if e.type != "alert"][:3] or ev[:3]
        for i, e in enumerate(shown):
            self._record_block(out, e, lang, brief=i > 0 or e.type in ("case", "dispute"))
        alerts = _china_first([e for e in ev if e.type == "alert"])
        if alerts and shown[0].type != "alert":
            out.blank()
            out.add(phrase("alerts_heading", lang))
            for sentence in alerts_summary(alerts, lang, ctx):
                out.raw("- " + sentence)
        self._next_steps(out, lang, [], kind="general")

    # -- building blocks --------------------------------------------------------------------
    def _topic(self, ctx: dict[str, Any], lang: str) -> str:
        product, market = ctx.get("product"), ctx.get("market")
        if lang == "zh":
            if product and market:
                return f"{product}出口{market}"
            return product or market or "该问题"
        if product and market:
            return f"{product} in {market}"
        return product or market or "this question"

    def _section(self, out: Lines, heading: str, items: list[Evidence], lang: str) -> None:
        if not items:
            return
        out.blank()
        out.add(phrase(heading, lang))
        for e in items:
            if e.type == "alert":
                self._alert_line(out, e, lang)
            elif e.type == "notification":
                self._notification_line(out, e, lang)
            else:  # a record beside the main answer: what answers, not everything it says
                self._record_block(out, e, lang, brief=True)

    def _title(self, e: Evidence, lang: str) -> str:
        r = e.record
        original = tidy(r.get("title") or e.title)
        if lang == "zh":
            zh = tidy(r.get("title_zh") or "")
            if zh and zh != original:
                return f"{zh}（{e.ref}）" if e.ref not in zh else zh
            return f"{e.ref}：{original}" if e.ref not in original else original
        en = tidy(r.get("title_en") or "")
        if en and en != original and e.ref not in en:
            return f"{en} ({e.ref})"
        return original if e.ref in original else f"{e.ref}: {original}"

    def _record_block(self, out: Lines, e: Evidence, lang: str, full: bool = False, brief: bool = False) -> None:
        r = e.record
        sep = "：" if lang == "zh" else ": "
        summary = _pick(r, "summary", lang)
        if e.type == "alert":
            self._alert_line(out, e, lang)
            return
        if e.type == "notification" and not full:
            self._notification_line(out, e, lang)
            return
        if e.type == "dispute":
            bits = [self._title(e, lang)]
            if r.get("complainant"):
                bits.append(("申诉方：" if lang == "zh" else "complainant: ") + str(r["complainant"]))
            if r.get("respondent"):
                bits.append(("被诉方：" if lang == "zh" else "respondent: ") + str(r["respondent"]))
            date = _d((r.get("dates") or {}).get("event") or (r.get("dates") or {}).get("published"))
            if date:
                bits.append(("请求磋商：" if lang == "zh" else "consultations requested on ") + date.isoformat())
            if r.get("status"):
                bits.append(("状态：" if lang == "zh" else "status: ") + str(r["status"]).lower())
            if r.get("agreements"):
                bits.append(("援引：" if lang == "zh" else "cites: ") + "; ".join(r["agreements"][:4]))
            out.add("- " + ("；".join(bits) if lang == "zh" else "; ".join(bits)), e.n)
            return
        if e.type == "announcement":
            line = f"- {self._title(e, lang)}{_announcement_dates(r, lang)}"
            text = summary or _first_sentences(r.get("answer") or r.get("text") or "", 2 * SUMMARY_CHARS if full else SUMMARY_CHARS)
            if text:
                line += sep + text
            out.add(line, e.n)
            return
        line = f"- **{self._title(e, lang)}**"
        if brief and e.type == "case":
            outcome = _pick(r, "outcome", lang)
            text = _first_sentences(outcome or summary or "", CASE_CHARS)
            out.add(line + (sep + text if text else ""), e.n)
            return
        if summary:
            room = BRIEF_CHARS if brief else (QUOTE_CHARS if e.type == "case" else SUMMARY_CHARS)
            room = room if lang == "en" else room * 2 // 3  # a Chinese character says more
            line += sep + (summary if full else self._best_of(summary, room))
        elif e.type == "document":
            line += sep + _first_sentences(e.text.split("\n", 1)[0] if e.cite == e.ref else e.snippet, 200)
        out.add(line, e.n)
        st = self._status.get(e.ref)
        if st is not None and st.kind != "in_force":
            out.add(f"  - {phrase('st_label', lang)}{sep}{status_text(st, lang)}", e.n)
        if e.cite and e.cite != e.ref and e.type in ("regulation", "document"):
            passage = self._best_of(_passage_text(e), QUOTE_CHARS, fresh_only=True)  # nothing said twice
            if passage:
                out.add(f"  - {e.cite}{sep}{passage}", e.n)
        if brief:
            return
        reqs = _pick_list(r, "requirements", lang)
        if reqs:
            shown = reqs if full else self._best_items(reqs, MAX_REQS)
            out.add(f"  - {phrase('key_req', lang)}{sep}" + join_items(shown, lang), e.n)
        conf = _pick(r, "conformity", lang)
        if conf:
            out.add(f"  - {phrase('conformity', lang)}{sep}{conf if full else _first_sentences(conf, BRIEF_CHARS)}", e.n)
        kinds = [ntm_label(code, lang) for code in r.get("ntm") or []]
        if kinds and e.type == "regulation":  # the NTM class (shown for the main rule only)
            out.add(f"  - {phrase('ntm', lang)}{sep}" + ("；".join(kinds) if lang == "zh" else "; ".join(kinds)), e.n)
        dates = self._dates_text(r, lang)
        if dates:
            out.add(f"  - {dates}", e.n)
        if full:
            original = tidy(str(r.get("title") or ""))
            if lang == "zh" and r.get("language") != "zh" and original and original not in line:
                out.add(f"  - {phrase('original_title', lang)}{sep}{original}", e.n)
            for key, label in (("outcome", "outcome"), ("how_to", "how_to"), ("scope", "scope"), ("enquiry", "ask_whom")):
                val = _pick(r, key, lang)
                if val:
                    out.add(f"  - {phrase(label, lang)}{sep}{val}", e.n)
            self._key_dates(out, e, lang)
            figures = _pick_list(r, "figures", lang)
            if figures:
                out.add(f"  - {phrase('figures', lang)}{sep}" + join_items(figures, lang), e.n)
            fields = r.get("fields") or []
            if fields:
                labels = [(f.get("label_zh") if lang == "zh" and f.get("label_zh") else f.get("label_en")) for f in fields]
                out.add(f"  - {phrase('fields', lang)}{sep}" + ("、".join(labels) if lang == "zh" else ", ".join(labels)), e.n)
            if e.url:
                out.add(f"  - {e.url}", e.n)
        elif e.type == "case":
            outcome = _pick(r, "outcome", lang)
            if outcome:
                out.add(f"  - {phrase('outcome', lang)}{sep}{outcome}", e.n)  # what a case question asks

    def _best_of(self, text: str, limit: int, fresh_only: bool = False) -> str:
        """The sentences of `text` that best answer the question, in their order, within `limit`
        characters (the text's opening when the question is not known)."""
        text = tidy(text)
        if len(text) <= limit or not self._question:
            return _first_sentences(text, limit)
        sents = [x for x in split_sentences(text) if not _BARE_MARKER.fullmatch(x.strip())]  # "4." alone says nothing
        if not sents:
            return _first_sentences(text, limit)
        if len(sents) > 1 or fresh_only:
            fresh = [x for x in sents if x not in self._said]
            if fresh_only and not fresh:
                return ""  # the direct answer quoted all of it already
            sents = fresh or sents
        order = ranked(sents, self._question, self._form)
        chosen: list[int] = []
        size = 0
        for sc in order:
            if size + len(sc.sentence) > limit:
                continue
            chosen.append(sc.index)
            size += len(sc.sentence) + 1
        if not chosen:
            return _first_sentences(text, limit)
        joiner = "" if _is_cjk(text) else " "
        return joiner.join(sents[i] for i in sorted(chosen))

    def _best_items(self, items: list[str], k: int) -> list[str]:
        """The `k` requirements that best answer the question, in their order."""
        if len(items) <= k or not self._question:
            chosen = items[:k]
        else:
            order = ranked(items, self._question, self._form)
            chosen = [items[i] for i in sorted(sc.index for sc in order[:k])]
            if sum(len(x) for x in chosen) > REQS_CHARS:
                chosen = [items[order[0].index]]
        return chosen

    def _gone_line(self, out: Lines, e: Evidence, lang: str) -> None:
        """A rule that no longer applies: named with its status, never its requirements."""
        st = self._status.get(e.ref)
        sep = "：" if lang == "zh" else ": "
        text = status_text(st, lang) if st is not None else ""
        out.add(f"- {self._title(e, lang)}{sep}{text}", e.n)

    def _key_dates(self, out: Lines, e: Evidence, lang: str) -> None:
        sep = "：" if lang == "zh" else ": "
        for kd in e.record.get("key_dates") or []:
            what = kd.get("what_zh") if lang == "zh" and kd.get("what_zh") else kd.get("what_en")
            if kd.get("date") and what:
                out.add(f"  - {kd.get('date')}{sep}{tidy(what)}", e.n)

    def _dates_text(self, r: dict[str, Any], lang: str) -> str:
        d = r.get("dates") or {}
        parts = []
        for key, label in (("published", "published"), ("adopted", "adopted"), ("entry_into_force", "in_force"),
                           ("applies_from", "applies_from")):
            v = _d(d.get(key))
            if v:
                parts.append(f"{phrase(label, lang)} {v.isoformat()}")
        return ("；" if lang == "zh" else "; ").join(parts)

    def _notification_line(self, out: Lines, e: Evidence, lang: str, full: bool = False,
                           short: bool = False) -> None:
        r = e.record
        d = r.get("dates") or {}
        sep = "：" if lang == "zh" else ": "
        title = r.get("title_zh") if lang == "zh" and r.get("title_zh") else r.get("title_en") or r.get("title") or e.title
        line = f"- **{e.ref}**"
        dist = _d(d.get("distributed"))
        if dist:
            line += f"（{phrase('distributed', lang)} {dist.isoformat()}）" if lang == "zh" else f" ({phrase('distributed', lang)} {dist.isoformat()})"
        line += sep + tidy(str(title))
        original = tidy(str(r.get("title") or ""))
        if lang == "zh" and original and original != tidy(str(title)):  # notifications circulate in English
            line += f"（{phrase('original_title', lang)}：{original}）"
        out.add(line, e.n)
        summary = _pick(r, "summary", lang)
        if summary and full:
            out.add(f"  - {self._best_of(summary, BRIEF_CHARS if short else QUOTE_CHARS)}", e.n)
        status = []
        deadline = _d(d.get("comment_deadline"))
        if deadline:
            days = (deadline - self.today).days
            if days > 1:
                status.append(phrase("comment_open", lang, date=deadline.isoformat(), days=days))
            elif days == 1:
                status.append(phrase("comment_open_1", lang, date=deadline.isoformat()))
            elif days == 0:
                status.append(phrase("comment_today", lang, date=deadline.isoformat()))
            else:
                status.append(phrase("comment_closed", lang, date=deadline.isoformat()))
        adopt = _d(d.get("adopted"))
        if adopt and full:
            status.append(f"{phrase('adopted', lang)} {adopt.isoformat()}")
        eif = _d(d.get("entry_into_force"))
        if eif:
            status.append(f"{phrase('in_force', lang)} {eif.isoformat()}")
        if status:
            out.add("  - " + ("；".join(status) if lang == "zh" else "; ".join(status)), e.n)

    def _alert_line(self, out: Lines, e: Evidence, lang: str) -> None:
        r = e.record
        d = _d((r.get("dates") or {}).get("event"))
        sep = "：" if lang == "zh" else ": "
        head = f"- **{e.ref}**"
        if d:
            head += f"（{d.isoformat()}）" if lang == "zh" else f" ({d.isoformat()})"
        parts = [tidy(str(r.get("product") or e.title))]
        if r.get("product_category"):
            parts.append(rasff_category(r["product_category"], lang))
        if r.get("origin"):
            parts.append(f"{phrase('origin', lang)} {country(r['origin'], lang)}")
        if r.get("notifying_country"):
            parts.append(f"{phrase('notified_by', lang)} {country(r['notifying_country'], lang)}")
        hazard = r.get("hazard")
        hcat = rasff_hazard_category(r.get("hazard_category"), lang)
        if hazard or hcat:
            h = hazard or ""
            if hcat:
                h = f"{h}（{hcat}）" if (h and lang == "zh") else (f"{h} ({hcat})" if h else hcat)
            parts.append(f"{phrase('hazard', lang)} {h}")
        out.add(head + sep + ("，".join(parts) if lang == "zh" else ", ".join(parts)), e.n)

    def _next_steps(self, out: Lines, lang: str, regs: list[Evidence], kind: str) -> None:
        steps: list[tuple[str, int | None]] = []
        for e in regs:
            enquiry = _pick(e.record, "enquiry", lang)
            if enquiry:
                enquiry = _first_sentences(enquiry, BRIEF_CHARS // 2 if lang == "zh" else BRIEF_CHARS)
                steps.append(((f"{phrase('ask_whom', lang)}（{e.ref}）：" if lang == "zh" else f"{phrase('ask_whom', lang)} ({e.ref}): ") + enquiry, e.n))
                break
        generic = {
            "requirements": {
                "zh": ["对照上面列出的要求逐条自查，准备技术文件、检测报告和符合性声明等材料。",
                       "关注相关WTO通报的评议截止日期，必要时通过中国WTO/TBT咨询点提交评议意见。",
                       "如在出口中遇到不合理的要求，可输入“报告壁垒”填写《技术性贸易措施征集表》。"],
                "en": ["Check your product against each requirement above and prepare the technical file, test reports and declaration of conformity.",
                       "Watch the comment deadlines of the related WTO notifications; comments go through China's WTO/TBT enquiry point.",
                       "If you meet a requirement that seems unjustified, type \"report a barrier\" to file China's national intake form."],
            },
            "alerts": {
                "zh": ["核对被通报的危害项目（如农残、迁移、真菌毒素），对同批次和后续批次加强检测。",
                       "检查目标市场的限量标准和检测方法，必要时调整原料、工艺或供应商。",
                       "如认为通报或处理不合理，可输入“报告壁垒”反映情况。"],
                "en": ["Check the hazard named in each alert (residues, migration, mycotoxins...) and test the same and later lots.",
                       "Compare your product with the destination's limits and test methods; adjust raw materials, process or suppliers if needed.",
                       "If you think a rejection was unjustified, type \"report a barrier\" to tell us."],
            },
            "notification": {
                "zh": ["评议意见应在评议截止日期前通过中国WTO/TBT（或SPS）咨询点提交。",
                       "如该措施已影响您的出口，可输入“报告壁垒”填写征集表。"],
                "en": ["Comments must reach the notifying member before the final date for comments, through China's WTO/TBT (or SPS) enquiry point.",
                       "If the measure already affects your exports, type \"report a barrier\" to file the intake form."],
            },
        }.get(kind)
        if not generic and not steps:
            return
        out.blank()
        out.add(phrase("next_heading", lang))
        for text, n in steps:
            out.add(f"- {text}", n)
        lines = (generic or {}).get(lang, [])
        for text in (lines if kind == "notification" else lines[-1:]):  # advice stays short
            out.add(f"- {text}")

    def _followups(self, intent: str, lang: str, ctx: dict[str, Any]) -> list[str]:
        product = ctx.get("product_raw") or ""
        zh = lang == "zh"
        if intent == "requirements":
            f = ["那美国呢？" if zh else "What about the US?",
                 (f"{product}最近有被通报的吗？" if product else "最近有被通报的案例吗？") if zh else (f"Any recent rejections of {product}?" if product else "Any recent rejections?"),
                 "第1条详细说说" if zh else "Tell me more about [1]"]
        elif intent == "alerts":
            f = ["需要满足哪些要求？" if zh else "Which requirements apply?", "怎么报告贸易壁垒？" if zh else "How do I report a barrier?"]
        elif intent == "notification":
            f = ["第1条详细说说" if zh else "Tell me more about [1]", "怎么提交评议意见？" if zh else "How do I comment on a notification?"]
        elif intent == "report":
            f = [phrase("start_report", lang)]
        else:
            f = ["出口蓝牙耳机到欧盟需要什么认证？" if zh else "What do toys need for the EU market?"]
        return f


def _group(ev: list[Evidence]) -> dict[str, list[Evidence]]:
    groups: dict[str, list[Evidence]] = {}
    for e in ev:
        groups.setdefault(e.type, []).append(e)
    return groups


def _dated_ref(e: Evidence) -> str:
    """An alert named in passing, with the day it was notified: "RASFF 2021.6477 (2021-11-29) [2]"."""
    when = alert_date(e.record)[:10]
    return f"{e.ref} ({when}) [{e.n}]" if when else f"{e.ref} [{e.n}]"


def _china_first(alerts: list[Evidence]) -> list[Evidence]:
    """Alerts on goods from China first, the most recent first."""
    return sorted(
        alerts,
        key=lambda e: (
            0 if (e.record.get("origin_code") == "CHN" or "china" in str(e.record.get("origin", "")).lower()) else 1,
            -(_d((e.record.get("dates") or {}).get("event")) or dt.date.min).toordinal(),
        ),
    )


def _pick(r: dict[str, Any], key: str, lang: str) -> str | None:
    first, second = ("zh", "en") if lang == "zh" else ("en", "zh")
    val = r.get(f"{key}_{first}") or r.get(f"{key}_{second}")
    return tidy(str(val)) if val else None


def _pick_list(r: dict[str, Any], key: str, lang: str) -> list[str]:
    first, second = ("zh", "en") if lang == "zh" else ("en", "zh")
    return [tidy(str(x)) for x in (r.get(f"{key}_{first}") or r.get(f"{key}_{second}") or [])]


def _is_cjk(text: str) -> bool:
    return sum(1 for ch in text[:200] if "\u4e00" <= ch <= "\u9fff") > 10


def _passage_text(e: Evidence) -> str:
    """The retrieved passage without its heading line."""
    body = passage_of(e) or e.snippet
    lines = body.split("\n")
    if len(lines) > 1 and len(lines[0]) < 120:
        body = " ".join(lines[1:])
    return tidy(body.lstrip("…"))


def _passage(e: Evidence) -> str:
    """The retrieved passage of a long document (e.g. one article of a regulation)."""
    first = e.text.split("\n", 1)[0] if e.text else ""
    body = first if len(first) > 80 else e.snippet
    return _first_sentences(tidy(body.lstrip("…")), QUOTE_CHARS)


# a paragraph or point number left alone when a provision is split into sentences: "4.", "(b)"
_BARE_MARKER = re.compile(r"\(?(?:\d{1,3}|[a-z]{1,4})[.)]\)?")


_WORDISH = re.compile(r"[0-9A-Za-z/.\-,(年月日号%]")


def _first_sentences(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a sentence end, else at a word end, never inside a
    number, symbol or act reference."""
    text = tidy(text)
    if len(text) <= limit:
        return text
    cut = text[:limit]
    for mark in ("。", ". ", "；", "; "):
        pos = cut.rfind(mark)
        if pos > limit // 2:
            return cut[: pos + 1].strip()
    end = len(cut)
    while end > limit // 2 and _WORDISH.match(cut[end - 1]) and _WORDISH.match(text[end]):
        end -= 1  # inside a word, number or reference: step back to its start
    return cut[:end].rstrip(" ，,、；;：:（(") + "…"


__all__ = ["OfflineComposer", "Composed", "ntm_label", "type_label", "tidy", "join_items"]


def _announcement_dates(r: dict[str, Any], lang: str) -> str:
    """A China Customs text's dates beside its title: published, and from when it applies when that
    is another day ("(2023-12-25; entry into force 2024-01-01)"): "since when?" is the usual question."""
    dates = r.get("dates") or {}
    published, eif = _d(dates.get("published")), _d(dates.get("entry_into_force"))
    bits = [published.isoformat()] if published else []
    if eif and eif != published:
        bits.append(f"{phrase('in_force', lang)} {eif.isoformat()}")
    if not bits:
        return ""
    return f"（{'；'.join(bits)}）" if lang == "zh" else f" ({'; '.join(bits)})"

