"""HTTP API and web form for alert subscriptions (POST/GET/DELETE /api/subscriptions, GET/POST /alerts).

A person is (channel, user_id). The first subscription of an address returns a management token
once; every later call for that address (listing, adding, pausing, deleting) must send it in the
`X-Subscription-Token` header, so nobody can read or change someone else's subscriptions. Errors
are the app's JSON (`{"error": "中文 / English"}`), never a 500.
"""

from __future__ import annotations

import html
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Form, Header, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from assistant.alerts.chat import describe, parse_criteria
from assistant.alerts.subscriptions import (
    Criteria,
    Subscription,
    SubscriptionError,
    SubscriptionStore,
    check_address,
)
from assistant.config import Settings, get_settings
from assistant.db import init_db
from assistant.notify import Address

router = APIRouter(tags=["alerts"])
_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def _settings(request: Request) -> Settings:
    settings = getattr(request.app.state, "settings", None)
    return settings if isinstance(settings, Settings) else get_settings()


def _store(request: Request) -> SubscriptionStore:
    settings = _settings(request)
    key = settings.resolved_database_url
    with _LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = init_db(settings)
        return SubscriptionStore(_ENGINES[key])


def _vocab() -> Any:
    from assistant.retrieve.products import ProductVocabulary

    return ProductVocabulary.load(get_settings().corpus_dir)  # the shipped vocabulary


class SubscriptionIn(BaseModel):
    """A subscription: an address and what to watch (a `text` sentence, or the lists)."""

    channel: str = Field(examples=["email"])
    user_id: str = Field(max_length=320, examples=["export@fixture.example"])
    lang: str = Field(default="zh", pattern="^(zh|en)$")
    text: str | None = Field(default=None, max_length=500, examples=["订阅欧盟玩具的通报"])
    markets: list[str] = Field(default_factory=list, examples=[["EU"]])
    hs: list[str] = Field(default_factory=list, examples=[["9503"]])
    products: list[str] = Field(default_factory=list, examples=[["toys"]])
    keywords: list[str] = Field(default_factory=list)
    types: list[str] = Field(default_factory=list, examples=[["TBT", "SPS"]])
    ntm: list[str] = Field(default_factory=list)
    frequency: str | None = Field(default=None, pattern="^(immediate|daily|weekly)$")


def _error(exc: SubscriptionError, status: int = 422) -> HTTPException:
    return _bilingual(status, exc.en, exc.zh)


def _bilingual(status: int, en: str, zh: str) -> HTTPException:
    """The app's error shape is {"error": text}: the text carries both languages."""
    return HTTPException(status, detail=f"{zh} / {en}")


def _forbidden() -> HTTPException:
    return _bilingual(
        403, "Send this address's X-Subscription-Token (given with its first subscription).",
        "请在X-Subscription-Token请求头中提供该地址的管理令牌（首次订阅时发放）。")


def _out(sub: Subscription) -> dict[str, Any]:
    c = sub.criteria
    return {"number": sub.number, "channel": sub.address.channel, "user_id": sub.address.user_id,
            "lang": sub.lang, "frequency": sub.frequency, "paused": sub.paused,
            "markets": list(c.markets), "hs": list(c.hs), "products": list(c.products),
            "keywords": list(c.keywords), "types": list(c.types), "ntm": list(c.ntm),
            "description": describe(sub, sub.lang, _vocab())}


def _criteria(body: SubscriptionIn) -> tuple[Criteria, str]:
    vocab = _vocab()
    freq = "daily"
    base = Criteria()
    if body.text:
        try:
            base, freq = parse_criteria(body.text, vocab)
        except SubscriptionError:
            base = Criteria()
    hs = list(base.hs) + body.hs
    products = list(base.products)
    words = list(base.product_words)
    for name in body.products:
        found = [c for c in vocab.lookup(name, k=3) if c.confidence >= 0.8]
        if found:
            hs.append(found[0].code)
            words.extend(vocab.related_words(found[0].matched) or [name])
        else:
            words.append(name)
        products.append(name)
    crit = Criteria.clean(
        markets=list(base.markets) + body.markets, hs=hs,
        keywords=list(base.keywords) + body.keywords,
        types=body.types or list(base.types), ntm=body.ntm, products=products, product_words=words)
    return crit, body.frequency or freq


def _address(channel: str, user_id: str) -> Address:
    """An e-mail address: chat users subscribe in their chat, where the channel vouches for them
    (over HTTP anyone could name someone else's Telegram or WeChat id)."""
    if channel != "email":
        raise _bilingual(422, "Over HTTP only e-mail subscriptions are made; on Telegram or WeChat, "
                         "say \"subscribe EU toys\" in the chat.",
                         "通过HTTP只能用邮箱订阅；Telegram或微信用户请在对话中说“订阅欧盟玩具的通报”。")
    try:
        return check_address(Address(channel, user_id))
    except SubscriptionError as exc:
        raise _error(exc) from exc


@router.post("/api/subscriptions", status_code=201)
def create_subscription(
    request: Request,
    body: SubscriptionIn,
    token: Annotated[str | None, Header(alias="X-Subscription-Token")] = None,
) -> dict[str, Any]:
    """Subscribe an address; the first subscription of an address returns its management token."""
    store = _store(request)
    address = _address(body.channel, body.user_id)
    if store.has_token(address) and not store.check_token(address, token):
        raise _forbidden()
    try:
        crit, freq = _criteria(body)
        sub = store.create(address, crit, lang=body.lang, label=body.text or "", frequency=freq)
    except SubscriptionError as exc:
        raise _error(exc) from exc
    out: dict[str, Any] = {"subscription": _out(sub)}
    issued = store.issue_token(address)
    if issued:
        out["token"] = issued
    return out


@router.get("/api/subscriptions")
def list_subscriptions(
    request: Request,
    channel: Annotated[str, Query()],
    user_id: Annotated[str, Query(max_length=320)],
    token: Annotated[str | None, Header(alias="X-Subscription-Token")] = None,
) -> list[dict[str, Any]]:
    """An address's subscriptions (with its token)."""
    store = _store(request)
    address = _address(channel, user_id)
    if not store.check_token(address, token):
        raise _forbidden()
    return [_out(s) for s in store.of(address)]


def _manage(request: Request, action: str, number: int, channel: str, user_id: str,
            token: str | None) -> dict[str, Any]:
    store = _store(request)
    address = _address(channel, user_id)
    if not store.check_token(address, token):
        raise _forbidden()
    if action == "delete":
        if not store.delete(address, number):
            raise _bilingual(404, f"No subscription {number}.", f"没有第{number}号订阅。")
        return {"deleted": number}
    sub = store.set_paused(address, number, action == "pause")
    if sub is None:
        raise _bilingual(404, f"No subscription {number}.", f"没有第{number}号订阅。")
    return _out(sub)


TokenH = Annotated[str | None, Header(alias="X-Subscription-Token")]


@router.delete("/api/subscriptions/{number}")
def delete_subscription(request: Request, number: int, channel: str, user_id: str,
                        token: TokenH = None) -> dict[str, Any]:
    """Delete one subscription."""
    return _manage(request, "delete", number, channel, user_id, token)


@router.post("/api/subscriptions/{number}/pause")
def pause_subscription(request: Request, number: int, channel: str, user_id: str,
                       token: TokenH = None) -> dict[str, Any]:
    """Pause one subscription."""
    return _manage(request, "pause", number, channel, user_id, token)


@router.post("/api/subscriptions/{number}/resume")
def resume_subscription(request: Request, number: int, channel: str, user_id: str,
                        token: TokenH = None) -> dict[str, Any]:
    """Resume one subscription."""
    return _manage(request, "resume", number, channel, user_id, token)


_PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>预警订阅 · Alerts</title></head><body style="font-family:sans-serif;max-width:40em;margin:2em auto">
<h1>预警订阅 · Alert subscriptions</h1>
<p>新的WTO通报或中国产品在境外被拒时，按红/黄/绿等级通过邮件提醒您，评议截止前10个和3个工作日再提醒。<br>
New WTO notifications and rejections of Chinese products, graded red / yellow / green, by e-mail,
with reminders 10 and 3 working days before comments close.</p>
{message}
<form method="post" action="/alerts">
<p><label>邮箱 E-mail<br><input name="email" type="email" required size="40"></label></p>
<p><label>关注什么 What to watch<br><input name="text" required size="40"
 placeholder="订阅欧盟玩具的通报 / EU toys"></label></p>
<p><label>频率 Frequency <select name="frequency"><option value="daily">每日 daily</option>
<option value="immediate">立即 immediately</option><option value="weekly">每周 weekly</option></select></label>
<label>语言 Language <select name="lang"><option value="zh">中文</option><option value="en">English</option>
</select></label></p>
<p><button type="submit">订阅 Subscribe</button></p></form>
<p>在Telegram或微信里也可以直接说“订阅欧盟玩具的通报”“我的订阅”“取消订阅 1”。<br>
On Telegram or WeChat, just say "subscribe EU toys", "my subscriptions", "unsubscribe 1".<br>
API: POST/GET/DELETE /api/subscriptions (see /docs).</p></body></html>"""


@router.get("/alerts", response_class=HTMLResponse, include_in_schema=False)
def alerts_page() -> str:
    return _PAGE.replace("{message}", "")


@router.post("/alerts", response_class=HTMLResponse, include_in_schema=False)
def alerts_form(request: Request, email: Annotated[str, Form(max_length=320)], text: Annotated[str, Form(max_length=500)],
                frequency: Annotated[str, Form()] = "daily", lang: Annotated[str, Form()] = "zh"
                ) -> HTMLResponse:
    lang = lang if lang in ("zh", "en") else "zh"
    frequency = frequency if frequency in ("immediate", "daily", "weekly") else "daily"
    store = _store(request)
    try:
        address = check_address(Address("email", email))
        if store.has_token(address):
            raise SubscriptionError(
                "This address already has subscriptions: manage them with its token through the API.",
                "该邮箱已有订阅，请使用其管理令牌通过API管理。")
        crit, _ = parse_criteria(text, _vocab())
        sub = store.create(address, crit, lang=lang, label=text, frequency=frequency)
        token = store.issue_token(address) or ""
    except SubscriptionError as exc:
        msg = f'<p style="color:#b00">{html.escape(exc.zh)}<br>{html.escape(exc.en)}</p>'
        return HTMLResponse(_PAGE.replace("{message}", msg), status_code=422)
    msg = (f'<p style="color:#070">已订阅 Subscribed: {html.escape(describe(sub, lang, _vocab()))}<br>'
           f"管理令牌（请保存）Management token (keep it): <code>{html.escape(token)}</code></p>")
    return HTMLResponse(_PAGE.replace("{message}", msg), status_code=201)
