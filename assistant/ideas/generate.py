"""The deterministic idea generator (guided, offline mode).

For every confirmed pain point of a stage it crosses the idea patterns of the map's language
(`prompts/ideas/<lang>.yaml`) with the formats that fit the stage (format knowledge cards, see
`phases.py`), fills them with the pain point's own wording, ranks the candidates and keeps the
best few of distinct formats, skipping anything already on the map (proposed, accepted or
rejected, so a rejected idea is never proposed again).

Ranking, highest first: format fits the stage's primary phase (+2) or a secondary one (+1);
the phase's preferred formats (+0..1); the format reaches the persona through one of its own
channels (+1); a pattern's strength (first pattern of a format best, -0.4 per step, +0.5 for a
pattern written for the stage's primary phase, e.g. a welcome series in onboarding); and
variety across a stage (-0.35 for each earlier pain point that already got that format).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from assistant.ideas import dedupe, phases
from assistant.ideas.patterns import Pattern, PatternSet, load, render
from assistant.schema import JourneyMap, PainPoint, Stage

MAX_PAIN_CHARS = 90


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
) -> list[StageIdeas]:
    """New idea drafts per stage and pain point (nothing is written to the map).

    `stage` limits to one stage (number, id or name); `formats` to some formats; `per_pain`
    is how many new ideas each pain point gets, or with `top_up` how many it should have in
    all (ideas already linked to it and not rejected count).
    """
    patterns = load(language or journey.language)
    numbers = (
        [journey.stages.index(journey.find_stage(stage)) + 1]
        if stage is not None
        else list(range(1, len(journey.stages) + 1))
    )
    return [_stage_ideas(journey, n, patterns, formats, per_pain, top_up) for n in numbers]


def _stage_ideas(
    journey: JourneyMap,
    number: int,
    patterns: PatternSet,
    formats: list[str] | None,
    per_pain: int,
    top_up: bool,
) -> StageIdeas:
    result = stage_context(journey, number)
    stage = result.stage
    pains = confirmed_pains(stage)
    if not pains:
        result.note = "no_pain_points"
        return result
    fit = phases.fitting_formats(result.phases)
    if formats:
        fit = {f: w for f, w in fit.items() if f in formats}
    if not fit:
        result.note = "no_formats"
        return result
    taken = {dedupe.key(i.text) for i in stage.content_ideas}
    used: Counter[str] = Counter()
    for pain in pains:
        linked = [i for i in stage.content_ideas if i.pain_point_id == pain.id]
        want = per_pain
        if top_up:
            active = [i for i in linked if i.status != "rejected" and i.format in fit]
            want = max(0, per_pain - len(active))
        seen = dedupe.Seen(i.text for i in linked)
        candidates = _candidates(journey, result, pain, patterns, fit, used)
        picked = _pick(candidates, want, seen, taken)
        used.update(d.format for d in picked)
        result.pains.append(PainIdeas(pain, picked))
    return result


def _candidates(
    journey: JourneyMap,
    result: StageIdeas,
    pain: PainPoint,
    patterns: PatternSet,
    fit: dict[str, int],
    used: Counter[str],
) -> list[IdeaDraft]:
    values = _values(journey, result.stage, pain, patterns)
    primary = result.phases.primary
    cta = _cta(result.stage) or patterns.cta.get(primary, "")
    question = _question(result.stage, pain) or render(patterns.fallback["question"], values)
    cards = phases.format_cards()
    drafts = []
    for fmt, weight in fit.items():
        channel, reaches = _channel(journey, fmt, patterns)
        for pattern in patterns.patterns.get(fmt, ()):
            if not _usable(pattern, result.phases, journey):
                continue
            score = (
                weight
                + phases.preference(primary, fmt)
                + (1.0 if reaches else 0.0)
                - 0.4 * pattern.rank
                + (0.5 if primary in pattern.phases else 0.0)
                - 0.35 * used[fmt]
            )
            card = cards.get(fmt)
            drafts.append(
                IdeaDraft(
                    stage_id=result.stage.id,
                    pain_point_id=pain.id,
                    format=fmt,
                    title=render(pattern.title, values),
                    angle=render(pattern.angle, values),
                    question=question,
                    cta=cta,
                    channel=channel,
                    card_id=card.card_id if card else None,
                    score=round(score, 3),
                    evidence=([f"card:{card.card_id}"] if card else [])
                    + list(pain.provenance.evidence),
                )
            )
    order = {f: i for i, f in enumerate(sorted(fit))}
    return sorted(drafts, key=lambda d: (-d.score, order[d.format], d.title))


def _pick(
    candidates: list[IdeaDraft], want: int, seen: dedupe.Seen, taken: set[str]
) -> list[IdeaDraft]:
    """The best `want` candidates, one per format first, then the next best of any format."""
    picked: list[IdeaDraft] = []

    def take(draft: IdeaDraft) -> None:
        picked.append(draft)
        seen.add(draft.title)
        taken.add(dedupe.key(draft.title))

    def fresh(draft: IdeaDraft) -> bool:
        return dedupe.key(draft.title) not in taken and draft.title not in seen

    formats_done: set[str] = set()
    for draft in candidates:
        if len(picked) >= want:
            return picked
        if draft.format not in formats_done and fresh(draft):
            take(draft)
            formats_done.add(draft.format)
    for draft in candidates:
        if len(picked) >= want:
            break
        if draft not in picked and fresh(draft):
            take(draft)
    return picked


def _usable(pattern: Pattern, found: phases.StagePhases, journey: JourneyMap) -> bool:
    if pattern.phases and not set(pattern.phases) & set(found.all):
        return False
    return not ("product" in pattern.needs and not journey.context.product)


def pain_phrase(text: str) -> str:
    """The pain point as a title fragment: one line, no closing punctuation, not too long."""
    clean = " ".join(text.split()).strip("\"'“”„«» ").rstrip(".!;:,")
    if len(clean) > MAX_PAIN_CHARS:
        clean = clean[:MAX_PAIN_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return clean


def _lower_first(text: str) -> str:
    # Keep acronyms and names ("CRM import fails", "GDPR rules") as written.
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _values(
    journey: JourneyMap, stage: Stage, pain: PainPoint, patterns: PatternSet
) -> dict[str, str]:
    phrase = pain_phrase(pain.text)
    role = journey.persona.role or ""
    return {
        "pain": _lower_first(phrase),
        "Pain": phrase[:1].upper() + phrase[1:],
        "lq": patterns.quote[0],
        "rq": patterns.quote[1],
        "product": journey.context.product or patterns.fallback.get("product", ""),
        "role": role if role and len(role) <= 80 else patterns.fallback.get("role", ""),
        "stage": stage.name,
        "milestone": _cta(stage) or "",
    }


def _cta(stage: Stage) -> str | None:
    """The stage's milestone: where this stage's content should move the customer."""
    facts = [m for m in stage.milestones if not m.provenance.is_suggestion]
    return facts[0].text if facts else None


def _question(stage: Stage, pain: PainPoint) -> str | None:
    """The stage question sharing most words with the pain point, if any shares one."""
    pain_words = {w for w in dedupe.words(pain.text) if len(w) >= 4}
    best, best_overlap = None, 0
    for question in stage.questions:
        overlap = len(pain_words & {w for w in dedupe.words(question.text) if len(w) >= 4})
        if overlap > best_overlap:
            best, best_overlap = question.text, overlap
    return best


def _channel(journey: JourneyMap, fmt: str, patterns: PatternSet) -> tuple[str, bool]:
    """The persona's own channel that suits the format, or the format's default channel."""
    keys = [k.casefold() for k in patterns.channel_words.get(fmt, ())]
    for item in journey.persona.channels:
        text = " ".join(re.findall(r"[\w-]+", item.text.casefold()))
        if any(re.search(rf"(?<![\w-]){re.escape(k)}", text) for k in keys):
            return item.text, True
    return patterns.channel.get(fmt, fmt), False
