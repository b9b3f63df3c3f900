"""The LLM idea generator: structured output from any LangChain chat model.

One request per pain point, grounded in the persona, the stage and its phase, the pain point
(its core, see `core.py`, beside the wording on the map) and its evidence, the customer's
question and goal at that stage, the map's purpose and the formats it names, and the format
cards that fit the stage (`prompts/ideas/llm.md.j2`). The answer is checked like user input:
ideas in a format that does not fit the stage, titles that open with a lead-in, a hedge or a
lower-case fragment, and ideas that repeat one already on the map (or earlier in the answer)
are dropped; titles are tidied like the patterns' (no doubled words or punctuation). When the
purpose names formats and the model gave fewer of them than the offline generator would
(two thirds), pattern ideas in those formats take the place of its last other ones.
When the model fails or returns too few usable ideas, the deterministic generator fills the
gap, so every pain point still gets its ideas and the reason is reported. A model that raised
(unreachable server, refused key, timeout after the client's retries) is not asked again for
the remaining pain points: the same failure would only repeat, slowly.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage
from pydantic import BaseModel, Field, ValidationError

from assistant import prompts
from assistant.ideas import dedupe, phases
from assistant.ideas.checks import checked_title, clip
from assistant.ideas.core import pain_core
from assistant.ideas.generate import (
    IdeaDraft,
    PainIdeas,
    StageIdeas,
    generate,
    pain_phrase,
    stage_formats,
)
from assistant.ideas.mix import PURPOSE_SHARE, format_mix
from assistant.language import NAMES
from assistant.schema import ContentFormat, JourneyMap

LANGUAGE_NAMES: dict[str, str] = {str(k): v for k, v in NAMES.items()}


class LLMIdea(BaseModel):
    """One content idea answering the pain point."""

    format: ContentFormat
    """The content format; only formats listed as fitting the stage."""
    title: str = Field(min_length=3, max_length=300)
    """Specific working title in the customer's wording."""
    angle: str = Field(default="", max_length=600)
    """The hook of the piece, one sentence."""
    question: str = Field(default="", max_length=400)
    """The customer question it answers."""
    channel: str = Field(default="", max_length=120)
    """Where it is published or sent, preferably one of the persona's channels."""


class LLMIdeas(BaseModel):
    """Content ideas for one pain point."""

    ideas: list[LLMIdea]
    """The ideas, each in a different format where possible."""


def generate_with_llm(
    journey: JourneyMap,
    llm: BaseChatModel,
    stage: str | int | None = None,
    formats: list[str] | None = None,
    per_pain: int = 3,
    top_up: bool = False,
    language: str | None = None,
    evidence: dict[str, str] | None = None,
) -> tuple[list[StageIdeas], list[str]]:
    """Idea drafts per stage and pain point from the model, plus the problems met.

    `evidence` maps citation ids (found in the pain points' provenance) to their text.
    The plan of the deterministic generator decides how many ideas each pain point needs
    and supplies any that the model could not.
    """
    lang = language or journey.language
    plans = generate(journey, stage, formats, per_pain, top_up, lang)
    problems: list[str] = []
    failed = False
    mix = format_mix(journey)
    for plan in plans:
        fit = stage_formats(plan.phases, mix, formats)
        purpose = [f for f in mix.purpose if f in fit]
        for group in plan.pains:
            want = len(group.drafts)
            if not want or failed:
                continue  # after a failure the pattern drafts stand (reported once, below)
            ideas, problem = _ask(llm, _prompt(journey, plan, group, fit, want, lang, evidence))
            if problem and problem.startswith(FAILED):
                failed = True
                problems.append(
                    f"Pain point '{pain_phrase(group.pain.text, lang)}': {problem}; the ideas for this "
                    "and the remaining pain points come from the idea patterns."
                )
                continue
            kept = _accept(journey, plan, group, ideas, fit, want, lang)
            kept = _purpose_mix(kept, group.drafts, purpose, want)
            if problem or len(kept) < want:
                problems.append(
                    f"Pain point '{pain_phrase(group.pain.text, lang)}': "
                    + (problem or f"the model gave {len(kept)} usable idea(s) of {want}")
                    + "; the rest come from the idea patterns."
                )
            seen = dedupe.Seen(d.title for d in kept)
            for draft in group.drafts:
                if len(kept) >= want:
                    break
                if draft.title not in seen:
                    kept.append(draft)
                    seen.add(draft.title)
            group.drafts = kept
    return plans, problems


def _prompt(
    journey: JourneyMap,
    plan: StageIdeas,
    group: PainIdeas,
    fit: dict[str, int],
    count: int,
    language: str,
    evidence: dict[str, str] | None,
) -> str:
    cards = [c for f, c in sorted(phases.format_cards().items()) if f in fit]
    stage = plan.stage
    ids = group.pain.provenance.evidence
    core = pain_core(group.pain.text, language)
    mix = format_mix(journey)
    drafts = group.drafts
    return prompts.render(
        "ideas/llm.md.j2",
        language_name=LANGUAGE_NAMES.get(language, "English"),
        persona=journey.persona.name,
        role=journey.persona.role,
        tone=journey.persona.tone,
        channels=[c.text for c in journey.persona.channels],
        product=journey.context.product,
        company=journey.context.company,
        stage=stage.name,
        phase=plan.phases.primary,
        questions=[q.text for q in stage.questions],
        milestone=next((m.text for m in stage.milestones), ""),
        goals=[g.text for g in stage.goals],
        purpose=journey.context.purpose,
        purpose_formats=[f for f in mix.purpose if f in fit],
        market=journey.context.market,
        asked=next((d.question for d in drafts if d.question), ""),
        core=core.text,
        pain=group.pain.text,
        severity=group.pain.severity,
        evidence=[f"[{i}] {(evidence or {}).get(i, '')}".strip() for i in ids],
        cards=cards,
        avoid=[i.text for i in stage.content_ideas],
        count=count,
    )


FAILED = "the model failed"
SCHEMA = LLMIdeas.model_json_schema()
"""The output schema as JSON Schema rather than the class: with the class, langchain-openai
lets the openai client validate the whole answer, so one idea in an unknown format would throw
away the good ones; with the schema we get the raw answer and validate idea by idea."""


def _ask(llm: BaseChatModel, prompt: str) -> tuple[list[LLMIdea], str | None]:
    """The model's ideas, validated one by one; a problem sentence when it failed."""
    messages = [HumanMessage(prompt)]
    try:
        try:
            out = llm.with_structured_output(SCHEMA, include_raw=True).invoke(messages)
        except NotImplementedError:
            # Models without tool calling: ask for plain JSON and read it ourselves.
            raw = llm.invoke(messages)
            return _from_raw(raw)
    except Exception as exc:  # the model or its client failed; patterns take over
        return [], f"{FAILED} ({type(exc).__name__}: {_short(exc)})"
    parsed = out.get("parsed") if isinstance(out, dict) else None
    if parsed is not None:
        return _validated(parsed)
    return _from_raw(out.get("raw") if isinstance(out, dict) else None)


def _short(exc: Exception) -> str:
    """The first line of an error, trimmed: client errors can carry whole response bodies."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return text[:200]


def _from_raw(raw: Any) -> tuple[list[LLMIdea], str | None]:
    """Ideas from a tool call's arguments or a JSON text, skipping invalid ones."""
    data: Any = None
    if isinstance(raw, AIMessage) and raw.tool_calls:
        data = raw.tool_calls[0].get("args")
    elif isinstance(raw, AIMessage):
        data = _json(raw.text)
    return _validated(data)


def _validated(data: Any) -> tuple[list[LLMIdea], str | None]:
    """The valid ideas of a parsed answer (`{"ideas": [...]}` or a bare list)."""
    items = data.get("ideas") if isinstance(data, dict) else data
    if not isinstance(items, list):
        return [], "the model's answer was not a list of ideas"
    ideas = []
    for item in items:
        try:
            ideas.append(LLMIdea.model_validate(item))
        except ValidationError:
            continue
    return ideas, None if ideas else "none of the model's ideas was valid"


def _json(text: str) -> Any:
    match = re.search(r"[\[{].*[\]}]", text or "", re.DOTALL)
    if not match:
        return None
    try:
        return json.loads(match.group(0))
    except json.JSONDecodeError:
        return None


def _purpose_mix(
    kept: list[IdeaDraft], drafts: list[IdeaDraft], purpose: list[str], want: int
) -> list[IdeaDraft]:
    """Two thirds of the ideas in the purpose's formats: pattern ideas in those formats
    replace the model's last other ones when it gave too few."""
    if not purpose or not kept:
        return kept
    quota = min(want, math.ceil(want * PURPOSE_SHARE))
    inside = [d for d in kept if d.format in purpose]
    if len(inside) >= quota:
        return kept
    seen = dedupe.Seen(d.title for d in kept)
    extra = [d for d in drafts if d.format in purpose and d.title not in seen]
    extra = extra[: quota - len(inside)]
    others = [d for d in kept if d.format not in purpose][: max(0, want - len(inside) - len(extra))]
    return inside + extra + others


def _accept(
    journey: JourneyMap,
    plan: StageIdeas,
    group: PainIdeas,
    ideas: list[LLMIdea],
    fit: dict[str, int],
    want: int,
    language: str = "en",
) -> list[IdeaDraft]:
    stage = plan.stage
    linked = [i.text for i in stage.content_ideas if i.pain_point_id == group.pain.id]
    seen = dedupe.Seen(linked)
    taken = {dedupe.key(i.text) for i in stage.content_ideas}
    taken |= {dedupe.key(d.title) for p in plan.pains if p is not group for d in p.drafts}
    fallback = {d.format: d for d in group.drafts}
    cards = phases.format_cards()
    kept: list[IdeaDraft] = []
    for idea in ideas:
        title, problem = checked_title(idea.title, language)
        if problem or idea.format not in fit or title in seen or dedupe.key(title) in taken:
            continue
        card = cards.get(idea.format)
        base = fallback.get(idea.format) or (group.drafts[0] if group.drafts else None)
        kept.append(
            IdeaDraft(
                stage_id=stage.id,
                pain_point_id=group.pain.id,
                format=idea.format,
                title=title,
                angle=clip(idea.angle, "angle"),
                question=clip(idea.question, "question") or (base.question if base else ""),
                cta=base.cta if base else "",
                channel=clip(idea.channel, "channel") or (base.channel if base else ""),
                card_id=card.card_id if card else None,
                evidence=([f"card:{card.card_id}"] if card else [])
                + list(group.pain.provenance.evidence),
            )
        )
        seen.add(title)
        taken.add(dedupe.key(title))
        if len(kept) >= want:
            break
    return kept
