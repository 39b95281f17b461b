"""Display names the report needs: markets (德国 / Germany, with EU membership) and NTM codes.

Market names come from the retrieval layer's gazetteer (`assistant.retrieve.markets`);
NTM labels follow the UNCTAD/MAST classification chapters A (SPS) and B (TBT).
"""

from __future__ import annotations

EU_MEMBERS: frozenset[str] = frozenset(
    ["AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE"]
)

NTM_LABELS: dict[str, tuple[str, str]] = {
    "A1": ("出于卫生与植物卫生原因的进口禁止/限制", "SPS prohibitions or restrictions of imports"),
    "A11": ("临时地理禁令", "Temporary geographic prohibitions (SPS)"),
    "A14": ("出于卫生与植物卫生原因的特别许可要求", "Special authorisation requirement for SPS reasons"),
    "A2": ("残留限量与物质使用限制", "Tolerance limits for residues and restricted use of substances"),
    "A21": ("残留或污染物限量", "Tolerance limits for residues or contamination"),
    "A22": ("食品及食品接触材料中物质的使用限制（迁移限量等）",
            "Restricted use of substances in foods and their contact materials (e.g. migration limits)"),
    "A3": ("标签、标志和包装要求（卫生与植物卫生）", "SPS labelling, marking and packaging"),
    "A31": ("标签要求（卫生与植物卫生）", "SPS labelling requirements"),
    "A4": ("卫生要求", "Hygienic requirements"),
    "A41": ("终产品微生物标准", "Microbiological criteria of the final product"),
    "A5": ("消除有害生物的处理要求", "Treatment to eliminate pests and diseases"),
    "A8": ("合格评定（卫生与植物卫生）", "SPS conformity assessment"),
    "A84": ("检验要求（卫生与植物卫生）", "SPS inspection requirement"),
    "A86": ("检疫要求", "Quarantine requirement"),
    "B1": ("出于技术性贸易壁垒原因的进口禁止/限制", "TBT prohibitions or restrictions of imports"),
    "B2": ("残留限量与物质使用限制（技术性贸易壁垒）", "TBT tolerance limits and restricted use of substances"),
    "B22": ("产品中物质的使用限制", "Restricted use of certain substances"),
    "B3": ("标签、标志和包装要求", "Labelling, marking and packaging requirements"),
    "B31": ("标签要求", "Labelling requirements"),
    "B32": ("标志要求", "Marking requirements"),
    "B33": ("包装要求", "Packaging requirements"),
    "B4": ("生产或生产后要求", "Production or post-production requirements"),
    "B6": ("产品特性要求", "Product identity requirement"),
    "B7": ("产品质量、安全或性能要求", "Product quality, safety or performance requirement"),
    "B8": ("合格评定程序", "Conformity assessment"),
    "B81": ("产品注册/批准", "Product registration or approval"),
    "B82": ("检测要求", "Testing requirement"),
    "B83": ("认证要求", "Certification requirement"),
    "B84": ("检验要求", "Inspection requirement"),
    "B85": ("可追溯性要求", "Traceability requirement"),
}


def market_name(code: str | None, lang: str) -> str:
    """德国 / Germany for DEU; 欧盟 / European Union for EU; the code itself if unknown."""
    if not code:
        return ""
    from assistant.retrieve.markets import market_name as _name

    return _name(code.upper(), lang)


def is_eu_member(code: str | None) -> bool:
    from assistant.retrieve.markets import get_market

    market = get_market(code or "")
    return bool(market and "EU" in market.blocs) or (code or "").upper() in EU_MEMBERS


def market_display(code: str | None, lang: str) -> str:
    """The name, plus EU membership for an EU country (`德国（欧盟成员国）`)."""
    name = market_name(code, lang)
    if code and is_eu_member(code):
        return f"{name}（欧盟成员国）" if lang.startswith("zh") else f"{name} (EU member state)"
    return name


def ntm_label(code: str | None, lang: str) -> str:
    if not code:
        return ""
    code = code.upper()
    for key in (code, code[:2], code[:1]):
        if key in NTM_LABELS:
            zh, en = NTM_LABELS[key]
            return f"{code} {zh if lang.startswith('zh') else en}"
    return code
