"""A workspace's research documents in Chroma, filed under the id of the map they belong to.

The map id (not its name) is the key: renaming a map keeps its research, deleting a map
deletes it (`delete_map`), and a new map that takes an old name starts with none.

One collection per workspace: embedded, Chroma lives in the workspace's own folder; on a
Chroma server (JOURNEY_CHROMA_URL), shared by several workspaces (teams on their own
databases), the collection's name carries the workspace's id (kept in its database), so one
workspace's research is never in another's collection, let alone in its search results.
"""

from __future__ import annotations

import hashlib
import threading
from functools import cached_property
from typing import Any

from assistant.db.workspace import workspace_id
from assistant.retrieval import ranker
from assistant.retrieval.archive import forget_map
from assistant.retrieval.hits import Hit, snippet
from assistant.retrieval.lexical import LexicalIndex
from assistant.settings import Settings
from assistant.store import Store

CANDIDATES = 50

_adopted: set[tuple[str | None, str]] = set()
"""Server collections this process has already checked for research to adopt."""


def document_key(content: str, map_id: str | None) -> str:
    """Content-hash key of a document within a map.

    The map is part of the key, so the same file ingested for two maps belongs to both,
    while ingesting it again for the same map is recognised and skipped.
    """
    scope = map_id or ""
    return hashlib.sha256(f"{scope}\x00{content}".encode()).hexdigest()[:16]


def _where(map_id: str | None) -> dict[str, Any] | None:
    return {"map": map_id} if map_id else None


class ResearchStore:
    """Research chunks of one workspace: stored in Chroma (embedded or a server), searched by
    the hybrid ranker with an in-memory BM25 per map, rebuilt when the collection changes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lexical: dict[str | None, tuple[int, LexicalIndex, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    @cached_property
    def client(self) -> Any:
        """The Chroma client (embedded or HTTP), opened on first use."""
        from assistant.retrieval.vectorstore import make_client  # imports chromadb

        return make_client(self.settings)

    @cached_property
    def workspace(self) -> str | None:
        """The workspace id that names the research collection on a Chroma server (None when
        Chroma is embedded: that store belongs to this workspace alone)."""
        if not self.settings.chroma_url:
            return None

        return workspace_id(self.settings.database)

    @cached_property
    def collection(self) -> Any:
        """This workspace's research collection of the configured embedding model. On a
        server, a new one first adopts this workspace's chunks from the collection all
        workspaces shared before (where earlier versions kept all research)."""
        from assistant.retrieval.vectorstore import (  # imports chromadb
            adopt_shared_research,
            open_collection,
        )

        collection = open_collection(self.client, self.settings, "research", self.workspace)
        key = (self.settings.chroma_url, collection.name)
        if self.workspace is not None and key not in _adopted:  # once per process
            if not collection.count():
                adopt_shared_research(self.client, self.settings, collection, self._map_ids())
            _adopted.add(key)
        return collection

    def _map_ids(self) -> set[str]:
        store = Store(self.settings.database)
        try:
            return {journey.id for journey in store.list_maps()}
        finally:
            store.close()

    def existing_ids(self, ids: list[str]) -> set[str]:
        """Which of these chunk ids are already stored."""
        if not ids:
            return set()
        return set(self.collection.get(ids=ids, include=[])["ids"])

    def add_chunks(
        self,
        ids: list[str],
        texts: list[str],
        metadatas: list[dict[str, Any]],
        map_id: str | None = None,
    ) -> int:
        """Store chunks (`doc:<key>:<n>` ids) of one file in one all-or-nothing step."""
        from assistant.retrieval.vectorstore import add_all_or_nothing  # imports chromadb

        metas = [
            # Chroma metadata values must be str/int/float/bool: drop empty values.
            {
                **{k: v for k, v in meta.items() if v is not None and v != ""},
                "doc": pid.split(":")[1],
                "map": map_id or "",
            }
            for pid, meta in zip(ids, metadatas, strict=True)
        ]
        add_all_or_nothing(self.client, self.collection, ids, texts, metas)
        return len(ids)

    def count(self, map_id: str | None = None) -> int:
        """How many research chunks are stored (for one map, or in total)."""
        if map_id is None:
            return int(self.collection.count())
        return len(self.collection.get(where=_where(map_id), include=[])["ids"])

    def delete_map(self, map_id: str) -> int:
        """Delete every chunk filed under `map_id`; returns how many there were."""
        ids = self.collection.get(where=_where(map_id), include=[])["ids"]
        if ids:
            self.collection.delete(ids=ids)
        with self._lock:
            self._lexical.clear()
        return len(ids)

    def drop_collection(self) -> None:
        """Delete the whole research collection (`journey research rebuild` stores it again);
        the next use creates it empty."""
        self.client.delete_collection(self.collection.name)
        self.__dict__.pop("collection", None)  # the cached handle points at the dropped one
        with self._lock:
            self._lexical.clear()

    def _records(self, map_id: str | None) -> tuple[LexicalIndex, dict[str, Any]]:
        # BM25 lives in memory, rebuilt from Chroma when the collection's size has changed:
        # cheap next to embedding, and it keeps Chroma the one store of research text.
        total = int(self.collection.count())
        with self._lock:
            cached = self._lexical.get(map_id)
            if cached and cached[0] == total:
                return cached[1], cached[2]
        got = self.collection.get(where=_where(map_id), include=["documents", "metadatas"])
        records = {
            pid: (text, meta)
            for pid, text, meta in zip(
                got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True
            )
        }
        index = LexicalIndex(list(records), [records[pid][0] for pid in records])
        with self._lock:
            self._lexical[map_id] = (total, index, records)
        return index, records

    def search(self, query: str, k: int, map_id: str | None, method: str) -> list[Hit]:
        """The k best research chunks for `query`, optionally only those of one map."""
        index, records = self._records(map_id)
        if not records:
            return []

        def dense() -> list[tuple[str, float]]:
            result = self.collection.query(
                query_texts=[query],
                n_results=min(CANDIDATES, len(records)),
                where=_where(map_id),
                include=["distances"],
            )
            pairs = zip(result["ids"][0], (result["distances"] or [[]])[0], strict=True)
            return [(pid, 1.0 - d) for pid, d in pairs]

        scores = ranker.rank(
            method,
            None,  # research may be in any language: every ranking is trusted
            lambda: index.search(query, CANDIDATES),
            lambda: index.search_ngrams(query, CANDIDATES),
            dense,
        )
        hits = []
        for pid, score in sorted(scores.items(), key=lambda item: item[1], reverse=True):
            if pid not in records:
                continue  # added by another process since the BM25 cache was built
            text, meta = records[pid]
            hits.append(
                Hit(
                    id=pid,
                    title=str(meta.get("file", "document")),
                    snippet=snippet(text),
                    score=round(score, 4),
                    source="document",
                    metadata=dict(meta),
                )
            )
            if len(hits) == k:
                break
        return hits


def delete_map_research(settings: Settings, map_id: str) -> int:
    """Delete a deleted map's research and its archived copies; no Chroma is opened when the
    workspace has no research index at all. Returns how many chunks were deleted."""
    forget_map(settings.home, map_id)
    if settings.chroma_url is None and not settings.chroma_path.exists():
        return 0
    return ResearchStore(settings).delete_map(map_id)
