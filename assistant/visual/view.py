"""The swimlane view of a map: lanes, cells, chips and the emotion curve, as plain data.

Templates only lay this out; every decision about what a chip says, how it is marked
(fact, suggestion, accepted suggestion, backed by evidence) and where the curve goes is made
here, so it is tested without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from assistant.completeness import ASKED_STAGE_FIELDS, status
from assistant.retrieval.cards import shipped_cards
from assistant.schema import (
    ContentIdea,
    DecisionPoint,
    Emotion,
    Item,
    JourneyMap,
    Milestone,
    PainPoint,
    Source,
    Touchpoint,
)
from assistant.visual.labels import fill, labels

LANES: tuple[str, ...] = (*ASKED_STAGE_FIELDS, "content_ideas")
"""Rows of the swimlane, in the method's order. Opportunities join only when a stage has one."""

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
FORMAT_LABELS: dict[str, str] = labels("en")["map"]["formats"]
"""English names of the content formats (`format_labels(language)` for the others)."""


def format_labels(language: str = "en") -> dict[str, str]:
    """Content format -> its name in the language."""
    return dict(labels(language)["map"]["formats"])


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
    id: str = ""
    """The item's id (the web page edits the item it points at)."""
    badge: str = ""
    """The kind's label shown above the text (Suggested, Accepted...), empty for facts."""

    evidence_labels: list[str] = field(default_factory=list)
    """What the evidence badge says: a card's title, or "research" for the team's files."""

    @property
    def research(self) -> bool:
        """Backed by the team's own research (not only by a knowledge card)."""
        return self.source == "document" or any(e.startswith("doc:") for e in self.evidence)


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
    id: str
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
    t: dict
    """The map's labels in its language (prompts/web/<lang>.yaml, section `map`)."""
    language: str = "en"

    @property
    def curve_points(self) -> str:
        """SVG polyline points of the stages that have an emotion score (0..100 box)."""
        return " ".join(f"{p.x:.2f},{p.y:.2f}" for p in self.curve if p.y is not None)


def chip(item: Item, language: str = "en") -> Chip:
    """An item as a chip, with its badges and provenance marking."""
    t = labels(language)["map"]
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
    if isinstance(item, Touchpoint) and item.department:
        tags.append(("dept", item.department))
    if isinstance(item, Emotion):
        tags.append((f"score s{item.score + 2}", f"{item.score:+d}"))
    if isinstance(item, PainPoint):
        tags.append((f"sev sev{item.severity}", t["severities"][item.severity]))
    if isinstance(item, Milestone) and item.trigger:
        detail = f"→ {item.trigger}"
    if isinstance(item, DecisionPoint):
        text = fill(t["if"], condition=item.condition)
        detail = fill(t["then"], action=item.likely_action)
        risk = t["risks"].get(item.competitor_risk, item.competitor_risk)
        tags.append((f"risk risk-{item.competitor_risk}", fill(t["risk"], risk=risk)))
    if isinstance(item, ContentIdea):
        tags.append(("fmt", t["formats"].get(item.format, item.format)))
        if item.status != "proposed":
            tags.append((f"status st-{item.status}", t["statuses"].get(item.status, item.status)))
        detail = item.angle
    return Chip(
        text=text,
        kind=kind,
        tags=tags,
        detail=detail,
        evidence=list(prov.evidence),
        source=prov.source.value if isinstance(prov.source, Source) else str(prov.source),
        id=item.id,
        badge=t["badge"].get(kind, ""),
        evidence_labels=list(dict.fromkeys(_evidence_label(e, t) for e in prov.evidence)),
    )


@cache
def _card_titles() -> dict[str, str]:
    return {card.citation: card.title for card in shipped_cards()}


def _evidence_label(citation: str, t: dict) -> str:
    """A citation as people read it: the card's title, or "research" for an uploaded file."""
    if citation.startswith("doc:"):
        return str(t["research_source"])
    return _card_titles().get(citation, citation)


def _shown(items: list) -> list:
    """What a cell shows: rejected content ideas stay on the map (so they are not proposed
    again) but out of the view and the exports; the Ideas tab still lists them."""
    return [i for i in items if not (isinstance(i, ContentIdea) and i.status == "rejected")]


def curve(journey: JourneyMap, language: str = "en") -> list[CurvePoint]:
    """The emotion curve: one point per stage at its column's centre; y from +2 (top) to -2."""
    count = len(journey.stages)
    points = []
    for index, stage in enumerate(journey.stages):
        score = stage.emotion_score()
        x = (index + 0.5) * 100 / count
        y = None if score is None else 10 + (2 - score) * 20  # +2 -> 10, 0 -> 50, -2 -> 90
        label = labels(language)["map"]["no_emotion"] if score is None else f"{score:+.1f}"
        points.append(CurvePoint(x=x, y=y, score=score, label=label))
    return points


def map_view(journey: JourneyMap, language: str | None = None) -> MapView:
    """Everything the swimlane templates show about a map, labelled in `language` (by
    default the map's own)."""
    lang = language or journey.language
    t = labels(lang)["map"]
    c, p = journey.context, journey.persona
    st = status(journey)
    sections = {s.key: s for s in st.sections}
    facts = [
        (t["facts"][key], value)
        for key, value in (
            ("company", c.company),
            ("product", c.product),
            ("market", c.market.upper() if c.market else None),
            ("purpose", c.purpose),
            ("destination", c.destination),
            ("persona", p.name),
            ("role", p.role),
            ("tone", p.tone),
        )
        if value
    ]
    persona_lists = [
        (t["persona_lists"][key], [chip(i, lang) for i in getattr(p, key)])
        for key in (
            "goals",
            "challenges",
            "channels",
            "quantitative",
            "qualitative",
            "evidence_sources",
        )
        if getattr(p, key)
    ]
    lane_keys = list(LANES)
    if any(s.opportunities for s in journey.stages):
        lane_keys.insert(lane_keys.index("content_ideas"), "opportunities")
    lanes = [
        Lane(
            key=key,
            title=t["lanes"][key],
            icon=LANE_ICONS[key],
            cells=[
                [chip(i, lang) for i in _shown(getattr(stage, key))] for stage in journey.stages
            ],
        )
        for key in lane_keys
    ]
    heads = []
    for number, stage in enumerate(journey.stages, 1):
        section = sections.get(f"stage:{number}")
        heads.append(
            StageHead(
                id=stage.id,
                number=number,
                name=stage.name,
                filled=section.filled if section else 0,
                total=section.total if section else 0,
                suggestion=stage.provenance.accepted is False,
            )
        )
    counts = {"fact": 0, "suggestion": 0, "accepted": 0, "rejected": 0, "research": 0}
    for lane in lanes:
        for cell in lane.cells:
            for ch in cell:
                counts[ch.kind] += 1
                counts["research"] += ch.research
    who = p.name or t["the_customer"]
    title = fill(t["title"], company=c.company or journey.name, persona=who)
    return MapView(
        title=title,
        name=journey.name,
        facts=facts,
        persona_lists=persona_lists,
        stages=heads,
        lanes=lanes,
        curve=curve(journey, lang),
        percent=st.percent,
        counts=counts,
        t=t,
        language=lang,
    )
