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

from assistant.alerts.items import AlertItem, anchors
from assistant.alerts.levels import MatchInfo
from assistant.alerts.subscriptions import Subscription

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

    @classmethod
    def of(cls, text: str) -> _Word:
        if _HAN.search(text):
            return cls(text, True, ())
        return cls(text, False, tuple(_stem(w) for w in _WORDS.findall(text)))

    @property
    def anchor(self) -> str | None:
        if self.han:
            pairs = sorted(anchors(self.text))
            han_pairs = [p for p in pairs if _HAN.match(p)]
            return han_pairs[0] if han_pairs else self.text[:1]
        return self.parts[0] if self.parts else None

    def found(self, item: AlertItem, terms: frozenset[str]) -> bool:
        if self.han:
            return self.text in item.text
        return bool(self.parts) and all(p in terms for p in self.parts)


@dataclass(frozen=True)
class _Prepared:
    sub: Subscription
    markets: frozenset[str]
    types: frozenset[str]
    ntm: tuple[str, ...]
    hs: tuple[str, ...]
    words: tuple[_Word, ...]

    @property
    def has_what(self) -> bool:
        return bool(self.hs or self.words)


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
        self.by_hs: dict[str, list[int]] = defaultdict(list)  # subscribed code -> subs
        self.by_hs_prefix: dict[str, list[int]] = defaultdict(list)  # proper prefix -> subs
        self.by_anchor: dict[str, list[int]] = defaultdict(list)
        self.by_market: dict[str, list[int]] = defaultdict(list)
        for sub in subs:
            if sub.paused:
                continue
            c = sub.criteria
            words = tuple(_Word.of(w) for w in dict.fromkeys([*c.keywords, *c.product_words]))
            prep = _Prepared(sub, c.market_set(), frozenset(c.types), c.ntm, c.hs, words)
            i = len(self.prepared)
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
        return len(self.prepared)

    def candidates(self, item: AlertItem, terms: frozenset[str]) -> set[int]:
        out: set[int] = set()
        for r in item.hs:
            for k in range(2, len(r) + 1):
                out.update(self.by_hs.get(r[:k], ()))
            out.update(self.by_hs_prefix.get(r, ()))
        for t in terms:
            hit = self.by_anchor.get(t)
            if hit:
                out.update(hit)
        for m in item.markets:
            out.update(self.by_market.get(m, ()))
        return out

    def match(self, item: AlertItem) -> list[tuple[Subscription, MatchInfo]]:
        """Every subscription `item` meets, with how it met it."""
        terms = item_terms(item)
        out = []
        for i in sorted(self.candidates(item, terms)):
            p = self.prepared[i]
            if p.markets and not (p.markets & item.markets):
                continue
            if p.types and item.measure not in p.types:
                continue
            if not _ntm_ok(p.ntm, item):
                continue
            depth, code = _hs_depth(p.hs, item) if p.hs else (0, "")
            found = tuple(w.text for w in p.words if w.found(item, terms))
            if p.has_what and not depth and not found:
                continue
            out.append((p.sub, MatchInfo(depth, code, found, by_market=bool(p.markets))))
        return out
