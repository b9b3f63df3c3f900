"""Maps, their change log and chat transcript (the schema the SQLite store always had).

Revision ID: 0001_maps
Revises:
Create Date: 2026-12-01

Workspaces made before migrations existed already hold these tables: they are kept as they are.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_maps"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    present = set(sa.inspect(op.get_bind()).get_table_names())
    if "maps" not in present:
        op.create_table(
            "maps",
            sa.Column("id", sa.Text, primary_key=True),
            sa.Column("name", sa.Text, nullable=False, unique=True),
            sa.Column("data", sa.Text, nullable=False),
            sa.Column("updated_at", sa.Text, nullable=False),
        )
    if "changes" not in present:
        op.create_table(
            "changes",
            sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("map_id", sa.Text, nullable=False),
            sa.Column("at", sa.Text, nullable=False),
            sa.Column("tool", sa.Text, nullable=False),
            sa.Column("args", sa.Text, nullable=False),
            sa.Column("source", sa.Text, nullable=False),
            sa.Column("summary", sa.Text, nullable=False),
            sa.Column("before", sa.Text),
            sa.Column("undone", sa.Integer, nullable=False, server_default="0"),
            sqlite_autoincrement=True,
        )
        op.create_index("changes_map", "changes", ["map_id", "seq"])
    if "chat" not in present:
        op.create_table(
            "chat",
            sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("map_id", sa.Text, nullable=False),
            sa.Column("at", sa.Text, nullable=False),
            sa.Column("role", sa.Text, nullable=False),
            sa.Column("content", sa.Text, nullable=False),
            sa.Column("meta", sa.Text, nullable=False, server_default="{}"),
            sqlite_autoincrement=True,
        )
        op.create_index("chat_map", "chat", ["map_id", "seq"])


def downgrade() -> None:
    op.drop_table("chat")
    op.drop_table("changes")
    op.drop_table("maps")
