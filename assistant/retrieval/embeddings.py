"""Embedding functions for Chroma: offline int8 MiniLM (default) and OpenAI.

Both are registered with chromadb's `register_embedding_function`, so a collection created in
one process is reopened in another (or through a Chroma server) with the same function, built
from the config Chroma stores with the collection.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from assistant.retrieval.minilm import (  # noqa: F401 - re-exported for callers and tests
    MAX_TOKENS,
    TOKEN_BUDGET,
    EmbeddingModelMissing,
    _MiniLMRuntime,
    embed,
    model_files,
)


@register_embedding_function
class MiniLMEmbedding(EmbeddingFunction[Documents]):
    """all-MiniLM-L6-v2 as int8 ONNX, shipped by PyPI packages: offline, no torch."""

    def __init__(self, token_budget: int = TOKEN_BUDGET) -> None:
        self.token_budget = token_budget

    def __call__(self, input: Documents) -> Embeddings:
        return list(embed(list(input), self.token_budget))

    @staticmethod
    def name() -> str:
        return "journey-minilm-int8"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbedding:
        return MiniLMEmbedding(token_budget=int(config.get("token_budget", TOKEN_BUDGET)))

    def get_config(self) -> dict[str, Any]:
        return {"token_budget": self.token_budget}


@register_embedding_function
class OpenAIEmbedding(EmbeddingFunction[Documents]):
    """OpenAI (or OpenAI-compatible) embeddings through langchain-openai.

    The API key is never stored in the collection config; it is read from OPENAI_API_KEY
    when Chroma rebuilds the function in another process.
    """

    def __init__(self, model: str, base_url: str | None = None, api_key: str | None = None):
        self.model = model
        self.base_url = base_url
        self._api_key = api_key
        self._client: Any = None

    def _embedder(self) -> Any:
        if self._client is None:
            from langchain_openai import OpenAIEmbeddings
            from pydantic import SecretStr

            key = self._api_key or os.environ.get("OPENAI_API_KEY")
            options: dict[str, Any] = {
                "model": self.model,
                "base_url": self.base_url,
                "api_key": SecretStr(key) if key else None,
                # Local OpenAI-compatible servers take raw text, not tiktoken ids.
                "check_embedding_ctx_length": self.base_url is None,
            }
            self._client = OpenAIEmbeddings(**options)
        return self._client

    def __call__(self, input: Documents) -> Embeddings:
        if not input:
            return []
        vectors = self._embedder().embed_documents(list(input))
        return [np.asarray(v, dtype=np.float32) for v in vectors]

    @staticmethod
    def name() -> str:
        return "journey-openai"

    def default_space(self) -> Space:
        return "cosine"

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> OpenAIEmbedding:
        return OpenAIEmbedding(model=config["model"], base_url=config.get("base_url"))

    def get_config(self) -> dict[str, Any]:
        return {"model": self.model, "base_url": self.base_url}


def make_embedding_function(
    spec: str, api_key: str | None = None, base_url: str | None = None
) -> EmbeddingFunction[Documents]:
    """The embedding function for a `JOURNEY_EMBEDDINGS` value: `minilm` or `openai:MODEL`."""
    if spec == "minilm":
        return MiniLMEmbedding()
    if spec.startswith("openai:") and spec.removeprefix("openai:"):
        return OpenAIEmbedding(spec.removeprefix("openai:"), base_url=base_url, api_key=api_key)
    raise ValueError(
        f"Unknown JOURNEY_EMBEDDINGS value '{spec}': use 'minilm' or 'openai:MODEL' "
        "(e.g. openai:text-embedding-3-small)."
    )


def embedding_slug(spec: str) -> str:
    """A collection-name-safe tag for an embedding spec, so switching models never mixes vectors."""
    return "".join(ch if ch.isalnum() else "-" for ch in spec.lower()).strip("-")[:40]
