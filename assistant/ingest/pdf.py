"""Loader for PDF files (pypdf): legal acts cut at their articles and annexes.

A PDF becomes one Document record and structure-aware chunks. Page texts are cleaned first:
running headers and footers ("5.5.2017 EN Official Journal of the European Union L 117/1") and
page numbers go, footnotes leave the text flow (they are kept at the end of their article),
words hyphenated across lines are joined again. The text is then cut where a reader would cite
it: `Article 52`, `Annex VIII`, `第三条`, with the chapter heading kept at the top of the first
article that follows it. An EU act on the first page gives the record its ref
(`Regulation (EU) 2017/745`), title and dates.

Nothing here raises on bad content: an encrypted, scanned, truncated or fake PDF gives a
LoadResult without records and an IngestIssue that says why.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import re
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.ingest.base import IngestIssue, LoadResult
from assistant.ingest.chunking import CN_NUM, cn_to_int, detect_language, pack, split_long
from assistant.ingest.text import source_note
from assistant.records import Chunk, Dates, Document, RecordType, record_date
from assistant.refs import act_number

NAME = "pdf"

MAX_PAGES = 2000  # pages read from one PDF; the rest is reported, not read
MAX_PAGE_CHARS = 200_000  # a page that extracts to more than this is garbage, not text
MAX_PAGE_STREAM = 20 * 1024 * 1024  # content-stream bytes of one page worth parsing
TIME_BUDGET_S = 120.0  # total extraction time for one file
CHUNK_LIMIT = 2500  # characters per chunk (an article longer than this is split)
MIN_GROUP = 400  # a sub-part (annex chapter) shorter than this is not cut off on its own
UNKNOWN_LICENCE = "unknown — see source"


def sniff(path: Path, head: bytes) -> bool:
    """A .pdf file (even a broken one, so that its problem is reported) or %PDF content."""
    return path.suffix.lower() == ".pdf" or b"%PDF-" in head[:1024]


def load(path: Path) -> LoadResult:
    """Read one PDF; every failure becomes an IngestIssue."""
    try:
        with _quiet_pypdf():
            return _load(path)
    except Exception as exc:  # pypdf raises many kinds on hostile files; never past the loader
        return _fail(str(path), f"not a valid PDF: {type(exc).__name__}: {exc}")


def _fail(where: str, message: str) -> LoadResult:
    return LoadResult(issues=[IngestIssue(where, message)])


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs and warns about every oddity of a file; our issues say what matters."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


# --- reading pages -------------------------------------------------------------------------------


def _read_pages(path: Path, issues: list[IngestIssue]) -> list[str] | None:
    """The text of each page ('' for a page without text), or None with an error issue."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    where = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        issues.append(IngestIssue(where, f"cannot read file: {exc.strerror or exc}"))
        return None
    if not data:
        issues.append(IngestIssue(where, "not a valid PDF: the file is empty"))
        return None
    if b"%PDF-" not in data[:1024]:
        issues.append(IngestIssue(where, "not a valid PDF: no %PDF header (is it really a PDF?)"))
        return None
    if b"%%EOF" not in data[-4096:]:
        issues.append(
            IngestIssue(where, "not a valid PDF: the file is truncated (no %%EOF at its end)")
        )
        return None
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:
                issues.append(IngestIssue(where, f"encrypted PDF: cannot decrypt it ({exc})"))
                return None
            if not opened:
                issues.append(IngestIssue(where, "encrypted PDF: a password is needed to read it"))
                return None
        n_pages = len(reader.pages)
    except FileNotDecryptedError as exc:
        issues.append(IngestIssue(where, f"encrypted PDF: {exc}"))
        return None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        issues.append(IngestIssue(where, f"not a valid PDF: {exc}"))
        return None
    if n_pages == 0:
        issues.append(IngestIssue(where, "not a valid PDF: it has no pages"))
        return None
    if n_pages > MAX_PAGES:
        issues.append(
            IngestIssue(
                where,
                f"{n_pages} pages: only the first {MAX_PAGES} are read",
                severity="warning",
            )
        )
    pages: list[str] = []
    started = time.monotonic()
    for i in range(min(n_pages, MAX_PAGES)):
        if time.monotonic() - started > TIME_BUDGET_S:
            issues.append(
                IngestIssue(
                    where,
                    f"reading stopped after {i} pages: text extraction took over "
                    f"{TIME_BUDGET_S:.0f} s",
                    severity="warning",
                )
            )
            break
        pages.append(_page_text(reader, i, where, issues))
    return pages


def _page_text(reader: Any, i: int, where: str, issues: list[IngestIssue]) -> str:
    try:
        page = reader.pages[i]
        size = _content_size(page)
        if size > MAX_PAGE_STREAM:
            issues.append(
                IngestIssue(
                    where,
                    f"page {i + 1} skipped: its content is {size:,} bytes",
                    severity="warning",
                )
            )
            return ""
        text = page.extract_text() or ""
    except Exception as exc:
        issues.append(
            IngestIssue(
                where, f"page {i + 1} skipped: {type(exc).__name__}: {exc}", severity="warning"
            )
        )
        return ""
    if len(text) > MAX_PAGE_CHARS:
        issues.append(
            IngestIssue(
                where,
                f"page {i + 1} skipped: it extracts to {len(text):,} characters",
                severity="warning",
            )
        )
        return ""
    return text


def _content_size(page: Any) -> int:
    """Declared byte length of a page's content streams (read without decoding them)."""
    contents = page.get("/Contents")
    if contents is None:
        return 0
    contents = contents.get_object()
    streams = contents if isinstance(contents, list) else [contents]
    total = 0
    for s in streams:
        try:
            total += int(s.get_object().get("/Length", 0))
        except (TypeError, ValueError, AttributeError):
            continue
    return total


_GOOD_CHAR_RE = re.compile(r"[\w\s.,;:!?()\[\]'\"/%&+\-–—‘’“”§°·•、，。；：！？（）《》〔〕【】]")


_ALNUM_20_RE = re.compile(r"(?:[^\W_][\W_]*){20}")
_ALNUM_5_RE = re.compile(r"(?:[^\W_][\W_]*){5}")


def _usable(pages: list[str], where: str, issues: list[IngestIssue]) -> bool:
    """False (with an error issue) when the text layer is missing or garbled."""
    joined = "".join(pages)
    if not _ALNUM_20_RE.search(joined):
        issues.append(
            IngestIssue(
                where, "no usable text layer (scanned?): the pages hold no extractable text"
            )
        )
        return False
    sample = joined[:200_000]
    good = len(_GOOD_CHAR_RE.findall(sample))
    if good < 0.8 * len(sample) or sample.count("\ufffd") > 0.05 * len(sample):
        issues.append(
            IngestIssue(
                where,
                "no usable text layer: the extracted text is garbled (fonts without a Unicode map?)",
            )
        )
        return False
    empty = [i + 1 for i, p in enumerate(pages) if not _ALNUM_5_RE.search(p)]
    if empty:
        shown = ", ".join(map(str, empty[:10])) + (" ..." if len(empty) > 10 else "")
        issues.append(
            IngestIssue(
                where,
                f"{len(empty)} of {len(pages)} pages have no text layer (scanned?): pages {shown}",
                severity="warning",
            )
        )
    return True


# --- glued words --------------------------------------------------------------------------------

# Older Official Journal scans have text layers whose spaces were lost: "OfficialJournal ofthe
# EuropeanUnion", "ANNEXII", "Article5", "onmarketsurveillance". A document is re-spaced only when
# such tokens are common in it; then a token that is no English word (or a rare glue of two very
# common ones, "ofthe") is split at case and digit boundaries and into the most frequent words
# that make it up (word frequencies from wordfreq, bundled with the package).
GLUE_MIN_SHARE = 0.02  # share of longer tokens that must be glued before a document is re-spaced
GLUE_MIN_COUNT = 5
_RARE = 3.5  # Zipf frequency under which a token may be a glue of words
# a rare token that is a known word is split only into two of these ("ofthe", "tothe", "tobe")
_FUNCTION_WORDS = frozenset(
    ("of", "the", "to", "in", "and", "on", "for", "by", "a", "an", "with", "or", "at", "from", "as",
     "is", "be", "that", "this", "are", "which", "its", "not", "shall", "may", "it")
)
_PIECE = 2.5  # every piece of an unknown token must be at least this common
_MAX_PIECE = 24
_PIECE_COST = 1.0  # each extra piece costs this much: "within the", not "with in the"
_KNOWN_ZIPF = 5.0  # a word the document uses on its own counts as this common
_TOKEN_RE = re.compile(r"[A-Za-z0-9]{4,}")
_BOUNDARY_RE = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])")
_SHORT_WORDS = frozenset({"a", "i"})


@functools.lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


def _segment(word: str, known: frozenset[str] = frozenset()) -> list[str] | None:
    """`word` as the pieces it is glued from, or None when it is a word of its own. `known`:
    words the document itself uses on their own ("harmonisation"), which are never split and
    count as pieces."""
    low = word.lower()
    if low.isdigit() or len(low) > 400 or low in known:
        return None
    z = _zipf(low)
    if z >= _RARE:
        return None
    n = len(low)
    best: list[tuple[float, int] | None] = [None] * (n + 1)  # (cost, start of last piece)
    best[0] = (0.0, 0)
    for end in range(1, n + 1):
        for start in range(max(0, end - _MAX_PIECE), end):
            prev = best[start]
            piece = low[start:end]
            if prev is None or (len(piece) <= 2 and piece not in _SHORT_WORDS | _FUNCTION_WORDS):
                continue  # "Eudamed" is no "Eu dam ed"
            pz = max(_zipf(piece), _KNOWN_ZIPF if piece in known else 0.0)
            if pz < _PIECE:
                continue
            cost = prev[0] + _PIECE_COST + 8.0 - pz
            cur = best[end]
            if cur is None or cost < cur[0]:
                best[end] = (cost, start)
    if best[n] is None:
        return None
    cuts: list[int] = []
    end = n
    while end > 0:
        start = best[end][1]  # type: ignore[index]
        cuts.append(start)
        end = start
    pieces = [word[a:b] for a, b in zip(sorted(cuts), [*sorted(cuts)[1:], n], strict=True)]
    if len(pieces) < 2:
        return None
    if z > 0 and (len(pieces) != 2 or not all(x.lower() in _FUNCTION_WORDS for x in pieces)):
        return None  # a rare word ("therein"), not a glue of two function words ("ofthe")
    return pieces


_HEADING_NUMERAL_RE = re.compile(r"^(ANNEX|Annex|CHAPTER|Chapter|TITLE|PART|Part|SECTION|Section)([IVXLC]{1,7})$")


def _function_glue(word: str) -> bool:
    """Two function words run together: "ofthe", "tothe", "itis"."""
    return any(word[:i] in _FUNCTION_WORDS and word[i:] in _FUNCTION_WORDS for i in range(1, len(word)))


def _respace_token(token: str, known: frozenset[str] = frozenset()) -> str:
    m = _HEADING_NUMERAL_RE.match(token)
    if m:  # "ANNEXII" -> "ANNEX II"
        return f"{m.group(1)} {m.group(2)}"
    parts = [p for p in _BOUNDARY_RE.split(token) if p]
    out: list[str] = []
    for part in parts:
        pieces = _segment(part, known) if part.isalpha() and len(part) >= 4 else None
        out.extend(pieces or [part])
    return " ".join(out)


def _is_glued(token: str, known: frozenset[str] = frozenset()) -> bool:
    if token.isdigit():
        return False
    if _HEADING_NUMERAL_RE.match(token):
        return True
    if _BOUNDARY_RE.search(token):
        alpha = [p for p in _BOUNDARY_RE.split(token) if p and p.isalpha()]
        if all(len(p) <= 4 and p.isupper() for p in alpha):
            return False  # a model or standard number: EN71, IEC62115, L169
        return any(len(p) >= 3 and (_zipf(p.lower()) >= _RARE or p.lower() in known
                                    or _segment(p, known) is not None) for p in alpha)
    return token.isalpha() and _segment(token, known) is not None


def _respace(pages: list[str]) -> list[str]:
    """The pages with glued words re-spaced, when the document has many of them."""
    tokens = Counter(m.group(0) for p in pages for m in _TOKEN_RE.finditer(p))
    total = sum(tokens.values())
    if not total:
        return pages
    words = Counter(w.lower() for p in pages for w in re.findall(r"(?<![A-Za-z])[A-Za-z]{4,}(?![A-Za-z])", p))
    known = frozenset(w for w, c in words.items()
                      if c >= 2 and (_zipf(w) > 0 or c >= 3) and not _function_glue(w))
    glued = {t for t in tokens if _is_glued(t, known)}
    count = sum(tokens[t] for t in glued)
    if count < GLUE_MIN_COUNT or count < GLUE_MIN_SHARE * total:
        return pages
    fixed = {t: _respace_token(t, known) for t in glued}
    return [_TOKEN_RE.sub(lambda m: fixed.get(m.group(0), m.group(0)), p) for p in pages]


# --- cleaning lines --------------------------------------------------------------------------------

_LIGATURES = str.maketrans(
    {
        "ﬀ": "ff",
        "ﬁ": "fi",
        "ﬂ": "fl",
        "ﬃ": "ffi",
        "ﬄ": "ffl",
        "ﬅ": "st",
        "ﬆ": "st",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\t": " ",
    }
)
_SPACES_RE = re.compile(r" {2,}")
_LETTER_SPACED_RE = re.compile(r"\b(?:[A-Za-z] ){4,}[A-Za-z]\b")
_SPACE_BEFORE_PUNCT_RE = re.compile(r"(?<=\w) +(?=[,;](?:\s|$))")
_PAGE_NUMBER_RE = re.compile(
    r"^(?:-\s*)?(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?(?:\s*-)?$"
    r"|^第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$",
    re.I,
)
_FOOTNOTE_RE = re.compile(r"^\((\d{1,3})\)\s")
_MARKER_RE = re.compile(r"(?<=[A-Za-z,.;:)’\s])\((\d{1,3})\)")


def _clean_line(line: str) -> str:
    line = line.translate(_LIGATURES).strip()
    line = _SPACES_RE.sub(" ", line)
    if _LETTER_SPACED_RE.search(line):  # "R E G U L A T I O N" -> "REGULATION"
        line = _LETTER_SPACED_RE.sub(lambda m: m.group(0).replace(" ", ""), line)
    return _SPACE_BEFORE_PUNCT_RE.sub("", line)


def _line_key(line: str) -> str:
    """Key of a line for running-header detection: digits masked, word order ignored (the OJ
    prints "5.5.2017 EN ... L 117/1" on one side and "L 117/2 EN ... 5.5.2017" on the other)."""
    return " ".join(sorted(re.sub(r"\d+", "#", line).split()))


@dataclass
class _Line:
    page: int  # 1-based
    text: str
    note: bool = False  # a footnote, out of the text flow


def _page_lines(pages: list[str]) -> list[_Line]:
    """All lines in reading order, running headers/footers and page numbers removed, footnotes
    flagged."""
    per_page = [[c for c in (_clean_line(raw) for raw in p.splitlines()) if c] for p in pages]
    running = _running_keys(per_page)
    out: list[_Line] = []
    for n, lines in enumerate(per_page, start=1):
        in_notes = False
        for j, line in enumerate(lines):
            if running and _line_key(line) in running:
                # the OJ's header is extracted after the body; what follows it are footnotes
                in_notes = j >= 3 and j + 1 < len(lines) and bool(_FOOTNOTE_RE.match(lines[j + 1]))
                continue
            if (j < 2 or j >= len(lines) - 2) and _PAGE_NUMBER_RE.match(line):
                continue
            out.append(_Line(n, line, in_notes))
    return out


def _running_keys(per_page: list[list[str]]) -> set[str]:
    """Lines repeated on many pages (headers, footers), except structural headings.

    A line at a page's top or bottom counts from 30% of pages on; one elsewhere (pypdf puts the
    OJ header between body and footnotes) only from 60%, so that a sentence a short text
    happens to repeat is not taken for a header.
    """
    n = len(per_page)
    if n < 3:
        return set()
    edge: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    for lines in per_page:
        keys = [_line_key(ln) if len(ln) >= 4 else "" for ln in lines]
        anywhere.update(set(keys))
        edge.update(set(keys[:3] + keys[-3:]))
    found = {k for k, c in edge.items() if c >= max(3, 0.3 * n)}
    found |= {k for k, c in anywhere.items() if c >= max(3, 0.6 * n)}
    return {
        k
        for k in found
        if k and not _STRUCTURE_KEY_RE.match(k) and sum(ch.isalpha() for ch in k) >= 3
    }


# --- structure ---------------------------------------------------------------------------------------

_ARTICLE_RE = re.compile(r"^Article\s*(\d{1,4})([a-z]{0,2})$")  # "Article5" in glued scans
_ANNEX_RE = re.compile(r"^ANNEX(?:\s*([IVXLC]{1,7}|\d{1,3}))?$")
_ANNEXES_RE = re.compile(r"^ANNEXES$")
_DIVISION_RE = re.compile(r"^(CHAPTER|TITLE|PART|Section|SECTION)\s+([IVXLC]{1,7}|\d{1,3}|[A-Z])$")
_WHEREAS_RE = re.compile(r"^Whereas\b")
_CN_ARTICLE_RE = re.compile(f"^(第([{CN_NUM}]{{1,6}})条)(?:[\\s\u3000]*(.*))$")
_CN_DIVISION_RE = re.compile(f"^第[{CN_NUM}]{{1,4}}[章节编](?:[\\s\u3000]+.*)?$")
_CN_DIVISION_NAME_RE = re.compile(f"^(第[{CN_NUM}]{{1,4}}[章节编])")
_CN_ANNEX_RE = re.compile(f"^(附件\\s*[{CN_NUM}]{{0,4}})\\s*[:：]?\\s*(.{{0,40}})$")
_STRUCTURE_KEY_RE = re.compile(r"^(?:# Article|# ANNEX|# CHAPTER|# Section|ANNEX|Article #)$")
_PARA_START_RE = re.compile(
    r"^(?:\d{1,3}(?:\.\d{1,3})*\.\s|\(\d{1,3}\)\s|\([a-z]{1,3}\)\s|\([ivxl]{1,6}\)\s|[—–•▪■\-]\s"
    r"|[A-Z]\.\s|[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十\d]{1,3}）|第["
    + CN_NUM
    + r"]{1,6}[条章节])"
)
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _roman(s: str) -> int:
    if s.isdigit():
        return int(s)
    total = 0
    for a, b in zip(s, s[1:] + " ", strict=True):
        v = _ROMAN.get(a, 0)
        total += -v if _ROMAN.get(b, 0) > v else v
    return total


_UPPER_RE = re.compile(r"[A-ZÀ-ÖØ-Þ]")
_LOWER_RE = re.compile(r"[a-zß-öø-ÿ]")


def _is_caps(line: str) -> bool:
    """A heading line in capitals ("CLASSIFICATION AND CONFORMITY ASSESSMENT")."""
    upper = len(_UPPER_RE.findall(line))
    return upper >= 3 and upper >= 4 * len(_LOWER_RE.findall(line))


def _ends_sentence(text: str) -> bool:
    return text.rstrip("’'\"”)）》」』】").endswith(
        (".", ":", ";", "!", "?", "。", "；", "：", "！", "？")
    )


@dataclass
class _Segment:
    """One citable unit (an article, an annex, the recitals) before it is cut into chunks."""

    place: str | None
    page: int
    head: list[str] = field(default_factory=list)  # heading lines, chapter context first
    label: str = ""  # short heading repeated on continuation chunks
    lines: list[_Line] = field(default_factory=list)
    notes: list[_Line] = field(default_factory=list)
    breaks: set[int] = field(default_factory=set)  # line indexes where a sub-part starts


class _Segmenter:
    """Walks the cleaned lines once and opens a segment at each structural heading."""

    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.segments: list[_Segment] = []
        self.current: _Segment | None = None
        self.region = "front"  # front -> recitals -> body -> annex
        self.context: list[_Line] = []  # chapter headings waiting for their first article
        self.last_article: tuple[int, str] = (0, "")
        self.last_annex = 0
        self.last_cn_article = 0
        self.notes: list[_Line] = []

    def run(self) -> list[_Segment]:
        i = 0
        while i < len(self.lines):
            ln = self.lines[i]
            if ln.note:
                self._open_if_needed(ln)
                self.notes.append(ln)
                i += 1
                continue
            i = self._step(i)
        self._flush_context()
        self._place_notes()
        return [s for s in self.segments if s.lines or s.head]

    def _place_notes(self) -> None:
        """Give each footnote to the segment whose text on that page carries its marker " (n)"."""
        by_page: dict[int, list[list[_Line]]] = {}
        for ln in self.notes:
            notes = by_page.setdefault(ln.page, [])
            if _FOOTNOTE_RE.match(ln.text) or not notes:
                notes.append([ln])
            else:
                notes[-1].append(ln)
        if not by_page:
            return
        markers: dict[tuple[int, str], _Segment] = {}
        last_on_page: dict[int, _Segment] = {}
        for seg in self.segments:
            for ln in seg.lines:
                last_on_page[ln.page] = seg
                if ln.page in by_page:
                    for mk in _MARKER_RE.findall(ln.text):
                        markers[(ln.page, mk)] = seg
        for page, notes in by_page.items():
            for note in notes:
                m = _FOOTNOTE_RE.match(note[0].text)
                found = markers.get((page, m.group(1))) if m else None
                (found or last_on_page.get(page) or self.segments[-1]).notes.extend(note)

    def _step(self, i: int) -> int:
        """Handle line `i`; returns the index of the next line to look at."""
        ln = self.lines[i]
        nxt = self._next_text(i)
        for handler in (
            self._whereas,
            self._article,
            self._annex,
            self._annex_list,
            self._division,
            self._cn_article,
            self._cn_division,
            self._cn_annex,
        ):
            j = handler(i, ln, nxt)
            if j is not None:
                return j
        self._open_if_needed(ln).lines.append(ln)
        return i + 1

    # each handler returns None when line `i` is not its kind of heading

    def _whereas(self, i: int, ln: _Line, nxt: str | None) -> int | None:
        if self.region != "front" or not _WHEREAS_RE.match(ln.text):
            return None
        self._open("Recitals", ln.page, [], "Recitals").lines.append(ln)
        self.region = "recitals"
        return i + 1

    def _article(self, i: int, ln: _Line, nxt: str | None) -> int | None:
        m = _ARTICLE_RE.match(ln.text)
        if not m or self.region == "annex":
            return None
        key = (int(m.group(1)), m.group(2))
        if not self._is_article(i, key, nxt):
            return None
        self.last_article = key
        place = f"Article {m.group(1)}{m.group(2)}"
        name = nxt if nxt and self._is_title_line(nxt) else None
        head = [place] + ([name] if name else [])
        label = f"{place} — {name}" if name else place
        self._open(place, ln.page, head, label, self._take_context())
        self.region = "body"
        return i + (2 if name else 1)

    def _annex(self, i: int, ln: _Line, nxt: str | None) -> int | None:
        m = _ANNEX_RE.match(ln.text)
        if not m or not self._is_annex(m.group(1), nxt):
            return None
        num = m.group(1)
        if num:
            self.last_annex = _roman(num)
        place = f"Annex {num}" if num else "Annex"
        caps, j = self._caps_title(i + 1)
        self._flush_context()
        label = f"{place} — {' '.join(caps)}" if caps else place
        self._open(place, ln.page, [ln.text, *caps], label)
        self.region = "annex"
        return j

    def _annex_list(self, i: int, ln: _Line, nxt: str | None) -> int | None:
        if self.region != "body" or not _ANNEXES_RE.match(ln.text):
            return None
        self._flush_context()
        self._open("Annexes", ln.page, [ln.text], "Annexes")
        return i + 1

    def _division(self, i: int, ln: _Line, nxt: str | None) -> int | None:
        """CHAPTER / TITLE / PART / Section: context for the next article, or a cut in an annex."""
        m = _DIVISION_RE.match(ln.text)
        if not m or nxt is None or nxt[:1].islower() or not self._is_division(m.group(1)):
            return None
        caps, j = self._caps_title(i + 1)
        if not caps and self._is_title_line(nxt):  # "SECTION 2" / "Conformity assessment"
            caps, j = [nxt], i + 2
        heading = [_Line(ln.page, ln.text), *(_Line(ln.page, t) for t in caps)]
        if self.region == "annex" and self.current is not None:
            self.current.breaks.add(len(self.current.lines))
            self.current.lines.extend(heading)
        else:  # the article before it ends; the heading opens the next one
            self.region = "body"
            self.current = None
            self.context.extend(heading)
        return j

    def _cn_article(self, i: int, ln: _Line, nxt: str | None) -> int | None:
        m = _CN_ARTICLE_RE.match(ln.text)
        if not m or self.region == "annex":
            return None
        n = cn_to_int(m.group(2))
        if n is None or not self._is_cn_article(i, n):
            return None
        self.last_cn_article = n
        place = m.group(1)
        seg = self._open(place, ln.page, [], place, self._take_context())
        self.region = "body"
        rest = m.group(3).strip()
        seg.lines.append(_Line(ln.page, f"{place} {rest}" if rest else place))
        return i + 1

    def _cn_division(self, i: int, ln: _Line, nxt: str | None) -> int | None:
        if self.region == "annex" or not _CN_DIVISION_RE.match(ln.text):
            return None
        self.current = None
        self.region = "body"
        self.context.append(ln)
        return i + 1

    def _cn_annex(self, i: int, ln: _Line, nxt: str | None) -> int | None:
        m = _CN_ANNEX_RE.match(ln.text)
        if not m or not self.last_cn_article or not self._prev_ends(i):
            return None
        self._flush_context()
        place = m.group(1).replace(" ", "")
        self._open(place, ln.page, [ln.text], place)
        self.region = "annex"
        return i + 1

    def _next_text(self, i: int) -> str | None:
        for ln in self.lines[i + 1 : i + 4]:
            if not ln.note:
                return ln.text
        return None

    def _prev_ends(self, i: int) -> bool:
        """The line before `i` closes a paragraph (or there is none), so `i` may be a heading."""
        for ln in reversed(self.lines[max(0, i - 3) : i]):
            if not ln.note:
                return _ends_sentence(ln.text) or self._is_heading(ln.text) or _is_caps(ln.text)
        return True

    def _is_heading(self, text: str) -> bool:
        return bool(
            _ARTICLE_RE.match(text)
            or _ANNEX_RE.match(text)
            or _DIVISION_RE.match(text)
            or _CN_DIVISION_RE.match(text)
        )

    def _is_title_line(self, text: str) -> bool:
        return (
            len(text) <= 200
            and not _PARA_START_RE.match(text)
            and not self._is_heading(text)
            and not text[:1].islower()
        )

    def _is_article(self, i: int, key: tuple[int, str], nxt: str | None) -> bool:
        """An `Article N` line is a heading when it comes in sequence, or at least after the last
        one and before a title line (a cross-reference wrapped onto its own line is neither)."""
        if key <= self.last_article or (nxt is not None and nxt[:1].islower()):
            return False
        last_n, last_s = self.last_article
        in_sequence = key == (last_n + 1, "") or (key[0] == last_n and key[1] > last_s)
        return in_sequence or (self._prev_ends(i) and nxt is not None and nxt[:1].isupper())

    def _is_cn_article(self, i: int, n: int) -> bool:
        if n <= self.last_cn_article:
            return False
        return n == self.last_cn_article + 1 or self._prev_ends(i)

    def _is_annex(self, num: str | None, nxt: str | None) -> bool:
        if (nxt or "")[:1].islower():
            return False
        if num is None:
            return self.last_annex == 0 and self.region != "annex"
        return _roman(num) > self.last_annex

    def _is_division(self, kind: str) -> bool:
        if self.region in ("front", "recitals"):
            return kind in ("CHAPTER", "TITLE")
        return True

    def _caps_title(self, j: int) -> tuple[list[str], int]:
        """The upper-case title lines that follow a CHAPTER/ANNEX heading."""
        title: list[str] = []
        while j < len(self.lines) and len(title) < 4:
            t = self.lines[j].text
            if self.lines[j].note or not _is_caps(t) or self._is_heading(t):
                break
            title.append(t)
            j += 1
        return title, j

    def _take_context(self) -> list[_Line]:
        ctx, self.context = self.context, []
        return ctx

    def _flush_context(self) -> None:
        """Chapter headings not followed by an article become text of their own."""
        if self.context:
            ctx = self._take_context()
            m = _DIVISION_RE.match(ctx[0].text) or _CN_DIVISION_NAME_RE.match(ctx[0].text)
            if m and m.lastindex == 2:
                place = f"{m.group(1).capitalize()} {m.group(2)}"
            else:
                place = m.group(1) if m else ctx[0].text[:60]
            seg = self._open(place, ctx[0].page, [], place)
            seg.lines.extend(ctx)

    def _open(
        self,
        place: str | None,
        page: int,
        head: list[str],
        label: str,
        context: list[_Line] | None = None,
    ) -> _Segment:
        seg = _Segment(place, page, [c.text for c in context or []] + head, label)
        self.segments.append(seg)
        self.current = seg
        return seg

    def _open_if_needed(self, ln: _Line) -> _Segment:
        if self.current is None:
            if self.context:
                self._flush_context()
                assert self.current is not None
                return self.current
            first = not self.segments
            place = "Preamble" if first and self.region == "front" else None
            return self._open(place, ln.page, [], place or "")
        return self.current


# --- paragraphs and hyphenation ------------------------------------------------------------------


_WORD_RE = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_TAIL_WORD_RE = re.compile(r"([A-Za-z]+)[-‐]$")
_HEAD_WORD_RE = re.compile(r"^([a-z]+)")
_CN_HEAD_ONLY_RE = re.compile(f"^第[{CN_NUM}]{{1,6}}[条章节]$")
_CJK_CHAR_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


@dataclass
class _Vocab:
    """Words of the document itself: decides whether `non-\\nviable` keeps its hyphen."""

    words: set[str]
    hyphenated: set[str]

    @classmethod
    def of(cls, lines: list[_Line]) -> _Vocab:
        words: set[str] = set()
        hyphenated: set[str] = set()
        for ln in lines:
            for w in _WORD_RE.findall(ln.text.replace("\xad", "")):
                (hyphenated if "-" in w else words).add(w.lower())
        return cls(words, hyphenated)


def _join(a: str, b: str, vocab: _Vocab) -> str:
    """Join line `b` to line `a`, repairing words broken across the line end."""
    if a.endswith("\xad"):  # soft hyphen: always a typesetting break
        return a[:-1] + b
    m = _TAIL_WORD_RE.search(a[-64:]) if a.endswith(("-", "‐")) else None
    n = _HEAD_WORD_RE.match(b)
    if m and n:
        left, right = m.group(1).lower(), n.group(1).lower()
        if f"{left}-{right}" in vocab.hyphenated and f"{left}{right}" not in vocab.words:
            return a + b  # a real compound: "non-viable"
        return a[:-1] + b  # "con-\nformity" -> "conformity"
    if _CJK_CHAR_RE.match(a[-1:]) or _CJK_CHAR_RE.match(b[:1]):
        return f"{a} {b}" if _CN_HEAD_ONLY_RE.match(a) else a + b
    return f"{a} {b}"


def _paragraphs(lines: list[_Line], vocab: _Vocab, breaks: set[int]) -> list[tuple[int, str, bool]]:
    """Lines reflowed into (page, paragraph, starts_sub_part) triples."""
    out: list[tuple[int, str, bool]] = []
    cur: str | None = None
    page = 0
    brk = caps = False
    for idx, ln in enumerate(lines):
        t = ln.text
        t_caps = _is_caps(t)
        new = (
            cur is None
            or idx in breaks
            or _PARA_START_RE.match(t) is not None
            or (
                _ends_sentence(cur)
                and (t[:1].isupper() or t[:1] in "(‘“'\"" or bool(_CJK_CHAR_RE.match(t[:1])))
            )
            or caps != t_caps
        )
        if new:
            if cur is not None:
                out.append((page, cur.replace("\xad", ""), brk))
            cur, page, brk, caps = t, ln.page, idx in breaks, t_caps
        else:
            cur = _join(cur, t, vocab)  # type: ignore[arg-type]
    if cur is not None:
        out.append((page, cur.replace("\xad", ""), brk))
    return out


# --- the record ---------------------------------------------------------------------------------

_ACT_RE = re.compile(
    r"(?:(?P<inst>COMMISSION|COUNCIL)\s+)?(?:(?P<mod>IMPLEMENTING|DELEGATED)\s+)?"
    r"(?P<kind>REGULATION|DIRECTIVE|DECISION)\s*"
    r"(?:\((?P<org>EU|EC|EEC|EU,\s*EURATOM|EURATOM)\)\s*(?P<no>No\.?\s*)?(?P<num>\d{1,4}/\d{1,4})"
    r"|(?P<old>\d{2,4}/\d{1,4}/(?:EU|EC|EEC)))"
)
_TITLE_STOP_RE = re.compile(
    r"^(?:\(Text with EEA relevance\)|THE EUROPEAN|THE COUNCIL|Having regard|Whereas)"
)
_INSTITUTIONS_RE = re.compile(
    r"\b(european parliament|council|european commission|commission|european union|euratom)\b"
)
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_ADOPTED_RE = re.compile(r"\bof (\d{1,2}) (" + "|".join(_MONTHS) + r") (\d{4})\b", re.I)
_OJ_DATE_RE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")


@dataclass
class _Act:
    ref: str
    title: str
    dates: Dates


def _detect_act(first_page: str) -> _Act | None:
    """An EU act named in the title block of the first page, e.g. `Regulation (EU) 2017/745`."""
    lines = [_clean_line(x) for x in first_page.splitlines()]
    lines = [x for x in lines if x]
    for i, line in enumerate(lines[:40]):
        m = _ACT_RE.search(line)
        if not m or line[: m.start()].strip(" ►▼B0123456789") != "":
            continue
        kind = m.group("kind").capitalize()
        if m.group("mod"):
            kind = f"{m.group('mod').capitalize()} {kind}"
        if m.group("old"):
            ref = f"{kind} {m.group('old')}"
        else:
            org = m.group("org").replace("EURATOM", "Euratom")
            ref = f"{kind} ({org}) {'No ' if m.group('no') else ''}{m.group('num')}"
        if act_number(ref) is None:
            continue
        prefix = f"{m.group('inst').capitalize()} " if m.group("inst") else ""
        rest = line[m.end() :]
        if rest.isupper() or not any(ch.isalpha() for ch in rest):
            rest = _INSTITUTIONS_RE.sub(lambda x: x.group(1).title(), rest.lower())
        parts = [f"{prefix}{ref}{rest}".strip()]
        for nxt in lines[i + 1 : i + 9]:
            if _TITLE_STOP_RE.match(nxt):
                break
            parts.append(nxt)
        title = re.sub(r"\s+", " ", " ".join(parts)).strip()
        return _Act(ref, title, _act_dates(title, lines))
    return None


def _act_dates(title: str, lines: list[str]) -> Dates:
    """Signature date from the title ("of 5 April 2017"), publication date from the OJ header."""
    adopted = published = None
    m = _ADOPTED_RE.search(title)
    if m:
        adopted = _date(int(m.group(3)), _MONTHS.index(m.group(2).lower()) + 1, int(m.group(1)))
    for line in lines:
        if "Official Journal" in line:
            d = _OJ_DATE_RE.search(line)
            if d:
                published = _date(int(d.group(3)), int(d.group(2)), int(d.group(1)))
                break
    return Dates(adopted=adopted, published=published)


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


# --- putting it together ------------------------------------------------------------------------


def _load(path: Path) -> LoadResult:
    issues: list[IngestIssue] = []
    pages = _read_pages(path, issues)
    if pages is None or not _usable(pages, str(path), issues):
        return LoadResult(issues=issues)
    pages = _respace(pages)
    lines = _page_lines(pages)
    segments = _Segmenter(lines).run()
    vocab = _Vocab.of(lines)
    act = _detect_act(pages[0])
    body = "\n".join(ln.text for ln in lines if not ln.note)
    lang = "en" if act else detect_language(body)
    structured = any(s.place not in (None, "Preamble") for s in segments)
    if act:
        ref, title = act.ref, act.title
    else:
        ref = title = re.sub(r"[_\s]+", " ", path.stem).strip() or path.name
    source, licence = source_note(path)
    texts: list[str] = []
    pieces: list[tuple[str | None, int, str]] = []  # (place, page, text)
    for seg in segments:
        seg_pieces = _cut(seg, vocab, structured)
        pieces.extend(seg_pieces)
        texts.append("\n".join(t for _, _, t in seg_pieces))
    rec = Document(
        ref=ref,
        title=title[:1000],
        text="\n\n".join(texts),
        language=lang,
        markets=["EU"] if act else [],
        dates=act.dates if act else Dates(),
        source=f"PDF file {path.name}" + (f"; {source}" if source else ""),
        licence=licence or UNKNOWN_LICENCE,
        path=str(path),
    )
    date = record_date(rec)
    chunks: list[Chunk] = []
    seqs: dict[str | None, int] = {}
    for place, page, text in pieces:
        seq = seqs.get(place, 0)
        seqs[place] = seq + 1
        chunks.append(
            Chunk(
                id=Chunk.make_id(ref, place, lang, seq),
                ref=ref,
                type=RecordType.document,
                cite=f"{ref}, {place}" if place else ref,
                place=place,
                page=page,
                lang=lang,
                text=text,
                markets=list(rec.markets),
                date=date,
            )
        )
    return LoadResult(records=[rec], chunks=chunks, issues=issues)


def _cut(seg: _Segment, vocab: _Vocab, structured: bool) -> list[tuple[str | None, int, str]]:
    """A segment as (place, page, text) chunks of at most CHUNK_LIMIT characters.

    The heading block opens the first chunk; continuation chunks repeat the short heading.
    Sub-parts (an annex's chapters) start a new chunk unless the chunk so far is tiny. An
    unstructured document is cited by page ("page 3").
    """
    paras = _paragraphs(seg.lines, vocab, seg.breaks)
    if seg.notes:
        notes = _paragraphs(seg.notes, vocab, set())
        paras.append((notes[0][0], "Notes:", False))
        paras.extend(notes)
    # items: (page, text, starts a sub-part); long paragraphs pre-split
    items: list[tuple[int, str, bool]] = []
    if seg.head:
        items.append((seg.page, "\n".join(seg.head), False))
    for page, text, brk in paras:
        for k, piece in enumerate(split_long(text, CHUNK_LIMIT)):
            items.append((page, piece, brk and k == 0))
    groups: list[list[tuple[int, str, bool]]] = []
    for it in items:
        if not groups or (it[2] and sum(len(t) for _, t, _ in groups[-1]) >= MIN_GROUP):
            groups.append([])
        groups[-1].append(it)
    out: list[tuple[str | None, int, str]] = []
    room = CHUNK_LIMIT - len(seg.label) - 12  # continuation chunks repeat the label
    for group in groups:
        for a, b in pack([len(t) for _, t, _ in group], room):
            part = group[a:b]
            text = "\n".join(t for _, t, _ in part)
            page = part[0][0]
            if out and seg.label and structured:
                text = f"{seg.label} (continued)\n{text}"
            place = seg.place if structured else f"page {page}"
            out.append((place, page, text))
    return out
