"""Turn search hits into numbered Evidence: the only facts a composer may state.

`select_hits` keeps only the hits that are on the question's topic (the market asked about, the
product's HS codes, the records linked to a quoted reference), so that an answer never cites a
record merely because it ranked well. `record_text` renders every typed field of a record (dates
in ISO form) so that the citation verifier can check each symbol, date and figure of an answer
against what was cited; `citation_evidence` rebuilds that evidence from an answer's citations.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from assistant.answer.models import Citation, Evidence
from assistant.index.store import LoadedIndex
from assistant.index.tokenize import word_spans
from assistant.retrieve.analyze import notifying_members
from assistant.retrieve.products import hs_matches
from assistant.retrieve.relevance import (
    about_importing,
    for_all_exports,
    named_origins,
    record_markets,
    section_rule,
    speaks_of_customs,
)
from assistant.retrieve.search import NO_ANSWER_THRESHOLD, Hit

PRODUCT_CONFIDENCE = 0.5  # HS candidates at least this sure name the product asked about
NAME_SHARED_BY = 3  # a short name carried by more records than this (FCC, AEO) names none of them
STRONG_SCORE = 0.6  # a match this good stands on its own (no fallback added beside it)
MIN_SCORE = NO_ANSWER_THRESHOLD  # one relevance gate: what search returns as relevant may be cited
RELATIVE_SCORE = 0.9  # general questions: unlinked hits must score this share of the best one
_TEXT_FIELDS = ("title", "title_en", "title_zh", "products", "summary_en", "summary_zh", "scope_en",
                "scope_zh", "product", "keywords")

_SKIP = {"type", "source", "licence", "language"}


def _flatten(value: Any, out: list[str], key: str = "") -> None:
    if value is None or value == "" or value == [] or value == {}:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, out, k)
    elif isinstance(value, list):
        for v in value:
            _flatten(v, out, key)
    else:
        out.append(f"{key}: {value}" if key and key not in ("text",) else str(value))


def record_text(row: dict[str, Any], limit: int = 6000) -> str:
    """All fields of a record as plain lines (what the record says, nothing added)."""
    lines: list[str] = []
    for key, value in row.items():
        if key in _SKIP:
            continue
        if key == "text":
            continue
        _flatten(value, lines, key)
    body = row.get("text") or ""
    text = "\n".join(lines)
    if body:
        text += "\n" + body[: max(0, limit - len(text))]
    return text[:limit]


def build_evidence(index: LoadedIndex, hits: list[Hit], start: int = 1) -> list[Evidence]:
    out: list[Evidence] = []
    for i, hit in enumerate(hits, start):
        row = index.record_rows.get(hit.ref, {})
        chunk_text = index.cited_text(hit.chunk_id)  # a provision whole, however it was chunked
        text = record_text(row)
        if chunk_text and chunk_text not in text:
            text = chunk_text + "\n" + text
        out.append(
            Evidence(
                n=i, ref=hit.ref, type=hit.type, title=hit.title, cite=hit.cite, snippet=hit.snippet,
                text=text, url=hit.url, page=hit.page, score=hit.score, record=row,
            )
        )
    return out


# --- which hits are on topic ---------------------------------------------------------------------


def question_markets(a: dict[str, Any]) -> set[str]:
    """Markets the question is about; China only when it asks about China's own import rules."""
    markets = set(a.get("markets") or []) | set(a.get("markets_expanded") or [])
    if not a.get("into_china") and not any(str(r).startswith(("海关总署", "公告")) for r in a.get("refs") or []):
        markets.discard("CHN")  # "from China" names the exporter, not the market
    return markets


def question_hs(a: dict[str, Any]) -> list[str]:
    return [str(c.get("code")) for c in a.get("hs") or [] if float(c.get("confidence") or 0) >= PRODUCT_CONFIDENCE]


def product_words(a: dict[str, Any], vocab: Any = None) -> list[str]:
    """The product as named, with its synonyms in both languages when a vocabulary knows them
    (枸杞 -> goji berries), so a Chinese question can recognise an English rejection record."""
    words = [str(p) for p in a.get("products") or []]
    if vocab is not None and hasattr(vocab, "related_words"):
        for p in list(words):
            words += [w for w in vocab.related_words(p) if w not in words]
    return [w.lower() for w in words if len(w) >= 2]


def is_china_origin(row: dict[str, Any]) -> bool:
    return row.get("origin_code") == "CHN" or "china" in str(row.get("origin") or "").lower()


def alert_date(row: dict[str, Any]) -> str:
    """When an alert was notified, as its ISO string ("" when not known): the key alerts sort by."""
    return str((row.get("dates") or {}).get("event") or "")


def _heads(words: list[str]) -> list[str]:
    """The head noun of a compound product name: jieba's last word (外科口罩 -> 口罩) or the last
    English word (surgical masks -> masks)."""
    out: list[str] = []
    for w in words:
        if w.isascii():
            parts = w.split()
            if len(parts) > 1 and len(parts[-1]) >= 4:
                out.append(parts[-1])
        elif len(w) >= 3:
            last = word_spans(w)[-1]  # jieba's last word: 外科口罩 -> 口罩, 太阳能电池板 -> 电池板
            head = w[last[0]:last[1]]
            if len(head) >= 2 and head != w:
                out.append(head)
    return out


def _mentions(row: dict[str, Any], words: list[str]) -> bool:
    if not words:
        return False
    parts: list[str] = []
    for key in _TEXT_FIELDS:
        v = row.get(key)
        if isinstance(v, list):
            parts.extend(str(x) for x in v)
        elif v:
            parts.append(str(v))
    blob = " ".join(parts).lower()
    for w in words:
        if w.isascii():  # whole words, plurals allowed both ways: "tea" is not in "steak", "mooncakes" is "Mooncake"
            one = w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w
            if re.search(rf"(?<![a-z0-9]){re.escape(one.lower())}", blob):
                return True
        elif w in blob:
            return True
    return False


_NAME_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*(?:-\d+)?(?![A-Za-z0-9])")
_GENERIC_NAMES = {"WTO", "TBT", "SPS", "EU", "EC", "EEC", "USA", "US", "UK", "GB", "GCC", "ASEAN", "EEE", "ISO",
                  "IEC", "EN", "AS", "NZS", "CFR", "OJ", "No", "HS", "SI", "CE"}


def _names(row: dict[str, Any], ref: str) -> set[str]:
    """The distinctive short names of a record: RoHS, PSTI, CBAM, TACP, RSS-247 ..."""
    names: set[str] = set()
    for text in (ref, row.get("title_en"), row.get("title_zh"), row.get("title")):
        for m in _NAME_TOKEN.finditer(str(text or "")):
            tok = m.group(0)
            if len(tok) >= 3 and tok not in _GENERIC_NAMES and not tok[0].isdigit():
                names.add(tok)
        # the act a record is named after, in its ref's brackets: "(Radio Waves Act)"
        names.update(m.group(1) for m in _ACT_NAME.finditer(str(text or "")))
    return names


_ACT_NAME = re.compile(r"\(((?:[A-Z][a-z]+ )+(?:Act|Law|Regulations?|Directive|Code|Ordinance))\)")


_name_counts: dict[tuple[int, int], Counter[str]] = {}


def _distinctive(rows: dict[str, dict[str, Any]] | None) -> Counter[str]:
    """How many records carry each short name (a name shared by many, like EMC, names none)."""
    if rows is None:
        return Counter()
    key = (id(rows), len(rows))  # one index generation at a time
    counts = _name_counts.get(key)
    if counts is None:
        counts = Counter()
        for ref, row in rows.items():
            if row.get("type") != "alert":
                counts.update(_names(row, ref))
        _name_counts.clear()
        _name_counts[key] = counts
    return counts


def named_in(question: str, ref: str, row: dict[str, Any], rows: dict[str, dict[str, Any]] | None = None) -> bool:
    """The question names this record: its ref, its title, or a short name few others share."""
    if not question:
        return False
    q = question.casefold()
    if ref.casefold() in q:
        return True
    for title in (row.get("title_zh"), row.get("title_en")):
        if title and len(str(title)) >= 4 and str(title).casefold() in q:
            return True
    counts = _distinctive(rows)
    return any(counts[n] <= NAME_SHARED_BY and re.search(rf"(?<![A-Za-z0-9]){re.escape(n)}(?![A-Za-z0-9])", question)
               for n in _names(row, ref))


def linked(a_ref: str, a_row: dict[str, Any], b_ref: str, b_row: dict[str, Any]) -> bool:
    """Two records point at each other (related, notifications, same notification family)."""
    if a_ref == b_ref:
        return True
    core_a, core_b = a_row.get("core_symbol"), b_row.get("core_symbol")
    if core_a and core_a in (core_b, b_ref):
        return True
    if core_b and core_b == a_ref:
        return True
    for y, row in ((b_ref, a_row), (a_ref, b_row)):
        if y in (row.get("related") or []) or y in (row.get("notifications") or []):
            return True
    return _same_matter(a_row, b_row)


SAME_MATTER = 0.75  # share of subject words two dispute titles have in common to be one matter


def _same_matter(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two WTO disputes over one measure, brought by different members (DS400 and DS401, seal
    products; DS394, DS395 and DS398, raw materials): their titles name the same subject."""
    if a.get("type") != "dispute" or b.get("type") != "dispute" or a.get("respondent") != b.get("respondent"):
        return False
    wa, wb = _subject_words(str(a.get("title") or "")), _subject_words(str(b.get("title") or ""))
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= SAME_MATTER


def _subject_words(title: str) -> frozenset[str]:
    subject = re.split(r"\s+[—–-]\s+", title, maxsplit=1)[-1]
    return frozenset(w for w in re.findall(r"[a-z]{3,}", subject.lower()) if w not in ("the", "and", "certain", "from"))


def _origins(row: dict[str, Any]) -> set[str]:
    return set(str(row.get("origin_code") or "").split("; ")) - {""}


def _on_market(row: dict[str, Any], markets: set[str]) -> bool:
    """The record is about a market asked about (or about none). A China Customs text on trade with
    the country asked about and no other ("中韩自贸协定…原产地证书" for "China-Korea FTA
    certificates") is too: China's side of that trade is its subject."""
    r_markets = record_markets(row)
    if not markets or not r_markets or r_markets & markets:
        return True
    mentions = set(row.get("mentions") or [])
    return r_markets == {"CHN"} and row.get("type") == "announcement" and bool(mentions) and mentions <= markets


def _speaks_of(row: dict[str, Any], markets: set[str]) -> bool:
    """A China Customs text whose words name the country asked about (GSP certificates still
    issued for Norway): as relevance reads it, it may answer, when it is the best match."""
    return row.get("type") == "announcement" and bool(set(row.get("mentions") or []) & markets)


def _on_product(hit: Hit, row: dict[str, Any], hs: list[str], words: list[str]) -> bool:
    if not hs and not words:
        return True
    r_hs = row.get("hs") or []
    if r_hs and hs:
        # its HS codes, or the record names the product (or its head noun: 外科口罩 -> 口罩) itself:
        # a rule's HS list is a summary, its text the scope (21 CFR 807 names masks, not HS 6307)
        # (or its HS list sums up the kind of goods the product is: relevance.section_rule)
        return (any(hs_matches(q, r) for q in hs for r in r_hs) or _mentions(row, [*words, *_heads(words)])
                or section_rule([(q, 1.0) for q in hs], r_hs))
    if hit.type in ("notification", "case", "dispute"):  # a specific measure: it must name the product
        return _mentions(row, words) or not words
    return True  # horizontal rules (GPSR, REACH...) carry no HS codes on purpose


def select_hits(hits: list[Hit], a: dict[str, Any], rows: dict[str, dict[str, Any]], intent: str,
                question: str = "", words: list[str] | None = None) -> list[Hit]:
    """The hits an answer to this question may cite.

    - A quoted reference found in the index: that record, its notification family and the records
      linked to it; nothing else.
    - The best hit, when the question names it (RoHS, PSTI, TACP...): kept whatever the market or
      product the analysis found.
    - Otherwise: records of the market asked about (or of no market), covering the product's HS
      codes (or none: horizontal rules); rejections only of goods from China, and only those
      naming the product when some do. When that leaves nothing, a strong best match of the
      market stays (the product guess may be wrong: "农药残留" is a hazard, not a product).
    - A general question or a case: the best hit, the hits linked to it, and hits scoring nearly
      as well. How to report: the forms and what they link to.
    """
    if not hits:
        return []
    exact = [h for h in hits if "exact" in h.matched_by]
    if exact and a.get("refs"):
        return [h for h in hits
                if any(linked(e.ref, rows.get(e.ref, {}), h.ref, rows.get(h.ref, {})) for e in exact)]
    markets = question_markets(a)
    hs = question_hs(a)
    words = product_words(a) if words is None else words
    out: list[Hit] = []
    asked = question or str(a.get("text") or "")
    importing = about_importing(asked)
    origins = named_origins(asked)
    best = max(hits, key=lambda h: h.score)
    for h in hits:
        row = rows.get(h.ref, {})
        if h is best and named_in(question, h.ref, row, rows):
            out.append(h)  # the best match, named by the user: its market or product is not in doubt
            continue
        named_origin = h.type == "alert" and bool(_origins(row) & origins)  # "licorice from Iran"
        # China Customs' rule on goods from the country named ("经香港中转", "made in Macau")
        into_china = h.type == "announcement" and importing
        # China's procedure for all exports, when it is what the question matched best (or goes with it)
        all_exports = (for_all_exports(row) and speaks_of_customs(question)
                       and (h is best or linked(best.ref, rows.get(best.ref, {}), h.ref, row)))
        # a barrier-report form serves the reporter's home, not the market of the barrier
        reporting = intent == "report" and h.type == "form"
        speaks = h is best and _speaks_of(row, markets)  # the best match, and its text names the market
        if not (_on_market(row, markets) or speaks or named_origin or into_china or all_exports or reporting):
            continue
        if h.type == "alert" and not (is_china_origin(row) or named_origin):
            continue
        if (h.score < MIN_SCORE and not {"market", "kind"} & set(h.matched_by)
                and not (h.type == "alert" and _mentions(row, words))):
            continue  # a weak match is cited only when it names the product or is the market's own rule
        if not _on_product(h, row, hs, words) and not (h is best and intent == "cases" and h.type == "dispute"):
            continue  # a dispute's title names the measure, not always the goods (DS495: radionuclides)
        out.append(h)
    if (best not in out and best.score >= MIN_SCORE and best.type != "alert"
            and _on_market(rows.get(best.ref, {}), markets)):
        # the product guess ruled out the best match of the market, which passed the one gate ahead
        # of everything kept: relevance already weighed the product (a smart plug under the PSTI
        # Act, whose tariff list names no plugs), so it stays, first
        out = [dataclasses.replace(best, matched_by=[*best.matched_by, "strong"]), *out]
    alerts = [h for h in out if h.type == "alert"]
    named = [h for h in alerts if _mentions(rows.get(h.ref, {}), words)]
    if named:  # rejections that name the product beat those of the same HS chapter; the best
        # match stays too (it matched the question's other words: 苏丹红 in crushed pepper)
        best_alert = max(alerts, key=lambda h: h.score)
        out = [h for h in out if h.type != "alert" or h in named or h is best_alert]
    elif alerts and (hs or words):  # named in another language: those matching nearly as well as the best
        top_alert = max(h.score for h in alerts)
        out = [h for h in out if h.type != "alert" or h.score >= RELATIVE_SCORE * top_alert]
    out = _of_notifier_named(out, asked, rows)
    if (intent in ("rules", "requirements") and best in out and best.type in ("regulation", "document")
            and named_in(question, best.ref, rows.get(best.ref, {}), rows)):
        out = [h for h in out if h.type != "alert"]  # about the rule named ("the toy safety directive"), not rejections
    if intent == "report":
        forms = [h for h in out if h.type == "form"]
        if forms:
            out = [h for h in out if h.type == "form" or any(
                linked(f.ref, rows.get(f.ref, {}), h.ref, rows.get(h.ref, {})) for f in forms)]
    elif (intent in ("rules", "cases") or (intent == "requirements" and not markets and not (hs or words))) and out:
        # a requirements question naming no goods and no market is a general one ("which customs
        # codes for cross-border B2B exports?"): only what scores nearly as well as the best
        if intent == "rules" and any(h.type != "alert" for h in out):
            out = [h for h in out if h.type != "alert"]  # a question about a law: a rejection is not one
        top = max(out, key=lambda h: h.score)
        top_row = rows.get(top.ref, {})
        out = [h for h in out if h.score >= RELATIVE_SCORE * top.score
               or linked(top.ref, top_row, h.ref, rows.get(h.ref, {}))]
    return out


def _of_notifier_named(out: list[Hit], question: str, rows: dict[str, dict[str, Any]]) -> list[Hit]:
    """"荷兰对中国花生的通报": a member state named as the one that notified is the answer's
    notifier, so its alerts are the answer, not those of other member states that the EU bloc also
    covers. When it notified none of them, the others stay (the answer is about the bloc then)."""
    named = notifying_members(question)
    if not named:
        return out
    theirs = [h for h in out if h.type == "alert" and record_markets(rows.get(h.ref, {})) & named]
    if not theirs:
        return out
    return [h for h in out if h.type != "alert" or h in theirs]


# --- evidence behind an answer's citations ----------------------------------------------------


def citation_evidence(index: LoadedIndex, citations: Iterable[Citation]) -> list[Evidence]:
    """The evidence an answer's citations stand for, numbered as cited (to verify a given answer)."""
    citations = list(citations)
    by_ref: dict[str, list[dict[str, Any]]] = {}
    wanted = {c.ref for c in citations}
    for row in index.chunk_rows:
        if row.get("ref") in wanted:
            by_ref.setdefault(row["ref"], []).append(row)
    out: list[Evidence] = []
    for c in citations:
        row = index.record_rows.get(c.ref, {})
        provision = bool(c.cite and c.cite != c.ref)  # a provision is cited whole, over every page it spans
        chunks = [ch.get("text", "") for ch in by_ref.get(c.ref, [])
                  if ch.get("cite") == (c.cite or c.ref) and (provision or c.page is None or ch.get("page") == c.page)]
        text = "\n".join(chunks + [record_text(row)])
        out.append(Evidence(n=c.n, ref=c.ref, type=c.type, title=c.title, cite=c.cite or c.ref,
                            snippet=c.snippet, text=text, url=c.url, page=c.page, record=row))
    return out
