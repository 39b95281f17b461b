"""Early-warning tables: subscriptions, items already seen, deliveries, the outbox, recipients.

The unique constraints are the arbiters between concurrent `tbt alerts run` passes: an item is
queued for a person once (`uq_alert_deliveries_item_person`), and an outbox message is sent by
whichever pass claims it first (a conditional UPDATE on its status).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import Base, utcnow


class SubscriptionRow(Base):
    __tablename__ = "alert_subscriptions"
    __table_args__ = (
        UniqueConstraint("channel", "user_id", "number", name="uq_alert_subscriptions_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(320))
    number: Mapped[int] = mapped_column(Integer)  # the person's own numbering: 1, 2, 3 ...
    lang: Mapped[str] = mapped_column(String(8), default="zh")
    label: Mapped[str] = mapped_column(String(300), default="")
    markets: Mapped[str] = mapped_column(Text, default="[]")  # JSON lists
    hs: Mapped[str] = mapped_column(Text, default="[]")
    keywords: Mapped[str] = mapped_column(Text, default="[]")
    products: Mapped[str] = mapped_column(Text, default="[]")  # product words as named (shown)
    product_words: Mapped[str] = mapped_column(Text, default="[]")  # their synonyms (matched)
    types: Mapped[str] = mapped_column(Text, default="[]")
    ntm: Mapped[str] = mapped_column(Text, default="[]")
    frequency: Mapped[str] = mapped_column(String(16), default="daily")
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class KnownItemRow(Base):
    """An index record (notification or rejection) seen by a pass: later passes skip it."""

    __tablename__ = "alert_known_items"

    ref: Mapped[str] = mapped_column(String(300), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class DeliveryRow(Base):
    """One item (or reminder) queued for one person; `message_id` once it is in a message."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("item_key", "channel", "user_id", name="uq_alert_deliveries_item_person"),
        Index("ix_alert_deliveries_pending", "message_id", "channel", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    item_key: Mapped[str] = mapped_column(String(340))  # the ref, or ref#reminder-<date>-<n>
    ref: Mapped[str] = mapped_column(String(300))
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(320))
    subscription_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    kind: Mapped[str] = mapped_column(String(16))  # new | update | reminder
    level: Mapped[str] = mapped_column(String(8))  # red | yellow | green
    reason: Mapped[str] = mapped_column(Text, default="")  # in the person's language
    line: Mapped[str] = mapped_column(Text, default="")  # the item as shown in a message
    lang: Mapped[str] = mapped_column(String(8), default="zh")
    frequency: Mapped[str] = mapped_column(String(16), default="daily")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    message_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class OutboxRow(Base):
    """A composed message to one person, retried with backoff until sent or given up."""

    __tablename__ = "alert_outbox"
    __table_args__ = (Index("ix_alert_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending|sending|sent|dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class RecipientRow(Base):
    """Per person: when their last digests went out, and the hash of their API management token."""

    __tablename__ = "alert_recipients"
    __table_args__ = (UniqueConstraint("channel", "user_id", name="uq_alert_recipients_person"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(320))
    last_daily_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    last_weekly_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
