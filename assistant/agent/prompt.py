"""What the model sees each turn: the system prompt with the map's state, and trimmed history.

The map is the memory. Each turn the system prompt carries a compact state: the section being
interviewed with its open and skipped gaps, the other sections' counts, every stage's pain
points with ids, and the ids of what waits for the user's decision. Items themselves are read
on demand with the `read_map` tool. History is a fixed character budget, newest first, so the
prompt stays about the same size whether the chat is 5 or 60 turns long.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from assistant import completeness, prompts
from assistant.guided import optional
from assistant.resources import prompts_dir
from assistant.schema import ContentIdea, Item, JourneyMap
from assistant.state import InterviewState
from tools.lean_status import core_gaps, section_label

HISTORY_CHARS = 400
"""A message longer than this is cut: its facts are on the map already."""
HISTORY_BUDGET = 400
"""Characters of chat history sent per request, newest first."""
MIN_HISTORY_CHARS = 150
ITEM_CHARS = 80
PAIN_CHARS = 36
IDEA_CHARS = 40
"""An idea waiting for a verdict shows its format and title, so the model can tell which one
the user keeps ("keep the cost one") without reading the map."""
PAINS = 24
WAITING = 12
SKIPPED = 10
SECTIONS = 6
CHOSEN = 8


@cache
def texts(name: str) -> dict[str, Any]:
    """A YAML file of `prompts/agent/` (recovery nudges, user-facing messages)."""
    with (prompts_dir() / "agent" / name).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"prompts/agent/{name} is not a mapping.")
    return data


def message(language: str, key: str, **values: Any) -> str:
    """A user-facing message in the interview language (English when missing)."""
    table = texts("messages.yaml")
    entry = table.get(language, {}).get(key) or table["en"][key]
    return prompts.fill(entry.strip(), **values)


def system_prompt(
    journey: JourneyMap,
    language: str,
    tools: set[str],
    proposals: list[str] | None = None,
    declined: list[str] | None = None,
    state: InterviewState | None = None,
) -> str:
    return prompts.render(
        "agent/system.md.j2",
        state=map_state(journey, proposals, declined, state).strip(),
        default_stages=", ".join(prompts.guided(language)["default_stages"]),
        knowledge="search" in tools,
        research="research_suggestions" in tools,
        language=language,
        language_name=message(language, "language_name"),
        address=message(language, "address") if language != "en" else "",
    )


def opening_instruction(journey: JourneyMap) -> str:
    started = bool(journey.context.company or journey.stages or journey.persona.name)
    return prompts.render("agent/opening.md.j2", started=started).strip()


def map_state(
    journey: JourneyMap,
    proposals: list[str] | None = None,
    declined: list[str] | None = None,
    state: InterviewState | None = None,
) -> str:
    """The compact, bounded state of the map for the system prompt.

    One gap format (`stage:2:relief`); skipped gaps are shown as skipped, never as open; every
    list is bounded; every stage's pain points are listed with ids (ideas can answer any of
    them). Text from research documents is never quoted here (the system role carries no
    document text): such items appear by id only, to be read with `read_map`."""
    st = completeness.status(journey)
    ctx = journey.context
    context = "; ".join(
        f"{k} = {cut(v, 50)}" for k, v in ctx.model_dump(exclude_none=True).items() if v
    )
    persona = "; ".join(
        f"{k} = {cut(getattr(journey.persona, k), 50)}"
        for k in ("name", "role", "tone")
        if getattr(journey.persona, k)
    )
    core = core_gaps(journey)
    open_by, skipped_by, labels = core.open_by, core.skipped_by, core.labels
    current = core.current
    stages = " | ".join(
        f"{n}. {cut(s.name, 40)} "
        + _progress(open_by.get(f"stage:{n}", []), skipped_by.get(f"stage:{n}", []))
        for n, s in enumerate(journey.stages, 1)
    )
    later = [  # the stages' own counts are on the stages line
        f"{labels[key]}: {len(gaps)}"
        for key, gaps in open_by.items()
        if key != current and key in ("context", "persona", "stages")
    ]
    skipped = [g for key, gaps in skipped_by.items() if key != current for g in gaps]
    return prompts.render(
        "agent/state.md.j2",
        map_name=journey.name,
        percent=st.percent,
        filled=st.filled,
        total=st.total,
        context=context,
        persona=persona,
        stages=stages,
        section=section_label(journey, current, labels),
        open_here=", ".join(open_by.get(current or "", [])),
        skipped_here=", ".join(skipped_by.get(current or "", [])),
        open_later=", ".join(later[:SECTIONS]) + (" ..." if len(later) > SECTIONS else ""),
        optional=_optional(journey, state),
        chosen=_chosen(journey, state),
        skipped=_bounded(skipped, SKIPPED),
        pains=_pains(journey),
        waiting=_waiting(journey, proposals or []),
        declined=_bounded(declined or [], WAITING),
    )


def history(messages: list[dict], turns: int) -> list[BaseMessage]:
    """The last `turns` user/assistant exchanges of the stored transcript, within a budget.

    The newest messages come first in the budget (the assistant's last question is what the
    user answers); older ones are cut shorter, then dropped. The map is the memory, so the
    prompt does not grow with the length of the chat."""
    chat = [m for m in messages if m.get("role") in ("user", "assistant")]
    kept = chat[-2 * turns :] if turns > 0 else []
    out: list[BaseMessage] = []
    budget = HISTORY_BUDGET
    for entry in reversed(kept):
        limit = min(HISTORY_CHARS, budget)
        if limit < MIN_HISTORY_CHARS:
            break
        text = cut(entry.get("content", ""), limit)
        budget -= len(text)
        out.append(HumanMessage(text) if entry["role"] == "user" else AIMessage(text))
    out.reverse()
    return out


def build(
    journey: JourneyMap,
    language: str,
    tools: set[str],
    past: list[dict],
    turns: int,
    user_text: str,
    proposals: list[str] | None = None,
    declined: list[str] | None = None,
    state: InterviewState | None = None,
) -> list[BaseMessage]:
    """The messages of one model request at the start of a turn."""
    return [
        SystemMessage(system_prompt(journey, language, tools, proposals, declined, state)),
        *history(past, turns),
        HumanMessage(user_text),
    ]


# helpers ------------------------------------------------------------------------------------
def cut(text: object, limit: int = ITEM_CHARS) -> str:
    """Text on one line, cut to `limit` characters with an ellipsis."""
    value = " ".join(str(text).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _bounded(values: list[str], limit: int) -> str:
    shown = ", ".join(values[:limit])
    return shown + (f" (+{len(values) - limit} more)" if len(values) > limit else "")


def _progress(open_gaps: list[str], skipped: list[str]) -> str:
    if not open_gaps:
        return "done" + (f" ({len(skipped)} skipped)" if skipped else "")
    return f"{len(open_gaps)} open" + (f", {len(skipped)} skipped" if skipped else "")


def _optional(journey: JourneyMap, state: InterviewState | None) -> str:
    """'declined', or the optional fields the code will offer (in the interview's words), or
    '' when the user already chose some."""
    if state is not None and state.optional_declined:
        return "declined"
    if state is not None and state.optional:
        return ""
    words = prompts.guided("en")
    still = set(completeness.open_optional(journey))
    return ", ".join(optional.label(words, f) for f in optional.OFFER_ORDER if f in still)


def _chosen(journey: JourneyMap, state: InterviewState | None) -> str:
    """The gaps of the optional fields the user chose that are still open (to ask, in order)."""
    if state is None or not state.optional:
        return ""
    keys = [
        str(key)
        for key, slot in completeness.gap_order(journey)
        if slot.field in state.optional
        and not completeness.filled(journey, key)
        and not completeness.is_skipped(journey, key)
    ]
    return _bounded(keys, CHOSEN)


def _quoted(item: Item) -> str:
    """An item's text for the system prompt; research-sourced text is never quoted there."""
    if item.provenance.source.value == "document":
        return "(from research: read_map to see)"
    return cut(item.text, PAIN_CHARS)


def _pains(journey: JourneyMap) -> list[str]:
    """Every stage's pain points with ids, marked with how many ideas answer each (the model
    offers ideas for the ones with none)."""
    ideas: dict[str, int] = {}
    for stage in journey.stages:
        for idea in stage.content_ideas:
            if idea.status != "rejected" and idea.pain_point_id:
                ideas[idea.pain_point_id] = ideas.get(idea.pain_point_id, 0) + 1
    lines = [
        f"{p.id} ({n}): {_quoted(p)}"
        + (" [suggestion]" if p.provenance.is_suggestion else "")
        + (f" [{ideas[p.id]} idea(s)]" if p.id in ideas else " [no ideas]")
        for n, stage in enumerate(journey.stages, 1)
        for p in stage.pain_points
    ]
    return lines[:PAINS] + (
        [f"... {len(lines) - PAINS} more: read_map"] if len(lines) > PAINS else []
    )


def _waiting(journey: JourneyMap, proposals: list[str]) -> str:
    """Ids of what waits for the user's decision: proposed ideas and pending suggestions."""
    ideas = [
        f'{i.id} {i.format} "{cut(i.text, IDEA_CHARS)}"'
        for s in journey.stages
        for i in s.content_ideas
        if i.status == "proposed"
    ]
    suggested = [
        i.id
        for lst in journey.all_lists()
        for i in lst
        if i.provenance.is_suggestion and not isinstance(i, ContentIdea)
    ]
    parts = []
    if ideas:
        parts.append(f"{len(ideas)} idea(s) {_bounded(ideas, WAITING)}")
    if suggested:
        parts.append(f"{len(suggested)} suggestion(s) {_bounded(suggested, WAITING)}")
    if proposals:
        parts.append("proposals " + _bounded(proposals, WAITING))
    return "; ".join(parts)
