"""The words of a query as search weighs them: each with its indexed forms and translations.

A `Concept` is one word of the question (jieba's segmentation for Chinese, a word for English) with
the index tokens that show a record covers it: the word itself and its inflections, its parts
(蓝牙 and 耳机 of 蓝牙耳机), translations of the whole word (干辣椒 -> dried chilli) and of a part of it
(儿童 of 儿童服装). The helpers here decide which words are fillers, intent cues or names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.index.tokenize import is_stop_word
from assistant.retrieve.analyze import intent_words


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# question words and fillers that say nothing about the topic: never counted as "unknown words"
FILLER = _wordset(
    """啥 咋 嘛 么 吗 呢 吧 呀 哦 噢 喔 哈 嗯 了 的 得 地 着 过 要 想 做 弄 搞 办 卖 买 去 来 给 让 跟 和 与 还
    是不是 有没有 能不能 可不可以 怎么办 怎么样 为啥 干啥 要啥 啥子 多久 多少 哪里 哪儿 哪个 咋办 请教 麻烦
    现在 最近 目前 今年 之前 之后 以后 已经 一下 一些 这个 那个 这种 那种 东西 情况 问题 事情 方面 相关 有关
    我们 我司 咱们 你们 他们 公司 工厂 客户 老板 朋友 卖家 买家 产品 货物 商品 东西 需要 要求 必须 应该 可能
    关于 对于 以及 还是 或者 如果 是否 可以 能否 一个 这些 那些 什么样 有啥 为什么 怎么 如何 哪些
    没人 没有人 有人 别人 这种 那种 这样 那样 一样 东西 时候 以前 之前 以后 现在 怎样
    any some really just also still please thanks hi hello ok okay yes no something anything thing things stuff
    kind sort lot lots guys buyer customer customers client clients factory company our we us my me i
    sell selling sold ship shipping shipped send sending want wants need needs know tell find get got getting
    make makes made go going happen happened happens recent recently latest new really actually which what
    there their them they still ever anything everything already like where whereabouts up too either
    isn aren wasn weren doesn didn don hasn haven hadn couldn wouldn shouldn mustn"""
)
# words that stand for whatever goods the user has ("my product", "our device", 这个产品): a
# question naming only these names no goods (the Chinese ones are FILLER above as well)
GENERIC_GOODS = _wordset("product products goods item items merchandise device devices shipment shipments cargo "
                         "consignment consignments 产品 货物 商品 东西")
INTENT_WORDS = intent_words()
CUE_WEIGHT = 0.3  # weight of an intent cue word (认证, rejected) relative to a topic word
WORD_RE = re.compile(r"[a-z0-9][a-z0-9.+\-/]*|[\u3400-\u9fff]+")


@dataclass
class Concept:
    """One thing the query names (a word), with the index tokens that show a record covers it."""

    text: str
    tokens: set[str]  # the word itself as indexed, with its inflections
    parts: set[str] = field(default_factory=set)  # its parts (蓝牙, 耳机 of 蓝牙耳机)
    alt: list[frozenset[str]] = field(default_factory=list)  # translations / synonyms, as token sets
    weight: float = 0.0
    hs: list[tuple[str, float]] = field(default_factory=list)  # a product word: its HS codes
    market: bool = False  # a market word: covered by the market match instead
    acronym: bool = False  # written in capitals (PPWR, MoCRA): a name, and a strong one
    cue: bool = False  # says what kind of answer is wanted (认证, dispute), not what it is about
    place: bool = False  # where the asker is, said in passing ("a packer in Dar es Salaam"): no topic
    # translations of a part of the word only (儿童 of 儿童服装): share of the word -> phrases
    part_alt: dict[tuple[int, int], list[frozenset[str]]] = field(default_factory=dict)
    length: int = 1

    def add_alt(self, phrase: frozenset[str]) -> None:
        if phrase and phrase != frozenset(self.tokens) and phrase not in self.alt:
            self.alt.append(phrase)

    def add_part_alt(self, span: tuple[int, int], phrase: frozenset[str]) -> None:
        if phrase:
            self.part_alt.setdefault(span, [])
            if phrase not in self.part_alt[span]:
                self.part_alt[span].append(phrase)

    @property
    def alt_tokens(self) -> set[str]:
        out: set[str] = set()
        for p in self.alt:
            out |= p
        for phrases in self.part_alt.values():
            for p in phrases:
                out |= p
        return out


def inflections(word: str) -> set[str]:
    """Singular and plural forms of an English word (the index does not stem: toy != toys)."""
    out = {word}
    if word.endswith("ies") and len(word) > 4:
        out.add(word[:-3] + "y")
    elif word.endswith(("ches", "shes", "sses", "xes")):
        out.add(word[:-2])
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        out.add(word[:-1])
    else:
        out.add(word[:-1] + "ies" if word.endswith("y") and word[-2] not in "aeiou" else word + "s")
        if word.endswith(("ch", "sh", "x", "ss")):
            out.add(word + "es")
    return out


def is_filler(word: str) -> bool:
    """A question word or filler: listed above, or Chinese made only of one-character fillers and
    function words (还要, 也是, 就是 are 还+要, 也+是, 就+是)."""
    if word in FILLER:
        return True
    return len(word) > 1 and all("\u3400" <= ch <= "\u9fff" and (ch in FILLER or is_stop_word(ch)) for ch in word)


def contentful(text: str) -> bool:
    """A word that names something (not a filler): 2+ Han characters or 3+ Latin letters/digits."""
    if is_filler(text):
        return False
    han = sum(1 for ch in text if "\u3400" <= ch <= "\u9fff")
    if han:
        return han >= 2
    return len(re.sub(r"[^a-z0-9]", "", text)) >= 3


def is_acronym(word: str, original: str) -> bool:
    """A name written in capitals in the user's text (PPWR, MoCRA, SONCAP), 3+ letters."""
    if not (word.isascii() and word.isalpha() and len(word) >= 3):
        return False
    for m in re.finditer(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", original, re.I):
        if sum(1 for ch in m.group(0) if ch.isupper()) >= 2:
            return True
    return False


def is_single_han(text: str) -> bool:
    return len(text) == 1 and "\u3400" <= text <= "\u9fff"
