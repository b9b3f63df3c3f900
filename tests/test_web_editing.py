"""The card editor's behaviour without a browser: what the panel shows for a pick, and that
every button makes exactly one validated, undoable change through the tools (source user),
noted in the chat transcript."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import call, fill_map, new_session

from assistant.web.editing import CardEditor, EditError, form_for, locate, parse_pick


@pytest.fixture
def session(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = fill_map(new_session(tmp_path / "home"), stages=3)
    call(
        s,
        "add_stage_items",
        stage="2",
        field="relief",
        items=["Live chat answers"],
        source="assistant",
    )
    return s


def changes(session) -> int:  # type: ignore[no-untyped-def]
    return session.store.change_count(session.map_id)


def test_picks_open_the_right_form(session) -> None:  # type: ignore[no-untyped-def]
    journey = session.map
    pain = journey.stages[2].pain_points[0]
    form = form_for(journey, f"item:{pain.id}", "en")
    assert form.mode == "edit" and form.field == "pain_points" and form.text == pain.text
    assert form.details == ("severity",) and form.values == {"severity": 3}
    assert "Pain points" in form.heading and journey.stages[2].name in form.heading
    point = journey.stages[0].decision_points[0]
    form = form_for(journey, f"item:{point.id}", "en")
    assert form.text == point.condition and form.values["risk"] == "high"
    add = form_for(journey, f"add:{journey.stages[1].id}|actions", "pl")
    assert add.mode == "add" and add.heading.startswith("Nowa karta: Działania")
    assert form_for(journey, "item:item-gone", "en").mode == "none"
    assert parse_pick("add:x|not_a_field") == ("", "", "")
    suggestion = journey.stages[1].relief[-1]
    assert form_for(journey, f"item:{suggestion.id}", "en").suggestion


def test_every_button_is_one_undoable_user_change(session) -> None:  # type: ignore[no-untyped-def]
    editor = CardEditor(session)
    journey = session.map
    pain = journey.stages[2].pain_points[0]
    before = changes(session)

    done = editor.save(pain.id, "Renewal price is a surprise", {"severity": 2})
    stage, field, item = locate(session.map, pain.id)  # type: ignore[misc]
    assert item.text == "Renewal price is a surprise" and item.severity == 2  # type: ignore[attr-defined]
    assert "Renewal price is a surprise" in done.note and changes(session) == before + 1
    log = session.store.changes(session.map_id)[-1]
    assert log.tool == "update_item" and log.source == "user"

    done = editor.move(pain.id, journey.stages[0].id, "emotions", -1)
    stage, field, item = locate(session.map, pain.id)  # type: ignore[misc]
    assert (stage.id, field, item.score) == (journey.stages[0].id, "emotions", -1)  # type: ignore[attr-defined]
    with pytest.raises(EditError):
        editor.move(pain.id, journey.stages[0].id, "emotions")

    done = editor.add(journey.stages[1].id, "actions", "Asks a colleague", {})
    assert any(i.text == "Asks a colleague" for i in session.map.stages[1].actions)
    with pytest.raises(EditError):
        editor.add(journey.stages[1].id, "actions", "   ", {})

    suggestion = journey.stages[1].relief[-1]
    editor.accept(suggestion.id)
    assert locate(session.map, suggestion.id)[2].provenance.accepted is True  # type: ignore[index]

    editor.delete(pain.id)
    assert locate(session.map, pain.id) is None
    editor.undo()
    assert locate(session.map, pain.id) is not None  # the delete is undone, nothing else
    assert any(i.text == "Asks a colleague" for i in session.map.stages[1].actions)
    assert changes(session) == before + 5
    notes = [m["content"] for m in session.history() if m["content"].startswith("✎")]
    assert len(notes) == 6 and "Asks a colleague" in notes[2]


def test_a_refused_change_leaves_the_map_as_it_was(session) -> None:  # type: ignore[no-untyped-def]
    editor = CardEditor(session)
    goal = session.map.stages[0].goals[0]
    before = session.store.load_raw(session.map_id)
    with pytest.raises(EditError):
        editor.move(goal.id, session.map.stages[1].id, "content_ideas")
    with pytest.raises(EditError):
        editor.save("item-gone", "x", {})
    assert session.store.load_raw(session.map_id) == before
