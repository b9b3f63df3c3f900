"""The maps themselves: create, load, the cached snapshot, list, rename, delete, and writing a
change; `Store` is put together here from its parts (see the package's docstring)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from pydantic import ValidationError

from assistant.db import statements
from assistant.db.tables import changes, chat, comments, interview, maps, share_links
from assistant.schema import JourneyMap
from assistant.store.base import MapNotFound, ts
from assistant.store.patches import undo_patch
from assistant.store.transcript import TranscriptMixin


class Store(TranscriptMixin):
    """All maps of one workspace database: `Settings.database` (a URL) or a SQLite file.

    Map names are unique within a namespace (`maps.namespace`): "" for maps made by the CLI
    or by one person, `user:<id>` for a map a signed-in user created in the browser."""

    def __init__(self, where: str | Path, read_only: bool = False) -> None:
        super().__init__(where, read_only)
        self._snapshots: dict[str, tuple[tuple[str, int], JourneyMap]] = {}

    # maps ---------------------------------------------------------------------------------
    def create(self, name: str, language: str = "en", namespace: str = "") -> JourneyMap:
        journey = JourneyMap(name=check_name(name), language=language)  # type: ignore[arg-type]
        taken = ValueError(f"A map named '{journey.name}' already exists.")
        try:
            with self.transaction() as db:
                if self._name_taken(db, journey.name, namespace):
                    raise taken
                db.execute(
                    maps.insert().values(
                        id=journey.id,
                        name=journey.name,
                        data=journey.model_dump_json(),
                        updated_at=ts(journey.updated_at),
                        namespace=namespace,
                    )
                )
                self._log(
                    db, journey.id, "create_map", {"name": name}, "user", f"Created map '{name}'."
                )
        except sa.exc.IntegrityError as exc:  # created by another process a moment ago
            raise taken from exc
        return journey

    @staticmethod
    def _name_taken(db: sa.Connection, name: str, namespace: str, but: str = "") -> bool:
        query = sa.select(maps.c.id).where(
            (maps.c.name == name) & (maps.c.namespace == namespace) & (maps.c.id != but)
        )
        return db.execute(query).first() is not None

    def namespace_of(self, map_id: str) -> str:
        with self.reading() as db:
            found = db.execute(sa.select(maps.c.namespace).where(maps.c.id == map_id)).scalar()
        if found is None:
            raise MapNotFound(f"No map with id '{map_id}'.")
        return str(found)

    def load(self, name_or_id: str) -> JourneyMap:
        """The map as stored, as a private copy the caller may change."""
        return JourneyMap.model_validate_json(self.load_raw(name_or_id))

    def load_raw(self, name_or_id: str) -> str:
        """The map's stored JSON (inside a transaction: read in it, the row locked)."""
        query = (
            statements.DATA_LOCKED
            if self._in_transaction() and not self.sqlite
            else statements.DATA
        )
        return str(_one(self._rows(query, {"key": name_or_id}), name_or_id)[0])

    def snapshot(self, name_or_id: str) -> JourneyMap:
        """The map as stored, shared and cached until it changes: READ ONLY (use `load` to
        get a copy to change). A turn reads the map several times; parsing it each time
        was most of a guided turn's cost, while this check is one tiny query."""
        row = _one(self._rows(statements.SNAPSHOT, {"key": name_or_id}), name_or_id)
        key = (str(row[1]), int(row[2]))
        cached = self._snapshots.get(row[0])
        if cached is None or cached[0] != key:
            cached = (key, self.load(row[0]))
            self._snapshots[row[0]] = cached
        return cached[1]

    def exists(self, name: str) -> bool:
        return bool(self._rows(statements.EXISTS, {"key": name}))

    def list_maps(self) -> list[JourneyMap]:
        with self.reading() as db:
            rows = db.execute(sa.select(maps.c.data).order_by(maps.c.updated_at.desc())).all()
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
            after_json = self._write_map(db, after)
            old, new = json.loads(before), json.loads(after_json)
            back = undo_patch(new, old)
            seq = self._log(db, after.id, tool, args, source, summary, patch=back)
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

    def rename(self, name: str, new_name: str) -> JourneyMap:
        new_name = check_name(new_name)
        taken = ValueError(f"A map named '{new_name}' already exists.")
        try:
            with self.transaction() as db:
                before = self.load_raw(name)
                after = JourneyMap.model_validate_json(before)
                if self._name_taken(db, new_name, self.namespace_of(after.id), but=after.id):
                    raise taken
                after.name = new_name
                self.write_change(
                    before,
                    after,
                    "rename_map",
                    {"new_name": new_name},
                    "user",
                    f"Renamed map '{name}' to '{new_name}'.",
                )
        except sa.exc.IntegrityError as exc:  # taken by another process a moment ago
            raise taken from exc
        return after

    def delete(self, name: str) -> None:
        journey = self.load(name)
        with self.transaction() as db:
            db.execute(maps.delete().where(maps.c.id == journey.id))
            for table in (changes, chat, interview, comments, share_links):
                db.execute(table.delete().where(table.c.map_id == journey.id))
            # The LLM agent's token usage rows live in the same file (assistant/agent/usage.py).
            if sa.inspect(db).has_table("usage"):
                db.execute(sa.text("DELETE FROM usage WHERE map_id = :m"), {"m": journey.id})


def _one(rows: list[tuple], key: str) -> tuple:
    """The one map a name or id picks out; a name two namespaces share is refused."""
    if not rows:
        raise MapNotFound(f"No map named '{key}'. See `journey maps list`.")
    if len(rows) > 1:
        raise MapNotFound(f"Several maps are named '{key}': use the map's id instead.")
    return rows[0]


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


def open_read_only(path: Path) -> Store:
    """The workspace's maps from a SQLite database that cannot be written (a read-only folder
    or file): listing, showing and exporting work; a change fails with SQLite's 'readonly'."""
    if not Path(path).is_file():
        raise FileNotFoundError(2, "No such file or directory", str(path))
    # immutable=1: no -shm/-wal files are created (the folder may be read-only too).
    where = quote(str(Path(path).resolve()))
    store = Store(f"sqlite:///file:{where}?mode=ro&immutable=1&uri=true", read_only=True)
    store.path = Path(path)
    try:
        store.change_count("")  # a garbage file fails here
    except sa.exc.DBAPIError as exc:
        if isinstance(exc.orig, BaseException):
            raise exc.orig from exc
        raise
    return store
