"""What one `update_map` operation does to a map, and which operations need the user's OK.

Each operation is carried out by the map tools' own mutations (`tools/map_tools.py`, the
functions the guided engine's tools use), so the lean interface adds no second way of
changing a map: `tools/lean.py` runs the operations inside one `ToolContext.apply`.
"""

from __future__ import annotations

from assistant.schema import (
    ITEM_TYPES,
    PERSONA_LIST_FIELDS,
    STAGE_FIELDS,
    DecisionPoint,
    Item,
    JourneyMap,
    Provenance,
    Source,
    Stage,
)
from tools import map_args as a
from tools import map_tools as m
from tools.context import ToolError
from tools.lean_args import LIST_FIELDS, SET_FIELDS, ItemIn, Op
from tools.results import Outcome

READ_IDS = "Take ids from read_map (a stage itself: give stage, no ids)."
"""What a model is told when a reference does not resolve."""


def resolve(journey: JourneyMap, op: Op) -> Op:
    """The operation with a stage given by number or name as its target: `edit`, `remove` and
    `move` with `stage` and no `ids` act on that stage (rename, remove, move it), so a model
    needs no `read_map` call for a stage command."""
    if op.op not in ("edit", "remove", "move") or op.ids or not op.stage:
        return op
    try:
        stage = journey.find_stage(op.stage)
    except KeyError as exc:
        raise ToolError(str(exc.args[0])) from exc
    return op.model_copy(update={"ids": [stage.id], "stage": None})


def run(journey: JourneyMap, op: Op) -> str:
    """Apply one operation to `journey` (a working copy); one sentence, or ToolError."""
    op = resolve(journey, op)
    if op.op == "set":
        return _set(journey, op)
    if op.op == "add":
        return _add(journey, op)
    if op.op == "edit":
        return _edit(journey, op)
    if op.op == "remove":
        return _remove(journey, op)
    return _move(journey, op)


def needs_confirmation(journey: JourneyMap, op: Op) -> str | None:
    """What the operation would remove or replace of the user's own content (None if nothing).

    Removing a stage or an item that is a fact (given by the user or accepted), or rewording
    one, waits for the user's approval; suggestions can be dropped or changed freely."""
    if op.op not in ("remove", "edit"):
        return None
    found: list[str] = []
    for ref in op.ids[:1] if op.op == "edit" else op.ids:
        target = _find(journey, ref)
        if target is None or target.provenance.is_suggestion:
            continue
        if op.op == "edit" and not (op.items and op.items[0].text):
            continue  # only a detail (score, department...) changes: nothing is replaced
        if op.op == "remove":
            found.append(_describe(journey, target))
        elif isinstance(target, Stage):
            found.append(f"stage '{target.name}' to '{op.items[0].text}'")
        else:
            found.append(f'{_describe(journey, target)} to "{op.items[0].text}"')
    if not found:
        return None
    verb = {"edit": "reword", "remove": "remove"}[op.op]
    if op.op == "edit" and isinstance(_find(journey, op.ids[0]), Stage):
        verb = "rename"
    return f"{verb} " + "; ".join(found)


# the operations --------------------------------------------------------------------------
def _set(journey: JourneyMap, op: Op) -> str:
    if op.field not in SET_FIELDS or not op.value:
        raise ToolError(f"set needs field (one of {', '.join(SET_FIELDS)}) and value.")
    section, name = str(op.field).split(".", 1)
    if name == "market":  # "B2C" as people write it
        op = op.model_copy(update={"value": op.value.strip().casefold()})
    if section == "context":
        return _say(m.set_context(a.SetContext.model_validate({name: op.value})), journey)
    return _say(m.set_persona(a.SetPersona.model_validate({name: op.value})), journey)


def _add(journey: JourneyMap, op: Op) -> str:
    if op.field not in LIST_FIELDS or not op.items:
        raise ToolError("add needs field (a list field or 'stages') and items.")
    field = str(op.field)
    texts = [i.text for i in op.items if i.text]
    if len(texts) != len(op.items):
        raise ToolError("every added item needs text.")
    if field == "stages":
        said = []
        for offset, text in enumerate(texts):
            position = op.position + offset if op.position else None
            said.append(_say(m.add_stage(a.AddStage(name=text, position=position)), journey))
            if op.source != "user":
                stage = journey.find_stage(text)
                stage.provenance = _provenance(op)
        return " ".join(said)
    if field.startswith("persona."):
        args = a.AddPersonaItems.model_validate(
            {"field": field.split(".", 1)[1], "items": texts}
            | {"source": op.source, "evidence": op.evidence}
        )
        return _say(m.add_persona_items(args), journey)
    if not op.stage:
        raise ToolError(f"adding to '{field}' needs the stage (number, id or name).")
    if field == "decision_points":
        return " ".join(_decision(journey, op, item) for item in op.items)
    rows = [
        item.model_dump(include={"text", "department", "score", "severity", "trigger"})
        for item in op.items
    ]
    stage_args = a.AddStageItems.model_validate(
        {"stage": op.stage, "field": field, "items": rows}
        | {"source": op.source, "evidence": op.evidence}
    )
    return _say(m.add_stage_items(stage_args), journey)


def _decision(journey: JourneyMap, op: Op, item: ItemIn) -> str:
    if not item.then:
        raise ToolError(f'decision point "{item.text}" needs then (the likely action).')
    args = a.AddDecisionPoint(
        stage=str(op.stage),
        condition=str(item.text),
        likely_action=item.then,
        competitor_risk=item.risk or "medium",
        source=op.source,
        evidence=list(op.evidence),
    )
    return _say(m.add_decision_point(args), journey)


def _edit(journey: JourneyMap, op: Op) -> str:
    if len(op.ids) != 1 or len(op.items) != 1:
        raise ToolError("edit needs exactly one id and one item with the new values.")
    ref, new = op.ids[0], op.items[0]
    if any(s.id == ref for s in journey.stages):
        if not new.text:
            raise ToolError("to rename a stage give item.text, the new name.")
        return _say(m.rename_stage(a.RenameStage(stage=ref, new_name=new.text)), journey)
    if _find(journey, ref) is None:
        raise ToolError(f"no item or stage with id '{ref}'. {READ_IDS}")
    _, item = journey.find_item(ref)
    if isinstance(item, DecisionPoint):
        for key, value in (("condition", new.text), ("likely_action", new.then)):
            if value:
                setattr(item, key, value)
        if new.risk:
            item.competitor_risk = new.risk
        item.text = f"If {item.condition}, then {item.likely_action}"
        return f"Updated {item.id}: {item.text} (competitor risk {item.competitor_risk})."
    values = new.model_dump(include={"text", "department", "score", "severity", "trigger"})
    return _say(m.update_item(a.UpdateItem.model_validate({"item_id": ref} | values)), journey)


def _remove(journey: JourneyMap, op: Op) -> str:
    if not op.ids:
        raise ToolError("remove needs ids (of items or stages) or a stage.")
    said = []
    for ref in op.ids:
        if any(s.id == ref for s in journey.stages):
            said.append(_say(m.remove_stage(a.StageRef(stage=ref)), journey))
        elif _find(journey, ref) is not None:
            said.append(_say(m.remove_item(a.ItemIds(item_ids=[ref])), journey))
    if not said:
        raise ToolError(f"nothing to remove: no stage or item {', '.join(op.ids)}. {READ_IDS}")
    return " ".join(said)


def _move(journey: JourneyMap, op: Op) -> str:
    if len(op.ids) != 1:
        raise ToolError("move needs exactly one id (or a stage and its new position).")
    ref = op.ids[0]
    if _find(journey, ref) is None:
        raise ToolError(f"no item or stage with id '{ref}'. {READ_IDS}")
    stage = next((s for s in journey.stages if s.id == ref), None)
    if stage is not None:
        if not op.position:
            raise ToolError("moving a stage needs its new position.")
        order = [s.id for s in journey.stages if s.id != ref]
        order.insert(min(op.position, len(order) + 1) - 1, ref)
        return _say(m.reorder_stages(a.ReorderStages(order=order)), journey)
    source, item = journey.find_item(ref)
    target = journey.find_stage(op.stage) if op.stage else None
    field = str(op.field) if op.field else _field_of(journey, source)
    if target is None or field not in {f for f in LIST_FIELDS if "." not in f} - {"stages"}:
        raise ToolError("move an item with stage (target) and, to change list, field.")
    wanted = ITEM_TYPES.get(field, Item)
    if type(item) is not wanted:
        raise ToolError(f"{ref} cannot become an item of {field}.")
    source.remove(item)
    getattr(target, field).append(item)
    return f'Moved "{item.text}" to {target.name} / {field}.'


# helpers -----------------------------------------------------------------------------------
def _say(mutation: m.Mutation, journey: JourneyMap) -> str:
    """Run one of the map tools' mutations; its sentence (a mutation may return an Outcome)."""
    outcome = mutation(journey)
    return outcome.summary if isinstance(outcome, Outcome) else outcome


def _provenance(op: Op) -> Provenance:
    src = Source(op.source)
    return Provenance(
        source=src, evidence=list(op.evidence), accepted=None if src is Source.user else False
    )


def _find(journey: JourneyMap, ref: str) -> Stage | Item | None:
    for stage in journey.stages:
        if stage.id == ref:
            return stage
    try:
        return journey.find_item(ref)[1]
    except KeyError:
        return None


def _field_of(journey: JourneyMap, lst: list) -> str:
    for stage in journey.stages:
        for field in ITEM_TYPES.keys() | set(LIST_FIELDS):
            if getattr(stage, field, None) is lst:
                return field
    return ""


def from_research(journey: JourneyMap, refs: list[str]) -> bool:
    """Whether any of these items holds text from the team's research (a document)."""
    found = (_find(journey, ref) for ref in refs)
    return any(isinstance(x, Item) and x.provenance.source is Source.document for x in found)


def locate(journey: JourneyMap, ref: str) -> tuple[Stage | None, str, Stage | Item] | None:
    """Where a stage or item is: (its stage or None for the persona, its field, itself)."""
    for stage in journey.stages:
        if stage.id == ref:
            return stage, "stages", stage
    for stage in journey.stages:
        for field in STAGE_FIELDS:
            for x in getattr(stage, field):
                if x.id == ref:
                    return stage, field, x
    for field in PERSONA_LIST_FIELDS:
        for x in getattr(journey.persona, field):
            if x.id == ref:
                return None, f"persona.{field}", x
    return None


def _describe(journey: JourneyMap, target: Stage | Item) -> str:
    """What a proposal would remove, in words the model recognises (the user's words are
    rendered per language by `assistant/agent/proposals.py`). Research text is not quoted
    (proposals are listed in the system prompt, which carries no document text)."""
    if isinstance(target, Stage):
        return f"stage '{target.name}' and everything on it"
    text = f'"{target.text}"'
    if target.provenance.source is Source.document:
        text = f"{target.id} (from research)"
    found = locate(journey, target.id)
    if found is not None and found[0] is not None:
        return f"{found[1]} {text} of {found[0].name}"
    return text
