"""Contributions: drafts, proposals, decisions, login attempts, published state.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _at() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("email", sa.String(320), nullable=False, server_default=""),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("follow_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("session_hash", sa.String(64), nullable=False),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", _at(), nullable=False),
        sa.Column("updated_at", _at(), nullable=False),
        sa.Column("published_at", _at(), nullable=True),
    )
    op.create_index("ix_proposals_status_created", "proposals", ["status", "created_at"])
    op.create_index("ix_proposals_session_created", "proposals", ["session_hash", "created_at"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "proposal_id",
            sa.Integer,
            sa.ForeignKey("proposals.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("at", _at(), nullable=False),
        sa.Column("moderator", sa.String(200), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
        sa.Column("changes", sa.JSON, nullable=False),
    )
    op.create_index("ix_decisions_proposal", "decisions", ["proposal_id", "id"])
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("updated_at", _at(), nullable=False),
        sa.Column(
            "proposal_id",
            sa.Integer,
            sa.ForeignKey("proposals.id", ondelete="SET NULL"),
            nullable=True,
        ),
    )
    op.create_index("ix_drafts_updated", "drafts", ["updated_at"])
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("at", _at(), nullable=False),
    )
    op.create_index("ix_login_attempts_key_at", "login_attempts", ["key_hash", "at"])
    state = op.create_table(
        "state",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("instance", sa.String(32), nullable=False),
        sa.Column("published_counter", sa.Integer, nullable=False),
    )
    # One row: a database created anew never repeats an old published_version.
    op.bulk_insert(state, [{"id": 1, "instance": uuid.uuid4().hex, "published_counter": 0}])


def downgrade() -> None:
    for table in ("state", "login_attempts", "drafts", "decisions", "proposals"):
        op.drop_table(table)
