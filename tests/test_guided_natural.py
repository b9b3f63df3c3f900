"""Natural answers in the guided interview, on sentences of our own (not corpus text): hedges
and remarks dropped, scores and severities in prose, facts for other fields routed, intents,
corrections, the numbered echo and its one-line fixes."""

from __future__ import annotations

from pathlib import Path

from builders import call, new_session

from assistant.guided import intents, reading


def _facts(text: str, field: str, lang: str = "en", section: str = "stage") -> list:
    return [(f.field, f.value) for f in reading.read(text, section, field, lang)]


def test_sentences_hedges_and_prose_values() -> None:
    facts = _facts(
        "Honestly the quote takes a week to arrive, that's a big one. The login page is "
        "confusing too, but that's minor. She's fed up, I'd give it a -2.",
        "pain_points",
    )
    assert ("pain_points", {"text": "the quote takes a week to arrive", "severity": 3}) in facts
    assert ("pain_points", {"text": "The login page is confusing", "severity": 1}) in facts
    assert ("emotions", {"text": "fed up", "score": -2}) in facts
    assert len(facts) == 3


def test_departments_decisions_and_lists() -> None:
    facts = _facts(
        "the pricing page (the web team owns it), demo calls and the trial email", "touchpoints"
    )
    assert facts[0] == ("touchpoints", {"text": "the pricing page", "department": "web team"})
    assert [f[1]["text"] for f in facts[1:]] == ["demo calls", "the trial email"]
    fork = _facts(
        "If the setup takes more than a day she'll cancel and pick Rivalsoft. High risk.",
        "decision_points",
    )
    assert fork == [
        (
            "decision_points",
            {
                "condition": "the setup takes more than a day",
                "likely_action": "she'll cancel and pick Rivalsoft",
            },
        )
    ]


def test_polish_and_italian_scores_and_severities() -> None:
    pl = _facts(
        "Jest zdenerwowana, dałabym -1. Brak ceny na stronie to duży problem.", "emotions", "pl"
    )
    assert ("emotions", {"text": "zdenerwowana", "score": -1}) in pl
    it = _facts(
        "Le spese di spedizione nascoste, critico. Il sito lento, media.", "pain_points", "it"
    )
    assert [v.get("severity") for _, v in it] == [3, 2]


def test_intents_in_natural_words() -> None:
    stages = ["Notice", "Compare bikes", "Buy"]
    assert (
        intents.classify("no clue, we never tracked that", "en", "goals", stages).kind
        == "dont_know"
    )
    assert intents.classify("can we skip this one?", "en", "goals", stages).kind == "skip"
    assert (
        intents.classify(
            "Should I list our own ads as touchpoints?", "en", "touchpoints", stages
        ).kind
        == "question"
    )
    assert intents.classify("will it fit in my car?", "en", "questions", stages).kind == "answer"
    rename = intents.classify(
        "can we call the second stage 'Shortlist' instead?", "en", "goals", stages
    )
    assert rename.kind == "rename_stage" and rename.names == ["Shortlist"]
    assert (
        intents.classify("Nie wiem, nie mamy takich danych.", "pl", "goals", stages).kind
        == "dont_know"
    )
    assert intents.classify("Boh, non saprei.", "it", "goals", stages).kind == "dont_know"


def test_echo_fix_and_correction_through_the_engine(tmp_path: Path) -> None:
    s = new_session(tmp_path)
    call(s, "set_persona", name="Cyclist Cara")
    call(s, "set_stages", names=["Notice", "Compare bikes"])
    s.start()
    s.state.asked = "stage:2:pain_points"
    reply = s.send("Sizing charts are unclear. Delivery takes two weeks, she's annoyed, -1.")
    assert "1. pain points (Compare bikes): Sizing charts are unclear" in reply.text
    assert "3. emotions (Compare bikes): annoyed (-1)" in reply.text
    stage = s.map.stages[1]
    assert [p.text for p in stage.pain_points] == [
        "Sizing charts are unclear",
        "Delivery takes two weeks",
    ]
    assert [(e.text, e.score) for e in stage.emotions] == [("annoyed", -1)]
    s.send("remove 2")
    assert [p.text for p in s.map.stages[1].pain_points] == ["Sizing charts are unclear"]
    s.state.asked = "persona:name"
    s.send("Call her Cara.")
    s.send("no wait, her name is just Carla")
    assert s.map.persona.name == "Carla"
    before = len(s.map.stages[1].pain_points)
    s.state.asked = "stage:2:relief"
    s.send("what's the difference between relief and a milestone?")
    assert len(s.map.stages[1].relief) == 0 and len(s.map.stages[1].pain_points) == before
