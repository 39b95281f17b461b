"""Offline extraction of a barrier report from one free-text message, Chinese or English.

Deterministic rules only (no model): markets and products come from the retrieval layer's
vocabularies (`find_markets`, `ProductVocabulary`), identifiers from `assistant.refs`, values
from `validate.py`; the rest are small keyword tables. What cannot be read with confidence is left
empty for the conversation to ask: a fact is never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from assistant import refs
from assistant.reports import validate as v
from assistant.reports.schema import BarrierReport, filled_fields, missing_required

CJK = r"\u4e00-\u9fff"


class HSCandidateLike(Protocol):
    code: str
    label_en: str
    label_zh: str
    confidence: float
    matched: str


class VocabularyLike(Protocol):
    def lookup(self, text: str) -> list[Any]: ...


@dataclass
class Extraction:
    """What one message told us: a partial report plus the evidence behind it."""

    report: BarrierReport
    hs_candidates: list[Any] = field(default_factory=list)
    markets: list[str] = field(default_factory=list)
    date_options: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def found(self) -> dict[str, Any]:
        return filled_fields(self.report)

    @property
    def missing(self) -> list[str]:
        return missing_required(self.report)

    def as_json(self) -> dict[str, Any]:
        """`tbt report draft --json`: the fields found (BarrierReport names) and what is missing."""
        data = self.report.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
        for key in ("attachments", "confidential_fields", "request"):
            if not data.get(key):
                data.pop(key, None)
        return {
            "report": data,
            "found": sorted(self.found),
            "missing_required": self.missing,
            "hs_candidates": [
                {"code": c.code, "label_en": c.label_en, "label_zh": c.label_zh,
                 "confidence": round(float(c.confidence), 3)}
                for c in self.hs_candidates[:5]
            ],
            "markets": self.markets,
            "ambiguous_dates": {k: list(opts) for k, opts in self.date_options.items()},
            "notes": self.notes,
        }


def detect_language(text: str) -> str:
    return "zh" if re.search(f"[{CJK}]", text or "") else "en"


@lru_cache(maxsize=4)
def default_vocabulary(corpus_dir: str | None = None) -> VocabularyLike | None:
    """The shipped product vocabulary (None when the retrieval layer is unavailable)."""
    try:
        from assistant.config import get_settings
        from assistant.retrieve.products import ProductVocabulary
    except ImportError:
        return None
    path = Path(corpus_dir) if corpus_dir else get_settings().corpus_dir
    try:
        vocab: VocabularyLike = ProductVocabulary.load(path)
    except (OSError, ValueError):
        return None
    return vocab


def extract(
    text: str,
    vocab: VocabularyLike | None = None,
    lang: str | None = None,
    channel: str = "web",
) -> Extraction:
    """Read every field we can from `text`; never raises on odd input."""
    raw = (text or "").strip()[:4000]
    norm = v.normalise_text(raw)
    lang = lang or detect_language(raw)
    data: dict[str, Any] = {"language": "zh" if lang.startswith("zh") else "en", "channel": channel}
    ex = Extraction(report=BarrierReport())
    notes = ex.notes

    markets = find_market_codes(norm)
    ex.markets = markets
    if markets:
        data["market"] = choose_market(norm, markets)

    reporter = find_reporter(raw)
    product, hs_cands = find_product(_blank(raw, reporter.get("organisation"), reporter.get("name")), vocab)
    ex.hs_candidates = hs_cands
    explicit_hs = find_hs(norm)
    data["product"] = {"description": product, "hs": explicit_hs or _hs_from(hs_cands)}

    measure: dict[str, Any] = {}
    symbols = refs.find_symbols(norm)
    if symbols:
        measure["notification_symbol"] = str(symbols[0])
    measure["ntm_code"] = find_ntm(norm)
    measure["title"] = find_measure_title(norm)
    measure["issuing_body"] = find_issuing_body(norm)
    dates, options = assign_dates(norm)
    measure["published"] = dates.get("measure.published")
    measure["entry_into_force"] = dates.get("measure.entry_into_force")
    data["measure"] = measure
    ex.date_options = options

    data["incident"] = {"description": raw if _has_substance(norm) else None,
                        "first_met": dates.get("incident.first_met")}
    data["impact"] = find_impact(norm)
    data["reporter"] = reporter
    data["request"] = find_requests(norm, need_cue=True)
    data["actions_taken"] = find_actions(raw)
    data["trade_direction"] = find_direction(norm)
    attachments = [{"name": r, "kind": "record"} for r in refs.find_rasff(norm)]
    attachments += [{"name": u, "url": u, "kind": "link"} for u in re.findall(r"https?://[^\s，。<>\"']+", raw)]
    data["attachments"] = attachments[:20]
    notes.extend(find_events(norm))

    ex.report = _validated(data, notes)
    return ex


def _validated(data: dict[str, Any], notes: list[str]) -> BarrierReport:
    """Build the report, dropping any single value the schema rejects (and saying so)."""
    try:
        return BarrierReport.model_validate(data)
    except ValueError:
        pass
    report = BarrierReport(language=data["language"], channel=data["channel"])
    from assistant.reports.schema import set_path

    for key, value in data.items():
        items = value.items() if isinstance(value, dict) else [(None, value)]
        for sub, val in items:
            if val in (None, "", []):
                continue
            path = f"{key}.{sub}" if sub else key
            try:
                report = set_path(report, path, val)
            except (ValueError, KeyError, TypeError):
                notes.append(f"dropped {path}")
    return report


# --- market ------------------------------------------------------------------------------------


# Adjectives the gazetteer does not hold ("Greek authorities", "German customs").
DEMONYMS: dict[str, str] = {
    "german": "DEU", "greek": "GRC", "dutch": "NLD", "french": "FRA", "italian": "ITA", "spanish": "ESP",
    "polish": "POL", "belgian": "BEL", "austrian": "AUT", "danish": "DNK", "swedish": "SWE",
    "finnish": "FIN", "irish": "IRL", "portuguese": "PRT", "czech": "CZE", "slovak": "SVK",
    "slovenian": "SVN", "croatian": "HRV", "hungarian": "HUN", "romanian": "ROU", "bulgarian": "BGR",
    "estonian": "EST", "latvian": "LVA", "lithuanian": "LTU", "maltese": "MLT", "cypriot": "CYP",
    "luxembourgish": "LUX", "japanese": "JPN", "korean": "KOR", "american": "USA", "british": "GBR",
    "canadian": "CAN", "australian": "AUS", "indian": "IND", "brazilian": "BRA", "mexican": "MEX",
    "russian": "RUS", "turkish": "TUR", "vietnamese": "VNM", "thai": "THA", "indonesian": "IDN",
    "malaysian": "MYS", "filipino": "PHL", "philippine": "PHL", "singaporean": "SGP", "chilean": "CHL",
    "colombian": "COL", "peruvian": "PER", "argentine": "ARG", "argentinian": "ARG", "egyptian": "EGY",
    "norwegian": "NOR", "swiss": "CHE", "israeli": "ISR", "emirati": "ARE", "kenyan": "KEN",
    "nigerian": "NGA", "south african": "ZAF", "new zealand": "NZL",
}
_DEMONYM_RE = re.compile(r"\b(" + "|".join(sorted(DEMONYMS, key=len, reverse=True)) + r")\b(?=\s+[a-z])", re.I)


@dataclass(frozen=True)
class _Found:
    code: str
    start: int
    end: int


def _market_hits(text: str) -> list[_Found]:
    hits: list[_Found] = []
    try:
        from assistant.retrieve.markets import find_markets

        hits = [_Found(m.market.code, m.start, m.end) for m in find_markets(text)]
    except ImportError:
        pass
    for m in _DEMONYM_RE.finditer(text):
        if not any(h.start <= m.start() < h.end for h in hits):
            hits.append(_Found(DEMONYMS[m.group(1).lower()], m.start(), m.end()))
    return sorted((h for h in hits if h.code != "CHN"), key=lambda h: h.start)


def find_market_codes(text: str) -> list[str]:
    """Codes of the markets named, in order, without repeats (China itself is left out)."""
    out: list[str] = []
    for hit in _market_hits(text):
        if hit.code not in out:
            out.append(hit.code)
    return out


_MARKET_CUE_BEFORE = re.compile(r"(出口到|出口至|销往|发往|运往|进入|输往|到了?|exported to|export to|shipped to|into|to|in)\s*$", re.I)
_MARKET_CUE_AFTER = re.compile(r"^\s*(的)?(海关|口岸|市场|官方|当局|主管|监管|进口商|客户|customs|authorit|market|border|importer)", re.I)


def choose_market(text: str, codes: list[str]) -> str:
    """The market imposing the measure: the one with a cue (出口到X, X海关, customs in X) wins,
    otherwise the first one named."""
    if len(codes) == 1:
        return codes[0]
    best, best_score = codes[0], -1.0
    for i, hit in enumerate(_market_hits(text)):
        score = 0.0
        if _MARKET_CUE_BEFORE.search(text[max(0, hit.start - 12):hit.start]):
            score += 2
        if _MARKET_CUE_AFTER.search(text[hit.end:hit.end + 8]):
            score += 2
        score -= i * 0.1
        if score > best_score:
            best, best_score = hit.code, score
    return best


# --- product and HS ----------------------------------------------------------------------------

_ZH_MODIFIERS = (
    "婴幼儿", "婴儿", "儿童", "宝宝", "幼儿", "成人", "一次性", "塑料", "不锈钢", "竹纤维", "竹制", "木制", "木质",
    "密胺", "三聚氰胺", "陶瓷", "玻璃", "硅胶", "尼龙", "铝制", "铝", "搪瓷", "纸质", "冷冻", "冻", "干", "鲜", "有机",
    "速冻", "脱水", "电动", "无线", "蓝牙", "智能", "便携式", "便携", "手持", "家用", "医用", "户外", "LED", "锂",
)
_EN_MODIFIERS = (
    "children's", "childrens", "kids'", "kids", "kid's", "baby", "infant", "toddler", "plastic", "melamine",
    "stainless", "steel", "bamboo", "wooden", "ceramic", "porcelain", "glass", "silicone", "nylon",
    "aluminium", "aluminum", "paper", "frozen", "dried", "fresh", "organic", "electric", "wireless",
    "bluetooth", "smart", "portable", "handheld", "household", "medical", "outdoor", "led", "lithium",
    "disposable", "green", "black", "roasted", "canned",
)


def find_product(text: str, vocab: VocabularyLike | None) -> tuple[str | None, list[Any]]:
    """(product words as the reporter said them, HS candidates best first).

    Household and kitchen articles are classified by their material (HS 3924 plastics, 6911
    porcelain, 7013 glass, 7323 steel, 7615 aluminium, 4419 wood or bamboo, 4823 paper), which
    the general vocabulary often misses ("nylon kitchen utensils" is not iron kitchenware).
    """
    vocab = vocab if vocab is not None else default_vocabulary()
    cands: list[Any] = []
    if vocab is not None:
        try:
            cands = list(vocab.lookup(text))
        except Exception:  # a broken vocabulary must not break intake
            cands = []
    article = find_material_article(text)
    if article is not None:
        words, code = article
        if not (cands and re.sub(r"\D", "", str(cands[0].code))[:2] == code[:2]):
            label_en = vocab.label_en(code) if hasattr(vocab, "label_en") else code  # type: ignore[union-attr]
            label_zh = vocab.label_zh(code) if hasattr(vocab, "label_zh") else None  # type: ignore[union-attr]
            cands = [_Candidate(code, label_en, label_zh, 0.9, words), *cands]
        return words, cands
    if cands:
        cands = _demote_materials(cands)
        best = cands[0]
        return _expand_product(text, best.matched or best.label_zh or best.label_en), cands
    return None, cands


def _demote_materials(cands: list[Any]) -> list[Any]:
    """The product is the toys in "plastic toys", the 绿茶 in "绿茶农药残留": a material found as
    surely as another word, or a hazard found at all, gives way to the other word."""
    def kind(c: Any) -> str:
        words = str(c.matched or "")
        if _HAZARD_WORDS.fullmatch(words):
            return "hazard"
        return "material" if any(pat.fullmatch(words) for pat, _code in _MATERIALS) else "product"

    top = cands[0]
    top_kind = kind(top)
    if top_kind == "product":
        return cands
    floor = 0.3 if top_kind == "hazard" else float(top.confidence) - 0.1
    for c in cands[1:]:
        if kind(c) == "product" and float(c.confidence) >= floor:
            return [c, *[x for x in cands if x is not c]]
    return cands


_HAZARD_WORDS = re.compile(
    r"农药|农残|杀虫剂|三聚氰胺|甲醛|黄曲霉(?:毒素)?|二氧化硫|重金属|铅|镉|抗生素|兽药|添加剂|色素|碘|二氧化钛|霉菌|"
    r"邻苯二甲酸(?:酯|盐)?|增塑剂|phthalates?|plasticizers?|"
    r"pesticides?|insecticides?|melamine|formaldehyde|aflatoxins?|sulph?ur dioxide|heavy metals?|lead|cadmium|"
    r"antibiotics?|additives?|colou?rs?|iodine|titanium dioxide|mould|mold", re.I)


@dataclass
class _Candidate:
    """An HS candidate of our own (same fields as the vocabulary's HSCandidate)."""

    code: str
    label_en: str
    label_zh: str | None
    confidence: float
    matched: str


_MATERIALS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pat, re.I), code)
    for pat, code in (
        (r"竹纤维|\bbamboo fib(?:re|er)\b|密胺|三聚氰胺|尼龙|聚酰胺|塑料|硅胶|聚丙烯|\bmelamine\b|\bnylon\b|\bpolyamide\b|\bplastics?\b|\bsilicone\b"
         r"|\bpolypropylene\b", "392410"),
        (r"骨瓷|瓷|\bporcelain\b|\bbone china\b", "691110"),
        (r"陶瓷|陶|\bceramic\b|\bstoneware\b|\bearthenware\b", "691200"),
        (r"玻璃|\bglass\b", "701349"),
        (r"不锈钢|\bstainless(?: steel)?\b", "732393"),
        (r"铸铁|铁|\bcast iron\b|\biron\b", "7323"),
        (r"铝制|铝|\balumini?um\b", "761510"),
        (r"竹制|竹|\bbamboo\b", "441919"),
        (r"木制|木质|木|\bwooden\b|\bwood\b", "441990"),
        (r"纸质|纸|\bpaper\b", "482369"),
    )
)
_ARTICLE_ZH = (r"餐具|厨具|厨房用具|厨房工具|马克杯|水杯|杯子|杯|碗|盘子|托盘|盘|碟|汤勺|漏勺|勺子|勺|锅铲|铲子|铲|夹子|"
               r"砧板|菜板|饭盒|筷子|水壶|水瓶|茶具")
_ARTICLE_EN = (r"tableware|kitchenware|kitchen utensils?|kitchen tools?|utensils?|cups?|mugs?|bowls?|plates?|dishes|"
               r"trays?|spoons?|spatulas?|ladles?|tongs|turners?|scrapers?|chopping boards?|cutting boards?|"
               r"chopsticks|lunch ?box(?:es)?|(?:drinking |water )?bottles?|teapots?")
_ARTICLE_RE = re.compile(f"(?:{_ARTICLE_ZH})|\\b(?:{_ARTICLE_EN})\\b", re.I)
_CUTLERY_RE = re.compile(r"勺|叉|spoon|fork|ladle|cutlery", re.I)
_PHRASE_BREAK = re.compile(r"[，。,.;；!！?？的]|\b(?:and|or|for|with|in|of|from|by)\b", re.I)


def find_material_article(text: str) -> tuple[str, str] | None:
    """(words, HS code) for a household article named with its material: 尼龙锅铲 -> 392410."""
    for art in _ARTICLE_RE.finditer(text):
        window_start = max(0, art.start() - 16)
        before = text[window_start:art.start()]
        best: tuple[int, str] | None = None
        for pat, code in _MATERIALS:
            for m in pat.finditer(before):
                if _PHRASE_BREAK.search(before[m.end():]):
                    continue
                if best is None or m.start() < best[0]:
                    best = (m.start(), code)
        if best is None:
            continue
        start, code = window_start + best[0], best[1]
        if code in ("732393", "7323", "761510") and _CUTLERY_RE.search(art.group(0)):
            code = "821599"
        elif code == "441919" and re.search(r"砧板|菜板|chopping|cutting", art.group(0), re.I):
            code = "441911"
        elif code == "441919" and re.search(r"筷|chopstick", art.group(0), re.I):
            code = "441912"
        return _expand_product(text, text[start:art.end()]), code
    return None


_ZH_HEADS = ("杯子", "杯", "碗", "盘子", "盘", "碟", "勺子", "勺", "铲", "锅", "壶", "瓶", "盒", "罐", "粉", "酱", "片", "板")
_EN_HEADS = re.compile(r"^\s+((?:\w+\s+)?(?:bowls?|cups?|mugs?|plates?|dishes|trays?|spoons?|spatulas?|ladles?|"
                       r"bottles?|boards?|tools|utensils|tableware|kitchenware|sets?|powder|sauce|products|sticks|bars|chips|slices"
                       r"|flakes|balls|cakes))\b", re.I)


def _expand_product(text: str, matched: str) -> str:
    """Grow the matched words over modifiers on the left (餐具 -> 儿童餐具) and a head noun on
    the right (密胺 -> 密胺杯, porcelain -> porcelain bowls)."""
    if not matched:
        return matched
    idx = text.find(matched)
    if idx < 0:
        idx = text.lower().find(matched.lower())
        if idx < 0:
            return matched
    start = idx
    end = idx + len(matched)
    if re.search(f"[{CJK}]", matched):
        head = next((h for h in _ZH_HEADS if text.startswith(h, end)), None)
        if head and not matched.endswith(head):
            end += len(head)
        changed = True
        while changed:
            changed = False
            for mod in _ZH_MODIFIERS:
                if text[max(0, start - len(mod)):start] == mod:
                    start -= len(mod)
                    changed = True
                    break
    else:
        m_head = _EN_HEADS.match(text[end:])
        if m_head and not _PHRASE_BREAK.search(m_head.group(1)):
            end += m_head.end()
        while True:
            m = re.search(r"([A-Za-z']+)\s+$", text[:start])
            if not m or m.group(1).lower() not in _EN_MODIFIERS:
                break
            start = m.start(1)
    return text[start:end].strip()


def _hs_from(cands: list[Any]) -> str | None:
    for c in cands[:1]:
        digits = re.sub(r"\D", "", str(c.code))
        if 6 <= len(digits) <= 10:
            return digits
    return None


_HS_RE = re.compile(r"(?:HS|H\.S\.|税号|海关编码|商品编码|税则号)\s*(?:code|编码|号)?\s*[:：]?\s*(\d{4}(?:[.\s]?\d{2}){1,3})", re.I)


def find_hs(text: str) -> str | None:
    m = _HS_RE.search(text)
    if m:
        c = v.check_hs(m.group(1))
        if c.ok:
            return c.value
    return None


# --- measure -----------------------------------------------------------------------------------

_ASCII_B = r"(?:(?<![A-Za-z0-9])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?![A-Za-z0-9]))"
NTM_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(pat.replace(r"\b", _ASCII_B), re.I))
    for code, pat in (
        ("A22", r"迁移|溶出|migrat|leach"),
        ("A21", r"农残|农药|兽药|残留|pesticide|residue|\bMRLs?\b|黄曲霉|aflatoxin|霉菌毒素|mycotoxin|赭曲霉|ochratoxin"
                r"|孔雀石绿|malachite|氯霉素|chloramphenicol|硝基呋喃|nitrofuran|抗生素|antibiotic|毒死蜱|chlorpyrifos"
                r"|呋虫胺|dinotefuran|噻虫胺|clothianidin|啶虫脒|acetamiprid|吡虫啉|imidacloprid|矮壮素|chlormequat"
                r"|苯并芘|benzo\(?a\)?pyrene|多环芳烃|polycyclic|环氧乙烷|ethylene oxide|生物碱|alkaloid"),
        ("A41", r"沙门|salmonella|李斯特|listeria|大肠杆菌|大肠菌|e\.?\s?coli|coliform|微生物|micro-?organism|菌落|霉变"
                r"|mould|mold|bacillus"),
        ("A22", r"添加剂|additive|二氧化硫|sulphite|sulfite|sulfur dioxide|色素|colou?r(?:ing)?\s*E\s?\d|\bE\s?\d{3}[a-z]?\b|titanium dioxide|二氧化钛"),
        ("A14", r"转基因|genetically modified|\bGMO\b"),
        ("A86", r"检疫|quarantine|phytosanitary|有害生物|\bpests?\b"),
        ("A11", r"疫情|禁止进口|暂停进口|import ban|禁令"),
        ("B22", r"RoHS|REACH|SVHC|有害物质|限用物质|邻苯|phthalate|restricted substance|重金属|heavy metal|铅含量|镉含量|\blead\b|cadmium"),
        ("B7", r"能效|待机|能耗|energy efficien|ecodesign|eco-design|stand-?by"),
        ("B31", r"标签|标识|label"),
        ("B81", r"注册|备案|registration|register"),
        ("B83", r"认证|证书|certif|\bCE\b|\bFCC\b|\bUKCA\b|\bSASO\b"),
        ("B82", r"检测|测试|化验|\btest(?:s|ing|ed)?\b|laborator|实验室"),
        ("B84", r"验厂|工厂检查|工厂审核|factory (?:inspection|audit)|inspection|检验"),
        ("B85", r"追溯|traceab"),
        ("B33", r"包装|packag"),
        ("B7", r"性能|安全要求|安全标准|safety (?:requirement|standard)|技术要求|technical requirement"),
    )
)


def find_ntm(text: str) -> str | None:
    """The measure type as an UNCTAD/MAST NTM code, from the most specific words used."""
    for code, pat in NTM_RULES:
        if pat.search(text):
            return code
    return None


_ISSUERS = (
    r"European Commission|欧盟委员会|欧委会|EFSA|欧洲食品安全局|\bFDA\b|美国食品药品监督管理局|\bFCC\b|美国联邦通信委员会"
    r"|\bCPSC\b|美国消费品安全委员会|\bUSDA\b|美国农业部|\bEPA\b|美国环保署|厚生劳动省|MHLW|日本经济产业省|\bMETI\b"
    r"|韩国食品药品安全部|\bMFDS\b|\bSASO\b|沙特标准局|\bINMETRO\b|\bANVISA\b|\bBIS\b|印度标准局|\bFSSAI\b|\bSFDA\b"
    r"|\bBfR\b|\bBVL\b|\bDGCCRF\b|\bACCC\b|Health Canada|加拿大卫生部|\bCFIA\b|\bOfcom\b|\bOPSS\b"
)
_ISSUER_RE = re.compile(_ISSUERS, re.I)


def find_issuing_body(text: str) -> str | None:
    m = _ISSUER_RE.search(text)
    return m.group(0) if m else None


_EU_ACT_SPAN = re.compile(
    r"(?:(?:Commission\s+)?(?:Implementing\s+|Delegated\s+)?(?:Regulation|Directive|Decision)\s*)?"
    r"\((?:EU|EC|EEC)\)\s*(?:No\.?\s*)?\d{2,4}/\d{1,4}|\d{4}/\d{1,4}/(?:EU|EC|EEC)",
    re.I,
)


def find_measure_title(text: str) -> str | None:
    """A measure named in the text: 《...》 or an EU act number; never a paraphrase."""
    m = re.search(r"《([^》]{2,80})》", text)
    if m:
        return m.group(1)
    m = _EU_ACT_SPAN.search(text)
    if m:
        return m.group(0).strip()
    return None


# --- dates ------------------------------------------------------------------------------------

_DATE_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("measure.entry_into_force", re.compile(
        r"生效|实施|施行|强制执行|适用|起执行|ent(?:ry|ries|ered|ers|er)\s+into\s+force|in\s+force|take[sn]?\s+effect|took\s+effect"
        r"|effective|appl(?:y|ies|ied)\s+from|applicable|mandatory", re.I)),
    ("measure.published", re.compile(
        r"发布|公布|颁布|出台|公告|通报|刊登|修改了|修订|published|issued|adopted|notified|announced|circulated"
        r"|amended", re.I)),
    ("incident.first_met", re.compile(
        r"扣|退运|退货|拒绝|拒收|拦截|销毁|检出|查出|抽检|到港|通关|发货|出货|遇到|发现|通知我们|held|detain|reject|refus"
        r"|stopped|seized|destroy|found|tested|arriv|shipped|first|encounter|told us|informed", re.I)),
)


_MEASURE_WORDS = re.compile(
    r"法规|规定|规则|标准|指令|条例|要求|措施|通报号|G/(?:TBT|SPS)/N|《|regulation|directive|rule|standard|requirement"
    r"|measure|law|decree|notification\s+G/|\(EU\)|ecodesign", re.I)
_YEAR_CUE = re.compile(r"(?:自|从)\s*((?:19|20)\d{2})\s*年(?:起|开始|以来)|((?:19|20)\d{2})\s*年以来|\bsince\s+((?:19|20)\d{2})\b", re.I)


def assign_dates(text: str) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Each date found goes to the role its nearest cue word names; default: when first met.
    A publication cue (通报, notified) counts only when a measure is named nearby: "Poland notified
    our mugs on ..." is an incident, "the EU notified G/TBT/N/EU/86 on ..." a publication."""
    values: dict[str, str] = {}
    options: dict[str, tuple[str, ...]] = {}
    hits: list[tuple[int, int, str | None, tuple[str, ...]]] = [
        (h.start, h.end, h.value, h.options) for h in v.find_dates(text)]
    for m in _YEAR_CUE.finditer(v.mask_refs(text)):
        year = next(g for g in m.groups() if g)
        if not any(a <= m.start() < b or m.start() <= a < m.end() for a, b, _v, _o in hits):
            hits.append((m.start(), m.end(), year, ()))
    for start, end, value, opts in sorted(hits):
        role = _date_role(text, start, end)
        if role == "measure.published" and not _MEASURE_WORDS.search(text[max(0, start - 40):end + 40]):
            role = "incident.first_met"
        if role in values or role in options:
            role = next((r for r, _ in _DATE_ROLES if r not in values and r not in options
                         and r != "measure.published"), role)
            if role in values or role in options:
                continue
        if value:
            values[role] = value
        else:
            options[role] = opts
    return values, options


def _date_role(text: str, start: int, end: int) -> str:
    after = text[end:end + 10]
    before = text[max(0, start - 40):start]
    best, best_dist = "incident.first_met", 10_000
    for role, pat in _DATE_ROLES:
        for m in pat.finditer(after):
            if m.start() < best_dist:
                best, best_dist = role, m.start()
        for m in pat.finditer(before):
            dist = len(before) - m.end()
            if dist < best_dist:
                best, best_dist = role, dist
    return best


# --- impact -----------------------------------------------------------------------------------

_COST_RE = re.compile(r"成本|费用|多花|额外|检测费|认证费|整改|花了|花费|支出|cost|fee|spent|spend|expense|pay|paid|extra", re.I)
_LOSS_RE = re.compile(r"损失|货值|价值|订单|销售|营收|loss|lost|worth|value|sales|orders|revenue", re.I)
_COUNT = r"(\d{1,4}|[一二两三四五六七八九十百]{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|a|an|several)"
_SHIP_ZH = re.compile(r"(?<!第)" + _COUNT + r"\s*(?:个)?\s*(?:柜|货柜|集装箱|批|批次|票)")
_SHIP_EN = re.compile(r"\b" + _COUNT + r"\s+(?:\w+\s+)?(?:containers?|shipments?|consignments?|batch(?:es)?|lots?|loads?)\b", re.I)
_SME_RE = re.compile(r"中小企业|小微企业|小企业|小公司|小厂|\bSMEs?\b|small and medium|small business|small company|small firm", re.I)


def find_impact(text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for hit in v.find_amounts(text):
        before = text[max(0, hit.start - 15):hit.start]
        after = text[hit.end:hit.end + 20]
        cost = _nearest(_COST_RE, before, after)
        loss = _nearest(_LOSS_RE, before, after)
        role = "extra_cost" if cost is not None and (loss is None or cost < loss) else "lost_sales"
        if role in out:
            continue
        if out.get("currency") and out["currency"] != hit.money.currency:
            continue  # one currency per report; the first one given wins
        out[role] = hit.money.amount
        out["currency"] = hit.money.currency
    m = _SHIP_ZH.search(text) or _SHIP_EN.search(text)
    if m:
        n = v.parse_count(m.group(1))
        if n is not None and n > 0:
            out["shipments_affected"] = n
    if _SME_RE.search(text):
        out["smes_affected"] = True
    return out


def _nearest(pat: re.Pattern[str], before: str, after: str) -> int | None:
    dists = [len(before) - m.end() for m in pat.finditer(before)] + [m.start() + 1 for m in pat.finditer(after)]
    return min(dists) if dists else None


# --- reporter ----------------------------------------------------------------------------------

SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_COMPOUND = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯")
_TITLES = ("经理", "总监", "总经理", "先生", "女士", "小姐", "老师", "主任", "总", "工")
_NAME_STOP = re.compile(r"^(?:$|[，,。.;；:：!！?？\s、)）(（]|电话|手机|邮箱|联系|来自|是|在|负责|，|从|的|我|公司|\d)")
_NAME_TRIGGER = re.compile(r"(?:我是|我叫|本人|联系人|姓名|名字叫|名字是|报告人)\s*[:：是为]?\s*")
_EN_NAME_RE = re.compile(
    r"(?i:my name is|I am|I'm|this is|contact(?: person)?\s*(?:is|:)|name\s*:)\s+"
    r"(?P<name>(?:Mr\.?\s|Ms\.?\s|Mrs\.?\s|Dr\.?\s)?[A-Z][a-z]+(?:[\s-][A-Z][a-z]+){0,2})",
)
_ORG_SUFFIX = re.compile(r"有限责任公司|股份有限公司|集团有限公司|有限公司|集团|公司|工厂|厂|协会|商会|研究院")
_ORG_STOP = re.compile(r"的|一家|我们|我司|这家|那家|该|贵|本|某个|出口|进口|海关|说|被")
_EN_ORG_RE = re.compile(
    r"(?P<org>(?:[A-Z][\w&'.-]*\s+){1,6}?(?:Co\.,?\s*Ltd\.?|Company Limited|Co\.,? Limited|Ltd\.?|Limited|Inc\.?"
    r"|LLC|GmbH|Corp\.?|Corporation|Association|Chamber of Commerce))"
)


def find_reporter(text: str) -> dict[str, Any]:
    norm = v.normalise_text(text)
    out: dict[str, Any] = {}
    emails = v.find_emails(norm)
    if emails:
        out["email"] = emails[0]
    phones = v.find_phones(norm)
    if phones:
        out["phone"] = phones[0]
    out["name"] = find_name(norm)
    org = find_organisation(norm)
    out["organisation"] = org
    out["type"] = reporter_type(org)
    return out


def find_name(text: str) -> str | None:
    for m in _NAME_TRIGGER.finditer(text):
        name = _zh_name_at(text, m.end())
        if name:
            return name
    for m in _ORG_SUFFIX.finditer(text):  # 某某公司的张伟 / 某某公司张伟
        i = m.end() + (1 if text[m.end():m.end() + 1] == "的" else 0)
        name = _zh_name_at(text, i)
        if name:
            return name
    en = _EN_NAME_RE.search(text)
    if en:
        return en.group("name").strip()
    return None


def _zh_name_at(text: str, i: int) -> str | None:
    rest = text[i:]
    sur = next((c for c in _COMPOUND if rest.startswith(c)), None) or (rest[:1] if rest[:1] in SURNAMES else None)
    if not sur:
        return None
    after = rest[len(sur):]
    for title in _TITLES:
        if after.startswith(title) and _NAME_STOP.match(after[len(title):]):
            return sur + title
    for n in (2, 1):
        given = after[:n]
        if len(given) == n and re.fullmatch(f"[{CJK}]+", given) and _NAME_STOP.match(after[n:]):
            return sur + given
    return None


def find_organisation(text: str) -> str | None:
    for m in _ORG_SUFFIX.finditer(text):
        left = text[max(0, m.start() - 30):m.start()]
        cut = max((left.rfind(ch) for ch in "，。,;；:：!！?？ \n\t“”\"'（(、"), default=-1)
        left = left[cut + 1:]
        for trigger in ("我们是", "我是", "来自", "我在", "单位是", "单位", "公司是", "就职于", "代表"):
            k = left.rfind(trigger)
            if k >= 0:
                left = left[k + len(trigger):]
        if len(left) < 2 or _ORG_STOP.search(left):
            continue
        if not re.fullmatch(f"[{CJK}A-Za-z0-9（）()&·]+", left):
            continue
        end = m.end()
        return text[end - len(m.group(0)) - len(left):end]
    en = _EN_ORG_RE.search(text)
    if en:
        org = en.group("org").strip()
        org = re.sub(r"^(?:I|We|Our|The|This|My|From)\s+", "", org)
        return org
    return None


def reporter_type(org: str | None) -> str | None:
    if not org:
        return None
    if re.search(r"协会|商会|联合会|association|chamber|federation", org, re.I):
        return "association"
    if re.search(r"局$|委员会$|政府|厅$|ministry|bureau|administration|department|agency", org, re.I):
        return "government"
    if re.search(r"公司|厂|集团|co\.|ltd|inc|llc|gmbh|corp|company|limited|group", org, re.I):
        return "company"
    return "other"


# --- request, actions, direction, events -------------------------------------------------------

REQUEST_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pat, re.I))
    for kind, pat in (
        ("explanation", r"解释|说明理由|给个说法|explain|explanation|justif"),
        ("clarification", r"澄清|明确|讲清楚|clarif"),
        ("modification", r"修改|调整|放宽|修订|modif|amend|relax|revise|change the (?:rule|requirement|regulation|limit)"),
        ("withdrawal", r"废止|撤销|撤回|取消(?:该|这个|这项|此)?(?:规定|措施|要求|限制)|withdraw|revoke|repeal|scrap|lift the"),
        ("transition_period", r"过渡期|缓冲期|宽限期|transition|grace period"),
        ("postponement", r"推迟|延期|延迟实施|暂缓|postpone|delay|defer"),
    )
)


_REQUEST_CUE = re.compile(r"希望|要求(?:对方|欧方|美方|其)|请求|恳请|请|建议|呼吁|盼|争取|\b(?:ask|asks|asking|request|want|"
                          r"would like|hope|urge|call for|seek|need)\b", re.I)


def find_requests(text: str, need_cue: bool = False) -> list[str]:
    """Request kinds named in `text`; in a narrative (need_cue) only in sentences that ask for
    something, so "the EU is revising its rules" is not read as a request for modification."""
    if need_cue:
        parts = [p for p in re.split(r"[。！？!?;；\n]|\.(?:\s|$)", text) if _REQUEST_CUE.search(p)]
        text = " ".join(parts)
    return [kind for kind, pat in REQUEST_RULES if pat.search(text)] if text else []


def _blank(text: str, *spans: str | None) -> str:
    """`text` with the given words replaced by spaces (a company name is not the product)."""
    for words in spans:
        if words and len(words) >= 2:
            text = text.replace(words, " " * len(words))
    return text


_ACTION_ZH = re.compile(r"(?:我们|我司|公司)?(?:已经|已|曾经|曾)(?:联系|咨询|申请|申诉|提交|找过|找了|与|向|委托|复检|整改|沟通|重新)[^。；;!！?？\n]{2,120}")
_ACTION_EN = re.compile(r"\bwe\s+(?:have\s+)?(?:already\s+)?(?:contacted|asked|appealed|requested|filed|submitted|tried|re-?tested|hired|talked|wrote|sent)[^.;!?\n]{2,160}", re.I)


def find_actions(text: str) -> str | None:
    m = _ACTION_ZH.search(text) or _ACTION_EN.search(text)
    return m.group(0).strip() if m else None


def find_direction(text: str) -> str:
    if re.search(r"(我们|我司|公司)(从[^，。]{1,10})?进口|\bwe import\b|\bimporting\b", text, re.I) and not re.search(
        r"出口|export", text, re.I
    ):
        return "import"
    return "export"


_EVENTS = (
    ("detained", r"扣|滞留|detain|held at|seized"),
    ("returned", r"退运|退货|退回|returned|sent back|re-?dispatch"),
    ("rejected", r"拒绝入境|拒收|拒绝|reject|refused|border rejection"),
    ("destroyed", r"销毁|destroy"),
    ("recalled", r"召回|recall|下架|withdrawn from the market"),
)


def find_events(text: str) -> list[str]:
    """What happened to the goods (detained, returned...), noted for staff alongside the incident."""
    return [name for name, pat in _EVENTS if re.search(pat, text, re.I)]


_GREETING_OR_INTENT = re.compile(
    r"你好|您好|\b(?:hi|hello|hey|dear)\b|请问|麻烦|"
    r"我(?:想|要|需要)?(?:要)?(?:报告|反映|举报|投诉|上报|提交|报)(?:一个|一下|个)?(?:问题|壁垒|贸易壁垒|情况|技术性贸易措施|措施)?|"
    r"(?:i\s+(?:want|would like|need)\s+to\s+)?(?:report|file|submit)\s+(?:a\s+)?(?:trade\s+)?"
    r"(?:barrier|problem|issue|report)|\bplease\b|谢谢|\bthanks?\b",
    re.I,
)


def _has_substance(text: str) -> bool:
    """False for "你好，我想报告一个问题" / "I want to report a barrier": no description yet."""
    rest = _GREETING_OR_INTENT.sub("", text)
    rest = re.sub(r"[\W_]+", "", rest)
    return len(rest) >= 4
