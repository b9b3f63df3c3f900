"""Ideas follow their pain point.

When a pain point's wording changes, the ideas still only proposed for it are withdrawn and
as many new ones are written for the new wording; when a pain point leaves the map, its
proposed (and rejected) ideas leave with it. Accepted ideas are the team's decision: they
stay, and carry a `pain_change` flag (edited or removed, with the earlier wording) so the
team can review them; the idea lists and the calendar show the flag.

`follow_pain` runs inside the one change path (`tools/map_tools.py`), on the same copy of the
map as the edit, so the edit and its ideas are validated, saved and undone together. New
ideas come from the offline idea patterns (a model is not called inside a map change).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.ideas.generate import generate
from assistant.schema import ContentIdea, JourneyMap, PainChange, Provenance, Source


@dataclass
class Followed:
    """What following one pain point's change did to its ideas."""

    withdrawn: list[str] = field(default_factory=list)
    """Ids of proposed (or, for a removed pain point, rejected) ideas taken off the map."""
    added: list[str] = field(default_factory=list)
    """Ids of the new proposals written for the edited pain point."""
    flagged: list[str] = field(default_factory=list)
    """Ids of accepted ideas now flagged with `pain_change`."""


def follow_pain(
    journey: JourneyMap, pain_id: str, old_text: str, removed: bool = False
) -> Followed:
    """Apply the rule to `journey` (changed in place) after the pain point `pain_id`, whose
    wording was `old_text`, was edited (`removed=False`) or removed."""
    done = Followed()
    for number, stage in enumerate(journey.stages, 1):
        linked = [i for i in stage.content_ideas if i.pain_point_id == pain_id]
        if not linked:
            continue
        drop = [i for i in linked if i.status == "proposed" or (removed and i.status == "rejected")]
        for idea in linked:
            if idea.status == "accepted":
                was = idea.pain_change.was if idea.pain_change else old_text
                idea.pain_change = PainChange(kind="removed" if removed else "edited", was=was)
                done.flagged.append(idea.id)
        gone = {i.id for i in drop}
        stage.content_ideas = [i for i in stage.content_ideas if i.id not in gone]
        done.withdrawn += [i.id for i in drop]
        proposed = sum(i.status == "proposed" for i in drop)
        if not removed and proposed:
            done.added += _regenerate(journey, number, pain_id, proposed)
    return done


def _regenerate(journey: JourneyMap, number: int, pain_id: str, count: int) -> list[str]:
    stage = journey.stages[number - 1]
    plans = generate(journey, stage=number, per_pain=count, pain_ids={pain_id})
    added = []
    for draft in plans[0].drafts:
        idea = ContentIdea(
            text=draft.title,
            format=draft.format,  # type: ignore[arg-type]
            angle=draft.angle,
            pain_point_id=draft.pain_point_id,
            question=draft.question,
            cta=draft.cta,
            channel=draft.channel,
            card_id=draft.card_id,
            provenance=Provenance(
                source=Source.assistant, accepted=False, evidence=list(draft.evidence)
            ),
        )
        stage.content_ideas.append(idea)
        added.append(idea.id)
    return added
