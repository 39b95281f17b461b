"""Day 1 and day 2 of ePing exports and a RASFF slice, replayed: who gets what, once, how urgent.

The index is real (run_ingest on fixtures), the e-mail goes through a local SMTP server, and
`TBT_TODAY` moves the calendar. Telegram is not configured in this process, so the Telegram
subscriber's message waits in the outbox (it is not lost).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from assistant.alerts.chat import subscription_reply
from assistant.alerts.email import EmailNotifier
from assistant.alerts.models import DeliveryRow, OutboxRow
from assistant.alerts.runner import AlertRunner, PassReport
from assistant.alerts.subscriptions import Criteria, SubscriptionStore
from assistant.config import Settings
from assistant.db import init_db
from assistant.notify import Address, NotifierRegistry
from assistant.retrieve.products import ProductVocabulary
from tests.alerts.conftest import FIXTURES
from tests.alerts.smtp_server import Mailbox

DAY0 = dt.datetime(2025, 3, 2, 9, 0)
DAY1 = dt.datetime(2025, 3, 3, 9, 0)
DAY2 = dt.datetime(2025, 3, 4, 9, 0)

A = Address("telegram", "1001")
B = Address("email", "chapter95@fixture.example")
C = Address("email", "goji@fixture.example")
D = Address("email", "fail-once@fixture.example")
E = Address("telegram", "1002")
F = Address("email", "eu-rejections@fixture.example")
G = Address("email", "cosmetics@fixture.example")


@dataclass
class World:
    settings: Settings
    engine: Engine
    registry: NotifierRegistry
    box: Mailbox
    passes: dict[str, PassReport]

    def on(self, day: str) -> AlertRunner:
        return AlertRunner(self.settings.model_copy(update={"today": day}), self.engine,
                           self.registry)

    def deliveries(self, address: Address, kind: str | None = None,
                   created: dt.datetime | None = None) -> dict[str, str]:
        with Session(self.engine) as db:
            q = select(DeliveryRow).where(DeliveryRow.channel == address.channel,
                                          DeliveryRow.user_id == address.user_id)
            rows = db.scalars(q).all()
            return {r.item_key: r.level for r in rows if (kind is None or r.kind == kind)
                    and (created is None or r.created_at == created)}

    def row(self, address: Address, key: str) -> Any:
        with Session(self.engine) as db:
            return db.scalar(select(DeliveryRow).where(
                DeliveryRow.channel == address.channel, DeliveryRow.user_id == address.user_id,
                DeliveryRow.item_key == key))


@pytest.fixture(scope="module")
def world(day0: Settings, smtp: tuple[Mailbox, int]) -> Iterator[World]:
    from assistant.ingest.pipeline import run_ingest

    box, port = smtp
    box.refuse_once.add(D.user_id)
    engine = init_db(day0)
    registry = NotifierRegistry()
    registry.register(EmailNotifier("127.0.0.1", port, sender="alerts@fixture.example"))
    w = World(day0, engine, registry, box, {})
    w.passes["day0"] = w.on("2025-03-02").run(now=DAY0)

    vocab = ProductVocabulary.load()
    store = SubscriptionStore(engine)
    goji = vocab.related_words("枸杞")
    made = subscription_reply(engine, "telegram:1001", "订阅玩具的通报", "zh", vocab)  # daily
    assert made is not None and made.action == "create"
    store.create(B, Criteria.clean(hs=["95"]), lang="en", frequency="immediate")
    store.create(C, Criteria.clean(hs=["081340"], products=["goji"], product_words=goji),
                 lang="en", frequency="immediate")
    store.create(D, Criteria.clean(markets=["FIXTURE"], types=["TBT"]), lang="en",
                 frequency="immediate")
    paused = store.create(E, Criteria.clean(hs=["9503"]), lang="zh", frequency="immediate")
    store.set_paused(E, paused.number, True)
    store.create(F, Criteria.clean(markets=["EU"], types=["REJECTION"]), lang="zh",
                 frequency="daily")
    store.create(G, Criteria.clean(keywords=["cosmetics"]), lang="en", frequency="weekly")

    run_ingest(day0, [FIXTURES / "eping_day1_fixture.xlsx", FIXTURES / "rasff_day1.csv"])
    w.passes["day1"] = w.on("2025-03-03").run(now=DAY1)
    w.passes["day1-again"] = w.on("2025-03-03").run(now=DAY1 + dt.timedelta(minutes=6))
    run_ingest(day0, [FIXTURES / "eping_day2_fixture.xlsx", FIXTURES / "rasff_day1.csv"],
               reset_extra=True)
    w.passes["day2"] = w.on("2025-03-04").run(now=DAY2)
    yield w
    engine.dispose()


def test_first_pass_only_records_what_the_index_holds(world: World) -> None:
    assert world.passes["day0"].baseline
    assert world.passes["day0"].queued == 0


def test_day1_items_reach_the_right_subscribers_with_the_right_levels(world: World) -> None:
    assert world.deliveries(A, created=DAY1) == {"G/TBT/N/FIXTURE/101": "red"}  # HS 9503, 15 days left
    assert world.deliveries(B, created=DAY1)["G/TBT/N/FIXTURE/101"] == "yellow"  # chapter 95 only
    c = world.deliveries(C, created=DAY1)
    assert c["G/SPS/N/FIXTURE/103"] == "yellow"  # exact HS, but 30 days left
    assert c["RASFF 2023.8573"] == "red"  # goji berries from China rejected
    assert c["RASFF 2023.8900"] == "red"  # origin "Austria; China"
    assert "RASFF 2024.8041" not in c  # a tablespoon is not goji
    d = world.deliveries(D, created=DAY1)
    assert d == {
        "G/TBT/N/FIXTURE/101": "yellow", "G/TBT/N/FIXTURE/102": "yellow",
        "G/TBT/N/FIXTURE/104": "green",  # comment period closed
    }
    assert "G/SPS/N/FIXTURE/103" not in d  # D follows TBT only
    assert world.deliveries(E) == {}  # paused
    f = world.deliveries(F, created=DAY1)
    assert f == {"RASFF 2024.8044": "green", "RASFF 2024.8041": "yellow",
                 "RASFF 2023.8900": "yellow", "RASFF 2023.8573": "yellow"}
    assert world.deliveries(G, created=DAY1) == {"G/TBT/N/FIXTURE/104": "green"}
    for address in (A, B, C, D, F, G):  # day 0 rows were already there: never sent
        assert not any(k in ("RASFF 2024.8046", "RASFF 2024.8045") for k in world.deliveries(address))


def test_the_reason_for_a_level_is_shown(world: World) -> None:
    red = world.row(A, "G/TBT/N/FIXTURE/101")
    assert "HS 9503" in red.reason and "2025-03-18" in red.reason
    rejection = world.row(C, "RASFF 2023.8573")
    assert "China" in rejection.reason


def test_mail_arrives_once_grouped_by_level_in_the_subscribers_language(world: World) -> None:
    [c_mail] = [m for m in world.box.to(C.user_id) if "2023.8573" in m.get_content()]
    body = c_mail.get_content()
    assert body.index("Red warnings") < body.index("RASFF 2023.8573") < body.index("Yellow")
    assert "G/SPS/N/FIXTURE/103" in body and "https://example.org/fixture/" in body
    assert "comments by 2025-04-02" in body
    f_mail = world.box.to(F.user_id)
    assert len(f_mail) == 1 and "红色" not in f_mail[0]["Subject"]
    assert "黄色" in f_mail[0].get_content() and "原产" in f_mail[0].get_content()
    assert len(world.box.to(B.user_id)) == 2  # day 1 and day 2 (immediate), never twice


def test_a_refused_recipient_is_retried_while_the_others_are_delivered(world: World) -> None:
    day1 = world.passes["day1"]
    assert day1.failed == 1 and day1.sent >= 4
    assert D.user_id in world.box.refused
    again = world.passes["day1-again"]
    assert again.sent == 1 and again.failed == 0 and again.queued == 0
    d_mail = world.box.to(D.user_id)
    assert any("G/TBT/N/FIXTURE/102" in m.get_content() for m in d_mail)


def test_telegram_without_a_notifier_waits_in_the_outbox(world: World) -> None:
    with Session(world.engine) as db:
        rows = db.scalars(select(OutboxRow).where(OutboxRow.channel == "telegram")).all()
    assert rows and all(r.status == "pending" and r.attempts == 0 for r in rows)
    assert world.passes["day1"].waiting >= 1


def test_day2_sends_only_what_is_new_and_updates_as_updates(world: World) -> None:
    day2 = world.passes["day2"]
    assert day2.new_items == 3  # Add.1, 105, Corr.1: day 1 rows repeated in the export are not new
    a = world.deliveries(A)
    assert a["G/TBT/N/FIXTURE/105"] == "red"  # 950300 under 9503, 10 days left
    assert a["G/TBT/N/FIXTURE/101/Add.1"] == "yellow"
    assert world.row(A, "G/TBT/N/FIXTURE/101/Add.1").kind == "update"
    assert world.deliveries(C)["G/SPS/N/FIXTURE/103/Corr.1"] == "yellow"
    [day2_mail] = [m for m in world.box.to(C.user_id) if "Corr.1" in m.get_content()]
    assert "Update to G/SPS/N/FIXTURE/103" in day2_mail.get_content()
    assert "RASFF" not in day2_mail.get_content()  # nothing sent twice
    assert len(world.box.to(F.user_id)) == 1  # nothing new for F


def _reminders(world: World, address: Address) -> set[str]:
    return set(world.deliveries(address, kind="reminder"))


def test_reminders_fire_10_and_3_working_days_before_the_deadline(world: World) -> None:
    # 101 closes Tue 2025-03-18: 10 working days before is Tue 03-04 (day 2), 3 before is Thu 03-13
    assert _reminders(world, A) == {"G/TBT/N/FIXTURE/101#reminder-2025-03-18-10"}
    assert _reminders(world, D) == {"G/TBT/N/FIXTURE/101#reminder-2025-03-18-10"}
    assert _reminders(world, C) == set()  # 103 closes 04-02: not yet
    # 105 closes Fri 03-14: its 10-day reminder is due, but not in the pass that first told them
    world.on("2025-03-05").run(now=DAY2 + dt.timedelta(days=1))
    assert "G/TBT/N/FIXTURE/105#reminder-2025-03-14-10" in _reminders(world, B)
    world.on("2025-03-10").run(now=DAY2 + dt.timedelta(days=6))
    assert len(_reminders(world, B)) == 2  # nothing new on 03-10
    world.on("2025-03-11").run(now=DAY2 + dt.timedelta(days=7))
    assert "G/TBT/N/FIXTURE/105#reminder-2025-03-14-3" in _reminders(world, B)
    world.on("2025-03-13").run(now=DAY2 + dt.timedelta(days=9))
    assert "G/TBT/N/FIXTURE/101#reminder-2025-03-18-3" in _reminders(world, B)
    world.on("2025-03-19").run(now=DAY2 + dt.timedelta(days=15))
    assert len(_reminders(world, B)) == 4
    assert _reminders(world, E) == set()
    mail = [m.get_content() for m in world.box.to(B.user_id) if "Comment deadline" in m.get_content()]
    assert mail and "enquiry point" in mail[0] and "report a barrier" in mail[0]
