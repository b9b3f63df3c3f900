"""A fixed map (fixed ids and timestamps) for golden-file tests."""

from __future__ import annotations

from datetime import UTC, datetime

from assistant.schema import (
    ContentIdea,
    Context,
    DecisionPoint,
    Emotion,
    Item,
    JourneyMap,
    Milestone,
    PainPoint,
    Persona,
    Provenance,
    Source,
    Stage,
    Touchpoint,
)

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def prov(source: Source = Source.user, accepted: bool | None = None) -> Provenance:
    return Provenance(source=source, added_at=WHEN, accepted=accepted)


def sample_map() -> JourneyMap:
    def item(i: str, text: str, **kw) -> Item:
        return Item(id=i, text=text, provenance=prov(), **kw)

    first = Stage(
        id="stage-1",
        name="Notice: the problem; #1",
        provenance=prov(),
        goals=[item("g1", "Understand why sales dropped")],
        actions=[item("a1", "Reads reviews: many; mixed #hashtag")],
        touchpoints=[
            Touchpoint(id="t1", text="LinkedIn ads", department="Marketing", provenance=prov()),
            Touchpoint(id="t2", text="Blog | guides", provenance=prov()),
        ],
        questions=[item("q1", "Is this worth it?")],
        emotions=[
            Emotion(id="e1", text="worried", score=-1, provenance=prov()),
            Emotion(id="e2", text="curious", score=2, provenance=prov()),
        ],
        pain_points=[
            PainPoint(id="p1", text="<script>alert(1)</script>", severity=3, provenance=prov())
        ],
        relief=[item("r1", "Found a clear checklist")],
        milestones=[
            Milestone(
                id="m1", text="Downloads the guide", trigger="Email series", provenance=prov()
            )
        ],
        decision_points=[
            DecisionPoint(
                id="d1",
                text="If price unclear, then leaves",
                condition="price unclear",
                likely_action="leaves",
                competitor_risk="high",
                provenance=prov(),
            )
        ],
        content_ideas=[
            ContentIdea(
                id="c1",
                text="Why prices differ",
                format="blog_post",
                pain_point_id="p1",
                provenance=prov(Source.assistant, False),
            )
        ],
    )
    second = Stage(
        id="stage-2",
        name="Decide",
        provenance=prov(),
        emotions=[Emotion(id="e3", text="relieved", score=1, provenance=prov())],
    )
    return JourneyMap(
        id="map-fixed",
        name="sample",
        created_at=WHEN,
        updated_at=WHEN,
        context=Context(
            company="Acme",
            product="Dashboards",
            market="b2b",
            purpose="content ideation",
            destination="Book a demo",
        ),
        persona=Persona(
            name="Irene: IT lead",
            role="IT decision maker",
            tone="Direct",
            goals=[item("pg1", "Fewer incidents")],
            channels=[Item(id="pc1", text="Podcasts", provenance=prov(Source.assistant, False))],
        ),
        stages=[first, second],
    )
