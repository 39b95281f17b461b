"""All 80 real callback payloads (wechatpy's test suite) through the HTTP routes: each is
answered as a user would expect, and the same payload with a bad signature gets 403 with nothing
processed."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from assistant.channel_store import MessageLog
from assistant.config import Settings
from bots.wechat.setup import engine_for
from tests.bots.wechat.conftest import (
    APPID,
    Signed,
    forget_messages,
    payloads,
    plain,
    post,
    reply_content,
    safe,
    vectors,
)

PAYLOADS = payloads()
CASES = {c["test"]: c for c in vectors() if c["file"] == "tests/test_crypto.py"}
SILENT = "success"  # events that need no reply
CJK = re.compile(r"[\u4e00-\u9fff]")


def _request(entry: dict[str, Any]) -> tuple[str, Signed, int]:
    """Where WeChat would send this payload, signed as it would be, and the expected status."""
    xml, test, src = entry["xml"], entry["test"], entry["source_file"]
    if test in ("test_decrypt_message", "test_decrypt_binary_message"):
        p = CASES[test]["params"]
        return "/wecom", Signed({"msg_signature": p["signature"], "timestamp": p["timestamp"],
                                 "nonce": p["nonce"]}, xml.encode()), 200
    if test == "test_encrypt_message" and "<Encrypt>" in xml:  # the encrypted reply sample
        sig = re.search(r"<MsgSignature><!\[CDATA\[(\w+)", xml)
        assert sig
        return "/wecom", Signed({"msg_signature": sig.group(1), "timestamp": "1411525903",
                                 "nonce": "461056294"}, xml.encode()), 200
    if test in ("test_reply_render", "test_refund_notify_decrypt_message"):
        return "/wechat", plain(xml), 400  # truncated XML; a WeChat Pay notice is no message
    if src == "tests/test_work_parser.py":
        return "/wecom", safe(xml), 200  # WeCom callbacks are always encrypted
    return "/wechat", plain(xml), 200


def _expect(entry: dict[str, Any], text: str | None) -> None:
    """What the user sees for this kind of message."""
    kind, event = entry["msg_type"], (entry["event"] or "").lower()
    if kind == "event" and event == "subscribe":
        assert text and CJK.search(text) and "report a barrier" in text and "报告壁垒" in text
        assert text.count("\n1. ") == 2 and text.count("\n3. ") == 2  # three examples, each language
    elif kind == "event":
        assert text is None
    elif kind == "text" or (kind is None and "<Encrypt>" in entry["xml"]):
        assert text and "抱歉" not in text and "Sorry" not in text  # an answer from the core
    elif kind:  # image, voice without Recognition, video, location, link, device_text, unknown
        assert text and ("文字" in text or "text" in text)


def test_every_payload_is_handled(client: TestClient, settings: Settings) -> None:
    assert len(PAYLOADS) == 80
    seen = {"ok": 0, "refused": 0}
    for entry in PAYLOADS:
        forget_messages(settings)  # the samples reuse one MsgId for every message type
        path, signed, status = _request(entry)
        r = post(client, path, signed)
        assert r.status_code == status, (entry["test"], r.status_code, r.text)
        if status == 200:
            seen["ok"] += 1
            text = reply_content(r.text, receive_id=APPID)
            if path == "/wecom" and text is not None:
                assert "<Encrypt>" in r.text  # a safe-mode message gets an encrypted reply
            _expect(entry, text)
        else:
            seen["refused"] += 1
            assert "WeChat" in r.text or "XML" in r.text
    assert seen == {"ok": 78, "refused": 2}


def test_every_payload_with_a_bad_signature_is_refused(client: TestClient, settings: Settings) -> None:
    log = MessageLog(engine_for(settings))
    for entry in PAYLOADS:
        path, signed, _ = _request(entry)
        for key in ("signature", "msg_signature"):
            if key in signed.params:
                signed.params[key] = "0" * 40
        r = post(client, path, signed)
        if r.status_code != 400:  # malformed XML is refused before the signature is read
            assert r.status_code == 403, entry["test"]
        missing = post(client, path, Signed({}, signed.body))
        assert missing.status_code in (400, 403)
    assert log.count("wechat") == 0 and log.count("wecom") == 0  # nothing was processed
