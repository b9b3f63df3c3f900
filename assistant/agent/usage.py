"""Token usage and estimated cost of each agent turn, kept in the workspace database.

A table of its own (`usage`, created by the migrations with the rest of the schema) beside the
store's tables, written through its own connection so the store stays unaware of models. One
row per turn; per-map totals are sums over rows. On a database server (JOURNEY_DATABASE_URL)
every replica writes the same table, so `journey usage` counts the turns of all of them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from assistant.db import ensure_schema, is_sqlite, make_engine
from assistant.db.tables import usage as usage_table

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

# One pooled engine per database server URL in a process (each agent opens a usage log); a
# SQLite log owns its engine.
_shared: dict[str, sa.Engine] = {}
_shared_lock = threading.Lock()


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
    """Reads and writes the `usage` table of one workspace database (a URL or a SQLite file)."""

    def __init__(self, where: str | Path) -> None:
        text = str(where)
        self.url = text if "://" in text else f"sqlite:///{Path(text)}"
        if is_sqlite(self.url):
            self.engine, self._own = make_engine(self.url), True
        else:
            with _shared_lock:
                if self.url not in _shared:
                    _shared[self.url] = make_engine(self.url)
                self.engine, self._own = _shared[self.url], False
        ensure_schema(self.url, self.engine)

    def close(self) -> None:
        if self._own:
            self.engine.dispose()

    def record(self, map_id: str, usage: TurnUsage) -> None:
        if usage.calls == 0:
            return
        with self.engine.begin() as conn:
            conn.execute(
                usage_table.insert().values(
                    map_id=map_id,
                    at=datetime.now(UTC).isoformat(),
                    model=usage.model,
                    calls=usage.calls,
                    first_prompt_tokens=usage.first_prompt_tokens,
                    input_tokens=usage.input_tokens,
                    output_tokens=usage.output_tokens,
                    estimated=int(usage.estimated),
                    cost_usd=usage.cost,
                )
            )

    def turns(self, map_id: str) -> list[TurnUsage]:
        t = usage_table.c
        query = (
            sa.select(
                t.model,
                t.calls,
                t.first_prompt_tokens,
                t.input_tokens,
                t.output_tokens,
                t.estimated,
                t.at,
            )
            .where(t.map_id == map_id)
            .order_by(t.seq)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
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
        t = usage_table.c
        query = sa.select(sa.func.sum(t.cost_usd), sa.func.count(t.cost_usd)).where(
            t.map_id == map_id
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return float(row[0]) if row and row[1] else None
