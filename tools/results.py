"""What a tool call did, as data: the one result type of the change path.

The model reads `text` (one sentence, then the map's status line); Python callers read the
fields. No caller parses `text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.completeness import Status


@dataclass(frozen=True)
class Skip:
    """One item of a change that was left out, and why (the rest of the change went in)."""

    item: str
    """The item's text (an idea's title)."""
    reason: str
    index: int | None = None
    """Its position in the call's list, when the call took a list."""


@dataclass
class ToolResult:
    """The result of one tool call (a change, a refusal, or a read-only answer)."""

    ok: bool
    text: str
    """What the model is told: the summary sentence and, for changes, the status line."""
    tool: str
    summary: str = ""
    """The sentence alone (no status line), for echoing a change to a person."""
    added: list[str] = field(default_factory=list)
    """Ids of items (and stages) the change put on the map, in map order."""
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    refusal: str | None = None
    """Why the call was refused (ok is False); the map is unchanged."""
    status: Status | None = None
    """Completeness after the change."""
    seq: int | None = None
    """The change-log row of the change (None when nothing was written)."""
    changed: bool = False
    """True when the call wrote a change to the map."""

    @classmethod
    def refused(cls, tool: str, reason: str) -> ToolResult:
        reason = reason.strip()
        return cls(
            ok=False,
            text=f"Error: {reason} The map is unchanged.",
            tool=tool,
            summary=reason,
            refusal=reason,
        )

    @classmethod
    def answer(cls, tool: str, text: str) -> ToolResult:
        """A read-only tool's answer (search results, status...)."""
        return cls(ok=True, text=text, tool=tool, summary=text)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "tool": self.tool,
            "summary": self.summary,
            "added": list(self.added),
            "updated": list(self.updated),
            "removed": list(self.removed),
            "skipped": [
                {"item": s.item, "reason": s.reason, "index": s.index} for s in self.skipped
            ],
            "refusal": self.refusal,
            "seq": self.seq,
        }


@dataclass
class Outcome:
    """What a mutation may return instead of a bare sentence: the sentence and the skips."""

    summary: str
    skipped: list[Skip] = field(default_factory=list)


def changed_ids(
    before: dict[str, Any], after: dict[str, Any]
) -> tuple[list[str], list[str], list[str]]:
    """(added, updated, removed) ids of every identified object (stages, items, ideas,
    decision points) between two JSON dumps of a map."""
    old, new = _identified(before), _identified(after)
    added = [k for k in new if k not in old]
    removed = [k for k in old if k not in new]
    updated = [k for k in new if k in old and _own(new[k]) != _own(old[k])]
    return added, updated, removed


def _identified(data: Any, out: dict[str, dict[str, Any]] | None = None) -> dict[str, dict]:
    out = {} if out is None else out
    if isinstance(data, dict):
        if "id" in data and "provenance" in data:
            out[str(data["id"])] = data
        for value in data.values():
            if isinstance(value, list | dict):
                _identified(value, out)
    elif isinstance(data, list):
        for value in data:
            _identified(value, out)
    return out


def _own(obj: dict[str, Any]) -> dict[str, Any]:
    """An object's own values, without the identified objects it holds (a stage is not
    'updated' because an item on it changed)."""
    return {
        k: v
        for k, v in obj.items()
        if not (isinstance(v, list) and all(isinstance(x, dict) and "id" in x for x in v))
    }
