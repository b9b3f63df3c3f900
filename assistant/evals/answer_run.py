"""Running the corpus through the guided engine, one fresh map per case, as `FORMAT.md` says:
map prepared (persona, stages), the question for `asked` asked, `previous` processed, `say`
sent, and the map diffed."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from assistant import completeness, prompts
from assistant.evals.answer_cases import (
    NO_FACT_INTENTS,
    STAGE_COMMANDS,
    AnswerCase,
    changed_items,
    expected_items,
    map_items,
)
from assistant.evals.answer_score import CaseResult, leaks, match_items, same
from assistant.gap import Gap
from assistant.guided import ideas_step
from assistant.session import Reply, Session, open_session
from assistant.settings import Settings, get_settings

OFFER_PAINS = {
    "en": ["slow replies from support", "hidden costs"],
    "pl": ["wolne odpowiedzi wsparcia", "ukryte koszty"],
    "it": ["risposte lente dell'assistenza", "costi nascosti"],
}
"""Pain points of the eval's own, so an accept/reject case has ideas on offer (six)."""


def gap_key(case: AnswerCase, session: Session) -> str:
    """The interview's gap for the case's `asked` field."""
    section, _, field = case.asked.partition(".")  # a corpus field key, not a gap key
    if section == "stages":
        return "stages"
    if section == "stage":
        names = [s.name.casefold() for s in session.map.stages]
        number = names.index((case.stage or "").casefold()) + 1 if case.stage else 1
        return f"stage:{number}:{field}"
    return f"{section}:{field}"


def _previous_gap(gap: str, session: Session) -> str | None:
    """The gap asked just before `gap` in the interview's order (for 'back')."""
    order: list[str] = [f"context:{f}" for f in completeness.CONTEXT_FIELDS]
    order += [f"persona:{f}" for f in completeness.PERSONA_ASKED_FIELDS]
    order.append("stages")
    for n in range(1, len(session.map.stages) + 1):
        order += [f"stage:{n}:{f}" for f in completeness.ASKED_STAGE_FIELDS]
    index = order.index(gap) if gap in order else 0
    return order[index - 1] if index > 0 else None


def _ask(session: Session, gap: str, before: str | None = None) -> None:
    """Make the interview's current question `gap` (and `before` the one asked earlier)."""
    state = session.state
    state.asked = Gap.parse(gap)
    state.history = [Gap.parse(g) for g in (before, gap) if g]


def _offer_ideas(session: Session, gap: str) -> list[str]:
    """Pain points of our own on the asked stage, then the ideas offer the engine shows."""
    number = completeness.stage_of(gap) or 1
    pains = OFFER_PAINS.get(session.language, OFFER_PAINS["en"])
    session.tools.call(
        "add_stage_items",
        {"stage": str(number), "field": "pain_points", "items": [{"text": p} for p in pains]},
    )
    turn = ideas_step.make_offer(session, number)
    if turn is None or turn.offer is None:
        return []
    session.state.offer = turn.offer
    return list(turn.offer.ids)


def _idea_statuses(session: Session, ids: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for stage in session.map.stages:
        for idea in stage.content_ideas:
            if idea.id in ids:
                out[idea.id] = idea.status
    return out


def run_case(case: AnswerCase, home: Path, settings: Settings) -> CaseResult:
    session = open_session(map=case.id.lower(), home=home, lang=case.lang, settings=settings)
    result = CaseResult(
        id=case.id, lang=case.lang, intent=case.intent, asked=case.asked, say=case.say
    )
    if case.persona:
        session.tools.call("set_persona", {"name": case.persona})
    if case.stages:
        session.tools.call("set_stages", {"names": list(case.stages)})
    gap = gap_key(case, session)
    _ask(session, gap, _previous_gap(gap, session))
    if case.previous:
        session.send(case.previous)
    offered = _offer_ideas(session, gap) if case.intent in ("accept_ideas", "reject_ideas") else []
    asked_now = session.state.asked
    before = session.map
    reply = session.send(case.say)
    after = session.map
    added, removed = changed_items(before, after)
    expected = expected_items(case, after)
    found, clean, garbage, missed = match_items(expected, added)
    result.expected, result.found, result.clean = len(expected), found, clean
    result.added, result.garbage = len(added), len(garbage)
    result.garbage_items = [f"{g.field}: {g.text}" for g in garbage]
    result.missed = [str(m) for m in missed]
    result.leaked = leaks(case.not_expected, map_items(after))
    result.reply = reply.text
    fields: dict[str, dict[str, int]] = {}
    for field, _, _ in expected:
        fields.setdefault(field, _zero())["expected"] += 1
    for item in added:
        fields.setdefault(item.field, _zero())["added"] += 1
    for item in garbage:
        fields[item.field]["garbage"] += 1
    _count_found(expected, added, fields)
    result.fields = fields
    result.intent_ok = _intent_ok(
        case, session, reply, before, after, added, removed, offered, asked_now, result
    )
    return result


def _zero() -> dict[str, int]:
    return {"expected": 0, "found": 0, "clean": 0, "added": 0, "garbage": 0}


def _count_found(expected: list, added: list, fields: dict[str, dict[str, int]]) -> None:
    by_field: dict[str, list] = {}
    for entry in expected:
        by_field.setdefault(entry[0], []).append(entry)
    for field, entries in by_field.items():
        found, clean, _, _ = match_items(entries, [a for a in added if a.field == field])
        fields[field]["found"] += found
        fields[field]["clean"] += clean


def _intent_ok(
    case: AnswerCase,
    session: Session,
    reply: Reply,
    before,
    after,
    added,
    removed,
    offered: list[str],
    asked_now: str | None,
    result: CaseResult,
) -> bool:
    names_before = [s.name for s in before.stages]
    names_after = [s.name for s in after.stages]
    nothing = not added and not removed and names_before == names_after
    intent = case.intent
    if intent in NO_FACT_INTENTS:
        ok = nothing
        if intent in ("dont_know", "skip"):
            ok = ok and reply.gap != asked_now
        if intent == "question":
            ok = ok and bool(reply.citations)
        return ok
    if intent in STAGE_COMMANDS or "stages" in case.expect:
        want = list(case.expect.get("stages", []))
        return (
            not added
            and len(want) == len(names_after)
            and all(
                same(a, b) and len(a) <= len(b) * 2 for a, b in zip(want, names_after, strict=True)
            )
        )
    if intent in ("accept_ideas", "reject_ideas"):
        statuses = _idea_statuses(session, offered)
        target = "accepted" if intent == "accept_ideas" else "rejected"
        changed = [s for s in statuses.values() if s == target]
        if intent == "reject_ideas" and "accepted" in statuses.values():
            return False
        return nothing and bool(offered) and bool(changed)
    if intent == "show_map":
        wanted = names_after or [after.persona.name or ""]
        return nothing and all(n in reply.text for n in wanted)
    if intent == "help":
        first = prompts.guided(case.lang)["messages"]["help"][:40]
        return nothing and first in reply.text
    if intent == "done":
        return nothing and reply.done
    if intent == "back":
        return nothing and reply.gap == _previous_gap(gap_key(case, session), session)
    if intent == "undo":
        return not added and not result.leaked and bool(removed)
    if intent in ("edit_item", "correction"):
        return not result.leaked and result.found == result.expected and result.garbage == 0
    # answer: something was recorded, all of it sensible
    return bool(added) and result.found > 0 and names_before == names_after


def run_corpus(
    cases: list[AnswerCase],
    settings: Settings | None = None,
    on_result: Callable[[CaseResult], None] | None = None,
) -> list[CaseResult]:
    settings = settings or get_settings()
    results = []
    with tempfile.TemporaryDirectory(prefix="journey-answers-") as home:
        settings = settings.model_copy(update={"home": Path(home), "model": "guided"})
        for case in cases:
            try:
                result = run_case(case, Path(home), settings)
            except Exception as exc:  # noqa: BLE001 - one broken case must not hide the rest
                result = CaseResult(
                    id=case.id, lang=case.lang, intent=case.intent, asked=case.asked, say=case.say
                )
                result.expected = sum(
                    len(v) if isinstance(v, list) else 1
                    for k, v in case.expect.items()
                    if k != "stages"
                )
                result.error = f"{type(exc).__name__}: {exc}"
            results.append(result)
            if on_result:
                on_result(result)
    return results
