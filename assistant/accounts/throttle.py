"""Failed sign-ins slowed down per user name and per client address.

After `free` failures in a row, a key (a user name or an address) is locked for a delay that
doubles with every further failure (1 s, 2 s, 4 s ... up to `cap`). While locked, sign-ins for
that key are refused without checking the password, so guessing costs time whichever user or
address the guesser rotates. A success clears the user's count (not the address's: one right
password must not unlock an address that is guessing others). Failures older than `forget`
seconds are forgotten.

`LoginThrottle` counts in memory (one process: the shared `--auth` login). `DatabaseThrottle`
keeps the counts in the workspace database (table `login_failures`), so every replica of a
deployment behind one proxy throttles alike: guessing through several replicas is no faster
than through one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from assistant.db.engine import WRITE
from assistant.db.tables import login_failures


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0
    last: float = 0.0


Update = Callable[[dict[str, _Record]], None]


class LoginThrottle:
    """The rule, with the counts in this process's memory."""

    def __init__(
        self,
        free: int = 5,
        base: float = 1.0,
        cap: float = 900.0,
        forget: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free, self.base, self.cap, self.forget = free, base, cap, forget
        self.clock = clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    # storage: overridden by DatabaseThrottle ------------------------------------------------
    def _read(self, keys: list[str]) -> dict[str, _Record]:
        with self._lock:
            return {k: _Record(**vars(r)) for k in keys if (r := self._records.get(k))}

    def _update(self, keys: list[str], change: Update) -> None:
        """Apply `change` to the records of `keys` (missing ones absent) as one step."""
        now = self.clock()
        with self._lock:
            records = {k: r for k in keys if (r := self._records.get(k))}
            change(records)
            for key in keys:
                if key in records:
                    self._records[key] = records[key]
                else:
                    self._records.pop(key, None)
            if len(self._records) > 100_000:  # a flood of made-up names: drop the stale ones
                stale = [k for k, r in self._records.items() if now - r.last > self.forget]
                for key in stale:
                    del self._records[key]

    # the rule ---------------------------------------------------------------------------------
    def _keys(self, user: str, address: str | None) -> list[str]:
        keys = [f"user:{user.casefold()}"]
        if address:
            keys.append(f"addr:{address}")
        return keys

    def wait(self, user: str, address: str | None) -> float:
        """Seconds until a sign-in for this user from this address is considered (0: now)."""
        now = self.clock()
        records = self._read(self._keys(user, address))
        return max([0.0, *(record.locked_until - now for record in records.values())])

    def failed(self, user: str, address: str | None) -> None:
        keys = self._keys(user, address)
        now = self.clock()

        def count(records: dict[str, _Record]) -> None:
            for key in keys:
                record = records.setdefault(key, _Record())
                if now - record.last > self.forget:
                    record.failures = 0
                record.failures += 1
                record.last = now
                over = record.failures - self.free
                if over >= 0:
                    record.locked_until = now + min(self.cap, self.base * 2**over)

        self._update(keys, count)

    def succeeded(self, user: str) -> None:
        key = f"user:{user.casefold()}"

        def clear(records: dict[str, _Record]) -> None:
            records.pop(key, None)

        self._update([key], clear)


class DatabaseThrottle(LoginThrottle):
    """The same rule with the counts in the workspace database, shared by every replica.

    Times are wall-clock seconds (replicas share no monotonic clock). Each failure is counted
    inside one write transaction with the keys' rows locked, so two replicas counting at once
    lose neither count."""

    def __init__(
        self,
        engine: sa.Engine,
        free: int = 5,
        base: float = 1.0,
        cap: float = 900.0,
        forget: float = 3600.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(free, base, cap, forget, clock)
        self.engine = engine

    def _select(self, keys: list[str]) -> sa.Select:
        return sa.select(login_failures).where(login_failures.c.key.in_(keys))

    def _read(self, keys: list[str]) -> dict[str, _Record]:
        with self.engine.connect() as conn:
            rows = conn.execute(self._select(keys)).all()
        return {r.key: _Record(r.failures, r.locked_until, r.last) for r in rows}

    def _update(self, keys: list[str], change: Update) -> None:
        for attempt in range(3):
            try:
                self._update_once(keys, change)
                return
            except sa.exc.IntegrityError:  # another replica inserted the same key: again
                if attempt == 2:
                    raise

    def _update_once(self, keys: list[str], change: Update) -> None:
        table = login_failures
        with self.engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
            query = self._select(keys)
            if conn.dialect.name != "sqlite":  # SQLite's BEGIN IMMEDIATE already serialises
                query = query.with_for_update()
            rows = conn.execute(query).all()
            before = {r.key: _Record(r.failures, r.locked_until, r.last) for r in rows}
            records = {k: _Record(**vars(r)) for k, r in before.items()}
            change(records)
            for key in keys:
                record = records.get(key)
                if record is None:
                    if key in before:
                        conn.execute(table.delete().where(table.c.key == key))
                    continue
                values = {"failures": record.failures, "locked_until": record.locked_until}
                values["last"] = record.last
                if key in before:
                    conn.execute(table.update().where(table.c.key == key).values(**values))
                else:
                    conn.execute(table.insert().values(key=key, **values))
            conn.execute(table.delete().where(table.c.last < self.clock() - self.forget))
