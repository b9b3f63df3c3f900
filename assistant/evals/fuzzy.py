"""Fuzzy text matching for the evals: token-set similarity, via rapidfuzz when installed.

Token-set similarity treats "LinkedIn ads" and "Well, mostly LinkedIn ads" as the same item,
which is what recall needs (the user's wording around an item may be kept). The difflib
fallback computes the same formula (rapidfuzz's `token_set_ratio`) with the standard library,
so the figures barely differ between the two; `BACKEND` says which one ran.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache
from types import ModuleType

_rf_fuzz: ModuleType | None
try:  # rapidfuzz is optional: faster, same formula
    from rapidfuzz import fuzz as _rf_fuzz
except ImportError:  # pragma: no cover - depends on the environment
    _rf_fuzz = None

BACKEND = "rapidfuzz" if _rf_fuzz is not None else "difflib"
THRESHOLD = 0.8
"""Similarity at or above which two texts are the same item."""


def normalise(text: str) -> str:
    """Case-folded words without punctuation (accents kept: 'zaniepokojony' != 'zaniepokojona'
    is a real difference only fuzzy matching should absorb)."""
    clean = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", clean))


@lru_cache(maxsize=65536)
def similarity(a: str, b: str, cutoff: float = 0.0) -> float:
    """0..1 token-set similarity of two texts; with a `cutoff`, any value below it may be
    returned as 0 (lets difflib skip pairs that cannot reach it: matching is all-pairs)."""
    left, right = normalise(a), normalise(b)
    if not left or not right:
        return 0.0
    if _rf_fuzz is not None:
        return float(_rf_fuzz.token_set_ratio(left, right)) / 100.0
    return _token_set_ratio(left, right, cutoff)


def _ratio(a: str, b: str, cutoff: float) -> float:
    if not a and not b:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
        return 0.0  # upper bounds already below the cutoff: skip the expensive ratio
    return matcher.ratio()


def _token_set_ratio(a: str, b: str, cutoff: float = 0.0) -> float:
    tokens_a, tokens_b = set(a.split()), set(b.split())
    common = " ".join(sorted(tokens_a & tokens_b))
    only_a = " ".join(sorted(tokens_a - tokens_b))
    only_b = " ".join(sorted(tokens_b - tokens_a))
    with_a = f"{common} {only_a}".strip()
    with_b = f"{common} {only_b}".strip()
    if common and (not only_a or not only_b):
        return 1.0
    scores = [_ratio(with_a, with_b, cutoff)]
    if common:
        scores += [_ratio(common, with_a, cutoff), _ratio(common, with_b, cutoff)]
    return max(scores)


def matches(a: str, b: str, threshold: float = THRESHOLD) -> bool:
    return similarity(a, b, threshold) >= threshold
