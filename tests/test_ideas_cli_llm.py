"""`journey ideas` with a model: structured output over the real OpenAI wire format (a local
server on 127.0.0.1), and the fall-back to the offline idea patterns when the model fails."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_openai import FakeOpenAI, fault, reply
from typer.testing import CliRunner

from assistant.cli import app
from assistant.cli.ideas_run import run_ideas
from assistant.ideas import phases
from assistant.session import Session, open_session
from assistant.settings import get_settings
from tests.ideas_fixtures import stored_session

PRICING = [
    {
        "format": "white_paper",
        "title": "What BI tools really cost: a price guide for IT managers",
        "angle": "Typical prices for three company sizes.",
        "question": "How much will it cost us?",
        "channel": "LinkedIn",
    },
    {"format": "webinar", "title": "Live: reading BI price lists without surprises"},
    {"format": "poster", "title": "Not a format we know"},
    {"format": "blog_post", "title": "Seven hidden costs in BI quotes"},
]
TOOLS = [
    {"format": "comparison_page", "title": "Ten BI tools compared on what matters to IT"},
    {"format": "email_series", "title": "Shortlist BI tools in five emails"},
    {"format": "video", "title": "Three questions that halve your BI shortlist"},
]


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def _answer(ideas: list[dict[str, Any]]) -> Any:
    return reply(json.dumps({"ideas": ideas}))


def _wire(server: FakeOpenAI, **extra: object) -> dict[str, object]:
    return {
        "model": "openai:test-model",
        "openai_api_key": "sk-test",
        "openai_base_url": server.url,
        "max_retries": 0,
        "request_timeout": 5.0,
    } | extra


def _llm_session(home: Path, server: FakeOpenAI, **extra: object) -> Session:
    stored_session(home)
    return open_session(map="acme", settings=get_settings(home=home, **_wire(server, **extra)))


def _titles(session: Session, stage: int) -> list[str]:
    return [i.text for i in session.map.stages[stage - 1].content_ideas]


def test_model_ideas_are_checked_saved_and_listed(home: Path, server: FakeOpenAI) -> None:
    server.queue(_answer(PRICING), _answer(TOOLS))
    session = _llm_session(home, server)
    out = run_ideas(session, stage="2")
    assert out.model == "openai:test-model" and out.added == 6
    stage = session.map.stages[1]
    by_pain = {
        p.id: [i for i in stage.content_ideas if i.pain_point_id == p.id] for p in stage.pain_points
    }
    assert [i.text for i in by_pain["pain-21"]] == [
        "What BI tools really cost: a price guide for IT managers",
        "Live: reading BI price lists without surprises",
        "Seven hidden costs in BI quotes",
    ]  # the unknown format was dropped, the rest kept in the model's order
    assert [i.text for i in by_pain["pain-22"]] == [t["title"] for t in TOOLS]
    first = by_pain["pain-21"][0]
    assert (first.channel, first.question, first.card_id) == (
        "LinkedIn",
        "How much will it cost us?",
        "format-white-paper",
    )
    assert all(i.status == "proposed" and i.provenance.is_suggestion for i in stage.content_ideas)
    fit = phases.fitting_formats(phases.stage_phases(stage.name, 1, 5))
    assert all(i.format in fit for i in stage.content_ideas)
    assert out.errors == []
    assert "Seven hidden costs in BI quotes" in out.text
    # one structured-output request per pain point, grounded in the map
    assert len(server.requests) == 2
    request = server.requests[0]
    assert request["model"] == "test-model"
    assert request["response_format"]["type"] == "json_schema"
    assert request["response_format"]["json_schema"]["name"] == "LLMIdeas"
    prompt = request["messages"][-1]["content"]
    assert "<pain>Pricing is unclear</pain>" in prompt and "Irene the IT manager" in prompt
    # a second run has nothing to top up, so the model is not asked again
    again = run_ideas(session, stage="2")
    assert again.added == 0 and len(server.requests) == 2


def test_garbage_answers_fall_back_to_patterns_with_a_note(home: Path, server: FakeOpenAI) -> None:
    server.queue(reply("Sorry, I cannot help with that."), _answer([{"format": "faq"}]))
    session = _llm_session(home, server)
    out = run_ideas(session, stage="2")
    assert out.added == 6 and len(server.requests) == 2
    titles = _titles(session, 2)
    assert sum("pricing is unclear" in t.casefold() for t in titles) == 3  # from the patterns
    assert sum("too many tools to compare" in t.casefold() for t in titles) == 3
    assert len(out.errors) == 2
    assert out.errors[0].startswith("Note (openai:test-model): Pain point 'Pricing is unclear'")
    assert "not a list of ideas" in out.errors[0] and "idea patterns" in out.errors[0]
    assert "none of the model's ideas was valid" in out.errors[1]


def test_a_failing_server_is_asked_once_then_patterns_take_over(
    home: Path, server: FakeOpenAI
) -> None:
    server.queue(fault(500))
    session = _llm_session(home, server)
    out = run_ideas(session)  # every stage: 5 pain points
    assert out.added == 15
    assert len(server.requests) == 1, "a failed model is not asked for each pain point"
    assert len(out.errors) == 1
    note = out.errors[0]
    assert "the model failed (" in note and "500" in note
    assert "remaining pain points come from the idea patterns" in note
    assert len(note) < 400


# the CLI -----------------------------------------------------------------------------------
def _env(server: FakeOpenAI, model: str = "openai:test-model") -> dict[str, str]:
    return {
        "JOURNEY_MODEL": model,
        "OPENAI_API_KEY": "sk-test",
        "OPENAI_BASE_URL": server.url,
        "JOURNEY_MAX_RETRIES": "0",
    }


def test_cli_ideas_with_a_model_end_to_end(home: Path, server: FakeOpenAI, tmp_path: Path) -> None:
    stored_session(home)
    server.queue(_answer(PRICING), _answer(TOOLS))
    out = tmp_path / "calendar.csv"
    result = CliRunner().invoke(
        app,
        ["ideas", "acme", "--stage", "2", "-o", str(out), "--home", str(home)],
        env=_env(server),
    )
    assert result.exit_code == 0, result.output
    assert "Proposed 6 new idea(s)" in result.output and "Note" not in result.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert [r["title"] for r in rows][:3] == [
        "What BI tools really cost: a price guide for IT managers",
        "Live: reading BI price lists without surprises",
        "Seven hidden costs in BI quotes",
    ]
    assert {r["status"] for r in rows} == {"proposed"} and len(rows) == 6
    assert server.headers[0]["authorization"] == "Bearer sk-test"


def test_cli_garbage_model_falls_back_cleanly(home: Path, server: FakeOpenAI) -> None:
    stored_session(home)
    server.queue(reply("{"), reply("no ideas today"))
    result = CliRunner().invoke(
        app, ["ideas", "acme", "--stage", "2", "--home", str(home)], env=_env(server)
    )
    assert result.exit_code == 0, result.output
    assert "Note (openai:test-model): Pain point 'Pricing is unclear'" in result.stderr
    assert "Proposed 6 new idea(s)" in result.stderr
    assert result.stdout.count("### Pain point:") == 2
    assert "pricing is unclear" in result.stdout.casefold()


def test_cli_model_without_key_uses_patterns_and_says_so(home: Path) -> None:
    stored_session(home)
    result = CliRunner().invoke(
        app,
        ["ideas", "acme", "--stage", "4", "--home", str(home)],
        env={"JOURNEY_MODEL": "openai:gpt-4.1-mini"},
    )
    assert result.exit_code == 0, result.output
    assert "Note: the model openai:gpt-4.1-mini cannot be used" in result.stderr
    assert "OPENAI_API_KEY" in result.stderr and "offline idea patterns" in result.stderr
    assert "Proposed 3 new idea(s)" in result.stderr
    assert "CRM import fails" in result.stdout


def test_guided_model_never_builds_a_chat_model(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant import providers

    def refuse(*args: object) -> None:
        raise AssertionError("guided mode must stay offline")

    monkeypatch.setattr(providers, "chat_model", refuse)
    session = stored_session(home)
    out = run_ideas(session, stage="4")
    assert out.model == "guided" and out.added == 3 and out.errors == []


def test_cli_model_option_overrides_guided(home: Path, server: FakeOpenAI) -> None:
    stored_session(home)
    server.queue(_answer(PRICING), _answer(TOOLS))
    args = ["ideas", "acme", "-s", "2", "--model", "openai:test-model", "--home", str(home)]
    env = {"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": server.url}
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert "Proposed 6 new idea(s) with openai:test-model" in result.stderr
    assert "Seven hidden costs in BI quotes" in result.stdout
    assert len(server.requests) == 2
