"""A record's fields arranged for the record page: known fields first, in a reading order.

Display only: values are shown as stored (the template escapes them); nothing is interpreted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.api.i18n import FIELD_LABELS

HEAD = ("ref", "type", "title")  # shown in the page header, not in the table
FIRST = ("title_zh", "title_en", "summary_zh", "summary_en", "markets", "hs", "ntm", "issuer",
         "dates", "key_dates")
LAST = ("url", "related", "keywords", "source", "licence", "as_of", "language", "text")
TEXT_LIMIT = 20_000
TAGS = {"markets", "hs", "ntm", "keywords", "objectives", "agreements"}


@dataclass
class Field:
    key: str
    label: str
    kind: str  # text | list | tags | dates | key_dates | url | refs | longtext | items
    value: Any


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _kind(key: str, value: Any) -> str:
    if key == "dates":
        return "dates"
    if key == "key_dates":
        return "key_dates"
    if key in ("url", "comment_url"):
        return "url"
    if key in ("related", "notifications"):
        return "refs"
    if key == "text":
        return "longtext"
    if key in TAGS:
        return "tags"
    if isinstance(value, list):
        return "items" if value and isinstance(value[0], dict) else "list"
    return "text"


def record_fields(data: dict[str, Any], lang: str) -> list[Field]:
    """Non-empty fields in reading order; the summary in the page's language comes first."""
    names = FIELD_LABELS.get(lang, FIELD_LABELS["en"])
    first = list(FIRST)
    if lang == "en":
        first = ["title_en", "title_zh", "summary_en", "summary_zh", *first[4:]]
    middle = [k for k in data if k not in HEAD and k not in first and k not in LAST]
    out: list[Field] = []
    for key in [*first, *middle, *LAST]:
        value = data.get(key)
        if key == "dates" and isinstance(value, dict):
            value = {names.get(k, k): v for k, v in value.items() if v}
        if _empty(value):
            continue
        if key == "text" and isinstance(value, str) and len(value) > TEXT_LIMIT:
            value = value[:TEXT_LIMIT] + " …"
        label = names.get(key) or key.replace("_", " ")
        out.append(Field(key, label, _kind(key, value), value))
    return out
