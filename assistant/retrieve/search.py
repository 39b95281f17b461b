"""Hybrid retrieval: exact references first, then BM25 + dense fused, boosted by market and HS.

Results are one per source record (a zh and an en chunk of one record count once), each with the
best chunk's citation and snippet, and a relevance `score` in [0, 1] that the answer layer uses to
decide whether it knows anything at all.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from assistant.config import Settings
from assistant.index.embedder import get_embedder
from assistant.index.store import LoadedIndex, load_index
from assistant.index.tokenize import tokenize
from assistant.records import RecordType
from assistant.refs import act_number, find_eu_acts
from assistant.retrieve.analyze import QueryAnalysis, analyze
from assistant.retrieve.markets import expand_markets, find_markets, market_name
from assistant.retrieve.products import ProductVocabulary, hs_matches

RRF_K = 50
LEXICAL_DEPTH = 300
DENSE_DEPTH = 150
NO_ANSWER_THRESHOLD = 0.30

# How much each record type suits each intent (multiplier on the fused score).
INTENT_PRIOR: dict[str, dict[str, float]] = {
    "requirements": {"regulation": 1.6, "notification": 1.15, "form": 0.6, "alert": 0.8, "announcement": 0.9, "document": 1.1},
    "notification": {"notification": 1.8, "regulation": 1.1, "alert": 0.6},
    "alerts": {"alert": 1.7, "case": 1.1, "regulation": 0.9, "announcement": 1.1},
    "cases": {"case": 1.8, "dispute": 1.5, "notification": 1.0},
    "report": {"form": 3.0, "case": 1.1, "document": 1.2},
    "rules": {"regulation": 1.2, "document": 1.3, "notification": 1.1, "dispute": 1.1},
    "subscribe": {"notification": 1.3},
}
SILENT_INTENTS = {"smalltalk", "help", "out_of_domain"}


@dataclass
class Hit:
    """One record found for a query."""

    ref: str
    type: str
    title: str
    score: float
    snippet: str
    markets: list[str]
    hs: list[str]
    cite: str
    chunk_id: str
    page: int | None = None
    url: str | None = None
    date: str | None = None
    lang: str = "en"
    title_zh: str | None = None
    matched_by: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchResponse:
    query: str
    analysis: QueryAnalysis
    hits: list[Hit]
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def best_score(self) -> float:
        return self.hits[0].score if self.hits else 0.0


def _snippet(text: str, terms: list[str], width: int = 260) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    if len(flat) <= width:
        return flat
    low = flat.lower()
    pos = -1
    for t in sorted(terms, key=len, reverse=True):
        if len(t) < 2:
            continue
        pos = low.find(t.lower())
        if pos >= 0:
            break
    if pos < 0:
        return flat[:width].rstrip() + "…"
    start = max(0, pos - width // 3)
    end = min(len(flat), start + width)
    return ("…" if start else "") + flat[start:end].strip() + ("…" if end < len(flat) else "")


class Searcher:
    """Loaded once per process; `search` is safe to call from several threads."""

    def __init__(self, settings: Settings, index: LoadedIndex | None = None, vocab: ProductVocabulary | None = None) -> None:
        self.settings = settings
        self.index = index or load_index(settings)
        self.vocab = vocab or ProductVocabulary.load(settings.corpus_dir)
        self.embedder = get_embedder(settings)
        self._act_index: dict[str, list[str]] = {}
        self._lower_refs: dict[str, str] = {}
        for ref, row in self.index.record_rows.items():
            self._lower_refs[ref.lower()] = ref
            key = act_number(ref)
            if key and row.get("type") in ("regulation", "document"):
                self._act_index.setdefault(key, []).append(ref)

    # -- exact references ------------------------------------------------------------------
    def exact_refs(self, analysis: QueryAnalysis) -> list[str]:
        """Records quoted by reference in the query (a notification with its addenda)."""
        out: list[str] = []
        idx = self.index
        for ref in analysis.refs:
            found = self._lower_refs.get(ref.lower())
            if found:
                out.append(found)
            row = idx.record_rows.get(found or ref)
            core = (row or {}).get("core_symbol") or (ref if ref.startswith("G/") else None)
            if core:
                out.extend(sorted(idx.by_core_symbol.get(core, [])))
            for key in find_eu_acts(ref):
                out.extend(self._act_index.get(key, []))
        seen: set[str] = set()
        return [r for r in out if not (r in seen or seen.add(r))]

    # -- main entry ------------------------------------------------------------------------
    def search(
        self,
        query: str,
        k: int = 10,
        *,
        market: str | list[str] | None = None,
        type: str | list[str] | None = None,
        hs: str | None = None,
        analysis: QueryAnalysis | None = None,
        min_score: float | None = None,
        mode: str = "hybrid",
    ) -> SearchResponse:
        """Ranked records for `query`; `mode` lexical/dense runs one side alone (for benchmarks)."""
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        query = (query or "").strip()
        if analysis is None:
            analysis = analyze(query[:2000], self.vocab)
        timings["analyze"] = (time.perf_counter() - t0) * 1000
        if not query:
            return SearchResponse(query, analysis, [], timings)

        types = {type} if isinstance(type, str) else set(type or [])
        filter_markets = _market_filter(market)
        exact = self.exact_refs(analysis)
        if not exact and analysis.intent in SILENT_INTENTS:
            return SearchResponse(query, analysis, [], timings)

        idx = self.index
        t1 = time.perf_counter()
        q_tokens = tokenize(analysis.normalized)
        if mode == "dense":
            lex = np.zeros(0, dtype=np.float32)
        else:
            lex = idx.lexical.scores(q_tokens)
            expansion = self._expansion_tokens(analysis)
            if expansion:
                lex = lex + 0.35 * idx.lexical.scores(expansion)
        timings["lexical"] = (time.perf_counter() - t1) * 1000

        t2 = time.perf_counter()
        dense_hits = (
            [] if mode == "lexical" else idx.vectors.query(self.embedder.embed_query(analysis.normalized), DENSE_DEPTH)
        )
        timings["dense"] = (time.perf_counter() - t2) * 1000

        t3 = time.perf_counter()
        fused: dict[int, float] = {}
        cos: dict[int, float] = {}
        if lex.size:
            top = np.argsort(-lex)[:LEXICAL_DEPTH]
            best = float(lex[top[0]]) if len(top) else 0.0
            for rank, pos in enumerate(top):
                if lex[pos] <= 0:
                    break
                # rank fusion, tempered by how close this score is to the best one
                fused[int(pos)] = fused.get(int(pos), 0.0) + (0.5 + 0.5 * float(lex[pos]) / best) / (RRF_K + rank)
        for rank, (cid, sim) in enumerate(dense_hits):
            pos = idx.chunk_pos.get(cid)
            if pos is None:
                continue
            cos[pos] = sim
            fused[pos] = fused.get(pos, 0.0) + max(sim, 0.0) / (RRF_K + rank)

        # aggregate per record, keep the best chunk
        per_record: dict[str, tuple[float, int]] = {}
        for pos, score in fused.items():
            ref = idx.chunk_rows[pos]["ref"]
            cur = per_record.get(ref)
            if cur is None or score > cur[0]:
                per_record[ref] = (score, pos)

        q_markets = set(analysis.markets_expanded)
        q_hs = [(c["code"], float(c.get("confidence", 0.5))) for c in analysis.hs]
        prior = INTENT_PRIOR.get(analysis.intent, {})
        scored: list[tuple[float, str, int, list[str]]] = []
        for ref, (score, pos) in per_record.items():
            row = idx.record_rows.get(ref)
            if row is None:
                continue
            rtype = row.get("type", "")
            if types and rtype not in types:
                continue
            r_markets = set(row.get("markets") or [])
            if filter_markets and not (r_markets & filter_markets):
                continue
            r_hs = row.get("hs") or []
            if hs and not any(hs_matches(hs, code) for code in r_hs):
                continue
            mult = prior.get(rtype, 1.0)
            if q_markets and r_markets:
                mult *= 1.5 if r_markets & q_markets else 0.55
            if q_hs and r_hs:
                best_hs = max((conf for code, conf in q_hs for rc in r_hs if hs_matches(code, rc)), default=0.0)
                mult *= 1.0 + 0.6 * best_hs if best_hs else 0.8
            how = ["fused"]
            scored.append((score * mult, ref, pos, how))

        # exact references first
        exact_set = set(exact)
        ranked = sorted(scored, key=lambda t: -t[0])
        ranked = [t for t in ranked if t[1] not in exact_set]
        top_fused = ranked[0][0] if ranked else 1.0
        head: list[tuple[float, str, int, list[str]]] = []
        for i, ref in enumerate(exact):
            pos = self._best_chunk_for(ref, fused)
            if pos is None:
                continue
            row = idx.record_rows[ref]
            if types and row.get("type") not in types:
                continue
            head.append((top_fused * (3.0 - 0.01 * i), ref, pos, ["exact"]))
        ranked = head + ranked
        timings["fuse"] = (time.perf_counter() - t3) * 1000

        hits: list[Hit] = []
        max_possible = 2.0 / RRF_K
        threshold = NO_ANSWER_THRESHOLD if min_score is None else min_score
        terms = q_tokens + [p for p in analysis.products]
        for raw, ref, pos, how in ranked[: max(k, 1) * 2]:
            row = idx.record_rows[ref]
            chunk = idx.chunk_rows[pos]
            if "exact" in how:
                score = 1.0
            else:
                score = self._relevance(raw, max_possible, cos.get(pos), analysis, row)
            if score < threshold:
                continue
            hits.append(
                Hit(
                    ref=ref,
                    type=row.get("type", ""),
                    title=row.get("title", ref),
                    title_zh=row.get("title_zh"),
                    score=round(score, 4),
                    snippet=_snippet(chunk.get("text", ""), terms),
                    markets=list(row.get("markets") or []),
                    hs=list(row.get("hs") or []),
                    cite=chunk.get("cite", ref),
                    chunk_id=chunk["id"],
                    page=chunk.get("page"),
                    url=row.get("url"),
                    date=chunk.get("date"),
                    lang=chunk.get("lang", "en"),
                    matched_by=how,
                )
            )
            if len(hits) >= k:
                break
        timings["total"] = (time.perf_counter() - t0) * 1000
        return SearchResponse(query, analysis, hits, timings)

    # -- helpers ---------------------------------------------------------------------------
    def _best_chunk_for(self, ref: str, fused: dict[int, float]) -> int | None:
        best: tuple[float, int] | None = None
        first: int | None = None
        for pos, row in self._chunks_of(ref):
            if first is None:
                first = pos
            s = fused.get(pos, 0.0)
            if best is None or s > best[0]:
                best = (s, pos)
        if best is not None and best[0] > 0:
            return best[1]
        return first

    def _chunks_of(self, ref: str) -> list[tuple[int, dict[str, Any]]]:
        cache = getattr(self, "_chunks_by_ref", None)
        if cache is None:
            cache = {}
            for pos, row in enumerate(self.index.chunk_rows):
                cache.setdefault(row["ref"], []).append(pos)
            self._chunks_by_ref = cache
        return [(p, self.index.chunk_rows[p]) for p in cache.get(ref, [])]

    def _expansion_tokens(self, analysis: QueryAnalysis) -> list[str]:
        """Words in the other language for the markets and products found (cross-lingual BM25)."""
        words: list[str] = []
        for code in analysis.markets:
            words.append(market_name(code, "en"))
            words.append(market_name(code, "zh"))
        for cand in analysis.hs[:3]:
            words.append(str(cand.get("label_en") or ""))
            words.append(str(cand.get("label_zh") or ""))
        return tokenize(" ".join(w for w in words if w))

    def _relevance(
        self, raw: float, max_possible: float, cosine: float | None, analysis: QueryAnalysis, row: dict[str, Any]
    ) -> float:
        """Map a fused score to [0, 1]: rank evidence, semantic closeness and structured matches."""
        base = min(raw / max_possible, 1.5) / 1.5
        sem = max(cosine or 0.0, 0.0)
        score = 0.55 * base + 0.45 * sem
        return float(min(score, 1.0))


def _market_filter(market: str | list[str] | None) -> set[str]:
    if not market:
        return set()
    items = [market] if isinstance(market, str) else list(market)
    codes: set[str] = set()
    for item in items:
        found = find_markets(item)
        if found:
            codes.update(m.market.code for m in found)
        else:
            codes.add(item.strip().upper())
    return set(expand_markets(sorted(codes)))


_searchers: dict[str, Searcher] = {}


def get_searcher(settings: Settings) -> Searcher:
    """A Searcher for the current index generation, shared within the process."""
    idx = load_index(settings)
    key = f"{idx.path}:{settings.embedder}"
    s = _searchers.get(key)
    if s is None:
        _searchers.clear()
        s = Searcher(settings, idx)
        _searchers[key] = s
    return s


__all__ = ["Hit", "SearchResponse", "Searcher", "get_searcher", "RecordType"]
