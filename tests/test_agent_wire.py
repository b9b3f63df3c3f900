"""The real wire format: `langchain-openai` against a local OpenAI-compatible server.

Covers tool calls (plain and streamed with split arguments), 429/500 with the client's own
retries, timeouts, malformed tool arguments, a refused key and the usage the server reports.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_openai import FakeOpenAI, fault, reply, slow
from typer.testing import CliRunner

from assistant.agent.usage import UsageLog
from assistant.cli import app
from assistant.session import Reply, Session, open_session
from assistant.settings import get_settings

SET_ACME = {"op": "set", "field": "context.company", "value": "Acme"}
B2B = {"op": "set", "field": "context.market", "value": "b2b"}
PRODUCT = {"op": "set", "field": "context.product", "value": "dashboards"}
GOALS = {"op": "add", "field": "persona.goals", "items": [{"text": "grow sales"}]}
OWEN = {"op": "set", "field": "persona.name", "value": "Owen"}


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def wire_session(home: Path, server: FakeOpenAI, **settings: object) -> Session:
    values = {
        "model": "openai:test-model",
        "openai_api_key": "sk-test",
        "openai_base_url": server.url,
        "max_retries": 2,
        "request_timeout": 5.0,
    } | settings
    return open_session(map="acme", settings=get_settings(home=home, **values))


def test_tool_calls_round_trip(home: Path, server: FakeOpenAI) -> None:
    server.queue(
        reply(
            tool_calls=[
                ("update_map", json.dumps({"operations": [SET_ACME, B2B]})),
                ("update_map", json.dumps({"operations": [GOALS]})),
            ]
        ),
        reply("Recorded Acme. What do you sell?"),
    )
    session = wire_session(home, server)
    answer = session.send("We are Acme, B2B; customers want to grow sales")
    assert answer.text == "Recorded Acme. What do you sell?"
    assert session.map.context.company == "Acme"
    assert [i.text for i in session.map.persona.goals] == ["grow sales"]
    first, second = server.requests
    assert server.headers[0]["authorization"] == "Bearer sk-test"
    assert first["model"] == "test-model"
    names = {t["function"]["name"] for t in first["tools"]}
    assert {"update_map", "skip", "read_map", "decide"} <= names and len(names) <= 10
    # the tool calls and their results went back with matching ids
    assistant = [m for m in second["messages"] if m["role"] == "assistant"][-1]
    results = [m for m in second["messages"] if m["role"] == "tool"]
    assert [c["id"] for c in assistant["tool_calls"]] == [r["tool_call_id"] for r in results]
    assert results[0]["content"].startswith("Context set")


def test_streaming_with_split_tool_arguments(home: Path, server: FakeOpenAI) -> None:
    server.queue(
        reply("Noting that.", tool_calls=[("read_map", '{"section": "persona"}')]),
        reply("Owen it is.", tool_calls=[("update_map", json.dumps({"operations": [OWEN]}))]),
    )
    session = wire_session(home, server)
    pieces = list(session.stream("Our persona is Owen, an owner"))
    final = pieces[-1]
    assert isinstance(final, Reply)
    texts = [p for p in pieces if isinstance(p, str)]
    assert len(texts) >= 4
    assert "".join(texts) == final.text
    assert final.text == "Noting that.\n\nOwen it is."
    assert session.map.persona.name == "Owen"
    assert all(r.get("stream") for r in server.requests)
    # usage is asked for in every stream, so the server's own counts are recorded
    assert all(r.get("stream_options") == {"include_usage": True} for r in server.requests)


def test_rate_limit_is_retried_by_the_client(home: Path, server: FakeOpenAI) -> None:
    server.queue(fault(429), fault(429), reply("Hello! What is your company called?"))
    session = wire_session(home, server, max_retries=2)
    opening = session.start()
    assert opening.text == "Hello! What is your company called?"
    assert len(server.requests) == 3


def test_server_errors_end_in_a_clear_message_with_the_map_intact(
    home: Path, server: FakeOpenAI
) -> None:
    server.queue(reply(tool_calls=[("update_map", json.dumps({"operations": [SET_ACME]}))]))
    server.queue(fault(500), fault(500))
    session = wire_session(home, server, max_retries=1)
    answer = session.send("Acme")
    assert "Your map is saved" in answer.text and "500" in answer.text
    assert not answer.done
    assert session.map.context.company == "Acme"
    assert len(server.requests) == 3, "one call, then the failing one and its retry"
    server.queue(reply("Welcome back. What do you sell?"))
    assert session.send("again").text == "Welcome back. What do you sell?"


def test_timeout_ends_in_a_clear_message(home: Path, server: FakeOpenAI) -> None:
    server.queue(slow(1.5), slow(1.5))
    session = wire_session(home, server, max_retries=1, request_timeout=0.3)
    started = time.monotonic()
    answer = session.send("hello")
    assert "did not answer in time" in answer.text
    assert time.monotonic() - started < 5
    assert session.map.context.company is None


def test_malformed_tool_arguments_from_the_server(home: Path, server: FakeOpenAI) -> None:
    server.queue(
        reply(tool_calls=[("update_map", '{"operations": [{"op": "set", "field": ')]),
        reply(tool_calls=[("update_map", json.dumps({"operations": [SET_ACME, PRODUCT]}))]),
        reply("Thanks. B2B or B2C?"),
    )
    session = wire_session(home, server)
    answer = session.send("Acme, dashboards")
    assert answer.text == "Thanks. B2B or B2C?"
    assert session.map.context.product == "dashboards"
    tool_msgs = [m for m in server.requests[1]["messages"] if m["role"] == "tool"]
    assert "not valid JSON" in tool_msgs[0]["content"]


def test_wrong_key_is_one_sentence_and_stops(home: Path, server: FakeOpenAI) -> None:
    server.queue(fault(401))
    session = wire_session(home, server)
    opening = session.start()
    assert opening.done and "refused the API key" in opening.text
    assert len(server.requests) == 1, "authentication errors are not retried"


def test_reported_usage_is_recorded(home: Path, server: FakeOpenAI) -> None:
    server.queue(
        reply(tool_calls=[("update_map", json.dumps({"operations": [SET_ACME]}))], usage=(300, 20)),
        reply("Next?", usage=(350, 5)),
    )
    session = wire_session(home, server, model="openai:gpt-4.1-mini")
    session.send("Acme")
    turn = UsageLog(session.store.path).turns(session.map_id)[0]
    assert (turn.calls, turn.first_prompt_tokens, turn.input_tokens) == (2, 300, 650)
    assert turn.output_tokens == 25 and not turn.estimated
    assert turn.cost == pytest.approx((650 * 0.40 + 25 * 1.60) / 1_000_000)


def test_stream_without_reported_usage_is_counted_locally(home: Path, server: FakeOpenAI) -> None:
    server.queue(reply("Hello there, what is your company?", usage=None))
    session = wire_session(home, server)
    list(session.stream("hi"))
    turn = UsageLog(session.store.path).turns(session.map_id)[0]
    assert turn.estimated and turn.first_prompt_tokens > 1000, "tools and system prompt count"


# the CLI ----------------------------------------------------------------------------------
def test_chat_with_wrong_key_prints_one_sentence(home: Path, server: FakeOpenAI) -> None:
    server.queue(fault(401))
    result = CliRunner().invoke(
        app,
        ["chat", "--map", "acme", "--model", "openai:test-model", "--home", str(home)],
        input="hello\n",
        env={"OPENAI_API_KEY": "sk-wrong", "OPENAI_BASE_URL": server.url},
    )
    assert result.exit_code == 1
    assert "refused the API key" in result.output and "--model guided" in result.output


def test_chat_without_key_prints_how_to_fix(home: Path) -> None:
    result = CliRunner().invoke(
        app, ["chat", "--model", "openai:gpt-4.1-mini", "--home", str(home)], input="hi\n"
    )
    assert result.exit_code == 1
    assert "OPENAI_API_KEY" in result.output and "--model guided" in result.output


def test_chat_end_to_end_and_usage_command(home: Path, server: FakeOpenAI) -> None:
    server.queue(
        reply("Hi! What is your company called?"),
        reply(tool_calls=[("update_map", json.dumps({"operations": [SET_ACME]}))]),
        reply("Acme, noted. What do you sell?"),
    )
    env = {"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": server.url}
    args = ["chat", "--map", "acme", "--model", "openai:gpt-4.1-mini", "--home", str(home)]
    result = CliRunner().invoke(app, args, input="We are Acme\n", env=env)
    assert result.exit_code == 0, result.output
    assert "Hi! What is your company called?" in result.output
    assert "Acme, noted." in result.output
    usage = CliRunner().invoke(app, ["usage", "acme", "--home", str(home)])
    assert usage.exit_code == 0, usage.output
    assert "2 turns, 3 model calls" in usage.output and "estimated cost $" in usage.output


def test_usage_command_without_model_turns(home: Path) -> None:
    open_session(map="plain", home=home, model="guided")
    result = CliRunner().invoke(app, ["usage", "plain", "--home", str(home)])
    assert result.exit_code == 0 and "No model usage recorded" in result.output


def test_a_server_refusing_stream_options_is_asked_again_without(
    home: Path, server: FakeOpenAI
) -> None:
    server.queue(fault(400), reply("Hello! What is your company called?"), reply("Next?"))
    session = wire_session(home, server)
    pieces = list(session.stream("hi"))
    assert pieces[-1].text == "Hello! What is your company called?"  # type: ignore[union-attr]
    first, second = server.requests
    assert first.get("stream_options") == {"include_usage": True}
    assert "stream_options" not in second
    list(session.stream("again"))
    assert "stream_options" not in server.requests[-1], "remembered for the session"
