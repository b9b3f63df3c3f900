"""Evidence for a stage: research snippets that speak to it, offered as suggested items.

Pure and offline: snippets come from the map's research in the knowledge base; sentiment
comes from a rating column when the row has one, else from a small lexicon; the suggested
text is a clause of the snippet, so every suggestion is the customer's own words.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from assistant.retrieval.lexical import tokenize
from assistant.schema import JourneyMap, Stage

if TYPE_CHECKING:
    from assistant.retrieval import Hit, KnowledgeBase

MIN_SIMILARITY = 0.2  # cosine; below it a snippet is about something else (MiniLM scale)
RATING_KEYS = ("rating", "stars", "score", "rate", "ocena", "gwiazdki", "voto", "valutazione")
NEGATIVE = frozenset(
    re.findall(
        r"\w+",
        """
    nightmare awful terrible bad worst slow confusing confused hard difficult annoying annoyed
    frustrating frustrated broken bug bugs crash crashes error errors fail failed never late
    outdated expensive hidden cancel cancelled refund problem problems issue issues stuck lost
    sloppy disappointed disappointing unclear complicated waiting wait missing useless poor
    trudny trudne wolno wolny zly zle problem problemy blad bledy drogo drogie nie dziala
    frustrujace rozczarowany skomplikowane niejasne czekac czekalem koszmar
    difficile lento lenta confuso confusa problema problemi errore errori costoso caro
    deluso delusa complicato brutto pessimo attesa mai rotto
""",
    )
)
POSITIVE = frozenset(
    re.findall(
        r"\w+",
        """
    love loved great good easy quick quickly fast painless helpful clear simple saves saved
    value recommend excellent perfect happy relieved smooth friendly best nice
    latwo latwy szybko dobry dobre swietny polecam pomocny jasne prosty zadowolony
    facile veloce ottimo buono chiaro semplice consiglio utile contento perfetto
""",
    )
)
FEELINGS = {
    "en": {-2: "Very frustrated", -1: "Frustrated", 0: "Neutral", 1: "Satisfied", 2: "Delighted"},
    "pl": {
        -2: "Bardzo sfrustrowany",
        -1: "Sfrustrowany",
        0: "Neutralny",
        1: "Zadowolony",
        2: "Zachwycony",
    },
    "it": {
        -2: "Molto frustrato",
        -1: "Frustrato",
        0: "Neutrale",
        1: "Soddisfatto",
        2: "Entusiasta",
    },
}


@dataclass
class EvidenceSuggestion:
    """A suggested item for a stage, backed by research snippets."""

    field: Literal["pain_points", "questions", "emotions"]
    """The stage field the item would go into."""
    text: str
    """The suggested item, taken from the snippet."""
    evidence: list[str]
    """Citation ids of the snippets behind it, e.g. `doc:ab12cd34ef56ab78:0`."""
    stage: str
    """Name of the stage."""
    score: int | None = None
    """For emotions: -2 (very negative) .. +2 (very positive)."""
    snippet: str = ""
    """The snippet, to show next to the suggestion."""
    source: dict[str, Any] = dataclasses.field(default_factory=dict)
    """Where the snippet comes from: file, page, row, rating, date."""


def stage_query(stage: Stage) -> str:
    """The search text for a stage: its name and what the map says about it."""
    parts = [stage.name]
    for name in ("goals", "actions", "questions", "pain_points"):
        parts.extend(item.text for item in getattr(stage, name))
    return ". ".join(parts)[:1000]


def sentiment(hit: Hit) -> int:
    """-2..2 from the row's rating (1-5 or 0-10 scales) or else from the lexicon."""
    for key in RATING_KEYS:
        value = hit.metadata.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            if 1 <= value <= 5:
                return int(round(value)) - 3
            if 0 <= value <= 10:
                return max(-2, min(2, int(round((value - 5) / 2.5))))
    words = _words(hit.snippet)
    raw = sum(w in POSITIVE for w in words) - sum(w in NEGATIVE for w in words)
    return max(-2, min(2, raw))


def _words(text: str) -> list[str]:
    return tokenize(text)


def _clauses(text: str) -> list[str]:
    return [c.strip(" -–—\"'") for c in re.split(r"(?<=[.!?;])\s+|\n+", text) if c.strip()]


def _most_negative_clause(text: str) -> str:
    clauses = [c for c in _clauses(text) if not c.endswith("?")] or _clauses(text)
    return max(clauses, key=lambda c: sum(w in NEGATIVE for w in _words(c)))


def suggestions_from_hit(hit: Hit, stage: Stage, language: str = "en") -> list[EvidenceSuggestion]:
    """Pain point, question and emotion suggestions one snippet supports."""
    mood = sentiment(hit)
    source: dict[str, Any] = {
        k: hit.metadata[k] for k in ("file", "page", "row", "rating", "date") if k in hit.metadata
    }
    made: list[EvidenceSuggestion] = []

    def add(
        field_name: Literal["pain_points", "questions", "emotions"],
        text: str,
        score: int | None = None,
    ) -> None:
        made.append(
            EvidenceSuggestion(
                field_name, text.rstrip(".")[:300], [hit.id], stage.name, score, hit.snippet, source
            )
        )

    if mood < 0:
        add("pain_points", _most_negative_clause(hit.snippet))
    for clause in _clauses(hit.snippet):
        if clause.endswith("?"):
            add("questions", clause)
    if mood != 0:
        feeling = FEELINGS.get(language, FEELINGS["en"])[mood]
        add("emotions", f"{feeling}: {_clauses(hit.snippet)[0].rstrip('.')}", mood)
    return made


def suggest_for_stage(
    kb: KnowledgeBase, journey: JourneyMap, stage_ref: str | int, k: int = 6
) -> list[EvidenceSuggestion]:
    """Suggestions for one stage from the map's research (KeyError for an unknown stage)."""
    stage = journey.find_stage(stage_ref)
    hits = kb.search(
        stage_query(stage), k=k, kind="document", map_id=journey.id, method="dense"
    )  # dense: its cosine score gives a relevance floor
    existing = {
        item.text.casefold()
        for name in ("pain_points", "questions", "emotions")
        for item in getattr(stage, name)
    }
    seen: set[tuple[str, str]] = set()
    out: list[EvidenceSuggestion] = []
    for hit in hits:
        if hit.score < MIN_SIMILARITY:
            continue
        for suggestion in suggestions_from_hit(hit, stage, journey.language):
            key = (suggestion.field, suggestion.text.casefold())
            if key in seen or suggestion.text.casefold() in existing:
                continue
            seen.add(key)
            out.append(suggestion)
    return out
