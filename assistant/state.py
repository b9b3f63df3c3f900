"""Everything a conversation remembers between messages, as one model stored with the map.

The state is written in the same SQLite transaction as each change to the map (so a change
and what the conversation knows about it never disagree) and with every assistant reply; a
session loads it when it opens. A CLI resume, a web reload, a second tab or a restarted
server therefore continue where the conversation was: the question asked, an open offer of
ideas or research suggestions, the changes `undo` reverts, the tips and hints already shown.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, PrivateAttr

from assistant.gap import Gap
from assistant.schema import STAGE_FIELDS

if TYPE_CHECKING:
    from assistant.schema import JourneyMap

OfferKind = Literal["ideas", "research"]


class OfferItem(BaseModel):
    """One numbered entry of an offer, as shown to the user."""

    number: int
    id: str
    text: str


class Offer(BaseModel):
    """Items put on the map as proposals and listed to the user, awaiting a verdict
    ('accept 1,3', 'no', 'more'). One kind of step for content ideas and research suggestions."""

    kind: OfferKind
    stage_id: str
    ids: list[str]
    """The offered items' ids, numbered from 1 in this order."""

    def stage_number(self, journey: JourneyMap) -> int | None:
        for number, stage in enumerate(journey.stages, 1):
            if stage.id == self.stage_id:
                return number
        return None

    def items(self, journey: JourneyMap) -> list[OfferItem]:
        """The numbered items still on the map (an item removed since keeps its number)."""
        texts: dict[str, str] = {}
        for stage in journey.stages:
            if stage.id == self.stage_id:
                for name in STAGE_FIELDS:
                    texts.update({i.id: i.text for i in getattr(stage, name)})
        return [
            OfferItem(number=n, id=item_id, text=texts[item_id])
            for n, item_id in enumerate(self.ids, 1)
            if item_id in texts
        ]


class RecordedItem(BaseModel):
    """One value the last answer recorded, numbered as the chat echoed it ('remove 2')."""

    section: str
    field: str
    item_id: str | None = None
    """The item's id (None for a single value such as the company)."""
    stage: int | None = None
    label: str = ""
    """Where it went, as shown ('pain points (Shortlist)')."""
    shown: str = ""
    """The value as shown."""


class PendingChange(BaseModel):
    """A removal or rewording the LLM proposed, waiting for the user's OK (`tools/lean.py`)."""

    id: str
    operation: dict[str, Any]
    """The `update_map` operation, applied as given once the user agrees."""
    what: str
    """What it would remove or replace, in words the user recognises."""
    created: datetime
    """When it was proposed: it cannot be approved in the turn that proposed it."""


class InterviewState(BaseModel):
    """One conversation's memory (one per map: every session on the map shares it on open)."""

    asked: Gap | None = None
    """The gap the last question asked about (the next answer fills it)."""
    history: list[Gap] = Field(default_factory=list)
    """Gaps asked so far, for 'back'."""
    offer: Offer | None = None
    """An open offer of ideas or research suggestions."""
    last_answer: list[int] = Field(default_factory=list)
    """Change-log rows written by the last answer that changed the map: 'undo' reverts them."""
    last_tip: str | None = None
    """Citation of the tip shown last, so the same tip is not repeated turn after turn."""
    hinted: list[str] = Field(default_factory=list)
    """Stage ids whose research hint was shown already."""
    recorded: list[RecordedItem] = Field(default_factory=list)
    """What the last answer recorded, in the order of the numbered echo."""
    answered: Gap | None = None
    """The gap the last answer was recorded for: what a correction corrects."""
    pending: list[PendingChange] = Field(default_factory=list)
    """Removals and rewordings of the user's content proposed by the LLM, awaiting an OK."""
    optional: list[str] = Field(default_factory=list)
    """Optional fields the person chose to add (`completeness.OPTIONAL_FIELDS` names): the
    interview asks them once the core is filled."""
    optional_offered: bool = False
    """The last reply offered the optional fields: the next message may choose among them."""
    optional_declined: bool = False
    """The person declined the optional fields: they are not offered again."""

    _answer_open: bool = PrivateAttr(default=False)
    _offering: tuple[OfferKind, str] | None = PrivateAttr(default=None)

    def begin_answer(self) -> None:
        """A new user message: its first change replaces `last_answer`."""
        self._answer_open = True

    def note_change(self, seq: int | None, added: list[str]) -> None:
        """Called inside a change's transaction (its change-log row `seq`, the ids of the items
        it `added`), before the state is written with it."""
        if seq is None:
            return
        if self._answer_open:
            self.last_answer = []
            self._answer_open = False
        self.last_answer.append(seq)
        if self._offering is not None and added:
            kind, stage_id = self._offering
            self.offer = Offer(kind=kind, stage_id=stage_id, ids=list(added))

    def offering(self, kind: OfferKind | None, stage_id: str = "") -> None:
        """While set, a change that adds items opens an offer of those items (in the same
        transaction). Set it to None after the call."""
        self._offering = (kind, stage_id) if kind else None
