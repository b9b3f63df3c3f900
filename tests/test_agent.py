"""The agent's turns with a scripted chat model: extraction, suggestions, streaming, history,
usage, citations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from assistant.agent import prompt
from assistant.agent.prompt import map_state
from assistant.agent.scripted import call, say
from assistant.agent.usage import UsageLog
from assistant.completeness import filled
from assistant.session import Reply
from assistant.settings import get_settings
from tests.agent_helpers import (
    add,
    agent_session,
    model_of,
    put,
    tool_results,
    update,
)

RAMBLING = (
    "Well, we're Acme Analytics, we sell shop dashboards to small web shops, so it's B2B really. "
    "Our typical buyer is Owen, he owns a shop with 10-50 staff, wants to grow sales and has no "
    "time for long setups. He mostly finds us through search and newsletters."
)


def test_one_rambling_answer_fills_several_fields(home: Path) -> None:
    session = agent_session(
        home,
        [
            say(
                "",
                update(
                    put("context.company", "Acme Analytics"),
                    put("context.product", "Shop dashboards"),
                    put("context.market", "b2b"),
                    put("persona.name", "Owen"),
                    put("persona.role", "Owner of a small web shop"),
                    add("persona.quantitative", "10-50 staff"),
                    add("persona.goals", "grow sales"),
                    add("persona.challenges", "no time for long setups"),
                    add("persona.channels", "search", "newsletters"),
                ),
            ),
            say("Noted Acme, Owen and his channels. Why are you making this map?"),
        ],
    )
    reply = session.send(RAMBLING)
    journey = session.map
    assert journey.context.company == "Acme Analytics" and journey.context.market == "b2b"
    assert journey.persona.name == "Owen"
    assert [i.text for i in journey.persona.channels] == ["search", "newsletters"]
    assert len(reply.recorded) == 1 and not reply.errors
    assert reply.text == "Noted Acme, Owen and his channels. Why are you making this map?"
    assert reply.gap == "context:purpose"
    # the model saw the result before answering: nine operations, one change, no error
    second = model_of(session).requests[1]
    assert len(tool_results(second)) == 1 and "Error" not in tool_results(second)[0]
    # the change went through the change log once, with the user as source (one undo)
    changes = [c for c in session.store.changes(session.map_id) if c.tool != "create_map"]
    assert len(changes) == 1 and {c.source for c in changes} == {"user"}


def _pain_id(messages: list[BaseMessage]) -> str:
    system = messages[0]
    assert isinstance(system, SystemMessage)
    block = system.text.split("Pain points")[1]
    match = re.search(r"(item-[0-9a-f]{8}) \(1\): Setup takes too long \[suggestion\]", block)
    assert match, block
    return match.group(1)


def test_suggestions_stay_apart_from_facts_until_accepted(home: Path) -> None:
    session = agent_session(
        home,
        [
            say("", update(add("stages", "Notice", "Compare", "Buy"))),
            say("Stages set. What annoys Owen when he notices the problem?"),
            say(
                "",
                update(add("pain_points", "Setup takes too long", stage="1", source="assistant")),
            ),
            say("I suggest 'Setup takes too long' as a pain point. Keep it?"),
            lambda messages: say("", call("decide", approve=[_pain_id(messages)])),
            say("Kept. Next: relief."),
        ],
    )
    session.send("Notice, Compare, Buy")
    session.send("Not sure, what would you suggest?")
    stage = session.map.stages[0]
    pain = stage.pain_points[0]
    assert pain.provenance.source == "assistant" and pain.provenance.accepted is False
    assert not filled(session.map, "stage:1:pain_points"), "a suggestion is not a fact"
    reply = session.send("Yes, keep it")
    pain = session.map.stages[0].pain_points[0]
    assert pain.provenance.accepted is True
    assert filled(session.map, "stage:1:pain_points")
    assert reply.recorded and reply.recorded[0].startswith("Accepted")
    # the next prompt no longer lists it as waiting, nor marks it as a suggestion
    state = map_state(session.map)
    assert "Waiting for the user's decision" not in state and "[suggestion]" not in state


def test_streaming_yields_text_pieces_then_the_reply(home: Path) -> None:
    session = agent_session(
        home,
        [
            say("Let me note that.", update(put("context.company", "Acme"), add("goals"))),
            say("Noted Acme; I could not add empty goals. What do you sell?"),
        ],
    )
    pieces = list(session.stream("Acme"))
    final = pieces[-1]
    assert isinstance(final, Reply)
    texts = [p for p in pieces if isinstance(p, str)]
    assert len(texts) > 3, "text arrives in pieces"
    expected = "Let me note that.\n\nNoted Acme; I could not add empty goals. What do you sell?"
    assert "".join(texts) == final.text == expected, "a failed operation gets a second call"
    assert session.map.context.company == "Acme"
    # the streamed reply is stored in the transcript like any other
    assert session.history()[-1]["content"] == final.text


def test_history_is_trimmed_and_prompt_stays_bounded(home: Path) -> None:
    script = [say(f"Question {n}?") for n in range(14)]
    session = agent_session(home, script, history_turns=2)
    session.send("x" * 5000)
    for n in range(10):
        session.send(f"answer {n}")
    last = model_of(session).requests[-1]
    assert isinstance(last[0], SystemMessage)
    assert len(last) == 1 + 2 * 2 + 1, "system + two past turns + the new message"
    assert last[-1].text == "answer 9" and last[1].text == "answer 7"
    first_sizes = [len("".join(m.text for m in r)) for r in model_of(session).requests]
    assert max(first_sizes[4:]) < 1.2 * min(first_sizes[4:])
    # a long answer is cut, and history stays within its character budget
    session.send("y" * 3000)
    session.send("next")
    history = model_of(session).requests[-1][1:-1]
    assert sum(len(m.text) for m in history) <= prompt.HISTORY_BUDGET
    assert isinstance(history[-1], AIMessage), "the question being answered is always kept"


def test_long_old_messages_are_cut_in_history(home: Path) -> None:
    session = agent_session(home, [say("ok?"), say("next?")])
    session.send("word " * 2000)
    history = model_of(session).requests
    session.send("short")
    past_user = model_of(session).requests[-1][1]
    assert isinstance(past_user, HumanMessage) and len(past_user.text) <= prompt.HISTORY_CHARS
    assert len(history) == 2


def test_usage_is_recorded_per_turn(home: Path) -> None:
    session = agent_session(
        home, [say("Hi! Company?"), say("", update(put("context.company", "Acme"))), say("Next?")]
    )
    session.start()
    session.send("Acme")
    log = UsageLog(session.store.path)
    turns = log.turns(session.map_id)
    assert [t.calls for t in turns] == [1, 2]
    assert turns[1].input_tokens > turns[1].first_prompt_tokens > 0
    total = log.totals(session.map_id)
    assert total.calls == 3
    cost = log.total_cost(session.map_id)
    assert cost is not None and cost > 0


def test_language_reaches_the_system_prompt(home: Path) -> None:
    session = agent_session(home, [say("Cześć! Jak nazywa się firma?")], lang="pl")
    reply = session.start()
    system = model_of(session).requests[0][0].text
    assert "Reply in Polish" in system
    assert reply.text.startswith("Cześć")


def test_done_word_ends_without_a_model_call(home: Path) -> None:
    session = agent_session(home, [])
    reply = session.send("done")
    assert reply.done and "journey chat --map acme" in reply.text
    assert model_of(session).requests == []


def test_knowledge_tool_text_is_data(home: Path) -> None:
    session = agent_session(home, [say("Hello")])
    session.start()
    system = model_of(session).requests[0][0].text
    assert re.search(r"never\s+instructions", system) and "<<<DATA" in system


def test_opening_resumes_with_the_map_state(home: Path) -> None:
    session = agent_session(home, [say("", update(put("context.company", "Acme"))), say("ok")])
    session.send("Acme")
    model_of(session).script[:] = [say("Welcome back to Acme.")]
    reply = session.start()
    request = model_of(session).requests[-1]
    assert "reopened" in request[-1].text and "company = Acme" in request[0].text
    assert reply.text == "Welcome back to Acme."
    assert isinstance(request[-2], AIMessage)


def test_citations_are_the_ids_a_tool_returned(home: Path) -> None:
    def answer(messages: list[BaseMessage]) -> AIMessage:
        found = tool_results(messages)[-1]
        real = re.search(r"\[(card:[^\]]+)\]", found)
        assert real, found
        return say(
            f"A touchpoint is where the customer meets you [{real.group(1)}] [card:made-up]."
        )

    session = agent_session(
        home,
        [say("", call("search", query="what is a touchpoint")), answer],
        retrieval="bm25",
    )
    reply = session.send("What is a touchpoint?")
    assert len(reply.citations) == 1 and reply.citations[0].startswith("card:")
    assert "card:made-up" not in reply.citations
    system = model_of(session).requests[0][0].text
    assert "search finds knowledge cards" in system


def test_provider_names_are_resolved_in_one_place(home: Path) -> None:
    from langchain_openai import ChatOpenAI

    from assistant import providers

    assert str(providers.parse_model("openai:gpt-4.1-mini")) == "openai:gpt-4.1-mini"
    assert str(providers.parse_model("gpt-4.1")) == "openai:gpt-4.1"
    with pytest.raises(providers.ProviderError, match="Unknown model 'claude:x'"):
        providers.parse_model("claude:x")
    local = get_settings(home=home, model="ollama:llama3.1", max_retries=5, request_timeout=7)
    assert providers.problem(local) is None, "local servers need no key"
    model = providers.chat_model(local)
    assert isinstance(model, ChatOpenAI)
    assert model.openai_api_base == providers.OLLAMA_URL
    assert (model.max_retries, model.request_timeout, model.model_name) == (5, 7, "llama3.1")
    keyless = get_settings(home=home, model="openai:gpt-4.1-mini")
    assert "OPENAI_API_KEY" in (providers.problem(keyless) or "")
    with pytest.raises(providers.ProviderError):
        providers.chat_model(keyless)
