"""The curated loader: the shipped corpus loads clean, and bad files give readable issues."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from assistant.ingest import curated
from assistant.records import Regulation
from assistant.refs import normalise_symbol

CURATED = Path(__file__).resolve().parents[2] / "corpus" / "curated"
CURATED_FILES = sorted(p for p in CURATED.iterdir() if p.suffix in curated.SUFFIXES)

GOOD_ITEM = """\
- type: regulation
  ref: Regulation (EU) fixture 1/2000
  title: Fixture regulation
  source: fixture written for this test
  licence: CC BY 4.0
  markets: [eu]
  hs: ["9503.00"]
  dates:
    published: 2009-06-30
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the shipped corpus ------------------------------------------------------------------------


def test_curated_folder_has_files() -> None:
    assert any(p.name == "regulations_eu_uk.yaml" for p in CURATED_FILES)


@pytest.mark.parametrize("path", CURATED_FILES, ids=lambda p: p.name)
def test_every_curated_file_loads_without_issues(path: Path) -> None:
    assert curated.sniff(path, path.read_bytes()[:4096])
    result = curated.load(path)
    assert [str(i) for i in result.issues] == []
    assert result.records


def test_curated_refs_are_unique_across_files() -> None:
    seen: dict[str, str] = {}
    for path in CURATED_FILES:
        for rec in curated.load(path).records:
            assert rec.ref not in seen, f"{rec.ref} in {path.name} and {seen[rec.ref]}"
            seen[rec.ref] = path.name


def test_eu_uk_regulations_are_complete_and_bilingual() -> None:
    records = curated.load(CURATED / "regulations_eu_uk.yaml").records
    assert len(records) >= 24
    for rec in records:
        assert isinstance(rec, Regulation)
        assert rec.markets and set(rec.markets) <= {"EU", "GBR"}, rec.ref
        assert rec.title_en and rec.title_zh and rec.summary_en and rec.summary_zh, rec.ref
        assert rec.scope_en and rec.scope_zh, rec.ref
        assert 3 <= len(rec.requirements_en) <= 6, rec.ref
        assert len(rec.requirements_en) == len(rec.requirements_zh), rec.ref
        assert rec.conformity_en and rec.conformity_zh and rec.enquiry_en and rec.enquiry_zh, (
            rec.ref
        )
        assert rec.url and rec.url.startswith("https://"), rec.ref
        assert rec.as_of == dt.date(2026, 11, 1), rec.ref
        assert 10 <= len(rec.keywords) <= 20, rec.ref
        assert any(any("\u4e00" <= ch <= "\u9fff" for ch in k) for k in rec.keywords), rec.ref
        for kd in rec.key_dates:
            assert kd.what_zh, rec.ref


def test_eu_uk_regulations_answer_the_questions_exporters_ask() -> None:
    by_ref = {r.ref: r for r in curated.load(CURATED / "regulations_eu_uk.yaml").records}
    toys = by_ref["Directive 2009/48/EC"]
    assert "95" in toys.hs and "玩具" in " ".join(toys.keywords)
    mdr = by_ref["Regulation (EU) 2017/745"]
    assert mdr.dates.entry_into_force == dt.date(2017, 5, 25)
    standby = by_ref["Regulation (EC) No 1275/2008"]
    assert "G/TBT/N/EU/86" in standby.notifications
    msr = by_ref["Regulation (EU) 2019/1020"]
    assert "G/TBT/N/EU/542" in msr.notifications
    red = by_ref["Directive 2014/53/EU"]
    assert "蓝牙耳机" in red.keywords


def test_eu_uk_links_point_at_records_we_ship() -> None:
    shipped = {rec.ref for path in CURATED_FILES for rec in curated.load(path).records}
    for rec in curated.load(CURATED / "regulations_eu_uk.yaml").records:
        assert set(rec.related) <= shipped, (rec.ref, set(rec.related) - shipped)
        assert isinstance(rec, Regulation)
        for symbol in rec.notifications:
            assert normalise_symbol(symbol) == symbol and symbol in shipped, symbol


# --- bad input ---------------------------------------------------------------------------------


def test_good_item_loads_with_normalised_fields(tmp_path: Path) -> None:
    path = write(tmp_path, "ok.yaml", GOOD_ITEM)
    result = curated.load(path)
    assert result.issues == []
    [rec] = result.records
    assert rec.markets == ["EU"] and rec.hs == ["950300"]
    assert rec.dates.published == dt.date(2009, 6, 30)


def test_malformed_yaml_is_one_issue_with_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path, "bad.yaml", GOOD_ITEM + "- type: regulation\n  title: [unclosed\n  ref: x\n"
    )
    result = curated.load(path)
    assert result.records == []
    [issue] = result.issues
    assert issue.path == str(path)
    assert issue.line in (11, 12)  # the parser stops at the line after the open bracket
    assert "invalid YAML" in issue.message and "line 11" in issue.message


def test_malformed_json_is_one_issue_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.json", '[\n  {"type": "regulation",\n   "ref": "x",,}\n]')
    result = curated.load(path)
    [issue] = result.issues
    assert issue.line == 3 and "invalid JSON" in issue.message


def test_item_missing_ref_is_reported_and_the_rest_load(tmp_path: Path) -> None:
    text = GOOD_ITEM + "- type: regulation\n  title: No ref here\n  source: s\n  licence: l\n"
    result = curated.load(write(tmp_path, "noref.yaml", text))
    assert [r.ref for r in result.records] == ["Regulation (EU) fixture 1/2000"]
    [issue] = result.issues
    assert issue.line == 10
    assert "item 2" in issue.message and "ref" in issue.message and "required" in issue.message


def test_unknown_type_is_reported(tmp_path: Path) -> None:
    text = "- type: rumour\n  ref: fixture-rumour-1\n  title: t\n  source: s\n  licence: l\n"
    [issue] = curated.load(write(tmp_path, "type.yaml", text)).issues
    assert issue.line == 1
    assert "fixture-rumour-1" in issue.message and "unknown record type 'rumour'" in issue.message


def test_bad_date_is_reported_for_that_item_only(tmp_path: Path) -> None:
    text = (
        "- type: regulation\n  ref: fixture-bad-date\n  title: t\n  source: s\n  licence: l\n"
        "  dates:\n    entry_into_force: 2017-02-30\n" + GOOD_ITEM
    )
    result = curated.load(write(tmp_path, "date.yaml", text))
    assert [r.ref for r in result.records] == ["Regulation (EU) fixture 1/2000"]
    [issue] = result.issues
    assert issue.line == 1
    assert "fixture-bad-date" in issue.message and "dates.entry_into_force" in issue.message


def test_duplicate_ref_reports_the_second(tmp_path: Path) -> None:
    result = curated.load(write(tmp_path, "dup.yaml", GOOD_ITEM + GOOD_ITEM))
    assert len(result.records) == 1
    [issue] = result.issues
    assert issue.line == 10 and "duplicate ref" in issue.message and "line 1" in issue.message


def test_records_mapping_and_json_forms(tmp_path: Path) -> None:
    indented = "".join("  " + ln + "\n" for ln in GOOD_ITEM.splitlines())
    yml = write(tmp_path, "wrapped.yml", "records:\n" + indented)
    assert curated.sniff(yml, yml.read_bytes())
    assert [r.ref for r in curated.load(yml).records] == ["Regulation (EU) fixture 1/2000"]

    items = [
        {"type": "case", "ref": "fixture-case-1", "title": "t", "source": "s", "licence": "l"},
        {"type": "case", "title": "t", "source": "s", "licence": "l"},
    ]
    js = write(tmp_path, "cases.json", json.dumps({"records": items}, indent=2))
    assert curated.sniff(js, js.read_bytes())
    result = curated.load(js)
    assert [r.ref for r in result.records] == ["fixture-case-1"]
    [issue] = result.issues
    assert issue.line == 10 and "item 2" in issue.message


def test_sniff_rejects_other_files(tmp_path: Path) -> None:
    config = write(tmp_path, "config.yaml", "name: tbt\nitems: [1, 2]\n")
    strings = write(tmp_path, "list.yaml", "- a\n- b\n")
    text = write(tmp_path, "notes.txt", GOOD_ITEM)
    for path in (config, strings, text):
        assert not curated.sniff(path, path.read_bytes())


def test_sniff_accepts_a_broken_records_file_so_its_error_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", GOOD_ITEM + "  title: [unclosed\n")
    assert curated.sniff(path, path.read_bytes())
    assert curated.load(path).issues


def test_sniff_reads_past_a_short_head(tmp_path: Path) -> None:
    path = write(tmp_path, "long.yaml", GOOD_ITEM)
    assert curated.sniff(path, path.read_bytes()[:40])


def test_sniff_copes_with_a_head_cut_inside_a_chinese_character(tmp_path: Path) -> None:
    path = write(tmp_path, "zh.yaml", GOOD_ITEM + "  title_zh: 欧盟玩具安全指令\n")
    raw = path.read_bytes()
    start = raw.index("欧".encode())
    assert all(curated.sniff(path, raw[:n]) for n in range(start, start + 12))
    gone = tmp_path / "gone.yaml"  # only the head is known: it must still decode
    assert all(curated.sniff(gone, raw[:n]) for n in range(start, start + 12))


def test_unreadable_and_empty_files_do_not_raise(tmp_path: Path) -> None:
    missing = curated.load(tmp_path / "missing.yaml")
    assert missing.records == [] and "cannot read" in missing.issues[0].message
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert "UTF-8" in curated.load(binary).issues[0].message
    empty = write(tmp_path, "empty.yaml", "")
    [issue] = curated.load(empty).issues
    assert issue.severity == "warning"
