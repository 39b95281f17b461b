"""Which subscriptions an item meets, fast enough for 100,000 subscriptions.

Subscriptions are indexed once per pass: by HS code and every prefix of it (so a code matches up
and down the hierarchy), by the first word (or Han character pair) of each keyword, and, for those
that watch markets only, by market. An item looks up only the subscriptions that can possibly
match, then each candidate is checked in full (markets, measure type, NTM code, product or word).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from assistant.alerts.items import AlertItem, anchors
from assistant.alerts.levels import MatchInfo
from assistant.alerts.subscriptions import Criteria, Subscription

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_WORDS = re.compile(r"[a-z0-9]+")


def _stem(word: str) -> str:
    """A crude singular so that "toys" meets "toy" (both sides go through it)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def item_terms(item: AlertItem) -> frozenset[str]:
    """The item's stemmed words and Han pairs / characters, to look keywords up by."""
    out = {(_stem(t) if not _HAN.match(t) else t) for t in item.tokens}
    out.update(ch for ch in item.text if _HAN.match(ch))
    return frozenset(out)


@dataclass(frozen=True)
class _Word:
    """A keyword ready for matching: Latin words must all occur; Han text must occur as is."""

    text: str
    han: bool
    parts: tuple[str, ...]
    anchor: str | None  # what the keyword is looked up by: its first word or a Han pair

    @classmethod
    def of(cls, text: str) -> _Word:
        if _HAN.search(text):
            han_pairs = sorted(p for p in anchors(text) if _HAN.match(p))
            return cls(text, True, (), han_pairs[0] if han_pairs else text[:1])
        parts = tuple(_stem(w) for w in _WORDS.findall(text))
        return cls(text, False, parts, parts[0] if parts else None)

    def found(self, item: AlertItem, terms: frozenset[str]) -> bool:
        if self.han:
            return self.text in item.text
        return bool(self.parts) and all(p in terms for p in self.parts)


@lru_cache(maxsize=65536)
def _word(text: str) -> _Word:
    """Keywords repeat across many subscriptions: prepare each once."""
    return _Word.of(text)


@dataclass
class _Prepared:
    """Subscriptions with identical criteria, checked once per item (market-only ones repeat)."""

    subs: list[Subscription]
    markets: frozenset[str]
    types: frozenset[str]
    ntm: tuple[str, ...]
    hs: tuple[str, ...]
    words: tuple[_Word, ...]
    has_what: bool


def _ntm_ok(wanted: tuple[str, ...], item: AlertItem) -> bool:
    if not wanted:
        return True
    if item.ntm:
        return any(c.startswith(w) or w.startswith(c) for w in wanted for c in item.ntm)
    letter = {"SPS": "A", "TBT": "B"}.get(item.measure)
    return letter is not None and letter in wanted


def _hs_depth(wanted: tuple[str, ...], item: AlertItem) -> tuple[int, str]:
    best, code = 0, ""
    for q in wanted:
        for r in item.hs:
            if len(r) >= 2 and (q.startswith(r) or r.startswith(q)):
                depth = min(len(q), len(r))
                if depth > best:
                    best, code = depth, q
    return best, code


class SubscriptionIndex:
    """Active subscriptions prepared for matching many items."""

    def __init__(self, subs: Iterable[Subscription]) -> None:
        self.prepared: list[_Prepared] = []
        self.count = 0
        self.by_hs: dict[str, list[int]] = defaultdict(list)  # subscribed code -> groups
        self.by_hs_prefix: dict[str, list[int]] = defaultdict(list)  # proper prefix -> groups
        self.by_anchor: dict[str, list[int]] = defaultdict(list)
        self.by_market: dict[str, list[int]] = defaultdict(list)
        groups: dict[Criteria, int] = {}
        for sub in subs:
            if sub.paused:
                continue
            self.count += 1
            c = sub.criteria
            known = groups.get(c)
            if known is not None:
                self.prepared[known].subs.append(sub)
                continue
            words = tuple(_word(w) for w in dict.fromkeys([*c.keywords, *c.product_words]))
            prep = _Prepared([sub], c.market_set(), frozenset(c.types), c.ntm, c.hs, words,
                             bool(c.hs or words))
            i = groups[c] = len(self.prepared)
            self.prepared.append(prep)
            for code in c.hs:
                self.by_hs[code].append(i)
                for k in range(2, len(code)):
                    self.by_hs_prefix[code[:k]].append(i)
            for w in words:
                a = w.anchor
                if a:
                    self.by_anchor[a].append(i)
            if not prep.has_what:
                for m in prep.markets:
                    self.by_market[m].append(i)

    def __len__(self) -> int:
        return self.count

    def candidates(self, item: AlertItem, terms: frozenset[str]) -> set[int]:
        out: set[int] = set()
        by_hs, by_prefix, by_anchor = self.by_hs, self.by_hs_prefix, self.by_anchor
        for r in item.hs:
            for k in range(2, len(r) + 1):
                hit = by_hs.get(r[:k])
                if hit:
                    out.update(hit)
            hit = by_prefix.get(r)
            if hit:
                out.update(hit)
        for t in terms:
            hit = by_anchor.get(t)
            if hit:
                out.update(hit)
        for m in item.markets:
            hit = self.by_market.get(m)
            if hit:
                out.update(hit)
        return out

    def match(self, item: AlertItem) -> list[tuple[Subscription, MatchInfo]]:
        """Every subscription `item` meets, with how it met it."""
        terms = item_terms(item)
        out: list[tuple[Subscription, MatchInfo]] = []
        markets, measure = item.markets, item.measure
        market_only = MatchInfo(by_market=True)
        for i in self.candidates(item, terms):
            p = self.prepared[i]
            if p.markets and p.markets.isdisjoint(markets):
                continue
            if p.types and measure not in p.types:
                continue
            if p.ntm and not _ntm_ok(p.ntm, item):
                continue
            if not p.has_what:
                info = market_only
            else:
                depth, code = _hs_depth(p.hs, item) if p.hs else (0, "")
                found = tuple(w.text for w in p.words if w.found(item, terms)) if p.words else ()
                if not depth and not found:
                    continue
                info = MatchInfo(depth, code, found, by_market=bool(p.markets))
            subs = p.subs
            if len(subs) == 1:
                out.append((subs[0], info))
            else:
                out.extend([(sub, info) for sub in subs])
        return out
