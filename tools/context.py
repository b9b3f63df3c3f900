"""The typed context every tool receives: the session's store, map and knowledge base."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from assistant.completeness import status
from assistant.schema import JourneyMap
from assistant.settings import Settings
from assistant.store import Store

if TYPE_CHECKING:
    from assistant.retrieval import KnowledgeBase


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

    @property
    def journey(self) -> JourneyMap:
        """The map as persisted (read fresh, so another process's changes are seen)."""
        return self.store.load(self.map_id)

    @property
    def knowledge(self) -> KnowledgeBase:
        if self._knowledge is None:
            from assistant.retrieval import KnowledgeBase

            self._knowledge = KnowledgeBase(self.settings)
        return self._knowledge

    def apply(
        self, tool: str, args: BaseModel, mutate: Callable[[JourneyMap], str], source: str = "user"
    ) -> str:
        """The one code path for every change: copy, mutate, validate, persist, confirm.

        `mutate` edits a copy of the map and returns a one-sentence summary; it raises
        ToolError (or KeyError/ValueError) to refuse, in which case nothing changes.
        """
        # The stored JSON is both the undo record and the working copy's source: parsing it is
        # ~10x cheaper than model_copy(deep=True) on a full map.
        before = self.store.load_raw(self.map_id)
        after = JourneyMap.model_validate_json(before)
        try:
            summary = mutate(after)
            checked = JourneyMap.model_validate(after.model_dump())
        except (ToolError, KeyError, ValueError, ValidationError) as exc:
            raise ToolError(_message(exc)) from exc
        self.store.save_change(before, checked, tool, _jsonable(args), source, summary)
        return f"{summary} {status(checked).line()}"


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    return str(exc)


def _jsonable(args: BaseModel) -> dict[str, Any]:
    return args.model_dump(mode="json")
