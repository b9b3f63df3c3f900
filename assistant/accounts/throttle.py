"""Failed sign-ins slowed down per user name and per client address.

After `free` failures in a row, a key (a user name or an address) is locked for a delay that
doubles with every further failure (1 s, 2 s, 4 s ... up to `cap`). While locked, sign-ins for
that key are refused without checking the password, so guessing costs time whichever user or
address the guesser rotates. A success clears the user's count (not the address's: one right
password must not unlock an address that is guessing others). Failures older than `forget`
seconds are forgotten.

In memory, per process: with several replicas behind sticky sessions each replica throttles on
its own, which still bounds guessing to replicas x the single-process rate.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0
    last: float = 0.0


class LoginThrottle:
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

    def _keys(self, user: str, address: str | None) -> list[str]:
        keys = [f"user:{user.casefold()}"]
        if address:
            keys.append(f"addr:{address}")
        return keys

    def wait(self, user: str, address: str | None) -> float:
        """Seconds until a sign-in for this user from this address is considered (0: now)."""
        now = self.clock()
        with self._lock:
            waits = [
                record.locked_until - now
                for key in self._keys(user, address)
                if (record := self._records.get(key)) is not None
            ]
        return max([0.0, *waits])

    def failed(self, user: str, address: str | None) -> None:
        now = self.clock()
        with self._lock:
            for key in self._keys(user, address):
                record = self._records.setdefault(key, _Record())
                if now - record.last > self.forget:
                    record.failures = 0
                record.failures += 1
                record.last = now
                over = record.failures - self.free
                if over >= 0:
                    record.locked_until = now + min(self.cap, self.base * 2**over)
            if len(self._records) > 100_000:  # a flood of made-up names: drop the stale ones
                stale = [k for k, r in self._records.items() if now - r.last > self.forget]
                for key in stale:
                    del self._records[key]

    def succeeded(self, user: str) -> None:
        with self._lock:
            self._records.pop(f"user:{user.casefold()}", None)
