"""Hybrid retrieval: exact references first, then BM25 + dense fused, boosted by market and HS.

Results are one per source record (a zh and an en chunk of one record count once), each with the
best chunk's citation and snippet, and a relevance `score` in [0, 1]. `NO_ANSWER_THRESHOLD` is the
one place that decides "nothing relevant": hits below it are never returned, so a caller that
gets no hits knows the corpus has no answer.

How a query is ranked (tuned on evals/retrieval, see its README):
1. exact references quoted in the query (a symbol with its addenda, an EU act, RASFF, DS, 公告)
   come first with score 1;
2. lexical: BM25 over the words the user wrote, plus their translations at a lower weight (product
   synonyms, the bilingual glossary, market names, a typo's correction), so a Chinese question
   reaches English records and the other way round;
3. dense: cosine similarity of multilingual sentence embeddings (USE-m3), top DENSE_DEPTH chunks;
4. both lists are fused by reciprocal rank (lexical tempered by its score), per record; the few
   curated records are always scored as well;
5. each record then gets a relevance (relevance.py) from evidence that means the same for every
   query: how much of the question's weighted words its best chunk covers (a word the corpus has
   never seen counts against every record), the cosine, and structured agreement on market, HS
   code, record type and alert origin. Filters (type, market, HS) narrow the candidates first.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import snowballstemmer
from wordfreq import zipf_frequency

from assistant.config import Settings
from assistant.index.embedder import get_embedder
from assistant.index.fields import FieldIndex, lang_of, provision_heading
from assistant.index.store import LoadedIndex, load_index
from assistant.index.tokenize import cut_words, normalise, tokenize
from assistant.records import RecordType
from assistant.refs import act_number, canonical_place, find_eu_acts, find_provisions, find_symbols
from assistant.retrieve.alert_pointer import AlertPointer, alert_keys, alert_pointer
from assistant.retrieve.align import MAX_PHRASES, Aligner, FieldMatch, Phrase
from assistant.retrieve.analyze import PRODUCT_SIGNAL, QueryAnalysis, analyze, topic_cue
from assistant.retrieve.concepts import (
    CUE_WEIGHT,
    INTENT_WORDS,
    WORD_RE,
    Concept,
    contentful,
    inflections,
    is_acronym,
    is_filler,
    is_single_han,
)
from assistant.retrieve.coverage import Beyond, beyond_coverage, last_dates
from assistant.retrieve.derived import derived_for
from assistant.retrieve.glossary import Glossary
from assistant.retrieve.markets import (
    asker_places,
    expand_markets,
    find_markets,
    get_market,
    market_name,
)
from assistant.retrieve.measures import checked_measure, measure_stated
from assistant.retrieve.normalize import fold
from assistant.retrieve.products import ProductVocabulary, _deletes, _osa_distance_le1, hs_matches
from assistant.retrieve.question_form import asks_provision, form_spans
from assistant.retrieve.relevance import (
    INTENT_PRIOR,
    Candidate,
    QueryContext,
    for_any_goods,
    hs_level,
    party_codes,
    relevance,
    trial_model,
)

RRF_K = 40
UNSTATED_READ = 3  # records read for a figure asked for, as many as an answer's opening draws on
UNSTATED_SHARE = 0.5  # ... among those scoring at least this share of the best
LEXICAL_DEPTH = 300
DENSE_DEPTH = 200
EXPANSION_WEIGHT = 0.5  # BM25 weight of translated words relative to the words the user wrote
CANDIDATES = 200  # records scored per query: the best by fused rank, plus exact refs and ALWAYS_SCORED
NAME_ZIPF = 2.0  # an acronym rarer than this in everyday English is a name (PPWR 0), not a trade word (OEM 3.3, DDP 2.4)
ALWAYS_SCORED = {"regulation", "notification", "case", "form", "document"}  # the few curated types
COSINE_TOP = 40  # candidates whose cosine is computed when the dense list missed them
NO_ANSWER_THRESHOLD = 0.30  # the one relevance gate; chosen on dev by balanced accuracy, on questions nobody tuned for (README)
POINTED_ALERTS = 40  # alerts of the month (or year) and notifier named, scored whatever their words
FEW_BETWEEN = 2  # disputes between two members, brought one way, that a product named does not tell apart


def gate() -> float:
    """The no-answer cut-off: NO_ANSWER_THRESHOLD, or a fitted model's own while one is on trial."""
    model = trial_model()
    return model.threshold if model is not None else NO_ANSWER_THRESHOLD


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


@dataclass(frozen=True)
class Unstated:
    """The quantity a question asks for ("money", "length", "limit", "duration") and the records
    found, none of which states one."""

    kind: str
    read: tuple[Hit, ...]


@dataclass
class SearchResponse:
    query: str
    analysis: QueryAnalysis
    hits: list[Hit]
    timings_ms: dict[str, float] = field(default_factory=dict)
    # what the question quotes that the corpus does not hold ("海关总署公告〔2023〕72号",
    # "Regulation (EU) 2017/745, Article 127"): said to be not found, never substituted
    missing: list[str] = field(default_factory=list)
    # the question's topic words that the index knows, beyond its market, product and intent cues
    topical: list[str] = field(default_factory=list)
    # other words for them: translations (严重不良事件 -> serious incident), spelling fixes, word
    # families, product synonyms; what a passage in the other language says when it answers
    translations: list[str] = field(default_factory=list)
    # names in capitals the corpus never mentions (PPWR, MoCRA): whatever matched is not about them
    unknown: list[str] = field(default_factory=list)
    # each topic word of the question with its translations (durian -> 榴莲): one unit in either language
    aligned: list[tuple[str, list[str]]] = field(default_factory=list)
    # alerts or disputes asked for only from after the last one held: nothing is returned
    beyond: Beyond | None = None
    # a question asking only for a fee, size, limit or period that none of the records found states:
    # nothing is returned (`hits` is empty), and these are the records that were read
    unstated: Unstated | None = None

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


_STEMMERS = threading.local()  # a Snowball stemmer keeps state between calls: one per thread


def _stemmer() -> Any:
    st = getattr(_STEMMERS, "english", None)
    if st is None:
        st = _STEMMERS.english = snowballstemmer.stemmer("english")
    return st


INTENT_STEMS = frozenset(_stemmer().stemWords(sorted(w for w in INTENT_WORDS if w.isascii() and w.isalpha())))

# --- the searcher -------------------------------------------------------------------------------


class Searcher:
    """Loaded once per process; `search` is safe to call from several threads."""

    def __init__(self, settings: Settings, index: LoadedIndex | None = None, vocab: ProductVocabulary | None = None) -> None:
        self.settings = settings
        self.index = index or load_index(settings)
        self.vocab = vocab or ProductVocabulary.load(settings.corpus_dir)
        self.embedder = get_embedder(settings)
        # the hand glossary, and the abbreviations the Chinese records give their terms (普惠制（GSP）)
        derived = derived_for(self.index.path, self.index.record_rows, self.index.chunk_rows)
        stated = derived.abbreviations
        base = Glossary.load()
        self.glossary = Glossary(base.entries + [((zh,), (abbr,)) for zh, abbr in stated]) if stated else base
        self.aligner = Aligner(FieldIndex.load(self.index.path))
        self._qvec_cache: dict[tuple[str, ...], np.ndarray] = {}
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
        self._always = [ref for ref, row in self.index.record_rows.items() if row.get("type") in ALWAYS_SCORED]
        self._df_cache: dict[str, int] = {}
        self._last_dates: dict[str, str] | None = None
        self._alert_keys: list[tuple[str, str, frozenset[str]]] | None = None
        self._companions: dict[str, list[str]] | None = None
        self._parties: list[tuple[str, frozenset[str], frozenset[str]]] | None = None
        self._any_goods: dict[str, bool] = {}
        self._unread: dict[str, bool] = {}
        self._titled: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()
        self._spell_lock = threading.Lock()
        self._spell: dict[str, set[str]] | None = None
        self._families: dict[str, set[str]] | None = None
        self._everyday = derived.everyday
        self.agreements: tuple[str, ...] = tuple(derived.agreements)  # free-trade partners (analyze)
        self._family_lock = threading.Lock()
        vocabulary = getattr(self.index.lexical, "vocabulary", None)
        if vocabulary:  # the typo index takes a few hundred ms: build it before the first typo
            threading.Thread(target=self._spell_index, args=(vocabulary,), daemon=True).start()
            threading.Thread(target=self._word_family, args=("warm", vocabulary), daemon=True).start()

    def beyond_coverage(self, query: str, analysis: QueryAnalysis) -> Beyond | None:
        """The question asks for alerts or disputes only from after the last one this index holds."""
        if self._last_dates is None:
            self._last_dates = last_dates(self.index.record_rows)
        return beyond_coverage(query, analysis.intent, self._last_dates)

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

    def missing_refs(self, analysis: QueryAnalysis, exact: list[str]) -> list[str]:
        """References the question quotes that no record answers to."""
        found = set(exact)
        out = []
        for ref in analysis.refs:
            hit = self._lower_refs.get(ref.lower())
            acts = [r for key in find_eu_acts(ref) for r in self._act_index.get(key, [])]
            symbol = find_symbols(ref)
            # a core symbol is held when any of its documents is; an addendum ("…/867/Add.3") only
            # when that addendum itself is
            family = symbol and not symbol[0].suffix and self.index.by_core_symbol.get(symbol[0].core)
            if not (hit or acts or family or ref in found or _part_of_found(ref, found)):
                out.append(ref)
        return out

    def _place(self, pos: int) -> str | None:
        """A chunk's provision, canonical (Article 15 for 第十五条), or None."""
        row = self.index.chunk_rows[pos]
        place = row.get("place") or str(row.get("cite") or "").rpartition(", ")[2]
        return canonical_place(str(place)) if place else None

    def _has_provisions(self, ref: str) -> bool:
        return any(self._place(int(p)) for p in self._chunks_by_ref.get(ref, [])[:50])

    def provision_chunk(self, ref: str, place: str) -> int | None:
        """The first chunk of `place` (Article 18, also 第十八条 in a Chinese order) in a record's
        document, if it has one."""
        for p in self._chunks_by_ref.get(ref, []):
            if self._place(int(p)) == place:
                return int(p)
        return None

    def provisions_of(self, ref: str, kind: str = "Article") -> list[str]:
        """The places of one kind a record's document has, in order (for "it has Articles 1-123")."""
        out: list[str] = []
        for p in self._chunks_by_ref.get(ref, []):
            place = self._place(int(p))
            if place and place.startswith(kind + " ") and place not in out:
                out.append(place)
        return out

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
            analysis = analyze(query[:2000], self.vocab, self.agreements)
        timings["analyze"] = (time.perf_counter() - t0) * 1000
        if not query:
            return SearchResponse(query, analysis, [], timings)
        exact = self.exact_refs(analysis)
        missing = self.missing_refs(analysis, exact)
        if not exact and analysis.intent in SILENT_INTENTS:
            return SearchResponse(query, analysis, [], timings)
        beyond = None if exact else self.beyond_coverage(query, analysis)
        if beyond is not None:  # "alerts in December 2024" with alerts up to 2024-10-30
            return SearchResponse(query, analysis, [], timings, beyond=beyond)

        types = {type} if isinstance(type, str) else set(type or [])
        filters = (types, _market_filter(market), hs)
        ranked, concepts = self._rank(query, analysis, exact, filters, mode, timings)

        hits: list[Hit] = []
        threshold = gate() if min_score is None else min_score
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
        missing += [f"{h.ref}, {p}" for h in hits if "exact" in h.matched_by
                    for p in find_provisions(query)
                    if self._has_provisions(h.ref) and self.provision_chunk(h.ref, p) is None]
        # the words the question is about besides its product and market (a weak HS guess spanning
        # "origin-enterprise filing … certificates of origin" does not make them product words)
        topical = [c.text for c in concepts if c.weight > 0 and self._topical(c)]
        translated = sorted({t for c in concepts if c.weight > 0 and not c.market for t in c.alt_tokens} - set(topical))
        unknown = [c.text for c in concepts if self._unseen_name(c)
                   and zipf_frequency(c.text, "en") < NAME_ZIPF and not _spelled_out(c.text, query)]
        aligned = [(c.text, sorted(c.alt_tokens)) for c in concepts if c.weight > 0 and not c.market and c.alt_tokens]
        unstated = self._unstated(query, analysis, hits)
        return SearchResponse(query, analysis, [] if unstated else hits, timings, list(dict.fromkeys(missing)), topical,
                              translated, [_as_written(u, query) for u in unknown], aligned=aligned, unstated=unstated)

    def _unstated(self, query: str, analysis: QueryAnalysis, hits: list[Hit]) -> Unstated | None:
        """A question that asks only for a fee, a size, a limit or a period ("印度BIS注册要交多少费
        用？") that none of the records found states, in any of its passages: it has no answer here,
        and offering the records would look like one, even when the question names the record."""
        if not hits:
            return None
        kind = checked_measure(query, analysis.intent)
        if kind is None:
            return None
        # the records an answer would be drawn from: the best and those near it (a weak match,
        # REACH's "0.1% of a substance" for a CBAM price, is not where a price would be stated)
        read = [h for h in hits[:UNSTATED_READ] if h.score >= UNSTATED_SHARE * hits[0].score]
        if any(measure_stated(kind, str(row.get("text") or "")) for h in read for _, row in self._chunks_of(h.ref)):
            return None
        return Unstated(kind, tuple(read))

    def candidates(self, query: str) -> list[Candidate]:
        """Every candidate record for `query` with its evidence, best first, before the gate
        (what the relevance model is fitted on: evals/fit.py)."""
        query = (query or "").strip()
        analysis = analyze(query[:2000], self.vocab, self.agreements)
        exact = self.exact_refs(analysis)
        if not query or (not exact and analysis.intent in SILENT_INTENTS):
            return []
        ranked, _concepts = self._rank(query, analysis, exact, (set(), set(), None), "hybrid", {})
        return ranked

    def companions(self, ref: str) -> list[str]:
        """Texts about the same measure as `ref`: an announcement and China Customs' interpretation
        of it, whose titles are the same but for their framing ("关于实施海关预裁定展期等有关事项的公告"
        and "海关总署关于实施海关预裁定展期等有关事项公告的解读"), or whose interpretation names the
        announcement it explains (ingest stores that as `related`)."""
        if self._companions is None:
            self._companions = _companions(self.index.record_rows)
        return self._companions.get(ref, [])

    def relevances_of(self, query: str, analysis: QueryAnalysis, refs: list[str]) -> tuple[dict[str, float], float]:
        """How relevant each of `refs` (a document and its companions) is to `query` read alone, on
        the gate's scale (0 when nothing of it matched the query's words or meaning, so it is not a
        candidate at all), from one ranking, and the best relevance of any record: whether a
        follow-up that names nothing is about the document under discussion ("how long must we
        keep the records?" after the dairy-to-Vietnam rules) or finds a better match of its own."""
        if not any(r in self.index.record_rows for r in refs):
            return dict.fromkeys(refs, 0.0), 0.0
        ranked, _concepts = self._rank(query, analysis, [], (set(), set(), None), "hybrid", {})
        first: dict[str, float] = {}
        for c in ranked:
            first.setdefault(c.ref, c.score)
        return {r: first.get(r, 0.0) for r in refs}, (ranked[0].score if ranked else 0.0)

    # -- ranking ---------------------------------------------------------------------------
    def _rank(
        self,
        query: str,
        analysis: QueryAnalysis,
        exact: list[str],
        filters: tuple[set[str], set[str], str | None],
        mode: str,
        timings: dict[str, float],
    ) -> tuple[list[Candidate], list[Concept]]:
        """Every candidate record, best first, with its relevance in `score`; and the query's words."""
        idx = self.index
        types, filter_markets, hs_filter = filters

        t1 = time.perf_counter()
        allowed = self._filter_mask(types, filter_markets, hs_filter)
        concepts, qvecs, specific = self._concepts(analysis, embed=mode != "lexical")
        fields = self.aligner.field_matches(qvecs[specific]) if mode != "lexical" and len(qvecs) else {}
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
            qvec = qvecs[0]
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
        # the few curated records (regulations, notifications, cases, forms) are always scored: a
        # product or market match can make one the answer even when no word of it matched
        pointer = alert_pointer(query)
        pointed = self._pointed_alerts(pointer)
        by_month = bool(pointed) and bool(pointer.months)
        for ref in [*exact, *self._always, *fields, *self._between(analysis.markets if analysis.intent == "cases" else []),
                    *pointed]:
            if ref not in per_record and ref in idx.record_rows:
                pos = self._best_chunk_for(ref, fused, token_scores)
                if pos is not None:
                    per_record[ref] = (0.0, pos)
        self._prefer_provisions(per_record, fields, best_cos)

        ctx = QueryContext.build(analysis, query)
        chunk_cover = self._chunk_coverage(concepts, token_scores)
        exact_cover: tuple[np.ndarray, float, Any] | None = None
        said: frozenset[str] = frozenset()  # the index tokens of those words and their translations
        # a name the corpus has never seen (INMETRO, PPWR): whatever else matches is at best related
        unknown_name = any(c.weight > 0 and self._unseen_name(c) for c in concepts) if token_scores else False
        # goods no record names in any language (fireworks): a record listing other goods is not about them
        unseen_goods = any(c.weight > 0 and self._unseen_goods(c) for c in concepts) if token_scores else False
        prior = INTENT_PRIOR.get(analysis.intent, {})
        sure = min(max(analysis.intent_confidence, 0.0), 1.0)
        max_fused = 1.0 / RRF_K + 1.0 / RRF_K
        out: list[Candidate] = []
        exact_set = set(exact)
        pairs = self._disputes_between(ctx, per_record)
        theirs: set[str] = set()  # the few disputes between the members named, brought the way said
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
                if exact_cover is None:  # the words that named the record say nothing about its chunks
                    unnamed = _unnamed(concepts, analysis)
                    exact_cover, said = self._chunk_coverage(unnamed, token_scores), _said_tokens(unnamed)
                pos, how = self._exact_chunk(ref, pos, query, exact_cover, cos, fields.get(ref), said)
                cand = Candidate(ref, pos, fscore, best_cos.get(ref), 1.0, {}, 1.0 - 0.001 * exact.index(ref), how)
                out.append(cand)
                continue
            positions = self._chunks_by_ref.get(ref)
            if positions is None:
                positions = np.asarray([pos], dtype=np.int64)
            coverage, product = self._coverage(chunk_cover, positions, r_hs)
            feats = ctx.structure(row, r_markets, r_hs)
            # both parties named: their dispute whatever its goods, unless they have many (China's
            # cases against the US differ by their goods; Japan's one against Korea is the one)
            between = rtype == "dispute" and feats.get("market", 0.0) >= 2.0 and pairs <= FEW_BETWEEN
            if between and pairs:  # (pairs counts only when the question says who complained)
                theirs.add(ref)
            # 取消原产地企业备案 asked as a customs matter; GSP certificates for goods to the EU
            procedure = ctx.any_market_procedure(row) or self._for_any_goods(ref, row)
            if product is not None and rtype in ("alert", "dispute", "case", "announcement") and not (between or procedure):
                # a record about some other product is a weak answer; a dispute between the two members
                # named is their matter whatever goods its title names (DS495: radionuclides)
                feats["product"] = product
                if product == 0.0 and rtype == "announcement" and self._other_goods(ref, row, analysis):
                    feats["other_goods"] = 1.0
            # the record type the intent prefers, only as surely as the intent was read (a question
            # whose kind the analyser half-guessed must not sink the dispute or alert that answers)
            feats["prior"] = 1.0 - sure * (1.0 - prior.get(rtype, 0.9 if prior else 1.0))
            if unknown_name or (unseen_goods and feats.get("hs", 0.0) < 0):
                feats["unknown_name"] = 1.0
            if pointed and rtype == "alert" and by_month:
                # the alert of the month and notifier the question names, or one it does not mean
                feats["pointed"] = 1.0 if ref in pointed else -1.0
            feats["rank"] = min(fscore / max_fused, 1.0)
            if ref in fields:
                feats["field"] = fields[ref].cosine
            cand = Candidate(ref, pos, fscore, best_cos.get(ref), coverage, feats, how=["fused"], intent=analysis.intent)
            cand.score = relevance(cand)
            out.append(cand)
        out.sort(key=lambda c: (-c.score, -c.fused))
        if qvec is not None:
            self._fill_cosines(out[:COSINE_TOP], qvec)
            out.sort(key=lambda c: (-c.score, -c.fused))
        if analysis.intent == "cases" and theirs and out:
            # "日本是不是在WTO告过韩国？": a dispute question naming who brought it against whom is
            # answered by their disputes, however few of its other words their titles share
            # (the one of them the question's other words fit best; the rest keep their own scores)
            lifted = max((c for c in out if c.ref in theirs), key=lambda c: (c.coverage, c.fused))
            lifted.score = max(lifted.score, out[0].score)
            out.sort(key=lambda c: (-c.score, c is not lifted, -c.fused))
        timings["fuse"] = (time.perf_counter() - t3) * 1000
        return out, concepts

    def _title_goods(self, ref: str, row: dict[str, Any]) -> tuple[str, ...]:
        """The HS codes of the goods a record's title names surely (the product vocabulary's
        reading), read once per record."""
        codes = self._titled.get(ref)
        if codes is None:
            found = self.vocab.lookup(str(row.get("title") or ""), k=3)
            codes = tuple(c.code for c in found if c.confidence >= PRODUCT_SIGNAL)
            self._titled[ref] = codes
        return codes

    def _other_goods(self, ref: str, row: dict[str, Any], analysis: QueryAnalysis) -> bool:
        """China Customs' rules for one other product (泰国鲜食西番莲 for Thai durian): its title names
        a single product, of no tariff line the question's goods are on. A title naming a category
        (乳品: several headings) may hold the goods asked under another name (奶粉)."""
        codes = self._title_goods(ref, row)
        asked = [str(c["code"]) for c in analysis.hs if float(c.get("confidence", 0.0)) >= PRODUCT_SIGNAL]
        if not asked or len(codes) > 1:
            return False
        if codes:
            return not any(hs_matches(q, codes[0]) for q in asked)
        # goods the vocabulary cannot read (进口泰国罗汉松植物检疫要求) are not goods it reads surely
        # (durian), unless the title names them in the question's own words
        title = str(row.get("title") or "").lower()
        return self._unread_goods(ref, title) and not any(str(p).lower() in title for p in analysis.products)

    def _unread_goods(self, ref: str, title: str) -> bool:
        """The title of an import protocol names goods the product vocabulary cannot read at all,
        read once per record."""
        known = self._unread.get(ref)
        if known is None:
            goods = _IMPORTED_GOODS_RE.search(title)
            known = goods is not None and not self.vocab.lookup(goods.group(1), k=1)
            self._unread[ref] = known
        return known

    def _for_any_goods(self, ref: str, row: dict[str, Any]) -> bool:
        """Whether a record concerns any goods (relevance.for_any_goods), once per record."""
        known = self._any_goods.get(ref)
        if known is None:
            known = for_any_goods(row, lambda _title: bool(self._title_goods(ref, row)))
            self._any_goods[ref] = known
        return known

    def _between(self, markets: list[str]) -> list[str]:
        """Disputes one market named brought against another ("日本在WTO告过韩国"): whatever their
        titles say (Radionuclides), the two parties say which matter it is."""
        named = set(markets)
        if len(named) < 2:
            return []
        if self._parties is None:
            with self._lock:
                self._parties = [(ref, party_codes(str(row.get("complainant") or "")), frozenset(row.get("markets") or []))
                                 for ref, row in self.index.record_rows.items()
                                 if row.get("type") == "dispute" and row.get("complainant")]
        return [ref for ref, by, against in self._parties
                if any(a != b for a in by & named for b in against & named)]

    def _pointed_alerts(self, pointer: AlertPointer) -> list[str]:
        """The alerts the question singles out by month and notifier, or by year and notifier
        ("2024年8月西班牙通报的…"): scored whatever their product is called (RASFF names goods in
        the notifier's language: "Vajilla de melamina"); none when it says less than that."""
        if not pointer.years or not (pointer.months or pointer.members):
            return []
        if self._alert_keys is None:
            with self._lock:
                self._alert_keys = [(ref, *alert_keys(row)) for ref, row in self.index.record_rows.items()
                                    if row.get("type") == "alert"]
        out = [ref for ref, when, by in self._alert_keys if pointer.fits_at(when, by)]
        return out if len(out) <= POINTED_ALERTS else []

    def _exact_chunk(self, ref: str, pos: int, query: str, chunk_cover: tuple[np.ndarray, float, Any],
                     cos: dict[int, float], heading: FieldMatch | None = None,
                     said: frozenset[str] = frozenset()) -> tuple[int, list[str]]:
        """The chunk of a quoted record that answers: the provision named (Article 18), else the
        chunk that best covers the question's other words and means most nearly what it asks, by
        its text or by its heading (植入卡 -> the implant-card article; 严重不良事件…多少天 -> the
        serious-incident article; 法规合规负责人 -> "Person responsible for regulatory compliance")."""
        for place in find_provisions(query):
            found = self.provision_chunk(ref, place)
            if found is not None:
                return found, ["exact", "provision"]
        positions = self._chunks_by_ref.get(ref)
        cover, total = chunk_cover[0], chunk_cover[1]
        if positions is None or len(positions) < 2 or not cover.size:
            return pos, ["exact"]

        headed = self.index.chunk_pos.get(heading.chunk) if heading is not None and heading.chunk else None
        pool = [int(p) for p in positions]
        asks_one = asks_provision(query)
        if asks_one:  # "法规哪一条规定的？": only a numbered provision can say which one (not the recitals)
            placed = [p for p in pool if re.search(r"\d|\b[IVXLC]+\b", self._place(p) or "")]
            pool, pos = (placed, placed[0]) if placed else (pool, pos)
        # a provision whose heading the question says in full, in its words or their translations
        # (欧代 -> "Authorised representative"): that provision, when the question asks for one or
        # the heading is more than one word
        named = [p for p in pool if self._heading_said(p, said, 1 if asks_one else 2)]
        if named:  # the provision's opening chunk: a "(continued)" one does not state what it is about
            firsts = {self._place(p): p for p in reversed(named)}
            pool = sorted(firsts.values())
            pos = pool[0]

        def fit(p: int) -> float:
            meant = max(cos.get(p, 0.0), heading.cosine if heading is not None and p == headed else 0.0, 0.0)
            return (float(cover[p]) / total if total > 0 else 0.0) + meant

        best = max(pool, key=fit)
        return (best if fit(best) > fit(pos) else pos), ["exact"]

    def _heading_said(self, pos: int, said: frozenset[str], min_words: int) -> bool:
        """Every word of the provision's heading (at least `min_words`) is among the question's."""
        row = self.index.chunk_rows[pos]
        heading = provision_heading(row)
        place = str(row.get("place") or "")
        words = set(tokenize(heading[len(place):] if heading and heading.startswith(place) else heading or ""))
        return len(words) >= min_words and words <= said

    def _fill_cosines(self, cands: list[Candidate], qvec: np.ndarray) -> None:
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
                c.score = relevance(c)

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
    def _concepts(self, analysis: QueryAnalysis, embed: bool = True) -> tuple[list[Concept], np.ndarray, list[int]]:
        """The words of the query, each with its index tokens and its translations; the vectors
        of the question and its phrases (empty when `embed` is off and none are cached); and which
        of those vectors say what to compare with record fields (the question, and its phrases
        but an everyday word alone: "name", "product", "where" match a title of every kind)."""
        text = analysis.normalized
        low = normalise(fold(text))
        concepts: list[Concept] = []
        spans: list[tuple[int, int, Concept]] = []
        asked = form_spans(low)  # 几回, 什么时候, how many: the form of the answer, not its topic
        pos = 0
        for word in cut_words(low, hmm=False):  # the HMM glues unknown pairs (香蕉案是 -> 案是)
            start = low.find(word, pos)
            start = pos if start < 0 else start
            pos = start + len(word)
            w = word.strip()
            if not w or not WORD_RE.search(w) or is_filler(w):
                continue
            toks = set(tokenize(w))
            if not toks:
                continue
            whole = {t for t in toks if t == w} or set(toks)
            if w.isascii() and w.isalpha() and len(w) >= 3:
                whole |= inflections(w)
            twin = next((c for c in concepts if c.text == w), None)
            if twin is not None:  # a word said twice counts once (包装和包装废弃物)
                spans.append((start, start + len(word), twin))
                continue
            c = Concept(w, whole, toks - whole, length=max(len(word), 1))
            c.acronym = is_acronym(w, analysis.text)
            c.cue = (w in INTENT_WORDS or any(t in INTENT_WORDS for t in whole) or self._stem(w) in INTENT_STEMS
                     or (not topic_cue(w) and any(a <= start and start + len(word) <= b for a, b in asked)))
            concepts.append(c)
            spans.append((start, start + len(word), c))

        def attach(start: int, end: int, words: list[str], hs: list[tuple[str, float]] | None = None) -> None:
            phrases = [frozenset(tokenize(w)) for w in words]
            for s, e, c in spans:
                if s < end and start < e:
                    whole = start <= s and end >= e
                    for p in phrases:
                        if whole:
                            c.add_alt(p)
                        else:  # the words translate only a part of this concept
                            c.add_part_alt((max(s, start) - s, min(e, end) - s), p)
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
            if not words and float(cand.get("confidence", 0)) >= SURE_HS:
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
        for a, b in asker_places(analysis.text):
            at = low.find(normalise(fold(analysis.text[a:b])))
            for s, e, c in spans:
                if at >= 0 and s < at + (b - a) and at < e and not (c.market or c.acronym or _sure_hs(c)):
                    c.place = True  # "in Dar es Salaam": where the asker is, not what the question is about
        codes = {m.upper() for m in analysis.markets}
        for _s, _e, c in spans:  # a market's code a follow-up carries (RUS, KAZ) is that market
            if not c.market and c.text.upper() in codes and _market_code(c.text) and (
                    c.acronym or not re.search(rf"\b{re.escape(c.text)}\b", analysis.text, re.I)):
                c.market = True
        phrases = _phrases(low, spans, lambda c: c.acronym, self._stray)
        qvecs = self._embed([analysis.normalized, *(p.text for p in phrases)], embed)
        if len(qvecs):
            self.aligner.translate(phrases, qvecs[1:])
            for p in phrases:
                attach(p.start, p.end, [t for t, _ in p.translations])
        def named(p: Phrase) -> bool:  # it names a product (tea) or a name in capitals
            return any(_sure_hs(c) or c.acronym for a, b, c in spans if a < p.end and p.start < b)

        specific = [0, *(i for i, p in enumerate(phrases, 1) if named(p) or not _everyday_word(p.text))][: len(qvecs)]
        return concepts, qvecs, specific

    def _embed(self, texts: list[str], compute: bool) -> np.ndarray:
        """The question and its phrases in one embedder call, cached for the follow-up searches
        of the same question (the lexical look-ups of the dialogue reuse them)."""
        key = tuple(texts)
        vecs = self._qvec_cache.get(key)
        if vecs is None and compute:
            vecs = np.asarray(self.embedder.embed_queries(texts), dtype=np.float32)
            with self._lock:
                if len(self._qvec_cache) > 512:
                    self._qvec_cache.clear()
                self._qvec_cache[key] = vecs
        return vecs if vecs is not None else np.zeros((0, 1), dtype=np.float32)

    def _prefer_provisions(self, per_record: dict[str, tuple[float, int]], fields: dict[str, FieldMatch],
                           best_cos: dict[str, float]) -> None:
        """When a provision's heading is what the question matches best, that provision is the
        record's best chunk (it is what gets cited: "Regulation (EU) 2017/745, Article 18")."""
        for ref, m in fields.items():
            if m.chunk is None or ref not in per_record:
                continue
            pos = self.index.chunk_pos.get(m.chunk)
            if pos is not None and m.cosine >= best_cos.get(ref, 0.0):
                per_record[ref] = (per_record[ref][0], pos)

    def _stem(self, word: str) -> str:
        return str(_stemmer().stemWord(word)) if word.isascii() and word.isalpha() else word

    def topical_words(self, analysis: QueryAnalysis) -> list[str]:
        """The words a question is about besides its goods and market, read without embedding it
        (the `topical` of its search): empty for "How did China respond?" or "什么时候开始？"."""
        concepts, _, _ = self._concepts(analysis, embed=False)  # (no weights: those need the lexical pass)
        return [c.text for c in concepts
                if contentful(c.text) and not is_single_han(c.text) and not c.place and self._topical(c)]

    def _topical(self, c: Concept) -> bool:
        """A word of what the question is about, not its market, a cue, its goods or an everyday word."""
        return not (c.market or c.cue or _sure_hs(c) or self._stray(c))

    def _stray(self, c: Concept) -> bool:
        """An everyday word the corpus hardly uses ("start", "就是"; everyday.py)."""
        if c.hs or c.acronym or c.market:
            return False
        df = max((self._token_df(t) for t in c.tokens), default=0)
        return self._everyday.is_everyday(c.text, df)

    def _disputes_between(self, ctx: QueryContext, refs: Iterable[str]) -> int:
        """How many candidate disputes are between the parties the question names, brought the way
        it says (0 when it does not name who complained: every such dispute is theirs alike)."""
        if not ctx.complainants:
            return 0
        rows = self.index.record_rows
        return sum(1 for r in refs if rows.get(r, {}).get("type") == "dispute"
                   and ctx.structure(rows[r], set(rows[r].get("markets") or []), []).get("market", 0.0) >= 2.0)

    def _unseen_name(self, c: Concept) -> bool:
        """A name in capitals (PPWR, INMETRO) that no chunk holds and nothing translates; not a
        market's name or code (RUS, KAZ: how a follow-up carries the conversation's market)."""
        return (c.acronym and not c.market and not _market_code(c.text) and not c.alt
                and all(self._token_df(t) == 0 for t in c.tokens | c.parts))

    def _unseen_goods(self, c: Concept) -> bool:
        """Goods named surely (an HS code read with confidence) that no chunk names, in its words or
        any translation: what a record must list to be about them. Goods the lexicon cannot
        translate (水彩笔) may be named in the other language: not judged."""
        if not c.hs or not c.alt or max(conf for _, conf in c.hs) < 0.8:
            return False
        seen = any(self._token_df(t) > 0 for t in c.tokens | c.parts)
        return not seen and not any(all(self._token_df(t) > 0 for t in phrase) for phrase in c.alt)

    def _token_df(self, token: str) -> int:
        """Chunks holding `token` (cached; looked up now when search has not counted it yet)."""
        df = self._df_cache.get(token)
        return self._df(token, self.index.lexical.scores([token])) if df is None else df

    def _word_family(self, word: str, vocabulary: set[str]) -> set[str]:
        """The indexed English words with the same Snowball stem as `word` (export, exported,
        exportation): the index does not stem, users and records inflect differently."""
        if not (vocabulary and word.isascii() and word.isalpha() and len(word) >= 4):
            return set()
        families = self._families
        if families is None:
            words = sorted(w for w in vocabulary if w.isascii() and w.isalpha() and len(w) >= 4)
            built: dict[str, set[str]] = {}
            for w, stem in zip(words, _stemmer().stemWords(words), strict=True):
                built.setdefault(stem, set()).add(w)
            with self._family_lock:  # two threads may both build; the first one's stays
                if self._families is None:
                    self._families = built
                families = self._families
        return set(families.get(self._stem(word), ()))

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
        """Deletion index of the indexed English words (built once, in the background at start)."""
        index = self._spell
        if index is None:
            with self._spell_lock:
                index = self._spell
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

    def _lexical(self, concepts: list[Concept]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """BM25 of the written words plus EXPANSION_WEIGHT x BM25 of their translations; also the
        per-token scores (for coverage) and each concept's weight (idf of its rarest known word)."""
        lexical = self.index.lexical
        vocabulary: set[str] = getattr(lexical, "vocabulary", None) or set()
        for c in concepts:
            if vocabulary and not c.alt and not c.acronym and not ((c.tokens | c.parts) & vocabulary):
                fixed = self._spelling(c.text, vocabulary)
                if fixed:
                    c.add_alt(frozenset({fixed}))  # "bluetoth" -> bluetooth
            for kin in self._word_family(c.text, vocabulary) - c.tokens:
                c.add_alt(frozenset({kin}))  # restrictions -> restricted, exportation -> export
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
            c.weight = 0.0 if c.place else self._weight(c, token_scores, unknown_idf)
            if c.cue or self._stray(c):  # "how does it work": everyday words, weighed like cues
                c.weight *= CUE_WEIGHT
        return total, token_scores

    def _weight(self, c: Concept, token_scores: dict[str, np.ndarray], unknown_idf: float) -> float:
        """How much a word of the query matters: the idf of its rarest indexed form."""
        if (is_single_han(c.text) or (len(c.text) == 1 and c.text.isascii())) and not c.alt and not _sure_hs(c):
            return 0.0  # 狗, 拒, s: a lone character says little on its own
        known = [self._idf(self._df(t, token_scores.get(t))) for t in c.tokens | c.parts if t in token_scores]
        if known:
            return max(known)
        alts = [self._idf(self._df(t, token_scores.get(t))) for t in c.alt_tokens if t in token_scores]
        if alts:
            return max(alts)
        if c.hs:
            return 4.0
        if contentful(c.text):
            # a word the corpus has never seen is evidence of no answer; a name in capitals
            # (PPWR, INMETRO) that nothing in the corpus mentions, strong evidence
            return unknown_idf * (2.0 if c.acronym else 1.0)
        return 0.0

    def _chunk_coverage(
        self, concepts: list[Concept], token_scores: dict[str, np.ndarray]
    ) -> tuple[np.ndarray, float, list[tuple[Concept, np.ndarray]]]:
        """For every chunk, the weighted share of the query's words it covers (before HS credit).

        A word counts in full when the chunk has it (or an inflection), 0.9 through a translation,
        0.8 through a part of it (耳机 of 蓝牙耳机). Market words are judged by the market match.
        Returns (coverage numerator per chunk, total weight, product words with their per-chunk
        credit, for the HS credit a record can add).
        """
        n = self.index.lexical.size
        cover = np.zeros(n, dtype=np.float32)
        total = 0.0
        with_hs: list[tuple[Concept, np.ndarray]] = []
        for c in concepts:
            if c.weight <= 0 or c.market:
                continue
            total += c.weight
            got = np.zeros(n, dtype=np.float32)
            if c.part_alt:
                share = np.zeros(n, dtype=np.float32)
                for (a, b), phrases in c.part_alt.items():
                    hit = np.zeros(n, dtype=bool)
                    for phrase in phrases:
                        m = self._phrase_mask(phrase, token_scores)
                        if m is not None:
                            hit |= m
                    share += hit * np.float32((b - a) / c.length)
                np.maximum(got, np.minimum(share, 1.0) * np.float32(0.8), out=got)
            parts = [(t, self._idf(self._df(t, token_scores.get(t)))) for t in c.parts]
            part_mass = sum(w for _, w in parts)
            if part_mass > 0:
                # 蓝牙 + 耳机 of 蓝牙耳机: credit in proportion to the parts present, weighted by idf
                # (a record that only has the common 产品 of 电子产品 covers little of it)
                share = np.zeros(n, dtype=np.float32)
                for t, w in parts:
                    sc = token_scores.get(t)
                    if sc is not None:
                        share += (sc > 0) * np.float32(w / part_mass)
                np.maximum(got, share * np.float32(0.8), out=got)
            for phrase in c.alt:
                mask = self._phrase_mask(phrase, token_scores)
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

    @staticmethod
    def _phrase_mask(phrase: frozenset[str], token_scores: dict[str, np.ndarray]) -> np.ndarray | None:
        """Chunks that have every token of a phrase (None when one is in no chunk at all)."""
        mask: np.ndarray | None = None
        for t in phrase:
            sc = token_scores.get(t)
            if sc is None:
                return None
            mask = (sc > 0) if mask is None else (mask & (sc > 0))
        return mask

    def _coverage(
        self,
        chunk_cover: tuple[np.ndarray, float, list[tuple[Concept, np.ndarray]]],
        positions: np.ndarray,
        r_hs: list[str],
    ) -> tuple[float, float | None]:
        """The best chunk's coverage of the query, crediting product words the record's HS codes
        cover (a regulation on HS 85 covers 电吹风 even if it never names it); and how well the
        record covers the product named (None when no product is named)."""
        cover, total, with_hs = chunk_cover
        values = cover[positions].astype(np.float64)
        named: dict[tuple[tuple[str, float], ...], tuple[np.ndarray, float, float]] = {}
        for c, got in with_hs:
            part = got[positions]
            level = 0.8 * hs_level(c.hs, r_hs)
            if level:
                values += c.weight * (np.maximum(part, level) - part)
            if max(conf for _, conf in c.hs) >= 0.8 and c.weight > 0:  # a product named surely, not a guess
                # the words of one product name ("solar" + "panels") cover it together, each as
                # much as it weighs: "panel" alone (every WTO panel report has it) covers little
                key = tuple(c.hs)
                mass, weight, _ = named.get(key, (np.zeros(len(positions)), 0.0, level))
                named[key] = (mass + c.weight * part, weight + c.weight, level)
        # the best-covered product named (None when the question names none)
        product = max((max(float(m.max()) / w, lv) for m, w, lv in named.values()), default=None)
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


_CFR_PART = re.compile(r"^(\d+) CFR Part (\d+)$")


def _part_of_found(ref: str, found: set[str]) -> bool:
    """"29 CFR Part 1910", read from "29 CFR 1910.7", when the section itself is held: the
    question quoted the section, not a whole part missing from the corpus."""
    m = _CFR_PART.match(ref)
    if m is None:
        return False
    return any(f.startswith(f"{m.group(1)} CFR {m.group(2)}.") for f in found)


EVERYDAY_ZIPF = 4.5  # wordfreq frequency from which a lone word is everyday language (name, product)


def _everyday_word(text: str) -> bool:
    """A phrase of one word that people use every day, in either language."""
    words = text.split()
    return len(words) == 1 and zipf_frequency(words[0], "zh" if lang_of(words[0]) == "zh" else "en") >= EVERYDAY_ZIPF


def _market_code(text: str) -> bool:
    """An ISO code of a market (RUS, KAZ: how a follow-up carries the conversation's market); asked
    of names written in capitals only ("can" is not Canada)."""
    return len(text) == 3 and text.isalpha() and get_market(text.upper()) is not None


SURE_HS = 0.5  # an HS guess from this confidence on names a product (analyze.py's product match)


def _sure_hs(c: Concept) -> bool:
    return any(conf >= SURE_HS for _, conf in c.hs)


def _said_tokens(concepts: list[Concept]) -> frozenset[str]:
    """The index tokens of the question's words and of every translation they carry."""
    out: set[str] = set()
    for c in concepts:
        out |= c.tokens
        for phrase in c.alt:
            out |= phrase
    return frozenset(out)


def _unnamed(concepts: list[Concept], analysis: QueryAnalysis) -> list[Concept]:
    """The query's words other than those that quoted a record ("MDR" of "MDR里植入卡…"): inside
    that record they would favour whichever chunk repeats its name over the one that answers."""
    names = {normalise(fold(d.text)) for d in analysis.ref_details if d.text}
    return [c for c in concepts if not any(c.text in n for n in names)]


def _companions(rows: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Each China Customs text's companions: the same title core, or a `related` link either way."""
    links: dict[str, dict[str, None]] = {}

    def link(a: str, b: str) -> None:
        if a != b:
            links.setdefault(a, {})[b] = None
            links.setdefault(b, {})[a] = None

    by_core: dict[str, list[str]] = {}
    for r, row in rows.items():
        if row.get("type") != "announcement":
            continue
        core = _title_core(str(row.get("title") or ""))
        if len(core) >= 6:
            by_core.setdefault(core, []).append(r)
        for other in row.get("related") or []:
            if rows.get(other, {}).get("type") == "announcement":
                link(r, other)
    for refs in by_core.values():
        for a in refs:
            for b in refs:
                link(a, b)
    return {r: list(others) for r, others in links.items()}


_TITLE_MARKS = re.compile(r"\s+|《|》|——|政策解读|[:：]")
_TITLE_HEAD = re.compile(r"^(?:海关总署|关于|[、，])+")
_TITLE_TAIL = re.compile(r"(?:的|解读|公告|通知)+$")


def _title_core(title: str) -> str:
    """A China Customs title without its framing (海关总署关于…的公告, 《…》解读, 政策解读——…):
    the measure it is about."""
    return _TITLE_TAIL.sub("", _TITLE_HEAD.sub("", _TITLE_MARKS.sub("", title)))


def _phrases(low: str, spans: list[tuple[int, int, Concept]], name: Callable[[Concept], bool],
             talk: Callable[[Concept], bool]) -> list[Phrase]:
    """Runs of adjacent topic words (not markets, intent cues, names in capitals, which an embedder
    translates badly, or everyday talk), longest first, then everyday words alone (a rare English
    word may be a common one in the Chinese records: pilot ~ 试点), at most MAX_PHRASES: the units
    that get translated (植入卡 from 植入 + 卡; "implant card")."""
    runs: list[list[tuple[int, int, Concept]]] = []
    chat: list[tuple[int, int]] = []
    lead: list[tuple[int, int, Concept]] = []  # cue words right before a topic word modify it (法规合规 of 法规合规负责人)
    # and an English cue word right after topic words is their head ("product safety regulation")

    def glued(prev: tuple[int, int, Concept], c: Concept, s: int) -> bool:
        # "certificates of origin", "rules of origin": an English "of" joins a noun to its complement
        gap = low[prev[1]:s].strip()
        return (not gap or (gap == "of" and c.text.isascii())) and _same_script(prev[2].text, c.text)

    for s, e, c in sorted(spans, key=lambda x: x[0]):
        sized = len(c.text) > 1 or not c.text.isascii()
        if c.cue and sized and not (c.market or name(c)):
            if c.text.isascii() and runs and runs[-1] and glued(runs[-1][-1], c, s):
                # the English head of the words before it: "product safety regulation" (a Chinese cue
                # after a topic is mostly a verb: 监护仪出口)
                runs[-1].append((s, e, c))
                lead = []
                continue
            lead = [*lead, (s, e, c)] if lead and glued(lead[-1], c, s) else [(s, e, c)]
            runs.append([])
            continue
        if c.market or name(c) or not sized:
            runs.append([])
            lead = []
            continue
        if talk(c):
            runs.append([])
            lead = []
            if len(c.text) >= (3 if c.text.isascii() else 2):
                chat.append((s, e))
            continue
        if runs and runs[-1] and glued(runs[-1][-1], c, s):
            runs[-1].append((s, e, c))
        else:
            runs.append([*lead, (s, e, c)] if lead and glued(lead[-1], c, s) else [(s, e, c)])
        lead = []
    # a run, and each longer topic word of it on its own (a run can carry a stray character: 香蕉案)
    units = [(r[0][0], r[-1][1]) for r in runs if r]
    units += [(s, e) for r in runs if len(r) > 1 for s, e, c in r
              if len(c.text) >= (3 if c.text.isascii() else 2) and not c.cue]
    out: list[Phrase] = []
    seen: set[str] = set()
    for start, end in sorted(units, key=lambda u: -(u[1] - u[0])) + chat:
        text = low[start:end].strip()
        if text and text not in seen and not text.isdigit() and not is_single_han(text):  # 问, 里: too ambiguous alone
            seen.add(text)
            out.append(Phrase(text, start, end))
    return out[:MAX_PHRASES]


def _spelled_out(word: str, query: str) -> bool:
    """The user gave the name's meaning ("法规合规负责人（PRRC）", "person responsible (PRRC)"): the
    words before the brackets are what to look for, and those the corpus may well hold."""
    return bool(re.search(rf"\w\s*[（(]\s*{re.escape(word)}\s*[)）]", query, re.I))


def _as_written(word: str, query: str) -> str:
    """`word` in the user's own capitals (ppwr -> PPWR)."""
    m = re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", query, re.I)
    return m.group(0) if m else word


def _same_script(a: str, b: str) -> bool:
    return a.isascii() == b.isascii()


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


# the goods of a China Customs import protocol, as its title names them (进口泰国罗汉松植物检疫要求)
_IMPORTED_GOODS_RE = re.compile(r"进口([\u4e00-\u9fff、]{2,16}?)(?:植物检疫|检验检疫|动植物检疫|兽医卫生|动物卫生|卫生)要求")

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
