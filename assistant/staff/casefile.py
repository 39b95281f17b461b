"""Everything on a report page that comes from outside the report: the records the core finds
for it, the form completed from a record the reporter named, and similar reports.

Linked records come from the core's search (read-only). A record counts as *named* by the
reporter when search matched it by exact reference (a symbol or act number they typed) or when
an acronym of its title or keywords (REACH, RoHS, MDR...) appears as a word in their text; only a
named record fills the form's measure name, symbol and authority, and only boxes that are empty.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from assistant.config import Settings
from assistant.reports.casework import Casework
from assistant.reports.models import ReportRow
from assistant.reports.schema import BarrierReport
from assistant.reports.store import StoredReport

log = logging.getLogger(__name__)

LINK_TYPES = ("notification", "regulation", "alert", "case", "announcement", "dispute")
UNKNOWN = {"不详", "名称不详", "未知", "unknown", "n/a"}
_ACRONYM_RE = re.compile(r"\b[A-Z][A-Za-z]{1,}[A-Z]\b|\b[A-Z]{3,}\b")


def _query(report: BarrierReport) -> str:
    m = report.measure
    parts = [m.notification_symbol, m.title, report.product.description, report.incident.description]
    return " ".join(p for p in parts if p)[:1500]


def _reporter_text(report: BarrierReport) -> str:
    m = report.measure
    return " ".join(p for p in (m.title, m.notification_symbol, m.issuing_body, report.incident.description,
                                report.actions_taken) if p)


def _named(record: Any, text: str) -> bool:
    names = set(_ACRONYM_RE.findall(record.title_en or "")) | set(_ACRONYM_RE.findall(record.title or ""))
    names |= {k for k in (record.keywords or []) if _ACRONYM_RE.fullmatch(k)}
    names -= {"EU", "EC", "EEC", "USA", "WTO", "TBT", "SPS", "HS", "UK"}
    return any(re.search(rf"(?<![A-Za-z]){re.escape(n)}(?![A-Za-z])", text) for n in names)


def find_links(settings: Settings, report: BarrierReport, k: int = 8) -> list[dict[str, Any]]:
    """Records the core finds for the report, each with whether the reporter named it."""
    from assistant.retrieve.search import get_searcher

    query = _query(report)
    if not query.strip():
        return []
    try:
        searcher = get_searcher(settings)
        hits = searcher.search(query, k=k, market=report.market or None, type=list(LINK_TYPES)).hits
        if not hits and report.market:
            hits = searcher.search(query, k=k, type=list(LINK_TYPES)).hits
    except Exception as exc:  # no index yet, or the core failing, must not break the page
        log.warning("linked records unavailable: %s", type(exc).__name__)
        return []
    text = _reporter_text(report)
    out: list[dict[str, Any]] = []
    for h in hits:
        record = searcher.index.record(h.ref)
        deadline = record.dates.comment_deadline if record is not None else None
        named = "exact" in h.matched_by or (record is not None and _named(record, text))
        out.append({"ref": h.ref, "type": h.type, "title": h.title, "title_zh": h.title_zh, "url": h.url,
                    "snippet": h.snippet, "cite": h.cite, "score": h.score, "named": named,
                    "comment_deadline": deadline.isoformat() if deadline else None,
                    "issuer": record.issuer if record is not None else None})
    return out


def completion(settings: Settings, report: BarrierReport, links: list[dict[str, Any]]) -> dict[str, Any]:
    """Form boxes to fill from the first named record: only those the reporter left empty."""
    from assistant.retrieve.search import get_searcher

    named = next((link for link in links if link.get("named")), None)
    if named is None:
        return {}
    try:
        record = get_searcher(settings).index.record(named["ref"])
    except Exception:
        return {}
    if record is None:
        return {}
    m = report.measure
    changes: dict[str, Any] = {}
    if not m.title or m.title.strip().lower() in UNKNOWN:
        changes["measure.title"] = record.title_in(report.language)[:500]
    if (not m.issuing_body or m.issuing_body.strip().lower() in UNKNOWN) and record.issuer:
        changes["measure.issuing_body"] = record.issuer[:300]
    if not m.notification_symbol and record.type == "notification":
        changes["measure.notification_symbol"] = record.ref
    return changes


def enrich(settings: Settings, casework: Casework, number: str, force: bool = False) -> StoredReport | None:
    """Find linked records once (or again when `force`), fill the form from a named record and
    refresh the priority. Recorded in the history as done by `system`."""
    stored = casework.store.get(number)
    if stored is None or (stored.links is not None and not force):
        return stored
    links = find_links(settings, stored.report)
    changes = completion(settings, stored.report, links)
    if changes:
        ref = next(link["ref"] for link in links if link.get("named"))
        try:
            casework.store.update_fields(number, changes, actor=f"system: {ref}"[:100])
        except ValueError as err:
            log.info("form completion skipped for %s: %s", number, err)
    casework.set_links(number, links)
    return casework.store.get(number)


@dataclass(frozen=True)
class Similar:
    number: str
    status: str
    why: str
    product: str


def _words(text: str) -> set[str]:
    from assistant.index.tokenize import tokenize

    return {t for t in tokenize(text) if len(t) > 1}


def similar(engine: Engine, stored: StoredReport, limit: int = 8) -> list[Similar]:
    """Other reports on the same market, HS chapter and measure type, then close in wording."""
    r = stored.report
    c = ReportRow
    out: list[Similar] = []
    seen = {stored.number}
    with Session(engine) as db:
        if r.market:
            same = select(c).where(c.market == r.market, c.number != stored.number)
            if r.product.hs:
                same = same.where(c.hs_chapter == r.product.hs[:2])
            if r.measure.ntm_code:
                same = same.where(c.ntm_code == r.measure.ntm_code)
            for row in db.scalars(same.order_by(c.id.desc()).limit(limit)):
                seen.add(row.number)
                out.append(Similar(row.number, row.status, "same", _product(row)))
        mine = _words(_query(r))
        if mine and len(out) < limit:
            pool = select(c).where(c.number.not_in(seen)).order_by(c.id.desc()).limit(2000)
            if r.market:
                pool = pool.where(c.market == r.market)
            scored = []
            for row in db.scalars(pool):
                theirs = _words(_query(BarrierReport.model_validate(row.data)))
                if theirs:
                    overlap = len(mine & theirs) / len(mine | theirs)
                    if overlap >= 0.2:
                        scored.append((overlap, row))
            for _score, row in sorted(scored, key=lambda x: -x[0])[: limit - len(out)]:
                out.append(Similar(row.number, row.status, "wording", _product(row)))
    return out


def _product(row: ReportRow) -> str:
    data = row.data or {}
    return str((data.get("product") or {}).get("description") or "")
