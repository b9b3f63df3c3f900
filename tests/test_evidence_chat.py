"""Research evidence reaching the map: suggested through the tool and the guided chat, accepted
ones keep their link to the research snippet, rejected ones leave the map."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import call, fill_front

from assistant import open_session
from assistant.ingest import ingest_paths
from assistant.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "research"


@pytest.fixture
def session(tmp_path):
    settings = Settings(_env_file=None, home=tmp_path, chroma_url=None, embeddings="minilm")
    s = fill_front(open_session(map="acme", settings=settings))
    call(s, "set_stages", names=["Get started", "Compare offers"])
    call(
        s,
        "add_stage_items",
        stage="1",
        field="goals",
        items=["Set up the account and import the drivers"],
    )
    return s


def test_tool_refuses_without_research(session):
    result = session.tools.call("suggest_from_research", {"stage": "1"})
    assert not result.ok and "journey ingest" in result.text
    assert session.map.stages[0].pain_points == []


def test_chat_offers_research_suggestions_and_keeps_the_link(session):
    report = ingest_paths(
        session.context.knowledge, [FIXTURES / "reviews.csv"], map_id=session.map.id
    )
    assert not report.failed
    reply = session.start()
    assert "type 'evidence'" in reply.text  # the research hint at the stage's first question
    asked = reply.gap
    assert asked is not None and asked.stage == 1
    reply = session.send("evidence")
    stage = session.map.stages[0]
    pending = [i for f in ("pain_points", "questions", "emotions") for i in getattr(stage, f)]
    assert pending and all(i.provenance.source.value == "document" for i in pending)
    assert all(i.provenance.accepted is False and i.provenance.evidence for i in pending)
    assert all(e.startswith("doc:") for i in pending for e in i.provenance.evidence)
    assert reply.citations and "1." in reply.text
    assert reply.gap == asked  # the interview question is asked again
    reply = session.send("accept 1")
    stage = session.map.stages[0]
    kept = [i for f in ("pain_points", "questions", "emotions") for i in getattr(stage, f)]
    assert len(kept) == 1 and kept[0].id == pending[0].id
    assert kept[0].provenance.accepted is True and kept[0].provenance.evidence
    assert "Accepted 1" in reply.text


def test_suggestions_are_one_undoable_change(session):
    ingest_paths(session.context.knowledge, [FIXTURES / "reviews.csv"], map_id=session.map.id)
    result = session.tools.call("suggest_from_research", {"stage": "Get started"})
    assert result.ok and "doc:" in result.text
    assert session.map.stages[0].pain_points or session.map.stages[0].questions
    call(session, "undo_last_change")
    stage = session.map.stages[0]
    assert stage.pain_points == [] and stage.questions == [] and stage.emotions == []
