"""The Learn tab: a sample map to explore and the knowledge cards as concept explanations."""

from __future__ import annotations

from functools import cache

from assistant.retrieval.cards import Card, shipped_cards
from assistant.web import views
from assistant.web.sample import sample_map

FIRST_CONCEPT = "what-is-a-journey-map"


@cache
def cards(language: str = "en") -> dict[str, Card]:
    """The knowledge cards of one language by id (format cards included)."""
    return {c.id: c for c in shipped_cards() if c.language == language}


def concept_choices(language: str = "en") -> list[tuple[str, str]]:
    """(title, id) for the concept dropdown: concepts first, then content formats; in another
    language its own cards come first, then the English ones (marked EN)."""

    def listed(found: list[Card], mark: str) -> list[tuple[str, str]]:
        concepts = sorted((c for c in found if not c.format), key=lambda c: c.title)
        formats = sorted((c for c in found if c.format), key=lambda c: c.title)
        return [(f"{c.title}{mark}", c.id) for c in concepts] + [
            (f"Format: {c.title}{mark}", c.id) for c in formats
        ]

    own = listed(list(cards(language).values()), "")
    if language == "en":
        return own
    return own + listed(list(cards("en").values()), " (EN)")


def concept_first(language: str = "en") -> str:
    """The concept shown first: what a journey map is in English, else the language's first."""
    return FIRST_CONCEPT if language == "en" else concept_choices(language)[0][1]


def concept_text(card_id: str | None, language: str = "en") -> str:
    """A card's explanation with its citation, or a hint when nothing is chosen."""
    card = cards(language).get(card_id or "") or cards("en").get(card_id or "")
    if card is None:
        return "Pick a concept to read what it means and how to fill it in."
    return views.concept_markdown(card, language)


def sample_panel() -> str:
    """The sample map, drawn like the live one."""
    return views.map_panel(sample_map(), editable=False)
