"""Research documents in Chroma: storing a file's chunks all-or-nothing, and searching them."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from assistant.retrieval.lexical import LexicalIndex, reciprocal_rank_fusion

if TYPE_CHECKING:
    from assistant.retrieval.knowledge_base import Hit, KnowledgeBase

CANDIDATES = 50


def document_key(content: str, map_name: str | None) -> str:
    """Content-hash key of a document within a map scope.

    The map is part of the key, so the same file ingested for two maps belongs to both,
    while ingesting it again for the same map is recognised and skipped.
    """
    scope = map_name or ""
    return hashlib.sha256(f"{scope}\x00{content}".encode()).hexdigest()[:16]


def existing_ids(kb: KnowledgeBase, ids: list[str]) -> set[str]:
    """Which of these chunk ids are already stored."""
    if not ids:
        return set()
    return set(kb.collection("research").get(ids=ids, include=[])["ids"])


def add_chunks(
    kb: KnowledgeBase,
    ids: list[str],
    texts: list[str],
    metadatas: list[dict[str, Any]],
    map_name: str | None,
) -> int:
    """Store chunks (`doc:<key>:<n>` ids) of one file in one all-or-nothing step."""
    from assistant.retrieval.vectorstore import add_all_or_nothing

    metas = [
        # Chroma metadata values must be str/int/float/bool: drop empty values.
        {
            **{k: v for k, v in meta.items() if v is not None and v != ""},
            "doc": pid.split(":")[1],
            "map": map_name or "",
        }
        for pid, meta in zip(ids, metadatas, strict=True)
    ]
    add_all_or_nothing(kb.client, kb.collection("research"), ids, texts, metas)
    return len(ids)


def research_count(kb: KnowledgeBase, map_name: str | None = None) -> int:
    """How many research chunks are stored (for one map, or in total)."""
    collection = kb.collection("research")
    if map_name is None:
        return int(collection.count())
    return len(collection.get(where={"map": map_name}, include=[])["ids"])


def _lexical(kb: KnowledgeBase, map_name: str | None) -> tuple[LexicalIndex, dict[str, Any]]:
    # BM25 lives in memory, rebuilt from Chroma when the collection's size has changed:
    # cheap next to embedding, and it keeps Chroma the one store of research text.
    collection = kb.collection("research")
    total = int(collection.count())
    cached = kb.research_lexical_cache.get(map_name)
    if cached and cached[0] == total:
        return cached[1], cached[2]
    got = collection.get(
        where={"map": map_name} if map_name else None, include=["documents", "metadatas"]
    )
    records = {
        pid: (text, meta)
        for pid, text, meta in zip(
            got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True
        )
    }
    index = LexicalIndex(list(records), [records[pid][0] for pid in records])
    kb.research_lexical_cache[map_name] = (total, index, records)
    return index, records


def search_research(
    kb: KnowledgeBase, query: str, k: int, map_name: str | None, method: str
) -> list[Hit]:
    """The k best research chunks for `query`, optionally only those of one map."""
    from assistant.retrieval.knowledge_base import Hit, snippet

    index, records = _lexical(kb, map_name)
    if not records:
        return []
    dense: list[tuple[str, float]] = []
    if method != "bm25":
        result = kb.collection("research").query(
            query_texts=[query],
            n_results=min(CANDIDATES, len(records)),
            where={"map": map_name} if map_name else None,
            include=["distances"],
        )
        dense = [
            (pid, 1.0 - d)
            for pid, d in zip(result["ids"][0], (result["distances"] or [[]])[0], strict=True)
        ]
    lexical = index.search(query, CANDIDATES) if method != "dense" else []
    if method == "dense":
        scores = dict(dense)
    elif method == "bm25":
        scores = dict(lexical)
    else:
        scores = reciprocal_rank_fusion([[p for p, _ in dense], [p for p, _ in lexical]])
    hits = []
    for pid, score in sorted(scores.items(), key=lambda item: item[1], reverse=True)[:k]:
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
    return hits
