"""Search results with citations, shared by card search and research search."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SNIPPET_CHARS = 300


@dataclass
class Hit:
    """One search result with its citation id."""

    id: str
    """Citation id: `card:<id>` or `doc:<key>:<chunk>`."""
    title: str
    """Card title, or the research file name."""
    snippet: str
    """The best matching passage, at most ~300 characters."""
    score: float
    """Relevance: cosine similarity (dense), BM25 score (bm25) or fused RRF score (hybrid)."""
    source: str
    """`knowledge` for a card, `document` for research."""
    metadata: dict[str, Any] = field(default_factory=dict)
    """file, page, row, rating, date, map for research; language, stages, fields for cards."""

    def cite(self) -> str:
        """The citation as shown to users and the model, e.g. `[card:touchpoints]`."""
        return f"[{self.id}]"


@dataclass
class IndexReport:
    """What `ensure_index` did; `embedded` is 0 when the index was already current."""

    embedded: int = 0
    removed: int = 0
    unchanged: int = 0

    @property
    def rebuilt(self) -> bool:
        """True when any card was (re-)embedded or removed."""
        return bool(self.embedded or self.removed)


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """Whitespace-collapsed text cut at a word boundary to about `limit` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
