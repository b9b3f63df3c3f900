"""The agent's logic with a scripted chat model: extraction, suggestions, recovery, history."""

from __future__ import annotations

import re
from pathlib import Path

import openai
import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

from assistant.agent import AgentEngine, prompt
from assistant.agent.prompt import map_state
from assistant.agent.scripted import ScriptedChatModel, bad_call, call, say
from assistant.agent.usage import UsageLog
from assistant.completeness import filled
from assistant.session import Reply, Session, open_session
from assistant.settings import get_settings


def agent_session(home: Path, script: list, lang: str = "en", **settings: object) -> Session:
    values = {"model": "openai:gpt-4.1-mini", "openai_api_key": "sk-test"} | settings
    config = get_settings(home=home, **values)
    session = open_session(map="acme", settings=config, lang=lang)
    session.engine = AgentEngine(config, model=ScriptedChatModel(script=script))
    return session


def model_of(session: Session) -> ScriptedChatModel:
    engine = session.engine
    assert isinstance(engine, AgentEngine)
    model = engine._model
    assert isinstance(model, ScriptedChatModel)
    return model


def tool_results(messages: list[BaseMessage]) -> list[str]:
    return [m.text for m in messages if isinstance(m, ToolMessage)]


def update(*ops: dict) -> dict:
    """An `update_map` call with these operations."""
    return call("update_map", operations=list(ops))


def put(field: str, value: str) -> dict:
    return {"op": "set", "field": field, "value": value}


def add(field: str, *texts: str, stage: str | None = None, **extra: object) -> dict:
    items = [{"text": t} for t in texts]
    return (
        {"op": "add", "field": field, "items": items} | ({"stage": stage} if stage else {}) | extra
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


def test_malformed_json_arguments_get_an_error_and_a_retry(home: Path) -> None:
    session = agent_session(
        home,
        [
            say("", bad_call("update_map", '{"operations": [{"op": "set", field: dash')),
            say("", update(put("context.company", "Acme"), put("context.product", "dashboards"))),
            say("Thanks! Is your customer a business or a consumer?"),
        ],
    )
    reply = session.send("Acme, dashboards")
    assert session.map.context.company == "Acme"
    second = model_of(session).requests[1]
    assert "not valid JSON" in tool_results(second)[0]
    assert reply.errors and "not valid JSON" in reply.errors[0]
    assert reply.text.startswith("Thanks!")


def test_unknown_tool_and_invalid_arguments_leave_the_map_unchanged(home: Path) -> None:
    session = agent_session(
        home,
        [
            say("", call("delete_everything"), call("update_map", operations="all of it")),
            say("Sorry, let me ask again: what is your company called?"),
        ],
    )
    before = session.map
    reply = session.send("Acme")
    results = tool_results(model_of(session).requests[1])
    assert results[0].startswith("Error: unknown tool 'delete_everything'")
    assert results[1].startswith("Error: invalid arguments")
    assert session.map.model_dump(exclude={"updated_at"}) == before.model_dump(
        exclude={"updated_at"}
    )
    assert len(reply.errors) == 2 and reply.text.startswith("Sorry")


def test_endless_tool_loop_is_capped(home: Path) -> None:
    looping = [lambda _m: say("", call("read_map"))] * 10
    session = agent_session(home, looping, max_tool_steps=4)
    reply = session.send("hello")
    assert len(model_of(session).requests) == 4
    assert "4 tool steps" in reply.text
    assert any("cap" in e for e in reply.errors)
    # the session goes on normally afterwards
    model_of(session).script[:] = [say("Welcome back. Company?")]
    assert session.send("go on").text == "Welcome back. Company?"


def test_empty_reply_is_nudged_once_then_answered(home: Path) -> None:
    session = agent_session(home, [say(""), say("What is the company called?")])
    reply = session.send("hi")
    second = model_of(session).requests[1]
    assert isinstance(second[-1], HumanMessage) and "empty" in second[-1].text
    assert reply.text == "What is the company called?"


def test_empty_replies_twice_fall_back_to_what_was_recorded(home: Path) -> None:
    session = agent_session(
        home, [say("", update(put("context.company", "Acme"))), say(""), say("")]
    )
    reply = session.send("We are Acme")
    assert session.map.context.company == "Acme"
    assert reply.text.startswith("Recorded: Context set: company = Acme.")
    assert len(model_of(session).requests) == 3


def test_tool_call_written_as_text_is_corrected_and_never_shown(home: Path) -> None:
    as_text = '```json\n{"name": "set_context", "arguments": {"company": "Acme"}}\n```'
    session = agent_session(
        home,
        [
            say(as_text),
            say("", update(put("context.company", "Acme"))),
            say("Got it: Acme. What do you sell?"),
        ],
    )
    pieces = list(session.stream("We are Acme"))
    final = pieces[-1]
    assert isinstance(final, Reply)
    shown = "".join(p for p in pieces if isinstance(p, str))
    assert "{" not in shown and shown == final.text == "Got it: Acme. What do you sell?"
    assert session.map.context.company == "Acme"
    nudge = model_of(session).requests[1][-1]
    assert isinstance(nudge, HumanMessage) and "as text" in nudge.text


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


def test_model_service_failure_keeps_the_map_and_the_session(home: Path) -> None:
    http = openai._base_client.httpx2  # the HTTP library this openai client is built on
    request = http.Request("POST", "http://127.0.0.1/v1/chat/completions")
    limited = openai.RateLimitError(
        "slow down", response=http.Response(429, request=request), body=None
    )
    session = agent_session(
        home,
        [say("", update(put("context.company", "Acme"))), limited, say("Back. What do you sell?")],
    )
    reply = session.send("Acme")
    assert "429" in reply.text and "send your message again" in reply.text
    assert session.map.context.company == "Acme", "the change made before the failure is kept"
    assert not reply.done
    assert session.send("Acme again").text == "Back. What do you sell?"


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


def test_missing_key_is_one_sentence_at_start(home: Path) -> None:
    config = get_settings(home=home, model="openai:gpt-4.1-mini")
    session = open_session(map="acme", settings=config)
    reply = session.start()
    assert reply.done
    assert reply.text.count(". ") == 0 and reply.text.endswith(".")
    assert "OPENAI_API_KEY" in reply.text and "--model guided" in reply.text


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


def test_a_false_noted_claim_is_corrected_once(home: Path) -> None:
    session = agent_session(
        home,
        [
            say("Noted, Acme! What do you sell?"),
            say("", update(put("context.company", "Acme"))),
            say("Now it is on the map. What do you sell?"),
        ],
    )
    reply = session.send("We are Acme")
    assert session.map.context.company == "Acme"
    nudge = model_of(session).requests[1][-1]
    assert isinstance(nudge, HumanMessage) and "called no tool" in nudge.text
    assert reply.text.endswith("Now it is on the map. What do you sell?")
    assert "model: unrecorded_claim" in reply.errors


def test_a_plain_answer_to_a_question_is_not_nudged(home: Path) -> None:
    session = agent_session(home, [say("A touchpoint is any place a customer meets you.")])
    reply = session.send("What is a touchpoint?")
    assert reply.text.startswith("A touchpoint") and not reply.errors
    assert len(model_of(session).requests) == 1


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
