"""An LLM engine through the evals: the real agent and `langchain-openai` client against the
local fake OpenAI server, so token usage and latency per turn reach the eval's results."""

from __future__ import annotations

import json
from pathlib import Path

from fake_openai import FakeOpenAI, reply

from assistant.evals.runner import run_scenario
from assistant.evals.scenario import load_scenario
from assistant.settings import get_settings

SCENARIOS = Path(__file__).resolve().parents[1] / "evals" / "scenarios"


def test_llm_run_reports_tokens_latency_and_what_reached_the_map(tmp_path):
    scenario = load_scenario(SCENARIOS / "b2b-it-security.yaml")
    company = scenario.context.company
    company_op = {"op": "set", "field": "context.company", "value": company}
    with FakeOpenAI() as server:
        server.queue(
            reply("Hi! Which company is this map for?", usage=(200, 10)),
            reply(
                tool_calls=[("update_map", json.dumps({"operations": [company_op]}))],
                usage=(300, 20),
            ),
            reply(f"Noted: {company}. Which product should the journey lead to?", usage=(320, 15)),
        )
        settings = get_settings(
            home=tmp_path,
            openai_api_key="sk-test",
            openai_base_url=server.url,
            max_retries=0,
            request_timeout=5.0,
        )
        result = run_scenario(scenario, model="openai:test-model", settings=settings, max_turns=1)
    assert result.status == "ok", result.reason
    metrics = result.metrics
    assert metrics is not None
    assert metrics.tokens_per_turn is not None and metrics.tokens_per_turn >= 300
    assert metrics.latency_ms_mean is not None and metrics.latency_ms_mean > 0
    assert result.transcript and result.transcript[0].tokens is not None
    assert f"context:company: {company}" not in result.missed  # reached the map
    assert metrics.recall > 0
    assert len(server.requests) >= 2
