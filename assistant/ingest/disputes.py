"""Loader for the WTO dispute list (DS1-DS538, CSV from syyunn/DeepWTO): one `Dispute` per row.

The respondent is not a column: WTO dispute titles start with it (`United States — Measures
Concerning ...`), so it is read from the text before the em dash. `cited` is a Python list
written as a string; it is parsed with `ast.literal_eval`, never `eval`.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import re
from pathlib import Path

from pydantic import ValidationError

from assistant.ingest.base import IngestIssue, LoadResult, csv_rows
from assistant.ingest.wto_members import iso3, member_name
from assistant.records import Dispute

NAME = "disputes"

SOURCE = "WTO dispute settlement pages (wto.org), as compiled in syyunn/DeepWTO prep/stats/wto.csv"
LICENCE = "Apache-2.0 (DeepWTO compilation); facts from wto.org"
_URL = "https://www.wto.org/english/tratop_e/dispu_e/cases_e/ds{n}_e.htm"

_REQUIRED = {"title", "complainant", "consultation_requested", "cited"}
_DS_RE = re.compile(r"DS\s*(\d{1,4})", re.IGNORECASE)
_TITLE_SPLIT = re.compile(r"\s+[—–]\s+|\s+-{1,2}\s+")
_EU_RE = re.compile(r"^European (?:Communities|Union)\b", re.IGNORECASE)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"),
        1,
    )
}
_AGREEMENT_TAGS = (
    ("Technical Barriers to Trade", "TBT", "技术性贸易壁垒"),
    ("Sanitary and Phytosanitary", "SPS", "卫生与植物卫生措施"),
)


def sniff(path: Path, head: bytes) -> bool:
    """True for a CSV with the dispute list's header (title, complainant, ..., cited)."""
    if path.suffix.lower() != ".csv":
        return False
    first = head.decode("utf-8-sig", errors="replace").splitlines()[:1]
    if not first:
        return False
    try:
        cols = {c.strip().lower() for c in next(csv.reader(first))}
    except (csv.Error, StopIteration):
        return False
    return cols >= _REQUIRED


def parse_date(text: str) -> dt.date | None:
    """`10 JANUARY 1995` -> 1995-01-10; None if it is not such a date."""
    parts = text.split()
    if len(parts) != 3 or not parts[0].isdigit() or not parts[2].isdigit():
        return None
    month = _MONTHS.get(parts[1].lower())
    try:
        return dt.date(int(parts[2]), month, int(parts[0])) if month else None
    except ValueError:
        return None


def parse_cited(text: str) -> list[str] | None:
    """`"['GATT 1994: Art. I', 'Technical Barriers to Trade (TBT): Art. 2']"` -> list; None if bad."""
    text = text.strip()
    if not text:
        return []
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return None
    return [" ".join(v.split()) for v in value if v.strip()]


def respondent_of(title: str) -> str | None:
    """The member named before the dash of a dispute title."""
    parts = _TITLE_SPLIT.split(title, maxsplit=1)
    return parts[0].strip() if len(parts) == 2 and parts[0].strip() else None


def _code(name: str) -> str | None:
    return "EU" if _EU_RE.match(name) else iso3(name)


def _display(name: str) -> str:
    """`KOREA, REPUBLIC OF` -> `Korea, Republic of` (the WTO's spelling where known)."""
    code = None if _EU_RE.match(name) else iso3(name)  # keep "European Communities" as written
    known = member_name(code) if code else None
    return known or (name.title() if name.isupper() else name)


def load(path: Path) -> LoadResult:
    """Every well-formed row becomes a Dispute; other rows become issues with their line."""
    result = LoadResult()
    where = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as exc:
        result.issues.append(IngestIssue(where, f"cannot read file: {exc}"))
        return result
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        result.issues.append(IngestIssue(where, "empty file: no header row", line=1))
        return result
    missing = _REQUIRED - set(header)
    if missing:
        result.issues.append(
            IngestIssue(where, f"not a dispute list: missing columns {', '.join(sorted(missing))}", 1)
        )
        return result
    col = {name: i for i, name in enumerate(header)}
    seen: set[str] = set()
    for line, row in csv_rows(reader, len(header), where, result.issues):
        record = _dispute({k: row[i].strip() for k, i in col.items()}, where, line, result.issues)
        if record is None:
            continue
        if record.ref in seen:
            result.issues.append(IngestIssue(where, f"duplicate {record.ref}; row skipped", line))
            continue
        seen.add(record.ref)
        result.records.append(record)
    return result


def _dispute(row: dict[str, str], where: str, line: int, issues: list[IngestIssue]) -> Dispute | None:
    ident = row.get("") or row.get("ds") or row.get("id") or ""
    m = _DS_RE.fullmatch(ident.replace(" ", "")) or (_DS_RE.fullmatch(f"DS{ident}") if ident.isdigit() else None)
    if not m:
        issues.append(IngestIssue(where, f"missing or malformed DS number {ident!r}; row skipped", line))
        return None
    number = int(m.group(1))
    ref = f"DS{number}"
    title = " ".join(row["title"].split())
    if not title:
        issues.append(IngestIssue(where, f"{ref}: empty title; row skipped", line))
        return None
    cited = parse_cited(row["cited"])
    if cited is None:
        issues.append(
            IngestIssue(where, f"{ref}: 'cited' is not a list of strings; agreements left empty", line,
                        severity="warning")
        )
        cited = []
    requested = parse_date(row["consultation_requested"]) if row["consultation_requested"] else None
    if row["consultation_requested"] and requested is None:
        issues.append(
            IngestIssue(where, f"{ref}: bad consultation_requested date "
                        f"{row['consultation_requested']!r}; left empty", line, severity="warning")
        )
    respondent = respondent_of(title)
    respondent_code = _code(respondent) if respondent else None
    complainants = [c.strip() for c in row["complainant"].split(";") if c.strip()]
    complainant_codes = [c for c in (_code(c) for c in complainants) if c]
    status = row.get("curr_stat", "").strip() or None
    keywords = ["WTO dispute", "贸易争端"]
    for needle, tag, zh in _AGREEMENT_TAGS:
        if any(needle in c or f"({tag})" in c for c in cited):
            keywords += [tag, zh]
    keywords += complainant_codes
    complainant = "; ".join(_display(c) for c in complainants) or None
    text = _text(ref, title, complainant, respondent, requested, status, cited)
    data = {
        "ref": ref,
        "title": title,
        "text": text,
        "language": "en",
        "markets": [respondent_code] if respondent_code else [],
        "issuer": "WTO Dispute Settlement Body",
        "dates": {"published": requested},
        "url": _URL.format(n=number),
        "source": SOURCE,
        "licence": LICENCE,
        "keywords": keywords,
        "complainant": complainant,
        "respondent": respondent,
        "status": status.capitalize() if status and status.isupper() else status,
        "agreements": cited,
    }
    try:
        return Dispute.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        issues.append(IngestIssue(where, f"{ref}: {err['loc']}: {err['msg']}; row skipped", line))
        return None


def _text(
    ref: str,
    title: str,
    complainant: str | None,
    respondent: str | None,
    requested: dt.date | None,
    status: str | None,
    cited: list[str],
) -> str:
    lines = [f"{ref}: {title}."]
    if complainant:
        lines.append(f"Complainant: {complainant}.")
    if respondent:
        lines.append(f"Respondent: {respondent}.")
    if requested:
        lines.append(f"Consultations requested on {requested.isoformat()}.")
    if status:
        lines.append(f"Current status: {status.capitalize() if status.isupper() else status}.")
    if cited:
        lines.append("Agreements cited: " + "; ".join(cited) + ".")
    return "\n".join(lines)
