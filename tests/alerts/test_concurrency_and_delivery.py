"""Two passes at once deliver each item once; the e-mail notifier against a local SMTP server;
matching up and down the HS hierarchy and between blocs and their members."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.alerts.email import EmailNotifier
from assistant.alerts.items import item_from_rows
from assistant.alerts.matching import SubscriptionIndex
from assistant.alerts.models import DeliveryRow
from assistant.alerts.runner import AlertRunner
from assistant.alerts.subscriptions import Criteria, Subscription, SubscriptionStore
from assistant.config import Settings
from assistant.db import init_db, make_engine
from assistant.ingest.registry import load_path
from assistant.notify import Address, NotifierRegistry
from tests.alerts.conftest import FIXTURES
from tests.alerts.smtp_server import Mailbox, free_port

NOW = dt.datetime(2025, 3, 3, 9, 0)


def _rows(*names: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        _, result = load_path(FIXTURES / name)
        for rec in result.records:
            out[rec.ref] = rec.model_dump(mode="json", exclude_none=True)
    return out


def test_two_passes_at_once_deliver_each_item_once(db_settings: Settings,
                                                   smtp: tuple[Mailbox, int]) -> None:
    box, port = smtp
    settings = db_settings
    engine = init_db(settings)
    for addr in list(box.messages):  # the mailbox is shared by the module: start clean
        box.messages.remove(addr)
    day0 = _rows("rasff_day0.csv")
    everything = day0 | _rows("eping_day1_fixture.xlsx", "rasff_day1.csv")
    registry = NotifierRegistry()
    registry.register(EmailNotifier("127.0.0.1", port))
    AlertRunner(settings, engine, registry).run(now=NOW, record_rows=day0)  # baseline
    store = SubscriptionStore(engine)
    people = [Address("email", f"race{i}@fixture.example") for i in range(5)]
    for person in people:
        store.create(person, Criteria.clean(markets=["FIXTURE", "EU"]), lang="en",
                     frequency="immediate")
    reports = []
    errors: list[BaseException] = []

    def one_pass() -> None:
        try:  # each pass has its own engine, as two cron processes would
            own = make_engine(settings.resolved_database_url)
            reports.append(AlertRunner(settings, own, registry).run(now=NOW, record_rows=everything))
            own.dispose()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one_pass) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    with Session(engine) as db:
        per_person = db.execute(select(DeliveryRow.user_id, func.count())
                                .group_by(DeliveryRow.user_id)).all()
    assert sorted(n for _, n in per_person) == [8] * 5  # 4 notifications + 4 rejections each
    assert sum(r.queued for r in reports) == 40
    for person in people:
        mail = box.to(person.user_id)
        assert len(mail) == 1, [m["Subject"] for m in mail]  # one message, never two
    again = AlertRunner(settings, engine, registry).run(now=NOW, record_rows=everything)
    assert again.queued == 0 and again.sent == 0
    engine.dispose()


def test_email_notifier_reports_failures_without_raising(smtp: tuple[Mailbox, int]) -> None:
    box, port = smtp
    notifier = EmailNotifier("127.0.0.1", port, sender="alerts@fixture.example")
    ok = notifier.send(Address("email", "zh@fixture.example"), "技术性贸易措施预警\n红色预警（1）",
                       subject="技贸措施预警：红色1条")
    assert ok.ok
    [mail] = box.to("zh@fixture.example")
    assert mail["Subject"] == "技贸措施预警：红色1条" and "红色预警" in mail.get_content()
    box.refuse_always.add("gone@fixture.example")
    permanent = notifier.send(Address("email", "gone@fixture.example"), "x", subject="x")
    assert not permanent.ok and not permanent.retryable and "gone@" not in (permanent.error or "")
    down = EmailNotifier("127.0.0.1", free_port(), timeout=2).send(
        Address("email", "a@fixture.example"), "x")
    assert not down.ok and down.retryable


def _item(**row: Any):  # type: ignore[no-untyped-def]
    base = {"ref": "G/TBT/N/FIXTURE/900", "type": "notification", "title": "fixture",
            "agreement": "TBT", "markets": ["FIXTURE"], "hs": []}
    return item_from_rows(base | row)


def _sub(n: int, **crit: Any) -> Subscription:
    return Subscription(n, Address("email", f"s{n}@fixture.example"), 1, "en", "",
                        Criteria.clean(**crit), "daily", False, NOW)


def test_hs_codes_match_up_and_down_the_hierarchy() -> None:
    index = SubscriptionIndex([_sub(1, hs=["85"]), _sub(2, hs=["8517"]), _sub(3, hs=["851762"]),
                               _sub(4, hs=["8518"])])
    heading = {s.id: i.hs_depth for s, i in index.match(_item(hs=["8517"]))}
    assert heading == {1: 2, 2: 4, 3: 4}
    line = {s.id for s, _ in index.match(_item(hs=["85176200"]))}
    assert line == {1, 2, 3}


def test_a_bloc_brings_its_members_and_a_member_its_blocs() -> None:
    index = SubscriptionIndex([_sub(1, markets=["EU"]), _sub(2, markets=["DEU"]),
                               _sub(3, markets=["USA"])])
    assert {s.id for s, _ in index.match(_item(markets=["DEU"]))} == {1, 2}
    assert {s.id for s, _ in index.match(_item(markets=["EU"]))} == {1, 2}
    assert {s.id for s, _ in index.match(_item(markets=["FRA"]))} == {1}


def test_types_and_ntm_codes_narrow_a_subscription() -> None:
    index = SubscriptionIndex([_sub(1, markets=["FIXTURE"], types=["SPS"]),
                               _sub(2, markets=["FIXTURE"], ntm=["B"]),
                               _sub(3, markets=["FIXTURE"], ntm=["B31"])])
    assert {s.id for s, _ in index.match(_item())} == {2}  # a TBT item without NTM codes
    assert {s.id for s, _ in index.match(_item(ntm=["B31"]))} == {2, 3}
    assert {s.id for s, _ in index.match(_item(agreement="SPS"))} == {1}


def test_nothing_is_sent_after_unsubscribing(tmp_path: Path, smtp: tuple[Mailbox, int]) -> None:
    box, port = smtp
    settings = Settings(data_dir=tmp_path, today="2025-03-03")
    engine = init_db(settings)
    registry = NotifierRegistry()
    registry.register(EmailNotifier("127.0.0.1", port))
    runner = AlertRunner(settings, engine, registry)
    day0 = _rows("rasff_day0.csv")
    runner.run(now=NOW, record_rows=day0)
    store = SubscriptionStore(engine)
    me = Address("email", "leaving@fixture.example")
    store.create(me, Criteria.clean(markets=["EU", "FIXTURE"]), lang="en", frequency="daily")
    runner.run(now=NOW, record_rows=day0 | _rows("rasff_day1.csv"))
    assert len(box.to(me.user_id)) == 1  # the first digest
    later = day0 | _rows("rasff_day1.csv", "eping_day1_fixture.xlsx")
    queued = runner.run(now=NOW + dt.timedelta(hours=1), record_rows=later)
    assert queued.queued == 4 and queued.sent == 0  # the next digest is due tomorrow
    store.delete(me, 1)
    tomorrow = runner.run(now=NOW + dt.timedelta(days=1), record_rows=later)
    assert tomorrow.messages == 0 and len(box.to(me.user_id)) == 1


def test_a_long_digest_is_capped_but_counts_everything() -> None:
    from assistant.alerts.compose import MAX_ENTRIES, Entry, message_for

    entries = [Entry("green", f"• RASFF 2099.{i:04d} fixture") for i in range(MAX_ENTRIES + 25)]
    subject, body = message_for(entries, "zh", NOW.date(), "email", None)
    assert f"绿色预警（{MAX_ENTRIES + 25}）" in body and "另有25条" in body
    assert body.count("• RASFF") == MAX_ENTRIES and str(MAX_ENTRIES + 25) in subject
