"""The database: one engine per URL, SQLite under TBT_DATA_DIR by default, PostgreSQL via
TBT_DATABASE_URL, with the schema brought to the newest alembic revision on start.

SQLite is tuned for a small multi-user server: WAL journal, foreign keys on, a busy timeout, and
write transactions that take the lock up front (BEGIN IMMEDIATE) so two submits cannot deadlock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, sessionmaker

from assistant.config import Settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class Base(DeclarativeBase):
    """Declarative base of every table the product owns (alembic's target metadata)."""


def utcnow() -> dt.datetime:
    """Naive UTC: every timestamp column stores UTC without a zone, on SQLite and PostgreSQL."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; for a SQLite file its directory is created first."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # hide_parameters: a failing statement's error and log line never carry the values
        # (reporters' names, phones, e-mails), only the SQL
        kwargs.setdefault("hide_parameters", True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
        _tune_sqlite(engine)
        return engine
    kwargs.setdefault("hide_parameters", True)
    # a server worker runs up to 40 requests at once in its thread pool
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 30)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


# PostgreSQL advisory-lock key of the migrations (any constant of ours; "tbt" in ASCII)
_MIGRATION_LOCK_KEY = 0x746274
_upgrade_lock = threading.Lock()  # alembic keeps its context in module globals: one at a time


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the packaged alembic migrations on `engine` (works from any cwd or installed package).

    Serialised within the process: two threads (the server's warm-up and its purge thread)
    migrating at once would share alembic's global context and fail. Serialised across processes
    too: on PostgreSQL by an advisory lock held for the migration's transaction (the workers of a
    fresh deployment all start at once, and two creating `alembic_version` together fail); on
    SQLite by the write lock every transaction here takes (BEGIN IMMEDIATE)."""
    with _upgrade_lock:
        _upgrade(engine, revision)


def _upgrade(engine: Engine, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_KEY})")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _migrations_fingerprint() -> str:
    """Changes whenever a migration file is added, removed or edited."""
    import hashlib

    h = hashlib.sha1()
    for p in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        st = p.stat()
        h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()


def _db_revision(engine: Engine) -> str | None:
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def init_db(settings: Settings) -> Engine:
    """The engine for `settings`, with the data directory created and the schema at head.

    Importing and running alembic costs a few hundred milliseconds of every cold start, so the
    head it reached is remembered beside the data (keyed by the migration files): when the
    database is already there, alembic is not loaded at all."""
    import hashlib

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = settings.resolved_database_url
    engine = make_engine(url)
    marker = settings.data_dir / f".schema-{hashlib.sha1(url.encode()).hexdigest()[:12]}"
    fingerprint = _migrations_fingerprint()
    try:
        known = marker.read_text(encoding="utf-8").split()
    except OSError:
        known = []
    if len(known) == 2 and known[0] == fingerprint and _db_revision(engine) == known[1]:
        return engine
    upgrade(engine)
    head = _db_revision(engine)
    if head:
        with contextlib.suppress(OSError):
            tmp = marker.with_name(marker.name + f".{os.getpid()}")
            tmp.write_text(f"{fingerprint} {head}\n", encoding="utf-8")
            os.replace(tmp, marker)
    return engine


def session_factory(engine: Engine) -> sessionmaker:  # type: ignore[type-arg]
    return sessionmaker(engine, expire_on_commit=False)
