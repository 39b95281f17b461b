"""People who talk to the assistant through a chat channel, remembered across restarts.

A chat user is (channel, user id). What we keep is what the channels need to behave the same for
everyone: the language they chose (so every reply, menu and notice follows it) and when we last
heard from them. Their conversation itself is the core session `session_id_for(channel, user_id)`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import DateTime, Engine, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.db import Base, utcnow
from assistant.notify import session_id_for

LANGUAGES = ("zh", "en")


class ChannelUserRow(Base):
    __tablename__ = "channel_users"
    __table_args__ = (UniqueConstraint("channel", "user_id", name="uq_channel_users_channel_user"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(128))
    lang: Mapped[str | None] = mapped_column(String(8), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


@dataclass(frozen=True)
class ChannelUser:
    channel: str
    user_id: str
    lang: str | None

    @property
    def session_id(self) -> str:
        return session_id_for(self.channel, self.user_id)


class ChannelUsers:
    """Get, create and update chat users; safe when two workers see a new user at once."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, channel: str, user_id: str) -> ChannelUser | None:
        with Session(self.engine) as db:
            row = db.scalar(select(ChannelUserRow).where(
                ChannelUserRow.channel == channel, ChannelUserRow.user_id == str(user_id)))
            return None if row is None else ChannelUser(row.channel, row.user_id, row.lang)

    def touch(self, channel: str, user_id: str, lang: str | None = None) -> ChannelUser:
        """The user, created on first contact; `lang` (zh/en) is remembered when given."""
        if lang is not None and lang not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}")
        uid = str(user_id)[:128]
        for attempt in range(2):
            try:
                with Session(self.engine) as db, db.begin():
                    row = db.scalar(select(ChannelUserRow).where(
                        ChannelUserRow.channel == channel, ChannelUserRow.user_id == uid))
                    if row is None:
                        row = ChannelUserRow(channel=channel, user_id=uid, lang=lang)
                        db.add(row)
                    else:
                        row.last_seen = utcnow()
                        if lang is not None:
                            row.lang = lang
                    return ChannelUser(channel, uid, row.lang)
            except IntegrityError:  # created by another worker meanwhile: update it instead
                if attempt:
                    raise
        raise AssertionError("unreachable")
