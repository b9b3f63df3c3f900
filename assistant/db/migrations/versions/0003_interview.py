"""Interview state stored with the map, and change-log rows that keep a JSON patch.

Revision ID: 0003_interview
Revises: 0002_accounts
Create Date: 2026-12-01

SQLite workspaces written by the store before migrations may already have both (it added
them itself): they are kept.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_interview"
down_revision = "0002_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if "patch" not in {c["name"] for c in inspector.get_columns("changes")}:
        op.add_column("changes", sa.Column("patch", sa.Text))
    if not inspector.has_table("interview"):
        op.create_table(
            "interview",
            sa.Column("map_id", sa.Text, primary_key=True),
            sa.Column("data", sa.Text, nullable=False),
        )


def downgrade() -> None:
    op.drop_table("interview")
    with op.batch_alter_table("changes") as batch:
        batch.drop_column("patch")
