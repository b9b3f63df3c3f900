"""Agent benchmark: prompt size per turn as a chat grows, and the agent's own overhead.

A scripted 60-turn interview (a scripted model that answers each turn's next gap with a tool
call, then asks the next question; user answers of realistic length) runs through the real
session, tools, SQLite store and prompt builder. Printed:

- prompt tokens of each turn's first model request (system prompt + kept history + message +
  tool schemas) at turns 5, 20 and 60; target: < 1.2x growth from turn 5 to turn 60;
- agent overhead per turn (everything in `session.send` except the model's own work), p50 and
  p95 over the 60 turns; target: p95 < 50 ms. Also shown without the store's durable SQLite
  commits (transcript and change log, fsync'd by design), which depend on the disk.

Run: .venv/bin/python evals/bench_agent.py
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langchain_core.messages import AIMessage, BaseMessage  # noqa: E402

from assistant.agent import AgentEngine, tokens  # noqa: E402
from assistant.agent.scripted import ScriptedChatModel, call, say  # noqa: E402
from assistant.gap import Gap  # noqa: E402
from assistant.session import open_session  # noqa: E402
from assistant.settings import get_settings  # noqa: E402

TURNS = 60
MARKS = (5, 20, 60)
STAGES = ["Notice the problem", "Look for options", "Compare", "Buy and set up", "Use and renew"]
ANSWER = (
    "Good question. From what our sales team hears every week, and from the reviews we read, "
    "I would say it is roughly this: {thing}. We have talked about it a lot in the team, "
    "and the support people agree, although marketing sometimes sees it a bit differently."
)


def tool_call_for(gap: str, n: int) -> dict[str, Any]:
    """The tool call that fills one gap, with varied, realistic-length text."""
    thing = f"detail {n} about the customer's situation, in their own words"
    g = Gap.parse(gap)
    kind, rest = g.section, str(g.field)
    if kind == "context":
        value = "b2b" if rest == "market" else f"{rest} answer {n}"
        return call("set_context", **{rest: value})
    if kind == "persona":
        if rest in ("name", "role", "tone"):
            return call("set_persona", **{rest: f"{rest} {n}"})
        return call("add_persona_items", field=rest, items=[thing, f"another {thing}"])
    if kind == "stages":
        return call("set_stages", names=STAGES)
    number, field = str(g.stage), rest
    if field == "decision_points":
        return call(
            "add_decision_point",
            stage=number,
            condition=f"the price in step {n} looks high",
            likely_action="they compare two competitors",
            competitor_risk="high",
        )
    item: dict[str, Any] = {"text": thing}
    item |= {"emotions": {"score": -1}, "pain_points": {"severity": 3}}.get(field, {})
    item |= {"touchpoints": {"department": "Sales"}, "milestones": {"trigger": "demo"}}.get(
        field, {}
    )
    return call("add_stage_items", stage=number, field=field, items=[item])


class Model:
    """Scripted replies driven by the map state in the system prompt; times its own work."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.n = 0

    def tool_turn(self, messages: list[BaseMessage]) -> AIMessage:
        started = time.perf_counter()
        self.n += 1
        found = re.search(r"Next gap to ask about: (\S+)", messages[0].text)
        reply = say("", tool_call_for(found.group(1), self.n)) if found else say("All done.")
        self.seconds += time.perf_counter() - started
        return reply

    def text_turn(self, messages: list[BaseMessage]) -> AIMessage:
        started = time.perf_counter()
        result = getattr(messages[-1], "artifact", None)
        last = result.summary if result is not None else messages[-1].text
        reply = say(f"Thanks, I noted it ({last[:60]}). Now, the next question: what comes next?")
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
        tool_list = session.tools.list()
        writes = [Timed(session.store.add_message), Timed(session.store.save_change)]
        session.store.add_message, session.store.save_change = writes  # type: ignore[method-assign]
        prompt_tokens: dict[int, int] = {}
        overhead_ms: list[float] = []
        logic_ms: list[float] = []
        for turn in range(1, TURNS + 1):
            chat.script[:] = [scripted.tool_turn, scripted.text_turn]
            scripted.seconds = 0.0
            for timer in writes:
                timer.seconds = 0.0
            started = time.perf_counter()
            session.send(ANSWER.format(thing=f"answer number {turn}"))
            elapsed = time.perf_counter() - started - scripted.seconds
            overhead_ms.append(elapsed * 1000)
            logic_ms.append((elapsed - sum(t.seconds for t in writes)) * 1000)
            prompt_tokens[turn] = tokens.count_messages(engine.last_messages, tool_list)
        status = session.status

    print(f"agent benchmark: {TURNS}-turn scripted interview, map {status.percent}% complete")
    print(f"tokenizer: {tokens.tokenizer_name()}")
    print(f"history kept: {settings.history_turns} turns; tools sent: {len(tool_list)}")
    for mark in MARKS:
        print(f"prompt tokens at turn {mark:>2}: {prompt_tokens[mark]}")
    growth = prompt_tokens[MARKS[-1]] / prompt_tokens[MARKS[0]]
    print(
        f"growth turn 5 -> 60: {growth:.2f}x (target < 1.2x: {'met' if growth < 1.2 else 'NOT met'})"
    )
    steady = overhead_ms[1:]  # the first turn pays one-off imports and tool binding
    high = p95(steady)
    print(
        f"agent overhead per turn (excl. model): p50 {statistics.median(steady):.1f} ms, "
        f"p95 {high:.1f} ms, max {max(steady):.1f} ms, first turn {overhead_ms[0]:.0f} ms "
        f"(target p95 < 50 ms: {'met' if high < 50 else 'NOT met'})"
    )
    logic = logic_ms[1:]
    print(
        f"  of which outside the store's fsync'd commits (prompt, tools, LangChain, usage): "
        f"p50 {statistics.median(logic):.1f} ms, p95 {p95(logic):.1f} ms"
    )


if __name__ == "__main__":
    main()
