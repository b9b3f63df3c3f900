"""Agent benchmark: what each model request costs, how it grows, and the agent's overhead.

A scripted 60-turn interview (a scripted model that answers each turn by recording the first
open gap of the current section with `update_map`, its reply in the same message; user answers
of realistic length) runs through the real session, lean tools, SQLite store and prompt
builder. Printed, with the issue's targets:

- the tool schemas sent with every request (characters; target <= 6,000);
- the first request's prompt tokens (system prompt + opening + schemas; target <= 3,000);
- prompt tokens of each turn's first model request at turns 1, 5, 20 and 60 and the growth
  from turn 1 to turn 60 (target <= 1.1x);
- model calls per user turn (target <= 1.5);
- agent overhead per turn (everything in `session.send` except the model's own work), p50 and
  p95; target: p95 < 50 ms. Also shown without the store's map and transcript writes.

Run: .venv/bin/python evals/bench_agent.py
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langchain_core.messages import AIMessage, BaseMessage  # noqa: E402
from langchain_core.utils.function_calling import convert_to_openai_tool  # noqa: E402

from assistant.agent import AgentEngine, prompt, tokens  # noqa: E402
from assistant.agent.scripted import ScriptedChatModel, call, say  # noqa: E402
from assistant.gap import Gap  # noqa: E402
from assistant.session import open_session  # noqa: E402
from assistant.settings import get_settings  # noqa: E402

TURNS = 60
MARKS = (1, 5, 20, 60)
STAGES = ["Notice the problem", "Look for options", "Compare", "Buy and set up", "Use and renew"]
ANSWER = (
    "Good question. From what our sales team hears every week, and from the reviews we read, "
    "I would say it is roughly this: {thing}. We have talked about it a lot in the team, "
    "and the support people agree, although marketing sometimes sees it a bit differently."
)


def operation_for(gap: str, n: int) -> dict[str, Any]:
    """The update_map operation that fills one gap, with varied, realistic-length text."""
    thing = f"detail {n} about the customer's situation, in their own words"
    g = Gap.parse(gap)
    kind, rest = g.section, str(g.field)
    if kind == "context":
        return {
            "op": "set",
            "field": f"context.{rest}",
            "value": "b2b" if rest == "market" else f"{rest} answer {n}",
        }
    if kind == "persona":
        if rest in ("name", "role", "tone"):
            return {"op": "set", "field": f"persona.{rest}", "value": f"{rest} {n}"}
        return {
            "op": "add",
            "field": f"persona.{rest}",
            "items": [{"text": thing}, {"text": f"another {thing}"}],
        }
    if kind == "stages":
        return {"op": "add", "field": "stages", "items": [{"text": name} for name in STAGES]}
    number, field = str(g.stage), rest
    item: dict[str, Any] = {"text": thing}
    item |= {
        "emotions": {"score": -1},
        "pain_points": {"severity": 3},
        "touchpoints": {"department": "Sales"},
        "milestones": {"trigger": "demo"},
        "decision_points": {
            "text": f"the price in step {n} looks high",
            "then": "they compare two competitors",
            "risk": "high",
        },
    }.get(field, {})
    return {"op": "add", "field": field, "stage": number, "items": [item]}


class Model:
    """Scripted replies driven by the map state in the system prompt; times its own work."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.n = 0

    def turn(self, messages: list[BaseMessage]) -> AIMessage:
        started = time.perf_counter()
        self.n += 1
        found = re.search(r"Open gaps: ([^ ,.]+)", messages[0].text)
        if found:
            op = operation_for(found.group(1), self.n)
            reply = say(
                f"Thanks, noted. Now, the next question: what comes after {self.n}?",
                call("update_map", operations=[op]),
            )
        else:
            reply = say("All done.")
        self.seconds += time.perf_counter() - started
        return reply


class Timed:
    """Wraps a bound method and adds up the seconds spent in it."""

    def __init__(self, method: Any) -> None:
        self.method = method
        self.seconds = 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return self.method(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = get_settings(
            home=Path(folder), model="openai:gpt-4.1-mini", openai_api_key="sk-bench"
        )
        session = open_session(map="bench", settings=settings)
        scripted = Model()
        chat = ScriptedChatModel()
        engine = AgentEngine(settings, model=chat)
        session.engine = engine
        tool_list = engine.lean_tools(session).list()
        schema_chars = len(json.dumps([convert_to_openai_tool(t) for t in tool_list]))
        chat.script[:] = [say("Hello! Which company is this map for, and what do you sell?")]
        session.start()
        first_request = tokens.count_messages(engine.last_messages, tool_list)
        calls = 0
        writes = [Timed(session.store.add_message), Timed(session.store.write_change)]
        session.store.add_message, session.store.write_change = writes  # type: ignore[method-assign]
        prompt_tokens: dict[int, int] = {}
        overhead_ms: list[float] = []
        logic_ms: list[float] = []
        for turn in range(1, TURNS + 1):
            chat.script[:] = [scripted.turn, scripted.turn]
            scripted.seconds = 0.0
            for timer in writes:
                timer.seconds = 0.0
            started = time.perf_counter()
            session.send(ANSWER.format(thing=f"answer number {turn}"))
            elapsed = time.perf_counter() - started - scripted.seconds
            overhead_ms.append(elapsed * 1000)
            logic_ms.append((elapsed - sum(t.seconds for t in writes)) * 1000)
            prompt_tokens[turn] = tokens.count_messages(engine.last_messages, tool_list)
            calls += engine.last_calls
        status = session.status

    print(f"agent benchmark: {TURNS}-turn scripted interview, map {status.percent}% complete")
    print(f"tokenizer: {tokens.tokenizer_name()}")
    print(f"history budget: {prompt.HISTORY_BUDGET} chars; tools sent: {len(tool_list)}")
    print(f"tool schemas: {schema_chars:,} chars (target <= 6,000: {_met(schema_chars <= 6000)})")
    print(
        f"first request: {first_request:,} tokens (target <= 3,000: {_met(first_request <= 3000)})"
    )
    for mark in MARKS:
        print(f"prompt tokens at turn {mark:>2}: {prompt_tokens[mark]}")
    growth = prompt_tokens[MARKS[-1]] / prompt_tokens[MARKS[0]]
    print(f"growth turn 1 -> 60: {growth:.2f}x (target <= 1.1x: {_met(growth <= 1.1)})")
    per_turn = calls / TURNS
    print(f"model calls per user turn: {per_turn:.2f} (target <= 1.5: {_met(per_turn <= 1.5)})")
    steady = overhead_ms[1:]  # the first turn pays one-off imports and tool binding
    high = p95(steady)
    print(
        f"agent overhead per turn (excl. model): p50 {statistics.median(steady):.1f} ms, "
        f"p95 {high:.1f} ms, max {max(steady):.1f} ms, first turn {overhead_ms[0]:.0f} ms "
        f"(target p95 < 50 ms: {'met' if high < 50 else 'NOT met'})"
    )
    logic = logic_ms[1:]
    print(
        f"  of which outside the store's map and transcript writes: "
        f"p50 {statistics.median(logic):.1f} ms, p95 {p95(logic):.1f} ms"
    )


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


if __name__ == "__main__":
    main()
