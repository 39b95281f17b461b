"""Answer text -> safe HTML for the web chat.

The core returns plain text with [n] citation markers, "- " bullet lines and "**bold**" spans.
Everything is escaped first; only then are the few known patterns turned into markup, so nothing
in a question, a record or an answer can inject HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

from markupsafe import Markup, escape

_BULLET = re.compile(r"^\s*[-•]\s+(.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_MARKERS = re.compile(r"\[(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\]")


def record_href(ref: str) -> str:
    """Path of the record page; slashes stay readable, everything else is percent-encoded."""
    return "/records/" + quote(ref, safe="/")


def _inline(line: str, prefix: str, known: set[int], label: str) -> str:
    html = str(escape(line))
    html = _BOLD.sub(r"<strong>\1</strong>", html)

    def link(m: re.Match[str]) -> str:
        parts = []
        for num in re.split(r"\s*[,，、]\s*", m.group(1)):
            n = int(num)
            if n in known:
                parts.append(
                    f'<a class="cite" href="#{prefix}-{n}" data-n="{n}" '
                    f'aria-label="{escape(label)} {n}">[{n}]</a>'
                )
            else:
                parts.append(f"[{n}]")
        return "".join(parts)

    return _MARKERS.sub(link, html)


def answer_html(
    text: str, citation_numbers: Iterable[int], prefix: str = "src", label: str = "source"
) -> Markup:
    """Paragraphs, bullet lists, bold and [n] links (to `#{prefix}-{n}`) from the answer text."""
    known = set(citation_numbers)
    out: list[str] = []
    para: list[str] = []
    items: list[str] = []

    def flush_para() -> None:
        if para:
            out.append("<p>" + "<br>".join(para) + "</p>")
            para.clear()

    def flush_list() -> None:
        if items:
            out.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in (text or "").splitlines():
        line = raw.rstrip()
        if not line.strip():
            flush_para()
            flush_list()
            continue
        bullet = _BULLET.match(line)
        if bullet:
            flush_para()
            items.append(_inline(bullet.group(1), prefix, known, label))
        else:
            flush_list()
            para.append(_inline(line.strip(), prefix, known, label))
    flush_para()
    flush_list()
    return Markup("".join(out))
