"""The shared card index, the keyword analysis (typos, jargon, lemmas) and research per map id."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.ingest import ingest_paths
from assistant.retrieval import KnowledgeBase, ranker, warm_up
from assistant.retrieval.card_index import CardIndex
from assistant.retrieval.lexical import Analyzer, LexicalIndex, expand_jargon
from assistant.settings import Settings
from assistant.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "research"


def write_card(folder: Path, card_id: str, body: str, lang: str = "en") -> None:
    (folder / f"{card_id}.md").write_text(
        f"---\nid: {card_id}\ntitle: {card_id.replace('-', ' ')}\nlanguage: {lang}\n---\n{body}\n",
        encoding="utf-8",
    )


@pytest.fixture
def cards(tmp_path: Path) -> Path:
    folder = tmp_path / "cards"
    folder.mkdir()
    write_card(folder, "touchpoints", "A touchpoint is where the customer meets the brand.")
    write_card(folder, "pain-points", "Pain points are the customer's frustrations.")
    return folder


def settings_for(home: Path, cache: Path) -> Settings:
    return Settings().model_copy(
        update={"home": home, "cache_dir": cache, "chroma_url": None, "embeddings": "minilm"}
    )


def test_card_index_is_built_once_and_shared_by_every_workspace(
    tmp_path: Path, cards: Path
) -> None:
    cache = tmp_path / "cache"
    first = KnowledgeBase(settings_for(tmp_path / "one", cache), cards_dir=cards)
    assert first.ensure_index().embedded == 2
    second = KnowledgeBase(settings_for(tmp_path / "two", cache), cards_dir=cards)
    assert second.ensure_index().embedded == 0
    assert second.search("where do customers meet the brand?", k=1)[0].id == "card:touchpoints"
    assert [p.name for p in (cache / "card-index").glob("*.npz")] == [first.index.vectors_path.name]
    for home in ("one", "two"):  # nothing about the cards is written into a workspace
        assert not (tmp_path / home).exists() or not any((tmp_path / home).iterdir())


def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path, cards: Path) -> None:
    cache = tmp_path / "cache"
    kb = KnowledgeBase(settings_for(tmp_path / "one", cache), cards_dir=cards)
    kb.ensure_index()
    kb.index.vectors_path.write_bytes(b"not an npz file")
    # A new process (a fresh CardIndex, not the shared one) finds the file damaged: it
    # embeds again and writes a good file, which the next process loads.
    assert CardIndex(kb.settings, kb.catalog).ensure().embedded == 2
    assert CardIndex(kb.settings, kb.catalog).ensure().embedded == 0


def test_typos_are_repaired_against_the_indexed_words() -> None:
    index = LexicalIndex(
        ["a", "b"],
        ["Every touchpoint where the customer meets the brand", "Pain points and frustrations"],
    )
    assert index.query_terms("costumer touchpont", "en") == ["customer", "touchpoint"]
    assert index.search("costumer touchpont", 2)[0][0] == "a"
    # Short words and words within reach of nothing are kept as typed.
    assert index.query_terms("cat zebrafish", "en") == ["cat", "zebrafish"]


def test_jargon_is_spelled_out_in_the_query_language() -> None:
    assert "jobs to be done" in expand_jargon("JTBD per stage", "en")
    polish = expand_jargon("co to jest CJM", "pl")
    assert "customer journey map" in polish and "mapa podróży klienta" in polish
    assert expand_jargon("no jargon here", "it") == "no jargon here"
    index = LexicalIndex(["goals", "stages"], ["Customer goals at each stage", "Stages"])
    assert index.search("JTBD", 1)[0][0] == "goals"


def test_character_ngrams_match_words_without_diacritics() -> None:
    index = LexicalIndex(
        ["styk", "emocje"], ["Punkty styku i ich właściciele", "Emocje klienta na etapach"]
    )
    assert index.search_ngrams("wlasciciele punktow", 1)[0][0] == "styk"


def test_polish_and_italian_inflections_meet_at_the_lemma(tmp_path: Path) -> None:
    kb = KnowledgeBase(Settings().model_copy(update={"home": tmp_path / "home"}))
    analyzer = Analyzer({lang: kb.index.lemma_table(lang) for lang in ("pl", "it")})
    # Inflected and accent-free forms reach the same index term as the cards' own words.
    assert analyzer.terms("emocjami", "pl") == analyzer.terms("emocje", "pl")
    assert analyzer.terms("punktami styku", "pl") == analyzer.terms("punkty styku", "pl")
    assert analyzer.terms("obiettivo", "it") == analyzer.terms("obiettivi", "it")
    hits = kb.search("emocjami klientow", k=3, prefer_language="pl")
    assert "card:emocje-i-problemy-pl" in [h.id for h in hits]


def test_dense_ranking_is_used_only_where_it_is_trusted(
    tmp_path: Path, cards: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = KnowledgeBase(settings_for(tmp_path / "home", tmp_path / "cache"), cards_dir=cards)
    calls: list[str] = []
    real = kb.index.dense

    def counting(query: str, allowed: list[str], k: int) -> list[tuple[str, float]]:
        calls.append(query)
        return real(query, allowed, k)

    monkeypatch.setattr(kb.index, "dense", counting)
    kb.search("touchpoint", prefer_language="pl")
    assert calls == [] and not ranker.needs_dense("hybrid", "pl")
    kb.search("touchpoint", prefer_language="en")
    assert calls == ["touchpoint"] and ranker.needs_dense("hybrid", "en")
    kb.search("touchpoint", prefer_language="pl", method="dense")
    assert len(calls) == 2


def test_research_follows_the_map_id_through_rename_and_delete(home: Path) -> None:
    settings = Settings(home=home)
    store = Store(settings.db_path)
    acme = store.create("acme")
    kb = KnowledgeBase(settings)
    report = ingest_paths(kb, [FIXTURES / "reviews.csv"], map_id=acme.id)
    assert report.ok and kb.research_count(acme.id) == report.added > 0
    runner = CliRunner()

    renamed = runner.invoke(app, ["maps", "rename", "acme", "globex", "--home", str(home)])
    assert renamed.exit_code == 0, renamed.output
    assert kb.research_count(acme.id) == report.added  # rename keeps the research
    found = runner.invoke(
        app, ["search", "import drivers", "--research", "--map", "globex", "--home", str(home)]
    )
    assert found.exit_code == 0 and "doc:" in found.output, found.output

    deleted = runner.invoke(app, ["maps", "delete", "globex", "--yes", "--home", str(home)])
    assert deleted.exit_code == 0, deleted.output
    assert KnowledgeBase(settings).research_count(acme.id) == 0  # delete removes it

    again = store.create("globex")  # a new map with the old name inherits nothing
    assert again.id != acme.id and KnowledgeBase(settings).research_count(again.id) == 0
    empty = runner.invoke(
        app, ["search", "import drivers", "--research", "--map", "globex", "--home", str(home)]
    )
    assert empty.exit_code == 0 and "No results" in empty.output, empty.output


def test_web_delete_removes_the_maps_research(home: Path) -> None:
    from assistant.session import open_session
    from assistant.web.handlers import Handlers

    settings = Settings(home=home)
    session = open_session(map="acme", home=home, model="guided")
    acme = session.map.id
    ingest_paths(session.context.knowledge, [FIXTURES / "reviews.csv"], map_id=acme)
    other = Store(settings.db_path).create("other")
    ingest_paths(KnowledgeBase(settings), [FIXTURES / "reviews.csv"], map_id=other.id)
    Handlers(settings).delete(session, True)
    kb = KnowledgeBase(settings)
    assert kb.research_count(acme) == 0
    assert kb.research_count(other.id) > 0  # another map's research stays


def test_one_warm_up_loads_the_index_in_a_non_daemon_thread(tmp_path: Path) -> None:
    # The session's shared cache (conftest): the shipped cards are embedded at most once.
    settings = settings_for(tmp_path / "home", Path(str(Settings().cache_dir)))
    thread = warm_up(settings, "en")
    # Not a daemon: the interpreter waits for it rather than tearing down onnxruntime mid-run.
    assert thread.daemon is False
    thread.join(timeout=600)
    kb = KnowledgeBase(settings)
    assert kb.index.vectors_path.is_file()  # the shipped cards, embedded by the warm-up
    assert not (tmp_path / "home").exists()  # and nothing written into the workspace
