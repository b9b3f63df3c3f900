"""The change log of a map: its rows (who changed what, when), undo, and the map as it was
after any change (what version history shows and restores).

Every row keeps a JSON patch (RFC 6902, the `jsonpatch` library) that turns the map after the
change back into the map before it: what undo needs, at the size of the change rather than two
full copies of the map. (Rows written before patches keep the full `before` map; both are
read.) Undo rows keep one too, so walking the log backwards from the map as stored, one patch
per row, rebuilds the map as it was after any earlier change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import jsonpatch
import sqlalchemy as sa

from assistant.db import statements
from assistant.db.tables import changes
from assistant.schema import JourneyMap
from assistant.store.base import MapNotFound, StoreBase
from assistant.store.patches import undo_patch


@dataclass
class Change:
    seq: int
    at: str
    tool: str
    args: dict
    source: str
    summary: str
    undone: bool
    author: str | None = None
    restorable: bool = True
    """The map as it was after this change can still be rebuilt from the log."""


class VersionUnavailable(ValueError):
    """The map as it was after that change cannot be rebuilt (no such change on this map, or
    a row written before undo records were kept lies between it and now)."""


class HistoryMixin(StoreBase):
    """The change-log part of `Store`."""

    def load_raw(self, name_or_id: str) -> str:  # provided by Store
        raise NotImplementedError

    def change_count(self, map_id: str) -> int:
        """How many changes (not undos) the map's log holds."""
        return int(self._rows(statements.COUNT, {"map_id": map_id})[0][0] or 0)

    def changes(self, map_id: str, limit: int = 1000) -> list[Change]:
        """The map's last `limit` change-log rows, oldest first."""
        c = changes.c
        query = (
            sa.select(
                c.seq, c.at, c.tool, c.args, c.source, c.summary, c.undone, c.author,
                c.patch.is_not(None) | c.before.is_not(None),
            )
            .where(c.map_id == map_id)
            .order_by(c.seq.desc())
            .limit(limit)
        )  # fmt: skip
        with self.reading() as db:
            rows = db.execute(query).all()
        found: list[Change] = []
        reachable = True  # walking back from now: a row without an undo record stops it
        for r in rows:
            found.append(
                Change(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], bool(r[6]), r[7], reachable)
            )
            reachable = reachable and bool(r[8])
        return found[::-1]

    def map_at(self, map_id: str, seq: int) -> JourneyMap:
        """The map as it was right after change `seq` (inside a transaction: read in it)."""
        with self.reading() as db:
            doc: Any = json.loads(self.load_raw(map_id))
            mine = db.execute(
                sa.select(changes.c.seq).where(
                    (changes.c.map_id == map_id) & (changes.c.seq == seq)
                )
            ).first()
            if mine is None:
                raise VersionUnavailable(f"This map has no version {seq}.")
            later = db.execute(
                sa.select(changes.c.seq, changes.c.patch, changes.c.before)
                .where((changes.c.map_id == map_id) & (changes.c.seq > seq))
                .order_by(changes.c.seq.desc())
            ).all()
        for row_seq, patch, before in later:
            if patch is not None:
                doc = jsonpatch.apply_patch(doc, patch)
            elif before is not None:
                doc = json.loads(before)
            else:
                raise VersionUnavailable(
                    f"Version {seq} cannot be rebuilt: change {row_seq} was logged before "
                    "the log kept undo records."
                )
        return JourneyMap.model_validate(doc)

    def undo(
        self, map_id: str, expect: int | None = None, state: str | None = None
    ) -> tuple[JourneyMap, str, int, dict, dict] | None:
        """Restore the map as it was before its last change not yet undone; with `expect`,
        only when that change is row `expect`. `state` (the conversation's, as JSON) is
        written in the same transaction. Returns (map, summary, seq, before, after)."""
        with self.transaction() as db:
            try:
                current = json.loads(self.load_raw(map_id))  # locks the map first
            except MapNotFound:
                return None
            row = db.execute(
                sa.select(changes.c.seq, changes.c.before, changes.c.patch, changes.c.summary)
                .where(
                    (changes.c.map_id == map_id)
                    & (changes.c.undone == 0)
                    & (changes.c.tool != "undo")
                    & (changes.c.before.is_not(None) | changes.c.patch.is_not(None))
                )
                .order_by(changes.c.seq.desc())
                .limit(1)
            ).first()
            if row is None or (expect is not None and row[0] != expect):
                return None
            seq, before, patch, summary = row
            if patch is not None:
                restored = JourneyMap.model_validate(jsonpatch.apply_patch(current, patch))
            else:
                restored = JourneyMap.model_validate_json(before)
            restored_json = self._write_map(db, restored)
            after = json.loads(restored_json)
            db.execute(changes.update().where(changes.c.seq == seq).values(undone=1))
            back = undo_patch(after, current)
            self._log(db, map_id, "undo", {"seq": seq}, "user", f"Undid: {summary}", patch=back)
            if state is not None:
                self._write_state(db, map_id, state)
        return restored, summary, seq, current, after

    def _write_state(self, db: sa.Connection, map_id: str, state: str) -> None:
        db.execute(statements.UPSERT_STATE[db.dialect.name], {"map_id": map_id, "data": state})
