"""Chroma client and collections: embedded in JOURNEY_HOME, or a server at JOURNEY_CHROMA_URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings

from assistant.retrieval.embeddings import embedding_slug, make_embedding_function
from assistant.settings import Settings


def make_client(settings: Settings) -> Any:
    """A Chroma client: HttpClient when `chroma_url` is set, else a PersistentClient."""
    # Telemetry off: the tool must not talk to the network behind the user's back.
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(
                f"JOURNEY_CHROMA_URL '{settings.chroma_url}' is not an http(s) URL "
                "such as http://127.0.0.1:8000."
            )
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


def collection_name(settings: Settings, kind: str, workspace: str | None = None) -> str:
    """`journey-<kind>-<model>`, and `-<workspace id>` for one workspace's collection on a
    Chroma server.

    The model is part of the name: vectors of two models never share a collection, so
    switching JOURNEY_EMBEDDINGS builds a fresh index instead of mixing spaces.
    """
    name = f"journey-{kind}-{embedding_slug(settings.embeddings)}"
    return f"{name}-{workspace}" if workspace else name


def open_collection(
    client: Any, settings: Settings, kind: str, workspace: str | None = None
) -> Any:
    """The `knowledge` or `research` collection for the configured embedding model (of one
    workspace, when `workspace` is given)."""
    ef = make_embedding_function(
        settings.embeddings, api_key=settings.openai_api_key, base_url=settings.openai_base_url
    )
    name = collection_name(settings, kind, workspace)
    return client.get_or_create_collection(
        name=name, embedding_function=ef, configuration={"hnsw": {"space": "cosine"}}
    )


def add_all_or_nothing(
    client: Any,
    collection: Any,
    ids: list[str],
    texts: list[str],
    metadatas: list[dict[str, Any]],
) -> None:
    """Add records in Chroma-sized batches; if any batch fails, delete what was added.

    Chroma has no multi-batch transaction, so a failed file would otherwise leave part of
    its chunks behind. Embeddings are computed first, so a model failure adds nothing.
    """
    if not ids:
        return
    ef = collection.configuration.get("embedding_function")
    vectors = ef(texts) if ef is not None else None
    limit = max(1, int(client.get_max_batch_size()))
    done: list[str] = []
    try:
        for start in range(0, len(ids), limit):
            end = start + limit
            collection.upsert(
                ids=ids[start:end],
                documents=texts[start:end],
                metadatas=metadatas[start:end],
                embeddings=vectors[start:end] if vectors is not None else None,
            )
            done.extend(ids[start:end])
    except Exception:
        if done:
            collection.delete(ids=done)
        raise


def adopt_shared_research(client: Any, settings: Settings, target: Any, map_ids: set[str]) -> int:
    """Copy into a workspace's new, empty research collection the chunks of its maps from
    the one collection every workspace on a Chroma server used to share (vectors included:
    nothing is embedded again). Returns how many chunks were copied. The old collection is
    left as it is: other workspaces may still adopt theirs from it."""
    if not map_ids or target.count():
        return 0
    try:
        shared = client.get_collection(collection_name(settings, "research"))
    except Exception:  # noqa: BLE001 - no shared collection: nothing to adopt
        return 0
    got = shared.get(
        where={"map": {"$in": sorted(map_ids)}},
        include=["documents", "metadatas", "embeddings"],
    )
    ids = list(got["ids"])
    limit = max(1, int(client.get_max_batch_size()))
    for start in range(0, len(ids), limit):
        end = start + limit
        target.upsert(
            ids=ids[start:end],
            documents=list(got["documents"])[start:end],
            metadatas=list(got["metadatas"])[start:end],
            embeddings=list(got["embeddings"])[start:end],
        )
    return len(ids)
