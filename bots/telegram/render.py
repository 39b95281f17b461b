"""Answers as Telegram HTML messages: every string escaped, split under the 4,096 limit.

Telegram rejects a message whose HTML is malformed or longer than 4,096 UTF-16 code units. We
escape every user and record string, only ever emit tags we close in the same block, and split
plain text before escaping it: at a paragraph, a line, a sentence or a space, never inside a
citation marker `[n]` (a marker stays with the sentence it supports).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assistant.answer.models import Answer, Citation
from bots.telegram.texts import t

LIMIT = 4000  # Telegram's 4,096 minus room for what we add around a part
SHORT_SOURCES = 5  # citations listed under the chat answer; the rest are behind "Sources"
_MARKER = re.compile(r"\[\d{1,3}\]")
_TRAILING_MARKERS = re.compile(r"(?:\s*\[\d{1,3}\])+")
_BOLD = re.compile(r"\*\*([^*\n]+?)\*\*")
_SENTENCE_END = re.compile(r"[。！？；.!?;](?=\s|$|[^\w.])")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji or a rare CJK character is 2)."""
    return len(text.encode("utf-16-le")) // 2


def esc(text: str) -> str:
    """Text safe inside Telegram HTML (&, < and > escaped; quotes need it only in attributes)."""
    return html.escape(text, quote=False)


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) link Telegram will accept, else None."""
    if not url:
        return None
    url = url.strip()
    if not re.match(r"^https?://[^\s<>\"']+$", url, re.I):
        return None
    return url


def link(label: str, url: str | None) -> str:
    """`label` as a link when `url` is usable, as plain escaped text otherwise."""
    href = safe_url(url)
    return f'<a href="{html.escape(href, quote=True)}">{esc(label)}</a>' if href else esc(label)


def _fit(text: str, limit: int) -> int:
    """The largest prefix length of `text` whose escaped form fits in `limit`."""
    used = 0
    for i, ch in enumerate(text):
        used += utf16_len(esc(ch))
        if used > limit:
            return i
    return len(text)


def _cut_point(text: str, hard: int) -> int:
    """Where to cut `text` at or before `hard`: the nicest boundary in the second half."""
    window = text[:hard]
    floor = hard // 2
    for pattern in ("\n\n", "\n"):
        at = window.rfind(pattern)
        if at >= floor:
            return at + len(pattern)
    ends = [m.end() for m in _SENTENCE_END.finditer(window) if m.end() >= floor]
    if ends:
        return ends[-1]
    at = window.rfind(" ")
    if at >= floor:
        return at + 1
    return hard


def _keep_markers(text: str, cut: int, hard: int) -> int:
    """Move the cut so it never splits `[n]` and keeps markers right after it with their sentence."""
    for m in _MARKER.finditer(text):
        if m.start() < cut < m.end():
            cut = m.start() if m.start() > 0 else m.end()
    trailing = _TRAILING_MARKERS.match(text, cut)
    if trailing and trailing.end() <= hard:
        cut = trailing.end()
    return cut


def split_plain(text: str, limit: int = LIMIT) -> list[str]:
    """Plain text in pieces whose escaped form each fits in `limit` (nothing is lost but spaces)."""
    pieces: list[str] = []
    rest = text.strip()
    while rest:
        hard = _fit(rest, limit)
        if hard >= len(rest):
            pieces.append(rest)
            break
        cut = _keep_markers(rest, _cut_point(rest, hard), hard)
        cut = max(1, min(cut, hard))
        piece, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if piece:
            pieces.append(piece)
    return pieces


def pack(blocks: Iterable[str], limit: int = LIMIT, sep: str = "\n\n") -> list[str]:
    """Join self-contained HTML blocks into as few messages as fit in `limit` each."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        if not block:
            continue
        candidate = f"{current}{sep}{block}" if current else block
        if utf16_len(candidate) <= limit:
            current = candidate
            continue
        if current:
            messages.append(current)
        current = block
    if current:
        messages.append(current)
    return messages


def _inline_html(piece: str, limit: int) -> str:
    """One escaped piece, with the answer's `**bold**` as <b> (opened and closed in the piece)
    when that still fits."""
    plain = esc(piece)
    bold = _BOLD.sub(r"<b>\1</b>", plain)
    return bold if utf16_len(bold) <= limit else plain


def text_blocks(text: str, limit: int = LIMIT) -> list[str]:
    """Plain answer text as escaped HTML blocks, each short enough to send."""
    return [_inline_html(piece, limit) for piece in split_plain(text, limit)]


def short_sources(citations: Sequence[Citation], lang: str, limit: int = SHORT_SOURCES) -> str:
    """The short list under an answer: `[n] ref` linked to the source."""
    if not citations:
        return ""
    lines = [f"[{c.n}] {link(c.ref, c.url)}" for c in citations[:limit]]
    more = len(citations) - limit
    if more > 0:
        lines.append(f"… +{more}")
    return f"<b>{esc(t('sources_title', lang))}</b>\n" + "\n".join(lines)


def source_blocks(citations: Sequence[Citation], lang: str) -> list[str]:
    """The full source list: one block per citation with its title and place."""
    blocks = [f"<b>{esc(t('sources_title', lang))}</b>"]
    for c in citations:
        line = f"[{c.n}] {link(c.ref, c.url)}"
        title = c.title.strip()
        if title and title != c.ref:
            line += f"\n{esc(title[:300])}"
        if c.cite and c.cite not in (c.ref, title):
            line += f"\n<i>{esc(c.cite[:200])}</i>"
        blocks.append(line)
    return blocks


@dataclass
class RenderedAnswer:
    """An answer as messages: the first part, the parts behind "more", the source list."""

    first: str
    more: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def render_answer(answer: Answer, lang: str) -> RenderedAnswer:
    """Chat-length text with its short source list first; the rest behind buttons."""
    chat = answer.for_chat()
    head: list[str] = []
    if answer.report_number:
        head.append(f"<b>{esc(t('report_number', lang))}: {esc(answer.report_number)}</b>")
    short = short_sources(answer.citations, lang)
    body = text_blocks(chat) or [esc(t("error", lang))]
    main = pack(head + body + ([short] if short else []))
    more = main[1:]
    if answer.chat_text and answer.chat_text.strip() != answer.text.strip():
        more += pack(text_blocks(answer.text))
    sources = pack(source_blocks(answer.citations, lang), sep="\n\n") if answer.citations else []
    return RenderedAnswer(first=main[0], more=more, sources=sources)
