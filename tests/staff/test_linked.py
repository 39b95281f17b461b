"""Linked records, the form completed from a record the reporter named, and drafts whose every
statement is cited and passes the answer verifier. Runs on the shared small index."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import pytest
from docx import Document
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.config import Settings
from assistant.reports.service import get_report_store
from assistant.reports.store import ReportStore
from assistant.staff.accounts import Accounts
from tests.reports.helpers import complete_report
from tests.staff.conftest import PASSWORD


@pytest.fixture
def linked(small_index: Settings, tmp_path) -> Iterator[tuple[ReportStore, Callable[[str], TestClient]]]:  # type: ignore[no-untyped-def]
    settings = small_index.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'staff.sqlite3'}"})
    store = ReportStore.from_settings(settings)
    Accounts(store.engine).add("tom", PASSWORD, "triager")
    app = create_app(settings)
    app.dependency_overrides[get_report_store] = lambda: store

    def login(user: str) -> TestClient:
        c = TestClient(app)
        r = c.post("/api/staff/login", json={"username": user, "password": PASSWORD})
        c.headers["X-CSRF-Token"] = r.json()["csrf"]
        return c

    yield store, login
    store.engine.dispose()


def test_form_filled_from_the_measure_the_reporter_named(linked) -> None:  # type: ignore[no-untyped-def]
    store, login = linked
    n = store.submit(complete_report(
        measure__ntm_code="B31",
        product__description="PVC 玩具", product__hs="950300",
        incident__description="德国客户说我们的PVC玩具不符合 REACH Annex XVII 关于邻苯二甲酸酯的限制，退货两柜")).number
    tom = login("tom")
    case = tom.get(f"/api/staff/reports/{n}").json()
    named = [link for link in case["links"] if link["named"]]
    assert named, case["links"]
    assert "REACH" in (named[0]["title"] + (named[0]["title_zh"] or ""))
    title = case["report"]["measure"]["title"]
    assert title and "REACH" in title
    assert case["report"]["measure"]["issuing_body"]
    form = {row["key"]: row["value"] for row in case["form"]}
    assert "名称不详" not in form["concern"] and "REACH" in form["concern"]
    history = case["history"]["fields"]
    assert any(h["field"] == "measure.title" and h["actor"].startswith("system") for h in history)
    # staff can correct what was filled in
    fixed = tom.patch(f"/api/staff/reports/{n}", json={"version": case["version"],
                                                      "changes": {"measure.title": "REACH 附件XVII 第51条"}})
    assert fixed.status_code == 200 and fixed.json()["report"]["measure"]["title"] == "REACH 附件XVII 第51条"


def test_unnamed_measure_is_not_filled_in(linked) -> None:  # type: ignore[no-untyped-def]
    store, login = linked
    n = store.submit(complete_report()).number  # melamine tableware, no measure named
    case = login("tom").get(f"/api/staff/reports/{n}").json()
    assert case["report"]["measure"]["title"] is None
    assert all(not link["named"] for link in case["links"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_comment_draft_is_cited_and_verified(linked, lang: str) -> None:  # type: ignore[no-untyped-def]
    store, login = linked
    n = store.submit(complete_report(
        market="USA", measure__notification_symbol="G/TBT/N/USA/867", product__description="儿童玩具",
        product__hs="950300", measure__ntm_code="B31",
        incident__description="美国通报 G/TBT/N/USA/867 要求的检测我们做不了")).number
    tom = login("tom")
    tom.get(f"/api/staff/reports/{n}")
    r = tom.post(f"/api/staff/reports/{n}/drafts", json={"kind": "comment", "lang": lang})
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["check"]["clean"] is True, d["check"]
    refs = [s["ref"] for s in d["sources"]]
    assert "G/TBT/N/USA/867" in refs and "WTO TBT Agreement" in refs
    assert "G/TBT/N/USA/867" in d["text"] and "2.2" in d["text"]
    body_lines = [ln for ln in d["text"].splitlines()[1:] if ln.strip() and not ln.rstrip().endswith(
        ("关注内容", "背景情况", "评论意见", "结论与要求", "Concern", "Background", "Comments", "requests"))]
    assert all("[" in ln for ln in body_lines), body_lines  # every statement carries a citation
    # staff edits are checked again: an invented symbol is flagged, not silently kept as verified
    edited = d["text"] + "\n另见 G/TBT/N/FIXTURE/999 [1]。"
    saved = tom.put(f"/api/staff/drafts/{d['id']}", json={"text": edited}).json()
    assert saved["check"]["clean"] is False and saved["text"] == edited
    # the approved text goes into the form's 评论意见 box and the export
    tom.put(f"/api/staff/reports/{n}/form-comments", json={"text": d["text"]})
    doc = Document(io.BytesIO(tom.get(f"/api/staff/reports/{n}/export?format=docx").content))
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "2.2" in cells and "待评议专家分析" not in cells


def test_stc_draft_for_a_barrier_with_several_reporters(linked) -> None:  # type: ignore[no-untyped-def]
    store, login = linked
    a = store.submit(complete_report(measure__notification_symbol="G/TBT/N/EU/86", market="EU")).number
    b = store.submit(complete_report(measure__notification_symbol="G/TBT/N/EU/86", market="EU",
                                     reporter__organisation="另一家公司（fixture）", impact__lost_sales=5000)).number
    tom = login("tom")
    tom.post(f"/api/staff/reports/{a}/merge", json={"numbers": [b]})
    tom.get(f"/api/staff/reports/{a}")
    d = tom.post(f"/api/staff/reports/{a}/drafts", json={"kind": "stc", "lang": "zh"}).json()
    assert d["check"]["clean"] is True, d["check"]
    assert "2 份报告" in d["text"] and "85000" in d["text"]
