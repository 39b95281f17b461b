"""Who may do what: anonymous, reporter link, viewer, triager, admin; enumeration; lock-out; CSRF."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from assistant.reports.store import ReportStore
from tests.reports.helpers import complete_report
from tests.staff.conftest import PASSWORD


def _file(anon: TestClient, **changes: object) -> dict:
    r = anon.post("/api/reports", json=complete_report(**changes).model_dump(mode="json"))
    assert r.status_code == 201, r.text
    return r.json()


STAFF_ROUTES = [
    ("GET", "/api/staff/queue"), ("GET", "/api/staff/queue.csv"), ("GET", "/api/staff/queue.xlsx"),
    ("GET", "/api/staff/me"), ("GET", "/api/staff/views"), ("GET", "/api/staff/accounts"),
    ("GET", "/api/staff/audit"), ("GET", "/api/staff/reports/{n}"),
    ("GET", "/api/staff/reports/{n}/export"), ("PATCH", "/api/staff/reports/{n}"),
    ("POST", "/api/staff/reports/{n}/status"), ("POST", "/api/staff/reports/{n}/assign"),
    ("POST", "/api/staff/reports/{n}/comments"), ("POST", "/api/staff/reports/{n}/merge"),
    ("PUT", "/api/staff/reports/{n}/form-comments"), ("POST", "/api/staff/accounts"),
]


def test_every_staff_route_refuses_anonymous_calls(anon: TestClient) -> None:
    n = _file(anon)["number"]
    for method, path in STAFF_ROUTES:
        r = anon.request(method, path.format(n=n), json={})
        assert r.status_code == 401, (method, path, r.status_code)
    for route in anon.app.routes:  # type: ignore[attr-defined]
        path = getattr(route, "path", "")
        if path.startswith("/api/staff") and not path.endswith("/login"):
            for method in getattr(route, "methods", set()) - {"HEAD"}:
                r = anon.request(method, path.replace("{number}", n).replace("{username}", "x")
                                 .replace("{view_id}", "1"), json={})
                assert r.status_code == 401, (method, path)


def test_report_numbers_reveal_nothing_without_a_credential(anon: TestClient) -> None:
    filed = [_file(anon) for _ in range(5)]
    for f in filed:
        number = f["number"]
        for url in (f"/api/reports/{number}", f"/api/reports/{number}/export?format=json",
                    f"/api/reports/{number}/export?format=docx", f"/r/{number}"):
            r = anon.get(url)
            assert r.status_code == 404, url
            assert "张伟" not in r.text and "13812345678" not in r.text
    # a wrong token, another report's token, or a nonexistent number: the same answer
    a, b = filed[0], filed[1]
    assert anon.get(f"/api/reports/{a['number']}", params={"token": b["access_token"]}).status_code == 404
    missing = anon.get("/api/reports/BR-2099-999999", params={"token": a["access_token"]})
    assert missing.status_code == 404
    assert anon.get(f"/api/reports/{a['number']}", params={"token": a["access_token"]}).status_code == 200


def test_reporter_link_shows_own_report_masked(anon: TestClient) -> None:
    text = ("德国海关扣货，请联系我 13912345678 或 li.lei@example.org，身份证 110101199003071234。"
            "我是张伟，损失 80000 美元")
    f = _file(anon, incident__description=text, reporter__organisation="示例公司 电话021-62345678（fixture）")
    r = anon.get(f"/api/reports/{f['number']}", params={"token": f["access_token"]})
    body = r.text
    for secret in ("13912345678", "li.lei@example.org", "110101199003071234", "62345678", "张伟",
                   "13812345678", "zhang.wei@example.com"):
        assert secret not in body, secret
    data = r.json()["report"]
    assert "80000" in data["incident"]["description"]  # amounts are not personal data
    page = anon.get(f"/r/{f['number']}", params={"t": f["access_token"]})
    assert page.status_code == 200 and f["number"] in page.text
    assert "13912345678" not in page.text and "li.lei@example.org" not in page.text
    for fmt in ("json", "docx", "tacp", "sep"):
        out = anon.get(f"/api/reports/{f['number']}/export", params={"format": fmt, "token": f["access_token"]})
        assert out.status_code == 200
        raw = out.content
        if fmt == "docx":
            import io

            from docx import Document

            raw = "\n".join(c.text for t in Document(io.BytesIO(raw)).tables for row in t.rows
                            for c in row.cells).encode()
        for secret in ("13912345678", "li.lei@example.org", "110101199003071234"):
            assert secret.encode() not in raw, (fmt, secret)


def test_roles(anon: TestClient, login: Callable[[str], TestClient]) -> None:
    n = _file(anon)["number"]
    vera, tom, ada = login("vera"), login("tom"), login("ada")
    case = vera.get(f"/api/staff/reports/{n}")
    assert case.status_code == 200 and case.json()["report"]["reporter"]["phone"] == "13812345678"
    assert vera.get(f"/api/reports/{n}").json()["report"]["reporter"]["phone"] == "13812345678"
    version = case.json()["version"]
    # viewers read only
    assert vera.patch(f"/api/staff/reports/{n}", json={"version": version,
                      "changes": {"product.description": "碗"}}).status_code == 403
    assert vera.post(f"/api/staff/reports/{n}/status", json={"status": "accepted"}).status_code == 403
    assert vera.post(f"/api/staff/reports/{n}/comments", json={"body": "x"}).status_code == 403
    assert vera.get("/api/staff/accounts").status_code == 403
    # triagers act but do not manage accounts
    assert tom.post(f"/api/staff/reports/{n}/comments", json={"body": "看过了"}).status_code == 201
    assert tom.get("/api/staff/accounts").status_code == 403
    assert tom.post("/api/staff/accounts", json={"username": "eve", "password": "x" * 12,
                                                 "role": "admin"}).status_code == 403
    # admins manage accounts and read the audit log
    r = ada.post("/api/staff/accounts", json={"username": "newbie", "password": "y" * 12, "role": "viewer"})
    assert r.status_code == 201
    assert ada.patch("/api/staff/accounts/vera", json={"active": False}).status_code == 200
    assert vera.get("/api/staff/me").status_code == 401  # disabling ends the session
    actions = {e["action"] for e in ada.get("/api/staff/audit").json()}
    assert {"login.ok", "account.add", "account.update", "report.comment"} <= actions


def test_csrf_is_required_for_changes(anon: TestClient, login: Callable[[str], TestClient]) -> None:
    n = _file(anon)["number"]
    tom = login("tom")
    token = tom.headers.pop("X-CSRF-Token")
    assert tom.post(f"/api/staff/reports/{n}/comments", json={"body": "x"}).status_code == 403
    assert tom.post(f"/api/staff/reports/{n}/comments", json={"body": "x"},
                    headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert tom.post(f"/api/staff/reports/{n}/comments", json={"body": "x"},
                    headers={"X-CSRF-Token": token}).status_code == 201
    assert tom.get("/api/staff/queue").status_code == 200  # reads need no token


def test_lockout_after_repeated_failures(anon: TestClient) -> None:
    for _ in range(4):
        assert anon.post("/api/staff/login", json={"username": "tom", "password": "wrong"}).status_code == 401
    locked = anon.post("/api/staff/login", json={"username": "tom", "password": "wrong"})
    assert locked.status_code == 423 and "locked" in locked.json()["error_en"]
    # even the right password is refused while locked
    assert anon.post("/api/staff/login", json={"username": "tom", "password": PASSWORD}).status_code == 423
    unknown = anon.post("/api/staff/login", json={"username": "nobody", "password": "x"})
    assert unknown.status_code == 401  # same answer as a wrong password


def test_expired_sessions_are_refused(anon: TestClient, store: ReportStore,
                                      login: Callable[[str], TestClient]) -> None:
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from assistant.db import utcnow
    from assistant.staff.models import StaffSessionRow

    tom = login("tom")
    assert tom.get("/api/staff/me").status_code == 200
    with Session(store.engine) as db, db.begin():
        db.execute(update(StaffSessionRow).values(expires_at=utcnow()))
    assert tom.get("/api/staff/me").status_code == 401


def test_passwords_are_hashed_with_argon2(store: ReportStore, app) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from assistant.staff.models import StaffUserRow

    with Session(store.engine) as db:
        hashes = list(db.scalars(select(StaffUserRow.password_hash)))
    assert hashes and all(h.startswith("$argon2") and PASSWORD not in h for h in hashes)


@pytest.mark.parametrize("payload", [
    "'; DROP TABLE reports; --", "<script>alert(1)</script>", "{{7*7}}", "=HYPERLINK(\"http://x\")",
    "\x00\x1b[31m", "../../etc/passwd", "%' OR 1=1 --",
])
def test_injection_attempts_in_every_text_field(anon: TestClient, login: Callable[[str], TestClient],
                                                payload: str) -> None:
    text_fields = {"reporter__organisation": payload + "（fixture）", "product__description": payload,
                   "measure__title": payload, "measure__issuing_body": payload,
                   "incident__description": payload + " 扣货", "actions_taken": payload}
    r = anon.post("/api/reports", json=complete_report(**text_fields).model_dump(mode="json"))
    assert r.status_code in (201, 422), r.text
    tom = login("tom")
    assert tom.get("/api/staff/queue", params={"q": payload}).status_code in (200, 422)
    for key in ("market", "channel", "assigned_to", "hs", "ntm"):
        assert tom.get("/api/staff/queue", params={key: payload[:8]}).status_code in (200, 422)
    if r.status_code == 201:
        n = r.json()["number"]
        assert tom.post(f"/api/staff/reports/{n}/comments", json={"body": payload}).status_code in (201, 422)
        case = tom.get(f"/api/staff/reports/{n}").json()
        assert case["report"]["actions_taken"] == payload.strip() or case["report"]["actions_taken"]
        page = tom.get(f"/staff/reports/{n}")
        assert page.status_code == 200 and "<script>alert(1)</script>" not in page.text
        csv_text = tom.get("/api/staff/queue.csv").content.decode("utf-8-sig")
        assert "\n=HYPERLINK" not in csv_text and ",=HYPERLINK" not in csv_text
    assert tom.get("/api/staff/queue").status_code == 200  # the tables are still there
