"""`tbt bench staff`: the queue with many reports (100,000 by default) in a scratch database,
filtered, searched and sorted as staff do; prints p50/p95 per query shape. Never asserts.

The reports are synthetic and say so (organisation "fixture"); they are bulk-inserted with the
same derived columns the store writes, into a new SQLite file or a PostgreSQL URL given with
--database-url (its tables are created by the migrations and the rows removed afterwards).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert

from assistant.db import make_engine, upgrade
from assistant.reports.derived import queue_columns
from assistant.reports.models import ReportRow
from assistant.reports.schema import BarrierReport
from assistant.staff import queue

MARKETS = ["EU", "DEU", "FRA", "USA", "JPN", "KOR", "GBR", "AUS", "CAN", "SAU", "IND", "VNM"]
PRODUCTS = [("儿童餐具", "392410"), ("LED lamps", "940540"), ("陶瓷餐具", "691200"), ("玩具", "950300"),
            ("枸杞", "081340"), ("Bluetooth earphones", "851830"), ("化妆品", "330499"), ("鞋", "640299"),
            ("纺织服装", "620342"), ("锂电池", "850760")]
NTM = ["A22", "A31", "A82", "B31", "B33", "B82", "B83", "B7"]
STATUSES = ["submitted"] * 5 + ["accepted"] * 3 + ["rejected", "archived"]
CHANNELS = ["web", "api", "telegram", "wechat", "wecom"]
USERS = [None, None, "tom", "vera", "ada"]

SHAPES: dict[str, dict[str, Any]] = {
    "default (priority)": {},
    "awaiting screening by date": {"status": ["submitted"], "sort": "-date"},
    "market + status": {"market": "USA", "status": ["accepted"]},
    "HS chapter + sort date": {"hs": "39", "sort": "-date"},
    "measure type + channel": {"ntm": "B", "channel": "wechat"},
    "assigned to me": {"assigned_to": "tom"},
    "date range": {"date_from": "2026-03-01", "date_to": "2026-03-31"},
    "search zh": {"q": "餐具"},
    "search en": {"q": "led lamps"},
    "search + market": {"q": "germany", "status": ["submitted"]},
    "page 50": {"page": 50},
}


def _rows(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    start = dt.datetime(2025, 1, 1)
    out = []
    for i in range(1, n + 1):
        product, hs = rnd.choice(PRODUCTS)
        market = rnd.choice(MARKETS)
        report = BarrierReport.model_validate({
            "reporter": {"organisation": f"fixture company {rnd.randint(1, 5000)}"},
            "market": market, "product": {"description": product, "hs": hs},
            "measure": {"ntm_code": rnd.choice(NTM)},
            "incident": {"description": f"fixture: {product} held at the border of {market}"},
            "impact": {"lost_sales": rnd.randint(0, 500_000), "currency": "USD"},
            "language": rnd.choice(["zh", "en"]), "channel": rnd.choice(CHANNELS)})
        number = f"BR-2099-{i:06d}"
        created = start + dt.timedelta(minutes=rnd.randint(0, 60 * 24 * 600))
        status = rnd.choice(STATUSES)
        out.append({"number": number, "status": status, "data": report.model_dump(mode="json"),
                    "channel": report.channel, "created_at": created, "updated_at": created, "version": 1,
                    "assigned_to": rnd.choice(USERS), "priority": round(rnd.random() * 60, 1),
                    "stage": "open" if status == "accepted" else None,
                    "screened_at": created + dt.timedelta(days=rnd.randint(0, 9)) if status != "submitted" else None,
                    **queue_columns(number, report)})
    return out


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def bench_staff(n: int = 100_000, repeat: int = 20, database_url: str | None = None) -> dict[str, Any]:
    scratch = None
    if database_url is None:
        scratch = tempfile.TemporaryDirectory(prefix="tbt-bench-staff-")
        database_url = f"sqlite:///{Path(scratch.name) / 'bench.sqlite3'}"
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(delete(ReportRow).where(ReportRow.number.like("BR-2099-%")))
        t0 = time.perf_counter()
        rows = _rows(n)
        with engine.begin() as conn:
            for i in range(0, len(rows), 5000):
                conn.execute(insert(ReportRow), rows[i:i + 5000])
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql("ANALYZE reports")
            else:
                conn.exec_driver_sql("ANALYZE")
        load_s = time.perf_counter() - t0
        shapes: dict[str, dict[str, float]] = {}
        every: list[float] = []
        for name, params in SHAPES.items():
            f = queue.QueueFilter.model_validate(params)
            queue.search(engine, f, "tom")  # warm
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                page = queue.search(engine, f, "tom")
                times.append((time.perf_counter() - t) * 1000)
            every += times
            shapes[name] = {"p50": round(statistics.median(times), 1), "p95": round(_pct(times, 95), 1),
                            "total": page.total}
        with engine.begin() as conn:
            conn.execute(delete(ReportRow).where(ReportRow.number.like("BR-2099-%")))
    finally:
        engine.dispose()
        if scratch is not None:
            scratch.cleanup()
    overall = {"p50": round(statistics.median(every), 1), "p95": round(_pct(every, 95), 1)}
    lines = [f"tbt bench staff: {n:,} reports on {engine.dialect.name} (loaded in {load_s:.1f} s), "
             f"{repeat} runs per query, 50 rows per page with the total count"]
    for name, fig in shapes.items():
        lines.append(f"  {name:<28} p50 {fig['p50']:>7.1f} ms  p95 {fig['p95']:>7.1f} ms  ({int(fig['total']):,} matches)")
    lines.append(f"  all queries                  p50 {overall['p50']:>7.1f} ms  p95 {overall['p95']:>7.1f} ms"
                 "  (target p95 <= 200 ms)")
    return {"reports": n, "database": engine.dialect.name, "load_s": round(load_s, 1), "shapes": shapes,
            "overall": overall, "text": "\n".join(lines)}
