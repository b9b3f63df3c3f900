"""Telling whether two ideas say the same thing.

Hand-written on purpose: the ideas are a handful of short titles, so word-set overlap is
enough and keeps the offline mode free of embedding models. Titles are compared after
Unicode normalisation, case folding and dropping punctuation and very short words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

SIMILAR = 0.75
"""Jaccard overlap of content words from which two titles count as the same idea."""


def key(text: str) -> str:
    """A title reduced for exact comparison."""
    clean = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", clean))


def words(text: str) -> frozenset[str]:
    """Content words of a title (three letters or more)."""
    return frozenset(w for w in key(text).split() if len(w) >= 3)


def same(a: str, b: str) -> bool:
    """True when two titles are equal once normalised, or overlap almost entirely."""
    if key(a) == key(b):
        return True
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return False
    return len(wa & wb) / len(wa | wb) >= SIMILAR


class Seen:
    """The titles already taken (on the map or earlier in a batch)."""

    def __init__(self, titles: Iterable[str] = ()) -> None:
        self.titles: list[str] = []
        for title in titles:
            self.add(title)

    def __contains__(self, title: object) -> bool:
        return isinstance(title, str) and self.match(title) is not None

    def match(self, title: str) -> str | None:
        """The title already taken that `title` repeats, if any."""
        return next((t for t in self.titles if same(title, t)), None)

    def add(self, title: str) -> None:
        self.titles.append(title)
