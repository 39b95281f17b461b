"""Which products a question is about, as HS codes: the bridge from 蓝牙耳机 / earbuds to 851830.

Records carry HS codes; exporters name products in everyday words, in Chinese or English, with
typos. `ProductVocabulary.lookup` reads a whole sentence and returns HS candidates, most certain
first, from three sources in order of trust:

1. our synonym table (data/product_synonyms.yaml) - high confidence; an ambiguous word keeps
   several candidates with lower confidence;
2. Chinese goods names of China's 8-digit tariff lines (corpus/vocab/cn_tariff_lines_8digit_zh.csv,
   HS2012 basis: a line's 6-digit code is used only where HS2022 still has it, else its heading);
3. the English HS2022 descriptions (corpus/vocab/hs2022.csv), by word overlap.

A sentence that names no product gives []. Loading takes well under half a second and is cached
per corpus directory; jieba (for source 2) is imported and initialised only when first needed.
"""

from __future__ import annotations

import csv
import math
import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from wordfreq import zipf_frequency

from assistant.retrieve.datafile import load_yaml
from assistant.retrieve.normalize import fold, is_han

_DATA = Path(__file__).resolve().parent / "data"
_SYNONYMS_FILE = _DATA / "product_synonyms.yaml"
_NOT_TYPOS_FILE = _DATA / "en_not_typos.txt"
_JIEBA_LOCK = threading.Lock()


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())
_MAX_CHARS = 5000  # longer inputs are read up to here

# Explicitly quoted codes: "HS 851830", "HS code 8518.30", "税号85183000", "8518.30", "第85章".
_CODE = r"(\d{4}(?:[.\s]?\d{2}){0,2})"
_HS_QUOTED_RES = (
    re.compile(r"(?<![a-z])(?:hs|h\.s\.)\s*(?:code|codes|编码|编号|号)?\s*[:：#]?\s*" + _CODE + r"(?!\d)", re.I),
    re.compile(r"(?:税号|海关编码|商品编码|商品编号|税则号列|税则号|税目|编码)\s*(?:是|为)?\s*[:：#]?\s*" + _CODE + r"(?!\d)"),
    re.compile(r"(?<![\d./])(\d{4}\.\d{2}(?:\.\d{2})?)(?![\d./])"),
)
# "第5章" alone is as often a chapter of a regulation: an HS chapter needs HS words around it.
_CHAPTER_RES = (
    re.compile(r"(?:hs|税则|协调制度|海关编码)\s*第\s*(\d{1,2})\s*章", re.I),
    re.compile(r"第\s*(\d{1,2})\s*章\s*(?:的)?\s*(?:商品|产品|货物|税目)"),
    re.compile(r"\bhs\s+chapter\s+(\d{1,2})\b|\bchapter\s+(\d{1,2})\s+of\s+the\s+hs\b", re.I),
)

_EN_TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_EN_GAP_RE = re.compile(r"[\s\-‐–/]{1,3}")
# what a tariff heading's goods are for or used with follows these words
_HS_PURPOSE_RE = re.compile(r"\b(?:for|with|used|intended|designed|other than|excluding|except)\b")
# a qualifier clause of a tariff description, to its semicolon ("whether or not containing small
# quantities of other oxides"): what the goods may contain, not what they are
_HS_QUALIFIER_RE = re.compile(r"\b(?:whether|containing)\b[^;]*")
_HS_WORD_RE = re.compile(r"[a-z]+")
_HAN_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}")

_IRREGULAR = {
    "knives": "knife", "leaves": "leaf", "shelves": "shelf", "halves": "half", "loaves": "loaf",
    "scarves": "scarf", "wolves": "wolf", "tomatoes": "tomato", "potatoes": "potato",
    "mangoes": "mango", "lenses": "lens", "lens": "lens", "series": "series", "species": "species",
    "news": "news", "mice": "mouse", "feet": "foot", "teeth": "tooth", "geese": "goose",
    "chassis": "chassis", "glasses": "glass",
}

# Words that say nothing about which product: never typo-corrected into one, never HS-searched.
_EN_STOP = _wordset(
    """a an the and or of to for from in on at by with without into onto about over under than then
    as is are was were be been being am do does did done doing have has had having will would shall
    should can could may might must need needs needed i me my we us our you your he she it its they
    them their this that these those there here what which who whom whose why how when where whether
    if not no yes any some all each every other others more most much many few new latest recent
    please thanks thank hello hi hey help tell know want like get got make made say says said see
    go going use used using also just only very so too again still now today week month year years
    export exports exported exporting exporter exporters import imports imported importing importer
    requirement requirements require requires required certification certifications certificate
    certificates certified certify standard standards regulation regulations regulatory rule rules
    law laws legal directive directives market markets country countries notification notifications
    notified notify wto tbt sps product products goods item items company companies factory firm
    trade barrier barriers measure measures test tests testing tested label labels labelling labeling
    mark marks marking marked ce fcc rohs reach ukca ccc kc pse gcc eac saso registration register
    inspection inspect audit compliance comply compliant conformity assessment approval approve
    update updates news deadline deadlines comment comments date dates enter entry force apply
    applies application effective deadline china chinese sell selling sold ship shipping shipped send
    sent customs border rejected rejection detained detention recall recalled alert alerts rasff
    report reports reporting case cases dispute disputes subscribe subscription remind reminder
    kind kinds type types part parts kind whether n e c nec heading headings subheading chapter
    item containing contain weight kg including excluding excl incl put up retail sale form forms
    thereof therefor etc such similar like same general specified elsewhere included articles article
    announcement announcements notice notices gacc anti dumping duty duties tariff tariffs tax rebate
    material materials made mainly wholly principally whatever europe european america american"""
)

FUNCTION_ZIPF = 5.8  # wordfreq frequency of English's particles and commonest words (out 6.4, water 5.5)


# Everyday words that HS descriptions happen to contain ("match", "light", "power"): a product
# named by them is found through the synonym table, never through the HS text fallback.
_EN_COMMON = _wordset(
    """match matches light lights power air sea road rail time times way people work life world place
    order orders pack packs symbol symbols
    point line lines side head hand room end state states game games team player players football
    soccer basketball movie music song recipe recipes cook food foods water fire ground body face
    home house office school money price prices cost costs fee fees charge charges tax taxes tariff tariffs duty
    duties value values level levels data information info question questions answer problem
    problems issue issues process procedure procedures system systems service services support
    contact email address website online internet app account number numbers code codes page
    document documents file files filing text version draft final official government ministry authority
    authorities agency commission committee council member members meeting session talk story
    paper study research analysis review guide guidance list table figure example sample samples
    quality safety health environment environmental energy efficiency consumer consumers user users
    customer customers buyer buyers seller sellers supplier suppliers manufacturer manufacturers
    producer producers brand brands model models design size sizes color colour shape style high
    low small large big good bad best better first last next previous early late long full free
    open close closed total cent percent amount volume day days hour hours today tomorrow yesterday
    morning night name names word words language english translate translation mean means meaning
    explain detail details summary try ask asked asking think start stop find found look looking
    show give take keep let run set turn call come came pass passed move pay paid buy bought led
    lead leading top bottom front back left right center centre case cases still well known known
    ready live living nature natural human animal animals plant plants green red white black blue
    yellow cold hot warm dry wet fresh clean dirty safe unsafe risk risks danger dangerous effect
    effects impact china ban banned limit limits maximum minimum content contents level common
    special specific certain main major minor various different same similar whole half double
    single simple complex hard soft heavy strong weak fast slow quick"""
)

_ZH_STOP = _wordset(
    """出口 进口 出口商 要求 需要 什么 认证 标准 通报 我们 你们 他们 公司 企业 产品 商品 货物 贸易 壁垒
    技术 措施 法规 规定 规则 检测 测试 注册 标签 标识 标志 市场 国家 怎么 如何 哪些 有没有 是否 可以
    能否 能不能 最近 新规 影响 问题 情况 了解 咨询 帮助 报告 订阅 提醒 预警 案例 以前 现在 今天 天气
    时候 已经 扣货 退运 召回 拒绝 入境 海关 总署 公告 条例 指令 多少 费用 时间 多久 流程 办理 申请
    机构 实验室 证书 文件 资料 说明 评议 意见 期限 截止 日期 生效 实施 发布 修订 草案 征求 合规 安全
    质量 环保 有害 物质 限制 含量 检验 检疫 运输 销售 生产 工厂 你好 谢谢 能做 怎么样 一下 一些 这个
    那个 这些 那些 关于 对于 或者 以及 还是 还有 应该 必须 需不需要 要不要 相关 方面 具体 目前 今年
    去年 明年 新的 最新 通知 消息 政策 文件 内容 信息 工作 单位 联系 电话 邮箱 地址 名称 欧盟 美国
    中国 我国 国外 国内 境外 海外 其他 其它 所有 各种 一般 主要 部分 零件 配件 附件 材料 制品 用品
    用具 设备 装置 器具 器材 机器 东西 样品 订单 客户 买家 卖家 外贸 跨境 电商 平台 亚马逊 被通报
    通报了 不合格 超标 残留 农残 检出 退货 销毁 扣留 问一下 请问 想问 知道 告诉 谁 哪里 哪个 为什么
    数据 机制 制度 系统 服务 体系 模式 方式 方法 计划 项目 成本 价格 损失 赔偿 协定 协议 组织 委员会"""
)


@dataclass
class HSCandidate:
    """One HS code a text may be about, with how sure we are and the words that led there."""

    code: str
    label_en: str
    label_zh: str | None
    confidence: float
    matched: str


@dataclass(frozen=True)
class _Entry:
    """One synonym-table entry."""

    primary: tuple[str, ...]
    also: tuple[str, ...]
    words: tuple[str, ...] = ()  # every word of the entry, both languages (for cross-lingual search)


@dataclass(frozen=True)
class _EnSyn:
    entry: _Entry
    exact: tuple[str, ...] | None  # words as written when the alias is case-sensitive ("=LED")


@dataclass
class _Hit:
    start: int
    end: int
    codes: list[tuple[str, float]]


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """A crude English singular: enough to make "batteries" meet "battery" on both sides."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _osa_distance_le1(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


_NON_DIGIT_RE = re.compile(r"\D+")


def _digits(code: Any) -> str:
    text = str(code)
    return text if text.isdigit() else _NON_DIGIT_RE.sub("", text)


def hs_matches(query_code: str, record_code: str) -> bool:
    """Hierarchical HS match: 851830 matches 8518 and 85, and they match it (both ways)."""
    q, r = _digits(query_code), _digits(record_code)
    if len(q) < 2 or len(r) < 2:
        return False
    return q.startswith(r) or r.startswith(q)


class ProductVocabulary:
    """Product words -> HS candidates; build with `ProductVocabulary.load(corpus_dir)`."""

    _cache: dict[str, ProductVocabulary] = {}
    _cache_lock = threading.Lock()

    def __init__(self) -> None:
        self.issues: list[str] = []
        self.hs_en: dict[str, str] = {}  # HS2022 code (2/4/6 digits) -> English description
        self.tariff_zh: dict[str, str] = {}  # Chinese 8-digit line -> goods name
        self.tariff_lines: list[tuple[str, str]] = []  # (HS2022 code it maps to, goods name)
        self.tariff_bigrams: dict[str, list[int]] = {}
        self.labels_zh: dict[str, str] = {}  # curated / chapter labels
        self.auto_labels_zh: dict[str, str] = {}  # first Chinese word of a single-code entry
        self.tariff_single_zh: dict[str, str] = {}  # HS6 with exactly one tariff line -> its name
        self.syn_zh: dict[str, _Entry] = {}
        self.syn_zh_first: dict[str, int] = {}
        self.syn_en: dict[tuple[str, ...], list[_EnSyn]] = {}
        self.syn_en_max = 1
        self.syn_words: set[str] = set()
        self.not_typos: frozenset[str] = frozenset()
        self.fuzzy: dict[str, set[str]] = defaultdict(set)
        self.hs_words: dict[str, list[str]] = {}
        self.hs_idf: dict[str, float] = {}
        self.hs_goods: frozenset[str] = frozenset()
        self._jieba: Any = None
        self._indexed = False
        self._index_lock = threading.Lock()

    # --- loading -------------------------------------------------------------------------------
    @classmethod
    def load(cls, corpus_dir: Path | str | None = None) -> ProductVocabulary:
        """The vocabulary for a corpus directory (or its vocab/ folder), built once per process.

        Missing data files do not raise: the vocabulary then works from the synonym table alone
        and lists what was missing in `issues`.
        """
        base = Path(corpus_dir) if corpus_dir is not None else _default_corpus_dir()
        vocab_dir = base / "vocab" if (base / "vocab").is_dir() else base
        key = str(vocab_dir.resolve())
        with cls._cache_lock:
            cached = cls._cache.get(key)
            if cached is None:
                cached = cls._build(vocab_dir)
                cls._cache[key] = cached
        return cached

    @classmethod
    def _build(cls, vocab_dir: Path) -> ProductVocabulary:
        self = cls()
        self._load_hs(vocab_dir / "hs2022.csv")
        self._load_tariff(vocab_dir / "cn_tariff_lines_8digit_zh.csv")
        self._load_synonyms(_SYNONYMS_FILE)
        self._load_not_typos(_NOT_TYPOS_FILE)
        return self

    def _load_not_typos(self, path: Path) -> None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            self.issues.append(f"{path}: not loaded ({exc.strerror or exc}); typo correction is off")
            self.fuzzy.clear()
            return
        self.not_typos = frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))

    def _load_hs(self, path: Path) -> None:
        try:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                for row in csv.DictReader(fh):
                    code = (row.get("hscode") or "").strip()
                    if code.isdigit() and len(code) in (2, 4, 6):
                        self.hs_en[code] = (row.get("description") or "").strip()
        except OSError as exc:
            self.issues.append(f"{path}: HS 2022 descriptions not loaded ({exc.strerror or exc})")

    def _ensure_indexes(self) -> None:
        """Build the fallback indexes (HS words, tariff-name bigrams) on first use, once."""
        if self._indexed:
            return
        with self._index_lock:
            if not self._indexed:
                self._index_hs()
                self._index_tariff()
                self._indexed = True

    def _index_hs(self) -> None:
        df: dict[str, int] = defaultdict(int)
        index: dict[str, list[str]] = defaultdict(list)
        goods: set[str] = set()
        for code, desc in self.hs_en.items():
            if len(code) == 2:
                continue
            low = desc.lower()
            words = {lemma(w) for w in _HS_WORD_RE.findall(low) if len(w) >= 3}
            head = _HS_PURPOSE_RE.split(_HS_QUALIFIER_RE.sub(" ", re.sub(r"\([^)]*\)", " ", low)), maxsplit=1)[0]
            goods |= {lemma(w) for w in _HS_WORD_RE.findall(head)} & _phrase_heads(low)
            for w in words:
                if w in _EN_STOP:
                    continue
                df[w] += 1
                index[w].append(code)
        n = max(len(self.hs_en), 1)
        self.hs_words = dict(index)
        # words said of the goods themselves, not only of their purpose or user ("carriages for
        # disabled persons"): a guess needs one of them, "our person responsible" names no goods
        self.hs_goods = frozenset(goods)
        self.hs_idf = {w: math.log(n / c) for w, c in df.items()}

    def _load_tariff(self, path: Path) -> None:
        try:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.DictReader(fh))
        except OSError as exc:
            self.issues.append(f"{path}: Chinese tariff names not loaded ({exc.strerror or exc})")
            return
        per_hs6: dict[str, list[str]] = defaultdict(list)
        for row in rows:
            code8 = _digits(row.get("cn_tariff_code_8"))
            name = fold((row.get("description_zh") or "").strip())
            if len(code8) != 8 or not name:
                continue
            self.tariff_zh[code8] = name
            mapped = self._hs2022_for(code8)
            if not mapped:
                continue
            self.tariff_lines.append((mapped, name))
            if len(mapped) == 6:
                per_hs6[mapped].append(name)
        self.tariff_single_zh = {code: names[0] for code, names in per_hs6.items() if len(names) == 1}

    def _hs2022_for(self, code8: str) -> str | None:
        """The HS2022 code a Chinese (HS2012-based) tariff line can safely be filed under."""
        if not self.hs_en:
            return code8[:6]
        for size in (6, 4, 2):
            if code8[:size] in self.hs_en:
                return code8[:size]
        return None

    def _index_tariff(self) -> None:
        bigrams: dict[str, list[int]] = defaultdict(list)
        for idx, (_, name) in enumerate(self.tariff_lines):
            for bg in {name[i : i + 2] for i in range(len(name) - 1)}:
                bigrams[bg].append(idx)
        self.tariff_bigrams = dict(bigrams)

    def _load_synonyms(self, path: Path) -> None:
        data = load_yaml(path)
        for code, label in (data.get("chapters_zh") or {}).items():
            self.labels_zh[str(code).zfill(2)] = str(label)
        for item in data.get("products") or []:
            entry = _Entry(
                tuple(_digits(c) for c in item.get("hs") or []),
                tuple(_digits(c) for c in item.get("also") or []),
                tuple(str(w).lstrip("=") for w in [*(item.get("zh") or []), *(item.get("en") or [])]),
            )
            if item.get("label_zh") and entry.primary:
                self.labels_zh.setdefault(entry.primary[0], str(item["label_zh"]))
            zh_words = [str(w) for w in item.get("zh") or []]
            if len(entry.primary) == 1 and zh_words:
                self.auto_labels_zh.setdefault(entry.primary[0], zh_words[0])
            for word in zh_words:
                key = fold(word).lower()
                if key and key not in self.syn_zh:
                    self.syn_zh[key] = entry
                    self.syn_zh_first[key[0]] = max(self.syn_zh_first.get(key[0], 0), len(key))
            for word in item.get("en") or []:
                self._add_en(str(word), entry)
        self.syn_en_max = max((len(k) for k in self.syn_en), default=1)
        one_word = {key[0] for key in self.syn_en if len(key) == 1}
        for w in one_word:
            if len(w) >= 4 and w.isalpha():
                self.fuzzy[w].add(w)
                for d in _deletes(w):
                    self.fuzzy[d].add(w)

    def _add_en(self, word: str, entry: _Entry) -> None:
        exact = word.startswith("=")
        raw = word[1:] if exact else word
        tokens = _EN_TOKEN_RE.findall(raw)
        if not tokens:
            return
        key = tuple(lemma(t) for t in tokens)
        self.syn_en.setdefault(key, []).append(_EnSyn(entry, tuple(tokens) if exact else None))
        self.syn_words.update(key)

    # --- labels ----------------------------------------------------------------------------------
    def label_en(self, code: str) -> str:
        c = _digits(code)
        for size in (len(c), 6, 4, 2):
            if size <= len(c) and c[:size] in self.hs_en:
                return self.hs_en[c[:size]]
        return ""

    def label_zh(self, code: str) -> str | None:
        """The most specific Chinese label known for a code, or None."""
        c = _digits(code)
        if len(c) == 8 and c in self.tariff_zh:
            return self.tariff_zh[c]
        for size in (6, 4, 2):
            if size > len(c):
                continue
            part = c[:size]
            for table in (self.labels_zh, self.tariff_single_zh, self.auto_labels_zh):
                if part in table:
                    return table[part]
        return None

    def describe(self, code: str, lang: str = "en") -> str:
        """The label of an HS code at the most specific level known, in `lang` (zh falls back to en)."""
        if lang.lower().startswith("zh"):
            return self.label_zh(code) or self.label_en(code)
        return self.label_en(code) or (self.label_zh(code) or "")

    def is_known(self, code: str) -> bool:
        c = _digits(code)
        return c in self.hs_en or c in self.tariff_zh

    # --- lookup ----------------------------------------------------------------------------------
    def lookup(self, text: str, k: int = 5) -> list[HSCandidate]:
        """HS candidates for the products named anywhere in `text`, most certain first."""
        if not text or not text.strip():
            return []
        text = text[:_MAX_CHARS]
        self._ensure_indexes()
        folded = fold(text)
        taken = bytearray(len(folded))  # 1 where a product (or market) word was already read
        found: list[tuple[_Hit, str, int]] = []  # (hit, matched text, order)

        for hit in self._quoted_codes(folded):
            found.append((hit, text[hit.start : hit.end], hit.start))
            _mark(taken, hit.start, hit.end)
        for hit in self._zh_synonyms(folded, taken):
            found.append((hit, text[hit.start : hit.end], hit.start))
            _mark(taken, hit.start, hit.end)
        for hit in self._en_synonyms(folded, taken):
            found.append((hit, text[hit.start : hit.end], hit.start))
            _mark(taken, hit.start, hit.end)
        for m in _market_spans(text):
            _mark(taken, m[0], m[1])
        starts = {hit.start for hit, _, _ in found}
        for hit in self._zh_tariff(folded, taken, starts):
            found.append((hit, text[hit.start : hit.end], hit.start))
        for hit in self._en_hs(folded, taken):
            found.append((hit, text[hit.start : hit.end], hit.start))

        best: dict[str, tuple[float, int, str]] = {}
        for hit, matched, order in found:
            for code, conf in hit.codes:
                cur = best.get(code)
                if cur is None or conf > cur[0]:
                    best[code] = (conf, order if cur is None else min(order, cur[1]), matched)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[1][1], len(kv[0])))
        return [
            HSCandidate(
                code=code,
                label_en=self.label_en(code),
                label_zh=self.label_zh(code),
                confidence=round(conf, 3),
                matched=matched,
            )
            for code, (conf, _, matched) in ranked[: max(k, 0)]
        ]

    def _quoted_codes(self, folded: str) -> list[_Hit]:
        hits: list[_Hit] = []
        for n, rx in enumerate(_HS_QUOTED_RES):
            for m in rx.finditer(folded):
                code = _digits(m.group(1))
                if n == 2 and 1990 <= int(code[:4]) <= 2035:
                    continue  # a bare "2008.10" is more likely a date than heading 2008
                if self._plausible_code(code):
                    hits.append(_Hit(m.start(), m.end(), [(code, 1.0)]))
        for rx in _CHAPTER_RES:
            for m in rx.finditer(folded):
                code = next(g for g in m.groups() if g).zfill(2)
                if code in self.hs_en or (not self.hs_en and code != "00"):
                    hits.append(_Hit(m.start(), m.end(), [(code, 0.9)]))
        hits.sort(key=lambda h: h.start)
        out: list[_Hit] = []
        end = -1
        for h in hits:
            if h.start >= end:
                out.append(h)
                end = h.end
        return out

    def _plausible_code(self, code: str) -> bool:
        if len(code) not in (4, 6, 8):
            return False
        if not self.hs_en:
            return True
        return code in self.tariff_zh or code[:6] in self.hs_en or code[:4] in self.hs_en

    def _zh_synonyms(self, folded: str, taken: bytearray) -> list[_Hit]:
        low = folded.lower()
        out: list[_Hit] = []
        i, n = 0, len(low)
        first = self.syn_zh_first
        while i < n:
            longest = first.get(low[i])
            if not longest or taken[i]:
                i += 1
                continue
            if low[i].isascii() and i > 0 and low[i - 1].isascii() and low[i - 1].isalnum():
                i += 1  # a Latin-initial word (LED灯) must start a word
                continue
            step = 1
            for size in range(min(longest, n - i), 0, -1):
                entry = self.syn_zh.get(low[i : i + size])
                if entry is None or any(taken[i : i + size]):
                    continue
                if not any(is_han(ch) for ch in low[i : i + size]):
                    continue
                out.append(_Hit(i, i + size, _entry_codes(entry, 1.0)))
                step = size
                break
            i += step
        return out

    def _en_tokens(self, folded: str, taken: bytearray) -> list[tuple[int, int, str]]:
        return [
            (m.start(), m.end(), m.group(0))
            for m in _EN_TOKEN_RE.finditer(folded)
            if not any(taken[m.start() : m.end()])
        ]

    def _en_synonyms(self, folded: str, taken: bytearray) -> list[_Hit]:
        tokens = self._en_tokens(folded, taken)
        if not tokens:
            return []
        lemmas: list[str] = []
        typo: list[bool] = []
        for _, _, raw in tokens:
            lem = lemma(raw)
            fixed = self._correct(raw.lower(), lem)
            lemmas.append(fixed or lem)
            typo.append(fixed is not None)
        out: list[_Hit] = []
        i = 0
        while i < len(tokens):
            matched = 0
            for n in range(min(self.syn_en_max, len(tokens) - i), 0, -1):
                if n > 1 and not all(
                    _EN_GAP_RE.fullmatch(folded, tokens[j][1], tokens[j + 1][0]) for j in range(i, i + n - 1)
                ):
                    continue
                syns = self.syn_en.get(tuple(lemmas[i : i + n]))
                if not syns:
                    continue
                raws = [t[2] for t in tokens[i : i + n]]
                ok = [s for s in syns if s.exact is None or _exact_ok(s.exact, raws)]
                if not ok or (n == 1 and _not_goods_here(folded, tokens[i][0], tokens[i][1])):
                    continue
                factor = 0.85 if any(typo[i : i + n]) else 1.0
                out.append(_Hit(tokens[i][0], tokens[i + n - 1][1], _entry_codes(ok[0].entry, factor)))
                matched = n
                break
            i += matched or 1
        return out

    def _correct(self, word: str, lem: str) -> str | None:
        """The synonym word one edit away from an unknown word of 5+ letters, if exactly one."""
        if len(word) < 5 or not word.isalpha() or not self.fuzzy:
            return None
        if word in self.not_typos or lem in self.not_typos or word in _EN_COMMON:
            return None
        if lem in self.syn_words or word in self.syn_words or lem in _EN_STOP or word in _EN_STOP:
            return None
        if lem in self.hs_idf or word in self.hs_idf or _is_market_word(word):
            return None
        for probe in (word, lem):
            cands: set[str] = set()
            for key in {probe} | _deletes(probe):
                cands |= self.fuzzy.get(key, set())
            hits = sorted(c for c in cands if _osa_distance_le1(probe, c))
            if len(hits) == 1:
                # a word of its own, as common as the product word or more ("Durban", not "durian"),
                # is what it says; a typo is rarer than the word it misspells
                said = zipf_frequency(word, "en")
                return hits[0] if not said or said < zipf_frequency(hits[0], "en") else None
        return None

    def related_words(self, matched: str) -> list[str]:
        """All words (Chinese and English) of the synonym entry a matched product text belongs to.

        Search uses them to reach records written in the other language: 干辣椒 -> dried chilli,
        earbuds -> 蓝牙耳机. A typo is corrected the way `lookup` corrects it. [] when the text
        is not a synonym (a tariff-name or HS-description match).
        """
        key = fold(matched or "").strip().lower()
        if not key:
            return []
        entry = self.syn_zh.get(key)
        if entry is None:
            tokens = _EN_TOKEN_RE.findall(key)
            lemmas = tuple(self._correct(t, lemma(t)) or lemma(t) for t in tokens)
            syns = self.syn_en.get(lemmas)
            entry = syns[0].entry if syns else None
        return list(entry.words) if entry is not None else []

    def warm(self) -> None:
        """Build the fallback indexes and initialise jieba now (together about 1 s on a cold
        start) instead of during the first lookup that needs them."""
        self._ensure_indexes()
        if self._jieba is None:
            with _JIEBA_LOCK:
                if self._jieba is None:
                    import jieba

                    jieba.setLogLevel(60)
                    jieba.initialize()
                    self._jieba = jieba

    def _jieba_cut(self, text: str) -> list[str]:
        self.warm()
        return list(self._jieba.cut(text, HMM=False))

    def _zh_tariff(self, folded: str, taken: bytearray, starts: set[int]) -> list[_Hit]:
        """Tariff-name matches for the Chinese words left over; `starts`: where product words begin."""
        if not self.tariff_lines:
            return []
        masked = "".join(" " if taken[i] else ch for i, ch in enumerate(folded))
        out: list[_Hit] = []
        for run in _HAN_RUN_RE.finditer(masked):
            pos = run.start()
            for token in self._jieba_cut(run.group(0)):
                start = pos
                pos += len(token)
                if len(token) < 2 or token in _ZH_STOP or not all(is_han(c) for c in token):
                    continue
                if pos in starts:
                    continue  # a modifier of the product word right after it (竹制 一次性筷子)
                codes = self._tariff_codes(token)
                if codes:
                    out.append(_Hit(start, start + len(token), codes))
        return out

    def _tariff_codes(self, token: str) -> list[tuple[str, float]]:
        postings: set[int] | None = None
        for i in range(len(token) - 1):
            ids = self.tariff_bigrams.get(token[i : i + 2])
            if not ids:
                return []
            postings = set(ids) if postings is None else postings & set(ids)
            if not postings:
                return []
        lines = [self.tariff_lines[i] for i in sorted(postings or ()) if token in self.tariff_lines[i][1]]
        if not lines or len(lines) > 40 or not any(_heads(token, name) for _, name in lines):
            return []  # (a word no goods name ends with only qualifies goods: 检查 of 检查车, 检查仪)
        scores: dict[str, float] = {}
        for code, name in lines:
            core = _unbracketed(name) or name
            ratio = 1.0 if token == core else min(len(token) / max(len(core), 1), 0.9)
            scores[code] = max(scores.get(code, 0.0), ratio)
        spread = 1.0 if len(scores) <= 2 else 0.8
        # a word that is only a small part of every goods name it occurs in names none of them
        ranked = [kv for kv in sorted(scores.items(), key=lambda kv: -kv[1])[:3] if kv[1] >= 0.25]
        return [(code, round((0.35 + 0.35 * s) * spread, 3)) for code, s in ranked]

    def _en_hs(self, folded: str, taken: bytearray) -> list[_Hit]:
        if not self.hs_words:
            return []
        words: list[tuple[int, int, str, float]] = []
        for start, end, raw in self._en_tokens(folded, taken):
            if raw.isupper() and len(raw) <= 6:
                continue  # an acronym (BIS, SASO, KC) is a scheme or body, not a product word
            w = raw.lower()
            lem = lemma(w)
            if len(lem) < 3 or not lem.isalpha() or lem in _EN_STOP or w in _EN_STOP:
                continue
            if w in _EN_COMMON or lem in _EN_COMMON or _is_market_word(w) or _not_goods_here(folded, start, end):
                continue
            if zipf_frequency(w, "en") >= FUNCTION_ZIPF:
                continue  # "put out", "back", "over": words this common are grammar, not goods
            idf = self.hs_idf.get(lem)
            if idf is None or idf < 5.5:
                continue
            words.append((start, end, lem, idf))
        if not any(w[2] in self.hs_goods for w in words):
            return []
        total = sum(w[3] for w in words)
        scores: dict[str, float] = defaultdict(float)
        for _, _, lem, idf in words:
            for code in self.hs_words.get(lem, ()):
                scores[code] += idf
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], len(self.hs_en.get(kv[0], "")), kv[0]))[:3]
        start, end = words[0][0], words[-1][1]
        # tariff words strewn over a sentence ("farm … seafood processor … the farm") do not name
        # goods the way adjacent ones do ("frozen durian pulp"): the guess weakens with the gaps
        density = len(words) / max(len(_HS_WORD_RE.findall(folded[start:end])), len(words))
        return [
            _Hit(start, end, [(code, round(0.25 + 0.3 * min(s / total, 1.0) * density, 3))])
            for code, s in ranked
        ]


# English syntax that rules out a goods noun, for words the tariff text shares with everyday verbs
# and adjectives: a word followed by a determiner or object pronoun is a verb ("the FCC changes its
# rules"); one after a subject pronoun or a modal's "to" is a verb ("who notifies", "have to check"); one followed by "who" is a person
# or firm ("a seafood processor who exports"); one after "something" is an adjective ("something
# lighter"); one after "by" is a means ("leaving by truck"); an -ing word followed by a preposition of motion is a participle ("containers moving by
# rail", "Moving to the US:"); a short word before a hyphen is a prefix ("pre-market")
_BEFORE_OBJECT_RE = re.compile(r"\s+(?:its|the|an?|our|their|my|your|his|her|this|these|those|them|us|me|who)\b")
_AFTER_SUBJECT_RE = re.compile(r"\b(?:we|they|i|he|she|who|something|anything|nothing|by|"
                               # an infinitive after a modal phrase is a verb ("have to check", "how to file")
                               r"(?:have|has|had|need|needs|want|wants|going|able|how|plan|plans|try)\s+to)\s+$")
_PREFIX_RE = re.compile(r"-\s?[a-z]")
_PREDICATE_END_RE = re.compile(r"\s*(?:[,.;:?!]|and\b|or\b|$)")
_PARTICIPLE_RE = re.compile(r"\s+(?:to|by|into|onto|through|back|over|across|via)\b")


def _not_goods_here(text: str, start: int, end: int) -> bool:
    """The word at text[start:end] is used as a verb, adjective or person, not as goods."""
    after, before = text[end:end + 12].lower(), text[max(0, start - 12):start].lower()
    if end - start <= 5 and _PREFIX_RE.match(after):
        return True  # "pre-market", "non-food": the prefix of a compound is no word of its own
    word = text[start:end].lower()
    if before.endswith("-") and word.endswith("ed"):
        return True  # "FCC-recognised", "heat-treated": a compound adjective, not goods
    if len(word) >= 6 and word.endswith("ed") and not word.endswith("eed") and _PREDICATE_END_RE.match(after):
        return True  # "labs still recognised, and…": a participle saying what something is, not goods
    if _BEFORE_OBJECT_RE.match(after) or _AFTER_SUBJECT_RE.search(before):
        return True
    return word.endswith("ing") and bool(_PARTICIPLE_RE.match(after))


_BRACKETED = re.compile(r"[（(]([^）)]*)[）)]")


def _unbracketed(name: str) -> str:
    """A tariff goods name without what it says in brackets."""
    return _BRACKETED.sub("", name)


_NAME_PARTS = re.compile(r"[,，;；、:：/]|及|和|或|与")


_EN_PHRASE_END = re.compile(r"[,;:()\[\]]|\b(?:and|or|of|for|with|in|from|to|whether|but|not|than|on)\b")


def _phrase_heads(description: str) -> set[str]:
    """The lemmas that end a noun phrase of an English tariff description ("extra virgin olive oil"
    ends with oil): the word that names goods, where those before it only qualify them."""
    out: set[str] = set()
    for part in _EN_PHRASE_END.split(description):
        words = _HS_WORD_RE.findall(part)
        if words:
            out.add(lemma(words[-1]))
    return out


def _heads(token: str, name: str) -> bool:
    """`token` ends one of the goods names a tariff line lists (玩具动物 does not end with 玩具,
    建筑玩具 does): the word that names goods, not one that qualifies them."""
    names = [_unbracketed(name), *_BRACKETED.findall(name)]  # 甲硫氨酸(蛋氨酸): the other name too
    return any(part.strip().endswith(token) for n in names for part in _NAME_PARTS.split(n))


def _entry_codes(entry: _Entry, factor: float) -> list[tuple[str, float]]:
    base = 0.95 if len(entry.primary) == 1 else 0.85
    codes = [(c, round(base * factor, 3)) for c in entry.primary]
    codes += [(c, round(0.55 * factor, 3)) for c in entry.also if c not in entry.primary]
    return codes


def _exact_ok(words: tuple[str, ...], raws: list[str]) -> bool:
    return all(r == w or r == w.upper() for w, r in zip(words, raws, strict=False))


def _mark(taken: bytearray, start: int, end: int) -> None:
    for i in range(max(start, 0), min(end, len(taken))):
        taken[i] = 1


def _market_spans(text: str) -> list[tuple[int, int]]:
    from assistant.retrieve.markets import find_markets

    return [(m.start, m.end) for m in find_markets(text)]


def _is_market_word(word: str) -> bool:
    from assistant.retrieve.markets import find_markets

    return bool(find_markets(word))


FOOD_CHAPTERS = 24  # HS chapters 1-24: agricultural and food products (WTO Agreement on Agriculture, Annex 1)


def across_food_divide(asked_hs: list[str], record_hs: list[str]) -> bool:
    """Food asked and a rule scoped to other goods only, or the other way round: a market's
    cosmetics rule says nothing of dairy, its food law nothing of lamps."""
    def food(codes: list[str]) -> set[bool]:
        return {int(c[:2]) <= FOOD_CHAPTERS for c in (str(x) for x in codes) if c[:2].isdigit()}
    asked, scoped = food(asked_hs), food(record_hs)
    return len(asked) == 1 and len(scoped) == 1 and asked != scoped


@lru_cache(maxsize=1)
def chapter_sections() -> dict[str, str]:
    """HS chapter (2 digits) -> its HS 2022 section (I..XXI), from corpus/vocab/hs2022.csv: the
    nomenclature's own grouping of chapters into kinds of goods (IV: prepared foodstuffs)."""
    path = _default_corpus_dir() / "vocab" / "hs2022.csv"
    out: dict[str, str] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                code = (row.get("hscode") or "").strip()
                if code.isdigit() and len(code) == 2:
                    out[code] = (row.get("section") or "").strip()
    except OSError:
        return {}
    return out


def _default_corpus_dir() -> Path:
    from assistant.config import get_settings

    return Path(get_settings().corpus_dir)
