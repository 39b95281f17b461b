"""The ePing loader on made-up fixtures in the bulk-export (xlsx) and API (JSON) formats."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from assistant.ingest import disputes, eping, gacc, rasff
from assistant.ingest.base import LoadResult
from assistant.ingest.wto_members import WTO_MEMBERS, iso3
from assistant.records import Notification

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "eping"
XLSX = FIXTURES / "Notification_EN_fixture.xlsx"
API = FIXTURES / "api_fixture.json"
OTHER_FILES = [
    ROOT / "corpus" / "rasff" / "rasff_2020_to_2024-10-30.csv",
    ROOT / "corpus" / "wto_disputes" / "wto_disputes.csv",
    ROOT / "corpus" / "gacc" / "gacc_regulations.jsonl",
    ROOT / "corpus" / "gacc" / "policy_interpretations.json",
    ROOT / "corpus" / "gacc" / "citizen_qa.json",
]


@pytest.fixture(scope="module")
def xlsx() -> LoadResult:
    return eping.load(XLSX)


@pytest.fixture(scope="module")
def api() -> LoadResult:
    return eping.load(API)


def notes(result: LoadResult) -> dict[str, Notification]:
    return {r.ref: r for r in result.records if isinstance(r, Notification)}


def test_fixtures_are_labelled() -> None:
    assert "made-up" in (FIXTURES / "SOURCE.txt").read_text(encoding="utf-8").lower()
    for result in (eping.load(XLSX), eping.load(API)):
        assert all("/FIXTURE/" in r.ref for r in result.records)


# --- the bulk export ---------------------------------------------------------------------------


def test_xlsx_rows_load_and_symbols_are_normalised(xlsx: LoadResult) -> None:
    assert sorted(notes(xlsx)) == [
        "G/SPS/N/FIXTURE/7",
        "G/SPS/N/FIXTURE/7/Corr.1",
        "G/SPS/N/FIXTURE/7/Rev.1",
        "G/TBT/N/FIXTURE/1",
        "G/TBT/N/FIXTURE/1/Add.1",  # written g/tbt/n/fixture/1/add1
        "G/TBT/N/FIXTURE/1/Add.2",  # written G / TBT / N / FIXTURE / 1 / Add. 2
        "G/TBT/N/FIXTURE/2",
    ]


def test_xlsx_issues_carry_line_numbers(xlsx: LoadResult) -> None:
    by_line = {i.line: i for i in xlsx.issues}
    assert set(by_line) == {6, 8}
    assert by_line[8].severity == "error" and "no notification symbol" in by_line[8].message
    assert by_line[6].severity == "warning" and "31/02/2024" in by_line[6].message
    assert notes(xlsx)["G/SPS/N/FIXTURE/7/Rev.1"].dates.comment_deadline is None


def test_xlsx_core_notification_fields(xlsx: LoadResult) -> None:
    n = notes(xlsx)["G/TBT/N/FIXTURE/1"]
    assert n.agreement == "TBT" and n.member == "FIXTURE"
    assert n.core_symbol == "G/TBT/N/FIXTURE/1" and n.suffix is None
    assert n.markets == ["FIXTURE"]  # "Fixtureland"
    assert n.issuer == "Fixtureland"
    assert n.dates.distributed == dt.date(2024, 3, 5)  # an Excel date cell
    assert n.dates.comment_deadline == dt.date(2024, 5, 4)
    assert n.hs == ["851762"]  # the ICS code 33.050 is dropped
    assert n.objectives == ["Protection of human health or safety", "Consumer information, labelling"]
    assert n.products == "Wireless earphones"
    assert n.url == "https://example.org/fixture/G-TBT-N-FIXTURE-1"
    assert n.notification_type == "Regular notification"


def test_html_is_stripped_and_entities_decoded(xlsx: LoadResult) -> None:
    n = notes(xlsx)["G/TBT/N/FIXTURE/1"]
    assert "<" not in n.text and "&amp;" not in n.text
    assert n.text.startswith(
        "The fixture draft sets radio & electrical safety requirements for wireless earphones."
    )
    assert "Conformity assessment by a notified body" in n.text
    sps = notes(xlsx)["G/SPS/N/FIXTURE/7"]
    assert "<0.01 mg/kg>" in sps.text and "<strong>" not in sps.text


def test_dates_in_every_form(xlsx: LoadResult) -> None:
    n = notes(xlsx)
    assert n["G/TBT/N/FIXTURE/1/Add.1"].dates.distributed == dt.date(2024, 3, 5)  # 05/03/2024
    assert n["G/TBT/N/FIXTURE/1/Add.2"].dates.distributed == dt.date(2024, 9, 10)  # ISO
    assert n["G/TBT/N/FIXTURE/1/Add.2"].dates.comment_deadline is None  # "Not applicable"
    assert n["G/TBT/N/FIXTURE/2"].dates.distributed == dt.date(2024, 3, 5)  # serial 45356
    assert n["G/TBT/N/FIXTURE/2"].dates.comment_deadline == dt.date(2024, 5, 5)  # 5 May 2024


def test_addenda_group_under_their_core(xlsx: LoadResult) -> None:
    groups = eping.group_by_core(xlsx.records)
    assert [r.ref for r in groups["G/TBT/N/FIXTURE/1"]] == [
        "G/TBT/N/FIXTURE/1",
        "G/TBT/N/FIXTURE/1/Add.1",
        "G/TBT/N/FIXTURE/1/Add.2",
    ]
    assert [r.ref for r in groups["G/SPS/N/FIXTURE/7"]] == [
        "G/SPS/N/FIXTURE/7",
        "G/SPS/N/FIXTURE/7/Corr.1",  # distributed 2024-02-20
        "G/SPS/N/FIXTURE/7/Rev.1",  # distributed 2024-04-15
    ]
    add = notes(xlsx)["G/TBT/N/FIXTURE/1/Add.1"]
    assert add.core_symbol == "G/TBT/N/FIXTURE/1" and add.suffix == "Add.1"
    assert add.related == ["G/TBT/N/FIXTURE/1"]
    assert add.notification_type == "Addendum"
    core = notes(xlsx)["G/TBT/N/FIXTURE/1"]
    assert set(core.related) == {"G/TBT/N/FIXTURE/1/Add.1", "G/TBT/N/FIXTURE/1/Add.2"}


def test_sps_keywords(xlsx: LoadResult) -> None:
    n = notes(xlsx)["G/SPS/N/FIXTURE/7"]
    assert n.agreement == "SPS"
    assert {"SPS", "Pesticides", "Maximum residue limits (MRLs)"} <= set(n.keywords)
    assert n.hs == ["0810", "081040"]
    assert "Regions or countries affected: All trading partners" in n.text


# --- the API JSON ------------------------------------------------------------------------------


def test_api_items_load(api: LoadResult) -> None:
    assert sorted(notes(api)) == [
        "G/SPS/N/FIXTURE/9",
        "G/SPS/N/FIXTURE/9/Add.1",
        "G/TBT/N/FIXTURE/3",
        "G/TBT/N/FIXTURE/3/Add.1",
        "G/TBT/N/FIXTURE/3/Corr.1",
        "G/TBT/N/FIXTURE/4",
        "G/TBT/N/FIXTURE/4/Rev.1/Add.1",
    ]
    errors = [i for i in api.issues if i.severity == "error"]
    warnings = [i for i in api.issues if i.severity == "warning"]
    assert len(errors) == 1 and "no notification symbol" in errors[0].message
    assert errors[0].line == 70  # the line where the item without a symbol starts
    assert len(warnings) == 1 and "not-a-date 2024" in warnings[0].message


def test_api_fields(api: LoadResult) -> None:
    n = notes(api)["G/TBT/N/FIXTURE/3"]
    assert n.title == "Fixture draft rules on lithium batteries for e-bikes"
    assert n.text.startswith("Sets fixture safety tests for lithium-ion batteries of e-bikes.")
    assert 'Marking "FX" required.' in n.text
    assert n.dates.distributed == dt.date(2024, 6, 3)
    assert n.dates.comment_deadline == dt.date(2024, 8, 2)
    assert n.dates.entry_into_force == dt.date(2025, 1, 1)
    assert n.hs == ["850760", "871160"]
    assert n.objectives == [
        "Protection of human health or safety",
        "Prevention of deceptive practices and consumer protection",
    ]
    honey = notes(api)["G/SPS/N/FIXTURE/9"]
    assert honey.hs == ["0409"] and honey.products == "Natural honey"
    assert {"Honey", "Certification"} <= set(honey.keywords)
    fridge = notes(api)["G/TBT/N/FIXTURE/4"]
    assert fridge.hs == ["841821"]  # the ICS entry is dropped
    assert fridge.notification_type == "Regular notification"
    assert "A–G" in fridge.text


def test_api_revision_addendum_groups_under_core(api: LoadResult) -> None:
    n = notes(api)["G/TBT/N/FIXTURE/4/Rev.1/Add.1"]
    assert n.core_symbol == "G/TBT/N/FIXTURE/4" and n.suffix == "Rev.1/Add.1"
    groups = eping.group_by_core(api.records)
    assert [r.ref for r in groups["G/TBT/N/FIXTURE/3"]] == [
        "G/TBT/N/FIXTURE/3",
        "G/TBT/N/FIXTURE/3/Corr.1",
        "G/TBT/N/FIXTURE/3/Add.1",
    ]


def test_api_list_at_top_level_and_eu_member_id(tmp_path: Path) -> None:
    path = tmp_path / "eping.json"
    path.write_text(
        json.dumps(
            [
                {
                    "documentSymbol": "G/TBT/N/EU/9999",
                    "notifyingMember": {"id": "U918", "name": "European Union"},
                    "title": "Fixture EU item",
                    "distributionDate": "2024-01-01",
                }
            ]
        ),
        encoding="utf-8",
    )
    result = eping.load(path)
    assert result.issues == []
    [n] = result.records
    assert isinstance(n, Notification)
    assert n.markets == ["EU"] and n.member == "EU"


def test_broken_inputs_are_issues_not_exceptions(tmp_path: Path) -> None:
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"items": [ {"documentSymbol": "G/TBT/N/FIXTURE/5",', encoding="utf-8")
    assert eping.load(bad_json).issues[0].line == 1
    bad_xlsx = tmp_path / "bad.xlsx"
    bad_xlsx.write_bytes(b"PK\x03\x04 not really a workbook")
    result = eping.load(bad_xlsx)
    assert result.records == [] and "cannot open workbook" in result.issues[0].message
    no_header = tmp_path / "other.xlsx"
    wb = Workbook()
    wb.active.append(["Name", "Value"])
    wb.active.append(["a", 1])
    wb.save(no_header)
    assert not eping.sniff(no_header, no_header.read_bytes()[:4096])
    assert "no sheet with an ePing header" in eping.load(no_header).issues[0].message


# --- helpers -----------------------------------------------------------------------------------


def test_hs_codes_keep_hs_and_drop_ics() -> None:
    assert eping.hs_codes(["8517.62 - Telephones; ICS 33.050; 97.040.50; 0702"]) == ["851762", "0702"]
    assert eping.hs_codes([702, "HS: 8471"]) == ["0702", "8471"]


def test_clean_text() -> None:
    assert eping.clean_text("<p>a &amp; b</p><p>c&nbsp;d</p>") == "a & b\n\nc d"
    assert eping.clean_text("x &lt;y&gt;") == "x <y>"


def test_member_table() -> None:
    assert len(WTO_MEMBERS) >= 164
    assert iso3("European Union") == "EU"
    assert iso3("Fixtureland") == "FIXTURE"
    assert iso3("Korea, Republic of") == "KOR" and iso3("Chinese Taipei") == "TWN"
    assert iso3("Türkiye") == iso3("Turkey") == "TUR"
    assert iso3("Viet Nam") == iso3("Vietnam") == "VNM"


# --- sniffing ----------------------------------------------------------------------------------


def test_sniff_own_files_and_rejects_others() -> None:
    for own in (XLSX, API):
        head = own.read_bytes()[:4096]
        assert eping.sniff(own, head)
        for module in (rasff, disputes, gacc):
            assert not module.sniff(own, head), (module.NAME, own.name)
    for other in OTHER_FILES:
        assert not eping.sniff(other, other.read_bytes()[:4096]), other.name
