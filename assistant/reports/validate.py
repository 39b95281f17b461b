"""Checks and parsers for the values a reporter types: e-mail, phone, HS code, dates, amounts.

Every function returns a `Checked` value instead of raising: a wrong value becomes a bilingual
message the conversation can show before asking the same question again. The `find_*` functions
pull the same kinds of values out of free text (with their positions) for the extractor.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Generic, TypeVar

from assistant import refs

T = TypeVar("T")


@dataclass(frozen=True)
class Msg:
    """A message in both languages; `pick(lang)` chooses one."""

    zh: str
    en: str

    def pick(self, lang: str) -> str:
        return self.zh if lang.startswith("zh") else self.en

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass(frozen=True)
class Checked(Generic[T]):
    """The outcome of a check: a normalised value, or an error message (and options to pick)."""

    value: T | None = None
    error: Msg | None = None
    options: tuple[T, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None and self.value is not None


def _fail(zh: str, en: str, options: tuple = ()) -> Checked:  # type: ignore[type-arg]
    return Checked(error=Msg(zh, en), options=options)


def normalise_text(text: str) -> str:
    """NFKC folds full-width digits, letters and punctuation (１２３，＠) to ASCII."""
    return unicodedata.normalize("NFKC", text or "").strip()


# --- e-mail ------------------------------------------------------------------------------------

_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24}")


def check_email(text: str) -> Checked[str]:
    s = normalise_text(text)
    if _EMAIL_RE.fullmatch(s) and len(s) <= 254 and ".." not in s:
        local, _, domain = s.partition("@")
        return Checked(f"{local}@{domain.lower()}")
    return _fail(
        f"“{_clip(s)}”不是有效的邮箱地址，请按 name@example.com 的格式填写。",
        f"“{_clip(s)}” is not a valid e-mail address; please write it like name@example.com.",
    )


def find_emails(text: str) -> list[str]:
    out: list[str] = []
    for m in _EMAIL_RE.finditer(normalise_text(text)):
        c = check_email(m.group(0))
        if c.value and c.value not in out:
            out.append(c.value)
    return out


# --- phone -------------------------------------------------------------------------------------

_MOBILE_RE = re.compile(r"1[3-9]\d{9}")
_LANDLINE_RE = re.compile(r"0(?:10|2\d|[3-9]\d{2})[1-9]\d{6,7}")
_PHONE_FIND_RE = re.compile(
    r"(?<![\d+])(?:"
    r"\+\s?\d{1,3}(?:[\s\-]?\(?\d+\)?){2,6}"  # +86 138 1234 5678, +49 (30) 1234567
    r"|(?:\(?0\d{2,3}\)?[\s\-]?)\d{3,4}[\s\-]?\d{4}"  # 0755-12345678, (021) 1234 5678
    r"|1[3-9]\d[\s\-]?\d{4}[\s\-]?\d{4}"  # 138 1234 5678
    r")(?![\d])"
)
_PHONE_EXAMPLE = Msg(
    "例如手机 13812345678、座机 0755-12345678 或国际号码 +49 30 1234567",
    "for example a Chinese mobile 13812345678, a landline 0755-12345678 or +49 30 1234567",
)


def check_phone(text: str) -> Checked[str]:
    """Chinese mobile, Chinese landline with area code, or an international +CC number."""
    s = normalise_text(text)
    if not re.fullmatch(r"[\d\s\-+()（）]{5,30}(?:\s*(?:ext\.?|转|x)\s*\d{1,6})?", s, re.I):
        return _phone_error(s)
    ext = ""
    m = re.search(r"(?:ext\.?|转|x)\s*(\d{1,6})$", s, re.I)
    if m:
        ext = f" ext. {m.group(1)}"
        s = s[: m.start()]
    plus = s.lstrip().startswith("+")
    digits = re.sub(r"\D", "", s)
    if plus:
        if digits.startswith("86"):
            national = digits[2:]
            if _MOBILE_RE.fullmatch(national):
                return Checked(f"+86 {national}{ext}")
            if _LANDLINE_RE.fullmatch("0" + national):
                return Checked(f"+86 {national}{ext}")
            return _phone_error(s)
        if 8 <= len(digits) <= 15 and not digits.startswith("0"):
            return Checked(f"+{digits}{ext}")
        return _phone_error(s)
    if digits.startswith("0086"):
        return check_phone("+" + digits[2:] + ext)
    if _MOBILE_RE.fullmatch(digits):
        return Checked(digits + ext)
    if _LANDLINE_RE.fullmatch(digits):
        area = 3 if digits[1] in "12" else 4
        return Checked(f"{digits[:area]}-{digits[area:]}{ext}")
    return _phone_error(s)


def _phone_error(s: str) -> Checked[str]:
    return _fail(
        f"“{_clip(s)}”不像有效的电话号码，{_PHONE_EXAMPLE.zh}。",
        f"“{_clip(s)}” does not look like a valid phone number; {_PHONE_EXAMPLE.en}.",
    )


def find_phones(text: str) -> list[str]:
    out: list[str] = []
    for m in _PHONE_FIND_RE.finditer(mask_refs(normalise_text(text))):
        c = check_phone(m.group(0))
        if c.value and c.value not in out:
            out.append(c.value)
    return out


# --- HS code -----------------------------------------------------------------------------------


def check_hs(text: str) -> Checked[str]:
    """6 to 10 digits (dots and spaces allowed: 3924.10 00); chapter 01-97."""
    s = normalise_text(text)
    s = re.sub(r"^(?:HS|hs)\s*(?:code)?\s*[:：]?\s*", "", s)
    if re.fullmatch(r"[\d.\s]+", s or "x"):
        digits = re.sub(r"\D", "", s)
        if 6 <= len(digits) <= 10 and 1 <= int(digits[:2]) <= 97 and digits[:2] != "77":
            return Checked(digits)
    return _fail(
        f"HS 编码应为 6 到 10 位数字（例如 392410 或 3924100000），“{_clip(s)}”不符合。",
        f"An HS code has 6 to 10 digits (for example 392410 or 3924100000); “{_clip(s)}” is not one.",
    )


# --- notification symbol -----------------------------------------------------------------------


def check_symbol(text: str) -> Checked[str]:
    sym = refs.normalise_symbol(normalise_text(text))
    if sym:
        return Checked(sym)
    return _fail(
        "通报号的格式应为 G/TBT/N/成员代码/编号（例如 G/TBT/N/EU/86）或 G/SPS/N/...。",
        "A notification symbol looks like G/TBT/N/<member>/<number> (e.g. G/TBT/N/EU/86) or G/SPS/N/...",
    )


# --- numbers -----------------------------------------------------------------------------------

_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG = {"万": 10_000, "亿": 100_000_000}
ZH_NUM_CHARS = "零〇一二两俩三四五六七八九十百千万亿"
_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1,
               "single": 1, "a couple of": 2, "several": None, "dozen": 12, "twenty": 20}


def parse_zh_number(s: str) -> int | None:
    """一百五十 -> 150, 两 -> 2, 八万 -> 80000, 十二 -> 12; None if not a Chinese numeral."""
    if not s or any(ch not in ZH_NUM_CHARS for ch in s):
        return None
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch in _ZH_UNITS:
            section += (1 if digit is None else digit) * _ZH_UNITS[ch]
            digit = None
        else:  # 万 / 亿
            section += digit or 0
            total += (section or 1) * _ZH_BIG[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def parse_count(s: str) -> int | None:
    """A small count written as digits, Chinese or English words (两 -> 2, three -> 3)."""
    s = normalise_text(s).lower()
    if s.isdigit():
        return int(s)
    n = parse_zh_number(s)
    if n is not None:
        return n
    return _EN_NUMBERS.get(s)


def _to_float(num: str) -> float | None:
    num = num.replace(",", "").replace(" ", "")
    try:
        return float(num)
    except ValueError:
        return parse_zh_number(num) if num else None


# --- dates -------------------------------------------------------------------------------------

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MONTH_RE = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_ZHN = r"[0-9零〇一二三四五六七八九十]{1,3}"

_DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("ymd", re.compile(_YEAR + r"\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})(?![\d.])")),
    ("zh", re.compile(_YEAR + r"\s*年\s*(?P<m>" + _ZHN + r")\s*月(?:\s*(?P<d>" + _ZHN + r")\s*[日号])?")),
    ("ym", re.compile(_YEAR + r"\s*[-/]\s*(?P<m>\d{1,2})(?![\d/\-])")),
    ("dmy_en", re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_RE + r",?\s+" + _YEAR, re.I)),
    ("mdy_en", re.compile(r"\b" + _MONTH_RE + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+" + _YEAR, re.I)),
    ("my_en", re.compile(r"\b" + _MONTH_RE + r",?\s+(?:of\s+)?" + _YEAR, re.I)),
    ("slash", re.compile(r"(?<![\d/.])(?P<a>\d{1,2})\s*[/.]\s*(?P<b>\d{1,2})\s*[/.]\s*" + _YEAR + r"(?![\d/])")),
]


@dataclass(frozen=True)
class DateHit:
    """A date found in text: ISO value (YYYY, YYYY-MM or YYYY-MM-DD) or options when ambiguous."""

    value: str | None
    options: tuple[str, ...]
    start: int
    end: int
    raw: str


def _iso(y: int, m: int | None = None, d: int | None = None) -> str | None:
    if not 1990 <= y <= 2100:
        return None
    if m is None:
        return f"{y:04d}"
    if not 1 <= m <= 12:
        return None
    if d is None:
        return f"{y:04d}-{m:02d}"
    if not 1 <= d <= calendar.monthrange(y, m)[1]:
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def _num(s: str | None) -> int | None:
    if s is None:
        return None
    return int(s) if s.isdigit() else parse_zh_number(s)


def find_dates(text: str) -> list[DateHit]:
    """Every calendar date in `text` (identifiers such as RASFF 2024.1234 are masked first)."""
    s = mask_refs(normalise_text(text))
    taken: list[tuple[int, int]] = []
    hits: list[DateHit] = []
    for kind, pat in _DATE_PATTERNS:
        for m in pat.finditer(s):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            hit = _date_from_match(kind, m)
            if hit:
                taken.append((m.start(), m.end()))
                hits.append(hit)
    return sorted(hits, key=lambda h: h.start)


def _date_from_match(kind: str, m: re.Match[str]) -> DateHit | None:
    y = int(m.group("y"))
    value: str | None
    options: tuple[str, ...] = ()
    if kind in ("ymd", "zh", "ym"):
        value = _iso(y, _num(m.group("m")), _num(m.groupdict().get("d")))
    elif kind in ("dmy_en", "mdy_en", "my_en"):
        mon = _MONTHS[m.group("mon").lower().rstrip(".")]
        d = m.groupdict().get("d")
        value = _iso(y, mon, int(d) if d else None)
    else:  # slash: 3/5/2024 is ambiguous, 15/3/2024 and 3/15/2024 are not
        a, b = int(m.group("a")), int(m.group("b"))
        dmy, mdy = _iso(y, b, a), _iso(y, a, b)
        if dmy and mdy and dmy != mdy:
            value, options = None, (dmy, mdy)
        else:
            value = dmy or mdy
    if value is None and not options:
        return None
    return DateHit(value, options, m.start(), m.end(), m.group(0))


_DATE_EXAMPLE = Msg("例如 2024-03-05 或 2024年3月5日", "for example 2024-03-05 or 5 March 2024")


def parse_date(text: str) -> Checked[str]:
    """One date given as an answer; a bare year or year-month is kept as such (never padded)."""
    s = normalise_text(text)
    hits = find_dates(s)
    if not hits:
        m = re.fullmatch(r"(?:in\s+)?((?:19|20)\d{2})\s*年?", s, re.I)
        if m and _iso(int(m.group(1))):
            return Checked(m.group(1))
        return _fail(
            f"没能识别日期“{_clip(s)}”，请写成{_DATE_EXAMPLE.zh}。",
            f"I could not read “{_clip(s)}” as a date; please write it {_DATE_EXAMPLE.en}.",
        )
    hit = hits[0]
    if hit.value:
        return Checked(hit.value)
    a, b = hit.options
    return Checked(
        error=Msg(
            f"“{hit.raw}”可能是 {_zh_date(a)}，也可能是 {_zh_date(b)}，请问是哪一天？",
            f"“{hit.raw}” could be {_en_date(a)} or {_en_date(b)}; which one do you mean?",
        ),
        options=hit.options,
    )


def _zh_date(iso: str) -> str:
    parts = iso.split("-")
    out = f"{int(parts[0])}年"
    if len(parts) > 1:
        out += f"{int(parts[1])}月"
    if len(parts) > 2:
        out += f"{int(parts[2])}日"
    return out


def _en_date(iso: str) -> str:
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 3:
        return f"{parts[2]} {calendar.month_name[parts[1]]} {parts[0]}"
    if len(parts) == 2:
        return f"{calendar.month_name[parts[1]]} {parts[0]}"
    return str(parts[0])


def format_date(iso: str | None, lang: str) -> str:
    if not iso:
        return ""
    return _zh_date(iso) if lang.startswith("zh") else _en_date(iso)


def is_partial_iso_date(s: str) -> bool:
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", s)
    if not m:
        return False
    y, mo, d = m.groups()
    return _iso(int(y), int(mo) if mo else None, int(d) if d else None) == s


# --- amounts -----------------------------------------------------------------------------------

CURRENCY_WORDS: dict[str, str] = {
    "美元": "USD", "美金": "USD", "刀": "USD", "usd": "USD", "us$": "USD", "$": "USD", "dollars": "USD",
    "dollar": "USD", "us dollars": "USD", "欧元": "EUR", "eur": "EUR", "€": "EUR", "euro": "EUR",
    "euros": "EUR", "人民币": "CNY", "元人民币": "CNY", "元": "CNY", "块": "CNY", "块钱": "CNY",
    "rmb": "CNY", "cny": "CNY", "yuan": "CNY", "¥": "CNY", "英镑": "GBP", "gbp": "GBP", "£": "GBP",
    "pounds": "GBP", "日元": "JPY", "jpy": "JPY", "yen": "JPY", "港币": "HKD", "港元": "HKD",
    "hkd": "HKD", "韩元": "KRW", "krw": "KRW", "澳元": "AUD", "aud": "AUD", "加元": "CAD",
    "cad": "CAD", "au$": "AUD", "a$": "AUD", "ca$": "CAD", "c$": "CAD", "hk$": "HKD", "nz$": "NZD",
    "s$": "SGD", "卢布": "RUB", "rub": "RUB", "卢比": "INR", "inr": "INR", "雷亚尔": "BRL",
    "brl": "BRL", "瑞士法郎": "CHF", "chf": "CHF",
}
_SCALE = {"万": 1e4, "十万": 1e5, "百万": 1e6, "千万": 1e7, "亿": 1e8, "千": 1e3, "k": 1e3,
          "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_CUR_SUFFIX = "|".join(re.escape(w) for w in sorted(CURRENCY_WORDS, key=len, reverse=True) if w not in "$€£¥")
_CUR_PREFIX = r"人民币|RMB|CNY|USD|US\$|AU\$|A\$|CA\$|C\$|HK\$|NZ\$|S\$|EUR|GBP|JPY|HKD|AUD|CAD|\$|€|£|¥"
_NUMBER = r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"
_SCALE_RE = r"(?P<scale>十万|百万|千万|万|亿|千|thousand|million|billion|bn|mn|k|m)?"
_AMOUNT_PATTERNS = [
    re.compile(r"(?P<pre>" + _CUR_PREFIX + r")\s*" + _NUMBER + r"\s*" + _SCALE_RE + r"(?![a-z])(?:\s*(?:元|块))?", re.I),
    re.compile(_NUMBER + r"\s*" + _SCALE_RE + r"\s*(?P<cur>" + _CUR_SUFFIX + r")(?![a-z])", re.I),
]


@dataclass(frozen=True)
class Money:
    amount: float
    currency: str


@dataclass(frozen=True)
class AmountHit:
    money: Money
    start: int
    end: int
    raw: str


def find_amounts(text: str) -> list[AmountHit]:
    """Money amounts with a currency (8万美元, €12,000, 3 million dollars, 人民币50万元)."""
    s = mask_refs(normalise_text(text))
    out: list[AmountHit] = []
    taken: list[tuple[int, int]] = []
    for pat in _AMOUNT_PATTERNS:
        for m in pat.finditer(s):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            money = _money_from_match(m)
            if money:
                taken.append((m.start(), m.end()))
                out.append(AmountHit(money, m.start(), m.end(), m.group(0).strip()))
    return sorted(out, key=lambda h: h.start)


def _money_from_match(m: re.Match[str]) -> Money | None:
    base = _to_float(m.group("num"))
    if base is None:
        return None
    scale = (m.group("scale") or "").lower()
    if scale in ("m", "k") and m.group("num") and not re.match(r"\d", m.group("num")):
        return None
    amount = base * _SCALE.get(scale, 1.0)
    cur_word = (m.groupdict().get("pre") or m.groupdict().get("cur") or "").lower()
    currency = CURRENCY_WORDS.get(cur_word) or CURRENCY_WORDS.get(cur_word.rstrip("s"))
    if not currency or amount <= 0:
        return None
    return Money(round(amount, 2), currency)


def parse_amount(text: str, default_currency: str | None = None) -> Checked[Money]:
    """One amount given as an answer; without a currency it asks for one."""
    s = normalise_text(text)
    hits = find_amounts(s)
    if hits:
        return Checked(hits[0].money)
    m = re.fullmatch(r"(?:约|大概|大约)?\s*" + _NUMBER + r"\s*" + _SCALE_RE + r"\s*", s, re.I)
    if m:
        base = _to_float(m.group("num"))
        if base and default_currency:
            return Checked(Money(round(base * _SCALE.get((m.group("scale") or "").lower(), 1.0), 2), default_currency))
        return _fail(
            "请注明币种，例如“8万美元”“50万元人民币”或“€12,000”。",
            "Please add the currency, for example “USD 80,000”, “3 million dollars” or “€12,000”.",
        )
    return _fail(
        f"没能识别金额“{_clip(s)}”，请写成例如“8万美元”或“50万元人民币”。",
        f"I could not read “{_clip(s)}” as an amount; write it like “USD 80,000” or “€12,000”.",
    )


CURRENCY_ZH = {"USD": "美元", "EUR": "欧元", "CNY": "元人民币", "GBP": "英镑", "JPY": "日元", "HKD": "港元",
               "KRW": "韩元", "AUD": "澳元", "CAD": "加元", "RUB": "卢布", "INR": "卢比", "CHF": "瑞士法郎",
               "NZD": "新西兰元", "SGD": "新加坡元", "BRL": "雷亚尔"}


def format_money(amount: float | None, currency: str | None, lang: str) -> str:
    """8万美元 / 50万元人民币 in Chinese, USD 80,000 in English."""
    if amount is None:
        return ""
    n: float | int = int(amount) if float(amount).is_integer() else amount
    cur = currency or ""
    if lang.startswith("zh"):
        unit = CURRENCY_ZH.get(cur, f" {cur}" if cur else "")
        if isinstance(n, int) and n >= 10_000 and n % 1_000 == 0:
            wan = n / 10_000
            return f"{int(wan) if wan.is_integer() else wan}万{unit}"
        return f"{n:,}{unit}"
    return f"{cur} {n:,}".strip()


# --- helpers -----------------------------------------------------------------------------------


def mask_refs(text: str) -> str:
    """Blank out identifiers (WTO symbols, RASFF refs, EU acts, HS codes) so digits inside them
    are not read as dates, amounts or phone numbers; offsets are kept."""
    patterns = [refs._SYMBOL_RE, refs._RASFF_RE, refs._EU_ACT_RE, refs._GACC_RE,
                re.compile(r"\bHS\s*(?:code\s*)?[:：]?\s*[\d.\s]{4,14}\d", re.I)]
    chars = list(text)
    for pat in patterns:
        for m in pat.finditer(text):
            for i in range(m.start(), m.end()):
                chars[i] = " "
    return "".join(chars)


def _clip(s: str, n: int = 40) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


@dataclass
class FieldError:
    """A readable error on one field of a report (used by the API's 422 and by submit)."""

    field: str
    message: Msg
    extra: dict[str, object] = dc_field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"field": self.field, "message_zh": self.message.zh, "message_en": self.message.en}
