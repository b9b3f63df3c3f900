"""Which parts of a map are required, and what to ask next.

This is the one place that defines the interview order (the method's order: context ->
persona -> stage names -> per stage: goals, touchpoints, questions, emotions, pain points,
relief, milestones, decision points). The guided engine, the LLM agent's prompt, the web
app's progress meter and the evals all read it.

Gaps are `assistant.gap.Gap` values (a `str` key with its parts parsed): `context:company`,
`persona:goals`, `stages`, `stage:2:touchpoints` (stages are numbered from 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from assistant.gap import Gap
from assistant.schema import JourneyMap, Stage


@dataclass(frozen=True)
class Slot:
    field: str
    required: bool = True
    """Required slots count towards the percentage and 'complete'."""
    asked: bool = True
    """Asked by the interview (optional slots can be asked too, once, and skipped)."""


CONTEXT_SLOTS = [Slot(f) for f in ("company", "product", "market", "purpose", "destination")]
PERSONA_SLOTS = [
    Slot("name"),
    Slot("role"),
    Slot("quantitative"),
    Slot("qualitative"),
    Slot("goals"),
    Slot("challenges"),
    Slot("channels"),
    Slot("tone"),
    Slot("evidence_sources", required=False, asked=False),
]
STAGE_SLOTS = [
    Slot("goals"),
    Slot("actions", required=False),
    Slot("touchpoints"),
    Slot("questions"),
    Slot("thoughts", required=False),
    Slot("emotions"),
    Slot("pain_points"),
    Slot("relief"),
    Slot("milestones"),
    Slot("decision_points"),
    Slot("opportunities", required=False, asked=False),
    Slot("content_ideas", required=False, asked=False),
]


ASKED_STAGE_FIELDS: tuple[str, ...] = tuple(s.field for s in STAGE_SLOTS if s.asked)
"""The stage fields the interview asks about, in the method's order."""
CONTEXT_FIELDS: tuple[str, ...] = tuple(s.field for s in CONTEXT_SLOTS)
PERSONA_ASKED_FIELDS: tuple[str, ...] = tuple(s.field for s in PERSONA_SLOTS if s.asked)


class SectionStatus(BaseModel):
    """Completeness of one section (context, persona, stages, or one stage)."""

    key: str
    """`context`, `persona`, `stages` or `stage:N`."""
    label: str
    """Human label (the stage name for a stage)."""
    filled: int
    """Required slots filled."""
    total: int
    """Required slots in the section."""
    missing: list[str]
    """Gap keys of required slots still empty (skipped ones included)."""


class Status(BaseModel):
    """Completeness of a whole map."""

    percent: int
    """Required slots filled, as a percentage."""
    filled: int
    total: int
    sections: list[SectionStatus]
    next_gap: Gap | None
    """The next gap to ask about in the method's order, or None when nothing is left to ask."""
    complete: bool
    """True when every required slot is filled."""

    def line(self) -> str:
        """One line for confirmations: `Map 42% complete (21/50). Next: stage:2:touchpoints`."""
        nxt = f" Next: {self.next_gap}." if self.next_gap else " Nothing left to ask."
        return f"Map {self.percent}% complete ({self.filled}/{self.total}).{nxt}"


def _has(value: object) -> bool:
    """A slot counts as filled with a non-empty string or at least one item that is a fact."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(not item.provenance.is_suggestion for item in value)
    return True


def filled(journey: JourneyMap, gap: str) -> bool:
    """Whether one gap is filled."""
    g = Gap.parse(gap)
    if g.section == "context":
        return _has(getattr(journey.context, str(g.field)))
    if g.section == "persona":
        return _has(getattr(journey.persona, str(g.field)))
    if g.section == "stages":
        return bool(journey.stages)
    stage = stage_for(journey, g)
    return stage is not None and _has(getattr(stage, str(g.field)))


def stage_for(journey: JourneyMap, gap: Gap | None) -> Stage | None:
    """The stage a `stage:` gap names (by number or id), or None."""
    if gap is None or gap.section != "stage":
        return None
    if gap.stage_id is not None:
        return next((s for s in journey.stages if s.id == gap.stage_id), None)
    index = (gap.stage or 0) - 1
    return journey.stages[index] if 0 <= index < len(journey.stages) else None


def gap_order(journey: JourneyMap, include_optional: bool = True) -> list[tuple[Gap, Slot]]:
    """Every asked slot as (gap, slot) in the method's order."""
    order: list[tuple[Gap, Slot]] = [(Gap.context(s.field), s) for s in CONTEXT_SLOTS]
    order += [(Gap.persona(s.field), s) for s in PERSONA_SLOTS]
    order.append((Gap.stages(), Slot("stages")))
    for number, _stage in enumerate(journey.stages, 1):
        order += [(Gap.of_stage(number, s.field), s) for s in STAGE_SLOTS]
    return [(k, s) for k, s in order if s.asked and (include_optional or s.required)]


def stage_gaps(stage_number: int) -> list[Gap]:
    """The asked gaps of one stage, in order."""
    return [Gap.of_stage(stage_number, s.field) for s in STAGE_SLOTS if s.asked]


def status(journey: JourneyMap) -> Status:
    """Per-section status, the percentage and the next gap."""
    sections: list[SectionStatus] = []

    def section(key: str, label: str, gaps: list[str]) -> None:
        missing = [g for g in gaps if not filled(journey, g)]
        sections.append(
            SectionStatus(
                key=key,
                label=label,
                filled=len(gaps) - len(missing),
                total=len(gaps),
                missing=missing,
            )
        )

    section("context", "Context", [f"context:{s.field}" for s in CONTEXT_SLOTS if s.required])
    section("persona", "Persona", [f"persona:{s.field}" for s in PERSONA_SLOTS if s.required])
    section("stages", "Stages", ["stages"])
    for number, stage in enumerate(journey.stages, 1):
        section(
            f"stage:{number}",
            stage.name,
            [f"stage:{number}:{s.field}" for s in STAGE_SLOTS if s.required],
        )
    total = sum(s.total for s in sections)
    done = sum(s.filled for s in sections)
    # Until stages exist, count the five default stages' slots as the (unknown) remainder so
    # the percentage does not jump to a misleading value early in the interview.
    if not journey.stages:
        total += 5 * sum(1 for s in STAGE_SLOTS if s.required)
    percent = int(100 * done / total) if total else 0
    return Status(
        percent=percent,
        filled=done,
        total=total,
        sections=sections,
        next_gap=next_gap(journey),
        complete=all(not s.missing for s in sections) and bool(journey.stages),
    )


def next_gap(journey: JourneyMap, after: str | None = None) -> Gap | None:
    """The first asked gap that is neither filled nor skipped (optionally after a given gap)."""
    order = [k for k, _ in gap_order(journey)]
    if after:
        start = Gap.parse(after)
        if start in order:
            i = order.index(start) + 1
            order = order[i:] + order[:i]
    for key in order:
        if not is_skipped(journey, key) and not filled(journey, key):
            return key
    return None


def canonical(journey: JourneyMap, gap: str) -> Gap:
    """The gap as stored in `JourneyMap.skipped`: the stage named by its id rather than its
    number, so a skip survives reordering stages."""
    g = Gap.parse(gap)
    stage = stage_for(journey, g)
    if stage is not None and g.stage is not None:
        return Gap.of_stage(stage.id, str(g.field))
    return g


def is_skipped(journey: JourneyMap, gap: str) -> bool:
    return canonical(journey, gap) in journey.skipped


def stage_of(gap: str | None) -> int | None:
    """The 1-based stage number of a `stage:N:field` gap."""
    return Gap.parse(gap).stage if gap else None
