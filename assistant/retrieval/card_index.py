"""The card index: passage vectors and keyword indexes of one card set, shared by every workspace.

Built once per card set and embedding model and kept in a cache folder outside any workspace
(`JOURNEY_CACHE_DIR`, by default the user cache folder), keyed by the cards' content hash
and the model. A new workspace, a second session and the next process reuse it; a changed
card set re-embeds only the cards that changed. The vectors are a NumPy matrix, not a Chroma
collection: 270 passages are searched exactly by one matrix product in well under a
millisecond, and a workspace's first answer does not wait for Chroma to open.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from assistant.retrieval import minilm
from assistant.retrieval.cards import CardCatalog
from assistant.retrieval.hits import IndexReport
from assistant.retrieval.lemmas import LEMMATISED, build_table
from assistant.retrieval.lexical import Analyzer, LemmaTable, LexicalIndex
from assistant.settings import Settings

log = logging.getLogger(__name__)

_SHARED: dict[tuple[str, str, str], CardIndex] = {}
_SHARED_GUARD = threading.Lock()


def cache_dir(settings: Settings) -> Path:
    """The folder for caches shared by every workspace (JOURNEY_CACHE_DIR, else the user's
    cache folder: $XDG_CACHE_HOME or ~/.cache, then journey-assistant)."""
    if settings.cache_dir:
        return Path(settings.cache_dir)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "journey-assistant"


def _slug(spec: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in spec.lower()).strip("-")[:40]


def _write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, then rename: readers in other
    processes see the old file or the whole new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class CardIndex:
    """Vectors and BM25 indexes of one card catalog for one embedding model."""

    def __init__(self, settings: Settings, catalog: CardCatalog) -> None:
        self.settings = settings
        self.catalog = catalog
        self.folder = cache_dir(settings) / "card-index"
        self.model = settings.embeddings
        self._vector_lock = threading.Lock()
        self._lemma_lock = threading.Lock()
        self._lexical_lock = threading.Lock()
        self._vectors: np.ndarray | None = None
        self._row: dict[str, int] = {}
        self._lexical: dict[frozenset[str] | None, LexicalIndex] = {}
        self._lemmas: dict[str, LemmaTable] = {}

    @classmethod
    def shared(cls, settings: Settings, catalog: CardCatalog) -> CardIndex:
        """The process-wide index for this cache folder, card set and model."""
        key = (str(cache_dir(settings)), catalog.digest, settings.embeddings)
        with _SHARED_GUARD:
            if key not in _SHARED:
                _SHARED[key] = cls(settings, catalog)
            return _SHARED[key]

    @property
    def vectors_path(self) -> Path:
        """The cache file of this card set's vectors for this model."""
        return self.folder / f"{_slug(self.model)}-{self.catalog.digest}.npz"

    def lemmas_path(self, language: str) -> Path:
        """The cache file of this card set's lemma table for `language`."""
        import simplemma

        version = getattr(simplemma, "__version__", "0")
        return self.folder / f"lemmas-{language}-{self.catalog.digest}-{version}.json"

    # -- embeddings --------------------------------------------------------------------------

    @cached_property
    def embedder(self) -> Any:
        """The embedding function of the configured model (loaded on first use). MiniLM runs
        without chromadb, whose import would cost a new workspace's first answer a second."""
        if self.model == "minilm":
            return minilm.embed
        from assistant.retrieval.embeddings import make_embedding_function  # imports chromadb

        return make_embedding_function(
            self.model,
            api_key=self.settings.openai_api_key,
            base_url=self.settings.openai_base_url,
        )

    def ensure(self, progress: bool = False) -> IndexReport:
        """Load the vectors from the cache, or embed what is missing and save them."""
        with self._vector_lock:
            if self._vectors is not None:
                return IndexReport(unchanged=len(self.catalog.cards))
            if self.vectors_path.is_file():
                try:
                    self._load(self.vectors_path)
                    return IndexReport(unchanged=len(self.catalog.cards))
                except (OSError, ValueError, KeyError) as exc:  # a damaged file: rebuild it
                    log.warning("Rebuilding the card index (%s)", exc)
            # The lemma tables load big dictionaries (seconds for Polish): build them while
            # the model embeds, which spends its time in onnxruntime outside the GIL.
            lemmas = threading.Thread(target=self._build_lemmas, name="journey-lemmas")
            lemmas.start()
            try:
                return self._build(progress)
            finally:
                lemmas.join()

    def _build_lemmas(self) -> None:
        try:
            self.lemma_tables(None)
        except Exception as exc:  # noqa: BLE001 - a search builds them again or says why
            log.warning("Lemma tables not built: %s", exc)

    def _load(self, path: Path) -> None:
        with np.load(path, allow_pickle=False) as data:
            ids = [str(i) for i in data["ids"]]
            vectors = np.asarray(data["vectors"], dtype=np.float32)
        if set(ids) != set(self.catalog.passages):
            raise ValueError(f"{path.name} does not match the cards")
        self._row = {pid: n for n, pid in enumerate(ids)}
        self._vectors = vectors

    def _reusable(self) -> tuple[dict[str, np.ndarray], int]:
        """Vectors of passages whose card is unchanged, from the newest earlier index of this
        model (passage id and card hash must match), so an edit re-embeds only its card;
        and how many cards of that index are gone from this card set."""
        hashes = {pid: card.content_hash for pid, (card, _) in self.catalog.passages.items()}
        older = sorted(
            self.folder.glob(f"{_slug(self.model)}-*.npz"), key=lambda p: p.stat().st_mtime
        )
        for path in reversed(older):
            try:
                with np.load(path, allow_pickle=False) as data:
                    pairs = zip(data["ids"], data["hashes"], data["vectors"], strict=True)
                    reused = {
                        str(pid): np.asarray(vec, dtype=np.float32)
                        for pid, card_hash, vec in pairs
                        if hashes.get(str(pid)) == str(card_hash)
                    }
                    old_cards = {str(pid).split("#")[0] for pid in data["ids"]}
                return reused, len(old_cards - set(self.catalog.by_id))
            except (OSError, ValueError, KeyError):
                continue
        return {}, 0

    def _build(self, progress: bool) -> IndexReport:
        from rich.progress import Progress

        passages = self.catalog.passages
        reused, removed = self._reusable()
        todo = [pid for pid in passages if pid not in reused]
        cards_todo = {passages[pid][0].id for pid in todo}
        log.info("Embedding %d passages of %d cards", len(todo), len(cards_todo))
        fresh: dict[str, np.ndarray] = {}
        with Progress(transient=True, disable=not progress) as bar:
            task = bar.add_task("Indexing knowledge cards", total=len(todo))
            for start in range(0, len(todo), 64):
                batch = todo[start : start + 64]
                vectors = self.embedder([passages[pid][1] for pid in batch])
                fresh.update(
                    zip(batch, (np.asarray(v, dtype=np.float32) for v in vectors), strict=True)
                )
                bar.advance(task, len(batch))
        ids = list(passages)
        matrix = np.stack([fresh[pid] if pid in fresh else reused[pid] for pid in ids])
        hashes = [passages[pid][0].content_hash for pid in ids]

        def write(tmp: Path) -> None:
            with tmp.open("wb") as handle:
                np.savez(handle, ids=np.array(ids), hashes=np.array(hashes), vectors=matrix)

        _write_atomic(self.vectors_path, write)
        self._row = {pid: n for n, pid in enumerate(ids)}
        self._vectors = matrix
        return IndexReport(
            embedded=len(cards_todo),
            removed=removed,
            unchanged=len(self.catalog.cards) - len(cards_todo),
        )

    def dense(self, query: str, allowed: list[str], k: int) -> list[tuple[str, float]]:
        """The k passages among `allowed` most similar to `query` (cosine), best first."""
        self.ensure()
        assert self._vectors is not None
        present = [pid for pid in allowed if pid in self._row]
        if not present:
            return []
        query_vector = np.asarray(self.embedder([query])[0], dtype=np.float32)
        matrix = self._vectors[[self._row[pid] for pid in present]]
        norms = np.linalg.norm(matrix, axis=1) * max(float(np.linalg.norm(query_vector)), 1e-12)
        scores = (matrix @ query_vector) / np.clip(norms, 1e-12, None)
        order = np.argsort(-scores)[:k]
        return [(present[int(i)], float(scores[i])) for i in order]

    # -- keywords ----------------------------------------------------------------------------

    def lemma_table(self, language: str) -> LemmaTable:
        """The lemma table of `language` for this card set, from the cache or built once."""
        with self._lemma_lock:
            if language in self._lemmas:
                return self._lemmas[language]
            path = self.lemmas_path(language)
            table: dict[str, str] | None = None
            if path.is_file():
                try:
                    table = dict(json.loads(path.read_text(encoding="utf-8")))
                except (OSError, ValueError) as exc:
                    log.warning("Rebuilding the %s lemma table (%s)", language, exc)
            if table is None:
                texts = [
                    f"{c.title}\n{c.body}" for c in self.catalog.cards if c.language == language
                ]
                table = build_table(texts, language)
                data = json.dumps(table, ensure_ascii=False)

                def write(tmp: Path) -> None:
                    tmp.write_text(data, encoding="utf-8")

                _write_atomic(path, write)
            self._lemmas[language] = table
            return table

    def lemma_tables(self, languages: frozenset[str] | None) -> dict[str, LemmaTable]:
        """Lemma tables of the lemmatised languages among `languages` (all when None)."""
        present = {card.language for card in self.catalog.cards}
        wanted = [
            lang for lang in LEMMATISED if lang in present and (not languages or lang in languages)
        ]
        return {lang: self.lemma_table(lang) for lang in wanted}

    def lexical(self, languages: frozenset[str] | None) -> LexicalIndex:
        """BM25 over the passages of cards in `languages` (all when None), built once per set.
        Its own IDF matters: Polish and Italian cards in the corpus shift English weights."""
        with self._lexical_lock:
            index = self._lexical.get(languages)
            if index is None:
                # Title and topics join each passage's keywords: they are the card author's
                # own summary of what it is about.
                chosen = [
                    (pid, card, text)
                    for pid, (card, text) in self.catalog.passages.items()
                    if languages is None or card.language in languages
                ]
                index = LexicalIndex(
                    [pid for pid, _, _ in chosen],
                    [
                        f"{text} {card.title} {' '.join(card.topics).replace('-', ' ')}"
                        for _, card, text in chosen
                    ],
                    [card.language for _, card, _ in chosen],
                    Analyzer(self.lemma_tables(languages)),
                )
                self._lexical[languages] = index
            return index
