"""Reading which gap a free-worded question (an LLM's reply) asks about, from the interview's
own field words and labels (`prompts/guided/<lang>.yaml`) and the map's stage names."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from assistant.evals.phrasing import Phrasebook

if TYPE_CHECKING:
    from assistant.schema import JourneyMap


def gap_from_wording(text: str, journey: JourneyMap, book: Phrasebook) -> str | None:
    """Which gap a free-worded question asks about: a field word (`touchpoints`, `pains`...)
    and a stage name, looked for in the last question first, then in the whole reply; None
    when the wording names no field."""
    questions = [q for q in re.split(r"(?<=\?)", text) if "?" in q]
    for scope in ([questions[-1]] if questions else []) + [text]:
        gap = _gap_in(scope, journey, book)
        if gap:
            return gap
    return None


def _gap_in(text: str, journey: JourneyMap, book: Phrasebook) -> str | None:
    sentence = re.sub(r"\([^)]*\)", " ", text.casefold())  # examples in brackets
    stage_number = None
    for number, stage in sorted(enumerate(journey.stages, 1), key=lambda p: -len(p[1].name)):
        if stage.name.casefold() in sentence:
            stage_number = number
            sentence = sentence.replace(stage.name.casefold(), " ")
            break
    best: tuple[int, str] | None = None
    for word, target in _field_words(book).items():
        match = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", sentence)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), target)
    if best is None:
        return None
    section, field = best[1].split(".", 1)
    if section == "*":
        section = "stage" if stage_number else "persona"
    if section == "stage":
        return f"stage:{stage_number}:{field}" if stage_number else None
    return f"{section}:{field}"


@cache
def _words_cache(language: str) -> dict[str, str]:
    book = Phrasebook(language)
    words: dict[str, str] = {}
    for section, key in (("context", "context_fields"), ("persona", "persona_fields")):
        for field, label in book.texts[key].items():
            words[str(label).casefold()] = f"{section}.{field}"
    for field, label in book.texts["stage_fields"].items():
        words[str(label).casefold()] = "*.goals" if field == "goals" else f"stage.{field}"
    for label, target in book.texts.get("labels", {}).items():
        words.setdefault(str(label).casefold(), str(target))
    return words


def _field_words(book: Phrasebook) -> dict[str, str]:
    return _words_cache(book.language)
