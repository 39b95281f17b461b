"""The RASFF loader on the shipped export: counts, known alerts, one vocabulary, bad rows."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from assistant.ingest import disputes, eping, gacc, rasff
from assistant.ingest.base import LoadResult
from assistant.records import Alert

ROOT = Path(__file__).resolve().parents[2]
CSV = ROOT / "corpus" / "rasff" / "rasff_2020_to_2024-10-30.csv"
HEADER = (
    '\ufeff"Date of Case",Reference,"Notification From","Country Origin",Product,'
    '"Product Category","Hazard Substance","Hazard Category"\n'
)
OTHER_FILES = [
    ROOT / "corpus" / "wto_disputes" / "wto_disputes.csv",
    ROOT / "corpus" / "gacc" / "gacc_regulations.jsonl",
    ROOT / "corpus" / "gacc" / "policy_interpretations.json",
    ROOT / "tests" / "fixtures" / "eping" / "Notification_EN_fixture.xlsx",
    ROOT / "tests" / "fixtures" / "eping" / "api_fixture.json",
]


@pytest.fixture(scope="module")
def loaded() -> LoadResult:
    return rasff.load(CSV)


@pytest.fixture(scope="module")
def by_ref(loaded: LoadResult) -> dict[str, Alert]:
    return {a.ref: a for a in loaded.records if isinstance(a, Alert)}


def origins(alert: Alert) -> list[str]:
    return (alert.origin_code or "").split("; ")


def test_every_row_loads_clean(loaded: LoadResult) -> None:
    assert [str(i) for i in loaded.issues] == []
    assert len(loaded.records) == 21_871
    assert len({r.ref for r in loaded.records}) == 21_871


def test_loads_fast() -> None:
    start = time.perf_counter()
    rasff.load(CSV)
    assert time.perf_counter() - start < 5.0


def test_china_origin_count(by_ref: dict[str, Alert]) -> None:
    china = [a for a in by_ref.values() if "CHN" in origins(a)]
    assert len(china) == 1_379
    assert all("China" in (a.origin or "") for a in china)


def test_known_alert_food_contact_material_from_china(by_ref: dict[str, Alert]) -> None:
    a = by_ref["RASFF 2024.8041"]
    assert a.system == "RASFF"
    assert a.product == "Łyżka kuchenna (tablespoon)"
    assert a.product_category == "Food contact materials"
    assert a.hazard == "Primary aromatic amines - migration"
    assert a.hazard_category == "Migration"
    assert a.origin == "China" and a.origin_code == "CHN"
    assert a.notifying_country == "Poland"
    assert a.markets == ["EU", "POL"]
    assert a.dates.event == dt.date(2024, 10, 30)
    assert a.title == "Primary aromatic amines - migration in Łyżka kuchenna (tablespoon) from China"
    assert {"3924", "7323"} <= set(a.hs)
    assert a.language == "en"
    assert {"食品接触材料", "中国"} <= set(a.keywords)  # Chinese questions reach the alert
    assert a.licence == "CC BY 4.0 — Source: European Commission, RASFF Window"
    assert "M00N69/RASFFPORTAL" in a.source


def test_alert_without_hazard_still_has_a_title(by_ref: dict[str, Alert]) -> None:
    a = by_ref["RASFF 2024.7999"]
    assert a.hazard is None and a.hazard_category is None
    assert a.title == "Butterfly pea flowers from Netherlands"


def test_repeated_hazards_collapse(by_ref: dict[str, Alert]) -> None:
    a = by_ref["RASFF 2024.8040"]  # "Cadmium - heavy metals; Cadmium - heavy metals"
    assert a.hazard == "Cadmium - heavy metals"
    assert a.hazard_category == "Heavy metals"


def test_old_2020_vocabulary_is_normalised(by_ref: dict[str, Alert]) -> None:
    old = by_ref["RASFF 2019.4503"]  # 2020 row: "France (FR)", "prepared dishes and snacks"
    assert old.notifying_country == "France"
    assert old.markets == ["EU", "FRA"]
    assert old.product_category == "Prepared dishes and snacks"
    # "microbial contaminants (other)" for Listeria is a pathogen in today's vocabulary
    assert old.hazard_category == "Pathogenic micro-organisms"


def test_same_category_same_name_across_years(by_ref: dict[str, Alert]) -> None:
    by_year: dict[str, set[str]] = {}
    for a in by_ref.values():
        assert a.dates.event is not None
        by_year.setdefault(str(a.dates.event.year), set()).add(a.product_category or "")
    assert "Fruits and vegetables" in by_year["2020"] & by_year["2023"]
    assert "Fish and fish products" in by_year["2020"] & by_year["2023"]
    everything = set().union(*by_year.values())
    assert not any(c and c[0].islower() for c in everything)
    assert "Fish and products thereof" not in everything
    hazard_categories = {
        part for a in by_ref.values() for part in (a.hazard_category or "").split("; ") if part
    }
    assert "metals" not in hazard_categories and "n/a" not in hazard_categories
    assert not any(c[0].islower() for c in hazard_categories)


def test_multiple_origins_keep_all_codes(by_ref: dict[str, Alert]) -> None:
    multi = [a for a in by_ref.values() if a.origin == "Austria; China"]
    assert multi and all(a.origin_code == "AUT; CHN" for a in multi)


def test_european_commission_notifications_are_eu_only(by_ref: dict[str, Alert]) -> None:
    ec = [a for a in by_ref.values() if a.notifying_country == "European Commission"]
    assert ec and all(a.markets == ["EU"] for a in ec)


def test_malformed_rows_are_reported_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "rasff_bad.csv"
    path.write_text(
        HEADER
        + '"Oct 30, 2024","2024.1",Poland,China,"Fixture cup","Food contact materials",'
        '"Lead - migration - migration",Migration\n'
        + '"Oct 30, 2024","2024.2",Poland,China\n'  # line 3: too few columns
        + '"Oct 30, 2024",,Poland,China,"Fixture plate","Food contact materials",,\n'  # 4
        + '"Octember 99, 2024","2024.3",Poland,China,"Fixture","Fruits and vegetables",,\n'  # 5
        + '"Oct 29, 2024","2024.4",Italy,"unknown origin","Fixture figs","fruits and vegetables",'
        '"aflatoxins",mycotoxins\n',
        encoding="utf-8",
    )
    result = rasff.load(path)
    assert [r.ref for r in result.records] == ["RASFF 2024.1", "RASFF 2024.4"]
    lines = {i.line: i.message for i in result.issues}
    assert set(lines) == {3, 4, 5}
    assert "columns" in lines[3]
    assert "Reference" in lines[4]
    assert "Date of Case" in lines[5]
    figs = result.records[1]
    assert isinstance(figs, Alert)
    assert figs.origin_code is None and figs.title == "aflatoxins in Fixture figs"
    assert figs.product_category == "Fruits and vegetables"
    assert figs.hazard_category == "Mycotoxins"


def test_file_without_rasff_header_is_one_issue(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    result = rasff.load(path)
    assert result.records == [] and len(result.issues) == 1 and result.issues[0].line == 1


def test_sniff_own_file_and_rejects_others() -> None:
    assert rasff.sniff(CSV, CSV.read_bytes()[:4096])
    for other in OTHER_FILES:
        assert not rasff.sniff(other, other.read_bytes()[:4096]), other.name
    head = CSV.read_bytes()[:4096]
    for module in (disputes, eping, gacc):
        assert not module.sniff(CSV, head), module.NAME
