"""The China Customs (GACC) loader on the shipped files: counts, known records, bad lines."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from assistant.ingest import disputes, eping, gacc, rasff
from assistant.ingest.base import LoadResult
from assistant.records import Announcement

ROOT = Path(__file__).resolve().parents[2]
GACC = ROOT / "corpus" / "gacc"
REGULATIONS = GACC / "gacc_regulations.jsonl"
INTERPRETATIONS = GACC / "policy_interpretations.json"
QA = GACC / "citizen_qa.json"
OWN_FILES = [REGULATIONS, INTERPRETATIONS, QA]
OTHER_FILES = [
    ROOT / "corpus" / "rasff" / "rasff_2020_to_2024-10-30.csv",
    ROOT / "corpus" / "wto_disputes" / "wto_disputes.csv",
    ROOT / "tests" / "fixtures" / "eping" / "Notification_EN_fixture.xlsx",
    ROOT / "tests" / "fixtures" / "eping" / "api_fixture.json",
]


@pytest.fixture(scope="module")
def regulations() -> LoadResult:
    return gacc.load(REGULATIONS)


def by_ref(result: LoadResult) -> dict[str, Announcement]:
    return {r.ref: r for r in result.records if isinstance(r, Announcement)}


def test_corpus_folder_carries_source_and_licence() -> None:
    assert (GACC / "SOURCE.txt").read_text(encoding="utf-8").startswith("Dataset:")
    assert "MIT" in (GACC / "LICENSE.txt").read_text(encoding="utf-8")
    assert not (GACC / "cn_tariff_lines_8digit_zh.csv").exists()


def test_280_lines_give_257_announcements(regulations: LoadResult) -> None:
    lines = [ln for ln in REGULATIONS.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert len(lines) == 280
    # 23 announcements were crawled twice (with and without their download links): merged
    assert len(regulations.records) == 257
    assert len(by_ref(regulations)) == 257
    assert all(i.severity == "warning" for i in regulations.issues)
    assert sum("merged" in i.message for i in regulations.issues) == 23
    assert all(r.kind == "announcement" and r.language == "zh" for r in by_ref(regulations).values())


def test_bluetongue_announcement(regulations: LoadResult) -> None:
    a = by_ref(regulations)["海关总署公告〔2024〕151号"]
    assert a.title == "关于防止北马其顿蓝舌病传入我国的公告"
    assert a.markets == ["CHN", "MKD"]
    assert a.issuer == "海关总署 农业农村部"
    assert a.dates.published == dt.date(2024, 11, 1)
    assert a.dates.entry_into_force == dt.date(2024, 11, 1)
    assert a.status == "有效" and a.category == "其他" and a.document_type == "海关规范性文件"
    assert "禁止直接或间接从北马其顿输入反刍动物" in a.text
    assert "下载链接" not in a.text and "浏览次数" not in a.text
    assert "MIT" in a.licence and "customs_spider" in a.source


def test_the_text_says_when_an_announcement_applies(regulations: LoadResult) -> None:
    # the crawl's effective_date is the day it was published (2024-03-04); the measures it
    # publishes say 本办法自2024年4月15日起施行
    a = by_ref(regulations)["海关总署公告〔2024〕27号"]
    assert "本办法自2024年4月15日起施行" in a.text
    assert a.dates.entry_into_force == dt.date(2024, 4, 15)
    said = [i.message for i in regulations.issues if "〔2024〕27号" in i.message]
    assert said and "2024-04-15" in said[0]
    assert gacc.stated_start("本规定自2023年12月1日起施行。") == dt.date(2023, 12, 1)
    assert gacc.stated_start("本公告自发布之日起实施。") is None
    assert gacc.stated_start("本公告自2023年2月30日起实施。") is None


def test_decree_ref_and_fallback_title(regulations: LoadResult) -> None:
    d = by_ref(regulations)["海关总署令第272号"]
    assert d.title == "海关总署令第272号"
    assert d.document_type == "海关规章"
    assert d.dates.entry_into_force == dt.date(2024, 12, 1)


def test_merged_duplicate_keeps_title_and_dates(regulations: LoadResult) -> None:
    a = by_ref(regulations)["海关总署公告〔2024〕139号"]
    assert a.title == "关于解除智利高致病性禽流感疫情禁令的公告"
    assert a.markets == ["CHN", "CHL"]
    assert a.dates.published == dt.date(2024, 9, 27)


def test_most_announcements_name_a_country(regulations: LoadResult) -> None:
    with_country = [r for r in regulations.records if len(r.markets) > 1]
    assert len(with_country) >= 170  # the import bans / lifts and import protocols
    assert all(r.markets[0] == "CHN" for r in regulations.records)


def test_an_interpretation_links_the_announcement_it_quotes_and_names_its_countries() -> None:
    result = gacc.load(INTERPRETATIONS)
    cases = next(r for r in result.records if isinstance(r, Announcement) and r.ref.endswith("案例篇")
                 and "失信企业" in r.ref)
    # quoted as "海关总署2023年第170号公告", not 公告〔2023〕170号
    assert cases.related == ["海关总署公告〔2023〕170号"]
    gsp = next(r for r in result.records if isinstance(r, Announcement) and "普惠制" in r.ref
               and "欧盟成员国" in r.ref)
    assert "NOR" in gsp.mentions and "NOR" not in gsp.markets  # Norway still grants GSP: said in the text


def test_interpretations() -> None:
    result = gacc.load(INTERPRETATIONS)
    records = by_ref(result)
    assert len(result.records) == 220 and len(records) == 220
    assert all(r.kind == "interpretation" for r in records.values())
    # two items of the crawl have a title but no text: kept, with a warning
    assert [i.severity for i in result.issues] == ["warning", "warning"]
    ref = "海关总署政策解读：中华人民共和国海关对市内免税商店监管办法"
    assert records[ref].title == "关于《中华人民共和国海关对市内免税商店监管办法》的政策解读"
    # one title used for two documents: the second is told apart by the decree it explains
    twins = [r for r in records if r.startswith("海关总署政策解读：海关总署关于修改部分规章的决定")]
    assert len(twins) == 2


def test_citizen_qa_has_official_answers() -> None:
    result = gacc.load(QA)
    records = by_ref(result)
    assert len(records) == 7 and result.issues == []
    assert all(r.kind == "qa" and r.answer for r in records.values())
    q = records["海关总署留言答复：进境修理物品申报"]
    assert "84069000" in q.text
    assert q.category == "行邮监管"
    # two different questions share a title: both kept, with distinct refs
    assert len([r for r in records if r.startswith("海关总署留言答复：税款复核一个星期没有进度")]) == 2


def test_interpretation_subject() -> None:
    assert gacc.interpretation_subject("关于2024年第二批有关商品归类决定的政策解读") == (
        "2024年第二批有关商品归类决定"
    )
    assert gacc.interpretation_subject("政策解读——海关总署关于X的公告") == "海关总署关于X的公告"
    assert gacc.interpretation_subject("内河运费扣减举措及申报小贴士") == "内河运费扣减举措及申报小贴士"


def test_malformed_jsonl_lines_are_reported(tmp_path: Path) -> None:
    good = {
        "document_type": "海关规范性文件",
        "category": "其他",
        "announcement_number": "公告〔2024〕9001号",
        "issuing_authority": "海关总署",
        "issue_date": "2024-01-02",
        "effective_date": "not a date",
        "status": "有效",
        "content": "fixture：关于进口坦桑尼亚测试品的规定。公告下载链接：海关总署关于进口坦桑尼亚测试品检验检疫要求的公告.doc",
    }
    path = tmp_path / "gacc_regulations.jsonl"
    path.write_text(
        json.dumps(good, ensure_ascii=False)
        + "\n{not json\n"  # line 2
        + json.dumps({"announcement_number": "第9002号", "content": "x"}, ensure_ascii=False)  # 3
        + "\n[1, 2]\n",  # line 4
        encoding="utf-8",
    )
    result = gacc.load(path)
    assert [r.ref for r in result.records] == ["海关总署公告〔2024〕9001号"]
    rec = result.records[0]
    assert isinstance(rec, Announcement)
    assert rec.title == "关于进口坦桑尼亚测试品检验检疫要求的公告"
    assert rec.markets == ["CHN", "TZA"]
    assert rec.dates.entry_into_force is None
    errors = sorted(i.line for i in result.issues if i.severity == "error")
    assert errors == [2, 3, 4]
    assert [i.line for i in result.issues if i.severity == "warning"] == [1]


def test_broken_json_list_keeps_items_before_the_error(tmp_path: Path) -> None:
    path = tmp_path / "policy_interpretations.json"
    path.write_text(
        '[\n  {"title": "fixture 解读一", "content": "正文一"},\n  {"title": "fixture 解读二", oops}\n]\n',
        encoding="utf-8",
    )
    result = gacc.load(path)
    assert [r.title for r in result.records] == ["fixture 解读一"]
    assert result.issues and result.issues[0].line == 3


@pytest.mark.parametrize("path", OWN_FILES, ids=lambda p: p.name)
def test_sniff_own_files(path: Path) -> None:
    assert gacc.sniff(path, path.read_bytes()[:4096])
    for module in (rasff, disputes, eping):
        assert not module.sniff(path, path.read_bytes()[:4096]), module.NAME


@pytest.mark.parametrize("path", OTHER_FILES, ids=lambda p: p.name)
def test_sniff_rejects_others(path: Path) -> None:
    assert not gacc.sniff(path, path.read_bytes()[:4096])
