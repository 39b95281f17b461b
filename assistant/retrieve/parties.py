"""Who brought a dispute, as a question says it: "Didn't China take the EU to the WTO…",
"中国是不是在WTO起诉过美国…", "韩国被日本告到WTO…".

A question naming both parties of a dispute fits both directions of it (DS397, China v EU, and DS407,
EU v China, are both "China and the EU over fasteners"); the verb says which member complained.
Read from the market named right before a complaint verb (the complainant) or right after a passive
one's "被" / "by" (also the complainant). Nothing is read when the question has no such verb.
"""

from __future__ import annotations

import re

from assistant.retrieve.markets import find_markets

WINDOW = 30  # characters after a market's name in which its verb is looked for
# a clause ends at Chinese punctuation, or at a comma before "and"/"but" or before Chinese text (a
# Chinese question whose punctuation was folded to half-width: "巴西告印尼…的争端,案号和提出磋商的日期")
_BREAK = re.compile(r"[。？?！!；;，]|,\s*(?:and|but)\b|,(?=\s*[\u4e00-\u9fff])")
_ACTIVE = re.compile(
    r"\b(?:took|take|takes|taking|taken|brought|bring|brings|bringing|sued|sue|sues|suing|challenged|challenges?|"
    r"challenging|complained|complains?|filed|files?|launched|launch(?:es)?|initiated|initiates?|dragged|drags?)\b|"
    r"告|起诉|申诉|诉诸|提起|提出(?:磋商|申诉|争端)",
    re.I,
)
_PASSIVE = re.compile(r"被|遭|\b(?:was|were|been|is|are|be|being|got|get|gets)\s+(?:\w+\s+)?"
                      r"(?:sued|challenged|taken|brought|dragged)\b", re.I)
_BY = re.compile(r"(?:\bby|被|遭)\s*(?:the\s+)?$", re.I)


_AT = re.compile(r"^\s*(?:对|向|针对|against|with)\s*(?:the\s+)?$", re.I)  # "中国对美国提起…": the verb is the first's


def complainants(query: str) -> frozenset[str]:
    """The market codes the question says complained (brought the dispute); empty when it does not
    say who did."""
    found = find_markets(query)
    out: set[str] = set()
    skip: set[int] = set()
    for i, m in enumerate(found):
        if i in skip:
            continue
        if _BY.search(query[max(0, m.start - 6):m.start]):
            around = _clause(query[max(0, m.start - WINDOW):m.start], last=True) + " " + _clause(query[m.end:m.end + 8])
            if _ACTIVE.search(around):
                out.add(m.market.code)  # "was challenged by Japan", "韩国被日本告"
            continue
        end = min(len(query), m.end + WINDOW)
        nxt = found[i + 1] if i + 1 < len(found) and found[i + 1].start >= m.end else None
        if nxt is not None and _AT.match(query[m.end:nxt.start]):
            skip.add(i + 1)  # "中国对美国…提起": what follows the second is the first's verb
            end = min(len(query), nxt.end + WINDOW)
        elif nxt is not None:
            end = min(end, nxt.start)
        after = _clause(query[m.end:end])
        verb = _ACTIVE.search(after)
        if verb and not _PASSIVE.search(after[:verb.end()]) and not re.match(r"\s+by\b", after[verb.end():], re.I):
            out.add(m.market.code)  # "中国起诉过美国", "China took the EU to the WTO"
    return frozenset(out)


# a verb of complaint right before the market: "是谁告的欧盟", "sued the EU", "a case against Japan"
_SUED_BEFORE = re.compile(r"(?:告|起诉|诉|申诉)(?:了|过)?的?\s*$|\bagainst\s+(?:the\s+)?$|"
                          r"\b(?:sued|sue|sues|suing|took|take|takes|taking|dragged|drag|challenged|challenge|"
                          r"challenges)\s+(?:the\s+)?$", re.I)
# "对美国提起…": the market the complaint is brought against, when a complaint verb follows it
_AT_BEFORE = re.compile(r"(?:对|向|针对)\s*$")
# the market said to be sued: "欧盟被告到WTO", "the EU was challenged"
_SUED_AFTER = re.compile(r"^\s*(?:也|又|曾|曾经)?\s*(?:被|遭)[^，。？?！!,]{0,10}?(?:告|起诉|诉|申诉)|^\s+(?:was|were|has\s+been|got)\s+"
                         r"(?:sued|challenged|taken|dragged)\b", re.I)


# asked in the passive: "Was the EU (ever) challenged by Canada…?"
_AUX_BEFORE = re.compile(r"\b(?:was|were|has|have|is|are)\s+(?:the\s+)?$", re.I)
_PARTICIPLE_AFTER = re.compile(r"^\s+(?:ever\s+|once\s+|also\s+)?(?:been\s+)?(?:sued|challenged|taken\s+to|dragged)\b", re.I)


def respondents(query: str) -> frozenset[str]:
    """The market codes the question says were complained against ("是谁告的欧盟", "Who sued the EU
    over hormone beef?"); empty when it does not say. With "对…提起" the verb follows the market."""
    out: set[str] = set()
    for m in find_markets(query):
        before = _clause(query[max(0, m.start - 12):m.start], last=True)
        brought_at = _AT_BEFORE.search(before) and _ACTIVE.search(_clause(query[m.end:m.end + WINDOW]))
        asked_passive = _AUX_BEFORE.search(before) and _PARTICIPLE_AFTER.match(query[m.end:m.end + 30])
        if _SUED_BEFORE.search(before) or brought_at or asked_passive or _SUED_AFTER.match(query[m.end:m.end + 20]):
            out.add(m.market.code)
    return frozenset(out)


def _clause(text: str, last: bool = False) -> str:
    """`text` up to its first clause break (from its last one, when `last`)."""
    if last:
        return _BREAK.split(text)[-1]
    stop = _BREAK.search(text)
    return text[:stop.start()] if stop else text


__all__ = ["complainants", "respondents"]
