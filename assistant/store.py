"""SQLite persistence: every map, its change log with provenance, its chat and its
interview state.

One transaction per change (`BEGIN IMMEDIATE`): the map is read, changed and written back
inside it, with its change-log row and the conversation's state, so two sessions on one map
never lose each other's changes, and a process killed at any moment loses no accepted change
and never leaves a half-written map. WAL with synchronous=FULL makes each commit durable.

The change log keeps, per change, a JSON patch (RFC 6902, the `jsonpatch` library) that
turns the map after the change back into the map before it: what undo needs, at the size of
the change rather than two full copies of the map. (Rows written before patches keep the full
`before` map; undo reads either.)
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jsonpatch
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
CREATE TABLE IF NOT EXISTS interview (
    map_id TEXT PRIMARY KEY,
    data TEXT NOT NULL
);
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
        columns = {r[1] for r in self._conn.execute("PRAGMA table_info(changes)")}
        if "patch" not in columns:
            with suppress(sqlite3.OperationalError):  # another process added it first
                self._conn.execute("ALTER TABLE changes ADD COLUMN patch TEXT")
        self._lock = threading.RLock()
        """One connection serves every thread of this store: one statement or transaction
        at a time (other stores, in this process or others, wait on SQLite's own lock)."""
        self._snapshots: dict[str, tuple[tuple[str, int], JourneyMap]] = {}

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: it holds the database's write lock from its first statement,
        so what is read inside it is what the change applies to."""
        with self._lock:
            if self._conn.in_transaction:  # nested: part of the caller's transaction
                yield self._conn
                return
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

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
        """The map's stored JSON (inside a transaction: as locked by it)."""
        rows = self._query(
            "SELECT data FROM maps WHERE name = ? OR id = ?", (name_or_id, name_or_id)
        )
        if not rows:
            raise MapNotFound(f"No map named '{name_or_id}'. See `journey maps list`.")
        return str(rows[0][0])

    def snapshot(self, name_or_id: str) -> JourneyMap:
        """The map as stored, shared and cached until it changes: READ ONLY (use `load` to
        get a copy to change). A turn reads the map several times; parsing it each time
        was most of a guided turn's cost, while this check is one tiny query."""
        rows = self._query(
            "SELECT id, updated_at, length(data) FROM maps WHERE name = ? OR id = ?",
            (name_or_id, name_or_id),
        )
        row = rows[0] if rows else None
        if row is None:
            raise MapNotFound(f"No map named '{name_or_id}'. See `journey maps list`.")
        key = (row[1], row[2])
        cached = self._snapshots.get(row[0])
        if cached is None or cached[0] != key:
            cached = (key, self.load(row[0]))
            self._snapshots[row[0]] = cached
        return cached[1]

    def exists(self, name: str) -> bool:
        return bool(self._query("SELECT 1 FROM maps WHERE name = ? OR id = ?", (name, name)))

    def list_maps(self) -> list[JourneyMap]:
        rows = self._query("SELECT data FROM maps ORDER BY updated_at DESC")
        return [JourneyMap.model_validate_json(r[0]) for r in rows]

    def write_change(
        self,
        before: str,
        after: JourneyMap,
        tool: str,
        args: dict,
        source: str,
        summary: str,
    ) -> tuple[int, dict, dict]:
        """Inside `transaction()`, after reading `before` in it: write the validated new map
        and its change-log row. Returns (change seq, map before, map after) as JSON dicts."""
        with self.transaction() as db:
            after.updated_at = now()
            after_json = after.model_dump_json()
            cur = db.execute(
                "UPDATE maps SET name = ?, data = ?, updated_at = ? WHERE id = ?",
                (after.name, after_json, _ts(after.updated_at), after.id),
            )
            if cur.rowcount != 1:
                raise MapNotFound(f"Map '{after.name}' no longer exists.")
            old, new = json.loads(before), json.loads(after_json)
            back = jsonpatch.make_patch(new, old).to_string()
            seq = self._log(db, after.id, tool, args, source, summary, None, back)
        return seq, old, new

    def save_change(
        self,
        before: JourneyMap | str,
        after: JourneyMap,
        tool: str,
        args: dict,
        source: str,
        summary: str,
    ) -> int:
        """Replace the whole map with `after` (seeding, imports), logged and undoable. `before`
        is ignored: the map as stored when the transaction starts is what undo returns to.
        Edits go through `ToolContext.apply`, which reads the map inside the transaction."""
        with self.transaction():
            current = self.load_raw(after.id)
            seq, _, _ = self.write_change(current, after, tool, args, source, summary)
        return seq

    def undo(
        self, map_id: str, expect: int | None = None, state: str | None = None
    ) -> tuple[JourneyMap, str, int, dict, dict] | None:
        """Restore the map as it was before its last change not yet undone; with `expect`,
        only when that change is row `expect`. `state` (the conversation's, as JSON) is
        written in the same transaction. Returns (map, summary, seq, before, after)."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT seq, before, patch, summary FROM changes WHERE map_id = ? AND undone = 0"
                " AND (before IS NOT NULL OR patch IS NOT NULL) ORDER BY seq DESC LIMIT 1",
                (map_id,),
            ).fetchone()
            if row is None or (expect is not None and row[0] != expect):
                return None
            seq, before, patch, summary = row
            current = json.loads(self.load_raw(map_id))
            if patch is not None:
                restored = JourneyMap.model_validate(jsonpatch.apply_patch(current, patch))
            else:
                restored = JourneyMap.model_validate_json(before)
            restored.updated_at = now()
            restored_json = restored.model_dump_json()
            db.execute(
                "UPDATE maps SET name = ?, data = ?, updated_at = ? WHERE id = ?",
                (restored.name, restored_json, _ts(restored.updated_at), map_id),
            )
            db.execute("UPDATE changes SET undone = 1 WHERE seq = ?", (seq,))
            self._log(db, map_id, "undo", {"seq": seq}, "user", f"Undid: {summary}", None)
            if state is not None:
                self._write_state(db, map_id, state)
        return restored, summary, seq, current, json.loads(restored_json)

    def rename(self, name: str, new_name: str) -> JourneyMap:
        new_name = check_name(new_name)
        with self.transaction():
            before = self.load_raw(name)
            after = JourneyMap.model_validate_json(before)
            if self.exists(new_name) and after.name != new_name:
                raise ValueError(f"A map named '{new_name}' already exists.")
            after.name = new_name
            self.write_change(
                before,
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
            db.execute("DELETE FROM interview WHERE map_id = ?", (journey.id,))
            # The LLM agent's token usage rows live in the same file (assistant/agent/usage.py).
            if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'usage'").fetchone():
                db.execute("DELETE FROM usage WHERE map_id = ?", (journey.id,))

    def change_count(self, map_id: str) -> int:
        """How many changes (not undos) the map's log holds."""
        rows = self._query(
            "SELECT COUNT(*) FROM changes WHERE map_id = ? AND tool != 'undo'", (map_id,)
        )
        return int(rows[0][0])

    def changes(self, map_id: str, limit: int = 1000) -> list[Change]:
        rows = self._query(
            "SELECT seq, at, tool, args, source, summary, undone FROM changes WHERE map_id = ?"
            " ORDER BY seq DESC LIMIT ?",
            (map_id, limit),
        )
        return [Change(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], bool(r[6])) for r in rows][
            ::-1
        ]

    # chat transcript ----------------------------------------------------------------------
    def add_message(
        self,
        map_id: str,
        role: str,
        content: str,
        meta: dict | None = None,
        state: str | None = None,
    ) -> None:
        """Append to the chat transcript, with the conversation's state (JSON) when given, in
        one transaction. Committed without its own fsync (synchronous=NORMAL: in WAL mode a
        killed process still loses nothing; only a power cut could drop the last lines, and
        the next map change's FULL commit syncs them too). Map changes stay FULL."""
        with self._lock:
            self._conn.execute("PRAGMA synchronous=NORMAL")
            try:
                with self.transaction() as db:
                    db.execute(
                        "INSERT INTO chat (map_id, at, role, content, meta) VALUES (?, ?, ?, ?, ?)",
                        (map_id, _ts(now()), role, content, json.dumps(meta or {})),
                    )
                    if state is not None:
                        self._write_state(db, map_id, state)
            finally:
                self._conn.execute("PRAGMA synchronous=FULL")

    def messages(self, map_id: str, limit: int = 200) -> list[dict]:
        rows = self._query(
            "SELECT role, content, meta FROM chat WHERE map_id = ? ORDER BY seq DESC LIMIT ?",
            (map_id, limit),
        )
        return [{"role": r[0], "content": r[1], "meta": json.loads(r[2])} for r in rows][::-1]

    # interview state ----------------------------------------------------------------------
    def load_state(self, map_id: str) -> str | None:
        """The conversation's state as stored (JSON), or None for a map never talked about."""
        rows = self._query("SELECT data FROM interview WHERE map_id = ?", (map_id,))
        return str(rows[0][0]) if rows else None

    def save_state(self, map_id: str, state: str) -> None:
        with self.transaction() as db:
            self._write_state(db, map_id, state)

    def _write_state(self, db: sqlite3.Connection, map_id: str, state: str) -> None:
        db.execute(
            "INSERT INTO interview (map_id, data) VALUES (?, ?)"
            " ON CONFLICT(map_id) DO UPDATE SET data = excluded.data",
            (map_id, state),
        )

    def _log(
        self,
        db: sqlite3.Connection,
        map_id: str,
        tool: str,
        args: dict,
        source: str,
        summary: str,
        before: str | None,
        patch: str | None = None,
    ) -> int:
        cur = db.execute(
            "INSERT INTO changes (map_id, at, tool, args, source, summary, before, patch)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                map_id,
                _ts(now()),
                tool,
                json.dumps(args, default=str),
                source,
                summary,
                before,
                patch,
            ),
        )
        return int(cur.lastrowid or 0)


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
