"""The queue and the report page through the API as staff use them: filters, search, edits with
history, optimistic locking, lifecycle, assignment, comments, merge, exports, notifications."""

from __future__ import annotations

import io
from collections.abc import Callable

from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from assistant.notify import Address, registry
from assistant.reports.schema import BarrierReport
from assistant.reports.store import ReportStore
from tests.reports.helpers import complete_report


def _submit(store: ReportStore, session_id: str | None = None, **changes: object) -> str:
    report = complete_report(**changes)
    if session_id:
        draft = store.save_draft(report, session_id=session_id)
        return store.submit(draft_id=draft).number
    return store.submit(report).number


def _docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    return "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)


def test_queue_filters_search_and_sorts(store: ReportStore, login: Callable[[str], TestClient]) -> None:
    a = _submit(store)  # DEU, 3924, A22, zh, 80000 USD
    b = _submit(store, market="USA", product__description="LED lamps", product__hs="940540",
                measure__ntm_code="B31", language="en", impact__lost_sales=2_000_000,
                incident__description="US customs held our LED lamps for missing certification")
    c = _submit(store, market="FRA", product__description="陶瓷餐具", product__hs="691200",
                impact__lost_sales=1000, incident__description="法国通报铅溶出")
    vera = login("vera")

    def numbers(**params: object) -> list[str]:
        r = vera.get("/api/staff/queue", params=params)
        assert r.status_code == 200, r.text
        return [row["number"] for row in r.json()["rows"]]

    assert numbers() == [b, a, c]  # priority: the biggest economic impact first
    assert numbers(sort="-date") == [c, b, a]
    assert numbers(market="usa") == [b]
    assert numbers(hs="39") == [a] and numbers(hs="9405") == [b]
    assert numbers(ntm="B") == [b] and numbers(ntm="A22") == [a, c] or numbers(ntm="A22") == [c, a]
    assert numbers(language="en") == [b]
    assert numbers(q="德国") == [a] and numbers(q="germany") == [a]  # market names in both languages
    assert numbers(q="led lamps") == [b] and numbers(q="铅溶出") == [c]
    assert numbers(q="%") == [] and numbers(q="_") == []  # LIKE wildcards are literal
    assert numbers(status="accepted") == []
    assert numbers(date_from="2000-01-01", date_to="2000-12-31") == []
    assert vera.get("/api/staff/queue", params={"sort": "evil"}).status_code == 422
    assert vera.get("/api/staff/queue", params={"bogus": "1"}).status_code == 422
    # saved views
    assert vera.post("/api/staff/views", json={"name": "美国", "query": {"market": "USA"}}).status_code == 201
    assert [v["name"] for v in vera.get("/api/staff/views").json()] == ["美国"]


def test_edit_with_history_and_optimistic_lock(store: ReportStore, login: Callable[[str], TestClient]) -> None:
    n = _submit(store)
    tom, ada = login("tom"), login("ada")
    v1 = tom.get(f"/api/staff/reports/{n}").json()["version"]
    ok = tom.patch(f"/api/staff/reports/{n}", json={"version": v1, "changes": {"product.description": "密胺儿童碗"}})
    assert ok.status_code == 200 and ok.json()["version"] > v1
    # the second editor read v1 too: a clear conflict, nothing of theirs lost or written
    late = ada.patch(f"/api/staff/reports/{n}", json={"version": v1, "changes": {"measure.title": "EU 10/2011"}})
    assert late.status_code == 409
    body = late.json()
    assert body["yours"] == {"measure.title": "EU 10/2011"}
    assert body["current"]["report"]["product"]["description"] == "密胺儿童碗"
    assert store.get(n).report.measure.title is None  # type: ignore[union-attr]
    # invalid values are refused with a readable message and change nothing
    bad = tom.patch(f"/api/staff/reports/{n}", json={"version": ok.json()["version"],
                                                      "changes": {"reporter.phone": "12"}})
    assert bad.status_code == 422 and "phone" in bad.text.lower()
    unknown = tom.patch(f"/api/staff/reports/{n}", json={"version": 1, "changes": {"data": "x"}})
    assert unknown.status_code == 422
    history = tom.get(f"/api/staff/reports/{n}").json()["history"]["fields"]
    change = next(h for h in history if h["field"] == "product.description")
    assert change["old"] == "儿童餐具" and change["new"] == "密胺儿童碗" and change["actor"] == "staff:tom"


def test_lifecycle_assign_comment(store: ReportStore, login: Callable[[str], TestClient]) -> None:
    n = _submit(store)
    tom = login("tom")
    r = tom.post(f"/api/staff/reports/{n}/status", json={"status": "accepted", "pending_by": "商务部", "notify": False})
    assert r.status_code == 200 and r.json()["status"] == "accepted" and r.json()["stage"] == "open"
    assert tom.post(f"/api/staff/reports/{n}/status", json={"stage": "in_progress"}).json()["stage"] == "in_progress"
    assert tom.post(f"/api/staff/reports/{n}/status", json={"status": "submitted"}).status_code == 422
    assert tom.post(f"/api/staff/reports/{n}/status", json={"stage": "nonsense"}).status_code == 422
    stale = tom.post(f"/api/staff/reports/{n}/status", json={"stage": "dormant", "version": 1})
    assert stale.status_code == 409
    assert tom.post(f"/api/staff/reports/{n}/assign", json={"assignee": "vera"}).json()["assigned_to"] == "vera"
    assert tom.post(f"/api/staff/reports/{n}/assign", json={"assignee": "ghost"}).status_code == 422
    assert tom.post(f"/api/staff/reports/{n}/comments", json={"body": "请联系企业核实"}).status_code == 201
    case = tom.get(f"/api/staff/reports/{n}").json()
    assert case["comments"][0]["body"] == "请联系企业核实" and case["assigned_to"] == "vera"
    assert [s["to"] for s in case["history"]["statuses"]] == ["submitted", "accepted"]
    assert {"stage", "pending_by", "assigned_to"} <= {h["field"] for h in case["history"]["fields"]}
    assert [r["number"] for r in tom.get("/api/staff/queue", params={"assigned_to": "vera"}).json()["rows"]] == [n]


def test_merge_sums_impacts_and_exports_one_form(store: ReportStore, login: Callable[[str], TestClient]) -> None:
    a = _submit(store)
    b = _submit(store, reporter__organisation="温州另一家餐具厂（fixture）", impact__lost_sales=20000,
                impact__shipments_affected=3, impact__smes_affected=True)
    tom = login("tom")
    before = tom.get(f"/api/staff/reports/{a}").json()["priority"]
    merged = tom.post(f"/api/staff/reports/{a}/merge", json={"numbers": [b]})
    assert merged.status_code == 200, merged.text
    case = merged.json()
    assert [m["number"] for m in case["members"]] == [b]
    assert case["priority"] > before
    assert {r["key"] for r in case["priority_reasons"]} >= {"impact", "reporters", "sme"}
    dup = tom.get(f"/api/staff/reports/{b}").json()
    assert dup["status"] == "archived" and dup["archive_reason"] == "duplicate" and dup["merged_into"] == a
    assert [r["number"] for r in tom.get("/api/staff/queue").json()["rows"]] == [a]  # duplicates hidden
    text = _docx_text(tom.get(f"/api/staff/reports/{a}/export", params={"format": "docx"}).content)
    assert "100,000" in text or "100000" in text or "10万" in text  # 80000 + 20000 USD
    assert "温州另一家餐具厂" in text and "5 批" in text
    assert tom.post(f"/api/staff/reports/{a}/merge", json={"numbers": ["BR-1999-000001"]}).status_code == 404


def test_queue_exports_csv_and_xlsx(store: ReportStore, login: Callable[[str], TestClient]) -> None:
    a = _submit(store, product__description="=cmd|' /C calc'!A0")
    _submit(store, market="USA")
    vera = login("vera")
    csv_bytes = vera.get("/api/staff/queue.csv", params={"market": "DEU"}).content
    text = csv_bytes.decode("utf-8-sig")
    assert a in text and "USA" not in text and "\n=cmd" not in text and ",=cmd" not in text
    wb = load_workbook(io.BytesIO(vera.get("/api/staff/queue.xlsx").content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][0] == "number" and len(rows) == 3
    assert not any(str(cell).startswith("=") for row in rows for cell in row if cell)


def test_status_change_notifies_reporters_through_their_channel(store: ReportStore,
                                                                 login: Callable[[str], TestClient]) -> None:
    from bots.telegram.notifier import TelegramNotifier
    from tests.alerts.smtp_server import serve
    from tests.fakes.telegram_api import FIXTURE_TOKEN, fake_telegram

    chat = _submit(store, session_id="telegram:424242", language="en")
    web = _submit(store, reporter__email="boss@fixture.example")
    tom = login("tom")
    smtp = serve()
    box, port = next(smtp)
    try:
        with fake_telegram() as tg:
            from assistant.alerts.email import EmailNotifier

            registry.register(TelegramNotifier(FIXTURE_TOKEN, tg.base_url))
            registry.register(EmailNotifier("127.0.0.1", port, sender="staff@fixture.example"))
            r = tom.post(f"/api/staff/reports/{chat}/status", json={"status": "accepted", "note": "internal only"})
            assert r.json()["notified"][0] == {"channel": "telegram", "ok": True, "error": None}
            sent = tg.sent("sendMessage", chat_id=424242)
            assert len(sent) == 1 and chat in sent[0].text and "accepted" in sent[0].text
            assert "internal only" not in sent[0].text and store.access_token(chat) in sent[0].text
            tom.post(f"/api/staff/reports/{web}/status", json={"status": "rejected"})
            mails = box.to("boss@fixture.example")
            assert len(mails) == 1 and web in mails[0].get_content() and "未受理" in mails[0].get_content()
            # a channel that fails is reported, not raised
            tg.fail("sendMessage", 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked"})
            r = tom.post(f"/api/staff/reports/{chat}/status", json={"stage": "in_progress"})
            assert r.status_code == 200 and r.json()["notified"][0]["ok"] is False
    finally:
        registry.unregister("telegram")
        registry.unregister("email")
        smtp.close()
    assert Address.from_session_id("telegram:424242") == Address("telegram", "424242")


def test_dashboard_figures(store: ReportStore, login: Callable[[str], TestClient]) -> None:
    _submit(store)
    n = _submit(store, market="USA")
    vera, tom = login("vera"), login("tom")
    tom.post(f"/api/staff/reports/{n}/status", json={"status": "accepted", "notify": False})
    d = vera.get("/api/staff/dashboard").json()
    assert d["total"] == 2 and d["awaiting"] == 1
    assert dict(map(tuple, d["by_market"])) == {"DEU": 1.0, "USA": 1.0}
    assert len(d["screening_days"]) == 1
    page = vera.get("/staff/dashboard")
    assert page.status_code == 200 and page.text.count("<svg") == 5 and "cdn" not in page.text.lower()


def test_report_model_round_trip(store: ReportStore) -> None:
    n = _submit(store)
    assert isinstance(store.get(n).report, BarrierReport)  # type: ignore[union-attr]


def test_page_conflict_keeps_what_the_second_editor_typed(store: ReportStore,
                                                          login: Callable[[str], TestClient]) -> None:
    n = _submit(store)
    tom, ada = login("tom"), login("ada")
    v = store.get(n).version  # type: ignore[union-attr]
    form = {"csrf": tom.headers["X-CSRF-Token"], "version": str(v), "product.description": "汤碗"}
    assert tom.post(f"/staff/reports/{n}/edit", data=form, follow_redirects=False).status_code == 303
    late = {"csrf": ada.headers["X-CSRF-Token"], "version": str(v), "product.description": "饭碗"}
    r = ada.post(f"/staff/reports/{n}/edit", data=late)
    assert r.status_code == 409 and 'id="conflict"' in r.text
    assert 'value="饭碗"' in r.text and "汤碗" in r.text  # theirs kept in the form, the current value shown
    assert store.get(n).report.product.description == "汤碗"  # type: ignore[union-attr]
    no_csrf = ada.post(f"/staff/reports/{n}/edit", data={"version": str(v + 1), "product.description": "x"},
                       headers={"X-CSRF-Token": ""})
    assert no_csrf.status_code == 403
