"""BM25 keyword search (rank-bm25) and reciprocal rank fusion with the dense ranking."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from rank_bm25 import BM25Okapi

# Small stop lists for the three interview languages: BM25's idf already damps common words,
# but dropping them keeps short queries ("what is a touchpoint?") focused on the content word.
_STOP = frozenset(
    re.findall(
        r"\w+",
        """
    a an and are as at be by can do does for from how i if in into is it its me my of on or our
    should so than that the their them then there these they this to was we what when where
    which who why will with you your
    aby ale albo by czy dla do ich jak jaki jakie jest juz ktore ktory ma mam na nie od oraz
    po przez sie sa tak to we za ze co czym jako tym tego
    ad al alla che chi come con cosa da del della di ed gli ha il la le lo ma mi nel nella
    non per piu quale quali se si sono su tra un una uno
""",
    )
)
_WORD = re.compile(r"\w+", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Lower-cased, accent-free words without stop words.

    No stemming: crude prefix stemming (6-7 letters, meant for Polish and Italian inflection)
    was measured on evals/retrieval/queries.yaml and did not beat plain words in the hybrid.
    Accents are folded so "contenuti"/"contenutí" and "treści"/"tresci" match.
    """
    folded = unicodedata.normalize("NFKD", text.casefold().replace("ł", "l"))
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return [w for w in _WORD.findall(plain) if w not in _STOP and len(w) > 1]


class LexicalIndex:
    """BM25 over a fixed list of passages, addressed by id."""

    def __init__(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        self.ids = list(ids)
        tokens = [tokenize(t) for t in texts]
        # BM25Okapi divides by the corpus size; an empty corpus gets no index at all.
        self._bm25 = BM25Okapi(tokens) if self.ids else None

    def search(
        self, query: str, k: int, allowed: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """Top-k (id, score) pairs with a positive score, optionally only among `allowed` ids."""
        terms = tokenize(query)
        if self._bm25 is None or not terms:
            return []
        scores = self._bm25.get_scores(terms)
        ranked = sorted(
            (
                (pid, float(score))
                for pid, score in zip(self.ids, scores, strict=True)
                if score > 0 and (allowed is None or pid in allowed)
            ),
            key=lambda pair: pair[1],
            reverse=True,
        )
        return ranked[:k]


def top_two_sum(scores: dict[str, float], group: dict[str, str]) -> dict[str, float]:
    """Score per group (card) = sum of its two best item (passage) scores.

    Measured against max(): a card with two matching passages is more likely on topic than
    one with a single lucky passage, and it lifted English recall@3 from 0.94 to 0.95.
    """
    best: dict[str, list[float]] = {}
    for item, score in scores.items():
        best.setdefault(group[item], []).append(score)
    return {key: sum(sorted(values, reverse=True)[:2]) for key, values in best.items()}


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = 60) -> dict[str, float]:
    """RRF score per id: sum over rankings of 1 / (k + rank).

    Hand-written because it is four lines; the libraries offering it (e.g. LangChain's
    EnsembleRetriever) would wrap our two rankings in retriever objects for no gain.
    """
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, 1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores
