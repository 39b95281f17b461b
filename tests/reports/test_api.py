"""The reports router through FastAPI's TestClient on a small app built here."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from docx import Document
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.api.reports import get_report_store, report_full_access, router
from assistant.reports.store import ReportStore
from tests.reports.helpers import complete_report


@pytest.fixture
def app(sqlite_store: ReportStore) -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    app.dependency_overrides[get_report_store] = lambda: sqlite_store
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def _body(**changes: object) -> dict:
    return complete_report(**changes).model_dump(mode="json")


def test_post_complete_report_gives_a_number(client: TestClient) -> None:
    r = client.post("/api/reports", json=_body())
    assert r.status_code == 201, r.text
    data = r.json()
    assert re.fullmatch(r"BR-\d{4}-000001", data["number"])
    assert data["created"] is True and data["status"] == "submitted"
    assert data["number"] in data["next_steps_zh"] and "筛查" in data["next_steps_zh"]
    assert "screen" in data["next_steps_en"]


def test_invalid_and_incomplete_reports_get_readable_422(client: TestClient) -> None:
    bad = _body()
    bad["reporter"]["phone"] = "12345"
    bad["product"]["hs"] = "39"
    r = client.post("/api/reports", json=bad)
    assert r.status_code == 422
    errors = {e["field"]: e for e in r.json()["detail"]}
    assert set(errors) == {"reporter.phone", "product.hs"}
    assert "电话" in errors["reporter.phone"]["message_zh"]
    assert "phone" in errors["reporter.phone"]["message_en"]

    incomplete = _body()
    incomplete["market"] = None
    incomplete["reporter"] = {"name": "张伟", "organisation": "X 公司（fixture）"}
    r = client.post("/api/reports", json=incomplete)
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["detail"]] == ["market", "reporter.phone"]

    assert client.post("/api/reports", json=["not", "an", "object"]).status_code == 422
    assert client.get("/api/reports/BR-2026-000001").status_code == 404  # nothing was stored


def test_idempotency_key_makes_retries_safe(client: TestClient) -> None:
    headers = {"Idempotency-Key": "form-7f3a"}
    first = client.post("/api/reports", json=_body(), headers=headers)
    again = client.post("/api/reports", json=_body(), headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.json()["number"] == again.json()["number"]
    other = client.post("/api/reports", json=_body(market="JPN"), headers=headers)
    assert other.status_code == 409


def test_get_is_redacted_unless_staff(app: FastAPI, client: TestClient) -> None:
    filed = client.post("/api/reports", json=_body(confidential_fields=["impact.lost_sales"])).json()
    number, token = filed["number"], filed["access_token"]
    assert client.get(f"/api/reports/{number}").status_code == 404  # a number alone reveals nothing
    assert client.get(f"/api/reports/{number}", params={"token": "x" * 24}).status_code == 404
    assert token in filed["link"] and filed["link"] in filed["next_steps_zh"]
    public = client.get(f"/api/reports/{number}", params={"token": token}).json()
    assert client.get(f"/api/reports/{number}", headers={"X-Report-Token": token}).json() == public
    rep = public["report"]
    assert public["redacted"] is True
    assert rep["reporter"]["phone"] == "138****5678" and rep["reporter"]["email"] == "z***@example.com"
    assert rep["reporter"]["name"] == "张*" and rep["impact"]["lost_sales"] is None
    assert rep["market"] == "DEU" and rep["product"]["hs"] == "392410"
    app.dependency_overrides[report_full_access] = lambda: True
    staff = client.get(f"/api/reports/{number.lower()}").json()
    assert staff["report"]["reporter"]["phone"] == "13812345678" and staff["report"]["impact"]["lost_sales"] == 80000


def test_exports(app: FastAPI, client: TestClient) -> None:
    app.dependency_overrides[report_full_access] = lambda: True
    number = client.post("/api/reports", json=_body()).json()["number"]
    r = client.get(f"/api/reports/{number}/export", params={"format": "docx"})
    assert r.status_code == 200 and f'filename="{number}.docx"' in r.headers["content-disposition"]
    cells = [c.text for row in Document(io.BytesIO(r.content)).tables[0].rows for c in row.cells]
    assert "姓名" in cells and "张伟" in cells
    assert client.get(f"/api/reports/{number}/export?format=tacp").json()["foreign_government_involved"] == "Germany"
    assert client.get(f"/api/reports/{number}/export?format=sep").json()["4_economic_impact"]["hs4"] == "3924"
    assert client.get(f"/api/reports/{number}/export?format=json").json()["number"] == number
    pdf = client.get(f"/api/reports/{number}/export?format=pdf")
    assert pdf.status_code in (200, 503) and (pdf.status_code == 503 or pdf.content.startswith(b"%PDF"))
    assert client.get(f"/api/reports/{number}/export?format=xls").status_code == 422
    assert client.get("/api/reports/BR-1999-000999/export?format=json").status_code == 404
