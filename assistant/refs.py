"""The grammar of the identifiers users quote: WTO symbols, EU acts, RASFF refs, DS numbers, 公告.

One place parses and normalises them so that ingest, retrieval and the citation verifier agree on
what `g/tbt/n/usa/867/add1` means (`G/TBT/N/USA/867/Add.1`, core `G/TBT/N/USA/867`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# G/TBT/N/USA/867/Rev.2/Add.1 ; tolerant of spaces, case, missing dots. The member code FIXTURE is
# reserved for made-up test fixtures (G/TBT/N/FIXTURE/1), so a fixture can never pass for a real symbol.
# TPKM is Chinese Taipei's code in WTO symbols (G/TBT/N/TPKM/...), the one four-letter member code.
_SYMBOL_RE = re.compile(
    r"G\s*/\s*(?P<agr>TBT|SPS)\s*/\s*N\s*/\s*(?P<member>FIXTURE|TPKM|[A-Z]{2,3})\s*/\s*(?P<num>\d{1,6})"
    r"(?P<suffix>(?:\s*/\s*(?:Rev|Add|Corr|Suppl)\s*\.?\s*\d{1,3})*)",
    re.IGNORECASE,
)
_SUFFIX_PART_RE = re.compile(r"(Rev|Add|Corr|Suppl)\s*\.?\s*(\d{1,3})", re.IGNORECASE)


@dataclass(frozen=True)
class Symbol:
    """A parsed WTO notification symbol."""

    agreement: str  # TBT or SPS
    member: str
    number: int
    suffix: tuple[tuple[str, int], ...] = ()

    @property
    def core(self) -> str:
        return f"G/{self.agreement}/N/{self.member}/{self.number}"

    @property
    def suffix_text(self) -> str | None:
        if not self.suffix:
            return None
        return "/".join(f"{kind}.{n}" for kind, n in self.suffix)

    def __str__(self) -> str:
        s = self.suffix_text
        return f"{self.core}/{s}" if s else self.core


def parse_symbol(text: str) -> Symbol | None:
    """Parse the first notification symbol in `text` (None if there is none)."""
    m = _SYMBOL_RE.search(text)
    return _from_match(m, text) if m else None


def find_symbols(text: str) -> list[Symbol]:
    """Every notification symbol in `text`, in order, without repeats."""
    seen: dict[str, Symbol] = {}
    for m in _SYMBOL_RE.finditer(text):
        s = _from_match(m, text)
        seen.setdefault(str(s), s)
    return list(seen.values())


# a follow-up document said in words around its core symbol ("the second addendum to G/TBT/N/USA/867",
# "G/TBT/N/USA/867的第二份增补"): the WTO numbers them Add.2, Rev.1, Corr.1
_ORDINAL_WORDS = {w: i for i, w in enumerate(
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"], 1)}
_ZH_DIGITS = {ch: i for i, ch in enumerate("一二三四五六七八九十", 1)}
_ORD_EN = r"(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d{1,2}(?:st|nd|rd|th))"
_KIND_EN = r"(?P<kind>addendum|addenda|revision|corrigendum)"
_KIND = {"addendum": "Add", "addenda": "Add", "revision": "Rev", "corrigendum": "Corr",
         "增补": "Add", "补遗": "Add", "增编": "Add", "修订": "Rev", "修订版": "Rev", "勘误": "Corr", "更正": "Corr"}
_EN_WORDED = rf"{_ORD_EN}\s+{_KIND_EN}"  # "second addendum"
_ZH_WORDED = r"第\s*(?P<zord>[一二三四五六七八九十]|\d{1,2})\s*(?:份|个|号|次)?\s*(?P<zkind>增补|补遗|增编|修订版?|勘误|更正)"
# (up to three words may name the notification between: "the first addendum to the FCC notification …")
_WORDS_BEFORE = re.compile(rf"\b{_EN_WORDED}\s+(?:to|of|for)\s+(?:the\s+)?(?:(?!(?:and|or|versus|vs)\b)[A-Za-z][\w-]*\s+){{0,3}}$", re.I)
_WORDS_AFTER = re.compile(rf"\s*(?:'s\s+{_EN_WORDED}|的?\s*{_ZH_WORDED})", re.I)
_WORDED = re.compile(rf"\b{_EN_WORDED}\b|{_ZH_WORDED}", re.I)


def worded_follow_up(text: str) -> tuple[str, int] | None:
    """A follow-up document said in words alone ("the second addendum", "第二份增补"): (Add, 2)."""
    m = _WORDED.search(text)
    return _ordinal(m) if m else None


def _ordinal(g: re.Match[str]) -> tuple[str, int]:
    if g.groupdict().get("zord"):
        z = g.group("zord")
        return _KIND[g.group("zkind")], int(z) if z.isdigit() else _ZH_DIGITS[z]
    o = g.group("ord").lower()
    return _KIND[g.group("kind").lower()], _ORDINAL_WORDS.get(o) or int(re.sub(r"\D", "", o))


def _said_in_words(m: re.Match[str], text: str) -> tuple[str, int] | None:
    g = _WORDS_BEFORE.search(text[max(0, m.start() - 60):m.start()]) or _WORDS_AFTER.match(text, m.end())
    return _ordinal(g) if g else None


def normalise_symbol(text: str) -> str | None:
    s = parse_symbol(text)
    return str(s) if s else None


def _from_match(m: re.Match[str], text: str = "") -> Symbol:
    parts = tuple(
        (kind.capitalize(), int(n)) for kind, n in _SUFFIX_PART_RE.findall(m.group("suffix") or "")
    )
    worded = None if parts or not text else _said_in_words(m, text)
    if worded is not None:
        parts = (worded,)
    member = m.group("member").upper()
    return Symbol(m.group("agr").upper(), member, int(m.group("num")), parts)


# --- other identifiers -------------------------------------------------------------------------

_EU_ACT_RE = re.compile(
    r"(?:(?P<kind>Regulation|Directive|Decision|Implementing Regulation|Delegated Regulation)\s*)?"
    r"\((?P<org>EU|EC|EEC|EU,\s*Euratom)\)\s*(?:No\.?\s*)?(?P<a>\d{2,4})/(?P<b>\d{1,4})"
    r"|(?P<num1>\d{4})/(?P<num2>\d{1,4})/(?P<org2>EU|EC|EEC)",
    re.IGNORECASE,
)
_RASFF_RE = re.compile(r"RASFF\s*(?:No\.?\s*)?(?P<ref>20\d{2}\.\d{1,5})|(?<![A-Za-z0-9.])(?P<bare>20[12]\d\.\d{3,5})(?!\d|\.\d)", re.I)
# ASCII edges, not \b: a Chinese character is a word character ("DS539呢", "争端DS392")
_DS_RE = re.compile(r"(?<![A-Za-z0-9])DS\s*(?P<n>\d{1,4})(?![0-9])", re.IGNORECASE)
_GACC_RE = re.compile(r"(?:海关总署)?公告\s*[〔\[［(（]\s*(?P<y>20\d{2})\s*[〕\]］)）]\s*(?P<n>\d{1,4})\s*号")


def find_eu_acts(text: str) -> list[str]:
    """EU acts quoted in `text`, in the form the corpus uses for refs where possible.

    `(EU) 2017/745` -> `2017/745`; `2009/48/EC` -> `2009/48`. The caller matches these number
    keys against record refs (see `act_number`).
    """
    out: list[str] = []
    for m in _EU_ACT_RE.finditer(text):
        key = f"{m.group('a')}/{m.group('b')}" if m.group("a") else f"{m.group('num1')}/{m.group('num2')}"
        if key not in out:
            out.append(key)
    return out


def act_number(ref: str) -> str | None:
    """The year/number key of an EU act ref (`Regulation (EU) 2017/745` -> `2017/745`)."""
    acts = find_eu_acts(ref)
    return acts[0] if acts else None


def find_rasff(text: str) -> list[str]:
    out = []
    for m in _RASFF_RE.finditer(text):
        ref = m.group("ref") or m.group("bare")
        r = f"RASFF {ref}"
        if r not in out:
            out.append(r)
    return out


def find_disputes(text: str) -> list[str]:
    out = []
    for m in _DS_RE.finditer(text):
        r = f"DS{int(m.group('n'))}"
        if r not in out:
            out.append(r)
    return out


def _gacc(year: str, number: str) -> str:
    """The ref of China Customs announcement `number` of `year`: 海关总署公告〔2024〕151号."""
    return f"海关总署公告〔{year}〕{int(number)}号"


def find_gacc(text: str) -> list[str]:
    return list(dict.fromkeys(_gacc(m.group("y"), m.group("n")) for m in _GACC_RE.finditer(text)))


# China Customs numbers as people write them: 海关总署2024年第72号公告, 公告2024年第72号, 署令第271号
GACC_LOOSE_RE = re.compile(
    r"(?:海关总署|总署)\s*(?:公告)?\s*(?P<y>20\d{2})\s*年\s*(?:第\s*)?(?P<n>\d{1,4})\s*号"
    r"|公告\s*(?P<y2>20\d{2})\s*年\s*(?:第\s*)?(?P<n2>\d{1,4})\s*号"
    r"|(?P<y3>20\d{2})\s*年\s*第\s*(?P<n3>\d{1,4})\s*号\s*公告"
    # English: "GACC Announcement No. 150 of 2024", "China Customs announcement 2024 No. 150"
    r"|(?:gacc|china customs|general administration of customs)(?:'s)?\s+announcement\s+(?:no\.?\s*)?"
    r"(?P<n4>\d{1,4})\s*(?:of|,|/)\s*(?P<y4>20\d{2})"
    r"|(?:gacc|china customs|general administration of customs)(?:'s)?\s+announcement\s+(?:\[|\()?(?P<y5>20\d{2})"
    r"(?:\]|\))?\s*(?:no\.?|/|-|,)?\s*(?P<n5>\d{1,4})",
    re.I,
)


def loose_gacc_ref(m: re.Match[str]) -> str:
    """The ref of an announcement number matched by GACC_LOOSE_RE."""
    year = m.group("y") or m.group("y2") or m.group("y3") or m.group("y4") or m.group("y5")
    return _gacc(year, m.group("n") or m.group("n2") or m.group("n3") or m.group("n4") or m.group("n5"))


def find_gacc_loose(text: str) -> list[str]:
    """Announcements quoted either way: 公告〔2023〕170号 or 海关总署2023年第170号公告."""
    found = [(m.start(), _gacc(m.group("y"), m.group("n"))) for m in _GACC_RE.finditer(text)]
    found += [(m.start(), loose_gacc_ref(m)) for m in GACC_LOOSE_RE.finditer(text)]
    return list(dict.fromkeys(r for _, r in sorted(found)))


def gacc_ref(announcement_number: str) -> str | None:
    """`公告〔2024〕151号` -> `海关总署公告〔2024〕151号`."""
    refs = find_gacc(announcement_number)
    return refs[0] if refs else None


# -- provisions of an act: "Article 18", "Art. 5(2)", "第18条", "Annex XIV", "附件十四" -----------------
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_HAN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_PROVISION_RE = re.compile(
    r"\b(?P<kind>article|art\.?|annex)\s*(?P<n>\d{1,3}|[IVXLC]{1,7})\b"
    r"|第\s*(?P<zn>\d{1,3}|[一二三四五六七八九十百]{1,5})\s*条"
    r"|附件\s*(?P<zan>\d{1,3}|[IVXLC]{1,7}|[一二三四五六七八九十]{1,4})",
    re.IGNORECASE,
)


def _roman(text: str) -> int:
    total, prev = 0, 0
    for ch in reversed(text.upper()):
        v = _ROMAN[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


def _han(text: str) -> int:
    if "百" in text:
        head, _, tail = text.partition("百")
        return (_HAN_NUM.get(head, 1) * 100) + (_han(tail) if tail else 0)
    if "十" in text:
        head, _, tail = text.partition("十")
        return _HAN_NUM.get(head, 1) * 10 + (_HAN_NUM.get(tail, 0) if tail else 0)
    return _HAN_NUM.get(text, 0)


def _to_int(text: str) -> int:
    if text.isdigit():
        return int(text)
    if re.fullmatch(r"[IVXLCivxlc]+", text):
        return _roman(text)
    return _han(text)


def to_roman(n: int) -> str:
    out = ""
    for v, s in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out, n = out + s, n - v
    return out


def find_provisions(text: str) -> list[str]:
    """Provisions a question names, in the form chunk cites use: `Article 18`, `Annex XIV`."""
    out: list[str] = []
    for m in _PROVISION_RE.finditer(text):
        if m.group("kind"):
            kind = "Annex" if m.group("kind").lower() == "annex" else "Article"
            raw = m.group("n")
        elif m.group("zn"):
            kind, raw = "Article", m.group("zn")
        else:
            kind, raw = "Annex", m.group("zan")
        n = _to_int(raw)
        if n <= 0:
            continue
        place = f"Article {n}" if kind == "Article" else f"Annex {to_roman(n)}"
        if place not in out:
            out.append(place)
    return out


def canonical_place(place: str) -> str | None:
    """A chunk's provision in the one form questions are matched in: 第十五条 -> `Article 15`,
    附件二 -> `Annex II`, `Article 18` stays; None for anything else (a preamble, "part 2")."""
    found = find_provisions(place or "")
    return found[0] if len(found) == 1 else None


def place_label(place: str, lang: str) -> str:
    """`Article 45` as a Chinese reader says it (第45条, 附件II); English unchanged."""
    if lang != "zh":
        return place
    kind, _, n = place.partition(" ")
    return f"第{n}条" if kind == "Article" else f"附件{n}" if kind == "Annex" else place


def names_ref(row: dict[str, object], ref: str) -> bool:
    """Whether a record's own text names the identifier `ref` (an EU act by its number, a China
    Customs announcement by year and number, a dispute, an alert, a WTO symbol); never a provision
    ("X, Article 127": a record naming X is not naming its article)."""
    if ", Article " in ref or ", Annex " in ref:
        return False
    text = " ".join(str(row.get(k) or "") for k in ("text", "summary_en", "summary_zh", "title", "title_en", "title_zh"))
    if not text.strip():
        return False
    gacc = _GACC_RE.search(ref)
    if gacc:
        y, n = gacc.group("y"), int(gacc.group("n"))
        return bool(re.search(rf"(?:〔|\[|（|\(){y}(?:〕|\]|）|\))\s*0*{n}\s*号|{y}\s*年\s*第?\s*0*{n}\s*号", text))
    act = act_number(ref)
    if act:
        return bool(re.search(rf"(?<![\d/]){re.escape(act)}(?![\d])", text))
    if ref.startswith(("DS", "RASFF ")):
        return bool(re.search(rf"(?<![A-Za-z0-9.]){re.escape(ref.split(' ')[-1])}(?![\d])", text))
    return ref in text
