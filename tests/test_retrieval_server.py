"""Server mode: the KnowledgeBase against a real `chroma run` process on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.retrieval import KnowledgeBase
from assistant.settings import Settings

pytestmark = pytest.mark.server

CARD = """---
id: {id}
title: {title}
topics: [test]
stages: [all]
language: en
fields: []
format: null
fits_stages: []
---
{body}
"""


def test_knowledge_base_over_a_chroma_server(tmp_path: Path, chroma_url: str) -> None:
    cards = tmp_path / "cards"
    cards.mkdir()
    for card_id, body in {
        "touchpoints": "A touchpoint is where the customer meets the brand: website, sales call.",
        "pain-points": "Pain points are frustrations: slow delivery, hidden fees.",
    }.items():
        (cards / f"{card_id}.md").write_text(CARD.format(id=card_id, title=card_id, body=body))
    settings = Settings().model_copy(
        update={
            "home": tmp_path / "home",
            "chroma_url": chroma_url,
            "embeddings": "minilm",
            # A cache of its own: the session's shared card-index cache may already hold these.
            "cache_dir": tmp_path / "cache",
        }
    )
    first = KnowledgeBase(settings, cards_dir=cards)
    first_report = first.ensure_index()  # the test card cache may hold them already
    assert first_report.embedded + first_report.unchanged == 2
    assert first.search("where does the customer meet us", k=1)[0].id == "card:touchpoints"

    # A second client reuses the card index of the shared cache: nothing is embedded again.
    second = KnowledgeBase(settings, cards_dir=cards)
    assert second.ensure_index().embedded == 0
    assert (
        second.search("hidden fees annoy buyers", k=1, method="dense")[0].id == "card:pain-points"
    )
    assert not (tmp_path / "home" / "chroma").exists(), "server mode must not write a local index"

    chunk_id = "doc:abc123:0"
    assert (
        second.add_chunks(
            [chunk_id],
            ["Onboarding took two weeks, awful."],
            [{"file": "r.csv"}],
            map_id="map-acme",
        )
        == 1
    )
    assert second.existing_ids([chunk_id, "doc:zzz:0"]) == {chunk_id}
    hits = second.search("slow onboarding", kind="document", map_id="map-acme")
    assert [h.id for h in hits] == [chunk_id]


def _workspace(
    tmp_path: Path, name: str, chroma_url: str, database: Path | None = None
) -> Settings:
    home = tmp_path / name
    home.mkdir(exist_ok=True)
    update = {"home": home, "chroma_url": chroma_url, "embeddings": "minilm"}
    if database is not None:
        update["database_url"] = f"sqlite:///{database}"
    return Settings().model_copy(update=update)


def test_each_workspace_has_its_own_research_collection_on_a_shared_server(
    tmp_path: Path, chroma_url: str
) -> None:
    from assistant.retrieval.vectorstore import collection_name
    from assistant.session import open_session

    team_a = _workspace(tmp_path, "team-a", chroma_url)
    team_b = _workspace(tmp_path, "team-b", chroma_url)
    # Both teams name their map alike; the map ids differ, as they always do.
    map_a = open_session(map="launch", settings=team_a, home=team_a.home).map_id
    map_b = open_session(map="launch", settings=team_b, home=team_b.home).map_id
    kb_a, kb_b = KnowledgeBase(team_a), KnowledgeBase(team_b)
    kb_a.add_chunks(
        ["doc:aaa:0"], ["Interviews: onboarding took two weeks, awful."], [{"file": "a.csv"}], map_a
    )

    names = {kb_a.collection().name, kb_b.collection().name}
    assert len(names) == 2 and collection_name(team_a, "research") not in names
    assert [h.id for h in kb_a.search("slow onboarding", kind="document", map_id=map_a)] == [
        "doc:aaa:0"
    ]
    # Team B finds nothing of team A's, by its own map or across its whole workspace.
    assert kb_b.search("slow onboarding", kind="document", map_id=map_b) == []
    assert kb_b.search("slow onboarding", kind="document") == []
    assert kb_b.research_count() == 0 and kb_a.research_count() == 1
    # Even asked for team A's map id, team B's collection does not hold it.
    assert kb_b.search("onboarding", kind="document", map_id=map_a) == []
    assert kb_b.existing_ids(["doc:aaa:0"]) == set()

    # A second app process of team A (another home, the same database) shares its research.
    replica = _workspace(tmp_path, "team-a-replica", chroma_url, team_a.home / "journey.sqlite3")
    kb_replica = KnowledgeBase(replica)
    assert kb_replica.collection().name == kb_a.collection().name
    assert kb_replica.research_count(map_a) == 1

    # Dropping team B's collection (journey research rebuild) leaves team A's alone.
    kb_b.research.drop_collection()
    assert KnowledgeBase(team_a).research_count() == 1


def test_a_workspace_adopts_its_own_chunks_from_the_formerly_shared_collection(
    tmp_path: Path, chroma_url: str
) -> None:
    from assistant.retrieval.vectorstore import make_client, open_collection
    from assistant.session import open_session

    team_a = _workspace(tmp_path, "team-a", chroma_url)
    map_a = open_session(map="launch", settings=team_a, home=team_a.home).map_id
    # Research stored the old way: every workspace's chunks in one collection.
    shared = open_collection(make_client(team_a), team_a, "research")
    shared.upsert(
        ids=["doc:aaa:0", "doc:bbb:0"],
        documents=["Onboarding took two weeks.", "Another team's pricing interviews."],
        metadatas=[{"map": map_a, "doc": "aaa"}, {"map": "someone-elses-map", "doc": "bbb"}],
    )
    kb = KnowledgeBase(team_a)
    assert kb.research_count() == 1
    assert [h.id for h in kb.search("onboarding", kind="document", map_id=map_a)] == ["doc:aaa:0"]
    assert kb.search("pricing interviews", kind="document") != [] and all(
        h.metadata["map"] == map_a for h in kb.search("pricing interviews", kind="document")
    )
