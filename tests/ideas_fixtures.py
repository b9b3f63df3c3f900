"""A fixed map for the content-idea tests (fixed ids and timestamps), stored in a tmp home."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from assistant import prompts
from assistant.schema import (
    Context,
    Item,
    JourneyMap,
    Milestone,
    PainPoint,
    Persona,
    Provenance,
    Stage,
)
from assistant.session import Session, open_session
from assistant.settings import get_settings
from assistant.store import Store

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _p() -> Provenance:
    return Provenance(added_at=WHEN)


def ideas_map(language: str = "en") -> JourneyMap:
    """Five default stages; pain points on stages 1, 2 and 4; none on 3 and 5."""

    def item(i: str, text: str) -> Item:
        return Item(id=i, text=text, provenance=_p())

    def pain(i: str, text: str, severity: int = 2) -> PainPoint:
        return PainPoint(id=i, text=text, severity=severity, provenance=_p())

    names = prompts.guided("en")["default_stages"]
    stages = [Stage(id=f"stage-{n}", name=name, provenance=_p()) for n, name in enumerate(names, 1)]
    stages[0].pain_points = [
        pain("pain-11", "Reports take days to build", 3),
        pain("pain-12", "data is scattered across spreadsheets"),
    ]
    stages[1].pain_points = [
        pain("pain-21", "Pricing is unclear", 3),
        pain("pain-22", "too many tools to compare"),
    ]
    stages[1].questions = [item("q-21", "Why is pricing so unclear for BI tools?")]
    stages[3].pain_points = [pain("pain-41", "CRM import fails")]
    stages[3].milestones = [Milestone(id="ms-41", text="First dashboard live", provenance=_p())]
    return JourneyMap(
        id="map-ideas",
        name="acme",
        language=language,  # type: ignore[arg-type]
        created_at=WHEN,
        updated_at=WHEN,
        context=Context(company="Acme", product="Acme Analytics", market="b2b"),
        persona=Persona(
            name="Irene the IT manager",
            role="IT decision maker at a mid-size company",
            channels=[item("ch-1", "LinkedIn"), item("ch-2", "email newsletters")],
        ),
        stages=stages,
    )


def stored_session(home: Path, language: str = "en") -> Session:
    """The fixed map saved in a workspace under `home`, and a guided session on it."""
    store = Store(get_settings(home=home).db_path)
    created = store.create("acme", language)
    fixed = ideas_map(language).model_copy(update={"id": created.id})
    store.save_change(created, fixed, "seed", {}, "user", "Seeded the test map.")
    return open_session(map="acme", home=home, model="guided")
