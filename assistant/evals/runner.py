"""Running scenarios: one fresh workspace per scenario, a simulated user answering until the
assistant has nothing left to ask, then the metrics of the conversation and the final map."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assistant import completeness
from assistant.evals import metrics as m
from assistant.evals.fuzzy import BACKEND
from assistant.evals.natural_user import NaturalUser
from assistant.evals.phrasing import Phrasebook
from assistant.evals.results import EvalRun, Metrics, ScenarioResult, Turn, summarise
from assistant.evals.scenario import Scenario
from assistant.evals.users import LLMUser, ScriptedUser, SimulatedUser
from assistant.session import Reply, Session, open_session
from assistant.settings import Settings, get_settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

Progress = Callable[[ScenarioResult], None]


def run_all(
    scenarios: list[Scenario],
    *,
    model: str = "guided",
    user_model: BaseChatModel | None = None,
    settings: Settings | None = None,
    on_result: Progress | None = None,
    user: str = "scripted",
) -> EvalRun:
    """Run every scenario (each in its own temporary workspace) and summarise. `user` is the
    simulated user without a model: `scripted` (the deterministic regression check, in the
    engine's grammar) or `natural` (hedges, several facts per message, corrections...)."""
    results = []
    for scenario in scenarios:
        result = run_scenario(
            scenario, model=model, user_model=user_model, settings=settings, user=user
        )
        results.append(result)
        if on_result:
            on_result(result)
    who = "llm" if user_model is not None else user
    return EvalRun(summary=summarise(results, model, who, BACKEND), results=results)


def run_scenario(
    scenario: Scenario,
    *,
    model: str = "guided",
    user_model: BaseChatModel | None = None,
    settings: Settings | None = None,
    max_turns: int | None = None,
    user: str = "scripted",
) -> ScenarioResult:
    """One interview with a simulated user; a crash is reported, never raised."""
    base = {"id": scenario.id, "language": scenario.language, "style": scenario.style}
    try:
        book = Phrasebook(scenario.language)
    except (OSError, ValueError) as exc:
        reason = f"no guided interview texts for '{scenario.language}' ({exc})"
        return ScenarioResult(**base, status="skipped", reason=reason)
    guided = model.strip().casefold() == "guided"
    player: SimulatedUser
    if user_model is not None:
        player = LLMUser(scenario, user_model, book)
    elif user == "natural":
        player = NaturalUser(scenario, book)
    else:
        player = ScriptedUser(scenario, book, read_wording=not guided)
    settings = settings or get_settings()
    with tempfile.TemporaryDirectory(prefix=f"journey-eval-{scenario.id}-") as home:
        try:
            session = open_session(
                map=scenario.id,
                home=home,
                new=True,
                lang=scenario.language,
                model=model,
                settings=settings,
            )
            cap = max_turns or 4 * _asked_slots(scenario) + 30
            transcript, replies, core_turns, asked_turns = _converse(session, player, cap)
        except Exception as exc:  # an eval reports a crash and moves on to the next scenario
            return ScenarioResult(**base, status="crashed", reason=f"{type(exc).__name__}: {exc}")
        journey = session.map
    if_words = list(book.words["if"])
    rec = m.recall(scenario, journey, if_words)
    core = m.recall(scenario, journey, if_words, core_only=True)
    made_up = m.invented(scenario, journey, if_words)
    placed = m.placement(scenario, journey, if_words)
    n_ideas, n_pains, linked = m.ideas(journey)
    final = completeness.status(journey)
    turns = len(transcript)
    latencies = [t.latency_ms for t in transcript] or [0.0]
    tokens = [t.tokens for t in transcript if t.tokens is not None]
    errors = [e for t in transcript for e in t.errors]
    metrics = Metrics(
        recall=rec.recalled / rec.total if rec.total else 0.0,
        recalled=rec.recalled,
        brief_items=rec.total,
        recall_by_part=rec.by_part,
        core_recall=core.recalled / core.total if core.total else 0.0,
        detail_accuracy=rec.detail_correct / rec.detail_checked if rec.detail_checked else None,
        user_facts=len(m.map_facts(journey)),
        invented=len(made_up),
        garbage=len(placed.garbage),
        clean_share=placed.clean / placed.total if placed.total else 0.0,
        completed=bool(replies) and replies[-1].gap is None,
        user_turns=turns,
        core_turns=core_turns,
        required_slots=final.total,
        # the core interview: messages until nothing core was left to ask, per core slot
        turns_per_slot=(asked_turns or turns) / final.total if final.total else 0.0,
        percent=final.percent,
        redundant_questions=sum(1 for t in transcript if t.asked == "redundant"),
        reasked=_reasked(transcript),
        stuck=getattr(player, "stuck", 0),
        asides_recorded=getattr(player, "asides_recorded", 0),
        ideas=n_ideas,
        pain_points=n_pains,
        ideas_per_pain=n_ideas / n_pains if n_pains else 0.0,
        ideas_linked_share=linked / n_ideas if n_ideas else 0.0,
        assistant_replies=len(replies),
        cited_share=sum(1 for r in replies if r.citations) / len(replies) if replies else 0.0,
        errors=len(errors),
        latency_ms_mean=sum(latencies) / len(latencies),
        latency_ms_max=max(latencies),
        tokens_per_turn=sum(tokens) / len(tokens) if tokens else None,
        user_tokens=getattr(player, "tokens", None),
    )
    return ScenarioResult(
        **base,
        status="ok",
        metrics=metrics,
        missed=rec.missed,
        invented_items=made_up,
        garbage_items=placed.garbage,
        error_samples=errors[:10],
        transcript=transcript,
    )


def _converse(
    session: Session, user: SimulatedUser, cap: int
) -> tuple[list[Turn], list[Reply], int | None, int | None]:
    """Alternate user and assistant until the user stops (nothing is asked and nothing more
    to add: a user may still answer the offer of optional fields), 'done', or the cap.
    Also returns the user messages after which the map was first complete, and after which
    nothing core was first left to ask (complete, or the rest skipped)."""
    reply = session.start()
    replies = [reply]
    transcript: list[Turn] = []
    answered: set[str] = set()
    core_turns: int | None = None
    asked_turns: int | None = None
    while not reply.done and len(transcript) < cap:
        message = user.answer(reply, session.map)
        if message is None:
            break
        asked = reply.gap
        started = time.perf_counter()
        reply = session.send(message)
        elapsed = (time.perf_counter() - started) * 1000
        replies.append(reply)
        journey = session.map
        if asked and _settled(journey, asked):
            answered.add(asked)
        redundant = bool(reply.gap in answered and reply.gap and _settled(journey, reply.gap))
        transcript.append(
            Turn(
                asked="redundant" if redundant else asked,
                user=message,
                kind=getattr(user, "kind", "answer"),
                reply_gap=reply.gap,
                recorded=len(reply.recorded),
                errors=list(reply.errors),
                citations=list(reply.citations),
                latency_ms=round(elapsed, 2),
                tokens=_tokens(reply, session),
            )
        )
        if core_turns is None and reply.status.complete:
            core_turns = len(transcript)
        if asked_turns is None and reply.gap is None:
            asked_turns = len(transcript)
    return transcript, replies, core_turns, asked_turns


def _settled(journey: Any, gap: str) -> bool:
    """Answered: filled or skipped."""
    try:
        return completeness.filled(journey, gap) or completeness.is_skipped(journey, gap)
    except (ValueError, IndexError):
        return False


def _reasked(transcript: list[Turn]) -> int:
    """Answers that recorded nothing and got the same question again."""
    return sum(
        1
        for t in transcript
        if t.kind == "answer" and t.asked and t.reply_gap == t.asked and t.recorded == 0
    )


def _tokens(reply: Reply, session: Session) -> int | None:
    """Tokens of this turn when the engine reports usage (`reply.usage` or the agent's
    `engine.last_usage`: total_tokens, or input_tokens + output_tokens); None otherwise."""
    usage = getattr(reply, "usage", None) or getattr(session.engine, "last_usage", None)
    if usage is None:
        return None

    def field(name: str) -> int | None:
        value = usage.get(name) if isinstance(usage, dict) else getattr(usage, name, None)
        return int(value) if isinstance(value, int | float) else None

    total = field("total_tokens")
    if total is None:
        parts = [field("input_tokens"), field("output_tokens")]
        total = sum(p for p in parts if p is not None) if any(parts) else None
    return total


def _asked_slots(scenario: Scenario) -> int:
    per_stage = sum(1 for s in completeness.STAGE_SLOTS if s.asked)
    return 5 + 8 + 1 + per_stage * max(len(scenario.stages), 5)
