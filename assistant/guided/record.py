"""Writing read facts to the map through the tools, and the short numbered list of what was
recorded where ('1. Pain point (Shortlist): shipping is slow (high)'), so one short reply can
fix an item ('remove 2', '2 is a pain point')."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant import prompts
from assistant.guided import lexicon
from assistant.guided.facts import Fact
from assistant.state import RecordedItem

if TYPE_CHECKING:
    from assistant.guided.answers import AnswerWriter


Ref = RecordedItem
"""One recorded value, numbered in the echo (kept in the interview state)."""


def _ids(writer: AnswerWriter, section: str, field: str, stage: int | None) -> list[str]:
    journey = writer.session.map
    if section == "persona":
        return [i.id for i in getattr(journey.persona, field, [])]
    if section == "stage" and stage and stage <= len(journey.stages):
        return [i.id for i in getattr(journey.stages[stage - 1], field)]
    return []


def write_facts(writer: AnswerWriter, facts: list[Fact], stage: int | None) -> list[Ref]:
    """Record every fact (grouped per field, one tool call each) and return what was recorded."""
    refs: list[Ref] = []
    t = writer.t
    groups: dict[tuple[str, str], list[Fact]] = {}
    for fact in facts:
        groups.setdefault((fact.section, fact.field), []).append(fact)
    for (section, field), group in groups.items():
        if section in ("context", "persona") and all(isinstance(f.value, str) for f in group):
            fact = group[-1]
            fact.value = " ".join(str(fact.value).split())
            if fact.extra.get("if_empty") and getattr(getattr(writer.session.map, section), field):
                continue
            tool = "set_context" if section == "context" else "set_persona"
            before = writer.ok_count
            writer._call(tool, {field: fact.value}, lambda _: "")
            if writer.ok_count > before:
                label = t[f"{section}_fields"][field]
                value = fact.value.upper() if field == "market" else fact.value
                refs.append(Ref(section=section, field=field, label=label, shown=str(value)))
            continue
        if section == "stages":
            continue
        before_ids = set(_ids(writer, section, field, stage))
        if section == "persona":
            items = [writer._items([str(f.value["text"])])[0] for f in group]
            for start in range(0, len(items), 50):
                chunk = items[start : start + 50]
                writer._call("add_persona_items", {"field": field, "items": chunk}, lambda _: "")
        elif field == "decision_points":
            for f in group:
                risk = f.extra.get("risk") or "medium"
                args = {"stage": str(stage), **f.value, "competitor_risk": risk}
                args["likely_action"] = args["likely_action"] or t["words"].get(
                    "not_stated", "not stated yet"
                )
                writer._call("add_decision_point", args, lambda _: "")
        else:
            values: list[dict[str, Any]] = [dict(f.value) for f in group]
            for value in values:
                value["text"] = writer._items([str(value["text"])])[0]
            for start in range(0, len(values), 50):
                rows = values[start : start + 50]
                args = {"stage": str(stage), "field": field, "items": rows}
                writer._call("add_stage_items", args, lambda _: "")
            if field == "pain_points" and stage and stage not in writer.pain_stages:
                writer.pain_stages.append(stage)
        added = [i for i in _ids(writer, section, field, stage) if i not in before_ids]
        refs.extend(_refs(writer, section, field, stage, added))
    writer.sentences = [s for s in writer.sentences if s]
    return refs


def _refs(
    writer: AnswerWriter, section: str, field: str, stage: int | None, ids: list[str]
) -> list[Ref]:
    journey = writer.session.map
    t = writer.t
    out = []
    if section == "persona":
        items = {i.id: i for i in getattr(journey.persona, field)}
        label = t["persona_fields"][field]
    else:
        current = journey.stages[(stage or 1) - 1]
        items = {i.id: i for i in getattr(current, field)}
        label = f"{t['stage_fields'][field]} ({current.name})"
    for item_id in ids:
        shown = show(items[item_id], field, t)
        out.append(
            Ref(
                section=section, field=field, item_id=item_id, stage=stage, label=label, shown=shown
            )
        )
    return out


def show(item: Any, field: str, t: dict[str, Any]) -> str:
    """An item as the echo shows it, in the interview's language."""
    words = lexicon.data(t.get("language", "en")).get("say", {})
    text = shorten(str(getattr(item, "text", "")), 90)
    if field == "touchpoints" and getattr(item, "department", None):
        return f"{text} ({item.department})"
    if field == "emotions":
        return f"{text} ({item.score:+d})"
    if field == "pain_points":
        level = words.get("severity", {}).get(item.severity, "")
        return f"{text} ({level})" if level else text
    if field == "milestones" and getattr(item, "trigger", None):
        return f"{text} <- {shorten(item.trigger, 60)}"
    if field == "decision_points":
        risk = words.get("risk", {}).get(item.competitor_risk, item.competitor_risk)
        cond, action = shorten(item.condition, 60), shorten(item.likely_action, 60)
        return prompts.fill(
            words.get("decision", "if {condition} -> {action} ({risk})"),
            condition=cond,
            action=action,
            risk=risk,
        )
    return text


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary, never mid-word."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return f"{cut}…"


def echo(refs: list[Ref], t: dict[str, Any]) -> str:
    """'Recorded:' and the numbered list, with how to fix one item."""
    if not refs:
        return ""
    words = lexicon.data(t.get("language", "en")).get("say", {})
    if len({ref.label for ref in refs}) == 1:
        lines = [prompts.fill(words.get("recorded_in", "Recorded {what}:"), what=refs[0].label)]
        lines += [f"{n}. {ref.shown}" for n, ref in enumerate(refs, 1)]
    else:
        lines = [words.get("recorded", "Recorded:")]
        lines += [f"{n}. {ref.label}: {ref.shown}" for n, ref in enumerate(refs, 1)]
    if len(refs) > 1 or refs[0].item_id:
        lines.append(words.get("fix_hint", "(To fix one: 'remove 2', '2 is a pain point'.)"))
    return "\n".join(lines)
