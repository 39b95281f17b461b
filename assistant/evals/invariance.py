"""Meaning-preserving rewrites of the dev retrieval questions (in the spirit of CheckList).

A user who adds "请问一下", writes in traditional characters or full-width letters, makes a typo,
says "right now" or puts the market first is asking the same question; the top record must not
move. Each rewrite here is deterministic (chosen by a hash of the question), so a failure can be
replayed. Only dev questions are rewritten: test questions are never shown to the system's
tuning loop, not even rewritten.

Kinds: zh-polite, zh-filler, zh-why, zh-now, traditional, fullwidth, zh-order, zh-punct,
en-polite, en-filler, en-now, en-typo, en-lower, en-order.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"
_HAN = re.compile(r"[\u4e00-\u9fff]")
_ZH_END = "？?。!！ "
_EN_END = "?.! "
_EN_STARTERS = {"what", "which", "when", "how", "is", "are", "do", "does", "can", "should", "who", "where",
                "why", "any", "tell", "i", "we", "my", "our", "the", "a", "an", "has", "have", "will", "must"}


@dataclass(frozen=True)
class Rewrite:
    """One rewritten question and the kind of rewrite."""

    kind: str
    text: str


def _pick(key: str, options: list[str]) -> str:
    """A deterministic choice among `options` for this question."""
    return options[hashlib.sha256(key.encode("utf-8")).digest()[0] % len(options)]


@lru_cache(maxsize=1)
def _s2t() -> dict[int, int]:
    """Simplified -> traditional for the common characters of data/s2t_common.txt (sourced)."""
    table: dict[int, int] = {}
    for line in (_DATA / "s2t_common.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if not line.startswith("#") and len(parts) == 2 and len(parts[0]) == len(parts[1]) == 1:
            table[ord(parts[0])] = ord(parts[1])
    return table


def traditional(text: str) -> str:
    """The text in traditional characters wherever the conversion is unambiguous."""
    return text.translate(_s2t())


def fullwidth(text: str) -> str:
    """ASCII letters, digits and punctuation as full-width forms (a Chinese IME in full-width mode)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text)


def _typo(text: str) -> str | None:
    """Swap two inner letters of one longer plain word (not a code, symbol or capitalised name)."""
    words = [(m.start(), m.group(0)) for m in re.finditer(r"\b[a-z]{6,}\b", text)]
    if not words:
        return None
    start, word = _pick(text, [f"{s}\t{w}" for s, w in words]).split("\t")
    i = 1 + hashlib.sha256(word.encode()).digest()[1] % (len(word) - 3)
    swapped = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    at = int(start)
    return text[:at] + swapped + text[at + len(word):]


_EN_FRONT = re.compile(r"^(?P<head>.+?)\s+(?P<tail>(?:for|in|to|into) (?:the )?[A-Z][\w.\- ]*?)\s*\?*$")


def _en_order(text: str) -> str | None:
    """Move a trailing market phrase to the front: "X for the UK?" -> "For the UK, x?"."""
    m = _EN_FRONT.match(text.strip())
    if not m or len(m.group("head").split()) < 3:
        return None
    head = m.group("head")
    head = head[0].lower() + head[1:] if not head[:2].isupper() else head
    return f"{m.group('tail')[0].upper()}{m.group('tail')[1:]}, {head}?"


def _zh_order(text: str) -> str | None:
    """Swap two clauses separated by a comma or a space: "蓝牙耳机 出口欧洲" -> "出口欧洲 蓝牙耳机"."""
    core = text.rstrip(_ZH_END)
    parts = re.split(r"[，,]\s*|\s+", core, maxsplit=1)
    if len(parts) != 2 or not all(_HAN.search(p) for p in parts):
        return None
    return f"{parts[1]}，{parts[0]}"


def rewrites(q: str, lang: str, intent: str = "") -> list[Rewrite]:
    """Every applicable meaning-preserving rewrite of one question."""
    out: list[Rewrite] = []
    if lang == "zh":
        core = q.rstrip(_ZH_END)
        out.append(Rewrite("zh-polite", _pick(q + "p", ["请问一下，", "您好，想咨询一下：", "麻烦问下，"]) + q))
        out.append(Rewrite("zh-filler", core + _pick(q + "f", ["，谢谢！", "？急，在线等", "，多谢了"])))
        out.append(Rewrite("zh-now", _pick(q + "n", ["现在", "目前"]) + core + "？"))
        if intent in ("alerts", "cases"):
            out.append(Rewrite("zh-why", core + "，具体是因为什么？"))
        if (trad := traditional(q)) != q:
            out.append(Rewrite("traditional", trad))
        if (zo := _zh_order(q)) is not None:
            out.append(Rewrite("zh-order", zo))
        if core != q:
            out.append(Rewrite("zh-punct", core))
    else:
        core = q.rstrip(_EN_END)
        first = q.split(" ", 1)[0]
        body = q[0].lower() + q[1:] if first.lower() in _EN_STARTERS else q
        out.append(Rewrite("en-polite", _pick(q + "p", ["Quick question - ", "Hi, ", "Hello! Could you tell me: "])
                           + body))
        out.append(Rewrite("en-filler", core + _pick(q + "f", ["? Thanks!", ", thanks a lot", "? Many thanks in advance."])))
        out.append(Rewrite("en-now", core + _pick(q + "n", [" right now?", " at the moment?", " these days?"])))
        if (typo := _typo(q)) is not None:
            out.append(Rewrite("en-typo", typo))
        if q.lower() != q:
            out.append(Rewrite("en-lower", q.lower()))
        if (o := _en_order(q)) is not None:
            out.append(Rewrite("en-order", o))
    if re.search(r"[A-Za-z0-9/]", q) and lang == "zh":
        out.append(Rewrite("fullwidth", fullwidth(q)))
    return out


def sample(q: str, lang: str, intent: str = "", per_question: int = 4) -> list[Rewrite]:
    """At most `per_question` rewrites, rotated by a hash of the question so that every kind is
    exercised across a set while each question costs a bounded number of searches."""
    every = rewrites(q, lang, intent)
    if len(every) <= per_question:
        return every
    start = hashlib.sha256(q.encode("utf-8")).digest()[2] % len(every)
    return [every[(start + i) % len(every)] for i in range(per_question)]
