"""The workspace's id: a random id kept in its database, the same for every app process and
CLI of a deployment, whatever host name each reaches the database by."""

from __future__ import annotations

import threading
import uuid

import sqlalchemy as sa

from assistant.db.engine import WRITE, ensure_schema, make_engine
from assistant.db.tables import workspace

_ids: dict[str, str] = {}
_lock = threading.Lock()


def workspace_id(url: str) -> str:
    """The id of the workspace in the database at `url`, created on first use (12 hex digits)."""
    with _lock:
        if url in _ids:
            return _ids[url]
    engine = make_engine(url)
    try:
        ensure_schema(url, engine)
        query = sa.select(workspace.c.value).where(workspace.c.key == "id")
        with engine.connect() as conn:
            found = conn.execute(query).scalar()
        if found is None:
            try:
                with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
                    conn.execute(workspace.insert().values(key="id", value=uuid.uuid4().hex[:12]))
            except sa.exc.IntegrityError:
                pass  # another process made it a moment ago: read theirs
            with engine.connect() as conn:
                found = conn.execute(query).scalar()
    finally:
        engine.dispose()
    with _lock:
        _ids[url] = str(found)
    return str(found)
