"""The guided interview's research step: 'evidence' lists what the team's research says about
the current stage as numbered suggestions (saved as pending, with their citations), and the
user accepts or rejects them ('accept 1,3', 'yes', 'no'); accepted items keep the link.

Like the ideas step it does not block: any other answer leaves the suggestions pending and is
handled as usual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant import prompts
from assistant.guided import parse
from assistant.state import Offer
from tools.context import ToolError
from tools.evidence_tools import suggest_from_research

if TYPE_CHECKING:
    from assistant.conversation import Conversation
    from tools.results import ToolResult


@dataclass
class EvidenceTurn:
    lines: list[str]
    offer: Offer | None
    """The research suggestions listed (kind 'research'), numbered from 1 in `ids` order."""
    results: list[ToolResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)


def _texts(session: Conversation) -> dict[str, Any]:
    return prompts.guided(session.language)["evidence"]


def has_research(session: Conversation) -> bool:
    """Cheap check first (no Chroma folder, no research), then ask the index."""
    if session.settings.chroma_url is None and not session.settings.chroma_path.exists():
        return False
    try:
        return session.context.knowledge.research_count(session.map.id) > 0
    except Exception:  # noqa: BLE001 - an unreadable index just means no hint
        return False


def offer(session: Conversation, stage_number: int) -> EvidenceTurn:
    """Write research-backed suggestions for a stage and list them."""
    t = _texts(session)
    stage_id = session.map.stages[stage_number - 1].id
    # The offer is stored in the same transaction as the suggestions.
    session.state.offering("research", stage_id)
    try:
        written = suggest_from_research(session.context, str(stage_number))
    except ToolError as exc:
        return EvidenceTurn([str(exc)], None, errors=[str(exc)])
    finally:
        session.state.offering(None)
    stage = session.map.stages[stage_number - 1].name
    if not written:
        return EvidenceTurn([prompts.fill(t["none"], stage=stage)], None)
    fields = prompts.guided(session.language)["stage_fields"]
    lines = [prompts.fill(t["offer"], stage=stage)]
    citations: list[str] = []
    for s in written:
        cite = ", ".join(s.evidence)
        citations.extend(s.evidence)
        lines.append(
            prompts.fill(
                t["item"], n=s.number, field=fields.get(s.field, s.field), text=s.text, cite=cite
            )
        )
    lines.append(t["ask"])
    last = session.context.last_result
    return EvidenceTurn(
        ["\n".join(lines)],
        Offer(kind="research", stage_id=stage_id, ids=[s.item_id for s in written]),
        results=[last] if last is not None and last.changed else [],
        citations=list(dict.fromkeys(citations)),
    )


def reply(session: Conversation, current: Offer, answer: str) -> EvidenceTurn | None:
    """The verdict on the listed suggestions; None when the answer is something else."""
    t = _texts(session)
    words = prompts.guided(session.language)["ideas"]["words"]
    decided = parse.verdict(answer, words, len(current.ids))
    if decided is None:
        return None
    if decided.wrong:
        return EvidenceTurn([prompts.fill(t["bad_number"], max=len(current.ids))], current)
    return _decide(
        session,
        [current.ids[n - 1] for n in decided.accept],
        [current.ids[n - 1] for n in decided.reject],
    )


def _decide(session: Conversation, accept: list[str], reject: list[str]) -> EvidenceTurn:
    t = _texts(session)
    turn = EvidenceTurn([], None)
    for ids, tool, key in (
        (accept, "accept_suggestion", "accepted"),
        (reject, "reject_suggestion", "rejected"),
    ):
        if not ids:
            continue
        result = session.tools.call(tool, {"item_ids": ids})
        turn.results.append(result)
        if result.ok:
            turn.lines.append(prompts.fill(t[key], n=len(ids)))
        else:
            turn.errors.append(result.text)
            turn.lines.append(result.refusal or result.text)
    return turn
