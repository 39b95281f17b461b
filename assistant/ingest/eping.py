"""Loader for WTO ePing notifications: the bulk export `Notification_EN.xlsx` and API JSON.

Both carry the same facts under different names, so each is first turned into one plain row
(`_Row`) and then into a `Notification`. Column and field names are matched loosely (case,
spacing, camelCase variants, older export headers such as `Document symbol` or `HS code(s)`),
because the WTO renames them now and then and a positional read would break silently.

Symbols are normalised with `assistant.refs.parse_symbol`, so `g/tbt/n/usa/867/add1` becomes
`G/TBT/N/USA/867/Add.1` with core `G/TBT/N/USA/867`; addenda, revisions and corrigenda point to
their core in `related`, and `group_by_core` puts a family together. Texts arrive with HTML
inside; it is stripped and entities are unescaped. A row without a usable symbol is reported and
skipped; a date that cannot be read is reported (warning) and left empty, the row still loads.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.ingest.base import IngestIssue, LoadResult
from assistant.ingest.wto_members import iso3
from assistant.records import BaseRecord, Notification
from assistant.refs import Symbol, find_symbols

NAME = "eping"

SOURCE_XLSX = "WTO ePing (WTO, ITC, UN DESA), bulk export Notification_EN.xlsx"
SOURCE_API = "WTO ePing (WTO, ITC, UN DESA), notifications API"
LICENCE = "WTO notification documents are public; compiled by ePing (eping.wto.org)"

EU_MEMBER_ID = "U918"  # the EU's member id in ePing

# --- column / field names ---------------------------------------------------------------------

# xlsx headers, normalised (lower case, single spaces) -> our field
_COLUMNS: dict[str, str] = {
    "symbol": "symbol",
    "document symbol": "symbol",
    "document symbol(s)": "symbol",
    "notification symbol": "symbol",
    "notifying member": "member",
    "notifying member(s)": "member",
    "member": "member",
    "members": "member",
    "title": "title",
    "description of content": "description",
    "description": "description",
    "distribution date": "distributed",
    "date of distribution": "distributed",
    "products (free text)": "products",
    "products covered": "products",
    "products": "products",
    "products (hs/ics code)": "codes",
    "hs/ics code": "codes",
    "hs/ics codes": "codes",
    "hs code(s)": "codes",
    "hs codes": "codes",
    "hs code": "codes",
    "objectives": "objectives",
    "objective": "objectives",
    "objective(s)": "objectives",
    "keywords (sps)": "keywords",
    "keywords": "keywords",
    "regions or countries affected (sps)": "regions",
    "regions or countries affected": "regions",
    "final date for comments": "deadline",
    "final date for comment": "deadline",
    "comment deadline": "deadline",
    "notification type": "type",
    "type of notification": "type",
    "proposed adoption date": "adopted",
    "proposed date of adoption": "adopted",
    "proposed entry into force date": "entry",
    "proposed date of entry into force": "entry",
    "agreement": "agreement",
    "area": "agreement",
    "article": "article",
    "notified under article": "article",
}
_LINK_PREFERENCE = ("link to notification(en)", "link to notification", "notification link")

# API JSON keys, lower-cased without separators -> our field (first match wins)
_API_KEYS: dict[str, tuple[str, ...]] = {
    "symbol": ("documentsymbol", "symbol", "notificationsymbol", "docsymbol", "documentsymbols"),
    "title": ("titleplain", "title", "titleenglish", "titleen"),
    "description": ("descriptionplain", "description", "descriptionofcontent", "descriptionen"),
    "member": ("notifyingmember", "notifyingmembername", "membername", "member", "country"),
    "member_id": ("notifyingmemberid", "memberid", "notifyingmembercode", "membercode", "countrycode"),
    "distributed": ("distributiondate", "dateofdistribution", "date"),
    "deadline": ("commentdeadlinedate", "finaldateforcomments", "commentdeadline"),
    "entry": ("proposedentryintoforcedate", "entryintoforcedate", "proposedentryintoforce"),
    "adopted": ("proposedadoptiondate", "adoptiondate", "proposeddateofadoption"),
    "products": ("productsfreetextplain", "productsfreetext", "productscovered", "products"),
    "codes": ("hscodes", "hscode", "hs", "productshscodes", "productscodes"),
    "objectives": ("objectives", "objective"),
    "keywords": ("keywords",),
    "regions": ("regionsaffected", "regionsorcountriesaffected", "countriesaffected", "regions"),
    "type": ("notificationtype", "type"),
    "agreement": ("area", "agreement"),
    "article": ("article", "notifiedunderarticle"),
    "link": ("linktonotification", "notificationlink", "url", "link", "notifieddocumentlink"),
    "open": ("isopenforcomments",),
}
_API_LIST_KEYS = ("items", "data", "notifications", "results", "rows", "value", "records")
_API_MARKERS = ("documentsymbol", "distributiondate", "notifyingmember", "commentdeadlinedate",
                "isopenforcomments")


@dataclass
class _Row:
    """One notification as read from either format, before validation."""

    symbol: str = ""
    title: str = ""
    description: str = ""
    member: str = ""
    member_id: str = ""
    distributed: Any = None
    deadline: Any = None
    entry: Any = None
    adopted: Any = None
    products: str = ""
    codes: list[str] = field(default_factory=list)
    objectives: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    regions: str = ""
    type: str = ""
    agreement: str = ""
    article: str = ""
    link: str = ""


# --- text cleaning ----------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    ["p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "section", "article"]
)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def clean_text(value: Any) -> str:
    """Plain text from a cell or field that may hold HTML: tags out, entities decoded, tidy."""
    if value is None:
        return ""
    text = str(value)
    if "<" in text and ">" in text:
        parser = _TextExtractor()
        try:
            parser.feed(text)
            parser.close()
            text = "".join(parser.parts)
        except Exception:  # malformed markup: fall back to a crude strip
            text = unescape(re.sub(r"<[^>]*>", " ", text))
    elif "&" in text:
        text = unescape(text)
    text = text.replace("\xa0", " ").replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _one_line(value: Any) -> str:
    return " ".join(clean_text(value).split())


# --- dates ------------------------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MONTHS = {
    name: i
    for i, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")),
        1,
    )
    for name in names
}
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_YMD = re.compile(r"(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[T ].*)?")
_D_MON_Y = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})")
_MON_D_Y = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")


class _BadDate(ValueError):
    pass


def parse_date(value: Any) -> dt.date | None:
    """A date from the forms ePing uses; None when there is none; `_BadDate` when unreadable.

    Accepts date/datetime objects, Excel serial numbers, `2024-03-05` (also with a time),
    `05/03/2024` (day first, as ePing writes), `5 March 2024`, `March 5, 2024`. Text without
    any digit (`Not applicable`, `To be determined`) means "no date".
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise _BadDate(repr(value))
    if isinstance(value, int | float):
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise _BadDate(repr(value))
    text = _one_line(value)
    if not any(ch.isdigit() for ch in text):
        return None
    try:
        if m := _YMD.fullmatch(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.fullmatch(text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        if (m := _D_MON_Y.fullmatch(text)) and m[2].lower() in _MONTHS:
            return dt.date(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
        if (m := _MON_D_Y.fullmatch(text)) and m[1].lower() in _MONTHS:
            return dt.date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
        if re.fullmatch(r"\d{4,5}(?:\.\d+)?", text):  # an Excel serial stored as text
            return parse_date(float(text))
    except ValueError as exc:
        raise _BadDate(text) from exc
    raise _BadDate(text)


# --- HS codes ---------------------------------------------------------------------------------

_ICS_RE = re.compile(r"\d{2}\.\d{3}(?:\.\d{2})?")
_CODE_AT_START = re.compile(r"(?:HS\s*(?:code)?\s*[:\-]?\s*)?(\d[\d.\s]*\d|\d)", re.IGNORECASE)


def hs_codes(values: Iterable[Any]) -> list[str]:
    """HS codes from ePing's `Products (HS/ICS code)` values; ICS codes are dropped.

    Each `;`/`,`/newline-separated part counts only when it starts with a code (the rest of a
    part is the code's description). ICS codes look like `13.020` or `97.040.50`; a part
    labelled ICS is skipped whole.
    """
    out: list[str] = []
    for value in values:
        if value is None:
            continue
        if isinstance(value, int):
            value = str(value)
        elif isinstance(value, float):
            value = str(int(value)) if value.is_integer() else str(value)
        for part in re.split(r"[;,\n|]+", str(value)):
            part = part.strip()
            if not part or part.upper().startswith("ICS"):
                continue
            m = _CODE_AT_START.match(part)
            if not m:
                continue
            token = re.sub(r"\s+", "", m.group(1)).strip(".")
            if _ICS_RE.fullmatch(token):
                continue
            digits = token.replace(".", "")
            if not digits.isdigit() or not 2 <= len(digits) <= 10:
                continue
            if len(digits) % 2:  # a leading zero lost in a numeric cell (702 -> 0702)
                digits = "0" + digits
            if digits not in out:
                out.append(digits)
    return out


def _split_list(value: Any) -> list[str]:
    """Objectives / keywords: a list (of strings or {name}) or a `;`-separated string."""
    if value is None:
        return []
    items: list[Any] = list(value) if isinstance(value, list | tuple) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = _first(item, ("name", "description", "text", "value", "label"))
        for piece in re.split(r"[;\n|]+", clean_text(item)):
            piece = " ".join(piece.split()).strip(" ,")
            if piece and piece not in out:
                out.append(piece)
    return out


def _first(d: dict[str, Any], keys: Iterable[str]) -> Any:
    lower = {str(k).lower(): v for k, v in d.items()}
    for k in keys:
        if lower.get(k) not in (None, "", []):
            return lower[k]
    return None


# --- sniffing ---------------------------------------------------------------------------------


def sniff(path: Path, head: bytes) -> bool:
    """True for an ePing xlsx export (by its header row) or ePing API JSON (by its fields)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return head.startswith(b"PK") and _xlsx_has_eping_header(path)
    if suffix == ".json":
        text = head.decode("utf-8", errors="ignore").lstrip("\ufeff").lstrip()
        if not text.startswith(("[", "{")):
            return False
        keys = {k.lower() for k in re.findall(r'"([A-Za-z_]+)"\s*:', text)}
        return any(marker in keys for marker in _API_MARKERS) or (
            "symbol" in keys and "title" in keys and bool(re.search(r"G/(?:TBT|SPS)/N/", text, re.I))
        )
    return False


def _xlsx_has_eping_header(path: Path) -> bool:
    """Look for the export's header names among the first strings of the workbook.

    Only the first 64 KB of the shared strings (and of the first sheet, for inline strings) are
    decompressed: header cells come first, so a 45 MB export is recognised cheaply.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            sheets = sorted(n for n in names if n.startswith("xl/worksheets/sheet"))[:1]
            blob = b""
            for name in ("xl/sharedStrings.xml", *sheets):
                if name in names:
                    with zf.open(name) as fh:
                        blob += fh.read(65536)
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return False
    strings = re.findall(r"<t(?:\s[^>]*)?>([^<]*)</t>", blob.decode("utf-8", errors="ignore"))
    fields = {_COLUMNS.get(" ".join(unescape(s).lower().split())) for s in strings}
    return "symbol" in fields and ("title" in fields or "member" in fields)


# --- loading ----------------------------------------------------------------------------------


def load(path: Path) -> LoadResult:
    """Notifications from an ePing xlsx export or API JSON file."""
    if path.suffix.lower() == ".json":
        rows, result = _read_api(path)
        source = SOURCE_API
    else:
        rows, result = _read_xlsx(path)
        source = SOURCE_XLSX
    where = str(path)
    seen: set[str] = set()
    for line, row in rows:
        record = _notification(row, source, where, line, result.issues)
        if record is None:
            continue
        if record.ref in seen:
            result.issues.append(
                IngestIssue(where, f"{record.ref} appears again; later row skipped", line,
                            severity="warning")
            )
            continue
        seen.add(record.ref)
        result.records.append(record)
    _link_families(result.records)
    return result


def _read_xlsx(path: Path) -> tuple[list[tuple[int | None, _Row]], LoadResult]:
    result = LoadResult()
    where = str(path)
    rows: list[tuple[int | None, _Row]] = []
    try:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        result.issues.append(IngestIssue(where, f"cannot open workbook: {exc}"))
        return rows, result
    try:
        for ws in wb.worksheets:
            found = _read_sheet(ws.iter_rows(min_row=1, values_only=True), where, result.issues)
            if found is not None:
                rows.extend(found)
                break
        else:
            result.issues.append(
                IngestIssue(where, "no sheet with an ePing header row (Symbol, Title, ...)")
            )
    except Exception as exc:  # a corrupt sheet part surfaces while iterating
        result.issues.append(IngestIssue(where, f"cannot read workbook: {exc}"))
    finally:
        wb.close()
    return rows, result


def _read_sheet(
    sheet_rows: Iterator[tuple[Any, ...]], where: str, issues: list[IngestIssue]
) -> list[tuple[int | None, _Row]] | None:
    """Rows of one sheet, or None if no header row shows up in its first 10 rows."""
    columns: dict[int, str] | None = None
    links: list[int] = []
    out: list[tuple[int | None, _Row]] = []
    for line, values in enumerate(sheet_rows, 1):
        if columns is None:
            if line > 10:
                return None
            columns, links = _header(values)
            continue
        if not any(v not in (None, "") for v in values):
            continue
        row = _Row()
        codes: list[Any] = []
        for i, name in columns.items():
            value = values[i] if i < len(values) else None
            if value in (None, ""):
                continue
            if name == "codes":
                codes.append(value)
            elif name in ("objectives", "keywords"):
                setattr(row, name, _split_list(value))
            elif name in ("distributed", "deadline", "entry", "adopted"):
                setattr(row, name, value)
            else:
                setattr(row, name, value if name == "description" else _one_line(value))
        row.codes = codes
        for i in links:
            if i < len(values) and values[i]:
                row.link = _one_line(values[i])
                break
        out.append((line, row))
    return out if columns is not None else None


def _header(values: tuple[Any, ...]) -> tuple[dict[int, str] | None, list[int]]:
    columns: dict[int, str] = {}
    link_cols: list[tuple[int, int]] = []
    for i, value in enumerate(values):
        name = " ".join(str(value or "").lower().split())
        if not name:
            continue
        if name in _COLUMNS and _COLUMNS[name] not in columns.values():
            columns[i] = _COLUMNS[name]
        elif "link" in name or name in ("url", "full text"):
            rank = _LINK_PREFERENCE.index(name) if name in _LINK_PREFERENCE else len(_LINK_PREFERENCE)
            link_cols.append((rank, i))
    if "symbol" not in columns.values():
        return None, []
    return columns, [i for _, i in sorted(link_cols)]


def _read_api(path: Path) -> tuple[list[tuple[int | None, _Row]], LoadResult]:
    result = LoadResult()
    where = str(path)
    rows: list[tuple[int | None, _Row]] = []
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        result.issues.append(IngestIssue(where, f"cannot read file: {exc}"))
        return rows, result
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        result.issues.append(IngestIssue(where, f"not valid JSON: {exc.msg}", exc.lineno))
        return rows, result
    items, start = _api_items(data, text)
    if items is None:
        result.issues.append(
            IngestIssue(where, "no list of notifications (expected a list, or one under "
                        f"{'/'.join(_API_LIST_KEYS)})", 1)
        )
        return rows, result
    lines = [line for _, line in json_list_items(text, start)] if start is not None else []
    for i, item in enumerate(items):
        line = lines[i] if i < len(lines) else None
        if not isinstance(item, dict):
            result.issues.append(IngestIssue(where, f"item {i + 1} is not an object", line))
            continue
        rows.append((line, _api_row(item)))
    return rows, result


def _api_items(data: Any, text: str) -> tuple[list[Any] | None, int | None]:
    """The notification list and the offset of its `[` in `text` (for line numbers)."""
    if isinstance(data, list):
        return data, text.find("[")
    if isinstance(data, dict):
        lower = {str(k).lower(): k for k in data}
        for key in _API_LIST_KEYS:
            if key in lower and isinstance(data[lower[key]], list):
                m = re.search('"' + re.escape(lower[key]) + r'"\s*:\s*\[', text)
                return data[lower[key]], (m.end() - 1 if m else None)
        for key in _API_LIST_KEYS:  # one level deeper: {"data": {"items": [...]}}
            inner = data.get(lower.get(key, ""), None)
            if isinstance(inner, dict):
                items, _ = _api_items(inner, "")
                if items is not None:
                    return items, None
        if any(k.replace("_", "") in _API_KEYS["symbol"] for k in lower):
            return [data], None
    return None, None


def json_list_items(text: str, start: int) -> list[tuple[Any, int]]:
    """Items of the JSON list whose `[` is at `start`, each with the line it starts on.

    Decoded item by item (C speed), so a caller learns where each item sits in the file.
    Stops quietly at the first syntax error (the caller has already parsed the whole file or
    reports the error itself).
    """
    decoder = json.JSONDecoder()
    ws = re.compile(r"\s*")
    items: list[tuple[Any, int]] = []
    if not text.startswith("[", start):
        return items
    pos = start + 1
    line, counted = 1 + text.count("\n", 0, pos), pos
    while True:
        pos = ws.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= len(text) or text.startswith("]", pos):
            break
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            item, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            break
        items.append((item, line))
        pos = ws.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith(",", pos):
            pos += 1
        else:
            break
    return items


def _api_row(item: dict[str, Any]) -> _Row:
    flat = {re.sub(r"[^a-z0-9]", "", str(k).lower()): v for k, v in item.items()}

    def get(name: str) -> Any:
        for key in _API_KEYS[name]:
            if flat.get(key) not in (None, "", []):
                return flat[key]
        return None

    row = _Row()
    symbol = get("symbol")
    row.symbol = "; ".join(map(str, symbol)) if isinstance(symbol, list) else _one_line(symbol)
    row.title = _one_line(get("title"))
    row.description = clean_text(get("description"))
    member = get("member")
    if isinstance(member, dict):
        row.member_id = _one_line(_first(member, ("id", "code", "memberid", "iso3")))
        row.member = _one_line(_first(member, ("name", "nameen", "title", "label")))
    else:
        row.member = _one_line(member)
    row.member_id = row.member_id or _one_line(get("member_id"))
    for name in ("distributed", "deadline", "entry", "adopted"):
        setattr(row, name, get(name))
    products = get("products")
    codes = get("codes")
    code_values: list[Any] = []
    if isinstance(products, list):  # [{"code": "8517", "description": "..."}] or strings
        texts = []
        for p in products:
            if isinstance(p, dict):
                code = _first(p, ("code", "hscode", "hs"))
                if code is not None:
                    code_values.append(code)
                desc = _first(p, ("description", "name", "text"))
                if desc:
                    texts.append(_one_line(desc))
            else:
                texts.append(_one_line(p))
        row.products = "; ".join(t for t in texts if t)
    else:
        row.products = _one_line(products)
    if isinstance(codes, list):
        for c in codes:
            code_values.append(_first(c, ("code", "hscode", "hs", "id")) if isinstance(c, dict) else c)
    elif codes is not None:
        code_values.append(codes)
    row.codes = code_values
    row.objectives = _split_list(get("objectives"))
    row.keywords = _split_list(get("keywords"))
    regions = get("regions")
    row.regions = "; ".join(_split_list(regions)) if isinstance(regions, list) else _one_line(regions)
    kind = get("type")
    row.type = _one_line(_first(kind, ("name", "label", "text")) if isinstance(kind, dict) else kind)
    agreement = get("agreement")
    row.agreement = _one_line(
        _first(agreement, ("name", "code")) if isinstance(agreement, dict) else agreement
    )
    row.article = _one_line(get("article"))
    link = get("link")
    row.link = _one_line(_first(link, ("en", "url", "href")) if isinstance(link, dict) else link)
    return row


# --- records ----------------------------------------------------------------------------------

_SUFFIX_TYPES = {"Add": "Addendum", "Rev": "Revision", "Corr": "Corrigendum", "Suppl": "Supplement"}
_SPECIAL_MEMBERS = {"EU": "EU", "EEC": "EU", "EC": "EU", "TPKM": "TWN", "FIXTURE": "FIXTURE"}


def _member_market(code: str) -> str | None:
    """Market code for a symbol's member part (`EU`, `TPKM` -> `TWN`, ISO-3 otherwise)."""
    if code in _SPECIAL_MEMBERS:
        return _SPECIAL_MEMBERS[code]
    return code if len(code) == 3 else iso3(code)


def _name_market(name: str, member_id: str) -> str | None:
    if member_id.upper() == EU_MEMBER_ID or name.upper() == EU_MEMBER_ID:
        return "EU"
    return iso3(name) if name else None


def _date_field(
    row: _Row, name: str, label: str, ref: str, where: str, line: int | None, issues: list[IngestIssue]
) -> dt.date | None:
    try:
        return parse_date(getattr(row, name))
    except _BadDate as exc:
        issues.append(
            IngestIssue(where, f"{ref}: unreadable {label} {str(exc)!r}; left empty", line,
                        severity="warning")
        )
        return None


def _notification(
    row: _Row, source: str, where: str, line: int | None, issues: list[IngestIssue]
) -> Notification | None:
    symbols = find_symbols(row.symbol) if row.symbol else []
    if not symbols:
        what = f"unrecognised symbol {row.symbol!r}" if row.symbol else "no notification symbol"
        issues.append(IngestIssue(where, f"{what}; row skipped", line))
        return None
    sym: Symbol = symbols[0]
    ref = str(sym)
    market = _member_market(sym.member)
    named = _name_market(row.member, row.member_id)
    if named and market and named != market:
        issues.append(
            IngestIssue(where, f"{ref}: member {row.member or row.member_id!r} does not match the "
                        f"symbol's {sym.member}; the symbol wins", line, severity="warning")
        )
    markets = [m for m in (market or named,) if m]
    dates = {
        "distributed": _date_field(row, "distributed", "distribution date", ref, where, line, issues),
        "comment_deadline": _date_field(row, "deadline", "final date for comments", ref, where, line,
                                        issues),
        "adopted": _date_field(row, "adopted", "proposed adoption date", ref, where, line, issues),
        "entry_into_force": _date_field(row, "entry", "proposed entry into force date", ref, where,
                                        line, issues),
    }
    description = clean_text(row.description)
    title = row.title or row.products or ref
    kind = row.type or (_SUFFIX_TYPES.get(sym.suffix[-1][0]) if sym.suffix else "Regular")
    related = [] if not sym.suffix else [sym.core]
    related += [str(s) for s in symbols[1:] if str(s) not in related and str(s) != ref]
    agreement = sym.agreement
    keywords = [agreement, "WTO notification", "通报"]
    keywords += [k for k in row.keywords if k not in keywords]
    data = {
        "ref": ref,
        "title": title,
        "text": _text(description, row),
        "language": "en",
        "markets": markets,
        "hs": hs_codes(row.codes),
        "issuer": row.member or sym.member,
        "dates": dates,
        "url": row.link or None,
        "source": source,
        "licence": LICENCE,
        "related": related,
        "keywords": keywords,
        "agreement": agreement,
        "member": sym.member,
        "core_symbol": sym.core,
        "suffix": sym.suffix_text,
        "notification_type": kind,
        "article": row.article or None,
        "products": row.products or None,
        "objectives": row.objectives,
    }
    try:
        return Notification.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        issues.append(IngestIssue(where, f"{ref}: {loc}: {err['msg']}; row skipped", line))
        return None


def _text(description: str, row: _Row) -> str:
    parts = [description] if description else []
    for label, value in (
        ("Notifying member", row.member),
        ("Products covered", row.products),
        ("Objectives", "; ".join(row.objectives)),
        ("Regions or countries affected", row.regions),
    ):
        if value:
            parts.append(f"{label}: {value}")
    return "\n".join(parts)


def _family_key(n: Notification) -> tuple[int, dt.date, tuple[tuple[str, int], ...]]:
    symbols = find_symbols(n.ref)
    suffix = symbols[0].suffix if symbols else ()
    return (1 if suffix else 0, n.dates.distributed or dt.date.max, suffix)


def group_by_core(records: Iterable[BaseRecord]) -> dict[str, list[Notification]]:
    """Notifications by core symbol: the core first, then its Rev/Add/Corr by distribution date."""
    groups: dict[str, list[Notification]] = {}
    for rec in records:
        if isinstance(rec, Notification):
            groups.setdefault(rec.core_symbol, []).append(rec)
    for family in groups.values():
        family.sort(key=_family_key)
    return groups


def _link_families(records: list[BaseRecord]) -> None:
    """Let a core notification list the addenda/revisions loaded with it in `related`."""
    for core, family in group_by_core(records).items():
        for rec in family:
            if rec.ref == core:
                for other in family:
                    if other.ref != core and other.ref not in rec.related:
                        rec.related.append(other.ref)


__all__ = [
    "NAME",
    "clean_text",
    "group_by_core",
    "hs_codes",
    "json_list_items",
    "load",
    "parse_date",
    "sniff",
]

