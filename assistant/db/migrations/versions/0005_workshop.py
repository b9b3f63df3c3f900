"""Live workshops: who made each change, comments on cards, read-only share links, and map
names unique per namespace (the creating user's) instead of across the whole database.

Revision ID: 0005_workshop
Revises: 0004_shared_state
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_workshop"
down_revision = "0004_shared_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("changes", sa.Column("author", sa.Text))
    if bind.dialect.name == "sqlite":
        # SQLite cannot drop the unnamed UNIQUE(name): rebuild the table with the new rule.
        op.create_table(
            "maps_next",
            sa.Column("id", sa.Text, primary_key=True),
            sa.Column("name", sa.Text, nullable=False),
            sa.Column("data", sa.Text, nullable=False),
            sa.Column("updated_at", sa.Text, nullable=False),
            sa.Column("namespace", sa.Text, nullable=False, server_default=""),
            sa.UniqueConstraint("namespace", "name", name="maps_namespace_name"),
        )
        op.execute(
            "INSERT INTO maps_next (id, name, data, updated_at, namespace) "
            "SELECT id, name, data, updated_at, '' FROM maps"
        )
        op.drop_table("maps")
        op.rename_table("maps_next", "maps")
    else:
        op.add_column("maps", sa.Column("namespace", sa.Text, nullable=False, server_default=""))
        for unique in sa.inspect(bind).get_unique_constraints("maps"):
            if unique["column_names"] == ["name"] and unique["name"]:
                op.drop_constraint(unique["name"], "maps", type_="unique")
        op.create_unique_constraint("maps_namespace_name", "maps", ["namespace", "name"])
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("map_id", sa.Text, nullable=False),
        sa.Column("item_id", sa.Text, nullable=False),
        sa.Column("author", sa.Text),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("resolved_at", sa.Text),
        sa.Column("resolved_by", sa.Text),
        sqlite_autoincrement=True,
    )
    op.create_index("comments_item", "comments", ["map_id", "item_id"])
    op.create_table(
        "share_links",
        sa.Column("token_hash", sa.Text, primary_key=True),
        sa.Column("map_id", sa.Text, nullable=False, unique=True),
        sa.Column("created_by", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("share_links")
    op.drop_index("comments_item", "comments")
    op.drop_table("comments")
    with op.batch_alter_table("changes") as batch:
        batch.drop_column("author")
