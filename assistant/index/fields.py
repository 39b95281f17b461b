"""Short fields as their own vectors, and the bilingual lexicon learned from them.

Why: a whole-question vector dilutes the one word that matters (植入卡 inside "MDR里植入卡是哪一条
规定的"), and a long record's vector dilutes its title. So every generation of the index also keeps:

- *record fields*: each record's short identity (titles in both languages, a dispute's title, an
  announcement's title, a provision's heading), one vector each, pointing at the record (and, for a
  provision, at its chunk). A short question meets a short field at full strength.
- *terms*: fragments of the corpus's own short fields (RASFF product and hazard names, titles split at
  their function words, curated keywords, HS and Chinese tariff names), one vector each. A query
  phrase is aligned to the nearest terms of the other language with the bundled multilingual
  embedder, which aligns single terms well (香蕉 ~ bananas 0.86, 植入卡 ~ implant card 0.73).

Nothing here is a hand list: everything comes from the data and the embedder. Vectors are carried
over between generations by text, so an unchanged corpus embeds nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

FIELDS_FILE = "fields.npz"
MAX_TERM_WORDS = 4  # English fragments longer than this are sentences, not terms
MAX_TERM_HAN = 10  # Chinese fragments longer than this (characters) likewise
EMBED_BATCH = 256
HUB_K = 10  # neighbours averaged for a term's hubness (the CSLS paper's choice)
MIN_ALERT_TERM_COUNT = 2  # records a fragment of alert free text must appear in to become a term
BODY_TERM_MIN_DF = 3  # chunks a word of the documents' text must appear in to become a term

_HAN = re.compile(r"[\u3400-\u9fff]")
# where a title splits into terms: function words and punctuation, both languages
_EN_SPLIT = re.compile(
    r"\s*(?:[,;:()\[\]/\"“”‘’]|\s[-–—]\s|\b(?:and|or|of|for|to|on|in|with|from|by|the|a|an|as|at|"
    r"other than|including|concerning|regarding|relating to|laying down|amending|repealing)\b)\s*",
    re.I,
)
_ZH_SPLIT = re.compile(r"[，,；;：:、（）()《》〈〉“”\"\s]|关于|有关|及其|以及|和|与|及|的|对|等")
_NOISE = re.compile(r"^[\d\s.\-/]+$|^(?:no|nos?\.|article|annex|chapter|section)$", re.I)


@dataclass(frozen=True)
class FieldRow:
    """One short string with a vector: a record's field (ref set) or a lexicon term (ref None)."""

    text: str
    lang: str  # zh | en
    kind: str  # title | heading | term
    ref: str | None = None
    chunk: str | None = None  # the chunk a heading belongs to (a provision)


def lang_of(text: str) -> str:
    return "zh" if _HAN.search(text) else "en"


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip(" .-–—")


def split_terms(text: str) -> list[str]:
    """The term-sized fragments of a short field, in its own language."""
    text = _clean(text)
    if not text:
        return []
    parts = _ZH_SPLIT.split(text) if lang_of(text) == "zh" else _EN_SPLIT.split(text)
    out = []
    for p in parts:
        p = _clean(p)
        if not p or _NOISE.match(p):
            continue
        if lang_of(p) == "zh":
            if re.search(r"[A-Za-z]{3,}", p):
                continue
            han = len(_HAN.findall(p))
            if 2 <= han <= MAX_TERM_HAN:
                out.append(p)
            if han > 4:  # a long compound also lends its words (跨境贸易电子商务 -> 跨境, 电子商务)
                out.extend(w for w in _words(p) if len(w) >= 2 and _HAN.search(w))
        elif 1 <= len(p.split()) <= MAX_TERM_WORDS and len(p) >= 3 and re.search(r"[a-z]", p, re.I):
            out.append(p.lower())
    return out


def _words(text: str) -> list[str]:
    import jieba

    return [w for w in jieba.lcut(text, HMM=False) if w.strip()]


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int | float)]
    return []


# which fields of which record types are short identities (one vector each, pointing at the record)
_TITLE_FIELDS = ("title", "title_en", "title_zh")
# fields whose fragments become lexicon terms
_TERM_FIELDS = ("title", "title_en", "title_zh", "product", "hazard", "product_category",
                "hazard_category", "keywords", "products", "objectives", "respondent", "complainant")


def collect_record_fields(records: Iterable[dict[str, Any]], chunks: Iterable[dict[str, Any]]) -> list[FieldRow]:
    """Titles of every record except alerts (an alert's chunk is already its short form), and the
    heading of every provision chunk (an article or annex of a long document)."""
    out: list[FieldRow] = []
    seen: set[tuple[str, str]] = set()
    for row in records:
        if row.get("type") == "alert":
            continue
        ref = str(row["ref"])
        for key in _TITLE_FIELDS:
            text = _clean(row.get(key) or "")[:300]
            if text and (ref, text) not in seen:
                seen.add((ref, text))
                out.append(FieldRow(text, lang_of(text), "title", ref))
    for ch in chunks:
        heading = provision_heading(ch)
        if heading and (str(ch["ref"]), heading) not in seen:
            seen.add((str(ch["ref"]), heading))
            out.append(FieldRow(heading, lang_of(heading), "heading", str(ch["ref"]), str(ch["id"])))
    return out


_PROVISION = re.compile(r"^(?:Article|Annex|ANNEX|第.{1,6}[条章])\s*[\dIVXLC]*", re.M)


def provision_heading(chunk: dict[str, Any]) -> str | None:
    """'Article 18 Implant card and information to be supplied...' for a provision chunk."""
    cite = str(chunk.get("cite") or "")
    if not re.search(r"(?:Article|Annex|第.{1,6}[条章])", cite):
        return None
    text = str(chunk.get("text") or "")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][:4]
    # the heading is the line after "Article N" (or the rest of its line)
    title = ""
    for i, ln in enumerate(lines):
        if _PROVISION.match(ln):
            rest = _PROVISION.sub("", ln, count=1).strip(" .:-–—")
            title = rest or (lines[i + 1] if i + 1 < len(lines) else "")
            break
    title = _clean(re.sub(r"\((?:continued|续)\)", "", title))[:160]
    place = cite.split(",")[-1].strip()
    return f"{place} {title}".strip() if title else None


def collect_terms(records: Iterable[dict[str, Any]], vocab_dir: Path | None,
                  headings: Iterable[str] = ()) -> list[FieldRow]:
    """Distinct term-sized fragments of the corpus's short fields and the HS names.

    A fragment of a single alert's free-text product name ("marinated deer shoulder roast") is
    kept only when another record uses it too: the long tail of one-off names would double the
    embedding work and align to nothing a question says.
    """
    counts: dict[str, int] = {}
    always: set[str] = set()
    order: list[str] = []
    for row in records:
        mass = row.get("type") == "alert"
        for key in _TERM_FIELDS:
            for value in _as_list(row.get(key)):
                for t in split_terms(value):
                    key_t = t.lower()
                    if key_t not in counts:
                        order.append(t)
                    counts[key_t] = counts.get(key_t, 0) + 1
                    if not mass:
                        always.add(key_t)
    for text in [*headings, *_vocab_names(vocab_dir)]:
        for t in split_terms(text):
            if t.lower() not in counts:
                order.append(t)
            always.add(t.lower())
            counts.setdefault(t.lower(), 1)
    return [FieldRow(t, lang_of(t), "term") for t in order
            if t.lower() in always or counts[t.lower()] >= MIN_ALERT_TERM_COUNT]


_BODY_EN = re.compile(r"[a-z][a-z\-]*[a-z]")
_BODY_ZH = re.compile(r"[\u4e00-\u9fff]{2,}")


def collect_body_terms(chunks: Iterable[dict[str, Any]], known: set[str]) -> list[FieldRow]:
    """The words the documents themselves use (死亡, threat, 试点, rail), each once, when at least
    BODY_TERM_MIN_DF chunks use it and the short fields did not already give it.

    Why: the short fields name products and titles; a question about what a text says (how many
    days after a death, a pilot for rail containers) asks in words found only in the text, and a
    phrase can only be aligned to a term of the other language that is in the lexicon.
    """
    from assistant.index.tokenize import is_stop_word

    df: dict[str, int] = {}
    for ch in chunks:
        text = str(ch.get("text") or "")
        words = set(_BODY_ZH.findall(" ".join(_words(text)))) if ch.get("lang") == "zh" else {
            w for w in _BODY_EN.findall(text.lower()) if len(w) >= 3}
        for w in words:
            df[w] = df.get(w, 0) + 1
    return [FieldRow(w, lang_of(w), "term") for w in sorted(df)
            if df[w] >= BODY_TERM_MIN_DF and w not in known and not is_stop_word(w)]


def _vocab_names(vocab_dir: Path | None) -> list[str]:
    """HS descriptions (English) and Chinese tariff names from corpus/vocab, when present."""
    if vocab_dir is None or not vocab_dir.is_dir():
        return []
    names: list[str] = []
    for path in sorted(vocab_dir.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            # English HS descriptions only: Chinese product names reach HS codes through the
            # tariff vocabulary already (retrieve/products.py)
            # (chapters and headings: the 6-digit lines are mostly "Other" and long qualifiers)
            cols = [c for c in (reader.fieldnames or []) if c == "description"]
            for rec in reader:
                if str(rec.get("level") or "4") in ("2", "4"):
                    names.extend(str(rec.get(c) or "") for c in cols)
    return names


def term_hubness(rows: list[FieldRow], vectors: np.ndarray, k: int = HUB_K, block: int = 1024) -> np.ndarray:
    """Each term's mean cosine to its k nearest terms of the other language (0 for fields).

    Why: a generic term ("pepper", "products") sits close to many words of the other language and
    would win the nearest-neighbour vote for all of them (hubness). Ranking translations by
    cosine minus half this (CSLS, Conneau et al. 2018, "Word translation without parallel data")
    lets the specific term through: 花椒 -> sichuan pepper rather than a fourth capsicum variant.
    """
    hub = np.zeros(len(rows), dtype=np.float32)
    by_lang = {lang: [i for i, r in enumerate(rows) if r.kind == "term" and r.lang == lang] for lang in ("zh", "en")}
    for lang, idx in by_lang.items():
        other = vectors[by_lang["en" if lang == "zh" else "zh"]]
        kk = min(k, len(other))
        if not idx or not kk:
            continue
        for i in range(0, len(idx), block):
            part = idx[i : i + block]
            sims = vectors[part] @ other.T
            hub[part] = -np.partition(-sims, kk - 1, axis=1)[:, :kk].mean(axis=1)
    return hub


@dataclass
class FieldIndex:
    """The vectors of a generation's record fields and terms (rows aligned with `rows`)."""

    rows: list[FieldRow]
    vectors: np.ndarray  # float32, L2-normalised, (len(rows), dim)
    hub: np.ndarray  # float32 per row: term hubness (term_hubness), computed once at ingest

    @property
    def size(self) -> int:
        return len(self.rows)

    def save(self, gen: Path) -> None:
        np.savez(
            gen / FIELDS_FILE,
            vectors=self.vectors.astype(np.float16),
            hub=self.hub.astype(np.float32),
            text=np.asarray([r.text for r in self.rows], dtype=object),
            meta=np.asarray([[r.lang, r.kind, r.ref or "", r.chunk or ""] for r in self.rows], dtype=object),
        )

    @classmethod
    def load(cls, gen: Path) -> FieldIndex | None:
        path = gen / FIELDS_FILE
        if not path.exists():
            return None
        with np.load(path, allow_pickle=True) as data:
            texts = data["text"].tolist()
            meta = data["meta"].tolist()
            vectors = np.asarray(data["vectors"], dtype=np.float32)
            hub = np.asarray(data["hub"], dtype=np.float32) if "hub" in data.files else None
        rows = [FieldRow(t, m[0], m[1], m[2] or None, m[3] or None) for t, m in zip(texts, meta, strict=True)]
        return cls(rows, vectors, hub if hub is not None else term_hubness(rows, vectors))


def build_field_index(
    records: list[dict[str, Any]],
    chunks: list[dict[str, Any]],
    embed: Callable[[list[str]], np.ndarray],
    vocab_dir: Path | None,
    previous: FieldIndex | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> FieldIndex:
    """Record fields and terms with vectors; strings the previous generation embedded are reused."""
    fields = collect_record_fields(records, chunks)
    headings = [f.text.split(" ", 2)[-1] for f in fields if f.kind == "heading"]
    terms = collect_terms(records, vocab_dir, headings)
    rows = fields + terms + collect_body_terms(chunks, {t.text.lower() for t in terms})
    known: dict[str, np.ndarray] = {}
    if previous is not None:
        for r, v in zip(previous.rows, previous.vectors, strict=True):
            known.setdefault(r.text, v)
    todo = sorted({r.text for r in rows if r.text not in known})
    for i in range(0, len(todo), EMBED_BATCH):
        block = todo[i : i + EMBED_BATCH]
        for text, vec in zip(block, embed(block), strict=True):
            known[text] = np.asarray(vec, dtype=np.float32)
        if progress is not None:
            progress("fields", min(i + EMBED_BATCH, len(todo)), len(todo))
    dim = next(iter(known.values())).shape[0] if known else 0
    vectors = np.stack([known[r.text] for r in rows]) if rows else np.zeros((0, dim), dtype=np.float32)
    return FieldIndex(rows, vectors, term_hubness(rows, vectors))
