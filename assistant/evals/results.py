"""Eval results per scenario and overall, and the CI thresholds they are checked against."""

from __future__ import annotations

from pathlib import Path
from statistics import mean
from typing import Literal

import yaml
from pydantic import BaseModel, Field


class Turn(BaseModel):
    """One user message and what the assistant did with it."""

    asked: str | None
    """The gap the assistant had asked about when the user wrote."""
    user: str
    kind: str = "answer"
    """What the simulated user meant: answer, dont_know, skip, aside, correction, verdict."""
    reply_gap: str | None
    recorded: int
    """Changes the assistant confirmed this turn."""
    errors: list[str] = Field(default_factory=list)
    citations: list[str] = Field(default_factory=list)
    latency_ms: float
    tokens: int | None = None


class Metrics(BaseModel):
    """The figures of one scenario run."""

    recall: float
    """Brief items found on the map in the right place (fuzzy-matched), 0..1."""
    recalled: int
    brief_items: int
    recall_by_part: dict[str, float] = Field(default_factory=dict)
    core_recall: float = 0.0
    """Recall of the brief's core fields only (what a complete map must hold)."""
    detail_accuracy: float | None = None
    """Of recalled items with a detail (department, score, severity, risk): share correct."""
    user_facts: int
    """Items the map records as the user's facts."""
    invented: int
    """User facts that match nothing in the brief."""
    garbage: int = 0
    """User facts that match no brief item of their own stage and field (hedges, fragments,
    commands recorded, facts in the wrong field, made up)."""
    clean_share: float = 0.0
    """User facts whose whole text is close to a brief item of their place (no hedge kept)."""
    completed: bool
    """The assistant had nothing left to ask before the turn cap."""
    user_turns: int
    core_turns: int | None = None
    """User messages until the map was first complete (None: never complete)."""
    required_slots: int
    turns_per_slot: float
    percent: int
    """Final completeness of the map."""
    redundant_questions: int
    """Questions for a gap answered earlier (and still answered)."""
    reasked: int
    """Questions asked again right away because the answer recorded nothing."""
    stuck: int
    """Gaps the simulated user gave up on after answering twice."""
    asides_recorded: int = 0
    """Off-topic remarks the assistant recorded as answers (the user then undid them)."""
    ideas: int
    pain_points: int
    ideas_per_pain: float
    ideas_linked_share: float
    assistant_replies: int
    cited_share: float
    errors: int
    latency_ms_mean: float
    latency_ms_max: float
    tokens_per_turn: float | None = None
    user_tokens: int | None = None


class ScenarioResult(BaseModel):
    id: str
    language: str
    style: str
    status: Literal["ok", "skipped", "crashed"]
    reason: str = ""
    metrics: Metrics | None = None
    missed: list[str] = Field(default_factory=list)
    invented_items: list[str] = Field(default_factory=list)
    garbage_items: list[str] = Field(default_factory=list)
    error_samples: list[str] = Field(default_factory=list)
    transcript: list[Turn] = Field(default_factory=list)


class Summary(BaseModel):
    """Averages over the scenarios that ran (rates are per-scenario means)."""

    model: str
    user: str
    fuzzy: str
    scenarios: int
    ran: int
    recall: float = 0.0
    core_recall: float = 0.0
    detail_accuracy: float | None = None
    invented: int = 0
    invented_share: float = 0.0
    garbage: int = 0
    garbage_share: float = 0.0
    scenario_garbage_max: int = 0
    clean_share: float = 0.0
    completed_share: float = 0.0
    user_turns: float = 0.0
    core_turns: float | None = None
    """Mean user messages to a complete map, over the scenarios that reached one."""
    core_turns_max: int | None = None
    turns_per_slot: float = 0.0
    redundant_questions: int = 0
    reasked: int = 0
    stuck: int = 0
    asides_recorded: int = 0
    ideas_per_pain: float = 0.0
    ideas_linked_share: float = 0.0
    cited_share: float = 0.0
    errors: int = 0
    latency_ms_mean: float = 0.0
    tokens_per_turn: float | None = None


class EvalRun(BaseModel):
    summary: Summary
    results: list[ScenarioResult]


def summarise(results: list[ScenarioResult], model: str, user: str, fuzzy: str) -> Summary:
    ran = [r.metrics for r in results if r.status == "ok" and r.metrics is not None]
    summary = Summary(model=model, user=user, fuzzy=fuzzy, scenarios=len(results), ran=len(ran))
    if not ran:
        return summary
    details = [m.detail_accuracy for m in ran if m.detail_accuracy is not None]
    tokens = [m.tokens_per_turn for m in ran if m.tokens_per_turn is not None]
    facts = sum(m.user_facts for m in ran)
    cores = [m.core_turns for m in ran if m.core_turns is not None]
    return summary.model_copy(
        update={
            "recall": mean(m.recall for m in ran),
            "core_recall": mean(m.core_recall for m in ran),
            "core_turns": mean(cores) if cores else None,
            "core_turns_max": max(cores) if cores else None,
            "detail_accuracy": mean(details) if details else None,
            "invented": sum(m.invented for m in ran),
            "invented_share": sum(m.invented for m in ran) / facts if facts else 0.0,
            "garbage": sum(m.garbage for m in ran),
            "garbage_share": sum(m.garbage for m in ran) / facts if facts else 0.0,
            "scenario_garbage_max": max(m.garbage for m in ran),
            "clean_share": mean(m.clean_share for m in ran),
            "completed_share": mean(float(m.completed) for m in ran),
            "user_turns": mean(m.user_turns for m in ran),
            "turns_per_slot": mean(m.turns_per_slot for m in ran),
            "redundant_questions": sum(m.redundant_questions for m in ran),
            "reasked": sum(m.reasked for m in ran),
            "stuck": sum(m.stuck for m in ran),
            "asides_recorded": sum(m.asides_recorded for m in ran),
            "ideas_per_pain": mean(m.ideas_per_pain for m in ran),
            "ideas_linked_share": mean(m.ideas_linked_share for m in ran),
            "cited_share": mean(m.cited_share for m in ran),
            "errors": sum(m.errors for m in ran),
            "latency_ms_mean": mean(m.latency_ms_mean for m in ran),
            "tokens_per_turn": mean(tokens) if tokens else None,
        }
    )


def load_thresholds(path: Path, engine: str = "guided") -> dict[str, float]:
    """The thresholds of one engine from `evals/thresholds.yaml`."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): float(v) for k, v in (data.get(engine) or {}).items()}


def check(run: EvalRun, thresholds: dict[str, float]) -> list[str]:
    """Every threshold the run misses, as readable sentences ([] when all pass).

    Keys: `min_<summary field>` / `max_<summary field>` apply to the overall summary;
    `scenario_min_<metric>` / `scenario_max_<metric>` to every scenario that ran."""
    failures = []
    s = run.summary.model_dump()
    for key, limit in thresholds.items():
        scope, bound, name = _parse_key(key)
        if scope == "summary":
            failures += _compare(f"overall {name}", s.get(name), bound, limit)
            continue
        for result in run.results:
            if result.metrics is not None:
                value = result.metrics.model_dump().get(name)
                failures += _compare(f"{result.id} {name}", value, bound, limit)
    if run.summary.ran == 0:
        failures.append("no scenario ran")
    return failures


def _parse_key(key: str) -> tuple[str, str, str]:
    scope = "scenario" if key.startswith("scenario_") else "summary"
    rest = key.removeprefix("scenario_")
    bound, _, name = rest.partition("_")
    if bound not in ("min", "max") or not name:
        raise ValueError(f"Bad threshold key '{key}': use min_/max_/scenario_min_/scenario_max_.")
    return scope, bound, name


def _compare(what: str, value: object, bound: str, limit: float) -> list[str]:
    if value is None:
        return [f"{what} is missing (threshold {bound} {limit})"]
    number = float(value)  # type: ignore[arg-type]
    if bound == "min" and number < limit:
        return [f"{what} = {number:.3g} is below the minimum {limit:.3g}"]
    if bound == "max" and number > limit:
        return [f"{what} = {number:.3g} is above the maximum {limit:.3g}"]
    return []
