"""What each map tool does to a map. Each function takes the tool's arguments and returns a
mutation (map -> one-sentence summary) that `ToolContext.apply` runs on a copy of the map."""

from __future__ import annotations

from collections.abc import Callable

from assistant import completeness
from assistant.ideas.follow import follow_pain
from assistant.schema import (
    ITEM_TYPES,
    ContentIdea,
    DecisionPoint,
    IdeaFields,
    Item,
    JourneyMap,
    PainPoint,
    Provenance,
    Source,
    Stage,
)
from tools import map_args as a
from tools.context import ToolError
from tools.results import Outcome, Skip

Mutation = Callable[[JourneyMap], str | Outcome]


def _provenance(source: str, evidence: list[str]) -> Provenance:
    src = Source(source)
    return Provenance(
        source=src, evidence=list(evidence), accepted=None if src is Source.user else False
    )


def _add_unique(target: list, items: list[Item]) -> tuple[list[Item], list[Item]]:
    """Append items whose text is not already in the list; return (added, duplicates)."""
    seen = {i.text.casefold() for i in target}
    added: list[Item] = []
    dupes: list[Item] = []
    for item in items:
        key = item.text.casefold()
        (dupes if key in seen else added).append(item)
        if key not in seen:
            target.append(item)
            seen.add(key)
    return added, dupes


def _added_sentence(what: str, added: list[Item], dupes: list[Item], suggestion: bool) -> Outcome:
    skipped = [Skip(i.text, "already there") for i in dupes]
    if not added:
        return Outcome(f"Nothing added to {what}: already there.", skipped)
    texts = "; ".join(f'"{i.text}"' for i in added[:8]) + (" ..." if len(added) > 8 else "")
    kind = "suggestion(s)" if suggestion else "item(s)"
    extra = f" ({len(dupes)} already there)" if dupes else ""
    ids = ", ".join(i.id for i in added[:8])
    return Outcome(f"Added {len(added)} {kind} to {what}: {texts}{extra} [ids: {ids}].", skipped)


def set_context(args: a.SetContext) -> Mutation:
    def run(m: JourneyMap) -> str:
        values = {k: v for k, v in args.model_dump().items() if v}
        for key, value in values.items():
            setattr(m.context, key, value)
        return "Context set: " + "; ".join(f"{k} = {v}" for k, v in values.items()) + "."

    return run


def set_persona(args: a.SetPersona) -> Mutation:
    def run(m: JourneyMap) -> str:
        values = {k: v for k, v in args.model_dump().items() if v}
        for key, value in values.items():
            setattr(m.persona, key, value)
        return "Persona set: " + "; ".join(f"{k} = {v}" for k, v in values.items()) + "."

    return run


def add_persona_items(args: a.AddPersonaItems) -> Mutation:
    def run(m: JourneyMap) -> Outcome:
        new = [Item(text=t, provenance=_provenance(args.source, args.evidence)) for t in args.items]
        added, dupes = _add_unique(getattr(m.persona, args.field), new)
        field = args.field.replace("_", " ")  # people read these summaries too (history)
        return _added_sentence(f"persona {field}", added, dupes, args.source != "user")

    return run


def add_stage_items(args: a.AddStageItems) -> Mutation:
    def run(m: JourneyMap) -> Outcome:
        stage = m.find_stage(args.stage)
        cls = ITEM_TYPES.get(args.field, Item)
        new: list[Item] = []
        for raw in args.items:
            extra: dict = {}
            if args.field == "touchpoints" and raw.department:
                extra["department"] = raw.department
            if args.field == "emotions":
                if raw.score is None:
                    raise ToolError(f'Emotion "{raw.text}" needs a score from -2 to +2.')
                extra["score"] = raw.score
            if args.field == "pain_points" and raw.severity:
                extra["severity"] = raw.severity
            if args.field == "milestones" and raw.trigger:
                extra["trigger"] = raw.trigger
            new.append(
                cls(text=raw.text, provenance=_provenance(args.source, args.evidence), **extra)
            )
        added, dupes = _add_unique(getattr(stage, args.field), new)
        field = args.field.replace("_", " ")  # people read these summaries too (history)
        return _added_sentence(f"{stage.name} / {field}", added, dupes, args.source != "user")

    return run


def set_stages(args: a.SetStages) -> Mutation:
    def run(m: JourneyMap) -> str:
        if len({n.casefold() for n in args.names}) != len(args.names):
            raise ToolError("Stage names must be different from each other.")
        existing = {s.name.casefold(): s for s in m.stages}
        prov = _provenance(args.source, [])
        m.stages = [
            existing.get(n.casefold()) or Stage(name=n, provenance=prov) for n in args.names
        ]
        return "Stages set: " + " -> ".join(args.names) + "."

    return run


def add_stage(args: a.AddStage) -> Mutation:
    def run(m: JourneyMap) -> str:
        if any(s.name.casefold() == args.name.casefold() for s in m.stages):
            raise ToolError(f"A stage named '{args.name}' already exists.")
        position = min(args.position or len(m.stages) + 1, len(m.stages) + 1)
        m.stages.insert(position - 1, Stage(name=args.name))
        return f"Added stage '{args.name}' at position {position}."

    return run


def rename_stage(args: a.RenameStage) -> Mutation:
    def run(m: JourneyMap) -> str:
        stage = m.find_stage(args.stage)
        if any(s is not stage and s.name.casefold() == args.new_name.casefold() for s in m.stages):
            raise ToolError(f"A stage named '{args.new_name}' already exists.")
        old, stage.name = stage.name, args.new_name
        return f"Renamed stage '{old}' to '{args.new_name}'."

    return run


def reorder_stages(args: a.ReorderStages) -> Mutation:
    def run(m: JourneyMap) -> str:
        ordered = [m.find_stage(ref) for ref in args.order]
        if len({s.id for s in ordered}) != len(ordered) or len(ordered) != len(m.stages):
            raise ToolError(
                "Give every stage exactly once. Current: "
                + ", ".join(f"{i}. {s.name}" for i, s in enumerate(m.stages, 1))
            )
        m.stages = ordered
        return "Stages reordered: " + " -> ".join(s.name for s in ordered) + "."

    return run


def remove_stage(args: a.StageRef) -> Mutation:
    def run(m: JourneyMap) -> str:
        stage = m.find_stage(args.stage)
        m.stages = [s for s in m.stages if s.id != stage.id]
        return f"Removed stage '{stage.name}'."

    return run


def update_item(args: a.UpdateItem) -> Mutation:
    def run(m: JourneyMap) -> str:
        _, item = m.find_item(args.item_id)
        changes = args.model_dump(exclude={"item_id"}, exclude_none=True)
        if not changes:
            raise ToolError(
                "Nothing to change: give text, department, score, severity, trigger or cta."
            )
        old_text = item.text
        for key, value in changes.items():
            if key not in type(item).model_fields:
                raise ToolError(f"Item {item.id} has no field '{key}'.")
            setattr(item, key, value)
        if isinstance(item, DecisionPoint) and {"condition", "likely_action"} & set(changes):
            item.text = f"If {item.condition}, then {item.likely_action}"
        if isinstance(item, PainPoint) and item.text.casefold() != old_text.casefold():
            follow_pain(m, item.id, old_text)  # its ideas follow the new wording
        return f"Updated {item.id}: " + "; ".join(f"{k} = {v}" for k, v in changes.items()) + "."

    return run


def move_item(args: a.MoveItem) -> Mutation:
    """One change: the item leaves its list and joins another stage's field, as that field's
    type (details that no longer apply, such as a touchpoint's department, are dropped).
    Decision points and content ideas keep their field and change stage only."""

    def run(m: JourneyMap) -> str:
        lst, item = m.find_item(args.item_id)
        stage = m.find_stage(args.stage)
        fixed = {DecisionPoint: "decision_points", ContentIdea: "content_ideas"}.get(type(item))
        if fixed and args.field != fixed:
            raise ToolError(f'"{item.text}" can only move to {fixed} of another stage.')
        if not fixed and args.field in ("decision_points", "content_ideas"):
            raise ToolError(f"Add {args.field} with their own tool; items cannot become one.")
        target = getattr(stage, args.field)
        if any(i is item for i in target):
            raise ToolError(f'"{item.text}" is already in {stage.name} / {args.field}.')
        moved: Item = item
        if fixed is None:
            cls = ITEM_TYPES.get(args.field, Item)
            data = {k: v for k, v in item.model_dump().items() if k in cls.model_fields}
            if "score" in cls.model_fields and "score" not in data:
                data["score"] = args.score if args.score is not None else 0
            moved = cls.model_validate(data)
        elif isinstance(item, ContentIdea) and item.pain_point_id not in {
            p.id for p in stage.pain_points
        }:
            item.pain_point_id = None
        lst.remove(item)
        target.append(moved)
        return f'Moved "{item.text}" to {stage.name} / {args.field}.'

    return run


def remove_item(args: a.ItemIds) -> Mutation:
    def run(m: JourneyMap) -> str:
        texts = []
        for item_id in args.item_ids:
            lst, item = m.find_item(item_id)
            lst.remove(item)
            if isinstance(item, PainPoint):
                follow_pain(m, item.id, item.text, removed=True)  # its ideas follow it
            texts.append(f'"{item.text}"')
        return f"Removed {', '.join(texts)}."

    return run


def accept_suggestion(args: a.ItemIds) -> Mutation:
    def run(m: JourneyMap) -> str:
        texts = []
        for item_id in args.item_ids:
            _, item = m.find_item(item_id)
            item.provenance.accepted = True if item.provenance.source is not Source.user else None
            if isinstance(item, ContentIdea):
                item.status = "accepted"
            texts.append(f'"{item.text}"')
        return f"Accepted {', '.join(texts)}."

    return run


def reject_suggestion(args: a.ItemIds) -> Mutation:
    """Rejected suggestions leave the map, except content ideas, which keep a 'rejected' status
    so the same idea is not proposed again."""

    def run(m: JourneyMap) -> str:
        texts = []
        for item_id in args.item_ids:
            lst, item = m.find_item(item_id)
            if isinstance(item, ContentIdea):
                item.status = "rejected"
            elif not item.provenance.is_suggestion:
                raise ToolError(f'"{item.text}" is not a suggestion; use remove_item to delete it.')
            else:
                lst.remove(item)
            texts.append(f'"{item.text}"')
        return f"Rejected {', '.join(texts)}."

    return run


def add_decision_point(args: a.AddDecisionPoint) -> Mutation:
    def run(m: JourneyMap) -> str:
        stage = m.find_stage(args.stage)
        point = DecisionPoint(
            text=f"If {args.condition}, then {args.likely_action}",
            condition=args.condition,
            likely_action=args.likely_action,
            competitor_risk=args.competitor_risk,
            provenance=_provenance(args.source, args.evidence),
        )
        stage.decision_points.append(point)
        return (
            f"Added decision point to {stage.name}: if {args.condition}, then "
            f"{args.likely_action} (competitor risk {args.competitor_risk}) [id: {point.id}]."
        )

    return run


def add_content_idea(args: a.AddContentIdea) -> Mutation:
    def run(m: JourneyMap) -> str:
        stage = m.find_stage(args.stage)
        if args.pain_point_id and args.pain_point_id not in {p.id for p in stage.pain_points}:
            raise ToolError(
                f"Pain point '{args.pain_point_id}' is not on stage '{stage.name}'. "
                "Its pain points: " + ", ".join(f"{p.id} ({p.text})" for p in stage.pain_points)
            )
        if any(i.text.casefold() == args.title.casefold() for i in stage.content_ideas):
            raise ToolError(f'An idea titled "{args.title}" is already on this stage.')
        idea = ContentIdea(
            text=args.title,
            provenance=_provenance(args.source, args.evidence),
            **args.model_dump(include=set(IdeaFields.model_fields)),
        )
        stage.content_ideas.append(idea)
        return f'Added {args.format} idea "{args.title}" to {stage.name} [id: {idea.id}].'

    return run


def add_content_ideas(args: a.AddContentIdeas) -> Mutation:
    def run(m: JourneyMap) -> Outcome:
        added: list[str] = []
        skipped: list[Skip] = []
        for index, idea in enumerate(args.ideas):
            try:
                added.append(str(add_content_idea(idea)(m)))
            except (ToolError, KeyError) as exc:
                reason = str(exc.args[0] if exc.args else exc)
                skipped.append(Skip(idea.title, reason, index))
        if not added:
            raise ToolError(
                "No idea added. " + " ".join(f'"{s.item}": {s.reason}' for s in skipped)
            )
        note = (
            f" Skipped {len(skipped)}: " + "; ".join(f'"{s.item}": {s.reason}' for s in skipped)
            if skipped
            else ""
        )
        return Outcome(" ".join(added) + note, skipped)

    return run


def set_idea_status(args: a.SetIdeaStatus) -> Mutation:
    def run(m: JourneyMap) -> str:
        titles = []
        for item_id in args.item_ids:
            _, item = m.find_item(item_id)
            if not isinstance(item, ContentIdea):
                raise ToolError(f"{item_id} is not a content idea.")
            item.status = args.status
            if args.status == "accepted" and item.provenance.source is not Source.user:
                item.provenance.accepted = True
            titles.append(f'"{item.text}"')
        return f"Marked {', '.join(titles)} as {args.status}."

    return run


def skip_gap(args: a.SkipGap) -> Mutation:
    def run(m: JourneyMap) -> str:
        valid = {k for k, _ in completeness.gap_order(m)}
        if args.gap not in valid:
            raise ToolError(f"Unknown gap '{args.gap}'.")
        key = completeness.canonical(m, args.gap)
        if key not in m.skipped:
            m.skipped.append(key.key)
        return f"Skipped {args.gap} for now."

    return run
