"""How the agent recovers from a model that misbehaves or fails: malformed and unknown calls,
endless loops, empty replies, tool calls written as text, false claims, a failed service."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest
from langchain_core.messages import HumanMessage

from assistant.agent.recovery import claims_a_change
from assistant.agent.scripted import bad_call, call, say
from assistant.session import Reply, open_session
from assistant.settings import get_settings
from tests.agent_helpers import (
    agent_session,
    model_of,
    put,
    tool_results,
    update,
)


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


def test_missing_key_is_one_sentence_at_start(home: Path) -> None:
    config = get_settings(home=home, model="openai:gpt-4.1-mini")
    session = open_session(map="acme", settings=config)
    reply = session.start()
    assert reply.done
    assert reply.text.count(". ") == 0 and reply.text.endswith(".")
    assert "OPENAI_API_KEY" in reply.text and "--model guided" in reply.text


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Great, your map is saved. Goodbye!", False),
        ("Thanks, that's all for today. Bye!", False),
        ("I've added the three pain points.", True),
        ("Recorded: company and product.", True),
        ("Zapisałem cele persony.", True),
        ("Ho aggiunto due punti critici.", True),
    ],
)
def test_only_explicit_claims_of_a_change_are_checked(text: str, claim: bool) -> None:
    assert claims_a_change(text) is claim


def test_a_goodbye_is_not_corrected(home: Path) -> None:
    session = agent_session(home, [say("Your map is saved, see you next time!")])
    reply = session.send("Thanks, that's it for today")
    assert not reply.errors and reply.text == "Your map is saved, see you next time!"
