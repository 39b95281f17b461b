"""One WeChat account's callback: check, decrypt, de-duplicate, ask the core, reply in time.

WeChat waits five seconds for the HTTP reply and then retries the same message (three tries in
all). So the core gets `passive_seconds` (4.5 by default): an answer ready by then is the passive
reply; otherwise the request answers `success` at once and the answer follows through the
customer-service API (Official Account) or the app-message API (WeCom) as soon as it is ready.

Each message is claimed in the database by its key before anything else happens; a retry (in
this worker or another) finds the claim and never asks the core a second time. A retry of a
message already answered in its HTTP reply gets that same reply again (WeChat only retries when
it did not receive it).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from assistant.channel_store import ANSWERED, DELIVERED, FAILED, MessageLog
from assistant.channel_users import ChannelUsers
from assistant.notify import Delivery, session_id_for
from bots.wechat import messages as say
from bots.wechat.api import Account
from bots.wechat.crypto import CryptoError, MessageCrypto, check_signature
from bots.wechat.text import MAX_BYTES, answer_text, split_bytes
from bots.wechat.xmlmsg import (
    Inbound,
    XMLRefused,
    encrypted_envelope,
    encrypted_field,
    parse_message,
    parse_xml,
    text_reply,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from assistant.dialogue.assistant import Assistant

log = logging.getLogger(__name__)

PASSIVE_SECONDS = 4.5
PART_BYTES = MAX_BYTES - 40  # room for the "(continued)" line on later parts
PRUNE_EVERY = 3600.0  # seconds between clean-ups of the message log
SUCCESS = "success"  # what WeChat expects when there is no passive reply
SILENT_EVENTS = {"unsubscribe"}


class Sender(Protocol):
    """Delivers text outside the HTTP reply (WeChatAPI.send_text)."""

    def send_text(self, user_id: str, text: str) -> Delivery: ...


@dataclass(frozen=True)
class HttpReply:
    status: int
    body: str
    media_type: str = "text/plain; charset=utf-8"


def _error(status: int, zh: str, en: str) -> HttpReply:
    return HttpReply(status, f"{zh} / {en}")


FORBIDDEN = _error(403, "签名无效", "invalid signature")
NOT_CONFIGURED = _error(404, "未配置此微信账号", "this WeChat account is not configured")


@dataclass
class _Job:
    """An answer being computed: who delivers it is decided once, under the lock."""

    parts: list[str] | None = None
    lang: str | None = None
    late: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def finish(self, parts: list[str], lang: str | None) -> bool:
        """Store the answer; True when the HTTP reply has already gone (deliver it by API)."""
        with self.lock:
            self.parts, self.lang = parts, lang
            return self.late

    def give_up(self) -> list[str] | None:
        """The answer if it is ready now; otherwise the worker will deliver it later."""
        with self.lock:
            if self.parts is None:
                self.late = True
            return self.parts


@dataclass(frozen=True)
class _Step:
    """What to do with a claimed message: reply now (text), stay silent, or ask the core."""

    reply: str | None = None
    ask: str | None = None
    lang: str | None = None


class WeChatAdapter:
    """The callback of one account (`account.channel` is "wechat" or "wecom")."""

    def __init__(self, account: Account, engine: Engine, assistant: Callable[[], Assistant], *,
                 sender: Sender | None = None, passive_seconds: float = PASSIVE_SECONDS,
                 workers: int = 8) -> None:
        self.account, self.channel = account, account.channel
        self.assistant, self.sender, self.passive_seconds = assistant, sender, passive_seconds
        self.log, self.users = MessageLog(engine), ChannelUsers(engine)
        self.crypto = (MessageCrypto(account.token or "", account.aes_key, account.receive_id or "")
                       if account.aes_key else None)
        self._pruned = float("-inf")
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"{self.channel}-ask")

    # -- URL verification ------------------------------------------------------------------
    def verify(self, query: Mapping[str, str]) -> HttpReply:
        """GET: prove we own the URL by echoing `echostr` (decrypted in safe mode)."""
        if not self.account.configured:
            return NOT_CONFIGURED
        ts, nonce, echo = query.get("timestamp"), query.get("nonce"), query.get("echostr")
        if query.get("msg_signature") is not None:  # safe mode: signed and encrypted echostr
            if self.crypto is None or not self.crypto.check(query.get("msg_signature"), ts, nonce, echo):
                return FORBIDDEN
            try:
                return HttpReply(200, self.crypto.decrypt(echo or ""))
            except CryptoError:
                return FORBIDDEN
        if not check_signature(query.get("signature"), self.account.token, ts, nonce) or echo is None:
            return FORBIDDEN
        return HttpReply(200, echo)

    # -- messages --------------------------------------------------------------------------
    async def handle(self, query: Mapping[str, str], body: bytes) -> HttpReply:
        """POST: one message in, one HTTP reply out, within `passive_seconds`."""
        started = time.monotonic()
        if not self.account.configured:
            return NOT_CONFIGURED
        try:
            root = parse_xml(body)
        except XMLRefused as exc:
            return _error(400, "无法读取的消息", str(exc))
        encrypted = encrypted_field(root)
        ts, nonce = query.get("timestamp"), query.get("nonce")
        if encrypted is not None:
            if self.crypto is None or not self.crypto.check(query.get("msg_signature"), ts, nonce, encrypted):
                return FORBIDDEN
            try:
                root = parse_xml(self.crypto.decrypt(encrypted))
            except CryptoError:
                return FORBIDDEN
            except XMLRefused as exc:
                return _error(400, "无法读取的消息", str(exc))
        elif not check_signature(query.get("signature"), self.account.token, ts, nonce):
            return FORBIDDEN
        try:
            msg = parse_message(root)
        except XMLRefused as exc:
            return _error(400, "无法读取的消息", str(exc))

        loop = asyncio.get_running_loop()
        job = _Job()
        future: Future[str | None] = self.pool.submit(self._process, msg, job)
        remaining = self.passive_seconds - (time.monotonic() - started)
        try:
            reply = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future, loop=loop)),
                                           timeout=max(0.0, remaining))
        except TimeoutError:
            parts = job.give_up()
            if parts is None:
                return HttpReply(200, SUCCESS)  # the worker delivers it through the API
            reply = self._passive(msg, parts, job.lang)
        except Exception:  # never a 500 to WeChat: it would only retry
            log.exception("%s message failed", self.channel)
            return HttpReply(200, SUCCESS)
        if not reply:
            return HttpReply(200, SUCCESS)
        return HttpReply(200, self._wrap(text_reply(msg, reply), encrypted is not None),
                         "application/xml; charset=utf-8")

    def _wrap(self, xml: str, encrypt: bool) -> str:
        if not encrypt or self.crypto is None:
            return xml
        ts, nonce = str(int(time.time())), str(secrets.randbelow(10**10))
        enc = self.crypto.encrypt(xml)
        return encrypted_envelope(enc, self.crypto.sign(ts, nonce, enc), ts, nonce)

    # -- the work, in a worker thread ------------------------------------------------------
    def _process(self, msg: Inbound, job: _Job) -> str | None:
        """Claim the message, decide, and return the passive reply text (None: `success`)."""
        self._prune()
        if not self.log.claim(self.channel, msg.key, msg.from_user):
            seen = self.log.get(self.channel, msg.key)
            log.info("%s retry of %s ignored", self.channel, msg.key)
            return seen.reply if seen and seen.passive and seen.status == ANSWERED else None
        try:
            step = self._decide(msg)
        except Exception:
            log.exception("%s message could not be handled", self.channel)
            step = _Step(reply=say.pick(say.FAILED, None))
        if step.ask is None:
            self.log.finish(self.channel, msg.key, status=ANSWERED, reply=step.reply,
                            lang=step.lang, passive=step.reply is not None)
            return step.reply
        parts, lang = self._ask(msg, step.ask, step.lang)
        if job.finish(parts, lang):
            self._deliver(msg, parts, lang)
            return None
        return self._passive(msg, parts, lang)

    def _prune(self) -> None:
        """Forget old message keys now and then (retries come within seconds)."""
        now = time.monotonic()
        if now - self._pruned < PRUNE_EVERY:
            return
        self._pruned = now
        try:
            self.log.prune()
        except Exception:  # housekeeping must never cost a reply
            log.exception("%s: could not prune the message log", self.channel)

    def _decide(self, msg: Inbound) -> _Step:
        user = self.users.touch(self.channel, msg.from_user)
        lang = user.lang or self.log.last_lang(self.channel, msg.from_user)
        if msg.msg_type == "event":
            event = (msg.event or "").lower()
            if event == "subscribe" or (event == "enter_agent" and user.lang is None and lang is None):
                return _Step(reply=say.WELCOME)
            return _Step()  # other events (menus, scans, unsubscribe...) need no reply
        text = msg.text
        if text is None:
            return _Step(reply=say.pick(say.UNSUPPORTED, lang), lang=lang)
        chosen = say.LANG_COMMANDS.get(" ".join(text.lower().split()))
        if chosen:
            self.users.touch(self.channel, msg.from_user, lang=chosen)
            return _Step(reply=say.LANG_SET[chosen], lang=chosen)
        return _Step(ask=text, lang=user.lang)

    def _ask(self, msg: Inbound, text: str, lang: str | None) -> tuple[list[str], str | None]:
        """The core's answer as plain-text parts, and its language; a polite note on failure."""
        try:
            answer = self.assistant().ask(text, session_id=session_id_for(self.channel, msg.from_user),
                                          lang=lang, channel=self.channel)
        except Exception as exc:
            ready = type(exc).__name__ != "IndexNotReady"
            if ready:
                log.exception("%s: the core failed on a message", self.channel)
            fallback = lang or self.log.last_lang(self.channel, msg.from_user)
            return [say.pick(say.FAILED if ready else say.NOT_READY, fallback)], fallback
        return split_bytes(answer_text(answer), PART_BYTES), answer.language

    def _passive(self, msg: Inbound, parts: list[str], lang: str | None) -> str:
        """The first part goes in the HTTP reply; the rest follow by API (or are cut short)."""
        first, rest = parts[0], parts[1:]
        if rest and self.sender is None:
            note = say.pick(say.TOO_LONG, lang)
            first = split_bytes(first, MAX_BYTES - len(note.encode("utf-8")) - 2)[0] + "\n" + note
            rest = []
        self.log.finish(self.channel, msg.key, status=ANSWERED, reply=first, lang=lang, passive=True)
        if rest:
            self.pool.submit(self._send_rest, msg, rest, lang)
        return first

    def _send_rest(self, msg: Inbound, rest: list[str], lang: str | None) -> None:
        time.sleep(0.5)  # let the passive reply arrive first so the parts stay in order
        self._send(msg, rest, lang)

    def _deliver(self, msg: Inbound, parts: list[str], lang: str | None) -> None:
        ok = self._send(msg, parts, lang)
        self.log.finish(self.channel, msg.key, status=DELIVERED if ok else FAILED,
                        reply="\n".join(parts), lang=lang, passive=False)

    def _send(self, msg: Inbound, parts: list[str], lang: str | None) -> bool:
        if self.sender is None:
            log.warning("%s: a late answer cannot be delivered: API credentials are not set", self.channel)
            return False
        for i, part in enumerate(parts):
            text = part if i == 0 or len(parts) == 1 else f"{say.pick(say.CONTINUED, lang)}\n{part}"
            delivery = self.sender.send_text(msg.from_user, text)
            if not delivery.ok:
                log.warning("%s delivery failed: %s", self.channel, delivery.error)
                return False
        return True

    def close(self) -> None:
        self.pool.shutdown(wait=True)
