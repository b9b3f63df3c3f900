"""The language data of natural answers (`prompts/guided/natural/<lang>.yaml`), loaded once and
compiled: phrase lists become whole-word regular expressions.

Hand-written matching on purpose: no library reads this small interview grammar in three
languages offline, and data files keep every word out of the code."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from assistant.resources import prompts_dir


@cache
def data(language: str) -> dict[str, Any]:
    """The natural-answer data of a language; English fills keys a language leaves out."""
    base = _load("en")
    if language == "en":
        return base
    local = _load(language)
    return {**base, **local}


def _load(language: str) -> dict[str, Any]:
    path = prompts_dir() / "guided" / "natural" / f"{language}.yaml"
    if not path.exists():
        return {}
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def phrase_regex(phrases: list[str]) -> str:
    """One alternation of phrases as whole words, longest first; spaces match any whitespace
    and an optional comma ('wydaje mi się, że' = 'wydaje mi się że')."""
    cleaned = sorted({str(p).strip() for p in phrases if str(p).strip()}, key=len, reverse=True)
    parts = []
    for phrase in cleaned:
        words = [re.escape(w) for w in phrase.split()]
        body = r",?\s+".join(words).replace("'", "['’]")
        parts.append(body)
    return "|".join(parts) or r"(?!x)x"


@cache
def patterns(language: str, key: str) -> tuple[re.Pattern[str], ...]:
    """The compiled regular expressions of a list key (`dont_know`, `skip`...)."""
    values = data(language).get(key) or []
    return tuple(re.compile(v, re.IGNORECASE) for v in values)


def any_match(language: str, key: str, text: str) -> re.Match[str] | None:
    for pattern in patterns(language, key):
        found = pattern.search(text)
        if found:
            return found
    return None


@cache
def lead_in_re(language: str) -> re.Pattern[str]:
    """Lead-ins and hedges at the start, followed by punctuation or a space."""
    body = phrase_regex(data(language).get("lead_ins", []))
    # a sign before a digit is a score's, not punctuation: 'tipo -1' keeps '-1'
    return re.compile(rf"^\s*(?:{body})(?:\s*[,.:;!?…–—-]+(?![0-9])\s*|\s+|$)", re.IGNORECASE)


@cache
def trailer_re(language: str) -> re.Pattern[str]:
    """Hedges and remarks at the end of a part."""
    body = phrase_regex(data(language).get("trailers", []))
    return re.compile(rf"(?:^|[\s,;:–—-]+)(?:{body})\s*[.!?…]*\s*$", re.IGNORECASE)


@cache
def words_re(language: str, key: str) -> re.Pattern[str]:
    """Whole-word alternation of a phrase list key."""
    body = phrase_regex(_flat(data(language).get(key, [])))
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])", re.IGNORECASE)


def _flat(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [w for v in value.values() for w in _flat(v)]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


@cache
def severity_levels(language: str) -> tuple[tuple[int, re.Pattern[str]], ...]:
    """(level, whole-word pattern), low first: 'not a big deal' holds 'big'."""
    levels = data(language).get("severity", {})
    order = (("low", 1), ("medium", 2), ("high", 3))
    return tuple(
        (n, re.compile(rf"(?<![\w])(?:{phrase_regex(levels.get(k, []))})(?![\w])", re.I))
        for k, n in order
    )


@cache
def risk_levels(language: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    levels = data(language).get("risk", {})
    return tuple(
        (k, re.compile(rf"(?<![\w])(?:{phrase_regex(levels.get(k, []))})(?![\w])", re.I))
        for k in ("low", "medium", "high")
    )
