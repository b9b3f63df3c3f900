"""What an eval measures: how much of the brief reached the map, what the map holds that the
user never said, and how well the interview went (turns, repeats, citations, errors)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field

from assistant.completeness import (
    ASKED_STAGE_FIELDS,
    CONTEXT_FIELDS,
    CORE_STAGE_FIELDS,
    PERSONA_SLOTS,
)
from assistant.evals.fuzzy import matches, normalise, similarity
from assistant.evals.phrasing import strip_if
from assistant.evals.scenario import Scenario
from assistant.gap import Gap
from assistant.schema import JourneyMap, Source

CONTEXT = CONTEXT_FIELDS
PERSONA_SINGLE = ("name", "role", "tone")
PERSONA_LISTS = ("quantitative", "qualitative", "goals", "challenges", "channels")
STAGE_LISTS = ASKED_STAGE_FIELDS
PERSONA_CORE = tuple(s.field for s in PERSONA_SLOTS if s.required)


def is_core(where: str) -> bool:
    """Whether a fact's place is part of a map's core (`completeness`)."""
    g = Gap.parse(where)
    if g.section == "persona":
        return str(g.field) in PERSONA_CORE
    if g.section == "stage":
        return str(g.field) in CORE_STAGE_FIELDS
    return True


@dataclass(frozen=True)
class Fact:
    """One item of the brief or of the map, with where it sits and its detail."""

    where: str
    """`context:company`, `persona:goals`, `stages`, or `stage:N:touchpoints`."""
    text: str
    detail: str | None = None
    """Department, emotion score, severity or competitor risk, as text."""

    @property
    def part(self) -> str:
        """The field kind for per-field recall: `context`, `persona`, `stages`, `touchpoints`..."""
        g = Gap.parse(self.where)
        return str(g.field) if g.section == "stage" else g.section


def brief_facts(scenario: Scenario, if_words: list[str]) -> list[Fact]:
    """Every item the simulated user knows."""
    facts = [Fact(f"context:{f}", v) for f in CONTEXT if (v := getattr(scenario.context, f))]
    p = scenario.persona
    facts += [Fact(f"persona:{f}", v) for f in PERSONA_SINGLE if (v := getattr(p, f))]
    facts += [Fact(f"persona:{f}", v) for f in PERSONA_LISTS for v in getattr(p, f)]
    facts += [Fact("stages", s.name) for s in scenario.stages]
    for n, stage in enumerate(scenario.stages, 1):
        for field in STAGE_LISTS:
            for item in getattr(stage, field):
                facts.append(_brief_item(f"stage:{n}:{field}", item, if_words))
    return facts


def _brief_item(where: str, item: object, if_words: list[str]) -> Fact:
    if isinstance(item, str):
        return Fact(where, item)
    kind = str(Gap.parse(where).field)
    if kind == "decision_points":
        cond = strip_if(item.condition, if_words)  # type: ignore[attr-defined]
        return Fact(where, f"{cond} {item.likely_action}", item.competitor_risk)  # type: ignore[attr-defined]
    detail = {"touchpoints": "department", "emotions": "score", "pain_points": "severity"}[kind]
    value = getattr(item, detail)
    return Fact(where, item.text, None if value is None else str(value))  # type: ignore[attr-defined]


def map_facts(journey: JourneyMap) -> list[Fact]:
    """Every item the map records as the user's fact (context values, persona, stages, and
    items with provenance source `user` that are not pending suggestions)."""
    facts = [Fact(f"context:{f}", v) for f in CONTEXT if (v := getattr(journey.context, f))]
    p = journey.persona
    facts += [Fact(f"persona:{f}", v) for f in PERSONA_SINGLE if (v := getattr(p, f))]
    facts += [Fact(f"persona:{f}", i.text) for f in PERSONA_LISTS for i in getattr(p, f) if _own(i)]
    facts += [Fact("stages", s.name) for s in journey.stages if _own(s)]
    for n, stage in enumerate(journey.stages, 1):
        for field in STAGE_LISTS:
            for item in getattr(stage, field):
                if _own(item):
                    facts.append(_map_item(f"stage:{n}:{field}", item))
    return facts


def _own(item: object) -> bool:
    prov = item.provenance  # type: ignore[attr-defined]
    return prov.source == Source.user and not prov.is_suggestion


def _map_item(where: str, item: object) -> Fact:
    kind = str(Gap.parse(where).field)
    if kind == "decision_points":
        text = f"{item.condition} {item.likely_action}"  # type: ignore[attr-defined]
        return Fact(where, text, item.competitor_risk)  # type: ignore[attr-defined]
    attr = {"touchpoints": "department", "emotions": "score", "pain_points": "severity"}.get(kind)
    value = getattr(item, attr) if attr else None
    return Fact(where, item.text, None if value is None else str(value))  # type: ignore[attr-defined]


class Recall(BaseModel):
    recalled: int
    total: int
    detail_checked: int
    detail_correct: int
    by_part: dict[str, float] = Field(default_factory=dict)
    missed: list[str] = Field(default_factory=list)


def stage_alignment(scenario: Scenario, journey: JourneyMap) -> dict[int, int]:
    """Brief stage number -> map stage number: by name when a map stage matches, else by
    position (a user may accept other names for the same stages)."""
    aligned: dict[int, int] = {}
    used: set[int] = set()
    for n, stage in enumerate(scenario.stages, 1):
        best = max(
            ((similarity(stage.name, m.name), i) for i, m in enumerate(journey.stages, 1)),
            default=(0.0, 0),
        )
        if best[0] >= 0.8 and best[1] not in used:
            aligned[n] = best[1]
        elif n <= len(journey.stages) and n not in used:
            aligned[n] = n
        if n in aligned:
            used.add(aligned[n])
    return aligned


def recall(
    scenario: Scenario, journey: JourneyMap, if_words: list[str], core_only: bool = False
) -> Recall:
    """Brief items found in the same place on the map (the same stage and field); with
    `core_only`, only the brief's items of core fields count."""
    aligned = stage_alignment(scenario, journey)
    found: dict[str, list[Fact]] = {}
    for fact in map_facts(journey):
        found.setdefault(fact.where, []).append(fact)
    per_part: dict[str, list[int]] = {}
    recalled = checked = correct = 0
    missed = []
    facts = brief_facts(scenario, if_words)
    if core_only:
        facts = [f for f in facts if is_core(f.where)]
    for fact in facts:
        where = fact.where
        if where.startswith("stage:"):
            g = Gap.parse(where)
            target = aligned.get(g.stage or 0)
            where = Gap.of_stage(target, str(g.field)) if target else ""
        hit = _best(fact, found.get(where, []))
        tally = per_part.setdefault(fact.part, [0, 0])
        tally[1] += 1
        if hit is None:
            missed.append(f"{fact.where}: {fact.text}")
            continue
        recalled += 1
        tally[0] += 1
        if fact.detail is not None:
            checked += 1
            correct += int(_same_detail(fact.detail, hit.detail))
    return Recall(
        recalled=recalled,
        total=len(facts),
        detail_checked=checked,
        detail_correct=correct,
        by_part={k: v[0] / v[1] for k, v in per_part.items()},
        missed=missed,
    )


def _best(fact: Fact, candidates: list[Fact]) -> Fact | None:
    scored = [(similarity(fact.text, c.text, 0.8), c) for c in candidates]
    scored = [s for s in scored if s[0] >= 0.8]
    return max(scored, key=lambda s: s[0])[1] if scored else None


def _same_detail(expected: str, got: str | None) -> bool:
    return got is not None and (expected.casefold() == got.casefold() or matches(expected, got))


def invented(scenario: Scenario, journey: JourneyMap, if_words: list[str]) -> list[str]:
    """Map items recorded as the user's facts that match nothing anywhere in the brief."""
    brief = brief_facts(scenario, if_words)
    made_up = []
    for fact in map_facts(journey):
        # The same kind of field first: most items match there, and `any` stops early.
        ordered = [b for b in brief if b.part == fact.part] + [
            b for b in brief if b.part != fact.part
        ]
        if not any(matches(fact.text, b.text) for b in ordered):
            made_up.append(f"{fact.where}: {fact.text}")
    return made_up


CLEAN = 0.85
"""Whole-item similarity at or above which a recorded item is clean (nothing attached)."""


class Placement(BaseModel):
    """The map's user facts judged against the brief, place by place."""

    garbage: list[str] = Field(default_factory=list)
    """Items that match no brief item in the same stage and field: hedges, fragments,
    commands recorded as facts, facts in the wrong field, made-up facts."""
    clean: int = 0
    """Items whose whole text is close to a brief item of that place (no hedge attached)."""
    total: int = 0


def placement(scenario: Scenario, journey: JourneyMap, if_words: list[str]) -> Placement:
    """Every user fact on the map against the brief items of the same place."""
    aligned = stage_alignment(scenario, journey)
    brief: dict[str, list[Fact]] = {}
    for fact in brief_facts(scenario, if_words):
        where = fact.where
        if where.startswith("stage:"):
            g = Gap.parse(where)
            target = aligned.get(g.stage or 0)
            where = Gap.of_stage(target, str(g.field)) if target else ""
        brief.setdefault(where, []).append(fact)
    result = Placement()
    for fact in map_facts(journey):
        result.total += 1
        there = brief.get(fact.where, [])
        if not any(matches(fact.text, b.text) for b in there):
            result.garbage.append(f"{fact.where}: {fact.text}")
            continue
        whole = max(_whole(fact.text, b.text) for b in there)
        result.clean += int(whole >= CLEAN)
    return result


def _whole(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return float(fuzz.ratio(normalise(a), normalise(b))) / 100.0


def ideas(journey: JourneyMap) -> tuple[int, int, int]:
    """(content ideas, pain points, ideas linked to a pain point that exists on the map)."""
    pains = {p.id for s in journey.stages for p in s.pain_points}
    all_ideas = [i for s in journey.stages for i in s.content_ideas]
    linked = sum(1 for i in all_ideas if i.pain_point_id in pains)
    return len(all_ideas), len(pains), linked
