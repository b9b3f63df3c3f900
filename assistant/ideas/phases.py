"""Which journey phase a map's stage is, and which content formats fit it.

The format knowledge cards (`knowledge/format-*.md`) say which phases each format fits
(`fits_stages` among awareness, consideration, decision, purchase, onboarding, loyalty). A map
names its stages freely ("Look for options", "Porównanie ofert"), so each stage is placed on
that six-phase line in two steps:

1. **Position.** Stage i of n sits at `i * 5 / (n - 1)` on the line 0 (awareness) .. 5
   (loyalty); a one-stage map sits in the middle (consideration). With the five default stages
   this gives awareness, consideration, decision/purchase, onboarding, loyalty.
2. **Keywords.** Words in the stage name that start with a phase keyword
   (`prompts/ideas/phases.yaml`, in en/pl/it) name candidate phases. The matched phase nearest
   the positional guess is the stage's primary phase and the other matched phases are kept as
   secondary ones ("Compare and decide" is decision first, consideration second). Without a
   keyword match the positional phase stands alone.

A format fits a stage when its card lists the primary or a secondary phase.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from assistant.resources import prompts_dir
from assistant.retrieval.cards import Card, shipped_cards

PHASES = ("awareness", "consideration", "decision", "purchase", "onboarding", "loyalty")


@dataclass(frozen=True)
class FormatCard:
    """A format knowledge card reduced to what idea generation needs."""

    format: str
    """The ContentFormat the card describes."""
    card_id: str
    """Card id (cite it as `card:<id>`)."""
    title: str
    """Card title."""
    fits: tuple[str, ...]
    """Phases the format fits."""
    summary: str
    """First paragraph of the card: why the format works, used to ground the LLM."""


@dataclass(frozen=True)
class StagePhases:
    """Where a stage sits on the six-phase line."""

    primary: str
    """The phase that best describes the stage."""
    secondary: tuple[str, ...] = ()
    """Other phases the stage name also points to."""

    @property
    def all(self) -> tuple[str, ...]:
        return (self.primary, *self.secondary)


@cache
def phase_data() -> dict[str, Any]:
    """`prompts/ideas/phases.yaml`: keywords and preferred formats per phase."""
    with (prompts_dir() / "ideas" / "phases.yaml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    phases = data.get("phases") if isinstance(data, dict) else None
    if not isinstance(phases, dict) or set(phases) != set(PHASES):
        raise ValueError(f"prompts/ideas/phases.yaml must define exactly: {', '.join(PHASES)}.")
    return phases


@cache
def format_cards() -> dict[str, FormatCard]:
    """Format -> its knowledge card, read straight from `knowledge/` (no embedding index)."""
    cards: dict[str, FormatCard] = {}
    for card in shipped_cards():
        if card.format and card.fits_stages:
            cards[card.format] = _format_card(card)
    return cards


def _format_card(card: Card) -> FormatCard:
    summary = card.body.split("\n\n", 1)[0].strip()
    fits = tuple(s for s in card.fits_stages if s in PHASES)
    return FormatCard(card.format or "", card.id, card.title, fits, summary)


def _words(text: str) -> list[str]:
    clean = unicodedata.normalize("NFKC", text).casefold()
    return re.findall(r"\w+", clean)


def keyword_phases(name: str) -> list[str]:
    """Phases whose keywords start a word of the stage name, in phase order."""
    words = _words(name)
    joined = " ".join(words)
    found = []
    for phase, entry in phase_data().items():
        keywords = [k for lang in entry["keywords"].values() for k in lang]
        for key in keywords:
            key = key.casefold()
            hit = (" " in key and f" {key}" in f" {joined}") or any(
                w.startswith(key) for w in words
            )
            if hit:
                found.append(phase)
                break
    return found


def stage_phases(name: str, index: int, count: int) -> StagePhases:
    """The phases of stage `index` (0-based) of `count`, from its position and name."""
    last = len(PHASES) - 1
    position = last / 2 if count <= 1 else index * last / (count - 1)
    matched = keyword_phases(name)
    if not matched:
        return StagePhases(PHASES[min(last, round(position))])
    ordered = sorted(matched, key=lambda p: (abs(PHASES.index(p) - position), PHASES.index(p)))
    return StagePhases(ordered[0], tuple(ordered[1:]))


def fitting_formats(phases: StagePhases) -> dict[str, int]:
    """Formats that fit the stage -> 2 when they fit its primary phase, 1 for a secondary one."""
    fit: dict[str, int] = {}
    for fmt, card in format_cards().items():
        if phases.primary in card.fits:
            fit[fmt] = 2
        elif any(p in card.fits for p in phases.secondary):
            fit[fmt] = 1
    return fit


def preference(phase: str, fmt: str) -> float:
    """0..1: how early `fmt` comes in the phase's `best` list (1 = first, 0 = absent)."""
    best = list(phase_data()[phase].get("best") or [])
    if fmt not in best:
        return 0.0
    return 1 - best.index(fmt) / len(best)
