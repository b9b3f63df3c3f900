"""Simulated users: a deterministic one that answers from the brief in the scenario's style,
and an LLM-played one (any LangChain chat model) for runs where a model is configured."""

from __future__ import annotations

import random
from collections import Counter
from typing import TYPE_CHECKING, Any, Protocol

import yaml

from assistant import prompts
from assistant.evals.fuzzy import THRESHOLD, similarity
from assistant.evals.phrasing import (
    SECTION_FIELDS,
    SINGLE,
    Phrasebook,
    field_of,
    style_phrases,
)
from assistant.evals.scenario import Scenario
from assistant.evals.wording import gap_from_wording
from assistant.gap import Gap

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.schema import JourneyMap
    from assistant.session import Reply


class SimulatedUser(Protocol):
    def answer(self, reply: Reply, journey: JourneyMap) -> str | None:
        """The user's next message, or None when the user has nothing more to say."""
        ...


class ScriptedUser:
    """Answers the gap the assistant asks about from the brief, in the scenario's style.

    For LLM replies the gap is read from the question's wording first (the model may ask
    something other than the next gap), then from `reply.gap`. Randomness (which answers get
    an aside, a hedge, a correction) is seeded by the scenario id, so runs repeat exactly."""

    def __init__(self, scenario: Scenario, book: Phrasebook, read_wording: bool = False) -> None:
        self.scenario = scenario
        self.book = book
        self.style = scenario.style
        self.phrases = style_phrases(scenario.language)
        self.read_wording = read_wording
        self.rng = random.Random(scenario.id)
        self.queue: list[str] = []
        """Messages already decided for the next turns (an `undo`, a correction)."""
        self.tries: Counter[str] = Counter()
        self.sections_sent: set[str] = set()
        self.list_answers = 0
        self.stuck = 0
        """Gaps the user gave up on because the assistant kept asking them."""
        self.off_topic_pending = False
        self.asides_recorded = 0
        """Off-topic remarks the assistant recorded as facts (then undone by the user)."""
        self.idea_verdicts = 0
        """Content-idea offers the user answered."""
        self.kind = "answer"
        """What the last message was: answer, dont_know, skip, aside, correction, verdict,
        choice."""
        self.optional_chosen = False

    def answer(self, reply: Reply, journey: JourneyMap) -> str | None:
        self.kind = "answer"
        if self.queue:
            self.kind = "correction"
            return self.queue.pop(0)
        verdict = self._idea_verdict(reply)
        if verdict:
            self.kind = "verdict"
            return verdict
        gap: str | None = reply.gap
        if self.read_wording:
            gap = gap_from_wording(reply.text, journey, self.book) or gap
        if gap is None:
            return self._optional_choice(reply)
        if self.tries[gap] >= 2:
            self.stuck += 1
            self.tries[gap] = 0
            self.kind = "skip"
            return self.book.word("skip")
        if self.off_topic_pending and reply.recorded:
            # The remark was recorded as an answer: a person notices and takes it back once.
            self.asides_recorded += 1
            self.off_topic_pending = False
            self.kind = "correction"
            return self.book.word("undo")
        if self.style == "off_topic" and not self.off_topic_pending and self.rng.random() < 0.2:
            self.off_topic_pending = True
            self.kind = "aside"
            return self.rng.choice(self.phrases["off_topic"])
        self.off_topic_pending = False
        brief_gap = self._brief_gap(gap, journey)
        items = self.book.items(self.scenario, brief_gap)
        self.tries[gap] += 1
        if not items:
            self.kind = "dont_know"
            index = self.rng.randrange(len(self.book.words["dont_know"]))
            return self.book.dont_know(index if self.style == "unsure" else 0)
        return self._styled(brief_gap, items)

    def _optional_choice(self, reply: Reply) -> str | None:
        """Once nothing core is left to ask the engine offers the optional fields (when no
        ideas await a verdict): this user knows the whole brief and adds them all, once."""
        status = reply.status
        if self.optional_chosen or reply.offer is not None:
            return None
        if reply.gap is not None or not status.optional:
            return None
        self.optional_chosen = True
        self.kind = "choice"
        return str(self.book.texts["optional"]["all"][0])

    def _idea_verdict(self, reply: Reply) -> str | None:
        """The guided engine offers content ideas after a stage's pain points and waits for a
        verdict (its reply still carries the next gap): this user keeps them all."""
        ideas = self.book.texts.get("ideas") or {}
        if reply.offer is None or reply.offer.kind != "ideas" or not ideas:
            return None
        self.idea_verdicts += 1
        return str(ideas["words"]["accept_all"][0])

    def _brief_gap(self, gap: str, journey: JourneyMap) -> str:
        return brief_gap(self.scenario, gap, journey)

    # styles ------------------------------------------------------------------------------
    def _styled(self, gap: str, items: list[str]) -> str:
        plain = self.plain(gap, items)
        if self.style == "multi_answer":
            return self._labelled(gap) or plain
        if self.style == "corrects_itself":
            return self._with_correction(gap, items, plain)
        if self.style == "verbose":
            return self.rng.choice(self.phrases["verbose_lead"]) + plain
        if self.style == "rambling" and self.rng.random() < 0.5:
            return self.rng.choice(self.phrases["rambling_aside"]) + "\n" + plain
        if self.style == "unsure" and self.rng.random() < 0.5:
            return self.rng.choice(self.phrases["hedge"]) + plain
        return plain

    def plain(self, gap: str, items: list[str]) -> str:
        """The items as one answer, in the engine's grammar."""
        field = field_of(gap)
        if field in SINGLE and not gap.startswith("stage:"):
            return items[0]
        return self.book.join(field, items)

    def _labelled(self, gap: str) -> str | None:
        """The whole section (context, persona or one stage) at once, as labelled answers."""
        g = Gap.parse(gap)
        section = g.section if g.section in ("context", "persona") else f"stage:{g.stage}"
        if g.section == "stages" or section in self.sections_sent:
            return None
        self.sections_sent.add(section)
        kind = g.section
        segments = []
        for field in SECTION_FIELDS[kind]:
            field_gap = f"{section}:{field}"
            items = self.book.items(self.scenario, field_gap)
            target = "*.goals" if field == "goals" else f"{kind}.{field}"
            label = self.book.label(target)
            if items and label:
                segments.append(f"{label}: {self.plain(field_gap, items)}")
        return "; ".join(segments) if len(segments) > 1 else None

    def _with_correction(self, gap: str, items: list[str], plain: str) -> str:
        """Stage names: a draft name for stage 2, then a rename. Lists: now and then the
        answer to the wrong question, then `undo` and the right answer."""
        if gap == "stages" and len(items) >= 2:
            rename = self.book.command("rename_stage", ref="2", name=items[1].replace(",", " "))
            if rename:
                draft = [items[0], self.phrases["wrong_stage"], *items[2:]]
                self.queue.append(rename)
                return self.plain(gap, draft)
            return plain
        if field_of(gap) in SINGLE and not gap.startswith("stage:"):
            return plain
        self.list_answers += 1
        if self.list_answers % 4 != 1:
            return plain
        wrong = self._neighbour(gap)
        if wrong is None:
            return plain
        self.tries[gap] -= 1  # the wrong answer is not an attempt at this gap
        self.queue.extend([self.book.word("undo"), plain])
        return wrong

    def _neighbour(self, gap: str) -> str | None:
        """The answer to the next field of the same section (a slip a person makes)."""
        g = Gap.parse(gap)
        kind = g.section
        fields = [f for f in SECTION_FIELDS.get(kind, []) if f not in SINGLE or kind == "stage"]
        field = g.field
        if field not in fields:
            return None
        for other in fields[fields.index(field) + 1 :]:
            other_gap = Gap.of_stage(g.stage or 0, other) if kind == "stage" else f"{kind}:{other}"
            other_items = self.book.items(self.scenario, other_gap)
            if other_items:
                return self.plain(other_gap, other_items)
        return None


def brief_gap(scenario: Scenario, gap: str, journey: JourneyMap) -> str:
    """The gap in the brief's stage numbering: a person answers about the stage the question
    names, so map stage N is found in the brief by name (by position only when the map has as
    many stages as the brief); `stage:0:...` when no brief stage fits."""
    g = Gap.parse(gap)
    if g.section != "stage" or g.stage is None:
        return gap
    number = g.stage
    if not 1 <= number <= len(journey.stages):
        return gap
    name = journey.stages[number - 1].name
    scored = [(similarity(name, s.name), i) for i, s in enumerate(scenario.stages, 1)]
    best = max(scored)
    if best[0] >= THRESHOLD:
        return Gap.of_stage(best[1], str(g.field))
    if len(journey.stages) == len(scenario.stages):
        return gap
    return Gap.of_stage(0, str(g.field))


class LLMUser:
    """A chat model plays the user from the brief (prompt: `prompts/evals/simulated_user.md.j2`)."""

    def __init__(self, scenario: Scenario, model: BaseChatModel, book: Phrasebook) -> None:
        from langchain_core.messages import SystemMessage

        brief = scenario.model_dump(exclude={"id", "style", "description", "source"})
        system = prompts.render(
            "evals/simulated_user.md.j2",
            brief=yaml.safe_dump(brief, allow_unicode=True, sort_keys=False),
            style=scenario.style,
            language=scenario.language,
            dont_know=book.dont_know(),
        )
        self.model = model
        self.messages: list[Any] = [SystemMessage(system)]
        self.tokens = 0
        """Tokens the simulated user's model used (when the model reports usage)."""

    def answer(self, reply: Reply, journey: JourneyMap) -> str | None:
        from langchain_core.messages import AIMessage, HumanMessage

        if reply.gap is None:
            return None
        # Roles are mirrored: the assistant's replies are the "human" side for the user model.
        self.messages.append(HumanMessage(reply.text))
        window = [self.messages[0], *self.messages[1:][-20:]]
        out = self.model.invoke(window)
        usage = getattr(out, "usage_metadata", None) or {}
        self.tokens += int(usage.get("total_tokens", 0) or 0)
        text = out.content if isinstance(out.content, str) else _text_of(out.content)
        text = text.strip()
        self.messages.append(AIMessage(text))
        return text or None


def _text_of(content: list[Any]) -> str:
    return " ".join(
        part if isinstance(part, str) else str(part.get("text", ""))
        for part in content
        if isinstance(part, str | dict)
    )
