"""Alembic environment: uses the connection `assistant.db.upgrade` hands over, or the URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

config = context.config


def _target_metadata():  # type: ignore[no-untyped-def]
    # Imported here so that running migrations does not depend on import order elsewhere.
    from assistant import (
        channel_store,  # noqa: F401  (registers channel_messages, channel_tokens)
        channel_users,  # noqa: F401  (registers channel_users)
    )
    from assistant.alerts import models as alert_models  # noqa: F401  (alert_* tables)
    from assistant.db import Base
    from assistant.dialogue import sessions  # noqa: F401  (registers chat_sessions)
    from assistant.reports import models  # noqa: F401  (registers the report tables)
    from assistant.staff import models as staff_models  # noqa: F401  (staff console tables)

    return Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=_target_metadata(),
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run(conn)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=_target_metadata(),
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
