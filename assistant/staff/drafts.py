"""Drafts staff edit before sending: a comment (评议意见) on a linked notification, laid out like
the national form, and a specific-trade-concern (STC) proposal for a barrier with several
reporters.

Every statement carries a citation marker [n] naming its source: a linked record, the barrier's
own reports (what reporters said, figures summed) or the TBT/SPS Agreement articles
(agreements.py). The draft is checked by the answer verifier (assistant/answer/verify.py) when
made and every time staff save it; statements that fail are listed, never silently dropped from
what staff wrote.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.answer.models import Evidence
from assistant.answer.verify import verify
from assistant.db import utcnow
from assistant.reports.names import market_name
from assistant.reports.priority import usd
from assistant.reports.store import ReportNotFound
from assistant.staff import agreements
from assistant.staff.models import StaffDraftRow
from assistant.staff.service import StaffService

KINDS = ("comment", "stc")
GUIDE_REF = "Guide: commenting on WTO notifications"


@dataclass(frozen=True)
class DraftView:
    id: int
    number: str
    kind: str
    language: str
    text: str
    sources: list[dict[str, Any]]
    check: dict[str, Any]
    author: str
    updated_at: dt.datetime

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "updated_at": self.updated_at.isoformat() + "Z"}


def _check(text: str, sources: list[dict[str, Any]]) -> dict[str, Any]:
    result = verify(text, [Evidence.model_validate(s) for s in sources])
    return {"ok": result.ok, "clean": result.clean, "removed": result.removed, "invented": result.invented}


def _record_evidence(service: StaffService, ref: str, n: int, lang: str) -> Evidence | None:
    try:
        from assistant.retrieve.search import get_searcher

        record = get_searcher(service.settings).index.record(ref)
    except Exception:
        return None
    if record is None:
        return None
    dates = {k: v.isoformat() for k, v in record.dates.model_dump().items() if v is not None}
    text = "\n".join(p for p in (record.ref, record.title, record.title_zh, record.title_en,
                                 record.summary_in(lang), record.issuer,
                                 " ".join(f"{k}: {v}" for k, v in dates.items()), record.text[:3000]) if p)
    return Evidence(n=n, ref=record.ref, type=str(record.type), title=record.title_in(lang), cite=record.ref,
                    snippet=(record.summary_in(lang) or record.title)[:300], text=text, url=record.url,
                    record=record.model_dump(mode="json"))


def _amount(v: float) -> str:
    return f"{v:.0f}" if v == int(v) else f"{v:.2f}"


def _report_evidence(service: StaffService, number: str, n: int) -> tuple[Evidence, dict[str, Any]]:
    stored = service.store.get(number)
    assert stored is not None
    reports = service.casework.barrier_reports(number)
    orgs = list(dict.fromkeys(r.reporter.organisation or "-" for r in reports))
    loss = sum(usd(r.impact.lost_sales, r.impact.currency) + usd(r.impact.extra_cost, r.impact.currency)
               for r in reports)
    shipments = sum(r.impact.shipments_affected or 0 for r in reports)
    smes = sum(1 for r in reports if r.impact.smes_affected)
    lines = [f"Barrier report {number}: {len(reports)} reports from {len(orgs)} organisations.",
             f"Economic impact USD {_amount(round(loss))}; shipments affected {shipments}; SME reports {smes}."]
    for r in reports:
        lines.append(" ".join(p for p in (r.market, r.product.description, f"HS {r.product.hs}" if r.product.hs else "",
                                          r.measure.title, r.measure.notification_symbol, r.incident.first_met,
                                          r.incident.description) if p))
    facts = {"reports": len(reports), "orgs": len(orgs), "loss": round(loss), "shipments": shipments,
             "smes": smes}
    ev = Evidence(n=n, ref=number, type="report", title=f"Barrier report {number}", cite=number,
                  snippet=lines[0], text="\n".join(lines))
    return ev, facts


def _sources(service: StaffService, number: str, lang: str) -> tuple[list[Evidence], dict[str, Any]]:
    stored = service.store.get(number)
    if stored is None:
        raise ReportNotFound(number)
    links = stored.links or []
    ordered = sorted(links, key=lambda link: (link.get("type") != "notification", not link.get("named")))
    evidence: list[Evidence] = []
    for link in ordered[:4]:
        ev = _record_evidence(service, link["ref"], len(evidence) + 1, lang)
        if ev is not None:
            evidence.append(ev)
    report_ev, facts = _report_evidence(service, number, len(evidence) + 1)
    evidence.append(report_ev)
    symbol = stored.report.measure.notification_symbol or next(
        (e.ref for e in evidence if e.type == "notification"), None)
    agreement = agreements.agreement_for(symbol, stored.report.measure.ntm_code)
    evidence.append(Evidence(n=len(evidence) + 1, ref=f"WTO {agreement} Agreement", type="agreement",
                             title=f"WTO {agreement} Agreement", cite=f"WTO {agreement} Agreement",
                             snippet=agreements.source_text(agreement)[:300], text=agreements.source_text(agreement),
                             url=agreements.SOURCE_URL))
    guide = _record_evidence(service, GUIDE_REF, len(evidence) + 1, lang)
    if guide is not None:
        evidence.append(guide)
    facts.update(agreement=agreement, stored=stored)
    return evidence, facts


def compose(service: StaffService, number: str, kind: str, lang: str) -> tuple[str, list[Evidence]]:
    evidence, facts = _sources(service, number, lang)
    stored = facts["stored"]
    r = stored.report
    zh = lang == "zh"
    notif = next((e for e in evidence if e.type == "notification"), None)
    record = next((e for e in evidence if e.type in ("notification", "regulation")), None)
    rep = next(e for e in evidence if e.type == "report")
    agr = next(e for e in evidence if e.type == "agreement")
    guide = next((e for e in evidence if e.ref == GUIDE_REF), None)
    member = market_name(r.market, lang) or ("相关成员" if zh else "the member concerned")
    measure = r.measure.title or (record.title if record else None) or ("该措施" if zh else "the measure")
    if r.measure.title or record is not None:  # the heading names the measure: cite where it comes from
        measure += f" [{rep.n if r.measure.title or record is None else record.n}]"
    out: list[str] = []
    arts = {a.number: a for a in agreements.articles(facts["agreement"])}
    A = facts["agreement"]

    def art(num: str) -> str:
        a = arts[num]
        return (f"根据{A}协定第{num}条，{a.zh} [{agr.n}]。" if zh
                else f"Under Article {num} of the {A} Agreement, {a.en} [{agr.n}].")

    if kind == "comment":
        out.append(f"评议意见（草稿）：{member} {measure}" if zh else f"Draft comment: {member}, {measure}")
        out.append("")
        out.append("一、关注内容" if zh else "1. Concern")
        if notif is not None:
            out.append(f"{member}通报了 {notif.ref}：{notif.title} [{notif.n}]。" if zh
                       else f"{member} notified {notif.ref}: {notif.title} [{notif.n}].")
            deadline = (notif.record.get("dates") or {}).get("comment_deadline")
            if deadline:
                out.append(f"评议截止日期为 {deadline} [{notif.n}]。" if zh else f"Comments are due by {deadline} [{notif.n}].")
        elif record is not None:
            out.append(f"涉及措施：{record.title}（{record.ref}）[{record.n}]。" if zh
                       else f"The measure concerned: {record.title} ({record.ref}) [{record.n}].")
        out.append("")
        out.append("二、背景情况" if zh else "2. Background")
        hs = f"（HS {r.product.hs}）" if (zh and r.product.hs) else (f" (HS {r.product.hs})" if r.product.hs else "")
        out.append(f"我国企业报告该措施影响{r.product.description or '相关产品'}{hs}出口 [{rep.n}]。" if zh
                   else f"Chinese companies report that the measure affects exports of {r.product.description or 'their products'}{hs} [{rep.n}].")
        if facts["loss"]:
            out.append(f"{facts['reports']} 份报告合计经济影响约 {facts['loss']} 美元 [{rep.n}]。" if zh
                       else f"The {facts['reports']} reports put the economic impact at about USD {facts['loss']} [{rep.n}].")
        out.append("")
        out.append("三、评论意见" if zh else "3. Comments")
        for num in (("2.2", "3.1", "5.6") if A == "SPS" else ("2.2", "2.4", "5.1.2")):
            out.append("- " + art(num))
        out.append("")
        out.append("四、结论与要求" if zh else "4. Conclusion and requests")
        out.append("- " + (f"请{member}说明该措施的科学依据及所参照的国际标准。[{agr.n}]" if zh
                           else f"We ask {member} to explain the scientific basis of the measure and the international standards it follows [{agr.n}]."))
        out.append("- " + art("2.12" if A == "TBT" else "7"))
        out.append("- " + art("12.3" if A == "TBT" else "10.1"))
    else:
        out.append(f"特别贸易关注提案（草稿）：{member} {measure}" if zh else f"Draft specific trade concern: {member}, {measure}")
        out.append("")
        out.append("一、措施" if zh else "1. The measure")
        if record is not None:
            out.append(f"{record.title}（{record.ref}）[{record.n}]。" if zh else f"{record.title} ({record.ref}) [{record.n}].")
        out.append("")
        out.append("二、我国企业反映的情况" if zh else "2. What Chinese companies report")
        out.append(f"共 {facts['reports']} 份报告，来自 {facts['orgs']} 家单位 [{rep.n}]。" if zh
                   else f"{facts['reports']} reports from {facts['orgs']} organisations [{rep.n}].")
        if facts["loss"]:
            out.append(f"合计经济影响约 {facts['loss']} 美元 [{rep.n}]。" if zh
                       else f"Economic impact about USD {facts['loss']} in total [{rep.n}].")
        if facts["shipments"]:
            out.append(f"受影响批次合计 {facts['shipments']} 批 [{rep.n}]。" if zh
                       else f"{facts['shipments']} shipments affected in total [{rep.n}].")
        out.append("")
        out.append("三、关注要点" if zh else "3. Concerns")
        for num in (("2.2", "3.1", "5.6") if A == "SPS" else ("2.1", "2.2", "2.4")):
            out.append("- " + art(num))
        out.append("")
        out.append("四、建议" if zh else "4. Proposal")
        if guide is not None:
            out.append("- " + (f"评议未能解决问题或措施已实施时，可在委员会例会上提出特别贸易关注 [{guide.n}]。" if zh
                               else f"When comments have not settled the problem or the measure is in force, a specific trade concern can be raised at the Committee [{guide.n}]."))
        out.append("- " + art("2.12" if A == "TBT" else "7"))
    return "\n".join(out), evidence


def create(service: StaffService, number: str, kind: str, lang: str, author: str) -> DraftView:
    if kind not in KINDS:
        raise ValueError("kind must be comment or stc / 草稿类型应为 comment 或 stc")
    text, evidence = compose(service, number, kind, lang)
    sources = [e.model_dump(mode="json") for e in evidence]
    check = _check(text, sources)
    stored = service.store.get(number)
    assert stored is not None
    with Session(service.store.engine) as db, db.begin():
        row = StaffDraftRow(report_id=stored.id, kind=kind, language=lang, text=text, sources=sources,
                            check=check, author=author[:100], updated_at=utcnow())
        db.add(row)
        db.flush()
        return _view(row, stored.number)


def save(service: StaffService, draft_id: int, text: str, author: str) -> DraftView:
    with Session(service.store.engine) as db, db.begin():
        row = db.get(StaffDraftRow, draft_id)
        if row is None:
            raise KeyError(draft_id)
        row.text = (text or "").replace("\r\n", "\n")[:50_000]
        row.check = _check(row.text, row.sources)
        row.author, row.updated_at = author[:100], utcnow()
        return _view(row, _number(db, row.report_id))


def get(service: StaffService, draft_id: int) -> DraftView | None:
    with Session(service.store.engine) as db:
        row = db.get(StaffDraftRow, draft_id)
        return _view(row, _number(db, row.report_id)) if row else None


def for_report(service: StaffService, number: str) -> list[DraftView]:
    stored = service.store.get(number)
    if stored is None:
        return []
    with Session(service.store.engine) as db:
        rows = db.scalars(select(StaffDraftRow).where(StaffDraftRow.report_id == stored.id)
                          .order_by(StaffDraftRow.id.desc()))
        return [_view(r, stored.number) for r in rows]


def _number(db: Session, report_id: int) -> str:
    from assistant.reports.models import ReportRow

    row = db.get(ReportRow, report_id)
    return row.number if row else ""


def _view(row: StaffDraftRow, number: str) -> DraftView:
    return DraftView(row.id, number, row.kind, row.language, row.text, list(row.sources), dict(row.check or {}),
                     row.author, row.updated_at)
