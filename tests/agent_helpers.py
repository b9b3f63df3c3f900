"""Shared builders of the agent tests: a session driven by a scripted chat model, and the
`update_map` operations the scripts send."""

from __future__ import annotations

import re
from pathlib import Path

from langchain_core.messages import BaseMessage, ToolMessage

from assistant.agent import AgentEngine
from assistant.agent.scripted import ScriptedChatModel, call
from assistant.session import Session, open_session
from assistant.settings import get_settings
from tools.lean import LeanTools


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


def lean(session: Session) -> LeanTools:
    engine = session.engine
    assert isinstance(engine, AgentEngine)
    return engine.lean_tools(session)


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


def stages_op(*names: str) -> dict:
    return {"op": "add", "field": "stages", "items": [{"text": n} for n in names]}


def pains_op(stage: str, *texts: str, source: str = "user") -> dict:
    items = [{"text": t, "severity": 2} for t in texts]
    return {"op": "add", "field": "pain_points", "stage": stage, "items": items, "source": source}


def proposals_in(text: str) -> list[str]:
    return re.findall(r"proposal-[0-9a-f]{6}", text)


def mapped(session: Session) -> Session:
    """Three stages with a pain point each, recorded as the user's facts."""
    tools = lean(session)
    tools.call(
        "update_map",
        {
            "operations": [
                stages_op("Notice", "Compare", "Buy"),
                pains_op("1", "No time to look"),
                pains_op("2", "Prices are hidden"),
                pains_op("3", "Contract is long"),
            ]
        },
    )
    return session
