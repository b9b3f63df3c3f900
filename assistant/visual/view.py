"""The swimlane view of a map: lanes, cells, chips and the emotion curve, as plain data.

Templates only lay this out; every decision about what a chip says, how it is marked
(fact, suggestion, accepted suggestion, backed by evidence) and where the curve goes is made
here, so it is tested without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.completeness import ASKED_STAGE_FIELDS, status
from assistant.render import FIELD_TITLES
from assistant.schema import (
    ContentIdea,
    DecisionPoint,
    Item,
    JourneyMap,
    Source,
)

LANES: tuple[str, ...] = (*ASKED_STAGE_FIELDS, "content_ideas")
"""Rows of the swimlane, in the method's order. Opportunities join only when a stage has one."""

LANE_TITLES = {**FIELD_TITLES, "milestones": "Milestones"}
LANE_ICONS = {
    "goals": "◎",
    "actions": "➜",
    "touchpoints": "◉",
    "questions": "?",
    "thoughts": "…",
    "emotions": "♥",
    "pain_points": "⚠",
    "relief": "☀",
    "milestones": "⚑",
    "decision_points": "⇄",
    "opportunities": "✦",
    "content_ideas": "✎",
}
SEVERITY = {1: "low", 2: "medium", 3: "high"}
FORMAT_LABELS = {
    "blog_post": "Blog post",
    "email": "Email",
    "email_series": "Email series",
    "webinar": "Webinar",
    "white_paper": "White paper",
    "checklist": "Checklist",
    "case_study": "Case study",
    "comparison_page": "Comparison page",
    "social_post": "Social post",
    "faq": "FAQ",
    "video": "Video",
}


@dataclass
class Chip:
    """One item as shown in a cell. All strings are raw; the template escapes them."""

    text: str
    kind: str
    """`fact` (the team said it), `suggestion` (pending), `accepted` (a suggestion agreed to),
    or `rejected` (a content idea turned down)."""
    tags: list[tuple[str, str]] = field(default_factory=list)
    """(css class, label) badges: department, score, severity, format, risk..."""
    detail: str = ""
    """A second line: a milestone's trigger, a decision point's 'then'."""
    evidence: list[str] = field(default_factory=list)
    """Citation ids backing the item."""
    source: str = "user"


@dataclass
class CurvePoint:
    """One stage on the emotion curve: x and y in percent of the curve box."""

    x: float
    y: float | None
    score: float | None
    label: str


@dataclass
class Lane:
    key: str
    title: str
    icon: str
    cells: list[list[Chip]]


@dataclass
class StageHead:
    number: int
    name: str
    filled: int
    total: int
    suggestion: bool


@dataclass
class MapView:
    title: str
    name: str
    facts: list[tuple[str, str]]
    """(label, value) lines about the context and persona."""
    persona_lists: list[tuple[str, list[Chip]]]
    stages: list[StageHead]
    lanes: list[Lane]
    curve: list[CurvePoint]
    percent: int
    counts: dict[str, int]
    """How many chips of each kind the map holds (for the legend)."""

    @property
    def curve_points(self) -> str:
        """SVG polyline points of the stages that have an emotion score (0..100 box)."""
        return " ".join(f"{p.x:.2f},{p.y:.2f}" for p in self.curve if p.y is not None)


def chip(item: Item) -> Chip:
    """An item as a chip, with its badges and provenance marking."""
    prov = item.provenance
    if isinstance(item, ContentIdea) and item.status == "rejected":
        kind = "rejected"
    elif prov.accepted is False:
        kind = "suggestion"
    elif prov.accepted is True:
        kind = "accepted"
    else:
        kind = "fact"
    tags: list[tuple[str, str]] = []
    detail = ""
    text = item.text
    for key, value in item.details().items():  # the item type's details, as badges
        if key == "trigger":
            detail = f"→ {value}"
        elif key != "status" or value != "proposed":
            tags.append(_badge(key, value))
    if isinstance(item, DecisionPoint):
        text = f"If {item.condition}"
        detail = f"then {item.likely_action}"
    if isinstance(item, ContentIdea):
        detail = item.angle
    return Chip(
        text=text,
        kind=kind,
        tags=tags,
        detail=detail,
        evidence=list(prov.evidence),
        source=prov.source.value if isinstance(prov.source, Source) else str(prov.source),
    )


def _badge(key: str, value: str) -> tuple[str, str]:
    """(css class, label) of one item detail."""
    if key == "department":
        return ("dept", value)
    if key == "score":
        return (f"score s{int(value) + 2}", value)
    if key == "severity":
        return (f"sev sev{value}", SEVERITY[int(value)])
    if key == "competitor_risk":
        return (f"risk risk-{value}", f"{value} risk")
    if key == "format":
        return ("fmt", FORMAT_LABELS.get(value, value))
    return (f"status st-{value}" if key == "status" else key, value)


def curve(journey: JourneyMap) -> list[CurvePoint]:
    """The emotion curve: one point per stage at its column's centre; y from +2 (top) to -2."""
    count = len(journey.stages)
    points = []
    for index, stage in enumerate(journey.stages):
        score = stage.emotion_score()
        x = (index + 0.5) * 100 / count
        y = None if score is None else 10 + (2 - score) * 20  # +2 -> 10, 0 -> 50, -2 -> 90
        label = "no emotion yet" if score is None else f"{score:+.1f}"
        points.append(CurvePoint(x=x, y=y, score=score, label=label))
    return points


def map_view(journey: JourneyMap) -> MapView:
    """Everything the swimlane templates show about a map."""
    c, p = journey.context, journey.persona
    st = status(journey)
    sections = {s.key: s for s in st.sections}
    facts = [
        (label, value)
        for label, value in (
            ("Company", c.company),
            ("Product", c.product),
            ("Market", c.market.upper() if c.market else None),
            ("Purpose", c.purpose),
            ("Destination", c.destination),
            ("Persona", p.name),
            ("Role", p.role),
            ("Tone", p.tone),
        )
        if value
    ]
    persona_lists = [
        (title, [chip(i) for i in items])
        for title, items in (
            ("Goals", p.goals),
            ("Challenges", p.challenges),
            ("Channels", p.channels),
            ("Numbers", p.quantitative),
            ("Customer stories", p.qualitative),
            ("Evidence sources", p.evidence_sources),
        )
        if items
    ]
    lane_keys = list(LANES)
    if any(s.opportunities for s in journey.stages):
        lane_keys.insert(lane_keys.index("content_ideas"), "opportunities")
    lanes = [
        Lane(
            key=key,
            title=LANE_TITLES[key],
            icon=LANE_ICONS[key],
            cells=[[chip(i) for i in getattr(stage, key)] for stage in journey.stages],
        )
        for key in lane_keys
    ]
    heads = []
    for number, stage in enumerate(journey.stages, 1):
        section = sections.get(f"stage:{number}")
        heads.append(
            StageHead(
                number=number,
                name=stage.name,
                filled=section.filled if section else 0,
                total=section.total if section else 0,
                suggestion=stage.provenance.accepted is False,
            )
        )
    counts = {"fact": 0, "suggestion": 0, "accepted": 0, "rejected": 0, "evidence": 0}
    for lane in lanes:
        for cell in lane.cells:
            for ch in cell:
                counts[ch.kind] += 1
                counts["evidence"] += bool(ch.evidence)
    who = p.name or "the customer"
    title = f"{c.company or journey.name}: {who}'s journey"
    return MapView(
        title=title,
        name=journey.name,
        facts=facts,
        persona_lists=persona_lists,
        stages=heads,
        lanes=lanes,
        curve=curve(journey),
        percent=st.percent,
        counts=counts,
    )
