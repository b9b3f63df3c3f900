"""The lean tool set the model sees and the compact map state.

Scripted models stand in for the LLM; every change still goes through `ToolContext.apply`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.utils.function_calling import convert_to_openai_tool

from assistant.agent import AgentEngine
from assistant.agent.prompt import map_state
from assistant.agent.scripted import ScriptedChatModel, call, say
from assistant.completeness import is_skipped
from assistant.schema import NAME_MAX
from tests.agent_helpers import (
    agent_session,
    lean,
    mapped,
    pains_op,
    tool_results,
    update,
)
from tools.lean import LeanTools
from tools.lean_result import DATA_CLOSE, DATA_OPEN


def test_at_most_ten_tools_with_small_schemas_and_research_only_with_research(home: Path) -> None:
    session = agent_session(home, [])
    plain = lean(session)
    with_research = LeanTools(session.context, research=True)
    for tools in (plain, with_research):
        schemas = [convert_to_openai_tool(t) for t in tools.list()]
        assert len(schemas) <= 10 and len(json.dumps(schemas)) <= 6000
    assert "research_suggestions" not in plain.names
    assert "research_suggestions" in with_research.names
    search = {t.name: t for t in plain.list()}["search"]
    assert "research" not in json.dumps(convert_to_openai_tool(search))
    # the field names come from the schema, not from a copy of it
    update_schema = json.dumps(convert_to_openai_tool(plain.list()[0]))
    for field in ("context.destination", "persona.channels", "decision_points", "relief"):
        assert f'"{field}"' in update_schema


def test_one_update_is_one_change_and_one_undo(home: Path) -> None:
    session = mapped(agent_session(home, []))
    tools = lean(session)
    result = tools.call(
        "update_map",
        {
            "operations": [
                {"op": "set", "field": "context.company", "value": "Acme"},
                {"op": "add", "field": "persona.goals", "items": [{"text": "grow"}]},
                {"op": "add", "field": "touchpoints", "stage": "Compare",
                 "items": [{"text": "webinar", "department": "Marketing"}]},
                {"op": "add", "field": "decision_points", "stage": "2",
                 "items": [{"text": "price too high", "then": "leaves", "risk": "high"}]},
                {"op": "add", "field": "emotions", "stage": "1", "items": [{"text": "meh"}]},
            ]
        },
    )  # fmt: skip
    assert result.ok and result.changed and not result.settled, "a failed part needs a look"
    assert "Error in operation 5" in result.text and "score" in result.text
    journey = session.map
    assert journey.context.company == "Acme" and journey.stages[1].touchpoints[0].department
    assert journey.stages[1].decision_points[0].competitor_risk == "high"
    assert journey.stages[0].emotions == [], "the failed operation changed nothing"
    assert tools.call("undo").changed
    journey = session.map
    assert journey.context.company is None and journey.stages[1].touchpoints == []


def test_moves_edits_and_skips(home: Path) -> None:
    session = mapped(agent_session(home, []))
    tools = lean(session)
    journey = session.map
    buy, pain = journey.stages[2], journey.stages[0].pain_points[0]
    moved = tools.call(
        "update_map",
        {
            "operations": [
                {"op": "move", "ids": [buy.id], "position": 1},
                {"op": "move", "ids": [pain.id], "stage": "Compare"},
                {"op": "edit", "ids": [pain.id], "items": [{"severity": 3}]},
            ]
        },
    )
    assert moved.ok and moved.settled, moved.text
    journey = session.map
    assert [s.name for s in journey.stages] == ["Buy", "Notice", "Compare"]
    assert journey.stages[2].pain_points[-1].id == pain.id
    assert journey.stages[2].pain_points[-1].severity == 3
    skipped = tools.call("skip", {"rest_of_stage": "Notice"})
    assert skipped.ok and skipped.changed
    assert is_skipped(session.map, "stage:2:goals")
    assert not is_skipped(session.map, "stage:2:relief"), "optional: offered later, not skipped"
    assert not tools.call("skip", {"gaps": ["stage:9:relief"]}).ok


def test_read_map_gives_ids_as_data(home: Path) -> None:
    session = mapped(agent_session(home, []))
    text = lean(session).call("read_map", {"section": "2"}).text
    assert text.startswith(DATA_OPEN) and text.endswith(DATA_CLOSE)
    pain = session.map.stages[1].pain_points[0]
    assert f"{pain.id} pain_points: Prices are hidden" in text
    assert "No time to look" not in text, "one stage only"


def test_ideas_link_to_any_stage_and_refusals_are_errors(home: Path) -> None:
    session = mapped(agent_session(home, []))
    tools = lean(session)
    journey = session.map
    first, last = journey.stages[0].pain_points[0], journey.stages[2].pain_points[0]
    result = tools.call(
        "propose_ideas",
        {
            "ideas": [
                {"pain_point_id": first.id, "format": "checklist", "title": "Five-minute check"},
                {"pain_point_id": last.id, "format": "faq", "title": "Contract FAQ"},
                {"pain_point_id": "item-00000000", "format": "email", "title": "Lost"},
            ]
        },
    )
    assert result.ok and result.changed
    assert 'Error: "Lost" refused' in result.text and "Proposed 2 idea(s)" in result.text
    journey = session.map
    assert journey.stages[2].content_ideas[0].pain_point_id == last.id
    assert all(i.status == "proposed" for s in journey.stages for i in s.content_ideas)


def test_model_written_ideas_are_checked_and_deduplicated(home: Path) -> None:
    """The same checks as the idea generator's structured output: a title that opens with a
    hedge and a repeat are skipped with their reasons, the good one is saved, tidied."""
    session = mapped(agent_session(home, []))
    pain = session.map.stages[1].pain_points[0]
    lean(session).call(
        "propose_ideas",
        {
            "ideas": [
                {"pain_point_id": pain.id, "format": "faq", "title": "Hidden prices, explained"}
            ]
        },
    )
    ideas = [
        {"pain_point_id": pain.id, "format": "blog_post", "title": "I think prices are hidden"},
        {"pain_point_id": pain.id, "format": "email", "title": "Hidden prices explained!"},
        {
            "pain_point_id": pain.id,
            "format": "checklist",
            "title": "The  the price check before you buy",
            "channel": "x" * 400,
        },
    ]

    def propose(messages: list[BaseMessage]) -> AIMessage:
        return say("", call("propose_ideas", ideas=ideas))

    session.engine = AgentEngine(
        session.settings, model=ScriptedChatModel(script=[propose, say("Three ideas to review.")])
    )
    reply = session.send("Ideas for the price problem, please")
    result = next(r for r in reply.results if r.tool == "propose_ideas")
    skipped = {s.item: s.reason for s in result.skipped}
    assert set(skipped) == {"I think prices are hidden", "Hidden prices explained!"}
    assert "lead-in, a hedge" in skipped["I think prices are hidden"]
    assert skipped["Hidden prices explained!"] == 'it repeats the idea "Hidden prices, explained"'
    assert [s.index for s in result.skipped] == [0, 1]
    saved = session.map.stages[1].content_ideas
    assert [i.text for i in saved] == ["Hidden prices, explained", "The price check before you buy"]
    assert len(saved[1].channel) == NAME_MAX and result.added == [saved[1].id]


def test_state_has_one_gap_format_skipped_as_skipped_and_every_pain_point(home: Path) -> None:
    session = mapped(agent_session(home, []))
    tools = lean(session)
    tools.call("skip", {"gaps": ["context:company", "stage:1:emotions"]})  # core gaps
    journey = session.map
    state = map_state(journey)
    now = next(line for line in state.splitlines() if line.startswith("Now:"))
    open_here = now.split("Open gaps:")[1].split("Skipped here")[0]
    assert "context:company" not in open_here and "Skipped here: context:company" in now
    assert "stage:1:emotions" in state.split("Skipped (not asked again):")[1]
    assert "stage:" + journey.stages[0].id not in state, "one gap format: stage numbers"
    for number, stage in enumerate(journey.stages, 1):
        pain = stage.pain_points[0]
        assert f"{pain.id} ({number}): {pain.text}" in state
    assert "Nothing left to ask" not in state


def test_state_lists_are_bounded_and_rejected_ideas_are_not_waiting(home: Path) -> None:
    session = mapped(agent_session(home, []))
    tools = lean(session)
    many = [f"pain number {n}" for n in range(40)]
    assert tools.call("update_map", {"operations": [pains_op("2", *many)]}).ok
    pain = session.map.stages[0].pain_points[0]
    titles = ["Pricing email", "Onboarding email", "Renewal email"]
    ideas = [{"pain_point_id": pain.id, "format": "email", "title": t} for t in titles]
    tools.call("propose_ideas", {"ideas": ideas})
    tools.begin_turn()
    first = session.map.stages[0].content_ideas[0]
    tools.call("decide", {"reject": [first.id]})
    state = map_state(session.map)
    assert len(state) < 3500 and "more: read_map" in state
    waiting = state.split("Waiting for the user's decision:")[1]
    assert "2 idea(s)" in waiting and first.id not in waiting


def test_citations_survive_from_a_card_read_in_the_previous_turn(home: Path) -> None:
    def explain(messages: list[BaseMessage]) -> AIMessage:
        card = re.search(r"\[(card:[^\]]+)\]", tool_results(messages)[-1])
        assert card
        explain.card = card.group(1)  # type: ignore[attr-defined]
        return say("A touchpoint is where the customer meets you.")

    session = agent_session(
        home,
        [
            say("", call("search", query="what is a touchpoint")),
            explain,
            lambda _m: say(f"As the card says [{explain.card}], list them all."),  # type: ignore[attr-defined]
        ],
        retrieval="bm25",
    )
    session.send("What is a touchpoint?")
    reply = session.send("Which ones should we list?")
    assert reply.citations == [explain.card]  # type: ignore[attr-defined]


def test_a_reply_with_successful_calls_ends_the_turn_in_one_model_call(home: Path) -> None:
    ops = {"op": "set", "field": "context.company", "value": "Acme"}
    session = agent_session(home, [say("Noted Acme. What do you sell?", update(ops))])
    reply = session.send("We are Acme")
    engine = session.engine
    assert isinstance(engine, AgentEngine) and engine.last_calls == 1
    assert reply.text == "Noted Acme. What do you sell?" and session.map.context.company == "Acme"
    # a read needs its result before the answer: a second call
    model = engine._model
    assert isinstance(model, ScriptedChatModel)
    model.script[:] = [say("Let me look.", call("read_map")), say("You have Acme.")]
    assert session.send("What do we have?").text == "Let me look.\n\nYou have Acme."
    assert engine.last_calls == 2
