"""How relevant a candidate record is, in [0, 1], from evidence that means the same for every query.

Search finds candidates (BM25 + dense, fused by rank); this module judges each one: how much of the
question the record covers, the cosine, the rank evidence, and structured agreement - the market
(a member state brings in its blocs; a dispute's complainant counts as well as its respondent),
the HS code (hierarchical, discounted when the record names only a chapter), the record type the
intent asks for, and for alerts the origin (a Chinese exporter's "our chilli" means Chinese chilli).
The weights were tuned on evals/retrieval; search.NO_ANSWER_THRESHOLD applies to the result.
A model fitted on the dev split from the same evidence (ranker.py, `tbt eval fit`) can be put on
trial in evaluation; it does not yet beat these weights on test (README, "Relevance").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from assistant.retrieve.analyze import QueryAnalysis
from assistant.retrieve.markets import (
    bloc_members,
    expand_markets,
    find_markets,
    named_as_origin,
    named_origins,
)
from assistant.retrieve.normalize import fold
from assistant.retrieve.parties import complainants as said_to_complain
from assistant.retrieve.parties import respondents as said_to_be_sued
from assistant.retrieve.products import chapter_sections, hs_matches
from assistant.retrieve.ranker import (
    ORIGIN_INTENTS,
    STRICT_MARKET_INTENTS,
    RelevanceModel,
    feature_vector,
)

# How much each record type suits each intent (multiplier on the relevance).
INTENT_PRIOR: dict[str, dict[str, float]] = {
    "requirements": {"regulation": 1.0, "notification": 0.9, "form": 0.6, "alert": 0.6,
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
# A record for another market than the one asked about: how much of its relevance is left. Strict
# when the user asks what applies in a market; milder for cases and disputes, where the market
# named is often who complained rather than where the measure applies.
MARKET_MISMATCH: dict[str, float] = {i: 0.35 if i == "requirements" else 0.5 for i in STRICT_MARKET_INTENTS}
POINTED = 1.12 ** 2  # an alert of the month and notifier a question names: as sure as both parties named
UNKNOWN_NAME = 0.4  # relevance left when the question names something the corpus never mentions

# the question is about goods going into China (China Customs' rules), not about exporting from it
_IMPORT_RE = re.compile(
    r"进口|输华|入境|进境|进来|[到来进]中国|中国海关|海关总署|\bgacc\b|china(?:'s)? customs|chinese customs|into china|to china",
    re.I,
)
# China as the rule-maker ("Does China require...", "中国规定..."): its own rules answer
_CHINA_RULES_RE = re.compile(
    r"\b(?:china|prc)\s+(?:now\s+|still\s+|also\s+)?(?:requires?|mandates?|demands?|bans?|prohibits?|allows?|permits?|"
    r"restricts?|regulates?|accepts?|recogni[sz]es?|charges?|levies|levy|imposes?|collects?)\b|\bchina'?s\s+(?:[a-z-]+\s+){0,2}?(?:rules?|regulations?|laws?|requirements?|ban|conditions?|quarantine|import)\b|"
    r"(?:中国|我国|(?<![\u4e00-\u9fff])国内)(?:现在|目前)?(?:要求|规定|法规|禁止|允许|不允许|是否允许|限制)",
    re.I,
)
_EXPORT_RE = re.compile(r"出口|卖到|销往|发往|\bexport|\bsell|\bselling\b|\bship(?:ping)?\s+to\b", re.I)
_EU_CODES = frozenset(bloc_members("EU")) | {"EU"}
# "US exporters", "欧盟企业": the market named is where the user's company is
_HOME_RE = re.compile(
    r"\s*(?:的)?(?:企业|公司|厂商|厂家|出口商|制造商|exporters?|companies|company|firms?|businesses|manufacturers?|sellers?)",
    re.I,
)


# goods going into China said outright (not 进口商, an importer anywhere)
_INTO_CHINA_RE = re.compile(
    r"[进到来入输]中国|输华|进口到中国|中国海关|海关总署|\bgacc\b|china(?:'s)? customs|chinese customs|"
    r"\binto china\b|\bto china\b|"
    # a buyer in China is who the goods go to: "our Chinese importer", "中国进口商"
    r"\bchinese\s+(?:buyers?|importers?|customers?|clients?|distributors?|consignees?)\b|中国(?:的)?(?:进口商|收货人)", re.I)


# asked in Chinese whether goods may be imported, with no destination said: into China, where the
# asker is ("日本的扇贝现在还能进口吗？"); not a question about exporting (出口)
_ZH_MAY_IMPORT_RE = re.compile(r"(?:能|可以|还能|能否|能不能|允许|准许|禁止|暂停|恢复)\s*进口|进口(?:了)?吗")
# the market named is the one importing: "欧盟禁止进口…", "美国暂停进口"
_IMPORTER_AFTER_RE = re.compile(r"\s*(?:现在|目前|已经|曾经|又|也|还)?\s*(?:禁止|暂停|恢复|允许|准许|限制|不允许)\s*(?:\S{0,2})?进口")


def into_china(query: str) -> bool:
    """The question asks what China requires of goods coming in ("德国牛肉能进中国了吗", "日本的扇贝
    还能进口吗"), or names China as the rule-maker for goods it says come from elsewhere ("China's
    quarantine pest list for German apples")."""
    folded = fold(query)
    if _INTO_CHINA_RE.search(folded):
        return True
    found = find_markets(query)
    codes = {m.market.code for m in found}
    if (_ZH_MAY_IMPORT_RE.search(folded) and "出口" not in folded and codes and "CHN" not in codes
            and not any(_IMPORTER_AFTER_RE.match(query, m.end) for m in found)):
        return True  # (Chinese goods "不能进口" into the EU are the EU's import, not China's)
    origins = {m.market.code for m in found if named_as_origin(query, m)} - {"CHN"}
    others = {m.market.code for m in found} - {"CHN"}
    return bool(origins) and others <= origins and bool(_CHINA_RULES_RE.search(folded))


_CHINA_CUSTOMS_RE = re.compile(r"中国海关|海关总署|\bgacc\b|china(?:'s)? customs|chinese customs", re.I)


def china_customs_for_exports(query: str) -> bool:
    """China Customs named by an exporter whose goods go elsewhere ("Can Chinese customs still give
    us a GSP Form A for goods to Norway?"): China's rules apply, and so does the market named."""
    folded = fold(query)
    rest = _CHINA_CUSTOMS_RE.sub(" ", folded)
    if not _CHINA_CUSTOMS_RE.search(folded) or _INTO_CHINA_RE.search(rest) or named_origins(query) - {"CHN"}:
        return False  # goods into China, or from the country named ("a ban on ruminants from Belgium")
    return bool(_EXPORT_RE.search(folded) or re.search(r"\bto\s+(?!china\b)[a-z]", rest, re.I))


def imports_into_china(query: str) -> bool:
    """A question naming no market from someone importing into China ("我们是做进口食品的贸易
    公司…报关单怎么填"): China's own rules. Not 进口国 / 进口商 / a foreign customer's import."""
    return into_china(query) or bool(_CHINA_IMPORTER_RE.search(fold(query)))


# the user imports into China: says so in the first person, or asks about China's customs declaration
_CHINA_IMPORTER_RE = re.compile(r"(?:我们|我司|本公司|我公司|咱们)(?:是|是做|做|要|想|打算)?进口|报关单|进口报关|"
                                r"\bwe(?:'re| are)?\s+(?:now\s+)?import(?:s|ing)?\b|\bour imports\b", re.I)


def about_importing(query: str) -> bool:
    """The question is about goods coming into China (China Customs' rules), not about selling
    abroad."""
    folded = fold(query)
    return bool(_IMPORT_RE.search(folded) or _CHINA_RULES_RE.search(folded))


@dataclass
class Candidate:
    """A record search found, with the evidence its relevance is judged on."""

    ref: str
    pos: int  # best chunk
    fused: float
    cosine: float | None
    coverage: float
    features: dict[str, float]
    score: float = 0.0
    how: list[str] = field(default_factory=list)
    intent: str = "rules"


@dataclass
class QueryContext:
    """What the query says about market, products, origin and direction, for structured matching."""

    markets: set[str]
    hs: list[tuple[str, float]]
    origins: set[str]
    importing: bool
    exporting: bool
    intent: str
    home: frozenset[str] = frozenset({"CHN"})
    named: frozenset[str] = frozenset()  # every market the question's text names (the origin too)
    customs: bool = False  # the question speaks of customs (China's export procedures may answer)
    goods_from: frozenset[str] = frozenset()  # countries named outright as where the goods come from
    complainants: frozenset[str] = frozenset()  # who the question says brought a dispute ("China took the EU…")
    parties: frozenset[str] = frozenset()  # with a complainant said, every member named (China too)
    sued: frozenset[str] = frozenset()  # who the question says was complained against ("是谁告的欧盟")

    @classmethod
    def build(cls, analysis: QueryAnalysis, query: str) -> QueryContext:
        found = find_markets(query)
        folded = fold(query)
        importing = bool(_IMPORT_RE.search(folded) or (_CHINA_RULES_RE.search(folded) and not _EXPORT_RE.search(folded))
                         or into_china(query))  # "I export Kenyan avocados: China's requirements?"
        exporting = bool(_EXPORT_RE.search(folded)) and not importing
        markets = set(analysis.markets_expanded)
        if markets == {"CHN"} and not importing:
            markets = set()  # China is where the exporter is, not where the goods go
        # Where the goods come from: a country named as the origin ("figs from Turkey", "Iranian
        # pistachios", "土耳其产"), or in an alert question any non-EU country named; otherwise
        # China, the user's own exports.
        eu = set(bloc_members("EU")) | {"EU", "GCC", "ASEAN", "EAEU", "MERCOSUR"}
        goods_from = frozenset(m.market.code for m in found if named_as_origin(query, m))
        origins = set(goods_from - eu)
        if not origins and analysis.intent == "alerts" and not exporting:
            origins = {m.market.code for m in found if m.market.code not in eu}
        if not origins:
            origins = {"CHN"}
        hs = [(str(c["code"]), float(c.get("confidence", 0.5))) for c in analysis.hs]
        # whose barrier-report form fits: the user's own country (China unless another is named)
        # ("US exporters", "美国TACP表"; but "出口美国" names where the goods go)
        home = {m.market.code for m in found if _HOME_RE.match(query[m.end :]) or not exporting} or {"CHN"}
        home_blocs = frozenset(expand_markets(sorted(home)))
        if not home_blocs & _FORM_OWNERS:
            home_blocs = frozenset({"CHN"})  # no form of theirs in the corpus: the user is an exporter from China
        named = frozenset(m.market.code for m in found) - {"CHN"}
        complainants = said_to_complain(query) if len(found) > 1 else frozenset()
        parties = frozenset(expand_markets(sorted({m.market.code for m in found}))) if complainants else frozenset()
        return cls(markets, hs, origins, importing, exporting, analysis.intent, home_blocs, named,
                   speaks_of_customs(query), goods_from, complainants, parties,
                   frozenset(expand_markets(sorted(said_to_be_sued(query)))))

    def any_market_procedure(self, row: dict[str, Any]) -> bool:
        """A China Customs procedure for all exports, and the question asks about customs: it answers
        for any market, and for any goods."""
        return self.customs and for_all_exports(row)

    def structure(self, row: dict[str, Any], r_markets: set[str], r_hs: list[str]) -> dict[str, float]:
        f: dict[str, float] = {"market": 0.0, "hs": 0.0, "origin": 0.0}
        rtype = row.get("type", "")
        both = reversed_ = False
        if rtype == "dispute" and row.get("complainant"):
            complainants = party_codes(str(row["complainant"]))
            # "墨西哥告美国", "Peru vs the EC": naming both parties says which dispute it is
            both = bool(complainants & self.markets and set(row.get("markets") or []) & self.markets)
            if self.complainants:  # "China took the EU to the WTO": China's case, not the EU's against China
                respondents = set(row.get("markets") or [])
                both = bool(complainants & self.complainants and respondents & (self.named | self.markets))
                reversed_ = bool(respondents & self.complainants and not complainants & self.complainants)
                # "Japan filed against China": Japan's case against Korea is another dispute
                against = self.parties - self.complainants
                reversed_ = reversed_ or bool(complainants & self.complainants and against and not respondents & against)
            elif self.sued:  # "Who sued the EU over hormone beef?": the EU's case against Canada is another
                reversed_ = bool(complainants & self.sued and not set(row.get("markets") or []) & self.sued)
            if set(row.get("markets") or []) & self.goods_from:
                # "EU duties on Chinese fasteners": a measure on goods from China, so not a dispute
                # over China's own measure (DS407, China's duties on EU fasteners), whoever brought it
                f["origin"] = -1.0
            else:
                r_markets = r_markets | complainants  # either party counts
        titled: frozenset[str] = frozenset()
        if rtype == "announcement":
            titled = _title_markets(str(row.get("title") or ""))  # 中厄自贸协定, 巴西碧根果输华
            r_markets = r_markets | titled
        q = self.markets if self.importing else self.markets - {"CHN"}
        if q and r_markets:
            # an alert notified by the member state named ("the Belgian one"), not only by the EU
            notified = rtype == "alert" and bool(r_markets & (self.named - {"EU"}))
            f["market"] = (2.0 if both or notified else 1.0) if r_markets & q else -1.0
            if reversed_:
                f["market"] = -1.0  # the other member's case against the one the question says complained
            if titled and self.named and self.importing:
                # "德国牛肉能进中国吗": China Customs' announcement on German goods, not Uruguayan
                f["market"] = 1.0 if titled & self.named else -1.0
            elif f["market"] < 0 and rtype == "announcement" and self.importing:
                # China Customs' rules for goods from the country named (Brazilian soybeans, supplements
                # made in Macau, goods routed through Hong Kong): that country is where they come from
                f["market"] = 0.0
            elif f["market"] < 0 and set(row.get("mentions") or []) & q:
                f["market"] = 0.0  # its text speaks of that country (挪威 still grants GSP): not another market's
            elif f["market"] < 0 and self.any_market_procedure(row):
                f["market"] = 0.0  # China's procedure for all exports (取消出口货物原产地企业备案): any market's
        if rtype == "announcement" and self.exporting and q and "CHN" not in q and self.named - self.goods_from:
            # (a country named only as where goods come from, "the Malaysian side" exporting, is
            # no destination of the asker's exports)
            title = str(row.get("title_zh") or row.get("title") or "")
            if not _FOR_EXPORTERS_RE.search(title):
                f["market"] = -1.0  # China's own import rules do not answer "exporting to X"
        if self.hs and r_hs:
            best = hs_level(self.hs, r_hs)
            f["hs"] = best if best or section_rule(self.hs, r_hs) else -min(max(c for _, c in self.hs), 1.0)
        if rtype == "form":
            owner = form_owner(row)
            if owner:
                f["origin"] = 1.0 if owner in self.home else -0.5
        if rtype == "alert" and self.importing and not self.markets & _EU_CODES:
            f["elsewhere"] = 1.0
        elif (self.customs and not self.markets and rtype in ("regulation", "alert")
              and r_markets and "CHN" not in r_markets):
            # "how many days does customs take to finish the filing?", no market named: China's
            # customs, whose texts answer; another market's rule or border alert is a weak guess
            f["elsewhere"] = 1.0
        if rtype == "alert":
            origin = set((row.get("origin_code") or "").split("; ")) - {""}
            if origin:
                f["origin"] = 1.0 if origin & self.origins else -1.0
                if origin & self.origins and origin & self.markets:
                    f["market"] = 1.0  # "figs from Turkey": the market named is the origin, not a mismatch
        return f


_FORM_OWNERS = frozenset({"CHN", "USA", "EU"})


def form_owner(row: dict[str, Any]) -> str | None:
    """Whose reporting channel a form is: China's national form, the US TACP, the EU's SEP."""
    text = f"{row.get('ref', '')} {row.get('title', '')} {row.get('title_en', '')}"
    if "征集表" in text or re.search(r"\bChina\b", text):
        return "CHN"
    if re.search(r"\bUS\b|United States|\bITA\b", text):
        return "USA"
    if re.search(r"\bEU\b|European", text):
        return "EU"
    return None


def record_markets(row: dict[str, Any]) -> set[str]:
    """The markets a record is about; for a dispute, its complainants' as well as the respondent's;
    for a China Customs text, the countries its title names (输欧亚经济联盟货物, 中厄自贸协定)."""
    markets = set(row.get("markets") or [])
    if row.get("type") == "dispute" and row.get("complainant"):
        markets |= party_codes(str(row["complainant"]))
    if row.get("type") == "announcement":
        markets |= _title_markets(str(row.get("title") or ""))
    return markets


# China Customs announcements that concern exporters too: exports, free-trade agreements and their
# rules of origin, mutual recognition of operators
_FOR_EXPORTERS_RE = re.compile(r"出口|自贸|自由贸易|原产地|互认|优惠贸易")


_CUSTOMS_RE = re.compile(r"\bcustoms\b|海关", re.I)


def speaks_of_customs(query: str) -> bool:
    """The question is about a customs procedure ("the origin filing with customs", 海关备案)."""
    return bool(_CUSTOMS_RE.search(query or ""))


def for_all_exports(row: dict[str, Any]) -> bool:
    """A China Customs text on exports (certificates of origin, export procedures) that names no
    country in its title: it concerns goods going to any market."""
    title = str(row.get("title") or "")
    return row.get("type") == "announcement" and bool(_FOR_EXPORTERS_RE.search(title)) and not _title_markets(title)


def for_any_goods(row: dict[str, Any], names_goods: Callable[[str], bool]) -> bool:
    """A China Customs text on exports whose title names no goods (GSP certificates no longer
    issued for goods to the EU, UK, Canada...): it concerns whatever goods the exporter ships, so
    a product the question names is no mismatch. `names_goods(title)` says whether a title names
    goods (the product vocabulary's reading)."""
    title = str(row.get("title") or "")
    return row.get("type") == "announcement" and bool(_EXPORTS_ONLY_RE.search(title)) and not names_goods(title)


# exports and their certificates of origin, and a firm's AEO status recognised abroad (互认), not the
# tariff or procedures of imports and exports alike (进出口)
_EXPORTS_ONLY_RE = re.compile(r"(?<!进)出口|原产地|普惠制|经认证的经营者|AEO")


@lru_cache(maxsize=4096)
def _title_markets(title: str) -> frozenset[str]:
    """The countries a China Customs announcement's title names (the partner of an agreement, the
    origin of goods), besides China itself."""
    return frozenset(m.market.code for m in find_markets(title)) - {"CHN"}


@lru_cache(maxsize=4096)
def party_codes(names: str) -> frozenset[str]:
    """Market codes of a dispute's complainants ("Canada; Mexico"), with the blocs they belong to."""
    codes: set[str] = set()
    for name in names.split(";"):
        codes.update(m.market.code for m in find_markets(name.strip().title()))
    return frozenset(expand_markets(sorted(codes)))


SECTION_CHAPTERS = 2  # chapters of one HS section a rule's codes name for it to be about that kind of goods


def section_rule(query_hs: list[tuple[str, float]], record_hs: list[str]) -> bool:
    """A rule whose HS codes sum up a kind of goods, naming several chapters of the section the
    product is in (Japan's food law lists chapters 16, 20 and 21 of section IV, prepared
    foodstuffs; dumplings are chapter 19): its list is a summary, so the product is no mismatch."""
    sections = chapter_sections()
    asked = {sections.get(code[:2]) for code, conf in query_hs if conf >= 0.5} - {None, ""}
    named = Counter(sections.get(chapter) for chapter in {str(r)[:2] for r in record_hs})
    return any(named.get(s, 0) >= SECTION_CHAPTERS for s in asked)


def hs_level(query_hs: list[tuple[str, float]], record_hs: list[str]) -> float:
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


_TRIAL: list[RelevanceModel] = []  # a fitted model under evaluation (`tbt eval retrieval --model`)


def try_model(model: RelevanceModel | None) -> None:
    """Score with a fitted model instead of the weights below (evaluation only), or go back."""
    _TRIAL[:] = [model] if model is not None else []


def trial_model() -> RelevanceModel | None:
    return _TRIAL[0] if _TRIAL else None


def relevance(c: Candidate) -> float:
    """Relevance in [0, 1] from evidence that means the same for every query."""
    if _TRIAL:
        return _TRIAL[0].probability(feature_vector(c.cosine, c.coverage, c.features, c.intent))
    f = c.features
    # dense evidence: the best chunk's cosine, or a short field's (title, provision heading),
    # which meets a short question at full strength
    cos = max(c.cosine if c.cosine is not None else 0.25, f.get("field", 0.0), 0.0)
    sem = min(max((cos - 0.15) / 0.55, 0.0), 1.0)
    base = 0.55 * c.coverage + 0.25 * sem + 0.2 * f.get("rank", 0.0)
    mult = f.get("prior", 1.0)
    m = f.get("market", 0.0)
    mult *= 1.12 ** m if m > 0 else (MARKET_MISMATCH.get(c.intent, 0.7) if m < 0 else 1.0)  # both parties: twice
    h = f.get("hs", 0.0)
    mult *= 1.0 + 0.15 * h if h > 0 else 1.0 + 0.25 * h
    o = f.get("origin", 0.0)
    mult *= (1.1 if c.intent in ORIGIN_INTENTS else 1.0) if o > 0 else (1.0 + 0.2 * o if o < 0 else 1.0)
    pt = f.get("pointed", 0.0)
    if pt:  # "2024年8月西班牙通报的那批": the alert of that month from that notifier, not another
        mult *= POINTED if pt > 0 else 1.0 / POINTED
    if f.get("elsewhere"):
        mult *= 0.6  # an EU border alert does not answer a question about imports into China
    p = f.get("product")
    if p is not None and p < 0.5:
        mult *= 0.7 + 0.6 * p
    if f.get("unknown_name") or f.get("other_goods"):
        mult *= UNKNOWN_NAME  # as weak as a name the corpus never mentions: a text on other goods
    return _squash(base * mult)


def _squash(x: float) -> float:
    """Clip to [0, 1) without flattening strong matches into ties: above 0.8 the scale bends."""
    if x <= 0.8:
        return max(x, 0.0)
    return 0.8 + 0.2 * math.tanh((x - 0.8) / 0.2)
