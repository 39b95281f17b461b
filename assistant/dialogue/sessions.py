"""Chat sessions kept in the database, so a conversation survives restarts and any channel or
worker process can pick it up. A session is an opaque id (at most 128 printable characters) and
a JSON document that expires `ttl_hours` after its last save.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import DateTime, Engine, String, Text, delete, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.db import Base, utcnow

_ID_RE = re.compile(r"[\x21-\x7e]{1,128}")  # printable ASCII, no spaces


class ChatSessionRow(Base):
    __tablename__ = "chat_sessions"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


def check_session_id(session_id: str) -> str:
    """Return the id unchanged, or raise ValueError when it is not an acceptable session id."""
    if not isinstance(session_id, str) or not _ID_RE.fullmatch(session_id):
        raise ValueError(
            "session id must be 1-128 printable ASCII characters without spaces "
            "(会话编号须为 1-128 个不含空格的可打印 ASCII 字符)"
        )
    return session_id


class SessionStore:
    """Load, save, delete and expire chat sessions in the `chat_sessions` table."""

    def __init__(self, engine: Engine, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.engine = engine
        self._now = clock

    def load(self, session_id: str) -> dict[str, Any] | None:
        """The session's data, or None when it does not exist or has expired."""
        check_session_id(session_id)
        with Session(self.engine) as db:
            row = db.get(ChatSessionRow, session_id)
            if row is None or row.expires_at <= self._now():
                return None
            try:
                data = json.loads(row.data)
            except json.JSONDecodeError:
                return None
            return data if isinstance(data, dict) else None

    def save(self, session_id: str, data: dict[str, Any], ttl_hours: int) -> None:
        check_session_id(session_id)
        if ttl_hours < 1:
            raise ValueError("ttl_hours must be at least 1")
        payload = json.dumps(data, ensure_ascii=False)
        now = self._now()
        expires = now + dt.timedelta(hours=ttl_hours)
        for attempt in range(2):
            try:
                with Session(self.engine) as db, db.begin():
                    row = db.get(ChatSessionRow, session_id)
                    if row is None:
                        db.add(ChatSessionRow(id=session_id, data=payload, created_at=now,
                                              updated_at=now, expires_at=expires))
                    else:
                        row.data, row.updated_at, row.expires_at = payload, now, expires
                return
            except IntegrityError:  # created concurrently by another worker: save as an update
                if attempt:
                    raise

    def delete(self, session_id: str) -> None:
        check_session_id(session_id)
        with Session(self.engine) as db, db.begin():
            db.execute(delete(ChatSessionRow).where(ChatSessionRow.id == session_id))

    def purge_expired(self) -> int:
        """Delete expired sessions; returns how many went."""
        with Session(self.engine) as db, db.begin():
            ids = db.scalars(select(ChatSessionRow.id).where(ChatSessionRow.expires_at <= self._now())).all()
            if ids:
                db.execute(delete(ChatSessionRow).where(ChatSessionRow.id.in_(ids)))
            return len(ids)


# -- one turn at a time per session ------------------------------------------------------------
_turn_locks: weakref.WeakValueDictionary[str, threading.Lock] = weakref.WeakValueDictionary()
_turn_locks_guard = threading.Lock()


_lock_engines: dict[str, Engine] = {}


def _lock_engine(engine: Engine) -> Engine:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    key = engine.url.render_as_string(hide_password=False)
    with _turn_locks_guard:
        found = _lock_engines.get(key)
        if found is None:
            found = create_engine(key, poolclass=NullPool, hide_parameters=True)
            _lock_engines[key] = found
    return found


@contextlib.contextmanager
def turn_lock(engine: Engine, session_id: str) -> Iterator[None]:
    """Hold while a turn loads, answers and saves its session, so concurrent turns of one session
    run one after another: none is lost and each gets its own turn number.

    Within a process a lock per session id; across worker processes on PostgreSQL, a session-level
    advisory lock on the id as well. (SQLite deployments are one process.)
    """
    with _turn_locks_guard:
        lock = _turn_locks.get(session_id)
        if lock is None:
            lock = threading.Lock()
            _turn_locks[session_id] = lock
    with lock:
        if engine.dialect.name != "postgresql":
            yield
            return
        # a connection of its own, outside the engine's pool: the turn itself needs pooled
        # connections, and 20 turns each holding one while waiting for another would starve it
        with _lock_engine(engine).connect() as conn:
            key = {"k": "tbt-session:" + session_id}
            conn.execute(text("SELECT pg_advisory_lock(hashtext(:k))"), key)
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(hashtext(:k))"), key)
                conn.commit()


# -- retention -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Purged:
    """What one purge removed."""

    sessions: int
    drafts: int


def purge(engine: Engine, ttl_hours: int, now: dt.datetime | None = None) -> Purged:
    """Delete expired chat sessions and report drafts left unfinished for `ttl_hours`.

    Filed reports are never touched here (their retention is the staff's decision, see README);
    a draft that became a report is kept with it.
    """
    from assistant.reports.models import DraftRow, DraftStatus

    now = now or utcnow()
    sessions = SessionStore(engine, clock=lambda: now).purge_expired()
    cutoff = now - dt.timedelta(hours=ttl_hours)
    with Session(engine) as db, db.begin():
        result = db.execute(
            delete(DraftRow).where(
                DraftRow.status != DraftStatus.submitted,
                DraftRow.report_id.is_(None),
                DraftRow.updated_at <= cutoff,
            )
        )
        drafts = int(getattr(result, "rowcount", 0) or 0)
    return Purged(sessions=sessions, drafts=drafts)


def purge_every(engine: Engine, ttl_hours: int, minutes: int, stop: threading.Event) -> None:
    """Purge now and then every `minutes` until `stop` is set (the server's background thread)."""
    import logging

    log = logging.getLogger(__name__)
    while not stop.is_set():
        try:
            done = purge(engine, ttl_hours)
            if done.sessions or done.drafts:
                log.info("purged %d expired sessions and %d unfinished drafts", done.sessions, done.drafts)
        except Exception:  # a purge that fails is retried next time; it never stops the server
            log.exception("session purge failed")
        stop.wait(max(60, minutes * 60))
