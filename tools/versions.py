"""Version history of a map, read from its change log, and restoring an earlier version.

A version is the map as it was right after one change-log row. Restoring version N is one
more change through the one change path (`ToolContext.apply`: read in the transaction,
replace the content, validate, persist with its undo patch and its author), so it shows in
the history itself, names who restored, and can be undone like any change. The map keeps its
current name and id (a rename is undone with undo, not by restoring content).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from assistant.schema import JourneyMap
from assistant.store import Change, Store, VersionUnavailable
from tools.context import ToolContext, ToolError
from tools.results import ToolResult

KEEP = {"id", "name", "created_at", "updated_at"}
"""What a restore leaves as it is now."""


class RestoreArgs(BaseModel):
    seq: int


@dataclass(frozen=True)
class Version:
    seq: int
    at: str
    author: str | None
    summary: str
    tool: str
    undone: bool
    restorable: bool


def history(store: Store, map_id: str, limit: int = 200) -> list[Version]:
    """The map's versions, newest first (one per change-log row)."""
    rows: list[Change] = store.changes(map_id, limit)
    return [
        Version(c.seq, c.at, c.author, c.summary, c.tool, c.undone, c.restorable)
        for c in reversed(rows)
    ]


def restore(context: ToolContext, seq: int) -> ToolResult:
    """Make the map what it was right after change `seq`, as a new change. ToolError when
    that version cannot be rebuilt or is what the map already is."""

    def mutate(journey: JourneyMap) -> str:
        try:
            old = context.store.map_at(journey.id, seq)
        except VersionUnavailable as exc:
            raise ToolError(str(exc)) from exc
        fields = [f for f in JourneyMap.model_fields if f not in KEEP]
        if all(getattr(old, f) == getattr(journey, f) for f in fields):
            raise ToolError(f"The map already is as it was at version {seq}.")
        for name in fields:
            setattr(journey, name, getattr(old, name))
        return f"Restored the map as it was at version {seq}."

    return context.apply("restore_version", RestoreArgs(seq=seq), mutate)
