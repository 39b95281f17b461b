"""`Assistant.ask`: the one entry point every channel calls.

It keeps the conversation (sessions in the database), routes a message to the question-answering
path or to the barrier-report conversation, retrieves evidence, composes (offline by default, an
OpenAI-compatible model when configured, verified and with the offline answer as fallback) and
refuses when the evidence is not there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import re
import secrets
import threading
from collections import Counter
from typing import Any

from assistant.answer.evidence import (
    STRONG_SCORE,
    alert_date,
    build_evidence,
    is_china_origin,
    linked,
    named_in,
    product_words,
    question_hs,
    question_markets,
    record_text,
    select_hits,
)
from assistant.answer.i18n import phrase
from assistant.answer.models import Answer, Evidence
from assistant.answer.offline import Composed, OfflineComposer
from assistant.config import Settings
from assistant.dialogue.followup import (
    DOC_INTENTS,
    HISTORY,
    asks_of_one_alert,
    citation_request,
    document_followup,
    is_short,
    is_yes,
    leaves_market,
    may_be_about_document,
    merge_topic,
    names_goods,
    names_other_goods,
    next_topic,
    pointed_by_trait,
    pointed_document,
    points_at_last_answer,
    refers_back,
    returns_to,
    starts_afresh,
    text_language,
    wants_report,
)
from assistant.refs import find_provisions, find_symbols, names_ref, place_label
from assistant.retrieve.analyze import asks_company_name, asks_forecast, asks_opinion, asks_promise
from assistant.retrieve.concepts import GENERIC_GOODS
from assistant.retrieve.markets import market_codes
from assistant.retrieve.products import across_food_divide, hs_matches
from assistant.retrieve.question_form import asks_latest, asks_recent, question_form
from assistant.retrieve.relevance import (
    china_customs_for_exports,
    imports_into_china,
    into_china,
    named_origins,
    record_markets,
)
from assistant.retrieve.search import NO_ANSWER_THRESHOLD as REFUSE_BELOW

log = logging.getLogger("assistant.dialogue")

MAX_INPUT = 10_000
ANALYSIS_CHARS = 2_000
SEARCH_K = 14
FAMILY_MARGIN = 0.15  # how much better an addendum must match than its core notification to be the one asked
MARKET_FALLBACK = 2  # regulations of the market asked about, when the main search found none
ALERT_MIN_SCORE = 0.2  # lexical-only scores: a rejection that names the product scores 0.25-0.35
LATEST_DEPTH = 200  # alerts looked up when the question asks for the newest one (peanuts: 779, 40 from China)
LATEST_NAMES = 6  # the product's names (and synonyms) that look them up
LATEST_KEEP = 10  # the newest of them kept as evidence
_MARKER = re.compile(r"\[(\d{1,3})\]")
# a question asking for a WTO dispute or a trade concern raised, not for the rule it would be about
_ASKS_DISPUTE = re.compile(r"\bdisputes?\b|\bWTO (?:case|challenge|complaint)s?\b|\b(?:to|at|before) the WTO\b|"
                           r"\btrade concerns?\b|争端|起诉|告过|告到|申诉|诉诸|贸易关注", re.I)
MARKET_CHOICES = {"zh": ["欧盟", "美国", "英国", "日本", "韩国", "东盟"], "en": ["EU", "USA", "UK", "Japan", "Korea", "ASEAN"]}
PRODUCT_CHOICES = {"zh": ["蓝牙耳机", "玩具", "LED灯", "化妆品", "茶叶", "医疗器械"], "en": ["Bluetooth earphones", "toys", "LED lamps", "cosmetics", "tea", "medical devices"]}


def _trace_start(a: dict[str, Any], resp: Any) -> dict[str, Any]:
    """The first steps of the "how it works" trace: the analysis and what retrieval found."""
    return {
        "analysis": {"language": a.get("language"), "markets": a.get("markets"), "intent": a.get("intent"),
                     "hs": [c.get("code") for c in a.get("hs") or []], "products": a.get("products"),
                     "refs": a.get("refs"), "topic_words": list(resp.topical)},
        "retrievers": {"hybrid": [{"ref": h.ref, "score": h.score, "how": h.matched_by, "cite": h.cite}
                                  for h in resp.hits[:8]]},
        "missing": list(resp.missing),
        "timings_ms": {k: round(v, 1) for k, v in resp.timings_ms.items()},
    }


def _decision_reasons(hits: list[Any], best: float, fallback: bool) -> list[str]:
    if not hits:
        return ["no record passed the relevance gate"]
    reasons = [f"best relevance {best:.2f}"]
    if any("exact" in h.matched_by for h in hits):
        reasons.append("the question quotes a record by its reference")
    if fallback:
        reasons.append("general rules of the market asked about")
    return reasons


def _analysis_dict(a: Any) -> dict[str, Any]:
    if hasattr(a, "model_dump"):
        return dict(a.model_dump(mode="json"))
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return dataclasses.asdict(a)
    return dict(a)


def _quick_analysis(text: str, searcher: Any) -> Any:
    """The analysis of a message (its first ANALYSIS_CHARS) with the index's product vocabulary."""
    from assistant.retrieve.analyze import analyze

    return analyze(text[:ANALYSIS_CHARS], searcher.vocab, searcher.agreements)


def _points_past_alert(text: str, row: dict[str, Any]) -> bool:
    """A follow-up that names who notified or when ("and in 2022?", "the Belgian ones?") while one
    alert is discussed that was not notified then or by them: it asks about other alerts."""
    from assistant.retrieve.alert_pointer import alert_pointer

    pointer = alert_pointer(text)
    return row.get("type") == "alert" and bool(pointer) and not pointer.fits(row)


def _leaves_goods(hit_hs: list[str], topic: dict[str, Any]) -> bool:
    """A record for goods of other tariff lines than the conversation's (both say which)."""
    held = [str(h.get("code")) for h in topic.get("hs") or [] if isinstance(h, dict) and h.get("code")]
    return bool(hit_hs and held) and not any(hs_matches(q, r) for q in held for r in hit_hs)


def _left_goods(state: dict[str, Any], rows: dict[str, dict[str, Any]]) -> bool:
    """The talk about disputes moved past the goods: the last answer was a dispute or case that
    never names them (the COOL case after the tuna one), so "did Mexico bring one too?" looks for
    disputes, not for tuna."""
    topic = state.get("topic") or {}
    cites = state.get("last_citations") or []
    row = rows.get(str(cites[0].get("ref"))) if cites else None
    if row is None or row.get("type") not in ("dispute", "case") or not topic.get("products"):
        return False
    blob = f"{row.get('title') or ''} {row.get('text') or ''}".lower()
    return not any(str(p).lower() in blob for p in topic.get("products") or [])


def _market_words(markets: list[str], origins: list[str], lang: str) -> list[str]:
    """The conversation's markets as words for a carried query: China as the market for goods from
    another country means goods going into China ("into China"), which is how search reads it;
    China Customs' procedures for a Chinese exporter stay "China"."""
    from assistant.retrieve.markets import market_name

    into = bool(set(origins) - {"CHN"})
    return [phrase("into_china", lang) if m == "CHN" and into else market_name(m, lang) for m in markets]


# a follow-up that says it is about another text than the one discussed
_ANOTHER = re.compile(r"还有(?:一)?个|另(?:外)?(?:一|有)?个|另一|其他的?|\b(?:another|other|a different|also a)\b", re.I)


def _topic_words(topic: dict[str, Any], text: str, lang: str) -> list[str]:
    """The conversation's goods, market and origin as words, for reading a follow-up that names
    none of them in the conversation's context."""
    from assistant.retrieve.markets import market_name

    words = [str(w) for w in topic.get("products") or []]
    if not words:  # a product no list knows, kept as the words that named it
        words = [str(w) for w in topic.get("words") or [] if str(w).lower() not in text.lower()]
    words += _market_words(topic.get("markets") or [], topic.get("origins") or [], lang)
    # where the goods come from stays too: China's rules for Pakistani dairy, not for any dairy
    words += [phrase("from_origin", lang, name=market_name(m, lang))
              for m in topic.get("origins") or [] if m not in (topic.get("markets") or [])]
    return words


def _with(a: Any, **fields: Any) -> Any:
    if hasattr(a, "model_copy"):
        return a.model_copy(update=fields)
    return dataclasses.replace(a, **fields)


class Assistant:
    """Thread-safe; one per process (the API keeps one in app.state)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._searcher: Any = None
        self._sessions: Any = None
        self._intake: Any = None
        self._llm: Any = None
        self._title_counts: dict[str, Counter[str]] = {}  # per index: how many titles hold each piece

    # -- lazily built parts ------------------------------------------------------------------
    @property
    def searcher(self) -> Any:
        from assistant.retrieve.search import get_searcher

        return get_searcher(self.settings)  # follows a newly switched index generation

    @property
    def sessions(self) -> Any:
        if self._sessions is None:
            with self._lock:
                if self._sessions is None:
                    from assistant.db import init_db
                    from assistant.dialogue.sessions import SessionStore

                    self._engine = init_db(self.settings)
                    self._sessions = SessionStore(self._engine)
        return self._sessions

    @property
    def intake(self) -> Any:
        if self._intake is None:
            _ = self.sessions
            with self._lock:
                if self._intake is None:
                    from assistant.reports.conversation import IntakeConversation
                    from assistant.reports.store import ReportStore

                    vocab = None
                    try:
                        vocab = self.searcher.vocab
                    except Exception:  # no index yet: the intake still works without links
                        vocab = None
                    from assistant.reports.llm_extract import LLMFieldExtractor

                    self._intake = IntakeConversation(
                        ReportStore(self._engine), linker=self._link, vocab=vocab,
                        llm_extract=LLMFieldExtractor.maybe(self.settings),
                    )
        return self._intake

    @property
    def llm(self) -> Any:
        if self._llm is None and self.settings.llm_enabled:
            from assistant.answer.llm import LLMComposer

            self._llm = LLMComposer(self.settings)
        return self._llm

    def today(self) -> dt.date:
        if self.settings.today:
            return dt.date.fromisoformat(self.settings.today)
        return dt.date.today()

    # -- entry point -----------------------------------------------------------------------
    def ask(self, text: str | None, session_id: str | None = None, lang: str | None = None, channel: str = "api") -> Answer:
        from assistant.dialogue.sessions import turn_lock

        session_id = session_id or secrets.token_urlsafe(12)
        with turn_lock(self.sessions.engine, session_id):  # one turn of a session at a time
            state = self.sessions.load(session_id) or {}
            text = (text or "").strip()[:MAX_INPUT]
            lang = lang if lang in ("zh", "en") else None
            state["session_id"] = session_id  # report drafts are keyed by it (resume after expiry)
            try:
                answer = self._route(text, state, lang, channel)
            finally:
                state["turns"] = int(state.get("turns", 0)) + 1
                self.sessions.save(session_id, state, self.settings.session_ttl_hours)
        answer.session_id = session_id
        answer.trace["turn"] = state["turns"]  # unique within the session
        return answer

    # -- routing ---------------------------------------------------------------------------
    def _route(self, text: str, state: dict[str, Any], lang: str | None, channel: str) -> Answer:
        if state.get("mode") == "report" and state.get("intake") is not None:
            return self._intake_turn(text, state, lang, channel)
        if not text:
            lang = lang or state.get("lang") or "zh"
            return Answer(text=phrase("empty", lang), language=lang, refused=True, intent="help",
                          followups=[phrase("start_report", lang)], composer="dialogue")
        text = self._provision_followup(text, state)
        n = citation_request(text)
        if n is not None:
            return self._open_citation(n, state, lang or text_language(text) or state.get("lang") or "zh")
        if wants_report(text) or (state.get("offered_report") and is_yes(text)):
            return self._start_intake(text, state, lang, channel)
        subscribed = self._subscription(text, state, lang)
        if subscribed is not None:
            return subscribed

        searcher = self.searcher
        analysis = _quick_analysis(text, searcher)
        a = _analysis_dict(analysis)
        lang = lang or a.get("answer_language") or state.get("lang") or "zh"
        if a.get("language") == "mixed" and state.get("lang") and lang is None:
            lang = state["lang"]
        state["lang"] = lang
        beyond = None if a.get("refs") else self._beyond_coverage(text, analysis, lang)
        if beyond is not None:  # "2024年新提起的WTO争端有哪些？" with disputes up to 2018
            return self._refuse(lang, a, beyond)
        history = list(state.get("topics") or [])
        back = returns_to(text, a, history)
        if back is not None:  # "回到印度，…": the slots of the turn returned to, not the last one's
            state["topic"] = dict(back)
        elif starts_afresh(text):  # "Different question: …": nothing carries from the talk so far
            state["topic"] = None
        topic = state.get("topic")
        if topic is not None and not topic.get("doc"):  # "这个公告…" after an answer citing several texts
            pointed = pointed_document(text, state.get("last_citations") or [])
            topic = {**topic, "doc": pointed} if pointed else topic
        trait = pointed_by_trait(text, state.get("last_citations") or [], searcher.index.record_rows)
        if topic is not None and trait:  # "the irradiation one - who notified it?": that record
            topic = {**topic, "doc": trait}
        if topic is not None and _another_dispute(text, searcher.index.record_rows.get(str(topic.get("doc"))) or {}):
            topic = {**topic, "doc": None}  # "美国告中国…的那个呢？" after China v US: a dispute of its own
        if back is not None and (topic or {}).get("doc"):
            # "OK, back to our own Tanzanian shipment - what has to be printed on the jars?": the
            # return names the document's own subject; it is about that document
            relevant = True
            parties = frozenset(record_markets(searcher.index.record_rows.get(str((topic or {}).get("doc"))) or {}))
        else:
            parties = _parties(searcher, topic, text)
            if trait:  # "the Spanish one": Spain is who notified the record pointed at, no new market
                parties = parties | frozenset(record_markets(searcher.index.record_rows.get(trait) or {}))
            answering = (self._answering_document(text, analysis, topic or {}, lang)
                         if may_be_about_document(text, a, topic, parties) else None)
            relevant = answering is not None or bool(trait)  # a record singled out is what it asks about
            if answering is not None and topic is not None:  # the announcement, or its interpretation
                topic = {**topic, "doc": answering}
        if topic is not None and not topic.get("doc") and back is None:
            cited = self._cited_answering(text, analysis, a, topic, state, lang)
            if cited is None and points_at_last_answer(text, a, topic):
                cited = str((state.get("last_citations") or [{}])[0].get("ref") or "") or None
            if cited is not None:  # "多久续一次？" after FDA registration and prior notice: registration
                topic, relevant = {**topic, "doc": cited}, True
        left = bool(topic is not None and topic.get("doc") and not relevant
                    and self._leaves_document(text, analysis, topic))
        if left:  # "后来还有个沙丁鱼的案子，是谁告的？" after the scallops case: a question of its own
            topic = {**(topic or {}), "doc": None}
        about = document_followup(text, a, topic, parties, relevant)
        doc_row = searcher.index.record_rows.get(str((topic or {}).get("doc"))) or {}
        if about is None and doc_row.get("type") == "alert" and asks_of_one_alert(text, a, topic):
            about = str((topic or {}).get("doc"))  # "是哪个国家通报的？" after the latest alert was named
        if about is not None and _points_past_alert(text, searcher.index.record_rows.get(about) or {}):
            about, topic = None, {**(topic or {}), "doc": None}  # "and in 2022?" after the latest alert
        if about is not None:  # "Who was the complainant?" after an answer about DS392
            about = _worded_document(about, text, searcher.index.record_rows)
            own = a.get("intent")
            analysis = _quick_analysis(f"{about} {text}", searcher)
            # what the follow-up asks, about that document; one that names no kind ("when was it
            # circulated?": rules by default) asks about a notification as a notification
            kind = (searcher.index.record_rows.get(about) or {}).get("type")
            if own == "rules" and not a.get("intent_scores") and kind == "notification":
                analysis = _with(analysis, intent="notification")
            elif own in ("cases", "rules"):
                analysis = _with(analysis, intent=own)
            elif own not in DOC_INTENTS:  # a weak cue ("submit"): what the document says
                analysis = _with(analysis, intent="rules")
            if about not in analysis.refs:  # a China Customs text has no number the analyser reads
                analysis = _with(analysis, refs=[*analysis.refs, about])
            cases = _related_cases(searcher.index.record_rows, about) if own == "cases" else []
            if cases:  # "他们有成功的例子吗？" after the TACP form: the cases the record itself links
                analysis = _with(analysis, refs=[*cases, *analysis.refs])
            if not names_goods(a) and topic is not None:
                # the goods are still the user's (power banks), not what the document's name reads as
                # ("Electrical Appliances and Materials Safety Act": appliances)
                analysis = _with(analysis, hs=topic.get("hs") or [], products=topic.get("products") or [])
            if not a.get("markets") and topic is not None and topic.get("markets"):
                # nor is the market what the document's name reads as (海关总署 for China): the
                # exporter still ships dairy to Vietnam
                analysis = _with(analysis, markets=topic.get("markets") or [],
                                 markets_expanded=topic.get("markets_expanded") or [])
            a = _analysis_dict(analysis)
        # China named as where goods come from ("Chinese peanuts", "pumpkin seeds from China") is
        # the exporter's home, no market: it neither changes the conversation's market nor stands
        # for one. Another country of origin ("dairy from Pakistan" into China) is what China
        # Customs' texts are per, so it stays the conversation's market.
        named_from = named_origins(text)
        origins = named_from & {"CHN"}
        slots = _without_markets(a, origins)
        if state.get("topic") and not a.get("refs"):  # what the turn is about besides goods and market
            slots = {**slots, "topic_words": searcher.topical_words(analysis)}
        merged, did_merge = merge_topic(slots, state.get("topic"), text)
        asked = text  # the question as the answer reads it: in rejection talk, with the hazard carried
        if did_merge and merged.get("intent") == "alerts" and merged.get("carried_words"):
            asked = " ".join([text, *(str(w) for w in merged["carried_words"])])
        if did_merge:
            goods = [] if _left_goods(state, searcher.index.record_rows) else merged.get("products", [])
            words = [str(w) for w in goods] + list(merged.get("markets", []))
            from assistant.retrieve.markets import market_name

            words += _market_words(merged.get("markets", []), (state.get("topic") or {}).get("origins") or [], lang)
            words += [str(w) for w in merged.get("carried_words") or []]
            # rejections of goods from where they were; goods going into China from where they come
            # (China Customs' texts are per origin: "pasteurised milk too?" after dairy from Pakistan)
            if not named_from and (merged.get("intent") == "alerts" or "CHN" in (merged.get("markets") or [])):
                words += [phrase("from_origin", lang, name=market_name(o, lang))
                          for o in (state.get("topic") or {}).get("origins") or []]
            analysis = _with(
                analysis, hs=merged["hs"], products=merged["products"], markets=merged["markets"],
                markets_expanded=merged["markets_expanded"], intent=merged["intent"],
                normalized=" ".join([a.get("normalized", text)] + words),
            )
            a = _analysis_dict(analysis)
        if a.get("markets") and "CHN" not in a["markets"] and china_customs_for_exports(text):
            # an exporter asks what China Customs does for goods going to the market named: both apply
            both = ["CHN", *a["markets"]]
            analysis = _with(analysis, markets=both, markets_expanded=["CHN", *(a.get("markets_expanded") or [])])
            a = _analysis_dict(analysis)
        elif ((a.get("markets") and "CHN" not in a["markets"] and into_china(text))
                or (not a.get("markets") and not (state.get("topic") or {}).get("markets")
                    and imports_into_china(text))):
            # "德国牛肉能进中国了吗": the market is China; the country named is where the goods come
            # from. "进口食品…报关单怎么填" names no market: an importer in China asks China's rules.
            named_from = set(named_from) | set(a.get("markets") or [])  # "Pakistan ships dairy to China"
            analysis = _with(analysis, markets=["CHN"], markets_expanded=["CHN"])
            a = {**_analysis_dict(analysis), "into_china": True}  # China is the market, not the exporter's home
        intent = a.get("intent") or "rules"

        if intent == "out_of_domain":
            return self._refuse(lang, a, phrase("no_promise" if asks_promise(text) else "out_of_domain", lang))
        if asks_forecast(text):  # "明年会不会把PVC加进RoHS？": what no record can say
            return self._refuse(lang, a, phrase("no_forecast", lang))
        if asks_opinion(text):  # "who was in the right there?": a judgement no record holds
            return self._refuse(lang, a, phrase("no_opinion", lang))
        if asks_company_name(text, (state.get("topic") or {}).get("intent") == "alerts"):
            return self._refuse(lang, a, phrase("no_company_names", lang))  # alerts name no firms
        if intent in ("help", "smalltalk") and not a.get("refs"):
            return Answer(text=phrase("help", lang), language=lang, intent=intent, analysis=a,
                          followups=self._starter_questions(lang), composer="dialogue")

        query = a.get("normalized") or text
        resp = searcher.search(query, SEARCH_K, analysis=analysis)
        if not did_merge and not left:
            resp, analysis, a = self._carry_slots(searcher, text, resp, analysis, a, state, lang, origins)
            query = a.get("normalized") or text
        hits = resp.hits
        trace = _trace_start(a, resp)
        if resp.unstated is not None:  # "印度BIS注册要交多少费用？": no record found states a fee
            evidence = build_evidence(searcher.index, list(resp.unstated.read))
            refused = self._not_stated(resp.unstated.kind, evidence[:2], lang)
            refused.trace = {**trace, "decision": {"answered": False, "reasons": [f"unstated {resp.unstated.kind}"]}}
            return refused
        # one short clarifying question when product or market is missing (never twice in a row),
        # only for a product-to-market question: one that names nothing else to look up
        if (self._needs_clarifying(a, state) and not set(resp.topical) - GENERIC_GOODS
                and not any("exact" in h.matched_by for h in hits)):
            return self._clarify(a, state, lang)
        if self._says_nothing_to_look_up(text, a, resp, state):  # "我们的货被卡了，怎么办？": ask, don't guess
            return self._clarify(a, state, lang, situation=True)
        state["clarified"] = False

        named_in_by: list[str] = []
        if resp.missing:
            # the act asked about is not held, but a record we have names it ("the new Machinery
            # Regulation replacing 2006/42/EC"): answer from that record, saying which is which
            naming = [h for h in hits if h.score >= REFUSE_BELOW and "exact" not in h.matched_by
                      and all(names_ref(searcher.index.record_rows.get(h.ref, {}), m) for m in resp.missing)]
            if not naming:
                return self._not_found(searcher, resp, lang, a)
            hits = naming + [h for h in hits if h not in naming and "exact" not in h.matched_by]
            named_in_by = [naming[0].ref]
        intent, hits, best = self._gather(searcher, text, query, analysis, a, intent, hits)
        fallback = any("market" in h.matched_by for h in hits)
        trace["decision"] = {"score": round(best, 3), "threshold": REFUSE_BELOW,
                             "answered": bool(hits) and (best >= REFUSE_BELOW or fallback),
                             "reasons": _decision_reasons(hits, best, fallback)}
        if not hits or (best < REFUSE_BELOW and not fallback):
            names = [str(u) for u in resp.unknown]  # "PPWR": say what is missing, not only that nothing fits
            reason = (phrase("unknown_names_refused", lang, names=("、" if lang == "zh" else ", ").join(names))
                      if names else phrase("refused", lang))
            refused = self._refuse(lang, a, reason)
            refused.trace = trace
            return refused

        evidence = build_evidence(searcher.index, hits)
        if (intent == "cases" and about is None and _ASKS_DISPUTE.search(text)
                and not any(e.type in ("case", "dispute") for e in evidence)):
            # "has anyone brought a WTO dispute against the EUDR?": no dispute found is the answer,
            # not the regulation itself dressed up as one (but "私人执法者起诉前…" after Prop 65 asks
            # what that rule says of lawsuits)
            refs = ("、" if lang == "zh" else ", ").join(e.ref for e in evidence[:2])
            refused = self._refuse(lang, a, phrase("cases_none", lang, refs=refs))
            refused.trace = trace
            return refused
        ctx = self._context(a, lang, evidence, intent)
        if intent == "report" and not market_codes(text):
            # whose form: the reporter's home when the message names it ("What if my company is in
            # the US?"), else China's; a market carried from the talk is where the barrier is
            ctx["market"] = None
        ctx["general_rules"] = [h.ref for h in hits if "market" in h.matched_by]
        ctx["question"] = asked
        ctx["question_terms"] = resp.translations
        ctx["aligned"] = resp.aligned
        if named_in_by:  # answer from the record that names what was asked, with its sentence naming it
            ctx["naming"] = {"ref": named_in_by[0], "missing": resp.missing[0]}
        if any("strong" in h.matched_by for h in hits):
            ctx["product"] = None  # what the analysis took for the product matched nothing cited
        unstated = self._unstated(intent, evidence, text, lang, ctx)
        if unstated is not None:  # "印度BIS注册要交多少费用？" when no record gives a fee
            unstated.trace = trace
            return unstated
        composed = OfflineComposer(self.today()).compose(intent, evidence, lang, ctx)
        answer = self._finish(composed, evidence, lang, a, intent)
        cited_by = next((c.n for c in answer.citations if named_in_by and c.ref == named_in_by[0]), None)
        if cited_by is not None:
            _lead_with(answer, phrase("named_in_other", lang, ref=resp.missing[0], by=named_in_by[0]) + f" [{cited_by}]")
        unheard = _unheard_of(resp.unknown, answer, searcher.index.record_rows)
        if unheard:  # "PPWR recycled content": say we have nothing on PPWR before the nearest records
            _lead_with(answer, phrase("unknown_names", lang, names="、".join(unheard) if lang == "zh" else ", ".join(unheard)))
        trace["passages"] = list(getattr(composed, "passages", []) or [])
        trace["direct"] = getattr(composed, "direct", "")
        trace["form"] = getattr(composed, "form", "")
        answer.trace = trace
        if self.llm is not None and intent != "report":
            answer = self._llm_answer(text, evidence, lang, a, intent, answer)
        doc = _document_discussed(searcher, a, intent, answer, text)
        topical = list(resp.topical)
        kept = [str(w) for w in (state.get("topic") or {}).get("words") or []]  # the talk's words so far
        if about is not None:  # a question about the document: its name's words say nothing new of the talk
            named = about.lower()
            topical = list(dict.fromkeys([*kept, *(w for w in topical if w.lower() not in named)]))
        elif did_merge:  # "what code do we give our importer?" after AEO recognition: still about AEO
            topical = list(dict.fromkeys([*topical, *kept]))
        # talk about disputes or rejections, as the evidence decided it (a notification question
        # answered by a dispute: "And the EU duties on Chinese shoes?" asks for another dispute)
        answered_as = {**_without_markets(a, origins), **({"intent": intent} if intent in ("cases", "alerts") else {})}
        state["topic"] = next_topic(state.get("topic"), answered_as, topical, doc, named_from)
        state["topics"] = [*history, state["topic"]][-HISTORY:]
        state["last_citations"] = [c.model_dump() for c in answer.citations]
        state["offered_report"] = intent in ("report", "alerts")
        state["last_question"] = text[:ANALYSIS_CHARS]
        return answer

    def _unstated(self, intent: str, evidence: list[Evidence], text: str, lang: str,
                  ctx: dict[str, Any]) -> Answer | None:
        """A refusal naming the records read when the fee or size asked for is in none of them."""
        from assistant.answer.direct import unstated_measure
        from assistant.answer.status import rule_status

        today = self.today()
        statuses = {e.ref: rule_status(e.record, e.ref, today) for e in evidence}
        found = unstated_measure(intent, evidence, text, lang, ctx, statuses, today)
        if found is None:
            return None
        kind, read = found
        return self._not_stated(kind, read, lang)

    def _not_stated(self, kind: str, read: list[Evidence], lang: str) -> Answer:
        """A refusal naming the records read, none of which states the quantity asked for."""
        from assistant.answer.direct import name

        refs = ("、" if lang == "zh" else "; ").join(name(e, lang) for e in read)
        return self._refuse(lang, {}, phrase("not_stated", lang, refs=refs, what=phrase(f"measure_{kind}", lang)))

    def _subscription(self, text: str, state: dict[str, Any], lang: str | None) -> Answer | None:
        """Early-warning subscriptions made in chat ("订阅欧盟玩具的通报", "my subscriptions")."""
        from assistant.alerts.chat import subscription_reply

        _ = self.sessions  # the engine
        vocab = None
        try:
            vocab = self.searcher.vocab
        except Exception:  # no index yet: subscriptions by market and keyword still work
            vocab = None
        reply = subscription_reply(self._engine, str(state.get("session_id")), text,
                                   lang or state.get("lang") or text_language(text) or "zh", vocab)
        if reply is None:
            return None
        return Answer(text=reply.text, language=reply.lang, intent="subscribe", composer="dialogue")

    # -- pieces ----------------------------------------------------------------------------
    def _gather(self, searcher: Any, text: str, query: str, analysis: Any, a: dict[str, Any], intent: str,
                hits: list[Any]) -> tuple[str, list[Any], float]:
        """(intent to compose, the hits the answer may cite, the best raw score).

        The evidence has the last word on the kind of answer: a notification question that finds no
        notification is answered as a rules question, a question whose best match is a past case
        as a case, a how-to-report question that finds no form as a rules question.
        """
        rows = searcher.index.record_rows
        intent = self._compose_intent(intent, a)
        words = product_words(a, searcher.vocab)
        hits = hits + self._supplement(searcher, query, analysis, a, intent, hits)
        best = max((h.score for h in hits), default=0.0)
        selected = select_hits(hits, a, rows, intent, text, words)
        if intent == "notification" and not a.get("refs") and not any(h.type == "notification" for h in selected):
            intent = "requirements" if (question_hs(a) or a.get("products")) and question_markets(a) else "rules"
            selected = select_hits(hits, a, rows, intent, text, words)
        if (intent == "alerts" and not a.get("refs") and not any(h.type == "alert" for h in selected)
                and (question_hs(a) or a.get("products")) and question_markets(a)):
            # no rejection on record there ("日本呢？" after goji rejections in the EU): what the
            # market requires of the product is the answer we have
            intent = "requirements"
            hits = hits + self._supplement(searcher, query, analysis, a, intent, hits)
            best = max((h.score for h in hits), default=0.0)
            selected = select_hits(hits, a, rows, intent, text, words)
        top = max(selected, key=lambda h: h.score, default=None)
        no_form = intent == "report" and not any(h.type == "form" for h in selected)
        if top is not None and top.type in ("case", "dispute") and (intent in ("requirements", "rules") or no_form):
            intent = "cases"
            selected = select_hits(hits, a, rows, intent, text, words)
        elif no_form:
            intent = "rules"
        return intent, selected, best

    def _compose_intent(self, intent: str, a: dict[str, Any]) -> str:
        """A general question naming both a product and a market is a requirements question."""
        has_product = bool(question_hs(a) or a.get("products"))
        if intent == "rules" and has_product and question_markets(a) and not a.get("refs"):
            return "requirements"
        if intent == "requirements" and a.get("refs"):
            return "rules"  # "what does 公告〔2024〕150号 require?": about the document quoted
        return intent

    def _supplement(self, searcher: Any, query: str, analysis: Any, a: dict[str, Any], intent: str,
                    hits: list[Any]) -> list[Any]:
        """Cheap lexical look-ups (no second embedding) for what the main search may rank out:
        rejections of the product, and the rules of the market asked about."""
        if a.get("refs"):
            return []
        extra: list[Any] = []
        rows = searcher.index.record_rows
        has_product = bool(question_hs(a) or a.get("products"))
        china = any(h.type == "alert" and is_china_origin(rows.get(h.ref, {})) for h in hits)
        if has_product and intent in ("requirements", "alerts", "notification") and not china:
                found = searcher.search(query, 8, analysis=analysis, type="alert", mode="lexical",
                                        min_score=ALERT_MIN_SCORE).hits
                extra += [h for h in found if is_china_origin(rows.get(h.ref, {}))]
        if has_product and intent == "alerts" and (asks_latest(query) or asks_recent(query)):
            # the newest rejections of the product, when the question asks for the newest ("which
            # country notified the most recent one?") or recent ones ("最近有没有通报…"): looked up among every
            # rejection of the product, by its names alone (the rest of the question is about the
            # answer, not the goods)
            # RASFF names goods in English: the user's own English names when there are any (every
            # synonym added would dilute "melamine" and lose the melamine mug), else the vocabulary's
            own = [str(p) for p in a.get("products") or [] if str(p).isascii()]
            words = own or sorted(product_words(a, searcher.vocab), key=lambda w: not w.isascii())
            names = " ".join([*words[:LATEST_NAMES], "China"])
            found = searcher.search(names, LATEST_DEPTH, type="alert", mode="lexical", min_score=ALERT_MIN_SCORE).hits
            newest = sorted((h for h in found if is_china_origin(rows.get(h.ref, {}))), reverse=True,
                            key=lambda h: alert_date(rows.get(h.ref, {})))
            extra += newest[:LATEST_KEEP]
        markets = question_markets(a)
        answered = any(h.score >= REFUSE_BELOW for h in hits)
        if intent == "requirements" and markets and (has_product or not answered):
            # (a question naming no goods that a record passing the one gate answers, such as a
            # customs procedure for exports to the UK, is not asking for the UK's product rules)
            on_market = [h for h in hits if h.type == "regulation" and set(rows.get(h.ref, {}).get("markets") or []) & markets]
            if not on_market:  # the market's own rules, however weakly the words matched
                found = searcher.search(query, 6, analysis=analysis, type="regulation", market=sorted(markets),
                                        min_score=0.0, mode="lexical").hits
                asked_hs = question_hs(a)  # (a cosmetics rule is no general rule for milk powder)
                found = [dataclasses.replace(h, matched_by=[*h.matched_by, "market"]) for h in found
                         if not across_food_divide(asked_hs, rows.get(h.ref, {}).get("hs") or [])]
                extra += select_hits(found, a, rows, intent, "", product_words(a, searcher.vocab))[:MARKET_FALLBACK]
        if intent == "report" and any(h.type == "form" for h in hits):
            # how to report a barrier (a form matched): every intake form, however weakly the words
            # matched, so the reporter's own is among them
            found = searcher.search(query, 5, analysis=analysis, type="form", min_score=0.0, mode="lexical").hits
            extra += [dataclasses.replace(h, matched_by=[*h.matched_by, "kind"]) for h in found]
        top = max(hits, key=lambda h: h.score, default=None)
        if intent == "cases" and top is not None and top.type == "dispute":
            # the same measure disputed by other members (seal products: Canada, then Norway)
            found = searcher.search(top.title, 8, type="dispute", min_score=0.0, mode="lexical").hits
            extra += [dataclasses.replace(h, score=top.score) for h in found
                      if linked(top.ref, rows.get(top.ref, {}), h.ref, rows.get(h.ref, {}))]
        seen = {h.ref for h in hits}
        out = []
        for h in extra:
            if h.ref not in seen:
                seen.add(h.ref)
                out.append(h)
        return out

    def _context(self, a: dict[str, Any], lang: str, evidence: list[Evidence], intent: str = "rules") -> dict[str, Any]:
        from assistant.retrieve.markets import market_name

        markets = [m for m in a.get("markets") or [] if m in question_markets(a)]
        product = None
        if a.get("products"):
            product = str(a["products"][0])
        elif question_hs(a):
            cand = a["hs"][0]
            product = (cand.get("label_zh") if lang == "zh" else cand.get("label_en")) or cand.get("code")
        if product and question_hs(a):
            code = question_hs(a)[0]
            product = f"{product} (HS {code})" if lang == "en" else f"{product}（HS {code}）"
        market = None
        if markets:
            names = [market_name(m, lang) for m in markets[:2]]
            expanded = [m for m in a.get("markets_expanded") or [] if m not in markets]
            market = "、".join(names) if lang == "zh" else " / ".join(names)
            if expanded:
                bloc = market_name(expanded[0], lang)
                market = f"{market}（{bloc}）" if lang == "zh" else f"{market} ({bloc})"
        ctx: dict[str, Any] = {"product": product, "product_raw": (a.get("products") or [None])[0], "market": market}
        symbols = find_symbols(" ".join(a.get("refs") or []))
        core = symbols[0].core if symbols else None
        if core is None and intent == "notification":  # "FCC新规": the notification found first
            top = next((e for e in evidence if e.type == "notification"), None)
            core = (top.record.get("core_symbol") or top.ref) if top else None
        if core:
            fam = [e.ref for e in evidence if e.record.get("core_symbol") == core or e.ref == core]
            if fam:
                ctx["family"] = fam
                ctx["core"] = core
                # the document quoted; else the core, unless a member of its family matched the
                # question clearly better (the addendum that postponed the rule, for "until when were
                # the labs recognised?")
                scores = {e.ref: e.score for e in evidence}
                best = fam[0] if scores.get(fam[0], 0.0) >= scores.get(core, 0.0) + FAMILY_MARGIN else core
                ctx["asked"] = str(symbols[0]) if symbols and str(symbols[0]) in fam else best
        return ctx

    def _finish(self, composed: Composed, evidence: list[Evidence], lang: str, a: dict[str, Any], intent: str) -> Answer:
        """Renumber citations 1..m in order of first use and attach only the cited sources."""
        by_n = {e.n: e for e in evidence}
        order = [n for n in composed.used if n in by_n]
        renum = {old: new for new, old in enumerate(order, 1)}

        def renumber(t: str) -> str:
            return _MARKER.sub(lambda m: f"[{renum[int(m.group(1))]}]" if int(m.group(1)) in renum else "", t)

        text = renumber(composed.text)
        chat = renumber(getattr(composed, "chat", "") or "")
        citations = []
        for old in order:
            c = by_n[old].citation()
            c.n = renum[old]
            c.added_from = self._added_from(c.ref)
            citations.append(c)
        local = [c.added_from for c in citations if c.added_from]
        if citations and len(local) == len(citations):  # nothing shipped and sourced behind it
            note = phrase("user_added_only", lang, files=", ".join(dict.fromkeys(local)))
            text, chat = f"{note}\n\n{text}", f"{note}\n\n{chat}" if chat else chat
        return Answer(
            text=text, language=lang, citations=citations, intent=intent,
            markets=list(a.get("markets") or []), hs=[str(c.get("code")) for c in a.get("hs") or []],
            followups=composed.followups, analysis=a, composer="offline", chat_text=chat,
        )

    def _added_from(self, ref: str) -> str | None:
        """The file a locally added record came from (its name only), or None for shipped ones."""
        try:
            return self.searcher.index.added_from(ref)
        except Exception:  # an index without provenance: treat as shipped, as before
            return None

    def _llm_answer(self, question: str, evidence: list[Evidence], lang: str, a: dict[str, Any], intent: str, offline: Answer) -> Answer:
        try:
            result = self.llm.compose(question, evidence[:8], lang, a)
        except Exception as exc:  # the offline answer is always there
            log.warning("LLM composer failed: %s", exc)
            result = None
        if result is None or not getattr(result, "ok", False):
            offline.composer = "llm-fallback"
            if result is not None:
                offline.notes = [f"verifier rejected the model's answer: {r}" for r in getattr(result, "removed", [])][:10]
                log.warning("LLM answer rejected by the verifier; using the offline answer (%s)", offline.notes)
            return offline
        by_n = {e.n: e for e in evidence}
        used = sorted({int(n) for n in _MARKER.findall(result.text) if int(n) in by_n})
        renum = {old: new for new, old in enumerate(used, 1)}
        text = _MARKER.sub(lambda m: f"[{renum[int(m.group(1))]}]" if int(m.group(1)) in renum else "", result.text)
        citations = []
        for old in used:
            c = by_n[old].citation()
            c.n = renum[old]
            citations.append(c)
        return offline.model_copy(update={
            "text": text, "citations": citations, "composer": "llm",
            "notes": [f"removed: {r}" for r in getattr(result, "removed", [])][:10],
        })

    def _cited_answering(self, text: str, analysis: Any, a: dict[str, Any], topic: dict[str, Any],
                         state: dict[str, Any], lang: str) -> str | None:
        """Of the records the last answer cited, the one a short follow-up that names nothing of its
        own asks about ("多久续一次？", "从哪天开始的？"), read with the conversation's goods and
        market: it passes the gate and no other record answers better. None otherwise."""
        if not is_short(text) or a.get("refs") or a.get("markets") or names_goods(a):
            return None
        if a.get("intent") not in DOC_INTENTS or topic.get("intent") == "alerts":
            return None  # (rejections are answered as a set: "主要是什么问题？" asks of them all)
        cited = [str(c.get("ref")) for c in state.get("last_citations") or [] if c.get("ref")]
        if not cited:
            return None
        own, best = self._relevances_in_context(text, _topic_words(topic, text, lang), cited)
        return _document_answering(own, best)

    def _relevances_in_context(self, text: str, words: list[str], refs: list[str]) -> tuple[dict[str, float], float]:
        """`searcher.relevances_of` for a follow-up read with the conversation's words after it."""
        in_context = " ".join([text, *words])
        return self.searcher.relevances_of(in_context, _quick_analysis(in_context, self.searcher), refs)

    def _leaves_document(self, text: str, analysis: Any, topic: dict[str, Any]) -> bool:
        """A short follow-up that says it asks about another one ("还有个沙丁鱼的案子", "another
        case on …") and names a subject of its own which the document under discussion
        never mentions (in either language, as search aligns it), and which read alone finds
        another record of the document's kind (not its companion or related text) that passes the
        gate: a new question, not one about the document."""
        if not is_short(text) or refers_back(text) or not _ANOTHER.search(text):
            return False  # "这个案子援引了SPS协定吗？" is about it; "还有个…的案子" says it is another
        doc = str(topic.get("doc"))
        row = self.searcher.index.record_rows.get(doc) or {}
        resp = self.searcher.search(text, SEARCH_K, analysis=analysis)
        blob = json.dumps(row, ensure_ascii=False).lower()
        said = {str(w).lower(): [str(x).lower() for x in alts] for w, alts in resp.aligned}
        new_words = [w for w in resp.topical
                     if not any(x in blob for x in [str(w).lower(), *said.get(str(w).lower(), [])])]
        if not new_words or not resp.hits or resp.best_score < REFUSE_BELOW:
            return False
        family = {doc, *self.searcher.companions(doc), *(str(r) for r in row.get("related") or [])}
        # another text of the document's own kind (another dispute, another announcement)
        return resp.hits[0].ref not in family and resp.hits[0].type == row.get("type")

    def _answering_document(self, text: str, analysis: Any, topic: dict[str, Any], lang: str) -> str | None:
        """The document under discussion (or its companion) when it answers a longer follow-up that
        names nothing of its own: read alone, or else in the conversation's context ("which pests
        exactly is China worried about?" after Malaysian durian into China names no durian) when
        that reading explains the question better than the best record it finds alone (the
        importer's own filing after honey rules is another text) and it is not off-topic."""
        doc = str(topic.get("doc"))
        refs = [doc, *self.searcher.companions(doc)]
        own, best = self.searcher.relevances_of(text, analysis, refs)
        found = _document_answering(own, best)
        words = _topic_words(topic, text, lang)
        if found is not None or not words or getattr(analysis, "intent", None) == "out_of_domain":
            return found
        own, best_in_context = self._relevances_in_context(text, words, refs)
        found = _document_answering(own, best_in_context)
        return found if found is not None and own[found] > best else None

    def _carry_goods(self, searcher: Any, text: str, resp: Any, analysis: Any, a: dict[str, Any],
                     topic: dict[str, Any]) -> tuple[Any, Any, dict[str, Any]]:
        """A question that names a market but no goods ("What has to be on the label for the US?"
        after the Bluetooth speaker for Europe) is about the conversation's goods there, when that
        reading finds a better answer than the question read alone."""
        words = [str(w) for w in topic.get("products") or []]
        merged = _with(analysis, hs=topic.get("hs") or [], products=topic.get("products") or [],
                       normalized=" ".join([a.get("normalized", text), *words]))
        carried = searcher.search(merged.normalized, SEARCH_K, analysis=merged)
        if carried.best_score >= REFUSE_BELOW and carried.best_score > resp.best_score:
            return carried, merged, _analysis_dict(merged)
        return resp, analysis, a

    def _carry_slots(self, searcher: Any, text: str, resp: Any, analysis: Any, a: dict[str, Any],
                     state: dict[str, Any], lang: str, home: set[str]) -> tuple[Any, Any, dict[str, Any]]:
        """A short question that names no product or market but a new topic ("进口商有什么义务？"
        after "玩具出口欧盟需要什么") keeps the conversation's product and market, when the
        question read that way finds an answer; otherwise it stands alone."""
        topic = state.get("topic") or {}
        # China named as where the asker is (`home`: "can we be the responsible person ourselves,
        # from China?") is no market of the question
        markets = [m for m in a.get("markets") or [] if m not in home]
        if (markets and not (a.get("refs") or names_goods(a)) and topic.get("products")
                and a.get("intent") != "report"):  # "how do we report it in China?": China's form, whatever the goods
            return self._carry_goods(searcher, text, resp, analysis, a, topic)
        same_goods = names_goods(a) and not names_other_goods(a, topic)  # "the toy" after plush toys
        if a.get("refs") or markets or ((a.get("hs") or a.get("products")) and not same_goods):
            return resp, analysis, a
        if not resp.topical and a.get("intent") not in _ABOUT_GOODS:
            return resp, analysis, a  # "怎么报告？" stands alone; "有没有被通报的案例？" is about the conversation's goods
        if not (topic.get("markets") or topic.get("products")):
            return resp, analysis, a
        if resp.hits and resp.best_score >= REFUSE_BELOW and self._names_title(searcher, text, resp.hits[0].ref):
            return resp, analysis, a  # "征集表里…那栏要写些什么？": a text of its own, named by its title
        if not (is_short(text) or same_goods) and not (resp.hits and (
                leaves_market(resp.hits[0].markets, topic) or _leaves_goods(resp.hits[0].hs, topic))):
            # a longer question stands alone unless read alone it jumps market or goods (medical
            # devices' rules for "can we be the responsible person?" after lipstick), or it names
            # the conversation's own goods ("can we write 100% cotton…?" after cotton tees)
            return resp, analysis, a
        words = _topic_words(topic, text, lang)
        merged = _with(analysis, hs=topic.get("hs") or [], products=topic.get("products") or [],
                       markets=topic.get("markets") or [], markets_expanded=topic.get("markets_expanded") or [],
                       normalized=" ".join([a.get("normalized", text), *words]))
        carried = searcher.search(merged.normalized, SEARCH_K, analysis=merged)
        # inside a conversation a question that names no product or market is about the
        # conversation's, whenever that reading finds an answer
        if carried.best_score >= REFUSE_BELOW:
            return carried, merged, _analysis_dict(merged)
        return resp, analysis, a

    def _names_title(self, searcher: Any, text: str, ref: str) -> bool:
        """The message names the record by words of its title that few titles share: three
        Chinese characters in a row (征集表 of 技术性贸易措施征集表) or two English words of three
        letters or more."""
        rows = searcher.index.record_rows
        key = str(searcher.index.path)  # a generation never changes once built
        counts = self._title_counts.get(key)
        if counts is None:  # how many records' titles hold each piece (rejections aside), once per index
            counts = Counter(p for row in rows.values() if row.get("type") != "alert"
                             for p in set().union(*(_title_pieces(t) for t in _titles(row))))
            self._title_counts = {key: counts}
        mine = set().union(*(_title_pieces(t) for t in _titles(rows.get(ref) or {})))
        return any(counts.get(p, 0) <= DISTINCT_TITLE for p in _title_pieces(text) & mine)

    def _beyond_coverage(self, text: str, analysis: Any, lang: str) -> str | None:
        """Alerts or disputes asked for only from after the last one held ("2024年新提起的WTO争端")
        are said to be missing, with the date the records run to, instead of offering old ones."""
        b = self.searcher.beyond_coverage(text, analysis)
        if b is None:
            return None
        asked = f"{b.asked}年" if lang == "zh" and b.asked.isdigit() else b.asked
        return phrase("beyond_coverage", lang, kind=phrase(f"kind_{b.kind}", lang), until=b.until, asked=asked)

    def _provision_followup(self, text: str, state: dict[str, Any]) -> str:
        """"What does Article 18 say?" / "第140条呢？" after an answer about one act: the question is
        about that act's provision (said to be missing when the act has no such provision)."""
        places = find_provisions(text)
        cites = state.get("last_citations") or []
        if not places or not cites or not is_short(text):
            return text
        n = citation_request(text)
        if n is not None and 1 <= n <= len(cites) and not re.search(r"(?i)\barticle\b|\bannex\b|附件", text):
            return text  # "第2条详细说说": source [2] of the last answer
        searcher = self.searcher
        if any(r for r in searcher.exact_refs(_quick_analysis(text, searcher))):
            return text  # the question names its act
        doc = next((c["ref"] for c in cites if searcher.provisions_of(c["ref"])), None)
        return f"{doc} {text}" if doc else text

    def _not_found(self, searcher: Any, resp: Any, lang: str, a: dict[str, Any]) -> Answer:
        """A quoted identifier the corpus does not hold: say so, and offer real neighbours as such."""
        missing = resp.missing[0]
        symbol = find_symbols(missing)
        key = "unknown_ref" if symbol else "not_in_corpus"  # a WTO symbol: check ePing
        ref, _, place = missing.rpartition(", ")
        said = f"{ref} {place_label(place, lang)}" if ref and place and lang == "zh" else missing
        parts = [phrase(key, lang, ref=said)]
        if ref and place:
            kind = place.split(" ")[0]
            have = searcher.provisions_of(ref, kind)
            if have:
                parts.append(phrase("provision_range", lang, ref=ref, first=place_label(have[0], lang),
                                    last=place_label(have[-1], lang)))
        family = sorted(searcher.index.by_core_symbol.get(symbol[0].core, [])) if symbol else []
        near = [r for r in family if r != missing][:3] or [
            h.ref for h in resp.hits if h.ref != missing and "exact" not in h.matched_by][:3]
        if near:
            parts.append(phrase("nearest_real", lang, refs="; ".join(near)))
        answer = self._refuse(lang, a, "\n\n".join(parts))
        answer.followups = [f"{r}" for r in near] + answer.followups
        answer.trace = {**_trace_start(a, resp), "decision": {
            "answered": False, "reasons": [f"not in the corpus: {m}" for m in resp.missing]}}
        return answer

    def _needs_clarifying(self, a: dict[str, Any], state: dict[str, Any]) -> bool:
        if a.get("intent") != "requirements" or a.get("refs") or state.get("clarified"):
            return False
        return not (question_markets(a) and (question_hs(a) or a.get("products")))

    def _names_a_document(self, text: str, hits: list[Any], rows: dict[str, dict[str, Any]]) -> bool:
        """The best hit is a specific document (a case, a notification, a form) or one the question names."""
        if not hits:
            return False
        top = hits[0]
        if top.score < REFUSE_BELOW:
            return False
        return top.type in ("case", "dispute", "notification", "form") or named_in(text, top.ref, rows.get(top.ref, {}), rows)

    @staticmethod
    def _says_nothing_to_look_up(text: str, a: dict[str, Any], resp: Any, state: dict[str, Any]) -> bool:
        """The message is about the user's goods ("我们的货", "our shipment") but names no goods,
        market, document or topic word, and the conversation has no subject to lend it: too vague
        to search, not a question the sources fail."""
        named = (a.get("refs") or a.get("markets") or a.get("products") or question_hs(a)
                 or set(resp.topical) - GENERIC_GOODS or resp.unknown)
        words = set(re.findall(r"[a-z]+", text.lower()))
        about_goods = bool(words & GENERIC_GOODS) or any(w in text for w in GENERIC_GOODS if not w.isascii()) or "货" in text
        return (not named and about_goods and a.get("intent") in ("rules", "requirements")
                and not state.get("clarified") and not (state.get("topic") or {}).get("markets"))

    def _clarify(self, a: dict[str, Any], state: dict[str, Any], lang: str, situation: bool = False) -> Answer:
        state["clarified"] = True
        state["topic"] = {k: a.get(k) for k in ("intent", "hs", "products", "markets", "markets_expanded")}
        if situation:  # nothing named at all: what, where to, and what happened
            q, choices = phrase("clarify_situation", lang), PRODUCT_CHOICES[lang]
        elif question_hs(a) or a.get("products"):
            product = str((a.get("products") or [a["hs"][0].get("label_zh" if lang == "zh" else "label_en")])[0])
            q, choices = phrase("clarify_market", lang, product=product), MARKET_CHOICES[lang]
        else:
            q, choices = phrase("clarify_product", lang), PRODUCT_CHOICES[lang]
        return Answer(text=q, language=lang, intent="requirements", analysis=a, choices=choices,
                      markets=list(a.get("markets") or []), composer="dialogue")

    def _unknown_symbols(self, a: dict[str, Any], hits: list[Any]) -> list[str]:
        found = {h.ref for h in hits}
        out = []
        for s in find_symbols(" ".join(a.get("refs") or [])):
            if str(s) not in found and s.core not in found:
                out.append(str(s))
        return out

    def _refuse(self, lang: str, a: dict[str, Any], reason: str) -> Answer:
        text = reason + "\n\n" + phrase("refuse_next", lang)
        return Answer(text=text, language=lang, refused=True, intent=a.get("intent") or "rules", analysis=a,
                      markets=list(a.get("markets") or []), followups=[phrase("start_report", lang)])

    def _starter_questions(self, lang: str) -> list[str]:
        if lang == "zh":
            return ["出口蓝牙耳机到欧盟需要什么认证？", "美国FCC新规对我们有什么影响？", "我们的枸杞在欧盟被通报了怎么办？", "怎么报告贸易壁垒？"]
        return ["What do Bluetooth earphones need for the EU?", "What does G/TBT/N/USA/867/Add.1 change?",
                "Recent EU rejections of goji berries from China?", "How do I report a trade barrier?"]

    def _open_citation(self, n: int, state: dict[str, Any], lang: str) -> Answer:
        """Everything source [n] of the last answer says; the list stays so [m] can follow."""
        cites = state.get("last_citations") or []
        if not cites:
            return Answer(text=phrase("no_previous", lang), language=lang, intent="help", refused=True,
                          composer="dialogue", followups=self._starter_questions(lang))
        if n < 1 or n > len(cites):
            return Answer(text=phrase("no_such_citation", lang, n=n, count=len(cites)), language=lang,
                          intent="rules", refused=True, composer="dialogue")
        c = cites[n - 1]
        row = self.searcher.index.record_rows.get(c["ref"])
        if row is None:
            return self._refuse(lang, {}, phrase("refused", lang))
        ev = Evidence(n=1, ref=c["ref"], type=c["type"], title=c["title"], cite=c.get("cite") or c["ref"],
                      snippet=c.get("snippet", ""), text=record_text(row), url=c.get("url"), page=c.get("page"),
                      record=row)
        composed = OfflineComposer(self.today()).detail(ev, lang, shown_as=n)
        return Answer(text=composed.text, language=lang, citations=[ev.citation()], intent="rules",
                      markets=list(row.get("markets") or []), hs=list(row.get("hs") or []), composer="offline")

    # -- barrier reports -------------------------------------------------------------------
    def _start_intake(self, text: str, state: dict[str, Any], lang: str | None, channel: str) -> Answer:
        lang = lang or state.get("lang") or ("zh" if re.search(r"[\u4e00-\u9fff]", text) else "en")
        narrative = state.get("last_question") if state.get("offered_report") else None
        sid = state.get("session_id")
        turn = self.intake.resume(sid) if sid else None  # an unfinished draft is picked up again
        if turn is None:
            turn = self.intake.start(narrative or "", lang, channel, session_id=sid)
        return self._from_turn(turn, state, lang)

    def _intake_turn(self, text: str, state: dict[str, Any], lang: str | None, channel: str) -> Answer:
        lang = lang or state.get("lang") or "zh"
        turn = self.intake.handle(state["intake"], text, session_id=state.get("session_id"))
        return self._from_turn(turn, state, lang)

    def _from_turn(self, turn: Any, state: dict[str, Any], lang: str) -> Answer:
        state["intake"] = None if turn.done else turn.state
        state["mode"] = "ask" if turn.done else "report"
        state["offered_report"] = False
        return Answer(text=turn.reply, language=lang, intent="report", composer="intake",
                      choices=list(turn.choices or []), report_number=turn.report_number,
                      mode="ask" if turn.done else "report")

    def _link(self, text: str, markets: list[str], hs: list[str]) -> list[tuple[str, str]]:
        """Records that may be what a reporter met (offered as "is it this one?")."""
        try:
            resp = self.searcher.search(text, 3, type=["alert", "notification", "regulation"])
        except Exception:
            return []
        return [(h.ref, h.title) for h in resp.hits if h.score >= 0.5]


# the kinds of question that are about some goods in some market, so that one naming nothing at all
# is about the conversation's
_ABOUT_GOODS = frozenset({"alerts", "cases", "notification", "requirements"})

# a record that is one document to talk about (a dispute, a notification, a case, an announcement),
# unlike a list of rejections or the several acts a product needs
_DOCUMENT_TYPES = frozenset({"dispute", "notification", "case", "announcement"})


def _related_cases(rows: dict[str, dict[str, Any]], ref: str) -> list[str]:
    """The past cases and disputes a record that is neither links to (its `related` list)."""
    row = rows.get(ref) or {}
    if row.get("type") in ("case", "dispute"):
        return []
    return [str(r) for r in row.get("related") or [] if (rows.get(str(r)) or {}).get("type") in ("case", "dispute")]


def _lead_with(answer: Answer, note: str) -> None:
    """Put `note` before the answer, in its full and its chat form."""
    answer.text = f"{note}\n\n{answer.text}"
    answer.chat_text = f"{note}\n\n{answer.chat_text}" if answer.chat_text else answer.chat_text


def _unheard_of(names: list[str], answer: Answer, rows: dict[str, dict[str, Any]]) -> list[str]:
    """The names in capitals the question used (PPWR, SONCAP) that no record cited mentions."""
    if not names or not answer.citations:
        return []
    blob = " ".join(json.dumps(rows.get(c.ref, {}), ensure_ascii=False) for c in answer.citations).lower()
    return [n for n in names if n.lower() not in blob]


def _without_markets(a: dict[str, Any], codes: set[str]) -> dict[str, Any]:
    """The analysis with `codes` taken out of its markets (China named as where goods come from)."""
    return {**a, "markets": [m for m in a.get("markets") or [] if m not in codes]}


def _document_answering(own: dict[str, float], best: float) -> str | None:
    """Of the document under discussion and its companion texts about the same measure (its
    official interpretation), with their relevance to a follow-up (`own`) and the best relevance of
    any record (`best`), the one that answers it: it passes the gate, and no other record is a
    strong match ("Do we still have to do the origin filing?" after GSP for Russia finds the filing
    announcement itself). None when neither does."""
    ref = max(own, key=lambda r: own[r])  # the document itself on a tie
    if own[ref] >= REFUSE_BELOW and (best < STRONG_SCORE or own[ref] >= best):
        return ref
    return None


def _parties(searcher: Any, topic: dict[str, Any] | None, text: str) -> frozenset[str]:
    """The members a dispute under discussion is between ("Did Japan invoke … there?" after Japan v
    Korea), or the markets of any document the question points back at ("the original US
    notification"); none otherwise, where a market named is a new question's ("欧盟零毁林法规…")."""
    row = searcher.index.record_rows.get(str((topic or {}).get("doc") or "")) or {}
    return frozenset(record_markets(row)) if row.get("type") == "dispute" or refers_back(text) else frozenset()


# a step within a dispute that either party takes: an appeal, retaliation, compliance
_DISPUTE_STEP = re.compile(r"上诉|报复|反制|执行|合规|\b(?:appeal(?:s|ed)?|retaliat\w*|compl(?:y|ied|iance)|implement\w*)\b", re.I)
DISTINCT_TITLE = 3  # titles a piece of a title may be shared by and still name its record


def _titles(row: dict[str, Any]) -> list[str]:
    return [str(row.get(k) or "") for k in ("title", "title_zh", "title_en")]


def _title_pieces(text: str) -> set[str]:
    """Three Chinese characters in a row and two English words in a row (3+ letters each)."""
    low = text.lower()
    cjk = {run[i : i + 3] for run in re.findall(r"[\u4e00-\u9fff]{3,}", low) for i in range(len(run) - 2)}
    words = re.findall(r"[a-z]{3,}", low)
    return cjk | {f"{x} {y}" for x, y in zip(words, words[1:], strict=False)}


def _another_dispute(text: str, row: dict[str, Any]) -> bool:
    """The dispute under discussion is not the one a message asks about when the message says who
    complained against whom and the dispute has another complainant or respondent ("美国告中国取向
    电工钢双反的那个呢？" after DS379, China v United States)."""
    from assistant.retrieve.markets import market_codes
    from assistant.retrieve.parties import complainants, respondents

    if row.get("type") != "dispute" or _DISPUTE_STEP.search(text):
        return False  # ("美国后来对中国提起上诉了吗？": a step within the dispute, by its respondent)
    said_by, said_against = complainants(text), respondents(text)
    by, against = set(market_codes(str(row.get("complainant") or ""))), set(market_codes(str(row.get("respondent") or "")))
    return bool((said_by and by and not said_by & by) or (said_against and against and not said_against & against))


def _worded_document(about: str, text: str, rows: dict[str, Any]) -> str:
    """The follow-up document of the one discussed that a turn names in words ("tell me more about
    the second addendum" after G/TBT/N/USA/867: its Add.2), when held; else the one discussed."""
    from assistant.refs import parse_symbol, worded_follow_up

    symbol, worded = parse_symbol(about), worded_follow_up(text)
    if symbol is None or worded is None:
        return about
    named = f"{symbol.core}/{worded[0]}.{worded[1]}"
    return named if named in rows else about


def _named_in_opening(opening: str, answer: Answer) -> str | None:
    """The cited notification, dispute or China Customs announcement an answer's opening names."""
    from assistant.refs import find_disputes, find_gacc, find_symbols

    cited = {c.ref for c in answer.citations}
    named = [str(s) for s in find_symbols(opening)] + find_disputes(opening) + find_gacc(opening)
    return next((r for r in named if r in cited), None)


def _document_discussed(searcher: Any, a: dict[str, Any], intent: str, answer: Answer, text: str = "") -> str | None:
    """The document a turn was about, for follow-ups that name nothing ("How did it end?"): the
    one it quoted, else the first cited when that is a single document the question looked for
    (a case, a notification, a rule, or the one a "which announcement…?" asked for)."""
    if not answer.citations:
        return None
    first = answer.citations[0].ref
    if a.get("refs"):
        return first
    if question_form(text) == "which":  # "which WTO notification…?": the one the opening names
        named = _named_in_opening(str((answer.trace or {}).get("direct") or ""), answer)
        if named:
            return named
    row = searcher.index.record_rows.get(first) or {}
    # a case, notification or rule looked for; or a China Customs text, which is one measure whatever
    # the question's kind ("we don't need the origin filing anymore?" -> "since when exactly?")
    looked_for = (intent in ("cases", "notification", "rules") or question_form(text) == "which"
                  or row.get("type") == "announcement")
    if looked_for and row.get("type") in _DOCUMENT_TYPES:
        return first
    if intent == "report" and row.get("type") == "form":  # the channel to use ("have they got examples?")
        return first
    if intent == "requirements" and len(answer.citations) == 1 and row.get("type") == "regulation":
        return first  # the one rule that answered ("And in the EU?" -> RED): "that requirement" next
    if intent == "alerts" and row.get("type") == "alert" and asks_latest(text):
        return first  # "the last alert on melamine ware" -> "and what was wrong with it?"
    return None
