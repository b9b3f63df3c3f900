"""The LLM interviewer: an explicit tool-calling loop over a LangChain chat model.

Why a loop of our own rather than `langchain.agents.create_agent` (LangChain 1.x, checked
again for v2): its middleware covers call limits (`ModelCallLimitMiddleware`), approval
(`HumanInTheLoopMiddleware`, which pauses the graph on an interrupt and needs a checkpointer)
and summarisation. Here approval is a property of the data, not of the graph: a removal becomes
a proposal stored with the session and approved in a later user turn through the same
`decide` tool as suggestions, which survives a web reload without a LangGraph checkpointer next
to our own store. Summarisation is not needed: the map is the memory and the prompt is rebuilt
each turn within a fixed budget. The recoveries (malformed-JSON calls answered with an error,
one nudge after an empty reply or a tool call written as text, the step cap, a failed service
as one sentence, held-back JSON in a stream) stay a dozen visible lines in one loop. LangChain
still does the heavy lifting: the provider client (`ChatOpenAI`, retries), tool schemas via
`bind_tools`, message types, streamed chunk aggregation, usage metadata, LangSmith tracing.

One turn: system prompt (method + map state) + a bounded slice of history + the user's message
-> model -> tool calls run through the lean tools (`tools/lean.py`, ending in the one validated
change path) -> results back to the model -> ... until it answers in words.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator, Iterator
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    BaseMessage,
    HumanMessage,
    ToolMessage,
)

from assistant import prompts, providers
from assistant.agent import citations, prompt, proposals, recovery
from assistant.agent.calls import ModelCalls
from assistant.agent.usage import TurnUsage, UsageLog
from assistant.conversation import Conversation, Reply
from assistant.guided import optional, parse
from assistant.settings import Settings
from tools.lean import LeanTools
from tools.lean_status import core_gaps
from tools.results import ToolResult

Turn = Generator[str, None, "Reply"]
CITATION = citations.CITATION
CHANGE_TOOLS = {"update_map", "skip", "propose_ideas", "decide", "undo", "research_suggestions"}
"""Tools that change the map (the others read: their result comes before the reply)."""
PROPOSAL_CHARS = 80
"""A proposal's description in the system prompt is cut to this; its marker is kept whole."""
TITLES = 500
"""Citation titles kept per map (more: start again; cards are found again when searched)."""
CITED_TURNS = 3
"""Cards and research retrieved this many turns back may still be cited."""


class AgentEngine:
    """Implements the Engine protocol of `assistant.conversation` with a tool-calling chat model."""

    def __init__(self, settings: Settings, model: BaseChatModel | None = None) -> None:
        self.settings = settings
        self._model = model
        """Injected model (tests, benchmarks); otherwise built from settings on first use."""
        self._bound: tuple[int, Any] | None = None
        self._usage: UsageLog | None = None
        self.last_usage: TurnUsage | None = None
        """Usage of the most recent turn (also persisted in the `usage` table)."""
        self.last_messages: list[BaseMessage] = []
        """The messages of the most recent turn's first model call (for measuring)."""
        self.last_calls = 0
        """Model calls of the most recent turn (for measuring)."""
        self._lean: dict[int, LeanTools] = {}
        self._retrieved: dict[str, deque[set[str]]] = {}
        """Per map: citation ids returned by tools in each of the last few turns."""
        self._titles: dict[str, dict[str, str]] = {}
        """Per map: the title of each citation id a tool returned (what the user reads)."""
        self._calls = ModelCalls()

    # the Engine protocol -------------------------------------------------------------------
    def opening(self, session: Conversation) -> Reply:
        return _drain(self._run(session, None, stream=False))

    def respond(self, session: Conversation, text: str) -> Reply:
        return _drain(self._run(session, text, stream=False))

    def stream(self, session: Conversation, text: str) -> Iterator[str | Reply]:
        turn = self._run(session, text, stream=True)
        while True:
            try:
                yield next(turn)
            except StopIteration as end:
                yield end.value
                return

    # one turn ------------------------------------------------------------------------------
    def _run(self, session: Conversation, text: str | None, stream: bool) -> Turn:
        language = session.language
        if self._model is None and (problem := providers.problem(self.settings)):
            if model := providers.missing_key(self.settings):  # said in the session's language
                problem = prompt.message(language, "no_key", model=model)
            return self._reply(session, problem, errors=[problem], done=True)
        notes: list[str] = []
        if text is not None:
            if parse.is_word(text, prompts.guided(language)["words"]["done"]):
                st = session.status
                key = "done_web" if session.front_end == "web" else "done"
                bye = prompt.message(language, key, map=session.map.name, percent=st.percent)
                return self._reply(session, bye, done=True)
            limit = self.settings.max_answer_chars
            if len(text) > limit:
                text = text[:limit]
                notes.append(prompt.message(language, "truncated", chars=f"{limit:,}"))
        journey = session.map
        lean = self.lean_tools(session)
        if text is None:
            lean.begin_turn()
        else:  # the user's own yes/no to what waits for their OK, read by code, not the model
            lean.begin_turn(*proposals.answer(text, language, list(lean.pending)))
            _read_optional_choice(session, text)
        past = session.history(limit=2 * self.settings.history_turns + 2)
        if text is not None and past and past[-1]["role"] == "user":
            past = past[:-1]  # the session stored the current message before calling us
        user_text = text if text is not None else prompt.opening_instruction(journey)
        messages = prompt.build(
            journey,
            language,
            lean.names,
            past,
            self.settings.history_turns,
            user_text,
            proposals=[
                f"{p.id} {prompt.cut(p.what, PROPOSAL_CHARS)}"
                + (" (the user's message says yes)" if p.id in lean.agreed else "")
                for p in lean.pending
            ],
            declined=[f"{p.id} {prompt.cut(p.what, PROPOSAL_CHARS)}" for p in lean.declined],
            state=session.state,
        )
        self.last_messages = list(messages)
        return (yield from self._loop(session, messages, notes, stream))

    def _loop(
        self, session: Conversation, messages: list[BaseMessage], notes: list[str], stream: bool
    ) -> Turn:
        language = session.language
        usage = TurnUsage(model=self.settings.model)
        said: list[str] = []
        recorded: list[str] = []
        changes: list[ToolResult] = []
        errors: list[str] = []
        nudged: set[str] = set()
        done = False
        replied = False
        """A reply to the user came with a change call in an earlier step of this turn."""
        cited: list[str] = []
        titles = self._titles.setdefault(session.map_id, {})
        if len(titles) > TITLES:
            titles.clear()
        lean = self.lean_tools(session)
        try:
            model, tools = self._bind(session)
            for step in range(1, self.settings.max_tool_steps + 1):
                ai = yield from citations.rendered(
                    self._calls.call(model, messages, tools, usage, stream, bool(said)),
                    titles,
                    language,
                )
                ai = recovery.with_ids(ai, step)
                text = ai.text.strip()
                cited += CITATION.findall(text)
                shown = citations.render(text, titles, language)
                if not ai.tool_calls and not ai.invalid_tool_calls:
                    kind = _misbehaviour(text, bool(recorded), nudged)
                    if not kind:
                        said.append(shown)
                        break
                    if kind == "unrecorded_claim":  # already shown: keep it, then correct
                        said.append(shown)
                    errors.append(f"model: {kind}")
                    if kind in nudged:  # second time in this turn: stop asking, fall back
                        yield _sep(said) + (fallback := _fallback(language, changes))
                        said.append(fallback)
                        break
                    nudged.add(kind)
                    if kind != "empty":
                        messages.append(ai)
                    messages.append(HumanMessage(recovery.nudge(kind)))
                    continue
                if text:
                    said.append(shown)
                messages.append(ai)
                outcomes = []
                for call in ai.tool_calls:
                    result = lean.call(call["name"], call["args"])
                    titles.update(citations.titles_in(result.text))
                    outcomes.append(result.ok and result.settled)
                    if not result.ok:
                        errors.append(result.text)
                    if result.changed:
                        recorded.append(result.text)
                        changes.append(result)
                    messages.append(
                        ToolMessage(
                            result.text, tool_call_id=call["id"], name=call["name"], artifact=result
                        )
                    )
                bad = recovery.invalid_call_results(ai)
                errors += [m.text for m in bad]
                messages += bad
                settled = not bad and all(ok for ok in outcomes)
                changing = {c["name"] for c in ai.tool_calls} <= CHANGE_TOOLS
                if text and settled:
                    break  # the reply came with the calls and every call succeeded: done
                if replied and changing and settled:
                    break  # a correction of a failed call; the reply was written with it
                replied = replied or bool(text and changing)
            else:
                cap = prompt.message(language, "step_cap", steps=self.settings.max_tool_steps)
                errors.append(f"model: tool step cap ({self.settings.max_tool_steps}) reached")
                yield _sep(said) + cap
                said.append(cap)
        except Exception as exc:
            sentence = recovery.fault_message(exc, language, self.settings.model)
            if sentence is None:
                raise
            errors.append(f"{type(exc).__name__}: {exc}")
            yield _sep(said) + sentence
            said.append(sentence)
            done = recovery.is_auth_failure(exc)
        if any(p.created >= lean.turn_started for p in lean.pending):
            # said by the code, not the model, in the user's language: what awaits their OK
            what = proposals.listed(session.map, lean.pending, language)
            key = "pending" if len(lean.pending) == 1 else "pending_many"
            notice = prompt.message(language, key, what=what)
            yield _sep(said) + notice
            said.append(notice)
        elif more := _optional_offer(session):
            # the core is filled: the optional fields are offered once, by the code, in the
            # interview's words and language (as the guided interview does), never demanded
            yield _sep(said) + more
            said.append(more)
            session.state.optional_offered = True
        self._record(session, usage)
        self.last_calls = usage.calls
        reply = self._reply(session, "\n\n".join(notes + said), recorded, errors, done=done)
        reply.citations = list(dict.fromkeys(cited))
        reply.results = [r for r in changes if r.changed]
        # Only ids that a tool returned (this turn or in the last few) count as citations.
        tool_text = "\n".join(m.text for m in messages if isinstance(m, ToolMessage))
        recent = self._retrieved.setdefault(session.map_id, deque(maxlen=CITED_TURNS))
        recent.append(set(CITATION.findall(tool_text)))
        seen = set().union(*recent) | set(CITATION.findall("\n".join(m.text for m in messages[1:])))
        reply.citations = [c for c in reply.citations if c in seen]
        return reply

    # helpers -------------------------------------------------------------------------------
    def lean_tools(self, session: Conversation) -> LeanTools:
        """The session's model-facing tools (research tools only when the map has research)."""
        research = _has_research(session)
        lean = self._lean.get(id(session.context))
        if lean is None or lean.research != research:
            lean = LeanTools(session.context, research=research)
            self._lean[id(session.context)] = lean
        lean.pending = session.state.pending  # persisted with the conversation's state
        lean.chosen = list(session.state.optional)
        return lean

    def _bind(self, session: Conversation) -> tuple[Any, list]:
        """The model with this session's lean tools bound (cached per tool set)."""
        lean = self.lean_tools(session)
        tools = lean.list()
        key = id(lean)
        if self._bound is None or self._bound[0] != key:
            base = self._model or providers.chat_model(self.settings)
            self._model = base
            self._bound = (key, base.bind_tools(tools))
        return self._bound[1], tools

    def _record(self, session: Conversation, usage: TurnUsage) -> None:
        self.last_usage = usage
        if not usage.calls:
            return
        # Usage rows live in the workspace database, beside the map (on a server too).
        store = session.context.store
        if self._usage is None or self._usage.url != store.url:
            self._usage = UsageLog(store.url)
        self._usage.record(session.map_id, usage)

    def _reply(
        self,
        session: Conversation,
        text: str,
        recorded: list[str] | None = None,
        errors: list[str] | None = None,
        done: bool = False,
    ) -> Reply:
        st = session.status
        return Reply(
            text=text,
            gap=st.next_gap,
            status=st,
            done=done,
            recorded=recorded or [],
            citations=list(dict.fromkeys(CITATION.findall(text))),
            errors=errors or [],
        )


def _has_research(session: Conversation) -> bool:
    """Whether the map has research (cheap when the workspace has no vector store yet)."""
    if not session.settings.chroma_path.exists() and not session.settings.chroma_url:
        return False
    try:
        return session.context.knowledge.research_count(session.map.id) > 0
    except Exception:  # an unreadable index: offer no research tools rather than fail the turn
        return False


def _read_optional_choice(session: Conversation, text: str) -> None:
    """The user's answer to the offer of optional fields, read by the code (the guided
    interview's reader): the fields named are asked, anything else ends the offer; it is
    made once."""
    state = session.state
    if not state.optional_offered:
        return
    state.optional_offered = False
    choice = optional.read_choice(session, text)
    if isinstance(choice, list):
        state.optional = [*state.optional, *(f for f in choice if f not in state.optional)]
    else:
        state.optional_declined = True


def _optional_offer(session: Conversation) -> str | None:
    """The offer of optional fields when nothing core is left to ask: once, and not while
    ideas wait for a verdict (one question at a time)."""
    state = session.state
    if state.optional_offered or state.optional_declined or state.optional:
        return None
    journey = session.map
    if not journey.stages or core_gaps(journey).current is not None:
        return None
    if any(i.status == "proposed" for s in journey.stages for i in s.content_ideas):
        return None
    return optional.offer(session)


def _fallback(language: str, changes: list[ToolResult]) -> str:
    if changes:
        # The tools' summaries are English: the English text quotes them, the others count.
        what = " ".join(r.summary for r in changes)
        return prompt.message(language, "recorded", what=what, count=len(changes))
    return prompt.message(language, "empty")


def _drain(turn: Turn) -> Reply:
    while True:
        try:
            next(turn)
        except StopIteration as end:
            return end.value


def _misbehaviour(text: str, changed: bool, nudged: set[str]) -> str:
    """What is wrong with a reply that has no tool calls ('' when nothing is).

    A false "noted!" is only corrected once per turn; the other faults fall back the second
    time (see the loop)."""
    if recovery.looks_like_text_tool_call(text):
        return "text_tool_call"
    if not text:
        return "empty"
    if not changed and "unrecorded_claim" not in nudged and recovery.claims_a_change(text):
        return "unrecorded_claim"
    return ""


def _sep(said: list[str]) -> str:
    """Blank line between texts of one turn (what was already said, then this)."""
    return "\n\n" if said else ""
