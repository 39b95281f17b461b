"""Everyday words: what the language at large uses often but the corpus hardly does."""

from __future__ import annotations

from assistant.retrieve.everyday import EverydayWords


def _rows(lang: str, text: str, n: int) -> list[dict[str, str]]:
    return [{"lang": lang, "text": text} for _ in range(n)]


def test_common_words_the_corpus_never_uses_are_everyday_and_rare_words_are_not() -> None:
    corpus = _rows("en", "Salmonella in frozen chicken from Poland notified by Germany " * 6, 2000)
    corpus += _rows("zh", "海关总署关于进口冷冻禽肉检验检疫要求的公告 " * 20, 500)
    words = EverydayWords.from_chunks(corpus)
    assert words.is_everyday("start", df=0)  # everyone says it; no record does
    assert words.is_everyday("就是", df=0)
    assert not words.is_everyday("dolphin", df=0)  # rare everywhere: a topic, however unseen
    assert not words.is_everyday("海豚", df=0)
    assert not words.is_everyday("start", df=int(words.expected_df("start")))  # the corpus uses it as often as anyone


def test_an_empty_corpus_has_no_everyday_words() -> None:
    assert not EverydayWords.from_chunks([]).is_everyday("start", df=0)


def test_what_search_derives_from_a_generation_is_kept_beside_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from assistant.retrieve.derived import DERIVED_FILE, derived_for

    records = {"a": {"language": "zh", "text": "自2021年12月1日起，不再签发普遍优惠制（GSP）原产地证书。"}}
    chunks = _rows("zh", "海关总署关于进口冷冻禽肉检验检疫要求的公告", 40)
    first = derived_for(tmp_path, records, chunks)
    assert (tmp_path / DERIVED_FILE).is_file()
    again = derived_for(tmp_path, {}, [])  # read back, not recomputed from the (now empty) rows
    assert again.abbreviations == first.abbreviations
    assert again.everyday.stats() == first.everyday.stats()
    (tmp_path / DERIVED_FILE).write_text("{broken", encoding="utf-8")
    assert derived_for(tmp_path, records, chunks).abbreviations == first.abbreviations  # rebuilt, no crash
