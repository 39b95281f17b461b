"""Cutting text into index-sized chunks, and the default chunker for records.

Loaders that know a document's structure (PDF articles, Markdown headings) cut their own chunks
with the helpers here (`pack`, `split_long`, Chinese article headings). Every other record goes
through `chunk_record`: one chunk per language holding the record's searchable facts, plus
parts of a long body text, each part headed by the record's title so it stands on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from assistant.records import (
    Alert,
    Announcement,
    BaseRecord,
    Case,
    Chunk,
    Dispute,
    Form,
    Notification,
    Regulation,
    record_date,
)
from assistant.refs import canonical_place

# --- language --------------------------------------------------------------------------------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK}]")
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")


def has_cjk(text: str) -> bool:
    return _CJK_RE.search(text) is not None


def detect_language(text: str, sample: int = 20000) -> str:
    """`zh` when most letters of `text` are CJK characters, else `en`."""
    head = text[:sample]
    cjk = len(_CJK_RE.findall(head))
    latin = len(_LATIN_RE.findall(head))
    return "zh" if cjk and cjk >= latin else "en"


# --- Chinese legal structure (第X条 / 第X章 / 第X节) ---------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUM = "零〇一二两三四五六七八九十百千0-9０-９"


def cn_to_int(s: str) -> int | None:
    """`十二` -> 12, `一百零三` -> 103, `25` -> 25; None when `s` is not a number."""
    s = s.strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)
    total, current = 0, 0
    for ch in s:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        else:
            return None
    return total + current


# 第X条 anywhere; `cn_articles` decides which ones open an article (GACC texts have no line breaks).
CN_ARTICLE_RE = re.compile(f"第([{CN_NUM}]{{1,6}})条")


# --- sizing ------------------------------------------------------------------------------------

_SENTENCE_END_RE = re.compile(r"(?<=[。；！？;!?])|(?<=[.:])\s+(?=[\"'(\[A-Z0-9—–-])")


def split_long(text: str, limit: int) -> list[str]:
    """Split one over-long paragraph at sentence ends (then at spaces) into pieces <= `limit`."""
    if len(text) <= limit:
        return [text]
    sentences = [s for s in _SENTENCE_END_RE.split(text) if s and s.strip()]
    pieces: list[str] = []
    for sentence in sentences:
        while len(sentence) > limit:  # a "sentence" longer than a chunk: cut at a space
            cut = sentence.rfind(" ", limit // 2, limit)
            cut = cut if cut > 0 else limit
            pieces.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        if sentence:
            pieces.append(sentence)
    groups = pack([len(p) for p in pieces], limit, sep=1)
    return [_join_sentences(pieces[a:b]) for a, b in groups]


def _join_sentences(parts: Sequence[str]) -> str:
    out = parts[0].strip()
    for p in parts[1:]:
        p = p.strip()
        glue = (
            ""
            if (out and has_cjk(out[-1])) or (p and has_cjk(p[0])) or out.endswith(("。", "；"))
            else " "
        )
        out += glue + p
    return out


def pack(sizes: Sequence[int], limit: int, sep: int = 1) -> list[tuple[int, int]]:
    """Group consecutive items (by size) into ranges of about equal length, each <= `limit`.

    Returns (start, end) index ranges: the fewest groups that fit the limit, as even as they can
    be, so a 2,600-character article becomes two ~1,300-character chunks rather than 2,500 + 100.
    An item longer than the limit gets a group of its own.
    """
    if not sizes:
        return []
    groups = _fill(sizes, limit, sep)
    if len(groups) == 1:
        return groups
    # the smallest cap that still needs no more groups (binary search; greedy is O(n))
    lo, hi = max(1, (sum(sizes) + sep * (len(sizes) - 1)) // len(groups)), limit
    while lo < hi:
        mid = (lo + hi) // 2
        if len(_fill(sizes, mid, sep)) <= len(groups):
            hi = mid
        else:
            lo = mid + 1
    return _fill(sizes, lo, sep)


def _fill(sizes: Sequence[int], cap: int, sep: int) -> list[tuple[int, int]]:
    groups: list[tuple[int, int]] = []
    start, current = 0, 0
    for i, size in enumerate(sizes):
        if i > start and current + sep + size > cap:
            groups.append((start, i))
            start, current = i, 0
        current += size if i == start else sep + size
    groups.append((start, len(sizes)))
    return groups


def pack_paragraphs(paragraphs: Sequence[str], limit: int) -> list[str]:
    """Paragraphs joined into chunk texts of at most `limit` characters, cut only between them
    (a single paragraph over the limit is cut at sentence ends)."""
    pieces: list[str] = []
    for p in paragraphs:
        pieces.extend(split_long(p, limit))
    return ["\n".join(pieces[a:b]) for a, b in pack([len(p) for p in pieces], limit)]


# --- the default chunker for records ------------------------------------------------------------

BODY_LIMIT = 1200  # characters of body text per part chunk

_LABELS = {
    "en": {
        "summary": "Summary",
        "scope": "Scope",
        "requirements": "Requirements",
        "conformity": "Conformity assessment",
        "enquiry": "Enquiry point",
        "dates": "Dates",
        "key_dates": "Key dates",
        "keywords": "Keywords",
        "outcome": "Outcome",
        "lessons": "Lessons",
        "figures": "Figures",
        "how_to": "How to file",
        "fields": "Fields",
        "product": "Product",
        "category": "Product category",
        "hazard": "Hazard",
        "hazard_category": "Hazard category",
        "origin": "Origin",
        "notified_by": "Notified by",
        "products": "Products",
        "member": "Notifying member",
        "agreement": "Agreement",
        "complainant": "Complainant",
        "respondent": "Respondent",
        "agreements": "Agreements cited",
        "status": "Status",
        "issuer": "Issuer",
        "answer": "Answer",
        "doc_type": "Document type",
        "kind": "Measure type",
        "notifications": "WTO notifications",
        "related": "Related",
    },
    "zh": {
        "summary": "摘要",
        "scope": "范围",
        "requirements": "要求",
        "conformity": "合格评定",
        "enquiry": "咨询点",
        "dates": "日期",
        "key_dates": "关键日期",
        "keywords": "关键词",
        "outcome": "结果",
        "lessons": "经验",
        "figures": "数据",
        "how_to": "填报方法",
        "fields": "字段",
        "product": "产品",
        "category": "产品类别",
        "hazard": "危害",
        "hazard_category": "危害类别",
        "origin": "原产地",
        "notified_by": "通报国",
        "products": "产品",
        "member": "通报成员",
        "agreement": "协定",
        "complainant": "起诉方",
        "respondent": "被诉方",
        "agreements": "援引协定条款",
        "status": "状态",
        "issuer": "发布机构",
        "answer": "答复",
        "doc_type": "文件类型",
        "kind": "措施类型",
        "notifications": "WTO通报",
        "related": "相关",
    },
}
_DATE_NAMES = {
    "en": {
        "distributed": "distributed",
        "published": "published",
        "adopted": "adopted",
        "entry_into_force": "entry into force",
        "applies_from": "applies from",
        "comment_deadline": "comment deadline",
        "event": "event",
    },
    "zh": {
        "distributed": "分发",
        "published": "发布",
        "adopted": "通过",
        "entry_into_force": "生效",
        "applies_from": "适用",
        "comment_deadline": "评议截止",
        "event": "事件",
    },
}


def chunk_record(rec: BaseRecord) -> list[Chunk]:
    """The chunks indexed for a record that has no structure-aware chunks of its own.

    One English chunk, one Chinese chunk when the record has Chinese content (both quote the
    original title and the ref, so an exact-ref search finds either), then the body text cut
    into parts of about `BODY_LIMIT` characters, each headed by the title. Deterministic: the
    same record always gives the same chunk ids and texts.
    """
    if isinstance(rec, Alert):
        return [_alert_chunk(rec)]
    body = _body(rec)
    body_lang = "zh" if rec.language.startswith("zh") else "en"
    own = {"en": _fields(rec, "en"), "zh": _fields(rec, "zh")}
    kw = dict(zip(("en", "zh"), _split_keywords(rec.keywords), strict=True))
    want = {
        "en": body_lang == "en" or bool(own["en"] or kw["en"] or rec.title_en),
        "zh": body_lang == "zh" or bool(own["zh"] or kw["zh"] or rec.title_zh),
    }
    langs = [lang for lang in ("en", "zh") if want[lang]]
    pieces = _body_pieces(rec, body, body_lang) if body else []
    meta = _Meta(rec)
    out: list[Chunk] = []
    for lang in langs:
        lines = _head(rec, lang) + own[lang] + _shared_facts(rec, lang)
        kws = kw[lang] + ([] if want["en"] and want["zh"] else kw["zh" if lang == "en" else "en"])
        if kws:
            lines.append(f"{_LABELS[lang]['keywords']}: {', '.join(kws)}")
        text = "\n".join(_dedupe(lines))
        # the body's first piece rides in the main chunk of its language: no facts-only chunk
        if pieces and lang == body_lang and pieces[0][0] is None:
            text = f"{text}\n{pieces.pop(0)[1]}"
        out.append(meta.chunk(None, lang, 0, text))
    header = _part_header(rec, body_lang)
    seqs: dict[str | None, int] = {}
    for place, piece in pieces:
        seq = seqs.get(place, 0)
        seqs[place] = seq + 1
        out.append(meta.chunk(place, body_lang, seq, f"{header}\n{piece}"))
    return out


def _alert_chunk(rec: Alert) -> Chunk:
    """One compact bilingual chunk per alert.

    Alerts are most of the corpus (RASFF alone is ~22k rows), so they get a single short chunk:
    the English facts plus the Chinese keywords (category, hazard, origin) for Chinese queries.
    This halves the chunk count and keeps cold ingest within its time budget.
    """
    date = record_date(rec)
    head = f"{rec.ref} ({date.isoformat()}): {rec.title}" if date else f"{rec.ref}: {rec.title}"
    facts = []
    for label, value in (
        ("Product", rec.product),
        ("Product category", rec.product_category),
        ("Hazard", rec.hazard),
        ("Hazard category", rec.hazard_category),
        ("Origin", rec.origin),
        ("Notified by", rec.notifying_country),
    ):
        if value:
            facts.append(f"{label}: {value}")
    lines = [head, "; ".join(facts)]
    en_kw, zh_kw = _split_keywords(rec.keywords)
    kws = []
    if en_kw:
        kws.append("Keywords: " + ", ".join(en_kw))
    if zh_kw:
        kws.append("关键词: " + ", ".join(zh_kw))
    if kws:
        lines.append(" | ".join(kws))
    return _Meta(rec).chunk(None, "en", 0, "\n".join(line for line in lines if line))


class _Meta:
    """Per-record values every chunk of the record shares (computed once)."""

    __slots__ = ("ref", "type", "markets", "hs", "ntm", "date")

    def __init__(self, rec: BaseRecord) -> None:
        self.ref = rec.ref
        self.type = rec.type
        self.markets = list(rec.markets)
        self.hs = list(rec.hs)
        self.ntm = list(rec.ntm)
        self.date = record_date(rec)

    def chunk(self, place: str | None, lang: str, seq: int, text: str) -> Chunk:
        return Chunk.model_construct(
            id=Chunk.make_id(self.ref, place, lang, seq),
            ref=self.ref,
            type=self.type,
            cite=f"{self.ref}, {place}" if place and canonical_place(place) else self.ref,  # 第十五条 is cited
            place=place,
            page=None,
            lang=lang,
            text=text,
            markets=list(self.markets),
            hs=list(self.hs),
            ntm=list(self.ntm),
            date=self.date,
        )


def _head(rec: BaseRecord, lang: str) -> list[str]:
    """Ref and titles: the original title always, the translated one when there is one."""
    lines = [rec.ref, rec.title]
    translated = rec.title_zh if lang == "zh" else rec.title_en
    if translated:
        lines.append(translated)
    if lang == "zh" and rec.title_en:  # the English title too, so English queries match
        lines.append(rec.title_en)
    return lines


def _body(rec: BaseRecord) -> str:
    text = rec.text.strip()
    if isinstance(rec, Announcement) and rec.answer:
        label = _LABELS["zh" if rec.language.startswith("zh") else "en"]["answer"]
        text = f"{text}\n{label}: {rec.answer.strip()}" if text else rec.answer.strip()
    return text


def _fields(rec: BaseRecord, lang: str) -> list[str]:
    """The record's prose facts written in `lang`, as labelled lines (empty if none)."""
    L = _LABELS[lang]
    zh = lang == "zh"
    lines: list[str] = []

    def add(label: str, value: str | None) -> None:
        if value and value.strip():
            lines.append(f"{L[label]}: {value.strip()}")

    def add_list(label: str, values: Iterable[str]) -> None:
        vals = [v.strip() for v in values if v and v.strip()]
        if vals:
            lines.append(f"{L[label]}:")
            lines.extend(f"- {v}" for v in vals)

    add("summary", rec.summary_zh if zh else rec.summary_en)
    if isinstance(rec, Regulation):
        add("kind", None if zh else rec.measure_kind)
        add("scope", rec.scope_zh if zh else rec.scope_en)
        add_list("requirements", rec.requirements_zh if zh else rec.requirements_en)
        add("conformity", rec.conformity_zh if zh else rec.conformity_en)
        add("enquiry", rec.enquiry_zh if zh else rec.enquiry_en)
    elif isinstance(rec, Case):
        add("outcome", rec.outcome_zh if zh else rec.outcome_en)
        add_list("lessons", rec.lessons_zh if zh else rec.lessons_en)
        add_list("figures", rec.figures_zh if zh else rec.figures_en)
    elif isinstance(rec, Form):
        add("how_to", rec.how_to_zh if zh else rec.how_to_en)
        labels = [(f.label_zh if zh else f.label_en) or "" for f in rec.fields]
        if any(labels):
            lines.append(f"{L['fields']}: {'; '.join(x for x in labels if x)}")
    key_dates = [
        f"{kd.date.isoformat()}: {kd.what_zh if zh else kd.what_en}"
        + (f" ({kd.ref})" if kd.ref else "")
        for kd in rec.key_dates
        if (kd.what_zh if zh else kd.what_en)
    ]
    add_list("key_dates", key_dates)
    return lines


def _shared_facts(rec: BaseRecord, lang: str) -> list[str]:
    """Facts that are names, codes and dates rather than prose: in every chunk of the record."""
    L = _LABELS[lang]
    out: list[str] = []

    def add(label: str, value: str | None) -> None:
        if value and str(value).strip():
            out.append(f"{L[label]}: {str(value).strip()}")

    if isinstance(rec, Notification):
        add("member", rec.member)
        add("agreement", rec.agreement + (f" {rec.article}" if rec.article else ""))
        add("products", rec.products)
    elif isinstance(rec, Alert):
        add("product", rec.product)
        add("category", rec.product_category)
        add("hazard", rec.hazard)
        add("hazard_category", rec.hazard_category)
        add("origin", rec.origin)
        add("notified_by", rec.notifying_country)
    elif isinstance(rec, Dispute):
        add("complainant", rec.complainant)
        add("respondent", rec.respondent)
        add("agreements", ", ".join(rec.agreements))
        add("status", rec.status)
    elif isinstance(rec, Announcement):
        add("doc_type", rec.document_type)
        add("category", rec.category)
        add("status", rec.status)
    elif isinstance(rec, Regulation):
        add("notifications", ", ".join(rec.notifications))
    add("issuer", rec.issuer)
    names = _DATE_NAMES[lang]
    known = rec.dates.known()
    if known:
        add("dates", "; ".join(f"{names[k]} {v.isoformat()}" for k, v in known.items()))
    return out


def _split_keywords(keywords: Iterable[str]) -> tuple[list[str], list[str]]:
    en: list[str] = []
    zh: list[str] = []
    for kw in keywords:
        kw = kw.strip()
        if kw:
            (zh if has_cjk(kw) else en).append(kw)
    return en, zh


def _dedupe(lines: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for line in lines:
        if line and line not in seen:
            seen.add(line)
            out.append(line)
    return out


# paragraph / sentence ends for a body without line breaks (GACC announcements)
_BODY_BREAK_RE = re.compile(r"\n+|(?<=[。；])")


def _part_header(rec: BaseRecord, lang: str) -> str:
    title = rec.title_in(lang)
    return rec.ref if title == rec.ref else f"{rec.ref} {title}"


def _body_pieces(rec: BaseRecord, body: str, lang: str) -> list[tuple[str | None, str]]:
    """The body as (place, text) pieces of <= BODY_LIMIT characters.

    A Chinese legal text is cut at its articles (place "第十条"); any other body into parts
    (place None for the first, which joins the record's main chunk, then "part 2", "part 3"...).
    """
    if len(body) <= BODY_LIMIT:
        return [(None, body)]
    articles = cn_articles(body) if lang == "zh" else None
    if articles:
        return [(place, piece) for place, text in articles for piece in _pieces(text)]
    return [(None if n == 1 else f"part {n}", piece) for n, piece in enumerate(_pieces(body), 1)]


def _pieces(text: str) -> list[str]:
    units = [u.strip() for u in _BODY_BREAK_RE.split(text)]
    units = [u for u in units if u]
    if not units:
        return []
    pieces: list[str] = []
    for u in units:
        pieces.extend(split_long(u, BODY_LIMIT))
    groups = pack([len(p) for p in pieces], BODY_LIMIT, sep=0)
    return [_join_sentences(pieces[a:b]) for a, b in groups]


def cn_articles(body: str) -> list[tuple[str | None, str]] | None:
    """A Chinese legal text cut at its articles (第一条, 第二条, ...), or None if it has none.

    Article headings are accepted only in sequence (1, 2, 3...) so that a cross-reference such
    as "依照本办法第十条" never starts an article.
    """
    cuts: list[tuple[int, str]] = []
    expected = 1
    for m in CN_ARTICLE_RE.finditer(body):
        n = cn_to_int(m.group(1))
        if n != expected:
            continue
        before = body[max(0, m.start() - 1) : m.start()]
        after = body[m.end() : m.end() + 1]
        heading = _heading_before(body, m.start())
        starts = not before or before in _BEFORE_ARTICLE or after in (" ", "\u3000", "\n")
        if not starts and heading is None:
            continue
        # a chapter heading right before the article opens the article's chunk
        cuts.append((m.start() if heading is None else heading, m.group(0)))
        expected += 1
    if len(cuts) < 3:
        return None
    out: list[tuple[str | None, str]] = []
    if body[: cuts[0][0]].strip():
        out.append((None, body[: cuts[0][0]].strip()))
    for i, (start, place) in enumerate(cuts):
        end = cuts[i + 1][0] if i + 1 < len(cuts) else len(body)
        out.append((place, body[start:end].strip()))
    return out


_BEFORE_ARTICLE = frozenset("。；：\n \u3000")
_HEADING_TAIL_RE = re.compile(f"第[{CN_NUM}]{{1,4}}[章节][^。；：\n]{{0,30}}$")


def _heading_before(body: str, pos: int) -> int | None:
    """Start of a chapter/section heading that directly precedes `pos` (第二章 税款的计征第七条...)."""
    lo = max(0, pos - 40)
    m = _HEADING_TAIL_RE.search(body[lo:pos])
    return lo + m.start() if m else None
