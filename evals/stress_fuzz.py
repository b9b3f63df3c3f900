"""1,000 fuzzed tool calls on one map: nothing escapes `ToolBox.call`, the stored map always
validates, every refused call leaves the map as it was, and undoing every accepted change
returns the map to where it started."""

from __future__ import annotations

import random
import tempfile
from typing import Any

from stress_common import integrity

CALLS = 1000
STRINGS = [
    "",
    " ",
    "Discover",
    "1",
    "2",
    "99",
    "-1",
    '=HYPERLINK("x")',
    "%%{init}%%",
    "journey",
    "accDescr {",
    "[/x]",
    "\x1b[31mred\x1b[0m",
    "<script>alert(1)</script>",
    "ść ż 🙂",
    "a" * 5000,
    "b" * 200_000,
    "stage:1:relief",
    "persona:tone",
    "item-00000000",
]


def deep(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = {"a": value} if random.random() < 0.5 else [value]
    return value


def fuzz_value(schema: dict[str, Any], rng: random.Random, ids: list[str]) -> Any:
    """A value for one argument: mostly plausible, often hostile."""
    roll = rng.random()
    if roll < 0.08:
        return deep(rng.choice([50, 1000, 5000]))
    if roll < 0.16:
        return rng.choice([None, 3.5, -7, True, [], {}, ["x"] * 300])
    if "enum" in schema:
        return rng.choice([*schema["enum"], "nonsense"])
    for option in schema.get("anyOf", []):
        if option.get("type") != "null" and rng.random() < 0.7:
            return fuzz_value(option, rng, ids)
    kind = schema.get("type")
    if kind == "integer":
        return rng.choice([-3, -2, 0, 1, 2, 3, 10**12])
    if kind == "array":
        items = schema.get("items", {})
        return [fuzz_value(items, rng, ids) for _ in range(rng.choice([0, 1, 2, 5, 60]))]
    if kind == "object":
        return {k: fuzz_value(v, rng, ids) for k, v in schema.get("properties", {}).items()}
    if ids and rng.random() < 0.3:
        return rng.choice(ids)
    return rng.choice(STRINGS)


def _ids(journey: Any) -> list[str]:
    return [i.id for lst in journey.all_lists() for i in lst] + [s.id for s in journey.stages]


def run() -> dict[str, Any]:
    from pathlib import Path

    from builders import fill_map

    from assistant.schema import JourneyMap
    from assistant.session import open_session

    rng = random.Random(11)
    random.seed(11)
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        session = open_session(map="fuzz", home=tmp, model="guided")
        start = session.store.load_raw(session.map_id)  # the new, empty map
        fill_map(session, stages=3)
        changes_before = session.store.change_count(session.map_id)
        tools = {name: tool for name, tool in session.tools.tools.items()}
        escaped = invalid = refused_changed = accepted = 0
        examples: list[str] = []
        for _ in range(CALLS):
            name = rng.choice([*tools, "no_such_tool"])
            tool = tools.get(name)
            schema = tool.args_schema.model_json_schema() if tool is not None else {}  # type: ignore[union-attr]
            props = schema.get("properties", {})
            defs = schema.get("$defs", {})
            args: Any = {}
            for key, sub in props.items():
                if "$ref" in sub:
                    sub = defs.get(sub["$ref"].split("/")[-1], {})
                if "items" in sub and "$ref" in sub["items"]:
                    sub = {**sub, "items": defs.get(sub["items"]["$ref"].split("/")[-1], {})}
                if rng.random() < 0.9:
                    args[key] = fuzz_value(sub, rng, _ids(session.map))
            if rng.random() < 0.05:
                args = rng.choice([None, "text", [1, 2], {"unknown": 1}])
            before = session.store.load_raw(session.map_id)
            try:
                result = session.tools.call(name, args)
            except BaseException as exc:  # noqa: BLE001 - this is what the section counts
                escaped += 1
                examples.append(f"{name}: {type(exc).__name__}: {str(exc)[:120]}")
                continue
            after = session.store.load_raw(session.map_id)
            try:
                JourneyMap.model_validate_json(after)
            except ValueError:
                invalid += 1
            if result.ok:
                accepted += 1
            elif after != before and name != "undo_last_change":
                refused_changed += 1
                examples.append(f"{name}: refused but the map changed")
        made = session.store.change_count(session.map_id) - changes_before
        for _ in range(100_000):  # undo everything, the fuzzed changes and the filling
            if session.store.undo(session.map_id) is None:
                break
        back = _same(session.store.load_raw(session.map_id), start)
        figures = {
            "calls": CALLS,
            "accepted": accepted,
            "escaped": escaped,
            "invalid": invalid,
            "refused_but_changed": refused_changed,
            "changes_logged": made,
            "undo_returns_to_start": back,
            "integrity": integrity(Path(tmp) / "journey.sqlite3"),
        }
        for line in examples[:5]:
            print("  example:", line)
    return figures


def _same(a: str, b: str) -> bool:
    """Equal maps apart from the `updated_at` stamp."""
    import json

    left, right = json.loads(a), json.loads(b)
    left.pop("updated_at", None)
    right.pop("updated_at", None)
    return bool(left == right)
