"""The guided barrier-report conversation, the same for every channel.

`start` reads everything it can from the first message and offers related records; `handle`
takes one reply at a time: it asks only for what is still missing, one question with an example,
accepts 不知道/skip on optional questions, corrections at any point ("产品改成密胺碗", "change the
market to Japan"), confidentiality marks, cancel, and a final confirmation before submitting.
The state is a JSON-serialisable dict the caller keeps in its chat session; the draft is also
saved in the database (keyed by draft id and session id) so a conversation can be resumed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from assistant import refs
from assistant.reports import extract as ex
from assistant.reports import validate as v
from assistant.reports.llm_extract import merge_proposals
from assistant.reports.names import market_display, ntm_label
from assistant.reports.notices import next_steps, report_link
from assistant.reports.schema import (
    REQUEST_KINDS,
    REQUEST_LABELS,
    Attachment,
    BarrierReport,
    filled_fields,
    get_path,
    is_filled,
    label,
    missing_required,
    set_path,
)
from assistant.reports.store import ReportIncomplete, ReportStore
from assistant.reports.validate import Msg

Linker = Callable[[str, list[str], list[str]], list[tuple[str, str]]]

STATE_VERSION = 1
MAX_LINKS = 3


class IntakeTurn(BaseModel):
    """One reply of the conversation; `state` goes back in the caller's session."""

    reply: str
    state: dict[str, Any]
    done: bool = False
    report_number: str | None = None
    asking: str | None = None
    choices: list[str] = Field(default_factory=list)
    summary: dict[str, Any] | None = None


# --- questions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    path: str
    zh: str
    en: str
    example_zh: str
    example_en: str
    optional: bool = False


QUESTIONS: dict[str, Question] = {q.path: q for q in (
    Question("incident.description", "请简单描述遇到的问题：哪个国家或地区、什么产品、发生了什么？",
             "Please describe the problem briefly: which country, which product, what happened?",
             "德国海关说我们的儿童餐具三聚氰胺迁移超标，扣了两柜货",
             "German customs held two containers of our melamine tableware for formaldehyde migration"),
    Question("market", "是哪个国家或地区的措施？", "Which country or region imposes the measure?",
             "德国、美国、欧盟", "Germany, USA, EU"),
    Question("product.description", "涉及什么产品？", "Which product is affected?",
             "儿童密胺餐具", "children's melamine tableware"),
    Question("product.hs", "知道产品的 HS 编码吗？（6-10 位数字；可选，不知道可回复“跳过”）",
             "Do you know the product's HS code? (6-10 digits; optional, reply “skip” if not)",
             "392410", "392410", optional=True),
    Question("impact.lost_sales", "大概造成了多少损失或额外成本？（可选，可回复“跳过”）",
             "Roughly how much did it cost you in lost sales or extra costs? (optional, or “skip”)",
             "损失约8万美元", "about USD 80,000", optional=True),
    Question("incident.first_met", "第一次遇到这个问题是什么时候？（可选，可回复“跳过”）",
             "When did you first meet the problem? (optional, or “skip”)",
             "2024-03-05 或 2024年3月", "2024-03-05 or March 2024", optional=True),
    Question("measure.notification_symbol", "这项措施有 WTO 通报号吗？（可选，不知道可回复“不知道”）",
             "Has the measure been notified to the WTO? Give the symbol if you know it (optional, or “skip”)",
             "G/TBT/N/EU/86", "G/TBT/N/EU/86", optional=True),
    Question("request", "希望对方怎么做？可多选：解释、澄清、修改、废止、给予过渡期、推迟实施",
             "What should the other side do? Choose one or more: explanation, clarification, modification, "
             "withdrawal, transition period, postponement",
             "给予过渡期，推迟实施", "a transition period and postponement"),
    Question("reporter.organisation", "请问您的工作单位（公司或机构）名称？", "What is the name of your company or organisation?",
             "宁波某某餐具有限公司", "Ningbo Example Tableware Co., Ltd."),
    Question("reporter.name", "请问您的姓名？", "What is your name?", "张伟", "Zhang Wei"),
    Question("reporter.phone", "请留一个联系电话或邮箱，方便工作人员联系您。",
             "Please leave a phone number or an e-mail address so that staff can contact you.",
             "13812345678 或 name@example.com", "+86 138 1234 5678 or name@example.com"),
)}

ASK_ORDER: tuple[str, ...] = (
    "incident.description", "market", "product.description", "product.hs", "impact.lost_sales",
    "incident.first_met", "measure.notification_symbol", "request",
    "reporter.organisation", "reporter.name", "reporter.phone",
)
FREE_TEXT = {"incident.description", "actions_taken", "measure.title"}

# --- words ---------------------------------------------------------------------------------------

_CANCEL = re.compile(r"^(?:取消|取消报告|不报了|算了|退出|放弃|cancel|quit|abort|stop|never ?mind)[。.!！\s]*$", re.I)
_SKIP = re.compile(r"^(?:不知道|不清楚|不确定|跳过|略过|没有|无|暂无|不记得了?|忘了|skip|pass|n/?a|none|no idea|"
                   r"don'?t know|not sure|unknown|i don'?t know)[。.!！\s]*$", re.I)
_CONFIRM = re.compile(r"^(?:确认|确认提交|提交|确定|没问题|对|好的?|可以|是的?|confirm|submit|yes|ok(?:ay)?|correct|"
                      r"send|looks good|y)[。.!！\s]*$", re.I)
_YES = re.compile(r"^(?:是|是的|对|对的|有关|相关|就是|没错|yes|yep|yeah|y|correct|right|that'?s it)[。.!！\s]*$", re.I)
_NO = re.compile(r"^(?:不是|否|不|都不是|没有|无关|不相关|no|nope|n|none|neither|not related)[。.!！\s]*$", re.I)
_EDIT = re.compile(r"^(?:修改|更改|改|我要改|edit|change|modify)[。.!！\s]*$", re.I)

# Words that name a field in a correction, longest first when matched.
FIELD_ALIASES: dict[str, str] = {
    "产品名称": "product.description", "产品": "product.description", "货物": "product.description",
    "商品": "product.description", "市场": "market", "国家": "market", "目的国": "market", "地区": "market",
    "HS编码": "product.hs", "HS 编码": "product.hs", "hs编码": "product.hs", "HS": "product.hs", "税号": "product.hs",
    "海关编码": "product.hs", "商品编码": "product.hs", "联系电话": "reporter.phone", "电话": "reporter.phone",
    "手机号": "reporter.phone", "手机": "reporter.phone", "座机": "reporter.phone", "邮箱": "reporter.email",
    "电子邮件": "reporter.email", "邮件": "reporter.email", "姓名": "reporter.name", "名字": "reporter.name",
    "联系人": "reporter.name", "工作单位": "reporter.organisation", "公司名称": "reporter.organisation",
    "单位": "reporter.organisation", "公司": "reporter.organisation", "企业": "reporter.organisation",
    "通报号": "measure.notification_symbol", "通报编号": "measure.notification_symbol",
    "损失金额": "impact.lost_sales", "损失": "impact.lost_sales", "金额": "impact.lost_sales",
    "额外成本": "impact.extra_cost", "成本": "impact.extra_cost", "首次遇到的日期": "incident.first_met",
    "日期": "incident.first_met", "时间": "incident.first_met", "生效日期": "measure.entry_into_force",
    "生效时间": "measure.entry_into_force", "实施日期": "measure.entry_into_force",
    "发布日期": "measure.published", "发布时间": "measure.published", "诉求": "request", "要求": "request",
    "批次": "impact.shipments_affected", "柜数": "impact.shipments_affected",
    "措施名称": "measure.title", "发布机构": "measure.issuing_body", "问题描述": "incident.description",
    "描述": "incident.description", "已采取的行动": "actions_taken",
    "product name": "product.description", "product": "product.description", "goods": "product.description",
    "market": "market", "country": "market", "destination": "market",
    "hs code": "product.hs", "hs": "product.hs", "tariff code": "product.hs",
    "phone number": "reporter.phone", "telephone": "reporter.phone", "phone": "reporter.phone",
    "mobile": "reporter.phone", "tel": "reporter.phone", "email address": "reporter.email",
    "e-mail": "reporter.email", "email": "reporter.email", "name": "reporter.name",
    "contact person": "reporter.name", "company name": "reporter.organisation",
    "company": "reporter.organisation", "organisation": "reporter.organisation",
    "organization": "reporter.organisation", "notification symbol": "measure.notification_symbol",
    "notification number": "measure.notification_symbol", "symbol": "measure.notification_symbol",
    "lost sales": "impact.lost_sales", "losses": "impact.lost_sales", "loss": "impact.lost_sales",
    "amount": "impact.lost_sales", "extra cost": "impact.extra_cost", "extra costs": "impact.extra_cost",
    "cost": "impact.extra_cost", "date first met": "incident.first_met", "first met": "incident.first_met",
    "date": "incident.first_met", "entry into force": "measure.entry_into_force",
    "effective date": "measure.entry_into_force", "publication date": "measure.published",
    "request": "request", "shipments": "impact.shipments_affected", "containers": "impact.shipments_affected",
    "measure title": "measure.title", "measure": "measure.title", "regulation": "measure.title",
    "issuing body": "measure.issuing_body", "authority": "measure.issuing_body",
    "description": "incident.description", "actions taken": "actions_taken",
}
_ALIAS_RE = "|".join(re.escape(a) for a in sorted(FIELD_ALIASES, key=len, reverse=True))
_CORR_STRONG_ZH = re.compile(
    r"^(?:请)?(?:把|将)?\s*(?:我的|我们的|我们|我)?\s*(?P<alias>" + _ALIAS_RE + r")\s*"
    r"(?:应该)?(?:改成|改为|换成|更正为|更改为|修改为|改一下[,，]?是|应为)\s*(?P<value>.+)$", re.I)
_CORR_WEAK_ZH = re.compile(
    r"^(?:我的|我们的|我们|我)?\s*(?P<alias>" + _ALIAS_RE + r")\s*(?:应该是|是|为|[:：])\s*(?P<value>.+)$", re.I)
_CORR_STRONG_EN = re.compile(
    r"^(?:please\s+)?(?:change|set|update|correct|make)\s+(?:the\s+|my\s+|our\s+)?(?P<alias>" + _ALIAS_RE + r")"
    r"\s+(?:to|as|into|=|:)\s*(?P<value>.+)$", re.I)
_CORR_WEAK_EN = re.compile(
    r"^(?:my\s+|our\s+|the\s+)?(?P<alias>" + _ALIAS_RE + r")\s*(?:is|should be|was|=|:)\s*(?P<value>.+)$", re.I)
_CONFIDENTIAL = re.compile(r"保密|不要公开|不公开|confidential|do not disclose|don'?t disclose|private", re.I)


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


# --- the conversation ----------------------------------------------------------------------------


class IntakeConversation:
    """Slot filling over a BarrierReport; stateless itself (all state is in the dict it returns)."""

    def __init__(
        self,
        store: ReportStore,
        linker: Linker | None = None,
        vocab: ex.VocabularyLike | None = None,
        llm_extract: Callable[[str, str], dict[str, Any]] | None = None,
    ) -> None:
        self.store = store
        self.linker = linker
        self.vocab = vocab
        self.llm_extract = llm_extract

    # -- entry points -------------------------------------------------------------------------

    def start(self, text: str, lang: str | None = "zh", channel: str = "web",
              session_id: str | None = None) -> IntakeTurn:
        """Begin a report from the first message (which may be empty or just "I want to report")."""
        text = (text or "").strip()
        lang = _lang(lang, text)
        extraction = ex.extract(text, vocab=self.vocab, lang=lang, channel=channel)
        report = extraction.report.model_copy(update={"language": lang, "channel": channel})
        state: dict[str, Any] = {
            "v": STATE_VERSION, "draft_id": None, "session_id": session_id, "lang": lang, "channel": channel,
            "phase": "collect", "asking": None, "report": report.model_dump(mode="json"), "skipped": [],
            "links": [], "links_offered": False, "hs_source": "vocab" if report.product.hs else None,
            "date_options": {}, "number": None, "fails": 0,
        }
        report = self._merge_llm(text, report, state)
        for path, opts in extraction.date_options.items():
            state["date_options"][path] = list(opts)
        state["draft_id"] = self.store.save_draft(report, session_id=session_id, state=None)
        found = [p for p in filled_fields(report) if p not in ("trade_direction",)]
        intro = ""
        if found:
            intro = _t(lang, "好的，我来帮您填写技术性贸易措施报告。已从您的描述中识别到：\n",
                       "Let's file a barrier report. From your message I understood:\n") + self._brief(report, lang) + "\n\n"
        else:
            intro = _t(lang, "好的，我来帮您报告遇到的技术性贸易壁垒，几个问题就能完成。随时可以说“取消”。\n\n",
                       "Let's report the trade barrier you met; it takes a few questions. Say “cancel” at any time.\n\n")
        return self._next(report, state, prefix=intro)

    def handle(self, state: dict[str, Any], text: str, session_id: str | None = None) -> IntakeTurn:
        """Take one reply from the reporter."""
        text = (text or "").strip()[:4000]
        if not state or "report" not in state:
            if state and state.get("draft_id"):
                draft = self.store.get_draft(state["draft_id"])
                if draft is not None and draft.state:
                    state = draft.state
            if not state or "report" not in state:
                return self.start(text, (state or {}).get("lang"), (state or {}).get("channel", "web"), session_id)
        state = dict(state)
        state["session_id"] = state.get("session_id") or session_id
        lang = state.get("lang", "zh")
        try:
            report = BarrierReport.model_validate(state["report"])
        except ValueError:
            report = BarrierReport(language=lang)
        phase = state.get("phase", "collect")

        if phase == "done":
            return self._after_submit(report, state, text)
        if phase == "cancelled":
            return self.start(text, lang, state.get("channel", "web"), session_id or state.get("session_id"))
        if not text:
            return self._next(report, state)
        if _CANCEL.match(text):
            return self._cancel(report, state)
        if phase == "confirm" and _CONFIRM.match(text):
            return self._submit(report, state)
        if phase == "confirm" and _EDIT.match(text):
            return self._turn(report, state, _t(
                lang, "请直接告诉我要改什么，例如“产品改成密胺碗”或“电话是13812345678”。",
                "Tell me what to change, for example “change the product to melamine bowls” or "
                "“phone is +86 138 1234 5678”."), asking=None, choices=self._confirm_choices(lang))
        if phase == "link":
            handled = self._answer_link(report, state, text)
            if handled is not None:
                return handled
            state["links"], state["phase"] = [], "collect"
        if state.get("date_options") and state.get("asking") in state["date_options"]:
            picked = self._pick_date(state, text)
            if picked:
                path, value = picked
                report = set_path(report, path, value)
                return self._next(report, state, prefix=_t(lang, "好的。\n", "Thanks.\n"))

        if _CONFIDENTIAL.search(text):
            paths = _confidential_paths(text)
            if paths:
                report = report.model_copy(update={
                    "confidential_fields": list(dict.fromkeys([*report.confidential_fields, *paths]))})
                names = "、".join(label(p, lang) for p in paths) if lang == "zh" else ", ".join(label(p, lang) for p in paths)
                return self._next(report, state, prefix=_t(
                    lang, f"好的，已将“{names}”标注为商业保密，不会公开。\n",
                    f"Done: {names} marked business-confidential; it will not be published.\n"))

        asking = state.get("asking")
        corrections = self._corrections(text, asking)
        if corrections:
            return self._apply_corrections(report, state, corrections)
        if asking and _SKIP.match(text):
            q = QUESTIONS.get(asking)
            if q and q.optional:
                state["skipped"] = [*state.get("skipped", []), asking]
                state["date_options"] = {k: o for k, o in state.get("date_options", {}).items() if k != asking}
                return self._next(report, state, prefix=_t(lang, "好的，跳过。\n", "OK, skipped.\n"))
            return self._again(report, state, Msg(
                f"“{label(asking, 'zh')}”是必填项，提交报告需要它。",
                f"“{label(asking, 'en')}” is required to submit the report."))
        if not asking and phase != "confirm":
            asking = self._next_field(report, state)
            if asking is None:
                return self._next(report, state)
            state["asking"] = asking
        if phase == "confirm" or not asking:
            return self._turn(report, state, _t(
                lang, "没太明白。回复“确认”提交；要修改请说“产品改成密胺碗”；回复“取消”放弃。",
                "Sorry, I did not get that. Reply “confirm” to submit, say e.g. “change the product to "
                "melamine bowls” to correct, or “cancel”."), asking=None, choices=self._confirm_choices(lang),
                summary=self._summary(report, lang))
        report, error, options = self._apply(report, state, asking, text)
        if error is not None:
            if options:
                state["date_options"] = {**state.get("date_options", {}), asking: list(options)}
                return self._turn(report, state, error.pick(lang), asking=asking, choices=list(options))
            return self._again(report, state, error)
        report = self._merge_extra(report, state, text, asking)
        state["fails"] = 0
        return self._next(report, state, prefix=_t(lang, "好的。\n", "Thanks.\n"))

    def resume(self, session_id: str) -> IntakeTurn | None:
        """Pick up the unfinished draft of `session_id` (None when there is none)."""
        draft = self.store.open_draft_for_session(session_id)
        if draft is None or not draft.state:
            return None
        state = dict(draft.state)
        lang = state.get("lang", "zh")
        report = draft.report
        return self._next(report, state, prefix=_t(lang, "欢迎回来，我们继续完成这份报告。\n",
                                                     "Welcome back; let's finish this report.\n"))

    # -- asking -------------------------------------------------------------------------------

    def _next(self, report: BarrierReport, state: dict[str, Any], prefix: str = "") -> IntakeTurn:
        lang = state.get("lang", "zh")
        state["report"] = report.model_dump(mode="json")
        offer = self._offer_links(report, state)
        if offer is not None:
            return self._turn(report, state, prefix + offer[0], asking=None, choices=offer[1])
        pending = [p for p in state.get("date_options", {}) if not is_filled(report, p)]
        if pending:
            path = pending[0]
            opts = state["date_options"][path]
            state["phase"], state["asking"] = "collect", path
            text = _t(lang, f"“{label(path, lang)}”是 {v.format_date(opts[0], lang)} 还是 {v.format_date(opts[1], lang)}？",
                      f"Is the {label(path, lang).lower()} {v.format_date(opts[0], lang)} or {v.format_date(opts[1], lang)}?")
            return self._turn(report, state, prefix + text, asking=path, choices=list(opts))
        path = self._next_field(report, state)
        if path is None:
            state["phase"] = "confirm"
            state["asking"] = None
            summary = self._summary(report, lang)
            return self._turn(report, state, prefix + self._confirm_text(report, lang), asking=None,
                              choices=self._confirm_choices(lang), summary=summary)
        state["phase"] = "collect"
        state["asking"] = path
        return self._turn(report, state, prefix + self._question(path, lang), asking=path,
                          choices=self._choices(path, lang))

    def _next_field(self, report: BarrierReport, state: dict[str, Any]) -> str | None:
        missing = set(missing_required(report))
        skipped = set(state.get("skipped", []))
        current = state.get("asking")
        if current in QUESTIONS and current not in skipped and not self._answered(report, current):
            return str(current)  # a correction in between does not drop the open question
        asked_optional = set(state.get("asked_optional", []))
        for path in ASK_ORDER:
            if path in missing:
                return path
            q = QUESTIONS[path]
            if not q.optional or path in skipped or path in asked_optional:
                continue
            if self._answered(report, path):
                continue
            if state.get("phase") == "confirm":
                continue
            state["asked_optional"] = [*asked_optional, path]
            return path
        return None

    @staticmethod
    def _answered(report: BarrierReport, path: str) -> bool:
        if path == "impact.lost_sales":
            return report.impact.lost_sales is not None or report.impact.extra_cost is not None
        if path == "reporter.phone":
            return is_filled(report, "reporter.phone") or is_filled(report, "reporter.email")
        return is_filled(report, path)

    def _question(self, path: str, lang: str) -> str:
        q = QUESTIONS[path]
        return _t(lang, f"{q.zh}\n例如：{q.example_zh}", f"{q.en}\nFor example: {q.example_en}")

    def _choices(self, path: str, lang: str) -> list[str]:
        if path == "request":
            return [REQUEST_LABELS[k][0 if lang == "zh" else 1] for k in REQUEST_KINDS]
        if QUESTIONS[path].optional:
            return [_t(lang, "跳过", "skip")]
        if path == "market":
            return ["欧盟", "美国", "日本", "英国"] if lang == "zh" else ["EU", "USA", "Japan", "UK"]
        return []

    def _again(self, report: BarrierReport, state: dict[str, Any], error: Msg) -> IntakeTurn:
        lang = state.get("lang", "zh")
        state["fails"] = int(state.get("fails", 0)) + 1
        path = state.get("asking")
        text = error.pick(lang)
        if path:
            text += "\n" + self._question(path, lang)
        return self._turn(report, state, text, asking=path, choices=self._choices(path, lang) if path else [])

    def _turn(self, report: BarrierReport, state: dict[str, Any], reply: str, asking: str | None,
              choices: list[str] | None = None, summary: dict[str, Any] | None = None, done: bool = False,
              number: str | None = None) -> IntakeTurn:
        state["report"] = report.model_dump(mode="json")
        state["asking"] = asking
        if not done and state.get("draft_id"):
            self.store.save_draft(report, state["draft_id"], state.get("session_id"), state)
        return IntakeTurn(reply=reply, state=state, done=done, report_number=number, asking=asking,
                          choices=choices or [], summary=summary)

    # -- answers ------------------------------------------------------------------------------

    def _apply(self, report: BarrierReport, state: dict[str, Any], path: str, text: str
               ) -> tuple[BarrierReport, Msg | None, tuple[str, ...]]:
        """Set `path` from the reporter's answer; (report, error, options to pick from)."""
        text = text.strip()  # kept as typed; each check normalises (full-width digits...) itself
        try:
            if path == "market":
                codes = ex.find_market_codes(text)
                code = codes[0] if codes else _market_code(text)
                if not code:
                    return report, Msg(
                        f"没能识别“{text[:30]}”是哪个国家或地区，请写国家名，例如“德国”“美国”或“欧盟”。",
                        f"I could not tell which country “{text[:30]}” is; write a country name such as "
                        "Germany, USA or EU."), ()
                return set_path(report, "market", code), None, ()
            if path == "product.description":
                words = re.sub(r"^(?:产品是|是|我们的产品是|product is|it'?s|they are)\s*", "", text, flags=re.I)
                if len(words) < 2:
                    return report, Msg("请写出产品名称，例如“儿童密胺餐具”。",
                                       "Please name the product, e.g. “children's melamine tableware”."), ()
                return self._set_product(report, state, words[:300]), None, ()
            if path == "product.hs":
                c = v.check_hs(text)
                if not c.ok:
                    return report, c.error, ()
                state["hs_source"] = "user"
                return set_path(report, "product.hs", c.value), None, ()
            if path in ("impact.lost_sales", "impact.extra_cost"):
                found = ex.find_impact(text)
                if "lost_sales" in found or "extra_cost" in found:
                    data = report.impact.model_dump()
                    if path == "impact.extra_cost" and "extra_cost" not in found:
                        found["extra_cost"] = found.pop("lost_sales")
                    data.update(found)
                    return report.model_copy(update={"impact": type(report.impact).model_validate(data)}), None, ()
                c2 = v.parse_amount(text)
                if c2.error is not None:
                    return report, c2.error, ()
                assert c2.value is not None
                data = report.impact.model_dump()
                data[path.split(".")[1]] = c2.value.amount
                data["currency"] = c2.value.currency
                return report.model_copy(update={"impact": type(report.impact).model_validate(data)}), None, ()
            if path in ("incident.first_met", "measure.published", "measure.entry_into_force"):
                c3 = v.parse_date(text)
                if c3.error is not None:
                    return report, c3.error, c3.options
                return set_path(report, path, c3.value), None, ()
            if path == "measure.notification_symbol":
                c4 = v.check_symbol(text)
                if not c4.ok:
                    return report, c4.error, ()
                return set_path(report, path, c4.value), None, ()
            if path == "request":
                kinds = _parse_request(text)
                if not kinds:
                    return report, Msg(
                        "请从这些选项中选择（可多选）：解释、澄清、修改、废止、给予过渡期、推迟实施。",
                        "Please choose one or more of: explanation, clarification, modification, withdrawal, "
                        "transition period, postponement."), ()
                return set_path(report, "request", list(dict.fromkeys([*report.request, *kinds]))), None, ()
            if path == "reporter.name":
                name = ex.find_name(text) or _first_clause(text, r"[，,；;]")
                name = re.sub(r"^(?:我是|我叫|姓名[:：]?|my name is|i am|i'm|name[:：]?)\s*", "", name, flags=re.I).strip("。. ")
                if not name or re.search(r"[\d@]", name) or len(name) > 100:
                    return report, Msg("请写您的姓名，例如“张伟”。", "Please give your name, e.g. “Zhang Wei”."), ()
                return set_path(report, "reporter.name", name), None, ()
            if path == "reporter.organisation":
                clause = _first_clause(text, r"[，；;]|,\s+(?!Ltd|Inc|LLC|Limited)")
                org = re.sub(r"^(?:我们是|我是|来自|单位是|公司是|we are|i am from|from)\s*", "", clause, flags=re.I).strip("。 ")
                named = ex.find_organisation(text)
                if named and named in org and re.match(r"\s*(?:的|$)", org[org.index(named) + len(named):]):
                    org = named  # "宁波某某有限公司的张伟": the name is not part of the organisation
                if len(org) < 2:
                    return report, Msg("请写单位全称，例如“宁波某某餐具有限公司”。",
                                       "Please give the full name, e.g. “Ningbo Example Tableware Co., Ltd.”."), ()
                report = set_path(report, "reporter.organisation", org[:200])
                return set_path(report, "reporter.type", ex.reporter_type(org)), None, ()
            if path in ("reporter.phone", "reporter.email"):
                emails = v.find_emails(text)
                phones = v.find_phones(text)
                if emails or phones:
                    if emails:
                        report = set_path(report, "reporter.email", emails[0])
                    if phones:
                        report = set_path(report, "reporter.phone", phones[0])
                    return report, None, ()
                check = v.check_email(text) if "@" in text or path == "reporter.email" else v.check_phone(text)
                if not check.ok:
                    return report, check.error, ()
                target = "reporter.email" if "@" in text else "reporter.phone"
                return set_path(report, target, check.value), None, ()
            if path == "incident.description":
                if len(text) < 4:
                    return report, Msg("请多写几句：哪个国家、什么产品、发生了什么。",
                                       "Please say a little more: which country, which product, what happened."), ()
                report = set_path(report, "incident.description", text)
                extraction = ex.extract(text, vocab=self.vocab, lang=state.get("lang"))
                report = _fill_empty(report, extraction.report, state)
                report = self._merge_llm(text, report, state)
                return report, None, ()
            if path == "impact.shipments_affected":
                n = v.parse_count(re.sub(r"[^\w]", "", text))
                if n is None:
                    return report, Msg("请写一个数字，例如 2。", "Please give a number, e.g. 2."), ()
                return set_path(report, path, n), None, ()
            return set_path(report, path, text), None, ()
        except ValueError as err:
            return report, _msg_from_error(err), ()

    def _set_product(self, report: BarrierReport, state: dict[str, Any], words: str) -> BarrierReport:
        report = set_path(report, "product.description", words)
        if state.get("hs_source") != "user":
            _desc, cands = ex.find_product(words, self.vocab)
            hs = ex._hs_from(cands)
            report = set_path(report, "product.hs", hs)
            state["hs_source"] = "vocab" if hs else None
        return report

    def _merge_extra(self, report: BarrierReport, state: dict[str, Any], text: str, asking: str) -> BarrierReport:
        """Values given along with an answer ("张伟，电话138...") fill fields that are still empty."""
        if asking in ("incident.description", "product.description", "market"):
            return report
        extraction = ex.extract(text, vocab=self.vocab, lang=state.get("lang"))
        keep = {"reporter.phone", "reporter.email", "reporter.name", "reporter.organisation",
                "impact.lost_sales", "impact.extra_cost", "impact.currency", "impact.shipments_affected",
                "measure.notification_symbol", "incident.first_met", "measure.published",
                "measure.entry_into_force"}
        return _fill_empty(report, extraction.report, state, only=keep)

    def _merge_llm(self, text: str, report: BarrierReport, state: dict[str, Any]) -> BarrierReport:
        """Optional model-assisted extraction: it only fills empty fields, and its proposals pass the
        same validation plus a check that identifiers and figures are in the reporter's words."""
        if self.llm_extract is None or not text:
            return report
        try:
            proposed = self.llm_extract(text, state.get("lang", "zh"))
        except Exception:  # the model is a helper: its failure never stops intake
            return report
        merged, _refused = merge_proposals(report, proposed or {}, text)
        if merged.product.hs and not report.product.hs:
            state["hs_source"] = "user"  # an HS code the reporter wrote, read by the model
        return merged

    # -- corrections ---------------------------------------------------------------------------

    def _corrections(self, text: str, asking: str | None) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        clauses = [c.strip() for c in re.split(r"[；;\n]|[，,]\s*(?=(?:把|将)?\s*(?:我的)?(?:" + _ALIAS_RE + r"))", text) if c and c.strip()]
        weak_ok = asking not in FREE_TEXT
        for clause in clauses:
            m = (_CORR_STRONG_ZH.match(clause) or _CORR_STRONG_EN.match(clause)
                 or (weak_ok and (_CORR_WEAK_ZH.match(clause) or _CORR_WEAK_EN.match(clause))))
            if not m:
                continue
            path = _alias_path(m.group("alias"))
            value = m.group("value").strip().strip("。.")
            if path and value:
                out.append((path, value))
        return out

    def _apply_corrections(self, report: BarrierReport, state: dict[str, Any],
                           corrections: list[tuple[str, str]]) -> IntakeTurn:
        lang = state.get("lang", "zh")
        done: list[str] = []
        asking = state.get("asking")
        for path, value in corrections:
            if path == "request":  # a correction replaces the choice instead of adding to it
                report = report.model_copy(update={"request": []})
            report, error, options = self._apply(report, state, path, value)
            if error is not None:
                state["asking"] = path if path in QUESTIONS else asking
                if options:
                    state["date_options"] = {**state.get("date_options", {}), path: list(options)}
                    return self._turn(report, state, error.pick(lang), asking=path, choices=list(options))
                return self._turn(report, state, error.pick(lang) + (
                    "\n" + self._question(path, lang) if path in QUESTIONS else ""),
                    asking=state["asking"], choices=self._choices(path, lang) if path in QUESTIONS else [])
            done.append(f"{label(path, lang)}：{self._display(report, path, lang)}" if lang == "zh"
                        else f"{label(path, lang)}: {self._display(report, path, lang)}")
        if all(path == asking for path, _value in corrections):  # "my name is ..." answers the question
            prefix = _t(lang, "好的。\n", "Thanks.\n")
        else:
            prefix = _t(lang, "已更新 ", "Updated ") + ("；".join(done) if lang == "zh" else "; ".join(done)) + "\n"
        return self._next(report, state, prefix=prefix)

    # -- links to known records ------------------------------------------------------------------

    def _offer_links(self, report: BarrierReport, state: dict[str, Any]) -> tuple[str, list[str]] | None:
        if self.linker is None or state.get("links_offered"):
            return None
        if not (report.market or report.product.description) or not report.incident.description:
            return None
        state["links_offered"] = True
        try:
            found = self.linker(report.incident.description or "", [report.market] if report.market else [],
                                [report.product.hs] if report.product.hs else [])
        except Exception:  # retrieval trouble must not stop a report
            return None
        links = [(str(r), str(t)) for r, t in (found or [])][:MAX_LINKS]
        if not links:
            return None
        state["links"] = [list(x) for x in links]
        state["phase"] = "link"
        lang = state.get("lang", "zh")
        if len(links) == 1:
            ref, title = links[0]
            text = _t(lang, f"这是不是与 {ref}（{title}）相关？请回复“是”或“不是”。",
                      f"Is this related to {ref} ({title})? Reply “yes” or “no”.")
            return text, (["是", "不是"] if lang == "zh" else ["yes", "no"])
        lines = "\n".join(f"{i}. {ref}（{title}）" if lang == "zh" else f"{i}. {ref} ({title})"
                          for i, (ref, title) in enumerate(links, 1))
        text = _t(lang, f"这是不是与下列记录相关？\n{lines}\n请回复编号，或回复“都不是”。",
                  f"Is this related to one of these records?\n{lines}\nReply with the number, or “none”.")
        return text, [str(i) for i in range(1, len(links) + 1)] + [_t(lang, "都不是", "none")]

    def _answer_link(self, report: BarrierReport, state: dict[str, Any], text: str) -> IntakeTurn | None:
        links = [tuple(x) for x in state.get("links", [])]
        lang = state.get("lang", "zh")
        choice: int | None = None
        t = v.normalise_text(text)
        if _NO.match(t):
            state["links"], state["phase"] = [], "collect"
            return self._next(report, state, prefix=_t(lang, "好的，不关联。\n", "OK, not linked.\n"))
        if _YES.match(t):
            choice = 0
        elif re.fullmatch(r"\d{1,2}", t) and 1 <= int(t) <= len(links):
            choice = int(t) - 1
        else:
            for i, (ref, _title) in enumerate(links):
                if ref.lower() in t.lower():
                    choice = i
        if choice is None:
            return None
        ref, title = links[choice]
        attachments = [*report.attachments, Attachment(name=f"{ref} {title}"[:300], kind="record")]
        update: dict[str, Any] = {"attachments": attachments}
        report = report.model_copy(update=update)
        sym = refs.normalise_symbol(ref)
        if sym and not report.measure.notification_symbol:
            report = set_path(report, "measure.notification_symbol", sym)
        state["links"], state["phase"] = [], "collect"
        return self._next(report, state, prefix=_t(lang, f"好的，已关联 {ref}。\n", f"Linked to {ref}.\n"))

    def _pick_date(self, state: dict[str, Any], text: str) -> tuple[str, str] | None:
        path = state["asking"]
        options = state["date_options"].get(path) or []
        t = v.normalise_text(text)
        chosen = None
        if re.fullmatch(r"[12]", t) and len(options) >= int(t):
            chosen = options[int(t) - 1]
        else:
            c = v.parse_date(t)
            if c.value in options or (c.value and v.is_partial_iso_date(c.value)):
                chosen = c.value
        if chosen is None:
            return None
        state["date_options"] = {k: o for k, o in state["date_options"].items() if k != path}
        return path, chosen

    # -- confirm, submit, cancel ---------------------------------------------------------------

    def _confirm_text(self, report: BarrierReport, lang: str) -> str:
        return _t(
            lang,
            "请核对报告内容：\n" + self._brief(report, lang, full=True)
            + "\n\n回复“确认”提交；要修改请直接说，例如“产品改成密胺碗”；如需对某项保密，可说“损失金额保密”；回复“取消”放弃。",
            "Please check the report:\n" + self._brief(report, lang, full=True)
            + "\n\nReply “confirm” to submit; to correct, say e.g. “change the product to melamine bowls”; "
            "to keep something confidential say e.g. “losses confidential”; or “cancel”.",
        )

    def _confirm_choices(self, lang: str) -> list[str]:
        return ["确认提交", "修改", "取消"] if lang == "zh" else ["confirm", "edit", "cancel"]

    def _submit(self, report: BarrierReport, state: dict[str, Any]) -> IntakeTurn:
        lang = state.get("lang", "zh")
        draft_id = state["draft_id"]
        self.store.save_draft(report, draft_id, state.get("session_id"), state)
        try:
            result = self.store.submit(draft_id=draft_id)
        except ReportIncomplete as err:
            state["phase"] = "collect"
            missing = err.errors[0].field if err.errors else None
            state["asking"] = missing
            return self._next(report, state, prefix=(err.errors[0].message.pick(lang) + "\n") if err.errors else "")
        number = result.number
        state.update(phase="done", number=number, asking=None)
        reply = next_steps(number, lang, report.reporter.email or report.reporter.phone,
                           report_link(number, result.token))
        return self._turn(report, state, reply, asking=None, done=True, number=number,
                          summary=self._summary(report, lang))

    def _after_submit(self, report: BarrierReport, state: dict[str, Any], text: str) -> IntakeTurn:
        lang = state.get("lang", "zh")
        number = state.get("number")
        urls = re.findall(r"https?://[^\s，。<>\"']+", text or "")
        if number and urls:
            self.store.add_attachments(number, [Attachment(name=u[:300], url=u, kind="link") for u in urls])
            reply = _t(lang, f"已将 {len(urls)} 个链接补充到报告 {number}。",
                       f"Added {len(urls)} link(s) to report {number}.")
        elif number and _CONFIRM.match(text or ""):
            reply = _t(lang, f"报告已提交，编号 {number}，无需重复提交。",
                       f"The report is already submitted as {number}; no need to submit again.")
        else:
            reply = _t(lang, f"报告 {number} 已提交。如需补充材料，请发送文件链接。",
                       f"Report {number} is submitted. To add documents, send links to them.")
        return IntakeTurn(reply=reply, state=state, done=True, report_number=number)

    def _cancel(self, report: BarrierReport, state: dict[str, Any]) -> IntakeTurn:
        lang = state.get("lang", "zh")
        if state.get("draft_id"):
            self.store.cancel_draft(state["draft_id"])
        state.update(phase="cancelled", asking=None)
        reply = _t(lang, "已取消，这份报告不会提交。需要时随时可以重新开始报告。",
                   "Cancelled; nothing was submitted. You can start a new report at any time.")
        return IntakeTurn(reply=reply, state=state, done=True)

    # -- display -------------------------------------------------------------------------------

    def _display(self, report: BarrierReport, path: str, lang: str) -> str:
        value = get_path(report, path)
        if value in (None, "", []):
            return ""
        if path == "market":
            return market_display(value, lang)
        if path == "product.description":
            hs = f"（HS {report.product.hs}）" if lang == "zh" else f" (HS {report.product.hs})"
            return value + (hs if report.product.hs else "")
        if path in ("impact.lost_sales", "impact.extra_cost"):
            return v.format_money(value, report.impact.currency, lang)
        if path in ("incident.first_met", "measure.published", "measure.entry_into_force"):
            return v.format_date(value, lang)
        if path == "measure.ntm_code":
            return ntm_label(value, lang)
        if path == "request":
            sep = "、" if lang == "zh" else ", "
            return sep.join(REQUEST_LABELS[k][0 if lang == "zh" else 1] for k in value)
        if path == "attachments":
            return "；".join(a.name for a in value) if lang == "zh" else "; ".join(a.name for a in value)
        if path == "impact.smes_affected":
            return _t(lang, "是", "yes") if value else _t(lang, "否", "no")
        if path == "reporter.type":
            from assistant.reports.schema import REPORTER_TYPE_LABELS

            return REPORTER_TYPE_LABELS[value][0 if lang == "zh" else 1]
        return str(value)

    _BRIEF = ("market", "product.description", "measure.ntm_code", "measure.notification_symbol",
              "measure.title", "measure.published", "measure.entry_into_force", "incident.first_met",
              "impact.lost_sales", "impact.extra_cost", "impact.shipments_affected", "request",
              "reporter.organisation", "reporter.name", "reporter.phone", "reporter.email", "attachments")

    def _brief(self, report: BarrierReport, lang: str, full: bool = False) -> str:
        paths = self._BRIEF if not full else ("incident.description", *self._BRIEF)
        lines = []
        for p in paths:
            shown = self._display(report, p, lang)
            if shown:
                mark = _t(lang, "【保密】", " [confidential]") if p in report.confidential_fields else ""
                lines.append(f"- {label(p, lang)}：{shown}{mark}" if lang == "zh" else f"- {label(p, lang)}: {shown}{mark}")
        return "\n".join(lines)

    def _summary(self, report: BarrierReport, lang: str) -> dict[str, Any]:
        fields = [{"field": p, "label": label(p, lang), "value": self._display(report, p, lang),
                   "confidential": p in report.confidential_fields}
                  for p in ("incident.description", *self._BRIEF) if self._display(report, p, lang)]
        return {"fields": fields, "missing": missing_required(report), "report": report.model_dump(mode="json")}


# --- helpers ---------------------------------------------------------------------------------------


def _lang(lang: str | None, text: str) -> str:
    if lang and lang.startswith("zh"):
        return "zh"
    if lang and lang.startswith("en"):
        return "en"
    return ex.detect_language(text)


def _alias_path(alias: str) -> str | None:
    return FIELD_ALIASES.get(alias) or FIELD_ALIASES.get(alias.lower()) or FIELD_ALIASES.get(alias.upper())


def _first_clause(text: str, sep: str) -> str:
    """The answer up to the first separator when contact details follow ("张伟，电话138..."),
    else the whole answer as typed."""
    parts = re.split(sep, text, maxsplit=1)
    if len(parts) == 2 and re.search(r"\d{5}|@", parts[1]):
        return parts[0]
    return text


def _confidential_paths(text: str) -> list[str]:
    out = []
    for m in re.finditer(_ALIAS_RE, text, re.I):
        path = _alias_path(m.group(0))
        if path and path not in out:
            out.append(path)
            if path == "impact.lost_sales":
                out.append("impact.extra_cost")
    return out


def _market_code(text: str) -> str | None:
    t = text.strip().upper()
    if t in ("EU", "欧盟"):
        return "EU"
    if re.fullmatch(r"[A-Z]{3}", t):
        from assistant.reports.names import market_name

        return t if market_name(t, "en") != t else None
    return None


def _parse_request(text: str) -> list[str]:
    kinds = ex.find_requests(text)
    for i in re.findall(r"\b([1-6])\b", text):
        kinds.append(REQUEST_KINDS[int(i) - 1])
    low = text.lower()
    for kind, (zh, en) in REQUEST_LABELS.items():
        if zh in text or en in low or kind.replace("_", " ") in low:
            kinds.append(kind)
    return list(dict.fromkeys(kinds))


def _fill_empty(report: BarrierReport, found: BarrierReport, state: dict[str, Any],
                only: set[str] | None = None) -> BarrierReport:
    for path, value in filled_fields(found).items():
        if path in ("trade_direction", "incident.description") or (only is not None and path not in only):
            continue
        if path == "impact.currency" and (report.impact.lost_sales is not None or report.impact.extra_cost is not None):
            continue
        if is_filled(report, path):
            continue
        if path in ("request", "attachments"):
            value = [x.model_dump() if hasattr(x, "model_dump") else x for x in value]
        try:
            report = set_path(report, path, value)
        except ValueError:
            continue
        if path == "product.hs":
            state["hs_source"] = "vocab"
    return report


def _msg_from_error(err: ValueError) -> Msg:
    text = str(err)
    m = re.search(r"Value error, (.+?) / (.+?)(?:\s*\[type=|$)", text, re.S)
    if m:
        return Msg(m.group(1).strip(), m.group(2).strip())
    return Msg("这个值无效，请再试一次。", "That value is not valid; please try again.")
