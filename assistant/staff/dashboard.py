"""Dashboard figures (reports by market, measure type, status and month; time to screening) and
their charts as inline SVG drawn on the server: no script, no CDN, readable when printed."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from assistant.reports.models import ReportRow


@dataclass
class Dashboard:
    total: int = 0
    awaiting: int = 0
    by_market: list[tuple[str, float]] = field(default_factory=list)
    by_ntm: list[tuple[str, float]] = field(default_factory=list)
    by_status: list[tuple[str, float]] = field(default_factory=list)
    by_month: list[tuple[str, float]] = field(default_factory=list)
    screening_days: list[tuple[str, float]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {k: (v if isinstance(v, int) else [list(p) for p in v]) for k, v in self.__dict__.items()}


def figures(engine: Engine, top: int = 12) -> Dashboard:
    c = ReportRow
    d = Dashboard()
    with Session(engine) as db:
        def grouped(col: Any) -> list[tuple[str, float]]:
            rows = db.execute(select(col, func.count()).group_by(col).order_by(func.count().desc())).all()
            return [(str(k) if k else "-", float(n)) for k, n in rows]

        d.by_market = grouped(c.market)[:top]
        d.by_ntm = [(k[:1] if k != "-" else k, n) for k, n in grouped(c.ntm_code)]
        merged: dict[str, float] = defaultdict(float)
        for k, n in d.by_ntm:
            merged[k] += n
        d.by_ntm = sorted(merged.items(), key=lambda x: -x[1])
        d.by_status = grouped(c.status)
        d.total = int(sum(n for _, n in d.by_status))
        d.awaiting = int(dict(d.by_status).get("submitted", 0))
        months: dict[str, float] = defaultdict(float)
        delays: dict[str, list[float]] = defaultdict(list)
        for created, screened in db.execute(select(c.created_at, c.screened_at)):
            key = created.strftime("%Y-%m")
            months[key] += 1
            if screened is not None:
                delays[key].append(max(0.0, (screened - created).total_seconds() / 86400))
        d.by_month = sorted(months.items())[-24:]
        d.screening_days = [(k, round(statistics.median(v), 1)) for k, v in sorted(delays.items())][-24:]
    return d


def bar_chart(data: list[tuple[str, float]], labels: dict[str, str] | None = None, width: int = 460,
              title: str = "") -> Markup:
    """Horizontal bars with the value at the end of each; every label is escaped."""
    if not data:
        return Markup('<p class="muted">-</p>')
    labels = labels or {}
    row_h, left, right = 20, 130, 50
    height = row_h * len(data) + 10
    peak = max(v for _, v in data) or 1.0
    parts = [f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (key, value) in enumerate(data):
        y = 5 + i * row_h
        w = (width - left - right) * value / peak
        label = escape(labels.get(key, key))[:40]
        shown = f"{value:g}"
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{label}</text>'
                     f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="#1f5fa8">'
                     f'<title>{label}: {shown}</title></rect>'
                     f'<text x="{left + w + 4:.1f}" y="{y + 14}">{shown}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
