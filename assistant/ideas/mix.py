"""The format mix a map asks for: from its purpose, its market and its persona's role.

The format cards decide which formats fit a stage; the mix decides which of those the team
gets most of:

- **Purpose.** Formats the purpose names ("ideas for the blog and the email newsletter") are
  the team's own plan: they fit every stage (a newsletter issue can serve any phase) and fill
  two thirds of each pain point's ideas (`PURPOSE_SHARE`), the rest stays varied.
- **Market and role.** A B2B map ranks white papers, webinars and case studies higher, and
  more so when the persona is a technical or executive buyer (an IT manager, a CIO); a B2C
  map ranks social posts, short videos and emails higher and gated white papers lower.
- **Channels.** The persona's channels add weight in `generate.py` (a format reaching the
  persona through one of its channels ranks higher).

Words are data in `prompts/ideas/mix.yaml`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

from assistant.resources import prompts_dir
from assistant.schema import JourneyMap

PURPOSE_SHARE = 2 / 3
"""Share of each pain point's ideas given to the formats the purpose names."""


@dataclass(frozen=True)
class Mix:
    """What the map asks of the format mix."""

    purpose: tuple[str, ...] = ()
    """Formats the purpose names, in the order it names them."""
    bonus: dict[str, float] = field(default_factory=dict)
    """Extra ranking weight per format from the market and the persona's role."""


@cache
def _data() -> dict[str, Any]:
    with (prompts_dir() / "ideas" / "mix.yaml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not isinstance(data.get("purpose_words"), dict):
        raise ValueError("prompts/ideas/mix.yaml needs a 'purpose_words' mapping.")
    return data


def _norm(text: str) -> str:
    clean = unicodedata.normalize("NFKC", text).casefold()
    return " " + " ".join(re.findall(r"[\w+-]+", clean)) + " "


def _mentions(text: str, word: str) -> bool:
    key = _norm(word).strip() if word.strip() else ""
    if not key:
        return False
    if word.startswith(" ") and word.endswith(" "):
        return f" {key} " in text
    return f" {key}" in text


def purpose_formats(purpose: str | None) -> tuple[str, ...]:
    """Formats the purpose names, in the order they appear in it."""
    if not purpose:
        return ()
    text = _norm(purpose)
    found: list[tuple[int, str]] = []
    for fmt, words in _data()["purpose_words"].items():
        positions = [text.find(_norm(w).strip()) for w in words if _mentions(text, w)]
        if positions:
            found.append((min(p for p in positions if p >= 0), fmt))
    return tuple(fmt for _, fmt in sorted(found))


def format_mix(journey: JourneyMap) -> Mix:
    """The mix for this map (see the module docstring)."""
    data = _data()
    bonus: dict[str, float] = {}
    market = journey.context.market
    for fmt, weight in (data.get("market", {}).get(market or "", {}) or {}).items():
        bonus[fmt] = bonus.get(fmt, 0.0) + float(weight)
    role = _norm(journey.persona.role or "")
    roles = data.get("buyer_roles", {})
    if market != "b2c" and any(_mentions(role, w) for w in roles.get("words", [])):
        for fmt, weight in roles.get("formats", {}).items():
            bonus[fmt] = bonus.get(fmt, 0.0) + float(weight)
    return Mix(purpose_formats(journey.context.purpose), bonus)
