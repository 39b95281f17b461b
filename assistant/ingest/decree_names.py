"""Names of China Customs decrees (海关总署令) that the crawl gives only as a number.

The crawl of GACC regulations has no title for a decree: its record would be called
"海关总署令第270号" and nothing else, so a question about "the new rules for issuing certificates of
origin" never meets it by name. The corpus itself states each name where another text cites the
decree: "《中华人民共和国出口货物原产地证书签证管理办法》（海关总署令第270号，以下简称…）". The name
stated most often becomes the record's title; a decree nobody names keeps its number.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from assistant.records import BaseRecord, RecordType

# 《name》 right before "（海关总署令第N号": the bracket says which decree the name is
_NAMED = re.compile(r"《([^《》\n]{4,60})》\s*[（(](?:中华人民共和国)?(?:海关总署)?令第(\d+)号")


def stated_names(texts: Iterable[str]) -> dict[str, str]:
    """Decree ref -> the name the texts give it most often (the first of a tie)."""
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        for m in _NAMED.finditer(text or ""):
            seen[f"海关总署令第{int(m.group(2))}号"][m.group(1).strip()] += 1
    return {ref: names.most_common(1)[0][0] for ref, names in seen.items()}


def name_decrees(records: dict[str, BaseRecord]) -> int:
    """Give each untitled decree record the name the corpus states for it; how many were named."""
    untitled = [ref for ref, rec in records.items()
                if rec.type == RecordType.announcement and rec.title == ref and ref.startswith("海关总署令第")]
    if not untitled:
        return 0
    names = stated_names(r.text for r in records.values() if r.type == RecordType.announcement)
    named = 0
    for ref in untitled:
        if ref in names:
            records[ref] = records[ref].model_copy(update={"title": names[ref]})
            named += 1
    return named


__all__ = ["name_decrees", "stated_names"]
