"""Search on the shared small index (tests/conftest.py): what a user checks in the results."""

from __future__ import annotations

import pytest

from assistant.config import Settings
from assistant.retrieve.products import hs_matches
from assistant.retrieve.search import NO_ANSWER_THRESHOLD, Searcher, get_searcher


@pytest.fixture(scope="module")
def searcher(small_index: Settings) -> Searcher:
    return get_searcher(small_index)


def refs(searcher: Searcher, query: str, k: int = 10, **kw: object) -> list[str]:
    return [h.ref for h in searcher.search(query, k, **kw).hits]  # type: ignore[arg-type]


def test_exact_symbol_comes_first_with_its_addenda(searcher: Searcher) -> None:
    hits = searcher.search("G/TBT/N/USA/867", 10).hits
    assert [h.ref for h in hits[:3]] == ["G/TBT/N/USA/867", "G/TBT/N/USA/867/Add.1", "G/TBT/N/USA/867/Add.2"]
    assert all("exact" in h.matched_by and h.score == pytest.approx(1.0, abs=0.01) for h in hits[:3])


@pytest.mark.parametrize("query", ["g/tbt/n/usa/867/add.2", "G / TBT / N / USA / 867 Add 2", "G/TBT/N/USA/867 补遗2"])
def test_quoted_addendum_comes_first(searcher: Searcher, query: str) -> None:
    got = refs(searcher, query)
    assert got[0] == "G/TBT/N/USA/867/Add.2"
    assert {"G/TBT/N/USA/867", "G/TBT/N/USA/867/Add.1"} <= set(got[:3])


def test_exact_rasff_and_announcement_refs(searcher: Searcher) -> None:
    assert refs(searcher, "海关总署公告〔2024〕151号")[0] == "海关总署公告〔2024〕151号"
    assert refs(searcher, "海关总署2024年第151号公告说了什么")[0] == "海关总署公告〔2024〕151号"
    some_alert = next(r for r in searcher.index.record_rows if r.startswith("RASFF "))
    assert refs(searcher, some_alert.lower().replace(" ", ""))[0] == some_alert


def test_requirements_question_in_loose_chinese(searcher: Searcher) -> None:
    got = refs(searcher, "蓝牙耳机出口德国要啥认证", 5)
    assert got[0] == "Directive 2014/53/EU"  # Germany brings in the EU's radio equipment directive


def test_market_filter(searcher: Searcher) -> None:
    hits = searcher.search("wireless earbuds certification", 10, market="JPN").hits
    assert hits and all("JPN" in h.markets for h in hits)
    hits = searcher.search("wireless earbuds certification", 10, market="德国").hits
    assert hits and all({"DEU", "EU"} & set(h.markets) for h in hits)
    assert "Directive 2014/53/EU" in [h.ref for h in hits]


def test_type_filter(searcher: Searcher) -> None:
    hits = searcher.search("goji berries", 10, type="alert").hits
    assert hits and all(h.type == "alert" for h in hits)
    hits = searcher.search("toys", 10, type=["regulation", "case"]).hits
    assert hits and all(h.type in ("regulation", "case") for h in hits)


def test_hs_filter_is_hierarchical(searcher: Searcher) -> None:
    hits = searcher.search("electromagnetic compatibility CE", 20, hs="851830").hits
    assert hits and all(any(hs_matches("851830", code) for code in h.hs) for h in hits)
    got = [h.ref for h in hits]
    assert "Directive 2014/30/EU" in got  # filed under chapters 84/85: 85 covers 851830
    assert "Directive 2014/53/EU" in got  # filed under 8518


def test_one_hit_per_record(searcher: Searcher) -> None:
    # curated records have a Chinese and an English chunk: both match, the record counts once
    for query in ("RED指令 无线电设备指令 Radio Equipment Directive", "玩具安全 toy safety EN 71"):
        got = refs(searcher, query, 20)
        assert got and len(got) == len(set(got))


def test_chinese_question_finds_english_only_records(searcher: Searcher) -> None:
    # RASFF alerts are written in English only
    hits = searcher.search("我们的枸杞在欧盟被通报了怎么办?", 5).hits
    assert hits and hits[0].type == "alert" and "goji" in hits[0].title.lower()


def test_scores_are_relevance_in_order(searcher: Searcher) -> None:
    hits = searcher.search("plastic food contact materials migration", 10).hits
    assert hits
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(NO_ANSWER_THRESHOLD <= s <= 1.0 for s in scores)


@pytest.mark.parametrize("query", ["", "   ", "\n"])
def test_empty_query_returns_nothing(searcher: Searcher, query: str) -> None:
    assert searcher.search(query, 10).hits == []


@pytest.mark.parametrize(
    "query",
    ["asdkjh qwe zxcvb", "今天天气怎么样", "给我推荐一个红烧肉的菜谱", "出口巴西的咖啡机需要INMETRO认证吗",
     "Do I need SONCAP for Nigeria?"],
)
def test_nothing_relevant_returns_nothing(searcher: Searcher, query: str) -> None:
    assert searcher.search(query, 10).hits == []


def test_min_score_lowers_the_bar(searcher: Searcher) -> None:
    weak = searcher.search("asdkjh qwe zxcvb", 5, min_score=0.0).hits
    assert all(h.score < NO_ANSWER_THRESHOLD for h in weak)  # shown only because the caller asked
    low = searcher.search("kettle", 10, min_score=0.0).hits
    high = searcher.search("kettle", 10).hits
    assert len(low) >= len(high)


@pytest.mark.parametrize("mode", ["lexical", "dense"])
def test_single_side_modes_run(searcher: Searcher, mode: str) -> None:
    resp = searcher.search("toy safety directive", 5, mode=mode, min_score=0.0)
    assert set(resp.timings_ms) >= {"analyze", "lexical", "dense", "fuse", "total"}


def test_long_odd_input_does_not_crash(searcher: Searcher) -> None:
    text = "\x00\u200b ｇ／ｔｂｔ／ｎ／ｕｓａ／８６７ " + "蓝牙耳机 " * 500 + "🙂" * 50
    resp = searcher.search(text, 5)
    assert resp.hits and resp.hits[0].ref == "G/TBT/N/USA/867"


def test_a_rule_named_by_its_words_and_head_noun(searcher: Searcher) -> None:
    # "product safety regulation" is one phrase (the cue word is the head of the words before it),
    # and lone everyday words (name, where, appear) do not pull titles of every kind
    q = ("I sell phone cases on Amazon.fr straight from Shenzhen, no company in Europe. A friend says the new EU "
         "product safety regulation means I need someone in the EU. When did that start, and where does their "
         "name have to appear?")
    assert refs(searcher, q)[0] == "Regulation (EU) 2023/988"


def test_a_lone_latin_letter_weighs_nothing_even_inside_a_weak_tariff_guess(searcher: Searcher) -> None:
    """"Form E" in "can we print the Form E ourselves": the letter cannot be covered on its own, and a
    weak HS guess spread over the sentence does not make it a product word."""
    from assistant.retrieve.concepts import Concept

    weak = Concept("e", {"e"}, hs=[("9029", 0.268)])
    sure = Concept("c", {"c"}, hs=[("2936", 0.95)])
    scores = {"e": None, "c": None}
    assert searcher._weight(weak, scores, 8.0) == 0.0  # type: ignore[arg-type]
    assert searcher._weight(sure, scores, 8.0) > 0.0  # type: ignore[arg-type]


@pytest.mark.parametrize(("title", "any_goods"), [
    ("海关总署关于不再对输欧盟成员国、英国、加拿大等国家货物签发普惠制原产地证书的公告", True),
    ("海关总署关于出口越南乳品检验检疫要求的公告", False),  # dairy only
    ("中华人民共和国进出口税则", False),  # the tariff of imports and exports alike, not an export procedure
])
def test_an_export_procedure_whose_title_names_no_goods_concerns_any_goods(
        searcher: Searcher, title: str, any_goods: bool) -> None:
    from assistant.retrieve.analyze import PRODUCT_SIGNAL
    from assistant.retrieve.relevance import for_any_goods

    def names_goods(text: str) -> bool:
        return any(c.confidence >= PRODUCT_SIGNAL for c in searcher.vocab.lookup(text, k=3))

    assert for_any_goods({"type": "announcement", "title": title}, names_goods) is any_goods


def test_a_rule_whose_hs_list_sums_up_a_kind_of_goods_covers_a_product_of_that_kind() -> None:
    """Japan's food law names chapters 16, 20 and 21 of HS section IV (prepared foodstuffs):
    dumplings (1902.20, section IV too) are no mismatch; toys (95) and earphones (85) still are."""
    from assistant.retrieve.relevance import section_rule

    food_law = ["03", "07", "08", "16", "20", "21", "3923"]
    assert section_rule([("190220", 0.95)], food_law)
    assert not section_rule([("9503", 0.95)], food_law)
    assert not section_rule([("851830", 0.95)], ["8516", "9405"])  # one chapter of XVI is no summary
