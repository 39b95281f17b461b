"""Every signature and AES vector of wechatpy's tests: positive ones accepted, negative ones
refused; plus what a forged or misdirected message looks like."""

from __future__ import annotations

from typing import Any

import pytest

from bots.wechat.crypto import CryptoError, MessageCrypto, check_signature, signature
from bots.wechat.xmlmsg import encrypted_field, parse_message, parse_xml
from tests.bots.wechat.conftest import vectors

# Vectors of other WeChat protocols (Mini Program data, WeChat Pay refunds): not callbacks.
NOT_CALLBACKS = {"test_wxa_decrypt_message", "test_refund_notify_decrypt_message", "test_check_wxa_signature"}
CASES = vectors()


def _crypto(case: dict[str, Any]) -> MessageCrypto:
    p = case["class_params"]
    return MessageCrypto(p["token"], p["encoding_aes_key"], p["corp_id"])


def test_every_vector_is_covered() -> None:
    handled = {c["test"] for c in CASES if c["test"] not in NOT_CALLBACKS}
    assert handled == {"test_check_signature_should_ok", "test_check_signature_should_fail",
                       "test_encrypt_message", "test_decrypt_message", "test_decrypt_binary_message"}
    assert len(CASES) == 10


@pytest.mark.parametrize("case", [c for c in CASES if c["file"] == "tests/test_utils.py"
                                  and c["test"] not in NOT_CALLBACKS], ids=lambda c: c["test"])
def test_plain_signature(case: dict[str, Any]) -> None:
    p = case["params"]
    ok = check_signature(p["signature"], p["token"], p["timestamp"], p["nonce"])
    assert ok is case["verified_signature_match"]


@pytest.mark.parametrize("case", [c for c in CASES if c["test"].startswith("test_check_signature")
                                  and c["file"] == "tests/test_crypto.py"], ids=lambda c: c["test"])
def test_url_verification_vectors(case: dict[str, Any]) -> None:
    crypto, p = _crypto(case), case["params"]
    ok = crypto.check(p["signature"], p["timestamp"], p["nonce"], p["echo_str"])
    assert ok is case["verified_signature_match"]
    assert crypto.decrypt(p["echo_str"]) == case["verified_decrypted_echostr"]


def test_encrypt_vector_reproduced() -> None:
    case = next(c for c in CASES if c["test"] == "test_encrypt_message")
    crypto, p = _crypto(case), case["params"]
    enc = crypto.encrypt(p["reply"], prefix=b"1234567890123456")
    expected = parse_xml(p["expected"])
    assert enc == encrypted_field(expected)
    assert crypto.sign(p["timestamp"], p["nonce"], enc) == expected.findtext("MsgSignature")
    assert crypto.decrypt(enc) == case["verified_decrypted_xml"]


@pytest.mark.parametrize("name", ["test_decrypt_message", "test_decrypt_binary_message"])
def test_decrypt_vectors(name: str) -> None:
    case = next(c for c in CASES if c["test"] == name)
    crypto, p = _crypto(case), case["params"]
    enc = encrypted_field(parse_xml(p["xml"]))
    assert enc and crypto.check(p["signature"], p["timestamp"], p["nonce"], enc)
    plain = crypto.decrypt(enc)
    assert plain == case["verified_decrypted_xml"]
    msg = parse_message(parse_xml(plain))
    assert (msg.from_user, msg.msg_type, msg.text, msg.msg_id) == ("messense", "text", "test", "4363689963896700987")


def test_message_for_another_account_is_refused() -> None:
    case = next(c for c in CASES if c["test"] == "test_decrypt_message")
    p = case["class_params"]
    other = MessageCrypto(p["token"], p["encoding_aes_key"], "wxFIXTUREotherapp")
    with pytest.raises(CryptoError):
        other.decrypt(encrypted_field(parse_xml(case["params"]["xml"])) or "")


@pytest.mark.parametrize("bad", ["not base64!", "", "AAAA", "A" * 44, "QUJD" * 8])
def test_garbage_ciphertext_is_refused(bad: str) -> None:
    crypto = MessageCrypto("123456", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx49f0ab532d5d035a")
    with pytest.raises(CryptoError):
        crypto.decrypt(bad)


def test_tampered_signature_and_missing_parts() -> None:
    good = signature("123456", "1", "2", "x")
    assert check_signature(good, "123456", "1", "2", "x")
    assert not check_signature(good[:-1] + ("0" if good[-1] != "0" else "1"), "123456", "1", "2", "x")
    assert not check_signature(None, "123456", "1", "2")
    assert not check_signature(good, "123456", None, "2", "x")


def test_bad_aes_key_is_a_clear_error() -> None:
    with pytest.raises(CryptoError):
        MessageCrypto("t", "short", "wx")
