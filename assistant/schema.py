"""The journey schema: the single source of truth for what a customer journey map holds.

Every field has a docstring; they become the JSON Schema descriptions that `journey schema`
prints and that the LLM sees in its tool descriptions.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from assistant.language import Language

# Length limits. Every string and list on the map has one, so a pasted book or a runaway tool
# call is refused with a clear message instead of growing the database (each change is stored
# in the change log). The figures leave room for any real answer: a map item is a sentence or
# a short paragraph, a name a few words. They are listed in the README ("Limits").
TEXT_MAX = 2000
"""Characters in an item, a decision's if/then, a purpose or destination."""
NAME_MAX = 200
"""Characters in a stage, persona, company or product name, a department, a channel."""
LINE_MAX = 500
"""Characters in a one-line detail: role, tone, trigger, angle, question, call to action."""
ID_MAX = 100
"""Characters in an id, a citation id or a gap key."""
ITEMS_MAX = 200
"""Items in one list of the map (one stage field, one persona list)."""
STAGES_MAX = 30
"""Stages on one map."""
EVIDENCE_MAX = 20
"""Citation ids on one item."""
SKIPPED_MAX = 500
"""Skipped gaps remembered on one map."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_MAX)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX)]
ShortText = Annotated[str, StringConstraints(max_length=NAME_MAX)]
"""An optional short value (may be empty)."""
LineText = Annotated[str, StringConstraints(max_length=LINE_MAX)]
"""An optional one-line detail (may be empty)."""
LongText = Annotated[str, StringConstraints(max_length=TEXT_MAX)]
"""An optional paragraph (may be empty)."""
Ident = Annotated[str, StringConstraints(max_length=ID_MAX)]
"""An id or citation id."""
MapName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=80, pattern=r"^\w[\w .'()&+-]*$"
    ),
]
"""A map name: letters (any language), digits, spaces and . ' ( ) & + - _ (it becomes part
of file names in exports, so no slashes)."""


def new_id(prefix: str) -> str:
    """A short stable id such as `pain-3f9a1c2b`."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def now() -> datetime:
    return datetime.now(UTC)


class Source(StrEnum):
    """Who put an item on the map."""

    user = "user"
    assistant = "assistant"
    document = "document"
    knowledge = "knowledge"


class Model(BaseModel):
    model_config = ConfigDict(
        use_attribute_docstrings=True, extra="forbid", validate_assignment=True
    )


class Provenance(Model):
    """Where an item came from and whether it has been accepted."""

    source: Source = Source.user
    """Who added the item: the user, an assistant suggestion, a research document or a knowledge card."""
    added_at: datetime = Field(default_factory=now)
    """When the item was added (UTC)."""
    accepted: bool | None = None
    """None for the user's own facts; False for a pending suggestion; True once the user accepted it."""
    evidence: list[Ident] = Field(default_factory=list, max_length=EVIDENCE_MAX)
    """Citation ids of research snippets or knowledge cards that support the item."""

    @property
    def is_suggestion(self) -> bool:
        """True while the item is an unaccepted suggestion (not yet a fact about the customer)."""
        return self.accepted is False


class Item(Model):
    """One entry of a list on the map (a goal, a question, a thought...)."""

    id: Ident = Field(default_factory=lambda: new_id("item"))
    """Stable id, used to update, remove or link the item."""
    text: Text
    """The item in the user's own wording."""
    provenance: Provenance = Field(default_factory=Provenance)
    """Who added it, when, and whether it was accepted."""

    def details(self) -> dict[str, str]:
        """The item type's own details, shown next to its text (field -> value, in order).
        The one place that knows which details each type has: renderers (Markdown, the agent's
        map state, the HTML view) read them and only choose how to show them."""
        return {}


class Touchpoint(Item):
    """A way the customer meets the company in this stage."""

    department: ShortText | None = None
    """The department that owns this touchpoint (e.g. Marketing, Sales, Support)."""

    def details(self) -> dict[str, str]:
        return {"department": self.department} if self.department else {}


class Emotion(Item):
    """What the customer feels in this stage, scored for the emotion curve."""

    score: int = Field(ge=-2, le=2)
    """-2 (very negative) .. +2 (very positive)."""

    def details(self) -> dict[str, str]:
        return {"score": f"{self.score:+d}"}


class PainPoint(Item):
    """A frustration, worry or obstacle the customer meets."""

    severity: int = Field(default=2, ge=1, le=3)
    """1 low, 2 medium, 3 high."""

    def details(self) -> dict[str, str]:
        return {"severity": str(self.severity)}


class Milestone(Item):
    """A checkpoint that keeps the customer on the route (a small win before the destination)."""

    trigger: LineText | None = None
    """What the company does to move the customer on (e.g. book a demo call, send an email series)."""

    def details(self) -> dict[str, str]:
        return {"trigger": self.trigger} if self.trigger else {}


class DecisionPoint(Item):
    """A fork in the road: if/then, with the risk of leaving for a competitor."""

    condition: Text
    """The 'if': the situation the customer is in."""
    likely_action: Text
    """The 'then': what the customer will most likely do."""
    competitor_risk: Literal["low", "medium", "high"] = "medium"
    """How likely this fork sends the customer to a competitor."""

    def details(self) -> dict[str, str]:
        return {"competitor_risk": self.competitor_risk}


ContentFormat = Literal[
    "blog_post",
    "email",
    "email_series",
    "webinar",
    "white_paper",
    "checklist",
    "case_study",
    "comparison_page",
    "social_post",
    "faq",
    "video",
]


class PainChange(Model):
    """What happened to the pain point an accepted idea answers, after it was accepted."""

    kind: Literal["edited", "removed"]
    """`edited`: the pain point's wording changed; `removed`: it left the map."""
    was: Text
    """The pain point's wording when the idea was written for it."""


class IdeaFields(Model):
    """What a content idea says besides its title: the one declaration of these fields, shared
    by `ContentIdea` and the `add_content_idea` tool's arguments."""

    format: ContentFormat
    """The content format."""
    angle: LineText = ""
    """The angle or hook of the piece."""
    pain_point_id: Ident | None = None
    """Id of the pain point this idea answers (on the same stage)."""
    question: LineText = ""
    """The customer question it answers."""
    cta: LineText = ""
    """The call to action: which milestone it moves the customer to."""
    channel: ShortText = ""
    """Where it is published or sent."""
    card_id: Ident | None = None
    """Knowledge card that justifies the format for this stage."""


class ContentIdea(IdeaFields, Item):
    """A piece of content that answers a pain point. `text` is the working title."""

    status: Literal["proposed", "accepted", "rejected"] = "proposed"
    """Review status of the idea."""
    pain_change: PainChange | None = None
    """Set on an accepted idea whose pain point was edited or removed since: review it."""

    def details(self) -> dict[str, str]:
        return {"format": self.format, "status": self.status}


class Stage(Model):
    """One stage of the journey, named from the customer's point of view."""

    id: Ident = Field(default_factory=lambda: new_id("stage"))
    """Stable id of the stage."""
    name: Name
    """Stage name from the customer's point of view (what they do, not what we do)."""
    provenance: Provenance = Field(default_factory=Provenance)
    """Who added the stage."""
    goals: list[Item] = Field(default_factory=list, max_length=ITEMS_MAX)
    """What the customer wants to achieve in this stage."""
    actions: list[Item] = Field(default_factory=list, max_length=ITEMS_MAX)
    """What the customer does."""
    touchpoints: list[Touchpoint] = Field(default_factory=list, max_length=ITEMS_MAX)
    """Where the customer meets the company (channel + owning department)."""
    questions: list[Item] = Field(default_factory=list, max_length=ITEMS_MAX)
    """Questions the customer has."""
    thoughts: list[Item] = Field(default_factory=list, max_length=ITEMS_MAX)
    """What goes through the customer's head."""
    emotions: list[Emotion] = Field(default_factory=list, max_length=ITEMS_MAX)
    """Feelings, each scored -2..+2 for the emotion curve."""
    pain_points: list[PainPoint] = Field(default_factory=list, max_length=ITEMS_MAX)
    """Frustrations and obstacles, with severity."""
    relief: list[Item] = Field(default_factory=list, max_length=ITEMS_MAX)
    """Moments of relief: when things go well."""
    milestones: list[Milestone] = Field(default_factory=list, max_length=ITEMS_MAX)
    """Checkpoints/triggers the company plans to move the customer on."""
    decision_points: list[DecisionPoint] = Field(default_factory=list, max_length=ITEMS_MAX)
    """If/then forks where the customer may leave for a competitor."""
    opportunities: list[Item] = Field(default_factory=list, max_length=ITEMS_MAX)
    """Ideas to improve or create touchpoints, UX or services."""
    content_ideas: list[ContentIdea] = Field(default_factory=list, max_length=ITEMS_MAX)
    """Content that answers this stage's pain points."""

    def emotion_score(self) -> float | None:
        """Mean emotion score of the stage, or None when no emotion is recorded."""
        if not self.emotions:
            return None
        return sum(e.score for e in self.emotions) / len(self.emotions)


StageField = Literal[
    "goals",
    "actions",
    "touchpoints",
    "questions",
    "thoughts",
    "emotions",
    "pain_points",
    "relief",
    "milestones",
    "decision_points",
    "opportunities",
    "content_ideas",
]
STAGE_FIELDS: tuple[str, ...] = StageField.__args__  # type: ignore[attr-defined]

ITEM_TYPES: dict[str, type[Item]] = {
    "touchpoints": Touchpoint,
    "emotions": Emotion,
    "pain_points": PainPoint,
    "milestones": Milestone,
    "decision_points": DecisionPoint,
    "content_ideas": ContentIdea,
}


class Context(Model):
    """What the map is about and why the team makes it."""

    company: ShortText | None = None
    """The company making the map."""
    product: ShortText | None = None
    """The product or service the journey leads to."""
    market: Literal["b2b", "b2c"] | None = None
    """Whether the customer is a business (b2b) or a consumer (b2c)."""
    purpose: LongText | None = None
    """Why the team maps (e.g. e-commerce review, new product launch, content ideation)."""
    destination: LongText | None = None
    """The 'X' on the map: what the customer should end up doing."""


class Persona(Model):
    """Exactly one customer type per map."""

    name: ShortText | None = None
    """A name for the persona (e.g. 'Irene the IT manager')."""
    role: LineText | None = None
    """Role or segment (e.g. 'IT decision maker at a mid-size company')."""
    quantitative: list[Item] = Field(default_factory=list, max_length=ITEMS_MAX)
    """Numbers: demographics, company size, conversions, when purchases happen."""
    qualitative: list[Item] = Field(default_factory=list, max_length=ITEMS_MAX)
    """Individual experiences and context from reviews, interviews, notes."""
    goals: list[Item] = Field(default_factory=list, max_length=ITEMS_MAX)
    """What the persona wants overall."""
    challenges: list[Item] = Field(default_factory=list, max_length=ITEMS_MAX)
    """Problems and challenges the persona faces."""
    channels: list[Item] = Field(default_factory=list, max_length=ITEMS_MAX)
    """Channels the persona prefers."""
    tone: LineText | None = None
    """How the persona likes to be spoken to."""
    evidence_sources: list[Item] = Field(default_factory=list, max_length=ITEMS_MAX)
    """Where the facts come from (reviews, lead notes, customers in the room, CX experts...)."""


PersonaListField = Literal[
    "quantitative", "qualitative", "goals", "challenges", "channels", "evidence_sources"
]
PERSONA_LIST_FIELDS: tuple[str, ...] = PersonaListField.__args__  # type: ignore[attr-defined]


class JourneyMap(Model):
    """A customer journey map for one persona."""

    id: Ident = Field(default_factory=lambda: new_id("map"))
    """Stable id of the map."""
    name: MapName
    """Short unique name of the map in its workspace (e.g. 'acme')."""
    language: Language = "en"
    """Language of the interview and of the map's text."""
    created_at: datetime = Field(default_factory=now)
    """When the map was created (UTC)."""
    updated_at: datetime = Field(default_factory=now)
    """When the map last changed (UTC)."""
    context: Context = Field(default_factory=Context)
    """What the map is about and its destination."""
    persona: Persona = Field(default_factory=Persona)
    """The one customer type this map follows."""
    stages: list[Stage] = Field(default_factory=list, max_length=STAGES_MAX)
    """Ordered stages of the journey."""
    skipped: list[Ident] = Field(default_factory=list, max_length=SKIPPED_MAX)
    """Gaps the team chose to skip or could not answer (e.g. `stage:2:relief`)."""

    def find_stage(self, ref: str | int) -> Stage:
        """A stage by 1-based number, id or (case-insensitive) name; KeyError if none matches."""
        text = str(ref).strip()
        if text.isdigit():
            index = int(text) - 1
            if 0 <= index < len(self.stages):
                return self.stages[index]
        for stage in self.stages:
            if stage.id == text or stage.name.casefold() == text.casefold():
                return stage
        names = ", ".join(f"{i}. {s.name}" for i, s in enumerate(self.stages, 1)) or "none yet"
        raise KeyError(f"No stage '{text}'. Stages: {names}.")

    def find_item(self, item_id: str) -> tuple[list, Item]:
        """The list holding an item and the item, by id; KeyError if none has that id."""
        for lst in self.all_lists():
            for item in lst:
                if item.id == item_id:
                    return lst, item
        raise KeyError(f"No item with id '{item_id}'.")

    def all_lists(self) -> list[list]:
        """Every list of items on the map (persona lists, then each stage's fields)."""
        lists: list[list] = [getattr(self.persona, f) for f in PERSONA_LIST_FIELDS]
        for stage in self.stages:
            lists.extend(getattr(stage, f) for f in STAGE_FIELDS)
        return lists
