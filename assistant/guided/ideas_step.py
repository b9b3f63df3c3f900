"""The guided interview's idea step: offer ideas for a stage's pain points, then read the
user's verdict ('accept 1,3', 'yes', 'no', 'reject 2', 'more', 'later').

The offer does not block the interview: the next question is asked with it, and any other
answer closes the offer and is handled as usual (so scripted interviews are unaffected).

Offered ideas are saved as proposals the moment they are shown, so nothing depends on the
chat continuing; the verdict only changes their status through `set_idea_status`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant import prompts
from assistant.guided import parse
from assistant.ideas.generate import generate, pain_phrase
from assistant.ideas.patterns import load
from assistant.state import Offer
from tools.ideas import propose, set_status

if TYPE_CHECKING:
    from assistant.conversation import Conversation
    from tools.results import ToolResult

CHAT_PER_PAIN = 3
GENERAL_COMMANDS = ("help", "done", "show", "undo", "back", "why")
"""Interview commands that close the offer (ideas stay proposed) and then work as usual."""


@dataclass
class Turn:
    """The idea step's answer to one message."""

    lines: list[str]
    offer: Offer | None
    """The offer still open (same or a new batch), or None once the user decided."""
    results: list[ToolResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _texts(session: Conversation) -> dict[str, Any]:
    return prompts.guided(session.language)["ideas"]


def make_offer(session: Conversation, stage_number: int, fresh: bool = False) -> Turn | None:
    """Propose ideas for the stage's pain points and list them; None when there are none.

    Without `fresh`, pain points that already have ideas are left alone; with it ('more'),
    every pain point gets new ideas unlike any already on the stage.
    """
    journey = session.map
    plans = generate(
        journey,
        stage=stage_number,
        per_pain=CHAT_PER_PAIN,
        top_up=not fresh,
        language=session.language,
    )
    drafts = [d for plan in plans for d in plan.drafts]
    if not drafts:
        return None
    stage = journey.stages[stage_number - 1]
    # The offer is stored in the same transaction as the proposed ideas.
    session.state.offering("ideas", stage.id)
    try:
        saved = propose(session.tools, drafts)
    finally:
        session.state.offering(None)
    if not saved.ids:
        return Turn(saved.errors, None, errors=saved.errors)
    t = _texts(session)
    names = load(session.language).format_names
    lines = [prompts.fill(t["offer"], stage=stage.name)]
    pains = {p.id: p.text for p in stage.pain_points}
    current = None
    for n, draft in enumerate(saved.drafts, 1):
        if draft.pain_point_id != current:
            current = draft.pain_point_id
            lines.append(
                prompts.fill(t["pain"], pain=pain_phrase(pains.get(current, ""), session.language))
            )
        fmt = names.get(draft.format, draft.format)
        lines.append(prompts.fill(t["item"], n=n, format=fmt, title=draft.title))
    for plan in plans:  # pain points that say no problem yet ("Like I said") get none
        for group in plan.pains:
            if group.note == "unclear":
                note = load(session.language).export["unclear_chat"]
                lines.append(prompts.fill(note, pain=" ".join(group.pain.text.split())))
    lines.append(t["ask"])
    offer = Offer(kind="ideas", stage_id=stage.id, ids=saved.ids)
    return Turn(["\n".join(lines)], offer, saved.results, errors=saved.errors)


def reply(session: Conversation, offer: Offer, answer: str) -> Turn | None:
    """The user's verdict on an offer; None when the answer is something else (an interview
    command or the answer to the next question), which closes the offer."""
    t = _texts(session)
    words = t["words"]
    guided_words = prompts.guided(session.language)["words"]
    if any(parse.is_word(answer, guided_words[w]) for w in GENERAL_COMMANDS):
        return None
    if parse.is_word(answer, words["later"]):
        return Turn([prompts.fill(t["later"], map=session.map.name)], None)
    if parse.is_word(answer, words["more"]):
        number = offer.stage_number(session.map)
        more = make_offer(session, number, fresh=True) if number else None
        return more or Turn([t["no_more"]], None)
    decided = parse.verdict(answer, words, len(offer.ids))
    if decided is not None:
        if decided.wrong:
            wrong = ", ".join(map(str, decided.wrong))
            text = prompts.fill(t["bad_number"], numbers=wrong, max=len(offer.ids))
            return Turn([text, t["ask"]], offer)
        return decide(
            session,
            offer,
            [offer.ids[n - 1] for n in decided.accept],
            [offer.ids[n - 1] for n in decided.reject],
        )
    return None  # an answer to the next question: the ideas stay proposed


def decide(session: Conversation, offer: Offer, accept: list[str], reject: list[str]) -> Turn:
    t = _texts(session)
    turn = Turn([], None)
    lines: list[str] = []
    for ids, status, key in ((accept, "accepted", "accepted"), (reject, "rejected", "rejected")):
        if not ids:
            continue
        result = set_status(session.tools, ids, status)
        if result is None:
            continue
        turn.results.append(result)
        if result.ok:
            lines.append(prompts.fill(t[key], n=len(ids)))
        else:
            turn.errors.append(result.text)
            lines.append(result.refusal or result.text)
    turn.lines = [" ".join(lines)]
    return turn
