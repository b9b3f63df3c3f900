"""`read_map`'s view of a map: every item with its id, one section or all."""

from __future__ import annotations

from typing import Any

from assistant.schema import PERSONA_LIST_FIELDS, STAGE_FIELDS, JourneyMap

TEXT_CHARS = 160


def map_lines(journey: JourneyMap, section: str) -> list[str]:
    """Lines for 'all', 'context', 'persona' or one stage (number, id or name)."""
    want = section.strip().casefold()
    lines: list[str] = []
    if want in ("all", "context"):
        ctx = journey.context.model_dump(exclude_none=True)
        lines += [f"context.{k}: {cut(v)}" for k, v in ctx.items()]
    if want in ("all", "persona"):
        persona = journey.persona
        lines += [
            f"persona.{k}: {cut(getattr(persona, k))}"
            for k in ("name", "role", "tone")
            if getattr(persona, k)
        ]
        for name in PERSONA_LIST_FIELDS:
            lines += [item_line(f"persona.{name}", i) for i in getattr(persona, name)]
    if want == "all":
        stages = journey.stages
    elif want in ("context", "persona"):
        stages = []
    else:
        stages = [journey.find_stage(section)]
    for stage in stages:
        number = journey.stages.index(stage) + 1
        lines.append(f"stage {number} [{stage.id}] {stage.name}")
        for name in STAGE_FIELDS:
            lines += [f"  {item_line(name, i)}" for i in getattr(stage, name)]
    return lines


def item_line(field_name: str, item: Any) -> str:
    extra = ""
    for key in ("score", "severity", "department", "trigger", "competitor_risk", "status"):
        value = getattr(item, key, None)
        if value not in (None, ""):
            extra += f" {key}={value}"
    prov = item.provenance
    mark = ""
    if prov.is_suggestion and getattr(item, "status", "proposed") == "proposed":
        mark = f" (suggestion from {prov.source.value})"  # a decided idea has its status
    elif prov.source.value == "document":
        mark = " (from research)"
    return f"{item.id} {field_name}: {cut(item.text)}{extra}{mark}"


def cut(value: object, limit: int = TEXT_CHARS) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
