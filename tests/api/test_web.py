"""The web chat: renders, escapes, works without JavaScript (post/redirect/get) and with it."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from markupsafe import escape

from assistant.api.i18n import EXAMPLES

SCRIPT = "<script>alert(1)</script>"


def test_empty_page_without_index(empty_client: TestClient) -> None:
    r = empty_client.get("/", headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert r.status_code == 200
    assert "text/html" in r.headers["content-type"]
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert "tbt ingest" in r.text and "索引未建立" in r.text
    for q in EXAMPLES["zh"] + EXAMPLES["en"]:
        assert f'value="{escape(q)}"' in r.text  # example questions to click, both languages
    assert 'action="/chat"' in r.text and 'name="text"' in r.text
    assert not re.search(r"""(?:src|href)=["']https?://""", r.text)  # nothing from other hosts


def test_language_toggle_sets_a_cookie(empty_client: TestClient) -> None:
    r = empty_client.get("/?lang=en")
    assert "New chat" in r.text and "The index is not built yet" in r.text
    assert r.cookies.get("tbt_lang") == "en" or "tbt_lang=en" in r.headers.get("set-cookie", "")
    assert "New chat" in empty_client.get("/").text  # remembered
    assert "新对话" in empty_client.get("/?lang=zh").text


def test_question_without_index_keeps_the_draft(empty_client: TestClient) -> None:
    r = empty_client.post("/chat", data={"text": "出口玩具到美国"})
    assert r.status_code == 503
    assert "tbt ingest" in r.text
    assert "出口玩具到美国</textarea>" in r.text


def test_empty_and_too_long_questions(client: TestClient) -> None:
    r = client.post("/chat", data={"text": "   "}, headers={"accept-language": "en"})
    assert r.status_code == 422 and "Please type a question." in r.text
    r = client.post("/chat", data={"text": "x" * 10_001}, headers={"accept-language": "en"})
    assert r.status_code == 422 and "at most 10,000 characters" in r.text
    r = client.post("/chat", data={"text": ""}, headers={"accept": "application/json"})
    assert r.status_code == 422 and r.json()["code"] == "empty"


def test_question_html_is_shown_as_text(client: TestClient) -> None:
    r = client.post("/chat", data={"text": SCRIPT})
    assert r.status_code == 200  # followed the redirect back to /
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert SCRIPT not in r.text


def test_no_js_flow_keeps_the_session(client: TestClient) -> None:
    r1 = client.post("/chat", data={"text": "What does G/TBT/N/USA/867/Add.1 change?"},
                     follow_redirects=False)
    assert r1.status_code == 303
    assert r1.headers["location"] == "/#turn-0"
    sid = client.cookies.get("tbt_session")
    assert sid
    r2 = client.post("/chat", data={"text": "我们的枸杞在欧盟被通报了怎么办?"}, follow_redirects=False)
    assert r2.headers["location"] == "/#turn-1"
    assert client.cookies.get("tbt_session") == sid
    page = client.get("/").text
    first = page.index("What does G/TBT/N/USA/867/Add.1 change?")
    second = page.index("我们的枸杞在欧盟被通报了怎么办?")
    assert first < second
    # the answer's [n] markers link to its sources, which link to the record pages
    assert re.search(r'<a class="cite" href="#src-0-1"', page)
    assert 'id="src-0-1"' in page
    assert 'href="/records/G/TBT/N/USA/867/Add.1"' in page
    # a new chat forgets the conversation
    client.post("/chat/new")
    assert "tbt_session" not in client.cookies
    fresh = client.get("/").text
    assert 'id="welcome"' in fresh and 'id="turn-0"' not in fresh


def test_js_flow_returns_the_answer_and_the_rendered_turn(client: TestClient) -> None:
    r = client.post("/chat", data={"text": "What does G/TBT/N/USA/867/Add.1 change?"},
                    headers={"accept": "application/json"})
    assert r.status_code == 200
    body = r.json()
    assert body["answer"]["session_id"] == client.cookies.get("tbt_session")
    assert body["answer"]["citations"]
    assert body["html"].lstrip().startswith(f'<article class="turn" id="turn-{body["turn"]}"')
    assert f'href="#src-{body["turn"]}-1"' in body["html"]
    # the page rendered later shows the same turn (reload keeps the conversation)
    assert f'id="turn-{body["turn"]}"' in client.get("/").text


def test_quick_replies_are_buttons_of_a_form(client: TestClient) -> None:
    body = client.post("/chat", data={"text": "出口到欧盟需要什么?"},
                       headers={"accept": "application/json"}).json()
    replies = body["answer"]["choices"] + body["answer"]["followups"]
    for reply in replies:
        assert f'name="text" value="{escape(reply)}"' in body["html"]


ENGLISH_CHROME = ("Sources", "You could also ask", "Record details", "How it works", "New chat", "Send")
CHINESE_CHROME = ("来源", "记录详情", "工作原理", "新对话", "发送")


def _chrome(html: str) -> str:
    """The page minus what the assistant said (answers and snippets may quote English titles)."""
    html = re.sub(r'<div class="answer-text">.*?</div>', "", html, flags=re.S)
    html = re.sub(r"<blockquote.*?</blockquote>|<q>.*?</q>|<dd>.*?</dd>|<td[^>]*>.*?</td>", "", html, flags=re.S)
    return re.sub(r'<a class="source-title".*?</a>|<caption>.*?</caption>', "", html, flags=re.S)


def test_chinese_answers_get_chinese_labels_unless_english_was_chosen(client: TestClient) -> None:
    """Without a choice, labels follow the conversation (not the browser's English); the
    中文/English switch then changes every label of the page, answers included."""
    r = client.post("/chat", data={"text": "出口蓝牙耳机到欧盟需要什么认证？"},
                    headers={"accept": "application/json", "accept-language": "en-US,en;q=0.9"})
    turn = _chrome(r.json()["html"])
    assert "来源" in turn and "工作原理" in turn
    assert not [w for w in ENGLISH_CHROME if re.search(rf">\s*{w}\b", turn)]
    page = _chrome(client.get("/", headers={"accept-language": "en-US"}).text)
    assert 'lang="zh-CN"' in page and not [w for w in ENGLISH_CHROME if re.search(rf">\s*{w}\b", page)]

    english = _chrome(client.get("/?lang=en").text)
    assert "Sources" in english and "How it works" in english and "New chat" in english
    assert not [w for w in CHINESE_CHROME if w in english]
    r = client.post("/chat", data={"text": "枸杞在欧盟被通报了怎么办？"}, headers={"accept": "application/json"})
    assert "Sources" in r.json()["html"]  # the choice is remembered for new answers too
    zh = _chrome(client.get("/?lang=zh").text)
    assert not [w for w in ENGLISH_CHROME if re.search(rf">\s*{w}\b", zh)]


def test_record_page_labels_follow_the_switch(client: TestClient) -> None:
    zh = client.get("/records/G/TBT/N/USA/867?lang=zh").text
    assert "返回对话" in zh and "Back to the chat" not in zh and "Notifying member" not in zh
    en = client.get("/records/G/TBT/N/USA/867?lang=en").text
    assert "Back to the chat" in en and "返回对话" not in en
    missing = client.get("/records/G/TBT/N/FIXTURE/1?lang=zh")
    assert missing.status_code == 404 and "没有找到" in missing.text


def test_an_unknown_page_is_a_404_page_in_the_readers_language(client) -> None:  # type: ignore[no-untyped-def]
    zh = client.get("/no-such-page", headers={"Accept": "text/html", "Accept-Language": "zh-CN"})
    assert zh.status_code == 404 and zh.headers["content-type"].startswith("text/html")
    assert "页面不存在" in zh.text and "返回对话" in zh.text and 'href="/"' in zh.text
    assert zh.headers["x-content-type-options"] == "nosniff"
    en = client.get("/no-such-page?lang=en", headers={"Accept": "text/html"})
    assert en.status_code == 404 and "Page not found" in en.text
    api = client.get("/api/no-such-route", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.json() == {"error": "Not Found"}  # API clients keep JSON
