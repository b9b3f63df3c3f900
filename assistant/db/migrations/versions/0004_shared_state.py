"""State every app process of a deployment shares: the workspace id (names its research
collection on a Chroma server), failed sign-ins (one login throttle for all replicas) and
token usage per agent turn (was a table the usage log kept in the SQLite file only).

Revision ID: 0004_shared_state
Revises: 0003_interview
Create Date: 2026-12-01

SQLite workspaces may already hold a `usage` table written by the usage log: it is kept.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_shared_state"
down_revision = "0003_interview"
branch_labels = None
depends_on = None


def upgrade() -> None:
    present = set(sa.inspect(op.get_bind()).get_table_names())
    op.create_table(
        "workspace",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "login_failures",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("locked_until", sa.Float, nullable=False),
        sa.Column("last", sa.Float, nullable=False),
    )
    if "usage" not in present:
        op.create_table(
            "usage",
            sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("map_id", sa.Text, nullable=False),
            sa.Column("at", sa.Text, nullable=False),
            sa.Column("model", sa.Text, nullable=False),
            sa.Column("calls", sa.Integer, nullable=False),
            sa.Column("first_prompt_tokens", sa.Integer, nullable=False),
            sa.Column("input_tokens", sa.Integer, nullable=False),
            sa.Column("output_tokens", sa.Integer, nullable=False),
            sa.Column("estimated", sa.Integer, nullable=False, server_default="0"),
            sa.Column("cost_usd", sa.Float),
            sqlite_autoincrement=True,
        )
        op.create_index("usage_map", "usage", ["map_id", "seq"])


def downgrade() -> None:
    op.drop_table("usage")
    op.drop_table("login_failures")
    op.drop_table("workspace")
