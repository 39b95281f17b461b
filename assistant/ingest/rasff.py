"""Loader for the EU RASFF Window export (CSV): one `Alert` per notification (出口受阻 cases).

The export mixes two vocabularies: rows of 2020 (and a few of 2021) use the older lower-case
RASFF categories (`fruits and vegetables`, `metals`, notifying country `France (FR)`), later rows
use the current RASFF Window names. Both are mapped here to the current names, so a filter on
`product_category` or `hazard_category` sees one vocabulary across years. Product categories are
also mapped to HS headings where the mapping is clear, so HS-based questions find the alerts.

Several origins stay together in source order: `origin` `Austria; China` has `origin_code`
`AUT; CHN` (so `"CHN" in origin_code.split("; ")` finds every alert involving China).

Speed matters (21,871 rows): values repeat a lot, so every normalisation is cached, and records
are validated from plain dicts (pydantic-core's fast path; `model_construct` is slower here).
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.ingest.base import IngestIssue, LoadResult, csv_rows, read_source
from assistant.ingest.wto_members import NAMES_ZH, iso3
from assistant.records import Alert, BaseRecord

NAME = "rasff"

SOURCE = "European Commission, RASFF Window (via M00N69/RASFFPORTAL)"
LICENCE = "CC BY 4.0 — Source: European Commission, RASFF Window"

COLUMNS = (
    "Date of Case",
    "Reference",
    "Notification From",
    "Country Origin",
    "Product",
    "Product Category",
    "Hazard Substance",
    "Hazard Category",
)
_REQUIRED = {"date of case", "reference", "product category"}

# Current RASFF Window product categories; the older 2020 spellings map onto them.
PRODUCT_CATEGORIES: dict[str, str] = {
    name.lower(): name
    for name in (
        "Alcoholic beverages",
        "Animal by-products",
        "Bivalve molluscs and products thereof",
        "Cephalopods and products thereof",
        "Cereals and bakery products",
        "Cocoa and cocoa preparations, coffee and tea",
        "Compound feeds",
        "Confectionery",
        "Crustaceans and products thereof",
        "Dietetic foods, food supplements and fortified foods",
        "Eggs and egg products",
        "Fats and oils",
        "Feed additives",
        "Feed materials",
        "Feed premixtures",
        "Fish and fish products",
        "Food additives and flavourings",
        "Food contact materials",
        "Fruits and vegetables",
        "Gastropods",
        "Herbs and spices",
        "Honey and royal jelly",
        "Ices and desserts",
        "Live animals",
        "Meat and meat products (other than poultry)",
        "Milk and milk products",
        "Natural mineral waters",
        "Non-alcoholic beverages",
        "Nuts, nut products and seeds",
        "Other food product / mixed",
        "Pet food",
        "Poultry meat and poultry meat products",
        "Prepared dishes and snacks",
        "Soups, broths, sauces and condiments",
        "Water for human consumption (other)",
        "Wine",
    )
}
PRODUCT_CATEGORIES.update(
    {
        "fish and products thereof": "Fish and fish products",  # 2021-2023 name
        "dietetic foods, food supplements, fortified foods": (
            "Dietetic foods, food supplements and fortified foods"
        ),
        "natural mineral water": "Natural mineral waters",
    }
)

# Current hazard categories; older names (left) -> current names (right).
HAZARD_CATEGORIES: dict[str, str] = {
    name.lower(): name
    for name in (
        "Adulteration / fraud",
        "Allergens",
        "Biological contaminants",
        "Chemical contamination (other)",
        "Composition",
        "Environmental pollutants",
        "Feed additives",
        "Food additives and flavourings",
        "Foreign bodies",
        "Genetically modified",
        "Heavy metals",
        "Industrial contaminants",
        "Labelling absent/incomplete/incorrect",
        "Migration",
        "Mycotoxins",
        "Natural toxins (other)",
        "Non-pathogenic micro-organisms",
        "Not determined (other)",
        "Novel food",
        "Organoleptic aspects",
        "Packaging defective / incorrect",
        "Parasitic infestation",
        "Pathogenic micro-organisms",
        "Pesticide residues",
        "Poor or insufficient controls",
        "Radiation",
        "Residues of veterinary medicinal products",
        "TSEs",
    )
}
HAZARD_CATEGORIES.update(
    {
        "biocontaminants": "Biological contaminants",  # 2020-2024 alias of the 2024 name
        "biological contaminants (other)": "Biological contaminants",
        "biotoxins (other)": "Natural toxins (other)",  # ergot, shellfish toxins
        "chemical contaminants (other)": "Chemical contamination (other)",
        "genetically modified food or feed": "Genetically modified",
        "metals": "Heavy metals",
        "not determined / other": "Not determined (other)",
        "process contaminants": "Industrial contaminants",  # 3-MCPD, glycidyl esters
    }
)
_NOT_APPLICABLE = {"", "n/a"}
# Categories the old vocabulary lumped together; the hazard itself decides.
_PATHOGEN_RE = re.compile(
    r"listeria|salmonella|shigatoxin|stec|norovirus|hepatitis|campylobacter|bacillus cereus"
    r"|clostridium|vibrio|staphylococc|yersinia|cronobacter",
    re.IGNORECASE,
)

# HS headings per product category, only where the category maps clearly onto the nomenclature.
CATEGORY_HS: dict[str, tuple[str, ...]] = {
    "Alcoholic beverages": ("2203", "2205", "2206", "2207", "2208"),
    "Bivalve molluscs and products thereof": ("0307", "1605"),
    "Cephalopods and products thereof": ("0307", "1605"),
    "Cereals and bakery products": ("10", "11", "19"),
    "Cocoa and cocoa preparations, coffee and tea": ("0901", "0902", "18", "2101"),
    "Compound feeds": ("2309",),
    "Confectionery": ("1704", "1806"),
    "Crustaceans and products thereof": ("0306", "1605"),
    "Dietetic foods, food supplements and fortified foods": ("2106",),
    "Eggs and egg products": ("0407", "0408"),
    "Fats and oils": ("15",),
    "Feed materials": ("23",),
    "Feed premixtures": ("2309",),
    "Fish and fish products": ("03", "1604"),
    "Food contact materials": ("3924", "4419", "6911", "6912", "7323", "7615", "8215"),
    "Fruits and vegetables": ("07", "08"),
    "Gastropods": ("0307", "1605"),
    "Herbs and spices": ("0904", "0905", "0906", "0907", "0908", "0909", "0910"),
    "Honey and royal jelly": ("0409", "0410"),
    "Ices and desserts": ("2105",),
    "Live animals": ("01",),
    "Meat and meat products (other than poultry)": ("02", "1601", "1602"),
    "Milk and milk products": ("0401", "0402", "0403", "0404", "0405", "0406"),
    "Natural mineral waters": ("2201",),
    "Non-alcoholic beverages": ("2009", "2202"),
    "Nuts, nut products and seeds": ("08", "12"),
    "Pet food": ("2309",),
    "Poultry meat and poultry meat products": ("0207", "1602"),
    "Soups, broths, sauces and condiments": ("2103", "2104"),
    "Water for human consumption (other)": ("2201",),
    "Wine": ("2204",),
}

# Chinese search terms for categories, so Chinese questions reach English alerts.
CATEGORY_ZH: dict[str, str] = {
    "Food contact materials": "食品接触材料",
    "Fruits and vegetables": "水果和蔬菜",
    "Nuts, nut products and seeds": "坚果及坚果制品和种子",
    "Herbs and spices": "香草和香料",
    "Fish and fish products": "鱼及鱼制品",
    "Cereals and bakery products": "谷物和烘焙产品",
    "Dietetic foods, food supplements and fortified foods": "膳食补充剂和强化食品",
    "Poultry meat and poultry meat products": "禽肉及禽肉制品",
    "Meat and meat products (other than poultry)": "肉及肉制品",
    "Milk and milk products": "乳及乳制品",
    "Cocoa and cocoa preparations, coffee and tea": "可可、咖啡和茶",
    "Feed materials": "饲料原料",
    "Pet food": "宠物食品",
    "Confectionery": "糖果",
    "Crustaceans and products thereof": "甲壳类及其制品",
    "Bivalve molluscs and products thereof": "双壳贝类及其制品",
    "Honey and royal jelly": "蜂蜜和蜂王浆",
    "Fats and oils": "油脂",
    "Pesticide residues": "农药残留",
    "Mycotoxins": "真菌毒素",
    "Pathogenic micro-organisms": "致病微生物",
    "Heavy metals": "重金属",
    "Migration": "迁移",
    "Allergens": "过敏原",
    "Food additives and flavourings": "食品添加剂和香料",
    "Residues of veterinary medicinal products": "兽药残留",
    "Novel food": "新型食品",
    "Genetically modified": "转基因",
    "Foreign bodies": "异物",
    "Industrial contaminants": "工业污染物",
}

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
)}
_DATE_RE = re.compile(r"([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})")
_REF_RE = re.compile(r"(?:RASFF\s*)?(\d{4}\.\d{1,5})")


# --- sniffing ---------------------------------------------------------------------------------


def sniff(path: Path, head: bytes) -> bool:
    """True for a CSV whose header row is the RASFF Window export's."""
    if path.suffix.lower() not in {".csv", ".txt"}:
        return False
    first = head.decode("utf-8-sig", errors="replace").splitlines()[:1]
    if not first:
        return False
    try:
        cols = next(csv.reader(first))
    except (csv.Error, StopIteration):
        return False
    names = {c.strip().lower() for c in cols}
    return names >= _REQUIRED and ("hazard category" in names or "hazard substance" in names)


# --- normalisation (cached: the same few hundred values repeat across 20k rows) ---------------


@cache
def product_category(raw: str) -> str | None:
    """The current RASFF Window name of a product category, old or new spelling."""
    raw = " ".join(raw.split())
    if not raw:
        return None
    return PRODUCT_CATEGORIES.get(raw.lower()) or raw[0].upper() + raw[1:]


def _one_hazard_category(raw: str, substance: str) -> str | None:
    key = raw.strip().lower()
    if key in _NOT_APPLICABLE:
        return None
    if key == "gmo / novel food":
        return "Genetically modified" if "genetically modified" in substance.lower() else "Novel food"
    if key == "microbial contaminants (other)":
        if _PATHOGEN_RE.search(substance):
            return "Pathogenic micro-organisms"
        return "Non-pathogenic micro-organisms"
    return HAZARD_CATEGORIES.get(key) or raw.strip()[0].upper() + raw.strip()[1:]


@cache
def _hazards(substances: str, categories: str) -> tuple[str | None, str | None]:
    """(`hazard`, `hazard_category`) cleaned: repeats dropped, one vocabulary."""
    subs = [_dedupe_dashes(s) for s in substances.split(";")]
    cats = categories.split(";")
    hazard = _join_unique(s for s in subs if s.lower() not in _NOT_APPLICABLE)
    pairs = zip(cats, subs, strict=True) if len(cats) == len(subs) else ((c, substances) for c in cats)
    category = _join_unique(_one_hazard_category(c, s) for c, s in pairs)
    return hazard, category


def _dedupe_dashes(text: str) -> str:
    """`Primary aromatic amines - migration - migration` -> `... - migration`."""
    parts = [p.strip() for p in text.split(" - ")]
    out: list[str] = []
    for p in parts:
        if p and (not out or out[-1].lower() != p.lower()):
            out.append(p)
    return " - ".join(out)


def _join_unique(values: Iterable[str | None]) -> str | None:
    seen: list[str] = []
    for v in values:
        if v and v not in seen:
            seen.append(v)
    return "; ".join(seen) or None


@cache
def _notifier(raw: str) -> tuple[str | None, tuple[str, ...]]:
    """(`notifying_country` as current name, markets) for the `Notification From` value."""
    name = re.sub(r"\s*\([A-Z]{2}\)\s*$", "", raw.strip())
    if not name:
        return None, ("EU",)
    code = iso3(name)
    markets = ("EU",) if code in (None, "EU") else ("EU", code)
    return name, markets


@cache
def _origin(raw: str) -> tuple[str | None, str | None, tuple[str, ...]]:
    """(`origin`, `origin_code`, origin names) for the `Country Origin` value.

    Several origins stay together, in source order: `Austria; China` -> `AUT; CHN`.
    """
    names = tuple(n.strip() for n in raw.split(";") if n.strip())
    if not names:
        return None, None, ()
    codes = [c for c in (iso3(n) for n in names) if c]
    unique = list(dict.fromkeys(codes))
    return "; ".join(names), "; ".join(unique) or None, names


_ZH_NAME: dict[str, str] = {}
for _name, _code in NAMES_ZH.items():
    _ZH_NAME.setdefault(_code, _name)


@cache
def _keywords(
    category: str | None, hazard_category: str | None, origin_code: str | None
) -> tuple[str, ...]:
    """Search terms in Chinese: the categories and the origin country (中国, 越南...)."""
    out = ["RASFF", "出口受阻"]
    for c in (category, *(hazard_category or "").split("; ")):
        if c and c in CATEGORY_ZH:
            out.append(CATEGORY_ZH[c])
    for code in (origin_code or "").split("; "):
        if code in _ZH_NAME and _ZH_NAME[code] not in out:
            out.append(_ZH_NAME[code])
    return tuple(out)


def parse_date(text: str) -> dt.date | None:
    """`Oct 30, 2024` (RASFF Window style) or ISO `2024-10-30`; None if neither."""
    text = text.strip()
    m = _DATE_RE.fullmatch(text)
    try:
        if m:
            month = _MONTHS.get(m.group(1).lower())
            return dt.date(int(m.group(3)), month, int(m.group(2))) if month else None
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


# --- loading ----------------------------------------------------------------------------------


def load(path: Path) -> LoadResult:
    """Every well-formed row becomes an Alert; every other row an IngestIssue with its line."""
    result = LoadResult()
    where = str(path)
    raw = read_source(path, result)
    if raw is None:
        return result
    text = raw.decode("utf-8-sig", errors="replace")
    if "\ufffd" in text:
        result.issues.append(
            IngestIssue(where, "file is not valid UTF-8; bad bytes were replaced", severity="warning")
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        result.issues.append(IngestIssue(where, "empty file: no RASFF header row", line=1))
        return result
    index = {name.strip().lower(): i for i, name in enumerate(header)}
    missing = [c for c in COLUMNS if c.lower() not in index]
    if _REQUIRED & {m.lower() for m in missing}:
        result.issues.append(
            IngestIssue(where, f"not a RASFF export: missing columns {', '.join(missing)}", line=1)
        )
        return result
    col = [index.get(c.lower()) for c in COLUMNS]
    width = len(header)
    records: list[BaseRecord] = result.records
    issues = result.issues
    seen: set[str] = set()
    gc_was_enabled = gc.isenabled()
    gc.disable()  # 20k new objects, no cycles: the collector would only rescan them
    try:
        _read_rows(reader, col, width, where, records, issues, seen)
    finally:
        if gc_was_enabled:
            gc.enable()
    return result


def _read_rows(
    reader: Any,
    col: list[int | None],
    width: int,
    where: str,
    records: list[BaseRecord],
    issues: list[IngestIssue],
    seen: set[str],
) -> None:
    for line, row in csv_rows(reader, width, where, issues):
        alert = _alert(row, col, where, line, issues)
        if alert is None:
            continue
        if alert.ref in seen:
            issues.append(IngestIssue(where, f"duplicate reference {alert.ref}; row skipped", line))
            continue
        seen.add(alert.ref)
        records.append(alert)


def _cell(row: list[str], i: int | None) -> str:
    return row[i].strip() if i is not None else ""


def _alert(
    row: list[str], col: list[int | None], where: str, line: int, issues: list[IngestIssue]
) -> Alert | None:
    date_s, ref_s, notif_s, origin_s, product, cat_s, subst_s, hcat_s = (_cell(row, i) for i in col)
    if not ref_s:
        issues.append(IngestIssue(where, "empty Reference; row skipped", line))
        return None
    m = _REF_RE.fullmatch(ref_s)
    if not m:
        issues.append(IngestIssue(where, f"malformed Reference {ref_s!r}; row skipped", line))
        return None
    event = parse_date(date_s)
    if event is None:
        issues.append(IngestIssue(where, f"bad Date of Case {date_s!r}; row skipped", line))
        return None
    ref = f"RASFF {m.group(1)}"
    category = product_category(cat_s)
    hazard, hazard_category = _hazards(subst_s, hcat_s)
    notifier, markets = _notifier(notif_s)
    origin, origin_code, origin_names = _origin(origin_s)
    product = " ".join(product.split())
    title = _title(product or category or ref, hazard, origin_names)
    text = _text(ref, event, notifier, product, category, origin, hazard, hazard_category)
    data = {
        "ref": ref,
        "title": title,
        "text": text,
        "language": "en",
        "markets": list(markets),
        "hs": list(CATEGORY_HS.get(category or "", ())),
        "issuer": notifier,
        "dates": {"event": event},
        "source": SOURCE,
        "licence": LICENCE,
        "keywords": list(_keywords(category, hazard_category, origin_code)),
        "system": "RASFF",
        "notifying_country": notifier,
        "origin": origin,
        "origin_code": origin_code,
        "product": product,
        "product_category": category,
        "hazard": hazard,
        "hazard_category": hazard_category,
    }
    try:
        return Alert.model_validate(data)
    except ValidationError as exc:
        issues.append(IngestIssue(where, f"invalid row: {_first_error(exc)}; row skipped", line))
        return None


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"


def _title(product: str, hazard: str | None, origins: tuple[str, ...]) -> str:
    """`Primary aromatic amines - migration in Łyżka kuchenna (tablespoon) from China`."""
    title = product
    if hazard:
        hazards = hazard.split("; ")
        short = ", ".join(hazards[:2]) + (f" and {len(hazards) - 2} more" if len(hazards) > 2 else "")
        title = f"{short} in {product}"
    known = [o for o in origins if o.lower() != "unknown origin"]
    if known:
        title += f" from {', '.join(known)}"
    return title


def _text(
    ref: str,
    event: dt.date,
    notifier: str | None,
    product: str,
    category: str | None,
    origin: str | None,
    hazard: str | None,
    hazard_category: str | None,
) -> str:
    parts = [f"{ref}, RASFF alert of {event.isoformat()}"]
    if notifier:
        parts[0] += f", notified by {notifier}"
    parts[0] += "."
    if product:
        parts.append(f"Product: {product}" + (f" ({category})." if category else "."))
    elif category:
        parts.append(f"Product category: {category}.")
    if origin:
        parts.append(f"Origin: {origin}.")
    if hazard:
        parts.append(f"Hazard: {hazard}" + (f" ({hazard_category})." if hazard_category else "."))
    elif hazard_category:
        parts.append(f"Hazard category: {hazard_category}.")
    return " ".join(parts)
