"""The conversation's state lives with the map: a new process, a second tab or a restart
continues where the conversation was (issue 10)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant import completeness
from assistant.session import Session, open_session
from assistant.state import InterviewState
from tests.ideas_fixtures import stored_session

ROOT = Path(__file__).resolve().parents[1]
PAINS = "Hidden fees in the quote (high); no proof it works for firms our size"


def _at_pain_points(home: Path) -> Session:
    session = stored_session(home)
    for gap, _ in completeness.gap_order(session.map):
        if gap == "stage:3:pain_points":
            break
        if not completeness.filled(session.map, gap):
            session.tools.call("skip_gap", {"gap": gap})
    return session


RESUME = """
import json, sys
from assistant.session import open_session
session = open_session(map="acme", home=sys.argv[1], model="guided")
session.start()  # as `journey chat --map acme` does
reply = session.send(sys.argv[2])
print(json.dumps({"text": reply.text, "gap": reply.gap, "offer": bool(reply.offer)}))
"""


def _in_new_process(home: Path, text: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", RESUME, str(home), text],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_reply_carries_the_offer_as_data(home: Path) -> None:
    session = _at_pain_points(home)
    reply = session.send(PAINS)
    # stage 3's core is filled: the next core gap is stage 4's (relief is optional)
    assert reply.gap is not None and reply.gap.field == "goals" and reply.gap.stage == 4
    assert reply.offer is not None and reply.offer.kind == "ideas"
    ideas = session.map.stages[2].content_ideas
    assert [(i.number, i.id, i.text) for i in reply.offer.items] == [
        (n, idea.id, idea.text) for n, idea in enumerate(ideas, 1)
    ]
    changed = [r for r in reply.results if r.changed]
    assert [r.tool for r in changed] == ["add_stage_items", "add_content_ideas"]
    assert len(changed[0].added) == 2 and changed[1].added == [i.id for i in ideas]
    # the offer is on disk, written with the change that proposed the ideas
    stored = InterviewState.model_validate_json(session.store.load_state(session.map_id) or "")
    assert stored.offer is not None and stored.offer.ids == [i.id for i in ideas]
    assert stored.asked == "stage:4:goals"


def test_resume_mid_offer_in_a_new_process_then_accept_1(home: Path) -> None:
    session = _at_pain_points(home)
    session.send(PAINS)
    ideas = session.map.stages[2].content_ideas
    assert len(ideas) == 6
    out = _in_new_process(home, "accept 1")
    assert "Accepted 1 idea(s)" in out["text"], out["text"]
    statuses = [i.status for i in session.store.load("acme").stages[2].content_ideas]
    assert statuses[0] == "accepted" and statuses[1:] == ["rejected"] * 5
    journey = session.store.load("acme")
    assert not [r for r in journey.stages[2].relief if "accept" in r.text]
    assert out["gap"] == "stage:4:goals" and out["offer"] is False


def test_undo_after_a_resume_reverts_the_whole_last_answer(home: Path) -> None:
    first = _at_pain_points(home)
    first.send(PAINS)
    stage = first.map.stages[2]
    assert len(stage.pain_points) == 2 and len(stage.content_ideas) == 6
    first.store.close()
    resumed = open_session(map="acme", home=home, model="guided")
    reply = resumed.send("undo")
    stage = resumed.map.stages[2]
    assert stage.pain_points == [] and stage.content_ideas == []
    assert reply.gap == "stage:3:pain_points"
    assert [r.ok for r in reply.results] == [True, True]
    # nothing left of that answer to undo: a second undo goes one change further back
    skipped_before = list(resumed.map.skipped)
    resumed.send("undo")
    assert len(resumed.map.skipped) == len(skipped_before) - 1


def test_a_second_tab_continues_the_question_and_tips(home: Path) -> None:
    first = _at_pain_points(home)
    first.send(PAINS)
    second = open_session(map="acme", home=home, model="guided")
    assert second.state.asked == "stage:4:goals"
    assert second.state.last_tip == first.state.last_tip
    reply = second.send("a clear quote with no hidden fees")
    assert "Recorded goals" in reply.text
    assert "a clear quote with no hidden fees" in [g.text for g in second.map.stages[3].goals]


def test_an_unreadable_state_costs_only_the_conversation_memory(home: Path) -> None:
    session = _at_pain_points(home)
    session.store.save_state(session.map_id, '{"asked": "nonsense:gap:x:y"}')
    again = open_session(map="acme", home=home, model="guided")
    assert again.state == InterviewState()
    assert again.send("a clear quote").text


def test_undo_never_reverts_another_sessions_later_change(home: Path) -> None:
    mine = _at_pain_points(home)
    mine.send(PAINS)
    other = open_session(map="acme", home=home, model="guided")
    added = other.tools.call(
        "add_stage_items", {"stage": "1", "field": "goals", "items": [{"text": "their goal"}]}
    )
    reply = mine.send("undo")
    journey = mine.map
    assert added.added[0] in {g.id for g in journey.stages[0].goals}
    assert len(journey.stages[2].pain_points) == 2  # not on top any more: left as it is
    assert "Nothing to undo" in reply.text or "nothing to undo" in reply.text.casefold()
