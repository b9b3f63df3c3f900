"""What the model sees each turn: the system prompt with the map's state, and trimmed history.

The map is the memory. Each turn the system prompt carries the completeness status (what is
filled, what is missing, the next gap), a compact summary of the map and, in detail with ids,
only the section being interviewed plus the suggestions awaiting approval. Older chat turns
are dropped (only the last `settings.history_turns` turns are sent, each cut to a bounded
length), so the prompt stays about the same size whether the chat is 5 or 60 turns long.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from assistant import completeness, prompts
from assistant.resources import prompts_dir
from assistant.schema import PERSONA_LIST_FIELDS, STAGE_FIELDS, Item, JourneyMap

HISTORY_CHARS = 1500
"""An old message longer than this is cut: its facts are on the map already."""
ITEM_CHARS = 80
FOCUS_ITEMS = 40
SUGGESTIONS = 12


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


def system_prompt(journey: JourneyMap, language: str, tools: set[str]) -> str:
    return prompts.render(
        "agent/system.md.j2",
        state=map_state(journey).strip(),
        knowledge="search_knowledge" in tools,
        research="research_evidence" in tools,
        language=language,
        language_name=message(language, "language_name"),
    )


def opening_instruction(journey: JourneyMap) -> str:
    started = bool(journey.context.company or journey.stages or journey.persona.name)
    return prompts.render("agent/opening.md.j2", started=started).strip()


def map_state(journey: JourneyMap) -> str:
    """The compact, bounded state of the map for the system prompt."""
    st = completeness.status(journey)
    ctx = journey.context
    context = "; ".join(
        f"{k} = {_cut(v)}"
        for k, v in (
            ("company", ctx.company),
            ("product", ctx.product),
            ("market", ctx.market),
            ("purpose", ctx.purpose),
            ("destination", ctx.destination),
        )
        if v
    )
    persona = "; ".join(
        f"{k} = {_cut(v)}"
        for k, v in (
            ("name", journey.persona.name),
            ("role", journey.persona.role),
            ("tone", journey.persona.tone),
        )
        if v
    )
    stages = ", ".join(f"{i}. {s.name} [{s.id}]" for i, s in enumerate(journey.stages, 1))
    sections = [
        f"{s.label}: {s.filled}/{s.total}"
        + (f", missing {', '.join(s.missing)}" if s.missing else ", done")
        for s in st.sections
    ]
    focus_label, focus = _focus(journey, st.next_gap)
    return prompts.render(
        "agent/state.md.j2",
        map_name=journey.name,
        status_line=st.line(),
        context=context,
        persona=persona,
        stages=stages,
        sections=sections,
        next_gap=st.next_gap,
        next_label=_gap_label(journey, st.next_gap),
        focus_label=focus_label,
        focus=focus,
        suggestions=_suggestions(journey),
        skipped=", ".join(journey.skipped[-20:]),
    )


def history(messages: list[dict], turns: int) -> list[BaseMessage]:
    """The last `turns` user/assistant exchanges of the stored transcript, cut to size."""
    chat = [m for m in messages if m.get("role") in ("user", "assistant")]
    kept = chat[-2 * turns :] if turns > 0 else []
    out: list[BaseMessage] = []
    for entry in kept:
        text = _cut(entry.get("content", ""), HISTORY_CHARS)
        out.append(HumanMessage(text) if entry["role"] == "user" else AIMessage(text))
    return out


def build(
    journey: JourneyMap,
    language: str,
    tools: set[str],
    past: list[dict],
    turns: int,
    user_text: str,
) -> list[BaseMessage]:
    """The messages of one model request at the start of a turn."""
    return [
        SystemMessage(system_prompt(journey, language, tools)),
        *history(past, turns),
        HumanMessage(user_text),
    ]


# helpers ------------------------------------------------------------------------------------
def _cut(text: object, limit: int = ITEM_CHARS) -> str:
    value = " ".join(str(text).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _line(item: Item) -> str:
    extra = "".join(f" {key}={_cut(value, 200)}" for key, value in item.details().items())
    mark = " (suggestion)" if item.provenance.is_suggestion else ""
    return f"{item.id}: {_cut(item.text)}{extra}{mark}"


def _focus(journey: JourneyMap, gap: str | None) -> tuple[str, list[str]]:
    """Items of the section being interviewed (persona, or the stage of the next gap)."""
    if gap is None or gap.startswith("context") or gap == "stages":
        return "", []
    if gap.startswith("persona"):
        lines = [
            f"{field} / {_line(item)}"
            for field in PERSONA_LIST_FIELDS
            for item in getattr(journey.persona, field)
        ]
        return "the persona", lines[-FOCUS_ITEMS:]
    number = completeness.stage_of(gap)
    if number is None or number > len(journey.stages):
        return "", []
    stage = journey.stages[number - 1]
    lines = [f"{field} / {_line(item)}" for field in STAGE_FIELDS for item in getattr(stage, field)]
    return f"stage {number} ({stage.name})", lines[-FOCUS_ITEMS:]


def _suggestions(journey: JourneyMap) -> list[str]:
    pending = [item for lst in journey.all_lists() for item in lst if item.provenance.is_suggestion]
    return [_line(item) for item in pending[-SUGGESTIONS:]]


def _gap_label(journey: JourneyMap, gap: str | None) -> str:
    number = completeness.stage_of(gap)
    if number and number <= len(journey.stages):
        return f"stage {number}: {journey.stages[number - 1].name}"
    return ""
