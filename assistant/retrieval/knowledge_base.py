"""The KnowledgeBase: curated cards and a team's research, searchable with citations."""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from assistant.retrieval.cards import Card, card_passages, load_cards, shipped_cards
from assistant.retrieval.lexical import LexicalIndex, reciprocal_rank_fusion, top_two_sum
from assistant.settings import Settings

log = logging.getLogger(__name__)

METHODS = ("hybrid", "dense", "bm25")
INDEX_VERSION = "1"  # bump when passage splitting changes, so every card is re-embedded
SNIPPET_CHARS = 300
CANDIDATES = 40  # passages each ranker contributes before fusion


_INDEX_LOCKS: dict[str, threading.Lock] = {}
_INDEX_LOCKS_GUARD = threading.Lock()


def _language_filter(languages: frozenset[str] | None) -> dict[str, Any] | None:
    if not languages:
        return None
    if len(languages) == 1:
        return {"language": next(iter(languages))}
    return {"language": {"$in": sorted(languages)}}


def _index_lock(key: str) -> threading.Lock:
    with _INDEX_LOCKS_GUARD:
        return _INDEX_LOCKS.setdefault(key, threading.Lock())


@dataclass
class Hit:
    """One search result with its citation id."""

    id: str
    """Citation id: `card:<id>` or `doc:<key>:<chunk>`."""
    title: str
    """Card title, or the research file name."""
    snippet: str
    """The best matching passage, at most ~300 characters."""
    score: float
    """Relevance: cosine similarity (dense), BM25 score (bm25) or RRF score (hybrid)."""
    source: str
    """`knowledge` for a card, `document` for research."""
    metadata: dict[str, Any] = field(default_factory=dict)
    """file, page, row, rating, date, map for research; language, stages, fields for cards."""

    def cite(self) -> str:
        """The citation as shown to users and the model, e.g. `[card:touchpoints]`."""
        return f"[{self.id}]"


@dataclass
class IndexReport:
    """What `ensure_index` did; `embedded` is 0 when the index was already current."""

    embedded: int = 0
    removed: int = 0
    unchanged: int = 0

    @property
    def rebuilt(self) -> bool:
        """True when any card was (re-)embedded or removed."""
        return bool(self.embedded or self.removed)


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """Whitespace-collapsed text cut at a word boundary to about `limit` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


class KnowledgeBase:
    """Cards from `knowledge/` and ingested research, in Chroma, searchable with citations.

    Construction is cheap: Chroma opens and the model loads on first use.
    """

    def __init__(
        self, settings: Settings, cards_dir: Path | None = None, method: str | None = None
    ) -> None:
        self.settings = settings
        self.method = method or settings.retrieval
        if self.method not in METHODS:
            raise ValueError(f"Unknown retrieval method '{self.method}': use {', '.join(METHODS)}.")
        self._cards_dir = cards_dir
        self._indexed = False
        self._collections: dict[str, Any] = {}
        self.research_lexical_cache: dict[str | None, tuple[int, LexicalIndex, dict]] = {}
        self._lexical_cache: dict[frozenset[str] | None, LexicalIndex] = {}

    # -- cards -------------------------------------------------------------------------------

    @cached_property
    def cards_dir(self) -> Path:
        """Folder the cards are read from."""
        if self._cards_dir is not None:
            return self._cards_dir
        from assistant.resources import knowledge_dir

        return knowledge_dir()

    @cached_property
    def _cards(self) -> dict[str, Card]:
        cards = shipped_cards() if self._cards_dir is None else load_cards(self.cards_dir)
        return {card.id: card for card in cards}

    def cards(self) -> list[Card]:
        """Every card, sorted by id."""
        return list(self._cards.values())

    def card(self, card_id: str) -> Card:
        """A card by id (a `card:` prefix is accepted); KeyError if unknown."""
        key = card_id.removeprefix("card:")
        if key not in self._cards:
            raise KeyError(f"No knowledge card '{key}'.")
        return self._cards[key]

    def cards_for_format(self, fmt: str) -> list[Card]:
        """Cards describing a content format (front matter `format`), e.g. `webinar`."""
        return [c for c in self._cards.values() if c.format == fmt]

    def formats_for_stage(self, stage: str) -> list[Card]:
        """Content-format cards whose `fits_stages` include `stage` (case-insensitive)."""
        wanted = stage.casefold()
        return [
            c
            for c in self._cards.values()
            if c.format and wanted in (s.casefold() for s in c.fits_stages)
        ]

    @cached_property
    def _passages(self) -> dict[str, tuple[Card, str]]:
        return {
            f"{card.id}#{n}": (card, text)
            for card in self._cards.values()
            for n, text in enumerate(card_passages(card))
        }

    @cached_property
    def _card_lexical(self) -> LexicalIndex:
        return self._lexical_for(None)

    def _lexical_for(self, languages: frozenset[str] | None) -> LexicalIndex:
        """BM25 over the cards in `languages` (all when None), built once per set. Its own
        IDF matters: Polish and Italian cards in the corpus shift English term weights."""
        cached = self._lexical_cache.get(languages)
        if cached is None:
            # Topics and title join each passage's keywords: they are the card author's own
            # summary of what it is about (measured: +3 points English MRR for hybrid).
            ids = [
                pid
                for pid, (card, _) in self._passages.items()
                if languages is None or card.language in languages
            ]
            cached = LexicalIndex(
                ids,
                [
                    f"{text} {card.title} {' '.join(card.topics).replace('-', ' ')}"
                    for card, text in (self._passages[i] for i in ids)
                ],
            )
            self._lexical_cache[languages] = cached
        return cached

    # -- Chroma ------------------------------------------------------------------------------

    @cached_property
    def client(self) -> Any:
        """The Chroma client (embedded or HTTP), opened on first use."""
        from assistant.retrieval.vectorstore import make_client

        return make_client(self.settings)

    def collection(self, kind: str) -> Any:
        """The Chroma collection for `knowledge` or `research` (opened once per instance)."""
        if kind not in self._collections:
            from assistant.retrieval.vectorstore import open_collection

            self._collections[kind] = open_collection(self.client, self.settings, kind)
        return self._collections[kind]

    def _digest(self) -> str:
        joined = "|".join(f"{c.id}:{c.content_hash}" for c in self._cards.values())
        return hashlib.sha256(f"{INDEX_VERSION}|{joined}".encode()).hexdigest()[:16]

    def ensure_index(self, progress: bool = False) -> IndexReport:
        """Embed cards that are new or changed since the last build; a no-op when current.

        The digest of all card hashes sits in the collection metadata, so the usual start
        costs one metadata read. Only changed cards are re-embedded. A process-wide lock per
        index makes a second caller (e.g. a search while the start-up warm-up builds) wait for
        the first build and then find the index current, instead of embedding twice.
        """
        with _index_lock(self.settings.chroma_url or str(self.settings.chroma_path.resolve())):
            self._collections.pop("knowledge", None)  # re-read: another thread may have built it
            return self._ensure_index(progress)

    def _ensure_index(self, progress: bool) -> IndexReport:
        collection = self.collection("knowledge")
        digest = self._digest()
        if (collection.metadata or {}).get("cards_digest") == digest:
            self._indexed = True
            return IndexReport(unchanged=len(self._cards))
        stored = collection.get(include=["metadatas"])
        stored_hash = {m["card_id"]: m["card_hash"] for m in stored["metadatas"] or []}
        stale = [c for c in self._cards.values() if stored_hash.get(c.id) != c.content_hash]
        gone = [cid for cid in stored_hash if cid not in self._cards]
        for cid in [*gone, *(c.id for c in stale if c.id in stored_hash)]:
            collection.delete(where={"card_id": cid})
        log.info("Indexing %d knowledge cards (%d removed)", len(stale), len(gone))
        self._embed_cards(collection, stale, progress)
        collection.modify(metadata={"cards_digest": digest})
        self._indexed = True
        return IndexReport(
            embedded=len(stale), removed=len(gone), unchanged=len(self._cards) - len(stale)
        )

    def _embed_cards(self, collection: Any, cards: list[Card], progress: bool) -> None:
        from rich.progress import Progress

        with Progress(transient=True, disable=not progress) as bar:
            task = bar.add_task("Indexing knowledge cards", total=len(cards))
            for card in cards:
                texts = card_passages(card)
                collection.upsert(
                    ids=[f"{card.id}#{n}" for n in range(len(texts))],
                    documents=texts,
                    metadatas=[
                        {
                            "card_id": card.id,
                            "card_hash": card.content_hash,
                            "language": card.language,
                        }
                        for _ in texts
                    ],
                )
                bar.advance(task)

    # -- search ------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int = 5,
        language: str | None = None,
        kind: str = "knowledge",
        map_name: str | None = None,
        method: str | None = None,
        prefer_language: str | None = None,
    ) -> list[Hit]:
        """The k best hits for `query`, cards (`kind="knowledge"`) or research (`"document"`).

        `language` keeps only cards in that language; `prefer_language` (the user's language)
        keeps cards in that language and in English, the reference set every language can
        fall back to. `map_name` keeps only research ingested for that map. `method` overrides
        the configured retrieval method.
        """
        if not query.strip():
            raise ValueError("The search query is empty.")
        if k < 1:
            raise ValueError("k must be at least 1.")
        method = method or self.method
        if method not in METHODS:
            raise ValueError(f"Unknown retrieval method '{method}': use {', '.join(METHODS)}.")
        if kind == "knowledge":
            if language:
                langs: frozenset[str] | None = frozenset({language})
            elif prefer_language:
                langs = frozenset({prefer_language, "en"})
            else:
                langs = None
            return self._search_cards(query, k, langs, method)
        if kind == "document":
            from assistant.retrieval.research import search_research

            return search_research(self, query, k, map_name, method)
        raise ValueError(f"Unknown kind '{kind}': use 'knowledge' or 'document'.")

    def _search_cards(
        self, query: str, k: int, languages: frozenset[str] | None, method: str
    ) -> list[Hit]:
        dense = self._dense_passages(query, languages) if method != "bm25" else []
        lexical = (
            self._lexical_for(languages).search(query, CANDIDATES) if method != "dense" else []
        )
        if method == "dense":
            scores = dict(dense)
        elif method == "bm25":
            scores = dict(lexical)
        else:
            scores = reciprocal_rank_fusion([[p for p, _ in dense], [p for p, _ in lexical]])
        return self._best_per_card(scores, k)

    def _dense_passages(
        self, query: str, languages: frozenset[str] | None
    ) -> list[tuple[str, float]]:
        if not self._indexed:
            self.ensure_index()
        collection = self.collection("knowledge")
        result = collection.query(
            query_texts=[query],
            n_results=min(CANDIDATES, max(1, collection.count())),
            where=_language_filter(languages),
            include=["distances"],
        )
        ids, distances = result["ids"][0], (result["distances"] or [[]])[0]
        # Cosine distance -> similarity; ids of cards removed since the build are skipped.
        return [
            (pid, 1.0 - d) for pid, d in zip(ids, distances, strict=True) if pid in self._passages
        ]

    def _best_per_card(self, passage_scores: dict[str, float], k: int) -> list[Hit]:
        group = {pid: self._passages[pid][0].id for pid in passage_scores}
        card_scores = top_two_sum(passage_scores, group)
        best_passage: dict[str, tuple[float, str]] = {}
        for pid, score in passage_scores.items():
            card_id = group[pid]
            if card_id not in best_passage or score > best_passage[card_id][0]:
                best_passage[card_id] = (score, self._passages[pid][1])
        ranked = sorted(card_scores.items(), key=lambda item: item[1], reverse=True)[:k]
        hits = []
        for card_id, score in ranked:
            card = self._cards[card_id]
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

    # -- research documents ------------------------------------------------------------------

    def existing_ids(self, ids: list[str]) -> set[str]:
        """Which of these research chunk ids are already stored (for idempotent ingest)."""
        from assistant.retrieval import research

        return research.existing_ids(self, ids)

    def add_chunks(
        self,
        ids: list[str],
        texts: list[str],
        metadatas: list[dict[str, Any]],
        map_name: str | None = None,
    ) -> int:
        """Store research chunks, all or none; they belong to `map_name` if given."""
        from assistant.retrieval import research

        return research.add_chunks(self, ids, texts, metadatas, map_name)

    def research_count(self, map_name: str | None = None) -> int:
        """Number of research chunks stored, for one map or in total."""
        from assistant.retrieval import research

        return research.research_count(self, map_name)
