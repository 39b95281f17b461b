"""What chat channels share across worker processes through the database.

- `MessageLog`: every inbound chat message, keyed by the channel's own message key (WeChat's
  `MsgId`, or `FromUserName`+`CreateTime` for events). The unique constraint is the arbiter when
  WeChat retries a message, even when the retries reach two workers at the same moment: only the
  worker whose insert succeeds answers it. The reply is kept so a retry of an answered message
  gets the same reply back instead of a second answer.
- `TokenCache`: API access tokens (WeChat's expire after two hours and a new fetch invalidates
  the old one), so all workers use one token and refresh it once.

Nothing here knows WeChat's wire formats; bots/wechat uses these tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import (
    DateTime,
    Engine,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.db import Base, utcnow

PENDING, ANSWERED, DELIVERED, FAILED = "pending", "answered", "delivered", "failed"


class ChannelMessageRow(Base):
    __tablename__ = "channel_messages"
    __table_args__ = (UniqueConstraint("channel", "msg_key", name="uq_channel_messages_key"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    msg_key: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    passive: Mapped[int] = mapped_column(Integer, default=0)  # 1 when answered in the HTTP reply
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)
    lang: Mapped[str | None] = mapped_column(String(8), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AccessTokenRow(Base):
    __tablename__ = "channel_tokens"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    token: Mapped[str] = mapped_column(String(1024))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


@dataclass(frozen=True)
class LoggedMessage:
    """A message already seen: its status and, once answered, the reply that was given."""

    channel: str
    msg_key: str
    user_id: str
    status: str
    passive: bool
    reply: str | None
    lang: str | None


class MessageLog:
    """Claim a message once across workers; remember its reply and the language it was in."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def claim(self, channel: str, msg_key: str, user_id: str) -> bool:
        """True for the first sight of (channel, msg_key); False for a retry, in any worker."""
        try:
            with Session(self.engine) as db, db.begin():
                db.add(ChannelMessageRow(channel=channel, msg_key=msg_key[:200],
                                         user_id=str(user_id)[:128], status=PENDING))
            return True
        except IntegrityError:
            return False

    def get(self, channel: str, msg_key: str) -> LoggedMessage | None:
        with Session(self.engine) as db:
            row = db.scalar(select(ChannelMessageRow).where(
                ChannelMessageRow.channel == channel, ChannelMessageRow.msg_key == msg_key[:200]))
            return None if row is None else _logged(row)

    def finish(self, channel: str, msg_key: str, *, status: str, reply: str | None = None,
               lang: str | None = None, passive: bool = False) -> None:
        """Record how a claimed message ended (answered passively, delivered later, failed)."""
        with Session(self.engine) as db, db.begin():
            row = db.scalar(select(ChannelMessageRow).where(
                ChannelMessageRow.channel == channel, ChannelMessageRow.msg_key == msg_key[:200]))
            if row is None:
                return
            row.status, row.passive, row.updated_at = status, int(passive), utcnow()
            if reply is not None:
                row.reply = reply
            if lang is not None:
                row.lang = lang

    def last_lang(self, channel: str, user_id: str) -> str | None:
        """The language of the latest reply to this user (what they last wrote in)."""
        with Session(self.engine) as db:
            return db.scalar(
                select(ChannelMessageRow.lang)
                .where(ChannelMessageRow.channel == channel,
                       ChannelMessageRow.user_id == str(user_id)[:128],
                       ChannelMessageRow.lang.is_not(None))
                .order_by(ChannelMessageRow.id.desc()).limit(1))

    def count(self, channel: str) -> int:
        with Session(self.engine) as db:
            return len(db.scalars(select(ChannelMessageRow.id).where(
                ChannelMessageRow.channel == channel)).all())

    def prune(self, older_than: dt.timedelta = dt.timedelta(days=7)) -> int:
        """Forget messages older than any retry window (WeChat retries within 15 seconds)."""
        with Session(self.engine) as db, db.begin():
            result = db.execute(delete(ChannelMessageRow).where(
                ChannelMessageRow.created_at < utcnow() - older_than))
            return int(getattr(result, "rowcount", 0) or 0)


def _logged(row: ChannelMessageRow) -> LoggedMessage:
    return LoggedMessage(row.channel, row.msg_key, row.user_id, row.status, bool(row.passive),
                         row.reply, row.lang)


class TokenCache:
    """Access tokens shared by workers; a token is returned only while it has `margin` left."""

    def __init__(self, engine: Engine, margin: dt.timedelta = dt.timedelta(minutes=5)) -> None:
        self.engine, self.margin = engine, margin

    def get(self, key: str) -> str | None:
        with Session(self.engine) as db:
            row = db.get(AccessTokenRow, key)
            if row is None or row.expires_at - self.margin <= utcnow():
                return None
            return row.token

    def put(self, key: str, token: str, expires_in: float) -> None:
        expires = utcnow() + dt.timedelta(seconds=max(0.0, float(expires_in)))
        for attempt in range(2):
            try:
                with Session(self.engine) as db, db.begin():
                    row = db.get(AccessTokenRow, key)
                    if row is None:
                        db.add(AccessTokenRow(key=key, token=token, expires_at=expires))
                    else:
                        row.token, row.expires_at, row.updated_at = token, expires, utcnow()
                return
            except IntegrityError:  # another worker stored one meanwhile: overwrite it
                if attempt:
                    raise

    def acquire(self, key: str, holder: str, seconds: float = 15.0) -> bool:
        """Take the right to fetch a new token for `key` (one worker at a time: WeChat revokes the
        previous token whenever a new one is issued). A lease left by a dead worker expires."""
        lease, now = f"lease:{key}", utcnow()
        until = now + dt.timedelta(seconds=seconds)
        try:
            with Session(self.engine) as db, db.begin():
                if db.get(AccessTokenRow, lease) is None:
                    db.add(AccessTokenRow(key=lease, token=holder, expires_at=until))
                    return True
                taken = db.execute(update(AccessTokenRow).where(
                    AccessTokenRow.key == lease, AccessTokenRow.expires_at <= now,
                ).values(token=holder, expires_at=until, updated_at=now))
                return bool(getattr(taken, "rowcount", 0))
        except IntegrityError:  # another worker inserted the lease first
            return False

    def release(self, key: str, holder: str) -> None:
        with Session(self.engine) as db, db.begin():
            db.execute(delete(AccessTokenRow).where(
                AccessTokenRow.key == f"lease:{key}", AccessTokenRow.token == holder))

    def invalidate(self, key: str, token: str) -> None:
        """Drop `token` if it is still the cached one (another worker may have refreshed it)."""
        with Session(self.engine) as db, db.begin():
            db.execute(delete(AccessTokenRow).where(
                AccessTokenRow.key == key, AccessTokenRow.token == token))
