"""Cross-lingual alignment: a generic term must not win every nearest-neighbour vote (hubness)."""

from __future__ import annotations

import numpy as np

from assistant.index.fields import FieldIndex, FieldRow, term_hubness
from assistant.retrieve.align import Aligner, Phrase


def _unit(v: list[float]) -> np.ndarray:
    a = np.asarray(v, dtype=np.float32)
    return a / np.linalg.norm(a)


def _index() -> FieldIndex:
    # "pepper" sits between all the Chinese words; "sichuan pepper" is close to 花椒 alone
    rows = [FieldRow("pepper", "en", "term"), FieldRow("sichuan pepper", "en", "term"),
            FieldRow("花椒", "zh", "term"), FieldRow("辣椒", "zh", "term"), FieldRow("甜椒", "zh", "term")]
    vecs = np.stack([_unit([1, 1, 1, 0.2]), _unit([1.6, 0.2, 0.2, 0.2]),
                     _unit([1, 0, 0, 0.1]), _unit([0, 1, 0, 0.1]), _unit([0, 0, 1, 0.1])])
    return FieldIndex(rows, vecs, term_hubness(rows, vecs))


def test_a_term_close_to_many_words_is_a_hub() -> None:
    fields = _index()
    assert fields.hub[0] > fields.hub[1]  # pepper is near all three Chinese words
    assert fields.hub[2] > 0 and fields.hub[3] > 0


def test_the_specific_translation_ranks_before_the_hub() -> None:
    fields = _index()
    query = fields.vectors[2:3]  # 花椒
    assert float(fields.vectors[0] @ query[0]) < float(fields.vectors[1] @ query[0]) + 0.1  # close call
    phrase = Phrase("花椒", 0, 2)
    Aligner(fields).translate([phrase], query)
    assert phrase.translations and phrase.translations[0][0] == "sichuan pepper"


def test_hubness_survives_a_save_and_an_old_index(tmp_path) -> None:  # type: ignore[no-untyped-def]
    fields = _index()
    fields.save(tmp_path)
    again = FieldIndex.load(tmp_path)
    assert again is not None and np.allclose(again.hub, fields.hub)
    # an index written before hubness was stored: computed on load
    with np.load(tmp_path / "fields.npz", allow_pickle=True) as data:
        np.savez(tmp_path / "fields.npz", vectors=data["vectors"], text=data["text"], meta=data["meta"])
    old = FieldIndex.load(tmp_path)
    assert old is not None and np.allclose(old.hub, fields.hub, atol=1e-2)  # vectors are stored as float16


def test_words_the_documents_use_become_terms() -> None:
    from assistant.index.fields import collect_body_terms

    chunks = [{"lang": "en", "text": "In the event of death the report shall be provided within 10 days."},
              {"lang": "en", "text": "A death or a serious public health threat must be reported."},
              {"lang": "en", "text": "Death of a patient: the report is due immediately."},
              {"lang": "zh", "text": "开展铁路运输试点，试点期间海关实施监管。"},
              {"lang": "zh", "text": "试点企业应当向海关报告。"},
              {"lang": "zh", "text": "铁路口岸试点扩大。"}]
    terms = {r.text: r for r in collect_body_terms(chunks, known={"report"})}
    assert "death" in terms and terms["death"].lang == "en" and terms["death"].kind == "term"
    assert "试点" in terms and terms["试点"].lang == "zh"
    assert "the" not in terms  # a function word is no term
    assert "report" not in terms  # the short fields gave it already
    assert "patient" not in terms  # in one chunk only: too rare to align to
