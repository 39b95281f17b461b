"""The web chat in a real browser: Debian's chromium driven by playwright (no browser download).

The app runs under uvicorn on a free loopback port in a thread, over the shared `small_index`.
A screenshot of the answered page is saved to /tmp/tbt-webchat.png for a human to judge.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOT = Path("/tmp/tbt-webchat.png")
QUESTION = "What does G/TBT/N/USA/867/Add.1 change?"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(small_index: Settings) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests need it")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    import uvicorn

    from assistant.api.app import create_app

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(small_index), host="127.0.0.1", port=port, log_level="warning")
    )
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


def test_ask_and_open_citation_one(base_url: str, browser: object) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="en-US")
    page.goto(base_url + "/?lang=en")
    expect(page.locator(".status.ok")).to_be_visible()
    page.evaluate("window.__noReload = true")
    page.fill("#q", QUESTION)
    page.click("#send")
    answered = page.locator("article.turn:not(.pending)")
    expect(answered.locator(".source").first).to_be_visible(timeout=60_000)
    assert page.evaluate("window.__noReload === true"), "the page reloaded instead of fetching"
    expect(answered.locator(".msg.user .bubble")).to_have_text(QUESTION)

    first = answered.locator("a.cite[data-n='1']").first
    expect(first).to_be_visible()
    first.click()
    turn_id = answered.get_attribute("id").removeprefix("turn-")  # type: ignore[union-attr]
    source = page.locator(f"#src-{turn_id}-1")
    expect(source).to_have_class(re.compile(r"\bhighlight\b"))
    expect(source).to_be_in_viewport()
    assert page.url.endswith(f"#src-{turn_id}-1")
    page.wait_for_timeout(400)  # let the smooth scroll settle for the screenshot
    page.screenshot(path=str(SCREENSHOT))

    # the conversation survives a reload (the session cookie and the stored transcript)
    page.reload()
    expect(page.locator("article.turn .msg.user .bubble").first).to_have_text(QUESTION)
    page.close()


def test_works_without_javascript(base_url: str, browser: object) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844},
                                  locale="zh-CN")
    page = context.new_page()
    page.goto(base_url + "/")
    page.click("button.example >> nth=0")  # an example question, posted as a plain form
    expect(page.locator("article.turn .msg.bot .bubble").first).to_be_visible()
    assert re.search(r"/#turn-\d+$", page.url)
    page.fill("#q", "<b>不是粗体</b>")
    page.click("#send")
    expect(page.locator("article.turn .msg.user .bubble").last).to_have_text("<b>不是粗体</b>")
    page.screenshot(path=str(SCREENSHOT.with_name("tbt-webchat-mobile.png")), full_page=False)
    context.close()
