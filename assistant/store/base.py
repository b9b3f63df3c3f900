"""The store's machinery, shared by its parts (`maps.py` maps, `history.py` the change log,
`transcript.py` chat and interview state): the engine, write transactions, the fast
path for the hot reads, and the two writes every change makes (the map row, its log row).

One transaction per change: the map is read, changed and written back inside it, with its
change-log row and the conversation's state, so two sessions on one map never lose each
other's changes, and a process killed at any moment loses no accepted change and never leaves
a half-written map. SQLite takes its write lock when the transaction begins (BEGIN IMMEDIATE)
and commits durably (WAL, synchronous=FULL); PostgreSQL locks the map's row when it is read
inside the transaction (SELECT ... FOR UPDATE) and commits synchronously. Either way a second
writer waits and then reads what the first wrote.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from assistant.db import ensure_schema, is_sqlite, make_engine
from assistant.db.engine import WRITE
from assistant.db.tables import changes, maps
from assistant.schema import JourneyMap, now


class MapNotFound(KeyError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "Map not found."


# A database server is shared through one pooled engine per URL in a process (every browser
# tab opens a store); a SQLite store owns its engine, as it owned its connection, and closes it.
_shared: dict[str, sa.Engine] = {}
_shared_lock = threading.Lock()


def _engine_for(url: str) -> tuple[sa.Engine, bool]:
    if is_sqlite(url):
        return make_engine(url), True
    with _shared_lock:
        if url not in _shared:
            _shared[url] = make_engine(url)
        return _shared[url], False


def to_url(where: str | Path) -> str:
    """A SQLAlchemy URL from a URL or a SQLite file path."""
    text = str(where)
    return text if "://" in text else f"sqlite:///{Path(text)}"


def ts(moment: datetime) -> str:
    return moment.isoformat()


class StoreBase:
    """Connections and transactions of one workspace database."""

    def __init__(self, where: str | Path, read_only: bool = False) -> None:
        self.url = to_url(where)
        self.sqlite = is_sqlite(self.url)
        database = make_url(self.url).database
        self.path: Path | None = Path(database) if self.sqlite and database else None
        """The SQLite file (None on a database server)."""
        if read_only:  # see open_read_only: no schema upgrade, no journal settings
            self.engine, self._own = make_engine(self.url, read_only=True), True
        else:
            self.engine, self._own = _engine_for(self.url)
            ensure_schema(self.url, self.engine)
        self.author: str | None = None
        """The signed-in user whose changes this store writes (kept with each change-log
        row); None for the CLI and one person without accounts."""
        self._local = threading.local()
        self._compiled: dict[int, tuple[str, Any]] = {}

    def close(self) -> None:
        if self._own:
            self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """A write transaction: committed when the block ends, rolled back on any error. What
        is read through this store inside it (in this thread) is read in it, the map's row
        locked, so what is read is what the change applies to. Nested: part of the outer one."""
        current: sa.Connection | None = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        with self.engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
            self._local.conn = conn
            try:
                yield conn
            finally:
                self._local.conn = None

    @contextmanager
    def reading(self) -> Iterator[sa.Connection]:
        """A connection to read with: the open write transaction's, when there is one."""
        current: sa.Connection | None = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        with self.engine.connect() as conn:
            yield conn

    def _in_transaction(self) -> bool:
        return getattr(self._local, "conn", None) is not None

    def _rows(self, statement: sa.Executable, params: dict[str, Any]) -> list[tuple]:
        """Run one of the prebuilt reads (assistant/db/statements.py) on the DBAPI cursor,
        compiled once per store. The reads of every turn (is the map still as cached? the
        state, the chat) cost ~10x less this way than through SQLAlchemy's execution layer
        (measured on SQLite: ~0.6 ms vs ~0.07 ms per snapshot check); writes go through
        SQLAlchemy as usual."""
        found = self._compiled.get(id(statement))
        if found is None:
            compiled = statement.compile(dialect=self.engine.dialect)  # type: ignore[attr-defined]
            found = (str(compiled), compiled)
            self._compiled[id(statement)] = found
        sql, compiled = found
        values = compiled.construct_params(params)
        args: Any = [values[n] for n in compiled.positiontup] if compiled.positional else values
        with self.reading() as db:
            raw = db.connection.dbapi_connection
            assert raw is not None
            cursor = raw.cursor()
            try:
                cursor.execute(sql, args)
                return list(cursor.fetchall())
            finally:
                cursor.close()

    # inside a write transaction -----------------------------------------------------------
    def _write_map(self, db: sa.Connection, after: JourneyMap) -> str:
        after.updated_at = now()
        data = after.model_dump_json()
        done = db.execute(
            maps.update()
            .where(maps.c.id == after.id)
            .values(name=after.name, data=data, updated_at=ts(after.updated_at))
        )
        if done.rowcount != 1:
            raise MapNotFound(f"Map '{after.name}' no longer exists.")
        return data

    def _log(
        self,
        db: sa.Connection,
        map_id: str,
        tool: str,
        args: dict,
        source: str,
        summary: str,
        before: str | None = None,
        patch: str | None = None,
    ) -> int:
        done = db.execute(
            changes.insert().values(
                map_id=map_id,
                at=ts(now()),
                tool=tool,
                args=json.dumps(args, default=str),
                source=source,
                summary=summary,
                before=before,
                patch=patch,
                author=self.author,
            )
        )
        key = done.inserted_primary_key
        return int(key[0]) if key else 0
