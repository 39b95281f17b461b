"""Staff console: staff accounts, login sessions, audit log, reporter access tokens, report assignment, comments, merges, saved views, optimistic-lock version.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_REPORT_COLUMNS = (
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("session_id", sa.String(128)),
    sa.Column("hs_chapter", sa.String(2)),
    sa.Column("ntm_code", sa.String(8)),
    sa.Column("assigned_to", sa.String(100)),
    sa.Column("stage", sa.String(20)),
    sa.Column("pending_by", sa.String(200)),
    sa.Column("archive_reason", sa.String(20)),
    sa.Column("barrier_id", sa.Integer),
    sa.Column("priority", sa.Float, nullable=False, server_default="0"),
    sa.Column("priority_reasons", sa.JSON),
    sa.Column("links", sa.JSON),
    sa.Column("comments_text", sa.Text),
    sa.Column("search_text", sa.Text),
    sa.Column("screened_at", sa.DateTime),
    sa.Column("enriched_at", sa.DateTime),
)
_REPORT_INDEXES = ("hs_chapter", "ntm_code", "assigned_to", "barrier_id", "priority", "created_at")


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        for col in _REPORT_COLUMNS:
            batch.add_column(col.copy())
        batch.create_foreign_key("fk_reports_barrier_id", "reports", ["barrier_id"], ["id"],
                                 ondelete="SET NULL")
    for name in _REPORT_INDEXES:
        op.create_index(f"ix_reports_{name}", "reports", [name])
    # the queue's usual shapes: one status, duplicates hidden (barrier_id null), by priority or date
    op.create_index("ix_reports_status_priority", "reports", ["status", "barrier_id", "priority"])
    op.create_index("ix_reports_status_created", "reports", ["status", "barrier_id", "created_at"])
    op.create_index("ix_reports_market_status", "reports", ["market", "status"])

    op.create_table(
        "app_secrets",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    op.create_table(
        "report_comments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_report_comments_report_id", "report_comments", ["report_id"])
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False),
        sa.Column("locked_until", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_staff_sessions_user_id", "staff_sessions", ["user_id"])
    op.create_index("ix_staff_sessions_expires_at", "staff_sessions", ["expires_at"])
    op.create_table(
        "staff_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(100)),
        sa.Column("detail", sa.JSON),
        sa.Column("ip", sa.String(64)),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_staff_audit_action", "staff_audit", ["action"])
    op.create_index("ix_staff_audit_at", "staff_audit", ["at"])
    op.create_table(
        "staff_saved_views",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("query", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_staff_saved_views_user_id", "staff_saved_views", ["user_id"])
    op.create_table(
        "staff_drafts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("sources", sa.JSON, nullable=False),
        sa.Column("check", sa.JSON),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_staff_drafts_report_id", "staff_drafts", ["report_id"])


def downgrade() -> None:
    for table in ("staff_drafts", "staff_saved_views", "staff_audit", "staff_sessions", "staff_users",
                  "report_comments", "app_secrets"):
        op.drop_table(table)
    op.drop_index("ix_reports_market_status", "reports")
    op.drop_index("ix_reports_status_created", "reports")
    op.drop_index("ix_reports_status_priority", "reports")
    for name in _REPORT_INDEXES:
        op.drop_index(f"ix_reports_{name}", "reports")
    with op.batch_alter_table("reports") as batch:
        batch.drop_constraint("fk_reports_barrier_id", type_="foreignkey")
        for col in reversed(_REPORT_COLUMNS):
            batch.drop_column(col.name)
