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
from assistant.visual.labels import labels

if TYPE_CHECKING:
    from assistant.retrieval import KnowledgeBase

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


MARKETS = ("b2b", "b2c")


def fits_market(card: Card, market: str | None, sub: str | None = None) -> bool:
    """Whether a card suits the map's market: a card about B2B only (topic `b2b`, not `b2c`)
    shows in B2B maps, one about B2C only in B2C maps; while the market is unknown, only the
    market question itself gets market cards."""
    tagged = {m for m in MARKETS if m in card.topics or card.id.startswith(f"{m}-")}
    if not tagged or tagged == set(MARKETS):
        return True
    if market in MARKETS:
        return market in tagged
    return sub == "market"


def footnote(card: Card, language: str) -> str:
    """The short cited footnote under a tip: the card's title (the Learn tab explains it in
    full), never its raw id."""
    return f"_({labels(language)['tips']['source']}: {card.title})_"


def tip_for_gap(gap: str, language: str, market: str | None) -> tuple[str, str] | None:
    """A short tip with its cited footnote, and its citation id, for the question about
    `gap` in `language`, or None. Only cards that fit the map's `market` are used."""
    field, stage_number, sub = _field_of(gap)
    cards = [c for c in cards_for_field(field, language) if fits_market(c, market, sub)]
    if not cards:
        return None
    if sub:
        topics = SUBFIELD_TOPICS.get(sub, ())
        specific = [c for c in cards if c.id in topics or set(c.topics) & set(topics)]
        cards = specific + [c for c in cards if c not in specific]
    # Rotate through the field's cards across stages so the same tip is not repeated 5 times.
    card = cards[max(stage_number - 1, 0) % len(cards)]
    note = footnote(card, language)
    return f"{summary(card, TIP_CHARS - len(note) - 1)} {note}", card.citation


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


def explain(topic: str, language: str, knowledge: KnowledgeBase) -> tuple[str, list[str]] | None:
    """An explanation of a concept from the best matching card, with its citation."""
    if not known_topic(topic):
        return None
    try:
        hits = knowledge.search(topic, k=1, language=language) or knowledge.search(topic, k=1)
    except Exception:  # noqa: BLE001 - a broken index must not break the interview
        return None
    if not hits:
        return None
    card = next((c for c in _cards() if c.citation == hits[0].id), None)
    if card is None:
        return f"{hits[0].title}: {hits[0].snippet}", [hits[0].id]
    return f"{summary(card, limit=600)} {footnote(card, language)}", [hits[0].id]
