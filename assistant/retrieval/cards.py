"""Knowledge cards: Markdown files with YAML front matter in `knowledge/`.

Front matter keys: id, title, topics, stages, language, fields, format, fits_stages.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import yaml

from assistant.resources import knowledge_dir

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?(.*)\Z", re.DOTALL)


class CardError(ValueError):
    """A card file that cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class Card:
    """One curated knowledge card."""

    id: str
    """Stable id, used in citations as `card:<id>`."""
    title: str
    """Human title of the card."""
    body: str
    """Markdown body (without front matter)."""
    language: str = "en"
    """Language of the card (one of `assistant.language.LANGUAGES`)."""
    topics: tuple[str, ...] = ()
    """Free topic tags."""
    stages: tuple[str, ...] = ()
    """Journey stages the card applies to (`all` for every stage)."""
    fields: tuple[str, ...] = ()
    """Map fields the card explains (e.g. touchpoints, pain_points)."""
    format: str | None = None
    """For content-format cards: the ContentFormat it describes (e.g. `webinar`)."""
    fits_stages: tuple[str, ...] = ()
    """For content-format cards: the stages the format fits best."""
    path: Path | None = field(default=None, compare=False)
    """File the card was read from."""

    @property
    def citation(self) -> str:
        """The citation id, e.g. `card:touchpoints`."""
        return f"card:{self.id}"

    @property
    def content_hash(self) -> str:
        """Hash of everything indexed from this card; a change triggers re-indexing it."""
        parts = [self.id, self.title, self.language, ",".join(self.stages), self.body]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def _tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value if v is not None)
    raise TypeError(f"expected a list, got {type(value).__name__}")


def parse_card(text: str, path: Path | None = None) -> Card:
    """A Card from the text of a Markdown file; CardError says what is wrong."""
    where = str(path) if path else "card"
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not match:
        raise CardError(f"{where}: no YAML front matter between '---' lines")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise CardError(f"{where}: front matter is not valid YAML ({exc})") from exc
    if not isinstance(meta, dict):
        raise CardError(f"{where}: front matter must be a mapping")
    missing = [key for key in ("id", "title") if not meta.get(key)]
    if missing:
        raise CardError(f"{where}: front matter lacks {', '.join(missing)}")
    try:
        return Card(
            id=str(meta["id"]),
            title=str(meta["title"]),
            body=match.group(2).strip(),
            language=str(meta.get("language") or "en"),
            topics=_tuple(meta.get("topics")),
            stages=_tuple(meta.get("stages")),
            fields=_tuple(meta.get("fields")),
            format=str(meta["format"]) if meta.get("format") else None,
            fits_stages=_tuple(meta.get("fits_stages")),
            path=path,
        )
    except TypeError as exc:
        raise CardError(f"{where}: {exc}") from exc


def load_cards(folder: Path) -> list[Card]:
    """Every card in `folder` (sorted by id); CardError on a bad file or a duplicate id."""
    cards: dict[str, Card] = {}
    for path in sorted(folder.glob("*.md")):
        card = parse_card(path.read_text(encoding="utf-8"), path)
        if card.id in cards:
            raise CardError(f"{path}: duplicate card id '{card.id}' (also {cards[card.id].path})")
        cards[card.id] = card
    return sorted(cards.values(), key=lambda c: c.id)


def card_passages(card: Card, max_chars: int = 700) -> list[str]:
    """The card split into passages small enough for MiniLM (256 tokens), each led by the title.

    Cards are a few paragraphs long; whole-card embeddings would be cut at 256 tokens, and
    prefixing the title keeps each passage about its card.
    """
    passages: list[str] = []
    current = ""
    for block in re.split(r"\n\s*\n", card.body):
        block = block.strip()
        if not block:
            continue
        if current and len(current) + len(block) > max_chars:
            passages.append(current)
            current = ""
        current = f"{current}\n\n{block}" if current else block
    if current:
        passages.append(current)
    return [f"{card.title}. {p}" for p in passages] or [card.title]


INDEX_VERSION = "2"  # bump when passage splitting changes, so every card is re-embedded


class CardCatalog:
    """A set of cards parsed once: by id, by format, and split into passages for search."""

    def __init__(self, cards: list[Card] | tuple[Card, ...]) -> None:
        self.cards: tuple[Card, ...] = tuple(sorted(cards, key=lambda c: c.id))
        self.by_id: dict[str, Card] = {card.id: card for card in self.cards}

    @classmethod
    def from_folder(cls, folder: Path) -> CardCatalog:
        """The cards of one folder (CardError on a bad file)."""
        return cls(load_cards(folder))

    def card(self, card_id: str) -> Card:
        """A card by id (a `card:` prefix is accepted); KeyError if unknown."""
        key = card_id.removeprefix("card:")
        if key not in self.by_id:
            raise KeyError(f"No knowledge card '{key}'.")
        return self.by_id[key]

    def for_format(self, fmt: str) -> list[Card]:
        """Cards describing a content format (front matter `format`), e.g. `webinar`."""
        return [c for c in self.cards if c.format == fmt]

    def formats_for_stage(self, stage: str) -> list[Card]:
        """Content-format cards whose `fits_stages` include `stage` (case-insensitive)."""
        wanted = stage.casefold()
        return [
            c for c in self.cards if c.format and wanted in (s.casefold() for s in c.fits_stages)
        ]

    @cached_property
    def passages(self) -> dict[str, tuple[Card, str]]:
        """Passage id (`<card id>#<n>`) -> (card, passage text), in card order."""
        return {
            f"{card.id}#{n}": (card, text)
            for card in self.cards
            for n, text in enumerate(card_passages(card))
        }

    @cached_property
    def digest(self) -> str:
        """Hash of every card's indexed content: the card index's cache key."""
        joined = "|".join(f"{c.id}:{c.content_hash}" for c in self.cards)
        return hashlib.sha256(f"{INDEX_VERSION}|{joined}".encode()).hexdigest()[:16]


@cache
def shipped_catalog() -> CardCatalog:
    """The cards in the project's `knowledge/`, parsed once per process: tips, the Learn
    tab, the idea formats and every workspace's knowledge base read this one catalog."""
    return CardCatalog.from_folder(knowledge_dir())


def shipped_cards() -> tuple[Card, ...]:
    """The shipped cards (of `shipped_catalog()`), sorted by id."""
    return shipped_catalog().cards
