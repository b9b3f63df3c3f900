"""SQLite persistence: every map, and a change log with provenance.

One transaction per change: the new map and its change-log row (with the map as it was
before, for undo) are written together, so a process killed at any moment loses no accepted
change and never leaves a half-written map. WAL with synchronous=FULL makes each commit durable.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from assistant.schema import JourneyMap, now

SCHEMA = """
CREATE TABLE IF NOT EXISTS maps (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    map_id TEXT NOT NULL,
    at TEXT NOT NULL,
    tool TEXT NOT NULL,
    args TEXT NOT NULL,
    source TEXT NOT NULL,
    summary TEXT NOT NULL,
    before TEXT,
    undone INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS changes_map ON changes(map_id, seq);
CREATE TABLE IF NOT EXISTS chat (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    map_id TEXT NOT NULL,
    at TEXT NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS chat_map ON chat(map_id, seq);
"""


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


class Store:
    """All maps of one workspace in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            self.path, timeout=30, check_same_thread=False, isolation_level=None
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(SCHEMA)
        self._snapshots: dict[str, tuple[tuple[str, int], JourneyMap]] = {}

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # maps ---------------------------------------------------------------------------------
    def create(self, name: str, language: str = "en") -> JourneyMap:
        journey = JourneyMap(name=check_name(name), language=language)  # type: ignore[arg-type]
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM maps WHERE name = ?", (journey.name,)).fetchone():
                raise ValueError(f"A map named '{journey.name}' already exists.")
            db.execute(
                "INSERT INTO maps VALUES (?, ?, ?, ?)",
                (journey.id, journey.name, journey.model_dump_json(), _ts(journey.updated_at)),
            )
            self._log(
                db, journey.id, "create_map", {"name": name}, "user", f"Created map '{name}'.", None
            )
        return journey

    def load(self, name_or_id: str) -> JourneyMap:
        """The map as stored, as a private copy the caller may change."""
        return JourneyMap.model_validate_json(self.load_raw(name_or_id))

    def load_raw(self, name_or_id: str) -> str:
        """The map's stored JSON."""
        row = self._conn.execute(
            "SELECT data FROM maps WHERE name = ? OR id = ?", (name_or_id, name_or_id)
        ).fetchone()
        if row is None:
            raise MapNotFound(f"No map named '{name_or_id}'. See `journey maps list`.")
        return str(row[0])

    def snapshot(self, name_or_id: str) -> JourneyMap:
        """The map as stored, shared and cached until it changes: READ ONLY (use `load` to
        get a copy to change). A turn reads the map several times; parsing it each time
        was most of a guided turn's cost, while this check is one tiny query."""
        row = self._conn.execute(
            "SELECT id, updated_at, length(data) FROM maps WHERE name = ? OR id = ?",
            (name_or_id, name_or_id),
        ).fetchone()
        if row is None:
            raise MapNotFound(f"No map named '{name_or_id}'. See `journey maps list`.")
        key = (row[1], row[2])
        cached = self._snapshots.get(row[0])
        if cached is None or cached[0] != key:
            cached = (key, self.load(row[0]))
            self._snapshots[row[0]] = cached
        return cached[1]

    def exists(self, name: str) -> bool:
        return (
            self._conn.execute(
                "SELECT 1 FROM maps WHERE name = ? OR id = ?", (name, name)
            ).fetchone()
            is not None
        )

    def list_maps(self) -> list[JourneyMap]:
        rows = self._conn.execute("SELECT data FROM maps ORDER BY updated_at DESC").fetchall()
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
        after.updated_at = now()
        with self.transaction() as db:
            cur = db.execute(
                "UPDATE maps SET name = ?, data = ?, updated_at = ? WHERE id = ?",
                (after.name, after.model_dump_json(), _ts(after.updated_at), after.id),
            )
            if cur.rowcount != 1:
                raise MapNotFound(f"Map '{after.name}' no longer exists.")
            before_json = before if isinstance(before, str) else before.model_dump_json()
            self._log(db, after.id, tool, args, source, summary, before_json)

    def undo(self, map_id: str) -> tuple[JourneyMap, str] | None:
        """Restore the map as it was before its last change not yet undone."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT seq, before, summary FROM changes WHERE map_id = ? AND undone = 0"
                " AND before IS NOT NULL ORDER BY seq DESC LIMIT 1",
                (map_id,),
            ).fetchone()
            if row is None:
                return None
            seq, before, summary = row
            restored = JourneyMap.model_validate_json(before)
            restored.updated_at = now()
            db.execute(
                "UPDATE maps SET name = ?, data = ?, updated_at = ? WHERE id = ?",
                (restored.name, restored.model_dump_json(), _ts(restored.updated_at), map_id),
            )
            db.execute("UPDATE changes SET undone = 1 WHERE seq = ?", (seq,))
            self._log(db, map_id, "undo", {"seq": seq}, "user", f"Undid: {summary}", None)
        return restored, summary

    def rename(self, name: str, new_name: str) -> JourneyMap:
        new_name = check_name(new_name)
        journey = self.load(name)
        if self.exists(new_name):
            raise ValueError(f"A map named '{new_name}' already exists.")
        after = journey.model_copy(deep=True)
        after.name = new_name
        self.save_change(
            journey,
            after,
            "rename_map",
            {"new_name": new_name},
            "user",
            f"Renamed map '{name}' to '{new_name}'.",
        )
        return after

    def delete(self, name: str) -> None:
        journey = self.load(name)
        with self.transaction() as db:
            db.execute("DELETE FROM maps WHERE id = ?", (journey.id,))
            db.execute("DELETE FROM changes WHERE map_id = ?", (journey.id,))
            db.execute("DELETE FROM chat WHERE map_id = ?", (journey.id,))
            # The LLM agent's token usage rows live in the same file (assistant/agent/usage.py).
            if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'usage'").fetchone():
                db.execute("DELETE FROM usage WHERE map_id = ?", (journey.id,))

    def change_count(self, map_id: str) -> int:
        """How many changes (not undos) the map's log holds."""
        row = self._conn.execute(
            "SELECT COUNT(*) FROM changes WHERE map_id = ? AND tool != 'undo'", (map_id,)
        ).fetchone()
        return int(row[0])

    def changes(self, map_id: str, limit: int = 1000) -> list[Change]:
        rows = self._conn.execute(
            "SELECT seq, at, tool, args, source, summary, undone FROM changes WHERE map_id = ?"
            " ORDER BY seq DESC LIMIT ?",
            (map_id, limit),
        ).fetchall()
        return [Change(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], bool(r[6])) for r in rows][
            ::-1
        ]

    # chat transcript ----------------------------------------------------------------------
    def add_message(self, map_id: str, role: str, content: str, meta: dict | None = None) -> None:
        """Append to the chat transcript. Committed without its own fsync (synchronous=NORMAL:
        in WAL mode a killed process still loses nothing; only a power cut could drop the last
        lines, and the next map change's FULL commit syncs them too). Map changes stay FULL."""
        self._conn.execute("PRAGMA synchronous=NORMAL")
        try:
            with self.transaction() as db:
                db.execute(
                    "INSERT INTO chat (map_id, at, role, content, meta) VALUES (?, ?, ?, ?, ?)",
                    (map_id, _ts(now()), role, content, json.dumps(meta or {})),
                )
        finally:
            self._conn.execute("PRAGMA synchronous=FULL")

    def messages(self, map_id: str, limit: int = 200) -> list[dict]:
        rows = self._conn.execute(
            "SELECT role, content, meta FROM chat WHERE map_id = ? ORDER BY seq DESC LIMIT ?",
            (map_id, limit),
        ).fetchall()
        return [{"role": r[0], "content": r[1], "meta": json.loads(r[2])} for r in rows][::-1]

    def _log(
        self,
        db: sqlite3.Connection,
        map_id: str,
        tool: str,
        args: dict,
        source: str,
        summary: str,
        before: str | None,
    ) -> None:
        db.execute(
            "INSERT INTO changes (map_id, at, tool, args, source, summary, before)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (map_id, _ts(now()), tool, json.dumps(args, default=str), source, summary, before),
        )


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


def open_read_only(path: Path) -> Store:
    """The workspace's maps from a database that cannot be written (a read-only folder or
    file): listing, showing and exporting work; a change fails with SQLite's 'readonly'."""
    if not Path(path).is_file():
        raise FileNotFoundError(2, "No such file or directory", str(path))
    store = Store.__new__(Store)
    store.path = Path(path)
    # immutable=1: no -shm/-wal files are created (the folder may be read-only too).
    uri = f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1"
    store._conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
    store._conn.execute("SELECT count(*) FROM maps").fetchone()  # a garbage file fails here
    store._snapshots = {}
    return store
