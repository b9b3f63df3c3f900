"""The typed context every tool receives: the session's store, map and knowledge base."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError

from assistant.completeness import status
from assistant.ideas import rules as idea_rules
from assistant.retrieval import KnowledgeBase
from assistant.schema import JourneyMap
from assistant.settings import Settings
from assistant.store import Store
from tools.results import Outcome, ToolResult, changed_ids


class ToolError(Exception):
    """A change that cannot be applied; the message is shown to the user or the model."""


class ToolContext:
    """What tools may touch: one map in one store, the settings, and the knowledge base."""

    def __init__(
        self, store: Store, map_id: str, settings: Settings, knowledge: KnowledgeBase | None = None
    ) -> None:
        self.store = store
        self.map_id = map_id
        self.settings = settings
        self._knowledge = knowledge
        self.last_ok = True
        self.language: str | None = None
        """The session's language, so knowledge search prefers cards in it (and English)."""
        self.on_change: Callable[[ToolResult], str | None] | None = None
        """Called inside each change's transaction with its result; what it returns (the
        conversation's state as JSON) is written in that same transaction."""
        self.last_error: str | None = None
        """Why the last call was refused (set by the tools' error handlers)."""
        self.last_result: ToolResult | None = None
        """The result of the last change or refusal through this context."""

    @property
    def journey(self) -> JourneyMap:
        """The map as persisted (read fresh, so another process's changes are seen)."""
        return self.store.load(self.map_id)

    @property
    def knowledge(self) -> KnowledgeBase:
        if self._knowledge is None:
            self._knowledge = KnowledgeBase(self.settings)
        return self._knowledge

    def apply(
        self,
        tool: str,
        args: BaseModel,
        mutate: Callable[[JourneyMap], str | Outcome],
        source: str = "user",
    ) -> ToolResult:
        """The one code path for every change: read, mutate, apply the ideas' rules
        (assistant/ideas/rules.py), validate, persist, confirm.

        All of it runs in one write transaction: the map is read as stored at that moment
        (another session's change committed a moment ago is in it), so no change is lost.
        `mutate` edits the map and returns a one-sentence summary (or an `Outcome` that also
        lists skipped items); it raises ToolError (or KeyError/ValueError) to refuse, in which
        case nothing changes and ToolError carries the reason.
        """
        with self.store.transaction():
            # The stored JSON is both the undo record's source and the working copy's: parsing
            # it is ~10x cheaper than model_copy(deep=True) on a full map.
            before = self.store.load_raw(self.map_id)
            after = JourneyMap.model_validate_json(before)
            marks = idea_rules.milestone_marks(after)
            try:
                outcome = mutate(after)
                idea_rules.after_change(after, marks)  # the ideas' rules, part of every change
                checked = JourneyMap.model_validate(after.model_dump())
            except (ToolError, KeyError, ValueError, ValidationError) as exc:
                self.last_result = ToolResult.refused(tool, _message(exc))
                raise ToolError(_message(exc)) from exc
            if isinstance(outcome, str):
                outcome = Outcome(outcome)
            seq, old, new = self.store.write_change(
                before, checked, tool, _jsonable(args), source, outcome.summary
            )
            added, updated, removed = changed_ids(old, new)
            st = status(checked)
            result = ToolResult(
                ok=True,
                text=f"{outcome.summary} {st.line()}",
                tool=tool,
                summary=outcome.summary,
                added=added,
                updated=updated,
                removed=removed,
                skipped=list(outcome.skipped),
                status=st,
                seq=seq,
                changed=True,
            )
            self._note(result)
        self.last_result = result
        return result

    def undo(self, expect: int | None = None) -> ToolResult:
        """Undo the map's last change (with `expect`, only if it is that change-log row)."""
        state = self.on_change(ToolResult(True, "", "undo_last_change")) if self.on_change else None
        done = self.store.undo(self.map_id, expect=expect, state=state)
        if done is None:
            result = ToolResult.refused("undo_last_change", "nothing to undo.")
            result.text = "Error: nothing to undo."
        else:
            journey, summary, _seq, old, new = done
            added, updated, removed = changed_ids(old, new)
            st = status(journey)
            result = ToolResult(
                ok=True,
                text=f"Undone: {summary} {st.line()}",
                tool="undo_last_change",
                summary=f"Undone: {summary}",
                added=added,
                updated=updated,
                removed=removed,
                status=st,
                changed=True,
            )
        self.last_result = result
        return result

    def _note(self, result: ToolResult) -> None:
        if self.on_change is None:
            return
        state = self.on_change(result)
        if state is not None:
            self.store.save_state(self.map_id, state)  # inside the change's transaction


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    return str(exc)


def _jsonable(args: BaseModel) -> dict[str, Any]:
    return args.model_dump(mode="json")
