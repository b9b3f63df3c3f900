"""Every table of the workspace database, as SQLAlchemy Core tables: the one description of
the schema that the store, the accounts and the Alembic migrations share.

Types are the portable ones (TEXT, INTEGER, BOOLEAN), so one store serves SQLite and PostgreSQL.
Timestamps are ISO 8601 text, as the store has always written them.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# maps and their history -------------------------------------------------------------------
maps = sa.Table(
    "maps",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Text, nullable=False),
    # Whose names a map's name is unique among: "" for maps made by the CLI or one person,
    # "user:<id>" for a map a signed-in user created (so a name taken in another team's
    # maps neither blocks nor reveals anything).
    sa.Column("namespace", sa.Text, nullable=False, server_default=""),
    sa.UniqueConstraint("namespace", "name", name="maps_namespace_name"),
)

changes = sa.Table(
    "changes",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("map_id", sa.Text, nullable=False),
    sa.Column("at", sa.Text, nullable=False),
    sa.Column("tool", sa.Text, nullable=False),
    sa.Column("args", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    # Undo data: `patch` (a JSON patch from the map after the change back to before it);
    # rows written before patches existed hold the whole map before the change in `before`.
    sa.Column("before", sa.Text),
    sa.Column("undone", sa.Integer, nullable=False, server_default="0"),
    sa.Column("patch", sa.Text),
    # The signed-in user who made the change (NULL: the CLI, one person, or before accounts).
    sa.Column("author", sa.Text),
    sa.Index("changes_map", "map_id", "seq"),
    sqlite_autoincrement=True,
)

chat = sa.Table(
    "chat",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("map_id", sa.Text, nullable=False),
    sa.Column("at", sa.Text, nullable=False),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("meta", sa.Text, nullable=False, server_default="{}"),
    sa.Index("chat_map", "map_id", "seq"),
    sqlite_autoincrement=True,
)

# What a conversation about the map remembers (assistant/state.py), as JSON.
interview = sa.Table(
    "interview",
    metadata,
    sa.Column("map_id", sa.Text, primary_key=True),
    sa.Column("data", sa.Text, nullable=False),
)

# Comments on one card (item) of a map: a workshop's side discussion, not part of the map.
comments = sa.Table(
    "comments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("map_id", sa.Text, nullable=False),
    sa.Column("item_id", sa.Text, nullable=False),
    sa.Column("author", sa.Text),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("resolved_at", sa.Text),
    sa.Column("resolved_by", sa.Text),
    sa.Index("comments_item", "map_id", "item_id"),
    sqlite_autoincrement=True,
)

# accounts ---------------------------------------------------------------------------------
users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    # NULL for users signed in by a trusted proxy header: they have no password here.
    sa.Column("password_hash", sa.Text),
    sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.Text, nullable=False),
)

teams = sa.Table(
    "teams",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("created_at", sa.Text, nullable=False),
)

team_members = sa.Table(
    "team_members",
    metadata,
    sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
)

# A role on one map for one user or one team: kind is 'user' or 'team'.
map_grants = sa.Table(
    "map_grants",
    metadata,
    sa.Column("map_id", sa.Text, primary_key=True),
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("principal_id", sa.Integer, primary_key=True),
    sa.Column("role", sa.Text, nullable=False),
    sa.Index("map_grants_principal", "kind", "principal_id"),
)

# shared by every app process of a deployment ----------------------------------------------
# One row per key ("id": the workspace's random id, which names its research collection on a
# Chroma server, so two workspaces sharing a Chroma server never share research).
workspace = sa.Table(
    "workspace",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# Failed sign-ins per key ("user:<name>" or "addr:<address>"), so every replica throttles
# alike (assistant/accounts/throttle.py). Times are Unix seconds.
login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("locked_until", sa.Float, nullable=False),
    sa.Column("last", sa.Float, nullable=False),
)

# Token usage and estimated cost per agent turn (assistant/agent/usage.py).
usage = sa.Table(
    "usage",
    metadata,
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
    sa.Index("usage_map", "map_id", "seq"),
    sqlite_autoincrement=True,
)

# A read-only share link of one map: only the SHA-256 of its token is kept (one per map).
share_links = sa.Table(
    "share_links",
    metadata,
    sa.Column("token_hash", sa.Text, primary_key=True),
    sa.Column("map_id", sa.Text, nullable=False, unique=True),
    sa.Column("created_by", sa.Text),
    sa.Column("created_at", sa.Text, nullable=False),
)
