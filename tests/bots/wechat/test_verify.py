"""URL verification (GET) in plain and safe mode, for the Official Account and WeCom: the real
vectors are accepted, anything else gets 403."""

from __future__ import annotations

from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.config import Settings
from tests.bots.wechat.conftest import vectors

CASES = {c["test"] + ":" + c["file"]: c for c in vectors()}
SAFE_OK = CASES["test_check_signature_should_ok:tests/test_crypto.py"]["params"]
SAFE_BAD = CASES["test_check_signature_should_fail:tests/test_crypto.py"]["params"]
PLAIN_OK = CASES["test_check_signature_should_ok:tests/test_utils.py"]["params"]
PLAIN_BAD = CASES["test_check_signature_should_fail:tests/test_utils.py"]["params"]


def _safe(p: dict[str, str]) -> dict[str, str]:
    return {"msg_signature": p["signature"], "timestamp": p["timestamp"], "nonce": p["nonce"],
            "echostr": p["echo_str"]}


def test_safe_mode_verification_both_accounts(client: TestClient) -> None:
    for path in ("/wecom", "/wechat"):
        ok = client.get(path, params=_safe(SAFE_OK))
        assert ok.status_code == 200 and ok.text == "5927782489442352469"
        assert client.get(path, params=_safe(SAFE_BAD)).status_code == 403
        missing = {k: v for k, v in _safe(SAFE_OK).items() if k != "msg_signature"}
        assert client.get(path, params=missing).status_code == 403


def test_plain_mode_verification(settings: Settings) -> None:
    plain = settings.model_copy(update={"wechat_token": "test", "wechat_aes_key": None})
    with TestClient(create_app(plain)) as client:
        params = {k: PLAIN_OK[k] for k in ("signature", "timestamp", "nonce")}
        ok = client.get("/wechat", params={**params, "echostr": "fixture-echo-42"})
        assert ok.status_code == 200 and ok.text == "fixture-echo-42"
        bad = {k: PLAIN_BAD[k] for k in ("signature", "timestamp", "nonce")}
        assert client.get("/wechat", params={**bad, "echostr": "x"}).status_code == 403
        assert client.get("/wechat", params={"echostr": "x"}).status_code == 403
        # safe-mode parameters without an EncodingAESKey cannot be checked: refused
        assert client.get("/wechat", params=_safe(SAFE_OK)).status_code == 403


def test_wrong_corpid_is_refused(settings: Settings) -> None:
    other = settings.model_copy(update={"wecom_corpid": "wwFIXTUREcorp"})
    with TestClient(create_app(other)) as client:
        assert client.get("/wecom", params=_safe(SAFE_OK)).status_code == 403


def test_unconfigured_account_is_not_served(small_index: Settings) -> None:
    with TestClient(create_app(small_index)) as client:
        r = client.get("/wechat", params=_safe(SAFE_OK))
        assert r.status_code == 404 and "not configured" in r.text
        assert client.post("/wecom", content=b"<xml/>").status_code == 404
