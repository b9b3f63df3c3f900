"""What an idea pattern is filled with for one pain point: its core, the customer's question
it answers, the stage's goal and milestone, the product, the persona's role and channel."""

from __future__ import annotations

import re

from assistant.ideas.core import key_words, lower_first, pain_core
from assistant.ideas.patterns import PatternSet
from assistant.schema import JourneyMap, PainPoint, Stage


def _clean_question(text: str, language: str) -> str:
    core = pain_core(text, language)
    if not core.usable:
        return ""
    return core.capitalised + "?"


def pattern_values(
    journey: JourneyMap, stage: Stage, pain: PainPoint, patterns: PatternSet
) -> dict[str, str]:
    core = pain_core(pain.text, journey.language)
    role = journey.persona.role or ""
    question = customer_question(stage, pain, domain_words(journey))
    goal = next((g.text for g in stage.goals if not g.provenance.is_suggestion), "")
    goal_core = pain_core(goal, journey.language) if goal else None
    asked = _clean_question(question, journey.language) if question else ""
    return {
        "has_product": journey.context.product or "",
        "has_question": asked,
        "has_goal": goal,
        "pain": core.lowered,
        "Pain": core.capitalised,
        "question": asked,
        "Question": asked,
        "goal": lower_first(goal_core.text) if goal_core and goal_core.usable else "",
        "lq": patterns.quote[0],
        "rq": patterns.quote[1],
        "product": journey.context.product or patterns.fallback.get("product", ""),
        "role": role if role and len(role) <= 80 else patterns.fallback.get("role", ""),
        "stage": stage.name,
        "milestone": milestone(stage) or "",
    }


def milestone(stage: Stage) -> str | None:
    """The stage's milestone: where this stage's content should move the customer."""
    facts = [m for m in stage.milestones if not m.provenance.is_suggestion]
    return facts[0].text if facts else None


def _stems(text: str) -> set[str]:
    """Key words cut to five letters, so inflected forms meet ("cenniki"/"cenników")."""
    return {w[:5] if len(w) > 6 else w for w in key_words(text)}


def domain_words(journey: JourneyMap) -> set[str]:
    """Words of the company and product: on a patching tool's map "patch" is in everything."""
    return _stems(f"{journey.context.company or ''} {journey.context.product or ''}")


def customer_question(stage: Stage, pain: PainPoint, domain: set[str] | None = None) -> str | None:
    """The customer question this pain point answers: among the stage's questions that share
    key words with it, the one sharing most, provided no other pain point of the stage shares
    more with that question (a question belongs to the pain point it is about). The company's
    and product's own words count only when two or more words are shared (on a patching tool's
    map one shared "patch" says nothing; "fresh food" in a fresh-food question does)."""
    pains = [p for p in stage.pain_points if not p.provenance.is_suggestion] or [pain]
    domain = domain or set()

    def overlap(a: set[str], b: set[str]) -> int:
        shared = a & b
        return len(shared) if len(shared) >= 2 else len(shared - domain)

    mine = _stems(pain.text)
    best, best_overlap = None, 0
    for question in stage.questions:
        if question.provenance.is_suggestion:
            continue
        asked = _stems(question.text)
        score = overlap(mine, asked)
        if score == 0 or any(overlap(_stems(p.text), asked) > score for p in pains):
            continue
        if score > best_overlap:
            best, best_overlap = question.text, score
    return best


def persona_channel(journey: JourneyMap, fmt: str, patterns: PatternSet) -> tuple[str, bool]:
    """The persona's own channel that suits the format, or the format's default channel."""
    keys = [k.casefold() for k in patterns.channel_words.get(fmt, ())]
    for item in journey.persona.channels:
        text = " ".join(re.findall(r"[\w-]+", item.text.casefold()))
        if any(re.search(rf"(?<![\w-]){re.escape(k)}", text) for k in keys):
            return item.text, True
    return patterns.channel.get(fmt, fmt), False
