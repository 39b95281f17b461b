"""The default chunker: what a search in either language needs, in stable, sized chunks."""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
from pathlib import Path

import pytest

from assistant.ingest.chunking import (
    BODY_LIMIT,
    chunk_record,
    cn_to_int,
    detect_language,
    pack,
    pack_paragraphs,
)
from assistant.records import (
    Alert,
    Announcement,
    BaseRecord,
    Chunk,
    Dates,
    Dispute,
    KeyDate,
    Notification,
    Regulation,
)

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "ingest_chunking"


def gacc(number: str) -> Announcement:
    """A real GACC announcement from the fixture file, as the GACC loader would build it."""
    for line in (FIXTURES / "gacc_sample.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["announcement_number"] == number:
            return Announcement(
                ref=f"海关总署{number}" if number.startswith("公告") else number,
                title=number,
                text=row["content"],
                language="zh",
                markets=["CHN"],
                category=row["category"],
                document_type=row["document_type"],
                dates=Dates(published=dt.date.fromisoformat(row["issue_date"])),
                source="GACC fixture row",
                licence="official announcement",
            )
    raise KeyError(number)


def rasff_alerts() -> list[Alert]:
    with (FIXTURES / "rasff_sample.csv").open(encoding="utf-8-sig") as fh:
        return [
            Alert(
                ref=f"RASFF {row['Reference']}",
                title=row["Product"],
                product=row["Product"],
                product_category=row["Product Category"],
                hazard=row["Hazard Substance"],
                hazard_category=row["Hazard Category"],
                origin=row["Country Origin"],
                origin_code="CHN",
                notifying_country=row["Notification From"],
                markets=["EU"],
                dates=Dates(event=dt.datetime.strptime(row["Date of Case"], "%b %d, %Y").date()),
                source="RASFF Window fixture rows",
                licence="CC BY 4.0",
            )
            for row in csv.DictReader(fh)
        ]


def bilingual() -> Regulation:
    return Regulation(
        ref="Regulation (EU) fixture 1/2017",
        title="Fixture regulation on medical devices",
        title_zh="医疗器械法规（测试样例）",
        summary_en="Fixture: devices need a conformity assessment before the CE marking.",
        summary_zh="测试样例：器械在加贴CE标志前需进行合格评定。",
        scope_en="Fixture scope: medical devices for human use.",
        scope_zh="测试范围：人用医疗器械。",
        requirements_en=["technical documentation", "post-market surveillance"],
        requirements_zh=["技术文件", "上市后监督"],
        conformity_en="Notified body for class IIa and above.",
        conformity_zh="IIa类及以上须经公告机构。",
        key_dates=[
            KeyDate(
                date=dt.date(2021, 5, 26),
                what_en="fixture date of application",
                what_zh="测试适用日期",
            )
        ],
        keywords=["medical devices", "医疗器械", "CE marking"],
        markets=["EU"],
        hs=["9018"],
        ntm=["B83"],
        dates=Dates(published=dt.date(2017, 5, 5)),
        source="fixture written for this test",
        licence="CC BY 4.0",
    )


def test_bilingual_record_gives_an_english_and_a_chinese_chunk() -> None:
    rec = bilingual()
    chunks = chunk_record(rec)
    assert [c.lang for c in chunks] == ["en", "zh"]
    en, zh = chunks
    for c in chunks:  # both quote the ref and the original title, so exact-ref search finds both
        assert rec.ref in c.text and rec.title in c.text
        assert c.ref == rec.ref and c.cite == rec.ref and c.place is None
        assert c.markets == ["EU"] and c.hs == ["9018"] and c.ntm == ["B83"]
        assert c.type == "regulation" and c.date == dt.date(2017, 5, 5)
    assert "conformity assessment before the CE marking" in en.text
    assert "- post-market surveillance" in en.text
    assert "2021-05-26: fixture date of application" in en.text
    assert "medical devices, CE marking" in en.text and "医疗器械法规" not in en.text
    for words in (
        "医疗器械法规（测试样例）",
        "合格评定",
        "- 上市后监督",
        "测试范围",
        "2021-05-26: 测试适用日期",
        "关键词: 医疗器械",
    ):
        assert words in zh.text
    assert "Notified body" not in zh.text


def test_english_only_record_gives_one_chunk() -> None:
    (alert, *_) = rasff_alerts()
    alert.keywords = ["kitchen utensils"]
    (chunk,) = chunk_record(alert)
    assert chunk.lang == "en" and chunk.ref == "RASFF 2024.8041"
    for words in (
        "Product: Łyżka kuchenna (tablespoon)",
        "Product category: Food contact materials",
        "Hazard: Primary aromatic amines",
        "Origin: China",
        "Notified by: Poland",
        "Keywords: kitchen utensils",
    ):
        assert words in chunk.text
    assert chunk.date == dt.date(2024, 10, 30)


def test_alert_is_one_compact_bilingual_chunk() -> None:
    """Alerts are most of the corpus: one short chunk carries both languages' search words."""
    (alert, *_) = rasff_alerts()
    alert.keywords = ["kitchen utensils", "厨具"]
    (chunk,) = chunk_record(alert)
    assert "Keywords: kitchen utensils" in chunk.text and "关键词: 厨具" in chunk.text
    assert "RASFF 2024.8041" in chunk.text and "Product: Łyżka kuchenna (tablespoon)" in chunk.text
    assert len(chunk.text) < 600


def test_notification_and_dispute_fields_are_searchable() -> None:
    note = Notification(
        ref="G/TBT/N/FIXTURE/1/Add.1",
        title="Fixture notification on toys",
        agreement="TBT",
        member="FIXTURE",
        core_symbol="G/TBT/N/FIXTURE/1",
        suffix="Add.1",
        products="Toys (HS 9503)",
        summary_en="Fixture description of content.",
        dates=Dates(distributed=dt.date(2020, 1, 2), comment_deadline=dt.date(2020, 3, 2)),
        source="fixture",
        licence="fixture",
    )
    (c,) = chunk_record(note)
    for words in (
        "G/TBT/N/FIXTURE/1/Add.1",
        "Fixture notification on toys",
        "Products: Toys (HS 9503)",
        "Fixture description of content.",
        "comment deadline 2020-03-02",
    ):
        assert words in c.text
    dispute = Dispute(
        ref="DS999",
        title="Fixture dispute",
        complainant="Fixtureland",
        respondent="Testonia",
        agreements=["TBT Art. 2.2"],
        source="fixture",
        licence="fixture",
    )
    (d,) = chunk_record(dispute)
    assert "Complainant: Fixtureland" in d.text and "Agreements cited: TBT Art. 2.2" in d.text


def test_long_chinese_announcement_is_split_into_parts() -> None:
    rec = gacc("公告〔2024〕134号")
    assert len(rec.text) > 3000
    chunks = chunk_record(rec)
    assert [c.lang for c in chunks] == ["zh"] * len(chunks)  # nothing English to say
    assert [c.place for c in chunks] == [None] + [f"part {n}" for n in range(2, len(chunks) + 1)]
    header = f"{rec.ref} {rec.title}"
    for c in chunks[1:]:
        assert c.text.startswith(header + "\n")
        assert len(c.text) <= BODY_LIMIT + len(header) + 1
    assert "文件类型: 海关规范性文件" in chunks[0].text
    # every sentence of the body is in some chunk, in order, cut only at 。 ； or line ends
    body = "".join(c.text.split("\n", 1)[1] if c.place else c.text.split("\n")[-1] for c in chunks)
    assert body.replace("\n", "") == rec.text.replace("\n", "")
    for c in chunks[:-1]:
        assert c.text.endswith(("。", "；")), c.text[-20:]


def test_short_announcement_is_one_chunk() -> None:
    rec = gacc("公告〔2024〕139号")
    (chunk,) = chunk_record(rec)
    assert chunk.lang == "zh" and rec.text in chunk.text and chunk.markets == ["CHN"]


def test_chinese_legal_text_is_cut_at_its_articles() -> None:
    rec = gacc("署令〔2024〕272号")
    chunks = chunk_record(rec)
    places = [c.place for c in chunks]
    assert places[0] is None
    articles = list(dict.fromkeys(p for p in places if p))
    assert articles[:3] == ["第一条", "第二条", "第三条"]
    assert len(articles) > 50
    assert [cn_to_int(p[1:-1]) for p in articles] == list(range(1, len(articles) + 1))
    seventh = next(c for c in chunks if c.place == "第七条")
    assert "第二章 税款的计征" in seventh.text  # the chapter heading opens its first article
    ids = [c.id for c in chunks]
    assert len(set(ids)) == len(ids)


def test_ids_are_stable_and_unique() -> None:
    records = [bilingual(), gacc("公告〔2024〕134号"), gacc("署令〔2024〕272号"), *rasff_alerts()]
    first = [(c.id, c.text) for r in records for c in chunk_record(r)]
    second = [(c.id, c.text) for r in records for c in chunk_record(r.model_copy(deep=True))]
    assert first == second
    assert len({i for i, _ in first}) == len(first)
    # an id is a function of ref, place, language and sequence only
    assert chunk_record(bilingual())[1].id == Chunk.make_id(
        "Regulation (EU) fixture 1/2017", None, "zh", 0
    )


def test_fast_enough_for_the_whole_corpus() -> None:
    alerts = rasff_alerts()
    records: list[BaseRecord] = [
        alerts[i % len(alerts)].model_copy(update={"ref": f"RASFF fixture.{i}"})
        for i in range(5000)
    ]
    records += [gacc("公告〔2024〕134号")] * 100
    start = time.perf_counter()
    n = sum(len(chunk_record(r)) for r in records)
    elapsed = time.perf_counter() - start
    assert n >= 5100
    assert elapsed < 2.0, f"{elapsed:.2f} s for {len(records)} records"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("出口蓝牙耳机到欧盟需要什么认证?", "zh"),
        ("Which certificate for Bluetooth headsets?", "en"),
        ("欧盟MDR (EU) 2017/745 医疗器械法规", "zh"),
        ("", "en"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_cn_numbers() -> None:
    assert [cn_to_int(s) for s in ("一", "十", "十二", "二十", "一百零三", "25", "条")] == [
        1,
        10,
        12,
        20,
        103,
        25,
        None,
    ]


def test_pack_balances_and_respects_the_limit() -> None:
    assert pack([1250, 1300, 50], 2500) == [(0, 1), (1, 3)]
    assert pack([100] * 30, 2500) == [(0, 15), (15, 30)]
    assert pack([3000, 10], 2500) == [(0, 1), (1, 2)]
    paras = [f"Fixture sentence number {i} is here." for i in range(200)]
    parts = pack_paragraphs(paras, 1500)
    assert all(len(p) <= 1500 for p in parts)
    assert "\n".join(parts) == "\n".join(paras)
