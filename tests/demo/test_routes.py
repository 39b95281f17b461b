"""Workshop pages over HTTP, in both languages: scenarios, demo-labelled sessions, a barrier report
filed through the scenario's own steps, its national form and staff view, reset and replays."""

from __future__ import annotations

import io
import json
import re

import pytest
from docx import Document
from fastapi.testclient import TestClient

from assistant.config import Settings
from assistant.demo import space
from assistant.demo.scenarios import find
from assistant.reports.store import ReportStore

EXTERNAL = re.compile(r"""(?:src|href|action)=["'](?:https?:)?//""")


def _ask(client: TestClient, text: str, scenario: str = "") -> dict:
    r = client.post("/chat", data={"text": text, "view": "demo", "scenario": scenario},
                    headers={"accept": "application/json"})
    assert r.status_code == 200, r.text
    return r.json()


def test_workshop_mode_is_off_outside_a_demo_folder(real_client: TestClient, real_settings: Settings) -> None:
    r = real_client.get("/demo?lang=en")
    assert r.status_code == 404 and "tbt demo" in r.text and "never touches real data" in r.text
    assert "tbt demo" in real_client.get("/demo?lang=zh").text
    assert real_client.post("/demo/reset").status_code == 404
    assert real_client.get("/demo/reports/latest").status_code == 404
    assert "demo-badge" not in real_client.get("/").text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_projector_page_lists_every_scenario(demo_client: TestClient, lang: str) -> None:
    r = demo_client.get(f"/demo?lang={lang}")
    assert r.status_code == 200 and "default-src 'self'" in r.headers["content-security-policy"]
    for sid in ("market", "notification", "rejections", "refuse", "report", "staff"):
        s = find(sid)
        assert s is not None and s.title(lang) in r.text
    assert ("重置演示" if lang == "zh" else "Reset demo") in r.text
    assert ("演示" if lang == "zh" else "DEMO") in r.text  # the demo label in the top bar
    assert "/static/demo.css" in r.text and not EXTERNAL.search(r.text)


def test_a_scenario_starts_a_fresh_conversation_labelled_demo(demo_client: TestClient) -> None:
    first = _ask(demo_client, "What does G/TBT/N/USA/867/Add.1 change?")
    assert first["answer"]["session_id"].startswith(space.SESSION_PREFIX)
    r = demo_client.post("/demo/scenarios/notification", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/demo?scenario=notification")
    page = demo_client.get(r.headers["location"])
    assert "G/TBT/N/USA/867" in page.text and 'class="steps"' in page.text
    assert "article" not in page.text.split('id="conversation"')[1].split("</section>")[0]  # empty
    assert demo_client.post("/demo/scenarios/no-such").status_code == 404


def test_no_javascript_steps_come_back_to_the_scenario(demo_client: TestClient) -> None:
    s = find("refuse")
    assert s is not None and s.steps[0].say is not None
    r = demo_client.post("/chat", data={"text": s.steps[0].say("zh"), "view": "demo", "scenario": "refuse"},
                         follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/demo?scenario=refuse#turn-")
    page = demo_client.get("/demo?scenario=refuse&lang=zh")
    assert 'class="step done"' in page.text  # the step just asked is ticked
    assert "工作原理" in page.text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_filing_a_report_through_the_scenario(demo_client: TestClient, demo_settings: Settings,
                                               real_settings: Settings, lang: str) -> None:
    scenario = find("report")
    assert scenario is not None
    demo_client.post("/demo/scenarios/report")
    number = None
    for step in scenario.steps:
        if step.say is not None:
            data = _ask(demo_client, step.say(lang), "report")
            number = number or data["answer"]["report_number"]
            if data["answer"]["report_number"]:
                assert "/demo/reports/" in data["html"] and "/demo/staff/" in data["html"]
    assert number and re.fullmatch(r"BR-\d{4}-\d{6}", number)

    stored = ReportStore.from_settings(demo_settings).get(number)
    assert stored is not None and stored.report.channel == space.CHANNEL  # labelled demo
    assert ReportStore.from_settings(real_settings).list() == []  # nothing filed in real data

    r = demo_client.get(f"/demo/reports/latest?lang={lang}")
    assert r.status_code == 200 and number in r.text
    assert ("通报号" if lang == "zh" else "Notification symbol") in r.text
    assert "FCC" in r.text and ("深圳示例电子" in r.text or "Shenzhen Example" in r.text)
    docx = demo_client.get(f"/demo/reports/{number}/export?format=docx")
    assert docx.status_code == 200 and docx.headers["content-disposition"].endswith('-demo.docx"')
    cells = [c.text for row in Document(io.BytesIO(docx.content)).tables[0].rows for c in row.cells]
    assert any("FCC" in c for c in cells)
    assert json.loads(demo_client.get(f"/demo/reports/{number}/export?format=json").content)["number"] == number
    assert demo_client.get(f"/demo/reports/{number}/export?format=exe").status_code == 422

    staff = demo_client.get(f"/demo/staff/latest?lang={lang}")
    assert staff.status_code == 200 and number in staff.text
    assert ("工作人员视图" if lang == "zh" else "Staff view") in staff.text
    if any(getattr(r, "path", "") == "/staff/reports/{number}" for r in demo_client.app.routes):  # type: ignore[attr-defined]
        assert f'href="/staff/reports/{number}"' in staff.text  # the console, when it is built in


def test_reset_returns_to_the_start(demo_client: TestClient, demo_settings: Settings) -> None:
    for text in ("报告壁垒", "德国海关说我们的儿童餐具三聚氰胺迁移超标，扣了两柜货（fixture）"):
        _ask(demo_client, text)
    r = demo_client.post("/demo/reset?lang=zh", follow_redirects=True)
    assert r.status_code == 200 and "演示已恢复到初始状态" in r.text
    assert "article" not in r.text.split('id="conversation"')[1].split("</section>")[0]
    assert demo_client.get("/demo/reports/latest").status_code == 404
    assert (demo_settings.data_dir / "index").exists()
    after = _ask(demo_client, "报告壁垒")  # a fresh conversation, not the old draft
    assert after["answer"]["mode"] == "report" and "继续" not in after["answer"]["text"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_replay_of_a_recorded_chat(demo_client: TestClient, lang: str) -> None:
    r = demo_client.get(f"/demo/replay/wechat-zh?lang={lang}")
    assert r.status_code == 200 and 'id="phone"' in r.text and "phone-wechat" in r.text
    assert ("演示录像" if lang == "zh" else "Demo recording") in r.text
    assert re.search(r"20\d\d-\d\d-\d\d", r.text)
    assert demo_client.get("/demo/replay/nothing-here").status_code == 404
    assert demo_client.get("/demo/replay/..%2F..%2Fetc").status_code == 404
