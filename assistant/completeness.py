"""Which parts of a map are core and which optional, and what to ask next.

This is the one place that defines the interview order (the method's order: context ->
persona -> stage names -> per stage: goals, actions, touchpoints, questions, thoughts,
emotions, pain points, relief, milestones, decision points) and the core: a map is complete
when every core slot is filled. Optional slots are never demanded: they are asked only for the
fields a person opted into (`next_gap(..., optional=[...])`) and otherwise offered once the
core is filled (`Status.optional`). The guided engine, the LLM agent's prompt, the web app's
progress meter, the exports and the evals all read it.

The core (reasoning in the README, "The interview"): the context (five single values), the
persona's name, role, goals and challenges, the stage names, and per stage goals,
touchpoints, emotions and pain points (what the open stage question asks, what the emotion
curve and the content ideas are built on).

Gaps are `assistant.gap.Gap` values (a `str` key with its parts parsed): `context:company`,
`persona:goals`, `stages`, `stage:2:touchpoints` (stages are numbered from 1).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from pydantic import BaseModel

from assistant.gap import Gap
from assistant.schema import JourneyMap, Stage


@dataclass(frozen=True)
class Slot:
    field: str
    required: bool = True
    """Core: counts towards the percentage and 'complete', and the interview asks it."""
    asked: bool = True
    """Can be asked: core slots always; optional ones when the person opts in."""


CONTEXT_SLOTS = [Slot(f) for f in ("company", "product", "market", "purpose", "destination")]
PERSONA_SLOTS = [
    Slot("name"),
    Slot("role"),
    Slot("quantitative", required=False),
    Slot("qualitative", required=False),
    Slot("goals"),
    Slot("challenges"),
    Slot("channels", required=False),
    Slot("tone", required=False),
    Slot("evidence_sources", required=False, asked=False),
]
STAGE_SLOTS = [
    Slot("goals"),
    Slot("actions", required=False),
    Slot("touchpoints"),
    Slot("questions", required=False),
    Slot("thoughts", required=False),
    Slot("emotions"),
    Slot("pain_points"),
    Slot("relief", required=False),
    Slot("milestones", required=False),
    Slot("decision_points", required=False),
    Slot("opportunities", required=False, asked=False),
    Slot("content_ideas", required=False, asked=False),
]


ASKED_STAGE_FIELDS: tuple[str, ...] = tuple(s.field for s in STAGE_SLOTS if s.asked)
"""The stage fields the interview asks about, in the method's order."""
CONTEXT_FIELDS: tuple[str, ...] = tuple(s.field for s in CONTEXT_SLOTS)
PERSONA_ASKED_FIELDS: tuple[str, ...] = tuple(s.field for s in PERSONA_SLOTS if s.asked)
CORE_STAGE_FIELDS: tuple[str, ...] = tuple(s.field for s in STAGE_SLOTS if s.required)
"""goals, touchpoints, emotions, pain points: what a stage needs to be complete."""
OPTIONAL_FIELDS: tuple[str, ...] = tuple(
    s.field for s in (*PERSONA_SLOTS, *STAGE_SLOTS) if s.asked and not s.required
)
"""Fields offered once the core is filled (persona first, then stages; the method's order).
No name is both a persona and a stage field here, so a bare field name is enough."""


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
    """The next core gap in the method's order; on a complete map the first open optional
    gap (what could come next, never demanded); None when nothing is open at all."""
    complete: bool
    """True when every core slot is filled (or skipped: see `missing`)."""
    optional: list[str] = []
    """Optional fields (`OPTIONAL_FIELDS` names) with a gap still open, in the method's order."""

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
    return list(_gap_order(len(journey.stages), include_optional))


@functools.lru_cache(maxsize=64)
def _gap_order(stages: int, include_optional: bool) -> tuple[tuple[Gap, Slot], ...]:
    """The order depends on the number of stages only; a turn asks for it hundreds of times."""
    order: list[tuple[Gap, Slot]] = [(Gap.context(s.field), s) for s in CONTEXT_SLOTS]
    order += [(Gap.persona(s.field), s) for s in PERSONA_SLOTS]
    order.append((Gap.stages(), Slot("stages")))
    for number in range(1, stages + 1):
        order += [(Gap.of_stage(number, s.field), s) for s in STAGE_SLOTS]
    return tuple((k, s) for k, s in order if s.asked and (include_optional or s.required))


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
        next_gap=next_gap(journey) or next_gap(journey, optional=OPTIONAL_FIELDS),
        complete=all(not s.missing for s in sections) and bool(journey.stages),
        optional=open_optional(journey),
    )


def next_gap(
    journey: JourneyMap, after: str | None = None, optional: tuple[str, ...] | list[str] = ()
) -> Gap | None:
    """The first core gap that is neither filled nor skipped (optionally after a given gap);
    once the core is done, the first such gap of the optional fields named in `optional`."""
    chosen = set(optional)
    order = [k for k, s in gap_order(journey) if s.required]
    extra = [k for k, s in gap_order(journey) if not s.required and s.field in chosen]
    if any(not is_skipped(journey, k) and not filled(journey, k) for k in order):
        extra = []
    order += extra
    if after:
        start = Gap.parse(after)
        if start in order:
            i = order.index(start) + 1
            order = order[i:] + order[:i]
    for key in order:
        if not is_skipped(journey, key) and not filled(journey, key):
            return key
    return None


def open_optional(journey: JourneyMap) -> list[str]:
    """Optional fields with at least one gap neither filled nor skipped, in the method's order."""
    found: list[str] = []
    for key, slot in gap_order(journey):
        if slot.required or slot.field in found:
            continue
        if not is_skipped(journey, key) and not filled(journey, key):
            found.append(slot.field)
    return found


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
