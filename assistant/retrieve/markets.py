"""Which markets a question is about: a bilingual gazetteer of WTO members and trading blocs.

Exporters name markets loosely (德国, 歐盟, 欧美, the States, U.S., KSA), and a question about
Germany is also a question about EU measures, so a member state expands to its blocs. Matching is
careful because a wrong market filters away the right answer: English names match on word
boundaries with case rules ("us" in "tell us" is not the USA, "Turkey" is, "turkey" is a bird),
Chinese names by longest match on folded (simplified, half-width) text, with blockers for words that
merely contain a name (南美, 内蒙古, 合法国际). Data: data/markets.yaml, read once on first use.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.retrieve.datafile import load_yaml
from assistant.retrieve.normalize import fold

_DATA_FILE = Path(__file__).resolve().parent / "data" / "markets.yaml"


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())

# ISO-3 codes that are also English words (or common abbreviations): never matched as codes.
_ISO3_WORDS = _wordset(
    "AGO AND ARE ARM BEL BEN BOL BRB CAF CAN CIV COD COM CUB DJI DOM ESP EST FIN GAB GEO GIN HUN "
    "JAM KEN LIE MAC MAR NAM NER NIC PAN PER POL PRY SEN SOM SUR TON TUN"
)

_LETTER = r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u017F"
_EN_TOKEN_RE = re.compile(
    rf"(?<![{_LETTER}0-9])[{_LETTER}]+(?:['’.][{_LETTER}]+)*\.?(?![0-9])"
)
_GAP_RE = re.compile(r"[\s\-‐–—&,]{0,4}")
_INNER_DOT_RE = re.compile(rf"[{_LETTER}]\.[{_LETTER}]")


@dataclass(frozen=True)
class Market:
    """A WTO member, another economy, or a bloc (EU, GCC, ASEAN, EAEU, MERCOSUR)."""

    code: str
    name_en: str
    name_zh: str
    blocs: tuple[str, ...] = ()
    wto: bool = True
    is_bloc: bool = False

    def name(self, lang: str) -> str:
        return self.name_zh if lang.lower().startswith("zh") else self.name_en


@dataclass(frozen=True)
class MarketMatch:
    """One market named in a text: `text` is the span as the user wrote it, `[start, end)`."""

    market: Market
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class _EnRule:
    codes: tuple[str, ...]
    kind: str  # any | exact | dotted
    words: tuple[str, ...]  # the alias words as written (for exact)


class _Gazetteer:
    """Lookup tables built once from markets.yaml."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.markets: dict[str, Market] = {}
        self.en: dict[tuple[str, ...], list[_EnRule]] = {}
        self.zh: dict[str, tuple[str, ...]] = {}
        self.zh_first: dict[str, int] = {}  # first character -> longest alias starting with it
        self.zh_context: dict[str, tuple[str, str]] = {}
        member_blocs: dict[str, list[str]] = {}
        for bloc in data.get("blocs", []):
            for member in bloc.get("members", []):
                member_blocs.setdefault(member, []).append(bloc["code"])
        for entry in data.get("blocs", []):
            self._add(entry, (), is_bloc=True)
        for entry in data.get("members", []):
            self._add(entry, tuple(member_blocs.get(entry["code"], ())), is_bloc=False)
        missing = sorted(set(member_blocs) - set(self.markets))
        if missing:
            raise ValueError(f"markets.yaml: bloc members without an entry: {missing}")
        for group in data.get("groups", []):
            codes = tuple(group["codes"])
            unknown = [c for c in codes if c not in self.markets]
            if unknown:
                raise ValueError(f"markets.yaml: group {group['alias']!r} names unknown codes {unknown}")
            self._alias(group["alias"], codes, first=True)
        for word in data.get("blockers_en", []):
            self._alias_en(word, ())
        for word in data.get("blockers_zh", []):
            self._alias_zh(word, ())
        for name, ctx in (data.get("zh_context_blocks") or {}).items():
            self.zh_context[fold(name)] = (ctx.get("before", ""), ctx.get("after", ""))
        self.en_max = max((len(k) for k in self.en), default=1)

    def _add(self, entry: dict[str, Any], blocs: tuple[str, ...], *, is_bloc: bool) -> None:
        code = str(entry["code"]).upper()
        if code in self.markets:
            raise ValueError(f"markets.yaml: duplicate code {code}")
        market = Market(
            code=code,
            name_en=entry["en"],
            name_zh=entry["zh"],
            blocs=blocs,
            wto=bool(entry.get("wto", True)),
            is_bloc=is_bloc,
        )
        self.markets[code] = market
        aliases_en = [str(a) for a in entry.get("aliases_en", [])]
        # a name listed as case-sensitive ("=Chile") is not also matched in any case
        names_en = aliases_en if "=" + entry["en"] in aliases_en else [entry["en"], *aliases_en]
        if len(code) == 3 and code not in _ISO3_WORDS:
            names_en.append("=" + code)
        for alias in names_en:
            self._alias_en(str(alias), (code,))
        for alias in [entry["zh"], *entry.get("aliases_zh", [])]:
            self._alias_zh(str(alias), (code,))

    def _alias(self, alias: str, codes: tuple[str, ...], *, first: bool = False) -> None:
        if any("\u4e00" <= ch <= "\u9fff" for ch in alias):
            self._alias_zh(alias, codes)
        else:
            self._alias_en(alias, codes, first=first)

    def _alias_en(self, alias: str, codes: tuple[str, ...], *, first: bool = False) -> None:
        exact = alias.startswith("=")
        raw = alias[1:] if exact else alias
        tokens = [m.group(0) for m in _EN_TOKEN_RE.finditer(raw)]
        if not tokens:
            return
        key = tuple(_en_key(t) for t in tokens)
        kind = "exact" if exact else ("dotted" if _INNER_DOT_RE.search(raw) else "any")
        words = tuple(t.rstrip(".") for t in tokens)
        rules = self.en.setdefault(key, [])
        rules.insert(0 if first else len(rules), _EnRule(codes, kind, words))

    def _alias_zh(self, alias: str, codes: tuple[str, ...]) -> None:
        key = fold(alias).lower()
        if len(key) < 2:
            return
        if key in self.zh and self.zh[key] != codes and codes:
            # the first definition wins (a member's own name before a group or blocker)
            return
        self.zh[key] = codes
        self.zh_first[key[0]] = max(self.zh_first.get(key[0], 0), len(key))


def _en_key(token: str) -> str:
    t = unicodedata.normalize("NFKD", token.replace("’", "'"))
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    t = t.replace(".", "").lower()
    return t[:-2] if t.endswith("'s") and len(t) >= 4 else t  # the possessive: "China's rules", "the EU's"


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    return _Gazetteer(load_yaml(_DATA_FILE))


def _rule_accepts(rule: _EnRule, raws: list[str]) -> bool:
    if rule.kind == "any":
        return True
    if rule.kind == "dotted":
        return bool(_INNER_DOT_RE.search(raws[0]))
    for written, raw in zip(rule.words, raws, strict=False):
        r = raw.rstrip(".")
        if r != written and r != written.upper():
            return False
    return True


def _find_en(text: str, gaz: _Gazetteer) -> list[tuple[tuple[str, ...], int, int]]:
    tokens = [(m.start(), m.end(), m.group(0)) for m in _EN_TOKEN_RE.finditer(text)]
    keys = [_en_key(t[2]) for t in tokens]
    out: list[tuple[tuple[str, ...], int, int]] = []
    i = 0
    while i < len(tokens):
        matched = 0
        for n in range(min(gaz.en_max, len(tokens) - i), 0, -1):
            if n > 1 and not all(
                _GAP_RE.fullmatch(text, tokens[j][1], tokens[j + 1][0]) for j in range(i, i + n - 1)
            ):
                continue
            rules = gaz.en.get(tuple(keys[i : i + n]))
            if not rules:
                continue
            raws = [t[2] for t in tokens[i : i + n]]
            accepted = [r for r in rules if _rule_accepts(r, raws)]
            if not accepted:
                continue
            end = tokens[i + n - 1][1]
            if raws[-1].endswith(".") and not _INNER_DOT_RE.search(raws[-1]):
                end -= 1  # "Japan." -> "Japan"; "U.S." keeps its dot
            codes = accepted[0].codes
            if codes:
                out.append((codes, tokens[i][0], end))
            matched = n
            break
        i += matched or 1
    return out


# What may follow a market's name inside one jieba word and still leave it the market
# (美国市场, 中东地区, 德国人); any other ending makes the word something else (苏丹红 is a dye,
# 荷兰豆 a pea, 澳洲坚果 a nut).
_MARKET_WORD_ENDS = ("市场", "地区", "人", "站", "方", "国内", "境内", "本土", "当地", "政府", "海关",
                     "委员会", "议会", "国会", "共和国", "联邦", "王国", "理事会", "法院", "当局")  # its institutions


def _inside_other_word(text: str, start: int, end: int, gaz: _Gazetteer) -> bool:
    """True when jieba reads the name at text[start:end] as part of a longer word that is not a
    market ("苏丹红", "荷兰豆"; but 美国市场, and 美加墨, a run of abbreviated names)."""
    from assistant.index.tokenize import word_spans

    for w_start, w_end in word_spans(text):
        if w_start <= start and end <= w_end and (w_start, w_end) != (start, end):
            rest = text[w_start:start] + text[end:w_end]
            if all(ch in gaz.zh_first for ch in rest):
                return False
            return w_start < start or not rest.startswith(_MARKET_WORD_ENDS)
    return False


def _find_zh(folded: str, gaz: _Gazetteer) -> list[tuple[tuple[str, ...], int, int]]:
    out: list[tuple[tuple[str, ...], int, int]] = []
    low = folded.lower()
    i, n = 0, len(low)
    first = gaz.zh_first
    while i < n:
        longest = first.get(low[i])
        if not longest:
            i += 1
            continue
        step = 1
        for size in range(min(longest, n - i), 1, -1):
            piece = low[i : i + size]
            codes = gaz.zh.get(piece)
            if codes is None:
                continue
            ctx = gaz.zh_context.get(piece)
            if ctx and i > 0 and i + size < n and low[i - 1] in ctx[0] and low[i + size] in ctx[1]:
                continue
            if codes and not _inside_other_word(low, i, i + size, gaz):
                out.append((codes, i, i + size))
            step = size
            break
        i += step
    return out


def find_markets(text: str) -> list[MarketMatch]:
    """Every market named in `text`, in order of appearance (a group name gives several)."""
    if not text:
        return []
    gaz = _gazetteer()
    folded = fold(text)
    spans = _find_zh(folded, gaz) + _find_en(folded, gaz)
    spans.sort(key=lambda s: s[1])
    out: list[MarketMatch] = []
    for codes, start, end in spans:
        for code in codes:
            out.append(MarketMatch(gaz.markets[code], text[start:end], start, end))
    return out


def market_codes(text: str) -> list[str]:
    """The codes of `find_markets(text)`, without repeats."""
    seen: dict[str, None] = {}
    for m in find_markets(text):
        seen.setdefault(m.market.code, None)
    return list(seen)


def expand_markets(codes: Any) -> list[str]:
    """Codes plus the blocs each belongs to (DEU -> [DEU, EU]), in order, without repeats."""
    if isinstance(codes, str):
        codes = [codes]
    gaz = _gazetteer()
    out: dict[str, None] = {}
    for raw in codes or []:
        code = str(raw).strip().upper()
        if not code:
            continue
        out.setdefault(code, None)
        market = gaz.markets.get(code)
        if market:
            for bloc in market.blocs:
                out.setdefault(bloc, None)
    return list(out)


def get_market(code: str) -> Market | None:
    """The market with this code (ISO-3 or bloc code, any case), or None."""
    if not code:
        return None
    return _gazetteer().markets.get(str(code).strip().upper())


def market_name(code: str, lang: str = "en") -> str:
    """The market's name in `lang` ("zh..." or "en"); an unknown code is returned as given."""
    market = get_market(code)
    return market.name(lang) if market else str(code)


def all_markets() -> list[Market]:
    return list(_gazetteer().markets.values())


def bloc_members(bloc: str) -> list[str]:
    """Codes of the members of a bloc (EU -> the 27 member states)."""
    b = str(bloc).strip().upper()
    return [m.code for m in _gazetteer().markets.values() if b in m.blocs]


# where goods come from: "licorice from Iran", "伊朗产", "Iranian pistachios"
_ORIGIN_BEFORE_RE = re.compile(r"(?:\bfrom|\borigin(?:ating)?\s+(?:in|from)|来自|产自|原产于?|进口自)\s*(?:the\s+)?$", re.I)
_DEMONYM_RE = re.compile(r"(?:an|ese|ish|i|ch)$", re.I)


_EXPORTED_BY_RE = re.compile(r"[\u4e00-\u9fff]{1,6}?出口")


def named_as_origin(query: str, m: Any) -> bool:
    """True when a market is named as where goods come from, not where they go."""
    before = query[: m.start]
    after = query[m.end : m.end + 4]
    if _ORIGIN_BEFORE_RE.search(before):
        return True
    if after.startswith(("产", "产的", "原产")):
        return True
    # "越南椰子出口前…", "泰国榴莲出口到中国": the country's goods, which it exports (to China, or
    # nowhere named; 出口越南 is the other way)
    exported = _EXPORTED_BY_RE.match(query[m.end:])
    if exported and not {f.market.code for f in find_markets(query[exported.end():exported.end() + 8])} - {"CHN"}:
        return True
    text = m.text.strip()
    # an adjective before a product word: "Iranian pistachios", "Turkish figs" (not "Iran")
    # ("the Belgian one" is the one Belgium notified, not goods from Belgium)
    return bool(text.isascii() and text.lower() != m.market.name_en.lower() and _DEMONYM_RE.search(text)
                and re.match(r"\s+[A-Za-z]", query[m.end :]) and not re.match(r"\s+ones?\b", query[m.end :], re.I))


def named_origins(query: str) -> set[str]:
    """Countries the question names as where goods come from ("licorice from Iran", "伊朗产")."""
    return {m.market.code for m in find_markets(query) if named_as_origin(query, m)}


# Where the asker is, said in passing: "a honey packer in Dar es Salaam", "our orchard in Raub,
# Pahang", "a factory near Ningbo". Capitalised words after a preposition of place that name no
# market, month, document part or acronym are the asker's town or province: context, not topic.
_PLACE_RE = re.compile(
    r"\b(?:in|at|near|from|outside|around|based in|located in)\s+"
    r"((?:[A-Z][a-z]+|[A-Z][a-z]*-[A-Z][a-z]+)(?:(?:\s+|,\s*|\s+(?:es|de|la|del|al|el|da|do|di|an)\s+)"
    r"(?:[A-Z][a-z]+|[A-Z][a-z]*-[A-Z][a-z]+))*)")
_NOT_PLACE = re.compile(
    r"^(?:January|February|March|April|May|June|July|August|September|October|November|December|Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday|Article|Articles|Annex|Annexes|Part|Chapter|Section|Regulation|"
    r"Directive|Decision|Act|Rule|Rules|Table|Appendix|English|Chinese|French|Spanish|German|Japanese|Korean|"
    r"Russian|Arabic|Amazon|Alibaba|Shopify|Temu|Shein|The|Our|We|My|Q[1-4])$")


def asker_places(text: str) -> list[tuple[int, int]]:
    """Spans of `text` naming where the asker is, in passing ("in Dar es Salaam", "in Raub,
    Pahang"), not a market, month or part of a document."""
    out: list[tuple[int, int]] = []
    for m in _PLACE_RE.finditer(text or ""):
        words = re.split(r"[\s,]+", m.group(1))
        if _NOT_PLACE.match(words[0]) or find_markets(m.group(1)):
            continue
        out.append((m.start(1), m.end(1)))
    if _HAN_RE.search(text or ""):
        out += _chinese_places(text)
    return out


_HAN_RE = re.compile(r"[\u4e00-\u9fff]")


def _chinese_places(text: str) -> list[tuple[int, int]]:
    """Chinese place names jieba's part-of-speech tagger reads (ns: 山东, 宁波, 汕头澄海) that name no
    market (欧盟, 英国, 香港 are markets): the asker's province or town."""
    import jieba.posseg

    out: list[tuple[int, int]] = []
    pos = 0
    for piece in jieba.posseg.cut(text):
        at = text.find(piece.word, pos)
        if at < 0:
            continue
        pos = at + len(piece.word)
        if piece.flag == "ns" and len(piece.word) >= 2 and not find_markets(piece.word):
            out.append((at, pos))
    return out


# A free-trade agreement named in full in a Chinese text ("中国-尼加拉瓜自由贸易协定", "中国—东盟自贸区"),
# and one named by its short form ("中尼自贸协定", "中澳FTA": 中 + the partner's first character)
_AGREEMENT_FULL_RE = re.compile(r"中国?[—–\-－与和]?([\u4e00-\u9fff]{2,10}?)(?:自由贸易|自贸)")
_AGREEMENT_SHORT_RE = re.compile(r"中([\u4e00-\u9fff])(?=\s*(?:自由贸易|自贸|FTA|协定))", re.I)


def agreement_partners(texts: Iterable[str]) -> list[str]:
    """The markets China has a free-trade agreement with, as the corpus's own Chinese texts name
    them in full ("中国-尼加拉瓜自由贸易协定" -> NIC): what a short form ("中尼自贸协定") can stand for."""
    found: dict[str, None] = {}
    for text in texts:
        for m in _AGREEMENT_FULL_RE.finditer(text or ""):
            for code in market_codes(m.group(1)):
                if code != "CHN":
                    found.setdefault(code, None)
    return sorted(found)


def agreement_markets(text: str, partners: Iterable[str]) -> list[str]:
    """The partners a short agreement name stands for ("中尼自贸协定" -> NIC; "中新自贸协定" -> NZL and
    SGP, both partners): the countries whose Chinese name starts with the character after 中 (a bloc
    is always named in full, 中国—东盟: "中东" is no short form)."""
    out: list[str] = []
    for m in _AGREEMENT_SHORT_RE.finditer(text or ""):
        for code in partners:
            market = get_market(code)
            if (market is not None and not market.is_bloc and market.name("zh").startswith(m.group(1))
                    and code not in out):
                out.append(code)
    return out
