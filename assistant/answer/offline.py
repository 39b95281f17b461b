"""The offline composer: a deterministic, grounded answer built from the retrieved records.

No key, no network. Every line that states a fact about a measure is built from one record's
fields and carries that record's marker [n]; generic advice lines state no facts. Chinese answers
use the records' Chinese fields, keep titles and symbols in their original language and translate
only closed vocabularies (assistant/answer/i18n.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from assistant.answer.i18n import (
    country,
    ntm_label,
    phrase,
    rasff_category,
    rasff_hazard_category,
    type_label,
)
from assistant.answer.models import Evidence

MAX_REGS = 4
MAX_NOTIFS = 4
MAX_ALERTS = 5
MAX_CASES = 3


@dataclass
class Composed:
    text: str
    used: list[int] = field(default_factory=list)  # evidence numbers cited, in order of use
    followups: list[str] = field(default_factory=list)


def _d(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


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

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def text(self) -> str:
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines)


class OfflineComposer:
    def __init__(self, today: dt.date) -> None:
        self.today = today

    # -- public -----------------------------------------------------------------------------
    def compose(self, intent: str, evidence: list[Evidence], lang: str, ctx: dict[str, Any]) -> Composed:
        """`ctx` carries the display names of the product and market the question was about."""
        handler = {
            "requirements": self._requirements,
            "notification": self._notification,
            "alerts": self._alerts,
            "cases": self._cases,
            "report": self._report,
        }.get(intent, self._general)
        out = Lines()
        handler(out, evidence, lang, ctx)
        return Composed(out.text(), out.used, self._followups(intent, lang, ctx))

    def detail(self, ev: Evidence, lang: str) -> Composed:
        """Everything one record says (for "tell me more about [2]")."""
        out = Lines()
        out.add(phrase("detail_heading", lang, n=ev.n, ref=ev.ref))
        self._record_block(out, ev, lang, full=True)
        return Composed(out.text(), out.used, [])

    # -- intents ----------------------------------------------------------------------------
    def _requirements(self, out: Lines, ev: list[Evidence], lang: str, ctx: dict[str, Any]) -> None:
        product, market = ctx.get("product"), ctx.get("market")
        if product and market:
            out.add(phrase("req_heading", lang, product=product, market=market))
        elif market:
            out.add(phrase("req_heading_noproduct", lang, market=market))
        elif product:
            out.add(phrase("req_heading_nomarket", lang, product=product))
        groups = _group(ev)
        regs = groups.get("regulation", []) + groups.get("document", [])
        if regs:
            out.blank()
            out.add(phrase("regs_heading", lang))
            for e in regs[:MAX_REGS]:
                self._record_block(out, e, lang)
        self._section(out, "notif_heading", groups.get("notification", [])[:MAX_NOTIFS], lang)
        alerts = _china_first(groups.get("alert", []))
        self._section(out, "alerts_heading", alerts[:3], lang)
        self._section(out, "cases_heading", (groups.get("case", []) + groups.get("dispute", []))[:2], lang)
        self._section(out, "other_heading", groups.get("announcement", [])[:2], lang)
        self._next_steps(out, lang, regs[:MAX_REGS], kind="requirements")

    def _notification(self, out: Lines, ev: list[Evidence], lang: str, ctx: dict[str, Any]) -> None:
        groups = _group(ev)
        notes = groups.get("notification", [])
        family = ctx.get("family") or []
        if family:
            fam = [e for e in notes if e.ref in family]
            fam.sort(key=lambda e: (_d((e.record.get("dates") or {}).get("distributed")) or dt.date.max, e.ref))
            core = ctx.get("core") or fam[0].ref
            out.add(phrase("symbol_heading", lang, ref=core))
            out.add(phrase("family", lang) + ":")
            for e in fam:
                self._notification_line(out, e, lang, full=True)
            rest = [e for e in notes if e.ref not in family]
        else:
            out.add(phrase("notif_heading", lang))
            rest = notes
        for e in rest[:MAX_NOTIFS]:
            self._notification_line(out, e, lang)
        self._section(out, "regs_heading", (groups.get("regulation", []) + groups.get("document", []))[:3], lang)
        self._section(out, "cases_heading", groups.get("case", [])[:2], lang)
        self._next_steps(out, lang, [], kind="notification")

    def _alerts(self, out: Lines, ev: list[Evidence], lang: str, ctx: dict[str, Any]) -> None:
        groups = _group(ev)
        alerts = _china_first(groups.get("alert", []))
        if alerts:
            out.add(phrase("alerts_heading", lang))
            for e in alerts[:MAX_ALERTS]:
                self._alert_line(out, e, lang)
        self._section(out, "regs_heading", (groups.get("regulation", []) + groups.get("document", []))[:3], lang)
        self._section(out, "other_heading", (groups.get("announcement", []) + groups.get("notification", []))[:2], lang)
        self._section(out, "cases_heading", groups.get("case", [])[:2], lang)
        self._next_steps(out, lang, [], kind="alerts")

    def _cases(self, out: Lines, ev: list[Evidence], lang: str, ctx: dict[str, Any]) -> None:
        groups = _group(ev)
        cases = groups.get("case", []) + groups.get("dispute", [])
        if cases:
            out.add(phrase("cases_heading", lang))
            for e in cases[:MAX_CASES + 1]:
                self._record_block(out, e, lang)
        self._section(out, "notif_heading", groups.get("notification", [])[:2], lang)
        self._section(out, "regs_heading", groups.get("regulation", [])[:2], lang)
        self._next_steps(out, lang, [], kind="cases")

    def _report(self, out: Lines, ev: list[Evidence], lang: str, ctx: dict[str, Any]) -> None:
        groups = _group(ev)
        forms = groups.get("form", [])
        forms.sort(key=lambda e: 0 if "征集表" in e.ref else 1)
        for e in forms[:3]:
            self._record_block(out, e, lang, full=True)
        self._section(out, "other_heading", (groups.get("document", []) + groups.get("case", []))[:2], lang)
        out.blank()
        out.add(phrase("report_offer", lang))

    def _general(self, out: Lines, ev: list[Evidence], lang: str, ctx: dict[str, Any]) -> None:
        for e in ev[:5]:
            self._record_block(out, e, lang)
        self._next_steps(out, lang, [], kind="general")

    # -- building blocks --------------------------------------------------------------------
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
            else:
                self._record_block(out, e, lang)

    def _title(self, e: Evidence, lang: str) -> str:
        r = e.record
        original = r.get("title") or e.title
        if lang == "zh":
            zh = r.get("title_zh")
            if zh and zh != original:
                return f"{zh}（{e.ref}）" if e.ref not in zh else zh
            return f"{e.ref}：{original}" if e.ref not in original else original
        en = r.get("title_en")
        if en and en != original and e.ref not in en:
            return f"{en} ({e.ref})"
        return original if e.ref in original else f"{e.ref}: {original}"

    def _record_block(self, out: Lines, e: Evidence, lang: str, full: bool = False) -> None:
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
            if r.get("status"):
                bits.append(("状态：" if lang == "zh" else "status: ") + str(r["status"]).lower())
            if r.get("agreements"):
                bits.append(("援引：" if lang == "zh" else "cites: ") + "; ".join(r["agreements"][:3]))
            out.add("- " + ("；".join(bits) if lang == "zh" else "; ".join(bits)), e.n)
            return
        if e.type == "announcement":
            line = f"- {self._title(e, lang)}"
            date = _d((r.get("dates") or {}).get("published"))
            if date:
                line += f"（{date.isoformat()}）" if lang == "zh" else f" ({date.isoformat()})"
            text = summary or _first_sentences(r.get("text") or r.get("answer") or "", 160)
            if text:
                line += sep + text
            out.add(line, e.n)
            return
        line = f"- **{self._title(e, lang)}**"
        if summary:
            line += sep + summary
        elif e.type == "document":
            line += sep + _first_sentences(e.text.split("\n", 1)[0] if e.cite == e.ref else e.snippet, 200)
            if e.cite and e.cite != e.ref:
                line += f"（{e.cite}）" if lang == "zh" else f" ({e.cite})"
        out.add(line, e.n)
        reqs = _pick_list(r, "requirements", lang)
        if reqs:
            take = reqs if full else reqs[:3]
            out.add(f"  - {phrase('key_req', lang)}{sep}" + ("；".join(take) if lang == "zh" else "; ".join(take)), e.n)
        conf = _pick(r, "conformity", lang)
        if conf:
            out.add(f"  - {phrase('conformity', lang)}{sep}{conf}", e.n)
        dates = self._dates_text(r, lang)
        if dates:
            out.add(f"  - {dates}", e.n)
        if full:
            for key in ("outcome", "how_to", "enquiry", "scope"):
                val = _pick(r, key, lang)
                if val:
                    out.add(f"  - {val}", e.n)
            for kd in r.get("key_dates") or []:
                what = kd.get("what_zh") if lang == "zh" and kd.get("what_zh") else kd.get("what_en")
                out.add(f"  - {kd.get('date')}{sep}{what}", e.n)
            figures = _pick_list(r, "figures", lang)
            for f in figures:
                out.add(f"  - {f}", e.n)
            fields = r.get("fields") or []
            if fields:
                labels = [(f.get("label_zh") if lang == "zh" and f.get("label_zh") else f.get("label_en")) for f in fields]
                out.add(f"  - {'填写项' if lang == 'zh' else 'Fields'}{sep}" + ("、".join(labels) if lang == "zh" else ", ".join(labels)), e.n)
            if e.url:
                out.add(f"  - {e.url}", e.n)
        elif e.type == "case":
            outcome = _pick(r, "outcome", lang)
            if outcome:
                out.add(f"  - {'结果' if lang == 'zh' else 'Outcome'}{sep}{outcome}", e.n)

    def _dates_text(self, r: dict[str, Any], lang: str) -> str:
        d = r.get("dates") or {}
        parts = []
        for key, label in (("published", "published"), ("entry_into_force", "in_force"), ("applies_from", "applies_from")):
            v = _d(d.get(key))
            if v:
                parts.append(f"{phrase(label, lang)} {v.isoformat()}")
        return ("；" if lang == "zh" else "; ").join(parts)

    def _notification_line(self, out: Lines, e: Evidence, lang: str, full: bool = False) -> None:
        r = e.record
        d = r.get("dates") or {}
        sep = "：" if lang == "zh" else ": "
        title = r.get("title_zh") if lang == "zh" and r.get("title_zh") else r.get("title") or e.title
        line = f"- **{e.ref}**"
        dist = _d(d.get("distributed"))
        if dist:
            line += f"（{phrase('distributed', lang)} {dist.isoformat()}）" if lang == "zh" else f" ({phrase('distributed', lang)} {dist.isoformat()})"
        line += sep + str(title)
        out.add(line, e.n)
        summary = _pick(r, "summary", lang)
        if summary and full:
            out.add(f"  - {summary}", e.n)
        status = []
        deadline = _d(d.get("comment_deadline"))
        if deadline:
            days = (deadline - self.today).days
            status.append(
                phrase("comment_open", lang, date=deadline.isoformat(), days=days)
                if days >= 0
                else phrase("comment_closed", lang, date=deadline.isoformat())
            )
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
        parts = [str(r.get("product") or e.title)]
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
        for text in (generic or {}).get(lang, []):
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


def _china_first(alerts: list[Evidence]) -> list[Evidence]:
    return sorted(
        alerts,
        key=lambda e: (
            0 if (e.record.get("origin_code") == "CHN" or str(e.record.get("origin", "")).lower() == "china") else 1,
            -(_d((e.record.get("dates") or {}).get("event")) or dt.date.min).toordinal(),
        ),
    )


def _pick(r: dict[str, Any], key: str, lang: str) -> str | None:
    first, second = ("zh", "en") if lang == "zh" else ("en", "zh")
    val = r.get(f"{key}_{first}") or r.get(f"{key}_{second}")
    return str(val).strip() if val else None


def _pick_list(r: dict[str, Any], key: str, lang: str) -> list[str]:
    first, second = ("zh", "en") if lang == "zh" else ("en", "zh")
    return [str(x) for x in (r.get(f"{key}_{first}") or r.get(f"{key}_{second}") or [])]


def _first_sentences(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    for mark in ("。", ". ", "；", "; "):
        pos = cut.rfind(mark)
        if pos > limit // 2:
            return cut[: pos + 1].strip()
    return cut.rstrip() + "…"


__all__ = ["OfflineComposer", "Composed", "ntm_label", "type_label"]
