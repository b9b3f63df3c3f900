"""The deterministic idea generator (guided, offline mode).

For every confirmed pain point of a stage it crosses the idea patterns of the map's language
(`prompts/ideas/<lang>.yaml`) with the formats that fit the stage (format knowledge cards, see
`phases.py`, plus the formats the map's purpose names, see `mix.py`), fills them with the pain
point's core (`core.py`: the problem without lead-ins, hedges and remarks), the customer's
question at that stage when one matches, the product and the stage's goal and milestone, ranks
the candidates and keeps the best few, skipping anything already on the map (proposed,
accepted or rejected, so a rejected idea is never proposed again). A pain point with no core
("Like I said") gets no ideas and the note `unclear`.

Ranking, highest first: format fits the stage's primary phase (+2) or a secondary one (+1);
the purpose names the format (+3); the market and the persona's role (`mix.py`, -1..+2); the
phase's preferred formats (+0..1); the format reaches the persona through one of its own
channels (+1); a pattern's strength (first pattern of a format best, -0.4 per step, +0.5 for a
pattern written for the stage's primary phase, e.g. a welcome series in onboarding, +0.6 for
one built on the customer's own question); variety across a stage (-0.35 for each earlier
pain point that already got that format) and across the map (-0.8 for each earlier use of the
same title pattern); and length (-0.05 per character past 90). When the purpose names
formats, two thirds of each pain point's ideas (rounded up) are in those formats.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from assistant.ideas import dedupe, phases
from assistant.ideas.core import pain_core
from assistant.ideas.fill import (
    customer_question,
    domain_words,
    milestone,
    pattern_values,
    persona_channel,
)
from assistant.ideas.mix import PURPOSE_SHARE, Mix, format_mix
from assistant.ideas.patterns import Pattern, PatternSet, load, render
from assistant.schema import LINE_MAX, NAME_MAX, JourneyMap, PainPoint, Stage


@dataclass
class IdeaDraft:
    """A generated idea, not yet on the map."""

    stage_id: str
    pain_point_id: str
    format: str
    title: str
    angle: str
    question: str
    cta: str
    channel: str
    card_id: str | None
    score: float = 0.0
    evidence: list[str] = field(default_factory=list)
    pattern: str = ""
    """`format:rank` of the title pattern it came from (empty for a model's idea)."""

    def __post_init__(self) -> None:
        # The schema's limits (a 600-character milestone must not make the idea invalid).
        self.angle = clip(self.angle, LINE_MAX)
        self.question = clip(self.question, LINE_MAX)
        self.cta = clip(self.cta, LINE_MAX)
        self.channel = clip(self.channel, NAME_MAX)

    def tool_args(self) -> dict[str, Any]:
        """Arguments of the `add_content_idea` tool for this draft (an assistant suggestion)."""
        return {
            "stage": self.stage_id,
            "format": self.format,
            "title": self.title,
            "angle": self.angle,
            "pain_point_id": self.pain_point_id,
            "question": self.question,
            "cta": self.cta,
            "channel": self.channel,
            "card_id": self.card_id,
            "source": "assistant",
            "evidence": self.evidence,
        }


@dataclass
class PainIdeas:
    """New ideas for one pain point."""

    pain: PainPoint
    drafts: list[IdeaDraft]
    note: str | None = None
    """`unclear` when the pain point holds no problem to build on (only a lead-in or remark)."""


@dataclass
class StageIdeas:
    """New ideas for one stage, grouped by pain point; `note` says why there are none."""

    number: int
    stage: Stage
    phases: phases.StagePhases
    pains: list[PainIdeas] = field(default_factory=list)
    note: str | None = None
    """`no_pain_points` or `no_formats` when the stage gets no ideas."""

    @property
    def drafts(self) -> list[IdeaDraft]:
        return [d for p in self.pains for d in p.drafts]


def confirmed_pains(stage: Stage) -> list[PainPoint]:
    """Pain points that are facts (not pending suggestions), most severe first."""
    pains = [p for p in stage.pain_points if not p.provenance.is_suggestion]
    return sorted(pains, key=lambda p: -p.severity)


def stage_context(journey: JourneyMap, number: int) -> StageIdeas:
    """An empty StageIdeas with the stage's phases worked out."""
    stage = journey.stages[number - 1]
    found = phases.stage_phases(stage.name, number - 1, len(journey.stages))
    return StageIdeas(number, stage, found)


def generate(
    journey: JourneyMap,
    stage: str | int | None = None,
    formats: list[str] | None = None,
    per_pain: int = 3,
    top_up: bool = False,
    language: str | None = None,
    pain_ids: set[str] | None = None,
) -> list[StageIdeas]:
    """New idea drafts per stage and pain point (nothing is written to the map).

    `stage` limits to one stage (number, id or name); `formats` to some formats; `per_pain`
    is how many new ideas each pain point gets, or with `top_up` how many it should have in
    all (ideas already linked to it and not rejected count); `pain_ids` limits to some pain
    points.
    """
    patterns = load(language or journey.language)
    numbers = (
        [journey.stages.index(journey.find_stage(stage)) + 1]
        if stage is not None
        else list(range(1, len(journey.stages) + 1))
    )
    mix = format_mix(journey)
    shapes: Counter[str] = Counter()  # title patterns used so far on this map: rotate them
    return [
        _stage_ideas(journey, n, patterns, formats, per_pain, top_up, mix, pain_ids, shapes)
        for n in numbers
    ]


def stage_formats(found: phases.StagePhases, mix: Mix, formats: list[str] | None) -> dict[str, int]:
    """Formats for a stage -> fit weight: the cards' fit, plus the purpose's formats (1)."""
    fit = phases.fitting_formats(found)
    for fmt in mix.purpose:
        fit.setdefault(fmt, 1)
    if formats:
        fit = {f: w for f, w in fit.items() if f in formats}
    return fit


def _stage_ideas(
    journey: JourneyMap,
    number: int,
    patterns: PatternSet,
    formats: list[str] | None,
    per_pain: int,
    top_up: bool,
    mix: Mix,
    pain_ids: set[str] | None,
    shapes: Counter[str],
) -> StageIdeas:
    result = stage_context(journey, number)
    stage = result.stage
    pains = confirmed_pains(stage)
    if not pains:
        result.note = "no_pain_points"
        return result
    fit = stage_formats(result.phases, mix, formats)
    if not fit:
        result.note = "no_formats"
        return result
    taken = {dedupe.key(i.text) for i in stage.content_ideas}
    used: Counter[str] = Counter()
    purpose = [f for f in mix.purpose if f in fit]
    for pain in pains:
        if pain_ids is not None and pain.id not in pain_ids:
            continue
        if not pain_core(pain.text, journey.language).usable:
            result.pains.append(PainIdeas(pain, [], note="unclear"))
            continue
        linked = [i for i in stage.content_ideas if i.pain_point_id == pain.id]
        want = per_pain
        if top_up:
            active = [i for i in linked if i.status != "rejected" and i.format in fit]
            want = max(0, per_pain - len(active))
        seen = dedupe.Seen(i.text for i in linked)
        candidates = _candidates(journey, result, pain, patterns, fit, used, mix, shapes)
        quota = math.ceil(want * PURPOSE_SHARE) if purpose else 0
        picked = _pick(candidates, want, seen, taken, set(purpose), quota)
        used.update(d.format for d in picked)
        shapes.update(d.pattern for d in picked)
        result.pains.append(PainIdeas(pain, picked))
    return result


def _candidates(
    journey: JourneyMap,
    result: StageIdeas,
    pain: PainPoint,
    patterns: PatternSet,
    fit: dict[str, int],
    used: Counter[str],
    mix: Mix,
    shapes: Counter[str],
) -> list[IdeaDraft]:
    values = pattern_values(journey, result.stage, pain, patterns)
    primary = result.phases.primary
    cta = milestone(result.stage) or patterns.cta.get(primary, "")
    question = (customer_question(result.stage, pain, domain_words(journey)) or "").strip()
    goal = render(patterns.fallback.get("angle_goal", ""), values) if values["goal"] else ""
    cards = phases.format_cards()
    drafts = []
    for fmt, weight in fit.items():
        channel, reaches = persona_channel(journey, fmt, patterns)
        for pattern in patterns.patterns.get(fmt, ()):
            if not _usable(pattern, result.phases, values):
                continue
            score = (
                weight
                + (3.0 if fmt in mix.purpose else 0.0)
                + mix.bonus.get(fmt, 0.0)
                + phases.preference(primary, fmt)
                + (1.0 if reaches else 0.0)
                - 0.4 * pattern.rank
                + (0.5 if primary in pattern.phases else 0.0)
                + (0.6 if "question" in pattern.needs else 0.0)
                - 0.35 * used[fmt]
            )
            title = headline(render(pattern.title, values))
            shape = f"{fmt}:{pattern.rank}"
            # Rotate a format's title patterns over the map, and prefer shorter headlines
            # when the pain point is long (past 90 characters a headline stops scanning).
            score -= 0.8 * shapes[shape] + 0.05 * max(0, len(title) - 90)
            card = cards.get(fmt)
            angle = render(pattern.angle, values)
            drafts.append(
                IdeaDraft(
                    stage_id=result.stage.id,
                    pain_point_id=pain.id,
                    format=fmt,
                    title=title,
                    angle=f"{angle} {goal}".strip() if len(angle) + len(goal) < LINE_MAX else angle,
                    question=question,
                    cta=cta,
                    channel=channel,
                    card_id=card.card_id if card else None,
                    score=round(score, 3),
                    pattern=shape,
                    evidence=([f"card:{card.card_id}"] if card else [])
                    + list(pain.provenance.evidence),
                )
            )
    order = {f: i for i, f in enumerate(sorted(fit))}
    return sorted(drafts, key=lambda d: (-d.score, order[d.format], d.title))


def _pick(
    candidates: list[IdeaDraft],
    want: int,
    seen: dedupe.Seen,
    taken: set[str],
    purpose: set[str] | None = None,
    quota: int = 0,
) -> list[IdeaDraft]:
    """The best `want` candidates: first `quota` in the purpose's formats, then the rest; in
    each part one per format first, then the next best of any format."""
    picked: list[IdeaDraft] = []

    def take(draft: IdeaDraft) -> None:
        picked.append(draft)
        seen.add(draft.title)
        taken.add(dedupe.key(draft.title))

    def fresh(draft: IdeaDraft) -> bool:
        return dedupe.key(draft.title) not in taken and draft.title not in seen

    def fill(pool: list[IdeaDraft], limit: int) -> None:
        formats_done = {d.format for d in picked}
        for draft in pool:
            if len(picked) >= limit:
                return
            if draft.format not in formats_done and fresh(draft):
                take(draft)
                formats_done.add(draft.format)
        for draft in pool:
            if len(picked) >= limit:
                return
            if draft not in picked and fresh(draft):
                take(draft)

    if purpose and quota:
        fill([d for d in candidates if d.format in purpose], min(quota, want))
        fill([d for d in candidates if d.format not in purpose], want)
    fill(candidates, want)
    return picked


def _usable(pattern: Pattern, found: phases.StagePhases, values: dict[str, str]) -> bool:
    if pattern.phases and not set(pattern.phases) & set(found.all):
        return False
    return all(values.get(f"has_{need}") for need in pattern.needs)


def clip(text: str, limit: int) -> str:
    """`text` within `limit` characters: cut after the last whole sentence, or else the last
    whole word, that fits (with "…"); text within the limit is returned as it is."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    end = max(head.rfind(". "), head.rfind("; "))
    if end > limit // 2:
        return head[: end + 1]
    return head.rsplit(" ", 1)[0].rstrip(",;:") + "…"


def pain_phrase(text: str, language: str = "en") -> str:
    """The pain point as shown beside its ideas: its core, or the text as written when it has
    no core (so the user sees what to rephrase)."""
    core = pain_core(text, language)
    return core.text if core.usable else " ".join(text.split())


_DOUBLED = re.compile(r"\b(\w+)(\W+)\1\b", re.IGNORECASE)


def headline(title: str) -> str:
    """Tidy a rendered title: no doubled word ("the the"), no doubled or clashing
    punctuation ("?:", "??"), one space between words."""
    text = " ".join(title.split())
    text = _DOUBLED.sub(lambda m: m.group(1) if m.group(2).strip() == "" else m.group(0), text)
    text = re.sub(r"([?!])\s*[:?.]+", r"\1", text)
    text = re.sub(r"\s+([?:!,.])", r"\1", text)
    return text
