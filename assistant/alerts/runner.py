"""One early-warning pass (`tbt alerts run`): find new items, queue them, compose, deliver.

1. New items: watched index records (notifications, rejections) not seen by an earlier pass.
   The very first pass on a database only records what the index holds, so nobody gets years of
   history at once.
2. Each new item is matched and graded; one delivery row per (item, person) is inserted with
   ON CONFLICT DO NOTHING, so the unique constraint decides between concurrent passes.
3. Reminders: for each notification whose comment period is open and whose reminder day has come,
   one reminder per person who was told about it and still subscribes.
4. Composing: a person's due rows become one outbox message (immediate rows and reminders at
   once, digests when a day or a week has passed since the last one).
5. Sending: each due outbox message is claimed by a conditional UPDATE, sent through the notifier
   registry, and on failure retried later with backoff; one person's failure never stops the rest.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Engine, and_, insert, or_, select, update
from sqlalchemy.orm import Session

from assistant.alerts.compose import Entry, item_entry, message_for, reminder_entry
from assistant.alerts.items import AlertItem, items_for, watched_refs
from assistant.alerts.levels import grade
from assistant.alerts.matching import SubscriptionIndex
from assistant.alerts.models import (
    DeliveryRow,
    KnownItemRow,
    OutboxRow,
    RecipientRow,
    SubscriptionRow,
)
from assistant.alerts.reminders import due_reminder, parse_days
from assistant.alerts.subscriptions import Subscription, SubscriptionStore
from assistant.config import Settings
from assistant.db import init_db, utcnow
from assistant.notify import Address, NotifierRegistry
from assistant.notify import registry as default_registry

log = logging.getLogger(__name__)

BACKOFF_MINUTES = (5, 15, 60, 180, 360, 720)  # after attempt 1, 2, ...; then the message is dropped
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
STALE_CLAIM = dt.timedelta(minutes=15)  # a "sending" claim older than this was a crashed pass
DAILY = dt.timedelta(hours=23, minutes=50)  # a little slack so an hourly cron does not drift
WEEKLY = dt.timedelta(days=7) - dt.timedelta(minutes=10)
DROPPED = 0  # message_id of a queued item whose subscription went away before it was sent
_RANK = {"red": 0, "yellow": 1, "green": 2}
_FREQ_RANK = {"immediate": 0, "daily": 1, "weekly": 2}


@dataclass
class PassReport:
    """What one pass did (printed by `tbt alerts run --json`)."""

    baseline: bool = False
    new_items: int = 0
    matched: int = 0
    queued: int = 0
    reminders: int = 0
    messages: int = 0
    sent: int = 0
    failed: int = 0
    dead: int = 0
    waiting: int = 0  # messages for channels not configured in this process (kept for later)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def today_for(settings: Settings) -> dt.date:
    return dt.date.fromisoformat(settings.today) if settings.today else dt.date.today()


def _insert_ignore(db: Session, table: Any, rows: list[dict[str, Any]]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING (SQLite and PostgreSQL); the number of rows inserted."""
    if not rows:
        return 0
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(table).on_conflict_do_nothing()
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table).on_conflict_do_nothing()
    else:  # pragma: no cover - other databases: plain insert, one by one
        done = 0
        for row in rows:
            try:
                with db.begin_nested():
                    db.execute(insert(table), [row])
                done += 1
            except Exception:  # noqa: BLE001 - a duplicate
                continue
        return done
    done = 0
    for start in range(0, len(rows), 500):
        result = db.execute(stmt, rows[start : start + 500])
        done += max(int(getattr(result, "rowcount", 0) or 0), 0)
    return done


class _Raced(Exception):
    """Another pass took some of the rows this one was composing (its transaction is undone)."""


@dataclass(frozen=True)
class _Queued:
    """A delivery about to be inserted for one person."""

    item: AlertItem
    sub: Subscription
    level: str
    reason: str


def _match_items(items: Iterable[AlertItem], subs: SubscriptionIndex, today: dt.date
                 ) -> dict[tuple[str, Address], _Queued]:
    """The best (highest level, then most urgent) subscription per item and person."""
    best: dict[tuple[str, Address], _Queued] = {}
    for item in items:
        for sub, info in subs.match(item):
            lv = grade(item, info, today)
            reason = lv.reason_zh if sub.lang == "zh" else lv.reason_en
            q = _Queued(item, sub, lv.level, reason)
            key = (item.ref, sub.address)
            cur = best.get(key)
            if cur is None or (_RANK[q.level], _FREQ_RANK[q.sub.frequency]) < (
                    _RANK[cur.level], _FREQ_RANK[cur.sub.frequency]):
                best[key] = q
    return best


class AlertRunner:
    """Runs passes for one settings object; `now` can be given (tests) and defaults to UTC now."""

    def __init__(self, settings: Settings, engine: Engine | None = None,
                 notifiers: NotifierRegistry | None = None) -> None:
        self.settings = settings
        self.engine = engine or init_db(settings)
        self.notifiers = notifiers or default_registry
        self.store = SubscriptionStore(self.engine)

    # --- the pass ------------------------------------------------------------------------------
    def run(self, *, now: dt.datetime | None = None,
            record_rows: Mapping[str, Mapping[str, Any]] | None = None) -> PassReport:
        now = now or utcnow()
        today = today_for(self.settings)
        report = PassReport()
        if record_rows is None:
            from assistant.index.store import load_index

            record_rows = load_index(self.settings).record_rows
        self._queue_new(record_rows, today, now, report)
        if not report.baseline:
            self._queue_reminders(record_rows, today, now, report)
        self._compose(today, now, report)
        self._send(now, report)
        return report

    def _queue_new(self, rows: Mapping[str, Mapping[str, Any]], today: dt.date,
                   now: dt.datetime, report: PassReport) -> None:
        watched = watched_refs(rows)
        with Session(self.engine) as db:
            known = set(db.scalars(select(KnownItemRow.ref)))
        new = [ref for ref in watched if ref not in known]
        known_rows = [{"ref": r, "kind": watched[r], "first_seen": now} for r in new]
        if not known:
            report.baseline = True
            with Session(self.engine) as db, db.begin():
                _insert_ignore(db, KnownItemRow.__table__, known_rows)
            return
        report.new_items = len(new)
        if not new:
            return
        items = items_for(new, rows)
        subs = SubscriptionIndex(self.store.active())
        best = _match_items(items, subs, today)
        report.matched = len(best)
        public = self.settings.public_url
        deliveries = []
        for (ref, address), q in best.items():
            deliveries.append({
                "item_key": ref, "ref": ref, "channel": address.channel,
                "user_id": address.user_id, "subscription_id": q.sub.id,
                "kind": "update" if q.item.is_update else "new", "level": q.level,
                "reason": q.reason, "line": item_entry(q.item, q.sub.lang, public, q.reason),
                "lang": q.sub.lang, "frequency": q.sub.frequency, "created_at": now,
                "message_id": None,
            })
        with Session(self.engine) as db, db.begin():
            report.queued = _insert_ignore(db, DeliveryRow.__table__, deliveries)
            _insert_ignore(db, KnownItemRow.__table__, known_rows)

    def _queue_reminders(self, rows: Mapping[str, Mapping[str, Any]], today: dt.date,
                         now: dt.datetime, report: PassReport) -> None:
        days = parse_days(self.settings.alerts_reminder_days)
        families: dict[str, list[str]] = defaultdict(list)
        for ref, row in rows.items():
            if row.get("type") == "notification":
                families[str(row.get("core_symbol") or ref)].append(ref)
        due: list[tuple[AlertItem, int, list[str]]] = []
        for refs in families.values():
            items = items_for(refs, rows)
            open_items = [i for i in items if i.comment_deadline and i.comment_deadline >= today]
            if not open_items:
                continue
            latest = max(open_items, key=lambda i: i.comment_deadline or today)
            n = due_reminder(latest.comment_deadline, today, days)
            if n is not None:
                due.append((latest, n, refs))
        if not due:
            return
        active = {s.id: s for s in self.store.active()}
        public = self.settings.public_url
        out = []
        with Session(self.engine) as db:
            for item, n, refs in due:
                told = db.execute(
                    select(DeliveryRow.channel, DeliveryRow.user_id, DeliveryRow.subscription_id)
                    .where(DeliveryRow.ref.in_(refs), DeliveryRow.kind.in_(("new", "update")),
                           DeliveryRow.created_at < now)  # not in the pass that first told them
                ).all()
                seen: set[Address] = set()
                for channel, user_id, sub_id in told:
                    sub = active.get(sub_id or -1)
                    address = Address(channel, user_id)
                    if sub is None or address in seen:
                        continue
                    seen.add(address)
                    key = f"{item.core or item.ref}#reminder-{item.comment_deadline}-{n}"
                    out.append({
                        "item_key": key, "ref": item.ref, "channel": channel, "user_id": user_id,
                        "subscription_id": sub.id, "kind": "reminder", "level": "reminder",
                        "reason": "", "line": reminder_entry(item, n, today, sub.lang, public),
                        "lang": sub.lang, "frequency": "immediate", "created_at": now,
                        "message_id": None,
                    })
        with Session(self.engine) as db, db.begin():
            report.reminders = _insert_ignore(db, DeliveryRow.__table__, out)

    # --- composing -----------------------------------------------------------------------------
    def _compose(self, today: dt.date, now: dt.datetime, report: PassReport) -> None:
        with Session(self.engine) as db:
            people = db.execute(
                select(DeliveryRow.channel, DeliveryRow.user_id)
                .where(DeliveryRow.message_id.is_(None)).distinct()
            ).all()
        for channel, user_id in people:
            try:
                if self._compose_one(Address(channel, user_id), today, now):
                    report.messages += 1
            except Exception as exc:  # one person's data never stops the pass
                log.exception("composing alerts for a %s subscriber failed", channel)
                report.errors.append(f"compose {channel}: {type(exc).__name__}")

    def _compose_one(self, address: Address, today: dt.date, now: dt.datetime) -> bool:
        try:
            return self._compose_tx(address, today, now)
        except _Raced:
            return False

    def _compose_tx(self, address: Address, today: dt.date, now: dt.datetime) -> bool:
        with Session(self.engine) as db, db.begin():
            recipient = db.scalar(select(RecipientRow).where(
                RecipientRow.channel == address.channel, RecipientRow.user_id == address.user_id))
            if recipient is None:
                recipient = RecipientRow(channel=address.channel, user_id=address.user_id,
                                         created_at=now)
                db.add(recipient)
                db.flush()
            rows = db.scalars(
                select(DeliveryRow).where(
                    DeliveryRow.channel == address.channel,
                    DeliveryRow.user_id == address.user_id,
                    DeliveryRow.message_id.is_(None),
                ).order_by(DeliveryRow.id).with_for_update(skip_locked=True)
            ).all()
            live = set(db.scalars(select(SubscriptionRow.id).where(
                SubscriptionRow.channel == address.channel,
                SubscriptionRow.user_id == address.user_id,
                SubscriptionRow.paused.is_(False))))
            dropped = [r.id for r in rows if r.subscription_id not in live]
            if dropped:  # unsubscribed or paused since it was queued: never sent
                db.execute(update(DeliveryRow).where(DeliveryRow.id.in_(dropped),
                                                     DeliveryRow.message_id.is_(None))
                           .values(message_id=DROPPED))
                rows = [r for r in rows if r.subscription_id in live]
            daily_due = recipient.last_daily_at is None or now - recipient.last_daily_at >= DAILY
            weekly_due = recipient.last_weekly_at is None or now - recipient.last_weekly_at >= WEEKLY
            take = [r for r in rows if r.kind == "reminder" or r.frequency == "immediate"
                    or (r.frequency == "daily" and daily_due)
                    or (r.frequency == "weekly" and weekly_due)]
            if not take:
                return False
            lang = take[-1].lang
            entries = [Entry(r.level, r.line) for r in take]
            entries.sort(key=lambda e: ("reminder", "red", "yellow", "green").index(e.level))
            subject, body = message_for(entries, lang, today, address.channel,
                                        self.settings.public_url)
            msg = OutboxRow(channel=address.channel, user_id=address.user_id, subject=subject[:300],
                            body=body, status="pending", attempts=0, next_attempt_at=now,
                            created_at=now)
            db.add(msg)
            db.flush()
            ids = [r.id for r in take]
            result = db.execute(
                update(DeliveryRow).where(DeliveryRow.id.in_(ids), DeliveryRow.message_id.is_(None))
                .values(message_id=msg.id)
            )
            if int(getattr(result, "rowcount", 0) or 0) != len(ids):
                raise _Raced  # another pass composed some of them meanwhile: leave it to that one
            if any(r.frequency == "daily" for r in take):
                recipient.last_daily_at = now
            if any(r.frequency == "weekly" for r in take):
                recipient.last_weekly_at = now
            return True

    # --- sending -------------------------------------------------------------------------------
    def _send(self, now: dt.datetime, report: PassReport) -> None:
        with Session(self.engine) as db:
            due = db.execute(
                select(OutboxRow.id, OutboxRow.status, OutboxRow.channel).where(or_(
                    and_(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now),
                    and_(OutboxRow.status == "sending", OutboxRow.claimed_at < now - STALE_CLAIM),
                )).order_by(OutboxRow.id)
            ).all()
        for msg_id, status, channel in due:
            if self.notifiers.get(channel) is None:
                report.waiting += 1  # that channel is not configured in this process: keep it
                continue
            try:
                self._send_one(msg_id, status, now, report)
            except Exception as exc:  # never let one message stop the others
                log.exception("sending alert message %s failed", msg_id)
                report.errors.append(f"send {msg_id}: {type(exc).__name__}")

    def _send_one(self, msg_id: int, status: str, now: dt.datetime, report: PassReport) -> None:
        with Session(self.engine) as db, db.begin():
            claimed = db.execute(
                update(OutboxRow).where(OutboxRow.id == msg_id, OutboxRow.status == status)
                .values(status="sending", claimed_at=now)
            )
            if int(getattr(claimed, "rowcount", 0) or 0) != 1:
                return  # another pass has it
        with Session(self.engine) as db:
            msg = db.get(OutboxRow, msg_id)
            if msg is None:
                return
            address = Address(msg.channel, msg.user_id)
            subject, body, attempts = msg.subject, msg.body, msg.attempts
        delivery = self.notifiers.send(address, body, subject=subject)
        values: dict[str, Any]
        if delivery.ok:
            values = {"status": "sent", "sent_at": now, "attempts": attempts + 1, "last_error": None}
            report.sent += 1
        else:
            tries = attempts + 1
            error = (delivery.error or "failed")[:300]
            if not delivery.retryable or tries >= MAX_ATTEMPTS:
                values = {"status": "dead", "attempts": tries, "last_error": error}
                report.dead += 1
            else:
                wait = dt.timedelta(minutes=BACKOFF_MINUTES[tries - 1])
                values = {"status": "pending", "attempts": tries, "last_error": error,
                          "next_attempt_at": now + wait}
                report.failed += 1
            log.warning("alert message %s to a %s subscriber failed: %s", msg_id, address.channel,
                        error)
        with Session(self.engine) as db, db.begin():
            db.execute(update(OutboxRow).where(OutboxRow.id == msg_id).values(**values))


def run_pass(settings: Settings, *, now: dt.datetime | None = None,
             notifiers: NotifierRegistry | None = None, engine: Engine | None = None) -> PassReport:
    """One pass with the process-wide notifier registry (what cron and the scheduler call)."""
    return AlertRunner(settings, engine, notifiers).run(now=now)
