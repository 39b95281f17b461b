"""Small pieces the partner-form mappings share: name splitting and the problem category."""

from __future__ import annotations

import re

_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
                      "宇文", "司徒", "夏侯", "令狐", "端木", "独孤", "南宫", "西门")


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """(first, last): 张伟 -> (伟, 张); 欧阳娜娜 -> (娜娜, 欧阳); John Smith -> (John, Smith)."""
    if not name:
        return None, None
    name = name.strip()
    if re.search(r"[\u4e00-\u9fff]", name) and " " not in name:
        n = 2 if name.startswith(_COMPOUND_SURNAMES) and len(name) > 2 else 1
        return (name[n:] or None), name[:n]
    parts = name.split()
    if len(parts) == 1:
        return None, parts[0]
    return " ".join(parts[:-1]), parts[-1]


# NTM code -> the problem TACP (US ITA) lists that fits best.
TACP_PROBLEMS: dict[str, str] = {
    "B31": "Burdensome labelling requirements",
    "B32": "Burdensome labelling requirements",
    "B33": "Burdensome labelling requirements",
    "A31": "Burdensome labelling requirements",
    "B81": "Burdensome product registration",
    "A81": "Burdensome product registration",
    "B82": "Burdensome testing or certification",
    "B83": "Burdensome testing or certification",
    "A82": "Burdensome testing or certification",
    "A83": "Burdensome testing or certification",
    "B84": "Burdensome factory inspections",
    "A84": "Burdensome factory inspections",
    "B4": "Unclear production-process requirements",
    "B2": "Unclear or burdensome new standards",
    "B7": "Unclear or burdensome new standards",
}

# NTM code -> the measure category of the EU Single Entry Point form.
SEP_CATEGORIES: dict[str, str] = {
    "B3": "Labelling / marking / packaging", "A3": "Labelling / marking / packaging",
    "B83": "Certification", "A83": "Certification",
    "B82": "Testing", "A82": "Testing",
    "B81": "Registration / approval", "A81": "Registration / approval",
    "B84": "Inspection", "A84": "Inspection",
    "B7": "Technical requirement", "B2": "Technical requirement", "B4": "Technical requirement",
    "A2": "Sanitary and phytosanitary (SPS) measure", "A4": "Sanitary and phytosanitary (SPS) measure",
    "A1": "Sanitary and phytosanitary (SPS) measure", "A8": "Sanitary and phytosanitary (SPS) measure",
}


def lookup_by_prefix(table: dict[str, str], code: str | None) -> str | None:
    if not code:
        return None
    for n in range(len(code), 0, -1):
        if code[:n] in table:
            return table[code[:n]]
    return None
