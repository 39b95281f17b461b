"""`tbt report ...` and `tbt eval intake` through typer's runner, with their own data directory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from assistant.config import PROJECT_ROOT, get_settings
from assistant.reports.cli import eval_intake, report_app
from assistant.reports.store import ReportStore
from tests.reports.helpers import complete_report

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("TBT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TBT_CORPUS_DIR", str(PROJECT_ROOT / "corpus"))
    monkeypatch.delenv("TBT_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def test_draft_text_json(data_dir: Path) -> None:
    result = runner.invoke(report_app, ["draft", "--text", "德国海关说我们的儿童餐具三聚氰胺迁移超标，扣了两柜货，损失大概8万美元",
                                        "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["report"]["market"] == "DEU"
    assert data["report"]["product"]["hs"].startswith("3924")
    assert data["report"]["impact"] == {"lost_sales": 80000.0, "currency": "USD", "shipments_affected": 2}
    assert data["missing_required"] == ["request", "reporter.organisation", "reporter.name", "reporter.phone"]


def test_draft_text_table(data_dir: Path) -> None:
    result = runner.invoke(report_app, ["draft", "--text", "Poland notified our melamine mugs on 29 October 2024"])
    assert result.exit_code == 0
    assert "market" in result.output and "POL" in result.output and "2024-10-29" in result.output
    assert "reporter.name" in result.output and "姓名" in result.output


def test_draft_batch(data_dir: Path, tmp_path: Path) -> None:
    batch = tmp_path / "narratives.txt"
    batch.write_text("法国通报了我们的花生黄曲霉超标\n\nOur tea was rejected in Italy on 23 October 2024\n", encoding="utf-8")
    result = runner.invoke(report_app, ["draft", "--batch", str(batch)])
    assert result.exit_code == 0
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert [(x["line"], x["report"]["market"]) for x in lines] == [(1, "FRA"), (3, "ITA")]
    assert runner.invoke(report_app, ["draft"]).exit_code == 2
    assert runner.invoke(report_app, ["draft", "--batch", str(tmp_path / "missing.txt")]).exit_code == 1


def test_show_export_list(data_dir: Path, tmp_path: Path) -> None:
    store = ReportStore.from_settings(get_settings())
    number = store.submit(complete_report()).number
    shown = runner.invoke(report_app, ["show", number])
    assert shown.exit_code == 0 and "【姓名】" in shown.output and "张伟" in shown.output and "submitted" in shown.output
    out = tmp_path / "form.docx"
    exported = runner.invoke(report_app, ["export", number, "--format", "docx", "--out", str(out)])
    assert exported.exit_code == 0 and out.exists()
    assert Document(str(out)).tables[0].rows[0].cells[1].text == "张伟"
    sep = runner.invoke(report_app, ["export", number, "--format", "sep"])
    assert json.loads(sep.output)["2_complaint"]["country_imposing"] == "Germany"
    listed = runner.invoke(report_app, ["list"])
    assert number in listed.output and "德国" in listed.output
    assert runner.invoke(report_app, ["show", "BR-1999-000001"]).exit_code == 1
    assert runner.invoke(report_app, ["export", number, "--format", "xls"]).exit_code == 1


def test_eval_intake(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = eval_intake(None, as_json=False)
    out = capsys.readouterr().out
    assert "market" in out and "result: PASS" in out
    assert result["passed"] and result["n"] >= 40
