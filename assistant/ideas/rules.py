"""The rules the one change path (`tools/context.py`, `ToolContext.apply`) applies to a map's
ideas inside every change, so they hold whoever makes the change (the guided interview, the
LLM agent, the web app's editor) and are validated, saved and undone with it.

- Ideas take their stage's milestone as their call to action: ideas are proposed right after
  a stage's pain points, before its milestone is known, so they carry their phase's generic
  call to action; once the stage's confirmed milestones change, those ideas take the first
  one (a CTA someone chose stays).
- Ideas follow their pain point (`assistant/ideas/follow.py`, called by the edit and removal
  of a pain point, which know its earlier wording).
"""

from __future__ import annotations

from assistant.ideas.patterns import generic_ctas
from assistant.schema import JourneyMap

Marks = dict[str, tuple[str, ...]]
"""Per stage id, the texts of its confirmed milestones."""


def milestone_marks(journey: JourneyMap) -> Marks:
    """What the rules compare: taken before a change's edit."""
    return {
        stage.id: tuple(m.text for m in stage.milestones if not m.provenance.is_suggestion)
        for stage in journey.stages
    }


def after_change(journey: JourneyMap, before: Marks) -> None:
    """Apply the rules to `journey` (changed in place) after an edit; `before` is
    `milestone_marks` of the map before it."""
    now = milestone_marks(journey)
    for stage in journey.stages:
        facts = now[stage.id]
        if not facts or facts == before.get(stage.id):
            continue
        ctas = generic_ctas(journey.language)
        for idea in stage.content_ideas:
            if idea.cta in ctas and idea.cta != facts[0]:
                idea.cta = facts[0]
