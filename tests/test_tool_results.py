"""The one change path returns data (ids added/updated/removed, skips, refusals, status), the
LangChain tools hand the model the sentence and Python the data, and the change log keeps
patches rather than whole maps."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from langchain_core.messages import ToolMessage

from assistant.gap import Gap
from assistant.session import Session, open_session
from tools.results import ToolResult


def _session(home: Path) -> Session:
    session = open_session(map="acme", home=home, model="guided")
    session.tools.call("set_stages", {"names": ["Discover", "Compare", "Buy"]})
    return session


def test_added_updated_removed_and_status(home: Path) -> None:
    session = _session(home)
    added = session.tools.call(
        "add_stage_items",
        {
            "stage": "2",
            "field": "pain_points",
            "items": [{"text": "Hidden fees"}, {"text": "Slow"}],
        },
    )
    assert added.ok and added.changed and added.seq is not None
    ids = [p.id for p in session.map.stages[1].pain_points]
    assert added.added == ids and added.updated == [] and added.removed == []
    assert added.status is not None and added.status.percent == session.status.percent
    assert added.summary and added.text.startswith(added.summary)
    updated = session.tools.call("update_item", {"item_id": ids[0], "severity": 3})
    assert updated.updated == [ids[0]] and updated.added == []
    removed = session.tools.call("remove_item", {"item_ids": [ids[1]]})
    assert removed.removed == [ids[1]]


def test_skipped_items_are_data(home: Path) -> None:
    session = _session(home)
    session.tools.call(
        "add_stage_items", {"stage": "1", "field": "goals", "items": [{"text": "Learn"}]}
    )
    again = session.tools.call(
        "add_stage_items",
        {"stage": "1", "field": "goals", "items": [{"text": "learn"}, {"text": "Save time"}]},
    )
    assert [(s.item, s.reason) for s in again.skipped] == [("learn", "already there")]
    pain = session.tools.call(
        "add_stage_items", {"stage": "1", "field": "pain_points", "items": [{"text": "Slow"}]}
    ).added[0]
    idea = {"stage": "1", "format": "blog_post", "title": "Why it is slow", "pain_point_id": pain}
    result = session.tools.call(
        "add_content_ideas",
        {"ideas": [idea, {**idea, "title": "Faster now"}, {**idea, "pain_point_id": "nope"}]},
    )
    assert result.ok and len(result.added) == 2
    assert [(s.index, s.item) for s in result.skipped] == [(2, "Why it is slow")]


def test_refusals_and_any_exception_are_results(home: Path) -> None:
    session = _session(home)
    before = session.store.change_count(session.map_id)
    refused = session.tools.call("remove_stage", {"stage": "9"})
    assert not refused.ok and refused.refusal and not refused.changed
    assert refused.text.startswith("Error:") and refused.refusal in refused.text
    invalid = session.tools.call("add_stage_items", {"stage": "1", "field": "nope", "items": []})
    assert not invalid.ok and invalid.refusal and "field" in invalid.refusal
    deep: object = "x"
    for _ in range(1000):
        deep = {"a": [deep]}
    nested = session.tools.call("set_context", {"company": deep})
    assert not nested.ok and nested.refusal
    not_a_dict = session.tools.call("set_context", ["company"])  # type: ignore[arg-type]
    assert not not_a_dict.ok and not_a_dict.refusal
    unknown = session.tools.call("drop_table", {})
    assert not unknown.ok and "unknown tool" in (unknown.refusal or "")
    assert session.store.change_count(session.map_id) == before


def test_langchain_tools_give_the_model_the_sentence_and_python_the_data(home: Path) -> None:
    session = _session(home)
    tool = session.tools.tools["add_stage_items"]
    args = {"stage": "1", "field": "goals", "items": [{"text": "Learn fast"}]}
    message = tool.invoke({"name": tool.name, "args": args, "id": "c1", "type": "tool_call"})
    assert isinstance(message, ToolMessage)
    assert isinstance(message.artifact, ToolResult)
    assert message.content == message.artifact.text
    assert message.artifact.added == [session.map.stages[0].goals[0].id]


def test_change_log_keeps_patches_not_two_maps(home: Path) -> None:
    session = _session(home)
    big = "x" * 200_000
    session.tools.call("set_context", {"purpose": big})
    for n in range(20):
        session.tools.call(
            "add_stage_items", {"stage": "1", "field": "goals", "items": [{"text": f"goal {n}"}]}
        )
    with session.store.engine.connect() as db:
        rows = db.execute(
            sa.text(
                "SELECT tool, length(patch), length(coalesce(before, '')) FROM changes"
                " WHERE map_id = :m"
            ),
            {"m": session.map_id},
        ).all()
    small = [r for r in rows if r[0] == "add_stage_items"]
    assert len(small) == 20 and all(r[1] < 2_000 and r[2] == 0 for r in small)
    # undo walks the patches back to the start
    while session.tools.call("undo_last_change").ok:
        pass
    assert session.map.stages == [] and session.map.context.purpose is None


def test_old_change_rows_with_a_full_before_still_undo(home: Path) -> None:
    session = _session(home)
    store = session.store
    before = store.load_raw(session.map_id)
    session.tools.call("set_context", {"company": "Acme"})
    with store.transaction() as db:  # a row as written before patches existed
        db.execute(
            sa.text(
                "UPDATE changes SET patch = NULL, before = :before"
                " WHERE seq = (SELECT max(seq) FROM changes)"
            ),
            {"before": before},
        )
    assert session.tools.call("undo_last_change").ok
    assert session.map.context.company is None
    assert json.loads(before)["stages"][0]["name"] == "Discover"


def test_gap_has_one_parser_and_one_key_format() -> None:
    gap = Gap.parse("stage:2:touchpoints")
    assert (gap.section, gap.stage, gap.field, gap.key) == ("stage", 2, "touchpoints", gap)
    assert Gap.of_stage(2, "touchpoints") == gap and Gap.parse(gap) is gap
    assert Gap.parse("stage:stage-abc:relief").stage_id == "stage-abc"
    assert Gap.context("company").question_key == "context.company"
    assert Gap.stages().question_key == "stages"
    for bad in ("", "stage:2", "persona", "nope:x", "context:a:b"):
        try:
            Gap.parse(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} parsed")


def test_tool_arguments_come_from_the_schema() -> None:
    from assistant.schema import ContentIdea, Context, IdeaFields
    from tools.map_args import AddContentIdea, SetContext

    assert list(SetContext.model_fields) == list(Context.model_fields)
    for name, info in IdeaFields.model_fields.items():
        assert AddContentIdea.model_fields[name].description == info.description
        assert ContentIdea.model_fields[name].annotation == info.annotation
    assert (
        SetContext.model_fields["market"].description == Context.model_fields["market"].description
    )
