"""Fuzzy text matching for the evals: rapidfuzz's token-set similarity.

Token-set similarity treats "LinkedIn ads" and "Well, mostly LinkedIn ads" as the same item,
which is what recall needs (the user's wording around an item may be kept). rapidfuzz is a
dependency (no fallback), so every run scores with the same code; `BACKEND` names its version
in the eval report.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import rapidfuzz
from rapidfuzz import fuzz

BACKEND = f"rapidfuzz {rapidfuzz.__version__}"
THRESHOLD = 0.8
"""Similarity at or above which two texts are the same item."""


def normalise(text: str) -> str:
    """Case-folded words without punctuation (accents kept: 'zaniepokojony' != 'zaniepokojona'
    is a real difference only fuzzy matching should absorb)."""
    clean = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", clean))


@lru_cache(maxsize=65536)
def similarity(a: str, b: str, cutoff: float = 0.0) -> float:
    """0..1 token-set similarity of two texts; a value below `cutoff` is returned as 0."""
    left, right = normalise(a), normalise(b)
    if not left or not right:
        return 0.0
    return float(fuzz.token_set_ratio(left, right, score_cutoff=cutoff * 100)) / 100.0


def matches(a: str, b: str, threshold: float = THRESHOLD) -> bool:
    return similarity(a, b, threshold) >= threshold
