"""Hybrid retrieval: exact references first, then BM25 + dense fused, boosted by market and HS.

Results are one per source record (a zh and an en chunk of one record count once), each with the
best chunk's citation and snippet, and a relevance `score` in [0, 1]. `NO_ANSWER_THRESHOLD` is the
one place that decides "nothing relevant": hits below it are never returned, so a caller that
gets no hits knows the corpus has no answer.

How a query is ranked (tuned on evals/retrieval, see its README):
1. exact references quoted in the query (a symbol with its addenda, an EU act, RASFF, DS, 公告)
   come first with score 1;
2. lexical: BM25 over the words the user wrote, plus their translations at a lower weight (product
   synonyms and the bilingual glossary), so a Chinese question reaches English records;
3. dense: cosine similarity of multilingual sentence embeddings (USE-m3), top DENSE_DEPTH chunks;
4. both lists are fused by reciprocal rank (lexical tempered by its score), per record;
5. each record then gets a relevance from evidence that means the same for every query: how much
   of the question's weighted words the record covers (a word only the question knows counts
   against it), the cosine, and structured agreement: market (a member state brings in its blocs),
   HS code (hierarchical: 851830 matches 8518 and 85), the record type the intent asks for, and for
   alerts the origin (a Chinese exporter's "our chilli" means alerts on Chinese chilli).
"""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from assistant.config import Settings
from assistant.index.embedder import get_embedder
from assistant.index.store import LoadedIndex, load_index
from assistant.index.tokenize import normalise, tokenize
from assistant.records import RecordType
from assistant.refs import act_number, find_eu_acts
from assistant.retrieve.analyze import QueryAnalysis, analyze, intent_words
from assistant.retrieve.markets import bloc_members, expand_markets, find_markets, market_name
from assistant.retrieve.normalize import fold
from assistant.retrieve.products import ProductVocabulary, _deletes, _osa_distance_le1, hs_matches

RRF_K = 40
LEXICAL_DEPTH = 300
DENSE_DEPTH = 200
EXPANSION_WEIGHT = 0.5  # BM25 weight of translated words relative to the words the user wrote
UNKNOWN_NAME = 0.6  # relevance left when the question names something the corpus never mentions
CANDIDATES = 200  # records scored per query (the best by fused rank, plus exact refs)
COSINE_TOP = 40  # candidates whose cosine is computed when the dense list missed them
NO_ANSWER_THRESHOLD = 0.35

# How much each record type suits each intent (multiplier on the relevance).
INTENT_PRIOR: dict[str, dict[str, float]] = {
    "requirements": {"regulation": 1.0, "notification": 0.9, "form": 0.6, "alert": 0.75,
                     "announcement": 0.8, "document": 0.9, "case": 0.85, "dispute": 0.7},
    "notification": {"notification": 1.0, "regulation": 0.9, "case": 0.9, "alert": 0.7, "dispute": 0.75,
                     "announcement": 0.8},
    "alerts": {"alert": 1.0, "case": 0.85, "regulation": 0.8, "announcement": 0.85, "dispute": 0.75},
    "cases": {"case": 1.0, "dispute": 1.0, "notification": 0.9, "alert": 0.8, "regulation": 0.85,
              "announcement": 0.8},
    "report": {"form": 1.0, "case": 0.85, "document": 0.9, "alert": 0.7, "dispute": 0.75},
    "rules": {"regulation": 1.0, "document": 1.0, "notification": 0.95, "dispute": 0.9, "announcement": 1.0},
    "subscribe": {"notification": 1.0},
}
SILENT_INTENTS = {"smalltalk", "help", "out_of_domain"}
# A record for another market than the one asked about: how much of its relevance is left. Strict
# when the user asks what applies in a market; milder for cases and disputes, where the market
# named is often who complained rather than where the measure applies.
MARKET_MISMATCH: dict[str, float] = {"requirements": 0.45, "notification": 0.5, "alerts": 0.5, "subscribe": 0.5}

_DATA = Path(__file__).resolve().parent / "data"
# the question is about goods going into China (China Customs' rules), not about exporting from it
_IMPORT_RE = re.compile(
    r"进口|输华|入境|进境|[到来进]中国|中国海关|海关总署|\bgacc\b|china(?:'s)? customs|chinese customs|into china|to china",
    re.I,
)
_EXPORT_RE = re.compile(r"出口|卖到|销往|发往|\bexport|\bsell|\bselling\b|\bship(?:ping)?\s+to\b", re.I)
# question words and fillers that say nothing about the topic: never counted as "unknown words"
def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FILLER = _wordset(
    """啥 咋 嘛 么 吗 呢 吧 呀 哦 噢 喔 哈 嗯 了 的 得 地 着 过 要 想 做 弄 搞 办 卖 买 去 来 给 让 跟 和 与 还
    是不是 有没有 能不能 可不可以 怎么办 怎么样 为啥 干啥 要啥 啥子 多久 多少 哪里 哪儿 哪个 咋办 请教 麻烦
    现在 最近 目前 今年 之前 之后 以后 已经 一下 一些 这个 那个 这种 那种 东西 情况 问题 事情 方面 相关 有关
    我们 我司 咱们 你们 他们 公司 工厂 客户 老板 朋友 卖家 买家 产品 货物 商品 东西 需要 要求 必须 应该 可能
    关于 对于 以及 还是 或者 如果 是否 可以 能否 一个 这些 那些 什么样 有啥 为什么 怎么 如何 哪些
    没人 没有人 有人 别人 这种 那种 这样 那样 一样 东西 时候 以前 之前 以后 现在 怎样
    any some really just also still please thanks hi hello ok okay yes no something anything thing things stuff
    kind sort lot lots guys buyer customer customers client clients factory company our we us my me i
    sell selling sold ship shipping shipped send sending want wants need needs know tell find get got getting
    make makes made go going happen happened happens recent recently latest new really actually which what
    there their them they still ever anything everything"""
)
_INTENT_WORDS = intent_words()
_EU_CODES = frozenset(bloc_members("EU")) | {"EU"}
CUE_WEIGHT = 0.3  # weight of an intent cue word (认证, rejected) relative to a topic word
_WORD_RE = re.compile(r"[a-z0-9][a-z0-9.+\-/]*|[\u3400-\u9fff]+")


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


@dataclass
class _Concept:
    """One thing the query names (a word), with the index tokens that show a record covers it."""

    text: str
    tokens: set[str]  # the word itself as indexed, with its inflections
    parts: set[str] = field(default_factory=set)  # its parts (蓝牙, 耳机 of 蓝牙耳机)
    alt: list[frozenset[str]] = field(default_factory=list)  # translations / synonyms, as token sets
    weight: float = 0.0
    hs: list[tuple[str, float]] = field(default_factory=list)  # a product word: its HS codes
    market: bool = False  # a market word: covered by the market match instead
    acronym: bool = False  # written in capitals (PPWR, MoCRA): a name, and a strong one
    cue: bool = False  # says what kind of answer is wanted (认证, dispute), not what it is about

    def add_alt(self, phrase: frozenset[str]) -> None:
        if phrase and phrase != frozenset(self.tokens) and phrase not in self.alt:
            self.alt.append(phrase)

    @property
    def alt_tokens(self) -> set[str]:
        out: set[str] = set()
        for p in self.alt:
            out |= p
        return out


@dataclass
class _Candidate:
    ref: str
    pos: int  # best chunk
    fused: float
    cosine: float | None
    coverage: float
    features: dict[str, float]
    score: float = 0.0
    how: list[str] = field(default_factory=list)
    intent: str = "rules"


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


# --- the bilingual glossary ---------------------------------------------------------------------


class Glossary:
    """Chinese <-> English words for the same thing (data/glossary.yaml), matched in a query."""

    def __init__(self, entries: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
        self.entries = entries
        self.zh: dict[str, int] = {}
        self.en: dict[tuple[str, ...], int] = {}
        for i, (zh, en) in enumerate(entries):
            for w in zh:
                self.zh.setdefault(fold(w).lower(), i)
            for w in en:
                self.en.setdefault(tuple(_en_words(w)), i)
        self.zh_max = max((len(k) for k in self.zh), default=1)
        self.en_max = max((len(k) for k in self.en), default=1)

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls, path: Path = _DATA / "glossary.yaml") -> Glossary:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        with path.open(encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader
        entries = []
        for item in data.get("terms") or []:
            zh = tuple(str(w) for w in item.get("zh") or [])
            en = tuple(str(w) for w in item.get("en") or [])
            if zh or en:
                entries.append((zh, en))
        return cls(entries)

    def find(self, low: str) -> list[tuple[int, int, list[str]]]:
        """(start, end, all words of the entry) for every glossary word in folded, lower-cased text."""
        out: list[tuple[int, int, list[str]]] = []
        i, n = 0, len(low)
        while i < n:
            step = 1
            if "\u3400" <= low[i] <= "\u9fff":
                for size in range(min(self.zh_max, n - i), 0, -1):
                    e = self.zh.get(low[i : i + size])
                    if e is not None:
                        out.append((i, i + size, self._words(e)))
                        step = size
                        break
            i += step
        words = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"[a-z0-9]+(?:[-.'][a-z0-9]+)*", low)]
        j = 0
        while j < len(words):
            size = 0
            for n_words in range(min(self.en_max, len(words) - j), 0, -1):
                key = tuple(_lemma(w for w, _, _ in words[j : j + n_words]))
                e = self.en.get(key)
                if e is not None:
                    out.append((words[j][1], words[j + n_words - 1][2], self._words(e)))
                    size = n_words
                    break
            j += size or 1
        return out

    def _words(self, e: int) -> list[str]:
        zh, en = self.entries[e]
        return [*zh, *en]


def _en_words(text: str) -> list[str]:
    return _lemma(re.findall(r"[a-z0-9]+(?:[-.'][a-z0-9]+)*", fold(text).lower()))


def _lemma(words: Any) -> list[str]:
    out = []
    for w in words:
        if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        out.append(w)
    return out


# --- the searcher -------------------------------------------------------------------------------


class Searcher:
    """Loaded once per process; `search` is safe to call from several threads."""

    def __init__(self, settings: Settings, index: LoadedIndex | None = None, vocab: ProductVocabulary | None = None) -> None:
        self.settings = settings
        self.index = index or load_index(settings)
        self.vocab = vocab or ProductVocabulary.load(settings.corpus_dir)
        self.embedder = get_embedder(settings)
        self.glossary = Glossary.load()
        self._act_index: dict[str, list[str]] = {}
        self._lower_refs: dict[str, str] = {}
        for ref, row in self.index.record_rows.items():
            self._lower_refs[ref.lower()] = ref
            key = act_number(ref)
            if key and row.get("type") in ("regulation", "document"):
                self._act_index.setdefault(key, []).append(ref)
        by_ref: dict[str, list[int]] = {}
        for pos, row in enumerate(self.index.chunk_rows):
            by_ref.setdefault(row["ref"], []).append(pos)
        self._chunks_by_ref = {ref: np.asarray(p, dtype=np.int64) for ref, p in by_ref.items()}
        self._n = max(len(self.index.chunk_rows), 1)
        self._df_cache: dict[str, int] = {}
        self._lock = threading.Lock()

    # -- exact references ------------------------------------------------------------------
    def exact_refs(self, analysis: QueryAnalysis) -> list[str]:
        """Records quoted by reference in the query (a notification with its addenda)."""
        out: list[str] = []
        idx = self.index
        cores = {d.value: d.core for d in analysis.ref_details if d.core}
        for ref in analysis.refs:
            found = self._lower_refs.get(ref.lower())
            if found:
                out.append(found)
            row = idx.record_rows.get(found or ref)
            core = (row or {}).get("core_symbol") or cores.get(ref) or (ref if ref.startswith("G/") else None)
            if core:
                out.extend(sorted(idx.by_core_symbol.get(core, [])))
            for key in find_eu_acts(ref):
                out.extend(self._act_index.get(key, []))
        return list(dict.fromkeys(out))

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
        exact = self.exact_refs(analysis)
        if not exact and analysis.intent in SILENT_INTENTS:
            return SearchResponse(query, analysis, [], timings)

        types = {type} if isinstance(type, str) else set(type or [])
        filters = (types, _market_filter(market), hs)
        ranked = self._rank(query, analysis, exact, filters, mode, timings)

        hits: list[Hit] = []
        threshold = NO_ANSWER_THRESHOLD if min_score is None else min_score
        idx = self.index
        terms = tokenize(analysis.normalized) + list(analysis.products)
        for c in ranked:
            if c.score < threshold or len(hits) >= max(k, 1):
                break
            row = idx.record_rows[c.ref]
            chunk = idx.chunk_rows[c.pos]
            hits.append(
                Hit(
                    ref=c.ref,
                    type=row.get("type", ""),
                    title=row.get("title", c.ref),
                    title_zh=row.get("title_zh"),
                    score=round(c.score, 4),
                    snippet=_snippet(chunk.get("text", ""), terms),
                    markets=list(row.get("markets") or []),
                    hs=list(row.get("hs") or []),
                    cite=chunk.get("cite", c.ref),
                    chunk_id=chunk["id"],
                    page=chunk.get("page"),
                    url=row.get("url"),
                    date=chunk.get("date"),
                    lang=chunk.get("lang", "en"),
                    matched_by=c.how,
                )
            )
        timings["total"] = (time.perf_counter() - t0) * 1000
        return SearchResponse(query, analysis, hits, timings)

    # -- ranking ---------------------------------------------------------------------------
    def _rank(
        self,
        query: str,
        analysis: QueryAnalysis,
        exact: list[str],
        filters: tuple[set[str], set[str], str | None],
        mode: str,
        timings: dict[str, float],
    ) -> list[_Candidate]:
        """Every candidate record, best first, with its relevance in `score`."""
        idx = self.index
        types, filter_markets, hs_filter = filters

        t1 = time.perf_counter()
        allowed = self._filter_mask(types, filter_markets, hs_filter)
        concepts = self._concepts(analysis)
        lex = np.zeros(0, dtype=np.float32)
        token_scores: dict[str, np.ndarray] = {}
        if mode != "dense":
            lex, token_scores = self._lexical(concepts)
            if allowed is not None:
                lex = lex * allowed  # a filter narrows the candidates before ranking, not after
        timings["lexical"] = (time.perf_counter() - t1) * 1000

        t2 = time.perf_counter()
        dense_hits: list[tuple[str, float]] = []
        qvec: np.ndarray | None = None
        if mode != "lexical":
            qvec = self.embedder.embed_query(analysis.normalized)
            dense_hits = idx.vectors.query(qvec, DENSE_DEPTH if allowed is None else DENSE_DEPTH * 4)
            if allowed is not None:
                dense_hits = [
                    (cid, sim) for cid, sim in dense_hits
                    if (p := idx.chunk_pos.get(cid)) is not None and allowed[p]
                ]
        timings["dense"] = (time.perf_counter() - t2) * 1000

        t3 = time.perf_counter()
        fused: dict[int, float] = {}
        cos: dict[int, float] = {}
        if lex.size:
            top = np.argsort(-lex)[:LEXICAL_DEPTH]
            best = float(lex[top[0]]) if len(top) else 0.0
            for rank, pos in enumerate(top):
                s = float(lex[pos])
                if s <= 0:
                    break
                fused[int(pos)] = (0.5 + 0.5 * s / best) / (RRF_K + rank)
        for rank, (cid, sim) in enumerate(dense_hits):
            pos = idx.chunk_pos.get(cid)
            if pos is None:
                continue
            cos[pos] = sim
            fused[pos] = fused.get(pos, 0.0) + max(sim, 0.0) / (RRF_K + rank)

        per_record: dict[str, tuple[float, int]] = {}
        best_cos: dict[str, float] = {}
        for pos, score in sorted(fused.items(), key=lambda kv: -kv[1]):
            ref = idx.chunk_rows[pos]["ref"]
            cur = per_record.get(ref)
            if cur is None or score > cur[0]:
                per_record[ref] = (score, pos)
            if pos in cos and cos[pos] > best_cos.get(ref, -1.0):
                best_cos[ref] = cos[pos]
        if len(per_record) > CANDIDATES:
            keep = sorted(per_record, key=lambda r: -per_record[r][0])[:CANDIDATES]
            per_record = {r: per_record[r] for r in keep}
        for ref in exact:
            if ref not in per_record and ref in idx.record_rows:
                pos = self._best_chunk_for(ref, fused, token_scores)
                if pos is not None:
                    per_record[ref] = (0.0, pos)

        ctx = _QueryContext.build(analysis, query)
        chunk_cover = self._chunk_coverage(concepts, token_scores)
        # a name the corpus has never seen (INMETRO, PPWR): whatever else matches is at best related
        unknown_name = any(c.acronym and c.weight > 0 and not c.alt and not (c.tokens | c.parts) & token_scores.keys()
                           for c in concepts) if token_scores else False
        prior = INTENT_PRIOR.get(analysis.intent, {})
        max_fused = 1.0 / RRF_K + 1.0 / RRF_K
        out: list[_Candidate] = []
        exact_set = set(exact)
        for ref, (fscore, pos) in per_record.items():
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
            if hs_filter and not any(hs_matches(hs_filter, code) for code in r_hs):
                continue
            if ref in exact_set:
                cand = _Candidate(ref, pos, fscore, best_cos.get(ref), 1.0, {}, 1.0 - 0.001 * exact.index(ref), ["exact"])
                out.append(cand)
                continue
            positions = self._chunks_by_ref.get(ref)
            if positions is None:
                positions = np.asarray([pos], dtype=np.int64)
            coverage, product = self._coverage(chunk_cover, positions, r_hs)
            feats = ctx.structure(row, r_markets, r_hs)
            if product is not None and rtype in ("alert", "dispute", "case", "announcement"):
                feats["product"] = product  # a record about some other product is a weak answer
            feats["prior"] = prior.get(rtype, 0.9 if prior else 1.0)
            if unknown_name:
                feats["unknown_name"] = 1.0
            feats["rank"] = min(fscore / max_fused, 1.0)
            cand = _Candidate(ref, pos, fscore, best_cos.get(ref), coverage, feats, how=["fused"], intent=analysis.intent)
            cand.score = _relevance(cand)
            out.append(cand)
        out.sort(key=lambda c: (-c.score, -c.fused))
        if qvec is not None:
            self._fill_cosines(out[:COSINE_TOP], qvec)
            out.sort(key=lambda c: (-c.score, -c.fused))
        timings["fuse"] = (time.perf_counter() - t3) * 1000
        return out

    def _fill_cosines(self, cands: list[_Candidate], qvec: np.ndarray) -> None:
        """Cosine of the best chunk for candidates the dense list did not reach, then rescore."""
        missing = [c for c in cands if c.cosine is None and "exact" not in c.how]
        if not missing:
            return
        ids = [self.index.chunk_rows[c.pos]["id"] for c in missing]
        try:
            vectors = self.index.vectors.get_vectors(ids)
        except Exception:  # a vector store hiccup costs precision, never the answer
            return
        q = np.asarray(qvec, dtype=np.float32)
        for c, cid in zip(missing, ids, strict=True):
            v = vectors.get(cid)
            if v is not None:
                c.cosine = float(np.dot(v, q) / ((np.linalg.norm(v) * np.linalg.norm(q)) or 1.0))
                c.score = _relevance(c)

    def _filter_mask(self, types: set[str], markets: set[str], hs: str | None) -> np.ndarray | None:
        """1 for the chunks whose record passes the caller's filters (None: no filter); cached."""
        if not (types or markets or hs):
            return None
        key = (tuple(sorted(types)), tuple(sorted(markets)), hs or "")
        cache: dict[tuple[Any, ...], np.ndarray] = self.__dict__.setdefault("_masks", {})
        mask = cache.get(key)
        if mask is None:
            rows = self.index.chunk_rows
            mask = np.zeros(len(rows), dtype=np.float32)
            for i, row in enumerate(rows):
                if types and row.get("type") not in types:
                    continue
                if markets and not (set(row.get("markets") or []) & markets):
                    continue
                if hs and not any(hs_matches(hs, code) for code in row.get("hs") or []):
                    continue
                mask[i] = 1.0
            with self._lock:
                if len(cache) > 256:
                    cache.clear()
                cache[key] = mask
        return mask

    # -- query words -------------------------------------------------------------------------
    def _concepts(self, analysis: QueryAnalysis) -> list[_Concept]:
        """The words of the query, each with its index tokens and its translations."""
        text = analysis.normalized
        low = normalise(fold(text))
        concepts: list[_Concept] = []
        spans: list[tuple[int, int, _Concept]] = []
        import jieba  # initialised by tokenize() already

        pos = 0
        for word in jieba.lcut(low):
            start = low.find(word, pos)
            start = pos if start < 0 else start
            pos = start + len(word)
            w = word.strip()
            if not w or not _WORD_RE.search(w) or w in _FILLER:
                continue
            toks = set(tokenize(w))
            if not toks:
                continue
            whole = {t for t in toks if t == w} or set(toks)
            if w.isascii() and w.isalpha() and len(w) >= 3:
                whole |= _inflections(w)
            twin = next((c for c in concepts if c.text == w), None)
            if twin is not None:  # a word said twice counts once (包装和包装废弃物)
                spans.append((start, start + len(word), twin))
                continue
            c = _Concept(w, whole, toks - whole)
            c.acronym = _is_acronym(w, analysis.text)
            c.cue = w in _INTENT_WORDS or any(t in _INTENT_WORDS for t in whole)
            concepts.append(c)
            spans.append((start, start + len(word), c))

        def attach(start: int, end: int, words: list[str], hs: list[tuple[str, float]] | None = None) -> None:
            phrases = [frozenset(tokenize(w)) for w in words]
            for s, e, c in spans:
                if s < end and start < e:
                    for p in phrases:
                        c.add_alt(p)
                    if hs:
                        c.hs.extend(hs)

        for start, end, words in self.glossary.find(low):
            attach(start, end, words)
        for cand in analysis.hs:
            matched = str(cand.get("matched") or "")
            if not matched:
                continue
            at = low.find(normalise(fold(matched)))
            if at < 0:
                continue
            words = self.vocab.related_words(matched)
            if not words and float(cand.get("confidence", 0)) >= 0.5:
                # a tariff or HS-description match: its short labels are the best translation we have
                label_zh, label_en = str(cand.get("label_zh") or ""), str(cand.get("label_en") or "")
                words = [w for w in (label_zh,) if 0 < len(w) <= 8]
                words += [w for w in (label_en,) if w and len(w.split()) <= 3]
            attach(at, at + len(normalise(fold(matched))), words,
                   [(str(cand["code"]), float(cand.get("confidence", 0.5)))])
        for m in find_markets(text):
            mlow = normalise(fold(m.text))
            at = low.find(mlow)
            if at < 0:
                continue
            for s, e, c in spans:
                if s < at + len(mlow) and at < e:
                    c.market = True
                    c.add_alt(frozenset(tokenize(market_name(m.market.code, "en"))))
                    c.add_alt(frozenset(tokenize(market_name(m.market.code, "zh"))))
        return concepts

    def _spelling(self, word: str, vocabulary: set[str]) -> str | None:
        """The indexed English word one edit from an unknown one (the most frequent if several)."""
        if not (word.isascii() and word.isalpha() and 5 <= len(word) <= 20):
            return None
        index = self._spell_index(vocabulary)
        cands: set[str] = set(index.get(word, ()))
        for d in _deletes(word):
            cands |= index.get(d, set())
        hits = [c for c in cands if c != word and _osa_distance_le1(word, c)]
        if not hits:
            return None
        lexical = self.index.lexical
        return max(sorted(hits), key=lambda c: self._df(c, lexical.scores([c])))

    def _spell_index(self, vocabulary: set[str]) -> dict[str, set[str]]:
        index = getattr(self, "_spell", None)
        if index is None:
            with self._lock:
                index = getattr(self, "_spell", None)
                if index is None:
                    index = {}
                    for w in vocabulary:
                        if w.isascii() and w.isalpha() and 5 <= len(w) <= 20:
                            index.setdefault(w, set()).add(w)
                            for d in _deletes(w):
                                index.setdefault(d, set()).add(w)
                    self._spell = index
        return index

    def _df(self, token: str, scores: np.ndarray | None) -> int:
        df = self._df_cache.get(token)
        if df is None:
            df = int(np.count_nonzero(scores)) if scores is not None else 0
            with self._lock:
                if len(self._df_cache) > 200_000:
                    self._df_cache.clear()
                self._df_cache[token] = df
        return df

    def _idf(self, df: int) -> float:
        return math.log(1.0 + (self._n - df + 0.5) / (df + 0.5))

    def _lexical(self, concepts: list[_Concept]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """BM25 of the written words plus EXPANSION_WEIGHT x BM25 of their translations; also the
        per-token scores (for coverage) and each concept's weight (idf of its rarest known word)."""
        lexical = self.index.lexical
        vocabulary: set[str] = getattr(lexical, "_vocab", None) or set()
        for c in concepts:
            if vocabulary and not c.alt and not c.acronym and not ((c.tokens | c.parts) & vocabulary):
                fixed = self._spelling(c.text, vocabulary)
                if fixed:
                    c.add_alt(frozenset({fixed}))  # "bluetoth" -> bluetooth
        token_scores: dict[str, np.ndarray] = {}
        written: set[str] = set()
        for c in concepts:
            written |= c.tokens | c.parts
        extra: set[str] = set()
        for c in concepts:
            extra |= c.alt_tokens
        extra -= written
        for t in sorted(written | extra):
            s = lexical.scores([t])
            if s.size and s.any():
                token_scores[t] = s
        total = np.zeros(self.index.lexical.size, dtype=np.float32)
        for t in written:
            if t in token_scores:
                total += token_scores[t]
        for t in extra:
            if t in token_scores:
                total += EXPANSION_WEIGHT * token_scores[t]
        unknown_idf = self._idf(1)
        for c in concepts:
            c.weight = self._weight(c, token_scores, unknown_idf)
            if c.cue:
                c.weight *= CUE_WEIGHT
        return total, token_scores

    def _weight(self, c: _Concept, token_scores: dict[str, np.ndarray], unknown_idf: float) -> float:
        """How much a word of the query matters: the idf of its rarest indexed form."""
        if (_is_single_han(c.text) or (len(c.text) == 1 and c.text.isascii())) and not c.alt and not c.hs:
            return 0.0  # 狗, 拒, s: a lone character says little on its own
        known = [self._idf(self._df(t, token_scores.get(t))) for t in c.tokens | c.parts if t in token_scores]
        if known:
            return max(known)
        alts = [self._idf(self._df(t, token_scores.get(t))) for t in c.alt_tokens if t in token_scores]
        if alts:
            return max(alts)
        if c.hs:
            return 4.0
        if _contentful(c.text):
            # a word the corpus has never seen is evidence of no answer; a name in capitals
            # (PPWR, INMETRO) that nothing in the corpus mentions, strong evidence
            return unknown_idf * (2.0 if c.acronym else 1.0)
        return 0.0

    def _chunk_coverage(
        self, concepts: list[_Concept], token_scores: dict[str, np.ndarray]
    ) -> tuple[np.ndarray, float, list[tuple[_Concept, np.ndarray]]]:
        """For every chunk, the weighted share of the query's words it covers (before HS credit).

        A word counts in full when the chunk has it (or an inflection), 0.9 through a translation,
        0.8 through a part of it (耳机 of 蓝牙耳机). Market words are judged by the market match.
        Returns (coverage numerator per chunk, total weight, product words with their per-chunk
        credit, for the HS credit a record can add).
        """
        n = self.index.lexical.size
        cover = np.zeros(n, dtype=np.float32)
        total = 0.0
        with_hs: list[tuple[_Concept, np.ndarray]] = []
        for c in concepts:
            if c.weight <= 0 or c.market:
                continue
            total += c.weight
            got = np.zeros(n, dtype=np.float32)
            for t in c.parts:
                sc = token_scores.get(t)
                if sc is not None:
                    np.maximum(got, (sc > 0) * np.float32(0.8), out=got)
            for phrase in c.alt:
                mask: np.ndarray | None = None
                for t in phrase:
                    sc = token_scores.get(t)
                    if sc is None:
                        mask = None
                        break
                    mask = (sc > 0) if mask is None else (mask & (sc > 0))
                if mask is not None:
                    np.maximum(got, mask * np.float32(0.9), out=got)
            for t in c.tokens:
                sc = token_scores.get(t)
                if sc is not None:
                    np.maximum(got, (sc > 0).astype(np.float32), out=got)
            cover += np.float32(c.weight) * got
            if c.hs:
                with_hs.append((c, got))
        return cover, total, with_hs

    def _coverage(
        self,
        chunk_cover: tuple[np.ndarray, float, list[tuple[_Concept, np.ndarray]]],
        positions: np.ndarray,
        r_hs: list[str],
    ) -> tuple[float, float | None]:
        """The best chunk's coverage of the query, crediting product words the record's HS codes
        cover (a regulation on HS 85 covers 电吹风 even if it never names it); and how well the
        record covers the product named (None when no product is named)."""
        cover, total, with_hs = chunk_cover
        values = cover[positions].astype(np.float64)
        product: float | None = None
        for c, got in with_hs:
            part = got[positions]
            level = 0.8 * _hs_level(c.hs, r_hs)
            if level:
                values += c.weight * (np.maximum(part, level) - part)
            if max(conf for _, conf in c.hs) >= 0.8:  # a product named surely, not a guess
                here = max(float(part.max()), level)
                product = here if product is None else min(product, here)
        return (float(values.max() / total) if total > 0 else 0.0), product

    # -- helpers ---------------------------------------------------------------------------
    def _best_chunk_for(self, ref: str, fused: dict[int, float], token_scores: dict[str, np.ndarray]) -> int | None:
        found = self._chunks_by_ref.get(ref)
        if found is None or not len(found):
            return None
        positions = [int(p) for p in found]
        best = max(positions, key=lambda p: fused.get(p, 0.0))
        if fused.get(best, 0.0) > 0:
            return best
        if token_scores:
            return max(positions, key=lambda p: sum(float(s[p]) for s in token_scores.values()))
        return positions[0]

    def _chunks_of(self, ref: str) -> list[tuple[int, dict[str, Any]]]:
        found = self._chunks_by_ref.get(ref)
        return [] if found is None else [(int(p), self.index.chunk_rows[int(p)]) for p in found]


@dataclass
class _QueryContext:
    """What the query says about market, products, origin and direction, for structured matching."""

    markets: set[str]
    hs: list[tuple[str, float]]
    origins: set[str]
    importing: bool
    exporting: bool
    intent: str

    @classmethod
    def build(cls, analysis: QueryAnalysis, query: str) -> _QueryContext:
        found = find_markets(query)
        folded = fold(query)
        importing = bool(_IMPORT_RE.search(folded))
        exporting = bool(_EXPORT_RE.search(folded)) and not importing
        markets = set(analysis.markets_expanded)
        if markets == {"CHN"} and not importing:
            markets = set()  # China is where the exporter is, not where the goods go
        # Where the goods come from: a country named as the origin ("figs from Turkey", "Iranian
        # pistachios", "土耳其产"), or in an alert question any non-EU country named; otherwise
        # China, the user's own exports.
        eu = set(bloc_members("EU")) | {"EU", "GCC", "ASEAN", "EAEU", "MERCOSUR"}
        origins = {m.market.code for m in found if m.market.code not in eu and _named_as_origin(query, m)}
        if not origins and analysis.intent == "alerts" and not exporting:
            origins = {m.market.code for m in found if m.market.code not in eu}
        if not origins:
            origins = {"CHN"}
        hs = [(str(c["code"]), float(c.get("confidence", 0.5))) for c in analysis.hs]
        return cls(markets, hs, origins, importing, exporting, analysis.intent)

    def structure(self, row: dict[str, Any], r_markets: set[str], r_hs: list[str]) -> dict[str, float]:
        f: dict[str, float] = {"market": 0.0, "hs": 0.0, "origin": 0.0}
        rtype = row.get("type", "")
        if rtype == "dispute" and row.get("complainant"):
            r_markets = r_markets | _party_codes(str(row["complainant"]))  # either party counts
        q = self.markets if self.importing else self.markets - {"CHN"}
        if q and r_markets:
            f["market"] = 1.0 if r_markets & q else -1.0
        if rtype == "announcement" and self.exporting and q and "CHN" not in q:
            title = str(row.get("title_zh") or row.get("title") or "")
            if "出口" not in title:
                f["market"] = -1.0  # China's own import rules do not answer "exporting to X"
        if self.hs and r_hs:
            best = _hs_level(self.hs, r_hs)
            f["hs"] = best if best else -min(max(c for _, c in self.hs), 1.0)
        if rtype == "alert" and self.importing and not self.markets & _EU_CODES:
            f["elsewhere"] = 1.0
        if rtype == "alert":
            origin = set((row.get("origin_code") or "").split("; ")) - {""}
            if origin:
                f["origin"] = 1.0 if origin & self.origins else -1.0
                if origin & self.origins and origin & self.markets:
                    f["market"] = 1.0  # "figs from Turkey": the market named is the origin, not a mismatch
        return f


_ORIGIN_BEFORE_RE = re.compile(r"(?:\bfrom|\borigin(?:ating)?\s+(?:in|from)|来自|产自|原产于?|进口自)\s*(?:the\s+)?$", re.I)
_DEMONYM_RE = re.compile(r"(?:an|ese|ish|i|ch)$", re.I)


@lru_cache(maxsize=4096)
def _party_codes(names: str) -> frozenset[str]:
    """Market codes of a dispute's complainants ("Canada; Mexico")."""
    codes: set[str] = set()
    for name in names.split(";"):
        codes.update(m.market.code for m in find_markets(name.strip().title()))
    return frozenset(expand_markets(sorted(codes)))


def _named_as_origin(query: str, m: Any) -> bool:
    """True when a market is named as where goods come from, not where they go."""
    before = query[: m.start]
    after = query[m.end : m.end + 4]
    if _ORIGIN_BEFORE_RE.search(before):
        return True
    if after.startswith(("产", "产的", "原产")):
        return True
    text = m.text.strip()
    # an adjective before a product word: "Iranian pistachios", "Turkish figs" (not "Iran")
    return bool(text.isascii() and text.lower() != m.market.name_en.lower() and _DEMONYM_RE.search(text)
                and re.match(r"\s+[A-Za-z]", query[m.end :]))


def _inflections(word: str) -> set[str]:
    """Singular and plural forms of an English word (the index does not stem: toy != toys)."""
    out = {word}
    if word.endswith("ies") and len(word) > 4:
        out.add(word[:-3] + "y")
    elif word.endswith(("ches", "shes", "sses", "xes")):
        out.add(word[:-2])
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        out.add(word[:-1])
    else:
        out.add(word[:-1] + "ies" if word.endswith("y") and word[-2] not in "aeiou" else word + "s")
        if word.endswith(("ch", "sh", "x", "ss")):
            out.add(word + "es")
    return out


def _contentful(text: str) -> bool:
    """A word that names something (not a filler): 2+ Han characters or 3+ Latin letters/digits."""
    if text in _FILLER:
        return False
    han = sum(1 for ch in text if "\u3400" <= ch <= "\u9fff")
    if han:
        return han >= 2
    return len(re.sub(r"[^a-z0-9]", "", text)) >= 3


def _hs_level(query_hs: list[tuple[str, float]], record_hs: list[str]) -> float:
    """How surely a record's HS codes cover the products asked about, 0..1 (hierarchical match,
    weighted by the product's confidence and discounted when the record only names a whole
    chapter or heading: 'HS 85' says less about earphones than 'HS 851830')."""
    return _hs_level_cached(tuple(query_hs), tuple(record_hs)) if query_hs and record_hs else 0.0


@lru_cache(maxsize=65536)
def _hs_level_cached(query_hs: tuple[tuple[str, float], ...], record_hs: tuple[str, ...]) -> float:
    best = 0.0
    for code, conf in query_hs:
        for rc in record_hs:
            if hs_matches(code, rc):
                broad = len(rc) < len(code)
                spec = (0.6 if len(rc) <= 2 else 0.85 if len(rc) <= 4 else 1.0) if broad else 1.0
                best = max(best, min(conf / 0.95, 1.0) * spec)
    return best


def _is_acronym(word: str, original: str) -> bool:
    """A name written in capitals in the user's text (PPWR, MoCRA, SONCAP), 3+ letters."""
    if not (word.isascii() and word.isalpha() and len(word) >= 3):
        return False
    for m in re.finditer(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", original, re.I):
        if sum(1 for ch in m.group(0) if ch.isupper()) >= 2:
            return True
    return False


def _is_single_han(text: str) -> bool:
    return len(text) == 1 and "\u3400" <= text <= "\u9fff"


def _relevance(c: _Candidate) -> float:
    """Relevance in [0, 1] from evidence that means the same for every query."""
    f = c.features
    cos = max(c.cosine if c.cosine is not None else 0.25, 0.0)
    sem = min(max((cos - 0.15) / 0.55, 0.0), 1.0)
    base = 0.55 * c.coverage + 0.25 * sem + 0.2 * f.get("rank", 0.0)
    mult = f.get("prior", 1.0)
    m = f.get("market", 0.0)
    mult *= 1.12 if m > 0 else (MARKET_MISMATCH.get(c.intent, 0.7) if m < 0 else 1.0)
    h = f.get("hs", 0.0)
    mult *= 1.0 + 0.15 * h if h > 0 else 1.0 + 0.25 * h
    o = f.get("origin", 0.0)
    mult *= 1.1 if o > 0 else (0.8 if o < 0 else 1.0)
    if f.get("elsewhere"):
        mult *= 0.6  # an EU border alert does not answer a question about imports into China
    p = f.get("product")
    if p is not None and p < 0.5:
        mult *= 0.7 + 0.6 * p
    if f.get("unknown_name"):
        mult *= UNKNOWN_NAME
    return float(min(max(base * mult, 0.0), 0.999))


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


__all__ = ["Hit", "NO_ANSWER_THRESHOLD", "SearchResponse", "Searcher", "get_searcher", "RecordType"]
