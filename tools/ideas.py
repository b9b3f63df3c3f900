"""Putting generated ideas on the map, only through the `add_content_ideas` and
`set_idea_status` tools (so every idea written is validated, logged and undoable like any
other change). The ideas themselves come from `assistant.ideas`."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.ideas.generate import IdeaDraft, generate
from tools.results import ToolResult
from tools.toolbox import ToolBox


@dataclass
class Saved:
    """What happened when drafts were written: the new ideas' ids and any refusals."""

    ids: list[str] = field(default_factory=list)
    """Ids of the ideas now on the map, in the order of the drafts that were accepted."""
    drafts: list[IdeaDraft] = field(default_factory=list)
    """The drafts that were written (same order as `ids`)."""
    errors: list[str] = field(default_factory=list)
    """Tool errors for drafts that were refused; the map is unchanged for those."""
    results: list[ToolResult] = field(default_factory=list)
    """The change made (one call), as data."""


def propose(tools: ToolBox, drafts: list[IdeaDraft]) -> Saved:
    """Add the drafts as proposed assistant ideas in one change on disk (one commit, one undo
    step); drafts the tool refuses are skipped and reported, the others go in."""
    saved = Saved()
    if not drafts:
        return saved
    result = tools.call("add_content_ideas", {"ideas": [d.tool_args() for d in drafts]})
    saved.results.append(result)
    if not result.ok:
        saved.errors.append(result.text)
        return saved
    if result.skipped:
        saved.errors.append(
            f"Error: Skipped {len(result.skipped)}: "
            + "; ".join(f'"{s.item}": {s.reason}' for s in result.skipped)
        )
    # Pair the drafts the tool did not skip with the ids it reports as added, by title.
    journey = tools.ctx.journey
    titles = {
        idea.id: idea.text.casefold()
        for stage in journey.stages
        for idea in stage.content_ideas
        if idea.id in set(result.added)
    }
    by_title = {title: idea_id for idea_id, title in titles.items()}
    skipped = {s.index for s in result.skipped}
    for index, draft in enumerate(drafts):
        idea_id = by_title.get(draft.title.casefold())
        if index not in skipped and idea_id and idea_id not in saved.ids:
            saved.ids.append(idea_id)
            saved.drafts.append(draft)
    return saved


def set_status(tools: ToolBox, ids: list[str], status: str) -> ToolResult | None:
    """Mark ideas accepted/rejected/proposed; the tool's result (None when `ids` is empty)."""
    if not ids:
        return None
    return tools.call("set_idea_status", {"item_ids": ids, "status": status})


def top_up(
    tools: ToolBox,
    stage: str | int | None = None,
    formats: list[str] | None = None,
    per_pain: int = 3,
    language: str | None = None,
) -> Saved:
    """Give every confirmed pain point at least `per_pain` live ideas (guided generator)."""
    journey = tools.ctx.journey
    plans = generate(journey, stage, formats, per_pain, top_up=True, language=language)
    return propose(tools, [d for plan in plans for d in plan.drafts])
