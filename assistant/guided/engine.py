"""The guided engine: a deterministic interviewer that asks one question at a time for the
next gap, parses the answer, writes it through the map tools and confirms what it recorded."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from assistant import completeness, prompts, render, tips
from assistant.conversation import Conversation, Reply
from assistant.gap import Gap
from assistant.guided import evidence_step, ideas_step, natural, optional, parse
from assistant.guided.answers import AnswerWriter

if TYPE_CHECKING:
    from tools.results import ToolResult

Tipper = Callable[[Conversation, str], tuple[str, str] | None]
"""Given a gap key, a short tip and its citation id (from the knowledge base), or None."""
Explainer = Callable[[Conversation, str], tuple[str, list[str]] | None]
"""Given a topic ('touchpoint'), an explanation with citation ids, or None."""


def card_tip(session: Conversation, gap: str) -> tuple[str, str] | None:
    """The knowledge card's tip for the question about `gap` (assistant/tips.py)."""
    return tips.tip_for_gap(gap, session.language, session.map.context.market)


def card_explanation(session: Conversation, topic: str) -> tuple[str, list[str]] | None:
    """What a knowledge card says about `topic` ('what is a touchpoint?')."""
    return tips.explain(topic, session.language, session.context.knowledge)


class GuidedEngine:
    """Asks for the next gap in the method's order; no model, no network.

    The engine keeps nothing between messages: what the conversation remembers (the question
    asked, an open offer, the last answer's changes, tips and hints shown) is `session.state`,
    stored with the map (assistant/state.py)."""

    def __init__(
        self, tipper: Tipper | None = card_tip, explainer: Explainer | None = card_explanation
    ) -> None:
        self.tipper = tipper
        self.explainer = explainer

    # the Engine protocol -------------------------------------------------------------------
    def opening(self, session: Conversation) -> Reply:
        t = prompts.guided(session.language)
        journey = session.map
        started = bool(journey.context.company or journey.stages or journey.persona.name)
        status = completeness.status(journey)
        intro = (
            prompts.fill(
                t["messages"]["resumed"],
                map=journey.name,
                status=prompts.fill(t["messages"]["progress"], percent=status.percent),
            )
            if started
            else t["messages"]["greeting"]
        )
        # A resumed conversation asks again what it asked last, while that is still open.
        asked = session.state.asked
        open_gaps = {g for g, _ in completeness.gap_order(journey)}
        again = asked in open_gaps and not completeness.filled(journey, asked or "")
        return self._finish(session, [intro], [], [], ask_again=again)

    def respond(self, session: Conversation, text: str) -> Reply:
        return self._respond(session, text)

    def _respond(self, session: Conversation, text: str) -> Reply:
        t = prompts.guided(session.language)
        words, msg = t["words"], t["messages"]
        notes: list[str] = []
        raw = text or ""
        if len(raw) > session.settings.max_answer_chars:
            raw = raw[: session.settings.max_answer_chars]
            notes.append(prompts.fill(msg["truncated"], chars=f"{len(raw):,}"))
        answer = raw.strip()
        state = session.state
        gap = state.asked or completeness.next_gap(session.map, optional=state.optional)
        if not answer:
            return self._finish(session, [msg["empty"].split("{question}")[0].strip()], [], [])
        offered, state.optional_offered = state.optional_offered, False
        if offered:
            chosen = optional.read_choice(session, answer)
            if chosen is not None:
                return self._choose_optional(session, chosen)
        understood = natural.before(self, session, answer, gap)
        if understood is not None:
            return understood
        if state.offer is not None:
            # The offer closes unless the answer is a verdict that keeps it open; closed before
            # the verdict's change, so that change is stored with the offer already closed.
            current, state.offer = state.offer, None
            step = ideas_step if current.kind == "ideas" else evidence_step
            turn = step.reply(session, current, answer)
            if turn is not None:
                if turn.offer is not None:
                    state.offer = turn.offer
                return self._finish(session, turn.lines, turn.results, turn.errors, ask_again=True)
        # "Good question. From what we have seen, ..." -> the answer itself (the offers above
        # read the raw text: 'no' is a verdict there, a filler here).
        answer = parse.strip_fillers(answer, t.get("fillers", []))
        if not answer:
            return self._finish(session, [msg["empty"].split("{question}")[0].strip()], [], [])
        if parse.is_word(answer, t["evidence"]["words"]):
            return self._evidence(session, gap)
        if parse.is_word(answer, words["help"]):
            return self._finish(session, [msg["help"]], [], [], ask_again=True)
        if parse.is_word(answer, words["why"]):
            text, cited = self._why(session, gap)
            reply = self._finish(session, [text], [], [], ask_again=True)
            reply.citations = cited + [c for c in reply.citations if c not in cited]
            return reply
        if parse.is_word(answer, words["done"]):
            status = completeness.status(session.map)
            return self._reply(
                prompts.fill(
                    _closing(msg, "done", session), map=session.map.name, percent=status.percent
                ),
                gap,
                session,
                done=True,
            )
        if parse.is_word(answer, words["show"]):
            return self._finish(
                session, [render.map_to_markdown(session.map)], [], [], ask_again=True
            )
        if parse.is_word(answer, words["undo"]):
            results = self._undo(session)
            note = msg["undone"] if any(r.ok for r in results) else msg["nothing_to_undo"]
            state.asked = None
            state.offer = None
            return self._finish(session, [note], results, [])
        if parse.is_word(answer, words["back"]):
            if not state.history or len(state.history) < 2:
                return self._finish(session, [msg["nothing_back"]], [], [], ask_again=True)
            state.history.pop()
            state.asked = state.history.pop()
            return self._finish(session, [msg["going_back"]], [], [], ask_again=True)
        explained = self._what_is(session, answer, words)
        if explained is not None:
            return explained
        writer = AnswerWriter(session, t)
        if gap and (
            parse.is_word(answer, words["skip"]) or parse.is_word(answer, words["dont_know"])
        ):
            writer.skip(gap)
        elif not writer.correction(answer):
            self._write_answer(writer, answer, gap, t, notes)
        state.asked = None if writer.ok_count or writer.advanced else gap
        for stage_number in writer.pain_stages:  # also after labelled answers ('pains: ...')
            offer = ideas_step.make_offer(session, stage_number)
            if offer is not None and offer.offer is not None:
                # The offer does not block: the next question follows, and any answer that is
                # not a verdict on the ideas leaves them proposed and answers that question.
                state.offer = offer.offer
                lines = notes + writer.sentences + offer.lines
                return self._finish(
                    session, lines, writer.results + offer.results, writer.errors + offer.errors
                )  # one offer per turn: a second stage's ideas come with `journey ideas`
        return self._finish(session, notes + writer.sentences, writer.results, writer.errors)

    def _write_answer(
        self, writer: AnswerWriter, answer: str, gap: str | None, t: dict, notes: list[str]
    ) -> None:
        """Labelled segments, a 'stage 2 ...' prefix that picks the stage, or a plain answer to
        the current question."""
        number = None
        prefix = re.match(t["words"]["stage_prefix"], answer, re.IGNORECASE)
        if prefix:
            number = int(prefix.group("n"))
            if not writer.stage_exists(number):
                return  # nothing recorded: a wrong stage number is not silently redirected
            answer = answer[prefix.end() :]
        intro, labelled = parse.find_labels(answer, t["labels"])
        current = completeness.stage_of(gap)
        if number and gap and current:  # 'stage 2: ads, webinar' answers this field for stage 2
            gap = Gap.of_stage(number, str(Gap.parse(gap).field))
        if labelled:
            if intro and gap:
                writer.write(gap, intro)
            for segment in labelled:
                writer.write_label(segment.target, segment.text, gap, number)
        elif gap and answer.strip():
            natural.write(writer, gap, answer)
        else:
            notes.append(t["messages"]["help"])

    def stream(self, session: Conversation, text: str) -> Iterator[str | Reply]:
        reply = self.respond(session, text)
        yield reply.text
        yield reply

    # helpers -------------------------------------------------------------------------------
    def _undo(self, session: Conversation) -> list[Any]:
        """Undo the whole last answer (it may have written pain points and the ideas that
        followed them), as recorded in the state; once it is undone (nothing recorded), 'undo'
        goes one change further back. Changes another session made since are never undone in
        its place: the answer's changes are undone only while they are the latest."""
        state = session.state
        seqs, state.last_answer = list(state.last_answer), []
        if not seqs:
            return [session.context.undo()]
        results = []
        for seq in reversed(seqs):
            result = session.context.undo(expect=seq)
            results.append(result)
            if not result.ok:
                break
        return results

    def _finish(
        self,
        session: Conversation,
        lines: list[str],
        results: list[ToolResult],
        errors: list[str],
        ask_again: bool = False,
    ) -> Reply:
        journey = session.map
        state = session.state
        gap = (
            state.asked
            if ask_again and state.asked
            else completeness.next_gap(journey, optional=state.optional)
        )
        if not ask_again or not state.asked:
            state.asked = gap
        if gap in state.history:
            # Asked again (after an undo or a 'back'): what followed it is no longer behind us.
            del state.history[len(state.history) - state.history[::-1].index(gap) :]
        elif gap:
            state.history.append(gap)
        parts = [line for line in lines if line]
        citations: list[str] = []
        if gap:
            hint = self._research_hint(session, gap)
            if hint:
                parts.append(hint)
            parts.append(self.question(session, gap))
            tip = self.tipper(session, gap) if self.tipper else None
            if tip and tip[1] != state.last_tip:
                state.last_tip = tip[1]
                t = prompts.guided(session.language)
                parts.append(prompts.fill(t["messages"]["tip"], tip=tip[0], cite=tip[1]))
                citations.append(tip[1])
        else:
            t = prompts.guided(session.language)
            status = completeness.status(journey)
            key = "complete" if status.complete else "all_asked"
            missing = sum(len(s.missing) for s in status.sections)
            text = _closing(t["messages"], key, session)
            parts.append(prompts.fill(text, map=journey.name, n=missing))
            # Nothing core left to ask (filled, or skipped by the person): the optional fields
            # are offered, never demanded; not beside an open offer of ideas (one verdict at a
            # time).
            more = optional.offer(session) if state.offer is None else None
            if more:
                parts.append(more)
                state.optional_offered = True
        reply = self._reply("\n\n".join(parts), gap, session)
        reply.results = [r for r in results if r.changed]
        reply.recorded = [r.text for r in reply.results]
        reply.errors, reply.citations = errors, citations
        reply.offer = session.open_offer()
        return reply

    def _choose_optional(self, session: Conversation, chosen: optional.Choice) -> Reply:
        """The reply to the offer of optional fields: ask the chosen ones, or close."""
        t = prompts.guided(session.language)
        state = session.state
        if chosen == "declined":
            state.optional_declined = True
            status = completeness.status(session.map)
            closing = prompts.fill(
                _closing(t["messages"], "done", session),
                map=session.map.name,
                percent=status.percent,
            )
            text = f"{t['optional']['declined']} {closing}" if status.complete else closing
            return self._reply(text, None, session, done=True)
        state.optional = [*state.optional, *(f for f in chosen if f not in state.optional)]
        state.asked = None
        names = [optional.label(t, f) for f in chosen]
        line = prompts.fill(t["optional"]["chosen"], fields=", ".join(names))
        return self._finish(session, [line], [], [])

    def _evidence(self, session: Conversation, gap: str | None) -> Reply:
        """List what the research says about the current stage, as pending suggestions."""
        number = completeness.stage_of(gap) or (1 if session.map.stages else None)
        if number is None:
            t = prompts.guided(session.language)
            what = t["stage_fields"]["pain_points"]
            text = prompts.fill(t["messages"]["stage_needed"], what=what)
            return self._finish(session, [text], [], [], ask_again=True)
        turn = evidence_step.offer(session, number)
        session.state.offer = turn.offer
        reply = self._finish(session, turn.lines, turn.results, turn.errors, ask_again=True)
        reply.citations = turn.citations + reply.citations
        return reply

    def _research_hint(self, session: Conversation, gap: str) -> str | None:
        """Once per stage, at its first question, say that research can be consulted."""
        number = completeness.stage_of(gap)
        journey = session.map
        if number is None or number > len(journey.stages):
            return None
        stage = journey.stages[number - 1]
        if stage.id in session.state.hinted or not evidence_step.has_research(session):
            return None
        session.state.hinted.append(stage.id)
        t = prompts.guided(session.language)
        return prompts.fill(t["evidence"]["hint"], stage=stage.name)

    def _reply(
        self, text: str, gap: str | None, session: Conversation, done: bool = False
    ) -> Reply:
        return Reply(
            text=text, gap=Gap.maybe(gap), status=completeness.status(session.map), done=done
        )

    def question(self, session: Conversation, gap: str) -> str:
        """The question for a gap, with one sentence on why it matters."""
        t = prompts.guided(session.language)
        entry = natural.open_question(session, gap) or t["questions"][_question_key(gap)]
        values = _placeholders(session, gap, t)
        return f"{prompts.fill(entry['ask'], **values)}\n({prompts.fill(entry['why'], **values)})"

    def _why(self, session: Conversation, gap: str | None) -> tuple[str, list[str]]:
        """Why the current question matters, with the knowledge card behind it (cited)."""
        t = prompts.guided(session.language)
        if not gap:
            return t["messages"]["help"], []
        why = prompts.fill(t["messages"]["why"], why=t["questions"][_question_key(gap)]["why"])
        tip = self.tipper(session, gap) if self.tipper else None
        if tip is None:
            return why, []
        session.state.last_tip = tip[1]  # shown here, so not repeated under the question
        return f"{why} {tip[0]} [{tip[1]}]", [tip[1]]

    def _what_is(self, session: Conversation, answer: str, words: dict[str, Any]) -> Reply | None:
        match = re.match(words["what_is"], answer.strip(), re.IGNORECASE)
        if not match or len(answer) > 120 or self.explainer is None:
            return None
        found = self.explainer(session, match.group("topic"))
        if found is None:
            return None
        reply = self._finish(session, [found[0]], [], [], ask_again=True)
        reply.citations = found[1] + reply.citations
        return reply


def _question_key(gap: str) -> str:
    return Gap.parse(gap).question_key


def _placeholders(session: Conversation, gap: str, t: dict[str, Any]) -> dict[str, str]:
    journey = session.map
    values = {
        "persona": journey.persona.name or t["messages"]["customer"],
        "company": journey.context.company or "",
        "product": journey.context.product or "",
        "defaults": ", ".join(t["default_stages"]),
    }
    number = completeness.stage_of(gap)
    if number and number <= len(journey.stages):
        values.update(stage=journey.stages[number - 1].name, n=str(number))
    return values


def _closing(messages: dict, key: str, session: Conversation) -> str:
    """A closing message for the session's front end (`done_web` in the web app, which
    points at its Export tab instead of the CLI command)."""
    return str(messages.get(f"{key}_{session.front_end}") or messages[key])
