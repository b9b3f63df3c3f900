"""The workspace database: one SQLAlchemy engine per URL, and its schema kept current by Alembic.

`JOURNEY_DATABASE_URL` picks the database: unset, the SQLite file in `JOURNEY_HOME` (one
person, nothing to run); `postgresql+psycopg://...` for a team server. SQLite files are
upgraded automatically when opened; a PostgreSQL database is upgraded by `journey db upgrade`
(one operator step, so several app processes never race to migrate), and opening one that is
behind is refused with that instruction.
"""

from assistant.db.engine import (
    HEAD,
    DatabaseUnavailable,
    SchemaOutdated,
    current_revision,
    ensure_schema,
    is_sqlite,
    make_engine,
    upgrade,
)

__all__ = [
    "HEAD",
    "DatabaseUnavailable",
    "SchemaOutdated",
    "current_revision",
    "ensure_schema",
    "is_sqlite",
    "make_engine",
    "upgrade",
]
