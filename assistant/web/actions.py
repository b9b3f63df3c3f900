"""Research suggestions and idea generation from the Research and Ideas tabs.

Both call the public functions of their packages (`tools.evidence_tools`, `assistant.ideas`),
which write through the one change path; this module only chooses what to ask for and says
what happened in the map's language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.ideas import generate
from assistant.visual.labels import fill, labels
from tools.context import ToolError
from tools.evidence_tools import suggest_from_research as suggest
from tools.ideas import propose

if TYPE_CHECKING:
    from assistant.session import Session


class ActionError(Exception):
    """Something the user must do first; the message is for them."""


def suggest_from_research(session: Session) -> tuple[int, str]:
    """Research-backed suggestions for every stage, written as pending cards on the map.
    Returns (how many were written, the note to show)."""
    t = labels(session.map.language)["research"]
    journey = session.map
    if not journey.stages:
        raise ActionError(t["no_stages"])
    written = 0
    for stage in journey.stages:
        try:
            written += len(suggest(session.context, stage.id))
        except ToolError as exc:
            raise ActionError(str(exc)) from exc
    if not written:
        return 0, t["nothing"]
    return written, fill(t["suggested"], count=written)


def generate_ideas(session: Session, target: str) -> tuple[int, str]:
    """New idea suggestions for the whole map (`""`), a stage (`stage:<id>`) or one pain
    point (`pain:<stage id>|<pain id>`). Returns (how many were added, the note)."""
    journey = session.map
    t = labels(journey.language)["ideas"]
    kind, _, ref = (target or "").partition(":")
    stage_ref, _, pain_id = ref.partition("|")
    try:
        plans = generate(journey, stage_ref or None, language=journey.language)
    except KeyError as exc:
        raise ActionError(str(exc.args[0] if exc.args else exc)) from exc
    drafts = [d for plan in plans for d in plan.drafts]
    if kind == "pain":
        drafts = [d for d in drafts if d.pain_point_id == pain_id]
    if not drafts:
        return 0, t["none_new"]
    saved = propose(session.tools, drafts)
    if not saved.ids:
        return 0, t["none_new"]
    return len(saved.ids), fill(t["generated"], count=len(saved.ids))
