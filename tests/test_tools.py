"""Every map tool with valid and invalid arguments; invalid ones leave the map unchanged."""

from __future__ import annotations

import pytest
from builders import call, fill_map, new_session

from assistant.completeness import status
from assistant.store import Store

VALID = [
    ("set_context", {"company": "Acme", "market": "b2c"}),
    ("set_persona", {"name": "Ana", "role": "buyer"}),
    ("add_persona_items", {"field": "goals", "items": ["save time", "grow"]}),
    ("set_stages", {"names": ["Discover", "Decide"]}),
    ("add_stage", {"name": "Renew", "position": 1}),
    ("rename_stage", {"stage": "1", "new_name": "Notice"}),
    ("reorder_stages", {"order": ["2", "1"]}),
    ("remove_stage", {"stage": "Decide"}),
    (
        "add_stage_items",
        {
            "stage": "1",
            "field": "touchpoints",
            "items": [{"text": "ads", "department": "Marketing"}, "blog"],
        },
    ),
    (
        "add_stage_items",
        {"stage": "Discover", "field": "emotions", "items": [{"text": "curious", "score": 1}]},
    ),
    (
        "add_decision_point",
        {
            "stage": "1",
            "condition": "price is high",
            "likely_action": "they leave",
            "competitor_risk": "high",
        },
    ),
    ("skip_gap", {"gap": "persona:tone"}),
    ("get_map_status", {}),
]

INVALID = [
    ("set_context", {"market": "b2x"}, "market"),
    ("set_context", {}, "at least one"),
    ("set_persona", {"nickname": "x"}, "nickname"),
    ("add_persona_items", {"field": "hobbies", "items": ["x"]}, "field"),
    ("add_persona_items", {"field": "goals", "items": []}, "items"),
    ("set_stages", {"names": ["A", "a"]}, "different"),
    ("add_stage", {"name": "Discover"}, "already exists"),
    ("rename_stage", {"stage": "9", "new_name": "X"}, "No stage"),
    ("reorder_stages", {"order": ["1"]}, "every stage"),
    ("remove_stage", {"stage": "nope"}, "No stage"),
    ("add_stage_items", {"stage": "1", "field": "emotions", "items": ["sad"]}, "score"),
    (
        "add_stage_items",
        {"stage": "1", "field": "emotions", "items": [{"text": "sad", "score": -5}]},
        "score",
    ),
    ("add_stage_items", {"stage": "1", "field": "feelings", "items": ["x"]}, "field"),
    ("add_stage_items", {"stage": "1", "field": "goals", "items": [""]}, "text"),
    ("add_stage_items", {"stage": "1", "field": "goals", "items": ["x" * 2001]}, "text"),
    ("update_item", {"item_id": "item-nope", "text": "x"}, "No item"),
    ("remove_item", {"item_ids": ["item-nope"]}, "No item"),
    ("accept_suggestion", {"item_ids": ["item-nope"]}, "No item"),
    ("add_decision_point", {"stage": "1", "condition": "x"}, "likely_action"),
    ("add_content_idea", {"stage": "1", "format": "podcast", "title": "x"}, "format"),
    (
        "add_content_idea",
        {"stage": "1", "format": "blog_post", "title": "x", "pain_point_id": "pain-nope"},
        "not on stage",
    ),
    ("skip_gap", {"gap": "stage:9:goals"}, "Unknown gap"),
]


@pytest.fixture
def session(tmp_path):
    s = new_session(tmp_path)
    call(s, "set_stages", names=["Discover", "Decide"])
    return s


@pytest.mark.parametrize(
    ("tool", "args"), VALID, ids=[f"{t}-{i}" for i, (t, _) in enumerate(VALID)]
)
def test_valid_arguments_change_and_persist(tmp_path, session, tool, args):
    before = session.map.model_dump_json()
    result = session.tools.call(tool, args)
    assert result.ok, result.text
    assert "% complete" in result.text
    if tool != "get_map_status":
        reloaded = Store(tmp_path / "journey.sqlite3").load("acme")
        assert reloaded.model_dump_json(exclude={"updated_at"}) != before


@pytest.mark.parametrize(
    ("tool", "args", "needle"), INVALID, ids=[f"{t}-{i}" for i, (t, _, _) in enumerate(INVALID)]
)
def test_invalid_arguments_give_clear_error_and_leave_map_unchanged(session, tool, args, needle):
    before = session.map.model_dump_json()
    changes = len(session.store.changes(session.map_id))
    result = session.tools.call(tool, args)
    assert not result.ok
    assert result.text.startswith("Error:")
    assert needle.lower() in result.text.lower()
    assert session.map.model_dump_json() == before
    assert len(session.store.changes(session.map_id)) == changes


def test_unknown_tool(session):
    result = session.tools.call("drop_database", {})
    assert not result.ok and "unknown tool" in result.text


def test_every_schema_part_is_reachable_by_a_tool(tmp_path):
    s = fill_map(new_session(tmp_path))
    pain = s.map.stages[0].pain_points[0]
    call(s, "add_stage_items", stage="1", field="opportunities", items=["faster onboarding"])
    call(s, "add_stage_items", stage="1", field="actions", items=["reads reviews"])
    call(s, "add_stage_items", stage="1", field="thoughts", items=["is it worth it"])
    call(s, "add_persona_items", field="evidence_sources", items=["reviews"])
    call(
        s,
        "add_content_idea",
        stage="1",
        format="blog_post",
        title="Why prices differ",
        pain_point_id=pain.id,
        source="assistant",
    )
    idea = s.map.stages[0].content_ideas[0]
    assert idea.pain_point_id == pain.id and idea.provenance.accepted is False
    call(s, "set_idea_status", item_ids=[idea.id], status="accepted")
    assert s.map.stages[0].content_ideas[0].status == "accepted"
    call(s, "update_item", item_id=pain.id, text="pain one", severity=1)
    assert s.map.stages[0].pain_points[0].text == "pain one"
    assert s.map.stages[0].pain_points[0].severity == 1
    call(s, "remove_item", item_ids=[pain.id])
    assert not s.map.stages[0].pain_points


def test_suggestions_do_not_count_until_accepted(tmp_path):
    s = new_session(tmp_path)
    call(s, "add_persona_items", field="goals", items=["save time"], source="assistant")
    item = s.map.persona.goals[0]
    assert item.provenance.source.value == "assistant" and item.provenance.accepted is False
    assert "persona:goals" in status(s.map).sections[1].missing
    call(s, "accept_suggestion", item_ids=[item.id])
    assert s.map.persona.goals[0].provenance.accepted is True
    assert "persona:goals" not in status(s.map).sections[1].missing
    call(s, "add_persona_items", field="goals", items=["x"], source="assistant")
    rejected = s.map.persona.goals[1]
    call(s, "reject_suggestion", item_ids=[rejected.id])
    assert [g.text for g in s.map.persona.goals] == ["save time"]
    fact = s.map.persona.goals[0]
    call(s, "add_persona_items", field="challenges", items=["no time"])
    assert not s.tools.call("reject_suggestion", {"item_ids": [s.map.persona.challenges[0].id]}).ok
    assert fact.provenance.accepted is True


def test_duplicates_are_not_added_twice(session):
    call(session, "add_stage_items", stage="1", field="goals", items=["Compare prices"])
    text = call(session, "add_stage_items", stage="1", field="goals", items=["compare prices", "x"])
    assert [g.text for g in session.map.stages[0].goals] == ["Compare prices", "x"]
    assert "already there" in text


def test_set_stages_keeps_content_of_kept_stages(session):
    call(session, "add_stage_items", stage="Decide", field="goals", items=["pick one"])
    call(session, "set_stages", names=["Notice", "Decide", "Buy"])
    assert [s.name for s in session.map.stages] == ["Notice", "Decide", "Buy"]
    assert session.map.stages[1].goals[0].text == "pick one"


def test_undo_restores_previous_map_and_is_logged(tmp_path, session):
    call(session, "add_stage_items", stage="1", field="goals", items=["a"])
    call(session, "rename_stage", stage="1", new_name="Notice")
    assert "Undone" in call(session, "undo_last_change")
    assert session.map.stages[0].name == "Discover"
    call(session, "undo_last_change")
    assert session.map.stages[0].goals == []
    tools = [c.tool for c in session.store.changes(session.map_id)]
    assert tools.count("undo") == 2


def test_skipped_gap_moves_on_and_survives_reordering(session):
    call(
        session, "set_context", company="A", product="B", market="b2b", purpose="p", destination="d"
    )
    for field in ("name", "role", "tone"):
        call(session, "set_persona", **{field: "x"})
    for field in ("quantitative", "qualitative", "goals", "challenges", "channels"):
        call(session, "add_persona_items", field=field, items=["x"])
    assert session.map.stages and status(session.map).next_gap == "stage:1:goals"
    call(session, "skip_gap", gap="stage:1:goals")
    # actions are optional (README, "The interview"): the next core field is the touchpoints
    assert status(session.map).next_gap == "stage:1:touchpoints"
    call(session, "reorder_stages", order=["2", "1"])
    assert status(session.map).next_gap == "stage:1:goals"  # the other stage now comes first


def test_map_names_are_safe_for_file_names_and_html(tmp_path):
    from assistant.store import Store

    store = Store(tmp_path / "j.sqlite3")
    for bad in ("bad/name", "   ", "x" * 81, "<img src=x>", "../up"):
        with pytest.raises(ValueError, match="not a valid map name"):
            store.create(bad)
    store.create("Kraków 2026")
    with pytest.raises(ValueError, match="not a valid map name"):
        store.rename("Kraków 2026", "a/b")
    assert store.rename("Kraków 2026", "O'Brien & Co").name == "O'Brien & Co"


def test_change_summaries_name_fields_in_words(session):
    """The summary is stored in the change log and shown in the history: no field ids."""
    call(session, "set_stages", names=["Discover", "Buy"])
    text = call(session, "add_stage_items", stage="1", field="pain_points", items=["Slow setup"])
    assert "Discover / pain points" in text and "pain_points" not in text
    text = call(session, "add_persona_items", field="goals", items=["Grow sales"])
    assert "persona goals" in text
