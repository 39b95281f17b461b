"""Loader for Markdown (.md) and plain-text (.txt) files: one Document each, cut by structure.

Markdown is cut at its headings (place = the heading text); Chinese texts also at their
articles and chapters (第三条 / 第二章); plain text otherwise at blank-line paragraphs grouped
to about 1,500 characters. Files are UTF-8, or GB18030 as Chinese Windows tools still write it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.ingest.base import IngestIssue, LoadResult
from assistant.ingest.chunking import (
    CN_NUM,
    cn_articles,
    cn_to_int,
    detect_language,
    pack_paragraphs,
)
from assistant.records import Chunk, Document, RecordType, record_date

NAME = "text"

SUFFIXES = frozenset({".md", ".markdown", ".txt"})
MARKDOWN = frozenset({".md", ".markdown"})
CHUNK_LIMIT = 1500
MAX_BYTES = 50 * 1024 * 1024  # larger "text" files are not prose meant for this loader
UNKNOWN_LICENCE = "unknown — see source"
# files that describe other files (SOURCE.txt next to a data file), not documents to index
_META_NAMES = ("source", "license", "licence", "notice", "readme")


def sniff(path: Path, head: bytes) -> bool:
    """A .md/.markdown/.txt file whose head is not binary (and not a SOURCE/LICENSE note)."""
    if path.suffix.lower() not in SUFFIXES:
        return False
    if path.stem.lower().startswith(_META_NAMES):
        return False
    return b"\x00" not in head


def load(path: Path) -> LoadResult:
    """Read one Markdown or text file; bad content becomes an IngestIssue, never an exception."""
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return _fail(where, f"file too large for a text document ({size:,} bytes)")
        data = path.read_bytes()
    except OSError as exc:
        return _fail(where, f"cannot read file: {exc.strerror or exc}")
    if b"\x00" in data[:65536]:
        return _fail(where, "binary content: this is not a text file")
    text = _decode(data)
    if text is None:
        return _fail(where, "cannot decode the file: it is neither UTF-8 nor GB18030 text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    is_md = path.suffix.lower() in MARKDOWN
    if is_md:
        text = _strip_front_matter(text)
    if not text.strip():
        return _fail(where, "empty file: no text to index")
    try:
        return _build(path, text, is_md)
    except Exception as exc:  # a bug must not stop a whole ingest run
        return _fail(where, f"could not read text: {type(exc).__name__}: {exc}")


def _fail(where: str, message: str) -> LoadResult:
    return LoadResult(issues=[IngestIssue(where, message)])


def _decode(data: bytes) -> str | None:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return None


_FRONT_MATTER_RE = re.compile(r"\A---\n.*?\n(?:---|\.\.\.)\n", re.S)


def _strip_front_matter(text: str) -> str:
    return _FRONT_MATTER_RE.sub("", text, count=1)


# --- structure ---------------------------------------------------------------------------------

_ATX_RE = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)\s*$")
_FENCE_RE = re.compile(r"^ {0,3}(```|~~~)")
_CN_ARTICLE_LINE_RE = re.compile(f"^\\s*(第([{CN_NUM}]{{1,6}})条)(?:[\\s\u3000]+|$)")
_CN_CHAPTER_LINE_RE = re.compile(f"^\\s*(第[{CN_NUM}]{{1,4}}[章节])(?:[\\s\u3000]+|$)")


@dataclass
class _Section:
    place: str | None
    lines: list[str] = field(default_factory=list)
    heading: bool = False  # the first line is a heading only (not an article with its text)


def _clean_heading(text: str) -> str:
    """Heading text without Markdown emphasis, links or trailing punctuation."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`]+", "", text)
    return text.strip().rstrip(":：").strip()


def _sections(text: str, is_md: bool, lang: str) -> tuple[str | None, list[_Section]]:
    """The document's first heading and its sections (place = heading / 第X条, or None)."""
    lines = text.split("\n")
    first_heading: str | None = None
    sections = [_Section(None)]
    in_fence = False
    last_article = 0
    for i, line in enumerate(lines):
        heading: str | None = None
        if is_md and _FENCE_RE.match(line):
            in_fence = not in_fence
        elif is_md and not in_fence:
            m = _ATX_RE.match(line)
            if m:
                heading = _clean_heading(m.group(2))
            elif (
                _SETEXT_RE.match(line)
                and i > 0
                and lines[i - 1].strip()
                and sections[-1].lines
                and sections[-1].lines[-1] == lines[i - 1]
                and (i < 2 or not lines[i - 2].strip())
            ):
                heading = _clean_heading(sections[-1].lines.pop())
        if heading is not None:
            if heading:
                first_heading = first_heading or heading
                first = line if _ATX_RE.match(line) else heading
                sections.append(_Section(heading, [first], heading=True))
            continue
        if lang == "zh" and not in_fence:
            m = _CN_ARTICLE_LINE_RE.match(line)
            n = cn_to_int(m.group(2)) if m else None
            if m and n is not None and (n == last_article + 1 or last_article == 0):
                last_article = n
                sections.append(_Section(m.group(1), [line]))
                continue
            m = _CN_CHAPTER_LINE_RE.match(line)
            if m:
                sections.append(_Section(m.group(1), [line], heading=True))
                continue
        sections[-1].lines.append(line)
    if first_heading is None and not is_md:
        first_heading = _first_line_title(text)
    sections = [s for s in sections if "\n".join(s.lines).strip()]
    if lang == "zh" and last_article == 0:
        sections = _inline_articles(sections)
    return first_heading, _merge_bare_headings(sections)


def _merge_bare_headings(sections: list[_Section]) -> list[_Section]:
    """A heading with no text of its own (a chapter before its first article, a title before
    the first section) opens the next section instead of being a chunk of its own."""
    out: list[_Section] = []
    carry: list[str] = []
    for i, sec in enumerate(sections):
        bare = sec.heading and sum(1 for ln in sec.lines if ln.strip()) <= 1
        if bare and i + 1 < len(sections):
            carry.extend(sec.lines)
            continue
        out.append(_Section(sec.place, carry + sec.lines) if carry else sec)
        carry = []
    return out


def _inline_articles(sections: list[_Section]) -> list[_Section]:
    """Sections whose 第X条 run inline (texts copied from web pages without line breaks)."""
    out: list[_Section] = []
    for sec in sections:
        parts = cn_articles("\n".join(sec.lines))
        if parts is None:
            out.append(sec)
            continue
        out.extend(_Section(place or sec.place, [body]) for place, body in parts)
    return out


def _first_line_title(text: str) -> str | None:
    """A plain-text file's title: its first line, when that line is short and stands alone."""
    paras = [p for p in re.split(r"\n\s*\n", text.strip(), maxsplit=1) if p.strip()]
    if not paras:
        return None
    first = paras[0].strip()
    if "\n" in first or len(first) > 120 or len(paras) < 2:
        return None
    return first


def _paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated paragraphs, inner line breaks kept."""
    text = "\n".join(lines).strip()
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


# --- record and chunks -------------------------------------------------------------------------


def _build(path: Path, text: str, is_md: bool) -> LoadResult:
    lang = detect_language(text)
    first_heading, sections = _sections(text, is_md, lang)
    title = (first_heading or _stem_title(path))[:300]
    source, licence = source_note(path)
    kind = "Markdown file" if is_md else "Text file"
    rec = Document(
        ref=title,
        title=title,
        text=text.strip(),
        language=lang,
        source=f"{kind} {path.name}" + (f"; {source}" if source else ""),
        licence=licence or UNKNOWN_LICENCE,
        path=str(path),
    )
    date = record_date(rec)
    chunks: list[Chunk] = []
    seqs: dict[str | None, int] = {}
    for sec in sections:
        if sec.place == title:  # the document's own title heading: cite the document
            sec.place = None
        head = sec.place
        for piece in pack_paragraphs(_paragraphs(sec.lines), CHUNK_LIMIT):
            seq = seqs.get(sec.place, 0)
            seqs[sec.place] = seq + 1
            body = piece if seq == 0 or head is None else f"{head}\n{piece}"
            chunks.append(
                Chunk(
                    id=Chunk.make_id(rec.ref, sec.place, lang, seq),
                    ref=rec.ref,
                    type=RecordType.document,
                    cite=f"{rec.ref}, {sec.place}" if sec.place else rec.ref,
                    place=sec.place,
                    lang=lang,
                    text=body,
                    date=date,
                )
            )
    return LoadResult(records=[rec], chunks=chunks)


def _stem_title(path: Path) -> str:
    """`eu_toy-safety_2024` -> `eu toy safety 2024`: a readable title from a file name."""
    title = re.sub(r"[_\s]+", " ", path.stem).strip()
    return title or path.name


_LICENCE_RE = re.compile(r"^\s*(?:licen[cs]e|reuse|rights|terms)\s*[:：]\s*(.+)$", re.I)


def source_note(path: Path) -> tuple[str | None, str | None]:
    """(source, licence) from the SOURCE.txt next to `path`, or (None, None) when there is none.

    The source is the note's first lines; the licence its `Licence:` / `Reuse:` line (with the
    indented lines that continue it).
    """
    for name in ("SOURCE.txt", "SOURCE.md", "SOURCE"):
        note = path.parent / name
        if note.is_file() and note != path:
            break
    else:
        return None, None
    try:
        raw = note.read_bytes()[:65536]
    except OSError:
        return None, None
    text = _decode(raw) or raw.decode("utf-8", "replace")
    lines = [ln.rstrip() for ln in text.splitlines()]
    first = " ".join(" ".join(ln.split()) for ln in lines if ln.strip())
    source = (first[:500].rsplit(" ", 1)[0] + " …") if len(first) > 500 else first
    licence: str | None = None
    for i, ln in enumerate(lines):
        m = _LICENCE_RE.match(ln)
        if m:
            parts = [m.group(1).strip()]
            for cont in lines[i + 1 :]:
                if not cont.startswith((" ", "\t")) or not cont.strip():
                    break
                parts.append(cont.strip())
            licence = " ".join(parts)
            break
    return source or None, licence
