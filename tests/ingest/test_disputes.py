"""The WTO dispute loader on the shipped list: counts, known disputes, bad rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.ingest import disputes, eping, gacc, rasff
from assistant.ingest.base import LoadResult
from assistant.records import Dispute

ROOT = Path(__file__).resolve().parents[2]
CSV = ROOT / "corpus" / "wto_disputes" / "wto_disputes.csv"
HEADER = ",title,complainant,consultation_requested,curr_stat,cited,maker_pr\n"
OTHER_FILES = [
    ROOT / "corpus" / "rasff" / "rasff_2020_to_2024-10-30.csv",
    ROOT / "corpus" / "gacc" / "gacc_regulations.jsonl",
    ROOT / "corpus" / "gacc" / "citizen_qa.json",
    ROOT / "tests" / "fixtures" / "eping" / "Notification_EN_fixture.xlsx",
    ROOT / "tests" / "fixtures" / "eping" / "api_fixture.json",
]


@pytest.fixture(scope="module")
def loaded() -> LoadResult:
    return disputes.load(CSV)


@pytest.fixture(scope="module")
def by_ref(loaded: LoadResult) -> dict[str, Dispute]:
    return {d.ref: d for d in loaded.records if isinstance(d, Dispute)}


def test_all_disputes_load_clean(loaded: LoadResult, by_ref: dict[str, Dispute]) -> None:
    assert [str(i) for i in loaded.issues] == []
    assert len(by_ref) == 538
    assert {"DS1", "DS538"} <= set(by_ref)


def test_tbt_and_sps_counts(by_ref: dict[str, Dispute]) -> None:
    assert sum("TBT" in d.keywords for d in by_ref.values()) == 53
    assert sum("SPS" in d.keywords for d in by_ref.values()) == 46


def test_tuna_dispute(by_ref: dict[str, Dispute]) -> None:
    d = by_ref["DS381"]
    assert d.title.startswith("United States — Measures Concerning the Importation")
    assert d.respondent == "United States"
    assert d.markets == ["USA"]
    assert d.complainant == "Mexico"
    assert d.dates.published == dt.date(2008, 10, 24)
    assert "Technical Barriers to Trade (TBT): Art. 2, 5, 6, 8" in d.agreements
    assert "TBT" in d.keywords and "SPS" not in d.keywords
    assert d.url and d.url.endswith("ds381_e.htm")


def test_first_dispute_and_eu_respondent(by_ref: dict[str, Dispute]) -> None:
    ds1 = by_ref["DS1"]
    assert ds1.respondent == "Malaysia" and ds1.markets == ["MYS"]
    assert ds1.complainant == "Singapore"
    assert ds1.dates.published == dt.date(1995, 1, 10)
    assert ds1.agreements == ["GATT 1994: Art. X, XI, XVIII", "Import Licensing: Art. 3"]
    hormones = by_ref["DS26"]
    assert hormones.respondent == "European Communities" and hormones.markets == ["EU"]
    assert {"TBT", "SPS"} <= set(hormones.keywords)


def test_every_dispute_has_a_respondent_market(by_ref: dict[str, Dispute]) -> None:
    assert all(d.respondent and len(d.markets) == 1 for d in by_ref.values())


def test_wto_style_complainant_names(by_ref: dict[str, Dispute]) -> None:
    assert by_ref["DS2"].complainant == "Venezuela, Bolivarian Republic of"
    assert by_ref["DS3"].respondent == "Korea, Republic of" and by_ref["DS3"].markets == ["KOR"]


def test_bad_rows_are_reported_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "disputes.csv"
    path.write_text(
        HEADER
        + 'DS9001,Fixtureland — Fixture Measure,UNITED STATES,1 MAY 2001,IN CONSULTATIONS,'
        '"[\'Technical Barriers to Trade (TBT): Art. 2\']",0\n'
        + "DS9002,Fixture — Too Few Columns\n"  # line 3
        + ',No Number — Fixture,CHINA,1 MAY 2001,IN CONSULTATIONS,"[]",0\n'  # line 4
        + 'DS9003,Canada — Fixture Bad Cited,CHINA,31 FEBRUARY 2001,IN CONSULTATIONS,'
        '"__import__(\'os\')",0\n',  # line 5: never evaluated; warnings, row kept
        encoding="utf-8",
    )
    result = disputes.load(path)
    assert [d.ref for d in result.records] == ["DS9001", "DS9003"]
    errors = {i.line for i in result.issues if i.severity == "error"}
    warnings = {i.line for i in result.issues if i.severity == "warning"}
    assert errors == {3, 4} and warnings == {5}
    bad = result.records[1]
    assert isinstance(bad, Dispute)
    assert bad.agreements == [] and bad.dates.published is None and bad.markets == ["CAN"]


def test_parse_cited_is_safe() -> None:
    assert disputes.parse_cited("['GATT 1994: Art. I']") == ["GATT 1994: Art. I"]
    assert disputes.parse_cited("__import__('os').system('true')") is None
    assert disputes.parse_cited("[1, 2]") is None


def test_sniff_own_file_and_rejects_others() -> None:
    assert disputes.sniff(CSV, CSV.read_bytes()[:4096])
    for other in OTHER_FILES:
        assert not disputes.sniff(other, other.read_bytes()[:4096]), other.name
    head = CSV.read_bytes()[:4096]
    for module in (rasff, eping, gacc):
        assert not module.sniff(CSV, head), module.NAME
