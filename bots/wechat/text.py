"""Turning an Answer into WeChat plain text: no Markdown marks, short source refs, 2,048-byte parts.

WeChat shows text as typed: `**bold**`, `# heading` or `[label](url)` would appear literally, so
they are removed (bullets become "·"). Citation markers [n] stay, and the sources follow as
"[n] ref" lines, the ref cut short when it is long (the full record is one question away).
A text message may carry at most 2,048 bytes of UTF-8, so longer replies are split, preferably at
a line end, then a sentence end, never inside a character or a [n] marker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.models import Answer, Citation

MAX_BYTES = 2048
REF_CHARS = 60

_LINK = re.compile(r"\[([^\]\n]+)\]\((?:https?://|/)[^)\s]*\)")
_BOLD = re.compile(r"(\*\*|__)(.+?)\1", re.S)
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_CODE = re.compile(r"`{1,3}([^`]*)`{1,3}")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.M)
_QUOTE = re.compile(r"^\s{0,3}>\s?", re.M)
_BULLET = re.compile(r"^(\s*)[-*+]\s+", re.M)
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$", re.M)
_BLANKS = re.compile(r"\n{3,}")


def plain(text: str) -> str:
    """`text` without Markdown marks, as a person would type it."""
    out = _LINK.sub(r"\1", text)
    out = _CODE.sub(r"\1", out)
    out = _BOLD.sub(r"\2", out)
    out = _ITALIC.sub(r"\1", out)
    out = _RULE.sub("", out)
    out = _HEADING.sub("", out)
    out = _QUOTE.sub("", out)
    out = _BULLET.sub(r"\1· ", out)
    out = out.replace("**", "")
    return _BLANKS.sub("\n\n", out).strip()


def short_ref(ref: str, limit: int = REF_CHARS) -> str:
    ref = " ".join(ref.split())
    return ref if len(ref) <= limit else ref[: limit - 1].rstrip() + "…"


def sources_block(citations: Sequence[Citation], lang: str) -> str:
    if not citations:
        return ""
    head = "来源：" if lang == "zh" else "Sources:"
    return "\n".join([head, *(f"[{c.n}] {short_ref(c.ref)}" for c in citations)])


def options_block(answer: Answer, body: str = "") -> str:
    """WeChat has no buttons: quick replies and follow-up suggestions (those the text does not
    already mention) are written out."""
    zh = answer.language == "zh"
    lines = []
    if answer.choices:
        lines.append(("可回复：" if zh else "You can reply: ") + " / ".join(answer.choices))
    followups = [f for f in answer.followups if plain(f) not in body][:3]
    if followups:
        lines.append("您还可以问：" if zh else "You could also ask:")
        lines.extend(f"· {plain(f)}" for f in followups)
    return "\n".join(lines)


def answer_text(answer: Answer) -> str:
    """The whole plain-text reply to an answer: its chat form, options, then its sources."""
    body = plain(answer.for_chat())
    cited = {int(n) for n in re.findall(r"\[(\d{1,3})\]", body)}
    shown = [c for c in answer.citations if c.n in cited] or list(answer.citations)
    blocks = [body, options_block(answer, body), sources_block(shown, answer.language)]
    return "\n\n".join(b for b in blocks if b)


def _cut(text: str, limit: int) -> int:
    """Index of the longest prefix of `text` within `limit` UTF-8 bytes, at a good boundary."""
    size, end = 0, 0
    for i, ch in enumerate(text):
        size += len(ch.encode("utf-8"))
        if size > limit:
            break
        end = i + 1
    if end >= len(text):
        return end
    head = text[:end]
    for seps in (("\n\n",), ("\n",), ("。", "！", "？", "；", ". ", "! ", "? ", "; "), ("，", ", ", " ")):
        best = max(head.rfind(s) + len(s) if head.rfind(s) >= 0 else -1 for s in seps)
        if best > end // 3:
            return best
    opened = head.rfind("[")  # never cut inside a [n] marker
    if opened > head.rfind("]") and end - opened <= 4 and opened > 0:
        return opened
    return end


def split_bytes(text: str, limit: int = MAX_BYTES) -> list[str]:
    """`text` in parts of at most `limit` UTF-8 bytes each, cut on character boundaries."""
    parts: list[str] = []
    rest = text.strip()
    while rest:
        n = _cut(rest, limit)
        if n <= 0:
            n = 1
        part = rest[:n].rstrip()
        if part:
            parts.append(part)
        rest = rest[n:].lstrip()
    return parts or [""]
