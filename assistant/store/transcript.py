"""The chat transcript and the interview state of a map: the conversation's part of `Store`."""

from __future__ import annotations

import json

from assistant.db import statements
from assistant.db.engine import WRITE
from assistant.db.tables import chat
from assistant.schema import now
from assistant.store.base import ts
from assistant.store.history import HistoryMixin


class TranscriptMixin(HistoryMixin):
    """Chat and interview state, written in the change's transaction when there is one."""

    def add_message(
        self,
        map_id: str,
        role: str,
        content: str,
        meta: dict | None = None,
        state: str | None = None,
    ) -> None:
        """Append to the chat transcript, with the conversation's state (JSON) when given, in
        one transaction. Committed without its own fsync: on SQLite synchronous=NORMAL (in WAL
        mode a killed process still loses nothing; only a power cut could drop the last lines,
        and the next map change's FULL commit syncs them too), on PostgreSQL with
        synchronous_commit off for this transaction. Map changes stay fully synced."""
        row = {
            "map_id": map_id,
            "at": ts(now()),
            "role": role,
            "content": content,
            "meta": json.dumps(meta or {}),
        }
        if self._in_transaction():
            with self.transaction() as db:
                db.execute(chat.insert().values(**row))
                if state is not None:
                    self._write_state(db, map_id, state)
            return
        with self.engine.connect().execution_options(**{WRITE: True}) as conn:
            raw = conn.connection.dbapi_connection  # the PRAGMA must run outside a transaction
            if self.sqlite and raw is not None:
                raw.execute("PRAGMA synchronous=NORMAL")
            try:
                with conn.begin():
                    if not self.sqlite:
                        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
                    conn.execute(chat.insert().values(**row))
                    if state is not None:
                        self._write_state(conn, map_id, state)
            finally:
                if self.sqlite and raw is not None:
                    raw.execute("PRAGMA synchronous=FULL")

    def messages(self, map_id: str, limit: int = 200) -> list[dict]:
        rows = self._rows(statements.MESSAGES, {"map_id": map_id, "limit": limit})
        return [{"role": r[0], "content": r[1], "meta": json.loads(r[2])} for r in rows][::-1]

    def load_state(self, map_id: str) -> str | None:
        """The conversation's state as stored (JSON), or None for a map never talked about."""
        rows = self._rows(statements.STATE, {"map_id": map_id})
        return str(rows[0][0]) if rows else None

    def save_state(self, map_id: str, state: str) -> None:
        with self.transaction() as db:
            self._write_state(db, map_id, state)
