"""The citation verifier: an answer may only state what the sources it cites say.

A composed answer (from the LLM, or the offline composer, which must always pass) is cut into
sentences. Every citation marker [n] must name an existing source; every checkable fact in a
sentence (notification symbol, EU act, RASFF ref, DS number, 海关总署公告 number, date, year,
figure) must appear in a source that sentence cites. Sentences that fail are dropped and
reported, so an exporter never reads an invented symbol, date or number.

Formats are normalised before comparing: dates to ISO (2016年7月13日 = 13 July 2016 =
2016-07-13), numbers without thousands separators (3,971 = 3971), scaled amounts by value
(0.5 billion = 5亿). A sentence without its own marker is checked against the markers of the
next cited sentence of the same paragraph or list item (a block cited at its end); a sentence
that cited only missing sources gets no such help. Not checked: durations (60 days, one year),
because the offline composer computes "N days left" from today's date, which no source holds;
HS codes, which name the user's product rather than state a fact.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.answer.models import Evidence
from assistant.refs import find_disputes, find_eu_acts, find_gacc, find_rasff, find_symbols

# --- citation markers ---------------------------------------------------------------------------

_MARKER_RE = re.compile(r"[\[［【]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]］】]")


def marker_numbers(text: str) -> list[int]:
    """Every source number cited in `text`, in order, without repeats."""
    out: list[int] = []
    for m in _MARKER_RE.finditer(text):
        for part in re.split(r"[,，、]", m.group(1)):
            n = int(part.strip())
            if n not in out:
                out.append(n)
    return out


# --- sentences ----------------------------------------------------------------------------------

# A boundary: Chinese 。！？；, ! and ?, or a full stop before a space / the end of the line; the
# markers and spaces that follow it stay with the sentence they close ("... 2016-07-13. [2]").
_BOUNDARY_RE = re.compile(
    rf"(?:[。！？；]|[.!?](?=\s|$))(?:\s*{_MARKER_RE.pattern})*\s*"
)
_ABBREVIATIONS = frozenset({
    "no", "nos", "art", "arts", "e.g", "i.e", "etc", "vs", "cf", "approx", "incl", "fig", "para",
    "paras", "reg", "dr", "mr", "ms", "mrs", "st", "u.s", "u.k", "e.u", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "co", "inc", "ltd", "corp", "p", "pp",
    "vol", "ch", "sec", "op", "doc", "add", "rev", "corr", "suppl",
})
_WORD_BEFORE_RE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def split_sentences(line: str) -> list[str]:
    """Cut one line into sentences whose concatenation is exactly the line."""
    out: list[str] = []
    start = 0
    for m in _BOUNDARY_RE.finditer(line):
        if m.group(0).startswith("."):
            word = _WORD_BEFORE_RE.search(line[start : m.start()])
            if word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
                continue
            rest = line[m.end() : m.end() + 1]
            if rest.islower():  # "... approx. one year" reads on
                continue
        if m.end() > start:
            out.append(line[start : m.end()])
            start = m.end()
    if start < len(line):
        out.append(line[start:])
    return out


# --- facts --------------------------------------------------------------------------------------

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
_MONTH = "(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_ORD = r"(?:st|nd|rd|th)?"
_ISO_DATE_RE = re.compile(rf"(?<![\d/.]){_YEAR}([-/.])(?P<m>\d{{1,2}})\2(?P<d>\d{{1,2}})(?![\d/])")
_MONTH_HINT_RE = re.compile(r"(?<![A-Za-z])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.I)
# (pattern, cheap test that the pattern can match at all): most specific first; each match is
# masked before the next pattern runs
_DATE_RES: list[tuple[re.Pattern[str], Callable[[str], bool]]] = [
    (re.compile(rf"(?<!\d){_YEAR}\s*年\s*(?P<m>\d{{1,2}})\s*月(?:\s*(?P<d>\d{{1,2}})\s*[日号])?"),
     lambda t: "年" in t),
    (re.compile(rf"(?<![\d.])(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.{_YEAR}(?!\d)"),
     lambda t: "." in t),
    (re.compile(rf"(?<![A-Za-z0-9])(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}(?!\d)", re.I),
     lambda t: _MONTH_HINT_RE.search(t) is not None),
    (re.compile(rf"(?<![A-Za-z0-9]){_MONTH}\s+(?P<d>\d{{1,2}}){_ORD},?\s+{_YEAR}(?!\d)", re.I),
     lambda t: _MONTH_HINT_RE.search(t) is not None),
    (re.compile(rf"(?<![A-Za-z0-9]){_MONTH},?\s+(?:of\s+)?{_YEAR}(?!\d)", re.I),
     lambda t: _MONTH_HINT_RE.search(t) is not None),
]
_DIGIT_RE = re.compile(r"\d")
_YEAR_RE = re.compile(r"(?<![\d.,/])(?:19|20)\d{2}(?![\d/])")
_ANY_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")  # in a source, a year counts anywhere
# An act quoted without its (EU) tag: "Regulation 2019/1020", "条例2017/745".
_BARE_ACT_RE = re.compile(
    r"(?:Regulation|Directive|Decision|条例|指令|法规|决定)\s*(?:No\.?\s*)?(?P<key>\d{2,4}/\d{1,4})(?![\d/])",
    re.I,
)

# Identifiers are checked as identifiers; their digits must not count again as years or figures.
_IDENT_MASKS = [
    re.compile(  # the grammar of refs.find_symbols
        r"G\s*/\s*(?:TBT|SPS)\s*/\s*N\s*/\s*(?:FIXTURE|[A-Z]{2,3})\s*/\s*\d{1,6}"
        r"(?:\s*/\s*(?:Rev|Add|Corr|Suppl)\s*\.?\s*\d{1,3})*",
        re.I,
    ),
    re.compile(r"\((?:EU|EC|EEC|EU,\s*Euratom)\)\s*(?:No\.?\s*)?\d{2,4}/\d{1,4}", re.I),
    re.compile(r"\b\d{4}/\d{1,4}/(?:EU|EC|EEC)\b", re.I),
    _BARE_ACT_RE,
    re.compile(r"(?:海关总署)?公告\s*[〔\[［(（]\s*20\d{2}\s*[〕\]］)）]\s*\d{1,4}\s*号"),
    re.compile(r"RASFF\s*(?:No\.?\s*)?20\d{2}\.\d{1,5}|\b20[12]\d\.\d{3,5}\b", re.I),
    re.compile(r"\bDS\s*\d{1,3}\b", re.I),
    # HS codes name the user's product, they are not figures: "HS 851830", "HS编码 8517、8518"
    re.compile(
        r"(?<![A-Za-z])HS\s*(?:codes?|编码|编号|代码)?\s*[:：]?\s*\d{2,10}(?:\.\d{1,4})*"
        r"(?:\s*(?:[,，、/]|and|or|和|或)\s*\d{2,10}(?:\.\d{1,4})*)*",
        re.I,
    ),
]

_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALES = {
    "thousand": 1e3, "million": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12,
    "千": 1e3, "万": 1e4, "百万": 1e6, "千万": 1e7, "亿": 1e8, "万亿": 1e12,
}
_SCALE = "(?P<scale>" + "|".join(sorted(_SCALES, key=len, reverse=True)) + ")"
_SCALE = f"(?i:{_SCALE})"
_UNITS = (  # case-sensitive: "5 W" is a figure, "5G" is not
    r"%|‰|(?i:percent|per\s*cent)|个百分点|ppm|ppb|"
    r"(?:mg|µg|μg|ug|g|kg)\s*/\s*(?:kg|l|L|g)|mg|µg|μg|kg|g|t|tonnes?|tons?|"
    r"kW|mW|W|kV|V|dB[mi]?|kHz|MHz|GHz|Hz|mm|cm|km|°C|℃|"
    r"USD|EUR|CNY|RMB|GBP|JPY|(?i:yuan|dollars?|euros?)|"
    r"元|美元|欧元|英镑|日元|人民币|毫克|微克|千克|公斤|克|吨|瓦|伏|赫兹|毫米|厘米"
)
_CURRENCY_BEFORE = r"(?P<cur>US\$|\$|€|£|¥|USD|EUR|CNY|RMB|GBP)\s*"
_FIGURE_RE = re.compile(
    rf"(?:{_CURRENCY_BEFORE})?(?<![A-Za-z0-9_.,])" + _NUM + r"(?![\d]|\.\d)"
    rf"(?:\s*{_SCALE})?(?:\s*(?P<unit>{_UNITS})(?![A-Za-z]))?"
)
_ANY_NUMBER_RE = re.compile(r"(?<![\d,.])" + _NUM + r"(?![\d]|\.\d)")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _mask(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _num_key(raw: str) -> str:
    """`3,971` -> `3971`; `0.50` -> `0.5`; `5.0` -> `5`."""
    s = raw.replace(",", "")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    s = s.lstrip("0") or "0"
    return "0" + s if s.startswith(".") else s


@dataclass
class _Facts:
    symbols: list[str] = field(default_factory=list)
    acts: list[str] = field(default_factory=list)
    rasff: list[str] = field(default_factory=list)
    disputes: list[str] = field(default_factory=list)
    gacc: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)  # YYYY-MM-DD or YYYY-MM
    years: list[str] = field(default_factory=list)
    figures: list[tuple[str, str, float | None]] = field(default_factory=list)  # shown, key, value

    def __bool__(self) -> bool:
        return any((self.symbols, self.acts, self.rasff, self.disputes, self.gacc, self.dates,
                    self.years, self.figures))


def _date_key(y: str, m: str | None, d: str | None) -> str | None:
    month = _MONTHS.get(m.lower().rstrip(".")) if m and not m.isdigit() else (
        int(m) if m else None
    )
    if month is None:
        return None
    return f"{y}-{month:02d}-{int(d):02d}" if d else f"{y}-{month:02d}"


def _extract(text: str) -> _Facts:
    """The checkable facts of `text` (already NFKC-normalised, markers masked)."""
    if not _DIGIT_RE.search(text):  # every checkable fact carries a digit
        return _Facts()
    facts = _Facts(
        symbols=[str(s) for s in find_symbols(text)],
        acts=find_eu_acts(text),
        rasff=find_rasff(text),
        disputes=find_disputes(text),
        gacc=find_gacc(text),
    )
    for m in _BARE_ACT_RE.finditer(text):
        if m.group("key") not in facts.acts:
            facts.acts.append(m.group("key"))

    def dates(rx: re.Pattern[str], text: str) -> str:
        for m in rx.finditer(text):
            groups = m.groupdict()
            key = _date_key(groups["y"], groups.get("m") or groups.get("mon"), groups.get("d"))
            if key and key not in facts.dates:
                facts.dates.append(key)
            text = _mask(text, m.start(), m.end())
        return text

    text = dates(_ISO_DATE_RE, text)  # before the masks: 2024/03/05 is no EU act
    for rx in _IDENT_MASKS:
        for m in rx.finditer(text):
            text = _mask(text, m.start(), m.end())
    for rx, can_match in _DATE_RES:
        if can_match(text):
            text = dates(rx, text)
    for m in _YEAR_RE.finditer(text):
        if m.group(0) not in facts.years:
            facts.years.append(m.group(0))
        text = _mask(text, m.start(), m.end())
    for m in _FIGURE_RE.finditer(text):
        raw, scale, unit, cur = m.group("num"), m.group("scale"), m.group("unit"), m.group("cur")
        digits = raw.replace(",", "").split(".")[0]
        if not (scale or unit or cur or "," in raw or len(digits) >= 4):
            continue
        key = _num_key(raw)
        value = _value(key, scale)
        facts.figures.append((m.group(0).strip(), key, value))
    return facts


def _value(key: str, scale: str | None) -> float | None:
    """The amount a scaled figure stands for, to 9 significant digits (0.5 billion = 5亿)."""
    if not scale:
        return None
    return float(f"{float(key) * _SCALES[scale.lower()]:.9g}")


# --- sources ------------------------------------------------------------------------------------


# A record field longer than this (a regulation's whole body) counts by its head only: the chunk
# quoted as `Evidence.text` carries the part that was retrieved, and composers quote the head.
FIELD_CHARS = 4000


def _flatten(value: Any, out: list[str]) -> None:
    if value is None:
        return
    if isinstance(value, dict):
        for v in value.values():
            _flatten(v, out)
    elif isinstance(value, list | tuple | set):
        for v in value:
            _flatten(v, out)
    else:
        out.append(str(value)[:FIELD_CHARS])


def _source_text(ev: Evidence) -> str:
    """Everything `ev` says, one distinct line each: ref, title, chunk text, all record fields."""
    parts = [ev.ref, ev.cite, ev.title, ev.snippet, ev.text, ev.url or ""]
    _flatten(ev.record, parts)
    lines = (ln.strip() for part in parts for ln in part.splitlines())
    return _norm("\n".join(dict.fromkeys(ln for ln in lines if ln)))


class _Source:
    """What one piece of evidence states, normalised once for all the sentences citing it."""

    def __init__(self, text: str) -> None:
        self.text = text
        facts = _extract(_MARKER_RE.sub(" ", self.text))
        self.symbols = set(facts.symbols)
        self.acts = set(facts.acts)
        self.rasff = set(facts.rasff)
        self.disputes = set(facts.disputes)
        self.gacc = set(facts.gacc)
        self.dates = set(facts.dates) | {d[:7] for d in facts.dates}
        self.years = set(_ANY_YEAR_RE.findall(self.text)) | {d[:4] for d in facts.dates}
        self.numbers = {_num_key(m.group("num")) for m in _ANY_NUMBER_RE.finditer(self.text)}
        self.values = {v for _, _, v in facts.figures if v is not None}

    def has_digits(self, s: str) -> bool:
        return re.search(rf"(?<!\d){re.escape(s)}(?!\d)", self.text) is not None


_CACHE_SIZE = 512
_cache: OrderedDict[str, _Source] = OrderedDict()
_cache_lock = threading.Lock()


def _source(ev: Evidence) -> _Source:
    """The normalised facts of `ev`, remembered: the same records are cited answer after answer."""
    text = _source_text(ev)
    key = hashlib.sha1(text.encode("utf-8")).hexdigest()
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    src = _Source(text)
    with _cache_lock:
        _cache[key] = src
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return src


def _missing(facts: _Facts, sources: Sequence[_Source]) -> list[str]:
    """The facts of a sentence that none of its cited sources states."""
    def anywhere(pred: Any) -> bool:
        return any(pred(s) for s in sources)

    out: list[str] = []
    out += [x for x in facts.symbols if not anywhere(lambda s, x=x: x in s.symbols)]
    out += [x for x in facts.acts
            if not anywhere(lambda s, x=x: x in s.acts or s.has_digits(x))]
    out += [x for x in facts.rasff
            if not anywhere(lambda s, x=x: x in s.rasff or s.has_digits(x.split()[-1]))]
    out += [x for x in facts.disputes if not anywhere(lambda s, x=x: x in s.disputes)]
    out += [x for x in facts.gacc if not anywhere(lambda s, x=x: x in s.gacc)]
    out += [x for x in facts.dates if not anywhere(lambda s, x=x: x in s.dates)]
    out += [x for x in facts.years if not anywhere(lambda s, x=x: x in s.years)]
    for shown, key, value in facts.figures:
        if not anywhere(lambda s, k=key, v=value: k in s.numbers or (v is not None and v in s.values)):
            out.append(shown)
    return out


# --- the verifier -------------------------------------------------------------------------------


@dataclass
class Verification:
    """The answer as it may be shown, and what had to go.

    `removed`: each dropped sentence with the reason; `invented`: the markers, symbols, dates and
    figures no cited source holds; `cited`: the valid source numbers left in `text`; `ok`: the
    answer is still worth showing (something cited is left and at most half of the sentences
    that stated facts were dropped).
    """

    text: str
    removed: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)
    ok: bool = True
    cited: list[int] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Nothing was removed or invented: the answer passed as written."""
        return not self.removed and not self.invented


@dataclass
class _Sentence:
    text: str
    line: int
    block: int  # paragraph or list item the sentence belongs to
    own: list[int]  # valid markers of the sentence itself
    bad: list[int]  # markers naming no source
    facts: _Facts
    keep: bool = True


def _strip_bad_markers(text: str, valid: set[int]) -> str:
    def fix(m: re.Match[str]) -> str:
        nums = [int(p.strip()) for p in re.split(r"[,，、]", m.group(1))]
        good = [n for n in nums if n in valid]
        if len(good) == len(nums):
            return m.group(0)
        return "".join(f"[{n}]" for n in good)

    out = _MARKER_RE.sub(fix, text)
    return re.sub(r"[ \t]+([。！？；.!?,，])", r"\1", out) if out != text else out


_LIST_PREFIX_RE = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)、]|#{1,6})\s+")
_NOTHING_LEFT_RE = re.compile(rf"^\s*(?:[-*•·]|\d{{1,2}}[.)、]|#{{1,6}})?(?:\s*{_MARKER_RE.pattern})*[\s.。,，;；:：]*$")


def _rebuild(lines: list[str], sentences: list[_Sentence], valid: set[int]) -> str:
    """The answer with failed sentences dropped and bad markers stripped, lines kept apart."""
    by_line: dict[int, list[_Sentence]] = {}
    for s in sentences:
        by_line.setdefault(s.line, []).append(s)
    out: list[str] = []
    for i, line in enumerate(lines):
        parts = by_line.get(i, [])
        kept = "".join(_strip_bad_markers(s.text, valid) for s in parts if s.keep).rstrip()
        if parts and not parts[0].keep and kept:  # keep the line's bullet when its head went
            prefix = _LIST_PREFIX_RE.match(line)
            if prefix and not _LIST_PREFIX_RE.match(kept):
                kept = prefix.group(0) + kept.lstrip()
        if not _NOTHING_LEFT_RE.match(kept):
            out.append(kept)
        elif not line.strip():
            out.append("")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def verify(text: str, evidence: Iterable[Evidence]) -> Verification:
    """Check `text` against the numbered `evidence`; never raises on any input text."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    by_n = {ev.n: ev for ev in evidence}
    valid = set(by_n)
    cache: dict[int, _Source] = {}

    def source(n: int) -> _Source:
        if n not in cache:
            cache[n] = _source(by_n[n])
        return cache[n]

    lines = text.split("\n")
    sentences: list[_Sentence] = []
    block = 0
    for i, line in enumerate(lines):
        if i and (not lines[i - 1].strip() or _LIST_PREFIX_RE.match(line)):
            block += 1  # a blank line, a bullet or a heading starts a new block
        for piece in split_sentences(line):
            nums = marker_numbers(piece)
            facts = _extract(_norm(_MARKER_RE.sub(lambda m: " " * len(m.group(0)), piece)))
            sentences.append(_Sentence(
                piece, i, block, [n for n in nums if n in valid], [n for n in nums if n not in valid],
                facts,
            ))

    removed: list[str] = []
    invented: list[str] = []
    factual = dropped = 0
    for k, s in enumerate(sentences):
        for n in s.bad:
            if f"[{n}]" not in invented:
                invented.append(f"[{n}]")
        if not s.facts:
            continue
        factual += 1
        cites = s.own
        if not cites and not s.bad:  # a paragraph cited at its end: borrow the next markers
            nxt = next((t for t in sentences[k + 1 :] if t.block == s.block and t.own), None)
            cites = nxt.own if nxt else []
        if not cites:
            why = (f"cites no existing source ({', '.join(f'[{n}]' for n in s.bad)})"
                   if s.bad else "states a fact without citing a source")
            s.keep = False
        else:
            missing = _missing(s.facts, [source(n) for n in cites])
            if not missing:
                continue
            invented.extend(x for x in missing if x not in invented)
            why = f"{', '.join(missing)} not in cited source(s) {''.join(f'[{n}]' for n in cites)}"
            s.keep = False
        dropped += 1
        removed.append(f"{s.text.strip()} — {why}")

    changed = any(not s.keep or s.bad for s in sentences)
    out = _rebuild(lines, sentences, valid) if changed else text
    cited = marker_numbers(out) if changed else [n for s in sentences for n in s.own]
    cited = [n for n in dict.fromkeys(cited) if n in valid]
    useful = bool(out.strip()) and (bool(cited) or not valid)
    ok = useful and dropped * 2 <= factual
    return Verification(out, removed, invented, ok, cited)
