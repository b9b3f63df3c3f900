"""Optional fields, offered once the core of the map is filled, never demanded: the offer's
text and the reading of the reply ('decision points and milestones', 'all of them', 'no
thanks'). Words live in `prompts/guided/<lang>.yaml` (`optional:`); which fields are optional
is `completeness.OPTIONAL_FIELDS`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

from assistant import completeness, prompts
from assistant.guided import parse

if TYPE_CHECKING:
    from assistant.conversation import Conversation

Choice = list[str] | Literal["declined"]
"""The fields chosen (`OPTIONAL_FIELDS` names), or 'declined'."""

MAX_WORDS = 15
"""A reply to the offer is short; a longer message is an answer or a command, read as usual."""

OFFER_ORDER = (
    "decision_points",
    "milestones",
    "questions",
    "relief",
    "thoughts",
    "actions",
    "channels",
    "tone",
    "quantitative",
    "qualitative",
)
"""The order the offer lists the fields in: what most maps gain most from first."""


def label(t: dict[str, Any], field: str) -> str:
    """A field's name as the interview says it."""
    if field in t["stage_fields"] and field not in ("goals",):
        return str(t["stage_fields"][field])
    return str(t["persona_fields"].get(field, field))


def open_fields(session: Conversation) -> list[str]:
    """Optional fields still open and not yet chosen, in the offer's order."""
    state = session.state
    still = set(completeness.open_optional(session.map)) - set(state.optional)
    return [f for f in OFFER_ORDER if f in still]


def offer(session: Conversation) -> str | None:
    """The offer's line, or None when nothing optional is left or the person declined."""
    if session.state.optional_declined:
        return None
    fields = open_fields(session)
    if not fields:
        return None
    t = prompts.guided(session.language)
    names = [label(t, f) for f in fields]
    return prompts.fill(t["optional"]["offer"], fields=", ".join(names), example=names[0])


def read_choice(session: Conversation, answer: str) -> Choice | None:
    """The person's reply to the offer: fields named, 'all', 'no'; None when the message is
    something else (an answer, a labelled segment, a command) and is read as usual."""
    t = prompts.guided(session.language)
    words = t["optional"]
    if parse.find_labels(answer, t["labels"])[1]:
        return None
    text = " ".join(re.sub(r"[^\w'’+-]+", " ", answer.casefold()).split())
    if not text or len(text.split()) > MAX_WORDS:
        return None
    fields = open_fields(session)
    named = [f for f in fields if _mentions(text, _names(t, f))]
    if named:
        return named
    if _starts(text, words["none"]):
        return "declined"
    if _starts(text, words["all"]):
        return fields or "declined"
    return None


def _names(t: dict[str, Any], field: str) -> list[str]:
    names = [label(t, field), *t["optional"]["aliases"].get(field, [])]
    return sorted({str(n).casefold() for n in names}, key=len, reverse=True)


def _mentions(text: str, names: list[str]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text) for n in names)


def _starts(text: str, phrases: list[str]) -> bool:
    return any(
        re.match(rf"{re.escape(str(p).casefold())}(?!\w)", text)
        for p in sorted(phrases, key=len, reverse=True)
    )
