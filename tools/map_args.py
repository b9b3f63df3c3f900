"""Argument models of the map tools. Their docstrings are what the model reads."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.schema import (
    EVIDENCE_MAX,
    ITEMS_MAX,
    STAGES_MAX,
    Context,
    IdeaFields,
    Ident,
    LineText,
    Name,
    PersonaListField,
    ShortText,
    Text,
)

# The argument types are the schema's own, with the same length limits (schema.py).
SourceName = Literal["user", "assistant", "document", "knowledge"]
ItemField = Literal[
    "goals",
    "actions",
    "touchpoints",
    "questions",
    "thoughts",
    "emotions",
    "pain_points",
    "relief",
    "milestones",
    "opportunities",
]


class Args(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")


class SetContext(Context):
    """Set what the map is about. Give only the fields you know; others stay as they are.
    (The fields are the schema's `Context`: declared once, there.)"""

    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")

    @model_validator(mode="after")
    def _some(self) -> SetContext:
        if not any(v for v in self.model_dump().values()):
            fields = ", ".join(Context.model_fields)
            raise ValueError(f"give at least one of {fields}")
        return self


class SetPersona(Args):
    """Set the persona's single-value fields (one customer type per map)."""

    name: ShortText | None = None
    """A name for the persona, e.g. 'Irene the IT manager'."""
    role: LineText | None = None
    """Role or segment, e.g. 'IT decision maker at a mid-size company'."""
    tone: LineText | None = None
    """How the persona likes to be spoken to."""

    @model_validator(mode="after")
    def _some(self) -> SetPersona:
        if not any(v for v in self.model_dump().values()):
            raise ValueError("give at least one of name, role, tone")
        return self


class Provenanced(Args):
    source: SourceName = "user"
    """'user' for what the user said; 'assistant' for your own proposals (kept as
    suggestions until the user accepts them); 'document' or 'knowledge' for items drawn from
    research or knowledge cards."""
    evidence: list[Ident] = Field(default_factory=list, max_length=EVIDENCE_MAX)
    """Citation ids supporting the items (e.g. 'card:touchpoints', 'doc:ab12:3')."""


class AddPersonaItems(Provenanced):
    """Add items to one of the persona's lists."""

    field: PersonaListField
    """quantitative, qualitative, goals, challenges, channels or evidence_sources."""
    items: list[Text] = Field(min_length=1, max_length=50)
    """The items, each in the user's own wording."""


class ItemInput(Args):
    """One item for a stage field."""

    text: Text
    """The item in the user's own wording (for touchpoints: the channel)."""
    department: ShortText | None = None
    """Touchpoints only: the owning department."""
    score: int | None = Field(default=None, ge=-2, le=2)
    """Emotions only (required there): -2 very negative .. +2 very positive."""
    severity: int | None = Field(default=None, ge=1, le=3)
    """Pain points only: 1 low, 2 medium (default), 3 high."""
    trigger: LineText | None = None
    """Milestones only: what the company does to move the customer on."""

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: object) -> object:
        return {"text": value} if isinstance(value, str) else value


class AddStageItems(Provenanced):
    """Add items to one field of one stage."""

    stage: Name
    """The stage: its number (1 = first), id or name."""
    field: ItemField
    """Which field of the stage."""
    items: list[ItemInput] = Field(min_length=1, max_length=50)
    """The items to add."""


class SetStages(Args):
    """Set the list of stages in order (e.g. to accept the default five or replace them).
    Stages whose names are kept keep their content."""

    names: list[Name] = Field(min_length=1, max_length=15)
    """Stage names in order, from the customer's point of view."""
    source: SourceName = "user"
    """Who proposes these stages."""


class AddStage(Args):
    """Add a stage."""

    name: Name
    """Stage name from the customer's point of view."""
    position: int | None = Field(default=None, ge=1)
    """1-based position; at the end when omitted."""


class RenameStage(Args):
    """Rename a stage."""

    stage: Name
    """The stage: number, id or current name."""
    new_name: Name
    """The new name."""


class ReorderStages(Args):
    """Put the stages in a new order."""

    order: list[Name] = Field(min_length=1, max_length=STAGES_MAX)
    """Every stage (number, id or name) in the new order."""


class StageRef(Args):
    """Refer to one stage."""

    stage: Name
    """The stage: number, id or name."""


class UpdateItem(Args):
    """Change an item; give only what changes."""

    item_id: Ident
    """The item's id."""
    text: Text | None = None
    """New wording."""
    department: ShortText | None = None
    """Touchpoints: owning department."""
    score: int | None = Field(default=None, ge=-2, le=2)
    """Emotions: new score."""
    severity: int | None = Field(default=None, ge=1, le=3)
    """Pain points: new severity."""
    trigger: LineText | None = None
    """Milestones: new trigger."""
    cta: LineText | None = None
    """Content ideas: new call to action (the milestone it moves the customer to)."""


class ItemIds(Args):
    """Refer to one or more items."""

    item_ids: list[Ident] = Field(min_length=1, max_length=ITEMS_MAX)
    """The items' ids."""


class AddDecisionPoint(Provenanced):
    """Add an if/then fork where the customer may leave for a competitor."""

    stage: Name
    """The stage: number, id or name."""
    condition: Text
    """The 'if'."""
    likely_action: Text
    """The 'then': what the customer will most likely do."""
    competitor_risk: Literal["low", "medium", "high"] = "medium"
    """How likely the fork sends the customer to a competitor."""


class AddContentIdea(IdeaFields, Provenanced):
    """Add a content idea answering a pain point of a stage. (Its format, angle, pain point,
    question, call to action, channel and card are the schema's `IdeaFields`.)"""

    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")

    stage: Name
    """The stage: number, id or name."""
    title: Text
    """Working title."""


class AddContentIdeas(Args):
    """Add several content ideas in one change (ideas that are refused, e.g. a title already on
    the stage, are skipped and reported; the others go in)."""

    ideas: list[AddContentIdea] = Field(min_length=1, max_length=60)
    """The ideas, each with its stage, format, title and the pain point it answers."""


class SetIdeaStatus(Args):
    """Accept or reject content ideas."""

    item_ids: list[Ident] = Field(min_length=1, max_length=ITEMS_MAX)
    """The ideas' ids."""
    status: Literal["proposed", "accepted", "rejected"]
    """New status."""


class SkipGap(Args):
    """Mark a gap as skipped (the team does not know or does not want to answer now)."""

    gap: Ident
    """Gap key such as 'persona:tone' or 'stage:2:relief'."""


class NoArgs(Args):
    """No arguments."""
