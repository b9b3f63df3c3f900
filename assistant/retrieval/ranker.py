"""The one hybrid ranker, used by card search and research search alike.

A search fuses up to three rankings of passages with weighted reciprocal rank fusion:
word BM25, character n-gram BM25 and the embedding model. The embedding ranking is trusted
only where it was measured to help (DENSE_WEIGHT): all-MiniLM-L6-v2 is an English model,
and fused into Polish and Italian searches it pushed the right card down (see the README's
retrieval figures). Passage scores become document scores by `top_two_sum`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

METHODS = ("hybrid", "dense", "bm25")
CANDIDATES = 40  # passages each ranking contributes before fusion
RRF_K = 60

DENSE_WEIGHT = {"en": 1.0, "pl": 0.0, "it": 0.0}
"""Weight of the embedding ranking in the hybrid, per query language; measured on the dev
half of the unseen query set (evals/retrieval/queries-unseen-dev.yaml). A language not listed
(and research, whose language is unknown) gets 1."""

NGRAM_WEIGHT = {"en": 1.0, "pl": 1.0, "it": 1.0}
"""Weight of the character n-gram ranking in the hybrid, per query language (measured like
DENSE_WEIGHT; 1 where not listed)."""

Ranking = list[tuple[str, float]]


def check_method(method: str) -> str:
    """`method` if it is a known retrieval method, else ValueError naming the choices."""
    if method not in METHODS:
        raise ValueError(f"Unknown retrieval method '{method}': use {', '.join(METHODS)}.")
    return method


def dense_weight(language: str | None) -> float:
    """How much the hybrid trusts the embedding ranking for a query in `language`."""
    return DENSE_WEIGHT.get(language or "", 1.0)


def needs_dense(method: str, language: str | None) -> bool:
    """Whether a search with `method` in `language` uses the embedding model at all."""
    return method == "dense" or (method == "hybrid" and dense_weight(language) > 0)


def weighted_rrf(
    rankings: Sequence[tuple[Sequence[str], float]], k: int = RRF_K
) -> dict[str, float]:
    """Score per id: the sum over (ranking, weight) of weight / (k + rank).

    Hand-written because it is a few lines; the libraries offering it (e.g. LangChain's
    EnsembleRetriever) would wrap our rankings in retriever objects for no gain.
    """
    scores: dict[str, float] = {}
    for ranking, weight in rankings:
        if weight <= 0:
            continue
        for rank, item in enumerate(ranking, 1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return scores


def top_two_sum(scores: dict[str, float], group: dict[str, str]) -> dict[str, float]:
    """Score per group (card) = sum of its two best item (passage) scores.

    Measured against max(): a card with two matching passages is more likely on topic than
    one with a single lucky passage.
    """
    best: dict[str, list[float]] = {}
    for item, score in scores.items():
        best.setdefault(group[item], []).append(score)
    return {key: sum(sorted(values, reverse=True)[:2]) for key, values in best.items()}


def rank(
    method: str,
    language: str | None,
    words: Callable[[], Ranking],
    grams: Callable[[], Ranking],
    dense: Callable[[], Ranking],
) -> dict[str, float]:
    """Passage scores for one query: `bm25` = word BM25, `dense` = embeddings, `hybrid` =
    weighted RRF of word BM25, n-gram BM25 and (where trusted) embeddings. The callables
    produce each ranking; only those the method needs are called."""
    check_method(method)
    if method == "bm25":
        return dict(words())
    if method == "dense":
        return dict(dense())
    parts: list[tuple[list[str], float]] = [
        ([pid for pid, _ in words()], 1.0),
    ]
    if NGRAM_WEIGHT.get(language or "", 1.0) > 0:
        parts.append(([pid for pid, _ in grams()], NGRAM_WEIGHT.get(language or "", 1.0)))
    weight = dense_weight(language)
    if weight > 0:
        parts.append(([pid for pid, _ in dense()], weight))
    return weighted_rrf(parts)
