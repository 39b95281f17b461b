"""Cross-lingual alignment and short-field matching, from the generation's field index.

A question's content phrases (runs of topic words: 植入卡, bananas, cross-border e-commerce) are
embedded with the question in one call. Each phrase is aligned to the nearest lexicon terms of the
other language (index/fields.py); the terms' words then count as translations of the phrase in
lexical search and coverage. The question and its phrases are also compared with every record's
short fields (titles, provision headings): the best field similarity per record is dense evidence
at full strength, where a whole-record vector would be diluted.

Thresholds are properties of the embedder's similarity scale, not of any question: a single term
and its translation score 0.6-0.9 with USE-m3, unrelated terms under 0.45.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from assistant.index.fields import FieldIndex, lang_of

ALIGN_MIN = 0.62  # cosine from which a term of the other language counts as a translation
ALIGN_MARGIN = 0.06  # terms within this of the best one are translations too
ALIGN_TOP = 3  # translations kept per phrase
FIELD_MIN = 0.45  # field similarity from which a record becomes a candidate
FIELD_TOP = 30  # records brought in by their fields per query
MAX_PHRASES = 12


@dataclass
class Phrase:
    """A run of topic words in the question, with its character span in the folded text."""

    text: str
    start: int
    end: int
    translations: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class FieldMatch:
    """A record whose short field is close to the question (or to one of its phrases)."""

    ref: str
    cosine: float
    text: str
    chunk: str | None = None  # the provision chunk a heading belongs to


class Aligner:
    """Per-generation matrices of terms (by language) and record fields."""

    def __init__(self, fields: FieldIndex | None) -> None:
        self.ok = fields is not None and fields.size > 0
        rows = fields.rows if fields is not None else []
        vectors = fields.vectors if fields is not None else np.zeros((0, 1), dtype=np.float32)
        hub = fields.hub if fields is not None else np.zeros(0, dtype=np.float32)
        self._terms: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
        for lang in ("zh", "en"):
            idx = [i for i, r in enumerate(rows) if r.kind == "term" and r.lang == lang]
            mat = vectors[idx] if idx else np.zeros((0, vectors.shape[1]), np.float32)
            self._terms[lang] = ([rows[i].text for i in idx], mat, hub[idx] if idx else np.zeros(0, np.float32))
        fidx = [i for i, r in enumerate(rows) if r.ref]
        self._field_rows = [rows[i] for i in fidx]
        self._field_vecs = vectors[fidx] if fidx else np.zeros((0, vectors.shape[1]), np.float32)

    def translate(self, phrases: list[Phrase], vecs: np.ndarray) -> None:
        """Fill each phrase's translations: the nearest terms of the other language."""
        if not self.ok:
            return
        for p, v in zip(phrases, vecs, strict=True):
            other = "en" if lang_of(p.text) == "zh" else "zh"
            texts, mat, hub = self._terms[other]
            if not len(texts):
                continue
            sims = mat @ v
            order = np.argsort(-(sims - hub / 2))[: ALIGN_TOP * 3]  # CSLS order (index/fields.py)
            best = float(sims[order].max())
            if best < ALIGN_MIN:
                continue
            for i in order:
                s = float(sims[i])
                if s < max(ALIGN_MIN, best - ALIGN_MARGIN) or len(p.translations) >= ALIGN_TOP:
                    break
                p.translations.append((texts[i], s))

    def field_matches(self, vecs: np.ndarray) -> dict[str, FieldMatch]:
        """Per record, its best short-field similarity to the question or any of its phrases."""
        if not self.ok or not len(self._field_rows) or not len(vecs):
            return {}
        sims = self._field_vecs @ vecs.T  # (fields, 1 + phrases)
        best = sims.max(axis=1)
        out: dict[str, FieldMatch] = {}
        for i in np.argsort(-best)[: FIELD_TOP * 3]:
            s = float(best[i])
            if s < FIELD_MIN:
                break
            row = self._field_rows[int(i)]
            assert row.ref is not None
            cur = out.get(row.ref)
            if cur is None or s > cur.cosine:
                out[row.ref] = FieldMatch(row.ref, s, row.text, row.chunk)
            if len(out) >= FIELD_TOP:
                break
        return out
