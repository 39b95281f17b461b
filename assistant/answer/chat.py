"""The chat-length form of an answer: what Telegram and WeChat send.

At most about 600 Chinese or 900 English characters of plain text: the direct answer, then as
many whole lines of the full answer as fit (never a line cut in half, so no fact or marker [n]
is broken), and at the end what the user can ask next ("第2条详细说说"). Bold marks go, headings
become short labels; markers [n] stay as they are so the same renumbering applies.
"""

from __future__ import annotations

import re

from assistant.answer.i18n import phrase

LIMITS = {"zh": 600, "en": 900}
_BOLD_RE = re.compile(r"\*\*(.+?)\*\*")
_HEADING_RE = re.compile(r"^\*\*(.+)\*\*$")
_URL_LINE_RE = re.compile(r"^\s*-?\s*https?://\S+\s*(?:\[\d+\])?$")


def limit(lang: str) -> int:
    return LIMITS.get(lang, LIMITS["en"])


def plain(line: str, lang: str) -> str:
    """One Markdown line as chat text: headings as labels, bullets as dots, bold removed."""
    m = _HEADING_RE.match(line.strip())
    if m:
        label = m.group(1).strip()
        return f"【{label}】" if lang == "zh" else f"{label}:"
    text = _BOLD_RE.sub(r"\1", line.rstrip())
    if text.startswith("  - "):
        return "  · " + text[4:]
    if text.startswith("- "):
        return "• " + text[2:]
    return text


def render(direct: str, body: str, lang: str, sources: int, followups: list[str] | None = None) -> str:
    """Direct answer + whole lines of `body` that fit + what to ask next, within the limit."""
    room = limit(lang)
    tail = [phrase("chat_more", lang, n=2 if sources >= 2 else 1)] if sources else []
    if followups:
        ask = phrase("chat_also", lang, q=followups[0])
        if sum(len(t) for t in tail) + len(ask) < room // 4:
            tail.append(ask)
    tail_len = sum(len(t) + 1 for t in tail) + 2
    lines: list[str] = []
    used = 0
    for raw in [_fitted(plain(direct, lang), room - tail_len)] if direct else []:
        lines.append(raw)
        used += len(raw) + 1
    skipping_sub = False
    for raw in body.splitlines():
        if not raw.strip():
            if lines and lines[-1] != "":
                lines.append("")
            continue
        if _URL_LINE_RE.match(raw):
            continue
        line = plain(raw, lang)
        if used + len(line) + 1 + tail_len > room:
            if raw.startswith("  "):
                skipping_sub = True
                continue  # a detail line that does not fit: the next item may
            break
        if skipping_sub and raw.startswith("  "):
            continue
        skipping_sub = False
        lines.append(line)
        used += len(line) + 1
    while lines and (lines[-1] == "" or _is_label(lines[-1], lang)):
        lines.pop()  # a heading with nothing under it
    text = "\n".join(lines).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    return (text + "\n\n" + "\n".join(tail)).strip() if tail else text


_MARKER_END = re.compile(r"\[\d+\]")


def _fitted(direct: str, room: int) -> str:
    """The direct answer within `room`: cut after the last citation marker ("… [1]") that fits, the
    first cited sentence always (a list's later items go before any fact is cut in half)."""
    if len(direct) <= room:
        return direct
    ends = [m.end() for m in _MARKER_END.finditer(direct)]
    fit = [e for e in ends if e <= room]
    cut = fit[-1] if fit else (ends[0] if ends else len(direct))
    return direct[:cut].rstrip()


def _is_label(line: str, lang: str) -> bool:
    return (line.startswith("【") and line.endswith("】")) if lang == "zh" else (
        line.endswith(":") and "[" not in line and len(line) < 60)


__all__ = ["LIMITS", "limit", "plain", "render"]
