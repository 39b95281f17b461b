"""WeChat callback signatures and the "safe mode" message encryption (WXBizMsgCrypt).

Plain mode: `signature` = sha1 of the sorted [token, timestamp, nonce].
Safe mode: `msg_signature` = sha1 of the sorted [token, timestamp, nonce, encrypted text]; the text
is AES-256-CBC (key = base64(EncodingAESKey + "="), iv = key[:16], PKCS#7 to 32-byte blocks) of
16 random bytes + 4-byte big-endian length + message + receive id (AppID or CorpID). A message
for another account (wrong receive id) is refused like a bad signature.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


class CryptoError(ValueError):
    """A signature, key or ciphertext that does not check out (the request is refused)."""


def signature(*parts: str) -> str:
    """sha1 hex of the sorted parts, joined: what WeChat puts in signature / msg_signature."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def check_signature(sig: str | None, *parts: str | None) -> bool:
    """True when every part is present and `sig` matches (constant-time comparison)."""
    if not sig or any(p is None for p in parts):
        return False
    expected = signature(*(p or "" for p in parts))
    return hmac.compare_digest(expected, sig.strip().lower())


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte key of a 43-character EncodingAESKey."""
    try:
        key = base64.b64decode(encoding_aes_key.strip() + "=", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CryptoError("EncodingAESKey is not base64") from exc
    if len(key) != 32:
        raise CryptoError("EncodingAESKey must be 43 characters (32 bytes)")
    return key


def _pad(data: bytes) -> bytes:
    n = BLOCK - len(data) % BLOCK
    return data + bytes([n]) * n


def _unpad(data: bytes) -> bytes:
    if not data:
        raise CryptoError("empty plaintext")
    n = data[-1]
    if not 1 <= n <= BLOCK or data[-n:] != bytes([n]) * n:
        raise CryptoError("bad padding")
    return data[:-n]


class MessageCrypto:
    """Encrypts replies and decrypts messages for one account (AppID or CorpID)."""

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        self.token, self.receive_id = token, receive_id
        self.key = aes_key(encoding_aes_key)

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))

    def decrypt(self, encrypted: str) -> str:
        """The message inside `encrypted`; CryptoError when it is not for this account."""
        try:
            raw = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CryptoError("ciphertext is not base64") from exc
        if not raw or len(raw) % 16:
            raise CryptoError("ciphertext length")
        dec = self._cipher().decryptor()
        plain = _unpad(dec.update(raw) + dec.finalize())
        if len(plain) < 20:
            raise CryptoError("plaintext too short")
        (length,) = struct.unpack(">I", plain[16:20])
        if 20 + length > len(plain):
            raise CryptoError("bad length")
        message, receive_id = plain[20:20 + length], plain[20 + length:]
        if not hmac.compare_digest(receive_id, self.receive_id.encode("utf-8")):
            raise CryptoError("message is for another account")
        try:
            return message.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CryptoError("message is not UTF-8") from exc

    def encrypt(self, message: str, prefix: bytes | None = None) -> str:
        """base64 ciphertext of `message` (`prefix`: the 16 random bytes, fixed only in tests)."""
        body = message.encode("utf-8")
        prefix = os.urandom(16) if prefix is None else prefix
        plain = prefix + struct.pack(">I", len(body)) + body + self.receive_id.encode("utf-8")
        enc = self._cipher().encryptor()
        return base64.b64encode(enc.update(_pad(plain)) + enc.finalize()).decode("ascii")

    def check(self, msg_signature: str | None, timestamp: str | None, nonce: str | None,
              encrypted: str | None) -> bool:
        return check_signature(msg_signature, self.token, timestamp, nonce, encrypted)

    def sign(self, timestamp: str, nonce: str, encrypted: str) -> str:
        return signature(self.token, timestamp, nonce, encrypted)
