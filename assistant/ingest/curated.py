"""Loader for the hand-curated records in corpus/curated/ (YAML or JSON).

A curated file is either a list of record mappings or a mapping with a `records:` list. Each item
is validated on its own with `parse_record`, so one bad item becomes an `IngestIssue` (with the
item's line in YAML files) while the others still load. Nothing here raises on bad content.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from assistant.ingest.base import IngestIssue, LoadResult, read_source
from assistant.records import BaseRecord, RecordType, parse_record

NAME = "curated"

SUFFIXES = frozenset({".yaml", ".yml", ".json"})
_MAX_SNIFF_BYTES = 20 * 1024 * 1024  # read a whole file to sniff it only below this size

_TYPES = ", ".join(t.value for t in RecordType)

_YamlLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ParseError(Exception):
    """Syntax error in the file, with the 1-based line where the parser stopped."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


# --- sniffing ---------------------------------------------------------------------------------


def sniff(path: Path, head: bytes) -> bool:
    """True for a .yaml/.yml/.json file that holds curated records.

    Records-like means: a list (top level or under `records:`) of mappings, each with a `ref` or a
    `type` key and at least one with both. Items missing one of the two still count, so that the
    loader can report them instead of the file being skipped. A file that does not parse but whose
    head looks like records is accepted too, so its syntax error gets reported. A head cut short
    is not trusted: the whole file is read when it is small enough.
    """
    if path.suffix.lower() not in SUFFIXES:
        return False
    text = _whole_text(path, head) or _decode(head)
    if text is None:
        return False
    try:
        parsed = _parse(path, text)
    except _ParseError:
        return _looks_like_records(path, text)
    return _is_records(parsed)


def _whole_text(path: Path, head: bytes) -> str | None:
    """The full file when `head` is only its beginning and the file is small; else None."""
    try:
        size = path.stat().st_size
        if size <= len(head) or size > _MAX_SNIFF_BYTES:
            return None
        return _decode(path.read_bytes())
    except OSError:
        return None


def _is_records(parsed: _Parsed) -> bool:
    items = _items_of(parsed.data)
    if not items:
        return False
    # Items YAML could not build are neither evidence for nor against.
    items = [it for i, it in enumerate(items) if i not in parsed.item_errors]
    if not items or not all(isinstance(it, dict) for it in items):
        return False
    if not all("ref" in it or "type" in it for it in items):
        return False
    return any("ref" in it and "type" in it for it in items)


def _looks_like_records(path: Path, text: str) -> bool:
    if path.suffix.lower() == ".json":
        return '"ref"' in text and '"type"' in text
    lines = [ln.strip().lstrip("- ").strip() for ln in text.splitlines()]
    return any(ln.startswith("ref:") for ln in lines) and any(
        ln.startswith("type:") for ln in lines
    )


def _items_of(data: Any) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        return list(data["records"])
    return None


# --- loading ----------------------------------------------------------------------------------


def load(path: Path) -> LoadResult:
    """Read every record of one curated file; problems become issues, never exceptions."""
    result = LoadResult()
    where = str(path)
    raw = read_source(path, result)
    if raw is None:
        return result
    text = _decode(raw)
    if text is None:
        result.issues.append(IngestIssue(where, "file is not UTF-8 text"))
        return result

    try:
        parsed = _parse(path, text)
    except _ParseError as exc:
        result.issues.append(IngestIssue(where, exc.message, line=exc.line))
        return result

    if parsed.data is None:
        result.issues.append(IngestIssue(where, "file is empty", severity="warning"))
        return result
    items, lines = _items_of(parsed.data), parsed.lines
    if items is None:
        result.issues.append(
            IngestIssue(where, "expected a list of records or a mapping with a `records:` list")
        )
        return result
    if not items:
        result.issues.append(IngestIssue(where, "file holds no records", severity="warning"))
        return result

    first_seen: dict[str, tuple[int, int | None]] = {}  # ref -> (item number, line)
    for index, item in enumerate(items):
        number = index + 1  # items are counted from 1, as a person reading the file would
        line = lines[index] if lines is not None and index < len(lines) else None
        if index in parsed.item_errors:
            result.issues.append(
                IngestIssue(where, f"item {number}: {parsed.item_errors[index]}", line=line)
            )
            continue
        record = _validate_item(where, number, item, line, result)
        if record is None:
            continue
        if record.ref in first_seen:
            first_number, first_line = first_seen[record.ref]
            at = f"item {first_number}" + (f", line {first_line}" if first_line else "")
            result.issues.append(
                IngestIssue(
                    where,
                    f"item {number} (ref {record.ref!r}): duplicate ref, first defined at {at}; "
                    "this item was skipped",
                    line=line,
                )
            )
            continue
        first_seen[record.ref] = (number, line)
        result.records.append(record)
    return result


def _validate_item(
    where: str, number: int, item: Any, line: int | None, result: LoadResult
) -> BaseRecord | None:
    if not isinstance(item, dict):
        result.issues.append(
            IngestIssue(
                where, f"item {number}: expected a mapping, got {type(item).__name__}", line
            )
        )
        return None
    label = f"item {number}" + (f" (ref {item['ref']!r})" if item.get("ref") else "")
    try:
        return parse_record(item)
    except ValidationError as exc:
        result.issues.append(IngestIssue(where, f"{label}: {_explain(exc)}", line=line))
    except (TypeError, ValueError) as exc:  # e.g. unhashable keys from odd YAML
        result.issues.append(IngestIssue(where, f"{label}: {exc}", line=line))
    return None


def _explain(exc: ValidationError) -> str:
    """One readable line per pydantic error: `dates.published: Input should be a valid date`."""
    parts = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        # A discriminated union puts the record type first (`regulation.dates`); drop it.
        if loc and err.get("type") not in {"union_tag_invalid", "union_tag_not_found"}:
            loc = loc[1:]
        if err.get("type") == "union_tag_invalid":
            tag = (err.get("ctx") or {}).get("tag")
            parts.append(f"type: unknown record type {tag!r}; expected one of {_TYPES}")
            continue
        where = ".".join(loc) or "type"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


# --- parsing ----------------------------------------------------------------------------------


class _Loader(_YamlLoader):  # type: ignore[misc, valid-type]
    """Safe YAML loader that keeps dates as text, so pydantic judges them item by item."""


def _timestamp_as_text(loader: Any, node: yaml.Node) -> Any:
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


@dataclass
class _Parsed:
    """A parsed file: its data (None if the shape is unknown), item lines and item errors."""

    data: Any
    lines: list[int] | None = None
    item_errors: dict[int, str] = field(default_factory=dict)


def _decode(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # The head handed to sniff may end inside a multi-byte character: drop that tail only.
        if exc.start >= len(raw) - 3 and exc.reason == "unexpected end of data":
            return raw[: exc.start].decode("utf-8-sig")
        return None


def _parse(path: Path, text: str) -> _Parsed:
    """Parse a curated file; a syntax error raises `_ParseError` with its line."""
    if path.suffix.lower() == ".json":
        return _parse_json(text)
    return _parse_yaml(text)


def _parse_json(text: str) -> _Parsed:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _ParseError(f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from exc
    items = _items_of(data)
    lines = _json_item_lines(text)
    if lines is not None and (items is None or len(lines) != len(items)):
        lines = None
    return _Parsed(data, lines)


def _parse_yaml(text: str) -> _Parsed:
    """Compose the YAML tree, then build each record item on its own (errors stay per item)."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        item_nodes = _item_nodes(root)
        if item_nodes is None:
            data = _construct(loader, root)[0] if root is not None else None
            return _Parsed(data)
        items: list[Any] = []
        errors: dict[int, str] = {}
        for index, node in enumerate(item_nodes):
            value, error = _construct(loader, node)
            items.append(value)
            if error:
                errors[index] = error
        lines = [node.start_mark.line + 1 for node in item_nodes]
        return _Parsed(items, lines, errors)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or "syntax error"
        context = ""
        if exc.context:
            started = exc.context_mark
            at = f" started at line {started.line + 1}" if started is not None else ""
            context = f" ({exc.context}{at})"
        raise _ParseError(f"invalid YAML: {problem}{context}", line) from exc
    except yaml.YAMLError as exc:
        raise _ParseError(f"invalid YAML: {exc}", None) from exc
    finally:
        loader.dispose()


def _construct(loader: Any, node: yaml.Node) -> tuple[Any, str | None]:
    try:
        return loader.construct_document(node), None
    except yaml.MarkedYAMLError as exc:
        return None, f"cannot read item: {exc.problem or exc}"
    except (ValueError, TypeError, yaml.YAMLError) as exc:
        return None, f"cannot read item: {exc}"


def _item_nodes(root: yaml.Node | None) -> list[yaml.Node] | None:
    """The sequence items of the top-level list, or of its `records:` list."""
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "records":
                root = value
                break
        else:
            return None
    if not isinstance(root, yaml.SequenceNode):
        return None
    return list(root.value)


def _json_item_lines(text: str) -> list[int] | None:
    """Item lines of a JSON file, read through YAML's composer (JSON is nearly YAML)."""
    loader = _Loader(text)
    try:
        nodes = _item_nodes(loader.get_single_node())
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return None if nodes is None else [node.start_mark.line + 1 for node in nodes]
