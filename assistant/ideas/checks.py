"""The checks every model-written idea passes, wherever the model wrote it.

Shared by the idea generator's structured output (`llm.py`) and the agent's `propose_ideas`
tool (`tools/lean.py`): the title is tidied like the patterns' titles (`headline`), a title
that opens with a lead-in, a hedge or a lower-case fragment is dropped, and the free-text
fields are clipped to the schema's limits so one long field does not cost the whole idea.
An idea that repeats one of its pain point's ideas (`dedupe.same`) or has the exact title of an
idea on its stage, on the map or earlier in the batch, is dropped too.
"""

from __future__ import annotations

from assistant.ideas import dedupe
from assistant.ideas.core import rules
from assistant.ideas.generate import headline
from assistant.schema import LINE_MAX, NAME_MAX, TEXT_MAX, JourneyMap

BAD_OPENING = "the title opens with a lead-in, a hedge or a lower-case word"
"""Why a title that `opens_badly` was left out."""

LIMITS = {"title": TEXT_MAX, "angle": LINE_MAX, "question": LINE_MAX, "cta": LINE_MAX}
LIMITS["channel"] = NAME_MAX


def opens_badly(title: str, language: str) -> bool:
    """A lead-in or hedge at the start ("Like I said", "Credo"), or a lower-case start."""
    if title[:1].isalpha() and title[:1].islower():
        return True
    lead = rules(language).lead.match(title)
    return bool(lead and lead.end())


def clip(text: str, field: str) -> str:
    """`text` stripped and cut to the schema's limit for an idea's `field`."""
    return text.strip()[: LIMITS[field]].rstrip()


def checked_title(title: str, language: str) -> tuple[str, str | None]:
    """The tidied title, and why it must be left out (None when it may stay)."""
    tidy = clip(headline(title), "title")
    return tidy, BAD_OPENING if opens_badly(tidy, language) else None


class Batch:
    """Model-written ideas checked one by one against a map and against each other."""

    def __init__(self, journey: JourneyMap) -> None:
        self.language = journey.language
        self.by_pain: dict[str, dedupe.Seen] = {}
        self.by_stage: dict[str, set[str]] = {}
        for stage in journey.stages:
            self.by_stage[stage.id] = {dedupe.key(i.text) for i in stage.content_ideas}
            for idea in stage.content_ideas:
                if idea.pain_point_id:
                    self.by_pain.setdefault(idea.pain_point_id, dedupe.Seen()).add(idea.text)

    def check(self, stage_id: str, pain_id: str, title: str) -> tuple[str, str | None]:
        """The tidied title and why it is left out (None: it is kept and now taken)."""
        tidy, problem = checked_title(title, self.language)
        if problem:
            return tidy, problem
        seen = self.by_pain.setdefault(pain_id, dedupe.Seen())
        taken = self.by_stage.setdefault(stage_id, set())
        twin = seen.match(tidy) or (tidy if dedupe.key(tidy) in taken else None)
        if twin is not None:
            return tidy, f'it repeats the idea "{twin}"'
        seen.add(tidy)
        taken.add(dedupe.key(tidy))
        return tidy, None
