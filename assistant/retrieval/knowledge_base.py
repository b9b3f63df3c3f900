"""The KnowledgeBase: the card catalog, the shared card index and a workspace's research,
behind one search with citations.

Three parts, each with one job: `CardCatalog` (cards.py) parses the cards once; `CardIndex`
(card_index.py) holds their vectors and keyword indexes in a cache shared by every
workspace; `ResearchStore` (research.py) keeps the workspace's research per map id. The
hybrid ranking of both lives in ranker.py.
"""

from __future__ import annotations

import threading
from functools import cached_property
from pathlib import Path
from typing import Any

from assistant.retrieval import ranker
from assistant.retrieval.card_index import CardIndex
from assistant.retrieval.cards import Card, CardCatalog, shipped_catalog
from assistant.retrieval.hits import Hit, IndexReport, snippet
from assistant.retrieval.research import ResearchStore
from assistant.settings import Settings

METHODS = ranker.METHODS
CANDIDATES = ranker.CANDIDATES

__all__ = ["METHODS", "Hit", "IndexReport", "KnowledgeBase", "snippet", "warm_up"]


class KnowledgeBase:
    """Cards and a workspace's research, searchable with citations.

    Construction is cheap: the index loads, and Chroma opens, on first use.
    """

    def __init__(
        self, settings: Settings, cards_dir: Path | None = None, method: str | None = None
    ) -> None:
        self.settings = settings
        self.method = ranker.check_method(method or settings.retrieval)
        self._cards_dir = cards_dir
        self.research = ResearchStore(settings)

    # -- cards -------------------------------------------------------------------------------

    @cached_property
    def catalog(self) -> CardCatalog:
        """The card catalog: the shipped one, or the cards of `cards_dir`."""
        if self._cards_dir is None:
            return shipped_catalog()
        return CardCatalog.from_folder(self._cards_dir)

    @cached_property
    def index(self) -> CardIndex:
        """The card index shared by every workspace of this process (and cached on disk)."""
        return CardIndex.shared(self.settings, self.catalog)

    def cards(self) -> list[Card]:
        """Every card, sorted by id."""
        return list(self.catalog.cards)

    def card(self, card_id: str) -> Card:
        """A card by id (a `card:` prefix is accepted); KeyError if unknown."""
        return self.catalog.card(card_id)

    def cards_for_format(self, fmt: str) -> list[Card]:
        """Cards describing a content format (front matter `format`), e.g. `webinar`."""
        return self.catalog.for_format(fmt)

    def formats_for_stage(self, stage: str) -> list[Card]:
        """Content-format cards whose `fits_stages` include `stage` (case-insensitive)."""
        return self.catalog.formats_for_stage(stage)

    def ensure_index(self, progress: bool = False) -> IndexReport:
        """Embed the cards unless this card set's index is cached; a no-op when current.

        Only cards that changed since an earlier index of the same model are embedded again.
        """
        return self.index.ensure(progress)

    # -- search ------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int = 5,
        language: str | None = None,
        kind: str = "knowledge",
        map_id: str | None = None,
        method: str | None = None,
        prefer_language: str | None = None,
    ) -> list[Hit]:
        """The k best hits for `query`, cards (`kind="knowledge"`) or research (`"document"`).

        `language` keeps only cards in that language; `prefer_language` (the user's language)
        keeps cards in that language and in English, the reference set every language can
        fall back to. `map_id` keeps only research filed under that map. `method` overrides
        the configured retrieval method.
        """
        if not query.strip():
            raise ValueError("The search query is empty.")
        if k < 1:
            raise ValueError("k must be at least 1.")
        method = ranker.check_method(method or self.method)
        if kind == "knowledge":
            if language:
                langs: frozenset[str] | None = frozenset({language})
            elif prefer_language:
                langs = frozenset({prefer_language, "en"})
            else:
                langs = None
            return self._search_cards(query, k, langs, language or prefer_language, method)
        if kind == "document":
            return self.research.search(query, k, map_id, method)
        raise ValueError(f"Unknown kind '{kind}': use 'knowledge' or 'document'.")

    def _search_cards(
        self,
        query: str,
        k: int,
        languages: frozenset[str] | None,
        query_language: str | None,
        method: str,
    ) -> list[Hit]:
        lexical = self.index.lexical(languages)
        scores = ranker.rank(
            method,
            query_language,
            lambda: lexical.search(query, CANDIDATES, query_language),
            lambda: lexical.search_ngrams(query, CANDIDATES, query_language),
            lambda: self.index.dense(query, lexical.ids, CANDIDATES),
        )
        return self._best_per_card(scores, k)

    def _best_per_card(self, passage_scores: dict[str, float], k: int) -> list[Hit]:
        passages = self.catalog.passages
        group = {pid: passages[pid][0].id for pid in passage_scores}
        card_scores = ranker.top_two_sum(passage_scores, group)
        best_passage: dict[str, tuple[float, str]] = {}
        for pid, score in passage_scores.items():
            card_id = group[pid]
            if card_id not in best_passage or score > best_passage[card_id][0]:
                best_passage[card_id] = (score, passages[pid][1])
        ranked = sorted(card_scores.items(), key=lambda item: item[1], reverse=True)[:k]
        hits = []
        for card_id, score in ranked:
            card = self.catalog.by_id[card_id]
            text = best_passage[card_id][1]
            hits.append(
                Hit(
                    id=card.citation,
                    title=card.title,
                    snippet=snippet(text.removeprefix(f"{card.title}. ")),
                    score=round(score, 4),
                    source="knowledge",
                    metadata={
                        "language": card.language,
                        "stages": list(card.stages),
                        "fields": list(card.fields),
                        "format": card.format,
                    },
                )
            )
        return hits

    # -- research documents (see ResearchStore) ---------------------------------------------

    @property
    def client(self) -> Any:
        """The workspace's Chroma client (research lives there)."""
        return self.research.client

    def collection(self, kind: str = "research") -> Any:
        """The research collection (cards are not in Chroma: see CardIndex)."""
        if kind != "research":
            raise ValueError("Only research is stored in Chroma; cards live in the card index.")
        return self.research.collection

    def existing_ids(self, ids: list[str]) -> set[str]:
        """Which of these research chunk ids are already stored (for idempotent ingest)."""
        return self.research.existing_ids(ids)

    def add_chunks(
        self,
        ids: list[str],
        texts: list[str],
        metadatas: list[dict[str, Any]],
        map_id: str | None = None,
    ) -> int:
        """Store research chunks, all or none; they belong to the map `map_id` if given."""
        return self.research.add_chunks(ids, texts, metadatas, map_id)

    def research_count(self, map_id: str | None = None) -> int:
        """Number of research chunks stored, for one map (by id) or in total."""
        return self.research.count(map_id)


def warm_up(settings: Settings, language: str | None = None) -> threading.Thread:
    """Load the card index in a background thread (the one warm-up of the CLI and the web
    app), so the first "what is a touchpoint?" does not wait for it. A no-op when current.

    Not a daemon: tearing down onnxruntime while it embeds aborts the process, so the
    interpreter waits for it at exit (at most the first exit after a card change waits).
    """

    def work() -> None:
        try:
            kb = KnowledgeBase(settings)
            languages = frozenset({language, "en"}) if language else None
            kb.index.lexical(languages)
            if ranker.needs_dense(kb.method, language):
                kb.ensure_index()
                kb.index.embedder(["warm up"])  # load the model, not just the vectors
        except Exception:  # noqa: BLE001 - a search builds it again or says what is wrong
            return

    thread = threading.Thread(target=work, daemon=False, name="journey-card-index")
    thread.start()
    return thread
