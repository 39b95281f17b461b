"""Subscribing in conversation, as a Telegram or WeChat user types it, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from assistant.alerts.chat import subscription_reply
from assistant.alerts.subscriptions import SubscriptionStore
from assistant.config import Settings
from assistant.db import init_db
from assistant.notify import Address
from assistant.retrieve.products import ProductVocabulary

TG = "telegram:1001"


@pytest.fixture()
def engine(tmp_path: Path) -> Engine:
    return init_db(Settings(data_dir=tmp_path))


@pytest.fixture(scope="module")
def vocab() -> ProductVocabulary:
    return ProductVocabulary.load()


def say(engine: Engine, vocab: ProductVocabulary, text: str, session: str = TG,
        lang: str | None = None):  # type: ignore[no-untyped-def]
    return subscription_reply(engine, session, text, lang, vocab)  # type: ignore[arg-type]


def test_chinese_subscription_to_eu_toy_notifications(engine: Engine, vocab) -> None:  # type: ignore[no-untyped-def]
    reply = say(engine, vocab, "订阅欧盟玩具和儿童用品的通报", lang="zh")
    assert reply is not None and reply.action == "create"
    sub = reply.subscription
    assert sub is not None and sub.address == Address("telegram", "1001")
    assert sub.criteria.markets == ("EU",) and "9503" in sub.criteria.hs
    assert set(sub.criteria.types) == {"TBT", "SPS"}
    assert "toys" in sub.criteria.product_words  # English records are matched too
    assert "已订阅" in reply.text and "欧盟" in reply.text and "取消订阅 1" in reply.text


def test_english_subscriptions(engine: Engine, vocab) -> None:  # type: ignore[no-untyped-def]
    battery = say(engine, vocab, "alert me about US lithium battery rules", lang="en")
    assert battery is not None and battery.subscription is not None
    assert battery.subscription.criteria.markets == ("USA",)
    assert battery.subscription.criteria.hs == ("850760",)
    assert battery.text.startswith("Subscribed") and "United States" in battery.text
    toys = say(engine, vocab, "subscribe EU toys")
    assert toys is not None and toys.subscription is not None and toys.lang == "en"
    assert toys.subscription.number == 2 and toys.subscription.criteria.types == ()


def test_frequency_and_kind_come_from_the_sentence(engine: Engine, vocab) -> None:  # type: ignore[no-untyped-def]
    weekly = say(engine, vocab, "订阅枸杞在欧盟被拒的通报，每周汇总")
    assert weekly is not None and weekly.subscription is not None
    assert weekly.subscription.frequency == "weekly"
    assert weekly.subscription.criteria.types == ("REJECTION",)
    now = say(engine, vocab, 'subscribe HS 8517 "5G" immediately')
    assert now is not None and now.subscription is not None
    assert now.subscription.frequency == "immediate" and now.subscription.criteria.hs == ("8517",)
    assert now.subscription.criteria.keywords == ("5g",)


def test_list_pause_resume_delete(engine: Engine, vocab) -> None:  # type: ignore[no-untyped-def]
    say(engine, vocab, "订阅欧盟玩具的通报")
    say(engine, vocab, "订阅美国锂电池法规")
    listing = say(engine, vocab, "我的订阅")
    assert listing is not None and listing.action == "list"
    assert "1." in listing.text and "2." in listing.text and "美国" in listing.text
    en = say(engine, vocab, "my subscriptions")
    assert en is not None and "United States" in en.text
    paused = say(engine, vocab, "暂停订阅 2")
    assert paused is not None and paused.action == "pause" and "已暂停" in paused.text
    store = SubscriptionStore(engine)
    assert [s.paused for s in store.of(Address("telegram", "1001"))] == [False, True]
    resumed = say(engine, vocab, "resume 2")
    assert resumed is not None and resumed.action == "resume"
    gone = say(engine, vocab, "取消订阅 2")
    assert gone is not None and gone.action == "delete"
    assert [s.number for s in store.of(Address("telegram", "1001"))] == [1]
    missing = say(engine, vocab, "取消订阅 9")
    assert missing is not None and missing.action == "not_found" and "9" in missing.text


def test_nobody_can_touch_another_persons_subscription(engine: Engine, vocab) -> None:  # type: ignore[no-untyped-def]
    say(engine, vocab, "订阅欧盟玩具的通报")
    other = say(engine, vocab, "取消订阅 1", session="wechat:oFIXTURE")
    assert other is not None and other.action == "not_found"
    assert len(SubscriptionStore(engine).of(Address("telegram", "1001"))) == 1


def test_web_sessions_are_told_how_to_subscribe_by_email(engine: Engine, vocab) -> None:  # type: ignore[no-untyped-def]
    reply = say(engine, vocab, "订阅欧盟玩具", session="3f2b9c1e-web-session")
    assert reply is not None and reply.action == "web" and "/alerts" in reply.text
    assert "邮箱" in reply.text
    en = say(engine, vocab, "subscribe EU toys", session="web-session-2", lang="en")
    assert en is not None and "e-mail" in en.text
    assert SubscriptionStore(engine).count() == 0


@pytest.mark.parametrize("text", [
    "出口蓝牙耳机到欧盟需要什么认证?", "G/TBT/N/USA/867/Add.1", "我们的枸杞在欧盟被通报了怎么办?",
    "RASFF alert for goji berries", "What do LED lamps need for the UK?", "报告壁垒", "",
    "请提醒我一下这个表怎么填",
])
def test_other_messages_are_not_ours(engine: Engine, vocab, text: str) -> None:  # type: ignore[no-untyped-def]
    assert say(engine, vocab, text) is None


def test_a_subscription_without_anything_to_watch_gets_examples(engine: Engine, vocab) -> None:  # type: ignore[no-untyped-def]
    reply = say(engine, vocab, "subscribe please")
    assert reply is not None and reply.action == "help" and "subscribe EU toys" in reply.text
    how = say(engine, vocab, "怎么订阅预警?")
    assert how is not None and how.action == "help" and "我的订阅" in how.text
    assert SubscriptionStore(engine).count() == 0
