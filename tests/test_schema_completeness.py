"""Schema round trip and JSON Schema; completeness order, percentage and sections."""

from __future__ import annotations

import json

import pytest
from builders import call, fill_map, new_session
from pydantic import ValidationError

from assistant import completeness
from assistant.schema import Emotion, JourneyMap


def test_round_trip_through_json_is_lossless(tmp_path):
    journey = fill_map(new_session(tmp_path)).map
    again = JourneyMap.model_validate_json(journey.model_dump_json())
    assert again == journey
    assert again.stages[2].decision_points[0].competitor_risk == "high"


def test_json_schema_describes_every_field():
    schema = JourneyMap.model_json_schema()
    missing = []
    for name, definition in schema["$defs"].items():
        for prop, spec in definition.get("properties", {}).items():
            if not spec.get("description"):
                missing.append(f"{name}.{prop}")
    assert missing == []
    assert "emotion curve" in json.dumps(schema)


def test_emotion_score_bounds():
    with pytest.raises(ValidationError):
        Emotion(text="x", score=3)
    assert Emotion(text="x", score=-2).score == -2


def test_gap_order_follows_the_method(tmp_path):
    s = new_session(tmp_path)
    order = [k for k, _ in completeness.gap_order(s.map)]
    assert order[:5] == [
        f"context:{f}" for f in ("company", "product", "market", "purpose", "destination")
    ]
    assert order[5] == "persona:name" and order[-1] == "stages"
    call(s, "set_stages", names=["A", "B"])
    order = [k for k, _ in completeness.gap_order(s.map, include_optional=False)]
    stage1 = [k.field for k in order if k.stage == 1]
    assert stage1 == ["goals", "touchpoints", "emotions", "pain_points"]  # the core
    order = [k for k, _ in completeness.gap_order(s.map)]
    assert order.index("stage:1:decision_points") < order.index("stage:2:goals")


def test_next_gap_walks_the_interview(tmp_path):
    s = new_session(tmp_path)
    assert completeness.next_gap(s.map) == "context:company"
    call(s, "set_context", company="Acme")
    assert completeness.next_gap(s.map) == "context:product"
    call(s, "set_context", product="P", market="b2b", purpose="x", destination="y")
    assert completeness.next_gap(s.map) == "persona:name"


def test_status_of_complete_map(tmp_path):
    journey = fill_map(new_session(tmp_path)).map
    st = completeness.status(journey)
    assert st.complete and st.percent == 100
    # optional slots (actions, thoughts) are offered, never demanded: the next core gap is
    # None, and the status names the first open optional gap and the optional fields left
    assert completeness.next_gap(journey) is None
    assert st.next_gap == "stage:1:actions" and st.optional == ["actions", "thoughts"]
    assert [s.key for s in st.sections][:3] == ["context", "persona", "stages"]
    assert len(st.sections) == 3 + 5


def test_percentage_grows_and_counts_unknown_stages(tmp_path):
    s = new_session(tmp_path)
    start = completeness.status(s.map)
    assert start.percent == 0 and not start.complete
    call(s, "set_context", company="Acme", product="P", market="b2c", purpose="x", destination="y")
    # 5 of 30 core slots (context 5, persona 4, stages 1, five unknown stages x 4)
    st = completeness.status(s.map)
    assert (st.filled, st.total, st.percent) == (5, 30, 16)
