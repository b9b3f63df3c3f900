"""The natural simulated user: answers from the brief the way a busy marketer types, not in
the engine's grammar. Sentences with hedges, several facts per stage message (what they want,
where they meet you, how it feels, what gets in the way), severities and scores in words, a
name corrected once, a question back, 'show me what we've got', ideas chosen in words, the
optional fields chosen or declined in words. Its phrasings live in
`prompts/evals/natural_user.yaml` (en/pl/it), written for this project.

The deterministic `ScriptedUser` stays as the regression check of the grammar; this one
measures what people experience. Randomness is seeded by the scenario id: runs repeat."""

from __future__ import annotations

import random
from collections import Counter
from functools import cache
from typing import TYPE_CHECKING, Any

import yaml

from assistant.completeness import CORE_STAGE_FIELDS
from assistant.evals.phrasing import Phrasebook, strip_if
from assistant.evals.scenario import Scenario, ScenarioStage
from assistant.evals.users import brief_gap
from assistant.gap import Gap
from assistant.resources import prompts_dir

if TYPE_CHECKING:
    from assistant.conversation import Reply
    from assistant.schema import JourneyMap


@cache
def phrases(language: str) -> dict[str, Any]:
    """The natural user's phrasings of one language."""
    path = prompts_dir() / "evals" / "natural_user.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return dict(data.get(language) or data["en"])


class NaturalUser:
    """Answers the assistant's questions from the brief in natural sentences."""

    def __init__(self, scenario: Scenario, book: Phrasebook) -> None:
        self.scenario = scenario
        self.book = book
        self.say = phrases(scenario.language)
        self.rng = random.Random(f"natural:{scenario.id}")
        self.queue: list[str] = []
        self.tries: Counter[str] = Counter()
        self.stuck = 0
        """Gaps the user gave up on because the assistant kept asking them."""
        self.kind = "answer"
        """What the last message was: answer, dont_know, skip, question, show, correction,
        verdict, choice."""
        self.asked_back = False
        self.showed = False
        self.offers = 0
        self.optional = "open"
        """The optional fields: 'open' (not offered yet), 'picked', 'declined'."""

    def answer(self, reply: Reply, journey: JourneyMap) -> str | None:
        self.kind = "answer"
        if self.queue:
            self.kind = "correction"
            return self.queue.pop(0)
        gap = reply.gap
        if reply.offer is not None and reply.offer.kind == "ideas":
            verdict = self._verdict(gap is None)
            if verdict:
                self.kind = "verdict"
                return verdict
        if gap is None:
            return self._optional(reply)
        if self.tries[gap] >= 2:
            self.stuck += 1
            self.tries[gap] = 0
            self.kind = "skip"
            return self._pick("stuck")
        where = brief_gap(self.scenario, gap, journey)
        g = Gap.parse(where)
        opening = g.section == "stage" and self._opens(journey, gap)
        if opening and g.stage == 2 and not self.asked_back:
            self.asked_back = True
            self.kind = "question"
            return self._pick("question_back")
        if opening and g.stage == 3 and not self.showed:
            self.showed = True
            self.kind = "show"
            return self._pick("show")
        self.tries[gap] += 1
        text = self._say(g, opening)
        if not text:
            self.kind = "dont_know"
            return self._pick("dont_know")
        return text

    # what to say ------------------------------------------------------------------------------
    def _say(self, g: Gap, opening: bool) -> str:
        field = str(g.field or g.section)
        brief = self.scenario
        if g.section == "context":
            value = getattr(brief.context, field, None)
            if not value:
                return ""
            if field == "market":
                return self._pick(f"market_{value}")
            return self._pick(field, **{field: _low(value) if field != "company" else value})
        if g.section == "persona":
            return self._persona(field)
        if g.section == "stages":
            return self._pick("stages", items=self._join([s.name for s in brief.stages]))
        if g.stage is None or not 1 <= g.stage <= len(brief.stages):
            return ""
        stage = brief.stages[g.stage - 1]
        if opening:
            parts = [self._stage_field(stage, f) for f in CORE_STAGE_FIELDS]
            return " ".join(p for p in parts if p)
        return self._stage_field(stage, field)

    def _persona(self, field: str) -> str:
        p = self.scenario.persona
        value = getattr(p, field, None)
        if not value:
            return ""
        if field == "name":
            words = str(value).split()
            if len(words) >= 2 and self.rng.random() < 0.5:
                # a first name alone, then the full name as a correction
                self.queue.append(self._pick("correction_name", name=value, short=words[0]))
                return self._pick("name", name=words[0])
            return self._pick("name", name=value)
        if field == "role":
            return self._pick("role", role=_low(str(value)))
        if field == "tone":
            return self._pick("tone", tone=str(value))
        return self._pick("list", items=self._join([_low(v) for v in value]))

    def _stage_field(self, stage: ScenarioStage, field: str) -> str:
        items = getattr(stage, field, None) or []
        if not items:
            return ""
        if field == "touchpoints":
            shown = [
                self.say["department"].format(text=_low(t.text), department=t.department)
                if t.department
                else _low(t.text)
                for t in items
            ]
            return self._pick("touchpoints", items=self._join(shown))
        if field == "emotions":
            return " ".join(
                self._pick("emotions", text=_low(e.text), score=f"{e.score:+d}" if e.score else "0")
                for e in items
            )
        if field == "pain_points":
            return " ".join(
                self._pick(
                    "pain_points", text=_low(p.text), severity=self.say["severity"][str(p.severity)]
                )
                for p in items
            )
        if field == "decision_points":
            if_words = list(self.book.words["if"])
            return " ".join(
                _cap(
                    self._pick(
                        "decision",
                        condition=_low(strip_if(d.condition, if_words)),
                        action=_low(d.likely_action),
                        risk=self.say["risk"][d.competitor_risk],
                    )
                )
                for d in items
            )
        if field == "questions":
            return self._pick("questions", items=" ".join(str(q) for q in items))
        return _cap(self._pick(field, items=self._join([_low(str(i)) for i in items])))

    # offers -----------------------------------------------------------------------------------
    def _verdict(self, must: bool) -> str | None:
        """Ideas: keep some, then let one offer pass by answering the question, then none."""
        self.offers += 1
        turn = self.offers % 3
        if turn == 1:
            return self._pick("ideas_some")
        if turn == 0:
            return self._pick("ideas_none")
        return self._pick("ideas_some") if must else None

    def _optional(self, reply: Reply) -> str | None:
        """The optional fields: decision points when the brief has some, then no more."""
        status = reply.status
        if not status.optional or self.optional == "declined":
            return None
        has_forks = any(s.decision_points for s in self.scenario.stages)
        if self.optional == "open" and has_forks and "decision_points" in status.optional:
            self.optional = "picked"
            self.kind = "choice"
            return self._pick("optional_pick")
        self.optional = "declined"
        self.kind = "choice"
        return self._pick("optional_no")

    # helpers ----------------------------------------------------------------------------------
    def _opens(self, journey: JourneyMap, gap: str) -> bool:
        """The stage's open question: its goals asked while its core is empty."""
        g = Gap.parse(gap)
        if g.field != "goals" or g.stage is None or g.stage > len(journey.stages):
            return False
        stage = journey.stages[g.stage - 1]
        return not any(getattr(stage, f) for f in CORE_STAGE_FIELDS)

    def _pick(self, key: str, **values: str) -> str:
        options = self.say[key]
        text = str(self.rng.choice(options) if isinstance(options, list) else options)
        return _cap(text.format(**values)) if values else text

    def _join(self, items: list[str]) -> str:
        items = [i.strip().rstrip(".") for i in items if i.strip()]
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.say['and']} {items[-1]}"


def _low(text: str) -> str:
    """Lower-case the first letter of a common word ('Compare range' -> 'compare range'), not
    of a name or an acronym ('YouTube', 'IT manager')."""
    text = text.strip()
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
