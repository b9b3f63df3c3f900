"""Cited advice for the guided interview: a short tip next to each question, and answers to
"what is a touchpoint?" from the knowledge cards.

Tips are picked from the cards' front matter (`fields`, `language`), not by embedding search,
so a guided turn stays fast and deterministic; "what is ...?" questions use real retrieval.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from assistant.gap import Gap
from assistant.retrieval.cards import Card, shipped_cards

if TYPE_CHECKING:
    from assistant.session import Session

TIP_CHARS = 220


@cache
def _cards() -> tuple[Card, ...]:
    return shipped_cards()


def summary(card: Card, limit: int = TIP_CHARS) -> str:
    """The card's first paragraph (its self-contained summary), cut at a sentence if long."""
    first = re.split(r"\n\s*\n", card.body.strip(), maxsplit=1)[0]
    text = " ".join(re.sub(r"[*_`#>]", "", first).split())
    if len(text) <= limit:
        return text
    sentences = re.split(r"(?<=[.!?])\s+", text)
    out = ""
    for sentence in sentences:
        if len(out) + len(sentence) + 1 > limit:
            break
        out = f"{out} {sentence}".strip()
    return out or text[: limit - 1].rstrip() + "…"


# Card topics that fit a context or persona question better than the section's general cards.
SUBFIELD_TOPICS = {
    "company": ("what-is-a-journey-map",),
    "product": ("context",),
    "market": ("b2b", "b2c"),
    "purpose": ("purpose", "ideation", "launch"),
    "destination": ("destination",),
    "name": ("segmentation",),
    "role": ("decision-makers",),
    "quantitative": ("quantitative",),
    "qualitative": ("qualitative", "reviews"),
    "goals": ("research",),
    "challenges": ("reviews",),
    "channels": ("channels",),
    "tone": ("tone",),
}


def _field_of(gap: str) -> tuple[str, int, str | None]:
    g = Gap.parse(gap)
    if g.section == "stage":
        return str(g.field), g.stage or 0, None
    if g.section == "stages":
        return "stages", 0, None
    return g.section, 0, g.field  # context / persona, with the sub-field


def cards_for_field(field: str, language: str) -> list[Card]:
    """Cards that explain a map field, in the language (else English), most specific first."""
    for lang in dict.fromkeys((language, "en")):
        found = [c for c in _cards() if field in c.fields and c.language == lang and not c.format]
        if found:
            # The field a card lists first is what it is mainly about; a card named after the
            # field next; then the most specific.
            slug = field.replace("_", "-")
            return sorted(
                found,
                key=lambda c: (c.fields[0] != field, slug not in c.id, len(c.fields), c.id),
            )
    return []


def tip_for_gap(session: Session, gap: str) -> tuple[str, str] | None:
    """A short tip and its citation id for the question about `gap`, or None."""
    field, stage_number, sub = _field_of(gap)
    cards = cards_for_field(field, session.language)
    if not cards:
        return None
    if sub:
        topics = SUBFIELD_TOPICS.get(sub, ())
        specific = [c for c in cards if c.id in topics or set(c.topics) & set(topics)]
        cards = specific + [c for c in cards if c not in specific]
    # Rotate through the field's cards across stages so the same tip is not repeated 5 times.
    card = cards[max(stage_number - 1, 0) % len(cards)]
    return summary(card), card.citation


@cache
def _vocabulary() -> frozenset[str]:
    """Stems of the words the cards are about (topics, fields, ids; titles are too wordy)."""
    words: set[str] = set()
    for card in _cards():
        text = " ".join((*card.topics, *card.fields, card.id)).replace("_", " ").replace("-", " ")
        words.update(_stem(w) for w in re.findall(r"\w{4,}", text.casefold()))
    return frozenset(words)


def _stem(word: str) -> str:
    return word[:6]


def known_topic(topic: str) -> bool:
    """Whether a 'what is ...?' question is about something the cards cover (so 'what is the
    weather like?' is treated as an answer, not a request for advice)."""
    stems = {_stem(w) for w in re.findall(r"\w{4,}", topic.casefold())}
    return bool(stems & _vocabulary())


def explain(session: Session, topic: str) -> tuple[str, list[str]] | None:
    """An explanation of a concept from the best matching card, with its citation."""
    from tools.context import ToolContext

    if not known_topic(topic):
        return None
    ctx: ToolContext = session.context
    try:
        hits = ctx.knowledge.search(topic, k=1, language=session.language) or ctx.knowledge.search(
            topic, k=1
        )
    except Exception:  # noqa: BLE001 - a broken index must not break the interview
        return None
    if not hits:
        return None
    card = next((c for c in _cards() if c.citation == hits[0].id), None)
    text = summary(card, limit=600) if card else hits[0].snippet
    return f"{hits[0].title}: {text} {hits[0].cite()}", [hits[0].id]
