"""Evidence for stages from ingested research, and the CLI commands over a tmp workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.evidence import sentiment, suggest_for_stage
from assistant.ingest import ingest_paths
from assistant.retrieval import Hit, KnowledgeBase
from assistant.schema import Item, JourneyMap, Stage
from assistant.settings import Settings
from assistant.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "research"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("JOURNEY_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("JOURNEY_CHROMA_URL", raising=False)
    monkeypatch.setenv("JOURNEY_EMBEDDINGS", "minilm")
    return Settings().model_copy(update={"home": tmp_path / "home", "chroma_url": None})


@pytest.fixture
def journey() -> JourneyMap:
    return JourneyMap(
        name="acme",
        stages=[
            Stage(
                name="Get started", goals=[Item(text="Set up the account and import the drivers")]
            ),
            Stage(name="Compare offers", questions=[Item(text="Is it good value for money?")]),
        ],
    )


def test_onboarding_complaints_become_suggestions(settings: Settings, journey: JourneyMap) -> None:
    kb = KnowledgeBase(settings)
    ingest_paths(kb, [FIXTURES / "reviews.csv", FIXTURES / "sales-call.txt"], map_id=journey.id)
    found = suggest_for_stage(kb, journey, "Get started")
    by_field = {(s.field, s.text): s for s in found}
    pain = by_field[
        ("pain_points", "Confusing setup: I could not figure out how to import my drivers")
    ]
    assert pain.source == {"file": "reviews.csv", "row": 3, "rating": 2, "date": "2025-02-11"}
    assert pain.evidence[0].startswith("doc:") and pain.stage == "Get started"
    assert ("questions", "Why is the import so hard?") in by_field
    emotions = [s for s in found if s.field == "emotions"]
    assert emotions and all(s.score is not None and -2 <= s.score <= 2 for s in emotions)
    assert any(s.score == -2 and "nightmare" in s.text for s in emotions)
    # Deterministic: the same research gives the same suggestions.
    assert suggest_for_stage(kb, journey, "Get started") == found


def test_other_maps_research_is_not_used(settings: Settings, journey: JourneyMap) -> None:
    kb = KnowledgeBase(settings)
    ingest_paths(kb, [FIXTURES / "reviews.csv"], map_id="map-of-globex")
    assert suggest_for_stage(kb, journey, 1) == []
    with pytest.raises(KeyError):
        suggest_for_stage(kb, journey, "Nope")


def test_sentiment_from_rating_or_lexicon() -> None:
    def hit(snippet: str, **meta: object) -> Hit:
        return Hit("doc:x:0", "f", snippet, 0.5, "document", dict(meta))

    assert sentiment(hit("whatever", rating=1)) == -2
    assert sentiment(hit("whatever", stars=4)) == 1
    assert sentiment(hit("whatever", score=9)) == 2
    assert sentiment(hit("The setup was slow and confusing")) == -2
    assert sentiment(hit("Ottimo servizio, facile da usare")) == 2
    assert sentiment(hit("We met on Tuesday")) == 0


def test_cli_ingest_search_and_evidence(
    settings: Settings, journey: JourneyMap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two cards instead of the shipped folder keep the index build short; the shipped
    # cards are searched in tests/test_retrieval.py.
    cards = tmp_path / "cards"
    cards.mkdir()
    for card_id, body in {
        "touchpoints": "A touchpoint is where the customer meets the brand.",
        "pain-points": "Pain points are the customer's frustrations.",
    }.items():
        (cards / f"{card_id}.md").write_text(
            f"---\nid: {card_id}\ntitle: {card_id}\nlanguage: en\n---\n{body}\n"
        )
    monkeypatch.setattr("assistant.resources.knowledge_dir", lambda: cards)
    runner = CliRunner()
    home = str(settings.home)
    nowhere = runner.invoke(
        app, ["ingest", str(FIXTURES / "reviews.csv"), "--map", "acme", "--home", home]
    )
    assert nowhere.exit_code == 1 and "No map named 'acme'" in nowhere.output
    store = Store(settings.db_path)
    store.create("acme")
    before = store.load("acme")
    store.save_change(
        before, journey.model_copy(update={"id": before.id}), "test", {}, "user", "stages"
    )
    bad = runner.invoke(
        app,
        [
            "ingest",
            str(FIXTURES / "reviews.csv"),
            str(FIXTURES / "locked.pdf"),
            "--map",
            "acme",
            "--home",
            home,
        ],
    )
    assert bad.exit_code == 1, bad.output
    assert "locked.pdf: encrypted PDF" in bad.output and "5 chunks added" in bad.output
    good = runner.invoke(
        app, ["ingest", str(FIXTURES / "reviews.csv"), "--map", "acme", "--home", home]
    )
    assert good.exit_code == 0 and "already ingested" in good.output

    found = runner.invoke(
        app, ["search", "what is a touchpoint?", "-k", "2", "--json", "--home", home]
    )
    assert found.exit_code == 0, found.output
    hits = json.loads(found.output)
    assert hits[0]["id"] == "card:touchpoints" and hits[0]["citation"] == "[card:touchpoints]"
    empty = runner.invoke(app, ["search", "  ", "--home", home])
    assert empty.exit_code == 2 and "empty" in empty.output

    shown = runner.invoke(app, ["evidence", "acme", "--stage", "Get started", "--home", home])
    assert shown.exit_code == 0, shown.output
    assert "pain_points" in shown.output and "[doc:" in shown.output
    missing = runner.invoke(app, ["evidence", "nope", "--home", home])
    assert missing.exit_code == 1
