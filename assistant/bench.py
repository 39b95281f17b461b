"""`tbt bench`: figures for ingest throughput and memory, search and answer latency.

Benchmarks print measurements; they never assert. Ingest runs in child processes against a scratch
data dir so that the cold run really is cold and its peak memory is the child's own.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.config import PROJECT_ROOT, Settings

FALLBACK_QUERIES = [
    "出口蓝牙耳机到欧盟需要什么认证?",
    "Bluetooth earphones to Germany certification",
    "美国FCC新规对我们有什么影响?",
    "G/TBT/N/USA/867/Add.1",
    "欧盟最近有没有关于玩具的新通报?",
    "我们的枸杞在欧盟被通报了怎么办?",
    "Regulation (EU) 2017/745 Article 52",
    "怎么报告贸易壁垒?",
    "melamine tableware migration China RASFF",
    "海关总署公告〔2024〕151号",
]


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "mean": 0.0, "max": 0.0}
    ordered = sorted(values)

    def pct(p: float) -> float:
        i = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
        return ordered[i]

    return {
        "p50": round(pct(50), 2),
        "p95": round(pct(95), 2),
        "mean": round(statistics.fmean(ordered), 2),
        "max": round(ordered[-1], 2),
    }


def load_queries(n: int) -> list[str]:
    path = PROJECT_ROOT / "evals" / "retrieval" / "questions.jsonl"
    queries: list[str] = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                queries.append(json.loads(line)["q"])
    if not queries:
        queries = list(FALLBACK_QUERIES)
    while len(queries) < n:
        queries.extend(queries[: n - len(queries)])
    return queries[:n]


def _ingest_child(data_dir: Path, settings: Settings) -> tuple[dict[str, Any], float, float]:
    env = dict(os.environ, TBT_DATA_DIR=str(data_dir), TBT_CORPUS_DIR=str(settings.corpus_dir),
               TBT_EMBEDDER=settings.embedder)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", "--json"], env=env,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if proc.returncode != 0:
        raise RuntimeError(f"ingest failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1]), wall, peak


def bench_ingest(settings: Settings) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="tbt-bench-") as tmp:
        data = Path(tmp) / "var"
        cold, cold_s, cold_peak = _ingest_child(data, settings)
        warm, warm_s, _ = _ingest_child(data, settings)
    out: dict[str, Any] = {
        "cold": {
            "seconds": round(cold_s, 1),
            "records": cold["records"],
            "chunks": cold["chunks"],
            "records_per_s": round(cold["records"] / cold_s, 1),
            "chunks_per_s": round(cold["chunks"] / cold_s, 1),
            "embedded": cold["embedded"],
            "peak_rss_mb": round(cold_peak, 1),
        },
        "unchanged_rerun": {"seconds": round(warm_s, 2), "noop": warm["noop"], "embedded": warm.get("embedded", 0)},
        "targets": {"cold_s": 240, "rerun_s": 10, "peak_mb": 2048},
    }
    c = out["cold"]
    out["text"] = (
        f"cold ingest: {c['seconds']} s for {c['records']} records / {c['chunks']} chunks "
        f"({c['records_per_s']} records/s, {c['chunks_per_s']} chunks/s), peak RSS {c['peak_rss_mb']} MiB\n"
        f"unchanged re-run: {out['unchanged_rerun']['seconds']} s (no-op: {warm['noop']}, embedded {warm.get('embedded', 0)})\n"
        f"targets: cold <= 240 s, re-run <= 10 s, peak < 2048 MiB"
    )
    return out


def bench_search(settings: Settings, n: int = 200) -> dict[str, Any]:
    from assistant.retrieve.search import get_searcher

    searcher = get_searcher(settings)
    queries = load_queries(n)
    for q in queries[:5]:
        searcher.search(q, 10)  # warm caches (jieba, model)
    out: dict[str, Any] = {"queries": len(queries)}
    for mode in ("hybrid", "lexical", "dense"):
        times = []
        for q in queries:
            t = time.perf_counter()
            searcher.search(q, 10, mode=mode)
            times.append((time.perf_counter() - t) * 1000)
        out[mode] = _percentiles(times)
    out["targets"] = {"p50_ms": 50, "p95_ms": 150}
    out["text"] = "\n".join(
        [f"search latency over {len(queries)} queries (ms, in-process):"]
        + [f"  {m:<8} p50 {out[m]['p50']:>7}  p95 {out[m]['p95']:>7}  mean {out[m]['mean']:>7}  max {out[m]['max']:>7}"
           for m in ("hybrid", "lexical", "dense")]
        + ["  targets: hybrid p50 <= 50 ms, p95 <= 150 ms"]
    )
    return out


COLD_QUESTIONS = ("玩具出口欧盟需要什么", "What do Bluetooth earphones need for the EU?")


def bench_cold(settings: Settings, runs: int = 3) -> dict[str, Any]:
    """Wall time of a whole `tbt ask` process (start, load the index, answer, exit), as a trainer
    at a workshop sees it; the first run also fills the start-up caches, so it is reported apart."""
    env = {**os.environ, "TBT_DATA_DIR": str(settings.data_dir)}
    code = "from assistant.cli import app; app()"
    out: dict[str, Any] = {"runs": {}, "targets": {"cold_ask_s": 3.0}}
    for q in COLD_QUESTIONS:
        times = []
        for _ in range(max(runs, 1)):
            t = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", code, "ask", q], env=env, capture_output=True,
                                  timeout=120, check=False)
            times.append(round(time.perf_counter() - t, 2))
            if done.returncode != 0:
                raise RuntimeError(f"tbt ask failed: {done.stderr.decode(errors='replace')[-400:]}")
        out["runs"][q] = {"first_s": times[0], "median_s": round(statistics.median(times[1:] or times), 2)}
    lines = [f"cold `tbt ask` (a new process each, {runs} runs):"]
    lines += [f"  {q}: first {r['first_s']} s, then median {r['median_s']} s" for q, r in out["runs"].items()]
    lines.append("  target: <= 3 s")
    out["text"] = "\n".join(lines)
    return out


def bench_ask(settings: Settings, n: int = 100) -> dict[str, Any]:
    from assistant.dialogue.assistant import Assistant

    offline = settings.model_copy(update={"llm_base_url": None, "llm_model": None})
    assistant = Assistant(offline)
    queries = load_queries(n)
    for q in queries[:3]:
        assistant.ask(q)
    times = []
    for q in queries:
        t = time.perf_counter()
        assistant.ask(q)
        times.append((time.perf_counter() - t) * 1000)
    out: dict[str, Any] = {"queries": len(queries), "offline": _percentiles(times), "targets": {"p50_ms": 150, "p95_ms": 400}}
    o = out["offline"]
    out["text"] = (f"offline answer latency over {len(queries)} questions (ms, fresh session each): "
                   f"p50 {o['p50']}  p95 {o['p95']}  mean {o['mean']}  max {o['max']}\n"
                   f"  targets: p50 <= 150 ms, p95 <= 400 ms")
    return out
