"""The store's hot statements, built once: building a SQLAlchemy expression costs more than
running it on SQLite, and a guided turn reads the map several times."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from assistant.db.tables import changes, chat, interview, maps

KEY = (maps.c.name == sa.bindparam("key")) | (maps.c.id == sa.bindparam("key"))
DATA = sa.select(maps.c.data).where(KEY)
DATA_LOCKED = DATA.with_for_update()
SNAPSHOT = sa.select(maps.c.id, maps.c.updated_at, sa.func.length(maps.c.data)).where(KEY)
EXISTS = sa.select(maps.c.id).where(KEY)
STATE = sa.select(interview.c.data).where(interview.c.map_id == sa.bindparam("map_id"))
MESSAGES = (
    sa.select(chat.c.role, chat.c.content, chat.c.meta)
    .where(chat.c.map_id == sa.bindparam("map_id"))
    .order_by(chat.c.seq.desc())
    .limit(sa.bindparam("limit"))
)
COUNT = sa.select(sa.func.count()).where(
    (changes.c.map_id == sa.bindparam("map_id")) & (changes.c.tool != "undo")
)


def _upsert_state(dialect: Any) -> sa.Executable:
    upsert = dialect.insert(interview).values(
        map_id=sa.bindparam("map_id"), data=sa.bindparam("data")
    )
    return upsert.on_conflict_do_update(
        index_elements=[interview.c.map_id], set_={"data": upsert.excluded.data}
    )


UPSERT_STATE = {"sqlite": _upsert_state(sqlite), "postgresql": _upsert_state(postgresql)}
