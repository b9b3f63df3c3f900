"""Knowledge cards: Markdown files with YAML front matter in `knowledge/`.

Front matter keys: id, title, topics, stages, language, fields, format, fits_stages.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

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


@cache
def shipped_cards() -> tuple[Card, ...]:
    """The cards in the project's `knowledge/`, parsed once per process (tips, the Learn
    tab, the idea formats and every session's knowledge base read the same files)."""
    from assistant.resources import knowledge_dir

    return tuple(load_cards(knowledge_dir()))
