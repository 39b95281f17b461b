"""Loader for China Customs (海关总署, GACC) material crawled by Pinky-Lemon6/customs_spider.

Three files, three kinds of `Announcement`:
- `gacc_regulations.jsonl`: announcements (公告) and decrees (署令), one JSON object per line.
  The crawl holds some announcements twice, once with the page's download links and once
  without; they are merged into one record (a warning names the line of the copy).
- `policy_interpretations.json`: policy interpretations (政策解读), `[{title, content}]`.
- `citizen_qa.json`: citizen questions with GACC's official answers (留言答复).

Titles are not a field of the crawl. An announcement page ends with links to its files, named
after the official title (`海关总署 农业农村部关于防止北马其顿蓝舌病传入我国的公告.doc`), so the
title is read from there and shortened to its `关于...的公告` part; without links the ref is the
title. The page furniture after the signature (download links, view counters) is cut from `text`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.ingest.base import IngestIssue, LoadResult
from assistant.ingest.wto_members import find_zh
from assistant.records import Announcement
from assistant.refs import find_gacc_loose, gacc_ref

NAME = "gacc"

SOURCE = (
    "China Customs (海关总署, www.customs.gov.cn), crawled by Pinky-Lemon6/customs_spider "
    "(commit 82e1258e)"
)
LICENCE = "MIT (crawler repository); texts are official GACC announcements (government documents)"

REGULATIONS = "gacc_regulations.jsonl"
INTERPRETATIONS = "policy_interpretations.json"
QA = "citizen_qa.json"

_REG_KEYS = {"announcement_number", "content"}
_DECREE_RE = re.compile(r"署令\s*[〔\[［(（]\s*(?P<y>20\d{2})\s*[〕\]］)）]\s*(?P<n>\d{1,4})\s*号")
_LINKS = r"(?:公告)?(?:正文|原文)?下载(?:正文)?链接\s*[:：]"  # 公告正文下载链接：...
_LINKS_RE = re.compile(_LINKS)
_LINK_TITLE_RE = re.compile(_LINKS + r"\s*(.+?)\.(?:docx?|pdf|wps|xlsx?|zip|rar)", re.I)
_FURNITURE_RE = re.compile(r"\s*浏览次数\s*[:：]?\s*\d*\s*打印本页\s*关闭\s*$")
# 政策解读——X / 政策解读：X / 公告解读：X / 解读｜X / 【政策解读】X
_LEAD_RE = re.compile(r"^(?:【政策解读】\s*|(?:政策|公告)?解读\s*[—\-:：｜|]+\s*)")
_TAIL_RE = re.compile(r"\s*(?:的)?(?:政策)?解读$")  # X的政策解读 / X解读


# --- sniffing ---------------------------------------------------------------------------------


def sniff(path: Path, head: bytes) -> bool:
    """True for the GACC crawl's files: announcements JSONL, interpretations or Q&A JSON."""
    suffix = path.suffix.lower()
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff").lstrip()
    if suffix == ".jsonl":
        first = text.splitlines()[0] if text else ""
        return '"announcement_number"' in first and '"content"' in first
    if suffix != ".json" or not text.startswith("["):
        return False
    if '"title"' not in text or '"content"' not in text:
        return False
    # interpretations and Q&A are Chinese; Q&A items also carry an official answer
    return bool(re.search(r"[\u4e00-\u9fff]", text)) and not re.search(r'"(?:ref|type)"\s*:\s*"[a-z]', text)


# --- helpers ----------------------------------------------------------------------------------


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


# "本公告自2024年2月28日起实施": the announcement's own word on when it applies
_STATED_START_RE = re.compile(
    r"本(?:公告|规定|办法|决定|令|通知)(?:内容)?自\s*(?P<y>20\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"\s*起\s*(?:正式)?(?:实施|施行|执行|生效)"
)


def stated_start(text: str) -> dt.date | None:
    """The date the text itself says it applies from, which outranks the crawl's
    `effective_date` (it disagrees for a few announcements: 〔2024〕27号 says 2024-04-15, the crawl
    2024-03-04)."""
    m = _STATED_START_RE.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None


def clean_content(content: str) -> str:
    """The announcement text without the page's download links and view counter."""
    m = _LINKS_RE.search(content)
    text = content[: m.start()] if m else content
    text = _FURNITURE_RE.sub("", text)
    return re.sub(r"[ \t\u3000]+", " ", text).strip()


def official_title(content: str) -> str | None:
    """The official title, from the name of the page's first download link."""
    m = _LINK_TITLE_RE.search(content)
    if not m:
        return None
    title = m.group(1).strip()
    return title or None


def short_title(title: str) -> str:
    """`海关总署 农业农村部关于防止...的公告` -> `关于防止...的公告` (the issuer is a field)."""
    i = title.find("关于")
    return title[i:] if i > 0 else title


def _announcement_ref(number: str) -> str | None:
    ref = gacc_ref(number)
    if ref:
        return ref
    m = _DECREE_RE.search(number)
    return f"海关总署令第{int(m.group('n'))}号" if m else None


# --- loading ----------------------------------------------------------------------------------


def load(path: Path) -> LoadResult:
    """Load whichever of the three GACC files `path` is."""
    if path.suffix.lower() == ".jsonl":
        return _load_regulations(path)
    return _load_json_list(path)


def _load_regulations(path: Path) -> LoadResult:
    result = LoadResult()
    where = str(path)
    try:
        lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError as exc:
        result.issues.append(IngestIssue(where, f"cannot read file: {exc}"))
        return result
    by_ref: dict[str, tuple[int, dict[str, Any]]] = {}
    order: list[str] = []
    for line_no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            result.issues.append(IngestIssue(where, f"not valid JSON: {exc.msg}", line_no))
            continue
        if not isinstance(item, dict) or not item.keys() >= _REG_KEYS:
            result.issues.append(
                IngestIssue(where, "not an announcement object (needs announcement_number, content)",
                            line_no)
            )
            continue
        number = str(item.get("announcement_number") or "").strip()
        ref = _announcement_ref(number)
        if ref is None:
            result.issues.append(
                IngestIssue(where, f"unrecognised announcement number {number!r}", line_no)
            )
            continue
        if not str(item.get("content") or "").strip():
            result.issues.append(IngestIssue(where, f"{ref}: empty content", line_no))
            continue
        if ref in by_ref:
            first_line, first = by_ref[ref]
            by_ref[ref] = (first_line, _merge(first, item))
            result.issues.append(
                IngestIssue(where, f"{ref} appears again (first on line {first_line}); merged",
                            line_no, severity="warning")
            )
            continue
        by_ref[ref] = (line_no, item)
        order.append(ref)
    for ref in order:
        line_no, item = by_ref[ref]
        record = _announcement(ref, item, where, line_no, result.issues)
        if record is not None:
            result.records.append(record)
    return result


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Two crawls of one announcement: keep the one with links (it names the title), fill gaps."""
    keep, other = (a, b) if official_title(str(a.get("content"))) or not official_title(
        str(b.get("content"))
    ) else (b, a)
    merged = dict(keep)
    for key, value in other.items():
        if not merged.get(key) and value:
            merged[key] = value
    return merged


def _announcement(
    ref: str, item: dict[str, Any], where: str, line: int, issues: list[IngestIssue]
) -> Announcement | None:
    content = str(item.get("content") or "")
    full_title = official_title(content)
    title = short_title(full_title) if full_title else ref
    text = clean_content(content)
    issued, effective = item.get("issue_date"), item.get("effective_date")
    published, in_force = _date(issued), _date(effective)
    for label, raw, parsed in (("issue_date", issued, published), ("effective_date", effective, in_force)):
        if raw and parsed is None:
            issues.append(IngestIssue(where, f"{ref}: bad {label} {raw!r}; left empty", line,
                                      severity="warning"))
    stated = stated_start(text)
    if stated is not None and stated != in_force:
        if in_force is not None:
            issues.append(IngestIssue(where, f"{ref}: effective_date {in_force} but the text says "
                                      f"{stated}; the text's date kept", line, severity="warning"))
        in_force = stated
    concerned = find_zh(full_title) if full_title else find_zh(text[:80])
    markets = ["CHN", *(c for c in concerned if c != "CHN")]
    keywords = ["海关总署", "GACC", "China Customs"]
    if item.get("document_type") == "海关规章":
        keywords.append("海关规章")
    data = {
        "ref": ref,
        "title": title,
        "text": f"{full_title}\n{text}" if full_title else text,
        "language": "zh",
        "markets": markets,
        "issuer": str(item.get("issuing_authority") or "").strip() or "海关总署",
        "dates": {"published": published, "entry_into_force": in_force},
        "source": SOURCE,
        "licence": LICENCE,
        "keywords": keywords,
        "mentions": _mentions(text, markets),
        "kind": "announcement",
        "category": str(item.get("category") or "").strip() or None,
        "document_type": str(item.get("document_type") or "").strip() or None,
        "status": str(item.get("status") or "").strip() or None,
    }
    return _validate(data, where, line, issues)


def _validate(
    data: dict[str, Any], where: str, line: int | None, issues: list[IngestIssue]
) -> Announcement | None:
    try:
        return Announcement.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        issues.append(IngestIssue(where, f"{data.get('ref')}: {loc}: {err['msg']}; skipped", line))
        return None


def _load_json_list(path: Path) -> LoadResult:
    """Interpretations or Q&A: a JSON list of {title, content[, answer, type]}."""
    result = LoadResult()
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        result.issues.append(IngestIssue(where, f"cannot read file: {exc}"))
        return result
    items = _list_items(text, where, result.issues)
    is_qa = path.name == QA or any(isinstance(x, dict) and "answer" in x for x, _ in items)
    seen: set[str] = set()
    for i, (item, line) in enumerate(items, 1):
        if not isinstance(item, dict):
            result.issues.append(IngestIssue(where, f"item {i} is not an object", line))
            continue
        title = " ".join(str(item.get("title") or "").split())
        content = str(item.get("content") or "").strip()
        if not title:
            result.issues.append(IngestIssue(where, f"item {i} has no title; skipped", line))
            continue
        if not content:
            result.issues.append(
                IngestIssue(where, f"item {i} ({title}) has no text; only its title is kept", line,
                            severity="warning")
            )
        if is_qa:
            record = _qa(title, content, item, seen, where, line, result.issues)
        else:
            record = _interpretation(title, content, seen, where, line, result.issues)
        if record is not None:
            seen.add(record.ref)
            result.records.append(record)
    return result


def _list_items(text: str, where: str, issues: list[IngestIssue]) -> list[tuple[Any, int]]:
    """The items of a top-level JSON list with the line each starts on.

    Items are decoded one by one, so a syntax error loses only what follows it.
    """
    decoder = json.JSONDecoder()
    ws = re.compile(r"\s*")
    pos = ws.match(text, 0).end()  # type: ignore[union-attr]
    if not text.startswith("[", pos):
        issues.append(IngestIssue(where, "expected a JSON list of {title, content} objects", 1))
        return []
    pos += 1
    items: list[tuple[Any, int]] = []
    while True:
        pos = ws.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith("]", pos):
            break
        line = text.count("\n", 0, pos) + 1
        try:
            item, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            issues.append(IngestIssue(where, f"not valid JSON: {exc.msg}; rest of file skipped",
                                      exc.lineno))
            break
        items.append((item, line))
        pos = ws.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith(",", pos):
            pos += 1
        elif not text.startswith("]", pos):
            issues.append(IngestIssue(where, "expected ',' or ']' after an item; rest of file skipped",
                                      text.count("\n", 0, pos) + 1))
            break
    return items


def interpretation_subject(title: str) -> str:
    """The subject of an interpretation without its wrapper.

    `关于《X》的政策解读` -> `X`; `海关总署关于《X》的解读` -> `X`; `政策解读——X` -> `X`;
    titles without a wrapper are kept.
    """
    core = _LEAD_RE.sub("", title)
    stripped = _TAIL_RE.sub("", core)
    if stripped != core:  # a "...解读" title: also drop its leading "(海关总署)关于"
        core = re.sub(r"^(?:海关总署)?关于(?=.)", "", stripped)
    if core.startswith("《") and core.endswith("》") and core.count("《") == 1:
        core = core[1:-1]
    return core.strip() or title


def _unique(ref: str, content: str, seen: set[str]) -> str:
    """Disambiguate two documents with one title by the act they discuss, else by a number."""
    if ref not in seen:
        return ref
    m = re.search(r"海关总署令第\d+号", content)
    if m and f"{ref}（{m.group(0)}）" not in seen:
        return f"{ref}（{m.group(0)}）"
    found = gacc_ref(content)
    if found and f"{ref}（{found}）" not in seen:
        return f"{ref}（{found}）"
    n = 2
    while f"{ref}（{n}）" in seen:
        n += 1
    return f"{ref}（{n}）"


def _mentions(text: str, markets: list[str]) -> list[str]:
    """The countries a text names besides the markets it is about."""
    return [c for c in find_zh(text) if c not in markets]


def _interpretation(
    title: str, content: str, seen: set[str], where: str, line: int | None, issues: list[IngestIssue]
) -> Announcement | None:
    ref = _unique(f"海关总署政策解读：{interpretation_subject(title)}", content, seen)
    markets = ["CHN", *(c for c in find_zh(title) if c != "CHN")]
    # the announcement it interprets: the first one its title or opening quotes, either way
    related = find_gacc_loose(title)[:1] + find_gacc_loose(content[:400])[:1]
    data = {
        "ref": ref,
        "title": title,
        "text": content,
        "language": "zh",
        "markets": markets,
        "issuer": "海关总署",
        "source": SOURCE,
        "licence": LICENCE,
        "keywords": ["海关总署", "政策解读", "GACC"],
        "related": list(dict.fromkeys(related)),
        "mentions": _mentions(content, markets),
        "kind": "interpretation",
        "document_type": "政策解读",
    }
    return _validate(data, where, line, issues)


def _qa(
    title: str,
    content: str,
    item: dict[str, Any],
    seen: set[str],
    where: str,
    line: int | None,
    issues: list[IngestIssue],
) -> Announcement | None:
    answer = str(item.get("answer") or "").strip()
    if not answer:
        issues.append(IngestIssue(where, f"question {title!r} has no answer", line, severity="warning"))
    ref = _unique(f"海关总署留言答复：{title}", content, seen)
    data = {
        "ref": ref,
        "title": title,
        "text": content,
        "language": "zh",
        "markets": ["CHN"],
        "issuer": "海关总署",
        "source": SOURCE,
        "licence": LICENCE,
        "keywords": ["海关总署", "留言答复", "GACC"],
        "kind": "qa",
        "category": str(item.get("type") or "").strip() or None,
        "document_type": "留言答复",
        "answer": answer or None,
    }
    return _validate(data, where, line, issues)
