"""`tbt bench load`: concurrent clients on POST /api/ask for a fixed time, against 1 and N
uvicorn workers, on the embedded default (SQLite + vectors in the data dir) and on PostgreSQL +
a Chroma server. Loopback only, bounded in time; prints throughput, p50/p95 and errors."""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from assistant.config import Settings

QUESTIONS = [
    "出口蓝牙耳机到欧盟需要什么认证？", "What do LED lamps need for the UK?", "玩具出口美国需要什么？",
    "G/TBT/N/USA/867/Add.1", "我们的枸杞在欧盟被通报了怎么办？", "How do I report a trade barrier?",
    "化妆品出口日本有什么要求？", "medical devices EU MDR requirements", "茶叶出口欧盟农残限量",
    "What does RoHS restrict?",
]


@dataclass
class LoadResult:
    setup: str
    workers: int
    clients: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + self.errors

    def as_dict(self) -> dict[str, Any]:
        lat = sorted(self.latencies_ms)
        pct = (lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))], 1)) if lat else (lambda q: None)
        return {
            "setup": self.setup, "workers": self.workers, "clients": self.clients,
            "seconds": round(self.seconds, 1), "requests": self.requests, "errors": self.errors,
            "throughput_rps": round(len(lat) / self.seconds, 2) if self.seconds else 0.0,
            "p50_ms": pct(0.50), "p95_ms": pct(0.95),
            "mean_ms": round(statistics.fmean(lat), 1) if lat else None,
            "error_samples": self.error_samples[:5],
        }


def hammer(url: str, clients: int, seconds: float, setup: str = "", workers: int = 1) -> LoadResult:
    """`clients` threads each asking in a loop (own session, follow-ups included) for `seconds`."""
    if not url.startswith(("http://127.0.0.1", "http://localhost")):
        raise ValueError("the load benchmark only targets loopback servers")
    result = LoadResult(setup, workers, clients, seconds)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(n: int) -> None:
        session = f"bench-{n}-{time.monotonic_ns()}"
        i = n
        with httpx.Client(timeout=120) as c:
            while time.monotonic() < stop_at:
                q = QUESTIONS[i % len(QUESTIONS)]
                i += 1
                t0 = time.perf_counter()
                try:
                    r = c.post(url + "/api/ask", json={"text": q, "session_id": session})
                    ok = r.status_code == 200 and bool(r.json().get("text"))
                    why = f"{r.status_code}: {r.text[:120]}"
                except httpx.HTTPError as exc:
                    ok, why = False, f"{type(exc).__name__}: {exc}"
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    if ok:
                        result.latencies_ms.append(ms)
                    else:
                        result.errors += 1
                        result.error_samples.append(why)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    result.seconds = time.monotonic() - started
    return result


@contextlib.contextmanager
def _setup(name: str, base: Settings, work: Path) -> Iterator[Settings]:
    from assistant.scaleout import scaled_settings

    if name == "embedded":
        yield base.model_copy(update={"database_url": f"sqlite:///{work / 'bench.sqlite3'}"})
        return
    with scaled_settings(base, work) as s:
        yield s


def bench_load(settings: Settings, clients: int = 20, seconds: float = 60.0,
               workers: tuple[int, ...] = (1, 4), setups: tuple[str, ...] = ("embedded", "scaled")
               ) -> dict[str, Any]:
    """Run every (setup, workers) combination; returns {"runs": [...], "text": table}."""
    from assistant.scaleout import app_workers

    seconds = max(1.0, min(seconds, 600.0))
    clients = max(1, min(clients, 200))
    runs: list[dict[str, Any]] = []
    for name in setups:
        with tempfile.TemporaryDirectory(prefix="tbt-bench-load-") as tmp, \
                _setup(name, settings, Path(tmp)) as s:
            for n in workers:
                with app_workers(s, n) as url:
                    runs.append(hammer(url, clients, seconds, name, n).as_dict())
    lines = [f"{'setup':<10} {'workers':>7} {'clients':>7} {'req':>6} {'err':>4} {'req/s':>7} "
             f"{'p50 ms':>8} {'p95 ms':>8}"]
    for r in runs:
        lines.append(f"{r['setup']:<10} {r['workers']:>7} {r['clients']:>7} {r['requests']:>6} "
                     f"{r['errors']:>4} {r['throughput_rps']:>7} {r['p50_ms']!s:>8} {r['p95_ms']!s:>8}")
    return {"runs": runs, "text": "\n".join(lines)}
