"""Knowledge cards, the Chroma index and search, with the real embedded Chroma and MiniLM."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.resources import knowledge_dir
from assistant.retrieval import Card, CardError, Hit, KnowledgeBase
from assistant.retrieval.cards import card_passages, load_cards, parse_card
from assistant.retrieval.embeddings import MiniLMEmbedding, make_embedding_function
from assistant.settings import Settings

REPO = Path(__file__).resolve().parents[1]

CARD = """---
id: {id}
title: {title}
topics: [test]
stages: [all]
language: {lang}
fields: [touchpoints]
format: {fmt}
fits_stages: [{fits}]
---
{body}
"""


def make_settings(home: Path, **extra: object) -> Settings:
    """Settings pointing at a tmp workspace and a card-index cache of this test (beside the
    workspace, not in it), whatever the developer's environment says."""
    return Settings().model_copy(
        update={
            "home": home,
            "cache_dir": home.parent / "card-cache",
            "chroma_url": None,
            "embeddings": "minilm",
            "retrieval": "hybrid",
            **extra,
        }
    )


def write_card(
    folder: Path,
    card_id: str,
    body: str,
    title: str | None = None,
    lang: str = "en",
    fmt: str = "null",
    fits: str = "",
) -> Path:
    path = folder / f"{card_id}.md"
    path.write_text(
        CARD.format(
            id=card_id,
            title=title or card_id.replace("-", " "),
            lang=lang,
            fmt=fmt,
            fits=fits,
            body=body,
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def small_cards(tmp_path: Path) -> Path:
    folder = tmp_path / "cards"
    folder.mkdir()
    write_card(
        folder,
        "touchpoints",
        "A touchpoint is any place where the customer meets the "
        "brand: the website, a sales call, the checkout page, a support chat.",
    )
    write_card(
        folder,
        "pain-points",
        "Pain points are frustrations and obstacles: slow "
        "delivery, a confusing sign-up form, hidden fees.",
    )
    write_card(
        folder,
        "format-webinar",
        "A webinar teaches a topic live and collects leads.",
        fmt="webinar",
        fits="consideration, decision",
    )
    write_card(
        folder,
        "punti-di-contatto",
        "Un punto di contatto è ogni luogo in cui il cliente incontra il marchio.",
        lang="it",
    )
    return folder


@pytest.fixture(scope="module")
def shipped_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    # The session's shared card-index cache (conftest): the shipped cards are embedded once.
    settings = make_settings(tmp_path_factory.mktemp("home"))
    kb = KnowledgeBase(settings.model_copy(update={"cache_dir": Settings().cache_dir}))
    kb.ensure_index()
    return kb


def test_embedding_is_normalised_and_semantic() -> None:
    ef = MiniLMEmbedding()
    vectors = np.array(
        ef(
            [
                "How do I reset my password?",
                "I forgot my password and cannot log in",
                "The weather in Rome is sunny today",
                "",
            ]
        )
    )
    assert vectors.shape == (4, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    similar, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert similar > 0.6 > unrelated + 0.4


def test_batching_does_not_change_vectors() -> None:
    texts = ["short", "a somewhat longer sentence about customer journeys and touchpoints"] * 5
    one_by_one = np.array(MiniLMEmbedding(token_budget=1)(texts))
    batched = np.array(MiniLMEmbedding()(texts))
    assert np.allclose(one_by_one, batched, atol=1e-3)


def test_unknown_embeddings_setting_is_explained() -> None:
    with pytest.raises(ValueError, match="minilm"):
        make_embedding_function("bert")


def test_shipped_cards_load_with_front_matter() -> None:
    cards = load_cards(knowledge_dir())
    assert len(cards) >= 40
    ids = {c.id for c in cards}
    assert "touchpoints" in ids
    assert {c.language for c in cards} >= {"en"}
    assert all(c.title and c.body for c in cards)
    assert all(len(p) < 1200 for c in cards for p in card_passages(c))


def test_bad_card_is_named(tmp_path: Path) -> None:
    with pytest.raises(CardError, match="front matter"):
        parse_card("no front matter here", tmp_path / "x.md")
    with pytest.raises(CardError, match="lacks id"):
        parse_card("---\ntitle: T\n---\nbody", tmp_path / "x.md")


def test_card_lookup_and_formats(tmp_path: Path, small_cards: Path) -> None:
    kb = KnowledgeBase(make_settings(tmp_path / "home"), cards_dir=small_cards)
    assert isinstance(kb.card("card:touchpoints"), Card)
    assert kb.card("touchpoints").citation == "card:touchpoints"
    with pytest.raises(KeyError):
        kb.card("nope")
    assert [c.id for c in kb.cards_for_format("webinar")] == ["format-webinar"]
    assert [c.id for c in kb.formats_for_stage("Decision")] == ["format-webinar"]
    assert not (tmp_path / "home" / "chroma").exists(), "constructing must not open Chroma"


def test_index_builds_once_and_rebuilds_changed_cards(tmp_path: Path, small_cards: Path) -> None:
    settings = make_settings(tmp_path / "home")
    first = KnowledgeBase(settings, cards_dir=small_cards).ensure_index()
    assert (first.embedded, first.rebuilt) == (4, True)
    again = KnowledgeBase(settings, cards_dir=small_cards).ensure_index()
    assert (again.embedded, again.rebuilt, again.unchanged) == (0, False, 4)

    write_card(small_cards, "pain-points", "Pain points: waiting on hold for support.")
    (small_cards / "format-webinar.md").unlink()
    changed = KnowledgeBase(settings, cards_dir=small_cards)
    report = changed.ensure_index()
    assert (report.embedded, report.removed, report.unchanged) == (1, 1, 2)
    hits = changed.search("stuck waiting on hold", k=1, method="dense")
    assert hits[0].id == "card:pain-points" and "hold" in hits[0].snippet
    with np.load(changed.index.vectors_path) as data:
        assert {str(pid).split("#")[0] for pid in data["ids"]} == {
            "touchpoints",
            "pain-points",
            "punti-di-contatto",
        }
    assert not (tmp_path / "home" / "chroma").exists(), "cards are not stored in the workspace"


@pytest.mark.parametrize("method", ["hybrid", "dense", "bm25"])
def test_search_finds_the_right_card(shipped_kb: KnowledgeBase, method: str) -> None:
    expected = {
        "what is a touchpoint?": "card:touchpoints",
        "what counts as a pain point on the map?": "card:pain-points",
        "is a journey map the same thing as a sales funnel?": "card:map-vs-sales-funnel",
    }
    for query, card_id in expected.items():
        hits = shipped_kb.search(query, k=3, method=method)
        assert card_id in [h.id for h in hits], (method, query, hits)


def test_hit_shape_and_citation(shipped_kb: KnowledgeBase) -> None:
    hits = shipped_kb.search("what is a touchpoint?", k=2)
    assert len(hits) == 2 and all(isinstance(h, Hit) for h in hits)
    top = hits[0]
    assert top.cite() == f"[{top.id}]" and top.source == "knowledge"
    assert 0 < len(top.snippet) <= 301 and top.metadata["language"] == "en"
    assert hits[0].score >= hits[1].score


def test_language_filter(tmp_path: Path, small_cards: Path) -> None:
    kb = KnowledgeBase(make_settings(tmp_path / "home"), cards_dir=small_cards)
    hits = kb.search("punto di contatto cliente", k=3, language="it")
    assert [h.id for h in hits] == ["card:punti-di-contatto"]


def test_bad_queries_are_explained(tmp_path: Path, small_cards: Path) -> None:
    kb = KnowledgeBase(make_settings(tmp_path / "home"), cards_dir=small_cards)
    with pytest.raises(ValueError, match="empty"):
        kb.search("   ")
    with pytest.raises(ValueError, match="kind"):
        kb.search("x", kind="web")
    with pytest.raises(ValueError, match="method"):
        KnowledgeBase(make_settings(tmp_path), method="magic")


def run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_index_is_reused_by_a_new_process(tmp_path: Path, small_cards: Path) -> None:
    setup = (
        "from pathlib import Path; import json\n"
        "from assistant.retrieval import KnowledgeBase\n"
        "from assistant.settings import Settings\n"
        f"s = Settings().model_copy(update={{'home': Path({str(tmp_path / 'home')!r}),"
        f" 'cache_dir': Path({str(tmp_path / 'cache')!r}),"
        " 'chroma_url': None, 'embeddings': 'minilm'})\n"
        f"kb = KnowledgeBase(s, cards_dir=Path({str(small_cards)!r}))\n"
    )
    first = json.loads(run_python(setup + "print(json.dumps(kb.ensure_index().__dict__))"))
    second = json.loads(
        run_python(
            setup + "r = kb.ensure_index(); "
            "print(json.dumps([r.__dict__, kb.search('touchpoint')[0].id]))"
        )
    )
    assert first["embedded"] == 4
    assert second == [{"embedded": 0, "removed": 0, "unchanged": 4}, "card:touchpoints"]


def test_registered_embedding_function_survives_a_new_process(
    tmp_path: Path, small_cards: Path
) -> None:
    kb = KnowledgeBase(make_settings(tmp_path / "home"), cards_dir=small_cards)
    texts = [
        "A touchpoint is where the customer meets the brand.",
        "Delivery was slow.",
    ]
    kb.add_chunks(["doc:k:0", "doc:k:1"], texts, [{"file": "a.txt"}, {"file": "a.txt"}], "m1")
    # A bare chromadb client, no embedding function passed: Chroma rebuilds ours from the
    # collection's stored config because importing our module registered it.
    code = (
        "import chromadb, assistant.retrieval.embeddings\n"
        f"c = chromadb.PersistentClient({str(tmp_path / 'home' / 'chroma')!r})\n"
        "col = c.get_collection('journey-research-minilm')\n"
        "r = col.query(query_texts=['where the customer meets the brand'], n_results=1)\n"
        "ef = col.configuration['embedding_function']\n"
        "print(type(ef).__name__, r['ids'][0][0])"
    )
    assert run_python(code) == "MiniLMEmbedding doc:k:0"


def test_cards_dir_copy_is_independent(tmp_path: Path) -> None:
    # The shipped folder is read in place; a copy under tmp behaves the same (used by tests).
    copy = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), copy)
    kb = KnowledgeBase(make_settings(tmp_path / "home"), cards_dir=copy)
    assert len(kb.cards()) == len(load_cards(knowledge_dir()))


def test_concurrent_builds_embed_once(tmp_path: Path, small_cards: Path) -> None:
    """A search during the start-up warm-up waits for it instead of embedding twice."""
    import threading

    settings = make_settings(tmp_path / "home")
    reports: list = []
    threads = [
        threading.Thread(
            target=lambda: reports.append(
                KnowledgeBase(settings, cards_dir=small_cards).ensure_index()
            )
        )
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cards = len(list(small_cards.glob("*.md")))
    assert sum(r.embedded for r in reports) == cards
    assert sorted(r.unchanged for r in reports) == [0, cards, cards]
