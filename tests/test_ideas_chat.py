"""The guided interview's idea step: offered after a stage's pain points, then decided."""

from __future__ import annotations

from pathlib import Path

from assistant import completeness
from assistant.session import Session
from tests.ideas_fixtures import stored_session


def _at_pain_points(home: Path) -> Session:
    """The fixed map with stage 3's pain points as the next gap: every open gap before it,
    in the interview's own order, is skipped."""
    session = stored_session(home)
    for gap, _ in completeness.gap_order(session.map):
        if gap == "stage:3:pain_points":
            break
        if not completeness.filled(session.map, gap):
            session.tools.call("skip_gap", {"gap": gap})
    return session


def _ideas(session: Session) -> list:
    return session.map.stages[2].content_ideas


def test_pain_points_are_followed_by_an_offer_and_accept_some(home: Path) -> None:
    session = _at_pain_points(home)
    reply = session.send("Hidden fees in the quote (high); no proof it works for firms our size")
    assert (
        "Recorded pain points (Compare and decide):\n1. Hidden fees in the quote (high)"
        in reply.text
    )
    assert "content ideas for the pain points of 'Compare and decide'" in reply.text
    assert "accept 1,3" in reply.text
    # the next core gap: stage 3's core is filled, so stage 4 (relief is optional)
    assert reply.gap == "stage:4:goals"
    assert reply.text.index("accept 1,3") < reply.text.index("want to achieve here")
    ideas = _ideas(session)
    assert len(ideas) == 6 and all(i.status == "proposed" for i in ideas)
    assert "  1. " in reply.text and "  6. " in reply.text
    reply = session.send("accept 1, 3")
    assert "Accepted 2 idea(s)" in reply.text and "Rejected 4 idea(s)" in reply.text
    assert reply.gap == "stage:4:goals" and "want to achieve here" in reply.text
    statuses = [i.status for i in _ideas(session)]
    assert statuses == ["accepted", "rejected", "accepted", "rejected", "rejected", "rejected"]
    # the interview goes on as usual
    reply = session.send("a clear quote")
    assert "Recorded goals" in reply.text


def test_more_then_yes_and_bad_numbers(home: Path) -> None:
    session = _at_pain_points(home)
    session.send("Hidden fees in the quote")
    first = {i.text for i in _ideas(session)}
    assert len(first) == 3
    reply = session.send("7")
    assert "no idea 7 in the list" in reply.text and len(_ideas(session)) == 3
    reply = session.send("more")
    assert "  1. " in reply.text
    new = [i for i in _ideas(session) if i.text not in first]
    assert len(new) == 3
    reply = session.send("yes")
    assert "Accepted 3 idea(s)" in reply.text
    new_ids = {i.id for i in new}
    assert [i.status for i in _ideas(session) if i.id in new_ids] == ["accepted"] * 3
    assert all(i.status == "proposed" for i in _ideas(session) if i.text in first)


def test_no_rejects_all_and_later_leaves_them_proposed(home: Path) -> None:
    session = _at_pain_points(home)
    session.send("Hidden fees in the quote")
    reply = session.send("no")
    assert "Rejected 3 idea(s)" in reply.text
    assert {i.status for i in _ideas(session)} == {"rejected"}
    session.send("undo")  # undo works and the interview is not stuck in the idea step
    assert {i.status for i in _ideas(session)} == {"proposed"}


def test_any_other_answer_goes_to_the_next_question(home: Path) -> None:
    session = _at_pain_points(home)
    session.send("Hidden fees in the quote")
    reply = session.send("the quote arrives within an hour")
    assert "Recorded goals (Buy and get started)" in reply.text
    assert {i.status for i in _ideas(session)} == {"proposed"}
    reply = session.send("yes")  # the offer is closed: 'yes' is no longer about the ideas
    assert "Accepted" not in reply.text
    assert {i.status for i in _ideas(session)} == {"proposed"}


def test_later_and_interview_commands_close_the_offer(home: Path) -> None:
    session = _at_pain_points(home)
    session.send("Hidden fees in the quote")
    reply = session.send("later")
    assert "journey ideas acme" in reply.text and reply.gap == "stage:4:goals"
    assert {i.status for i in _ideas(session)} == {"proposed"}
    session2 = _at_pain_points(home / "other")
    session2.send("Hidden fees in the quote")
    reply = session2.send("done")
    assert reply.done


def test_ideas_take_the_stage_milestone_as_cta_once_it_is_known(tmp_path):
    from builders import call, fill_front

    from assistant import open_session

    s = fill_front(open_session(map="cta", home=tmp_path, model="guided"))
    call(s, "set_stages", names=["Discover", "Decide"])
    s.start()
    s.send("pains: price unclear (high)")
    ideas = s.map.stages[0].content_ideas
    assert ideas and all(i.cta != "Book a demo call" for i in ideas)
    s.send("milestones: Book a demo call -> sales calls back within a day")
    ideas = s.map.stages[0].content_ideas
    assert ideas and all(i.cta == "Book a demo call" for i in ideas)


def test_a_milestone_from_any_path_becomes_the_ideas_cta(tmp_path):
    """The same rule through the bare tool, as the LLM agent and the web app use it."""
    from builders import call, fill_front

    from assistant import open_session

    s = fill_front(open_session(map="cta2", home=tmp_path, model="guided"))
    call(s, "set_stages", names=["Discover"])
    call(s, "add_stage_items", stage="1", field="pain_points", items=["price unclear"])
    pain = s.map.stages[0].pain_points[0].id
    call(
        s,
        "add_content_idea",
        stage="1",
        format="blog_post",
        title="A",
        pain_point_id=pain,
        cta="Download the in-depth guide",
        source="assistant",
    )
    call(
        s,
        "add_content_idea",
        stage="1",
        format="webinar",
        title="B",
        pain_point_id=pain,
        cta="Join our Thursday clinic",
        source="assistant",
    )
    call(s, "add_stage_items", stage="1", field="milestones", items=["Demo booked"])
    ctas = {i.text: i.cta for i in s.map.stages[0].content_ideas}
    assert ctas == {"A": "Demo booked", "B": "Join our Thursday clinic"}
    call(s, "undo_last_change")  # one change: the milestone and the CTAs go back together
    assert {i.cta for i in s.map.stages[0].content_ideas} == {
        "Download the in-depth guide",
        "Join our Thursday clinic",
    }
