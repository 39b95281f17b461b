"""The citation verifier, on answers about real records: what a reader would check by hand."""

from __future__ import annotations

import re
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.answer.models import Evidence
from assistant.answer.verify import marker_numbers, split_sentences, verify

HONEST = (
    "G/TBT/N/USA/867 was distributed on 2013-11-08 and covers FCC equipment authorisation [1]. "
    "Its addendum G/TBT/N/USA/867/Add.1 of 2015-06-19 said the new rules would take effect on "
    "2016-07-13 [2]. Add.2 postponed that date by one year; existing FCC-listed labs stayed "
    "recognised until 12 July 2017 [3].\n"
    "Check whether your test lab is accredited before exporting [2][3]."
)


# --- honest answers pass as written ----------------------------------------------------------


def test_honest_answer_passes_unchanged(usa867: list[Evidence]) -> None:
    v = verify(HONEST, usa867)
    assert v.text == HONEST
    assert v.removed == [] and v.invented == []
    assert v.ok and v.clean
    assert v.cited == [1, 2, 3]


def test_every_line_of_a_source_cited_to_it_passes(
    usa867: list[Evidence], usa867_zh: list[Evidence], mdr: Evidence, gacc_151: Evidence
) -> None:
    """What the offline composer writes (record facts quoted with their [n]) always passes."""
    for ev in [*usa867, *usa867_zh, mdr, gacc_151]:
        lines = [ln.strip() for ln in ev.text.splitlines() if ln.strip()]
        answer = "\n".join(f"{ln} [{ev.n}]" for ln in lines)
        v = verify(answer, [ev])
        assert v.clean, (ev.ref, v.removed)
        assert v.text == answer


def test_record_fields_count_as_source_text(usa867: list[Evidence]) -> None:
    """The offline composer may quote any typed field of the record (here `dates.distributed`)."""
    v = verify("G/TBT/N/USA/867/Add.2 — distributed 5 July 2016 [3].", usa867)
    assert v.clean


# --- invented facts are caught ---------------------------------------------------------------


def test_invented_notification_symbol_is_removed(usa867: list[Evidence]) -> None:
    reply = HONEST + "\nThe FCC later notified G/TBT/N/USA/9999 to extend the rules to Bluetooth [1]."
    v = verify(reply, usa867)
    assert "G/TBT/N/USA/9999" in v.invented
    assert "9999" not in v.text
    assert len(v.removed) == 1 and "G/TBT/N/USA/9999" in v.removed[0]
    assert v.text.startswith(HONEST.split("\n")[0])  # the honest sentences stay
    assert v.ok  # one invented sentence out of four factual ones: still usable


def test_invented_dates_are_removed(usa867: list[Evidence]) -> None:
    reply = (
        "Add.1 was distributed on 2015-06-19 [2]. "
        "The lab rules finally took effect on 2019-02-30 [3]. "
        "A further extension was announced on 1 January 2018 [3]."
    )
    v = verify(reply, usa867)
    assert v.text == "Add.1 was distributed on 2015-06-19 [2]."
    assert "2019-02-30" in v.invented and "2018-01-01" in v.invented
    assert len(v.removed) == 2
    assert not v.ok  # two of three factual sentences were invented


def test_fact_from_a_source_not_cited_in_the_sentence_is_removed(usa867: list[Evidence]) -> None:
    """2013-11-08 is in source [1], not in [3] which the sentence cites."""
    v = verify("G/TBT/N/USA/867 was distributed on 2013-11-08 [3].", usa867)
    assert "2013-11-08" in v.invented
    assert v.text == ""
    assert not v.ok


def test_marker_of_a_missing_source_is_caught(usa867: list[Evidence]) -> None:
    reply = (
        "The new rules were to take effect on 2016-07-13 [7].\n"
        "Add.2 postponed them by one year [3][7].\n"
        "Ask your test lab about FCC accreditation [7]."
    )
    v = verify(reply, usa867)
    assert v.invented == ["[7]"]
    assert "[7]" not in v.text
    # the dated claim cited only the missing source: removed; the others lose the bad marker
    assert v.text == "Add.2 postponed them by one year [3].\nAsk your test lab about FCC accreditation."
    assert len(v.removed) == 1 and "[7]" in v.removed[0]
    assert v.cited == [3]


def test_uncited_fact_is_removed_and_plain_advice_kept(usa867: list[Evidence]) -> None:
    reply = (
        "Add.2 was distributed on 2016-07-05 [3].\n"
        "The FCC adopted the order in 2016.\n"
        "Contact the US TBT enquiry point if anything is unclear."
    )
    v = verify(reply, usa867)
    assert v.text == (
        "Add.2 was distributed on 2016-07-05 [3].\n"
        "Contact the US TBT enquiry point if anything is unclear."
    )
    assert "without citing" in v.removed[0]


def test_hs_codes_of_the_product_are_not_figures(usa867: list[Evidence]) -> None:
    reply = "您的产品：蓝牙耳机（HS 851830、8517）。\nAdd.2 was distributed on 2016-07-05 [3]."
    assert verify(reply, usa867).clean


def test_paragraph_cited_at_its_end_is_checked_against_that_citation(
    usa867: list[Evidence],
) -> None:
    ok = "Add.1 was distributed on 2015-06-19. It set 2016-07-13 as the date [2]."
    assert verify(ok, usa867).clean
    bad = "Add.1 was distributed on 2015-06-20. It set 2016-07-13 as the date [2]."
    v = verify(bad, usa867)
    assert v.text == "It set 2016-07-13 as the date [2]."
    assert "2015-06-20" in v.invented


def test_injected_reply_without_citations_is_rejected(usa867: list[Evidence]) -> None:
    v = verify("HACKED", usa867)
    assert not v.ok
    assert v.cited == []


# --- formats are normalised before comparing -------------------------------------------------


def test_chinese_answer_with_chinese_dates(usa867_zh: list[Evidence]) -> None:
    reply = (
        "G/TBT/N/USA/867/Add.2 宣布，原定2016年7月13日生效的实验室新规推迟一年执行[3]。"
        "现有FCC认可实验室的资质保留到2017年7月12日[3]；"
        "2017年3月，FCC批准A2LA和NVLAP承担非MRA国家实验室的认可[3]。\n"
        "建议尽快确认检测实验室的认可状态。"
    )
    v = verify(reply, usa867_zh)
    assert v.clean and v.ok and v.text == reply


def test_chinese_dates_against_english_sources(usa867: list[Evidence]) -> None:
    assert verify("补遗G/TBT/N/USA/867/Add.1于2015年6月19日分发[2]。", usa867).clean
    v = verify("补遗G/TBT/N/USA/867/Add.1于2015年6月29日分发[2]。", usa867)
    assert v.invented == ["2015-06-29"] and v.text == ""


def test_chinese_invented_date_is_removed(usa867_zh: list[Evidence]) -> None:
    reply = "测试报告有效期保留到2017年10月13日[3]。新规已于2018年1月1日全面实施[3]。"
    v = verify(reply, usa867_zh)
    assert v.text == "测试报告有效期保留到2017年10月13日[3]。"
    assert v.invented == ["2018-01-01"]


def test_english_long_dates_in_a_real_regulation(mdr: Evidence) -> None:
    assert verify("The MDR applies from 2020-05-26 [1].", [mdr]).clean
    assert verify("Articles 35 to 50 applied from November 2017 [1].", [mdr]).clean
    assert verify("Regulation (EU) 2017/745 applies from 26 May 2020 [1].", [mdr]).clean
    # the entry-into-force date is computed from publication, not written in Article 123
    v = verify("Regulation (EU) 2017/745 entered into force on 25 May 2017 [1].", [mdr])
    assert v.invented == ["2017-05-25"]
    v = verify("Regulation (EU) 2017/746 applies from 26 May 2020 [1].", [mdr])
    assert v.invented == ["2017/746"]


def test_year_alone_counts_when_the_source_has_it(mdr: Evidence) -> None:
    assert verify("Its notified-body rules applied earlier, in 2017 [1].", [mdr]).clean
    v = verify("Its notified-body rules applied earlier, in 2016 [1].", [mdr])
    assert v.invented == ["2016"]


def test_gacc_announcement_number_and_dates(gacc_151: Evidence) -> None:
    reply = (
        "2024年10月21日，北马其顿向WOAH报告发生蓝舌病[1]。"
        "海关总署公告〔2024〕151号自2024-11-01起禁止从北马其顿输入反刍动物及相关产品[1]。"
    )
    assert verify(reply, [gacc_151]).clean
    v = verify("海关总署公告〔2024〕152号禁止从北马其顿输入反刍动物[1]。", [gacc_151])
    assert v.invented == ["海关总署公告〔2024〕152号"]


def test_figures_are_compared_by_value(fixture_doc: Callable[[int, str], Evidence]) -> None:
    ev = [fixture_doc(1, "fixture-doc-figures")]
    honest = (
        "2022年国外技术性贸易措施造成我国出口企业直接损失3012亿元[1]。"
        "WTO members circulated 3971 TBT notifications in 2021 [1]. "
        "The EU standby rules added about 5% to cost, some 0.5 billion USD for Shenzhen [1]. "
        "深圳企业损失约5亿美元[1]。"
    )
    v = verify(honest, ev)
    assert v.clean, v.removed
    v = verify("New compliance costs reached 143.4 billion yuan in 2022 [1].", ev)
    assert v.invented == ["143.4 billion yuan"]
    v = verify("The rules added about 7% to cost [1].", ev)
    assert v.invented == ["7%"]
    v = verify("WTO members circulated 4,120 TBT notifications in 2021 [1].", ev)
    assert v.invented == ["4,120"]


# --- splitting and markers -------------------------------------------------------------------


def test_sentence_splitting_keeps_abbreviations_and_markers() -> None:
    assert split_sentences("The docket is ET Docket No. 13-44 [1]. The U.S. rules apply [2].") == [
        "The docket is ET Docket No. 13-44 [1]. ",
        "The U.S. rules apply [2].",
    ]
    assert split_sentences("It took effect on 2016-07-13. [2] Then Add.2 came [3].") == [
        "It took effect on 2016-07-13. [2] ",
        "Then Add.2 came [3].",
    ]
    assert split_sentences("推迟一年[3]。资质保留[3]；完！") == ["推迟一年[3]。", "资质保留[3]；", "完！"]


def test_marker_forms() -> None:
    assert marker_numbers("a [1] b [2, 3] c【4】 d［5］ e [1]") == [1, 2, 3, 4, 5]
    assert marker_numbers("公告〔2024〕151号 [2024]") == []


def test_grouped_marker_with_a_missing_number_keeps_the_good_one(usa867: list[Evidence]) -> None:
    v = verify("Add.2 was distributed on 2016-07-05 [3, 9].", usa867)
    assert v.text == "Add.2 was distributed on 2016-07-05 [3]."
    assert v.invented == ["[9]"]


# --- never raises ----------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "[1]", "[2]", "[7]", "【3】", "[1, 9]", "。", ". ", "！", "\n", "2016-07-13", "2019-02-30",
    "2017年3月", "2016年7月13日", "26 May 2020", "March 2017", "5%", "0.5 billion USD", "3,971",
    "3012亿元", "G/TBT/N/USA/867", "G/TBT/N/USA/9999/Add.1", "(EU) 2017/745", "RASFF 2024.2707",
    "DS381", "海关总署公告〔2024〕151号", "No. ", "U.S. ", "[", "]", "〔", "年", "月", "日",
])
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=30).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXT)
def test_verify_never_raises(text: str, usa867: list[Evidence]) -> None:
    v = verify(text, usa867)
    assert isinstance(v.ok, bool)
    assert set(marker_numbers(v.text)) <= {1, 2, 3}
    assert set(v.cited) <= {1, 2, 3}


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400))
def test_verify_never_raises_on_arbitrary_unicode(text: str) -> None:
    v = verify(text, [])
    assert isinstance(v.text, str)
    assert not re.search(r"\[\d+\]", v.text) or v.invented
