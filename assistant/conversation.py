"""What an engine sees of a conversation, what it answers, and the `Engine` protocol.

The engines (`assistant.guided`, `assistant.agent`) are given a `Conversation`: the narrow view
of one chat about one map that they may read and change (its language, the map as stored, the
conversation's state, the tools that change the map). `assistant.session.Session` is the one
implementation; the engines never import it, so the session can compose them without a cycle.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from assistant.completeness import Status
from assistant.gap import Gap
from assistant.schema import JourneyMap
from assistant.settings import Settings
from assistant.state import InterviewState, OfferItem, OfferKind
from tools import ToolBox, ToolContext
from tools.results import ToolResult


@dataclass
class OpenOffer:
    """An offer waiting for the user's verdict, as shown: its kind and numbered items."""

    kind: OfferKind
    items: list[OfferItem]


@dataclass
class Reply:
    """What the assistant answered to one message."""

    text: str
    """The reply to show."""
    gap: Gap | None
    """What the next question asks for (a `Gap`: `reply.gap.field`; its key is
    `stage:2:touchpoints`)."""
    status: Status
    """Completeness after this turn."""
    done: bool = False
    """True when the user ended the interview."""
    recorded: list[str] = field(default_factory=list)
    """Confirmations of the changes made this turn (the tools' sentences, for the model)."""
    results: list[ToolResult] = field(default_factory=list)
    """The changes made this turn, as data."""
    offer: OpenOffer | None = None
    """Ideas or research suggestions listed and awaiting a verdict ('accept 1,3')."""
    citations: list[str] = field(default_factory=list)
    """Citation ids of knowledge cards or research used in the reply."""
    errors: list[str] = field(default_factory=list)
    """Problems met this turn (invalid arguments, model failures...), already explained in text."""


class Conversation(Protocol):
    """One conversation about one map, as an engine sees it."""

    map_id: str
    language: str
    """Interview language."""
    front_end: str
    """Who shows the replies: `cli` or `web` (closing messages point at its own export)."""
    settings: Settings
    state: InterviewState
    """What the conversation remembers; stored with every change and every reply."""
    context: ToolContext
    """The tools' context: the store, the map id, the knowledge base, undo."""
    tools: ToolBox
    """Every change to the map goes through these."""

    @property
    def map(self) -> JourneyMap:
        """The map as persisted now (read it; change it only through `tools`)."""
        ...

    @property
    def status(self) -> Status: ...

    def open_offer(self) -> OpenOffer | None:
        """The open offer with its numbered items as on the map now, or None."""
        ...

    def history(self, limit: int = 200) -> list[dict]:
        """The stored chat transcript of this map, oldest first."""
        ...


class Engine(Protocol):
    """An interviewer: the guided one (no model) or the LLM agent."""

    def opening(self, conversation: Conversation) -> Reply: ...

    def respond(self, conversation: Conversation, text: str) -> Reply: ...

    def stream(self, conversation: Conversation, text: str) -> Iterator[str | Reply]: ...
