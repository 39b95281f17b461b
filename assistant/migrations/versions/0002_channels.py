"""Channel users (Telegram, WeChat, WeCom): language and core session per chat user; WeChat message de-duplication and the shared access-token cache.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel_users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("lang", sa.String(8)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
        sa.UniqueConstraint("channel", "user_id", name="uq_channel_users_channel_user"),
    )
    # WeChat tables (message de-duplication, access-token cache) follow below.
    op.create_table(
        "channel_messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("msg_key", sa.String(200), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("passive", sa.Integer, nullable=False),
        sa.Column("reply", sa.Text),
        sa.Column("lang", sa.String(8)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("channel", "msg_key", name="uq_channel_messages_key"),
    )
    op.create_index("ix_channel_messages_user_id", "channel_messages", ["user_id"])
    op.create_table(
        "channel_tokens",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("token", sa.String(1024), nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("channel_tokens")
    op.drop_index("ix_channel_messages_user_id", table_name="channel_messages")
    op.drop_table("channel_messages")
    op.drop_table("channel_users")
