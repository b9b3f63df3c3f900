"""Hostile values in a map: CSV exports neutralise formulas (OWASP), the schema and the tool
arguments refuse over-long strings and lists with a clear message."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from builders import new_session
from pydantic import ValidationError

from assistant import render
from assistant.csv_safety import is_formula, safe_cell
from assistant.ideas.export import idea_lists
from assistant.ideas.export import to_csv as ideas_to_csv
from assistant.schema import (
    ITEMS_MAX,
    LINE_MAX,
    NAME_MAX,
    TEXT_MAX,
    ContentIdea,
    DecisionPoint,
    Emotion,
    Item,
    JourneyMap,
    Milestone,
    PainPoint,
    Stage,
    Touchpoint,
)
from assistant.web.views import ideas_csv

PAYLOADS = ['=HYPERLINK("http://x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def hostile_map() -> JourneyMap:
    stages = []
    for n, bad in enumerate(PAYLOADS):
        pain = PainPoint(text=bad)
        stages.append(
            Stage(
                name=f"{bad} {n}",
                actions=[Item(text=bad)],
                touchpoints=[Touchpoint(text=bad, department=bad)],
                emotions=[Emotion(text=bad, score=-2)],
                pain_points=[pain],
                milestones=[Milestone(text=bad, trigger=bad)],
                decision_points=[DecisionPoint(text=bad, condition=bad, likely_action=bad)],
                content_ideas=[
                    ContentIdea(
                        text=bad,
                        format="email",
                        angle=bad,
                        cta=bad,
                        channel=bad,
                        pain_point_id=pain.id,
                    )
                ],
            )
        )
    journey = JourneyMap(name="hostile", stages=stages)
    journey.context.company = PAYLOADS[0]
    journey.context.purpose = PAYLOADS[3]
    journey.persona.name = PAYLOADS[1]
    journey.persona.goals.append(Item(text=PAYLOADS[2]))
    return journey


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def test_no_csv_export_carries_a_formula() -> None:
    journey = hostile_map()
    exports = {
        "map": render.map_to_csv(journey),
        "ideas": ideas_to_csv(journey, idea_lists(journey)),
        "web ideas": ideas_csv(journey),
    }
    for name, text in exports.items():
        found = cells(text)
        assert not [c for c in found if is_formula(c)], name
        # Each payload is still there, behind a quote, for a person to read.
        assert "'" + PAYLOADS[0] in found and "'" + PAYLOADS[4] in found, name
    assert "-2" in cells(exports["map"])  # a plain score stays a number


def test_safe_cell_follows_owasp() -> None:
    for bad in PAYLOADS:
        assert safe_cell(bad) == "'" + bad
    for fine in ("Pricing FAQ", "2024-01-01", "-1", "+2", "3.5", "", "a=b"):
        assert safe_cell(fine) == fine


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        (Item, "text", TEXT_MAX),
        (Touchpoint, "department", NAME_MAX),
        (Milestone, "trigger", LINE_MAX),
    ],
)
def test_schema_strings_have_limits(model: type, field: str, limit: int) -> None:
    base = {"text": "x"}
    model(**{**base, field: "y" * limit})
    with pytest.raises(ValidationError, match=f"at most {limit} characters"):
        model(**{**base, field: "y" * (limit + 1)})


def test_every_schema_string_and_list_is_bounded() -> None:
    def walk(schema: dict, defs: dict, path: str, out: list[str]) -> None:
        if "$ref" in schema:
            name = schema["$ref"].split("/")[-1]
            if name in seen:
                return
            seen.add(name)
            walk(defs[name], defs, name, out)
            return
        for option in schema.get("anyOf", []):
            walk(option, defs, path, out)
        kind = schema.get("type")
        plain_string = kind == "string" and not {"enum", "format", "const"} & set(schema)
        if plain_string and "maxLength" not in schema:
            out.append(path)
        if kind == "array":
            if "maxItems" not in schema:
                out.append(path)
            walk(schema.get("items", {}), defs, path + "[]", out)
        for key, sub in schema.get("properties", {}).items():
            walk(sub, defs, f"{path}.{key}", out)

    seen: set[str] = set()
    schema = JourneyMap.model_json_schema()
    unbounded: list[str] = []
    walk(schema, schema.get("$defs", {}), "JourneyMap", unbounded)
    assert unbounded == []


def test_tool_arguments_refuse_over_long_values(tmp_path: Path) -> None:
    session = new_session(tmp_path)
    before = session.map.model_dump_json()
    huge = "x" * 10_000_000
    for tool, args in (
        ("set_context", {"company": huge}),
        ("set_persona", {"tone": huge}),
        ("add_stage", {"name": huge}),
        ("add_persona_items", {"field": "goals", "items": ["ok"] * (ITEMS_MAX + 1)}),
    ):
        result = session.tools.call(tool, args)
        text = result.text
        assert not result.ok
        assert text.startswith("Error:") and "at most" in text, (tool, text[:300])
        assert len(text) < 1000  # the refusal does not echo the value back
    assert session.map.model_dump_json() == before
