"""Token usage and estimated cost of each agent turn, kept in the workspace's SQLite file.

A table of its own (`usage`) beside the store's tables, written through a separate connection
so the store stays unaware of models. One row per turn; per-map totals are sums over rows.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

# USD per million tokens (input, output), OpenAI list prices; cached-input discounts ignored,
# so the estimate errs high. Models not listed (local servers, new names) get no cost.
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "o4-mini": (1.10, 4.40),
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS usage (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    map_id TEXT NOT NULL,
    at TEXT NOT NULL,
    model TEXT NOT NULL,
    calls INTEGER NOT NULL,
    first_prompt_tokens INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    estimated INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL
);
CREATE INDEX IF NOT EXISTS usage_map ON usage(map_id, seq);
"""


def price(model: str, input_tokens: int, output_tokens: int) -> float | None:
    """Estimated USD cost, or None when the model's price is unknown."""
    name = model.split(":", 1)[-1]
    rates = PRICES.get(name) or PRICES.get(name.rsplit("-", 1)[0])  # dated snapshots
    if rates is None:
        return None
    return (input_tokens * rates[0] + output_tokens * rates[1]) / 1_000_000


@dataclass
class TurnUsage:
    """Tokens spent in one user turn (every model call of the turn added up)."""

    model: str
    calls: int = 0
    first_prompt_tokens: int = 0
    """Prompt size of the turn's first call: what the bounded history keeps small."""
    input_tokens: int = 0
    output_tokens: int = 0
    estimated: bool = False
    """True when the server reported no usage and the tokens were counted locally."""
    turn: int = 0
    at: str = ""

    def add(self, input_tokens: int, output_tokens: int, estimated: bool = False) -> None:
        if self.calls == 0:
            self.first_prompt_tokens = input_tokens
        self.calls += 1
        self.input_tokens += input_tokens
        self.output_tokens += output_tokens
        self.estimated = self.estimated or estimated

    @property
    def cost(self) -> float | None:
        return price(self.model, self.input_tokens, self.output_tokens)


class UsageLog:
    """Reads and writes the `usage` table of one workspace database."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        # Usage is bookkeeping, not the user's work: in WAL mode NORMAL skips the per-commit
        # fsync (a power cut may lose the last rows, never corrupt the file or the map).
        self._conn.execute("PRAGMA synchronous=NORMAL")
        with self._conn:
            self._conn.executescript(SCHEMA)

    def close(self) -> None:
        self._conn.close()

    def record(self, map_id: str, usage: TurnUsage) -> None:
        if usage.calls == 0:
            return
        with self._conn:
            self._conn.execute(
                "INSERT INTO usage (map_id, at, model, calls, first_prompt_tokens, input_tokens,"
                " output_tokens, estimated, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    map_id,
                    datetime.now(UTC).isoformat(),
                    usage.model,
                    usage.calls,
                    usage.first_prompt_tokens,
                    usage.input_tokens,
                    usage.output_tokens,
                    int(usage.estimated),
                    usage.cost,
                ),
            )

    def turns(self, map_id: str) -> list[TurnUsage]:
        rows = self._conn.execute(
            "SELECT model, calls, first_prompt_tokens, input_tokens, output_tokens, estimated, at"
            " FROM usage WHERE map_id = ? ORDER BY seq",
            (map_id,),
        ).fetchall()
        return [
            TurnUsage(r[0], r[1], r[2], r[3], r[4], bool(r[5]), turn=n, at=r[6])
            for n, r in enumerate(rows, 1)
        ]

    def totals(self, map_id: str) -> TurnUsage:
        """Every turn of a map added up (model: the last one used)."""
        total = TurnUsage(model="")
        for turn in self.turns(map_id):
            total.model = turn.model
            total.calls += turn.calls
            total.input_tokens += turn.input_tokens
            total.output_tokens += turn.output_tokens
            total.estimated = total.estimated or turn.estimated
        return total

    def total_cost(self, map_id: str) -> float | None:
        """Sum of the known per-turn costs (None when no turn had a known price)."""
        row = self._conn.execute(
            "SELECT SUM(cost_usd), COUNT(cost_usd) FROM usage WHERE map_id = ?", (map_id,)
        ).fetchone()
        return float(row[0]) if row and row[1] else None
