"""The core/optional split: a map is complete when the core is filled; optional fields are
offered once, chosen in words ('decision points and milestones', 'tutti', 'nie, dziękuję'),
never demanded; the open stage question is followed only by the core fields still empty."""

from __future__ import annotations

import pytest
from builders import call, fill_front, new_session

from assistant import completeness
from assistant.session import Session


def core_map(session: Session, stages: int = 2) -> Session:
    """Context and persona filled, and every stage's core (no optional stage field)."""
    fill_front(session)
    call(session, "set_stages", names=["Discover", "Decide", "Buy"][:stages])
    for n in range(1, stages + 1):
        s = str(n)
        call(session, "add_stage_items", stage=s, field="goals", items=[f"goal {n}"])
        call(session, "add_stage_items", stage=s, field="touchpoints", items=[f"ads {n}"])
        call(
            session,
            "add_stage_items",
            stage=s,
            field="emotions",
            items=[{"text": f"calm {n}", "score": 1}],
        )
    return session


def test_the_core_alone_makes_a_complete_map(tmp_path):
    s = core_map(new_session(tmp_path))
    call(s, "add_stage_items", stage="1", field="pain_points", items=["pain 1"])
    st = completeness.status(s.map)
    assert not st.complete and st.next_gap == "stage:2:pain_points"
    call(s, "add_stage_items", stage="2", field="pain_points", items=["pain 2"])
    st = completeness.status(s.map)
    assert st.complete and st.percent == 100
    assert completeness.next_gap(s.map) is None
    assert st.optional == [
        "actions",
        "questions",
        "thoughts",
        "relief",
        "milestones",
        "decision_points",
    ]
    assert st.next_gap == "stage:1:actions"  # what could come next, shown as optional
    # chosen optional fields are asked in the method's order, stage by stage
    chosen = ["decision_points", "relief"]
    assert completeness.next_gap(s.map, optional=chosen) == "stage:1:relief"
    call(s, "skip_gap", gap="stage:1:relief")
    assert completeness.next_gap(s.map, optional=chosen) == "stage:1:decision_points"


def test_chosen_optional_fields_wait_until_the_core_is_done(tmp_path):
    s = new_session(tmp_path)
    assert completeness.next_gap(s.map, optional=["tone"]) == "context:company"
    core_map(s)
    assert completeness.next_gap(s.map, optional=["relief"]) == "stage:1:pain_points"


def test_a_persona_without_numbers_channels_or_tone_is_complete(tmp_path):
    s = new_session(tmp_path)
    call(s, "set_persona", name="Ann", role="owner")
    call(s, "add_persona_items", field="goals", items=["grow"])
    call(s, "add_persona_items", field="challenges", items=["time"])
    persona = next(x for x in completeness.status(s.map).sections if x.key == "persona")
    assert persona.missing == [] and persona.total == 4


def _to_last_pain(tmp_path) -> Session:
    s = core_map(new_session(tmp_path))
    call(s, "add_stage_items", stage="1", field="pain_points", items=["pain 1"])
    s.start()
    return s


def test_the_interview_offers_the_optional_fields_and_reads_the_choice(tmp_path):
    s = _to_last_pain(tmp_path)
    reply = s.send("The setup takes a whole afternoon")  # the last core gap
    assert reply.status.complete and reply.gap is None and not reply.done
    # the ideas offered for that pain point are answered first: one verdict at a time
    assert reply.offer is not None and "Want to add more?" not in reply.text
    reply = s.send("no")
    assert "Want to add more? Optional, never required: decision points, milestones" in (reply.text)
    assert s.state.optional_offered
    reply = s.send("sure, let's add decision points and milestones")
    assert s.state.optional == ["decision_points", "milestones"]
    assert reply.gap == "stage:1:milestones" and "decision points, milestones" in reply.text
    reply = s.send("skip")
    assert reply.gap == "stage:1:decision_points"
    s.send("if the price is high then she waits")
    assert s.map.stages[0].decision_points[0].likely_action == "she waits"
    reply = s.send("skip")
    assert reply.gap == "stage:2:decision_points"
    reply = s.send("skip")
    # the chosen fields are done: the rest is offered once more, then declined
    assert reply.gap is None and "Want to add more?" in reply.text
    assert "decision points" not in reply.text.split("Want to add more?")[1]
    reply = s.send("no thanks, that's enough for today")
    assert reply.done and s.state.optional_declined
    assert "complete" in reply.text and completeness.status(s.map).complete


def test_declining_records_nothing_and_a_later_answer_is_still_read(tmp_path):
    s = core_map(new_session(tmp_path), stages=1)
    s.start()
    s.send("pain: no prices online")
    reply = s.send("no")  # the ideas
    assert "Want to add more?" in reply.text
    before = s.map.model_dump_json(exclude={"updated_at"})
    reply = s.send("relief: the price list arrives by email")
    # a labelled answer is an answer, not a choice: recorded, and nothing else changed
    assert [r.text for r in s.map.stages[0].relief] == ["the price list arrives by email"]
    assert s.map.stages[0].goals[0].text == "goal 1" and before != s.map.model_dump_json()
    assert not reply.done


PAIN = {"en": "no prices online", "pl": "cena jest niejasna", "it": "il prezzo non è chiaro"}


def _offered(tmp_path, lang: str) -> Session:
    s = core_map(new_session(tmp_path, lang=lang), stages=1)
    s.start()
    reply = s.send(PAIN[lang])
    if reply.offer is not None:  # the ideas for that pain point first
        s.send({"en": "no", "pl": "nie", "it": "no"}[lang])
    assert s.state.optional_offered, s.state
    return s


@pytest.mark.parametrize(
    ("lang", "choice", "fields", "decline"),
    [
        ("en", "all of them", None, "nah, not now"),
        ("pl", "tak, punkty decyzyjne", ["decision_points"], "nie, dziękuję"),
        ("it", "i traguardi e le domande", ["questions", "milestones"], "no grazie, basta così"),
    ],
)
def test_the_choice_in_every_language(tmp_path, lang, choice, fields, decline):
    s = _offered(tmp_path, lang)
    expected = fields or completeness.open_optional(s.map)
    s.send(choice)
    assert sorted(s.state.optional) == sorted(expected)
    s2 = _offered(tmp_path / "b", lang)
    reply = s2.send(decline)
    assert reply.done and s2.state.optional == [] and s2.state.optional_declined


def test_declining_on_a_map_with_skipped_core_parts_does_not_call_it_complete(tmp_path):
    s = core_map(new_session(tmp_path), stages=1)
    s.start()
    reply = s.send("skip")  # the last core gap, skipped
    assert reply.gap is None and not reply.status.complete and "Want to add more?" in reply.text
    reply = s.send("no thanks")
    assert reply.done and "the core of the map is complete" not in reply.text
