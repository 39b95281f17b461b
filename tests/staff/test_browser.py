"""The staff console in a real browser (Debian's chromium via playwright, no download), in both
UI languages: log in, filter, open, edit, change status, merge, export, draft a comment, see the
dashboard. Screenshots are saved under the test's tmp dir; their folder is printed."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.reports.store import ReportStore
from assistant.staff.accounts import Accounts
from tests.reports.helpers import complete_report
from tests.staff.conftest import PASSWORD

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def console(small_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ReportStore]]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests need it")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    import uvicorn

    from assistant.api.app import create_app
    from assistant.reports.service import get_report_store

    db = tmp_path_factory.mktemp("staff-browser") / "staff.sqlite3"
    settings = small_index.model_copy(update={"database_url": f"sqlite:///{db}"})
    store = ReportStore.from_settings(settings)
    Accounts(store.engine).add("tom", PASSWORD, "triager")
    app = create_app(settings)
    app.dependency_overrides[get_report_store] = lambda: store
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", store
    server.should_exit = True
    thread.join(timeout=10)
    store.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_staff_workflow_in_the_browser(console: tuple[str, ReportStore], browser: object, lang: str,
                                       tmp_path: Path) -> None:
    from playwright.sync_api import Browser, expect

    base, store = console
    assert isinstance(browser, Browser)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    print(f"\nscreenshots ({lang}): {shots}")
    a = store.submit(complete_report(market="USA", measure__notification_symbol="G/TBT/N/USA/867",
                                     product__description="儿童玩具", product__hs="950300", language=lang)).number
    b = store.submit(complete_report(market="USA", product__description="儿童玩具", product__hs="950300",
                                     reporter__organisation="另一家玩具厂（fixture）")).number
    store.submit(complete_report(market="JPN", product__description="陶瓷碗", product__hs="691200"))
    labels = {"zh": {"login": "登录", "filter": "筛选", "accepted": "已接受", "dashboard": "统计"},
              "en": {"login": "Log in", "filter": "Filter", "accepted": "Accepted", "dashboard": "Dashboard"}}[lang]

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/staff/queue?lang={lang}")  # anonymous: sent to the login page
    expect(page.locator("h1")).to_have_text(labels["login"])
    page.fill("#username", "tom")
    page.fill("#password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#queue")).to_be_visible()
    page.screenshot(path=str(shots / "1-queue.png"), full_page=True)

    # filter to the US market
    page.select_option("select[name=market]", "USA")
    page.click("#apply-filters")
    expect(page.locator("#queue")).to_contain_text(a)
    expect(page.locator("#queue")).to_contain_text(b)
    expect(page.locator("#queue")).not_to_contain_text("陶瓷碗")
    assert page.locator("#apply-filters").inner_text() == labels["filter"]

    # open a report, edit a field
    page.click(f"a:text('{a}')")
    expect(page.locator("h1")).to_contain_text(a)
    page.fill("#f-product\\.description", "塑料玩具")
    page.click("#save-fields")
    expect(page.locator("#f-product\\.description")).to_have_value("塑料玩具")
    expect(page.locator("#history")).to_contain_text("塑料玩具")

    # change the status
    page.select_option("#status", "accepted")
    page.click("#apply-status")
    expect(page.locator("#status-badge")).to_have_text(labels["accepted"])

    # merge the duplicate
    page.fill("#merge-numbers", b)
    page.click("#merge")
    expect(page.locator("#members")).to_contain_text(b)

    # export the national form
    with page.expect_download() as dl:
        page.click("#export-docx")
    assert dl.value.suggested_filename == f"{a}.docx"

    # draft a comment: cited, and the check passes
    page.click("#draft-comment")
    expect(page.locator("form.draft").first).to_be_visible()
    expect(page.locator("form.draft .draft-ok").first).to_be_visible()
    assert "[" in page.locator("form.draft textarea").first.input_value()
    page.screenshot(path=str(shots / "2-report.png"), full_page=True)

    # the dashboard, drawn as SVG on the server
    page.click(f"header a:text('{labels['dashboard']}')")
    expect(page.locator("#charts svg")).to_have_count(5)
    page.screenshot(path=str(shots / "3-dashboard.png"), full_page=True)

    # the other language is one click away and keeps the page
    page.click("#lang-switch")
    expect(page.locator("#charts svg")).to_have_count(5)
    assert (page.locator("html").get_attribute("lang") or "").startswith("en" if lang == "zh" else "zh")
    page.close()
    assert len(list(shots.glob("*.png"))) == 3
