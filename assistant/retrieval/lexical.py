"""Keyword search: text analysis (folding, lemmas, jargon, typo repair) and BM25 indexes.

Two BM25 rankings per passage set (rank-bm25): one over words, one over character 4-grams
of the words. The word ranking is precise; the n-gram ranking forgives what words cannot:
typos ("costumer"), Polish without diacritics, inflections the lemma table does not know.
Measured on evals/retrieval (see the README): fusing both beats either alone in pl and it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

import numpy as np
import yaml
from rank_bm25 import BM25Okapi
from rapidfuzz import distance, process

# Small stop lists for the three interview languages: BM25's idf already damps common words,
# but dropping them keeps short queries ("what is a touchpoint?") focused on the content word.
_STOP_TEXT = """
    a an and are as at be by can do does for from how i if in into is it its me my of on or our
    should so than that the their them then there these they this to was we what when where
    which who why will with you your
    aby ale albo by czy dla do ich jak jaki jakie jest juz ktore ktory ma mam na nie od oraz
    po przez sie sa tak to we za ze co czym jako tym tego
    ad al alla che chi come con cosa da del della di ed gli ha il la le lo ma mi nel nella
    non per piu quale quali se si sono su tra un una uno
"""
_WORD = re.compile(r"\w+", re.UNICODE)
NGRAM = 4  # measured against 3 and 5 on the dev queries: 4 is best in pl and it
JARGON_FILE = Path(__file__).with_name("jargon.yaml")
LemmaTable = Mapping[str, str]
"""Folded word form -> folded lemma, for one language."""


def fold(text: str) -> str:
    """Lower case without accents: 'Treści' -> 'tresci', 'ł' -> 'l', 'perché' -> 'perche'."""
    folded = unicodedata.normalize("NFKD", text.casefold().replace("ł", "l"))
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


_STOP = frozenset(fold(w) for w in _WORD.findall(_STOP_TEXT))


def raw_words(text: str) -> list[str]:
    """The words of `text`, lower-cased, accents kept (the lemmatiser needs them)."""
    return _WORD.findall(text.casefold())


def tokenize(text: str) -> list[str]:
    """Folded words without stop words and one-letter words."""
    return [w for w in map(fold, raw_words(text)) if w not in _STOP and len(w) > 1]


def ngrams(words: Sequence[str], n: int = NGRAM) -> list[str]:
    """Character n-grams of each word padded with spaces ('tresci' -> ' tre', 'tres'...)."""
    out: list[str] = []
    for word in words:
        padded = f" {word} "
        if len(padded) <= n:
            out.append(padded)
        else:
            out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return out


@cache
def jargon() -> dict[str, dict[str, str]]:
    """The jargon map (jargon.yaml): folded term -> {language: plain words}."""
    data = yaml.safe_load(JARGON_FILE.read_text(encoding="utf-8")) or {}
    return {
        fold(str(term)): {str(k): str(v) for k, v in (langs or {}).items()}
        for term, langs in data.items()
    }


def expand_jargon(text: str, language: str | None) -> str:
    """`text` followed by the plain words of any jargon in it (English, and the language's)."""
    extra: list[str] = []
    table = jargon()
    for word in raw_words(text):
        entry = table.get(fold(word))
        if entry:
            extra.append(entry.get("en", ""))
            if language and language != "en":
                extra.append(entry.get(language, ""))
    return " ".join([text, *extra]) if extra else text


class _BM25(BM25Okapi):  # type: ignore[misc]
    """BM25Okapi with Lucene's idf, log(1 + (N - n + 0.5) / (n + 0.5)): never negative, so a
    term found in most (or all) of a small corpus still counts a little instead of making a
    matching passage score below zero (rank-bm25's own idf does that below 3 documents).

    Scores come from postings computed once (term -> documents and their BM25 weights), the
    same formula as rank-bm25's `get_scores`, which instead looks every query term up in every
    document: a character n-gram query has dozens of terms, and that loop was most of a
    search's time.
    """

    def __init__(self, corpus: list[list[str]]) -> None:
        super().__init__(corpus)
        doc_len = np.array(self.doc_len, dtype=np.float64)
        norm = self.k1 * (1 - self.b + self.b * doc_len / self.avgdl)
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for n, freqs in enumerate(self.doc_freqs):
            for term, tf in freqs.items():
                docs, weights = postings.setdefault(term, ([], []))
                docs.append(n)
                weights.append(self.idf[term] * tf * (self.k1 + 1) / (tf + norm[n]))
        self._postings = {
            term: (np.array(docs, dtype=np.int64), np.array(weights, dtype=np.float64))
            for term, (docs, weights) in postings.items()
        }

    def _calc_idf(self, nd: dict[str, int]) -> None:
        n = self.corpus_size
        self.idf = {
            word: math.log(1 + (n - freq + 0.5) / (freq + 0.5)) for word, freq in nd.items()
        }

    def get_scores(self, query: list[str]) -> np.ndarray:
        """BM25 score of every document for the query terms (a term counts each time)."""
        score = np.zeros(self.corpus_size)
        for term in query:
            posting = self._postings.get(term)
            if posting is not None:
                np.add.at(score, posting[0], posting[1])
        return score


class Analyzer:
    """Index terms of a text in a language: folded words, lemmatised for pl and it.

    `lemmas` maps a language to its lemma table (see `retrieval.lemmas`); English is not
    lemmatised (measured: plain words did better on the English queries).
    """

    def __init__(self, lemmas: Mapping[str, LemmaTable] | None = None) -> None:
        self.lemmas = dict(lemmas or {})

    def terms(self, text: str, language: str | None) -> list[str]:
        """Words of `text` as index terms in `language` (None: folded words only)."""
        table = self.lemmas.get(language or "", {})
        out = []
        for word in tokenize(text):
            out.append(table.get(word, word))
        return out


class LexicalIndex:
    """Word BM25 and character n-gram BM25 over a fixed list of passages, addressed by id."""

    def __init__(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        languages: Sequence[str | None] | None = None,
        analyzer: Analyzer | None = None,
    ) -> None:
        self.ids = list(ids)
        self.analyzer = analyzer or Analyzer()
        langs = list(languages) if languages is not None else [None] * len(self.ids)
        word_docs = [self.analyzer.terms(t, lang) for t, lang in zip(texts, langs, strict=True)]
        gram_docs = [ngrams(tokenize(t)) for t in texts]
        self.vocabulary = sorted({w for doc in word_docs for w in doc})
        self._known = frozenset(self.vocabulary)
        # BM25Okapi divides by the corpus size; an empty corpus gets no index at all.
        self._words = _BM25(word_docs) if self.ids else None
        self._grams = _BM25(gram_docs) if self.ids else None

    def query_terms(self, query: str, language: str | None) -> list[str]:
        """The query's index terms, jargon spelled out and unknown words repaired.

        A word the index does not know, five letters or longer, becomes the closest indexed
        word within one edit (two for words of eight letters or more): 'costumer' ->
        'customer', 'touchpont' -> 'touchpoint'. rapidfuzz does the edit distance.
        """
        terms = self.analyzer.terms(expand_jargon(query, language), language)
        repaired = []
        for term in terms:
            if term in self._known or len(term) < 5 or term.isdigit():
                repaired.append(term)
                continue
            limit = 1 if len(term) < 8 else 2
            match = process.extractOne(
                term, self.vocabulary, scorer=distance.Levenshtein.distance, score_cutoff=limit
            )
            repaired.append(match[0] if match else term)
        return repaired

    def search(
        self, query: str, k: int, language: str | None = None, allowed: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """Word BM25: top-k (id, score) pairs with a positive score, optionally among `allowed`."""
        return self._top(self._words, self.query_terms(query, language), k, allowed)

    def search_ngrams(
        self, query: str, k: int, language: str | None = None, allowed: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """Character n-gram BM25 of the query's words (jargon spelled out)."""
        grams = ngrams(tokenize(expand_jargon(query, language)))
        return self._top(self._grams, grams, k, allowed)

    def _top(
        self, bm25: _BM25 | None, terms: list[str], k: int, allowed: set[str] | None
    ) -> list[tuple[str, float]]:
        if bm25 is None or not terms:
            return []
        scores = bm25.get_scores(terms)
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
