"""Argument models of the lean tool set the LLM sees (`tools/lean.py`).

Derived from the journey schema: field names come from `Context`, `Persona` and `Stage`,
formats from `ContentFormat`, limits from the schema's `Text`. Descriptions are short on
purpose: every character here is sent with every model request.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from assistant.schema import PERSONA_LIST_FIELDS, STAGE_FIELDS, ContentFormat, Context, Text

Ref = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]

SET_FIELDS: tuple[str, ...] = (
    *(f"context.{f}" for f in Context.model_fields),
    "persona.name",
    "persona.role",
    "persona.tone",
)
"""Single-value fields (`op: set`)."""
LIST_FIELDS: tuple[str, ...] = (
    *(f"persona.{f}" for f in PERSONA_LIST_FIELDS),
    "stages",
    *(f for f in STAGE_FIELDS if f != "content_ideas"),
)
"""List fields (`op: add`): persona lists, the stage list, and a stage's lists."""
FieldName = Literal[SET_FIELDS + LIST_FIELDS]  # type: ignore[valid-type]


def _lean_schema(schema: dict[str, Any]) -> None:
    """Shorter JSON Schema for the model: `X | None` shown as X, no null defaults, no length
    limits (still validated). Every request carries these schemas, so every character counts."""
    for prop in schema.get("properties", {}).values():
        branches = prop.get("anyOf")
        if branches and {"type": "null"} in branches and len(branches) == 2:
            prop.pop("anyOf")
            prop.update(next(b for b in branches if b != {"type": "null"}))
        if prop.get("default", "") is None:
            prop.pop("default")
        for key in ("maxLength", "minLength", "maxItems", "title"):
            prop.pop(key, None)
            if isinstance(prop.get("items"), dict):
                prop["items"].pop(key, None)
    schema.pop("title", None)


class Args(BaseModel):
    model_config = ConfigDict(
        use_attribute_docstrings=True, extra="forbid", json_schema_extra=_lean_schema
    )


class ItemIn(Args):
    """An item (add) or the new values of one (edit)."""

    text: Text | None = None
    """Wording, in the user's words (a stage's name for 'stages'; the 'if' of a decision point)."""
    department: Short | None = None
    """touchpoints: owning department"""
    score: int | None = Field(default=None, ge=-2, le=2)
    """emotions (required): -2..2"""
    severity: int | None = Field(default=None, ge=1, le=3)
    """pain_points: 1 low, 2 medium, 3 high"""
    trigger: Short | None = None
    """milestones: what the company does"""
    then: Short | None = None
    """decision_points: the likely action"""
    risk: Literal["low", "medium", "high"] | None = None
    """decision_points: competitor risk"""


class Op(Args):
    """One change. set: field+value. add: field(+stage)+items. edit: id+item.
    remove: ids. move: id to stage and/or position. A stage itself: stage, no ids."""

    op: Literal["set", "add", "edit", "remove", "move"]
    field: FieldName | None = None  # type: ignore[valid-type]
    stage: Ref | None = None
    """Stage number (1=first), id or name."""
    value: Short | None = None
    ids: list[Ref] = Field(default_factory=list, max_length=50)
    """Item or stage ids."""
    items: list[ItemIn] = Field(default_factory=list, max_length=50)
    position: int | None = Field(default=None, ge=1)
    source: Literal["user", "assistant", "document", "knowledge"] = "user"
    """'assistant' for your own proposals (kept as suggestions)."""
    evidence: list[Ref] = Field(default_factory=list, max_length=20)
    """Citation ids, e.g. doc:ab12:3"""


class UpdateMap(Args):
    """Record facts: one call for everything in the user's message."""

    operations: list[Op] = Field(min_length=1, max_length=60)


class Skip(Args):
    """Skip gaps the team cannot answer now."""

    gaps: list[Ref] = Field(default_factory=list, max_length=40)
    """Gap keys, e.g. stage:2:relief"""
    rest_of_stage: Ref | None = None
    """A stage whose open gaps are all skipped."""


class ReadMap(Args):
    """The map's items with ids."""

    section: Ref = "all"
    """'all', 'context', 'persona' or a stage."""


class Search(Args):
    """Search the knowledge cards (method, fields, content formats)."""

    query: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class SearchAll(Search):
    """Search the knowledge cards, or the team's research."""

    research: bool = False
    """True: search the team's research instead."""


class IdeaIn(Args):
    """A content idea for one pain point (any stage)."""

    pain_point_id: Ref
    format: ContentFormat
    title: Text
    angle: Short = ""
    cta: Short = ""
    """The milestone it moves the customer to."""
    channel: Short = ""
    card_id: Ref | None = None


class ProposeIdeas(Args):
    """Propose content ideas (stored as proposals for the user to accept)."""

    ideas: list[IdeaIn] = Field(min_length=1, max_length=40)


class Decide(Args):
    """Apply the user's decision on suggestions, ideas or proposed removals (by id)."""

    approve: list[Ref] = Field(default_factory=list, max_length=60)
    reject: list[Ref] = Field(default_factory=list, max_length=60)


class StageArg(Args):
    """Turn the team's research on a stage into suggestions."""

    stage: Ref


class NoArgs(Args):
    """No arguments."""
