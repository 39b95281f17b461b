"""Text normalisation shared by query analysis: traditional -> simplified, full-width -> half-width.

Every mapping here is one character for one character, so a position in the folded text is the
same position in the user's text: matchers fold once and report spans on the original. The
traditional table (OpenCC's TSCharacters, see data/t2s_chars.SOURCE.txt) is read on first use.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"
_SPACE_RE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, int], frozenset[str]]:
    """(translate table, characters that only traditional Chinese writes)."""
    table: dict[int, int] = {}
    # full-width ASCII variants and the ideographic space
    for cp in range(0xFF01, 0xFF5F):
        table[cp] = cp - 0xFEE0
    table[0x3000] = 0x20
    hant_only: set[str] = set()
    for line in (_DATA / "t2s_chars.txt").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2 or len(parts[0]) != 1 or len(parts[1]) != 1:
            continue
        table[ord(parts[0])] = ord(parts[1])
        if len(parts) < 3:
            hant_only.add(parts[0])
    return table, frozenset(hant_only)


def fold(text: str) -> str:
    """Traditional -> simplified and full-width -> half-width, keeping length and offsets."""
    return text.translate(_tables()[0])


def normalize(text: str) -> str:
    """`fold` plus whitespace collapsed and trimmed: the form shown as `normalized`."""
    return _SPACE_RE.sub(" ", fold(text)).strip()


def is_han(ch: str) -> bool:
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x2FA1F


def count_scripts(text: str) -> tuple[int, int]:
    """(Han characters, of which written only in traditional Chinese)."""
    hant_only = _tables()[1]
    han = trad = 0
    for ch in text:
        if is_han(ch):
            han += 1
            if ch in hant_only:
                trad += 1
    return han, trad
