"""The natural simulated user: it answers from the brief in sentences (hedges, several facts
per stage message, a corrected name, a question back, commands and choices in words), in
words of its own, and a run repeats exactly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from assistant.evals.natural_user import NaturalUser, phrases
from assistant.evals.phrasing import Phrasebook
from assistant.evals.runner import run_scenario
from assistant.evals.scenario import Scenario, default_folder, load_scenarios
from assistant.session import open_session
from assistant.settings import get_settings

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "answers"

BRIEF = {
    "id": "tea-club",
    "language": "en",
    "style": "natural",
    "context": {
        "company": "Leaf Post",
        "product": "A monthly tea box",
        "market": "b2c",
        "purpose": "ideas for the newsletter",
        "destination": "Subscribe to the box",
    },
    "persona": {
        "name": "Tina the tea fan",
        "role": "Office worker who drinks tea all day",
        "goals": ["Try new teas", "Spend less on tea"],
        "challenges": ["No time to shop"],
    },
    "stages": [
        {
            "name": "Discover the box",
            "goals": ["Find a tea subscription"],
            "touchpoints": [{"text": "Instagram reels", "department": "Marketing"}],
            "emotions": [{"text": "curious", "score": 1}],
            "pain_points": [{"text": "Shipping cost hidden until checkout", "severity": 3}],
            "decision_points": [
                {"condition": "if shipping is expensive", "likely_action": "she buys loose tea"}
            ],
        }
    ],
}


def test_the_natural_user_talks_in_sentences_with_several_facts(tmp_path):
    scenario = Scenario.model_validate(BRIEF)
    settings = get_settings(home=tmp_path, model="guided")
    session = open_session(map="x", new=True, settings=settings)
    user = NaturalUser(scenario, Phrasebook("en"))
    reply = session.start()
    said: list[str] = []
    while not reply.done and len(said) < 30:
        message = user.answer(reply, session.map)
        if message is None:
            break
        said.append(message)
        reply = session.send(message)
    labels = re.compile(r"^(?:goals|touchpoints|emotions|pains?|pain points)\s*:", re.I)
    assert not any(labels.match(m) for m in said)  # never the engine's labelled grammar
    opening = next(m for m in said if "instagram reels" in m)
    # one message for the stage: its goal, touchpoint (with the team), feeling and pain
    for part in ("find a tea subscription", "Marketing runs that", "curious", "+1", "big one"):
        assert part in opening
    assert "Sorry, I meant Tina the tea fan, not Tina." in said or said[4].startswith("Let")
    # the map is complete; decision points chosen in words and given in prose; then no more
    assert reply.status.complete and reply.done
    assert "Let's add the decision points." in said
    assert session.map.stages[0].decision_points
    assert said[-1] in phrases("en")["optional_no"]


def test_a_natural_run_repeats_exactly(tmp_path):
    scenario = load_scenarios(default_folder(), ["pl-sklep-kosmetyki"])[0]
    settings = get_settings(home=tmp_path, model="guided")
    first = run_scenario(scenario, settings=settings, user="natural")
    again = run_scenario(scenario, settings=settings, user="natural")
    assert first.status == "ok" and first.metrics and again.metrics
    assert [t.user for t in first.transcript] == [t.user for t in again.transcript]
    assert first.metrics.core_turns == again.metrics.core_turns
    assert first.metrics.core_turns is not None and first.metrics.core_turns <= 40


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared natural-answer corpus is absent")
def test_the_phrasings_are_not_taken_from_the_corpus():
    corpus = " ".join(
        str(case.get("say", "")).casefold()
        for path in CORPUS.glob("*.yaml")
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []
    )
    copied = []
    for language in ("en", "pl", "it"):
        for key, value in phrases(language).items():
            for text in value if isinstance(value, list) else [value]:
                for piece in re.split(r"\{\w+\}", str(text)):
                    if len(piece.strip(" .,:")) >= 14 and piece.strip(" .,:").casefold() in corpus:
                        copied.append(f"{language}.{key}: {piece}")
    assert copied == []
