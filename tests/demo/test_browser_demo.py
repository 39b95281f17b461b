"""Workshop mode in a real browser (Debian's chromium via playwright, no browser download).

Every scenario is clicked through in both languages: all steps at 1920x1080, the opening step
(and any page it opens) at 1280x720. Screenshots go to a tmp folder whose path is printed.
Every request that is not to the loopback server is blocked and recorded: there must be none.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from assistant.config import Settings
from assistant.demo import space
from assistant.demo.scenarios import Scenario, scenarios

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SIZES = ((1920, 1080), (1280, 720))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(small_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests need it")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    import uvicorn

    from assistant.api.app import create_app

    root = tmp_path_factory.mktemp("demo_browser")
    real = root / "real"
    real.mkdir()
    (real / "index").symlink_to(small_index.index_dir.resolve(), target_is_directory=True)
    settings = space.prepare(small_index.model_copy(update={"data_dir": real}), root / "demo")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="tbt-workshop-shots-"))
    print(f"\nworkshop screenshots: {folder}")
    return folder


def _run(page: object, base_url: str, s: Scenario, lang: str, all_steps: bool, shot: Path) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(f"{base_url}/demo?lang={lang}")
    page.click(f"#scenario-{s.id} .scenario-start")
    expect(page.locator(f"#scenario-{s.id}.active .steps")).to_be_visible()
    expect(page.locator("article.turn")).to_have_count(0)  # each scenario starts afresh
    steps = s.steps if all_steps else s.steps[:1]
    asked = 0
    for i, step in enumerate(steps):
        item = page.locator(f"#scenario-{s.id} .steps > li").nth(i)
        if step.say is not None:
            item.locator("button.step-btn").click()
            asked += 1
            answered = page.locator("article.turn:not(.pending)")
            expect(answered).to_have_count(asked, timeout=60_000)
            last = answered.last
            expect(last.locator(".msg.user .bubble")).to_have_text(step.say(lang))
            expect(last.locator("details.how")).to_have_attribute("open", "")
            expect(item).to_have_class("step done")
        else:
            item.locator("a.step-btn").click()
            expect(page.locator(".national-form, .empty-record").first).to_be_visible()
            page.screenshot(path=str(shot.with_name(shot.stem + f"-open-{step.open}.png")))
            page.go_back()
    if asked:
        page.wait_for_timeout(250)
        page.screenshot(path=str(shot))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_scenario_in_both_languages_and_sizes(base_url: str, browser: object, shots: Path,
                                                    lang: str) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    outside: list[str] = []
    for width, height in SIZES:
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale="zh-CN" if lang == "zh" else "en-US")

        def guard(route: object) -> None:
            host = urlparse(route.request.url).hostname  # type: ignore[attr-defined]
            if host in ("127.0.0.1", "localhost"):
                route.continue_()  # type: ignore[attr-defined]
            else:
                outside.append(route.request.url)  # type: ignore[attr-defined]
                route.abort()  # type: ignore[attr-defined]

        context.route("**/*", guard)
        page = context.new_page()
        page.on("dialog", lambda d: d.accept())
        for s in scenarios():
            _run(page, base_url, s, lang, width == 1920, shots / f"{lang}-{width}-{s.id}.png")
        # the report filed at full size is on its national form page, in the page's language
        page.goto(f"{base_url}/demo/reports/latest?lang={lang}")
        expect(page.locator(".national-form")).to_be_visible()
        expect(page.locator(".national-form")).to_contain_text("通报号" if lang == "zh" else "Notification symbol")
        page.screenshot(path=str(shots / f"{lang}-{width}-form.png"), full_page=True)
        # a recorded chat, replayed message by message
        page.goto(f"{base_url}/demo/replay/wechat-zh?lang={lang}")
        expect(page.locator(".pmsg:visible")).to_have_count(1)
        page.click("#replay-next")
        expect(page.locator(".pmsg:visible")).to_have_count(2)
        page.click("#replay-all")
        page.screenshot(path=str(shots / f"{lang}-{width}-replay.png"))
        context.close()
    assert outside == [], f"requests left the machine: {outside}"


def test_reset_returns_the_demo_to_its_start(base_url: str, browser: object) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.on("dialog", lambda d: d.accept())
    page.goto(f"{base_url}/demo?lang=en")
    page.fill("#q", "What does G/TBT/N/USA/867/Add.1 change?")
    page.click("#send")
    expect(page.locator("article.turn:not(.pending)")).to_have_count(1, timeout=60_000)
    page.click("#reset")
    expect(page.locator(".notice")).to_be_visible()
    expect(page.locator("article.turn")).to_have_count(0)
    page.goto(f"{base_url}/demo/reports/latest?lang=en")
    expect(page.locator(".empty-record")).to_be_visible()
    page.close()
