"""Every map, its change log and chat, over SQLAlchemy 2: one store for SQLite and PostgreSQL.

One transaction per change: the new map and its change-log row (with the map as it was
before, for undo) are written together, so a process killed at any moment loses no accepted
change and never leaves a half-written map. SQLite runs in WAL mode with synchronous=FULL and
takes its write lock at BEGIN; PostgreSQL commits synchronously and locks the map's row
(SELECT ... FOR UPDATE) before reading it in a write, so two writers on one map queue and the
second reads what the first wrote: no lost update on either database.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import make_url

from assistant.db import ensure_schema, is_sqlite, make_engine
from assistant.db.engine import WRITE
from assistant.db.tables import changes, chat, maps
from assistant.schema import JourneyMap, now


class MapNotFound(KeyError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "Map not found."


@dataclass
class Change:
    seq: int
    at: str
    tool: str
    args: dict
    source: str
    summary: str
    undone: bool


# Server databases share one pooled engine per URL in a process (every browser tab opens a
# store); a SQLite store owns its engine, as it owned its connection, and closes it.
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


class Store:
    """All maps of one workspace database (`Settings.database`: a URL, or a SQLite file)."""

    def __init__(self, where: str | Path) -> None:
        self.url = to_url(where)
        self.sqlite = is_sqlite(self.url)
        database = make_url(self.url).database
        self.path: Path | None = Path(database) if self.sqlite and database else None
        """The SQLite file (None on a database server)."""
        self.engine, self._own = _engine_for(self.url)
        ensure_schema(self.url, self.engine)
        self._snapshots: dict[str, tuple[tuple[str, int], JourneyMap]] = {}

    def close(self) -> None:
        if self._own:
            self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """A write transaction: committed when the block ends, rolled back on any error."""
        with self.engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
            yield conn

    def _read(self) -> sa.Connection:
        return self.engine.connect()

    # maps ---------------------------------------------------------------------------------
    def create(self, name: str, language: str = "en") -> JourneyMap:
        journey = JourneyMap(name=check_name(name), language=language)  # type: ignore[arg-type]
        with self.transaction() as db:
            if db.execute(sa.select(maps.c.id).where(maps.c.name == journey.name)).first():
                raise ValueError(f"A map named '{journey.name}' already exists.")
            try:
                db.execute(
                    maps.insert().values(
                        id=journey.id,
                        name=journey.name,
                        data=journey.model_dump_json(),
                        updated_at=_ts(journey.updated_at),
                    )
                )
            except sa.exc.IntegrityError as exc:  # created by another process a moment ago
                raise ValueError(f"A map named '{journey.name}' already exists.") from exc
            self._log(
                db, journey.id, "create_map", {"name": name}, "user", f"Created map '{name}'.", None
            )
        return journey

    def load(self, name_or_id: str) -> JourneyMap:
        """The map as stored, as a private copy the caller may change."""
        return JourneyMap.model_validate_json(self.load_raw(name_or_id))

    def load_raw(self, name_or_id: str) -> str:
        """The map's stored JSON."""
        with self._read() as db:
            data = db.execute(sa.select(maps.c.data).where(_named(name_or_id))).scalar()
        if data is None:
            raise MapNotFound(f"No map named '{name_or_id}'. See `journey maps list`.")
        return str(data)

    def snapshot(self, name_or_id: str) -> JourneyMap:
        """The map as stored, shared and cached until it changes: READ ONLY (use `load` to
        get a copy to change). A turn reads the map several times; parsing it each time
        was most of a guided turn's cost, while this check is one tiny query."""
        query = sa.select(maps.c.id, maps.c.updated_at, sa.func.length(maps.c.data))
        with self._read() as db:
            row = db.execute(query.where(_named(name_or_id))).first()
        if row is None:
            raise MapNotFound(f"No map named '{name_or_id}'. See `journey maps list`.")
        key = (str(row[1]), int(row[2]))
        cached = self._snapshots.get(row[0])
        if cached is None or cached[0] != key:
            cached = (key, self.load(row[0]))
            self._snapshots[row[0]] = cached
        return cached[1]

    def exists(self, name: str) -> bool:
        with self._read() as db:
            return db.execute(sa.select(maps.c.id).where(_named(name))).first() is not None

    def list_maps(self) -> list[JourneyMap]:
        with self._read() as db:
            rows = db.execute(sa.select(maps.c.data).order_by(maps.c.updated_at.desc())).all()
        return [JourneyMap.model_validate_json(r[0]) for r in rows]

    def save_change(
        self,
        before: JourneyMap | str,
        after: JourneyMap,
        tool: str,
        args: dict,
        source: str,
        summary: str,
    ) -> None:
        """Persist a validated new map and its change-log row in one transaction."""
        with self.transaction() as db:
            self._write_map(db, after)
            before_json = before if isinstance(before, str) else before.model_dump_json()
            self._log(db, after.id, tool, args, source, summary, before_json)

    def update(
        self,
        map_id: str,
        mutate: Callable[[JourneyMap], str],
        tool: str,
        args: dict,
        source: str = "user",
    ) -> tuple[JourneyMap, str]:
        """Apply `mutate` to the map as stored at this moment, inside the write transaction
        (the map's row locked), and persist it with its change-log row. `mutate` edits the map
        it is given and returns the change's summary; any exception it raises leaves nothing
        changed. Returns the new map and the summary."""
        with self.transaction() as db:
            before = self._locked_data(db, map_id)
            after = JourneyMap.model_validate_json(before)
            summary = mutate(after)
            after = JourneyMap.model_validate(after.model_dump())
            self._write_map(db, after)
            self._log(db, map_id, tool, args, source, summary, before)
        return after, summary

    def undo(self, map_id: str) -> tuple[JourneyMap, str] | None:
        """Restore the map as it was before its last change not yet undone."""
        with self.transaction() as db:
            try:
                self._locked_data(db, map_id)
            except MapNotFound:
                return None
            row = db.execute(
                sa.select(changes.c.seq, changes.c.before, changes.c.summary)
                .where(
                    (changes.c.map_id == map_id)
                    & (changes.c.undone == 0)
                    & changes.c.before.is_not(None)
                )
                .order_by(changes.c.seq.desc())
                .limit(1)
            ).first()
            if row is None:
                return None
            seq, before, summary = row
            restored = JourneyMap.model_validate_json(before)
            self._write_map(db, restored)
            db.execute(changes.update().where(changes.c.seq == seq).values(undone=1))
            self._log(db, map_id, "undo", {"seq": seq}, "user", f"Undid: {summary}", None)
        return restored, summary

    def rename(self, name: str, new_name: str) -> JourneyMap:
        new_name = check_name(new_name)
        journey = self.load(name)
        if self.exists(new_name):
            raise ValueError(f"A map named '{new_name}' already exists.")

        def mutate(after: JourneyMap) -> str:
            after.name = new_name
            return f"Renamed map '{name}' to '{new_name}'."

        try:
            after, _ = self.update(journey.id, mutate, "rename_map", {"new_name": new_name})
        except sa.exc.IntegrityError as exc:  # taken by another process a moment ago
            raise ValueError(f"A map named '{new_name}' already exists.") from exc
        return after

    def delete(self, name: str) -> None:
        journey = self.load(name)
        with self.transaction() as db:
            db.execute(maps.delete().where(maps.c.id == journey.id))
            db.execute(changes.delete().where(changes.c.map_id == journey.id))
            db.execute(chat.delete().where(chat.c.map_id == journey.id))
            # The LLM agent's token usage rows live in the same file (assistant/agent/usage.py).
            if sa.inspect(db).has_table("usage"):
                db.execute(sa.text("DELETE FROM usage WHERE map_id = :m"), {"m": journey.id})

    def change_count(self, map_id: str) -> int:
        """How many changes (not undos) the map's log holds."""
        query = sa.select(sa.func.count()).where(
            (changes.c.map_id == map_id) & (changes.c.tool != "undo")
        )
        with self._read() as db:
            return int(db.execute(query).scalar() or 0)

    def changes(self, map_id: str, limit: int = 1000) -> list[Change]:
        query = (
            sa.select(
                changes.c.seq,
                changes.c.at,
                changes.c.tool,
                changes.c.args,
                changes.c.source,
                changes.c.summary,
                changes.c.undone,
            )
            .where(changes.c.map_id == map_id)
            .order_by(changes.c.seq.desc())
            .limit(limit)
        )
        with self._read() as db:
            rows = db.execute(query).all()
        return [Change(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], bool(r[6])) for r in rows][
            ::-1
        ]

    # chat transcript ----------------------------------------------------------------------
    def add_message(self, map_id: str, role: str, content: str, meta: dict | None = None) -> None:
        """Append to the chat transcript, committed without its own fsync: on SQLite
        synchronous=NORMAL (in WAL mode a killed process still loses nothing; only a power cut
        could drop the last lines, and the next map change's FULL commit syncs them too), on
        PostgreSQL synchronous_commit off for this transaction. Map changes stay fully synced."""
        with self.engine.connect().execution_options(**{WRITE: True}) as conn:
            raw = conn.connection.dbapi_connection  # PRAGMA synchronous: outside any transaction
            if self.sqlite and raw is not None:
                raw.execute("PRAGMA synchronous=NORMAL")
            try:
                with conn.begin():
                    if not self.sqlite:
                        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
                    conn.execute(
                        chat.insert().values(
                            map_id=map_id,
                            at=_ts(now()),
                            role=role,
                            content=content,
                            meta=json.dumps(meta or {}),
                        )
                    )
            finally:
                if self.sqlite and raw is not None:
                    raw.execute("PRAGMA synchronous=FULL")

    def messages(self, map_id: str, limit: int = 200) -> list[dict]:
        query = (
            sa.select(chat.c.role, chat.c.content, chat.c.meta)
            .where(chat.c.map_id == map_id)
            .order_by(chat.c.seq.desc())
            .limit(limit)
        )
        with self._read() as db:
            rows = db.execute(query).all()
        return [{"role": r[0], "content": r[1], "meta": json.loads(r[2])} for r in rows][::-1]

    # inside a write transaction -----------------------------------------------------------
    def _locked_data(self, db: sa.Connection, map_id: str) -> str:
        """The map's JSON, its row locked until the transaction ends (SQLite: the whole
        database is already locked for writing by BEGIN IMMEDIATE)."""
        query = sa.select(maps.c.data).where(maps.c.id == map_id)
        if not self.sqlite:
            query = query.with_for_update()
        data = db.execute(query).scalar()
        if data is None:
            raise MapNotFound(f"Map '{map_id}' no longer exists.")
        return str(data)

    def _write_map(self, db: sa.Connection, after: JourneyMap) -> None:
        after.updated_at = now()
        done = db.execute(
            maps.update()
            .where(maps.c.id == after.id)
            .values(name=after.name, data=after.model_dump_json(), updated_at=_ts(after.updated_at))
        )
        if done.rowcount != 1:
            raise MapNotFound(f"Map '{after.name}' no longer exists.")

    def _log(
        self,
        db: sa.Connection,
        map_id: str,
        tool: str,
        args: dict,
        source: str,
        summary: str,
        before: str | None,
    ) -> None:
        db.execute(
            changes.insert().values(
                map_id=map_id,
                at=_ts(now()),
                tool=tool,
                args=json.dumps(args, default=str),
                source=source,
                summary=summary,
                before=before,
            )
        )


def _named(name_or_id: str) -> sa.ColumnElement[bool]:
    return (maps.c.name == name_or_id) | (maps.c.id == name_or_id)


NAME_RULE = (
    "use letters, digits, spaces and - _ . ' ( ) & +, starting with a letter or digit, "
    "at most 80 characters"
)


def check_name(name: str) -> str:
    """The cleaned map name, or ValueError saying what a name may hold."""
    try:
        return JourneyMap(name=name).name
    except ValidationError as exc:
        raise ValueError(f"'{name.strip()[:80]}' is not a valid map name: {NAME_RULE}.") from exc


def _ts(moment: datetime) -> str:
    return moment.isoformat()
