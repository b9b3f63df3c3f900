"""Putting generated ideas on the map, only through the `add_content_idea` tool."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.ideas.generate import IdeaDraft

if TYPE_CHECKING:
    from tools import ToolBox


@dataclass
class Saved:
    """What happened when drafts were written: the new ideas' ids and any refusals."""

    ids: list[str] = field(default_factory=list)
    """Ids of the ideas now on the map, in the order of the drafts that were accepted."""
    drafts: list[IdeaDraft] = field(default_factory=list)
    """The drafts that were written (same order as `ids`)."""
    errors: list[str] = field(default_factory=list)
    """Tool errors for drafts that were refused; the map is unchanged for those."""


def propose(tools: ToolBox, drafts: list[IdeaDraft]) -> Saved:
    """Add the drafts as proposed assistant ideas in one change on disk (one commit, one undo
    step); drafts the tool refuses are skipped and reported, the others go in."""
    saved = Saved()
    if not drafts:
        return saved
    before = _idea_ids(tools)
    result = tools.call("add_content_ideas", {"ideas": [d.tool_args() for d in drafts]})
    if not result.ok:
        saved.errors.append(result.text)
        return saved
    if " Skipped " in result.text:
        saved.errors.append("Error: " + result.text[result.text.index(" Skipped ") + 1 :])
    for draft in drafts:
        idea_id = _find_id(tools, draft)
        # Only ideas this call added: a skipped draft must not claim an older idea's id.
        if idea_id and idea_id not in before and idea_id not in saved.ids:
            saved.ids.append(idea_id)
            saved.drafts.append(draft)
    return saved


def _idea_ids(tools: ToolBox) -> set[str]:
    return {idea.id for stage in tools.ctx.journey.stages for idea in stage.content_ideas}


def _find_id(tools: ToolBox, draft: IdeaDraft) -> str | None:
    # Look the idea up on the stored map rather than parsing the tool's sentence.
    stage = tools.ctx.journey.find_stage(draft.stage_id)
    for idea in stage.content_ideas:
        if idea.text.casefold() == draft.title.casefold():
            return idea.id
    return None


def set_status(tools: ToolBox, ids: list[str], status: str) -> str | None:
    """Mark ideas accepted/rejected/proposed; returns the tool error, or None when it worked."""
    if not ids:
        return None
    result = tools.call("set_idea_status", {"item_ids": ids, "status": status})
    return None if result.ok else result.text


def top_up(
    tools: ToolBox,
    stage: str | int | None = None,
    formats: list[str] | None = None,
    per_pain: int = 3,
    language: str | None = None,
) -> Saved:
    """Give every confirmed pain point at least `per_pain` live ideas (guided generator)."""
    from assistant.ideas.generate import generate

    journey = tools.ctx.journey
    plans = generate(journey, stage, formats, per_pain, top_up=True, language=language)
    return propose(tools, [d for plan in plans for d in plan.drafts])
